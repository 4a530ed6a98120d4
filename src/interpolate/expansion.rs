//! How large dotenvy would make each value of an env file, before it is asked to: dotenvy
//! (0.15) replaces `$NAME` and `${NAME}` in values with the process environment's or an
//! earlier line's value, with no bound, so 30 lines that each double the one before make a
//! gigabyte from 500 bytes and abort the process. This is dotenvy's reading (its
//! `QuotedLines` iterator, `parse_line` and `parse_value`, in `iter.rs` and `parse.rs`)
//! counting bytes instead of building strings: the same lines, the same substitutions, the
//! same lengths, in time and memory linear in the file. A line dotenvy rejects ends the
//! count: dotenvy then stops there with its own error.

use std::collections::HashMap;

/// The first variable whose value, or the values so far together, would exceed `limit`
/// bytes once expanded: its name and line (from 1).
pub(super) fn first_over(text: &str, limit: u64) -> Option<(String, usize)> {
    let mut lengths: HashMap<String, u64> = HashMap::new();
    let mut total: u64 = 0;
    let mut line_no = 1;
    for (line, lines) in QuotedLines::new(text) {
        let line = line?;
        match parse_line(&line, &mut lengths) {
            Err(()) => return None,
            Ok(None) => {}
            Ok(Some((key, len))) => {
                total = total.saturating_add(len);
                if len > limit || total > limit {
                    return Some((key, line_no));
                }
            }
        }
        line_no += lines;
    }
    None
}

#[derive(Clone, Copy)]
enum State {
    Complete,
    Escape,
    StrongOpen,
    StrongOpenEscape,
    WeakOpen,
    WeakOpenEscape,
    Comment,
    WhiteSpace,
}

fn end_state(prev: State, buf: &str) -> (usize, State) {
    let mut state = prev;
    let mut at = 0;
    for (pos, c) in buf.char_indices() {
        at = pos;
        state = match state {
            State::WhiteSpace => match c {
                '#' => return (at, State::Comment),
                '\\' => State::Escape,
                '"' => State::WeakOpen,
                '\'' => State::StrongOpen,
                _ => State::Complete,
            },
            State::Escape | State::Comment => State::Complete,
            State::Complete => match c {
                c if c.is_whitespace() && c != '\n' && c != '\r' => State::WhiteSpace,
                '\\' => State::Escape,
                '"' => State::WeakOpen,
                '\'' => State::StrongOpen,
                _ => State::Complete,
            },
            State::WeakOpen => match c {
                '\\' => State::WeakOpenEscape,
                '"' => State::Complete,
                _ => State::WeakOpen,
            },
            State::WeakOpenEscape => State::WeakOpen,
            State::StrongOpen => match c {
                '\\' => State::StrongOpenEscape,
                '\'' => State::Complete,
                _ => State::StrongOpen,
            },
            State::StrongOpenEscape => State::StrongOpen,
        };
    }
    (at, state)
}

/// dotenvy's logical lines: a quote left open continues on the next line. Each item is the
/// line (`None`: dotenvy's error at the end of the file) and how many lines of the text it
/// took.
struct QuotedLines<'a> {
    rest: &'a str,
}

impl<'a> QuotedLines<'a> {
    fn new(text: &'a str) -> Self {
        Self { rest: text }
    }

    fn read_line(&mut self, buf: &mut String) -> usize {
        let end = self.rest.find('\n').map_or(self.rest.len(), |i| i + 1);
        buf.push_str(&self.rest[..end]);
        self.rest = &self.rest[end..];
        end
    }
}

impl Iterator for QuotedLines<'_> {
    type Item = (Option<String>, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = String::new();
        let mut state = State::Complete;
        let mut lines = 0;
        loop {
            let from = buf.len();
            if self.read_line(&mut buf) == 0 {
                return match state {
                    State::Complete => None,
                    _ => Some((None, lines)),
                };
            }
            lines += 1;
            if buf.trim_start().starts_with('#') {
                return Some((Some(String::new()), lines));
            }
            let (at, next) = end_state(state, &buf[from..]);
            state = next;
            match state {
                State::Complete => {
                    if buf.ends_with('\n') {
                        buf.pop();
                        if buf.ends_with('\r') {
                            buf.pop();
                        }
                    }
                    return Some((Some(buf), lines));
                }
                State::Comment => {
                    buf.truncate(from + at);
                    return Some((Some(buf), lines));
                }
                _ => {}
            }
        }
    }
}

/// dotenvy's `parse_line`: the key and its value's expanded length, `None` for a blank or
/// comment line, `Err` where dotenvy fails.
fn parse_line(line: &str, lengths: &mut HashMap<String, u64>) -> Result<Option<(String, u64)>, ()> {
    let mut line = line.trim_end().trim_start();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let mut key = parse_key(&mut line)?;
    line = line.trim_start();
    if key == "export" {
        if let Some(rest) = line.strip_prefix('=') {
            line = rest;
        } else {
            key = parse_key(&mut line)?;
            line = line.trim_start().strip_prefix('=').ok_or(())?;
        }
    } else {
        line = line.strip_prefix('=').ok_or(())?;
    }
    line = line.trim_start();
    if line.is_empty() || line.starts_with('#') {
        lengths.insert(key.clone(), 0);
        return Ok(Some((key, 0)));
    }
    let len = parse_value(line, lengths)?;
    lengths.insert(key.clone(), len);
    Ok(Some((key, len)))
}

fn parse_key(line: &mut &str) -> Result<String, ()> {
    if !line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return Err(());
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(line.len());
    let key = line[..end].to_owned();
    *line = &line[end..];
    Ok(key)
}

/// What one substitution adds: the process environment's value first, as dotenvy reads it.
fn substitution(lengths: &HashMap<String, u64>, name: &str) -> u64 {
    match std::env::var(name) {
        Ok(value) => value.len() as u64,
        Err(_) => lengths.get(name).copied().unwrap_or(0),
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Mode {
    None,
    Block,
    EscapedBlock,
}

/// dotenvy's `parse_value`, counting the bytes it would push.
fn parse_value(input: &str, lengths: &HashMap<String, u64>) -> Result<u64, ()> {
    let (mut strong, mut weak, mut escaped, mut expecting_end) = (false, false, false, false);
    let mut out: u64 = 0;
    let mut mode = Mode::None;
    let mut name = String::new();
    let push = |out: &mut u64, c: char| *out = out.saturating_add(c.len_utf8() as u64);
    for c in input.chars() {
        if expecting_end {
            match c {
                ' ' | '\t' => continue,
                '#' => break,
                _ => return Err(()),
            }
        } else if escaped {
            match c {
                '\\' | '\'' | '"' | '$' | ' ' | 'n' => push(&mut out, c),
                _ => return Err(()),
            }
            escaped = false;
        } else if strong {
            if c == '\'' {
                strong = false;
            } else {
                push(&mut out, c);
            }
        } else if mode != Mode::None {
            if c.is_alphanumeric() {
                name.push(c);
            } else if mode == Mode::Block {
                if c == '{' && name.is_empty() {
                    mode = Mode::EscapedBlock;
                } else {
                    out = out.saturating_add(substitution(lengths, &name));
                    name.clear();
                    if c == '$' {
                        mode = Mode::Block;
                    } else {
                        mode = Mode::None;
                        push(&mut out, c);
                    }
                }
            } else if c == '}' {
                mode = Mode::None;
                out = out.saturating_add(substitution(lengths, &name));
                name.clear();
            } else {
                name.push(c);
            }
        } else if c == '$' {
            mode = Mode::Block;
        } else if weak {
            match c {
                '"' => weak = false,
                '\\' => escaped = true,
                _ => push(&mut out, c),
            }
        } else if c == '\'' {
            strong = true;
        } else if c == '"' {
            weak = true;
        } else if c == '\\' {
            escaped = true;
        } else if c == ' ' || c == '\t' {
            expecting_end = true;
        } else {
            push(&mut out, c);
        }
    }
    if mode == Mode::EscapedBlock || strong || weak {
        return Err(());
    }
    Ok(out.saturating_add(substitution(lengths, &name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lengths agree with what dotenvy builds, on values with every kind of reference.
    #[test]
    fn lengths_match_dotenvy() {
        let text = "A=xy\nB=${A}$A-\"q ${A}\"\nS='s $A'\nexport C = \"multi\nline ${B}\"\n# c\nD=${B}${C} # note\nE=\\$A\\n\nF=$UPWIRE_TEST_UNSET_VAR_X$\n";
        let mut lengths = HashMap::new();
        let mut theirs = Vec::new();
        for item in dotenvy::from_read_iter(text.as_bytes()) {
            theirs.push(item.unwrap());
        }
        let mut ours = Vec::new();
        for (line, _) in QuotedLines::new(text) {
            if let Some(kv) = parse_line(&line.unwrap(), &mut lengths).unwrap() {
                ours.push(kv);
            }
        }
        let theirs: Vec<(String, u64)> = theirs
            .into_iter()
            .map(|(k, v)| (k, v.len() as u64))
            .collect();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn a_doubling_chain_is_stopped_at_the_variable_past_the_limit() {
        let mut text = String::from("A0=xy\n");
        for i in 1..30 {
            text.push_str(&format!("A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
        }
        // A{i} is 2^(i+1) bytes; the total passes 1 MiB at A19 (2^20 + ... ).
        assert_eq!(first_over(&text, 1 << 20), Some(("A19".to_owned(), 20)));
        assert_eq!(first_over("A=1\nB=$A$A\n", 1 << 20), None);
    }
}
