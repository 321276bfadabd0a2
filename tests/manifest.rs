//! The package as others see it: the declared minimum Rust version is at
//! least what the locked dependencies declare they need, the licence files
//! the manifest names are there, and the published file list holds what a
//! build needs and nothing of the working tree's.
//!
//! Only one toolchain is at hand where this runs, so the MSRV check is not
//! a build with the old compiler: it checks that `rust-version` is no lower
//! than the newest `rust-version` of any dependency the command line
//! compiles (the locked versions). The code's own side is clippy's
//! `incompatible_msrv` lint, which reads the same `rust-version`
//! (docs/cli.md, "Minimum Rust version").

use serde_json::Value;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(ROOT);
    cmd
}

fn host() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc).arg("-vV").output().expect("rustc runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}

/// `1.91` or `1.91.0` as (1, 91, 0).
fn version(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().expect("a number"));
    let major = parts.next().expect("a major version");
    (major, parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

fn metadata() -> Value {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host()])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

#[test]
fn rust_version_covers_every_locked_dependency() {
    let meta = metadata();
    let packages = meta["packages"].as_array().expect("packages");
    let by_id = |id: &str| {
        packages
            .iter()
            .find(|p| p["id"] == id)
            .expect("a package of the graph")
    };
    let root = meta["resolve"]["root"].as_str().expect("a root package");
    let declared = by_id(root)["rust_version"]
        .as_str()
        .expect("Cargo.toml declares rust-version");
    let declared = version(declared);
    // Walk the normal and build dependencies of the default features (what
    // `cargo install derivcheck` compiles), not the dev-dependencies.
    let nodes = meta["resolve"]["nodes"].as_array().expect("nodes");
    let mut seen = vec![root.to_string()];
    let mut todo = vec![root.to_string()];
    let mut newest = ((0, 0, 0), String::new());
    while let Some(id) = todo.pop() {
        let node = nodes
            .iter()
            .find(|n| n["id"] == id.as_str())
            .expect("a node");
        for dep in node["deps"].as_array().expect("deps") {
            let built = dep["dep_kinds"]
                .as_array()
                .expect("dep_kinds")
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            let pkg = dep["pkg"].as_str().expect("pkg").to_string();
            if built && !seen.contains(&pkg) {
                seen.push(pkg.clone());
                todo.push(pkg);
            }
        }
        let p = by_id(&id);
        if let Some(v) = p["rust_version"].as_str() {
            if version(v) > newest.0 {
                newest = (version(v), format!("{} {}", p["name"], p["version"]));
            }
        }
    }
    assert!(seen.len() > 20, "the graph was walked: {seen:?}");
    assert!(
        declared >= newest.0,
        "rust-version {declared:?} is older than {} needs ({:?})",
        newest.1,
        newest.0
    );
}

#[test]
fn the_licences_the_manifest_names_are_there() {
    let manifest = std::fs::read_to_string(format!("{ROOT}/Cargo.toml")).expect("Cargo.toml");
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    let mit = std::fs::read_to_string(format!("{ROOT}/LICENSE-MIT")).expect("LICENSE-MIT");
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = std::fs::read_to_string(format!("{ROOT}/LICENSE-APACHE")).expect("LICENSE-APACHE");
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
}

#[test]
fn the_package_lists_sources_and_licences_and_no_working_files() {
    let out = cargo()
        .args([
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "--locked",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo package --list failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8(out.stdout).expect("utf-8");
    let files: Vec<&str> = list.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/lib.rs",
        "src/main.rs",
    ] {
        assert!(files.contains(&needed), "{needed} not packaged:\n{list}");
    }
    for f in &files {
        assert!(
            !(f.starts_with("target/")
                || f.starts_with("fuzz/")
                || f.starts_with("scripts/")
                || f.starts_with("editors/")
                || f.starts_with(".ci/")
                || f.starts_with("tests/consumer/")),
            "{f} should not be packaged"
        );
    }
    // Nothing cargo warns about (a missing field, a file it cannot read).
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
}
