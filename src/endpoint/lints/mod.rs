//! The lints that run on a list of endpoints, one file each (the way dotenv-linter keeps
//! one file per check). `lint` runs them on an env file's endpoints, `resolve` (and every
//! command built on it) on each database's.

use super::Endpoint;
use crate::diagnostic::{Diagnostic, SourceFile};

mod family_mismatch;

pub(crate) use family_mismatch::across_files as family_mismatch_across;
pub(crate) use family_mismatch::deciding_files as family_deciding_files;
mod host_mismatch;
mod public_prefix;
mod token_facts;
mod validate;

/// A lint over the endpoints of one file.
pub(crate) trait Lint {
    /// Appends what it finds.
    fn run(&self, endpoints: &[Endpoint], source: &SourceFile, out: &mut Vec<Diagnostic>);
}

/// Every lint, in the order their findings are reported for one endpoint.
pub(crate) const ALL: &[&dyn Lint] = &[
    &validate::Validate,
    &public_prefix::PublicPrefix,
    &host_mismatch::HostMismatch,
    &family_mismatch::FamilyMismatch,
    &token_facts::TokenFacts,
];

/// Runs every lint.
pub(crate) fn run_all(endpoints: &[Endpoint], source: &SourceFile, out: &mut Vec<Diagnostic>) {
    for lint in ALL {
        lint.run(endpoints, source, out);
    }
}
