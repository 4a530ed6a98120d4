//! `Upstash-Sync-Token`: read-your-writes across requests.
//!
//! On Upstash a read may be served by a replica that has not caught up with the client's last
//! write; the client sends the token of its last reply (`@upstash/redis` does by default,
//! `readYourWrites`), and Upstash answers only once the replica has what that token stands
//! for. serve has one Redis: a write is in it when Redis acknowledged it, and every later
//! command on any connection sees it, so there is never anything to wait for.
//!
//! The token is a decimal counter per serve instance, shared by all workers: every
//! authenticated reply carries a token larger than every token handed out before, and at
//! least as large as the token the request carried (a Lamport clock), so a client's token
//! never goes backwards, also when it moves between two serve instances over one Redis or
//! keeps its token across a restart of serve. A token that is not such a number (one from
//! real Upstash, say) is ignored, as a token serve cannot know anything about.

use std::sync::atomic::{AtomicU64, Ordering};

/// Tokens stay below 2^53, so that JavaScript numbers hold them exactly.
const MAX_TOKEN: u64 = (1 << 53) - 1;

/// The counter behind the tokens.
#[derive(Debug, Default)]
pub(crate) struct SyncClock(AtomicU64);

impl SyncClock {
    /// The token for a reply to a request that carried `seen` (the request's
    /// `Upstash-Sync-Token`, if any).
    pub(crate) fn reply_token(&self, seen: Option<&[u8]>) -> u64 {
        let seen = seen.and_then(parse).unwrap_or(0);
        let previous = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |now| {
                Some(now.max(seen).saturating_add(1).min(MAX_TOKEN))
            })
            .unwrap_or(0);
        previous.max(seen).saturating_add(1).min(MAX_TOKEN)
    }
}

/// A token serve made: decimal digits, below [`MAX_TOKEN`].
fn parse(token: &[u8]) -> Option<u64> {
    let token = std::str::from_utf8(token).ok()?.trim();
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse::<u64>().ok().filter(|&t| t < MAX_TOKEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_only_grow_and_honour_the_request() {
        let clock = SyncClock::default();
        assert_eq!(clock.reply_token(None), 1);
        assert_eq!(clock.reply_token(Some(b"")), 2);
        // A token from elsewhere (another serve, or before a restart) moves the clock on.
        assert_eq!(clock.reply_token(Some(b"100")), 101);
        assert_eq!(clock.reply_token(Some(b"5")), 102);
        for ignored in [&b"abc"[..], b"-1", b"1e3", b"99999999999999999999", b"\xff"] {
            assert_eq!(clock.reply_token(Some(ignored)), 103, "{ignored:?}");
            // Reset to the same point for the next case.
            clock.0.store(102, Ordering::Release);
        }
        clock.0.store(MAX_TOKEN - 1, Ordering::Release);
        assert_eq!(clock.reply_token(None), MAX_TOKEN);
        assert_eq!(clock.reply_token(None), MAX_TOKEN);
    }
}
