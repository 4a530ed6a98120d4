//! serve's own lines on stderr: start-up, warnings, one line per request (`LogLine`, filled in
//! by `http.rs` from words serve chose, never from the request), stream ends, shutdown.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use hyper::StatusCode;

use super::backend::Backend;
use super::request::{Command, Work};

/// Writes one line to stderr, prefixed with `upwire serve: `, in one write.
pub(crate) fn line(message: &str) {
    let line = format!("upwire serve: {message}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// What the log line says about a request: only words serve itself chose or found in
/// Redis's command table, never text from the request (a path or a body can hold secrets).
pub(crate) struct LogLine {
    pub(crate) route: Cow<'static, str>,
    /// Path style with arguments after the command.
    more: bool,
    pub(crate) label: Cow<'static, str>,
}

impl Default for LogLine {
    fn default() -> Self {
        Self {
            route: Cow::Borrowed("/"),
            more: false,
            label: Cow::Borrowed("-"),
        }
    }
}

impl LogLine {
    /// `route` is [`Route::log_label`](super::route::Route::log_label) of the request's route.
    pub(crate) fn new(path: &str, route: &'static str) -> Self {
        Self {
            // Named once the command is known to be one (see `name`).
            route: Cow::Borrowed(route),
            more: path.trim_start_matches('/').contains('/'),
            label: Cow::Borrowed("-"),
        }
    }

    /// Writes the line of a finished request.
    pub(crate) fn write(
        &self,
        peer: SocketAddr,
        method: &str,
        status: StatusCode,
        elapsed: Duration,
        note: Option<&str>,
    ) {
        let mut text = format!(
            "{peer} \"{method} {}\" {} {} {}.{:03} ms",
            self.route,
            self.label,
            status.as_u16(),
            elapsed.as_millis(),
            elapsed.as_micros() % 1000
        );
        if let Some(note) = note {
            let _ = write!(text, " ({note})");
        }
        line(&text);
    }
}

/// Fills in the log line's command name, once it is known to be a name from Redis's own
/// command table: anything else a client sends as a "command" may be a secret.
pub(crate) async fn name(backend: &Backend, work: &Work, log: &mut LogLine, fetch: bool) {
    let table = if fetch {
        backend.command_table().await.ok()
    } else {
        backend.cached_command_table()
    };
    let known = |c: &Command| {
        table
            .as_deref()
            .and_then(|t| t.known_name(c.name()))
            .unwrap_or("unknown")
    };
    match work {
        Work::Single(c) => {
            let name = known(c);
            log.label = Cow::Owned(name.to_ascii_uppercase());
            if log.route == "/…" && name != "unknown" {
                log.route = Cow::Owned(format!("/{name}{}", if log.more { "/…" } else { "" }));
            }
        }
        Work::Pipeline(cs) => log.label = Cow::Owned(format!("pipeline[{}]", cs.len())),
        Work::Transaction(cs) => log.label = Cow::Owned(format!("multi-exec[{}]", cs.len())),
    }
}
