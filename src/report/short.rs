//! `--format short`: one line per finding, `path:line:col: kind: message`,
//! the form compilers write and editors' quickfix lists, `grep -n` users and
//! Vim's `errorformat` (`%f:%l:%c: %m`) read.
//!
//! ```text
//! derivations/mistakes/lost_sign.txt:11:3: false: -(1 + e^(-x))^(-2) · e^(-x) — counterexample x = 0: left = 0.25, right = -0.25
//! ```
//!
//! A finding is a link that is not verified (`false`, `error`, `undefined`,
//! `inconclusive`), an error outside claims (`error`), a note of a
//! document's reader (its kind: `not read`, `not checked`, `assumed`,
//! `note`, `warning`) and a file that cannot be read (`error`, at the file
//! alone, or at the first byte that is not UTF-8). Proved and holding links
//! are not findings: a verified run prints nothing, and the exit code says
//! how it went.

use super::github::step_message;
use super::text::{self, one_line};
use crate::outcome::FileOutcome;

/// Every finding of the run, in file, then source, order.
pub fn render(outcomes: &[FileOutcome]) -> String {
    let mut out = String::new();
    // A chain that repeats a step says the same thing twice at one place:
    // a quickfix list needs it once.
    let mut seen = std::collections::HashSet::new();
    for outcome in outcomes {
        let mut lines: Vec<((usize, usize), String)> = Vec::new();
        match outcome {
            FileOutcome::Unreadable(e) => {
                let place = e
                    .invalid_utf8
                    .map_or(String::new(), |p| format!(":{}:{}", p.line, p.col));
                out.push_str(&format!(
                    "{}{place}: error: cannot read {}: {}\n",
                    path(&e.path),
                    path(&e.path),
                    text::safe_line(&e.message)
                ));
                continue;
            }
            FileOutcome::Checked { report, .. } => {
                for note in &report.notes {
                    lines.push((
                        (note.line, note.col),
                        format!("{}: {}", note.kind.as_str(), one_line(&note.message)),
                    ));
                }
                for error in &report.errors {
                    let mut message = format!("error: {}", one_line(error.message()));
                    if let Some(help) = &error.diagnostic.help {
                        message.push_str(&format!(" (help: {})", one_line(help)));
                    }
                    lines.push(((error.line, error.col), message));
                }
                for claim in &report.claims {
                    for step in claim.steps.iter().filter(|s| !s.verdict.is_ok()) {
                        lines.push(((step.line, step.col), step_message(step)));
                    }
                }
                // Source order, as a compiler lists its findings; the sort
                // is stable, so what shares a place keeps its order.
                lines.sort_by_key(|(place, _)| *place);
                for ((line, col), message) in lines {
                    let line = format!(
                        "{}:{line}:{col}: {}\n",
                        path(&report.path),
                        text::safe_line(&message)
                    );
                    if seen.insert(line.clone()) {
                        out.push_str(&line);
                    }
                }
            }
        }
    }
    out
}

/// A path on one line and safe to print: a line break in a file's name
/// must not start another finding.
fn path(p: &str) -> String {
    p.chars()
        .map(|c| {
            if text::is_unsafe(c) {
                text::escaped_char(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;
    use pretty_assertions::assert_eq;

    #[test]
    fn one_line_per_finding_in_source_order() {
        let out = render(&[testdata::checked(), testdata::missing()]);
        assert_eq!(
            out.lines().collect::<Vec<_>>(),
            [
                "ex.txt:7:31: false: sum(i, v[i])^2 = sum(i, v[i]^2) — counterexample n = 2, v = [1, 1]: left = 4, right = 2",
                "ex.txt:8:28: undefined: log(-x^2 - 1) = 0 — both sides were defined at only 0 of 2560 samples",
                "ex.txt:9:17: error: x + q = q + x — unknown name `q` (help: declare it, e.g. `q : real`)",
                "ex.txt:10:5: error: expected a name after `let`",
                "missing.txt: error: cannot read missing.txt: no such file or directory",
            ]
        );
    }

    #[test]
    fn a_verified_file_has_no_finding() {
        let mut report = testdata::report();
        report.claims.truncate(1);
        report.errors.clear();
        let out = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        assert_eq!(out, "");
    }

    #[test]
    fn text_from_the_file_stays_on_its_line_and_cannot_act_on_a_terminal() {
        let mut report = testdata::report();
        report.claims[1].steps[0].diagnosis = Some("one\ntwo \u{1b}[2J".into());
        report.path = "a\nb.txt".into();
        let out = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        assert_eq!(out.lines().count(), 4, "{out}");
        assert!(out.contains(" — one two \\u{1b}[2J\n"), "{out}");
        assert!(
            !out.chars().any(|c| text::is_unsafe(c) && c != '\n'),
            "{out:?}"
        );
    }
}
