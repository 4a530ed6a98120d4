//! The CI job `generate` writes for projects whose targets use REST
//! (`.github/upwire-serve.yml`): redis-server and `upwire serve` in GitHub Actions, each REST
//! target's variables pointed at it. Never in `.github/workflows/`: the user moves it there (or
//! copies its steps) when they want it to run. It names variables only; the token is made per
//! run.

use crate::capability::{DenoHost, JsHost, Runtime, runtime};
use crate::framework::Language;
use crate::model::{Access, Transport};
use crate::package_manager::{Package, PackageManager};
use crate::plan::{Plan, TargetPlan};
use crate::template::{CiInstall, CiServeView, CiToken, ci_serve};

/// What `upwire serve -- CMD` sets in the command's environment.
const SERVE_URL: &str = crate::family::UPSTASH_REST_URL;
const SERVE_TOKEN: &str = crate::family::UPSTASH_REST_TOKEN;
const SERVE_READONLY_TOKEN: &str = crate::family::UPSTASH_REST_READONLY_TOKEN;

/// Where it is written, relative to the descriptor's directory.
pub(crate) const PATH: &str = ".github/upwire-serve.yml";

/// The repository `cargo install --git` and the release download use: Cargo.toml's
/// `repository`, else a placeholder the file explains.
fn repository() -> (&'static str, bool) {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => ("https://github.com/OWNER/upwire", true),
        url => (url.trim_end_matches('/'), false),
    }
}

/// The targets the job serves: those whose transport is REST and that `generate` may write
/// for, with their URL and token variables.
pub(crate) fn rest_targets(plan: &Plan) -> Vec<&TargetPlan> {
    plan.targets
        .iter()
        .filter(|t| t.transport == Some(Transport::Rest) && t.blocked.is_none() && t.env.len() >= 2)
        .collect()
}

/// The job, or `None` when no target uses REST.
pub(crate) fn snippet(plan: &Plan) -> Option<String> {
    let targets = rest_targets(plan);
    if targets.is_empty() {
        return None;
    }
    let mut url_vars: Vec<&str> = Vec::new();
    let mut tokens: Vec<CiToken<'_>> = Vec::new();
    for t in &targets {
        let (url, token) = (t.env[0].name.as_str(), t.env[1].name.as_str());
        if !url_vars.contains(&url) {
            url_vars.push(url);
        }
        let readonly = t.access == Access::ReadOnly;
        match tokens.iter_mut().find(|c| c.name == token) {
            // A variable two targets read with different access gets the full token: the
            // read-write target's tests must pass.
            Some(seen) => seen.readonly &= readonly,
            None => tokens.push(CiToken {
                name: token,
                readonly,
            }),
        }
    }
    // URLs first: a read-only target that reads the standard token name gets the read-only
    // token after it.
    let mut exports: Vec<(&str, &'static str)> = url_vars
        .iter()
        .filter(|name| **name != SERVE_URL)
        .map(|name| (*name, SERVE_URL))
        .collect();
    for t in &tokens {
        let from = if t.readonly {
            SERVE_READONLY_TOKEN
        } else {
            SERVE_TOKEN
        };
        if t.name != from {
            exports.push((t.name, from));
        }
    }
    let (repository, placeholder) = repository();
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    // Each target's tests, JavaScript's in its package's folder, Python's and another
    // language's in the target's; the packages to install, each with its folder; the Python
    // folders whose dependencies are installed there; the Test step's variables that hold
    // folder names.
    let mut runs: Vec<(Option<String>, &'static str)> = Vec::new();
    let mut packages: Vec<(&Package, Folder)> = Vec::new();
    let mut python: Vec<Option<String>> = Vec::new();
    let mut dir_vars: Vec<(String, String)> = Vec::new();
    // JavaScript targets with no package.json at or above their folder, nor where the job runs.
    let mut unpackaged: Vec<&str> = Vec::new();
    for t in &targets {
        // A target's own folder, as the package folders are written (`apps/web`, `` for `.`).
        let own = crate::project_path::in_project(&t.dir).unwrap_or_default();
        if language(t) == Language::Python {
            let dir = folder(&own, &mut dir_vars).yaml;
            if !python.contains(&dir) {
                python.push(dir);
            }
        }
        let package = plan.package_of(&t.dir);
        let run = match test_command(t, &package.manager) {
            Tests::InPackage(command) => {
                if package.dir.is_empty() && plan.unpackaged_root {
                    unpackaged.push(t.name.as_str());
                }
                let folder = match packages.iter().find(|(p, _)| p.dir == package.dir) {
                    Some((_, folder)) => folder.clone(),
                    None => {
                        let folder = folder(&package.dir, &mut dir_vars);
                        packages.push((package, folder.clone()));
                        folder
                    }
                };
                (folder.shell, command)
            }
            Tests::InFolder(command) => (folder(&own, &mut dir_vars).shell, command),
            Tests::InCrate(command) => {
                (folder(plan.crate_of(&t.dir), &mut dir_vars).shell, command)
            }
            Tests::Here(command) => (None, command),
        };
        if !runs.contains(&run) {
            runs.push(run);
        }
    }
    // Each package's install, after its manager's set-up unless the job has set that manager
    // up that way already: a package that pins another pnpm installs it over the one before,
    // just before its own install (all set-ups first, the last would serve every package).
    let mut set_up: Vec<(&PackageManager, String)> = Vec::new();
    let mut install: Vec<CiInstall> = Vec::new();
    for (package, folder) in &packages {
        let steps = package.manager.install();
        let setup = steps.setup.filter(|command| {
            set_up
                .iter()
                .rev()
                .find(|(pm, _)| pm.same_tool(&package.manager))
                .is_none_or(|(_, last)| last != command)
        });
        if let Some(command) = &setup {
            set_up.push((&package.manager, command.clone()));
        }
        install.push(CiInstall {
            setup,
            run: steps.run,
            dir: folder.yaml.clone(),
        });
    }
    // Several commands: each `cd` in a subshell, so that the next one runs where the job does.
    let joined = runs
        .iter()
        .map(|run| match run {
            (Some(dir), c) => format!("(cd {dir} && {c})"),
            (None, c) => (*c).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" && ");
    Some(ci_serve(&CiServeView {
        targets: names.join(", "),
        repository,
        placeholder,
        readonly: tokens.iter().any(|t| t.readonly),
        exports,
        install,
        python,
        dir_vars,
        unpackaged: unpackaged
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", "),
        bun: packages.iter().any(|(p, _)| p.manager.is_bun()),
        deno: runs.iter().any(|(_, c)| *c == DENO_TEST),
        test_command: match &runs[..] {
            [(Some(dir), one)] => format!("sh -c 'cd {dir} && {one}'"),
            [(None, one)] => (*one).to_owned(),
            _ => format!("sh -c '{joined}'"),
        },
        test_in_shell: match &runs[..] {
            [(Some(dir), one)] => format!("cd {dir} && exec {one}"),
            [(None, one)] => format!("exec {one}"),
            _ => joined,
        },
    }))
}

/// Deno's test runner, with the permissions a test that talks to `upwire serve` needs (its
/// variables and the network): `deno test` (docs.deno.com, `deno test`).
const DENO_TEST: &str = "deno test --allow-env --allow-net";

/// A package's folder as the job writes it; both `None` for the descriptor's folder, where the
/// job runs.
#[derive(Clone)]
struct Folder {
    /// As the test command's `cd` reads it: the name itself, or a variable of the Test step
    /// in double quotes (`"$UPWIRE_PACKAGE_DIR_1"`).
    shell: Option<String>,
    /// As `working-directory:` reads it, YAML-quoted.
    yaml: Option<String>,
}

/// The folder `dir` of a package, as the job writes it. A name of plain characters, as `dir`s
/// are written (`apps/web`), goes into the command line as it is; any other (`we b`, `$(x)`,
/// `-web`) is the value of a variable of the Test step (`dir_vars`: name, YAML-quoted value),
/// which the command line reads in double quotes, so that no shell or YAML parser reads the
/// name as anything but a name. A name with `${{` in it, which GitHub would evaluate as an
/// expression in any value, is left out: its commands run where the job does.
fn folder(dir: &str, dir_vars: &mut Vec<(String, String)>) -> Folder {
    let plain = !dir.starts_with('-')
        && dir
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if dir.is_empty() || dir.contains("${{") {
        return Folder {
            shell: None,
            yaml: None,
        };
    }
    let shell = if plain {
        dir.to_owned()
    } else {
        // `cd -web` would be an option.
        let value = crate::quote::yaml(&if dir.starts_with('-') {
            format!("./{dir}")
        } else {
            dir.to_owned()
        });
        // One variable per folder, however many targets are tested there.
        let name = match dir_vars.iter().find(|(_, v)| *v == value) {
            Some((name, _)) => name.clone(),
            None => {
                let name = format!("UPWIRE_PACKAGE_DIR_{}", dir_vars.len() + 1);
                dir_vars.push((name.clone(), value));
                name
            }
        };
        format!("\"${name}\"")
    };
    Folder {
        shell: Some(shell),
        yaml: Some(crate::quote::yaml(dir)),
    }
}

/// Where and how a target's tests run.
enum Tests {
    /// With its package's manager, in the package's folder (`pnpm test`).
    InPackage(&'static str),
    /// In the target's folder (`python -m pytest`, whose rootdir and imports are the
    /// folder's).
    InFolder(&'static str),
    /// In the folder of the target's crate (`cargo test`: its crate's, or its Cargo
    /// workspace's, `Plan::crate_of`).
    InCrate(&'static str),
    /// Where the job runs (`deno test ...`, Ruby's).
    Here(&'static str),
}

/// The command that runs a target's tests: Deno's for code in Deno Deploy or Supabase's
/// isolates (which imports `npm:` specifiers and has no `package.json` to install), its
/// package's manager's for other JavaScript (`pnpm test`), pytest in its folder for Python,
/// the usual one of its folder's language where upwire writes no code (`go test ./...`:
/// `TargetPlan::foreign`), else its language's.
fn test_command(t: &TargetPlan, pm: &PackageManager) -> Tests {
    if let Some(foreign) = t.foreign {
        return Tests::InFolder(foreign.test);
    }
    match runtime(t.kind, t.platform, t.framework) {
        Runtime::JavaScript(JsHost::Deno(DenoHost::DenoDeploy | DenoHost::Supabase)) => {
            Tests::Here(DENO_TEST)
        }
        _ => match language(t) {
            Language::JavaScript => Tests::InPackage(pm.test()),
            Language::Python => Tests::InFolder(Language::Python.test_command()),
            Language::Rust => Tests::InCrate(Language::Rust.test_command()),
            Language::Ruby => Tests::Here(Language::Ruby.test_command()),
        },
    }
}

/// The language of a target's code: its framework's, else its runtime's (JavaScript for
/// JavaScript runtimes, Rust for the native and workers-rs starters).
fn language(t: &TargetPlan) -> Language {
    if let Some(f) = t.framework {
        return f.facts().language;
    }
    match runtime(t.kind, t.platform, None) {
        Runtime::JavaScript(_) => Language::JavaScript,
        Runtime::Framework(language) => language,
        Runtime::Native | Runtime::Workers => Language::Rust,
    }
}

#[cfg(test)]
mod tests {
    use super::snippet;
    use crate::diagnostic::SourceFile;
    use crate::interpolate::Env;
    use crate::plan::resolve;

    fn job(targets: &str) -> Option<String> {
        let text = format!(
            "[database.main]\nredis_url = \"rediss://default:pw@h.upstash.io:6379\"\n\
             rest_url = \"https://h.upstash.io\"\nrest_token = \"AXtoken\"\n\
             rest_readonly_token = \"AoReadonly\"\n\n{targets}"
        );
        snippet(&resolve(SourceFile::new("upwire.toml", text), &Env::default()).plan)
    }

    /// A JavaScript target's job sets up Node.js and runs `npm test`; one with Rust and
    /// JavaScript targets runs both commands.
    #[test]
    fn the_test_command_follows_the_targets_languages() {
        let js =
            job("[target.web]\nkind = \"edge\"\nplatform = \"vercel\"\nframework = \"nextjs\"\n")
                .expect("a job");
        assert!(js.contains("      - uses: actions/setup-node@v4\n"), "{js}");
        assert!(js.contains("      - run: npm ci\n"), "{js}");
        assert!(
            js.contains("run: upwire serve --ephemeral -- npm test\n"),
            "{js}"
        );
        let both = job(
            "[target.web]\nkind = \"edge\"\nplatform = \"vercel\"\ndir = \"web\"\n\n\
             [target.job]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\ndir = \"job\"\n",
        )
        .expect("a job");
        assert!(
            both.contains("upwire serve --ephemeral -- sh -c 'npm test && cargo test'"),
            "{both}"
        );
        // Deno Deploy and Supabase code is tested by Deno, without Node.js or `npm ci`.
        let deno = job(
            "[target.fns]\nkind = \"edge\"\nplatform = \"supabase\"\ndir = \"fns\"\n\n\
             [target.app]\nkind = \"edge\"\nplatform = \"deno-deploy\"\nframework = \"hono\"\ndir = \"app\"\n",
        )
        .expect("a job");
        assert!(
            deno.contains("      - uses: denoland/setup-deno@v2\n"),
            "{deno}"
        );
        assert!(
            !deno.contains("setup-node") && !deno.contains("npm ci"),
            "{deno}"
        );
        assert!(
            deno.contains("run: upwire serve --ephemeral -- deno test --allow-env --allow-net\n"),
            "{deno}"
        );
    }

    /// A Python target in the descriptor's folder is installed and tested where the job runs
    /// (no `cd .`, no `working-directory: "."`), and the install reads the manifest the
    /// project has: requirements.txt, a Pipfile (Pipenv), a Poetry project (Poetry), else PEP
    /// 621's dependencies and the `dev` group.
    #[test]
    fn python_in_the_descriptors_folder_installs_what_its_manifest_names() {
        let py = job(
            "[target.app]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\nframework = \"python\"\n",
        )
        .expect("a job");
        assert!(
            py.contains("run: upwire serve --ephemeral -- python -m pytest\n"),
            "{py}"
        );
        assert!(
            !py.contains("working-directory") && !py.contains("cd ."),
            "{py}"
        );
        for line in [
            "elif [ -f Pipfile ]; then\n            pip install pipenv\n            pipenv install --system --dev\n",
            "poetry config virtualenvs.create false\n            poetry install --no-root\n",
            "p.get(\"dependency-groups\", {}).get(\"dev\", [])",
        ] {
            assert!(py.contains(line), "{line}\n{py}");
        }
    }

    /// The job of a descriptor with one REST database and `targets`, in a project whose
    /// JavaScript packages are `packages`: folder (empty: where the job runs) and manager.
    fn job_in(
        packages: &[(&str, crate::package_manager::PackageManager)],
        targets: &str,
    ) -> String {
        let text = format!(
            "[database.main]\nrest_url = \"https://h.upstash.io\"\nrest_token = \"AXtoken\"\n\n{targets}"
        );
        let mut plan = resolve(SourceFile::new("upwire.toml", text), &Env::default()).plan;
        plan.packages = packages
            .iter()
            .map(|(dir, manager)| crate::package_manager::Package {
                dir: (*dir).to_owned(),
                manager: manager.clone(),
            })
            .collect();
        snippet(&plan).expect("a job")
    }

    /// [`job_in`] with one package.
    fn job_with(pm: crate::package_manager::PackageManager, dir: &str, targets: &str) -> String {
        job_in(&[(dir, pm)], targets)
    }

    /// JavaScript installs and tests with the project's package manager; Bun is set up
    /// first; a job with no JavaScript target installs nothing, whatever the lockfile.
    #[test]
    fn javascript_installs_and_tests_with_the_projects_package_manager() {
        use crate::package_manager::PackageManager;
        let with = |pm: PackageManager, targets: &str| job_with(pm, "", targets);
        let next =
            "[target.web]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\n";
        let bun = with(PackageManager::Bun, next);
        assert!(
            bun.contains(
                "      - uses: oven-sh/setup-bun@v2\n      - run: bun install --frozen-lockfile\n"
            ),
            "{bun}"
        );
        assert!(bun.contains("-- bun run test\n"), "{bun}");
        let yarn = with(PackageManager::YarnBerry, next);
        assert!(
            yarn.contains(
                "      - run: corepack enable yarn\n      - run: yarn install --immutable\n"
            ),
            "{yarn}"
        );
        assert!(
            yarn.contains("-- yarn test\n") && !yarn.contains("setup-bun"),
            "{yarn}"
        );
        // Rust only: no Node.js, no install, `cargo test`.
        let rust = with(
            PackageManager::Pnpm(None),
            "[target.job]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\n",
        );
        assert!(
            !rust.contains("setup-node") && !rust.contains("run: pnpm"),
            "{rust}"
        );
        assert!(rust.contains("-- cargo test\n"), "{rust}");
    }

    /// JavaScript in one folder of its own, with no `package.json` where the job runs
    /// (`sam init`'s `hello-world/` beside `template.yaml`): installed and tested in it; a
    /// folder name a shell or YAML would read otherwise is not written into the command line.
    #[test]
    fn javascript_in_a_folder_of_its_own_is_installed_and_tested_there() {
        use crate::package_manager::PackageManager;
        let with = |dir: &str, targets: &str| job_with(PackageManager::Npm, dir, targets);
        let node = "[target.fn]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\nframework = \"node\"\ndir = \"hello-world\"\n";
        let job = with("hello-world", node);
        assert!(
            job.contains("      - run: npm ci\n        working-directory: \"hello-world\"\n"),
            "{job}"
        );
        assert!(
            job.contains("run: upwire serve --ephemeral -- sh -c 'cd hello-world && npm test'\n"),
            "{job}"
        );
        let both = with(
            "hello-world",
            &format!(
                "{node}\n[target.job]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\ndir = \"job\"\n"
            ),
        );
        assert!(
            both.contains("-- sh -c '(cd hello-world && npm test) && cargo test'\n"),
            "{both}"
        );
        // Not a plain name: installed there all the same, and tested there through a variable
        // of the Test step, which the command line reads in double quotes.
        let odd = with(
            "it's $(here) #1: x",
            "[target.fn]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\nframework = \"node\"\ndir = \"it's $(here) #1: x\"\n",
        );
        assert!(
            odd.contains(
                "      - run: npm ci\n        working-directory: \"it's $(here) #1: x\"\n"
            ),
            "{odd}"
        );
        assert!(
            odd.contains(
                "      - name: Test\n\
                 \x20       # The folders of packages whose names are not plain, read by the test command.\n\
                 \x20       env:\n\
                 \x20         UPWIRE_PACKAGE_DIR_1: \"it's $(here) #1: x\"\n\
                 \x20       run: upwire serve --ephemeral -- sh -c 'cd \"$UPWIRE_PACKAGE_DIR_1\" && npm test'\n"
            ),
            "{odd}"
        );
        // One GitHub would evaluate (`${{`) is left where the job runs.
        let expression = with(
            "${{ secrets.X }}",
            "[target.fn]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\nframework = \"node\"\ndir = \"${{ secrets.X }}\"\n",
        );
        assert!(
            !expression.contains("working-directory")
                && !expression.contains("cd ")
                && !expression.contains("${{ secrets"),
            "{expression}"
        );
        assert!(expression.contains("-- npm test\n"), "{expression}");
    }

    /// Several packages whose folder names are not plain: each installed in its folder and
    /// tested there through its own variable (`-web` as `./-web`, not an option of `cd`),
    /// never all at the root, where there is no `package.json`, with one `npm ci` each.
    #[test]
    fn packages_whose_names_are_not_plain_are_each_installed_and_tested_in_their_folder() {
        use crate::package_manager::PackageManager;
        let target = |name: &str, dir: &str| {
            format!(
                "[target.{name}]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = '{dir}'\n\n"
            )
        };
        let targets = [
            target("a", "we b"),
            target("b", "x$(touch pwned)"),
            target("c", "-web"),
            target("d", "apps/api"),
        ]
        .concat();
        let job = job_in(
            &[
                ("we b", PackageManager::Npm),
                ("x$(touch pwned)", PackageManager::Npm),
                ("-web", PackageManager::Npm),
                ("apps/api", PackageManager::Npm),
            ],
            &targets,
        );
        for dir in ["we b", "x$(touch pwned)", "-web", "apps/api"] {
            assert!(
                job.contains(&format!(
                    "      - run: npm ci\n        working-directory: \"{dir}\"\n"
                )),
                "{dir}: {job}"
            );
        }
        assert_eq!(job.matches("- run: npm ci").count(), 4, "{job}");
        assert!(
            job.contains(
                "          UPWIRE_PACKAGE_DIR_1: \"we b\"\n\
                 \x20         UPWIRE_PACKAGE_DIR_2: \"x$(touch pwned)\"\n\
                 \x20         UPWIRE_PACKAGE_DIR_3: \"./-web\"\n"
            ),
            "{job}"
        );
        assert!(
            job.contains(
                "-- sh -c '(cd \"$UPWIRE_PACKAGE_DIR_1\" && npm test) && (cd \"$UPWIRE_PACKAGE_DIR_2\" && npm test) \
                 && (cd \"$UPWIRE_PACKAGE_DIR_3\" && npm test) && (cd apps/api && npm test)'\n"
            ),
            "{job}"
        );
    }

    /// Apps with a `package.json` each and none at the root: each is installed in its folder
    /// with its own manager (a manager's setup once) and tested there, one after the other.
    #[test]
    fn apps_without_a_root_workspace_are_each_installed_and_tested_in_their_folder() {
        use crate::package_manager::PackageManager;
        let targets = "[target.web]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"apps/web\"\n\n\
                       [target.admin]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"apps/admin\"\n\n\
                       [target.api]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\nframework = \"node\"\ndir = \"apps/api/src\"\n\n\
                       [target.job]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\ndir = \"job\"\n";
        let job = job_in(
            &[
                ("apps/web", PackageManager::Pnpm(None)),
                ("apps/admin", PackageManager::Pnpm(None)),
                ("apps/api", PackageManager::Npm),
            ],
            targets,
        );
        assert!(
            job.contains(
                "      - run: npm install --global pnpm@10
\
                 \x20     - run: pnpm install --frozen-lockfile
        working-directory: \"apps/web\"
\
                 \x20     - run: pnpm install --frozen-lockfile
        working-directory: \"apps/admin\"
\
                 \x20     - run: npm ci
        working-directory: \"apps/api\"
"
            ),
            "{job}"
        );
        assert_eq!(job.matches("npm install --global pnpm").count(), 1, "{job}");
        assert!(
            job.contains(
                "-- sh -c '(cd apps/web && pnpm test) && (cd apps/admin && pnpm test) \
                 && (cd apps/api && npm test) && cargo test'\n"
            ),
            "{job}"
        );
    }

    /// Packages with several managers: each is set up just before the first package that
    /// needs it, Corepack for Yarn alone (its pnpm shim would replace the pnpm npm installed,
    /// or make npm's install of it fail), and a package that pins another pnpm installs that
    /// one before its own install rather than all set-ups first, the last for every package.
    #[test]
    fn mixed_managers_are_each_set_up_before_the_packages_that_need_them() {
        use crate::package_manager::PackageManager;
        let target = |name: &str| {
            format!(
                "[target.{name}]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"{name}\"\n\n"
            )
        };
        let targets: String = ["b", "a", "c", "d"].iter().map(|n| target(n)).collect();
        let job = job_in(
            &[
                ("a", PackageManager::Pnpm(None)),
                ("b", PackageManager::YarnBerry),
                ("c", PackageManager::Pnpm(Some("9.15.0".to_owned()))),
                ("d", PackageManager::Pnpm(Some("9.15.0".to_owned()))),
            ],
            &targets,
        );
        let install = |dir: &str, run: &str| {
            format!("      - run: {run}\n        working-directory: \"{dir}\"\n")
        };
        let want = [
            "      - run: corepack enable yarn\n".to_owned(),
            install("b", "yarn install --immutable"),
            "      - run: npm install --global pnpm@10\n".to_owned(),
            install("a", "pnpm install --frozen-lockfile"),
            "      - run: npm install --global pnpm@9.15.0\n".to_owned(),
            install("c", "pnpm install --frozen-lockfile"),
            install("d", "pnpm install --frozen-lockfile"),
        ]
        .concat();
        assert!(job.contains(&want), "{job}");
        assert!(!job.contains("corepack enable\n"), "{job}");
    }

    /// No REST target, no job; two targets that read one token variable with different
    /// access both get the full token (the read-write one's tests must pass): the standard
    /// names need no copying, so the step is the one line; no value of the descriptor in it.
    #[test]
    fn one_line_when_the_variables_are_serves_and_the_full_token_when_accesses_differ() {
        assert_eq!(
            job("[target.api]\nkind = \"server\"\ndir = \"api\"\n"),
            None
        );
        let job = job("[target.a]\nkind = \"lambda\"\ndir = \"a\"\n\n\
                       [target.b]\nkind = \"lambda\"\naccess = \"read-only\"\ndir = \"b\"\n")
        .expect("a job");
        let line = |l: &str| job.lines().filter(|x| x.trim() == l).count();
        // Lambdas without a framework get the Rust starter: their tests are `cargo test`.
        assert_eq!(
            line("run: upwire serve --ephemeral -- cargo test"),
            1,
            "{job}"
        );
        assert!(!job.contains("setup-node"), "{job}");
        assert!(!job.contains("readonly_token"), "{job}");
        assert!(!job.contains("export "), "{job}");
        for value in ["AXtoken", "AoReadonly", "h.upstash.io", "pw@"] {
            assert!(!job.contains(value), "{value} in {job}");
        }
    }
}
