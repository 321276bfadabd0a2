//! The human-readable report: per file, per claim, one row per link, with
//! counterexamples, diagnoses, messages and rustc-style diagnostics beneath
//! the rows they explain (and, with `explain`, the rules under proved
//! links), and one summary line at the end.
//!
//! ```text
//! false_link.txt
//!   ✗ binomial  false  line 4
//!            (x + 1)^2
//!     6:3  = (x + 1) (x + 1)  proved  # definition of the square
//!     7:3  = x^2 + 1          false   # expand (wrongly)
//!            error: this step is false
//!              ┌─ false_link.txt:7:3
//!              │
//!            7 │   = x^2 + 1          # expand (wrongly)
//!              │   ^^^^^^^^^
//!              │
//!              = counterexample
//!                  x     = 1
//!                  left  = 4
//!                  right = 2
//!              = diagnosis: the right side misses 2 * x
//!
//! ✗ 1 file, 1 claim: 0 verified, 1 failed — links: 1 proved, 1 false — seed 7
//! ```
//!
//! The rendering with colour off is exactly the coloured one without its
//! escape codes, and no line ends in spaces, so golden tests can compare
//! strings.

mod counterexample;
mod frame;
mod summary;

mod details;

pub use counterexample::render_counterexample;
pub use frame::render_diagnostic;
pub use summary::render_summary;

use super::text::{self, Painter, Style};
use crate::input::ReadError;
use crate::outcome::{ClaimReport, FileReport, NoteKind, StepReport, Verdict};
use crate::outcome::{ClaimStatus, FileOutcome, Summary};
use details::render_step_details;

/// How to render: start from [`Config::default`] (no colour, everything
/// shown, no rule traces) and set what differs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// Emit ANSI colour codes.
    pub color: bool,
    /// Show only what needs attention: files and claims that are not
    /// verified (the summary still counts everything).
    pub quiet: bool,
    /// Under each proved link, name the rules that proved it
    /// (`verify --explain`).
    pub explain: bool,
}

/// Expressions wider than this do not widen the column of verdicts: one
/// long step should not push every other verdict off the screen.
const MAX_EXPR_COLUMN: usize = 72;

/// The whole report: every file in order, then the summary line.
pub fn render(outcomes: &[FileOutcome], config: &Config) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        let verified = matches!(outcome, FileOutcome::Checked { report, .. } if report.verified());
        if config.quiet && verified {
            continue;
        }
        out.push_str(&render_file(outcome, config));
        out.push('\n');
    }
    out.push_str(&render_summary(&Summary::of(outcomes), config));
    out
}

/// One file: its path, its errors outside claims, then its claims.
pub fn render_file(outcome: &FileOutcome, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let mut out = format!("{}\n", p.paint(Style::Bold, &one_line(outcome.path())));
    match outcome {
        FileOutcome::Unreadable(e) => {
            out.push_str(&indent(&render_read_error(e, config), "  "));
        }
        FileOutcome::Checked { source, report } => {
            // One layout of the file for all its code frames.
            let checked = frame::with_file_cache(source, || render_checked(report, source, config));
            out.push_str(&checked);
        }
    }
    out
}

fn render_checked(report: &FileReport, source: &str, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let mut out = String::new();
    for error in &report.errors {
        out.push_str(&indent(
            &render_diagnostic(&report.path, source, &error.diagnostic, config),
            "  ",
        ));
    }
    // A document reader's findings, one line each: where, what kind, why.
    for note in &report.notes {
        let style = match note.kind {
            NoteKind::Unread | NoteKind::Warning => Style::Yellow,
            _ => Style::Dim,
        };
        let at = if note.kind == NoteKind::Assumed {
            String::new()
        } else {
            format!("{}:{}:{}: ", one_line(&report.path), note.line, note.col)
        };
        out.push_str(&format!(
            "  {at}{}: {}\n",
            p.paint(style, note.kind.as_str()),
            one_line(&note.message)
        ));
    }
    if report.claims.is_empty() && report.errors.is_empty() {
        out.push_str(&format!("  {}\n", p.paint(Style::Dim, "no claims")));
    }
    let loc_width = report
        .claims
        .iter()
        .flat_map(|c| &c.steps)
        .map(|s| location(s).len())
        .max()
        .unwrap_or(0);
    let shown = report
        .claims
        .iter()
        .filter(|c| !config.quiet || ClaimStatus::of(c) != ClaimStatus::Verified);
    for (i, claim) in shown.enumerate() {
        if i > 0 || !report.errors.is_empty() || !report.notes.is_empty() {
            out.push('\n');
        }
        out.push_str(&render_claim(
            claim,
            &report.path,
            source,
            loc_width,
            config,
        ));
    }
    out
}

fn location(step: &StepReport) -> String {
    format!("{}:{}", step.line, step.col)
}

/// The mark and colour of a claim, from its worst link.
fn claim_mark(verdict: Verdict) -> (&'static str, Style) {
    match verdict {
        Verdict::Proved | Verdict::Holds => ("✓", Style::BoldGreen),
        Verdict::Undefined | Verdict::Inconclusive => ("?", Style::BoldYellow),
        Verdict::False | Verdict::Error => ("✗", Style::BoldRed),
    }
}

fn verdict_style(verdict: Verdict) -> Style {
    match verdict {
        Verdict::Proved => Style::Green,
        Verdict::Holds => Style::Cyan,
        Verdict::False | Verdict::Error => Style::BoldRed,
        Verdict::Undefined | Verdict::Inconclusive => Style::Yellow,
    }
}

/// Source text on one line, safe to print: a step written across lines
/// would break the table, and a control character from the file (an
/// escape sequence in a comment) must not drive the user's terminal.
fn one_line(s: &str) -> String {
    text::safe_line(s)
}

/// One claim: a header, the chain's start, and one row per link.
fn render_claim(
    claim: &ClaimReport,
    path: &str,
    source: &str,
    loc_width: usize,
    config: &Config,
) -> String {
    let p = Painter {
        color: config.color,
    };
    let (mark, mark_style) = claim_mark(claim.verdict);
    let mut out = format!(
        "  {} {}  {}  {}\n",
        p.paint(mark_style, mark),
        p.paint(Style::Bold, &one_line(&claim.name)),
        p.paint(verdict_style(claim.verdict), claim.verdict.as_str()),
        p.paint(Style::Dim, &format!("line {}", claim.line)),
    );
    if claim.steps.is_empty() {
        out.push_str(&format!("    {}\n", p.paint(Style::Dim, "(no links)")));
        return out;
    }

    // Rows are "= rhs"; the chain's start (and any link whose left side is
    // not the previous right side) gets a row of its own, aligned under the
    // right sides as on paper.
    let lead = " ".repeat(4 + loc_width + 2);
    let detail_indent = format!("{lead}  ");
    let mut rows: Vec<(Option<&StepReport>, String)> = Vec::new();
    let mut previous_rhs: Option<String> = None;
    for step in &claim.steps {
        let lhs = one_line(&step.lhs);
        if !lhs.is_empty() && previous_rhs.as_deref() != Some(lhs.as_str()) {
            rows.push((None, format!("  {lhs}")));
        }
        let rhs = one_line(&step.rhs);
        rows.push((Some(step), format!("= {rhs}").trim_end().to_string()));
        previous_rhs = Some(rhs);
    }
    let expr_width = rows
        .iter()
        .filter(|(step, _)| step.is_some())
        .map(|(_, e)| text::width(e))
        .filter(|&w| w <= MAX_EXPR_COLUMN)
        .max()
        .unwrap_or(0);

    // Justifications line up after the widest verdict of this claim, so a
    // claim of "holds" is not spaced for "inconclusive".
    let verdict_width = claim
        .steps
        .iter()
        .map(|s| verdict_label(s).len())
        .max()
        .unwrap_or(0);
    for (step, expr) in &rows {
        let Some(step) = step else {
            out.push_str(&format!("{lead}{expr}\n"));
            continue;
        };
        let loc = location(step);
        let verdict = verdict_label(step);
        let mut row = format!(
            "    {}{}  {}  {}",
            " ".repeat(loc_width.saturating_sub(loc.len())),
            p.paint(Style::Dim, &loc),
            text::pad(expr, expr_width),
            p.paint(verdict_style(step.verdict), &verdict),
        );
        if let Some(j) = step.justification.as_deref().map(one_line) {
            if !j.is_empty() {
                row.push_str(&" ".repeat(verdict_width.saturating_sub(verdict.len()) + 2));
                row.push_str(&p.paint(Style::Dim, &format!("# {j}")));
            }
        }
        out.push_str(&row);
        out.push('\n');
        out.push_str(&indent(
            &render_step_details(step, path, source, config),
            &detail_indent,
        ));
    }
    out
}

/// A link's verdict, with the witness that decided it when the verdict
/// does not already say (proved is symbolic; holds, false and undefined are
/// numeric), so a surprising source is never hidden.
fn verdict_label(step: &StepReport) -> String {
    let usual = match step.verdict {
        Verdict::Proved => Some("symbolic"),
        Verdict::Holds | Verdict::False | Verdict::Undefined => Some("numeric"),
        Verdict::Inconclusive | Verdict::Error => None,
    };
    match step.witness {
        Some(w) if usual.is_some() && usual != Some(w) => {
            format!("{} ({w})", step.verdict.as_str())
        }
        _ => step.verdict.as_str().to_string(),
    }
}

/// One line saying that a file could not be read, and why.
pub fn render_read_error(error: &ReadError, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    format!(
        "{}: cannot read {}: {}\n",
        p.paint(Style::BoldRed, "error"),
        one_line(&error.path),
        one_line(&error.message)
    )
}

/// Prefixes every non-empty line with `prefix`.
fn indent(s: &str, prefix: &str) -> String {
    s.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{prefix}{l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::outcome::FileError;
    use crate::report::testdata::{self, step};
    use crate::syntax::span::Span;
    use pretty_assertions::assert_eq;

    pub(super) const PLAIN: Config = Config {
        color: false,
        quiet: false,
        explain: false,
    };
    pub(super) const COLOR: Config = Config {
        color: true,
        quiet: false,
        explain: false,
    };
    const QUIET: Config = Config {
        color: false,
        quiet: true,
        explain: false,
    };
    const EXPLAIN: Config = Config {
        color: false,
        quiet: false,
        explain: true,
    };

    #[test]
    fn quiet_shows_only_what_is_not_verified() {
        let verified_file = FileOutcome::Checked {
            source: String::new(),
            report: FileReport {
                path: "fine.txt".into(),
                claims: vec![],
                notes: Vec::new(),
                seed: 7,
                errors: vec![],
            },
        };
        let outcomes = [verified_file, testdata::checked(), testdata::missing()];
        let s = render(&outcomes, &QUIET);
        assert!(!s.contains("fine.txt"), "{s}");
        assert!(!s.contains("shift"), "{s}");
        for shown in [
            "ex.txt",
            "✗ wrong",
            "? odd",
            "✗ typo",
            "expected a name",
            "missing.txt",
        ] {
            assert!(s.contains(shown), "{shown} in {s}");
        }
        assert!(s.ends_with(&render_summary(&Summary::of(&outcomes), &PLAIN)));
        let all_good = [outcomes[0].clone()];
        assert_eq!(render(&all_good, &QUIET), "✓ 1 file, no claims — seed 7\n");
    }

    /// The text without SGR escape sequences.
    pub(super) fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    const GOLDEN: &str = "\
ex.txt
  error: expected a name after `let`
     ┌─ ex.txt:10:5
     │
  10 │ let = 3
     │     ^

  ✓ shift  holds  line 3
            exp(x + c) / exp(c)
     5:3  = exp(x) exp(c) / exp(c)  proved  # exp(a + b) = exp(a) exp(b)
     6:3  = exp(x)                  holds

  ✗ wrong  false  line 7
            sum(i, v[i])^2
    7:31  = sum(i, v[i]^2)  false
            error: this step is false
              ┌─ ex.txt:7:31
              │
            7 │ claim wrong: sum(i, v[i])^2 = sum(i, v[i]^2)
              │                               ^^^^^^^^^^^^^^
              │
              = counterexample at n = 2
                  v     = [1, 1]
                  left  = 4
                  right = 2

  ? odd  undefined  line 8
            log(-x^2 - 1)
    8:28  = 0  undefined
            ex.txt:8:28: both sides were defined at only 0 of 2560 samples

  ✗ typo  error  line 9
            x + q
    9:17  = q + x  error
            error: unknown name `q`
              ┌─ ex.txt:9:17
              │
            1 │ x, c : real
              │ - variables are declared here
              ·
            9 │ claim typo: x + q = q + x
              │                 ^
              │
              = help: declare it, e.g. `q : real`

missing.txt
  error: cannot read missing.txt: no such file or directory

✗ 2 files, 4 claims: 1 verified, 2 failed, 1 with errors — links: 1 proved, \
1 holds, 1 false, 1 undefined, 1 error — 1 error outside claims, 1 file unreadable — seed 7
";

    #[test]
    fn whole_report_golden() {
        let s = render(&[testdata::checked(), testdata::missing()], &PLAIN);
        assert_eq!(s, GOLDEN);
    }

    #[test]
    fn colour_adds_only_escape_codes() {
        let outcomes = [testdata::checked(), testdata::missing()];
        let colored = render(&outcomes, &COLOR);
        assert!(colored.contains("\x1b[1;31m✗\x1b[0m"), "{colored}");
        assert!(colored.contains("\x1b[32mproved\x1b[0m"), "{colored}");
        assert_eq!(strip_ansi(&colored), render(&outcomes, &PLAIN));
    }

    #[test]
    fn no_escape_codes_without_colour() {
        let s = render(&[testdata::checked(), testdata::missing()], &PLAIN);
        assert!(!s.contains('\x1b'));
    }

    #[test]
    fn no_line_ends_in_spaces() {
        let s = render(&[testdata::checked(), testdata::missing()], &PLAIN);
        for line in s.lines() {
            assert_eq!(line, line.trim_end());
        }
    }

    fn single(report: FileReport, source: &str) -> FileOutcome {
        FileOutcome::Checked {
            source: source.into(),
            report,
        }
    }

    #[test]
    fn an_empty_file_has_no_claims() {
        let empty = single(
            FileReport {
                path: "empty.txt".into(),
                claims: vec![],
                notes: Vec::new(),
                seed: 7,
                errors: vec![],
            },
            "",
        );
        assert_eq!(
            render(&[empty], &PLAIN),
            "empty.txt\n  no claims\n\n✓ 1 file, no claims — seed 7\n"
        );
    }

    #[test]
    fn a_verified_run() {
        let claim = ClaimReport {
            name: "double".into(),
            line: 2,
            verdict: Verdict::Proved,
            steps: vec![step(2, 16, Verdict::Proved, "2 x", "x + x")],
        };
        let outcome = single(
            FileReport {
                path: "d.txt".into(),
                claims: vec![claim],
                notes: Vec::new(),
                seed: 7,
                errors: vec![],
            },
            "x : real\nclaim double: 2 x = x + x\n",
        );
        assert_eq!(
            render(&[outcome], &PLAIN),
            "\
d.txt
  ✓ double  proved  line 2
            2 x
    2:16  = x + x  proved

✓ 1 file, 1 claim: 1 verified — links: 1 proved — seed 7
"
        );
    }

    #[test]
    fn chain_links_continue_from_the_previous_right_side() {
        // The second link starts where the first ended, so it gets no row
        // of its own; the third does not, so its left side is shown.
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Proved,
            steps: vec![
                step(2, 3, Verdict::Proved, "a", "b"),
                step(3, 3, Verdict::Proved, "b", "c"),
                step(4, 3, Verdict::Proved, "z", "d"),
            ],
        };
        let s = render_claim(&claim, "f", "", 3, &PLAIN);
        assert_eq!(
            s,
            "  ✓ c  proved  line 1
           a
    2:3  = b  proved
    3:3  = c  proved
           z
    4:3  = d  proved
"
        );
    }

    #[test]
    fn a_long_expression_does_not_widen_the_column() {
        let long = "x".repeat(MAX_EXPR_COLUMN + 5);
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Proved,
            steps: vec![
                step(2, 3, Verdict::Proved, "a", "b"),
                step(3, 3, Verdict::Proved, "b", &long),
            ],
        };
        let s = render_claim(&claim, "f", "", 3, &PLAIN);
        assert!(s.contains("= b  proved\n"), "{s}");
        assert!(s.contains(&format!("= {long}  proved\n")), "{s}");
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut s = step(2, 3, Verdict::Proved, "a", "b\x1b[31m");
        s.justification = Some("see \x07 here".into());
        let claim = ClaimReport {
            name: "c\x1b]0;title\x07".into(),
            line: 1,
            verdict: Verdict::Proved,
            steps: vec![s],
        };
        let out = render_claim(&claim, "f", "", 3, &PLAIN);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("c\\u{1b}]0;title\\u{7}"), "{out}");
        assert!(out.contains("# see \\u{7} here"), "{out}");
    }

    #[test]
    fn an_unusual_witness_is_named() {
        let mut by_symbolic = step(2, 3, Verdict::False, "a", "b");
        by_symbolic.witness = Some("symbolic");
        let mut by_numeric = step(3, 3, Verdict::Proved, "b", "c");
        by_numeric.witness = Some("numeric");
        let usual = step(4, 3, Verdict::Holds, "c", "d");
        assert_eq!(verdict_label(&by_symbolic), "false (symbolic)");
        assert_eq!(verdict_label(&by_numeric), "proved (numeric)");
        assert_eq!(verdict_label(&usual), "holds");
    }

    #[test]
    fn an_empty_left_side_gets_no_blank_row() {
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Error,
            steps: vec![step(2, 3, Verdict::Error, "", "")],
        };
        assert_eq!(
            render_claim(&claim, "f", "", 3, &PLAIN),
            "  ✗ c  error  line 1\n    2:3  =  error\n           f:2:3: error: this step could not be checked\n"
        );
    }

    #[test]
    fn multi_line_source_text_is_put_on_one_line() {
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Proved,
            steps: vec![step(2, 3, Verdict::Proved, "a +\n   b", "b\t+ a")],
        };
        let s = render_claim(&claim, "f", "", 3, &PLAIN);
        assert!(s.contains("  a + b\n"), "{s}");
        assert!(s.contains("= b + a  proved\n"), "{s}");
    }

    #[test]
    fn explain_names_the_rules_of_proved_links() {
        let mut proved = step(2, 3, Verdict::Proved, "a", "b");
        proved.trace = vec!["definition of softmax".into(), "exp of a sum".into()];
        let bare = step(3, 3, Verdict::Proved, "b", "c");
        let holds = step(4, 3, Verdict::Holds, "c", "d");
        let claim = ClaimReport {
            name: "c".into(),
            line: 1,
            verdict: Verdict::Holds,
            steps: vec![proved, bare, holds],
        };
        assert_eq!(
            render_claim(&claim, "f", "", 3, &EXPLAIN),
            "  ✓ c  holds  line 1
           a
    2:3  = b  proved
           rules: definition of softmax, exp of a sum
    3:3  = c  proved
           both sides are the same after expanding definitions
    4:3  = d  holds
"
        );
        assert!(!render_claim(&claim, "f", "", 3, &PLAIN).contains("rules"));
    }

    #[test]
    fn file_errors_come_before_claims() {
        let mut report = testdata::report();
        report.claims.truncate(1);
        report.errors.push(FileError {
            line: 1,
            col: 1,
            diagnostic: Diagnostic::new(Span::new(0, 1), "first"),
        });
        let s = render_file(&single(report, testdata::SOURCE), &PLAIN);
        let first = s.find("error: first");
        let let_error = s.find("error: expected a name");
        let claim = s.find("✓ shift");
        assert!(
            first.is_some() && let_error.is_some() && claim.is_some(),
            "{s}"
        );
        assert!(let_error < claim && first < claim, "{s}");
    }

    #[test]
    fn read_errors_name_the_file() {
        let FileOutcome::Unreadable(e) = testdata::missing() else {
            unreachable!("testdata::missing is unreadable")
        };
        assert_eq!(
            render_read_error(&e, &PLAIN),
            "error: cannot read missing.txt: no such file or directory\n"
        );
    }
}
