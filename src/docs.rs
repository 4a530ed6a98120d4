//! The connection guide (`REDIS.md`, `upwire docs`) from the plan, via `templates/guide.md`.

use std::collections::{HashMap, HashSet};

use askama::Template;

use crate::family::{Role, name_of};
use crate::model::Platform;
use crate::plan::{Plan, TargetPlan};
use crate::starter_client::Starter;

#[derive(Debug)]
struct TargetView<'a> {
    name: &'a str,
    kind: &'static str,
    platform: &'static str,
    transport: &'static str,
    access: &'static str,
    database: &'a str,
    dir: &'a str,
    vars_inline: String,
    secret_vars: Vec<&'a str>,
    /// The env file its values are written into (`.env.local` for Next.js).
    env_file: &'static str,
    platform_files: Vec<&'static str>,
    rules: Vec<(&'static str, &'a str)>,
    /// The starter file (`src/redis_client.rs`, `lib/redis.ts`), when the target gets one.
    starter: Option<String>,
    /// Whether the starter is Rust (its dependencies are `Cargo.toml` lines).
    rust: bool,
    /// The command that adds its dependencies with its package's manager (`pnpm add`), after
    /// `cd DIR && ` when its folder is not the descriptor's (a workspace package: the
    /// dependency goes into its own `package.json`).
    add: String,
    dependencies: &'static [&'static str],
    /// The framework, for its connection settings in the guide (`-` when none is set).
    framework: &'static str,
    /// Whether it is JavaScript over TCP with no client of its own in the guide (BullMQ has
    /// its own): the ioredis / node-redis lines, which the `generate` note for a JavaScript
    /// target without starter points to (Express, Node.js without a framework, Next.js on a
    /// server).
    node_tcp: bool,
    /// The name of the variable holding the TCP URL, as the target gets it.
    tcp_var: String,
    /// The REST URL and token variables it reads, when it uses REST (the Python client lines).
    rest_vars: Option<(&'a str, &'a str)>,
    /// Whether its TCP URL is a Fly.io private database (`fly-*.upstash.io`), which resolves
    /// to IPv6 only: ioredis gets `family: 6` in the guide.
    fly_private: bool,
    /// Whether its variables on Vercel are all the Marketplace integration's, which sets them
    /// in the Vercel project itself: `generate` writes no `vercel-env.sh` for it.
    integration_managed: bool,
}

impl TargetView<'_> {
    /// `file` in the target's directory, as one shell word for the guide's `sh` blocks.
    fn sh(&self, file: &str) -> String {
        crate::quote::shell_path(self.dir, file)
    }

    /// `file://` and `file` in the target's directory, as one shell word.
    fn sh_url(&self, file: &str) -> String {
        let path = if self.dir == "." {
            file.to_owned()
        } else {
            format!("{}/{file}", self.dir)
        };
        crate::quote::shell(&format!("file://{path}"))
    }
}

/// A Mermaid node label (between `"`): a name as text, whatever it holds.
fn label(text: &str) -> String {
    crate::project_path::escape_controls(text).replace('"', "#quot;")
}

#[derive(Debug)]
struct Node {
    id: String,
    label: String,
}

#[derive(Debug, Default)]
struct Graph {
    targets: Vec<Node>,
    transports: Vec<Node>,
    databases: Vec<Node>,
    edges: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "guide.md", escape = "none")]
struct GuideTemplate<'a> {
    project: Option<&'a str>,
    descriptor: &'a str,
    targets: Vec<TargetView<'a>>,
    graph: Graph,
    /// The CI job `generate` writes when a target uses REST.
    ci_job: Option<&'static str>,
    /// The variable names of the project's family (`[project] env_names`), unprefixed.
    tcp_url_var: &'static str,
    rest_url_var: &'static str,
    rest_token_var: &'static str,
    /// Expo's public prefix (`crate::family`).
    expo_prefix: &'static str,
    /// The TCP URL variable both families share, which Rails and Sidekiq read by default.
    redis_url: &'static str,
}

fn node_id(prefix: &str, name: &str) -> String {
    format!("{prefix}_{}", name.replace('-', "_"))
}

/// What the guide says of a folder's targets alike, found once per folder.
struct FolderView<'a> {
    /// Its targets.
    targets: Vec<&'a TargetPlan>,
    /// The starter files `generate` writes there.
    starters: Vec<crate::starter_client::StarterFile<'a>>,
    /// Whether its variables on Vercel are all the Marketplace integration's (as `generate`
    /// decides it for the folder's Vercel targets).
    integration_managed: bool,
}

impl<'a> FolderView<'a> {
    fn new(targets: Vec<&'a TargetPlan>) -> Self {
        let starters = crate::starter_client::starter_files(&targets, |_, _| {});
        let integration_managed = crate::family::marketplace_only(
            targets
                .iter()
                .filter(|m| m.platform == Some(Platform::Vercel))
                .flat_map(|m| &m.env)
                .map(|v| v.name.as_str()),
        );
        Self {
            targets,
            starters,
            integration_managed,
        }
    }
}

/// The guide's view of target `t` in its `folder`.
fn view<'a>(t: &'a TargetPlan, plan: &Plan, folder: &FolderView<'_>) -> TargetView<'a> {
    let family = t.env_names.family();
    let fly_private = plan
        .databases
        .iter()
        .find(|d| Some(&d.name) == t.database.as_ref())
        .and_then(|d| d.redis_url.as_ref())
        .is_some_and(|u| crate::parse::is_fly_private(&u.host));
    let starter = Starter::for_target(t).and_then(Result::ok);
    let vars: Vec<String> = t.env.iter().map(|v| format!("`{}`", v.name)).collect();
    let integration_managed = t.platform == Some(Platform::Vercel) && folder.integration_managed;
    TargetView {
        name: &t.name,
        kind: t.kind.map_or("-", |k| k.as_str()),
        platform: t.platform.map_or("-", |p| p.as_str()),
        transport: t.transport.map_or("undecided", |x| x.as_str()),
        access: t.access.as_str(),
        database: t.database.as_deref().unwrap_or("-"),
        dir: &t.dir,
        vars_inline: if vars.is_empty() {
            "-".to_owned()
        } else {
            vars.join(", ")
        },
        secret_vars: t
            .env
            .iter()
            .filter(|v| {
                v.secret == crate::secret::SecretKind::Token
                    || crate::family::composed(&v.name)
                        .is_some_and(|k| k.variable.role == crate::family::Role::TcpUrl)
            })
            .map(|v| v.name.as_str())
            .collect(),
        // As `generate` decides it.
        env_file: t.env_file_among(folder.targets.iter().copied()),
        // Without the files that would push what the integration manages (as `generate`).
        platform_files: t
            .platform
            .map_or(&[][..], Platform::files)
            .iter()
            .filter(|f| f.secret || !integration_managed)
            .map(|f| f.path)
            .collect(),
        rules: t
            .rules
            .iter()
            .copied()
            .zip(t.reasons.iter().map(String::as_str))
            .collect(),
        // The file `generate` writes it to, as it decides it among the folder's targets.
        starter: starter.and_then(|_| {
            folder
                .starters
                .iter()
                .find(|f| f.serves(&t.name))
                .map(|f| f.path.clone())
        }),
        rust: starter.is_some_and(Starter::is_rust),
        add: {
            let add = plan.package_of(&t.dir).manager.add();
            if t.dir == "." || t.dir.is_empty() {
                add.to_owned()
            } else if t.dir.starts_with('-') {
                // `cd -web` would be an option.
                format!(
                    "cd {} && {add}",
                    crate::quote::shell(&format!("./{}", t.dir))
                )
            } else {
                format!("cd {} && {add}", crate::quote::shell(&t.dir))
            }
        },
        dependencies: starter.map_or(&[], Starter::dependencies),
        framework: t.framework.map_or("-", |f| f.as_str()),
        node_tcp: t.transport == Some(crate::model::Transport::Tcp)
            && t.framework != Some(crate::model::Framework::BullMq)
            && matches!(
                crate::capability::runtime(t.kind, t.platform, t.framework),
                crate::capability::Runtime::JavaScript(_)
            ),
        tcp_var: crate::family::compose(&t.env_prefix, name_of(family, Role::TcpUrl)),
        rest_vars: match &t.env[..] {
            [url, token, ..] if t.transport == Some(crate::model::Transport::Rest) => {
                Some((url.name.as_str(), token.name.as_str()))
            }
            _ => None,
        },
        fly_private,
        integration_managed,
    }
}

fn graph(plan: &Plan) -> Graph {
    let mut g = Graph::default();
    // Edges in first-seen order, deduplicated through a set: a linear `contains` over a list
    // that grows by one edge per target made the guide quadratic (10,000 targets: half of
    // `generate`'s time).
    let mut seen = HashSet::new();
    for t in &plan.targets {
        let tid = node_id("t", &t.name);
        g.targets.push(Node {
            id: tid.clone(),
            label: label(&format!(
                "{} ({})",
                t.name,
                t.kind.map_or("?", |k| k.as_str())
            )),
        });
        let (Some(transport), Some(db)) = (t.transport, t.database.as_deref()) else {
            continue;
        };
        // A target with names of its own (`[target] env_names`) reaches the database through
        // a node of its own, labelled with its names.
        let xid = if t.env_names == plan.env_names {
            node_id(&format!("{transport}"), db)
        } else {
            // No `_` between the two: a database name has none, so no other node's id
            // (`rest_` and a database name) can be this one.
            node_id(
                &format!("{transport}{}", t.env_names.as_str().replace('-', "")),
                db,
            )
        };
        if !g.transports.iter().any(|n| n.id == xid) {
            let family = t.env_names.family();
            let label = match transport {
                crate::model::Transport::Tcp => format!("TCP · {}", name_of(family, Role::TcpUrl)),
                crate::model::Transport::Rest => format!(
                    "REST · {}*",
                    name_of(family, Role::RestUrl).trim_end_matches("URL")
                ),
            };
            g.transports.push(Node {
                id: xid.clone(),
                label,
            });
        }
        let did = node_id("db", db);
        if !g.databases.iter().any(|n| n.id == did) {
            g.databases.push(Node {
                id: did.clone(),
                label: label(db),
            });
        }
        for edge in [(tid.clone(), xid.clone()), (xid, did)] {
            if seen.insert(edge.clone()) {
                g.edges.push(edge);
            }
        }
    }
    g
}

/// Renders the Markdown connection guide, naming `plan.descriptor` as its source.
/// Deterministic: same plan, same bytes.
#[must_use]
pub fn guide(plan: &Plan) -> String {
    let descriptor = if plan.descriptor.is_empty() {
        "upwire.toml"
    } else {
        &plan.descriptor
    };
    let template = GuideTemplate {
        project: plan.project.as_deref(),
        descriptor,
        targets: {
            // Each folder's targets and what they share, found once: a scan of every target
            // for each one made the guide quadratic in the number of targets.
            let mut by_dir: HashMap<&str, Vec<&TargetPlan>> = HashMap::new();
            for t in &plan.targets {
                by_dir.entry(t.dir.as_str()).or_default().push(t);
            }
            let folders: HashMap<&str, FolderView<'_>> = by_dir
                .into_iter()
                .map(|(dir, targets)| (dir, FolderView::new(targets)))
                .collect();
            plan.targets
                .iter()
                .filter_map(|t| Some(view(t, plan, folders.get(t.dir.as_str())?)))
                .collect()
        },
        graph: graph(plan),
        ci_job: (!crate::ci_serve::rest_targets(plan).is_empty()).then_some(crate::ci_serve::PATH),
        tcp_url_var: name_of(plan.env_names.family(), Role::TcpUrl),
        rest_url_var: name_of(plan.env_names.family(), Role::RestUrl),
        rest_token_var: name_of(plan.env_names.family(), Role::Token),
        expo_prefix: crate::family::EXPO_PUBLIC,
        redis_url: crate::family::REDIS_URL,
    };
    crate::template::render(&template)
}

#[cfg(test)]
mod tests {
    use super::{Graph, graph};
    use crate::diagnostic::SourceFile;
    use crate::interpolate::Env;
    use crate::plan::resolve;

    /// The guide's setup lines are a chain over platform names in `templates/guide.md`, which
    /// the compiler cannot list: every platform but `generic` has its own branch, so a new one
    /// does not fall silently into the generic `set -a; . .env` text.
    #[test]
    fn the_guide_has_setup_lines_for_every_platform() {
        let template = include_str!("../templates/guide.md");
        let missing: Vec<&str> = crate::model::Platform::ALL
            .iter()
            .filter(|p| **p != crate::model::Platform::Generic)
            .map(|p| p.as_str())
            .filter(|name| !template.contains(&format!("t.platform == \"{name}\"")))
            .collect();
        assert!(
            missing.is_empty(),
            "templates/guide.md has no setup branch for {missing:?}"
        );
    }

    /// Every JavaScript target over TCP gets the Node.js client lines (the `generate` note
    /// for it says "REDIS.md shows how"): Express, Node.js without a framework, and the other
    /// JavaScript frameworks that run as servers; BullMQ keeps its own.
    #[test]
    fn every_javascript_target_over_tcp_gets_the_node_client_lines() {
        use crate::framework::Language;
        use crate::model::{Framework, Kind};
        for f in Framework::ALL {
            let facts = f.facts();
            let Some(kind) = [Kind::Server, Kind::Container]
                .into_iter()
                .find(|k| facts.kinds.contains(k))
            else {
                continue;
            };
            if facts.language != Language::JavaScript || *f == Framework::BullMq {
                continue;
            }
            let text = format!(
                "[database.main]\nredis_url = \"rediss://default:pw@h.upstash.io:6379\"\n\n\
                 [target.app]\nkind = \"{kind}\"\nframework = \"{f}\"\n"
            );
            let resolved = resolve(SourceFile::new("upwire.toml", text), &Env::default());
            let guide = super::guide(&resolved.plan);
            assert!(
                guide.contains("new IORedis(process.env.REDIS_URL!)"),
                "{f} as {kind}:\n{guide}"
            );
        }
    }

    /// The starter's dependency is added with the project's package manager, in the target's
    /// own folder (a workspace package): `npm install` in a pnpm workspace would write a
    /// `package-lock.json` beside `pnpm-lock.yaml`; a folder named like an option (`-web`) is
    /// `cd`'d into as `./-web`.
    #[test]
    fn starter_dependencies_are_added_with_the_projects_package_manager_in_its_folder() {
        use crate::package_manager::PackageManager;
        let text = "[database.main]\nrest_url = \"https://h.upstash.io\"\nrest_token = \"AXtoken\"\n\n\
                    [target.web]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"apps/web\"\n\
                    [target.app]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"node\"\n\
                    [target.dash]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"-web\"\n";
        let mut plan = resolve(SourceFile::new("upwire.toml", text), &Env::default()).plan;
        let root = |manager| crate::package_manager::Package {
            dir: String::new(),
            manager,
        };
        plan.packages = vec![root(PackageManager::Pnpm(None))];
        let guide = super::guide(&plan);
        assert!(
            guide.contains("\ncd apps/web && pnpm add '@upstash/redis@")
                && guide.contains("\npnpm add '@upstash/redis@")
                && guide.contains("\ncd ./-web && pnpm add '@upstash/redis@")
                && !guide.contains("npm install '@upstash"),
            "{guide}"
        );
        plan.packages = vec![root(PackageManager::Bun)];
        assert!(super::guide(&plan).contains("\nbun add '@upstash/redis@"));
    }

    /// The graph's edges as `from->to`.
    fn edges(g: &Graph) -> Vec<String> {
        g.edges
            .iter()
            .map(|(from, to)| format!("{from}->{to}"))
            .collect()
    }

    /// Every target has its edge to its transport; each transport its one edge to the
    /// database, however many targets share it; first-seen order.
    #[test]
    fn graph_edges_are_deduplicated_in_first_seen_order() {
        let text = "[database.main]\nredis_url = \"rediss://default:pw@h.upstash.io:6379\"\n\
                    rest_url = \"https://h.upstash.io\"\nrest_token = \"AXtoken\"\n\n\
                    [target.a]\nkind = \"server\"\ndir = \"a\"\n\
                    [target.b]\nkind = \"lambda\"\ndir = \"b\"\n\
                    [target.c]\nkind = \"container\"\ndir = \"c\"\n";
        let resolved = resolve(SourceFile::new("upwire.toml", text), &Env::default());
        assert_eq!(
            edges(&graph(&resolved.plan)),
            [
                "t_a->tcp_main",
                "tcp_main->db_main",
                "t_b->rest_main",
                "rest_main->db_main",
                "t_c->tcp_main",
            ]
        );
    }

    /// A target on names of its own (`env_names`) reaches its database through a node of
    /// its own, whose id no database's name can give another node (`vercel-marketplace-main`
    /// is a database here).
    #[test]
    fn a_target_on_its_own_names_has_its_own_transport_node() {
        let text = "[project]\nenv_names = \"upstash\"\n\n\
                    [database.main]\nrest_url = \"https://h.upstash.io\"\nrest_token = \"AXtoken\"\n\n\
                    [database.vercel-marketplace-main]\nrest_url = \"https://i.upstash.io\"\nrest_token = \"AXtoken2\"\n\n\
                    [target.web]\nkind = \"lambda\"\ndir = \"web\"\ndatabase = \"main\"\nenv_names = \"vercel-marketplace\"\n\
                    [target.admin]\nkind = \"lambda\"\ndir = \"admin\"\ndatabase = \"vercel-marketplace-main\"\n";
        let resolved = resolve(SourceFile::new("upwire.toml", text), &Env::default());
        let g = graph(&resolved.plan);
        assert_eq!(
            edges(&g),
            [
                "t_web->restvercelmarketplace_main",
                "restvercelmarketplace_main->db_main",
                "t_admin->rest_vercel_marketplace_main",
                "rest_vercel_marketplace_main->db_vercel_marketplace_main",
            ]
        );
        let labels: Vec<&str> = g.transports.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(
            labels,
            ["REST · KV_REST_API_*", "REST · UPSTASH_REDIS_REST_*"]
        );
    }
}
