//! `upwire init`: a commented descriptor from an askama template.

use askama::Template;

use crate::model::{Access, Kind, Platform, Transport};

#[derive(Debug)]
struct InitTarget {
    /// The kind's own name (`server`, `lambda`, ...), or the folder's for a detected target:
    /// the name says what the target is.
    name: String,
    kind: &'static str,
    platform: Option<&'static str>,
    note: String,
    /// Its own directory when there are several targets of `--kind`s, or the folder a
    /// detected target was found in (none for the project folder).
    dir: Option<String>,
    /// The framework a detected target was written with.
    framework: Option<&'static str>,
    /// `needs = ["blocking"]` (BullMQ, Sidekiq).
    blocking: bool,
    /// The Vercel Marketplace's custom prefix found in its folder (`STORAGE_`).
    env_prefix: Option<String>,
    /// `transport = "tcp"`: its code uses a TCP client and the project has only a TCP URL.
    tcp_client: bool,
    /// `transport = "rest"`: its code uses a REST client alone and the project has only the
    /// REST variables.
    rest_client: bool,
    /// Its language's REST client and TCP client, for the comment beside the transport:
    /// `@upstash/redis` and ioredis, or upstash-redis and redis-py; `None` for code `init`
    /// did not recognise.
    clients: Option<(&'static str, &'static str)>,
    /// What a detected target was guessed from.
    why: Option<String>,
    /// Its `database = "NAME"` line (comment included), written when the descriptor has
    /// several databases.
    database: Option<String>,
    /// `env_names = "vercel-marketplace"`: its names are the Marketplace's, other targets'
    /// Upstash's.
    marketplace: bool,
}

/// One `[database.NAME]` table: its name and which of its fields its targets use; the others
/// are written commented out, so that `lint` asks for no variable the project does not use.
#[derive(Debug, Clone, PartialEq, Eq)]
struct InitDatabase {
    name: String,
    redis_url: bool,
    rest_url: bool,
    rest_token: bool,
    rest_readonly_token: bool,
    /// The variable name each field reads (`redis_url`, `rest_url`, `rest_token`,
    /// `rest_readonly_token`): those already in its targets' env files.
    names: [String; 4],
}

impl InitDatabase {
    /// The database `name` whose targets use the fields `used` says (`redis_url`,
    /// `rest_token`, `rest_readonly_token`; `rest_url` when either token is), reading `names`.
    fn new(name: &str, used: [bool; 3], names: &crate::detect::Names) -> Self {
        let [redis_url, rest_token, rest_readonly_token] = used;
        InitDatabase {
            name: name.to_owned(),
            redis_url,
            rest_url: rest_token || rest_readonly_token,
            rest_token,
            rest_readonly_token,
            names: [
                names.redis_url.clone(),
                names.rest_url.clone(),
                names.rest_token.clone(),
                names.rest_readonly_token.clone(),
            ],
        }
    }
}

#[derive(Template)]
#[template(path = "upwire.toml.txt", escape = "none")]
struct InitTemplate<'a> {
    project: &'a str,
    targets: Vec<InitTarget>,
    /// The env files whose names were read, when any.
    env_files: String,
    /// The Vercel Marketplace's names were found: `env_names = "vercel-marketplace"`.
    marketplace: bool,
    /// The databases whose REST names are the Marketplace's, and those whose are Upstash's,
    /// when there are both (`` `web` ``): what `generate` writes is said in a comment.
    mixed: Option<(String, String)>,
    /// One, `main`, or one per group of targets whose env files point at one database.
    databases: Vec<InitDatabase>,
    /// The targets given the first of several databases for want of any value in their
    /// folders' env files, as the comment lists them (`` `docs`, `admin` ``).
    unplaced: String,
    /// Expo's public prefix, for the mobile target's `env_prefix`.
    expo_prefix: &'static str,
}

/// The first kind given twice, if any: each kind makes one target, named after it, so
/// `init` refuses a repeat rather than drop it.
#[must_use]
pub(crate) fn repeated_kind(kinds: &[Kind]) -> Option<Kind> {
    kinds
        .iter()
        .enumerate()
        .find(|(i, k)| kinds[..*i].contains(k))
        .map(|(_, k)| *k)
}

/// The REST and the TCP client of a target's language, as its comments name them: Python's
/// (upstash-redis, redis-py), else JavaScript's (`@upstash/redis`, ioredis and node-redis),
/// the only languages whose code `init` finds talking to Redis itself; none without a
/// framework (code `init` did not recognise).
fn clients(framework: Option<crate::model::Framework>) -> Option<(&'static str, &'static str)> {
    use crate::framework::Language;
    match framework?.facts().language {
        Language::Python => Some(("upstash-redis", "redis-py")),
        Language::JavaScript | Language::Rust | Language::Ruby => {
            Some(("@upstash/redis", "ioredis or node-redis"))
        }
    }
}

/// Renders the commented descriptor with one target per kind (a server when `kinds` is
/// empty; a kind given twice makes one target).
#[must_use]
pub(crate) fn render_init(project: &str, kinds_given: &[Kind]) -> String {
    let mut kinds: Vec<Kind> = Vec::new();
    for &k in kinds_given {
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    if kinds.is_empty() {
        kinds.push(Kind::Server);
    }
    let several = kinds.len() > 1;
    let (mut redis_url, mut rest_token, mut rest_readonly_token) = (false, false, false);
    let targets = kinds
        .iter()
        .map(|&kind| {
            let (platform, transport, note) = kind.init_example();
            match (transport, kind.default_access()) {
                (Transport::Tcp, _) => redis_url = true,
                (Transport::Rest, Access::ReadWrite) => rest_token = true,
                (Transport::Rest, Access::ReadOnly) => rest_readonly_token = true,
            }
            InitTarget {
                name: kind.as_str().to_owned(),
                kind: kind.as_str(),
                platform: platform.map(Platform::as_str),
                note: crate::family::fill(note),
                dir: several.then(|| kind.as_str().to_owned()),
                framework: None,
                blocking: false,
                env_prefix: None,
                tcp_client: false,
                rest_client: false,
                clients: clients(None),
                why: None,
                database: None,
                marketplace: false,
            }
        })
        .collect();
    let names = crate::detect::Names::upstash();
    render(
        project,
        targets,
        (String::new(), false, None),
        (
            vec![InitDatabase::new(
                "main",
                [redis_url, rest_token, rest_readonly_token],
                &names,
            )],
            String::new(),
        ),
    )
}

/// The descriptor from its parts: its targets, the env files whose names the database fields
/// read (whether those are the Vercel Marketplace's; the databases on each family's when
/// both are), and its databases with the targets given the first one for want of evidence.
fn render(
    project: &str,
    targets: Vec<InitTarget>,
    (env_files, marketplace, mixed): (String, bool, Option<(String, String)>),
    (databases, unplaced): (Vec<InitDatabase>, String),
) -> String {
    let template = InitTemplate {
        project,
        targets,
        env_files,
        marketplace,
        mixed,
        databases,
        unplaced,
        expo_prefix: crate::family::EXPO_PUBLIC,
    };
    template
        .render()
        .unwrap_or_else(|e| format!("# template error: {e}\n"))
}

/// Renders the descriptor for the targets `detect` found in the project (at least one), with
/// the variable names its env files already use; each target's comment says what it was
/// guessed from.
#[must_use]
pub(crate) fn render_detected(project: &str, d: &crate::detect::Detection) -> String {
    let several = d.databases.len() > 1;
    let targets = d
        .targets
        .iter()
        .map(|t| {
            let (_, _, note) = t.kind.init_example();
            InitTarget {
                name: t.name.clone(),
                kind: t.kind.as_str(),
                platform: t.platform.map(Platform::as_str),
                note: crate::family::fill(note),
                dir: (t.dir != ".").then(|| t.dir.clone()),
                framework: t.framework.map(|f| f.as_str()),
                blocking: t.blocking,
                env_prefix: t.env_prefix.clone(),
                tcp_client: t.tcp_client,
                rest_client: t.rest_client,
                clients: clients(t.framework),
                why: Some(t.why.clone()),
                database: several.then(|| database_line(d, t)),
                marketplace: t.marketplace,
            }
        })
        .collect();
    let used = detected_used(d);
    let databases = d
        .databases
        .iter()
        .zip(&used)
        .zip(&d.database_names)
        .map(|((name, used), names)| InitDatabase::new(name, *used, names))
        .collect();
    let list = |names: &[String]| {
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mixed = d
        .mixed_names
        .as_ref()
        .map(|(kv, upstash)| (list(kv), list(upstash)));
    let unplaced = d
        .unplaced
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    render(
        project,
        targets,
        (d.env_files.join(", "), d.marketplace, mixed),
        (databases, unplaced),
    )
}

/// The `database = "NAME"` line of target `t` among several databases, its comment aligned
/// with the others' and saying why that database.
fn database_line(d: &crate::detect::Detection, t: &crate::detect::Proposed) -> String {
    let field = format!(
        "database = {}",
        crate::quote::toml(&d.databases[t.database])
    );
    let why = if d.unplaced.contains(&t.name) {
        "no env file of its folder says which: the first database"
    } else {
        "the one its folder's env files point at"
    };
    format!("{field:<25} # which [database.NAME]: {why}")
}

/// Which of `redis_url`, `rest_token` and `rest_readonly_token` the detected targets of each
/// database use, by the transport the rules will give each.
fn detected_used(d: &crate::detect::Detection) -> Vec<[bool; 3]> {
    use crate::family::Role;
    let mut used = vec![[false; 3]; d.databases.len()];
    for t in &d.targets {
        let field = match t.field() {
            Role::TcpUrl => 0,
            Role::ReadonlyToken => 2,
            _ => 1,
        };
        used[t.database][field] = true;
    }
    used
}

/// The variable names the descriptor `render_detected` writes reads (its fields that are not
/// comments, each name once), each with whether the project's env files have it: what `init`
/// says on screen.
#[must_use]
pub(crate) fn detected_reads(d: &crate::detect::Detection) -> Vec<(&str, bool)> {
    let mut reads: Vec<(&str, bool)> = Vec::new();
    for ([redis_url, rest_token, rest_readonly_token], names) in
        detected_used(d).into_iter().zip(&d.database_names)
    {
        for (used, name) in [
            (redis_url, &names.redis_url),
            (rest_token || rest_readonly_token, &names.rest_url),
            (rest_token, &names.rest_token),
            (rest_readonly_token, &names.rest_readonly_token),
        ] {
            if used && !reads.iter().any(|(n, _)| n == name) {
                reads.push((name.as_str(), d.names.iter().any(|n| n == name)));
            }
        }
    }
    reads
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;
    use crate::interpolate::Env;

    /// `templates/upwire.toml.txt` lists the kinds and the platforms in its comments by hand
    /// (wrapped to fit): each list names every one, with a platform set and without.
    #[test]
    fn the_comments_name_every_kind_and_platform() {
        let words = |lines: Vec<&str>| -> Vec<String> {
            lines
                .iter()
                .flat_map(|l| l.split(|c: char| !(c.is_ascii_lowercase() || c == '-')))
                .map(str::to_owned)
                .collect()
        };
        // A server gets no platform (`# platform = "generic"  # ...`), an edge function one.
        for kind in [Kind::Server, Kind::Edge] {
            let text = render_init("shop", &[kind]);
            let lines: Vec<&str> = text.lines().collect();
            let kinds = lines.iter().find(|l| l.starts_with("# kind: ")).unwrap();
            assert_eq!(
                *kinds,
                format!("# kind: {} (required).", Kind::NAMES.join(" | "))
            );
            // The platform line and the comment lines that continue it.
            let start = lines
                .iter()
                .position(|l| l.starts_with("# platform"))
                .unwrap();
            let block: Vec<&str> = lines[start..]
                .iter()
                .take_while(|l| {
                    l.starts_with("# platform") || l.starts_with("#  ") || l.starts_with("  ")
                })
                .copied()
                .collect();
            let found = words(block);
            for name in Platform::NAMES {
                assert!(
                    found.iter().any(|w| w == name),
                    "{kind}: the platform comment lacks `{name}`"
                );
            }
        }
    }

    #[test]
    fn the_written_descriptor_resolves_cleanly_for_every_kind() {
        let text = render_init("shop", Kind::ALL);
        let env = Env::from_pairs([
            ("REDIS_URL", "rediss://default:AXpw@eu1-cat.upstash.io:6379"),
            ("UPSTASH_REDIS_REST_URL", "https://eu1-cat.upstash.io"),
            ("UPSTASH_REDIS_REST_TOKEN", "AXtoken"),
            ("UPSTASH_REDIS_REST_READONLY_TOKEN", "AoReadonly"),
        ]);
        let r = crate::plan::resolve(SourceFile::new("upwire.toml", text), &env);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        assert_eq!(r.plan.targets.len(), Kind::ALL.len());
    }

    #[test]
    fn each_kind_gets_the_transport_init_example_says() {
        for &kind in Kind::ALL {
            let text = render_init("shop", &[kind]);
            let r = crate::plan::resolve(SourceFile::new("upwire.toml", text), &Env::default());
            assert_eq!(r.plan.targets.len(), 1);
            assert_eq!(r.plan.targets[0].name, kind.as_str());
            assert_eq!(
                r.plan.targets[0].transport,
                Some(kind.init_example().1),
                "{kind:?}"
            );
        }
    }

    /// A detected monorepo: a Next.js app in `apps/web`, a BullMQ worker in `apps/worker`,
    /// on the databases `databases` names (`on`: each target's).
    fn monorepo(databases: &[&str], on: [usize; 2]) -> crate::detect::Detection {
        use crate::detect::{Proposed, default_name};
        use crate::family::Role;
        let target = |name: &str, kind, blocking, database| Proposed {
            name: name.to_owned(),
            kind,
            platform: None,
            framework: None,
            dir: format!("apps/{name}"),
            blocking,
            env_prefix: None,
            tcp_client: false,
            rest_client: false,
            why: "a test".to_owned(),
            database,
            marketplace: false,
        };
        crate::detect::Detection {
            targets: vec![
                target("web", Kind::Lambda, false, on[0]),
                target("worker", Kind::Server, true, on[1]),
            ],
            redis_url: default_name(Role::TcpUrl).to_owned(),
            rest_url: default_name(Role::RestUrl).to_owned(),
            rest_token: default_name(Role::Token).to_owned(),
            rest_readonly_token: default_name(Role::ReadonlyToken).to_owned(),
            databases: databases.iter().map(|d| (*d).to_owned()).collect(),
            database_names: vec![crate::detect::Names::upstash(); databases.len()],
            ..crate::detect::Detection::default()
        }
    }

    /// Each `[database.NAME]` with its uncommented fields.
    type Databases = Vec<(String, Vec<String>)>;

    /// The databases of the descriptor `text`, and the `database` of each target.
    fn tables(text: &str) -> (Databases, Vec<Option<String>>) {
        let doc: toml::Table = text.parse().expect("the descriptor is TOML");
        let databases = doc["database"]
            .as_table()
            .unwrap()
            .iter()
            .map(|(name, t)| {
                (
                    name.clone(),
                    t.as_table().unwrap().keys().cloned().collect(),
                )
            })
            .collect();
        let targets = doc["target"]
            .as_table()
            .unwrap()
            .values()
            .map(|t| {
                t.get("database")
                    .and_then(|d| d.as_str())
                    .map(str::to_owned)
            })
            .collect();
        (databases, targets)
    }

    #[test]
    fn each_database_lists_the_fields_of_its_own_targets() {
        let text = render_detected("mono", &monorepo(&["web", "worker"], [0, 1]));
        let (databases, targets) = tables(&text);
        let fields = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            databases,
            [
                ("web".to_owned(), fields(&["rest_url", "rest_token"])),
                ("worker".to_owned(), fields(&["redis_url"])),
            ]
        );
        assert_eq!(targets, [Some("web".to_owned()), Some("worker".to_owned())]);
        assert!(text.contains("point at 2 different databases"), "{text}");
        let env = Env::from_pairs([
            ("REDIS_URL", "rediss://default:AXpw@eu1-cat.upstash.io:6379"),
            ("UPSTASH_REDIS_REST_URL", "https://eu1-dog.upstash.io"),
            ("UPSTASH_REDIS_REST_TOKEN", "AXtoken"),
        ]);
        let r = crate::plan::resolve(SourceFile::new("upwire.toml", text), &env);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        // Targets no env file placed are named in a comment.
        let mut d = monorepo(&["web", "worker"], [0, 1]);
        d.unplaced = vec!["web".to_owned()];
        let text = render_detected("mono", &d);
        assert!(
            text.contains("# No env file in the folder of `web` says which database"),
            "{text}"
        );
    }

    #[test]
    fn each_database_writes_its_own_names_and_mixed_families_are_said() {
        let mut d = monorepo(&["web", "worker"], [0, 1]);
        d.database_names[0] = crate::detect::Names {
            rest_url: "KV_REST_API_URL".to_owned(),
            rest_token: "KV_REST_API_TOKEN".to_owned(),
            marketplace: true,
            ..crate::detect::Names::upstash()
        };
        d.marketplace = true;
        let text = render_detected("mono", &d);
        let doc: toml::Table = text.parse().expect("the descriptor is TOML");
        let field = |db: &str, f: &str| doc["database"][db][f].as_str().unwrap().to_owned();
        assert_eq!(field("web", "rest_url"), "${KV_REST_API_URL}");
        assert_eq!(field("web", "rest_token"), "${KV_REST_API_TOKEN}");
        assert_eq!(field("worker", "redis_url"), "${REDIS_URL}");
        assert_eq!(
            doc["project"]["env_names"].as_str(),
            Some("vercel-marketplace")
        );
        let reads: Vec<&str> = detected_reads(&d).iter().map(|(n, _)| *n).collect();
        assert_eq!(reads, ["KV_REST_API_URL", "KV_REST_API_TOKEN", "REDIS_URL"]);
        // Both families among the REST targets: no env_names for the project, one of its
        // own on each Marketplace target, and a comment says so.
        d.marketplace = false;
        d.mixed_names = Some((vec!["web".to_owned()], vec!["worker".to_owned()]));
        d.targets[0].marketplace = true;
        let text = render_detected("mono", &d);
        let doc: toml::Table = text.parse().expect("the descriptor is TOML");
        assert!(doc["project"].get("env_names").is_none(), "{text}");
        assert_eq!(
            doc["target"]["web"]["env_names"].as_str(),
            Some("vercel-marketplace"),
            "{text}"
        );
        assert!(doc["target"]["worker"].get("env_names").is_none(), "{text}");
        assert!(
            text.contains(
                "# The REST names in the folders of `web` are those the Vercel Marketplace"
            ) && text.contains("those of `worker` Upstash's"),
            "{text}"
        );
    }

    #[test]
    fn one_database_is_main_and_no_target_names_it() {
        let text = render_detected("mono", &monorepo(&["main"], [0, 0]));
        let (databases, targets) = tables(&text);
        assert_eq!(databases.len(), 1);
        assert_eq!(databases[0].0, "main");
        assert_eq!(databases[0].1.len(), 3, "{text}");
        assert_eq!(targets, [None, None]);
        assert!(text.contains("\n# database = \"main\" "), "{text}");
        assert!(!text.contains("different databases"), "{text}");
    }

    #[test]
    fn a_repeated_kind_is_found() {
        assert_eq!(repeated_kind(&[Kind::Edge, Kind::Lambda]), None);
        assert_eq!(
            repeated_kind(&[Kind::Edge, Kind::Lambda, Kind::Edge]),
            Some(Kind::Edge)
        );
        // Rendering keeps one target per kind whatever it is given.
        let text = render_init("shop", &[Kind::Edge, Kind::Edge]);
        assert_eq!(text.matches("[target.edge]").count(), 1);
    }
}
