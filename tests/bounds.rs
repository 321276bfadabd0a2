//! Issue 14 through the command line: a report is a function of the input
//! and the seed alone (not of the path's spelling, the working directory
//! or the machine's load), the seed is in every report, and every input
//! gets an answer within bounds — limits give clear messages, never a hang.
//!
//! These tests assert verdicts and messages, never times: the release
//! binary's times are measured by `scripts/reliability.sh`.

use pretty_assertions::assert_eq;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("bounds-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The JSON report with each file's path (the one thing that may differ)
/// replaced, as text: the rest must match byte for byte.
fn without_paths(json: &str) -> String {
    let mut v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    for f in v["files"].as_array_mut().expect("files") {
        f["path"] = Value::from("P");
    }
    serde_json::to_string_pretty(&v).expect("JSON")
}

#[test]
fn reports_do_not_depend_on_the_path_the_directory_or_the_load() {
    let dir = scratch("paths");
    std::fs::create_dir_all(dir.join("p1")).unwrap();
    // Holds links (sample counts), a false link (counterexample and
    // diagnosis) and proved ones.
    let files = [
        "derivations/softmax.txt",
        "derivations/mistakes/lost_sign.txt",
        "tests/claims/cancellation_traps.txt",
    ];
    for f in files {
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(root().join(f), dir.join("p1").join(name)).unwrap();
    }
    for f in files {
        let name = Path::new(f).file_name().unwrap().to_str().unwrap();
        let abs = dir.join("p1").join(name);
        let spellings: [(PathBuf, String); 4] = [
            (dir.clone(), format!("p1/{name}")),
            (dir.clone(), format!("./p1/{name}")),
            (dir.join("p1"), name.to_string()),
            (root(), abs.to_string_lossy().into_owned()),
        ];
        let reports: Vec<String> = spellings
            .iter()
            .map(|(cwd, path)| {
                let r = run_in(cwd, &["verify", "--format", "json", path]);
                assert!(matches!(r.code, Some(0 | 1)), "{path}: {}", r.stderr);
                without_paths(&r.stdout)
            })
            .collect();
        for (k, r) in reports.iter().enumerate().skip(1) {
            assert_eq!(&reports[0], r, "{name} as {:?}", spellings[k]);
        }
        // Under load: several runs at once, each on several threads.
        let children: Vec<_> = (0..4)
            .map(|_| {
                Command::new(BIN)
                    .args(["verify", "--format", "json", "-j", "3"])
                    .arg(&abs)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("the binary starts")
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("the binary ends");
            assert_eq!(
                reports[0],
                without_paths(&String::from_utf8_lossy(&out.stdout)),
                "{name} under load"
            );
        }
    }
}

#[test]
fn the_seed_is_in_every_report_format() {
    let dir = scratch("seed");
    let text = "x : real\nclaim c: exp(x) exp(-x) = 1 + 0 x\nclaim d: x^2 = x x\n";
    std::fs::write(dir.join("a.txt"), text).unwrap();
    let json = run_in(&dir, &["verify", "--format", "json", "a.txt"]);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let seed = v["files"][0]["seed"].as_u64().expect("a seed per file");
    assert_eq!(v["options"]["seed"], Value::Null);
    // The same text elsewhere, under another name: the same seed.
    std::fs::write(dir.join("b.txt"), text).unwrap();
    let b = run_in(&dir, &["verify", "--format", "json", "b.txt"]);
    let vb: Value = serde_json::from_str(&b.stdout).unwrap();
    assert_eq!(vb["files"][0]["seed"].as_u64(), Some(seed));

    let said = format!("seed {seed}");
    let text_report = run_in(&dir, &["verify", "a.txt"]);
    assert!(
        text_report
            .stdout
            .trim_end()
            .ends_with(&format!("— {said}")),
        "{}",
        text_report.stdout
    );
    let github = run_in(&dir, &["verify", "--format", "github", "a.txt"]);
    assert!(github.stdout.contains(&said), "{}", github.stdout);
    for format in ["--html", "--latex"] {
        let r = run_in(&dir, &["report", format, "-", "a.txt"]);
        assert!(r.stdout.contains(&said), "{format}: {}", r.stdout);
    }
    let junit = run_in(&dir, &["verify", "--format", "junit", "a.txt"]);
    assert!(
        junit
            .stdout
            .contains(&format!("<property name=\"seed\" value=\"{seed}\"/>")),
        "{}",
        junit.stdout
    );
    // `--seed` reproduces the report, and is what the reports then say.
    let again = run_in(
        &dir,
        &[
            "verify",
            "--format",
            "json",
            "--seed",
            &seed.to_string(),
            "a.txt",
        ],
    );
    let va: Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(va["files"], v["files"]);
    let seven = run_in(&dir, &["verify", "--seed", "7", "a.txt", "b.txt"]);
    assert!(
        seven.stdout.trim_end().ends_with("— seed 7"),
        "{}",
        seven.stdout
    );
    // Different texts, different seeds: the summary says so.
    std::fs::write(dir.join("c.txt"), "x : real\nclaim c: x = x\n").unwrap();
    let two = run_in(&dir, &["verify", "a.txt", "c.txt"]);
    assert!(
        two.stdout
            .trim_end()
            .ends_with("— a seed per file, from its contents"),
        "{}",
        two.stdout
    );
}

#[test]
fn standard_input_is_read_with_a_limit() {
    // `yes 'x : real' | derivcheck verify -` must stop, not grow.
    let mut child = Command::new(BIN)
        .args(["verify", "-"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let line = b"x : real\n".repeat(1 << 16);
        // Endless, as `yes` is: the reader's end closing stops it.
        while stdin.write_all(&line).is_ok() {}
    });
    let out = child.wait_with_output().expect("the binary ends");
    writer.join().expect("the writer ends");
    let all =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(
        all.contains("<stdin>") && all.contains("is larger than the input size limit of 64 MiB"),
        "{all}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_an_error_naming_the_limit() {
    let dir = scratch("big");
    let big = std::fs::File::create(dir.join("big.txt")).unwrap();
    // Sparse: no 65 MiB written.
    big.set_len(65 << 20).unwrap();
    std::fs::write(dir.join("ok.txt"), "x : real\nclaim c: x = x\n").unwrap();
    let r = run_in(&dir, &["verify", "big.txt", "ok.txt"]);
    assert_eq!(r.code, Some(2), "{}{}", r.stdout, r.stderr);
    let all = r.stdout + &r.stderr;
    assert!(
        all.contains("big.txt") && all.contains("is larger than the input size limit of 64 MiB"),
        "{all}"
    );
    // The other file is still checked.
    assert!(all.contains("1 claim: 1 verified"), "{all}");
}

#[test]
fn a_huge_job_count_is_capped_and_says_so() {
    let r = run_in(
        &root(),
        &["verify", "-j", "100000", "derivations/sigmoid.txt"],
    );
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("4 claims: 4 verified"), "{}", r.stdout);
    let help = run_in(&root(), &["verify", "--help"]);
    assert!(help.stdout.contains("At most 4 per CPU"), "{}", help.stdout);
}

/// `exp(z1) op exp(z2) op … exp(zn)` over declared scalars.
fn flat(n: usize, op: &str, reversed: bool) -> String {
    let mut terms: Vec<String> = (1..=n).map(|k| format!("exp(z{k})")).collect();
    if reversed {
        terms.reverse();
    }
    terms.join(op)
}

#[test]
fn flat_sums_of_thousands_of_terms_read_and_are_proved() {
    let dir = scratch("flat");
    let n = 2000;
    let decls: String = (1..=n).map(|k| format!("z{k} : real\n")).collect();
    let text = format!(
        "{decls}claim sum: {} = {}\nclaim wrong: {} = {} + 1\n",
        flat(n, " + ", false),
        flat(n, " + ", true),
        flat(n, "+", false),
        flat(n, "+", true),
    );
    std::fs::write(dir.join("flat.txt"), text).unwrap();
    let r = run_in(&dir, &["verify", "--format", "json", "flat.txt"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    let verdicts: Vec<&str> = v["files"][0]["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["proved", "false"], "{}", r.stdout.len());
}

#[test]
fn the_issues_deep_lets_are_answered_not_left_hanging() {
    // The issue's 2.6 KB file: f nested 60 deep in each of 12 lets, a
    // fourth derivative of the last claimed equal to itself plus 0.
    let dir = scratch("deep");
    let mut text = String::from("t : real\nf(t) := sin(t) + cos(t)\n");
    let mut prev = "t".to_string();
    for k in 1..=12 {
        text.push_str(&format!(
            "let g{k} = {}{prev}{}\n",
            "f(".repeat(60),
            ")".repeat(60)
        ));
        prev = format!("g{k}");
    }
    text.push_str("claim deep: d/dt d/dt d/dt d/dt g12 = d/dt d/dt d/dt d/dt g12 + 0\n");
    std::fs::write(dir.join("deep.txt"), &text).unwrap();
    let r = run_in(&dir, &["verify", "--format", "json", "deep.txt"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    let step = &v["files"][0]["claims"][0]["steps"][0];
    // The sides are one expression up to `+ 0`, found without the
    // canonical form of the fourth derivative (out of reach); a proof
    // once samples show the sides defined, else a limit, said.
    let verdict = step["verdict"].as_str().unwrap();
    match verdict {
        "proved" => assert_eq!(r.code, Some(0)),
        "inconclusive" => {
            let m = step["message"].as_str().unwrap();
            assert!(
                m.contains("budget") && m.contains("one expression up to + 0"),
                "{m}"
            );
        }
        _ => panic!("{step}"),
    }
}

#[test]
fn sides_equal_up_to_zero_and_one_are_proved_only_where_defined() {
    let dir = scratch("units");
    let text = "x : real\n\
                claim same: exp(x) = 1 * exp(x) + 0\n\
                claim nowhere: log(-1 - x^2) = log(-1 - x^2) + 0\n";
    std::fs::write(dir.join("u.txt"), text).unwrap();
    let r = run_in(&dir, &["verify", "--format", "json", "u.txt"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    let verdicts: Vec<&str> = v["files"][0]["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["steps"][0]["verdict"].as_str().unwrap())
        .collect();
    // Defined nowhere: never proved, whatever its form.
    assert_eq!(verdicts, ["proved", "undefined"], "{}", r.stdout);
}

#[test]
fn a_let_chain_past_the_nesting_limit_is_a_located_error() {
    // The issue's 400-line scalar let chain.
    let dir = scratch("let-chain");
    let mut text = String::from("x : real\nlet a0 = x\n");
    for k in 1..400 {
        text.push_str(&format!("let a{k} = sin(a{}) + a{}\n", k - 1, k - 1));
    }
    text.push_str("claim chain: d/dx a399 = d/dx a399 + 0\n");
    std::fs::write(dir.join("chain.txt"), &text).unwrap();
    let r = run_in(&dir, &["verify", "chain.txt"]);
    assert_eq!(r.code, Some(2), "{}{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("chain.txt:258:5"), "{all}");
    assert!(all.contains("nested more than 256 levels"), "{all}");
    assert!(!all.contains("panicked"), "{all}");
}
