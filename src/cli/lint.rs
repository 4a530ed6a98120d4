//! `upwire lint`.

use super::*;

fn is_descriptor(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

pub(super) fn lint(cli: &Cli, paths: &[PathBuf]) -> Result<u8, Error> {
    let out = Output::new(cli);
    let mut targets: Vec<PathBuf> = paths.to_vec();
    if targets.is_empty() {
        targets.push(cli.config.clone());
        targets.extend(cli.env_files.iter().cloned());
    }
    // Only descriptors interpolate `${NAME}`: env files alone need no copy of the process
    // environment (5% of a short `lint` run). `--env-file`s are still read and checked.
    let env = if targets.iter().any(|p| is_descriptor(p)) {
        env(cli)?
    } else {
        with_env_files(cli, Env::default())?
    };
    let mut sources = Vec::new();
    let mut diags = Vec::new();
    let mut plans: Vec<TargetPlan> = Vec::new();
    for path in &targets {
        if is_descriptor(path) {
            let r = resolve(crate::input::load_source(path)?, &env);
            diags.extend(r.diagnostics);
            plans.extend(r.plan.targets);
            sources.push(r.source);
        } else {
            let source = crate::input::load_source_keeping_bom(path)?;
            let (source, found) = crate::lint::lint_env(source);
            diags.extend(found);
            sources.push(source);
        }
    }
    Report::new(Findings::new(&diags, &plans))
        .print(out.format, || out.diagnostics(&diags, &sources));
    Ok(exit_for(&diags))
}
