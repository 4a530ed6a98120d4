//! What `upwire init` reads of the project it runs in: the manifests (`package.json`,
//! `Cargo.toml`, `requirements.txt`, `pyproject.toml`, `Gemfile`), the platform files
//! (`vercel.json`, `netlify.toml`, `fly.toml`, `wrangler.toml`/`.jsonc`, `railway.json`/`.toml`,
//! `render.yaml`, `deno.json`/`.jsonc`, `supabase/config.toml`, `app.json`, `serverless.yml`,
//! `template.yaml`, `Dockerfile`) and the variable names already in its env
//! files, in the project folder and each folder one level below it. It proposes targets (kind,
//! platform, framework, folder) with the reason for each guess. Of the values it reads only
//! what tells the databases of the target folders apart ([`Evidence`]: the hosts of the URLs
//! and a hash of each value), never keeping, writing or showing a value.

use std::path::Path;

use crate::family::{Family, Role, VARIABLES};
use crate::model::{Framework, Kind, Platform};

/// A target `init` proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Proposed {
    /// Its name (`web`, `web-middleware`, `api`).
    pub name: String,
    pub kind: Kind,
    pub platform: Option<Platform>,
    pub framework: Option<Framework>,
    /// Its folder relative to the project (`.` for the project folder).
    pub dir: String,
    /// `needs = ["blocking"]` (BullMQ, Sidekiq).
    pub blocking: bool,
    /// `env_prefix`: the custom prefix the Vercel Marketplace integration was given
    /// (`STORAGE_` for `STORAGE_KV_REST_API_URL`), found in the target's folder.
    pub env_prefix: Option<String>,
    /// `transport = "tcp"`: a function whose code uses a TCP client (ioredis, node-redis) in a
    /// project whose env files hold a TCP URL and no REST names (while its folder is read:
    /// whether the code uses one).
    pub tcp_client: bool,
    /// `transport = "rest"`: its code uses a REST-only client (`@upstash/redis`) and the
    /// project has only the REST variables (while its folder is read: whether the code uses
    /// only such a client).
    pub rest_client: bool,
    /// What it was guessed from, for the descriptor's comment and the screen.
    pub why: String,
    /// Its database: an index into [`Detection::databases`].
    pub database: usize,
    /// `env_names = "vercel-marketplace"` on the target: its REST names are the Vercel
    /// Marketplace's where other targets' are Upstash's ([`Detection::mixed_names`]).
    pub marketplace: bool,
}

/// What `init` found.
#[derive(Debug, Default)]
pub(crate) struct Detection {
    pub targets: Vec<Proposed>,
    /// The variable names found anywhere in the project's env files (`KV_REST_API_URL` where
    /// the Vercel integration wrote it, `EXPO_PUBLIC_UPSTASH_REDIS_REST_URL` in an Expo app),
    /// else upwire's: what a database whose own folders have none reads
    /// ([`Detection::database_names`]).
    pub redis_url: String,
    pub rest_url: String,
    pub rest_token: String,
    pub rest_readonly_token: String,
    /// The REST names every database's REST targets find are the Vercel Marketplace's
    /// (`KV_REST_API_*`): `generate` is to write those (`env_names = "vercel-marketplace"`),
    /// not a second copy under Upstash's.
    pub marketplace: bool,
    /// The env files whose names were read.
    pub env_files: Vec<String>,
    /// Every variable name in them.
    pub names: Vec<String>,
    /// The databases the targets are on, as their folders' env files say
    /// ([`group_by_database`]): one, named `main`, unless those point at different ones;
    /// then each is named after its first target whose folder said so.
    pub databases: Vec<String>,
    /// The targets whose folders' env files hold no value of the family's names: nothing
    /// says their database, so they are given the first one.
    pub unplaced: Vec<String>,
    /// The variable names each database reads ([`name_databases`]), by database.
    pub database_names: Vec<Names>,
    /// The REST targets whose names are the Marketplace's and those whose are Upstash's,
    /// when there are both: the first get `env_names = "vercel-marketplace"` of their own
    /// ([`Proposed::marketplace`]), and the project none.
    pub mixed_names: Option<(Vec<String>, Vec<String>)>,
}

/// The env files whose variable names are read.
const ENV_FILES: &[&str] = &[
    ".env",
    ".env.local",
    ".env.development.local",
    ".env.development",
    ".dev.vars",
];

/// Reads the project at `root`.
#[must_use]
pub(crate) fn detect(root: &Path) -> Detection {
    // The folder of a bare `upwire.toml` is the empty path, which `read_dir` refuses.
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let mut folders = vec![(root.to_path_buf(), ".".to_owned())];
    for (path, dir) in subfolders(root, "") {
        // A folder without code of its own holds the apps of a monorepo (`apps/web`,
        // `packages/worker`): its folders are read too, one level more.
        let nested = folder_targets(&path, &dir).is_empty()
            && !ENV_FILES.iter().any(|f| path.join(f).is_file());
        folders.push((path.clone(), dir.clone()));
        if nested {
            folders.extend(subfolders(&path, &format!("{dir}/")));
        }
    }
    let mut d = Detection::default();
    // Each name with the folder it was found in.
    let mut found_in: Vec<(String, String)> = Vec::new();
    // What each folder's env files say of its database.
    let mut evidence: Vec<(String, Evidence)> = Vec::new();
    for (path, dir) in &folders {
        d.targets.extend(folder_targets(path, dir));
        let mut said = Evidence::default();
        for file in ENV_FILES {
            let Some(text) = crate::input::read_convention_file(&path.join(file)) else {
                continue;
            };
            said.read(&text);
            d.env_files.push(if dir == "." {
                (*file).to_owned()
            } else {
                format!("{dir}/{file}")
            });
            for line in text.lines() {
                let line = line.trim_start().trim_start_matches("export ").trim_start();
                if let Some((key, _)) = line.split_once('=') {
                    found_in.push((dir.clone(), key.trim().to_owned()));
                }
            }
        }
        evidence.push((dir.clone(), said));
    }
    let names: Vec<String> = found_in.iter().map(|(_, n)| n.clone()).collect();
    // No code recognised, but env files hold the database's variables: one target on them, in
    // the one folder whose env files hold them (else the project's), of the kind its platform
    // runs (a server when none says), so that what `init` writes reads what the project has
    // and passes `lint`: over REST when those are all the project has (`rest_client`, kept
    // below only then).
    if d.targets.is_empty() {
        let mut dirs: Vec<&str> = Vec::new();
        for (dir, name) in &found_in {
            if crate::family::lookup(name).is_some() && !dirs.contains(&dir.as_str()) {
                dirs.push(dir);
            }
        }
        if let Some(first) = dirs.first() {
            let dir = if dirs.len() == 1 { *first } else { "." };
            let path = if dir == "." {
                root.to_path_buf()
            } else {
                root.join(dir)
            };
            let platform = platform_of(&path, &[]).map(|(p, _)| p);
            let kind = kind_on(platform, Kind::Server);
            d.targets.push(Proposed {
                name: if dir == "." {
                    "app".to_owned()
                } else {
                    let folder = dir.rsplit('/').next().unwrap_or(dir);
                    target_name(folder).unwrap_or_else(|| "app".to_owned())
                },
                kind,
                platform: platform.filter(|p| p.runs().0.contains(&kind)),
                framework: None,
                dir: dir.to_owned(),
                blocking: false,
                env_prefix: None,
                tcp_client: true,
                rest_client: true,
                why: "the variable names in its env files: no code upwire recognises (check the kind)"
                    .to_owned(),
                database: 0,
                marketplace: false,
            });
        }
    }
    // Names that target names share are made unique (`web`, `web-2`).
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for t in &mut d.targets {
        let mut name = t.name.clone();
        let mut n = 2;
        while seen.contains(&name) {
            name = format!("{}-{n}", t.name);
            n += 1;
        }
        seen.insert(name.clone());
        t.name = name;
    }
    // The names of the family table already in the env files, else Upstash's: for the whole
    // project here (what a database whose own folders have none reads), for each database
    // below.
    let all: Vec<&str> = names.iter().map(String::as_str).collect();
    let project_names = Names::pick(&all, None);
    d.redis_url.clone_from(&project_names.redis_url);
    d.rest_url.clone_from(&project_names.rest_url);
    d.rest_token.clone_from(&project_names.rest_token);
    d.rest_readonly_token
        .clone_from(&project_names.rest_readonly_token);
    // Each folder's names.
    let mut in_folder: std::collections::HashMap<&str, Vec<&str>> =
        std::collections::HashMap::new();
    for (dir, n) in &found_in {
        in_folder.entry(dir.as_str()).or_default().push(n.as_str());
    }
    // A target in a folder where the Marketplace's names are behind a custom prefix gets the
    // prefix, so that `generate` writes and reads the names the integration sets.
    for t in &mut d.targets {
        let here = in_folder.get(t.dir.as_str()).map_or(&[][..], Vec::as_slice);
        if t.platform != Some(Platform::Expo)
            && let Some(prefix) = marketplace_prefix(here)
        {
            t.env_prefix = Some(prefix);
        }
    }
    // A function written against a TCP client (ioredis, node-redis), where the env files hold
    // only a TCP URL: the code speaks TCP, so the target says so (a REST-only descriptor
    // would ask for variables the project does not have). Vercel and Netlify Functions may
    // open TCP connections; edge runtimes cannot.
    let rest_names = names.iter().any(|n| {
        crate::family::lookup(n).is_some_and(|k| {
            matches!(
                k.variable.role,
                Role::RestUrl | Role::Token | Role::ReadonlyToken
            )
        })
    });
    let tcp_url = names
        .iter()
        .any(|n| crate::family::lookup(n).is_some_and(|k| k.variable.role == Role::TcpUrl));
    // And the other way round: a server written against `@upstash/redis` alone, where the env
    // files hold only the REST variables, says `transport = "rest"` (the rules would give a
    // server TCP, asking for a URL the project does not have; the comment says how to follow
    // them).
    // The folders' clients were read with their manifests (`folder_targets`); each flag stays
    // only where the env files and the kind call for it.
    for t in &mut d.targets {
        t.tcp_client &= tcp_url && !rest_names && t.kind == Kind::Lambda;
        t.rest_client &= rest_names
            && !tcp_url
            && !t.blocking
            && match t.kind {
                Kind::Server | Kind::Container => true,
                Kind::Lambda | Kind::Edge | Kind::Mobile => false,
            };
    }
    d.names = names;
    place_on_databases(&mut d, &evidence);
    name_databases(&mut d, &in_folder, &project_names);
    d
}

/// The variable names one database's fields read, and whether its REST names are the
/// Vercel Marketplace's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Names {
    pub redis_url: String,
    pub rest_url: String,
    pub rest_token: String,
    pub rest_readonly_token: String,
    /// Its REST URL's name is the Marketplace's (`KV_REST_API_URL`, or behind the custom
    /// prefix the integration was given), found in the env files.
    pub marketplace: bool,
}

impl Names {
    /// The names `generate` writes (`REDIS_URL`, `UPSTASH_REDIS_REST_URL`, ...): those of a
    /// project with none yet.
    #[must_use]
    pub(crate) fn upstash() -> Names {
        Names {
            redis_url: default_name(Role::TcpUrl).to_owned(),
            rest_url: default_name(Role::RestUrl).to_owned(),
            rest_token: default_name(Role::Token).to_owned(),
            rest_readonly_token: default_name(Role::ReadonlyToken).to_owned(),
            marketplace: false,
        }
    }

    /// The names of the family table among `names` (Upstash's, the Vercel Marketplace's,
    /// the shared `REDIS_URL`, the Marketplace's behind a custom prefix, any of those behind
    /// a public prefix); for a role none of them has, `fallback`'s, else Upstash's.
    fn pick(names: &[&str], fallback: Option<&Names>) -> Names {
        let of = |role: Role| {
            name_for(names, role).unwrap_or_else(|| match fallback {
                Some(f) => f.get(role).to_owned(),
                None => default_name(role).to_owned(),
            })
        };
        let found_url = name_for(names, Role::RestUrl);
        let marketplace = match &found_url {
            Some(n) => {
                crate::family::lookup(n).is_some_and(|k| k.variable.family == Family::Marketplace)
            }
            None => fallback.is_some_and(|f| f.marketplace),
        };
        Names {
            redis_url: of(Role::TcpUrl),
            rest_url: of(Role::RestUrl),
            rest_token: of(Role::Token),
            rest_readonly_token: of(Role::ReadonlyToken),
            marketplace,
        }
    }

    /// The name of the field of `role`.
    #[must_use]
    pub(crate) fn get(&self, role: Role) -> &str {
        match role {
            Role::TcpUrl => &self.redis_url,
            Role::RestUrl => &self.rest_url,
            Role::Token => &self.rest_token,
            Role::ReadonlyToken => &self.rest_readonly_token,
        }
    }
}

/// The name of the family table for `role` in `names`, if there is one: Upstash's, the Vercel
/// Marketplace's or the shared `REDIS_URL` (in the table's order); else the Marketplace's
/// behind the custom prefix the integration was given; else one of those behind a public
/// prefix (`EXPO_PUBLIC_UPSTASH_REDIS_REST_URL`: what an app that bundles its variables has;
/// a token there is the one the app ships, which can only be the read-only one, and lint says
/// so when its value is not; the full token never is).
fn name_for(names: &[&str], role: Role) -> Option<String> {
    if let Some(v) = VARIABLES
        .iter()
        .filter(|v| v.role == role && v.family != Family::Srh)
        .find(|v| names.contains(&v.name))
    {
        return Some(v.name.to_owned());
    }
    if let Some(prefix) = marketplace_prefix(names) {
        let name = format!(
            "{prefix}{}",
            crate::family::name_of(Family::Marketplace, role)
        );
        if names.contains(&name.as_str()) {
            return Some(name);
        }
    }
    let public = |role: Role| {
        names.iter().find(|n| {
            crate::family::lookup(n).is_some_and(|k| {
                k.variable.role == role
                    && k.variable.family != Family::Srh
                    && k.public.is_some_and(|p| p == k.prefix)
            })
        })
    };
    match role {
        Role::Token => None,
        Role::ReadonlyToken => public(role).or_else(|| public(Role::Token)),
        _ => public(role),
    }
    .map(|n| (*n).to_owned())
}

/// The custom prefix the Vercel Marketplace's names in `names` were given
/// (`STORAGE_KV_REST_API_URL`; Vercel docs, Marketplace storage: "custom prefix" when
/// connecting a store to a project), when no un-prefixed REST URL is there.
fn marketplace_prefix(names: &[&str]) -> Option<String> {
    let plain = VARIABLES
        .iter()
        .any(|v| v.role == Role::RestUrl && v.family != Family::Srh && names.contains(&v.name));
    if plain {
        return None;
    }
    names.iter().find_map(|n| {
        crate::family::lookup(n).and_then(|k| {
            (k.variable.family == Family::Marketplace
                && k.variable.role == Role::RestUrl
                && !k.prefix.is_empty()
                && k.public.is_none())
            .then(|| k.prefix.to_owned())
        })
    })
}

impl Proposed {
    /// The database field the target reads, by the transport the rules will give it:
    /// `redis_url` (TCP), else `rest_token` or `rest_readonly_token` (with `rest_url`).
    #[must_use]
    pub(crate) fn field(&self) -> Role {
        let (_, transport, _) = self.kind.init_example();
        if self.rest_client {
            Role::Token
        } else if self.blocking || self.tcp_client || transport == crate::model::Transport::Tcp {
            Role::TcpUrl
        } else if self.kind.default_access() == crate::model::Access::ReadOnly {
            Role::ReadonlyToken
        } else {
            Role::Token
        }
    }
}

/// Gives each database of `d` its variable names: for each field, those in the env files of
/// the folders of its targets that read the field (the REST names where its REST targets
/// are, `REDIS_URL` where its TCP ones are), else of its other targets' folders and the
/// project folder, else the project's (`project`). A REST target's names are the family of
/// the REST URL name in its own folder, else its database's. Sets the project's `env_names`
/// (`d.marketplace`) when every REST target's are the Marketplace's; when some are and
/// others are Upstash's, each of the first gets its own (`Proposed::marketplace`) and the
/// targets are noted (`d.mixed_names`).
fn name_databases(
    d: &mut Detection,
    in_folder: &std::collections::HashMap<&str, Vec<&str>>,
    project: &Names,
) {
    let names_of = |dirs: &mut dyn Iterator<Item = &str>| -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        dirs.filter(|dir| seen.insert(*dir))
            .filter_map(|dir| in_folder.get(dir))
            .flatten()
            .copied()
            .collect()
    };
    let mut by_database: Vec<Vec<&Proposed>> = vec![Vec::new(); d.databases.len()];
    for t in &d.targets {
        by_database[t.database].push(t);
    }
    let mut own_rest = Vec::new();
    d.database_names = by_database
        .iter()
        .map(|targets| {
            let near = names_of(
                &mut targets
                    .iter()
                    .map(|t| t.dir.as_str())
                    .chain(std::iter::once(".")),
            );
            let fallback = Names::pick(&near, Some(project));
            let of = |tcp: bool| {
                let using = names_of(
                    &mut targets
                        .iter()
                        .filter(|t| (t.field() == Role::TcpUrl) == tcp)
                        .map(|t| t.dir.as_str()),
                );
                Names::pick(&using, Some(&fallback))
            };
            let (tcp, rest) = (of(true), of(false));
            let rest_used = targets.iter().any(|t| t.field() != Role::TcpUrl);
            // Whether its REST targets' folders (or its others') name a REST URL.
            own_rest.push(
                (rest_used && (name_for(&near, Role::RestUrl).is_some()))
                    .then_some(rest.marketplace),
            );
            Names {
                redis_url: tcp.redis_url,
                ..rest
            }
        })
        .collect();
    // Each REST target's family: its own folder's REST URL name, else its database's.
    let families: Vec<Option<bool>> = d
        .targets
        .iter()
        .map(|t| {
            if t.field() == Role::TcpUrl {
                return None;
            }
            let own = in_folder.get(t.dir.as_str()).map_or(&[][..], Vec::as_slice);
            // Behind a public prefix too: an Expo app's `EXPO_PUBLIC_KV_REST_API_URL` is the
            // Marketplace's name, which its `env_prefix` puts back.
            match name_for(own, Role::RestUrl) {
                Some(url) => Some(
                    crate::family::lookup(&url)
                        .is_some_and(|k| k.variable.family == Family::Marketplace),
                ),
                None => own_rest[t.database],
            }
        })
        .collect();
    let names_where = |want: bool| -> Vec<String> {
        d.targets
            .iter()
            .zip(&families)
            .filter(|(_, f)| **f == Some(want))
            .map(|(t, _)| t.name.clone())
            .collect()
    };
    let (marketplace, upstash) = (names_where(true), names_where(false));
    d.marketplace = !marketplace.is_empty() && upstash.is_empty();
    if !marketplace.is_empty() && !upstash.is_empty() {
        for (t, f) in d.targets.iter_mut().zip(&families) {
            t.marketplace = *f == Some(true);
        }
        d.mixed_names = Some((marketplace, upstash));
    }
}

/// What one folder's env files say of the database its targets use, from the values of the
/// family's names (`crate::family::lookup`): the hosts of its TCP and REST URLs, and a
/// fingerprint of each value, so that two folders can be compared without keeping or showing
/// a value (a fingerprint is a hash, compared within this run only).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Evidence {
    /// The hosts of its URL values, lower case.
    pub hosts: Vec<String>,
    /// Each name with the fingerprint of a value it has (a name set differently in two files
    /// of the folder has two).
    pub values: Vec<(String, u64)>,
}

impl Evidence {
    /// Adds what the env file `text` says.
    fn read(&mut self, text: &str) {
        use std::hash::{Hash, Hasher};
        for (key, value) in crate::envfile::entries(text) {
            let Some(known) = crate::family::lookup(&key) else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let role = known.variable.role;
            if matches!(role, Role::TcpUrl | Role::RestUrl)
                && let Some(host) = crate::endpoint::Endpoint::new(role, &value).host()
            {
                let host = crate::parse::unqualified(host).to_ascii_lowercase();
                if !self.hosts.contains(&host) {
                    self.hosts.push(host);
                }
            }
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            if matches!(role, Role::TcpUrl | Role::RestUrl) {
                crate::parse::normal_url(&value).hash(&mut hasher);
            } else {
                value.hash(&mut hasher);
            }
            let fingerprint = (key, hasher.finish());
            if !self.values.contains(&fingerprint) {
                self.values.push(fingerprint);
            }
        }
    }

    /// Whether nothing was found.
    fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// The database of each folder whose `evidence` is given (in order), as the index of its
/// group, `None` for a folder that says nothing (no value of the family's names). Folders
/// whose URLs share a host are on one database, unless they set one name to different values:
/// those never share one. A folder with values but no URL (a token only) joins the first group
/// it does not contradict. Groups are numbered in the order of their first folder.
///
/// Linear in the folders where they name different hosts: hosts and names are looked up in
/// maps, never compared against every group (2,000 databases took 2.9 s with scans).
#[must_use]
pub(crate) fn group_by_database<'e>(evidence: &[&'e Evidence]) -> Vec<Option<usize>> {
    use std::collections::HashMap;
    /// A group: its folders, and for each name the folders that set it.
    #[derive(Default)]
    struct Group<'a> {
        members: Vec<usize>,
        setters: HashMap<&'a str, Vec<usize>>,
    }
    // Each folder's fingerprints by name.
    let by_name: Vec<HashMap<&'e str, Vec<u64>>> = evidence
        .iter()
        .map(|&e| {
            let mut m: HashMap<&str, Vec<u64>> = HashMap::new();
            for (name, v) in &e.values {
                m.entry(name.as_str()).or_default().push(*v);
            }
            m
        })
        .collect();
    // Whether folders `i` and `j` set no name to different values.
    let agree = |i: usize, j: usize| {
        by_name[i].iter().all(|(name, mine)| {
            by_name[j]
                .get(name)
                .is_none_or(|theirs| mine.iter().any(|v| theirs.contains(v)))
        })
    };
    let fits = |g: &Group, i: usize| {
        by_name[i].keys().all(|name| {
            g.setters
                .get(name)
                .is_none_or(|js| js.iter().all(|&j| agree(i, j)))
        })
    };
    let add = |g: &mut Group<'e>, i: usize| {
        g.members.push(i);
        for name in by_name[i].keys() {
            g.setters.entry(*name).or_default().push(i);
        }
    };
    // Groups by id (the order they were opened in); one merged into another is emptied and
    // points at it.
    let mut groups: Vec<Group<'e>> = Vec::new();
    let mut merged: Vec<usize> = Vec::new();
    let find = |merged: &[usize], mut g: usize| {
        while merged[g] != g {
            g = merged[g];
        }
        g
    };
    // The groups with a folder naming each host.
    let mut on_host: HashMap<&str, Vec<usize>> = HashMap::new();
    // Folders with a URL first: a host is what places a folder; then those with values only.
    for i in (0..evidence.len()).filter(|&i| !evidence[i].hosts.is_empty()) {
        let mut joins: Vec<usize> = evidence[i]
            .hosts
            .iter()
            .filter_map(|h| on_host.get(h.as_str()))
            .flatten()
            .map(|&g| find(&merged, g))
            .collect();
        joins.sort_unstable();
        joins.dedup();
        joins.retain(|&g| fits(&groups[g], i));
        let first = match joins.first() {
            Some(&first) => first,
            None => {
                groups.push(Group::default());
                merged.push(groups.len() - 1);
                groups.len() - 1
            }
        };
        add(&mut groups[first], i);
        for h in &evidence[i].hosts {
            on_host.entry(h.as_str()).or_default().push(first);
        }
        // A folder that shares hosts with two groups joins them, where nothing contradicts.
        for &g in joins.iter().skip(1).rev() {
            if groups[g].members.iter().all(|&j| fits(&groups[first], j)) {
                for j in std::mem::take(&mut groups[g].members) {
                    add(&mut groups[first], j);
                }
                groups[g].setters.clear();
                merged[g] = first;
            }
        }
    }
    for i in
        (0..evidence.len()).filter(|&i| evidence[i].hosts.is_empty() && !evidence[i].is_empty())
    {
        match groups
            .iter()
            .position(|g| !g.members.is_empty() && fits(g, i))
        {
            Some(g) => add(&mut groups[g], i),
            None => {
                groups.push(Group::default());
                merged.push(groups.len() - 1);
                let g = groups.len() - 1;
                add(&mut groups[g], i);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = groups
        .into_iter()
        .map(|g| g.members)
        .filter(|m| !m.is_empty())
        .collect();
    for g in &mut groups {
        g.sort_unstable();
    }
    groups.sort();
    let mut out = vec![None; evidence.len()];
    for (n, g) in groups.iter().enumerate() {
        for &i in g {
            out[i] = Some(n);
        }
    }
    out
}

/// Gives each target of `d` its database, from what the env files of its folder say
/// (`evidence`, by folder): one database, `main`, when they point at one (or say nothing, or
/// the project folder's own contradict another's); else one per group, named after its first
/// target placed by its folder's values, and the targets whose folders say nothing on the
/// first.
fn place_on_databases(d: &mut Detection, evidence: &[(String, Evidence)]) {
    let dirs: std::collections::HashSet<&str> = d.targets.iter().map(|t| t.dir.as_str()).collect();
    let folders: Vec<&(String, Evidence)> = evidence
        .iter()
        .filter(|(dir, _)| dirs.contains(dir.as_str()))
        .collect();
    let groups = group_by_database(&folders.iter().map(|(_, e)| e).collect::<Vec<_>>());
    let group_of: std::collections::HashMap<&str, usize> = folders
        .iter()
        .zip(&groups)
        .filter_map(|((dir, _), g)| Some((dir.as_str(), (*g)?)))
        .collect();
    let count = groups.iter().flatten().max().map_or(0, |g| g + 1);
    if count < 2 {
        d.databases = vec!["main".to_owned()];
        return;
    }
    d.databases = vec![String::new(); count];
    for t in &mut d.targets {
        match group_of.get(t.dir.as_str()) {
            Some(&g) => {
                t.database = g;
                if d.databases[g].is_empty() {
                    d.databases[g].clone_from(&t.name);
                }
            }
            None => d.unplaced.push(t.name.clone()),
        }
    }
}

/// The folders directly in `folder` that may hold code (not hidden, not `node_modules`,
/// `target`, `dist`, `build` or `vendor`, with a name a target can be named after:
/// [`target_name`]), sorted, each with its path relative to the project (`prefix` + its name).
fn subfolders(folder: &Path, prefix: &str) -> Vec<(std::path::PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut subs: Vec<(std::path::PathBuf, String)> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let skip = name.starts_with('.')
                || ["node_modules", "target", "dist", "build", "vendor"].contains(&name.as_str());
            (!skip && target_name(&name).is_some()).then(|| (e.path(), format!("{prefix}{name}")))
        })
        .collect();
    subs.sort();
    subs
}

/// The target name a folder gives its targets: its name in lower case with `_` and `.` as
/// `-` (`sam init`'s Python `hello_world/` is `hello-world`, `MyApp` is `myapp`); `None` for
/// a name that is not plain ASCII letters, digits, `-`, `_` and `.` (the folder keeps its own
/// name as the target's `dir`).
fn target_name(folder: &str) -> Option<String> {
    let name: String = folder
        .chars()
        .map(|c| match c {
            '_' | '.' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    crate::model::is_valid_name(&name).then_some(name)
}

/// The name `init` writes for a database field when the project has none yet: the one
/// `generate` writes and the starters read (`REDIS_URL`, `UPSTASH_REDIS_REST_URL`, ...), so
/// that the value the user sets is never copied under a second name.
#[must_use]
pub(crate) fn default_name(role: Role) -> &'static str {
    crate::family::name_of(Family::Upstash, role)
}

/// The dependency names of a folder's manifests, lower case, apart by the registry that names
/// them: `redis` is node-redis in `package.json` (and a crate in `Cargo.toml`), redis-py in
/// `requirements.txt` and redis-rb in a `Gemfile`, so that a Python or Rails app beside a
/// `package.json` of front-end tooling is not read as Node.js code with a Redis client.
#[derive(Debug, Default)]
struct Dependencies {
    /// npm's, crates.io's and Deno's (`package.json`, `Cargo.toml`, `deno.json`).
    code: Vec<String>,
    /// PyPI's, normalized ([`pep508_name`]): `requirements.txt`, `pyproject.toml`, `Pipfile`.
    python: Vec<String>,
    /// RubyGems' (`Gemfile`).
    ruby: Vec<String>,
}

/// The dependency names of a folder's manifests ([`Dependencies`]).
fn dependencies(folder: &Path) -> Dependencies {
    let mut all = Dependencies::default();
    let deps = &mut all.code;
    if let Some(text) = crate::input::read_convention_file(&folder.join("package.json"))
        && let Ok(json) = package_json_dependencies(&text)
    {
        deps.extend(json);
    }
    if let Some(table) = crate::input::read_convention_toml(&folder.join("Cargo.toml")) {
        deps.extend(
            section_keys(&table, &["dependencies", "dev-dependencies"])
                .map(|k| k.to_ascii_lowercase()),
        );
    }
    // A Deno project names its packages by specifier (`"hono": "jsr:@hono/hono@^4"`,
    // `npm:hono`), in `imports` or in the code: each specifier's package, and Hono's JSR
    // package as `hono`.
    for file in ["deno.json", "deno.jsonc"] {
        if let Some(text) = crate::input::read_convention_file(&folder.join(file)) {
            deps.extend(deno_specifiers(&text));
        }
    }
    // Python's and Ruby's, by name only: a project's own name, a description or a comment
    // that mentions `worker` or `celery` is not a dependency.
    let deps = &mut all.python;
    if let Some(text) = crate::input::read_convention_file(&folder.join("requirements.txt")) {
        deps.extend(requirements_names(&text));
    }
    if let Some(table) = crate::input::read_convention_toml(&folder.join("pyproject.toml")) {
        deps.extend(pyproject_names(&table));
    }
    if let Some(table) = crate::input::read_convention_toml(&folder.join("Pipfile")) {
        deps.extend(
            section_keys(&table, &["packages", "dev-packages"]).filter_map(|k| pep508_name(k)),
        );
    }
    if let Some(text) = crate::input::read_convention_file(&folder.join("Gemfile")) {
        // `gem 'sidekiq'`, `gem "rails", "~> 8.0"`.
        all.ruby.extend(text.lines().filter_map(|line| {
            let rest = line.trim_start().strip_prefix("gem")?;
            let rest = rest.trim_start_matches([' ', '(']);
            let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let name = rest[1..].split(quote).next()?;
            Some(name.to_ascii_lowercase())
        }));
    }
    all
}

/// The keys of the tables `sections` of a TOML manifest (`[dependencies]` of a `Cargo.toml`,
/// `[packages]` of a `Pipfile`): the names of what it depends on.
fn section_keys<'t>(
    table: &'t toml::Table,
    sections: &'t [&str],
) -> impl Iterator<Item = &'t String> + 't {
    sections
        .iter()
        .filter_map(|section| table.get(*section).and_then(toml::Value::as_table))
        .flat_map(toml::Table::keys)
}

/// The name a PEP 508 requirement (`Django>=5.1`, `celery[redis] ; python_version>"3"`,
/// `upstash_redis`) names, normalized as PyPI does (PEP 503: lower case, runs of `-`, `_`
/// and `.` as one `-`).
fn pep508_name(requirement: &str) -> Option<String> {
    let name: String = requirement
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if name.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    Some(out)
}

/// The packages a pip requirements file names: a requirement per line, comments and options
/// (`-r other.txt`, `--index-url ...`) skipped (pip docs, requirements file format).
fn requirements_names(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.starts_with('-'))
        .filter_map(pep508_name)
}

/// The packages a `pyproject.toml` depends on: PEP 621's `project.dependencies` and
/// `optional-dependencies`, PEP 735's `dependency-groups` (uv), Poetry's
/// `tool.poetry.dependencies`, `dev-dependencies` and `group.*.dependencies` (keys), PDM's
/// `tool.pdm.dev-dependencies`.
fn pyproject_names(table: &toml::Table) -> Vec<String> {
    let at = |path: &[&str]| {
        path.iter()
            .try_fold(table, |t, key| t.get(*key).and_then(toml::Value::as_table))
    };
    let strings = |value: &toml::Value| -> Vec<String> {
        value
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .filter_map(pep508_name)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    if let Some(deps) = at(&["project"]).and_then(|p| p.get("dependencies")) {
        out.extend(strings(deps));
    }
    for groups in [
        at(&["project", "optional-dependencies"]),
        at(&["dependency-groups"]),
        at(&["tool", "pdm", "dev-dependencies"]),
    ]
    .into_iter()
    .flatten()
    {
        out.extend(groups.values().flat_map(strings));
    }
    let poetry_groups = at(&["tool", "poetry", "group"])
        .into_iter()
        .flat_map(|g| g.values())
        .filter_map(|g| g.get("dependencies").and_then(toml::Value::as_table));
    for keys in [
        at(&["tool", "poetry", "dependencies"]),
        at(&["tool", "poetry", "dev-dependencies"]),
    ]
    .into_iter()
    .flatten()
    .chain(poetry_groups)
    {
        out.extend(keys.keys().filter_map(|k| pep508_name(k)));
    }
    out
}

/// The dependency names of `package.json` (`dependencies`, `devDependencies`), read without
/// a JSON crate (the library has none): every `"name": "version"` pair inside those objects.
fn package_json_dependencies(text: &str) -> Result<Vec<String>, ()> {
    let mut out = Vec::new();
    for section in ["\"dependencies\"", "\"devDependencies\""] {
        let Some(start) = text.find(section) else {
            continue;
        };
        let Some(open) = text[start..].find('{') else {
            continue;
        };
        let body = &text[start + open + 1..];
        let end = body.find('}').ok_or(())?;
        for pair in body[..end].split(',') {
            if let Some((key, _)) = pair.split_once(':') {
                out.push(key.trim().trim_matches('"').to_ascii_lowercase());
            }
        }
    }
    Ok(out)
}

/// The package names of the `npm:` and `jsr:` specifiers in a Deno file, lower case, without
/// their version (`npm:@upstash/redis@^1` → `@upstash/redis`); Hono's JSR package
/// (`jsr:@hono/hono`) also as `hono`.
fn deno_specifiers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["npm:", "jsr:"] {
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + prefix.len()..];
            let rest = rest.strip_prefix('/').unwrap_or(rest);
            // A scoped name keeps its one `/`; a version starts at the `@` after the name.
            let scoped = rest.starts_with('@');
            let end = rest
                .char_indices()
                .skip(1)
                .find(|&(i, c)| {
                    c == '@'
                        || c == '"'
                        || c == '\''
                        || c.is_whitespace()
                        || c == '/' && (!scoped || rest[..i].contains('/'))
                })
                .map_or(rest.len(), |(i, _)| i);
            let name = rest[..end].to_ascii_lowercase();
            if name == "@hono/hono" {
                out.push("hono".to_owned());
            }
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// Whether a folder's `deno.json` or `deno.jsonc` says it deploys to Deno Deploy: a `deploy`
/// section (the `deno deploy` command's settings: docs.deno.com, `deno deploy`) or a task
/// that runs `deployctl` or `deno deploy`; the file that says so.
fn deno_deploy_file(folder: &Path) -> Option<&'static str> {
    ["deno.json", "deno.jsonc"].into_iter().find(|f| {
        crate::input::read_convention_file(&folder.join(f)).is_some_and(|t| {
            t.contains("deployctl") || t.contains("deno deploy") || t.contains("\"deploy\"")
        })
    })
}

/// The platform a folder's files name, and which file said so. `supabase/config.toml` is not
/// among them: Supabase runs the folder's `supabase/functions`, beside whatever else it holds
/// (`folder_targets` proposes a target of their own).
fn platform_of(folder: &Path, deps: &[String]) -> Option<(Platform, &'static str)> {
    let has = |f: &str| folder.join(f).exists();
    // A framework's deployment adapter names the platform when no platform file does (a
    // Vercel project linked in the dashboard has no `vercel.json`): Astro's `@astrojs/vercel`,
    // `@astrojs/netlify`, `@astrojs/cloudflare` (Astro docs, on-demand rendering adapters);
    // SvelteKit's `@sveltejs/adapter-vercel`, `-netlify`, `-cloudflare` (SvelteKit docs,
    // adapters); Remix's `@vercel/remix`, `@netlify/remix-adapter`, `@remix-run/cloudflare`;
    // Nuxt's Nitro `preset` in `nuxt.config` (Nitro docs, deploy presets).
    let adapter = || {
        [
            (
                "@astrojs/vercel",
                Platform::Vercel,
                "package.json: @astrojs/vercel",
            ),
            (
                "@astrojs/netlify",
                Platform::Netlify,
                "package.json: @astrojs/netlify",
            ),
            (
                "@astrojs/cloudflare",
                Platform::Cloudflare,
                "package.json: @astrojs/cloudflare",
            ),
            (
                "@sveltejs/adapter-vercel",
                Platform::Vercel,
                "package.json: @sveltejs/adapter-vercel",
            ),
            (
                "@sveltejs/adapter-netlify",
                Platform::Netlify,
                "package.json: @sveltejs/adapter-netlify",
            ),
            (
                "@sveltejs/adapter-cloudflare",
                Platform::Cloudflare,
                "package.json: @sveltejs/adapter-cloudflare",
            ),
            (
                "@vercel/remix",
                Platform::Vercel,
                "package.json: @vercel/remix",
            ),
            (
                "@netlify/remix-adapter",
                Platform::Netlify,
                "package.json: @netlify/remix-adapter",
            ),
            (
                "@remix-run/cloudflare",
                Platform::Cloudflare,
                "package.json: @remix-run/cloudflare",
            ),
        ]
        .into_iter()
        .find(|(dep, _, _)| deps.iter().any(|d| d == dep))
        .map(|(_, p, why)| (p, why))
        .or_else(|| nitro_preset(folder))
    };
    [
        ("vercel.json", Platform::Vercel),
        (".vercel", Platform::Vercel),
        ("netlify.toml", Platform::Netlify),
        ("fly.toml", Platform::Fly),
        ("wrangler.toml", Platform::Cloudflare),
        ("wrangler.jsonc", Platform::Cloudflare),
        ("wrangler.json", Platform::Cloudflare),
        // Railway's config as code (docs.railway.com, config as code) and Render's Blueprint.
        ("railway.json", Platform::Railway),
        ("railway.toml", Platform::Railway),
        ("render.yaml", Platform::Render),
        ("serverless.yml", Platform::AwsLambda),
        ("template.yaml", Platform::AwsLambda),
    ]
    .into_iter()
    .find(|(f, _)| has(f))
    .map(|(f, p)| (p, f))
    .or_else(adapter)
    .or_else(|| deno_deploy_file(folder).map(|f| (Platform::DenoDeploy, f)))
    .or_else(|| has("Dockerfile").then_some((Platform::Docker, "Dockerfile")))
}

/// Whether the folder holds a function of the AWS SAM template in the folder above it: `sam
/// init` writes `template.yaml` at the top and each function's code, with its own
/// `package.json`, in a folder its `CodeUri` names (`CodeUri: hello-world/`: AWS SAM docs,
/// AWS::Serverless::Function, CodeUri). What says so, for the guess's comment.
fn sam_code_uri(folder: &Path) -> Option<&'static str> {
    let name = folder.file_name()?.to_str()?;
    let parent = folder.parent()?;
    ["template.yaml", "template.yml"].into_iter().find_map(|f| {
        let text = crate::input::read_convention_file(&parent.join(f))?;
        let named = text.contains("AWS::Serverless")
            && text.lines().any(|line| {
                line.trim_start()
                    .strip_prefix("CodeUri:")
                    .map(|v| v.trim().trim_matches(['"', '\'']))
                    .map(|v| v.strip_prefix("./").unwrap_or(v).trim_end_matches('/'))
                    == Some(name)
            });
        named.then_some("the SAM template above it (CodeUri)")
    })
}

/// The platform a Nuxt app's `nuxt.config` names as Nitro's `preset` (`nitro: { preset:
/// "vercel" }`), and the file that says so.
fn nitro_preset(folder: &Path) -> Option<(Platform, &'static str)> {
    ["nuxt.config.ts", "nuxt.config.js", "nuxt.config.mjs"]
        .into_iter()
        .find_map(|f| {
            let text = crate::input::read_convention_file(&folder.join(f))?;
            let at = text.find("preset")?;
            let value: String = text[at + "preset".len()..]
                .trim_start_matches([':', ' ', '"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            let platform = match value.as_str() {
                v if v.starts_with("vercel") => Platform::Vercel,
                v if v.starts_with("netlify") => Platform::Netlify,
                v if v.starts_with("cloudflare") => Platform::Cloudflare,
                _ => return None,
            };
            Some((platform, f))
        })
}

/// The npm packages that talk to Redis over REST only (`@vercel/kv` wraps `@upstash/redis`).
const REST_CLIENTS: &[&str] = &["@upstash/redis", "@vercel/kv"];
/// The npm packages that talk to Redis over TCP, and redis-py (PyPI's `redis`).
const TCP_CLIENTS: &[&str] = &["ioredis", "redis", "@redis/client"];
/// The PyPI packages that talk to Redis over REST only: Upstash's `upstash-redis` (imported
/// as `upstash_redis`; names are read normalized, `pep508_name`).
const PYTHON_REST_CLIENTS: &[&str] = &["upstash-redis"];

/// What JavaScript code that usually runs as `usual` runs as on `platform`, by the platform
/// table: `usual` where the platform runs it, else a function where it runs functions (Node.js
/// code on AWS Lambda, Vercel or Netlify), else a server where it runs servers (a Next.js,
/// Nuxt, Remix or Astro app self-hosted on Fly, Railway, Render or in a Docker image: `next
/// start`, Nitro's node-server, `remix-serve`, `@astrojs/node`, one long-lived Node.js
/// process, per each framework's docs on self-hosting).
fn kind_on(platform: Option<Platform>, usual: Kind) -> Kind {
    let Some(runs) = platform.map(|p| p.runs().0) else {
        return usual;
    };
    [usual, Kind::Lambda, Kind::Server]
        .into_iter()
        .find(|k| runs.contains(k))
        .unwrap_or(usual)
}

/// The targets one folder holds, from its manifests and platform files.
fn folder_targets(folder: &Path, dir: &str) -> Vec<Proposed> {
    let deps = dependencies(folder);
    // Each registry's names apart ([`Dependencies`]).
    let has = |d: &str| deps.code.iter().any(|x| x == d);
    let has_prefix = |p: &str| deps.code.iter().any(|x| x.starts_with(p));
    let pip = |d: &str| deps.python.iter().any(|x| x == d);
    let gem = |d: &str| deps.ruby.iter().any(|x| x == d);
    let platform = platform_of(folder, &deps.code).or_else(|| {
        (dir != ".")
            .then(|| sam_code_uri(folder))
            .flatten()
            .map(|why| (Platform::AwsLambda, why))
    });
    // Cargo.toml's crates are in `deps` too: `redis` is a crate as well as an npm package.
    let js = folder.join("package.json").is_file();
    // Named after its folder (`web` for `apps/web`).
    let base = if dir == "." {
        "app".to_owned()
    } else {
        let folder = dir.rsplit('/').next().unwrap_or(dir);
        target_name(folder).unwrap_or_else(|| folder.to_owned())
    };
    let mut out = Vec::new();
    // Which transport the folder's Redis clients speak (`redis` is also the Rust crate: TCP
    // either way); `detect` keeps these only where the env files agree.
    let python = crate::framework::PYTHON_MANIFESTS
        .iter()
        .any(|f| folder.join(f).is_file());
    let tcp_client = TCP_CLIENTS.iter().any(|c| has(c)) || pip("redis") || gem("redis");
    let rest_client = !tcp_client
        && (js && REST_CLIENTS.iter().any(|c| has(c))
            || python && PYTHON_REST_CLIENTS.iter().any(|c| pip(c)));
    let mut push = |name: String,
                    kind,
                    platform: Option<Platform>,
                    framework: Option<Framework>,
                    blocking,
                    why: String| {
        // Keep only what the platform runs: the guess must pass `lint`.
        let platform = platform.filter(|p: &Platform| p.runs().0.contains(&kind));
        out.push(Proposed {
            name,
            kind,
            platform,
            framework,
            dir: dir.to_owned(),
            blocking,
            env_prefix: None,
            tcp_client,
            // Only code whose client may speak REST: Django's, Celery's, Rails' and
            // Sidekiq's read the TCP URL whatever else the manifests name.
            rest_client: rest_client && framework.is_none_or(|f| f.facts().speaks_rest()),
            why,
            database: 0,
            marketplace: false,
        });
    };
    let said = |what: &str| match platform {
        Some((_, file)) => format!("{what}; platform from {file}"),
        None => what.to_owned(),
    };
    let web_platform = platform.map(|(p, _)| p);
    if has("next") {
        // Next.js route handlers run as functions; middleware on the edge runtime.
        let p = web_platform.or(Some(Platform::Vercel));
        let kind = kind_on(p, Kind::Lambda);
        push(
            base.clone(),
            kind,
            p,
            Some(Framework::NextJs),
            false,
            said(if kind == Kind::Lambda {
                "package.json: next (route handlers and server components run as functions)"
            } else {
                "package.json: next, self-hosted (`next start`: one long-lived Node.js server)"
            }),
        );
        if [
            "middleware.ts",
            "middleware.js",
            "src/middleware.ts",
            "src/middleware.js",
        ]
        .iter()
        .any(|f| folder.join(f).exists())
        {
            push(
                format!("{base}-middleware"),
                Kind::Edge,
                p,
                Some(Framework::NextJs),
                false,
                "middleware.ts: Next.js middleware runs on the edge runtime".to_owned(),
            );
        }
    } else if has("@sveltejs/kit") {
        let (kind, p) = if has("@sveltejs/adapter-cloudflare") {
            (Kind::Edge, Some(Platform::Cloudflare))
        } else if has("@sveltejs/adapter-node") {
            (Kind::Server, web_platform)
        } else if has("@sveltejs/adapter-netlify") {
            (Kind::Lambda, Some(Platform::Netlify))
        } else {
            let p = web_platform.or(Some(Platform::Vercel));
            (kind_on(p, Kind::Lambda), p)
        };
        push(
            base.clone(),
            kind,
            p,
            Some(Framework::SvelteKit),
            false,
            said("package.json: @sveltejs/kit (its adapter decides where it runs)"),
        );
    } else if has("nuxt") {
        push(
            base.clone(),
            kind_on(web_platform, Kind::Lambda),
            web_platform,
            Some(Framework::Nuxt),
            false,
            said("package.json: nuxt"),
        );
    } else if has_prefix("@remix-run/") {
        push(
            base.clone(),
            kind_on(web_platform, Kind::Lambda),
            web_platform,
            Some(Framework::Remix),
            false,
            said("package.json: @remix-run"),
        );
    } else if has("astro") {
        push(
            base.clone(),
            kind_on(web_platform, Kind::Lambda),
            web_platform,
            Some(Framework::Astro),
            false,
            said("package.json: astro"),
        );
    } else if has("expo")
        || folder.join("app.json").exists()
            && crate::input::read_convention_file(&folder.join("app.json"))
                .is_some_and(|t| t.contains("\"expo\""))
    {
        push(
            base.clone(),
            Kind::Mobile,
            Some(Platform::Expo),
            Some(Framework::Expo),
            false,
            "package.json or app.json: expo (an app: the read-only token)".to_owned(),
        );
    } else if has("hono") {
        // Every platform by name: the compiler lists this place for a new one.
        let (kind, p) = match web_platform {
            Some(p @ (Platform::Cloudflare | Platform::DenoDeploy)) => (Kind::Edge, Some(p)),
            Some(
                Platform::Generic
                | Platform::Docker
                | Platform::Kubernetes
                | Platform::Fly
                | Platform::AwsLambda
                | Platform::Vercel
                | Platform::Netlify
                | Platform::Expo
                | Platform::Railway
                | Platform::Render
                | Platform::Supabase,
            )
            | None => (Kind::Server, web_platform),
        };
        push(
            base.clone(),
            kind,
            p,
            Some(Framework::Hono),
            false,
            said("package.json or deno.json: hono"),
        );
    } else if web_platform == Some(Platform::DenoDeploy) {
        push(
            base.clone(),
            Kind::Edge,
            web_platform,
            None,
            false,
            said("a Deno project (Deno Deploy runs it in isolates per request: REST)"),
        );
    } else if has("wrangler")
        || web_platform == Some(Platform::Cloudflare) && folder.join("package.json").exists()
    {
        push(
            base.clone(),
            Kind::Edge,
            Some(Platform::Cloudflare),
            Some(Framework::Workers),
            false,
            "wrangler: a Cloudflare Worker in TypeScript".to_owned(),
        );
    } else if has("bullmq") {
        // BullMQ workers wait for jobs in blocking commands: a long-lived process over TCP.
        push(
            base.clone(),
            Kind::Server,
            web_platform,
            Some(Framework::BullMq),
            true,
            said("package.json: bullmq (a Node.js worker; BullMQ needs TCP and blocking commands)"),
        );
    } else if js && (has("express") || has("fastify")) {
        push(
            base.clone(),
            kind_on(web_platform, Kind::Server),
            web_platform,
            Some(Framework::Express),
            false,
            said("package.json: a Node.js server (express or fastify)"),
        );
    } else if js && (REST_CLIENTS.iter().chain(TCP_CLIENTS).any(|c| has(c))) {
        push(
            base.clone(),
            kind_on(web_platform, Kind::Server),
            web_platform,
            Some(Framework::Node),
            false,
            said("package.json: Node.js code with a Redis client and no web framework"),
        );
    }
    // Rust.
    if has("worker") {
        push(
            base.clone(),
            Kind::Edge,
            Some(Platform::Cloudflare),
            Some(Framework::WorkersRs),
            false,
            "Cargo.toml: worker (workers-rs)".to_owned(),
        );
    } else {
        // A crate may hold both: the service (`src/main.rs`) and a Lambda job
        // (`src/bin/job.rs`, built with `cargo lambda build --bin job`).
        let server = if has("axum") {
            Some((Framework::Axum, "Cargo.toml: axum"))
        } else if has("actix-web") {
            Some((Framework::ActixWeb, "Cargo.toml: actix-web"))
        } else {
            None
        };
        if let Some((framework, why)) = server {
            push(
                base.clone(),
                Kind::Server,
                web_platform,
                Some(framework),
                false,
                said(why),
            );
        }
        if has("lambda_runtime") || has("lambda_http") {
            push(
                if server.is_some() {
                    format!("{base}-lambda")
                } else {
                    base.clone()
                },
                Kind::Lambda,
                Some(Platform::AwsLambda),
                Some(Framework::LambdaRuntime),
                false,
                if server.is_some() {
                    "Cargo.toml: lambda_runtime beside the service (a binary built with `cargo lambda`)"
                        .to_owned()
                } else {
                    "Cargo.toml: lambda_runtime".to_owned()
                },
            );
        }
    }
    // Supabase Edge Functions (Supabase docs: `supabase init` writes supabase/config.toml,
    // `supabase functions new` a folder under supabase/functions/), beside the rest.
    if folder.join("supabase/config.toml").is_file() && folder.join("supabase/functions").is_dir() {
        push(
            format!("{base}-functions"),
            Kind::Edge,
            Some(Platform::Supabase),
            None,
            false,
            "supabase/config.toml and supabase/functions: Supabase Edge Functions (Deno, REST)"
                .to_owned(),
        );
    }
    // Python and Ruby. Django's cache reads the URL with django-redis or redis-py; a Django
    // app whose one Redis client is upstash-redis talks to Redis in its own code, over REST.
    let python_rest = PYTHON_REST_CLIENTS.iter().any(|c| pip(c));
    let django = pip("django-redis") || pip("django") && (pip("redis") || !python_rest);
    if django {
        push(
            base.clone(),
            Kind::Server,
            web_platform,
            Some(Framework::Django),
            false,
            said("requirements: django (django-redis reads the URL)"),
        );
    }
    if pip("celery") {
        push(
            format!("{base}-worker"),
            Kind::Server,
            web_platform,
            Some(Framework::Celery),
            false,
            said("requirements: celery (a worker with a Redis broker)"),
        );
    }
    if python && !django && !pip("celery") && (python_rest || pip("redis")) {
        push(
            base.clone(),
            kind_on(web_platform, Kind::Server),
            web_platform,
            Some(Framework::Python),
            false,
            said("requirements: Python code with a Redis client (upstash-redis or redis-py)"),
        );
    }
    if gem("rails") {
        push(
            base.clone(),
            Kind::Server,
            web_platform,
            Some(Framework::Rails),
            false,
            said("Gemfile: rails"),
        );
    }
    if gem("sidekiq") {
        push(
            format!("{base}-jobs"),
            Kind::Server,
            web_platform,
            Some(Framework::Sidekiq),
            true,
            said("Gemfile: sidekiq (blocking commands, TCP)"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile_lite::Dir {
        let dir = tempfile_lite::Dir::new();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    /// Python's manifests are read for the names of what they depend on, as pip and PyPI
    /// name them: not the project's own name, a description, a comment or an option.
    #[test]
    fn python_manifests_name_their_dependencies_only() {
        assert_eq!(
            super::pep508_name("Upstash_Redis.Client>=1.2 ; python_version >= '3.8'"),
            Some("upstash-redis-client".to_owned())
        );
        assert_eq!(
            super::pep508_name("celery[redis]>=5.4"),
            Some("celery".to_owned())
        );
        assert_eq!(super::pep508_name("  "), None);
        let names: Vec<String> = super::requirements_names(
            "# the worker's deps\n-r base.txt\n--index-url https://x\nredis==5.0.1  # redis-py\n\nDjango>=5\n",
        )
        .collect();
        assert_eq!(names, ["redis", "django"]);
        let pyproject: toml::Table = r#"
[project]
name = "worker"
description = "a celery-free django-less worker"
dependencies = ["upstash-redis>=1.2", "boto3"]
[project.optional-dependencies]
cache = ["redis[hiredis]"]
[dependency-groups]
dev = ["pytest"]
[tool.poetry.dependencies]
python = "^3.12"
Flask = "^3"
[tool.poetry.group.test.dependencies]
fakeredis = "*"
"#
        .parse()
        .unwrap();
        assert_eq!(
            super::pyproject_names(&pyproject),
            [
                "upstash-redis",
                "boto3",
                "redis",
                "pytest",
                "python",
                "flask",
                "fakeredis"
            ]
        );
    }

    /// Python code with a Redis client and no framework upwire configures is `python`, of
    /// the kind its platform runs (a Lambda on SAM or the Serverless Framework, a server on
    /// Fly). A project named `worker` is not workers-rs, and Django keeps its own target.
    #[test]
    fn python_code_with_a_redis_client_is_python() {
        let p = project(&[
            (
                "lambda/pyproject.toml",
                "[project]\nname = \"worker\"\ndependencies = [\"upstash-redis\"]\n",
            ),
            (
                "lambda/serverless.yml",
                "service: worker\nprovider:\n  name: aws\n  runtime: python3.12\n",
            ),
            ("api/requirements.txt", "flask==3.0\nredis==5.0.1\n"),
            ("api/fly.toml", "app = \"api\"\n"),
            (
                "sam/template.yaml",
                "Transform: AWS::Serverless-2016-10-31\n",
            ),
            ("sam/Pipfile", "[packages]\nupstash_redis = \"*\"\n"),
            ("site/requirements.txt", "django\nredis\n"),
            ("tool/requirements.txt", "requests  # talks to redis? no\n"),
        ]);
        let d = detect(p.path());
        let got: Vec<_> = d
            .targets
            .iter()
            .map(|t| (t.dir.as_str(), t.kind, t.platform, t.framework))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "api",
                    Kind::Server,
                    Some(Platform::Fly),
                    Some(Framework::Python)
                ),
                (
                    "lambda",
                    Kind::Lambda,
                    Some(Platform::AwsLambda),
                    Some(Framework::Python),
                ),
                (
                    "sam",
                    Kind::Lambda,
                    Some(Platform::AwsLambda),
                    Some(Framework::Python),
                ),
                ("site", Kind::Server, None, Some(Framework::Django)),
            ]
        );
    }

    /// Each registry's names are read apart: `redis` in a Python or Rails app's manifest is not
    /// Node.js code beside its `package.json` of front-end tooling, nor node-redis a Python
    /// client. Code whose client speaks TCP only is never proposed over REST, and a Django app
    /// whose one Redis client is upstash-redis is Python code with a REST client.
    #[test]
    fn each_registrys_dependencies_are_read_apart() {
        let tooling = r#"{"devDependencies":{"tailwindcss":"^3","esbuild":"^0.24"}}"#;
        let p = project(&[
            ("api/requirements.txt", "fastapi\nredis>=5\n"),
            ("api/package.json", tooling),
            ("shop/Gemfile", "gem 'rails', '~> 8.0'\ngem 'redis'\n"),
            ("shop/package.json", tooling),
            ("web/package.json", r#"{"dependencies":{"redis":"^4"}}"#),
            ("web/requirements.txt", "mkdocs\n"),
            ("site/requirements.txt", "Django>=5\nupstash-redis\n"),
            (
                "cache/requirements.txt",
                "django\ndjango-redis\nupstash-redis\n",
            ),
            ("jobs/requirements.txt", "celery\nupstash-redis\n"),
        ]);
        let got: Vec<_> = ["api", "shop", "web", "site", "cache", "jobs"]
            .iter()
            .flat_map(|dir| super::folder_targets(&p.path().join(dir), dir))
            .map(|t| (t.name, t.framework, t.rest_client))
            .collect();
        assert_eq!(
            got,
            [
                ("api".to_owned(), Some(Framework::Python), false),
                ("shop".to_owned(), Some(Framework::Rails), false),
                ("web".to_owned(), Some(Framework::Node), false),
                ("site".to_owned(), Some(Framework::Python), true),
                ("cache".to_owned(), Some(Framework::Django), false),
                ("jobs-worker".to_owned(), Some(Framework::Celery), false),
            ]
        );
    }

    /// A scratch folder without the tempfile crate (a dev-dependency of the integration tests
    /// only).
    mod tempfile_lite {
        pub(super) struct Dir(std::path::PathBuf);
        impl Dir {
            pub(super) fn new() -> Self {
                use std::sync::atomic::{AtomicU32, Ordering};
                static N: AtomicU32 = AtomicU32::new(0);
                let path = std::env::temp_dir().join(format!(
                    "upwire-detect-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&path).unwrap();
                Self(path)
            }
            pub(super) fn path(&self) -> &std::path::Path {
                &self.0
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    /// What a folder's env file `text` says.
    fn said(text: &str) -> Evidence {
        let mut e = Evidence::default();
        e.read(text);
        e
    }

    const WEB_REST: &str = "UPSTASH_REDIS_REST_URL=https://web-db-12345.upstash.io\n";
    const WEB_TCP: &str = "REDIS_URL=rediss://default:AXwebPASS@web-db-12345.upstash.io:6379\n";
    const WORKER_TCP: &str =
        "REDIS_URL=rediss://default:AXworkerPASS@worker-db-67890.upstash.io:6379\n";

    #[test]
    fn evidence_keeps_hosts_and_fingerprints_never_values() {
        let e = said(&format!(
            "{WEB_REST}{WEB_TCP}OTHER=x\nUPSTASH_REDIS_REST_TOKEN=AXtok\n"
        ));
        assert_eq!(e.hosts, ["web-db-12345.upstash.io"]);
        let names: Vec<&str> = e.values.iter().map(|(n, _)| n.as_str()).collect();
        // Only the family's names; `OTHER` says nothing of a database.
        assert_eq!(
            names,
            [
                crate::family::name_of(Family::Upstash, Role::RestUrl),
                crate::family::REDIS_URL,
                crate::family::name_of(Family::Upstash, Role::Token),
            ]
        );
        let debug = format!("{e:?}");
        assert!(
            !debug.contains("AXwebPASS") && !debug.contains("AXtok"),
            "{debug}"
        );
    }

    #[test]
    fn folders_on_one_host_share_a_database_and_other_hosts_get_their_own() {
        let web = said(&format!("{WEB_REST}{WEB_TCP}"));
        let worker = said(WORKER_TCP);
        let none = Evidence::default();
        // Two apps wired to two databases under one name.
        assert_eq!(group_by_database(&[&web, &worker]), [Some(0), Some(1)]);
        // A folder that says nothing joins no group.
        assert_eq!(
            group_by_database(&[&none, &web, &worker]),
            [None, Some(0), Some(1)]
        );
        // The usual monorepo: the REST URL in one folder, the TCP URL of its host in the
        // other; no values at all; one folder only.
        let rest_only = said(WEB_REST);
        let tcp_only = said(WEB_TCP);
        assert_eq!(
            group_by_database(&[&rest_only, &tcp_only]),
            [Some(0), Some(0)]
        );
        assert_eq!(group_by_database(&[&none, &none]), [None, None]);
        assert_eq!(group_by_database(&[&web]), [Some(0)]);
    }

    #[test]
    fn a_name_set_differently_parts_folders_even_on_one_host() {
        // One host, two passwords under one name: one database would be an env-conflict.
        let a = said(WEB_TCP);
        let b = said("REDIS_URL=rediss://default:AXother@web-db-12345.upstash.io:6379\n");
        assert_eq!(group_by_database(&[&a, &b]), [Some(0), Some(1)]);
        // A token alone (no URL) joins the first group it does not contradict.
        let token = |t: &str| said(&format!("UPSTASH_REDIS_REST_TOKEN={t}\n"));
        let web = said(&format!("{WEB_REST}UPSTASH_REDIS_REST_TOKEN=AXone\n"));
        let worker = said(WORKER_TCP);
        assert_eq!(
            group_by_database(&[&worker, &web, &token("AXone")]),
            [Some(0), Some(1), Some(0)]
        );
        assert_eq!(
            group_by_database(&[&web, &token("AXtwo")]),
            [Some(0), Some(1)]
        );
    }

    #[test]
    fn urls_spelled_differently_are_one_value() {
        for (a, b) in [
            ("https://x-1.upstash.io/", "https://x-1.upstash.io"),
            ("https://X-1.Upstash.IO", "https://x-1.upstash.io//"),
            ("HTTPS://x-1.upstash.io:443/", "https://x-1.upstash.io"),
            (
                "rediss://default:AXpw@X-1.upstash.io:6379/",
                "rediss://default:AXpw@x-1.upstash.io",
            ),
        ] {
            assert_eq!(
                crate::parse::normal_url(a),
                crate::parse::normal_url(b),
                "{a} / {b}"
            );
        }
        // The password, another port, another path are other values.
        for (a, b) in [
            (
                "rediss://default:AXpw@x-1.upstash.io:6379",
                "rediss://default:AXPW@x-1.upstash.io:6379",
            ),
            ("https://x-1.upstash.io:8443", "https://x-1.upstash.io"),
            ("https://x-1.upstash.io/a", "https://x-1.upstash.io/b"),
        ] {
            assert_ne!(
                crate::parse::normal_url(a),
                crate::parse::normal_url(b),
                "{a} / {b}"
            );
        }
        // Two apps whose REST URLs differ only by a trailing slash share one database.
        let web = said("UPSTASH_REDIS_REST_URL=https://web-db-12345.upstash.io/\n");
        let worker = said("UPSTASH_REDIS_REST_URL=https://Web-DB-12345.upstash.io:443\n");
        assert_eq!(group_by_database(&[&web, &worker]), [Some(0), Some(0)]);
    }

    #[test]
    fn many_databases_are_grouped_one_per_host_and_merged_by_a_shared_folder() {
        let folder = |i: usize| {
            said(&format!(
                "REDIS_URL=rediss://default:AXpw{i}@db-{i}.upstash.io:6379\n"
            ))
        };
        let mut all: Vec<Evidence> = (0..300).map(folder).collect();
        // Database 250's folder under another name, which 7's does not set.
        all[250] = said("UPSTASH_REDIS_URL=rediss://default:AXpw250@db-250.upstash.io:6379\n");
        // A folder with the REST URLs of databases 7 and 250, under names neither sets: it
        // joins the two.
        all.push(said(
            "KV_REST_API_URL=https://db-7.upstash.io\nUPSTASH_REDIS_REST_URL=https://db-250.upstash.io\n",
        ));
        let refs: Vec<&Evidence> = all.iter().collect();
        let groups = group_by_database(&refs);
        assert_eq!(groups[7], groups[250]);
        assert_eq!(groups[300], groups[7]);
        let mut distinct: Vec<usize> = groups.iter().flatten().copied().collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 299);
        // Numbered in the order of their first folder.
        assert_eq!(groups[0], Some(0));
        assert_eq!(groups[251], Some(250));
    }

    #[test]
    fn a_folder_with_the_hosts_of_two_groups_joins_them() {
        let a = said(WEB_TCP);
        let b = said("KV_REST_API_URL=https://worker-db-67890.upstash.io\n");
        // The web host's REST URL and the worker host's TCP URL, under names `a` and `b` do
        // not set: the two are one database.
        let both = said(&format!(
            "{WEB_REST}UPSTASH_REDIS_URL=rediss://default:AXpw@worker-db-67890.upstash.io:6379\n"
        ));
        assert_eq!(
            group_by_database(&[&a, &b, &both]),
            [Some(0), Some(0), Some(0)]
        );
        // `both` sets REDIS_URL differently from `a`: it joins `b` only.
        let both = said(&format!(
            "KV_REST_API_URL=https://worker-db-67890.upstash.io\n{WEB_REST}{WORKER_TCP}"
        ));
        assert_eq!(
            group_by_database(&[&a, &b, &both]),
            [Some(0), Some(1), Some(1)]
        );
    }

    #[test]
    fn a_monorepo_on_two_databases_gets_one_per_app() {
        let p = project(&[
            (
                "package.json",
                r#"{"private":true,"workspaces":["apps/*"]}"#,
            ),
            (
                "apps/docs/package.json",
                r#"{"dependencies":{"next":"15"}}"#,
            ),
            ("apps/web/package.json", r#"{"dependencies":{"next":"15"}}"#),
            ("apps/web/.env.local", &format!("{WEB_REST}{WEB_TCP}")),
            (
                "apps/worker/package.json",
                r#"{"dependencies":{"bullmq":"5"}}"#,
            ),
            ("apps/worker/.env", WORKER_TCP),
        ]);
        let d = detect(p.path());
        // Named after the first target placed by its folder's values, not `docs`.
        assert_eq!(d.databases, ["web", "worker"]);
        let on: Vec<(&str, usize)> = d
            .targets
            .iter()
            .map(|t| (t.name.as_str(), t.database))
            .collect();
        assert_eq!(on, [("docs", 0), ("web", 0), ("worker", 1)]);
        assert_eq!(d.unplaced, ["docs"]);
        // One database: `main`, and nothing unplaced.
        let p = project(&[
            ("apps/web/package.json", r#"{"dependencies":{"next":"15"}}"#),
            ("apps/web/.env.local", WEB_REST),
            (
                "apps/worker/package.json",
                r#"{"dependencies":{"bullmq":"5"}}"#,
            ),
            ("apps/worker/.env", WEB_TCP),
            (
                "apps/docs/package.json",
                r#"{"dependencies":{"next":"15"}}"#,
            ),
        ]);
        let d = detect(p.path());
        assert_eq!(d.databases, ["main"]);
        assert!(d.targets.iter().all(|t| t.database == 0) && d.unplaced.is_empty());
    }

    #[test]
    fn each_database_reads_the_names_of_its_own_folders() {
        const NEXT: &str = r#"{"dependencies":{"next":"15"}}"#;
        const BULLMQ: &str = r#"{"dependencies":{"bullmq":"5"}}"#;
        let kv = |host: &str| {
            format!(
                "KV_URL=rediss://default:AXkv@{host}.upstash.io:6379\nKV_REST_API_URL=https://{host}.upstash.io\nKV_REST_API_TOKEN=AXkv\nKV_REST_API_READ_ONLY_TOKEN=AXro\n"
            )
        };
        let upstash = |host: &str| {
            format!(
                "UPSTASH_REDIS_REST_URL=https://{host}.upstash.io\nUPSTASH_REDIS_REST_TOKEN=AXup\nREDIS_URL=rediss://default:AXup@{host}.upstash.io:6379\n"
            )
        };
        let names = |d: &Detection, i: usize| {
            let n = &d.database_names[i];
            [
                n.redis_url.clone(),
                n.rest_url.clone(),
                n.rest_token.clone(),
            ]
        };
        // A Next.js app with the Marketplace's names, a worker with Upstash's, on two
        // databases: each reads its own, and generate is to write the Marketplace's (the
        // worker reads only REDIS_URL, which both write).
        let p = project(&[
            ("apps/web/package.json", NEXT),
            ("apps/web/.env.local", &kv("kv-db-77777")),
            ("apps/worker/package.json", BULLMQ),
            ("apps/worker/.env", &upstash("other-db-88888")),
        ]);
        let d = detect(p.path());
        assert_eq!(d.databases, ["web", "worker"]);
        assert_eq!(names(&d, 0)[1..], ["KV_REST_API_URL", "KV_REST_API_TOKEN"]);
        assert_eq!(names(&d, 1)[0], "REDIS_URL");
        assert!(d.marketplace && d.mixed_names.is_none());
        // The same on one database: the REST fields read the names where the REST target
        // is, `redis_url` those where the TCP one is.
        let p = project(&[
            ("apps/web/package.json", NEXT),
            ("apps/web/.env.local", &kv("one-db-12345")),
            ("apps/worker/package.json", BULLMQ),
            ("apps/worker/.env", &upstash("one-db-12345")),
        ]);
        let d = detect(p.path());
        assert_eq!(d.databases, ["main"]);
        assert_eq!(
            names(&d, 0),
            ["REDIS_URL", "KV_REST_API_URL", "KV_REST_API_TOKEN"]
        );
        assert!(d.marketplace);
        // Two REST apps, one on each family's names: env_names is left out and the
        // databases noted; an app whose folder has a TCP URL only reads the project's REST
        // names.
        let p = project(&[
            ("apps/admin/package.json", NEXT),
            ("apps/admin/.env.local", &upstash("admin-db-11111")),
            ("apps/shop/package.json", NEXT),
            (
                "apps/shop/.env",
                "REDIS_URL=rediss://default:AXs@shop-db-33333.upstash.io:6379\n",
            ),
            ("apps/web/package.json", NEXT),
            ("apps/web/.env.local", &kv("web-db-22222")),
        ]);
        let d = detect(p.path());
        assert_eq!(d.databases, ["admin", "shop", "web"]);
        assert_eq!(names(&d, 0)[1], "UPSTASH_REDIS_REST_URL");
        assert_eq!(names(&d, 1)[1], d.rest_url);
        assert_eq!(names(&d, 2)[1], "KV_REST_API_URL");
        assert!(!d.marketplace);
        assert_eq!(
            d.mixed_names,
            Some((vec!["web".to_owned()], vec!["admin".to_owned()]))
        );
        // The Marketplace's app gets env_names of its own; the others write Upstash's.
        let own: Vec<(&str, bool)> = d
            .targets
            .iter()
            .map(|t| (t.name.as_str(), t.marketplace))
            .collect();
        assert_eq!(own, [("admin", false), ("shop", false), ("web", true)]);
        // Two REST apps on one database, each with its own family's names: the database
        // reads one family's, and each app keeps its own names through its own env_names.
        let p = project(&[
            ("apps/admin/package.json", NEXT),
            ("apps/admin/.env.local", &upstash("one-db-12345")),
            ("apps/web/package.json", NEXT),
            ("apps/web/.env.local", &kv("one-db-12345")),
        ]);
        let d = detect(p.path());
        assert_eq!(d.databases, ["main"]);
        assert!(!d.marketplace);
        assert_eq!(
            d.mixed_names,
            Some((vec!["web".to_owned()], vec!["admin".to_owned()]))
        );
        let own: Vec<bool> = d.targets.iter().map(|t| t.marketplace).collect();
        assert_eq!(own, [false, true]);
        // An Expo app on the Marketplace's names behind its public prefix is on the
        // Marketplace's family, as the web app is: one family, the project's env_names.
        let p = project(&[
            (
                "apps/mobile/package.json",
                r#"{"dependencies":{"expo":"52"}}"#,
            ),
            (
                "apps/mobile/.env",
                "EXPO_PUBLIC_KV_REST_API_URL=https://one-db-12345.upstash.io\nEXPO_PUBLIC_KV_REST_API_READ_ONLY_TOKEN=AXro\n",
            ),
            ("apps/web/package.json", NEXT),
            ("apps/web/.env.local", &kv("one-db-12345")),
        ]);
        let d = detect(p.path());
        assert_eq!(d.targets.len(), 2);
        assert!(
            d.marketplace && d.mixed_names.is_none(),
            "{:?}",
            d.mixed_names
        );
        // One host written fully qualified in one folder and not in the other: one database.
        let p = project(&[
            ("apps/web/package.json", NEXT),
            (
                "apps/web/.env.local",
                "KV_REST_API_URL=https://one-db-12345.upstash.io.\nKV_REST_API_TOKEN=AXkv\n",
            ),
            ("apps/worker/package.json", BULLMQ),
            ("apps/worker/.env", &upstash("one-db-12345")),
        ]);
        assert_eq!(detect(p.path()).databases, ["main"]);
    }

    #[test]
    fn an_app_in_the_project_folder_is_grouped_as_any_other() {
        // Every database reads the project folder's env files after its own targets' folders,
        // so the app there gets a database of its own like any other app.
        let files = |root_env: &str| {
            project(&[
                ("package.json", r#"{"dependencies":{"express":"4"}}"#),
                (".env", root_env),
                ("worker/package.json", r#"{"dependencies":{"bullmq":"5"}}"#),
                ("worker/.env", WORKER_TCP),
            ])
        };
        let p = files(WEB_TCP);
        assert_eq!(detect(p.path()).databases, ["app", "worker"]);
        let p = files(WEB_REST);
        assert_eq!(detect(p.path()).databases, ["app", "worker"]);
    }

    #[test]
    fn a_nextjs_app_with_middleware_and_marketplace_names() {
        let p = project(&[
            (
                "package.json",
                r#"{"name":"shop","dependencies":{"next":"15.1.0","react":"19"}}"#,
            ),
            ("middleware.ts", "export function middleware() {}"),
            (
                ".env.local",
                "KV_REST_API_URL=https://x.upstash.io\nKV_REST_API_TOKEN=t\nKV_REST_API_READ_ONLY_TOKEN=r\n",
            ),
        ]);
        let d = detect(p.path());
        let kinds: Vec<(&str, Kind, Option<Platform>)> = d
            .targets
            .iter()
            .map(|t| (t.name.as_str(), t.kind, t.platform))
            .collect();
        assert_eq!(
            kinds,
            [
                ("app", Kind::Lambda, Some(Platform::Vercel)),
                ("app-middleware", Kind::Edge, Some(Platform::Vercel))
            ]
        );
        assert!(
            d.targets
                .iter()
                .all(|t| t.dir == "." && t.framework == Some(Framework::NextJs))
        );
        assert_eq!(d.rest_url, "KV_REST_API_URL");
        assert_eq!(d.rest_readonly_token, "KV_REST_API_READ_ONLY_TOKEN");
        // No TCP URL there: the name `generate` writes.
        assert_eq!(d.redis_url, "REDIS_URL");
        assert_eq!(d.env_files, [".env.local"]);
        // The integration's names: generate is to write those, not Upstash's beside them.
        assert!(d.marketplace);
    }

    #[test]
    fn a_rust_crate_with_a_service_on_fly_and_a_lambda_job() {
        let p = project(&[
            (
                "Cargo.toml",
                "[package]\nname = \"links\"\n[dependencies]\naxum = \"0.8\"\nlambda_runtime = \"0.14\"\n",
            ),
            ("fly.toml", "app = 'links'\n"),
            ("Dockerfile", "FROM rust:1.85\n"),
            (
                ".env",
                "REDIS_URL=redis://default:pw@fly-tidy-cat-12345.upstash.io:6379\nUPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io\n",
            ),
        ]);
        let d = detect(p.path());
        let got: Vec<(&str, Kind, Option<Platform>, Option<Framework>)> = d
            .targets
            .iter()
            .map(|t| (t.name.as_str(), t.kind, t.platform, t.framework))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "app",
                    Kind::Server,
                    Some(Platform::Fly),
                    Some(Framework::Axum)
                ),
                (
                    "app-lambda",
                    Kind::Lambda,
                    Some(Platform::AwsLambda),
                    Some(Framework::LambdaRuntime)
                ),
            ]
        );
        assert_eq!(d.redis_url, "REDIS_URL");
        assert!(!d.marketplace);
    }

    /// A web app self-hosted where the platform runs servers and no functions (Fly, a Docker
    /// image, Railway, Render) is a long-lived Node.js server (`next start`), TCP by the rules;
    /// on Vercel or Netlify, or with no platform file, its route handlers are functions.
    /// Next.js middleware stays on the edge runtime, which a server platform does not host.
    #[test]
    fn a_web_app_self_hosted_on_a_server_platform_is_a_server() {
        let kinds = |files: &[(&str, &str)]| {
            let p = project(files);
            detect(p.path())
                .targets
                .iter()
                .map(|t| (t.name.clone(), t.kind, t.platform))
                .collect::<Vec<_>>()
        };
        let next = r#"{"dependencies":{"next":"15.1.0"}}"#;
        for (file, platform) in [
            ("fly.toml", Platform::Fly),
            ("Dockerfile", Platform::Docker),
            ("railway.toml", Platform::Railway),
            ("render.yaml", Platform::Render),
        ] {
            assert_eq!(
                kinds(&[("package.json", next), (file, ""), ("middleware.ts", "")]),
                [
                    ("app".to_owned(), Kind::Server, Some(platform)),
                    ("app-middleware".to_owned(), Kind::Edge, None),
                ],
                "{file}"
            );
        }
        assert_eq!(
            kinds(&[("package.json", next)]),
            [("app".to_owned(), Kind::Lambda, Some(Platform::Vercel))]
        );
        assert_eq!(
            kinds(&[("package.json", next), ("netlify.toml", "")]),
            [("app".to_owned(), Kind::Lambda, Some(Platform::Netlify))]
        );
        for deps in [
            r#"{"dependencies":{"nuxt":"3"}}"#,
            r#"{"dependencies":{"@remix-run/node":"2"}}"#,
            r#"{"dependencies":{"astro":"5"}}"#,
            r#"{"dependencies":{"@sveltejs/kit":"2"}}"#,
        ] {
            assert_eq!(
                kinds(&[("package.json", deps), ("fly.toml", "")]),
                [("app".to_owned(), Kind::Server, Some(Platform::Fly))],
                "{deps}"
            );
        }
        assert_eq!(
            kinds(&[("package.json", r#"{"dependencies":{"astro":"5"}}"#)]),
            [("app".to_owned(), Kind::Lambda, None)]
        );
    }

    /// Node.js code takes its kind from its platform: a function on AWS Lambda, Vercel or
    /// Netlify, a server elsewhere; Express on the Serverless Framework is a Lambda too. The
    /// Rust crate `redis` is no Node.js client, and a `package.json` with no Redis client
    /// proposes nothing.
    #[test]
    fn node_code_without_a_web_framework_runs_as_its_platform_runs_code() {
        let one = |files: &[(&str, &str)]| {
            let p = project(files);
            detect(p.path())
                .targets
                .iter()
                .map(|t| (t.kind, t.platform, t.framework, t.tcp_client, t.rest_client))
                .collect::<Vec<_>>()
        };
        let upstash = r#"{"dependencies":{"@upstash/redis":"1"}}"#;
        let rest_env = "UPSTASH_REDIS_REST_URL=https://eu1-cat-12345.upstash.io\n";
        let tcp_env = "REDIS_URL=rediss://default:pw@eu1-cat-12345.upstash.io:6379\n";
        assert_eq!(
            one(&[
                ("package.json", upstash),
                ("netlify.toml", ""),
                (".env", rest_env)
            ]),
            [(
                Kind::Lambda,
                Some(Platform::Netlify),
                Some(Framework::Node),
                false,
                false
            )]
        );
        assert_eq!(
            one(&[
                ("package.json", upstash),
                ("Dockerfile", "FROM node:22\n"),
                (".env", rest_env)
            ]),
            [(
                Kind::Server,
                Some(Platform::Docker),
                Some(Framework::Node),
                false,
                true
            )]
        );
        // Both variables there: the rules decide (TCP for a server).
        assert_eq!(
            one(&[
                ("package.json", upstash),
                (".env", &format!("{rest_env}{tcp_env}"))
            ]),
            [(Kind::Server, None, Some(Framework::Node), false, false)]
        );
        assert_eq!(
            one(&[
                (
                    "package.json",
                    r#"{"dependencies":{"express":"4","ioredis":"5"}}"#
                ),
                ("serverless.yml", "service: api\n"),
                (".env", tcp_env),
            ]),
            [(
                Kind::Lambda,
                Some(Platform::AwsLambda),
                Some(Framework::Express),
                true,
                false
            )]
        );
        assert_eq!(
            one(&[("package.json", r#"{"dependencies":{"ioredis":"5"}}"#)]),
            [(Kind::Server, None, Some(Framework::Node), false, false)]
        );
        assert!(
            one(&[(
                "Cargo.toml",
                "[package]\nname = \"x\"\n[dependencies]\nredis = \"1\"\n"
            )])
            .is_empty()
        );
        assert!(one(&[("package.json", r#"{"dependencies":{"zod":"3"}}"#)]).is_empty());
    }

    /// `init` reads manifests by convention, bounded: a `package.json` that is a FIFO is
    /// skipped (never waited on), one past 8 MiB is not read.
    #[cfg(unix)]
    #[test]
    fn a_manifest_that_is_no_regular_file_or_too_large_is_skipped() {
        let p = project(&[("api/package.json", r#"{"dependencies":{"ioredis":"5"}}"#)]);
        let mut big = String::from(r#"{"dependencies":{"@upstash/redis":"1"},"x":""#);
        big.push_str(&"x".repeat(9 * 1024 * 1024));
        big.push_str("\"}");
        std::fs::create_dir_all(p.path().join("big")).unwrap();
        std::fs::write(p.path().join("big/package.json"), big).unwrap();
        let dirs = || {
            detect(p.path())
                .targets
                .iter()
                .map(|t| t.dir.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(dirs(), ["api"]);
        let made = std::process::Command::new("mkfifo")
            .arg(p.path().join("package.json"))
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        assert_eq!(dirs(), ["api"]);
    }

    /// `sam init`'s layout: `template.yaml` at the top, the function's code and its
    /// `package.json` in the folder its `CodeUri` names: a Lambda on AWS, not a server.
    #[test]
    fn a_sam_function_folder_is_a_lambda_on_aws() {
        let p = project(&[
            (
                "template.yaml",
                "Transform: AWS::Serverless-2016-10-31\nResources:\n  HelloWorldFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: hello-world/\n      Handler: app.lambdaHandler\n",
            ),
            (
                "hello-world/package.json",
                r#"{"dependencies":{"@upstash/redis":"1"}}"#,
            ),
            (
                "other/package.json",
                r#"{"dependencies":{"@upstash/redis":"1"}}"#,
            ),
            (
                ".env",
                "UPSTASH_REDIS_REST_URL=https://eu1-cat-12345.upstash.io\n",
            ),
        ]);
        let d = detect(p.path());
        let got: Vec<_> = d
            .targets
            .iter()
            .map(|t| (t.dir.as_str(), t.kind, t.platform, t.rest_client))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "hello-world",
                    Kind::Lambda,
                    Some(Platform::AwsLambda),
                    false
                ),
                ("other", Kind::Server, None, true),
            ]
        );
    }

    #[test]
    fn an_expo_app_reads_its_public_names_and_ships_the_token_as_the_read_only_one() {
        let p = project(&[
            ("package.json", r#"{"dependencies":{"expo":"~52.0.25"}}"#),
            (
                ".env",
                "EXPO_PUBLIC_UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io\nEXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN=Ao\n",
            ),
        ]);
        let d = detect(p.path());
        assert_eq!(d.targets[0].kind, Kind::Mobile);
        assert_eq!(d.rest_url, "EXPO_PUBLIC_UPSTASH_REDIS_REST_URL");
        assert_eq!(
            d.rest_readonly_token,
            "EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN"
        );
        // The full token is never read from a public name.
        assert_eq!(d.rest_token, "UPSTASH_REDIS_REST_TOKEN");
        // A name of its own for the read-only token wins, and an unprefixed name first.
        let p = project(&[(
            ".env",
            "EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN=Ao\nEXPO_PUBLIC_UPSTASH_REDIS_REST_READONLY_TOKEN=Ao\nUPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io\nEXPO_PUBLIC_UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io\n",
        )]);
        let d = detect(p.path());
        assert_eq!(
            d.rest_readonly_token,
            "EXPO_PUBLIC_UPSTASH_REDIS_REST_READONLY_TOKEN"
        );
        assert_eq!(d.rest_url, "UPSTASH_REDIS_REST_URL");
    }

    #[test]
    fn a_monorepo_of_a_rust_service_on_fly_a_lambda_and_an_expo_app() {
        let p = project(&[
            (
                "api/Cargo.toml",
                "[package]\nname = \"api\"\n[dependencies]\naxum = \"0.8\"\n",
            ),
            ("api/fly.toml", "app = \"api\"\n"),
            (
                "jobs/Cargo.toml",
                "[package]\nname = \"jobs\"\n[dependencies]\nlambda_runtime = \"0.13\"\n",
            ),
            (
                "mobile/package.json",
                r#"{"dependencies":{"expo":"~52.0.0"}}"#,
            ),
            (
                "site/Gemfile",
                "source 'https://rubygems.org'\ngem 'rails', '~> 8.0'\ngem 'sidekiq'\n",
            ),
            (
                "worker/package.json",
                r#"{"devDependencies":{"wrangler":"4"}}"#,
            ),
            ("worker/wrangler.toml", "name = \"w\"\n"),
            (
                "queue/package.json",
                r#"{"dependencies":{"bullmq":"5","ioredis":"5"}}"#,
            ),
            (
                "py/requirements.txt",
                "Django>=5.1\ndjango-redis==5.4\ncelery[redis]>=5.4\n",
            ),
        ]);
        let d = detect(p.path());
        type Row<'a> = (&'a str, Kind, Option<Platform>, Option<Framework>, bool);
        let got: Vec<Row<'_>> = d
            .targets
            .iter()
            .map(|t| (t.dir.as_str(), t.kind, t.platform, t.framework, t.blocking))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "api",
                    Kind::Server,
                    Some(Platform::Fly),
                    Some(Framework::Axum),
                    false
                ),
                (
                    "jobs",
                    Kind::Lambda,
                    Some(Platform::AwsLambda),
                    Some(Framework::LambdaRuntime),
                    false
                ),
                (
                    "mobile",
                    Kind::Mobile,
                    Some(Platform::Expo),
                    Some(Framework::Expo),
                    false
                ),
                ("py", Kind::Server, None, Some(Framework::Django), false),
                ("py", Kind::Server, None, Some(Framework::Celery), false),
                ("queue", Kind::Server, None, Some(Framework::BullMq), true),
                ("site", Kind::Server, None, Some(Framework::Rails), false),
                ("site", Kind::Server, None, Some(Framework::Sidekiq), true),
                (
                    "worker",
                    Kind::Edge,
                    Some(Platform::Cloudflare),
                    Some(Framework::Workers),
                    false
                ),
            ]
        );
        assert_eq!(d.targets[4].name, "py-worker");
        assert_eq!(d.targets[7].name, "site-jobs");
    }

    #[test]
    fn deno_deploy_railway_render_and_supabase_projects() {
        let p = project(&[
            (
                "edge/deno.json",
                r#"{"tasks":{"deploy":"deployctl deploy --prod"},"imports":{"hono":"jsr:@hono/hono@^4.6"}}"#,
            ),
            ("edge/main.ts", "import { Hono } from \"hono\";\n"),
            (
                "plain/deno.jsonc",
                "{ \"deploy\": { \"app\": \"plain\" } }\n",
            ),
            ("local/deno.json", r#"{"imports":{"hono":"npm:hono@4"}}"#),
            ("api/package.json", r#"{"dependencies":{"express":"5"}}"#),
            ("api/railway.json", "{}"),
            ("api/Dockerfile", "FROM node\n"),
            (
                "svc/Cargo.toml",
                "[package]\nname = \"svc\"\n[dependencies]\naxum = \"0.8\"\n",
            ),
            ("svc/render.yaml", "services: []\n"),
            ("web/package.json", r#"{"dependencies":{"next":"15"}}"#),
            ("web/supabase/config.toml", "project_id = \"web\"\n"),
            (
                "web/supabase/functions/hello/index.ts",
                "Deno.serve(() => new Response());\n",
            ),
        ]);
        let d = detect(p.path());
        type Row<'a> = (&'a str, &'a str, Kind, Option<Platform>, Option<Framework>);
        let got: Vec<Row<'_>> = d
            .targets
            .iter()
            .map(|t| {
                (
                    t.name.as_str(),
                    t.dir.as_str(),
                    t.kind,
                    t.platform,
                    t.framework,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "api",
                    "api",
                    Kind::Server,
                    Some(Platform::Railway),
                    Some(Framework::Express)
                ),
                (
                    "edge",
                    "edge",
                    Kind::Edge,
                    Some(Platform::DenoDeploy),
                    Some(Framework::Hono)
                ),
                // Hono in Deno without a word of Deno Deploy: a server, platform unknown.
                ("local", "local", Kind::Server, None, Some(Framework::Hono)),
                (
                    "plain",
                    "plain",
                    Kind::Edge,
                    Some(Platform::DenoDeploy),
                    None
                ),
                (
                    "svc",
                    "svc",
                    Kind::Server,
                    Some(Platform::Render),
                    Some(Framework::Axum)
                ),
                (
                    "web",
                    "web",
                    Kind::Lambda,
                    Some(Platform::Vercel),
                    Some(Framework::NextJs)
                ),
                (
                    "web-functions",
                    "web",
                    Kind::Edge,
                    Some(Platform::Supabase),
                    None
                ),
            ]
        );
        assert!(
            d.targets[1].why.contains("platform from deno.json"),
            "{:?}",
            d.targets[1]
        );
        assert!(
            d.targets[0].why.contains("railway.json"),
            "{:?}",
            d.targets[0]
        );
    }

    #[test]
    fn deno_specifiers_name_their_packages() {
        assert_eq!(
            deno_specifiers(
                r#"{"imports":{"hono":"jsr:@hono/hono@^4","r":"npm:@upstash/redis@^1.39.0","d":"jsr:@std/dotenv/load","x":"npm:/express@5"}}"#
            ),
            [
                "@upstash/redis",
                "express",
                "hono",
                "@hono/hono",
                "@std/dotenv"
            ]
        );
    }

    #[test]
    fn an_empty_folder_proposes_nothing() {
        let p = project(&[("README.md", "# hi\n")]);
        let d = detect(p.path());
        assert!(d.targets.is_empty());
        assert_eq!(d.rest_url, "UPSTASH_REDIS_REST_URL");
    }
}
