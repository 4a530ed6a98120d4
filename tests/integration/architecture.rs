//! ARCHITECTURE.md's "no import loops": no two top-level modules of `src/` depend on each
//! other, directly or through others. A dependency is a `crate::<module>` path outside
//! comments and outside a `#[cfg(test)] mod tests` block.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::{file_names_below, root};

/// Top-level module → the top-level modules its code names.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = std::fs::read_dir(src)
        .unwrap()
        .flatten()
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned()
        })
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph = BTreeMap::new();
    for module in &modules {
        let mut deps = BTreeSet::new();
        for file in rust_files(&src.join(module)) {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            for line in code.lines() {
                let line = line.split("//").next().unwrap();
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
    let loops: Vec<(&String, &String)> = graph
        .iter()
        .flat_map(|(m, deps)| deps.iter().map(move |d| (m, d)))
        .filter(|(m, d)| reaches(&graph, d, m))
        .collect();
    assert!(
        loops.is_empty(),
        "import loops (A -> B and B reaches A): {loops:?}\ngraph: {graph:#?}"
    );
}
