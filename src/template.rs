//! The askama templates of the env files and platform files, all over one shape
//! ([`FileView`]), and [`render`], which every generated file goes through.

use askama::Template;

/// One `NAME=value` line for a template, the value already quoted for the file.
pub(crate) struct Var {
    pub(crate) name: String,
    pub(crate) value: String,
    /// Whether the variable is secret as a whole in platform files.
    pub(crate) secret: bool,
}

impl std::fmt::Debug for Var {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Var")
            .field("name", &self.name)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

/// What the template of an env file or a platform file sees: every such file has this one
/// shape, so that the platform table can name any of them.
pub(crate) struct FileView<'a> {
    pub(crate) target: &'a str,
    pub(crate) transport: &'a str,
    /// The file's name, for the usage line.
    pub(crate) file: &'a str,
    /// The env file of its folder (`.env`, `.env.local`, `supabase/functions/.env`), where the
    /// scripts read the values.
    pub(crate) env_file: &'a str,
    pub(crate) vars: &'a [Var],
}

impl FileView<'_> {
    /// The variables that are secret as a whole.
    fn secrets(&self) -> Vec<&Var> {
        self.vars.iter().filter(|v| v.secret).collect()
    }

    /// The variables that are not.
    fn public(&self) -> Vec<&Var> {
        self.vars.iter().filter(|v| !v.secret).collect()
    }
}

/// One render function per file template in `templates/`: the template reads the
/// [`FileView`]'s fields and methods as its own.
macro_rules! file_templates {
    ($( $name:ident = $path:literal, )*) => {$(
        #[doc = concat!("Renders `templates/", $path, "`.")]
        pub(crate) fn $name(view: &FileView<'_>) -> String {
            #[derive(Template)]
            #[template(path = $path, escape = "none")]
            struct File<'a>(&'a FileView<'a>);

            impl<'a> std::ops::Deref for File<'a> {
                type Target = FileView<'a>;
                fn deref(&self) -> &FileView<'a> {
                    self.0
                }
            }

            render(&File(view))
        }
    )*};
}

file_templates! {
    env = "env.txt",
    env_example = "env_example.txt",
    docker_env = "docker_env.txt",
    kubernetes_secret = "kubernetes_secret.yaml",
    wrangler = "wrangler.toml.txt",
    lambda_env = "lambda_env.json",
    fly_secrets = "fly_secrets.txt",
    vercel_env = "vercel_env.sh",
    netlify_env = "netlify_env.sh",
    railway_env = "railway_env.sh",
    render_env = "render_env.yaml",
    deno_deploy_env = "deno_deploy_env.sh",
    supabase_secrets = "supabase_secrets.sh",
}

/// A token variable of the CI job (`.github/upwire-serve.yml`) and which of serve's tokens it
/// gets.
pub(crate) struct CiToken<'a> {
    pub(crate) name: &'a str,
    pub(crate) readonly: bool,
}

/// How the CI job installs one JavaScript package.
pub(crate) struct CiInstall {
    /// The command that sets its package manager up first (`npm install --global pnpm@10`,
    /// `corepack enable yarn`), when the job has not set that manager up that way yet.
    pub(crate) setup: Option<String>,
    /// The install command of its package manager (`npm ci`, `pnpm install
    /// --frozen-lockfile`).
    pub(crate) run: String,
    /// Its folder, YAML-quoted, when it is not the job's.
    pub(crate) dir: Option<String>,
}

/// What `templates/upwire_serve.yml` sees: variable names and the repository, never a value.
pub(crate) struct CiServeView<'a> {
    /// The REST targets' names, for the header.
    pub(crate) targets: String,
    /// Where upwire is installed from.
    pub(crate) repository: &'a str,
    /// Whether `repository` is the `OWNER` placeholder.
    pub(crate) placeholder: bool,
    /// Whether any variable gets the read-only token.
    pub(crate) readonly: bool,
    /// Variables the tests read under other names than the ones `upwire serve -- CMD` sets:
    /// `(name, the serve variable it copies)`.
    pub(crate) exports: Vec<(&'a str, &'static str)>,
    /// The command that runs the targets' tests after `upwire serve --ephemeral --`: one per
    /// language from the framework table (`npm test`, `cargo test`), several through `sh -c`.
    pub(crate) test_command: String,
    /// The same inside the `sh -c '...'` that copies variables (`exec` for one command).
    pub(crate) test_in_shell: String,
    /// Each JavaScript package's install, in order; none without JavaScript (the job then
    /// sets up no Node.js).
    pub(crate) install: Vec<CiInstall>,
    /// The Test step's variables that hold package folders the test command reads in double
    /// quotes (`UPWIRE_PACKAGE_DIR_1`, its folder YAML-quoted): those whose names a shell or
    /// YAML would read otherwise.
    pub(crate) dir_vars: Vec<(String, String)>,
    /// The folders of the Python targets, YAML-quoted (`None`: where the job runs), where their
    /// dependencies are installed; none without Python (the job then sets up no Python).
    pub(crate) python: Vec<Option<String>>,
    /// The JavaScript targets with no `package.json` at or above their folder nor where the
    /// job runs (names in backticks, comma-separated; empty when none): installed and tested
    /// there anyway.
    pub(crate) unpackaged: String,
    /// Whether those use Bun (the job sets Bun up first).
    pub(crate) bun: bool,
    /// Whether a target runs on Deno (the job sets up Deno first).
    pub(crate) deno: bool,
}

/// Renders `templates/upwire_serve.yml`, the CI job for REST targets.
pub(crate) fn ci_serve(view: &CiServeView<'_>) -> String {
    #[derive(Template)]
    #[template(path = "upwire_serve.yml", escape = "none")]
    struct File<'a> {
        v: &'a CiServeView<'a>,
        /// The variables `upwire serve -- CMD` sets, from the family table.
        url_var: &'static str,
        token_var: &'static str,
        readonly_token_var: &'static str,
    }

    render(&File {
        v: view,
        url_var: crate::family::UPSTASH_REST_URL,
        token_var: crate::family::UPSTASH_REST_TOKEN,
        readonly_token_var: crate::family::UPSTASH_REST_READONLY_TOKEN,
    })
}

/// A template rendered, ending with a newline as every generated file does.
pub(crate) fn render(t: &impl Template) -> String {
    // Templates are compiled in; rendering fails only on a formatting error of a value,
    // which our plain strings never produce.
    let mut out = t
        .render()
        .unwrap_or_else(|e| format!("# upwire template error: {e}\n"));
    // askama drops the template's final newline; every generated file ends with one.
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
