//! `upwire completions`: clap's scripts, with `--target` completing the descriptor's target
//! names. clap's static scripts cannot know them, so each script asks
//! `upwire completions --targets` when the user presses TAB after `--target`.
//!
//! A descriptor comes from whoever wrote the repository, so nothing read from it may become
//! code in the user's shell: `--targets` prints only valid target names
//! ([`crate::model::is_valid_name`], `[a-z0-9][a-z0-9-]*`: no character any shell treats
//! specially), and each script takes the lines it reads as data (bash reads them into an
//! array and keeps those that start with the typed word, compared as a literal string; zsh
//! adds an array with `compadd -a`; fish adds command-substitution output, which it never
//! expands again), never through `compgen -W`, which expands `$(...)` in its word list.

use super::*;

pub(super) fn completions(cli: &Cli, shell: Option<clap_complete::Shell>) -> Result<u8, Error> {
    let Some(shell) = shell else {
        // `--targets`: one name per line, from the descriptor alone (no env needed); a
        // missing or broken descriptor gives none, so TAB just offers nothing.
        if let Ok(source) = load_source(&cli.config) {
            let resolved = resolve(source, &Env::default());
            let mut out = stdout();
            // An invalid name is reported by `lint`; here it is never printed, whatever it holds.
            for t in resolved
                .plan
                .targets
                .iter()
                .filter(|t| crate::model::is_valid_name(&t.name))
            {
                let _ = writeln!(out, "{}", t.name);
            }
        }
        return Ok(0);
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "upwire", &mut script);
    let script = String::from_utf8_lossy(&script);
    let _ = write!(stdout(), "{}", with_target_names(shell, &script));
    Ok(0)
}

/// `script` with every `--target` value completed from `upwire completions --targets` (run with `2>/dev/null`: nothing on any error).
fn with_target_names(shell: clap_complete::Shell, script: &str) -> String {
    use clap_complete::Shell;
    match shell {
        Shell::Bash => bash(script),
        Shell::Zsh => {
            let script = script
                .replace("]:TARGET:_default'", "]:TARGET:_upwire_targets'")
                .replace("]:TARGET:'", "]:TARGET:_upwire_targets'");
            match script.split_once('\n') {
                Some((compdef, rest)) => format!("{compdef}\n{ZSH_TARGETS}{rest}"),
                None => script,
            }
        }
        Shell::Fish => {
            let mut out = String::from(FISH_TARGETS);
            for line in script.lines() {
                out.push_str(line);
                if line.contains(" -l target ") && line.ends_with(" -r -f") {
                    out.push_str(" -a \"(__upwire_targets)\"");
                }
                out.push('\n');
            }
            out
        }
        _ => script.to_owned(),
    }
}

/// bash's reply for `--target`: the lines of `upwire completions --targets` that are valid names and start with the
/// word typed (`[[ $name == "$cur"* ]]`: the quoted part is matched literally), each word
/// data from the read to `COMPREPLY`. Valid names are checked again here, so an older
/// `upwire` on `PATH` that printed any name cannot put one on the command line.
const BASH_TARGETS: &str = r#"_upwire_targets() {
    local name
    COMPREPLY=()
    while IFS= read -r name; do
        if [[ "$name" =~ ^[a-z0-9][a-z0-9-]*$ && "$name" == "$1"* ]]; then
            COMPREPLY+=("$name")
        fi
    done < <(upwire completions --targets 2>/dev/null)
}
"#;

/// zsh's completer for `--target`: the valid names among `upwire completions --targets`'s lines, added as an array.
const ZSH_TARGETS: &str = r#"_upwire_targets() {
    local -a targets
    local name
    for name in ${(f)"$(upwire completions --targets 2>/dev/null)"}; do
        [[ $name =~ '^[a-z0-9][a-z0-9-]*$' ]] && targets+=("$name")
    done
    compadd -a targets
}
"#;

/// fish's completer for `--target`: the valid names among `upwire completions --targets`'s lines.
const FISH_TARGETS: &str = r#"function __upwire_targets
    upwire completions --targets 2>/dev/null | string match -r '^[a-z0-9][a-z0-9-]*$'
end
"#;

/// bash: after a `--target)` case, the reply becomes the target names (and the `nospace`
/// clap adds for free text goes).
fn bash(script: &str) -> String {
    let lines: Vec<&str> = script.lines().collect();
    let mut out = String::with_capacity(script.len() + 512);
    out.push_str(BASH_TARGETS);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        out.push_str(line);
        out.push('\n');
        i += 1;
        if line.trim() != "--target)" {
            continue;
        }
        let Some(reply) = lines.get(i) else { break };
        let indent = &reply[..reply.len() - reply.trim_start().len()];
        out.push_str(&format!("{indent}_upwire_targets \"${{cur}}\"\n"));
        i += 1;
        let nospace = lines.get(i..i + 3).is_some_and(|l| {
            l[0].trim().starts_with("if [[ \"${BASH_VERSINFO[0]}\"")
                && l[1].trim() == "compopt -o nospace"
                && l[2].trim() == "fi"
        });
        if nospace {
            i += 3;
        }
    }
    out
}
