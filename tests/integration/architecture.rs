//! ARCHITECTURE.md's "no import loops": no two top-level modules of `src/` depend on each
//! other, directly or through others, and neither do two files of a directory module (as
//! `serve/`). A dependency is a `crate::<module>` path (or, between the files of one directory,
//! a `super::<file>` or `crate::<dir>::<file>` path) outside comments and outside a
//! `#[cfg(test)] mod tests` block.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::{file_names_below, root};

/// Top-level module → the top-level modules its code names.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules = module_names(src);
    modules.retain(|m| m != "lib" && m != "main");
    let mut graph = BTreeMap::new();
    for module in &modules {
        let mut deps = BTreeSet::new();
        for file in rust_files(&src.join(module)) {
            let code = code_of(&file);
            for line in code.lines() {
                for (i, _) in line.match_indices("crate::") {
                    let name: String = line[i + "crate::".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if modules.contains(&name) && &name != module {
                        deps.insert(name);
                    }
                }
            }
        }
        graph.insert(module.clone(), deps);
    }
    graph
}

/// The modules a directory holds: each file's name without `.rs`, and each folder's.
fn module_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned()
        })
        .collect()
}

/// The code of a file: without comments and without its `#[cfg(test)] mod tests` block.
fn code_of(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
    code.lines()
        .map(|line| line.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names a path names right after `prefix` (`super::`): `x` in `super::x::Y`, and `a`
/// and `b` in `super::{a::A, b}`.
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let rest = &code[i + prefix.len()..];
        let Some(group) = rest.strip_prefix('{') else {
            names.push(ident(rest));
            continue;
        };
        // The first name of each item of the group, at its top level.
        let mut depth = 0;
        let mut item_start = true;
        for (j, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => item_start = true,
                c if item_start && !c.is_whitespace() => {
                    names.push(ident(&group[j..]));
                    item_start = false;
                }
                _ => {}
            }
        }
    }
    names
}

/// The files (and folders) of the directory module `src/<dir>/` → the others of them their
/// code names, and the names a file takes from `mod.rs` instead of from the file that
/// defines them (`super::Item`).
fn file_graph(src: &Path, dir: &str) -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let folder = src.join(dir);
    let mut files = module_names(&folder);
    files.remove("mod");
    let mut graph = BTreeMap::new();
    let mut through_parent = Vec::new();
    for file in &files {
        let mut deps = BTreeSet::new();
        let direct = folder.join(format!("{file}.rs"));
        for path in rust_files(&folder.join(file)) {
            let code = code_of(&path);
            let mut names = names_after(&code, &format!("crate::{dir}::"));
            // `super::` is this directory only in its own files, not in a folder's.
            if path == direct {
                names.extend(names_after(&code, "super::"));
            }
            for name in names {
                if files.contains(&name) {
                    if &name != file {
                        deps.insert(name);
                    }
                } else if path == direct {
                    through_parent.push(format!("{file}.rs: super::{name}"));
                }
            }
        }
        graph.insert(file.clone(), deps);
    }
    (graph, through_parent)
}

/// The edges `A -> B` of `graph` where `B` reaches `A` back.
fn loops(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<(&String, &String)> {
    graph
        .iter()
        .flat_map(|(m, deps)| deps.iter().map(move |d| (m, d)))
        .filter(|(m, d)| reaches(graph, d, m))
        .collect()
}

/// `path.rs`, or every `.rs` file below the directory `path`.
fn rust_files(path: &Path) -> Vec<std::path::PathBuf> {
    let file = path.with_extension("rs");
    if file.is_file() {
        return vec![file];
    }
    file_names_below(path)
        .into_iter()
        .filter(|f| f.ends_with(".rs"))
        .map(|f| path.join(f))
        .collect()
}

/// Whether `to` can be reached from `from`.
fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(m) = stack.pop() {
        for dep in &graph[m] {
            if dep == to {
                return true;
            }
            if seen.insert(dep.as_str()) {
                stack.push(dep);
            }
        }
    }
    false
}

#[test]
fn no_two_modules_depend_on_each_other() {
    let graph = module_graph(&root().join("src"));
    assert!(graph.len() > 20, "read the modules: {graph:?}");
    // The reader sees real dependencies (a control: generate renders through template).
    assert!(graph["generate"].contains("template"), "{graph:?}");
    let loops = loops(&graph);
    assert!(
        loops.is_empty(),
        "import loops (A -> B and B reaches A): {loops:?}\ngraph: {graph:#?}"
    );
}

#[test]
fn no_two_files_of_serve_depend_on_each_other() {
    let (graph, through_parent) = file_graph(&root().join("src"), "serve");
    assert!(graph.len() > 20, "read the files: {graph:?}");
    // The reader sees real dependencies (a control: the server runs requests through exec.rs,
    // and a grouped `super::{..}` import is read).
    assert!(graph["http"].contains("exec"), "{graph:?}");
    assert!(graph["http"].contains("config"), "{graph:?}");
    // mod.rs uses every file: a file that takes a name from it is in a loop with it.
    assert!(
        through_parent.is_empty(),
        "import these from the file that defines them, not through mod.rs: {through_parent:?}"
    );
    let loops = loops(&graph);
    assert!(
        loops.is_empty(),
        "import loops (A -> B and B reaches A): {loops:?}\ngraph: {graph:#?}"
    );
}

#[test]
fn the_reader_sees_grouped_and_nested_paths() {
    let code = "use super::{a::A, b, c::{self, C}};\nuse super::d::D;\nx = super::e::f();";
    assert_eq!(names_after(code, "super::"), ["a", "b", "c", "d", "e"]);
}

/// The closed sets a change-map row is about, as `src/model.rs` names them.
const ENUMS: [&str; 3] = ["Kind", "Platform", "Framework"];

/// What [`Reader`] found in `src/` (outside tests): each `match` (or `matches!`) that names a
/// variant of one of [`ENUMS`], and each diagnostic code constructed.
#[derive(Default)]
struct Found {
    /// (enum, file, function, whether the match has a catch-all: `_`, a bare binding, `..`,
    /// or `matches!`, which is a match with `_ => false`).
    matches: Vec<(&'static str, String, String, bool)>,
    /// (code variant, file): `Diagnostic::new(Code::X, ..)`, `Finding::new(Code::X, ..)` and
    /// `more_findings(Code::X, ..)`, the ways a finding gets its code.
    reports: BTreeSet<(String, String)>,
}

/// A `syn` visitor over one file of `src/`.
struct Reader<'a> {
    file: String,
    function: String,
    /// Variants imported by name (`use Platform::{Fly, ...}`, `DenoDeploy as Deploy`): the
    /// name as written → its enum.
    imported: BTreeMap<String, &'static str>,
    found: &'a mut Found,
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || a.path().is_ident("cfg")
                && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == "test")
    })
}

/// The enum of [`ENUMS`] a path names a variant of: `Kind::Edge`, `model::Platform::Fly`, or a
/// variant imported by name.
fn enum_of_path(
    path: &syn::Path,
    imported: &BTreeMap<String, &'static str>,
) -> Option<&'static str> {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [one] => imported.get(one).copied(),
        [.., owner, _variant] => ENUMS.iter().copied().find(|e| e == owner),
        [] => None,
    }
}

/// Every enum of [`ENUMS`] named anywhere below a node (a guard, a pattern).
struct Names<'a> {
    imported: &'a BTreeMap<String, &'static str>,
    named: BTreeSet<&'static str>,
}

impl<'ast> syn::visit::Visit<'ast> for Names<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.named.extend(enum_of_path(path, self.imported));
        syn::visit::visit_path(self, path);
    }

    /// A variant imported by name stands in a pattern as an identifier (`Some(Fly)`).
    fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
        self.named
            .extend(self.imported.get(&pat.ident.to_string()).copied());
        syn::visit::visit_pat_ident(self, pat);
    }
}

/// Whether a pattern has a catch-all anywhere in it: `_`, `..`, or a binding without a
/// subpattern (`other =>`, `Some(p) if ...`). A guard's expression is not a pattern.
fn catches_all(pat: &syn::Pat, imported: &BTreeMap<String, &'static str>) -> bool {
    use syn::Pat;
    match pat {
        Pat::Wild(_) | Pat::Rest(_) => true,
        Pat::Ident(p) => match &p.subpat {
            Some((_, sub)) => catches_all(sub, imported),
            // A variant imported by name, or a constant, is not a binding.
            None => {
                let name = p.ident.to_string();
                !imported.contains_key(&name) && name.starts_with(|c: char| c.is_lowercase())
            }
        },
        Pat::Guard(g) => catches_all(&g.pat, imported),
        Pat::Or(p) => p.cases.iter().any(|c| catches_all(c, imported)),
        Pat::Paren(p) => catches_all(&p.pat, imported),
        Pat::Reference(p) => catches_all(&p.pat, imported),
        Pat::Tuple(p) => p.elems.iter().any(|c| catches_all(c, imported)),
        Pat::TupleStruct(p) => p.elems.iter().any(|c| catches_all(c, imported)),
        Pat::Slice(p) => p.elems.iter().any(|c| catches_all(c, imported)),
        Pat::Struct(p) => {
            p.rest.is_some() || p.fields.iter().any(|f| catches_all(&f.pat, imported))
        }
        _ => false,
    }
}

impl<'ast> syn::visit::Visit<'ast> for Reader<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_test(&f.attrs) {
            self.function = f.sig.ident.to_string();
            syn::visit::visit_item_fn(self, f);
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_test(&f.attrs) {
            self.function = f.sig.ident.to_string();
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        fn walk(
            tree: &syn::UseTree,
            owner: Option<&'static str>,
            out: &mut BTreeMap<String, &'static str>,
        ) {
            match tree {
                syn::UseTree::Path(p) => {
                    let next = ENUMS.iter().copied().find(|e| p.ident == e);
                    walk(&p.tree, next, out);
                }
                syn::UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, owner, out)),
                syn::UseTree::Name(n) => {
                    if let Some(e) = owner {
                        out.insert(n.ident.to_string(), e);
                    }
                }
                syn::UseTree::Rename(r) => {
                    if let Some(e) = owner {
                        out.insert(r.rename.to_string(), e);
                    }
                }
                syn::UseTree::Glob(_) => {}
            }
        }
        walk(&u.tree, None, &mut self.imported);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        let mut names = Names {
            imported: &self.imported,
            named: BTreeSet::new(),
        };
        for arm in &m.arms {
            syn::visit::Visit::visit_pat(&mut names, &arm.pat);
        }
        let catch_all = m.arms.iter().any(|a| catches_all(&a.pat, &self.imported));
        for e in names.named {
            let at = (e, self.file.clone(), self.function.clone(), catch_all);
            self.found.matches.push(at);
        }
        syn::visit::visit_expr_match(self, m);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.is_ident("matches") {
            let tokens = mac.tokens.to_string();
            for e in ENUMS {
                let named = names_word(&tokens, &format!("{e} ::"))
                    || self
                        .imported
                        .iter()
                        .any(|(name, owner)| *owner == e && names_word(&tokens, name));
                if named {
                    let at = (e, self.file.clone(), self.function.clone(), true);
                    self.found.matches.push(at);
                }
            }
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let (syn::Expr::Path(func), Some(syn::Expr::Path(first))) =
            (&*call.func, call.args.first())
        {
            let func: Vec<String> = func
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let reports = matches!(
                func.iter().map(String::as_str).collect::<Vec<_>>()[..],
                [.., "Diagnostic" | "Finding", "new"] | [.., "more_findings"]
            );
            let code: Vec<String> = first
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if let (true, [.., owner, variant]) = (reports, code.as_slice())
                && owner == "Code"
            {
                self.found
                    .reports
                    .insert((variant.clone(), self.file.clone()));
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}

/// Whether `tokens` (a token stream as text) holds `word` as a whole word (`Kind ::`, not
/// `ErrorKind ::`).
fn names_word(tokens: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    tokens
        .match_indices(word)
        .any(|(i, _)| !tokens[..i].ends_with(ident) && !tokens[i + word.len()..].starts_with(ident))
}

/// Reads every `.rs` file of `src/` as Rust.
fn read_src() -> Found {
    let src = root().join("src");
    let mut found = Found::default();
    let files = file_names_below(&src);
    for name in files.iter().filter(|f| f.ends_with(".rs")) {
        let text = std::fs::read_to_string(src.join(name)).unwrap();
        read_rust(&format!("src/{name}"), &text, &mut found);
    }
    found
}

/// Reads one file's text as Rust into `found`.
fn read_rust(file: &str, text: &str, found: &mut Found) {
    let parsed = syn::parse_file(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut reader = Reader {
        file: file.to_owned(),
        function: String::new(),
        imported: BTreeMap::new(),
        found,
    };
    syn::visit::Visit::visit_file(&mut reader, &parsed);
}

/// The reader sees what it must: each catch-all over a kind or platform (`_`, a binding,
/// one inside a tuple or behind a guard, `matches!`, a variant imported by name), and not
/// exhaustive matches, other enums (`ErrorKind`), comparisons or tests; and each code
/// construction.
#[test]
fn the_reader_sees_catch_alls_and_reports() {
    let text = r#"
fn wild(k: Kind) -> u8 { match k { Kind::Mobile => 1, _ => 2 } }
fn binding(p: Option<Platform>) -> u8 { match p { Some(Platform::Fly) => 1, other => 2 } }
fn tuple(k: Kind, t: Transport) -> u8 { match (k, t) { (Kind::Edge, Transport::Tcp) => 1, (_, Transport::Tcp) | (_, Transport::Rest) => 2 } }
fn guarded(p: Option<&Spanned>) -> u8 { match p { Some(p) if p.value != Platform::Generic => 1, None | Some(_) => 2 } }
fn macro_(k: Kind) -> bool { matches!(k, Kind::Edge | Kind::Mobile) }
fn imported(p: Platform) -> u8 { use Platform::{Fly, Supabase as Supa}; match p { Fly | Supa => 1, _ => 2 } }
fn exhaustive(k: Kind) -> u8 { match k { Kind::Mobile | Kind::Edge => 1, Kind::Server | Kind::Container | Kind::Lambda => 2 } }
fn other_enum(e: std::io::Error) -> bool { matches!(e.kind(), ErrorKind::NotFound) || match e.kind() { ErrorKind::Other => true, _ => false } }
fn compared(k: Option<Kind>) -> bool { k == Some(Kind::Mobile) }
fn report() -> Diagnostic { Diagnostic::new(Code::TomlSyntax, "x") }
fn report_in_crate() -> Finding { Finding::new(crate::code::Code::InvalidUrl, "x") }
fn not_a_report(d: &Diagnostic) -> bool { d.code == Code::Bom }
#[cfg(test)]
mod tests { fn t(k: Kind) -> u8 { match k { Kind::Mobile => 1, _ => 2 } } }
"#;
    let mut found = Found::default();
    read_rust("src/x.rs", text, &mut found);
    let seen: Vec<(&str, &str, bool)> = found
        .matches
        .iter()
        .map(|(e, _, f, c)| (*e, f.as_str(), *c))
        .collect();
    assert_eq!(
        seen,
        [
            ("Kind", "wild", true),
            ("Platform", "binding", true),
            ("Kind", "tuple", true),
            ("Platform", "guarded", true),
            ("Kind", "macro_", true),
            ("Platform", "imported", true),
            ("Kind", "exhaustive", false),
        ]
    );
    let reports: Vec<&str> = found.reports.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(reports, ["InvalidUrl", "TomlSyntax"]);
}

/// ARCHITECTURE.md's text.
fn architecture() -> String {
    std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap()
}

/// The rows of the Markdown table that follows the heading `heading` in ARCHITECTURE.md, as
/// cells (header and separator left out).
fn table_after(text: &str, heading: &str) -> Vec<Vec<String>> {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md: {heading}"));
    text[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

/// The backquoted words of a cell: `src/capability.rs`, `RULES`, `toml-syntax`.
fn quoted(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// No `match` over a kind, a platform or a framework has a catch-all arm, so the compiler
/// lists every place a new variant must be decided (a new kind must not silently get TCP,
/// read-write access or long-lived connections from a `_`). And every file that holds such a
/// match is named in the change map's row for that enum, so the row cannot go stale: a new
/// `match` in a new file fails here until the row names the file.
///
/// A checklist over the source rather than a throwaway variant: adding a variant in a test
/// would need every match to know it, while `syn` reads the real matches as the compiler
/// sees them (outside `#[cfg(test)]`). What it cannot see: a comparison with one variant
/// (`kind == Some(Kind::Mobile)`) asks about that variant only and is allowed; code inside
/// other macros than `matches!` is not read.
#[test]
fn every_match_over_a_kind_platform_or_framework_names_each_and_is_in_the_change_map() {
    let found = read_src();
    let text = architecture();
    let rows = table_after(&text, "## Where to change what");
    assert!(
        found.matches.len() > 10,
        "read the matches: {}",
        found.matches.len()
    );
    let catch_alls: Vec<String> = found
        .matches
        .iter()
        .filter(|m| m.3)
        .map(|(e, file, function, _)| format!("{file}: `{function}` matches {e} with a catch-all"))
        .collect();
    assert!(
        catch_alls.is_empty(),
        "name every variant instead (the compiler then lists this place for a new one):\n{}",
        catch_alls.join("\n")
    );
    for e in ENUMS {
        let word = e.to_lowercase();
        let row = rows
            .iter()
            .find(|r| r[0] == format!("a {word}"))
            .unwrap_or_else(|| panic!("ARCHITECTURE.md: no row `a {word}`"));
        let named = quoted(&row[1]);
        for (_, file, function, _) in found.matches.iter().filter(|m| m.0 == e) {
            assert!(
                named.contains(&file.as_str()),
                "{file} matches over {e} (in `{function}`): the change map's row `a {word}` must name `{file}`"
            );
        }
    }
}

/// Every path the change map names exists (for a `<placeholder>` or a `*` in it, its
/// folder), so a renamed or moved file cannot leave a row pointing nowhere.
#[test]
fn every_file_the_change_map_names_exists() {
    let text = architecture();
    let rows = table_after(&text, "## Where to change what");
    assert!(rows.len() >= 11, "{rows:?}");
    let mut checked = 0;
    for row in &rows {
        for word in quoted(&row[1]) {
            let path = word.split(' ').next().unwrap_or(word);
            let is_path = [
                "src/",
                "tests/",
                "templates/",
                "docs/",
                "compat/",
                "snapshots/",
            ]
            .iter()
            .any(|p| path.starts_with(p))
                || path == "README.md"
                || path == "SECURITY.md";
            if !is_path {
                continue;
            }
            let existing = match path.find(['<', '*']) {
                // `src/rule/<id>.rs`, `compat/*.test.mjs`: its folder exists.
                Some(i) => root()
                    .join(&path[..path[..i].rfind('/').unwrap_or(0)])
                    .is_dir(),
                None => root().join(path).exists(),
            };
            assert!(
                existing,
                "ARCHITECTURE.md's change map names `{path}`, which does not exist"
            );
            checked += 1;
        }
    }
    assert!(checked > 30, "read the paths ({checked})");
}

/// Each diagnostic code is reported from the modules ARCHITECTURE.md's "Which module reports
/// which code" table says, and only there: a code reported from a new place fails here until
/// the table (and the change map's row that points at it) say so. A report is a
/// `Diagnostic::new(Code::X, ..)`, `Finding::new(Code::X, ..)` or `more_findings(Code::X, ..)`
/// outside tests; the module of a file is the longest path of the table that it starts with.
#[test]
fn each_code_is_reported_from_the_module_the_map_says() {
    let found = read_src();
    let rows = table_after(&architecture(), "### Which module reports which code");
    let modules: Vec<(&str, BTreeSet<&str>)> = rows
        .iter()
        .map(|r| {
            let module = quoted(&r[0])[0];
            (module, quoted(&r[2]).into_iter().collect())
        })
        .collect();
    let kebab = |variant: &str| {
        let mut out = String::new();
        for (i, c) in variant.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    };
    let mut actual: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (variant, file) in &found.reports {
        let module = modules
            .iter()
            .map(|(m, _)| *m)
            .filter(|m| file.starts_with(m))
            .max_by_key(|m| m.len())
            .unwrap_or_else(|| {
                panic!(
                    "{file} reports `{}`: no row of the table holds it",
                    kebab(variant)
                )
            });
        actual.entry(module).or_default().insert(kebab(variant));
    }
    assert!(
        found.reports.len() > 50,
        "read the reports: {}",
        found.reports.len()
    );
    for (module, listed) in &modules {
        let reported: BTreeSet<&str> = actual
            .get(module)
            .map(|s| s.iter().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            &reported, listed,
            "`{module}` reports these codes (left); ARCHITECTURE.md says (right)"
        );
    }
    let every: BTreeSet<&str> = modules
        .iter()
        .flat_map(|(_, c)| c.iter().copied())
        .collect();
    for code in upwire::internal::Code::ALL {
        assert!(
            every.contains(code.name()),
            "`{code}` is in no row of the table: which module reports it?"
        );
    }
}
