//! The shape shared by the `kind-*` rules: one kind, one transport, one reason.

use super::{Decision, Rule, RuleInput};
use crate::diagnostic::Diagnostic;
use crate::model::{Kind, Transport};

/// A rule that decides by the target's kind alone.
#[derive(Debug)]
pub(super) struct KindRule {
    pub(super) id: &'static str,
    pub(super) kind: Kind,
    pub(super) transport: Transport,
    pub(super) reason: &'static str,
    pub(super) summary: &'static str,
    pub(super) explanation: &'static str,
}

impl Rule for KindRule {
    fn id(&self) -> &'static str {
        self.id
    }

    fn summary(&self) -> &'static str {
        self.summary
    }

    fn explanation(&self) -> &'static str {
        self.explanation
    }

    fn decide(&self, input: &RuleInput<'_>, _: &mut Vec<Diagnostic>) -> Option<Decision> {
        (input.kind == self.kind).then(|| Decision {
            transport: self.transport,
            reason: self.reason.to_owned(),
        })
    }
}
