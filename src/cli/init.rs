//! `upwire init`.

use super::*;

pub(super) fn init(cli: &Cli, kinds: &[Kind], force: bool) -> Result<u8, Error> {
    let path = &cli.config;
    if let Some(kind) = crate::init::repeated_kind(kinds) {
        return Err(Error::Usage(format!(
            "`--kind {}` is given twice: each kind makes one target; give it once",
            kind.as_str()
        )));
    }
    if path.exists() && !force {
        return Err(Error::Exists { path: path.clone() });
    }
    // A folder of a project whose descriptor is further up: upwire run here finds that one,
    // and a second descriptor here would take its place.
    let around = (!cli.config_given && !path.exists())
        .then(|| crate::project::discover(path))
        .filter(|found| found != path);
    if let Some(around) = &around
        && let Some((name, dir)) = described_here(around)
    {
        return Err(Error::Usage(format!(
            "`{}` already describes this folder (target `{name}`, `dir = \"{}\"`), and upwire finds it from here: run `upwire lint` or `upwire generate` in this folder as they are; to give this folder a descriptor of its own anyway, run `upwire init -c {}`",
            around.display(),
            dir.trim_end_matches('/'),
            path.display()
        )));
    }
    let project = std::env::current_dir()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .map(|n| {
            n.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
                .trim_matches('-')
                .to_owned()
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "app".to_owned());
    // Without `--kind`, the project says what it is: its manifests, platform files and the
    // variable names in its env files (`src/detect.rs`).
    let root = super::generate::base_dir(path);
    let detected = if kinds.is_empty() {
        crate::detect::detect(&root)
    } else {
        crate::detect::Detection::default()
    };
    let text = if detected.targets.is_empty() {
        crate::init::render_init(&project, kinds)
    } else {
        if cli.format == Format::Text {
            for t in &detected.targets {
                say!(
                    "found: target `{}` ({} on {}{}) in {}, from {}",
                    t.name,
                    t.kind,
                    t.platform.map_or("any platform", |p| p.as_str()),
                    t.framework
                        .map(|f| format!(", framework {f}"))
                        .unwrap_or_default(),
                    t.dir,
                    t.why
                );
            }
            // What the written descriptor reads, and which of it the env files lack.
            let reads = crate::init::detected_reads(&detected);
            let list = |found: bool| -> Vec<String> {
                reads
                    .iter()
                    .filter(|(_, f)| *f == found)
                    .map(|(n, _)| format!("`{n}`"))
                    .collect()
            };
            let (there, missing) = (list(true), list(false));
            // Targets whose folders' env files point at different databases get one each.
            let several = detected.databases.len() > 1;
            if several {
                let each: Vec<String> = detected
                    .databases
                    .iter()
                    .enumerate()
                    .map(|(i, db)| {
                        let targets: Vec<String> = detected
                            .targets
                            .iter()
                            .filter(|t| t.database == i)
                            .map(|t| format!("`{}`", t.name))
                            .collect();
                        format!("`{db}` for {}", targets.join(", "))
                    })
                    .collect();
                say!(
                    "found: the env files of the targets' folders point at {} databases: {}",
                    detected.databases.len(),
                    each.join("; ")
                );
                if !detected.unplaced.is_empty() {
                    say!(
                        "no env file says which database {} use{}: given `{}`",
                        detected
                            .unplaced
                            .iter()
                            .map(|t| format!("`{t}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        if detected.unplaced.len() > 1 { "" } else { "s" },
                        detected.databases[0]
                    );
                }
            }
            let (subject, reads) = if several {
                ("the databases", "read")
            } else {
                ("the database", "reads")
            };
            if !there.is_empty() {
                say!(
                    "found: variable names in {}; {subject} {reads} {}",
                    detected.env_files.join(", "),
                    there.join(", ")
                );
            }
            if let Some((kv, _)) = &detected.mixed_names {
                let list = kv
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                // Targets, not folders, are counted: an app and its middleware share one.
                let dirs: std::collections::HashSet<&str> = detected
                    .targets
                    .iter()
                    .filter(|t| t.marketplace)
                    .map(|t| t.dir.as_str())
                    .collect();
                let folders = if dirs.len() > 1 { "folders" } else { "folder" };
                let who = if kv.len() > 1 {
                    "each of those".to_owned()
                } else {
                    list.clone()
                };
                say!(
                    "found: the Vercel Marketplace's names (`KV_REST_API_*`) in the {folders} of {list}, Upstash's in other targets': {who} gets `env_names = \"vercel-marketplace\"` of its own"
                );
            }
            if !missing.is_empty() {
                say!(
                    "{subject} {}{reads} {}, in no env file yet: set {} before `upwire lint`",
                    if there.is_empty() { "" } else { "also " },
                    missing.join(", "),
                    if missing.len() > 1 { "them" } else { "it" }
                );
            }
        }
        crate::init::render_detected(&project, &detected)
    };
    crate::write::write_atomic(path, text.as_bytes(), None)?;
    #[derive(serde::Serialize)]
    struct Written {
        written: Vec<String>,
    }
    Report::new(Written {
        written: vec![path.display().to_string()],
    })
    .print(cli.format, || {
        say!(
            "wrote {}: fill in the variables, then run `upwire lint`",
            path.display()
        );
    });
    if let Some(around) = around {
        say!(
            "note: `{}` describes the project around this folder; upwire run here now reads {} instead (`-c {}` for that one)",
            around.display(),
            path.display(),
            around.display()
        );
    }
    Ok(0)
}

/// The target of the descriptor at `descriptor` (further up) whose `dir` is the current
/// folder or holds it (`apps/web/src` is `apps/web`'s), as (name, dir), if one is. A target
/// in the descriptor's own folder describes that folder only, not every folder below it.
fn described_here(descriptor: &Path) -> Option<(String, String)> {
    // Read within the limits of every input (a descriptor that cannot be read is not this
    // run's problem: init goes on).
    let text = crate::input::load_source(descriptor).ok()?.text;
    let base = crate::project::base_dir(descriptor);
    let here = std::env::current_dir().ok()?.canonicalize().ok()?;
    crate::framework::target_folders(&text)
        .into_iter()
        .find(|(_, dir)| {
            base.join(dir).canonicalize().is_ok_and(|folder| {
                folder == here || (!dir.is_empty() && here.starts_with(&folder))
            })
        })
}
