//! The generated Rust REST client (`upwire generate`'s src/redis_client.rs, verbatim) through
//! `upwire serve`: the Rust side of bench/client.sh, the same workload as node.mjs.
//!   sequential  OPS commands, one request each, each awaited before the next: SET and GET
//!               alternating over 100 keys (each GET reads the SET before it) with a 32-byte value;
//!   pipelined   the same OPS commands, BATCH per request (`RestClient::pipeline`).
//! Usage: bench-client MODE OPS BATCH   (URL and token from the UPSTASH_REDIS_REST_* variables)
//! Prints one JSON line: {"client", "config", "mode", "ops", "seconds", "ops_per_sec"}.

mod redis_client;

use std::time::Instant;

use redis_client::{Error, RestClient};

const VALUE: &str = "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv";

async fn sequential(redis: &RestClient, keys: &[String], n: usize) -> Result<(), Error> {
    for i in 0..n {
        let key = &keys[i / 2 % keys.len()];
        if i % 2 == 0 {
            redis.set(key, VALUE).await?;
        } else if redis.get(key).await?.as_deref() != Some(VALUE) {
            return Err(Error::Config(format!("GET {key}: unexpected value")));
        }
    }
    Ok(())
}

async fn pipelined(
    redis: &RestClient,
    keys: &[String],
    n: usize,
    batch: usize,
) -> Result<(), Error> {
    let mut done = 0;
    while done < n {
        let end = (done + batch).min(n);
        let commands: Vec<Vec<&str>> = (done..end)
            .map(|i| {
                let key = keys[i / 2 % keys.len()].as_str();
                if i % 2 == 0 {
                    vec!["SET", key, VALUE]
                } else {
                    vec!["GET", key]
                }
            })
            .collect();
        let commands: Vec<&[&str]> = commands.iter().map(Vec::as_slice).collect();
        let replies = redis.pipeline(&commands).await?;
        if replies.len() != end - done {
            return Err(Error::Config("short pipeline reply".to_owned()));
        }
        if let Some(Err(e)) = replies.into_iter().find(Result::is_err) {
            return Err(e);
        }
        done = end;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (mode, ops, batch) = match args.as_slice() {
        [_, mode, ops, batch] => (mode.clone(), ops.parse::<usize>()?, batch.parse::<usize>()?),
        _ => return Err("usage: bench-client sequential|pipelined OPS BATCH".into()),
    };
    let redis = RestClient::from_env()?;
    let keys: Vec<String> = (0..100).map(|i| format!("bench:{i}")).collect();
    let run = async |n: usize| match mode.as_str() {
        "pipelined" => pipelined(&redis, &keys, n, batch).await,
        _ => sequential(&redis, &keys, n).await,
    };
    // Warm-up: connection pool, page faults.
    run(ops.min(1000)).await?;
    let started = Instant::now();
    run(ops).await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"client\": \"rust\", \"config\": \"generated\", \"mode\": \"{mode}\", \"ops\": {ops}, \"seconds\": {seconds}, \"ops_per_sec\": {}}}",
        ops as f64 / seconds
    );
    Ok(())
}
