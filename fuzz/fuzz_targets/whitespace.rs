//! Non-ASCII whitespace in every position, for every target: pasted from a web page, a
//! no-break space or an ideographic space stands where ASCII blanks would, and each is two or
//! three bytes in UTF-8, so a byte offset beside one is easily not a character boundary (a
//! descriptor line indented with U+00A0 once panicked in the secret scanner).
//!
//! Besides the input as the fuzzer made it (the dictionaries hold each character, so it also
//! places them anywhere), each target runs on [`variants`]: the character chosen by the input
//! (U+00A0, U+2000 to U+200B, U+3000, U+FEFF) in place of every ASCII blank, and beside
//! every separator of the syntaxes read (line starts and ends, `=`, `:`, `#`, quotes,
//! brackets, `$`, `{`, `}`, `@`, `/`, `?`, `&`, `,`).

/// The non-ASCII whitespace characters.
pub const NON_ASCII_WHITESPACE: &[char] = &[
    '\u{a0}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}',
    '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}', '\u{200b}', '\u{3000}', '\u{feff}',
];

/// The input with one non-ASCII whitespace character (picked from its length) in place of the
/// ASCII blanks, and beside every separator. Empty when the input has neither.
pub fn variants(text: &str) -> Vec<String> {
    let ws = NON_ASCII_WHITESPACE[text.len() % NON_ASCII_WHITESPACE.len()];
    let replaced: String = text
        .chars()
        .map(|c| if c == ' ' || c == '\t' { ws } else { c })
        .collect();
    let mut around = String::with_capacity(text.len() * 2);
    around.push(ws);
    for c in text.chars() {
        let separator = matches!(
            c,
            '\n' | '=' | ':' | '#' | '"' | '\'' | '[' | ']' | '$' | '{' | '}' | '@' | '/' | '?'
                | '&' | ','
        );
        if separator && c != '\n' {
            around.push(ws);
        }
        around.push(c);
        if separator {
            around.push(ws);
        }
    }
    [replaced, around]
        .into_iter()
        .filter(|v| v != text)
        .collect()
}
