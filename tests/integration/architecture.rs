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
