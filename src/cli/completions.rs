//! `upwire completions`: clap's scripts, with `--target` completing the descriptor's target
//! names. clap's static scripts cannot know them, so each script asks
//! `upwire completions --targets` when the user presses TAB after `--target`.

use super::*;

/// The command each script runs for target names; it prints nothing on any error.
const ASK: &str = "upwire completions --targets 2>/dev/null";

pub(super) fn completions(cli: &Cli, shell: Option<clap_complete::Shell>) -> Result<u8, Error> {
    let Some(shell) = shell else {
        // `--targets`: one name per line, from the descriptor alone (no env needed); a
        // missing or broken descriptor gives none, so TAB just offers nothing.
        if let Ok(source) = load_source(&cli.config) {
            let resolved = resolve(source, &Env::default());
            let mut out = stdout();
            for t in &resolved.plan.targets {
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

/// `script` with every `--target` value completed from [`ASK`].
fn with_target_names(shell: clap_complete::Shell, script: &str) -> String {
    use clap_complete::Shell;
    match shell {
        Shell::Bash => bash(script),
        Shell::Zsh => {
            let script = script
                .replace("]:TARGET:_default'", "]:TARGET:_upwire_targets'")
                .replace("]:TARGET:'", "]:TARGET:_upwire_targets'");
            let function = format!(
                "_upwire_targets() {{\n    local -a targets\n    targets=(${{(f)\"$({ASK})\"}})\n    compadd -a targets\n}}\n"
            );
            match script.split_once('\n') {
                Some((compdef, rest)) => format!("{compdef}\n{function}{rest}"),
                None => script,
            }
        }
        Shell::Fish => script
            .lines()
            .map(|line| {
                if line.contains(" -l target ") && line.ends_with(" -r -f") {
                    format!("{line} -a \"({ASK})\"\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect(),
        _ => script.to_owned(),
    }
}

/// bash: after a `--target)` case, the reply becomes the target names (and the `nospace`
/// clap adds for free text goes).
fn bash(script: &str) -> String {
    let lines: Vec<&str> = script.lines().collect();
    let mut out = String::with_capacity(script.len() + 256);
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
        out.push_str(&format!(
            "{indent}COMPREPLY=($(compgen -W \"$({ASK})\" -- \"${{cur}}\"))\n"
        ));
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
