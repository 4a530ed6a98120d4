//! What each runtime and each transport can do: the one place that says it.
//!
//! The transport rules, the rule texts, `serve`'s command policy and `check`'s hints read
//! these tables, so "an edge function cannot open TCP sockets" or "REST has no blocking
//! commands" is written once.

use crate::model::{Kind, Need, Platform, Transport};

/// Whether a kind of target, on its platform, can use a transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// It can.
    Yes,
    /// It can, with a caveat worth a warning when the transport is forced (what it takes).
    Caveat(&'static str),
    /// It cannot (why, as "a mobile app, which cannot use TCP").
    No(&'static str),
}

impl Kind {
    /// Whether this kind can use `transport` on `platform`.
    #[must_use]
    pub fn can_use(self, transport: Transport, platform: Option<Platform>) -> Use {
        match (self, transport) {
            (Kind::Mobile, Transport::Tcp) => Use::No("a mobile app, which cannot use TCP"),
            (Kind::Edge, Transport::Tcp) if platform == Some(Platform::Cloudflare) => Use::Caveat(
                "Cloudflare Workers, which needs `connect()` and the `nodejs_compat` flag",
            ),
            (Kind::Edge, Transport::Tcp) => {
                Use::No("an edge function, which cannot open TCP sockets")
            }
            _ => Use::Yes,
        }
    }

    /// The transports this kind can use on `platform`.
    #[must_use]
    pub fn transports(self, platform: Option<Platform>) -> Vec<Transport> {
        Transport::ALL
            .iter()
            .copied()
            .filter(|&t| !matches!(self.can_use(t, platform), Use::No(_)))
            .collect()
    }

    /// Whether this kind can hold a connection open (what blocking commands and WATCH need).
    #[must_use]
    pub fn holds_connections(self) -> bool {
        !matches!(self, Kind::Edge | Kind::Mobile)
    }
}

/// Something the REST API does not offer, and the commands it takes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RestGap {
    /// The need in `needs = [...]` that asks for it, when there is one.
    pub need: Option<Need>,
    /// What it is, as prose.
    #[allow(dead_code)] // TEMP: the rule texts will read it
    pub what: &'static str,
    /// Its commands, lower case.
    pub commands: &'static [&'static str],
}

/// What REST lacks (SPEC §1). Besides Upstash's contract, each of these commands would also
/// change or hijack the connection that `serve` shares between requests. Blocking `XREAD` and
/// `XREADGROUP` (with `BLOCK`) belong to the first row; their plain forms work.
pub(crate) const REST_LACKS: &[RestGap] = &[
    RestGap {
        need: Some(Need::Blocking),
        what: "blocking commands (BLPOP, BRPOP, BLMOVE, ...)",
        commands: &[
            "blpop",
            "brpop",
            "brpoplpush",
            "blmove",
            "blmpop",
            "bzpopmin",
            "bzpopmax",
            "bzmpop",
            "wait",
            "waitaof",
        ],
    },
    RestGap {
        need: Some(Need::Watch),
        what: "WATCH (optimistic transactions)",
        // Transactions go through /multi-exec; WATCH needs a connection of one's own.
        commands: &["multi", "exec", "discard", "watch", "unwatch"],
    },
    RestGap {
        need: None,
        what: "connection commands other than PING and ECHO",
        commands: &[
            "auth",
            "select",
            "hello",
            "quit",
            "reset",
            "client",
            "readonly",
            "readwrite",
            "asking",
        ],
    },
    RestGap {
        // `needs = ["pubsub"]` is met over REST: Upstash streams subscriptions as SSE.
        need: None,
        what: "subscriptions, except as server-sent events (PUBLISH works)",
        commands: &[
            "subscribe",
            "psubscribe",
            "ssubscribe",
            "unsubscribe",
            "punsubscribe",
            "sunsubscribe",
        ],
    },
    RestGap {
        need: None,
        what: "replies that never end",
        commands: &["monitor", "sync", "psync", "replconf"],
    },
];

/// Whether the REST API lacks the command `name` (any case).
#[must_use]
pub(crate) fn rest_lacks_command(name: &[u8]) -> bool {
    REST_LACKS
        .iter()
        .flat_map(|g| g.commands)
        .any(|c| c.as_bytes().eq_ignore_ascii_case(name))
}

impl Need {
    /// Whether only TCP can meet this need.
    #[must_use]
    pub fn needs_tcp(self) -> bool {
        REST_LACKS.iter().any(|g| g.need == Some(self))
    }
}

/// The TCP-only needs among `needs`, as prose ("blocking commands and WATCH").
#[must_use]
pub(crate) fn tcp_only_needs(needs: &[Need]) -> &'static str {
    match (
        needs.contains(&Need::Blocking),
        needs.contains(&Need::Watch),
    ) {
        (true, true) => "blocking commands and WATCH",
        (true, false) => "blocking commands (BLPOP, BRPOP, BLMOVE, ...)",
        _ => "WATCH (optimistic transactions)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_kind_can_use_which_transport() {
        assert_eq!(
            Kind::Server.transports(None),
            [Transport::Tcp, Transport::Rest]
        );
        assert_eq!(Kind::Edge.transports(None), [Transport::Rest]);
        assert_eq!(
            Kind::Edge.transports(Some(Platform::Cloudflare)),
            [Transport::Tcp, Transport::Rest]
        );
        assert_eq!(
            Kind::Mobile.transports(Some(Platform::Expo)),
            [Transport::Rest]
        );
        assert!(Kind::Lambda.holds_connections() && !Kind::Edge.holds_connections());
    }

    #[test]
    fn rest_lacks_blocking_and_watch_but_not_pubsub() {
        assert!(Need::Blocking.needs_tcp() && Need::Watch.needs_tcp());
        assert!(!Need::Pubsub.needs_tcp());
        assert!(rest_lacks_command(b"BLPOP") && rest_lacks_command(b"watch"));
        assert!(!rest_lacks_command(b"publish") && !rest_lacks_command(b"ping"));
    }
}
