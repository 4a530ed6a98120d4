//! The executors: one command, a pipeline or a transaction, checked against what the token may
//! run (`policy.rs`), translated for Redis (`dialect.rs`), run on its backend and written as
//! the reply the client asked for. Nothing here knows HTTP beyond the status of the reply.

use std::sync::Arc;

use hyper::StatusCode;

use super::backend::{Backend, NoReply, Transaction};
use super::dialect::{self, ReplyChange};
use super::policy::{CommandTable, check_supported};
use super::refusal::Refusal;
use super::reply::{self, Encoding, write_reply, write_resp};
use super::request::{Command, Work};
use super::response::Reply;
use super::script::Scripts;
use crate::model::Access;

/// How replies are written (`Upstash-Response-Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `{"result": ...}`, the default.
    Json,
    /// The RESP2 bytes Redis would send over TCP, as `application/octet-stream`.
    Resp2,
}

/// The command table, when the access needs one.
async fn table_for(
    backend: &Backend,
    access: Access,
) -> Result<Option<Arc<CommandTable>>, NoReply> {
    match access {
        Access::ReadWrite => Ok(None),
        Access::ReadOnly => backend.command_table().await.map(Some),
    }
}

/// What running a request needs: the backend its token reaches, the token's access, and what
/// the process shares.
pub(crate) struct Exec<'a> {
    pub(crate) backend: &'a Backend,
    pub(crate) access: Access,
    /// Client script hashes → Redis's (`script.rs`).
    pub(crate) scripts: &'a Scripts,
    /// `--readonly-scripts`: a read-only token may run scripts.
    pub(crate) readonly_scripts: bool,
}

impl Exec<'_> {
    /// Runs the request: one command, a pipeline or a transaction.
    pub(crate) async fn run(&self, out: Output, work: &mut Work) -> Reply {
        match work {
            Work::Single(command) => single(self, out, command).await,
            Work::Pipeline(commands) => pipeline(self, out, commands).await,
            // Always JSON, as on Upstash.
            Work::Transaction(commands) => transaction(self, out.encoding, commands).await,
        }
    }

    fn permit(&self, table: Option<&CommandTable>, command: &Command) -> Result<(), Refusal> {
        check_supported(command)?;
        if let Some(table) = table {
            table.check_readonly(command, self.readonly_scripts)?;
        }
        Ok(())
    }
}

/// How a reply is written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub(crate) encoding: Encoding,
    pub(crate) format: Format,
}

impl Output {
    /// Writes one reply; returns whether it was an error reply.
    fn write(self, out: &mut Vec<u8>, value: &redis::Value) -> bool {
        match self.format {
            Format::Json => write_reply(out, value, self.encoding),
            Format::Resp2 => write_resp(out, value),
        }
    }

    /// Writes the refusal of one command of a pipeline.
    fn write_error(self, out: &mut Vec<u8>, message: &str) {
        match self.format {
            Format::Json => reply::write_error(out, message),
            Format::Resp2 => reply::write_resp_error(out, message),
        }
    }

    fn content_type(self) -> &'static str {
        match self.format {
            Format::Json => "application/json",
            Format::Resp2 => "application/octet-stream",
        }
    }
}

/// Checks a command, then translates it for Redis (`dialect.rs`).
async fn single(ctx: &Exec<'_>, out: Output, command: &mut Command) -> Reply {
    let backend = ctx.backend;
    let table = match table_for(backend, ctx.access).await {
        Ok(table) => table,
        Err(f) => return Reply::no_reply(backend, &f),
    };
    // serve's own refusals are JSON in either format, like every error serve makes.
    if let Err(refusal) = ctx.permit(table.as_deref(), command) {
        return Reply::refused(&refusal);
    }
    let change = dialect::translate(command, ctx.scripts);
    match backend.command(command.cmd()).await {
        Ok(value) => {
            let value = change.apply(value);
            let mut body = Vec::with_capacity(64);
            let is_error = out.write(&mut body, &value);
            let mut reply = Reply::with(
                if is_error {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::OK
                },
                body,
            );
            reply.content_type = out.content_type();
            reply
        }
        Err(f) => Reply::no_reply(backend, &f),
    }
}

/// Not atomic: a refused command gets its own `{"error"}` entry (a RESP error in RESP2) and
/// the others still run, as each would if sent alone.
async fn pipeline(ctx: &Exec<'_>, out: Output, commands: &mut [Command]) -> Reply {
    let backend = ctx.backend;
    let table = match table_for(backend, ctx.access).await {
        Ok(table) => table,
        Err(f) => return Reply::no_reply(backend, &f),
    };
    let verdicts: Vec<Result<ReplyChange, Refusal>> = commands
        .iter_mut()
        .map(|c| {
            ctx.permit(table.as_deref(), c)?;
            Ok(dialect::translate(c, ctx.scripts))
        })
        .collect();
    let allowed = commands
        .iter()
        .zip(&verdicts)
        .filter(|(_, v)| v.is_ok())
        .map(|(c, _)| c.cmd());
    let mut values = if verdicts.iter().any(Result::is_ok) {
        match backend.pipeline(allowed).await {
            Ok(values) => values.into_iter(),
            Err(f) => return Reply::no_reply(backend, &f),
        }
    } else {
        Vec::new().into_iter()
    };
    let mut body = Vec::with_capacity(32 * commands.len());
    let json = out.format == Format::Json;
    if json {
        body.push(b'[');
    }
    for (i, verdict) in verdicts.iter().enumerate() {
        if i > 0 && json {
            body.push(b',');
        }
        match verdict {
            Err(refusal) => out.write_error(&mut body, &refusal.message),
            Ok(change) => match values.next() {
                Some(value) => {
                    out.write(&mut body, &change.apply(value));
                }
                None => out.write_error(&mut body, "ERR no reply from Redis for this command"),
            },
        }
    }
    if json {
        body.push(b']');
    }
    let mut reply = Reply::ok(body);
    reply.content_type = out.content_type();
    reply
}

/// Atomic: a refused command refuses the whole transaction, with one `{"error"}`. Always
/// JSON, as on Upstash.
async fn transaction(ctx: &Exec<'_>, encoding: Encoding, commands: &mut [Command]) -> Reply {
    let backend = ctx.backend;
    let table = match table_for(backend, ctx.access).await {
        Ok(table) => table,
        Err(f) => return Reply::no_reply(backend, &f),
    };
    for (i, command) in commands.iter().enumerate() {
        if let Err(refusal) = ctx.permit(table.as_deref(), command) {
            return Reply::error(
                refusal.status,
                &format!(
                    "{} (command {} of the transaction; nothing ran)",
                    refusal.message,
                    i + 1
                ),
            );
        }
    }
    let changes: Vec<ReplyChange> = commands
        .iter_mut()
        .map(|c| dialect::translate(c, ctx.scripts))
        .collect();
    match backend.transaction(commands.iter().map(Command::cmd)).await {
        Ok(Transaction::Committed(values)) => {
            let mut body = Vec::with_capacity(32 * values.len());
            body.push(b'[');
            for (i, (value, change)) in values.into_iter().zip(&changes).enumerate() {
                if i > 0 {
                    body.push(b',');
                }
                write_reply(&mut body, &change.apply(value), encoding);
            }
            body.push(b']');
            Reply::ok(body)
        }
        Ok(Transaction::Aborted(message)) => Reply::error(StatusCode::BAD_REQUEST, &message),
        Err(f) => Reply::no_reply(backend, &f),
    }
}
