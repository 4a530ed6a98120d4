//! `upwire.toml` → [`Descriptor`], keeping the span of every key and value.
//!
//! The TOML is walked by hand (over `toml::de::DeTable`) rather than deserialised with serde,
//! so that every unknown field, unknown value and unresolved variable is reported in one run,
//! each with its own position and a did-you-mean.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::family::EnvNames;
use crate::interpolate::{Conflict, ConflictKind, Env, Reference, Scope, interpolate_in};
use crate::model::{
    Access, Framework, Kind, Need, Platform, Transport, did_you_mean, is_valid_name,
};
use crate::secret::{find_placeholder, url_password_range, url_token_range};

/// A string value from the descriptor, before and after `${NAME}` resolution.
#[derive(Clone, PartialEq, Eq)]
pub struct Text {
    /// As written, with `${NAME}` references.
    pub raw: String,
    /// Resolved; `None` when a reference could not be resolved.
    pub value: Option<String>,
    /// The span of the whole literal, quotes included.
    pub span: Range<usize>,
    /// Where `raw` starts in the source, when the literal has no escapes.
    verbatim: Option<usize>,
}

impl Text {
    /// Whether the value came (partly) from a variable.
    #[must_use]
    pub fn is_interpolated(&self) -> bool {
        self.raw.contains("${")
    }

    /// Maps a range of the resolved value to the source; the whole literal when the value
    /// does not appear verbatim in the source.
    #[must_use]
    pub fn value_span(&self, range: Option<&Range<usize>>) -> Range<usize> {
        match (range, self.verbatim, self.is_interpolated()) {
            (Some(r), Some(start), false) => start + r.start..start + r.end,
            _ => self.span.clone(),
        }
    }

    /// Where the resolved value starts in the source, when it stands there verbatim (no
    /// escapes, no `${NAME}`).
    #[must_use]
    pub fn verbatim_start(&self) -> Option<usize> {
        self.verbatim.filter(|_| !self.is_interpolated())
    }

    /// Maps a range of the raw text to the source.
    #[must_use]
    pub fn raw_span(&self, range: &Range<usize>) -> Range<usize> {
        match self.verbatim {
            Some(start) => start + range.start..start + range.end,
            None => self.span.clone(),
        }
    }
}

/// A typed value with the span of its literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    /// The value.
    pub value: T,
    /// Span of the literal.
    pub span: Range<usize>,
}

/// `[database.NAME]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Database {
    /// The name.
    pub name: String,
    /// Span of the name in the table header.
    pub span: Range<usize>,
    /// TCP endpoint.
    pub redis_url: Option<Text>,
    /// REST endpoint.
    pub rest_url: Option<Text>,
    /// Full-access REST token.
    pub rest_token: Option<Text>,
    /// Read-only REST token.
    pub rest_readonly_token: Option<Text>,
    /// A `${NAME}` of its fields has different values in two of its targets' folders
    /// (`env-conflict`): its targets get no files.
    pub conflicted: bool,
}

impl Database {
    /// Its endpoint fields with their names, in the descriptor's order.
    #[must_use]
    pub(crate) fn fields(&self) -> [(&'static str, Option<&Text>); 4] {
        [
            ("redis_url", self.redis_url.as_ref()),
            ("rest_url", self.rest_url.as_ref()),
            ("rest_token", self.rest_token.as_ref()),
            ("rest_readonly_token", self.rest_readonly_token.as_ref()),
        ]
    }
}

/// `[target.NAME]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The name.
    pub name: String,
    /// Span of the name in the table header.
    pub span: Range<usize>,
    /// Required runtime kind.
    pub kind: Option<Field<Kind>>,
    /// Deployment platform.
    pub platform: Option<Field<Platform>>,
    /// The code it is (`framework = "nextjs"`).
    pub framework: Option<Field<Framework>>,
    /// Named database.
    pub database: Option<Field<String>>,
    /// Capabilities the code relies on.
    pub needs: Vec<Field<Need>>,
    /// Transport override.
    pub transport: Option<Field<Transport>>,
    /// Access override.
    pub access: Option<Field<Access>>,
    /// Prefix for emitted variable names.
    pub env_prefix: Option<Field<String>>,
    /// The variable family this target's names come from, over `[project] env_names`.
    pub env_names: Option<Field<EnvNames>>,
    /// Output directory for `generate`.
    pub dir: Option<Field<String>>,
}

/// A parsed descriptor with its source (secrets registered for masking).
#[derive(Debug, Clone)]
pub struct Descriptor {
    /// The file, with the ranges of literal secrets recorded.
    pub source: SourceFile,
    /// `[project] name`.
    pub project_name: Option<Field<String>>,
    /// `[project] env_names`: the variable family `generate` writes.
    pub env_names: Option<Field<EnvNames>>,
    /// Databases in file order.
    pub databases: Vec<Database>,
    /// Targets in file order.
    pub targets: Vec<Target>,
}

const ROOT_FIELDS: &[&str] = &["project", "database", "target"];
const PROJECT_FIELDS: &[&str] = &["name", "env_names"];
const DATABASE_FIELDS: &[&str] = &["redis_url", "rest_url", "rest_token", "rest_readonly_token"];
const TARGET_FIELDS: &[&str] = &[
    "kind",
    "platform",
    "framework",
    "database",
    "needs",
    "transport",
    "access",
    "env_prefix",
    "env_names",
    "dir",
];

impl Descriptor {
    /// Parses `source`, resolving `${NAME}` from `env`. Returns `None` only for TOML syntax
    /// errors; every other problem is a diagnostic beside a best-effort descriptor.
    #[must_use]
    pub fn parse(source: SourceFile, env: &Env) -> (Option<Descriptor>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        // Classified when read: every line, and every value of any type, before any message
        // can quote it.
        let mut source = source;
        let text = source.text.clone();
        // A large file is checked in blocks first: one parse of 8 MiB of broken lines holds
        // millions of errors and a table of millions of keys (gigabytes) to show 200 of them.
        if text.len() > WHOLE_PARSE {
            match syntax_errors_in_blocks(source, &text) {
                Ok(found) => return (None, found),
                Err(whole) => source = *whole,
            }
        }
        let (root, errors) = DeTable::parse_recoverable(&text);
        if !errors.is_empty() {
            source = with_line_secrets(source);
        }
        for range in crate::secret::toml::value_secrets(&text, root.get_ref()) {
            source.add_secret(range);
        }
        if !errors.is_empty() {
            let total = errors.len();
            for e in errors.into_iter().take(crate::diagnostic::MAX_FINDINGS) {
                diags.push(syntax_error(&source, e.span().unwrap_or(0..0), e.message()));
            }
            diags.extend(crate::diagnostic::more_findings(
                Code::TomlSyntax,
                &source,
                total,
            ));
            return (None, diags);
        }
        // Only env files read for target folders make a database read less than all.
        let folders = if env.has_folder_files() {
            crate::framework::folders(&text)
        } else {
            crate::framework::Folders::default()
        };
        let mut walker = Walker {
            source,
            env,
            folders,
            database: None,
            target: None,
            target_dir: false,
            conflicted: false,
            diags: &mut diags,
        };
        let mut project_name = None;
        let mut env_names = None;
        let mut databases = Vec::new();
        let mut targets = Vec::new();
        for (key, value) in root.get_ref() {
            match key.get_ref().as_ref() {
                "project" => {
                    if let Some(table) = walker.table(key, value) {
                        for (k, v) in table {
                            match k.get_ref().as_ref() {
                                "name" => project_name = walker.plain_string(k, v),
                                "env_names" => {
                                    env_names =
                                        walker.enum_value(k, v, EnvNames::parse, EnvNames::NAMES);
                                }
                                _ => walker.unknown_field(k, PROJECT_FIELDS, "[project]"),
                            }
                        }
                    }
                }
                "database" => {
                    databases.extend(walker.sections(key, value, "database", Walker::database));
                }
                "target" => targets.extend(walker.sections(key, value, "target", Walker::target)),
                _ => walker.unknown_field(key, ROOT_FIELDS, "the descriptor"),
            }
        }
        if databases.is_empty() && !targets.is_empty() {
            walker.diags.push(
                Diagnostic::new(Code::MissingField, "the descriptor defines no database")
                    .at(&walker.source, 0..0)
                    .help("add a `[database.main]` table with `redis_url` and/or `rest_url`"),
            );
        }
        let source = walker.source;
        (
            Some(Descriptor {
                source,
                project_name,
                env_names,
                databases,
                targets,
            }),
            diags,
        )
    }

    /// The index of the database a target uses: the named one (looked up in `by_name`, each
    /// database's name to its index), or the only one.
    #[must_use]
    pub fn database_index(&self, target: &Target, by_name: &HashMap<&str, usize>) -> Option<usize> {
        match &target.database {
            Some(name) => by_name.get(name.value.as_str()).copied(),
            None => (self.databases.len() == 1).then_some(0),
        }
    }
}

/// Registers what may be secret in a descriptor's text, found line by line (so also when
/// it is not valid TOML): see [`crate::secret::toml`].
#[must_use]
pub(crate) fn with_line_secrets(mut source: SourceFile) -> SourceFile {
    for range in crate::secret::toml::line_secrets(&source.text) {
        source.add_secret(range);
    }
    source
}

struct Walker<'e, 'd> {
    source: SourceFile,
    env: &'e Env,
    /// The target folders of each database and of each target (`crate::framework::folders`).
    folders: crate::framework::Folders,
    /// The database whose fields are being read: its `${NAME}`s are read in its targets'
    /// folders.
    database: Option<String>,
    /// The target whose fields are being read: its `${NAME}`s are read in its own folder,
    /// but for its `dir` (`target_dir`), which decides that folder.
    target: Option<String>,
    /// The field being read is a target's `dir`.
    target_dir: bool,
    /// One of its `${NAME}`s has two values (`env-conflict`).
    conflicted: bool,
    diags: &'d mut Vec<Diagnostic>,
}

impl Walker<'_, '_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn type_error(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
        want: &str,
    ) {
        let d = Diagnostic::new(
            Code::InvalidType,
            format!(
                "`{}` must be {want}, found {}",
                key.get_ref(),
                type_name(value.get_ref())
            ),
        )
        .at(&self.source, value.span());
        self.push(d);
    }

    fn table<'a, 'i>(
        &mut self,
        key: &Spanned<std::borrow::Cow<'i, str>>,
        value: &'a Spanned<DeValue<'i>>,
    ) -> Option<&'a DeTable<'i>> {
        if let DeValue::Table(t) = value.get_ref() {
            Some(t)
        } else {
            self.type_error(key, value, "a table");
            None
        }
    }

    fn unknown_field(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        known: &[&str],
        place: &str,
    ) {
        let name = key.get_ref();
        let help = match did_you_mean(name, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the fields of {place} are: {}", known.join(", ")),
        };
        let d = Diagnostic::new(
            Code::UnknownField,
            format!("unknown field `{name}` in {place}"),
        )
        .at(&self.source, key.span())
        .help(help);
        self.push(d);
    }

    fn name(&mut self, key: &Spanned<std::borrow::Cow<'_, str>>, what: &str) {
        if !is_valid_name(key.get_ref()) {
            let d = Diagnostic::new(
                Code::InvalidName,
                format!(
                    "{what} name `{}` is not allowed",
                    crate::project_path::escape_controls(key.get_ref())
                ),
            )
            .at(&self.source, key.span())
            .help(format!(
                "{what} names match [a-z0-9][a-z0-9-]*, e.g. `{}`",
                suggest_name(key.get_ref())
            ));
            self.push(d);
        }
    }

    /// A string field, with `${NAME}` resolved and unresolved names reported.
    fn text(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Option<Text> {
        let DeValue::String(s) = value.get_ref() else {
            self.type_error(key, value, "a string");
            return None;
        };
        let span = value.span();
        let literal = &self.source.text[span.clone()];
        let verbatim = ["\"\"\"", "'''", "\"", "'"].iter().find_map(|q| {
            (literal.len() >= 2 * q.len()
                && literal.starts_with(q)
                && &literal[q.len()..literal.len() - q.len()] == s.as_ref())
            .then_some(span.start + q.len())
        });
        let mut text = Text {
            raw: s.to_string(),
            value: None,
            span,
            verbatim,
        };
        let scope = self.scope();
        let mut conflicts = Vec::new();
        let resolved = interpolate_in(&text.raw, self.env, scope, &mut conflicts);
        for c in conflicts {
            match c.kind {
                // Only a database reads several folders.
                ConflictKind::Folders if self.database.is_some() => {
                    self.conflict(&text, &c);
                    self.conflicted = true;
                }
                ConflictKind::Folders => {}
                ConflictKind::Override => self.overridden(&text, &c),
            }
        }
        match resolved {
            Ok(v) => {
                // A value that came from the environment is classified like one written
                // here: its secrets are remembered before any message can quote them.
                if text.is_interpolated() {
                    let _ = crate::secret::Sensitive::classify(
                        v.as_str(),
                        crate::secret::toml::hint_for_key(key.get_ref()),
                    );
                }
                text.value = Some(v);
            }
            Err(missing) => self.unresolved(&text, &missing),
        }
        Some(text)
    }

    /// The folders whose env files the current field reads: a database's, its targets' (none
    /// for a database no target uses: only the environment, the named files and the
    /// descriptor's `.env`); a target's, its own. Everything elsewhere (`[project]`), or when
    /// no file was read for a folder.
    fn scope(&self) -> Option<Scope<'_>> {
        const NONE: &[String] = &[];
        if !self.env.has_folder_files() {
            return None;
        }
        let folders = match (&self.database, &self.target) {
            (Some(db), _) => self.folders.by_database.get(db).map_or(NONE, Vec::as_slice),
            (None, Some(_)) if self.target_dir => NONE,
            (None, Some(t)) => self
                .folders
                .by_target
                .get(t)
                .map_or(NONE, std::slice::from_ref),
            (None, None) => return None,
        };
        Some(Scope { folders })
    }

    /// Two folders of the current database's targets set a variable differently (`c`).
    fn conflict(&mut self, text: &Text, c: &Conflict) {
        let db = self.database.as_deref().unwrap_or_default();
        let d = Diagnostic::new(
            Code::EnvConflict,
            format!(
                "database `{db}`: `${{{}}}` has one value in {} and another in {}, and targets in both folders use this database",
                c.name,
                c.taken,
                c.other.display()
            ),
        )
        .at(&self.source, text.raw_span(&c.range))
        .help(format!(
            "if these apps use different databases, give each its own `[database.NAME]` and set `database = \"NAME\"` on its targets (a database reads the env files of its own targets' folders); if they use one database, make the values the same. upwire took the value in {}",
            c.taken
        ));
        self.push(d);
    }

    /// A value from the environment or an `--env-file` (`c.taken`) differs from the one in an
    /// env file read by convention for it (`c.other`), which `generate` writes the value into.
    fn overridden(&mut self, text: &Text, c: &Conflict) {
        let d = Diagnostic::new(
            Code::EnvOverridden,
            format!(
                "`${{{}}}` is taken from {}, and {} sets it to another value",
                c.name,
                c.taken,
                c.other.display()
            ),
        )
        .at(&self.source, text.raw_span(&c.range))
        .help(format!(
            "{}; if the file's value is the one meant, {}",
            // A database's values are what `generate` writes; a target's own field is not.
            if self.database.is_some() {
                format!(
                    "`generate` writes the value taken into the targets' env files, over {}'s own",
                    c.other.display()
                )
            } else {
                format!("the value taken wins over {}'s", c.other.display())
            },
            if c.taken == crate::interpolate::PROCESS_ENVIRONMENT {
                format!("unset it first (`unset {}`)", c.name)
            } else {
                format!("leave out `--env-file {}`", c.taken)
            }
        ));
        self.push(d);
    }

    /// One diagnostic per distinct unresolved name (and one for malformed references), at its
    /// first use: a value made of 100,000 copies of `${A}` gets one finding, not 100,000 that
    /// each render the same long line, and the did-you-mean over every variable name runs
    /// once per name.
    fn unresolved(&mut self, text: &Text, missing: &[Reference]) {
        const MAX_NAMES_PER_VALUE: usize = 10;
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut first: Vec<(&str, &Range<usize>)> = Vec::new();
        let mut malformed: Option<(&Range<usize>, usize)> = None;
        for r in missing {
            match r {
                Reference::Var { name, range } => {
                    let n = counts.entry(name.as_str()).or_insert(0);
                    if *n == 0 {
                        first.push((name, range));
                    }
                    *n += 1;
                }
                Reference::Malformed { range } => {
                    malformed.get_or_insert((range, 0)).1 += 1;
                }
            }
        }
        let times = |n: usize| {
            if n > 1 {
                format!(" ({n} times in this value)")
            } else {
                String::new()
            }
        };
        let names: Vec<&str> = if first.is_empty() {
            Vec::new()
        } else {
            self.env.names().collect()
        };
        // Past a few names, one finding for the rest: 20,000 different unset names in one
        // value would otherwise be 20,000 findings, each rendering the same long line.
        let mut more = None;
        if first.len() > MAX_NAMES_PER_VALUE {
            let rest = &first[MAX_NAMES_PER_VALUE..];
            let listed: Vec<String> = rest
                .iter()
                .take(3)
                .map(|(n, _)| format!("`${{{n}}}`"))
                .collect();
            let d = Diagnostic::new(
                Code::UnresolvedVariable,
                format!(
                    "{} more variables in this value are not set either ({}, ...)",
                    rest.len(),
                    listed.join(", ")
                ),
            )
            .at(&self.source, text.raw_span(rest[0].1))
            .help("export them, or pass the env file that defines them with --env-file");
            first.truncate(MAX_NAMES_PER_VALUE);
            more = Some(d);
        }
        // Where a value goes: the env file the targets' frameworks and platforms read (and
        // upwire reads by default), `.env.local` for Next.js, `.dev.vars` on Cloudflare.
        let mut env_files = if first.is_empty() {
            Vec::new()
        } else {
            crate::framework::written_env_files(&self.source.text)
        };
        // A database's own targets' files (those of its folders; the descriptor's `.env`
        // for one no target uses).
        let scope = self.scope();
        if let Some(scope) = scope {
            env_files.retain(|f| {
                scope.folders.iter().any(|folder| {
                    if folder.is_empty() {
                        !f.contains('/')
                    } else {
                        f.starts_with(folder.as_str())
                    }
                })
            });
            if env_files.is_empty() {
                env_files.push(".env".to_owned());
            }
        }
        let place = if env_files == [".env"] {
            "set it in the .env next to the descriptor (or a file given with --env-file)".to_owned()
        } else {
            let named: Vec<String> = env_files.iter().map(|f| format!("`{f}`")).collect();
            format!(
                "set it in {} (where the targets read their variables locally; upwire reads {} by default), or in a file given with --env-file",
                named.join(" or "),
                if named.len() > 1 { "them" } else { "it" }
            )
        };
        let scoped = scope.is_some();
        for (name, range) in first {
            let suggestion = did_you_mean(name, &names)
                .filter(|s| *s != name)
                .map(|s| format!("did you mean `${{{s}}}`? otherwise "))
                .unwrap_or_default();
            // Set, but in a file this database does not read: another target's folder.
            let (reader, rule) = match (&self.database, &self.target) {
                (Some(db), _) => (
                    format!("database `{db}`"),
                    "the databases of the targets in its folder (each database reads its own targets' folders)",
                ),
                (None, t) if self.target_dir => (
                    format!("the `dir` of target `{}`", t.as_deref().unwrap_or_default()),
                    "the targets in its folder and their databases; a `dir` decides which folder a target reads, so it is read from the environment, an --env-file or the .env beside the descriptor only",
                ),
                (None, t) => (
                    format!("target `{}`", t.as_deref().unwrap_or_default()),
                    "the targets in its folder and their databases (a target's own fields read its own folder)",
                ),
            };
            let elsewhere = self
                .env
                .file_setting(name)
                .filter(|_| scoped)
                .map(|file| format!("{} sets it, but only for {rule}; ", file.display()))
                .unwrap_or_default();
            let d = Diagnostic::new(
                Code::UnresolvedVariable,
                format!(
                    "`${{{name}}}` is not set in the environment or in any env file{}{}",
                    if elsewhere.is_empty() {
                        String::new()
                    } else {
                        format!(" read for {reader}")
                    },
                    times(counts[name])
                ),
            )
            .at(&self.source, text.raw_span(range))
            .help(format!(
                "{elsewhere}{suggestion}export {name}=..., or {place}"
            ));
            self.push(d);
        }
        if let Some(d) = more {
            self.push(d);
        }
        if let Some((range, n)) = malformed {
            let d = Diagnostic::new(
                Code::UnresolvedVariable,
                format!("malformed variable reference{}", times(n)),
            )
            .at(&self.source, text.raw_span(range))
            .help("write references as `${NAME}` with NAME made of A-Z, 0-9 and _");
            self.push(d);
        }
    }

    /// A string field used as a name or path: resolved and required to resolve.
    fn plain_string(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Option<Field<String>> {
        let text = self.text(key, value)?;
        Some(Field {
            value: text.value?,
            span: text.span,
        })
    }

    fn enum_value<T: Copy>(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
        parse: fn(&str) -> Option<T>,
        names: &[&str],
    ) -> Option<Field<T>> {
        let field = self.plain_string(key, value)?;
        if let Some(v) = parse(&field.value) {
            return Some(Field {
                value: v,
                span: field.span,
            });
        }
        let help = match did_you_mean(&field.value, names) {
            Some(s) => format!("did you mean `{s}`? (one of: {})", names.join(", ")),
            None => format!("use one of: {}", names.join(", ")),
        };
        let d = Diagnostic::new(
            Code::UnknownValue,
            format!(
                "unknown {} `{}`",
                key.get_ref(),
                crate::project_path::escape_controls(&clipped(&field.value))
            ),
        )
        .at(&self.source, field.span)
        .help(help);
        self.push(d);
        None
    }

    /// The `[what.NAME]` tables under `key`, each name checked and each read by `read`.
    fn sections<T>(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
        what: &str,
        read: fn(&mut Self, &Spanned<std::borrow::Cow<'_, str>>, &DeTable<'_>) -> T,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for (name, body) in self.table(key, value).into_iter().flatten() {
            self.name(name, what);
            if let Some(table) = self.table(name, body) {
                out.push(read(self, name, table));
            }
        }
        out
    }

    fn database(
        &mut self,
        name: &Spanned<std::borrow::Cow<'_, str>>,
        table: &DeTable<'_>,
    ) -> Database {
        let mut db = Database {
            name: name.get_ref().to_string(),
            span: name.span(),
            ..Database::default()
        };
        self.database = Some(db.name.clone());
        for (k, v) in table {
            let slot = match k.get_ref().as_ref() {
                "redis_url" => &mut db.redis_url,
                "rest_url" => &mut db.rest_url,
                "rest_token" => &mut db.rest_token,
                "rest_readonly_token" => &mut db.rest_readonly_token,
                _ => {
                    self.unknown_field(k, DATABASE_FIELDS, &format!("[database.{}]", db.name));
                    continue;
                }
            };
            *slot = self.text(k, v);
        }
        self.database = None;
        db.conflicted = std::mem::take(&mut self.conflicted);
        self.literal_secrets(&db);
        db
    }

    /// Registers literal secrets for masking and warns about them.
    fn literal_secrets(&mut self, db: &Database) {
        for (field, text, whole) in [
            ("redis_url", &db.redis_url, false),
            ("rest_url", &db.rest_url, false),
            ("rest_token", &db.rest_token, true),
            ("rest_readonly_token", &db.rest_readonly_token, true),
        ] {
            let Some(text) = text else { continue };
            if text.is_interpolated() {
                continue;
            }
            let secrets: Vec<(Range<usize>, &str)> = if whole {
                let t = text.raw.trim();
                (!t.is_empty())
                    .then_some((0..text.raw.len(), "token"))
                    .into_iter()
                    .collect()
            } else {
                url_password_range(&text.raw)
                    .map(|r| (r, "password"))
                    .into_iter()
                    .chain(url_token_range(&text.raw).map(|r| (r, "token")))
                    .collect()
            };
            for (range, what) in secrets {
                if find_placeholder(&text.raw[range.clone()]).is_some() {
                    continue;
                }
                let span = text.value_span(Some(&range));
                self.source.add_secret(span.clone());
                let var = format!(
                    "{}_{}",
                    db.name.to_ascii_uppercase().replace('-', "_"),
                    field.to_ascii_uppercase()
                );
                let d = Diagnostic::new(
                    Code::SecretInDescriptor,
                    format!("a literal {what} in `{field}` of database `{}`", db.name),
                )
                .at(&self.source, span)
                .help(format!(
                    "move the {what} into a git-ignored env file and write `${{{var}}}` here{}",
                    if whole { "" } else { " (or the whole URL)" }
                ));
                self.push(d);
            }
        }
    }

    fn target(&mut self, name: &Spanned<std::borrow::Cow<'_, str>>, table: &DeTable<'_>) -> Target {
        let mut t = Target {
            name: name.get_ref().to_string(),
            span: name.span(),
            ..Target::default()
        };
        self.target = Some(t.name.clone());
        let mut saw_kind = false;
        for (k, v) in table {
            match k.get_ref().as_ref() {
                "kind" => {
                    saw_kind = true;
                    t.kind = self.enum_value(k, v, Kind::parse, Kind::NAMES);
                }
                "platform" => t.platform = self.enum_value(k, v, Platform::parse, Platform::NAMES),
                "framework" => {
                    t.framework = self.enum_value(k, v, Framework::parse, Framework::NAMES);
                }
                "database" => t.database = self.plain_string(k, v),
                "needs" => t.needs = self.needs(k, v),
                "transport" => {
                    t.transport = self.enum_value(k, v, Transport::parse, Transport::NAMES);
                }
                "access" => t.access = self.enum_value(k, v, Access::parse, Access::NAMES),
                "env_prefix" => t.env_prefix = self.env_prefix(k, v),
                "env_names" => {
                    t.env_names = self.enum_value(k, v, EnvNames::parse, EnvNames::NAMES);
                }
                "dir" => {
                    self.target_dir = true;
                    t.dir = self.plain_string(k, v);
                    self.target_dir = false;
                }
                _ => self.unknown_field(k, TARGET_FIELDS, &format!("[target.{}]", t.name)),
            }
        }
        self.target = None;
        if !saw_kind {
            let d = Diagnostic::new(
                Code::MissingField,
                format!("target `{}` has no `kind`", t.name),
            )
            .at(&self.source, t.span.clone())
            .help(format!(
                "add `kind = \"...\"`, one of: {}",
                Kind::NAMES.join(", ")
            ));
            self.push(d);
        }
        t
    }

    fn needs(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Vec<Field<Need>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.type_error(key, value, "an array of strings");
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.enum_value(key, item, Need::parse, Need::NAMES))
            .collect()
    }

    fn env_prefix(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Option<Field<String>> {
        let field = self.plain_string(key, value)?;
        if crate::family::valid_env_prefix(&field.value) {
            return Some(field);
        }
        // No suggestion made from a value that may be a secret: upper-casing it would
        // print it past every mask.
        let sensitive =
            !crate::secret::sensitive_ranges(&field.value, crate::secret::Hint::Plain).is_empty();
        let fixed: String = if sensitive {
            crate::family::EXPO_PUBLIC.to_owned()
        } else {
            field
                .value
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let d = Diagnostic::new(
            Code::InvalidName,
            format!(
                "env_prefix `{}` is not a valid variable prefix",
                crate::project_path::escape_controls(&field.value)
            ),
        )
        .at(&self.source, field.span)
        .help(format!("use A-Z, 0-9 and _ only, e.g. `{fixed}`"));
        self.push(d);
        None
    }
}

/// A value as a message quotes it: whole up to 64 characters, else its first 48 and `...`
/// (the finding points at all of it; a 200 kB value is not one 200 kB line).
fn clipped(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(64) {
        None => value.into(),
        Some(_) => {
            let end = value.char_indices().nth(48).map_or(value.len(), |(i, _)| i);
            format!("{}...", &value[..end]).into()
        }
    }
}

/// Descriptors up to this size with syntax errors are parsed whole, every error in context.
const WHOLE_PARSE: usize = 256 * 1024;

/// The block size of [`syntax_errors_in_blocks`].
const BLOCK: usize = 64 * 1024;

/// A `toml-syntax` finding at `span`, with the first line of the parser's message.
fn syntax_error(source: &SourceFile, span: std::ops::Range<usize>, message: &str) -> Diagnostic {
    let message = message.lines().next().unwrap_or("invalid TOML").trim();
    // The parser's text may quote the input: masked by shape and by what is known.
    let message = crate::secret::scrub_message(message);
    Diagnostic::new(Code::TomlSyntax, format!("invalid TOML: {message}"))
        .at(source, span)
        .help("fix the syntax here; `upwire init` writes a commented example")
}

/// The syntax errors of a large descriptor, parsed in blocks of about 64 KiB, one block at a
/// time: memory stays that of one block. A block ends before a table header where one is
/// near, else at a line end. The first 200 errors are findings and the rest a count; each
/// block's values are classified as secrets as in a whole parse. `Err(source)` when there
/// is no error, or so few that they may come from a cut through a multi-line string or
/// array and the whole file parses: then it is read whole, as any other.
fn syntax_errors_in_blocks(
    source: SourceFile,
    text: &str,
) -> Result<Vec<Diagnostic>, Box<SourceFile>> {
    let mut found: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut secrets = Vec::new();
    let mut total = 0;
    let mut start = 0;
    while start < text.len() {
        let end = block_end(text, start);
        let block = &text[start..end];
        let (root, errors) = DeTable::parse_recoverable(block);
        if !errors.is_empty() {
            secrets.extend(
                crate::secret::toml::value_secrets(block, root.get_ref())
                    .into_iter()
                    .map(|r| r.start + start..r.end + start),
            );
        }
        total += errors.len();
        for e in errors {
            if found.len() < crate::diagnostic::MAX_FINDINGS {
                let span = e.span().unwrap_or(0..0);
                found.push((span.start + start..span.end + start, e.message().to_owned()));
            }
        }
        start = end;
    }
    if total == 0 || (total <= 8 && DeTable::parse(text).is_ok()) {
        return Err(Box::new(source));
    }
    let mut source = with_line_secrets(source);
    for range in secrets {
        source.add_secret(range);
    }
    let mut diags: Vec<Diagnostic> = found
        .into_iter()
        .map(|(span, message)| syntax_error(&source, span, &message))
        .collect();
    diags.extend(crate::diagnostic::more_findings(
        Code::TomlSyntax,
        &source,
        total,
    ));
    Ok(diags)
}

/// Where the block of [`syntax_errors_in_blocks`] that starts at `start` ends: before the
/// last table header (`[` at a line start) in its second half, else after its last line end,
/// else at the end of the line that is longer than a block.
fn block_end(text: &str, start: usize) -> usize {
    let mut end = (start + BLOCK).min(text.len());
    if end == text.len() {
        return end;
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let window = &text[start..end];
    let mut half = BLOCK / 2;
    while !window.is_char_boundary(half) {
        half -= 1;
    }
    if let Some(i) = window[half..].rfind("\n[") {
        return start + half + i + 1;
    }
    match window.rfind('\n') {
        Some(i) => start + i + 1,
        // A line longer than a block is one block: a cut inside it is an error of its own.
        None => text[end..].find('\n').map_or(text.len(), |i| end + i + 1),
    }
}

fn suggest_name(name: &str) -> String {
    if !crate::secret::sensitive_ranges(name, crate::secret::Hint::Plain).is_empty() {
        return "main".to_owned();
    }
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_start_matches('-').to_owned();
    if s.is_empty() { "main".to_owned() } else { s }
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Never the value: the field it belongs to decides how secret it is, and `Text` does not
/// know its field.
impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text")
            .field("span", &self.span)
            .field("interpolated", &self.is_interpolated())
            .field("resolved", &self.value.is_some())
            .finish_non_exhaustive()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Descriptor>, Vec<Diagnostic>) {
        Descriptor::parse(
            SourceFile::new("upwire.toml", text),
            &Env::from_pairs([("TOKEN", "AXtok"), ("URL", "rediss://default:pw@h:6379")]),
        )
    }

    fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(|d| d.code.name()).collect()
    }

    #[test]
    fn a_full_descriptor_parses_with_positions() {
        let (d, diags) = parse(
            "[project]\nname = \"shop\"\n\n[database.main]\nredis_url = \"${URL}\"\nrest_token = \"${TOKEN}\"\n\n[target.api]\nkind = \"server\"\nneeds = [\"blocking\"]\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let d = d.unwrap();
        assert_eq!(d.project_name.unwrap().value, "shop");
        assert_eq!(
            d.databases[0].redis_url.as_ref().unwrap().value.as_deref(),
            Some("rediss://default:pw@h:6379")
        );
        let t = &d.targets[0];
        assert_eq!(t.kind.as_ref().unwrap().value, Kind::Server);
        assert_eq!(t.needs[0].value, Need::Blocking);
        assert_eq!(
            &d.source.text[t.kind.as_ref().unwrap().span.clone()],
            "\"server\""
        );
    }

    #[test]
    fn every_unknown_field_and_value_is_reported_in_one_run() {
        let (_, diags) = parse(
            "[database.main]\nredis_ur = \"x\"\n[target.api]\nkind = \"lamda\"\ntrasport = \"tcp\"\nplatform = \"vercell\"\n[targets.x]\n",
        );
        assert_eq!(
            codes(&diags),
            [
                "unknown-field",
                "unknown-value",
                "unknown-field",
                "unknown-value",
                "unknown-field"
            ]
        );
        assert!(diags[1].help.as_deref().unwrap().contains("`lambda`"));
        assert!(diags[2].help.as_deref().unwrap().contains("`transport`"));
        let loc = diags[1].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (4, 8));
    }

    #[test]
    fn unresolved_variables_point_at_the_reference() {
        let (_, diags) = parse("[database.main]\nrest_token = \"${TOKN}\"\n");
        assert_eq!(codes(&diags), ["unresolved-variable"]);
        let loc = diags[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (2, 15));
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `${TOKEN}`")
        );
    }

    #[test]
    fn literal_secrets_are_warned_and_registered_for_masking() {
        let (d, diags) = parse(
            "[database.main]\nredis_url = \"rediss://default:hunter2@h:6379\"\nrest_token = \"AXhunter3\"\n",
        );
        assert_eq!(
            codes(&diags),
            ["secret-in-descriptor", "secret-in-descriptor"]
        );
        let d = d.unwrap();
        let out = crate::diagnostic::TextRenderer::new(false)
            .render(&diags[0], std::slice::from_ref(&d.source));
        assert!(!out.contains("hunter2"), "{out}");
    }

    #[test]
    fn secrets_on_lines_of_an_unparsable_descriptor_are_masked() {
        let text = "[database.main]\nrest_token = \"AXhunter1\" x\nredis_url = \"rediss://default:hunter2@h:6379\" y\ndatabase.b.rest_readonly_token = 'AXhunter3\n";
        let (d, diags) = parse(text);
        assert!(d.is_none());
        let source = with_line_secrets(SourceFile::new("upwire.toml", text));
        let out = crate::diagnostic::TextRenderer::new(false)
            .render(&diags[0], std::slice::from_ref(&source));
        assert!(out.contains("rest_token = **** x"), "{out}");
        for line in 2..=4 {
            let at = source
                .text
                .split_inclusive('\n')
                .take(line - 1)
                .map(str::len)
                .sum::<usize>();
            let d = Diagnostic::new(Code::TomlSyntax, "m").at(&source, at..at + 1);
            let out = crate::diagnostic::TextRenderer::new(false)
                .render(&d, std::slice::from_ref(&source));
            assert!(!out.contains("hunter"), "{out}");
        }
    }

    #[test]
    fn syntax_errors_stop_with_a_position() {
        let (d, diags) = parse("[target.api]\nkind = server\n");
        assert!(d.is_none());
        assert_eq!(codes(&diags), ["toml-syntax"]);
        assert_eq!(diags[0].location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn types_and_names_are_checked() {
        let (_, diags) = parse(
            "[database.Main]\nredis_url = 5\n[target.api]\nkind = \"server\"\nneeds = \"blocking\"\nenv_prefix = \"next-public\"\n",
        );
        assert_eq!(
            codes(&diags),
            [
                "invalid-name",
                "invalid-type",
                "invalid-type",
                "invalid-name"
            ]
        );
    }

    #[test]
    fn env_names_is_one_of_its_values() {
        let db = "[database.main]\nrest_url = \"https://eu1-cat-1.upstash.io\"\n";
        let (d, diags) = parse(&format!(
            "[project]\nenv_names = \"vercel-marketplace\"\n{db}"
        ));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            d.unwrap().env_names.map(|f| f.value),
            Some(EnvNames::VercelMarketplace)
        );
        let (d, diags) = parse(&format!(
            "[project]\nenv_names = \"vercel-marketplac\"\n{db}"
        ));
        assert_eq!(codes(&diags), ["unknown-value"]);
        assert_eq!(
            diags[0].help.as_deref(),
            Some("did you mean `vercel-marketplace`? (one of: upstash, vercel-marketplace)")
        );
        assert_eq!(d.unwrap().env_names, None);
        // A target's own, checked alike.
        let target = "[target.web]\nkind = \"lambda\"\n";
        let (d, diags) = parse(&format!("{db}{target}env_names = \"vercel-marketplace\"\n"));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            d.unwrap().targets[0].env_names.as_ref().map(|f| f.value),
            Some(EnvNames::VercelMarketplace)
        );
        let (_, diags) = parse(&format!("{db}{target}env_names = \"kv\"\n"));
        assert_eq!(codes(&diags), ["unknown-value"]);
        // A long value is quoted clipped.
        let long = "x".repeat(200_000);
        let (_, diags) = parse(&format!("{db}{target}env_names = \"{long}\"\n"));
        assert_eq!(
            diags[0].message,
            format!("unknown env_names `{}...`", "x".repeat(48))
        );
    }
}
