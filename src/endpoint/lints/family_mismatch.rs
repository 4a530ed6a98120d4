//! `family-mismatch`: the REST URLs of both families (Upstash's and the Vercel
//! Marketplace's) point at different hosts, in one env file or in the env files a framework
//! loads together; the client reads one of them and ignores the other
//! (`crate::family::READERS`).

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
        let (Some(used), Some(ignored)) = (
            winner(endpoints, Family::Upstash),
            winner(endpoints, Family::Marketplace),
        ) else {
            return;
        };
        out.extend(mismatch((used, None), (ignored, source)));
    }
}

/// The unprefixed REST URL of `family` a client reads from one file's endpoints: the last
/// one, as the last assignment wins in an env file.
fn winner(endpoints: &[Endpoint], family: Family) -> Option<&Endpoint> {
    endpoints.iter().rfind(|e| {
        e.role == Role::RestUrl
            && e.host().is_some()
            && lookup(e.label.trim_matches('`'))
                .is_some_and(|k| k.prefix.is_empty() && k.variable.family == family)
    })
}

/// `family-mismatch` across files loaded together: `files` are each file's endpoints, the
/// file whose value wins first. Each family's URL is taken from the first file that sets it;
/// when the two come from different files and point at different hosts, the warning is
/// placed at the Marketplace's (which `Redis.fromEnv()` ignores) and names the file of the
/// one used. Two URLs of one file are that file's own finding ([`FamilyMismatch`]).
#[must_use]
pub(crate) fn across_files(files: &[(&[Endpoint], &SourceFile)]) -> Option<Diagnostic> {
    let first = |family| first_setting(files, family);
    let (used_file, used, used_source) = first(Family::Upstash)?;
    let (ignored_file, ignored, ignored_source) = first(Family::Marketplace)?;
    if used_file == ignored_file {
        return None;
    }
    mismatch((used, Some(&used_source.name)), (ignored, ignored_source))
}

/// The file (its index in `files`, the first wins) whose unprefixed REST URL of `family` a
/// client reads, with that URL.
fn first_setting<'a>(
    files: &[(&'a [Endpoint], &'a SourceFile)],
    family: Family,
) -> Option<(usize, &'a Endpoint, &'a SourceFile)> {
    files
        .iter()
        .enumerate()
        .find_map(|(i, (eps, source))| Some((i, winner(eps, family)?, *source)))
}

/// Which file's URL counts for each family in files loaded together (the first wins):
/// `(Upstash's, the Marketplace's)`. A file's own [`FamilyMismatch`] is about the set only
/// when both are that file: when another file overrides one of its URLs, the app never reads
/// the pair that file holds.
#[must_use]
pub(crate) fn deciding_files(files: &[(&[Endpoint], &SourceFile)]) -> Option<(usize, usize)> {
    Some((
        first_setting(files, Family::Upstash)?.0,
        first_setting(files, Family::Marketplace)?.0,
    ))
}

/// The warning when `used` and `ignored` point at different hosts: at `ignored`, in
/// `source`; `used_in` names the file of `used` when it is another one.
fn mismatch(
    (used, used_in): (&Endpoint, Option<&str>),
    (ignored, source): (&Endpoint, &SourceFile),
) -> Option<Diagnostic> {
    let (used_host, ignored_host) = (used.host()?, ignored.host()?);
    // `host.` (the fully qualified form) is `host`.
    if used_host
        .trim_end_matches('.')
        .eq_ignore_ascii_case(ignored_host.trim_end_matches('.'))
    {
        return None;
    }
    let node = &READERS[0];
    let workers = &READERS[1];
    let used_label = match used_in {
        Some(file) => format!("{} in {file}", used.label),
        None => used.label.clone(),
    };
    let here = match used_in {
        Some(_) => format!(" in {}", source.name),
        None => String::new(),
    };
    Some(
        Diagnostic::new(
            Code::FamilyMismatch,
            format!(
                "{}{here} points at `{ignored_host}` but {used_label} at `{used_host}`: {} reads {} first, so the app uses `{used_host}`",
                ignored.label, node.client, used.label
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
    )
}
