//! `family-mismatch`: an env file sets the REST URL of both families (Upstash's and the
//! Vercel Marketplace's) to different hosts; the client reads one of them and ignores the
//! other (`crate::family::READERS`).

use super::Lint;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::endpoint::{Endpoint, Role};
use crate::family::{Family, READERS, lookup};

/// Compares the unprefixed REST URLs of the two families, the names clients read by
/// themselves.
pub(super) struct FamilyMismatch;

impl Lint for FamilyMismatch {
    fn run(&self, endpoints: &[Endpoint], source: &SourceFile, out: &mut Vec<Diagnostic>) {
        // The last URL of each family wins, as the last assignment does in an env file.
        let mut upstash: Option<&Endpoint> = None;
        let mut marketplace: Option<&Endpoint> = None;
        for e in endpoints {
            if e.role != Role::RestUrl || e.host().is_none() {
                continue;
            }
            let Some(known) = lookup(e.label.trim_matches('`')) else {
                continue;
            };
            if !known.prefix.is_empty() {
                continue;
            }
            match known.variable.family {
                Family::Upstash => upstash = Some(e),
                Family::Marketplace => marketplace = Some(e),
                Family::Shared | Family::Srh => {}
            }
        }
        let (Some(used), Some(ignored)) = (upstash, marketplace) else {
            return;
        };
        let (Some(used_host), Some(ignored_host)) = (used.host(), ignored.host()) else {
            return;
        };
        if used_host.eq_ignore_ascii_case(ignored_host) {
            return;
        }
        let node = &READERS[0];
        let workers = &READERS[1];
        out.push(
            Diagnostic::new(
                Code::FamilyMismatch,
                format!(
                    "{} points at `{ignored_host}` but {} at `{used_host}`: {} reads {} first, so the app uses `{used_host}`",
                    ignored.label, used.label, node.client, used.label
                ),
            )
            .at(source, ignored.span.clone())
            .help(format!(
                "keep one database: remove the {} variables or set both to the same database ({} on {} reads only {} and {})",
                ignored.family.map_or("", Family::label),
                workers.client,
                workers.runtime,
                workers.url.join(", "),
                workers.token.join(", ")
            )),
        );
    }
}
