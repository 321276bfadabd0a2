//! The architecture invariants of ARCHITECTURE.md that can be read off the
//! sources: which top-level modules import which, and where files are read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every library source file that is not a test file, with its top-level
/// module and its text up to its `#[cfg(test)] mod tests {` block.
fn library_sources() -> Vec<(String, PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_string();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let is_test = rel.split('/').any(|part| part == "tests")
                || stem.ends_with("tests")
                || matches!(stem.as_str(), "testkit" | "testdata" | "e2e");
            if !rel.ends_with(".rs") || is_test || top == "main" || top == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file is UTF-8");
            let code = match text.find("#[cfg(test)]\nmod tests {") {
                Some(k) => text[..k].to_string(),
                None => text,
            };
            out.push((top, path, code));
        }
    }
    out.sort();
    out
}

/// Top-level module → the top-level modules its code names as `crate::x`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (top, _, code) in library_sources() {
        let deps = graph.entry(top.clone()).or_default();
        for line in code.lines() {
            let line = line.split("//").next().unwrap_or("");
            for (k, _) in line.match_indices("crate::") {
                let name: String = line[k + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                // `crate::verify_source` and the like are items of lib.rs.
                let is_module = name.chars().next().is_some_and(char::is_lowercase)
                    && Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("src")
                        .join(&name)
                        .with_extension("rs")
                        .exists()
                    || Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("src")
                        .join(&name)
                        .is_dir();
                if is_module && name != top {
                    deps.insert(name);
                }
            }
        }
    }
    graph
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    false
}

#[test]
fn the_module_imports_form_no_cycle() {
    let graph = imports();
    assert!(graph.len() > 10, "{graph:?}");
    for module in graph.keys() {
        assert!(
            !reaches(&graph, module, module),
            "{module} imports itself through {graph:#?}"
        );
    }
}

#[test]
fn the_witnesses_never_import_each_other() {
    let graph = imports();
    let allowed = |module: &str, deps: &[&str]| {
        let got = &graph[module];
        let extra: Vec<_> = got.iter().filter(|d| !deps.contains(&d.as_str())).collect();
        assert!(extra.is_empty(), "{module} imports {extra:?}");
    };
    allowed("numeric", &["expr", "fnv", "parallel"]);
    allowed("canon", &["expr", "parallel", "diff"]);
    allowed("diff", &["expr", "parallel", "canon"]);
    // The reading sees imports where they are.
    assert!(graph["verify"].contains("numeric") && graph["verify"].contains("canon"));
}

#[test]
fn only_input_reads_files() {
    let mut readers = Vec::new();
    for (top, path, code) in library_sources() {
        let reads = ["fs::read", "File::open", "read_to_end", "read_to_string"]
            .iter()
            .any(|call| code.contains(call));
        if reads && top != "input" {
            readers.push(path);
        }
    }
    assert!(
        readers.is_empty(),
        "files read outside input.rs: {readers:?}"
    );
}
