//! GitHub Actions workflow commands: one `::error` annotation per link that
//! is not verified, so each bad step shows up on the right line of the
//! pull request's diff, then a plain summary line for the log.
//!
//! ```text
//! ::error file=derivations/mistakes/lost_sign.txt,line=11,col=3,title=derivcheck%3A sigmoid_derivative::false: -(1 + e^(-x))^(-2) · e^(-x) — counterexample x = 0: left = 0.25, right = -0.25
//! ✗ 1 file, 1 claim: 0 verified, 1 failed — links: 3 proved, 1 false — seed 7
//! ```
//!
//! Workflow commands are parsed line by line by the runner, so every
//! property and message is escaped by the runner's rules: a newline in a
//! justification must not end the command and start another.

use super::text::{self, one_line};
use super::{reason_and_help, terminal};
use crate::numeric::Counterexample;
use crate::outcome::{FileOutcome, NoteKind, Summary};
use crate::outcome::{StepReport, Verdict};
use crate::syntax::span::{LineIndex, Span};

/// The whole run: annotations in file, claim and link order, then the
/// summary line.
pub fn render(outcomes: &[FileOutcome]) -> String {
    let mut out = String::new();
    // Two links can say exactly the same (a repeated step): GitHub would
    // show the same annotation twice on one line, so each is written once.
    let mut seen = std::collections::HashSet::new();
    let mut push = |out: &mut String, command: String| {
        if seen.insert(command.clone()) {
            out.push_str(&command);
        }
    };
    for outcome in outcomes {
        match outcome {
            FileOutcome::Unreadable(e) => {
                let (line, col) = e
                    .invalid_utf8
                    .map_or((None, None), |p| (Some(p.line), Some(p.col)));
                push(
                    &mut out,
                    command(
                        &e.path,
                        line,
                        col,
                        "derivcheck: cannot read file",
                        &format!("cannot read {}: {}", e.path, e.message),
                    ),
                );
            }
            FileOutcome::Checked { report, source } => {
                let index = LineIndex::new(source);
                // A display not read, a relation not checked, the names
                // assumed: warnings, on their lines.
                for note in &report.notes {
                    if matches!(
                        note.kind,
                        NoteKind::Unread
                            | NoteKind::Unchecked
                            | NoteKind::Assumed
                            | NoteKind::Warning
                    ) {
                        push(
                            &mut out,
                            workflow_command(
                                "warning",
                                &report.path,
                                Place {
                                    line: Some(note.line),
                                    col: Some(note.col),
                                    end: None,
                                },
                                &format!("derivcheck: {}", note.kind.as_str()),
                                &format!("{}: {}", note.kind.as_str(), note.message),
                            ),
                        );
                    }
                }
                for error in &report.errors {
                    let mut message = error.message().to_string();
                    if let Some(help) = &error.diagnostic.help {
                        message.push_str(&format!(" (help: {help})"));
                    }
                    push(
                        &mut out,
                        command(
                            &report.path,
                            Some(error.line),
                            Some(error.col),
                            "derivcheck: error",
                            &message,
                        ),
                    );
                }
                for claim in &report.claims {
                    // A probabilistic proof says its bound, as a notice.
                    for step in &claim.steps {
                        if let Some(bound) = step.error_bound() {
                            let (end_line, end_col) = last_char(source, &index, step.span)
                                .unwrap_or((step.line, step.col));
                            push(
                                &mut out,
                                workflow_command(
                                    "notice",
                                    &report.path,
                                    Place {
                                        line: Some(step.line),
                                        col: Some(step.col),
                                        end: Some((end_line, end_col)),
                                    },
                                    &format!("derivcheck: {}", claim.name),
                                    &format!("proved (exact-random): {bound}"),
                                ),
                            );
                        }
                    }
                    for step in claim.steps.iter().filter(|s| !s.verdict.is_ok()) {
                        let (end_line, end_col) =
                            last_char(source, &index, step.span).unwrap_or((step.line, step.col));
                        push(
                            &mut out,
                            workflow_command(
                                level(step.verdict),
                                &report.path,
                                Place {
                                    line: Some(step.line),
                                    col: Some(step.col),
                                    end: Some((end_line, end_col)),
                                },
                                &format!("derivcheck: {}", claim.name),
                                &step_message(step),
                            ),
                        );
                    }
                }
            }
        }
    }
    out.push_str(&terminal::render_summary(
        &Summary::of(outcomes),
        &terminal::Config::default(),
    ));
    out
}

/// `error` for a link shown wrong or not checked, `warning` for one whose
/// witnesses could not decide (undefined, inconclusive).
pub(crate) fn level(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Undefined | Verdict::Inconclusive => "warning",
        _ => "error",
    }
}

/// The line and column (1-based, in characters) of the last character of
/// `span` that is not white space: where an annotation of the span ends.
/// `None` for a span with nothing but white space.
pub(crate) fn last_char(source: &str, index: &LineIndex, span: Span) -> Option<(usize, usize)> {
    let text = source.get(span.start..span.end)?;
    let trimmed = text.trim_end();
    let (offset, _) = trimmed.char_indices().last()?;
    Some(index.line_col(source, span.start + offset))
}

/// One `::error` line.
fn command(
    path: &str,
    line: Option<usize>,
    col: Option<usize>,
    title: &str,
    message: &str,
) -> String {
    let place = Place {
        line,
        col,
        end: None,
    };
    workflow_command("error", path, place, title, message)
}

/// Where an annotation points: a line and column, and where it ends.
struct Place {
    line: Option<usize>,
    col: Option<usize>,
    /// The line and column of its last character.
    end: Option<(usize, usize)>,
}

/// One `::error` or `::warning` workflow command.
fn workflow_command(level: &str, path: &str, place: Place, title: &str, message: &str) -> String {
    // Text from the file is escaped as in the text report (`\u{1b}`)
    // first: the log is read in a terminal too, and GitHub's log viewer
    // acts on escape sequences.
    let (path, title, message) = (
        text::escape(path),
        text::escape(title),
        text::escape(message),
    );
    let mut props = vec![format!("file={}", escape_property(&path))];
    if let Some(line) = place.line {
        props.push(format!("line={line}"));
    }
    if let Some(col) = place.col {
        props.push(format!("col={col}"));
    }
    if let Some((line, col)) = place.end {
        props.push(format!("endLine={line}"));
        props.push(format!("endColumn={col}"));
    }
    props.push(format!("title={}", escape_property(&title)));
    format!("::{level} {}::{}\n", props.join(","), escape_data(&message))
}

/// What is wrong with a link, on one line: the verdict and the step, then
/// the evidence (counterexample, reason or diagnostic) and the diagnosis.
pub(crate) fn step_message(step: &StepReport) -> String {
    let mut m = format!(
        "{}: {} = {}",
        step.verdict.as_str(),
        one_line(&step.lhs),
        one_line(&step.rhs)
    );
    match step.verdict {
        Verdict::False => {
            if let Some(cx) = &step.counterexample {
                m.push_str(&format!(" — {}", counterexample(cx)));
            }
        }
        _ => {
            let (detail, help) = reason_and_help(step);
            if let Some(detail) = detail {
                m.push_str(&format!(" — {}", one_line(detail)));
            }
            if let Some(help) = help {
                m.push_str(&format!(" (help: {})", one_line(help)));
            }
        }
    }
    if let Some(diagnosis) = &step.diagnosis {
        m.push_str(&format!(" — {}", one_line(diagnosis)));
    }
    m
}

/// `counterexample n = 2, i = 0, x = 0: left = 0.25, right = -0.25`.
pub(crate) fn counterexample(cx: &Counterexample) -> String {
    let mut at: Vec<String> = cx
        .dims
        .iter()
        .chain(&cx.indices)
        .map(|(name, v)| format!("{name} = {v}"))
        .collect();
    at.extend(
        cx.values
            .iter()
            .map(|(name, v)| format!("{name} = {}", text::sample_value(v))),
    );
    let (lhs, rhs) = text::distinct_pair(cx.lhs, cx.rhs);
    let mut line = if at.is_empty() {
        format!("counterexample: left = {lhs}, right = {rhs}")
    } else {
        format!(
            "counterexample {}: left = {lhs}, right = {rhs}",
            at.join(", ")
        )
    };
    let lets: Vec<String> = cx
        .intermediates
        .iter()
        .map(|(name, v)| format!("{name} = {}", text::sample_value(v)))
        .collect();
    if !lets.is_empty() {
        line.push_str(&format!(" (where {})", lets.join(", ")));
    }
    line
}

/// The runner's escaping of a command's message: `%`, CR and LF.
pub(crate) fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// The runner's escaping of a property value: as for data, plus `:` and
/// `,`, which separate the properties from each other and from the message.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;
    use pretty_assertions::assert_eq;

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_property("derivcheck: x"), "derivcheck%3A x");
    }

    #[test]
    fn one_annotation_per_bad_link_and_file_error_then_summary() {
        let out = render(&[testdata::checked(), testdata::missing()]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=ex.txt,line=10,col=5,title=derivcheck%3A error::expected a name after `let`",
                "::error file=ex.txt,line=7,col=31,endLine=7,endColumn=44,title=derivcheck%3A wrong::false: sum(i, v[i])^2 = sum(i, v[i]^2) — counterexample n = 2, v = [1, 1]: left = 4, right = 2",
                "::warning file=ex.txt,line=8,col=28,endLine=8,endColumn=28,title=derivcheck%3A odd::undefined: log(-x^2 - 1) = 0 — both sides were defined at only 0 of 2560 samples",
                "::error file=ex.txt,line=9,col=17,endLine=9,endColumn=25,title=derivcheck%3A typo::error: x + q = q + x — unknown name `q` (help: declare it, e.g. `q : real`)",
                "::error file=missing.txt,title=derivcheck%3A cannot read file::cannot read missing.txt: no such file or directory",
                "✗ 2 files, 4 claims: 1 verified, 2 failed, 1 with errors — links: 1 proved, 1 holds, 1 false, 1 undefined, 1 error — 1 error outside claims, 1 file unreadable — seed 7",
            ]
        );
    }

    #[test]
    fn nothing_from_the_file_acts_on_the_terminal() {
        let mut report = testdata::report();
        report.claims[1].name = "n\u{1b}]0;t\u{7}".into();
        report.claims[1].steps[0].diagnosis = Some("a \u{202e}b\u{200b}".into());
        report.claims[1].steps[0].rhs = "x \u{1b}[2J".into();
        report.errors[0].diagnostic.message = "bad \u{1b}[31m".into();
        let out = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        assert!(
            !out.chars().any(|c| text::is_unsafe(c) && c != '\n'),
            "{out:?}"
        );
        assert!(
            out.contains("title=derivcheck%3A n\\u{1b}]0;t\\u{7}::"),
            "{out}"
        );
        assert!(out.contains("= x \\u{1b}[2J"), "{out}");
        assert!(out.contains(" — a \\u{202e}b\\u{200b}\n"), "{out}");
        assert!(out.contains("::bad \\u{1b}[31m\n"), "{out}");
    }

    #[test]
    fn an_annotation_is_written_once() {
        // A chain that repeats a false step gives two links with the same
        // line, column and message.
        let mut report = testdata::report();
        let twice = report.claims[1].steps[0].clone();
        report.claims[1].steps.push(twice);
        let out = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        let wrong: Vec<&str> = out.lines().filter(|l| l.contains("line=7,")).collect();
        assert_eq!(wrong.len(), 1, "{out}");
    }

    #[test]
    fn hostile_text_cannot_start_a_second_command() {
        let mut report = testdata::report();
        let step = &mut report.claims[1].steps[0];
        step.diagnosis = Some("line one\n::error::injected".into());
        report.path = "a,b:c.txt".into();
        report.claims[1].name = "n\n::warning::x".into();
        let out = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        for line in out.lines() {
            assert!(
                line.starts_with("::error file=a%2Cb%3Ac.txt,")
                    || line.starts_with("::warning file=a%2Cb%3Ac.txt,")
                    || line.starts_with('✗'),
                "{line}"
            );
        }
        assert!(out.contains("title=derivcheck%3A n%0A%3A%3Awarning%3A%3Ax::"));
        assert!(out.contains(" — line one ::error::injected\n"));
    }
}
