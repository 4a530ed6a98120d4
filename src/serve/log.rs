//! serve's own lines on stderr: start-up, warnings, one line per request (`http.rs` makes
//! it, from words serve chose, never from the request), stream ends, shutdown.

use std::io::Write as _;

/// Writes one line to stderr, prefixed with `upwire serve: `, in one write.
pub(crate) fn line(message: &str) {
    let line = format!("upwire serve: {message}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
