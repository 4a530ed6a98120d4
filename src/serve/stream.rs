//! Pub/sub and `MONITOR` over server-sent events, as Upstash serves them: `/subscribe/<channel>`,
//! `/psubscribe/<pattern>` and `/monitor` answer `text/event-stream`, one `data:` line per
//! event, framed as `@upstash/redis`'s `subscribe()` / `psubscribe()` parse them:
//!
//! ```text
//! data: subscribe,chat,1
//! data: message,chat,hello
//! data: psubscribe,chat.*,1
//! data: pmessage,chat.*,chat.room,hello
//! data: 1721284005.242090 [0 127.0.0.1:50506] "SET" "k" "v"     (/monitor)
//! ```
//!
//! Several channels or patterns may follow the route (`/subscribe/a/b`), each
//! percent-decoded. Every stream has one Redis connection of its own, dropped as soon as the
//! client goes: a closed socket drops the response body, and the stream's task sees its
//! channel closed. A `: ping` comment every `Timeouts::heartbeat` keeps proxies from closing
//! an idle stream and finds a client that vanished without closing. Open streams are capped
//! process-wide (`ServeConfig::max_streams`); past the cap, 503. A backend that goes away
//! ends the stream with `event: error` and a `data:` line without commas, which
//! `@upstash/redis` ignores; serve itself keeps running.
//!
//! Payloads are written as they are, whatever `Upstash-Encoding` says: `@upstash/redis` sends
//! `Upstash-Encoding: base64` on every request and does not decode stream lines. A line break
//! in a payload starts a new `data:` line, as SSE requires. Nothing of a channel or payload
//! is logged.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use hyper::StatusCode;
use hyper::body::{Bytes, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};

use super::backend::{Backend, NoReply};
use super::refusal::Refusal;
use crate::model::Access;

/// Events buffered for a client that reads slowly; past this, the stream waits for it.
const BUFFERED_EVENTS: usize = 64;

/// What a stream route asks for: the channels or patterns to follow, or every command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StreamKind {
    /// `/subscribe/<channel>...`
    Subscribe(Vec<Vec<u8>>),
    /// `/psubscribe/<pattern>...`
    PSubscribe(Vec<Vec<u8>>),
    /// `/monitor`
    Monitor,
}

impl StreamKind {
    /// The route's name for the log line (never its channels).
    pub(crate) fn label(&self) -> (&'static str, &'static str) {
        match self {
            Self::Subscribe(_) => ("/subscribe/…", "SUBSCRIBE"),
            Self::PSubscribe(_) => ("/psubscribe/…", "PSUBSCRIBE"),
            Self::Monitor => ("/monitor", "MONITOR"),
        }
    }
}

/// The stream route `path` names, if any: `None` for every other path, an error message for
/// a stream route serve cannot serve.
pub(crate) fn route(path: &str) -> Option<Result<StreamKind, String>> {
    let trimmed = path.strip_prefix('/')?;
    let (name, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    let kind = if name.eq_ignore_ascii_case("subscribe") {
        "subscribe"
    } else if name.eq_ignore_ascii_case("psubscribe") {
        "psubscribe"
    } else if name.eq_ignore_ascii_case("monitor") {
        if rest.is_empty() {
            return Some(Ok(StreamKind::Monitor));
        }
        return Some(Err(
            "ERR /monitor takes no arguments: POST or GET /monitor".to_owned()
        ));
    } else {
        return None;
    };
    let what = if kind == "subscribe" {
        "channel"
    } else {
        "pattern"
    };
    if rest.is_empty() {
        return Some(Err(format!(
            "ERR /{kind} needs a {what}: /{kind}/<{what}> (percent-encoded)"
        )));
    }
    let mut names = Vec::new();
    for segment in rest.split('/') {
        let name: Vec<u8> = percent_encoding::percent_decode(segment.as_bytes()).collect();
        if name.is_empty() {
            return Some(Err(format!("ERR /{kind}: empty {what} name")));
        }
        // The event framing is `type,channel,payload` on one line: a comma or a line break
        // in a channel would be read as another field or another event.
        if name.iter().any(|b| matches!(b, b',' | b'\r' | b'\n')) {
            return Some(Err(format!(
                "ERR /{kind}: a {what} with a comma or a line break cannot be framed as an \
                 event (`{kind},<{what}>,<count>`); choose another name"
            )));
        }
        names.push(name);
    }
    Some(Ok(if kind == "subscribe" {
        StreamKind::Subscribe(names)
    } else {
        StreamKind::PSubscribe(names)
    }))
}

/// The process-wide cap on open streams.
pub(crate) struct Streams {
    open: Arc<Semaphore>,
    max: usize,
}

impl Streams {
    pub(crate) fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            open: Arc::new(Semaphore::new(max)),
            max,
        })
    }
}

/// The response body of a stream: the events its task sends.
pub(crate) struct EventBody(mpsc::Receiver<Bytes>);

impl hyper::body::Body for EventBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.get_mut()
            .0
            .poll_recv(cx)
            .map(|event| event.map(|e| Ok(Frame::data(e))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// Everything a stream needs from the worker.
pub(crate) struct Opening<'a> {
    pub(crate) backend: &'a Backend,
    pub(crate) streams: &'a Arc<Streams>,
    pub(crate) closing: watch::Receiver<bool>,
    pub(crate) heartbeat: std::time::Duration,
    pub(crate) command_timeout: std::time::Duration,
    pub(crate) quiet: bool,
}

/// Opens a stream: the Redis connection, the subscriptions, and the task that forwards
/// messages until the client, Redis or serve goes.
pub(crate) async fn open(
    opening: Opening<'_>,
    access: Access,
    route: StreamKind,
) -> Result<EventBody, Refusal> {
    if route == StreamKind::Monitor && access != Access::ReadWrite {
        return Err(Refusal::bad_request(
            "ERR upwire serve: /monitor needs the full-access token: it shows every command \
             with its arguments",
        ));
    }
    let Ok(permit) = Arc::clone(&opening.streams.open).try_acquire_owned() else {
        return Err(Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "ERR upwire serve: too many open streams ({}, ServeConfig::max_streams); \
                 close one or try again",
                opening.streams.max
            ),
        ));
    };
    // Redis unreachable (503) or too slow (504).
    let failed = |f: NoReply| {
        let status = match f {
            NoReply::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::GATEWAY_TIMEOUT,
        };
        Refusal::new(status, opening.backend.no_reply_message(&f))
    };
    let (tx, rx) = mpsc::channel(BUFFERED_EVENTS);
    let mut first = Vec::new();
    let source: Source = match &route {
        StreamKind::Monitor => {
            let monitor = opening.backend.monitor().await.map_err(failed)?;
            Source::Monitor(Box::pin(monitor.into_on_message::<redis::Value>()))
        }
        StreamKind::Subscribe(names) | StreamKind::PSubscribe(names) => {
            let pattern = matches!(route, StreamKind::PSubscribe(_));
            let mut pubsub = opening.backend.pubsub().await.map_err(failed)?;
            for (i, name) in names.iter().enumerate() {
                let call = async {
                    if pattern {
                        pubsub.psubscribe(name.as_slice()).await
                    } else {
                        pubsub.subscribe(name.as_slice()).await
                    }
                };
                match tokio::time::timeout(opening.command_timeout, call).await {
                    Err(_) => return Err(failed(NoReply::Timeout)),
                    Ok(Err(e)) if e.code().is_some() => {
                        return Err(Refusal::bad_request(e.to_string()));
                    }
                    Ok(Err(e)) => return Err(failed(NoReply::Unavailable(e.to_string()))),
                    Ok(Ok(())) => {}
                }
                let kind: &[u8] = if pattern { b"psubscribe" } else { b"subscribe" };
                first.push(event(&[kind, name, (i + 1).to_string().as_bytes()]));
            }
            Source::PubSub(Box::pin(pubsub.into_on_message()))
        }
    };
    let label = route.label().0;
    let forward = Forward {
        tx,
        closing: opening.closing,
        heartbeat: opening.heartbeat,
        backend: opening.backend.clone(),
        quiet: opening.quiet,
        label,
        _permit: permit,
    };
    tokio::spawn(forward.run(first, source));
    Ok(EventBody(rx))
}

/// Where a stream's messages come from.
enum Source {
    PubSub(Pin<Box<redis::aio::PubSubStream>>),
    Monitor(Pin<Box<dyn Stream<Item = redis::Value> + Send>>),
}

impl Source {
    /// The next event, or `None` once the Redis connection is gone.
    async fn next(&mut self) -> Option<Bytes> {
        match self {
            Self::PubSub(s) => {
                let msg = std::future::poll_fn(|cx| s.as_mut().poll_next(cx)).await?;
                let channel: Vec<u8> = msg.get_channel().unwrap_or_default();
                let payload = msg.get_payload_bytes();
                Some(if msg.from_pattern() {
                    let pattern: Vec<u8> = msg.get_pattern().unwrap_or_default();
                    event(&[b"pmessage", &pattern, &channel, payload])
                } else {
                    event(&[b"message", &channel, payload])
                })
            }
            Self::Monitor(s) => loop {
                match std::future::poll_fn(|cx| s.as_mut().poll_next(cx)).await? {
                    redis::Value::SimpleString(line) => break Some(event(&[line.as_bytes()])),
                    redis::Value::BulkString(line) => break Some(event(&[&line])),
                    _ => {}
                }
            },
        }
    }
}

/// A stream's task: forwards events to the client and sends heartbeats.
struct Forward {
    tx: mpsc::Sender<Bytes>,
    closing: watch::Receiver<bool>,
    heartbeat: std::time::Duration,
    backend: Backend,
    quiet: bool,
    label: &'static str,
    /// Counts against the stream cap until the task ends.
    _permit: OwnedSemaphorePermit,
}

impl Forward {
    /// Sends the `first` events (the subscriptions), then what `source` brings.
    async fn run(mut self, first: Vec<Bytes>, mut source: Source) {
        for e in first {
            if !self.send(e).await {
                return;
            }
        }
        // A zero period would make `interval` panic.
        let period = self.heartbeat.max(std::time::Duration::from_millis(10));
        let mut beat = tokio::time::interval(period);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate.
        beat.tick().await;
        loop {
            tokio::select! {
                // The client went: hyper dropped the body.
                () = self.tx.closed() => return,
                _ = self.closing.changed() => return,
                _ = beat.tick() => {
                    if !self.send(Bytes::from_static(b": ping\n\n")).await {
                        return;
                    }
                }
                next = source.next() => match next {
                    Some(e) => {
                        if !self.send(e).await {
                            return;
                        }
                    }
                    None => {
                        let message = format!(
                            "ERR upwire serve: the connection to {} was lost; this stream ends \
                             (subscribe again)",
                            self.backend.describe()
                        );
                        if !self.quiet {
                            super::log::line(&format!("{} stream ended: {message}", self.label));
                        }
                        let mut error = b"event: error\n".to_vec();
                        error.extend_from_slice(&event(&[message.replace(',', ";").as_bytes()]));
                        let _ = self.send(Bytes::from(error)).await;
                        return;
                    }
                },
            }
        }
    }

    /// Sends an event; false once the client or serve is gone.
    async fn send(&mut self, event: Bytes) -> bool {
        tokio::select! {
            sent = self.tx.send(event) => sent.is_ok(),
            _ = self.closing.changed() => false,
        }
    }
}

/// One event: `data: ` and the fields joined by commas, a line break in them starting a new
/// `data:` line, then the blank line that ends an event.
fn event(fields: &[&[u8]]) -> Bytes {
    let mut out = Vec::with_capacity(8 + fields.iter().map(|f| f.len() + 1).sum::<usize>());
    out.extend_from_slice(b"data: ");
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let mut bytes = field.iter().copied().peekable();
        while let Some(b) = bytes.next() {
            match b {
                b'\r' => {
                    if bytes.peek() == Some(&b'\n') {
                        bytes.next();
                    }
                    out.extend_from_slice(b"\ndata: ");
                }
                b'\n' => out.extend_from_slice(b"\ndata: "),
                b => out.push(b),
            }
        }
    }
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/get/k"), None);
        assert_eq!(route("/"), None);
        assert_eq!(route("/subscriber/x"), None);
        assert_eq!(
            route("/subscribe/chat"),
            Some(Ok(StreamKind::Subscribe(vec![b"chat".to_vec()])))
        );
        assert_eq!(
            route("/SUBSCRIBE/a%20b/c"),
            Some(Ok(StreamKind::Subscribe(vec![
                b"a b".to_vec(),
                b"c".to_vec()
            ])))
        );
        assert_eq!(
            route("/psubscribe/news.*"),
            Some(Ok(StreamKind::PSubscribe(vec![b"news.*".to_vec()])))
        );
        assert_eq!(route("/monitor"), Some(Ok(StreamKind::Monitor)));
        for bad in [
            "/subscribe",
            "/subscribe/",
            "/psubscribe/a//b",
            "/subscribe/a%2Cb",
            "/subscribe/a%0Ab",
            "/monitor/x",
        ] {
            assert!(matches!(route(bad), Some(Err(_))), "{bad}");
        }
    }

    #[test]
    fn framing() {
        assert_eq!(
            &event(&[b"message", b"chat", b"{\"a\":1}"])[..],
            b"data: message,chat,{\"a\":1}\n\n"
        );
        assert_eq!(
            &event(&[b"message", b"c", b"one\ntwo\r\nthree\rfour"])[..],
            b"data: message,c,one\ndata: two\ndata: three\ndata: four\n\n"
        );
    }
}
