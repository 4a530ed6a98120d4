//! Input that is missing, broken or hostile: clear errors with the right exit code, no panic,
//! and never a secret in the output.

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{all_output, code, json, run, transcript, upwire, upwire_in};

fn assert_no_panic(what: &str, output: &Output) {
    let all = all_output(output);
    assert!(!all.contains("panicked"), "{what}: {all}");
    assert!(!all.contains("RUST_BACKTRACE"), "{what}: {all}");
    assert!(output.status.code().is_some(), "{what}: killed by a signal");
}

/// Asserts exit 2 with one `error: ...` line on stderr that contains every one of `needles`.
fn assert_input_error(what: &str, output: &Output, needles: &[&str]) {
    assert_no_panic(what, output);
    assert_eq!(code(output), 2, "{what}: {}", all_output(output));
    assert!(output.stdout.is_empty(), "{what}: stdout must stay empty");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: "), "{what}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{what}: `{needle}` not in {stderr}"
        );
    }
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [
        &["lint", "conf/upwire.toml"][..],
        &["lint", "conf/.env.local"],
        &["--format", "json", "lint", "conf/upwire.toml"],
        &["resolve", "-c", "conf/upwire.toml"],
        &["lint", "--env-file", "conf/.env"],
    ] {
        let output = run(upwire_in(dir.path()).args(args));
        let what = args.join(" ");
        let path = args
            .iter()
            .find(|a| a.starts_with("conf/"))
            .copied()
            .unwrap_or_default();
        assert_input_error(&what, &output, &[path]);
    }
    crate::snapshots!(
        "missing_file",
        transcript(
            &run(upwire_in(dir.path()).args(["lint", "conf/upwire.toml"])),
            dir.path()
        )
    );
}

#[test]
fn invalid_toml_is_a_finding_with_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("upwire.toml"),
        "[database.main]\nredis_url = \"${UPSTASH_REDIS_URL}\"\n\n[target.api]\nkind = \"server\nplatform = \"fly\"\n",
    )
    .expect("write");
    let output = run(upwire_in(dir.path()).args(["--format", "json", "lint", "upwire.toml"]));
    assert_no_panic("toml", &output);
    assert_eq!(code(&output), 1);
    let doc = json(&output);
    let diags = doc["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diags.len(), 1, "{doc}");
    assert_eq!(diags[0]["code"], "toml-syntax");
    assert_eq!(diags[0]["file"], "upwire.toml");
    assert_eq!(
        diags[0]["line"], 5,
        "the unterminated string is on line 5: {doc}"
    );
    assert!(diags[0]["column"].as_u64().is_some_and(|c| c >= 8), "{doc}");

    let text = run(upwire_in(dir.path()).args(["--color", "never", "lint", "upwire.toml"]));
    assert_eq!(code(&text), 1);
    crate::snapshots!("invalid_toml", transcript(&text, dir.path()));
}

#[test]
fn non_utf8_binary_and_huge_files_are_refused_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    std::fs::write(p.join("latin1.toml"), b"[project]\nname = \"caf\xe9\"\n").expect("write");
    std::fs::write(
        p.join("latin1.env"),
        b"REDIS_URL=rediss://default:p\xe4ss@h:6379\n",
    )
    .expect("write");
    std::fs::write(
        p.join("binary.toml"),
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
    )
    .expect("write");
    std::fs::write(p.join("binary.env"), b"A=1\n\0\0\0\0B=2\n").expect("write");
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    let huge = line.repeat(20 * 1024 * 1024 / line.len() + 1);
    assert!(huge.len() >= 20 * 1024 * 1024);
    std::fs::write(p.join("huge.toml"), &huge).expect("write");
    std::fs::write(p.join("huge.env"), &huge).expect("write");

    let cases: &[(&[&str], &[&str])] = &[
        (&["lint", "latin1.toml"], &["latin1.toml", "UTF-8"]),
        (&["lint", "latin1.env"], &["latin1.env", "UTF-8"]),
        (&["resolve", "-c", "latin1.toml"], &["latin1.toml", "UTF-8"]),
        (&["lint", "binary.toml"], &["binary.toml", "binary"]),
        (&["lint", "binary.env"], &["binary.env", "binary"]),
        (
            &["--format", "json", "lint", "binary.toml"],
            &["binary.toml", "binary"],
        ),
        (&["lint", "huge.toml"], &["huge.toml", "bytes"]),
        (&["lint", "huge.env"], &["huge.env", "bytes"]),
        (&["resolve", "-c", "huge.toml"], &["huge.toml", "bytes"]),
    ];
    for (args, needles) in cases {
        assert_input_error(&args.join(" "), &run(upwire_in(p).args(*args)), needles);
    }
    crate::snapshots!({
        for name in ["latin1.toml", "binary.env", "huge.toml"] {
            let output = run(upwire_in(p).args(["lint", name]));
            insta::assert_snapshot!(format!("refused@{name}"), transcript(&output, p));
        }
    });
}

#[test]
fn broken_env_files_given_with_env_file_are_refused_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    std::fs::write(
        p.join("upwire.toml"),
        "[database.main]\nrest_url = \"${URL}\"\n",
    )
    .expect("write");
    std::fs::write(p.join("latin1.env"), b"URL=https://caf\xe9.upstash.io\n").expect("write");
    std::fs::write(p.join("binary.env"), b"URL=\0\0\0\n").expect("write");
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    std::fs::write(
        p.join("huge.env"),
        line.repeat(20 * 1024 * 1024 / line.len() + 1),
    )
    .expect("write");
    std::fs::write(
        p.join("unparsable.env"),
        "URL=https://eu1-tidy-cat-12345.upstash.io\nTOKEN=Bearer CANARYtok\n",
    )
    .expect("write");
    for (name, needles) in [
        ("latin1.env", &["latin1.env", "UTF-8"][..]),
        ("binary.env", &["binary.env", "binary"]),
        ("huge.env", &["huge.env", "bytes"]),
        ("unparsable.env", &["unparsable.env", "line 2"]),
    ] {
        let output = run(upwire_in(p).args(["resolve", "--env-file", name]));
        assert_input_error(name, &output, needles);
        assert!(
            !all_output(&output).contains("CANARY"),
            "{name}: {}",
            all_output(&output)
        );
    }
}

/// Every place a secret can sit, each holding a unique canary. None may appear in any output.
const DESCRIPTOR: &str = r#"[database.main]
redis_url = "rediss://default:CANARYpw1111@eu1-tidy-cat-12345.upstash.io:6379"
rest_url = "https://eu1-tidy-cat-12345.upstash.io/?_token=CANARYq2222"
rest_token = "CANARYtok3333"
rest_readonly_token = "Bearer CANARYro4444"

[database.broken]
redis_url = "rediss://default:CANARY@pw5555@eu1-tidy-cat-12345.upstash.io:6379/1"
rest_url = "rediss://default:CANARY#pw6666@eu1-tidy-cat-12345.upstash.io:6379"
rest_token = " CANARYtok7777 "

[database.vars]
redis_url = "${TCP_URL}"
rest_url = "${REST_URL}"
rest_token = "${TOKEN}"

[target.api]
kind = "server"
database = "main"

[target.worker]
kind = "container"
database = "broken"

[target.web]
kind = "edge"
database = "vars"
env_prefix = "NEXT_PUBLIC_"

[target.jobs]
kind = "lambda"
database = "vars"
"#;

const ENV: &str = "# every kind of secret an env file holds
REDIS_URL=redis://default:CANARYenv8888@eu1-tidy-cat-12345.upstash.io:6379/3
KV_URL=rediss://default:CANARY@env9999@eu1-tidy-cat-12345.upstash.io:99999
UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io/?_token=CANARYq1010
UPSTASH_REDIS_REST_TOKEN=\"Bearer CANARYtok1212\"
KV_REST_API_TOKEN=CANARY tok1313
NEXT_PUBLIC_UPSTASH_REDIS_REST_TOKEN=CANARYpub1414
NEXT_PUBLIC_REDIS_URL=rediss://default:CANARYpub1515@eu1-tidy-cat-12345.upstash.io:6379
UPSTASH_REDIS_REST_READONLY_TOKEN: CANARYline1616
export KV_REST_API_READ_ONLY_TOKEN=='CANARYline1717'
";

const VARS: &str = "TCP_URL=redis://:CANARYvar1818@eu1-tidy-cat-12345.upstash.io:6379/2
REST_URL=http://eu1-tidy-cat-12345.upstash.io/?_token=CANARYvar1919
TOKEN=\"Bearer CANARYvar2020\"
";

/// What follows `CANARY` in each secret above: a leak of the part after an unencoded `@` or
/// `#` would not show the word `CANARY`.
const SECRET_TAILS: &[&str] = &[
    "pw1111", "q2222", "tok3333", "ro4444", "pw5555", "pw6666", "tok7777", "env8888", "env9999",
    "q1010", "tok1212", "tok1313", "pub1414", "pub1515", "line1616", "line1717", "var1818",
    "var1919", "var2020",
];

#[test]
fn no_secret_appears_in_any_output() {
    for tail in SECRET_TAILS {
        assert!(
            [DESCRIPTOR, ENV, VARS]
                .iter()
                .any(|f| f.contains(&format!("CANARY{tail}"))
                    || f.contains(&format!("CANARY@{tail}"))
                    || f.contains(&format!("CANARY#{tail}"))
                    || f.contains(&format!("CANARY {tail}"))),
            "{tail} is not in the files"
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    std::fs::write(p.join("upwire.toml"), DESCRIPTOR).expect("write");
    std::fs::write(p.join(".env"), ENV).expect("write");
    std::fs::write(p.join("vars.env"), VARS).expect("write");
    let runs: &[&[&str]] = &[
        &["lint", "upwire.toml", ".env"],
        &["--env-file", "vars.env", "lint", "upwire.toml", ".env"],
        &[
            "--env-file",
            "vars.env",
            "--format",
            "json",
            "lint",
            "upwire.toml",
            ".env",
        ],
        &["--env-file", "vars.env", "lint"],
        &["--env-file", "vars.env", "resolve"],
        &["--env-file", "vars.env", "--format", "json", "resolve"],
        &["--env-file", "vars.env", "--color", "always", "resolve"],
        &["--env-file", "vars.env", "resolve", "--target", "web"],
        &["--env-file", "vars.env", "resolve", "--target", "wbe"],
    ];
    let mut findings = 0;
    for args in runs {
        let output = run(upwire_in(p).args(*args));
        let what = args.join(" ");
        assert_no_panic(&what, &output);
        assert_ne!(code(&output), 0, "{what}: these files are full of errors");
        let all = all_output(&output);
        findings += all.matches("error[").count() + all.matches("\"code\"").count();
        if let Some(i) = all.find("CANARY") {
            let end = (i + 16).min(all.len());
            panic!("{what}: a secret leaked: `{}`\n{all}", &all[i..end]);
        }
        for tail in SECRET_TAILS {
            assert!(
                !all.contains(tail),
                "{what}: part of a secret (`{tail}`) leaked\n{all}"
            );
        }
    }
    assert!(
        findings > 40,
        "the canaries must actually be reported on, found {findings}"
    );
}

#[test]
fn a_syntax_error_on_a_line_with_a_secret_does_not_show_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    for (name, text) in [
        (
            "token.toml",
            "[database.main]\nrest_token = \"CANARYtok1\" x\n",
        ),
        (
            "open.toml",
            "[database.main]\nrest_readonly_token = \"CANARYtok2\n",
        ),
        (
            "url.toml",
            "[database.main]\nredis_url = \"rediss://default:CANARYpw3@eu1-tidy-cat-12345.upstash.io:6379\" x\n",
        ),
        ("dotted.toml", "database.main.rest_token = CANARYtok4\n"),
    ] {
        std::fs::write(p.join(name), text).expect("write");
        for format in ["text", "json"] {
            let output = run(upwire_in(p).args(["--format", format, "lint", name]));
            assert_no_panic(name, &output);
            assert_eq!(code(&output), 1, "{name}: {}", all_output(&output));
            let all = all_output(&output);
            assert!(all.contains("toml-syntax"), "{name}: {all}");
            assert!(!all.contains("CANARY"), "{name}: {all}");
        }
    }
}

/// What [`run_measured`] saw: exit code, stderr and the peak memory of the upwire process.
struct Measured {
    code: i32,
    stderr: String,
    peak_kib: u64,
}

/// Runs `cmd` with `stdin` and measures its peak memory (`VmHWM`) just before it exits.
///
/// A refused input ends the run within milliseconds, too fast to sample. So stderr is a pipe
/// filled to capacity beforehand: the process blocks on its one `error:` line, after every
/// read, and `/proc/PID/status` then holds its true peak. Bounded: killed after `limit`.
fn run_measured(mut cmd: Command, stdin: Stdio, limit: Duration) -> Measured {
    let (mut reader, mut writer) = std::io::pipe().expect("pipe");
    // Linux pipes hold 64 KiB: after this, the child's first write to stderr blocks.
    let filler = vec![b'.'; 65536];
    writer.write_all(&filler).expect("fill the pipe");
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(writer.try_clone().expect("pipe"))
        .spawn()
        .expect("upwire starts");
    drop(writer);
    drop(cmd);
    let pid = child.id();
    let status_field = |field: &str| -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    let start = Instant::now();
    let mut peak_kib = 0;
    loop {
        peak_kib = peak_kib.max(status_field("VmHWM:").unwrap_or(0));
        let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap_or_default();
        if wchan.contains("pipe_write") || child.try_wait().ok().flatten().is_some() {
            peak_kib = peak_kib.max(status_field("VmHWM:").unwrap_or(0));
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("upwire did not finish within {limit:?} (peak {peak_kib} KiB)");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut all = Vec::new();
    reader.read_to_end(&mut all).expect("read stderr");
    let status = child.wait().expect("upwire exits");
    Measured {
        code: status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&all[filler.len()..]).into_owned(),
        peak_kib,
    }
}

/// Writes `A=1\n` to `sink` until the reader goes away, as `yes A=1 | ...` does.
fn endless(mut sink: impl Write + Send + 'static) {
    std::thread::spawn(move || {
        let chunk = "A=1\n".repeat(16 * 1024);
        while sink.write_all(chunk.as_bytes()).is_ok() {}
    });
}

#[test]
fn every_input_is_read_with_the_8_mib_bound() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let fifo = p.join("endless.env");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo");
    std::fs::write(p.join("upwire.toml"), "[project]\nname = \"app\"\n").expect("write");
    let limit = Duration::from_secs(20);
    let command = |args: &[&str]| {
        let mut cmd = upwire();
        cmd.env_clear().current_dir(p).args(args);
        cmd
    };

    // (what, arguments, the path the error names, how stdin is fed)
    let cases: &[(&str, &[&str], &str, bool)] = &[
        ("a device", &["lint", "/dev/zero"], "/dev/zero", false),
        (
            "a device as -c",
            &["resolve", "-c", "/dev/zero"],
            "/dev/zero",
            false,
        ),
        (
            "a device as --env-file",
            &["resolve", "--env-file", "/dev/zero"],
            "/dev/zero",
            false,
        ),
        (
            "a device as --ca-file",
            &[
                "check",
                "--ca-file",
                "/dev/zero",
                "--redis-url",
                "redis://127.0.0.1:9",
            ],
            "/dev/zero",
            false,
        ),
        (
            "stdin from a pipe",
            &["lint", "/dev/stdin"],
            "/dev/stdin",
            true,
        ),
        ("a FIFO", &["lint", "endless.env"], "endless.env", false),
    ];
    for (what, args, named, piped) in cases {
        let stdin = if *piped {
            let (reader, writer) = std::io::pipe().expect("pipe");
            endless(writer);
            Stdio::from(reader)
        } else {
            Stdio::null()
        };
        if named.ends_with("endless.env") {
            // Opening a FIFO for writing waits for its reader: upwire.
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                if let Ok(f) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                    endless(f);
                }
            });
        }
        let started = Instant::now();
        let m = run_measured(command(args), stdin, limit);
        assert_eq!(m.code, 2, "{what}: {}", m.stderr);
        assert!(m.stderr.starts_with("error: "), "{what}: {}", m.stderr);
        for needle in [*named, "8388608 bytes", "8 MiB"] {
            assert!(
                m.stderr.contains(needle),
                "{what}: `{needle}` not in {}",
                m.stderr
            );
        }
        assert!(
            m.peak_kib < 64 * 1024,
            "{what}: peak memory {} KiB",
            m.peak_kib
        );
        eprintln!("{what}: peak {} KiB, {:?}", m.peak_kib, started.elapsed());
    }
}

/// An env file of 30 lines that each double the one before (`A{i}=${A{i-1}}${A{i-1}}`) would
/// expand to gigabytes: it is refused naming the variable that passes the 8 MiB input bound,
/// as the `.env` beside the descriptor (a warning, its variables unused) and as an
/// `--env-file` (an error).
#[test]
fn an_expansion_bomb_in_an_env_file_is_refused_naming_the_variable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bomb = String::from("A0=xy\n");
    for i in 1..30 {
        bomb.push_str(&format!("A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
    }
    std::fs::write(dir.path().join(".env"), &bomb).unwrap();
    std::fs::write(
        dir.path().join("upwire.toml"),
        "[database.main]\nredis_url = \"${A29}\"\n\n[target.api]\nkind = \"server\"\n",
    )
    .unwrap();
    // A{i} holds 2^(i+1) bytes: the values so far pass 8 MiB at A22 (line 23).
    let named = "`A22` (line 23) expands to more than 8388608 bytes";
    let beside = crate::support::run_bounded(
        {
            let mut cmd = upwire();
            cmd.env_clear().current_dir(dir.path()).arg("resolve");
            cmd
        },
        Duration::from_secs(60),
    );
    assert_no_panic("beside", &beside);
    let text = all_output(&beside);
    assert!(
        text.contains("warning: env file `") && text.contains(named),
        "{text}"
    );
    assert!(!text.contains("memory allocation"), "{text}");
    let given = crate::support::run_bounded(
        {
            let mut cmd = upwire();
            cmd.env_clear().current_dir(dir.path()).args([
                "--no-dotenv",
                "--env-file",
                ".env",
                "resolve",
            ]);
            cmd
        },
        Duration::from_secs(60),
    );
    assert_input_error("--env-file", &given, &[named]);
}

/// A descriptor of 8 MiB of `x` lines (4 million syntax errors) gives the first 200 findings
/// and one note counting the rest, in text, JSON and SARIF; its peak memory stays under
/// 200 MiB.
#[test]
fn findings_per_file_are_capped_with_a_count_of_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    // Above the size parsed whole, below 8 MiB: the block reading, quick in a debug build.
    std::fs::write(p.join("broken.toml"), "x\n".repeat(300_000)).unwrap();
    std::fs::write(p.join("broken.env"), "x\n".repeat(300_000)).unwrap();
    for (file, code_name) in [
        ("broken.toml", "toml-syntax"),
        ("broken.env", "invalid-env-line"),
    ] {
        let more = format!(
            "299800 more `{code_name}` findings in this file are not shown (the first 200 are)"
        );
        let text = run(upwire_in(p).args(["lint", "--color", "never", file]));
        assert_no_panic(file, &text);
        let shown = String::from_utf8_lossy(&text.stderr)
            .matches(&format!("[{code_name}]"))
            .count()
            + String::from_utf8_lossy(&text.stdout)
                .matches(&format!("[{code_name}]"))
                .count();
        assert_eq!(shown, 201, "{file}");
        assert!(all_output(&text).contains(&more), "{file}");
        let doc = json(&run(upwire_in(p).args(["lint", "--format", "json", file])));
        let diags = doc["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 201, "{file}");
        assert_eq!(diags[200]["severity"], "note");
        assert_eq!(diags[200]["message"], more.as_str());
        let sarif = json(&run(upwire_in(p).args(["lint", "--format", "sarif", file])));
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 201, "{file}");
        assert_eq!(
            results[200]["message"]["text"]
                .as_str()
                .map(|m| m.contains(&more)),
            Some(true),
            "{file}"
        );
    }
    // The full 8 MiB, in memory.
    std::fs::write(p.join("upwire.toml"), "x\n".repeat(4 * 1024 * 1024 - 1)).unwrap();
    let mut cmd = upwire();
    cmd.env_clear()
        .current_dir(p)
        .args(["lint", "--format", "json", "upwire.toml"]);
    let measured = run_measured(cmd, Stdio::null(), Duration::from_secs(600));
    assert_eq!(measured.code, 1, "{}", measured.stderr);
    assert!(
        measured.peak_kib < 200 * 1024,
        "8 MiB of broken lines peaked at {} KiB",
        measured.peak_kib
    );
}
