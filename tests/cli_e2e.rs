//! End-to-end tests of the command line on real derivations, through the
//! whole pipeline.

use pretty_assertions::assert_eq;
use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");

/// Runs the binary from the crate root, without colour unless asked.
fn run(args: &[&str]) -> (i32, String, String) {
    let out: Output = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("TERM")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["verify", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(&all);
    let v = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\n{stderr}"));
    (code, v)
}

const VERIFIED: &str = "tests/fixtures/e2e/verified.txt";
const FALSE_LINK: &str = "tests/fixtures/e2e/false_link.txt";
const CLAIM_ERROR: &str = "tests/fixtures/e2e/claim_error.txt";
const SYNTAX_ERROR: &str = "tests/fixtures/e2e/syntax_error.txt";

#[test]
fn a_verified_file_exits_0_and_lists_every_link() {
    let (code, stdout, stderr) = run(&["verify", VERIFIED]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("✓ double"), "{stdout}");
    assert!(stdout.contains("✓ square"), "{stdout}");
    assert!(stdout.contains("# definition of the square"), "{stdout}");
    assert!(stdout.contains("# expand"), "{stdout}");
    assert!(stdout.contains("= (x + c) (x + c)"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.trim_start().starts_with("8:")),
        "line 8 is shown: {stdout}"
    );
    assert!(stdout.contains("1 file, 2 claims: 2 verified"), "{stdout}");
}

#[test]
fn a_false_link_exits_1_with_a_counterexample_at_its_line() {
    let (code, stdout, _) = run(&["verify", FALSE_LINK]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("✗ binomial  false"), "{stdout}");
    // rustc-style: the step underlined in its line, the counterexample and
    // the diagnosis as notes.
    assert!(
        stdout.contains(&format!(
            "error: this step is false\n             ┌─ {FALSE_LINK}:7:3\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "7 │   = x^2 + 1                   # expand (wrongly)\n             │   ^^^^^^^^^\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("= counterexample\n"), "{stdout}");
    assert!(stdout.contains("  left  = "), "{stdout}");
    assert!(stdout.contains("  right = "), "{stdout}");
    assert!(
        stdout.contains("= diagnosis: the right side misses 2 * x\n"),
        "{stdout}"
    );

    let (code, v) = json(&[FALSE_LINK]);
    assert_eq!(code, 1);
    let steps = &v["files"][0]["claims"][0]["steps"];
    assert!(
        steps[0]["verdict"] == "proved" || steps[0]["verdict"] == "holds",
        "{steps}"
    );
    assert_eq!(steps[1]["verdict"], "false");
    assert_eq!(steps[1]["line"], 7);
    assert_eq!(steps[1]["justification"], "expand (wrongly)");
    let cx = &steps[1]["counterexample"];
    assert!(cx["values"]["x"].is_number(), "{cx}");
    assert_ne!(cx["lhs"], cx["rhs"]);
    assert_eq!(steps[1]["diagnosis"], "the right side misses 2 * x");
}

#[test]
fn explain_names_the_rules_under_proved_links_only() {
    let (code, stdout, _) = run(&["verify", "--explain", FALSE_LINK]);
    assert_eq!(code, 1, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let proved = lines
        .iter()
        .position(|l| l.contains("= (x + 1) (x + 1)  proved"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(
        lines.get(proved + 1).map(|l| l.trim()),
        Some("rules: expand products, integer power"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("rules:").count(), 1, "{stdout}");

    let (_, plain, _) = run(&["verify", FALSE_LINK]);
    assert!(!plain.contains("rules:"), "{plain}");
}

#[test]
fn an_error_in_one_claim_leaves_the_others_checked() {
    let (code, stdout, _) = run(&["verify", CLAIM_ERROR]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("✗ typo  error"), "{stdout}");
    assert!(stdout.contains(&format!("┌─ {CLAIM_ERROR}:4:")), "{stdout}");
    assert!(stdout.contains('^'), "the span is underlined: {stdout}");
    assert!(stdout.contains("✓ fine"), "{stdout}");

    let (code, v) = json(&[CLAIM_ERROR]);
    assert_eq!(code, 2);
    let claims = &v["files"][0]["claims"];
    assert_eq!(claims[0]["status"], "error");
    assert!(claims[0]["steps"][0]["message"].is_string());
    assert_eq!(claims[1]["status"], "verified");
    assert_eq!(v["summary"]["claims"]["error"], 1);
    assert_eq!(v["summary"]["claims"]["verified"], 1);
}

#[test]
fn a_claim_whose_chain_does_not_parse_is_never_verified() {
    let file = "tests/fixtures/e2e/broken_chain.txt";
    let (code, stdout, _) = run(&["verify", file]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("✗ c9  error"), "{stdout}");
    assert!(stdout.contains("✗ c10  error"), "{stdout}");
    assert!(stdout.contains("✓ fine"), "{stdout}");
    assert!(stdout.contains(&format!("┌─ {file}:5:3")), "{stdout}");
    assert!(stdout.contains(&format!("┌─ {file}:11:7")), "{stdout}");
    assert!(
        stdout.contains("3 claims: 1 verified, 2 with errors"),
        "{stdout}"
    );

    let (code, v) = json(&[file]);
    assert_eq!(code, 2);
    let f = &v["files"][0];
    assert_eq!(f["errors"].as_array().map(Vec::len), Some(0), "{f}");
    let c9 = &f["claims"][0];
    assert_eq!(c9["status"], "error");
    assert_eq!(c9["steps"][0]["line"], 5);
    assert_eq!(c9["steps"][0]["justification"], "restated");
    assert!(c9["steps"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("expected `=`")));
    // The steps around the broken continuation are still checked.
    let c10 = &f["claims"][1]["steps"];
    assert_eq!(c10[0]["verdict"], "proved");
    assert_eq!(c10[1]["verdict"], "error");
}

#[test]
fn redefined_builtins_warn_and_unknown_names_get_sensible_hints() {
    let file = "tests/fixtures/e2e/names.txt";
    let (code, v) = json(&[file]);
    assert_eq!(code, 2);
    let f = &v["files"][0];
    assert_eq!(f["errors"].as_array().map(Vec::len), Some(0), "{f}");
    let warnings: Vec<(u64, &str)> = f["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "warning")
        .map(|e| (e["line"].as_u64().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].0, 3);
    assert!(
        warnings[0]
            .1
            .contains("replaces the builtin function `exp`"),
        "{warnings:?}"
    );
    assert_eq!(warnings[1].0, 4);
    assert!(
        warnings[1]
            .1
            .contains("replaces the builtin function `sigmoid`"),
        "{warnings:?}"
    );
    // The file's exp, not the exponential, is used everywhere in the file.
    let claims = f["claims"].as_array().unwrap();
    let users = claims.iter().find(|c| c["name"] == "users_exp").unwrap();
    assert_eq!(users["status"], "verified", "{users}");

    let (_, stdout, _) = run(&["verify", "--color", "never", file]);
    let help_after = |claim: &str| -> String {
        let at = stdout
            .find(&format!(" {claim} "))
            .unwrap_or_else(|| panic!("{stdout}"));
        let rest = &stdout[at..];
        let h = rest.find("= help: ").unwrap_or_else(|| panic!("{rest}"));
        rest[h + 8..].lines().next().unwrap().to_string()
    };
    assert_eq!(help_after("fullwidth"), "did you mean `x`?");
    assert_eq!(help_after("other_letter"), "declare it, e.g. `z : real`");
    assert!(
        help_after("spaced_derivative").contains("write `d/dx`"),
        "{stdout}"
    );
    assert!(
        help_after("sigma_without_definition")
            .contains("did you mean the builtin `sigmoid` (also written `σ`)?"),
        "{stdout}"
    );
    assert!(!stdout.contains("did you mean `e`"), "{stdout}");
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let (code, stdout, _) = run(&["verify", SYNTAX_ERROR]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains(&format!("┌─ {SYNTAX_ERROR}:2:")),
        "{stdout}"
    );
    let (_, v) = json(&[SYNTAX_ERROR]);
    let error = &v["files"][0]["errors"][0];
    assert_eq!(error["kind"], "source");
    assert_eq!(error["line"], 2);
}

#[test]
fn errors_take_precedence_over_false_links() {
    let cases: &[(&[&str], i32)] = &[
        (&[VERIFIED], 0),
        (&[FALSE_LINK], 1),
        (&[VERIFIED, FALSE_LINK], 1),
        (&[FALSE_LINK, CLAIM_ERROR], 2),
        (&[CLAIM_ERROR, FALSE_LINK], 2),
        (&[FALSE_LINK, SYNTAX_ERROR], 2),
        (&[FALSE_LINK, "tests/fixtures/e2e/does-not-exist.txt"], 2),
    ];
    for (files, want) in cases {
        let mut args = vec!["verify"];
        args.extend_from_slice(files);
        let (code, stdout, _) = run(&args);
        assert_eq!(code, *want, "{files:?}\n{stdout}");
    }
}

#[test]
fn same_seed_same_report_and_samples_are_honoured() {
    for format in ["text", "json"] {
        let many = [
            "verify",
            "--format",
            format,
            "--jobs",
            "3",
            VERIFIED,
            FALSE_LINK,
            CLAIM_ERROR,
            SYNTAX_ERROR,
        ];
        let one = [
            "verify",
            "--format",
            format,
            "--jobs",
            "1",
            VERIFIED,
            FALSE_LINK,
            CLAIM_ERROR,
            SYNTAX_ERROR,
        ];
        assert_eq!(run(&many), run(&one));
        let args = [
            "verify", "--format", format, "--seed", "12345", VERIFIED, FALSE_LINK,
        ];
        assert_eq!(run(&args), run(&args));
    }
    let (_, v) = json(&["--samples", "17", "--seed", "1", VERIFIED]);
    assert_eq!(v["options"]["samples"], 17);
    for claim in v["files"][0]["claims"].as_array().into_iter().flatten() {
        for step in claim["steps"].as_array().into_iter().flatten() {
            if step["verdict"] == "holds" {
                assert_eq!(step["samples"]["defined"], 17, "{step}");
            }
        }
    }
}

#[test]
fn colour_always_colours_verdicts() {
    let (_, stdout, _) = run(&["verify", "--color", "always", FALSE_LINK]);
    assert!(stdout.contains("\x1b[1;31mfalse\x1b[0m"), "{stdout}");
    let (_, stdout, _) = run(&["verify", FALSE_LINK]);
    assert!(!stdout.contains('\x1b'), "{stdout}");
}

/// Deep nesting must end in a report (any verdict, or an error), not in a
/// stack overflow, which would kill the process with a signal.
#[test]
fn pathological_nesting_does_not_crash() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    for depth in [1_000, 20_000] {
        let text = format!(
            "x : real\nclaim deep: {}x{} = x\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let path = dir.join(format!("deep-{depth}.txt"));
        std::fs::write(&path, text).expect("scratch file");
        let (code, stdout, stderr) = run(&["verify", &path.to_string_lossy()]);
        assert!(
            (0..=2).contains(&code),
            "depth {depth}: exit {code}\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains("1 file"), "depth {depth}: {stdout}");
    }
}

#[test]
fn the_example_derivations_verify_and_the_mistakes_do_not() {
    let examples = [
        "derivations/sigmoid.txt",
        "derivations/softmax.txt",
        "derivations/cross_entropy.txt",
        "derivations/backprop.txt",
    ];
    let (code, v) = json(&examples);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["status"], "verified");
    assert_eq!(v["summary"]["claims"]["failed"], 0);

    let (code, v) = json(&["derivations/mistakes/lost_sign.txt"]);
    assert_eq!(code, 1);
    let bad: Vec<&Value> = v["files"][0]["claims"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["steps"].as_array().into_iter().flatten())
        .filter(|s| s["verdict"] != "proved" && s["verdict"] != "holds")
        .collect();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0]["line"], 11);
}
