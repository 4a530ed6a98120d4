//! What a request's path asks for, read once: the handler, the log line and the parser all
//! go by it.

use super::stream;

/// The route of a request.
pub(crate) enum Route {
    /// `/` (or an empty path): one command, a JSON array in the body.
    Single,
    /// `/pipeline`: a JSON array of commands, not atomic.
    Pipeline,
    /// `/multi-exec`: a JSON array of commands, atomic.
    MultiExec,
    /// `/subscribe/...`, `/psubscribe/...` or `/monitor`: an SSE stream (`stream.rs`), or why
    /// serve cannot serve it.
    Stream(Result<stream::StreamKind, String>),
    /// Path style, `/cmd/arg/...`.
    Path,
}

impl Route {
    pub(crate) fn of(path: &str) -> Self {
        match path {
            "/" | "" => Self::Single,
            "/pipeline" => Self::Pipeline,
            "/multi-exec" => Self::MultiExec,
            _ => match stream::route(path) {
                Some(stream) => Self::Stream(stream),
                None => Self::Path,
            },
        }
    }

    /// The route as the log line shows it before the command is known: never text from the
    /// request (a path can hold secrets); path style is named once the command is known to be
    /// one, and a stream once it is open.
    pub(crate) fn log_label(&self) -> &'static str {
        match self {
            Self::Single => "/",
            Self::Pipeline => "/pipeline",
            Self::MultiExec => "/multi-exec",
            Self::Stream(_) | Self::Path => "/…",
        }
    }
}
