//! The response a request gets, before it becomes an HTTP response: status, JSON (or RESP2,
//! or SSE) body, headers, the CORS origin and the sync token; what the handler, the executors
//! and the body reader all return.

use http_body_util::{Either, Full};
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};

use super::backend::{Backend, NoReply};
use super::refusal::Refusal;
use super::reply::error_body;
use super::stream::EventBody;

/// The header of read-your-writes tokens, in requests and replies (`sync_token.rs`).
pub(crate) const SYNC_TOKEN: &str = "upstash-sync-token";

/// [`SYNC_TOKEN`] as a header name, made once (`from_static` checks every byte when it runs).
static SYNC_TOKEN_NAME: header::HeaderName = header::HeaderName::from_static(SYNC_TOKEN);

/// A response before it becomes an HTTP response.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
    /// `application/json`, or `application/octet-stream` for RESP2 bytes.
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(header::HeaderName, HeaderValue)>,
    /// `Access-Control-Allow-Origin`, for a request from an allowed origin.
    pub(crate) cors: Option<HeaderValue>,
    /// For the log line: why a 5xx happened.
    pub(crate) note: Option<String>,
    /// The events of an SSE stream (`stream.rs`), instead of `body`.
    pub(crate) stream: Option<EventBody>,
    /// `Upstash-Sync-Token`, on every authenticated reply.
    pub(crate) sync_token: Option<u64>,
}

impl Reply {
    pub(crate) fn ok(body: Vec<u8>) -> Self {
        Self::with(StatusCode::OK, body)
    }

    pub(crate) fn with(status: StatusCode, body: Vec<u8>) -> Self {
        Self {
            status,
            body,
            content_type: "application/json",
            headers: Vec::new(),
            cors: None,
            note: None,
            stream: None,
            sync_token: None,
        }
    }

    pub(crate) fn error(status: StatusCode, message: &str) -> Self {
        Self::with(status, error_body(message))
    }

    pub(crate) fn refused(refusal: &Refusal) -> Self {
        Self::error(refusal.status, &refusal.message)
    }

    pub(crate) fn no_reply(backend: &Backend, no_reply: &NoReply) -> Self {
        let status = match no_reply {
            NoReply::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            NoReply::Timeout | NoReply::ScriptTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            // That request's own doing; the connection it used is dropped, no other is.
            NoReply::Unreadable => StatusCode::BAD_REQUEST,
        };
        let message = backend.no_reply_message(no_reply);
        let mut reply = Self::error(status, &message);
        reply.note = Some(message);
        reply
    }

    pub(crate) fn header(mut self, name: header::HeaderName, value: &'static str) -> Self {
        self.headers.push((name, HeaderValue::from_static(value)));
        self
    }

    pub(crate) fn into_response(self) -> Response<Either<Full<Bytes>, EventBody>> {
        let body = match self.stream {
            Some(events) => Either::Right(events),
            None => Either::Left(Full::new(Bytes::from(self.body))),
        };
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        // Browser code may call only from the origins --cors-origin allows (guard.rs).
        if let Some(origin) = self.cors {
            if origin != "*" {
                headers.insert(header::VARY, HeaderValue::from_static("origin"));
            }
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            // So that a browser client can read-its-writes too.
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(SYNC_TOKEN),
            );
        }
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        if let Some(token) = self.sync_token {
            headers.insert(SYNC_TOKEN_NAME.clone(), HeaderValue::from(token));
        }
        response
    }
}
