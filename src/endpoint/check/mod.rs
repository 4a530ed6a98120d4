//! The checks that run on a list of endpoints, one file each (the way dotenv-linter keeps
//! one file per check). `lint` runs them on an env file's endpoints, `resolve` (and every
//! command built on it) on each database's.

use super::Endpoint;
use crate::diagnostic::{Diagnostic, SourceFile};

mod family_mismatch;
mod host_mismatch;
mod public_prefix;
mod token_facts;
mod validate;

/// A check over the endpoints of one file.
pub(crate) trait Check {
    /// Appends what it finds.
    fn run(&self, endpoints: &[Endpoint], source: &SourceFile, out: &mut Vec<Diagnostic>);
}

/// Every check, in the order their findings are reported for one endpoint.
pub(crate) const ALL: &[&dyn Check] = &[
    &validate::Validate,
    &public_prefix::PublicPrefix,
    &host_mismatch::HostMismatch,
    &family_mismatch::FamilyMismatch,
    &token_facts::TokenFacts,
];

/// Runs every check.
pub(crate) fn run_all(endpoints: &[Endpoint], source: &SourceFile, out: &mut Vec<Diagnostic>) {
    for check in ALL {
        check.run(endpoints, source, out);
    }
}
