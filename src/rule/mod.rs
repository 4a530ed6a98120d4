//! The transport rules. Each rule lives in its own file, named after the condition it detects;
//! [`RULES`] is the one list that `resolve`, `explain`, and docs/rules.md's table read.
//! Adding a rule is one new file plus one line in [`RULES`].

mod explicit_transport;
mod kind;
mod kind_container;
mod kind_edge;
mod kind_lambda;
mod kind_mobile;
mod kind_server;
mod needs_tcp;

use crate::descriptor::{Database, Target};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::{Kind, Need, Platform, Transport};

/// What a rule sees of one target.
#[derive(Debug, Clone, Copy)]
pub struct RuleInput<'a> {
    /// The target.
    pub target: &'a Target,
    /// Its kind (rules run only for targets that have one).
    pub kind: Kind,
    /// Its platform, if set.
    pub platform: Option<Platform>,
    /// Its database, if it resolves.
    pub database: Option<&'a Database>,
    /// The descriptor source, for positioning findings.
    pub source: &'a SourceFile,
}

impl RuleInput<'_> {
    /// Whether the target needs `need`.
    #[must_use]
    pub fn needs(&self, need: Need) -> bool {
        self.target.needs.iter().any(|n| n.value == need)
    }
}

/// A rule's opinion about one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The transport it chooses.
    pub transport: Transport,
    /// One line, specific to this target, shown by `resolve` and `docs`.
    pub reason: String,
}

/// A transport rule.
pub trait Rule: Sync {
    /// Stable kebab-case id.
    fn id(&self) -> &'static str;
    /// One line: when the rule applies and what it decides (docs/rules.md's table).
    fn summary(&self) -> &'static str;
    /// The long text printed by `upwire explain`.
    fn explanation(&self) -> &'static str;
    /// The rule's decision, if it has one; impossible combinations are reported to `out`.
    fn decide(&self, input: &RuleInput<'_>, out: &mut Vec<Diagnostic>) -> Option<Decision>;
}

/// Every rule, in the order they are consulted: the first decisive rule wins.
pub static RULES: &[&dyn Rule] = &[
    &explicit_transport::ExplicitTransport,
    &needs_tcp::NeedsTcp,
    &kind_server::RULE,
    &kind_container::RULE,
    &kind_lambda::RULE,
    &kind_edge::RULE,
    &kind_mobile::RULE,
];

/// Looks a rule up by id.
#[must_use]
pub(crate) fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}

/// The outcome of running every rule over one target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The chosen transport, `None` when no rule could decide.
    pub transport: Option<Transport>,
    /// The decisive rule first, then every later rule that agrees.
    pub rules: Vec<&'static str>,
    /// One reason per rule in `rules`.
    pub reasons: Vec<String>,
}

/// Runs the rules in order over one target.
pub(crate) fn decide(input: &RuleInput<'_>, out: &mut Vec<Diagnostic>) -> Outcome {
    let mut outcome = Outcome::default();
    for rule in RULES {
        let Some(decision) = rule.decide(input, out) else {
            continue;
        };
        match outcome.transport {
            None => outcome.transport = Some(decision.transport),
            Some(t) if t != decision.transport => continue,
            Some(_) => {}
        }
        outcome.rules.push(rule.id());
        outcome.reasons.push(decision.reason);
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.id()));
            assert!(
                rule.id()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
            );
            assert!(rule.explanation().len() > rule.summary().len());
            assert!(find(rule.id()).is_some());
        }
    }

    /// The parts of the rule texts that state capability facts in prose (rather than from
    /// `capability.rs`) still name every kind and platform the table limits.
    #[test]
    fn rule_texts_name_what_the_capability_table_limits() {
        let text = |id: &str| find(id).unwrap().explanation().to_lowercase();
        for &kind in Kind::ALL {
            if !kind.transports(None).contains(&Transport::Tcp) {
                assert!(text("explicit-transport").contains(kind.as_str()), "{kind}");
            }
            if !kind.holds_connections() {
                assert!(text("needs-tcp").contains(kind.as_str()), "{kind}");
            }
            for &platform in Platform::ALL {
                if let crate::capability::Use::Caveat(_) =
                    kind.can_use(Transport::Tcp, Some(platform))
                {
                    assert!(
                        text("explicit-transport").contains(platform.as_str()),
                        "{platform}"
                    );
                    assert!(
                        text(&format!("kind-{kind}")).contains(platform.as_str()),
                        "{platform}"
                    );
                }
            }
        }
    }
}
