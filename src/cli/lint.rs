//! `upwire lint`.

use super::*;

pub(super) fn is_descriptor(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

/// What a file given to `lint` is, from its name (and, for TOML, its tables): `lint` checks
/// descriptors and env files as what they are, and says it skips the rest, so that it can be
/// pointed at everything `generate` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FileKind {
    /// An upwire descriptor.
    Descriptor,
    /// An env file with real values.
    Env,
    /// An example env file (`.env.example`, `*.sample`, `*.template`): placeholders are
    /// what it should hold.
    Example,
    /// An Expo app's `eas.json`: its build profiles' variables are checked as an env file's.
    Eas,
    /// Something else, in words (`JSON`, `a TOML file that is not an upwire descriptor`).
    Other(&'static str),
}

pub(super) fn file_kind(path: &Path) -> FileKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    // Files of other tools that are not `KEY=VALUE` lists.
    if [
        ".gitignore",
        ".dockerignore",
        ".gitattributes",
        ".editorconfig",
        "dockerfile",
        "makefile",
        "procfile",
    ]
    .contains(&name.as_str())
    {
        return FileKind::Other("another tool's file");
    }
    // Package managers' manifests and lockfiles, which a hook or a glob may pass along:
    // `pyproject.toml`'s `[project]` is PEP 621's, not a descriptor's, and the others are not
    // `KEY=VALUE` lists whatever their extension.
    if [
        "pyproject.toml",
        "pipfile",
        "setup.cfg",
        "gemfile",
        "go.mod",
    ]
    .contains(&name.as_str())
    {
        return FileKind::Other("a package manifest");
    }
    if [
        "cargo.lock",
        "yarn.lock",
        "bun.lockb",
        "pipfile.lock",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "gemfile.lock",
        "go.sum",
    ]
    .contains(&name.as_str())
    {
        return FileKind::Other("a lockfile");
    }
    // pip's `requirements.txt`, `requirements-dev.txt`, `requirements/base.txt`.
    if ext == "txt"
        && (name.starts_with("requirements")
            || path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|d| d == "requirements"))
    {
        return FileKind::Other("a pip requirements file");
    }
    if name == crate::eas::FILE_NAME {
        return FileKind::Eas;
    }
    // Supabase's project config (`supabase init` writes it; its `project_id` reads like a
    // mistyped `[project]`).
    if name == "config.toml"
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "supabase")
    {
        return FileKind::Other("Supabase's project config");
    }
    match ext.as_str() {
        "toml" if name == "upwire.toml" || toml_is_descriptor(path) => FileKind::Descriptor,
        "toml" => FileKind::Other("a TOML file that is not an upwire descriptor"),
        // `wrangler.jsonc`, `tsconfig.json`, `deno.jsonc`.
        "json" | "jsonc" | "json5" => FileKind::Other("JSON"),
        "html" | "htm" => FileKind::Other("HTML"),
        "yaml" | "yml" => FileKind::Other("YAML"),
        "sh" | "bash" => FileKind::Other("a shell script"),
        "md" => FileKind::Other("Markdown"),
        "rs" | "ts" | "tsx" | "js" | "jsx" | "mjs" | "cjs" | "mts" | "cts" | "svelte" | "vue"
        | "astro" | "py" | "rb" => FileKind::Other("source code"),
        _ if [".example", ".sample", ".template", ".dist"]
            .iter()
            .any(|s| name.ends_with(s)) =>
        {
            FileKind::Example
        }
        _ => FileKind::Env,
    }
}

/// Whether a TOML file is a descriptor: anything but a TOML file that parses and has none of
/// a descriptor's tables (`wrangler.redis.toml`'s `[vars]`, a `Cargo.toml`). A file that
/// does not parse, or cannot be read, is taken as one, so that reading it reports why.
fn toml_is_descriptor(path: &Path) -> bool {
    let Ok(bytes) = crate::input::read_bounded(path) else {
        return true;
    };
    let Ok(table) = String::from_utf8_lossy(&bytes).parse::<toml::Table>() else {
        return true;
    };
    // A mistyped descriptor (`[targets.api]`, `[databse.main]`) is still one: lint says so.
    let tables = ["project", "database", "target"];
    table.is_empty()
        || table
            .keys()
            .any(|k| tables.contains(&k.as_str()) || did_you_mean(k, &tables).is_some())
}

/// The files `lint` (and `fix`) read: `paths`, or without any the descriptor and every
/// `--env-file`; the environment descriptors interpolate from (none with `no_env`); and the
/// descriptor `-c` names (or discovery found) when it was read to open the project, so that
/// it is not read twice.
pub(super) fn inputs(
    cli: &Cli,
    paths: &[PathBuf],
    no_env: bool,
    doing: &str,
) -> Result<(Vec<PathBuf>, Env, Option<SourceFile>), Error> {
    let mut targets: Vec<PathBuf> = paths.to_vec();
    let folder = if targets.is_empty() {
        super::folder_env_files(cli, doing)
    } else {
        None
    };
    let defaults = targets.is_empty() && folder.is_none();
    if let Some(files) = folder {
        targets = files;
    } else if defaults {
        targets.push(cli.config.clone());
        targets.extend(cli.env_files.iter().cloned());
    }
    // Only descriptors interpolate `${NAME}`: env files alone need no copy of the process
    // environment (5% of a short `lint` run). `--env-file`s are still read and checked.
    // `--no-env`: no variable at all, so no secret is needed (nor read).
    if no_env {
        return Ok((targets, Env::default(), None));
    }
    if !targets.iter().any(|p| is_descriptor(p)) {
        let env = crate::project::env_files(Env::default(), &cli.env_files)?;
        return Ok((targets, env, None));
    }
    if !cli.config.is_file() {
        let env = crate::project::env_files(Env::from_process(), &cli.env_files)?;
        return Ok((targets, env, None));
    }
    // Another descriptor linted beside one that cannot be read: that one's own error is
    // not this run's (its process environment and `--env-file`s still resolve).
    let project = match super::open_project(cli) {
        Err(
            Error::NotUtf8 { .. }
            | Error::Binary { .. }
            | Error::TooLarge { .. }
            | Error::Read { .. },
        ) if !targets.contains(&cli.config) => {
            let env = crate::project::env_files(Env::from_process(), &cli.env_files)?;
            return Ok((targets, env, None));
        }
        other => other?,
    };
    if defaults {
        // The env files read beside the descriptor are linted as what they are, too (not
        // with `--no-env`, which reads no value at all).
        targets.extend(project.convention_files.iter().cloned());
    }
    Ok((targets, project.env, Some(project.source)))
}

/// The `eas.json` files a plain `lint` reads besides: those of the Expo apps of the
/// descriptor `opened` (it was opened from `-c`), or the one in the current folder when there
/// is no descriptor; each only when it exists and is not read already.
fn eas_files(cli: &Cli, opened: Option<&SourceFile>) -> Vec<PathBuf> {
    let found: Vec<PathBuf> = match opened {
        Some(source) => {
            let base = crate::project::base_dir(&cli.config);
            crate::framework::eas_files(&source.text)
                .into_iter()
                .map(|f| base.join(f))
                .collect()
        }
        None if !cli.config_given && !cli.config.is_file() => {
            vec![PathBuf::from(crate::eas::FILE_NAME)]
        }
        None => Vec::new(),
    };
    found.into_iter().filter(|p| p.is_file()).collect()
}

/// The `env_prefix`es the targets of the descriptors linted declare.
fn declared(plans: &[TargetPlan]) -> Vec<String> {
    plans.iter().map(|p| p.env_prefix.clone()).collect()
}

/// One file's findings: `source` is a descriptor when `descriptor` (its byte-order mark
/// already dropped), an env file otherwise (the mark kept: `bom`).
/// An env file's names are read behind the `env_prefix`es of `plans` too.
pub(super) fn lint_one(
    source: SourceFile,
    descriptor: bool,
    env: &Env,
    plans: &[TargetPlan],
) -> (SourceFile, Vec<Diagnostic>, Vec<TargetPlan>) {
    if descriptor {
        let r = resolve(source, env);
        (r.source, r.diagnostics, r.plan.targets)
    } else {
        let (source, found) = crate::lint::lint_env_declaring(source, &declared(plans));
        (source, found, Vec::new())
    }
}

pub(super) fn lint(cli: &Cli, paths: &[PathBuf], no_env: bool) -> Result<u8, Error> {
    // An Expo app's folder with no descriptor and no env file yet: its `eas.json` is what
    // there is to check (its build profiles' variables).
    let eas = Path::new(crate::eas::FILE_NAME);
    if paths.is_empty()
        && !cli.config_given
        && !cli.config.is_file()
        && cli.env_files.is_empty()
        && super::env_files_here(cli).is_empty()
        && eas.is_file()
    {
        crate::cli::say!(
            "note: no {}; linting {} (an Expo app's build profiles)",
            cli.config.display(),
            eas.display()
        );
        return lint(cli, &[eas.to_path_buf()], no_env);
    }
    let out = Output::new(cli);
    let (mut targets, env, mut opened) = inputs(cli, paths, no_env, "linting")?;
    if paths.is_empty() {
        targets.extend(eas_files(cli, opened.as_ref()));
    }
    // Descriptors first, then env files: an env file's names are read behind the
    // `env_prefix`es of every descriptor linted, wherever it stands on the command line
    // (`lint .env upwire.toml` as `lint upwire.toml .env`). Findings keep the files' order.
    let mut linted: Vec<Option<(SourceFile, Vec<Diagnostic>)>> = Vec::new();
    linted.resize_with(targets.len(), || None);
    let mut plans: Vec<TargetPlan> = Vec::new();
    for descriptors in [true, false] {
        for (slot, path) in targets.iter().enumerate() {
            let kind = file_kind(path);
            if (kind == FileKind::Descriptor) != descriptors {
                continue;
            }
            if let FileKind::Other(what) = kind {
                // Not a failure: `lint` may be given everything a directory holds.
                crate::cli::say!(
                    "note: skipped `{}`: {what}, neither an env file nor an upwire descriptor",
                    path.display()
                );
                continue;
            }
            // Another descriptor is opened as `-c` would open it: its own env files beside it.
            let mut its_env = None;
            let source = if descriptors {
                // The descriptor the project was opened from is not read again.
                match opened.take_if(|_| *path == cli.config) {
                    Some(source) => source,
                    None if no_env => load_config(cli, path)?,
                    None => {
                        let project = super::open_project_at(cli, path)?;
                        its_env = Some(project.env);
                        project.source
                    }
                }
            } else if kind == FileKind::Eas {
                crate::input::load_source(path)?
            } else {
                crate::input::load_source_keeping_bom(path)?
            };
            if kind == FileKind::Eas {
                match crate::eas::lint(source, &declared(&plans)) {
                    Ok(done) => linted[slot] = Some(done),
                    Err((line, column)) => crate::cli::say!(
                        "note: skipped `{}`: not JSON that EAS reads (line {line}, column {column}), so its build profiles' variables were not checked",
                        path.display()
                    ),
                }
                continue;
            }
            let (source, mut found, targets) = lint_one(
                source,
                descriptors,
                its_env.as_ref().unwrap_or(&env),
                &plans,
            );
            if kind == FileKind::Example {
                // An example holds placeholders where the secrets go, as `generate` writes it.
                found.retain(|d| !d.code.expected_in_examples());
            }
            if no_env {
                // `--no-env`: the descriptor without its secrets; nothing else is excused.
                found.retain(|d| d.code != crate::code::Code::UnresolvedVariable);
            }
            plans.extend(targets);
            linted[slot] = Some((source, found));
        }
    }
    let mut sources = Vec::new();
    let mut diags = Vec::new();
    // The env files read, by path, for `env-example-drift`.
    let mut env_files: Vec<(PathBuf, usize)> = Vec::new();
    for (path, done) in targets.iter().zip(linted) {
        let Some((source, found)) = done else {
            continue;
        };
        diags.extend(found);
        if !matches!(file_kind(path), FileKind::Descriptor | FileKind::Eas) {
            env_files.push((path.clone(), sources.len()));
        }
        sources.push(source);
    }
    let loaded: Vec<(&Path, &SourceFile)> = env_files
        .iter()
        .map(|(path, i)| (path.as_path(), &sources[*i]))
        .collect();
    crate::lint::family_mismatch_across(&loaded, &declared(&plans), &mut diags);
    example_drift(&env_files, &mut sources, &mut diags);
    if out.format == Format::Sarif {
        super::sarif::print(&diags, &sources);
        return Ok(exit_for(&diags));
    }
    Report::new(Findings::new(&diags, &plans))
        .print(out.format, || out.diagnostics(&diags, &sources));
    Ok(exit_for(&diags))
}

/// The example file of an env file: `<file>.example`, or `.env.example` beside a `.env.*`
/// that has none of its own; for an example file, the env file it describes.
fn partner(path: &Path) -> Option<(PathBuf, bool)> {
    let name = path.file_name()?.to_str()?;
    let dir = path.parent().unwrap_or(Path::new(""));
    if let Some(env) = name.strip_suffix(".example") {
        return (!env.is_empty()).then(|| (dir.join(env), false));
    }
    let own = dir.join(format!("{name}.example"));
    if own.is_file() || !name.starts_with(".env.") {
        return Some((own, true));
    }
    Some((dir.join(".env.example"), true))
}

/// `env-example-drift` for each env file and its example, when both were given or the
/// other one is found beside it. A file only found is read as every input is (bounded), its
/// values classified so that a snippet of it is masked, and its own findings left out.
///
/// Two paths name the same file when they are the same once resolved ([`file_key`]), as for
/// [`super::same_file`]; each path is resolved once and looked up in a map, so a thousand
/// files cost a thousand look-ups, not a million comparisons.
pub(super) fn example_drift(
    given: &[(PathBuf, usize)],
    sources: &mut Vec<crate::diagnostic::SourceFile>,
    diags: &mut Vec<crate::diagnostic::Diagnostic>,
) {
    use std::collections::{HashMap, HashSet};
    let keys: Vec<PathBuf> = given.iter().map(|(p, _)| file_key(p)).collect();
    // The first given path of each file wins, as when the list was searched in order.
    let mut index_of: HashMap<&Path, usize> = HashMap::with_capacity(given.len());
    for (key, (_, index)) in keys.iter().zip(given) {
        index_of.entry(key.as_path()).or_insert(*index);
    }
    let mut done: HashSet<(PathBuf, PathBuf)> = HashSet::new();
    for ((path, index), key) in given.iter().zip(&keys) {
        let Some((other, other_is_example)) = partner(path) else {
            continue;
        };
        let other_key = file_key(&other);
        let pair = if other_is_example {
            (key.clone(), other_key.clone())
        } else {
            (other_key.clone(), key.clone())
        };
        if done.contains(&pair) {
            continue;
        }
        let other_index = match index_of.get(other_key.as_path()) {
            Some(i) => *i,
            None if other.is_file() => {
                let Ok(source) = crate::input::load_source_keeping_bom(&other) else {
                    continue;
                };
                let (source, _) = crate::lint::lint_env(source);
                sources.push(source);
                sources.len() - 1
            }
            None => continue,
        };
        done.insert(pair);
        let (e, x) = if other_is_example {
            (*index, other_index)
        } else {
            (other_index, *index)
        };
        diags.extend(crate::lint::example_drift(&sources[e], &sources[x]));
    }
}

/// What identifies a file for [`example_drift`]: its path with links and `..` resolved, or
/// the path as written when it cannot be (it does not exist).
fn file_key(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
