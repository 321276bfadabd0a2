//! The library without the command line: with default features off,
//! derivcheck's own dependencies hold neither clap, mimalloc, lsp-server,
//! lsp-types nor notify (the command line's) nor proptest and the
//! dashu crates (the test suite's: the soundness fuzzer's oracle). `scripts/check-consumer.sh` builds a crate that uses it that
//! way; this test reads the tree.

use std::process::Command;

fn library_tree(features: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "tree",
        "--locked",
        "--offline",
        "-p",
        "derivcheck",
        "-e",
        "normal,build",
        "--prefix",
        "none",
        "--no-default-features",
    ]);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let out = cmd.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn crates(tree: &str) -> Vec<&str> {
    tree.lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[test]
fn the_library_alone_needs_no_command_line_or_test_crates() {
    let tree = library_tree(&[]);
    let names = crates(&tree);
    assert!(names.contains(&"derivcheck"), "{tree}");
    assert!(names.contains(&"nom"), "{tree}");
    for unwanted in [
        "clap",
        "mimalloc",
        "libmimalloc-sys",
        "proptest",
        "dashu-float",
        "dashu-int",
        "lsp-server",
        "lsp-types",
        "notify",
    ] {
        assert!(!names.contains(&unwanted), "{unwanted} in:\n{tree}");
    }
}

#[test]
fn the_command_line_brings_clap_and_mimalloc() {
    // The same reading sees them when they are there, so the test above
    // can fail.
    let names_tree = library_tree(&["cli", "mimalloc"]);
    let names = crates(&names_tree);
    assert!(names.contains(&"clap"), "{names_tree}");
    // `cli` brings the language server's and the watcher's crates.
    assert!(names.contains(&"lsp-server"), "{names_tree}");
    assert!(names.contains(&"notify"), "{names_tree}");
    assert!(names.contains(&"mimalloc"), "{names_tree}");
}
