//! The command line, through the built binary: arguments, exit codes, read
//! errors, formats and colour. These tests need no working verifier (a file
//! without claims is enough); tests/cli_e2e.rs covers real derivations.

use pretty_assertions::assert_eq;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");

struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Output {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs the binary with a clean colour environment, so that the tests do
/// not depend on how the test runner was started.
fn run_with(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("TERM")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the binary starts");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin).expect("stdin is writable");
    }
    let out = child.wait_with_output().expect("the binary finishes");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn run(args: &[&str]) -> Output {
    run_with(args, &[], b"")
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A scratch file for this test only.
fn scratch(name: &str, bytes: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("scratch file");
    path.to_string_lossy().into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", out.stdout))
}

#[test]
fn help_lists_the_command_and_exit_codes() {
    let out = run(&["--help"]);
    assert_eq!(out.code, Some(0));
    assert!(out.stdout.contains("verify"), "{}", out.stdout);
    assert!(out.stdout.contains("Exit codes"), "{}", out.stdout);
}

/// The subcommands a user types, which completions and the man page name.
const SUBCOMMANDS: [&str; 9] = [
    "verify",
    "report",
    "simplify",
    "diff",
    "grade",
    "watch",
    "lsp",
    "completions",
    "man",
];

#[test]
fn completions_name_every_subcommand_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.code, Some(0), "{shell}: {}", out.stderr);
        for sub in SUBCOMMANDS {
            assert!(out.stdout.contains(sub), "{shell}: no {sub}");
        }
        // Options of a subcommand too, not only the names.
        assert!(out.stdout.contains("seed"), "{shell}");
        assert!(out.stdout.contains("title"), "{shell}");
    }
    // A shell it does not know is a usage error.
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("tcsh"), "{}", out.stderr);
}

#[test]
fn man_page_is_roff_with_a_section_per_subcommand() {
    let out = run(&["man"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains(".TH derivcheck 1"), "{}", out.stdout);
    assert!(out.stdout.contains(".SH NAME"));
    for sub in SUBCOMMANDS {
        let heading = format!(".SH \"DERIVCHECK {}\"", sub.to_uppercase());
        assert!(out.stdout.contains(&heading), "no {heading}");
    }
    // The options are the parser's own.
    assert!(out.stdout.contains("\\fB\\-\\-samples\\fR"));
    assert!(out.stdout.contains("Exit codes"));
}

#[test]
fn verify_help_lists_every_option() {
    let out = run(&["verify", "--help"]);
    assert_eq!(out.code, Some(0));
    for option in [
        "--format",
        "--seed",
        "--samples",
        "--color",
        "--explain",
        "[default: 256]",
    ] {
        assert!(out.stdout.contains(option), "{option} in {}", out.stdout);
    }
}

#[test]
fn version() {
    let out = run(&["--version"]);
    assert_eq!(out.code, Some(0));
    assert_eq!(
        out.stdout,
        format!("derivcheck {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn no_arguments_prints_usage_and_exits_2() {
    let out = run(&[]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("Usage"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn verify_without_files_is_a_usage_error() {
    let out = run(&["verify"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("<FILE>"), "{}", out.stderr);
}

#[test]
fn bad_option_values_are_usage_errors() {
    let empty = fixture("empty.txt");
    for args in [
        vec!["verify", "--samples", "0", &empty],
        vec!["verify", "--samples", "many", &empty],
        vec!["verify", "--samples", "4294967295", &empty],
        vec!["verify", "--samples", "100001", &empty],
        vec!["verify", "--seed", "-1", &empty],
        vec!["verify", "--format", "xml", &empty],
        vec!["verify", "--color", "sometimes", &empty],
        vec!["verify", "--frobnicate", &empty],
        vec!["verify", "--jobs", "0", &empty],
        vec!["check", &empty],
    ] {
        let out = run(&args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.all());
        assert!(out.stderr.contains("error"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn an_empty_file_has_no_claims_and_passes() {
    let out = run(&["verify", &fixture("empty.txt")]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("no claims"), "{}", out.stdout);
    assert!(
        // The seed of an empty text: FNV-1a's offset basis.
        out.stdout
            .ends_with("✓ 1 file, no claims — seed 14695981039346656037\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn missing_file_is_named_and_exits_2() {
    let missing = scratch("present.txt", b"");
    let missing = missing.replace("present.txt", "absent-file.txt");
    let out = run(&["verify", &missing]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stdout
            .contains(&format!("cannot read {missing}: no such file or directory")),
        "{}",
        out.all()
    );
}

#[test]
fn samples_are_capped_at_100000() {
    let empty = fixture("empty.txt");
    let out = run(&["verify", "--samples", "4294967295", &empty]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("1..=100000"), "{}", out.stderr);
    let out = run(&["verify", "--samples", "100000", &empty]);
    assert_eq!(out.code, Some(0), "{}", out.all());
}

#[test]
fn read_and_write_errors_use_the_same_words() {
    let missing_dir = scratch("io-words.txt", b"").replace("io-words.txt", "no-such-dir/out.html");
    let empty = fixture("empty.txt");
    let out = run(&["report", &empty, "--html", &missing_dir]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(
        out.stderr.contains(&format!(
            "cannot write {missing_dir}: no such file or directory\n"
        )),
        "{}",
        out.stderr
    );
    // A directory where a file should be written: not the OS's own words.
    let dir = env!("CARGO_TARGET_TMPDIR");
    let out = run(&["report", &empty, "--latex", dir]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(
        out.stderr
            .contains(&format!("cannot write {dir}: is a directory, not a file\n")),
        "{}",
        out.stderr
    );
    assert!(!out.all().contains("os error"), "{}", out.all());
    let out = run(&["verify", &missing_dir]);
    assert!(
        out.stdout.contains(&format!(
            "cannot read {missing_dir}: no such file or directory"
        )),
        "{}",
        out.all()
    );
}

#[test]
fn the_first_with_line_is_line_1() {
    let out = run(&["diff", "x^2", "--wrt", "x", "--with", "p : bogus"]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("┌─ --with:1:5"), "{}", out.stderr);
    let out = run(&[
        "diff",
        "x^2",
        "--wrt",
        "x",
        "--with",
        "p : real",
        "--with",
        "q : bogus",
    ]);
    assert!(out.stderr.contains("┌─ --with:2:5"), "{}", out.stderr);
    // After a `--decl` file, `--with` lines follow its last line.
    let decl = scratch("with-after-decl.txt", b"p : real\nq : real");
    let out = run(&["simplify", "p", "--decl", &decl, "--with", "r : bogus"]);
    assert!(
        out.stderr.contains(&format!("┌─ {decl}:3:5")),
        "{}",
        out.stderr
    );
}

#[test]
fn a_directory_without_derivations_is_an_error() {
    let dir = format!("{}/no-inputs", env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(format!("{dir}/notes.rs"), "fn main() {}\n").unwrap();
    let out = run(&["verify", &dir]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stdout.contains(&format!(
            "cannot read {dir}: is a directory with no .md, .markdown, .tex, .txt or .deriv file"
        )),
        "{}",
        out.all()
    );
}

#[test]
fn a_directory_is_walked_for_derivations_and_documents() {
    let dir = format!("{}/walked", env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(format!("{dir}/deeper")).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::copy(
        format!("{root}/derivations/sigmoid.txt"),
        format!("{dir}/b.txt"),
    )
    .unwrap();
    std::fs::copy(
        format!("{root}/derivations/seed_proofs.md"),
        format!("{dir}/deeper/a.md"),
    )
    .unwrap();
    std::fs::write(format!("{dir}/ignored.rs"), "fn main() {}\n").unwrap();
    let out = run(&["verify", "--color", "never", &dir]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let a = out
        .stdout
        .find(&format!("{dir}/b.txt"))
        .expect("b.txt checked");
    let b = out
        .stdout
        .find(&format!("{dir}/deeper/a.md"))
        .expect("a.md checked");
    assert!(a < b, "sorted by path: {}", out.stdout);
    assert!(!out.stdout.contains("ignored.rs"), "{}", out.stdout);
}

#[test]
fn a_non_utf8_file_says_at_which_byte() {
    let path = scratch("latin1.txt", b"x : real\nclaim caf\xe9: x = x\n");
    let out = run(&["verify", &path]);
    assert_eq!(out.code, Some(2));
    assert!(out.stdout.contains(&path), "{}", out.stdout);
    assert!(
        out.stdout.contains("(0xe9) at byte 18 (line 2, column 10)"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_bad_file_does_not_stop_the_others() {
    let missing = format!("{}/nope.txt", env!("CARGO_TARGET_TMPDIR"));
    let empty = fixture("empty.txt");
    let no_claims = fixture("no_claims.txt");
    let out = run(&["verify", &empty, &missing, &no_claims]);
    assert_eq!(out.code, Some(2));
    let (a, b, c) = (
        out.stdout.find(&empty),
        out.stdout.find(&missing),
        out.stdout.find(&no_claims),
    );
    assert!(a.is_some() && b.is_some() && c.is_some(), "{}", out.stdout);
    assert!(
        a < b && b < c,
        "files are reported in order: {}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("3 files, no claims — 1 file unreadable"),
        "{}",
        out.stdout
    );
}

#[test]
fn standard_input_is_read_for_a_dash() {
    let out = run_with(&["verify", "-"], &[], b"x : real\n");
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.starts_with("<stdin>\n"), "{}", out.stdout);
}

#[test]
fn json_report_has_the_documented_fields() {
    let empty = fixture("empty.txt");
    let out = run(&[
        "verify",
        "--format",
        "json",
        "--seed",
        "42",
        "--samples",
        "10",
        &empty,
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let v = json(&out);
    assert_eq!(v["schema"], 1);
    assert_eq!(v["options"]["seed"], 42);
    assert_eq!(v["options"]["samples"], 10);
    assert_eq!(v["files"][0]["path"], empty.as_str());
    assert_eq!(v["files"][0]["status"], "verified");
    assert!(v["files"][0]["claims"].is_array());
    assert!(v["files"][0]["errors"].is_array());
    assert_eq!(v["summary"]["exit_code"], 0);
    assert_eq!(v["summary"]["files"], 1);
    for key in ["total", "verified", "failed", "error"] {
        assert_eq!(v["summary"]["claims"][key], 0, "{key}");
    }
    for key in [
        "total",
        "proved",
        "holds",
        "false",
        "undefined",
        "inconclusive",
        "error",
    ] {
        assert_eq!(v["summary"]["links"][key], 0, "{key}");
    }
}

#[test]
fn json_keeps_stdout_clean_and_reports_read_errors_in_both_places() {
    let missing = format!("{}/gone.txt", env!("CARGO_TARGET_TMPDIR"));
    let out = run(&[
        "verify",
        "--format",
        "json",
        &missing,
        &fixture("empty.txt"),
    ]);
    assert_eq!(out.code, Some(2));
    let v = json(&out);
    assert_eq!(v["files"][0]["path"], missing.as_str());
    assert_eq!(v["files"][0]["status"], "error");
    assert_eq!(v["files"][0]["errors"][0]["kind"], "read");
    assert_eq!(v["files"][1]["status"], "verified");
    assert_eq!(v["summary"]["unreadable_files"], 1);
    assert_eq!(v["summary"]["exit_code"], 2);
    assert!(out.stderr.contains(&missing), "{}", out.stderr);
    assert!(!out.stdout.contains('\x1b'));
}

#[test]
fn json_reports_the_byte_of_bad_utf8() {
    let path = scratch("bad-json.txt", b"ab\xff");
    let out = run(&["verify", "--format", "json", &path]);
    assert_eq!(out.code, Some(2));
    let err = &json(&out)["files"][0]["errors"][0];
    assert_eq!(err["byte"], 2);
    assert_eq!(err["line"], 1);
    assert_eq!(err["col"], 3);
}

#[test]
fn no_colour_into_a_pipe_or_with_no_color() {
    let missing = format!("{}/absent.txt", env!("CARGO_TARGET_TMPDIR"));
    let empty = fixture("empty.txt");
    for (args, env) in [
        (vec!["verify", &empty, &missing], vec![]),
        (
            vec!["verify", "--color", "auto", &empty, &missing],
            vec![("NO_COLOR", "1")],
        ),
        (vec!["verify", "--color", "never", &empty, &missing], vec![]),
        (
            vec!["verify", "--color", "never", &empty, &missing],
            vec![("TERM", "xterm-256color")],
        ),
    ] {
        let out = run_with(&args, &env, b"");
        assert!(
            !out.all().contains('\x1b'),
            "{args:?} {env:?}: {}",
            out.all()
        );
    }
}

#[test]
fn a_false_step_is_coloured_only_when_asked() {
    let false_link = fixture("e2e/false_link.txt");
    let plain = run_with(&["verify", &false_link], &[("NO_COLOR", "1")], b"");
    assert_eq!(plain.code, Some(1), "{}", plain.all());
    assert!(!plain.stdout.contains('\x1b'), "{}", plain.stdout);
    assert!(
        plain
            .stdout
            .contains("= diagnosis: the right side misses 2 * x"),
        "{}",
        plain.stdout
    );
    let coloured = run_with(&["verify", "--color", "always", &false_link], &[], b"");
    assert!(
        coloured.stdout.contains("\x1b[1;31mfalse\x1b[0m"),
        "{}",
        coloured.stdout
    );
    // Colour adds escape codes and nothing else.
    let mut stripped = String::new();
    let mut chars = coloured.stdout.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            stripped.push(c);
        }
    }
    assert_eq!(stripped, plain.stdout);
}

#[test]
fn colour_always_colours_even_with_no_color() {
    let missing = format!("{}/absent.txt", env!("CARGO_TARGET_TMPDIR"));
    for env in [vec![], vec![("NO_COLOR", "1")]] {
        let out = run_with(&["verify", "--color", "always", &missing], &env, b"");
        assert!(
            out.stdout.contains("\x1b[1;31merror\x1b[0m"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn same_seed_same_output() {
    let files = [fixture("no_claims.txt"), fixture("empty.txt")];
    for format in ["text", "json"] {
        let args = [
            "verify", "--format", format, "--seed", "9", &files[0], &files[1],
        ];
        let (a, b) = (run(&args), run(&args));
        assert_eq!(a.stdout, b.stdout);
        assert_eq!(a.code, b.code);
    }
}

#[test]
fn read_errors_win_over_success() {
    let missing = format!("{}/absent.txt", env!("CARGO_TARGET_TMPDIR"));
    let out = run(&["verify", &fixture("no_claims.txt"), &missing]);
    assert_eq!(out.code, Some(2));
    let out = run(&["verify", &fixture("no_claims.txt")]);
    assert_eq!(out.code, Some(0));
}

#[test]
fn quiet_leaves_out_verified_files() {
    let empty = fixture("empty.txt");
    let missing = format!("{}/quiet-absent.txt", env!("CARGO_TARGET_TMPDIR"));
    let out = run(&["verify", "--quiet", &empty, &missing]);
    assert_eq!(out.code, Some(2));
    assert!(!out.stdout.contains(&empty), "{}", out.stdout);
    assert!(out.stdout.contains(&missing), "{}", out.stdout);
    let out = run(&["verify", "-q", &empty]);
    assert_eq!(out.code, Some(0));
    assert_eq!(
        out.stdout,
        "✓ 1 file, no claims — seed 14695981039346656037\n"
    );
}

#[test]
fn the_number_of_jobs_does_not_change_the_report() {
    let missing = format!("{}/jobs-absent.txt", env!("CARGO_TARGET_TMPDIR"));
    let bad = scratch("jobs-bad.txt", b"\xff");
    let files = [
        fixture("no_claims.txt"),
        missing,
        fixture("empty.txt"),
        bad,
        fixture("no_claims.txt"),
    ];
    let mut args = vec!["verify", "--jobs", "1"];
    args.extend(files.iter().map(String::as_str));
    let one = run(&args);
    args[2] = "4";
    let four = run(&args);
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(one.code, Some(2));
    assert_eq!(four.code, Some(2));
    let positions: Vec<Option<usize>> = files.iter().map(|f| one.stdout.find(f.as_str())).collect();
    assert!(positions.iter().all(Option::is_some), "{}", one.stdout);
    assert!(
        positions.windows(2).take(3).all(|w| w[0] < w[1]),
        "{}",
        one.stdout
    );
}

#[test]
fn every_dash_gets_the_same_standard_input() {
    let out = run_with(&["verify", "--format", "json", "-", "-"], &[], b"\xff");
    assert_eq!(out.code, Some(2));
    let v = json(&out);
    for i in 0..2 {
        assert_eq!(v["files"][i]["path"], "<stdin>");
        assert_eq!(v["files"][i]["errors"][0]["byte"], 0, "{}", out.stdout);
    }
}

#[test]
fn a_context_file_declares_for_every_document_and_reports_its_own_errors() {
    let dir = format!("{}/context", env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        format!("{dir}/hw.deriv"),
        "z : vector[n]\nlet q = softmax(z)\n",
    )
    .unwrap();
    std::fs::write(format!("{dir}/bad.deriv"), "z : vector[n\n").unwrap();
    std::fs::write(format!("{dir}/s.md"), "# HW\n\n$$ \\sum_i q_i = 1 $$\n").unwrap();
    let ctx = format!("{dir}/hw.deriv");
    let doc = format!("{dir}/s.md");
    let out = run(&["verify", "--color", "never", "--context", &ctx, &doc]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(!out.stdout.contains("hw.deriv"), "{}", out.stdout);
    // Without it, `q` is only assumed to be a vector: the step is false.
    let out = run(&["verify", "--color", "never", &doc]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    let bad = format!("{dir}/bad.deriv");
    let out = run(&["verify", "--color", "never", "--context", &bad, &doc]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(
        out.stdout.contains(&format!("{bad}:1:13")),
        "{}",
        out.stdout
    );
}

#[test]
fn standard_input_is_read_as_markdown_when_asked() {
    let md = b"```derivcheck\nt : real\n```\n\n$$ \\frac{d}{dt} t^2 = 2t = t $$\n";
    let out = run_with(
        &["verify", "--color", "never", "--input", "md", "-"],
        &[],
        md,
    );
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.stdout.contains("5:23  = 2t  proved"), "{}", out.stdout);
    assert!(out.stdout.contains("5:28  = t   false"), "{}", out.stdout);
}

#[test]
fn inline_equalities_are_checked_only_with_inline() {
    let md = b"# HW\n\nSince $x^2 = x \\cdot x + 1$ we are done, for $x$ real.\n";
    let plain = run_with(
        &["verify", "--color", "never", "--input", "md", "-"],
        &[],
        md,
    );
    assert_eq!(plain.code, Some(0), "{}", plain.all());
    assert!(!plain.stdout.contains("false"), "{}", plain.stdout);
    let inline = run_with(
        &[
            "verify", "--color", "never", "--inline", "--input", "md", "-",
        ],
        &[],
        md,
    );
    assert_eq!(inline.code, Some(1), "{}", inline.all());
    assert!(inline.stdout.contains("3:14"), "{}", inline.stdout);
    assert!(inline.stdout.contains("false"), "{}", inline.stdout);
    // `$x$` holds no `=`: it names, and is never a chain.
    let out = run_with(
        &[
            "verify", "--format", "json", "--inline", "--input", "md", "-",
        ],
        &[],
        md,
    );
    let v = json(&out);
    assert_eq!(v["files"][0]["claims"].as_array().map(Vec::len), Some(1));
}

#[test]
fn an_error_in_a_chain_is_reported_once_at_its_line() {
    let file = scratch(
        "error-once.deriv",
        b"x : real\nclaim c: x * 2 = x + x\n    x * 2\n  = x + x\n  = foo(x) + x\n  = 2 * x\n  = x + x\n",
    );
    let out = run(&["verify", "--color", "never", &file]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert_eq!(
        out.stdout.matches("unknown function `foo`").count(),
        1,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("5:3  = foo(x) + x  error"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("not checked: its left side (line 5) has the error reported there"),
        "{}",
        out.stdout
    );
    // The rows after it that can be checked keep their own verdicts.
    assert!(
        out.stdout.contains("4:3  = x + x       proved"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("7:3  = x + x       proved"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_context_files_parts_are_checked_on_their_own() {
    let ctx = scratch(
        "parts-context.deriv",
        b"x : real\npart a \"Part a)\":\n    x : vector[n]\n    let y = foo(x)\nend\n",
    );
    let doc = scratch(
        "parts-doc.md",
        b"# Part a)\n\n$$ \\sum_i x_i = \\sum_k x_k $$\n",
    );
    let out = run(&["verify", "--color", "never", "--context", &ctx, &doc]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(
        out.stdout.contains(&format!("{ctx}:4:13")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("unknown function `foo`"),
        "{}",
        out.stdout
    );
}

/// The pre-commit hooks' entries are commands this binary accepts: each
/// passes a good derivation and fails a wrong one.
#[test]
fn pre_commit_hook_entries_run() {
    let hooks = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .expect(".pre-commit-hooks.yaml");
    let entries: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry: derivcheck "))
        .collect();
    assert_eq!(entries.len(), 2, "{hooks}");
    let root = env!("CARGO_MANIFEST_DIR");
    for entry in entries {
        let mut args: Vec<String> = entry.split_whitespace().map(String::from).collect();
        args.push(format!("{root}/derivations/sigmoid.txt"));
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&argv);
        assert_eq!(out.code, Some(0), "{entry}: {}", out.all());
        *args.last_mut().expect("a file") = format!("{root}/derivations/mistakes/lost_sign.txt");
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(run(&argv).code, Some(1), "{entry}");
    }
}

/// The committed workflow checks the derivations with derivcheck.
#[test]
fn the_workflow_checks_the_derivations() {
    let workflow = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.github/workflows/derivations.yml"
    ))
    .expect("the workflow");
    assert!(workflow.contains("derivcheck verify --format github derivations/*.txt"));
    assert!(workflow.contains("derivations/mistakes/"));
}
