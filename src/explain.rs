//! `upwire explain`: the long text of a rule or a diagnostic code, wrapped for a terminal.

use crate::code::Code;
use crate::rule;

/// The long text for a rule id or diagnostic code, as `upwire explain` prints it.
#[must_use]
pub fn explain(id: &str) -> Option<String> {
    if id == "framework" {
        return Some(wrap(&crate::family::fill(&crate::framework::explain()), 90));
    }
    if let Some(rule) = rule::find(id) {
        return Some(wrap(
            &format!(
                "rule `{}`\n\n{}\n\n{}\n",
                rule.id(),
                rule.summary(),
                crate::family::fill(rule.explanation())
            ),
            90,
        ));
    }
    let code = Code::from_name(id)?;
    let mut text = code.explanation();
    if code == Code::UnknownValue {
        text = format!("{text}\n\n{}", crate::model::value_table());
    }
    Some(wrap(
        &format!(
            "{} `{}`: {}\n\n{text}\n",
            code.default_severity(),
            code.name(),
            code.summary(),
        ),
        90,
    ))
}

/// The long text for the error message(s) a client printed, found in pasted `text`, with
/// the known message it matched; or the closest known messages when none matches.
pub(crate) fn explain_pasted(text: &str) -> Result<(&'static str, String), Vec<&'static str>> {
    let found = crate::pasted::recognise(text);
    let Some(first) = found.first() else {
        return Err(crate::pasted::closest(text));
    };
    let text = found
        .iter()
        .map(|p| p.explanation())
        .collect::<Vec<_>>()
        .join("\n");
    Ok((first.message, wrap(&text, 90)))
}

/// Wraps prose paragraphs at `width` columns; indented lines are kept as they are.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with(' ') || line.len() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut col = 0;
        for word in line.split(' ') {
            if col > 0 && col + 1 + word.len() > width {
                out.push('\n');
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += word.len();
        }
        out.push('\n');
    }
    out
}

/// Every id `explain` knows: rule ids, then diagnostic codes.
#[must_use]
pub fn explain_ids() -> Vec<&'static str> {
    rule::RULES
        .iter()
        .map(|r| r.id())
        .chain(Code::ALL.iter().map(|c| c.name()))
        .chain(["framework"])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text `explain` prints has the family table's names filled in: no placeholder
    /// of `family::fill` is left, and the names it stands for are there.
    #[test]
    fn every_text_has_its_names_filled_in() {
        let texts: Vec<String> = explain_ids()
            .into_iter()
            .map(|id| explain(id).expect("a listed id has a text"))
            .chain(crate::pasted::PASTED.iter().map(|p| p.explanation()))
            .collect();
        for text in &texts {
            assert!(
                !text.contains("{var.") && !text.contains("{prefix."),
                "{text}"
            );
        }
        let all = texts.concat();
        for name in [
            crate::family::REDIS_URL,
            crate::family::KV_REST_URL,
            crate::family::EXPO_PUBLIC,
        ] {
            assert!(all.contains(name), "{name}");
        }
    }
}
