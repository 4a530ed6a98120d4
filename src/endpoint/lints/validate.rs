//! Each endpoint's own findings (URL syntax, TLS, placeholders, tokens), as diagnostics.

use super::Lint;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::endpoint::Endpoint;

/// Reports what parsing each value found.
pub(super) struct Validate;

impl Lint for Validate {
    fn run(&self, endpoints: &[Endpoint], source: &SourceFile, out: &mut Vec<Diagnostic>) {
        for e in endpoints {
            out.extend(e.findings.iter().map(|f| e.diagnostic(f, source)));
        }
    }
}
