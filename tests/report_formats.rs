//! The report formats through the built binary, on the shipped derivations:
//! GitHub annotations, JUnit XML, JSON, the text report, and the HTML and
//! LaTeX documents of `derivcheck report`.
//!
//! The JSON report is the reference each other format is held against
//! (one annotation per bad link, one test case per claim, one mark per
//! link), and the mistakes files say in their comments which line is
//! wrong, which pins the reference itself.

use serde_json::Value;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

const EXAMPLES: [&str; 4] = [
    "derivations/backprop.txt",
    "derivations/cross_entropy.txt",
    "derivations/sigmoid.txt",
    "derivations/softmax.txt",
];

/// Each mistakes file, and the lines of its links that are not verified,
/// as the files' comments describe them.
const MISTAKES: [(&str, &[usize]); 5] = [
    ("derivations/mistakes/bound_index_reused.txt", &[11, 12]),
    ("derivations/mistakes/dropped_factor.txt", &[10]),
    ("derivations/mistakes/exp_of_sum.txt", &[11]),
    ("derivations/mistakes/index_typo.txt", &[13]),
    ("derivations/mistakes/lost_sign.txt", &[11]),
];

struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary in the package root with colour off.
fn run(args: &[&str]) -> Output {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .env_remove("TERM")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A scratch file for one test.
fn scratch(name: &str, text: &str) -> String {
    let path = format!("{}/report_formats_{name}", env!("CARGO_TARGET_TMPDIR"));
    std::fs::write(&path, text).expect("the scratch file is writable");
    path
}

/// The verdicts of every link of a file, with their lines, from the JSON
/// report.
fn json_steps(path: &str) -> Vec<(usize, String)> {
    let out = run(&["verify", "--format", "json", path]);
    let v: Value = serde_json::from_str(&out.stdout).expect("the JSON report parses");
    let mut steps = Vec::new();
    for claim in v["files"][0]["claims"].as_array().expect("claims") {
        for step in claim["steps"].as_array().expect("steps") {
            steps.push((
                step["line"].as_u64().expect("line") as usize,
                step["verdict"].as_str().expect("verdict").to_string(),
            ));
        }
    }
    steps
}

fn is_ok(verdict: &str) -> bool {
    verdict == "proved" || verdict == "holds"
}

// ---------------------------------------------------------------- XML ---

/// A small well-formedness checker for XML and XHTML-style HTML: tags
/// nest and close, attributes are quoted, `&` starts a known or numeric
/// reference, no character XML forbids, one root element. Returns the
/// names of the elements in document order.
fn well_formed(doc: &str) -> Result<Vec<String>, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut roots = 0;
    let mut rest = doc;
    let at = |rest: &str| doc.len() - rest.len();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("<?") {
            let end = r.find("?>").ok_or("unterminated <?")?;
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unterminated comment")?;
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("<!DOCTYPE") {
            let end = r.find('>').ok_or("unterminated doctype")?;
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("unterminated end tag")?;
            let name = r[..end].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?} at byte {}", at(rest))),
            }
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('<') {
            let name_end = r
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .ok_or("unterminated start tag")?;
            let name = &r[..name_end];
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == ':')
            {
                return Err(format!("bad tag name {name:?} at byte {}", at(rest)));
            }
            let mut r = &r[name_end..];
            let self_closing = loop {
                r = r.trim_start();
                if let Some(after) = r.strip_prefix("/>") {
                    r = after;
                    break true;
                }
                if let Some(after) = r.strip_prefix('>') {
                    r = after;
                    break false;
                }
                let eq = r.find('=').ok_or("attribute without value")?;
                let attr = r[..eq].trim();
                if attr.is_empty()
                    || !attr
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == ':')
                {
                    return Err(format!("bad attribute {attr:?} in <{name}>"));
                }
                let after = r[eq + 1..].trim_start();
                let quote = after.chars().next().ok_or("missing value")?;
                if quote != '"' && quote != '\'' {
                    return Err(format!("unquoted attribute {attr} in <{name}>"));
                }
                let body = &after[1..];
                let end = body.find(quote).ok_or("unterminated attribute value")?;
                let value = &body[..end];
                if value.contains('<') {
                    return Err(format!("< in attribute {attr} of <{name}>"));
                }
                check_text(value)?;
                r = &body[end + 1..];
            };
            if stack.is_empty() {
                roots += 1;
            }
            names.push(name.to_string());
            if !self_closing {
                stack.push(name.to_string());
            }
            rest = r;
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            if stack.is_empty() && !text.trim().is_empty() {
                return Err(format!("text outside the root: {text:?}"));
            }
            check_text(text)?;
            rest = &rest[end..];
        }
    }
    match (stack.is_empty(), roots) {
        (true, 1) => Ok(names),
        (false, _) => Err(format!("unclosed: {stack:?}")),
        (_, n) => Err(format!("{n} root elements")),
    }
}

fn check_text(text: &str) -> Result<(), String> {
    if let Some(c) = text.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    }) {
        return Err(format!(
            "character U+{:04X} is not allowed in XML",
            c as u32
        ));
    }
    let mut parts = text.split('&');
    parts.next();
    for part in parts {
        let end = part
            .find(';')
            .ok_or_else(|| format!("bare & before {part:?}"))?;
        let entity = &part[..end];
        let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
            || entity
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || entity
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(format!("unknown entity &{entity};"));
        }
    }
    Ok(())
}

#[test]
fn the_checker_rejects_what_it_should() {
    assert!(well_formed("<a><b/>x &amp; y</a>").is_ok());
    assert!(well_formed("<?xml version=\"1.0\"?>\n<a x=\"1\"></a>\n").is_ok());
    for bad in [
        "<a><b></a></b>",
        "<a>",
        "<a></a><b></b>",
        "<a x=1></a>",
        "<a>x & y</a>",
        "<a>&nbsp;</a>",
        "<a>\u{1b}</a>",
        "<a x=\"<\"></a>",
        "text<a></a>",
    ] {
        assert!(well_formed(bad).is_err(), "{bad:?} passed");
    }
}

// ------------------------------------------------------------- GitHub ---

#[test]
fn github_has_one_error_per_bad_link_on_its_line() {
    for (path, lines) in MISTAKES {
        let out = run(&["verify", "--format", "github", path]);
        let errors: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| l.starts_with("::error "))
            .collect();
        let expected: Vec<usize> = json_steps(path)
            .into_iter()
            .filter(|(_, v)| !is_ok(v))
            .map(|(line, _)| line)
            .collect();
        assert_eq!(
            expected,
            lines.to_vec(),
            "{path}: the JSON report's bad links"
        );
        assert_eq!(errors.len(), lines.len(), "{path}:\n{}", out.stdout);
        for (error, line) in errors.iter().zip(lines.iter()) {
            let prefix = format!("::error file={path},line={line},col=");
            assert!(error.starts_with(&prefix), "{error}");
            assert!(error.contains(",title=derivcheck%3A "), "{error}");
        }
        let last = out.stdout.lines().last().unwrap_or("");
        assert!(last.starts_with("✗ 1 file, 1 claim"), "summary: {last}");
        assert_ne!(out.code, Some(0), "{path}");
    }
}

#[test]
fn github_messages_name_the_verdict_and_the_counterexample() {
    let out = run(&[
        "verify",
        "--format",
        "github",
        "derivations/mistakes/lost_sign.txt",
    ]);
    let error = out.stdout.lines().next().unwrap_or("");
    let message = error.splitn(3, "::").nth(2).unwrap_or("");
    assert!(message.starts_with("false: "), "{message}");
    assert!(message.contains("counterexample x = "), "{message}");
    assert!(
        message.contains("left = ") && message.contains("right = "),
        "{message}"
    );
    assert_eq!(out.code, Some(1));
}

#[test]
fn github_is_quiet_about_verified_files() {
    let mut args = vec!["verify", "--format", "github"];
    args.extend(EXAMPLES);
    let out = run(&args);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    assert!(lines[0].starts_with("✓ 4 files"), "{}", lines[0]);
}

#[test]
fn github_reports_unreadable_files() {
    let out = run(&["verify", "--format", "github", "no/such.txt"]);
    assert!(out.stdout.starts_with(
        "::error file=no/such.txt,title=derivcheck%3A cannot read file::cannot read no/such.txt"
    ));
    assert!(out.stderr.contains("cannot read no/such.txt"));
    assert_eq!(out.code, Some(2));
}

#[test]
fn github_escapes_hostile_text() {
    let path = scratch(
        "hostile.txt",
        "x : real\nclaim c: x = x + 1\n    x\n  = x + 1  # 100% wrong, really\r\n",
    );
    let out = run(&["verify", "--format", "github", &path]);
    let errors: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(errors.len(), 1, "{}", out.stdout);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
}

#[test]
fn github_annotations_span_the_step_and_undecided_links_are_warnings() {
    let out = run(&[
        "verify",
        "--format",
        "github",
        "derivations/mistakes/lost_sign.txt",
    ]);
    let error = out.stdout.lines().next().unwrap_or("");
    // `  = -(1 + e^(-x))^(-2) · e^(-x)` from column 3 to its last character.
    let step = "= -(1 + e^(-x))^(-2) · e^(-x)";
    let end = 3 + step.chars().count() - 1;
    assert!(
        error.starts_with(&format!(
            "::error file=derivations/mistakes/lost_sign.txt,line=11,col=3,endLine=11,endColumn={end},"
        )),
        "{error}"
    );
    let path = scratch("undefined.txt", "x : real\nclaim odd: log(-x^2 - 1) = 0\n");
    let out = run(&["verify", "--format", "github", &path]);
    let first = out.stdout.lines().next().unwrap_or("");
    assert!(
        first.starts_with(&format!("::warning file={path},line=2,col=")),
        "{}",
        out.stdout
    );
    assert!(first.contains("::undefined: "), "{first}");
    assert_eq!(out.code, Some(1));
}

// -------------------------------------------------------------- short ---

#[test]
fn short_has_one_line_per_bad_link_at_its_line() {
    for (path, lines) in MISTAKES {
        let out = run(&["verify", "--format", "short", path]);
        // Warnings on accepted notation are findings too, but not links.
        let found: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| !l.contains(": warning: "))
            .collect();
        assert_eq!(found.len(), lines.len(), "{path}:\n{}", out.stdout);
        for (finding, line) in found.iter().zip(lines.iter()) {
            let prefix = format!("{path}:{line}:");
            assert!(finding.starts_with(&prefix), "{finding}");
            let rest = &finding[prefix.len()..];
            let (col, message) = rest.split_once(": ").expect("path:line:col: message");
            assert!(col.parse::<usize>().is_ok(), "{finding}");
            assert!(
                ["false: ", "error: ", "undefined: ", "inconclusive: "]
                    .iter()
                    .any(|k| message.starts_with(k)),
                "{finding}"
            );
        }
        assert_ne!(out.code, Some(0), "{path}");
    }
}

#[test]
fn short_is_silent_about_verified_files_and_names_unreadable_ones() {
    let mut args = vec!["verify", "--format", "short"];
    args.extend(EXAMPLES);
    let out = run(&args);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert_eq!(out.stdout, "");
    let out = run(&["verify", "--format", "short", "no/such.txt"]);
    assert!(
        out.stdout
            .starts_with("no/such.txt: error: cannot read no/such.txt: "),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, Some(2));
}

#[test]
fn short_points_a_file_error_at_its_line_and_column() {
    let path = scratch("short_error.txt", "x : real\nclaim c: x + = x\n");
    let out = run(&["verify", "--format", "short", &path]);
    let first = out.stdout.lines().next().unwrap_or("");
    assert!(first.starts_with(&format!("{path}:2:")), "{}", out.stdout);
    assert!(first.contains(": error: "), "{first}");
    assert_eq!(out.code, Some(2));
}

// -------------------------------------------------------------- JUnit ---

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_string())
}

fn count(tag: &str, name: &str) -> usize {
    attr(tag, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX)
}

#[test]
fn junit_is_well_formed_and_counts_claims() {
    let mut args = vec!["verify", "--format", "junit"];
    args.extend(EXAMPLES);
    args.extend(MISTAKES.iter().map(|(p, _)| *p));
    // A file with links in error, for the `<error>` elements.
    args.push("derivations/mistakes/missing_transpose.txt");
    let out = run(&args);
    let names = well_formed(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.stdout));
    assert_eq!(names[0], "testsuites");

    let mut json_args = vec!["verify", "--format", "json"];
    json_args.extend(&args[3..]);
    let v: Value = serde_json::from_str(&run(&json_args).stdout).expect("JSON");
    let claims = &v["summary"]["claims"];
    let n = |k: &str| claims[k].as_u64().expect("count") as usize;

    let root = out
        .stdout
        .lines()
        .find(|l| l.starts_with("<testsuites"))
        .expect("root");
    assert_eq!(count(root, "tests"), n("total"));
    assert_eq!(count(root, "failures"), n("failed"));
    assert_eq!(count(root, "errors"), n("error"));
    assert_eq!(names.iter().filter(|n| *n == "testsuite").count(), 10);
    assert_eq!(
        names.iter().filter(|n| *n == "testcase").count(),
        n("total")
    );
    assert_eq!(
        names.iter().filter(|n| *n == "failure").count(),
        n("failed")
    );
    assert_eq!(names.iter().filter(|n| *n == "error").count(), n("error"));

    // Each suite's counts add up to its test cases.
    for suite in out
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("<testsuite "))
    {
        assert!(count(suite, "failures") + count(suite, "errors") <= count(suite, "tests"));
    }
    assert_eq!(out.code, Some(2));
}

#[test]
fn junit_failures_name_the_line_and_the_counterexample() {
    let out = run(&[
        "verify",
        "--format",
        "junit",
        "derivations/mistakes/index_typo.txt",
    ]);
    well_formed(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let case = out
        .stdout
        .lines()
        .find(|l| l.contains("<testcase "))
        .expect("a test case");
    assert_eq!(attr(case, "name").as_deref(), Some("grad_onehot"));
    assert_eq!(
        attr(case, "classname").as_deref(),
        Some("derivations/mistakes/index_typo.txt")
    );
    assert!(out
        .stdout
        .contains("<failure type=\"false\" message=\"1 of 3 links false: line 13\">"));
    assert!(out
        .stdout
        .contains("derivations/mistakes/index_typo.txt:13:3: false: "));
    assert!(out.stdout.contains("  counterexample "));
}

#[test]
fn junit_errors_for_links_in_error() {
    let path = scratch(
        "junit_error_link.txt",
        "x : vector[n]\nclaim c: x[i] = x[i, j]\n",
    );
    let out = run(&["verify", "--format", "junit", &path]);
    well_formed(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert!(out
        .stdout
        .contains("tests=\"1\" failures=\"0\" errors=\"1\""));
    assert!(out.stdout.contains("<error type=\"error\""));
}

#[test]
fn junit_stays_well_formed_on_hostile_input() {
    let path = scratch(
        "hostile_junit.txt",
        "x : real\nclaim c: x = x + 1\n    x\n  = x + 1  # <b>&amp; \"quotes\" \u{1b}[31m\u{7} ]]>\n\
         claim d: x = q\nlet = \u{1}\n",
    );
    let out = run(&["verify", "--format", "junit", &path]);
    well_formed(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.stdout));
    assert!(
        out.stdout.contains("name=\"&lt;file&gt;\""),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, Some(2));
}

// --------------------------------------------------------- JSON, text ---

#[test]
fn json_counts_every_link_of_the_examples() {
    let mut args = vec!["verify", "--format", "json"];
    args.extend(EXAMPLES);
    let out = run(&args);
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let links: usize = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .flat_map(|f| f["claims"].as_array().cloned().unwrap_or_default())
        .map(|c| c["steps"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(v["summary"]["links"]["total"].as_u64(), Some(links as u64));
    assert_eq!(v["summary"]["exit_code"], 0);
    assert!(links >= 40, "{links} links");
    assert_eq!(out.code, Some(0));
}

#[test]
fn text_report_points_at_each_false_link() {
    for (path, lines) in MISTAKES {
        let out = run(&["verify", path]);
        assert!(!out.stdout.contains('\u{1b}'), "NO_COLOR: {path}");
        for line in lines.iter() {
            // A link's row starts with its step's `line:col`; under a false
            // link, `path:line:col` names the same step, while under a link
            // in error it names the error, which may stand on another line.
            let row = out
                .stdout
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{line}:")));
            let pointed = out.stdout.contains(&format!("{path}:{line}:"));
            assert!(
                row.is_some_and(|r| pointed || r.contains("  error")),
                "{path}:{line} not pointed at:\n{}",
                out.stdout
            );
        }
        if out.stdout.contains(" false ") {
            assert!(out.stdout.contains("counterexample"), "{}", out.stdout);
        }
    }
}

// --------------------------------------------------------------- HTML ---

fn html_of(paths: &[&str]) -> Output {
    let mut args = vec!["report", "--html", "-"];
    args.extend(paths);
    run(&args)
}

#[test]
fn html_is_well_formed_with_a_mark_per_link() {
    for path in EXAMPLES.iter().chain(MISTAKES.iter().map(|(p, _)| p)) {
        let out = html_of(&[path]);
        let names = well_formed(&out.stdout).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(names[0], "html");
        let steps = json_steps(path);
        assert_eq!(
            out.stdout.matches("<span class=\"mark ").count(),
            steps.len(),
            "{path}: one mark per link"
        );
        let falses = steps.iter().filter(|(_, v)| v == "false").count();
        assert_eq!(
            out.stdout.matches("<div class=\"cx\">").count(),
            falses,
            "{path}"
        );
        assert_eq!(
            out.stdout.matches("aria-label=\"false\"").count(),
            falses,
            "{path}: false marks are labelled"
        );
        assert!(names.iter().any(|n| n == "math"), "{path}: MathML");
        assert!(!out.stdout.contains("<script"), "{path}");
        assert!(
            !out.stdout.contains("http://") && !out.stdout.contains("https://"),
            "{path}"
        );
        // The summary goes to stderr when the page goes to stdout.
        assert!(out.stderr.contains("1 file"), "{path}: {}", out.stderr);
    }
}

#[test]
fn html_typesets_fractions_sums_and_derivatives() {
    let out = html_of(&["derivations/cross_entropy.txt"]);
    for tag in [
        "<mfrac>",
        "<munder>",
        "<msub>",
        "<mo rspace=\"0\">∂</mo>",
        "<mi>δ</mi>",
        "<mi>ŷ</mi>",
    ] {
        assert!(out.stdout.contains(tag), "{tag} missing");
    }
}

#[test]
fn html_counterexample_table_lists_the_values() {
    let out = html_of(&["derivations/mistakes/lost_sign.txt"]);
    assert!(out
        .stdout
        .contains("<th scope=\"row\"><math><mi>x</mi></math></th><td>0</td>"));
    assert!(out
        .stdout
        .contains("<th scope=\"row\">left side</th><td>0.25</td>"));
    assert!(out
        .stdout
        .contains("<th scope=\"row\">right side</th><td>-0.25</td>"));
    assert_eq!(out.code, Some(1));
}

#[test]
fn html_stays_well_formed_on_hostile_input() {
    let path = scratch(
        "hostile_html.txt",
        "x : real\nclaim c: x = x + 1\n    x\n  = x + 1  # </td><script>alert(1)</script> & \u{1b}\u{7}\n\
         claim d: x = q <\n",
    );
    let out = html_of(&[&path, "no/such.txt"]);
    well_formed(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.stdout));
    assert!(!out.stdout.contains("<script"));
    assert!(out.stdout.contains("cannot read no/such.txt"));
    assert_eq!(out.code, Some(2));
}

// -------------------------------------------------------------- LaTeX ---

#[test]
fn latex_has_a_chain_per_claim_and_balanced_braces() {
    for path in EXAMPLES.iter().chain(MISTAKES.iter().map(|(p, _)| p)) {
        let out = run(&["report", "--latex", "-", path]);
        let doc = &out.stdout;
        assert!(doc.starts_with("\\documentclass"), "{path}");
        assert!(doc.ends_with("\\end{document}\n"), "{path}");
        let v: Value =
            serde_json::from_str(&run(&["verify", "--format", "json", path]).stdout).expect("JSON");
        let claims = v["files"][0]["claims"].as_array().map_or(0, Vec::len);
        assert_eq!(doc.matches("\\begin{align*}").count(), claims, "{path}");
        assert_eq!(doc.matches("\\end{align*}").count(), claims, "{path}");
        let unescaped = doc
            .replace("\\\\", "")
            .replace("\\{", "")
            .replace("\\}", "");
        assert_eq!(
            unescaped.matches('{').count(),
            unescaped.matches('}').count(),
            "{path}: braces"
        );
        assert!(doc.is_ascii(), "{path}: pdflatex gets ASCII only");
        // align* collects its body as a macro argument: a \par token there
        // stops pdflatex ("Paragraph ended before \align* was complete").
        for body in doc.split("\\begin{align*}").skip(1) {
            let body = body.split("\\end{align*}").next().unwrap_or("");
            let pars = body
                .match_indices("\\par")
                .filter(|(i, _)| !body[i + 4..].starts_with(|c: char| c.is_ascii_alphabetic()));
            assert_eq!(pars.count(), 0, "{path}: \\par inside align*");
        }
    }
}

#[test]
fn latex_escapes_hostile_input() {
    let path = scratch(
        "hostile_latex.txt",
        "x : real\nclaim c_1: x = x + 1\n    x\n  = x + 1  # 100% $money$ & #tags {} \\end{document} ~^ ☃\n",
    );
    let out = run(&["report", "--latex", "-", &path]);
    assert_eq!(out.stdout.matches("\\end{document}").count(), 1);
    assert!(
        out.stdout.contains("100\\% \\$money\\$ \\& \\#tags \\{\\}"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("[U+2603]"));
    assert!(out.stdout.is_ascii());
}

// ------------------------------------------------------ the subcommand ---

#[test]
fn report_exits_like_verify_and_writes_files() {
    let html = format!("{}/report_formats_out.html", env!("CARGO_TARGET_TMPDIR"));
    let tex = format!("{}/report_formats_out.tex", env!("CARGO_TARGET_TMPDIR"));
    let cases: [(&str, i32); 3] = [
        ("derivations/softmax.txt", 0),
        ("derivations/mistakes/lost_sign.txt", 1),
        ("derivations/mistakes/w2_times_x.txt", 2),
    ];
    for (path, code) in cases {
        let out = run(&["report", path, "--html", &html, "--latex", &tex]);
        assert_eq!(out.code, Some(code), "{path}: {}", out.stderr);
        assert!(
            out.stdout.contains(&format!("wrote {html}")),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains(&format!("wrote {tex}")),
            "{}",
            out.stdout
        );
        let page = std::fs::read_to_string(&html).expect("the page was written");
        well_formed(&page).unwrap_or_else(|e| panic!("{e}"));
        let doc = std::fs::read_to_string(&tex).expect("the document was written");
        assert!(doc.contains("\\begin{document}"));
    }
}

#[test]
fn report_needs_an_output() {
    let out = run(&["report", "derivations/softmax.txt"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("--html"), "{}", out.stderr);
}

#[test]
fn report_cannot_write_is_an_error() {
    let out = run(&[
        "report",
        "derivations/softmax.txt",
        "--html",
        "/no/such/dir/x.html",
    ]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("cannot write /no/such/dir/x.html"),
        "{}",
        out.stderr
    );
}

// ------------------------------------------ titles, footers and traces ---

#[test]
fn title_names_the_page_and_the_document() {
    let path = "derivations/softmax.txt";
    let out = run(&[
        "report",
        "--html",
        "-",
        "--title",
        "Homework <3> & co",
        path,
    ]);
    assert!(well_formed(&out.stdout).is_ok());
    assert!(out
        .stdout
        .contains("<title>Homework &lt;3&gt; &amp; co</title>"));
    assert!(out.stdout.contains("<h1>Homework &lt;3&gt; &amp; co</h1>"));
    assert!(!out.stdout.contains("<h1>derivcheck report</h1>"));
    let out = run(&[
        "report",
        "--latex",
        "-",
        "--title",
        "Homework 3 & 50%",
        path,
    ]);
    assert!(
        out.stdout.contains("\\section*{Homework 3 \\& 50\\%}"),
        "{}",
        out.stdout
    );
    // Without --title, the default.
    let out = run(&["report", "--html", "-", path]);
    assert!(out.stdout.contains("<h1>derivcheck report</h1>"));
}

#[test]
fn footers_name_the_version_and_the_seed() {
    let path = "derivations/softmax.txt";
    let version = env!("CARGO_PKG_VERSION");
    for format in ["--html", "--latex"] {
        let out = run(&["report", format, "-", "--seed", "4242", path]);
        assert!(
            out.stdout
                .contains(&format!("Checked by derivcheck {version}, seed 4242.")),
            "{format}: {}",
            out.stdout
        );
    }
    // Files with seeds of their own (from their contents): each is named.
    let out = run(&["report", "--html", "-", path, "derivations/backprop.txt"]);
    let footer = &out.stdout[out.stdout.find("<footer>").expect("a footer")..];
    assert!(
        footer.contains(", seeds derivations/softmax.txt "),
        "{footer}"
    );
    assert!(footer.contains("; derivations/backprop.txt "), "{footer}");
}

#[test]
fn latex_shows_rule_traces_only_when_asked() {
    let path = "derivations/backprop.txt";
    let plain = run(&["report", "--latex", "-", path]);
    let traced = run(&["report", "--latex", "-", "--trace", path]);
    assert!(plain.stdout.contains("\\usepackage{lmodern}"));
    assert!(!plain.stdout.contains("Proved by:"));
    assert!(traced.stdout.contains("Proved by:"));
    // The HTML page has them folded either way.
    let html = run(&["report", "--html", "-", path]);
    assert!(html.stdout.contains("<details class=\"trace\">"));
}
