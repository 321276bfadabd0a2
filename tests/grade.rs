//! `derivcheck grade` on the class of examples/class: the table, the CSV
//! and the class page, compared with the expected ones byte for byte.

use pretty_assertions::assert_eq;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `derivcheck grade` from the repository root (the paths in the
/// table are the ones given); (exit code, stdout, stderr).
fn grade(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .current_dir(ROOT)
        .arg("grade")
        .args(args)
        .output()
        .expect("derivcheck runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join("examples/class").join(name)).unwrap()
}

/// A fresh folder under the target directory for one test's outputs.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_class_table_and_csv_are_the_expected_ones() {
    let dir = scratch("grade-class");
    let csv = dir.join("grades.csv");
    let html = dir.join("grades.html");
    let (code, stdout, stderr) = grade(&[
        "--context",
        "examples/class/assignment.deriv",
        "examples/class/submissions",
        "--csv",
        csv.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(stderr, "");
    assert_eq!(stdout, expected("expected.txt"));
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        expected("expected.csv")
    );
    // Not every goal is reached with every link verified.
    assert_eq!(code, 1);

    // The class page links each student's own report, written next to it.
    let page = std::fs::read_to_string(&html).unwrap();
    let names = [
        "alice", "bruno", "chen", "dana", "elena", "farid", "gabriel",
    ];
    for (k, name) in names.iter().enumerate() {
        let href = format!("grades/{:02}-{name}.html", k + 1);
        assert!(
            page.contains(&format!("href=\"{href}\"")),
            "{href} in {page}"
        );
        let report = std::fs::read_to_string(dir.join(&href)).unwrap();
        assert!(report.contains(&format!("{name}.")), "{href}");
    }
}

#[test]
fn the_table_as_csv_on_standard_output() {
    let (code, stdout, _) = grade(&[
        "--context",
        "examples/class/assignment.deriv",
        "--format",
        "csv",
        "examples/class/submissions",
    ]);
    assert_eq!(stdout, expected("expected.csv"));
    assert_eq!(code, 1);
}

#[test]
fn every_goal_reached_exits_0_and_errors_exit_2() {
    let (code, stdout, _) = grade(&[
        "--context",
        "examples/class/assignment.deriv",
        "examples/class/submissions/alice.md",
    ]);
    assert_eq!(code, 0, "{stdout}");
    // A context without goals, and a file that cannot be read.
    let (code, _, stderr) = grade(&[
        "--context",
        "derivations/sigmoid.txt",
        "examples/class/submissions/alice.md",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no goal"), "{stderr}");
    let (code, stdout, stderr) = grade(&[
        "--context",
        "examples/class/assignment.deriv",
        "examples/class/submissions/alice.md",
        "examples/class/submissions/nobody.md",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("nobody.md"), "{stderr}");
    assert!(stdout.contains("nobody.md  not read"), "{stdout}");
}
