//! `host-mismatch`: a group's REST URL and TCP URL name different hosts (an Upstash
//! database serves both on one host).

use std::collections::BTreeMap;

use super::Lint;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::endpoint::{Endpoint, Role};
use crate::family::Family;

/// Compares the hosts of each group's TCP and REST URL.
pub(super) struct HostMismatch;

impl Lint for HostMismatch {
    fn run(&self, endpoints: &[Endpoint], source: &SourceFile, out: &mut Vec<Diagnostic>) {
        // The last URL of each role wins, as the last assignment does in an env file.
        let mut groups: BTreeMap<(&str, Role), &Endpoint> = BTreeMap::new();
        for e in endpoints {
            if matches!(e.role, Role::TcpUrl | Role::RestUrl) && e.host().is_some() {
                groups.insert((e.group.as_str(), e.role), e);
            }
        }
        for ((group, role), rest) in &groups {
            if *role != Role::RestUrl {
                continue;
            }
            // An env file's `REDIS_URL` belongs to both families of its prefix.
            let shared = rest.family.and_then(|_| {
                let (prefix, _) = group.split_once('\u{0}')?;
                Some(crate::endpoint::group(prefix, Family::Shared))
            });
            let Some(tcp) = groups.get(&(*group, Role::TcpUrl)).or_else(|| {
                shared
                    .as_deref()
                    .and_then(|g| groups.get(&(g, Role::TcpUrl)))
            }) else {
                continue;
            };
            let (Some(rest_host), Some(tcp_host)) = (rest.host(), tcp.host()) else {
                continue;
            };
            // A Fly private database (`fly redis create`) has no REST API: a REST URL beside
            // it is another database, for the code that runs off Fly (a Lambda job).
            if crate::parse::same_host(tcp_host, rest_host)
                || crate::parse::is_fly_private(tcp_host)
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::HostMismatch,
                    format!(
                        "{}{} points at `{rest_host}` but {} at `{tcp_host}`",
                        rest.group_label, rest.label, tcp.label
                    ),
                )
                .at(source, rest.span.clone())
                .help(format!(
                    "an Upstash database serves both on one host: use https://{} or check which database each value belongs to",
                    crate::parse::unqualified(tcp_host)
                )),
            );
        }
    }
}
