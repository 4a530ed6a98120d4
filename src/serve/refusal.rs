//! Why serve does not run a request, or one command of a pipeline: one type for every
//! refusal (a foreign `Host` or `Origin`, a command the REST API does not offer or the token
//! may not run, a stream that cannot start, Redis unreachable while checking), with the status
//! it is answered with and the message of its JSON error body.

use std::borrow::Cow;

use hyper::StatusCode;

/// A refusal: the status, and the message of the `{"error": ...}` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) status: StatusCode,
    pub(crate) message: Cow<'static, str>,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// 400: the request is the client's to change.
    pub(crate) fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 403: a request a browser was made to send (`guard.rs`).
    pub(crate) fn forbidden(message: &'static str) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }
}
