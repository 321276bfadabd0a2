//! What goes beneath a link's row: a false link underlined in its source
//! line with its counterexample and diagnosis, the message of an undefined
//! or inconclusive link, the diagnostic of a link in error, and with
//! `explain` the rules that proved a link.

use super::frame::{clamp, emit};
use super::{one_line, render_counterexample, render_diagnostic, Config};
use crate::outcome::{StepReport, Verdict};
use crate::report::text::{Painter, Style};
use codespan_reporting::diagnostic as cs;

/// How the note on a link proved or holding through a kink begins.
const KINK_NOTE: &str = "the derivative exists except at a kink";

/// What a row's verdict alone does not say: the counterexample, the message,
/// or the diagnostic. Each starts with `path:line:col:`, the form editors
/// and terminals turn into a link to the step.
pub(super) fn render_step_details(
    step: &StepReport,
    path: &str,
    source: &str,
    config: &Config,
) -> String {
    let p = Painter {
        color: config.color,
    };
    let at = p.paint(
        Style::Dim,
        &format!("{}:{}:{}:", one_line(path), step.line, step.col),
    );
    let message = |style: Style| {
        let m = step.message.as_deref().unwrap_or(step.verdict.as_str());
        format!("{at} {}\n", p.paint(style, &one_line(m)))
    };
    if step.error_bound().is_some() {
        // A probabilistic proof always says its bound.
        let rules = match config.explain {
            true => render_rules(step, config),
            false => String::new(),
        };
        return format!("{}{rules}", message(Style::Dim));
    }
    match step.verdict {
        Verdict::Proved if config.explain => render_rules(step, config),
        // A proof through a kink says where it does not apply.
        Verdict::Proved | Verdict::Holds => match &step.message {
            Some(m) if m.starts_with(KINK_NOTE) => {
                format!("{at} {}\n", p.paint(Style::Dim, &one_line(m)))
            }
            _ => String::new(),
        },
        Verdict::False => render_false(step, path, source, config),
        Verdict::Undefined | Verdict::Inconclusive => message(Style::Yellow),
        Verdict::Error => match &step.diagnostic {
            // The diagnostic names the place itself, rustc-style.
            Some(d) => render_diagnostic(path, source, d, config),
            None if source.is_empty() => format!(
                "{at} {}: {}\n",
                p.paint(Style::BoldRed, "error"),
                one_line(
                    step.message
                        .as_deref()
                        .unwrap_or("this step could not be checked")
                )
            ),
            None => {
                let message = step
                    .message
                    .as_deref()
                    .unwrap_or("this step could not be checked");
                let d = cs::Diagnostic::error()
                    .with_message(message)
                    .with_labels(vec![cs::Label::primary((), step_range(source, step))]);
                emit(path, source, &d, config).unwrap_or_else(|| {
                    format!(
                        "{at} {}: {}\n",
                        p.paint(Style::BoldRed, "error"),
                        one_line(message)
                    )
                })
            }
        },
    }
}

/// `--explain` under a proved link: the rules that proved it, in order, on
/// one line short enough to read out in a lecture.
fn render_rules(step: &StepReport, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let text = if step.trace.is_empty() {
        "both sides are the same after expanding definitions".to_string()
    } else {
        format!("rules: {}", one_line(&step.trace.join(", ")))
    };
    format!("{}\n", p.paint(Style::Dim, &text))
}

/// A false link, rustc-style: the step underlined in its source line, then
/// the counterexample as a small table and the diagnosis, as notes. Without
/// source text (reports built by hand) there is no line to show, so the
/// counterexample comes after `path:line:col:`.
fn render_false(step: &StepReport, path: &str, source: &str, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let at = p.paint(
        Style::Dim,
        &format!("{}:{}:{}:", one_line(path), step.line, step.col),
    );
    let plain = Config {
        color: false,
        ..*config
    };
    let mut notes = Vec::new();
    if let Some(cx) = &step.counterexample {
        notes.push(render_counterexample(cx, &plain).trim_end().to_string());
    } else if let Some(m) = &step.message {
        notes.push(one_line(m));
    }
    if let Some(d) = &step.diagnosis {
        notes.push(format!("diagnosis: {}", one_line(d)));
    }
    if !source.is_empty() {
        let d = cs::Diagnostic::error()
            .with_message("this step is false")
            .with_labels(vec![cs::Label::primary((), step_range(source, step))])
            .with_notes(notes.clone());
        if let Some(s) = emit(path, source, &d, config) {
            return s;
        }
    }
    let mut out = match &step.counterexample {
        Some(cx) => format!("{at} {}", render_counterexample(cx, config)),
        None => format!(
            "{at} {}\n",
            p.paint(
                Style::Red,
                &one_line(step.message.as_deref().unwrap_or(step.verdict.as_str()))
            )
        ),
    };
    if let Some(d) = &step.diagnosis {
        out.push_str(&format!("= diagnosis: {}\n", one_line(d)));
    }
    out
}

/// The part of a step's line to underline: the step without its
/// justification comment (which would only make the underline longer).
fn step_range(source: &str, step: &StepReport) -> std::ops::Range<usize> {
    let range = clamp(source, step.span.start, step.span.end);
    let text = &source[range.clone()];
    let kept = match (&step.justification, text.find('#')) {
        (Some(_), Some(hash)) => text[..hash].trim_end(),
        _ => text.trim_end(),
    };
    if kept.is_empty() {
        return range;
    }
    range.start..range.start + kept.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::terminal::tests::strip_ansi;
    use crate::report::testdata::{self, step};
    use crate::syntax::span::Span;
    use pretty_assertions::assert_eq;

    use crate::report::terminal::tests::{COLOR, PLAIN};

    #[test]
    fn a_false_link_without_counterexample_shows_its_message() {
        let mut s = step(1, 1, Verdict::False, "a", "b");
        s.message = Some("differs symbolically".into());
        assert_eq!(
            render_step_details(&s, "f", "", &PLAIN),
            "f:1:1: differs symbolically\n"
        );
    }

    /// The false claim of the test data, with a diagnosis and a
    /// justification (which the underline leaves out).
    fn diagnosed() -> StepReport {
        let mut report = testdata::report();
        let mut s = report.claims[1].steps.remove(0);
        s.diagnosis = Some("the right side misses 2 * sum(i, v[i] * v[j])".into());
        s
    }

    #[test]
    fn a_false_link_is_underlined_with_its_counterexample_and_diagnosis() {
        let s = render_step_details(&diagnosed(), "ex.txt", testdata::SOURCE, &PLAIN);
        assert_eq!(
            s,
            "\
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
  = diagnosis: the right side misses 2 * sum(i, v[i] * v[j])
"
        );
        let colored = render_step_details(&diagnosed(), "ex.txt", testdata::SOURCE, &COLOR);
        assert_eq!(strip_ansi(&colored), s);
    }

    #[test]
    fn the_underline_leaves_out_the_justification() {
        let source = "x : real\nclaim c: x\n  = 2 x   # doubled\n";
        let mut s = step(3, 3, Verdict::False, "x", "2 x");
        s.span = Span::new(source.find("= 2").unwrap_or(0), source.len() - 1);
        s.justification = Some("doubled".into());
        assert_eq!(step_range(source, &s), s.span.start..s.span.start + 5);
        let out = render_step_details(&s, "f.txt", source, &PLAIN);
        assert!(
            out.contains("3 │   = 2 x   # doubled\n  │   ^^^^^\n"),
            "{out}"
        );
    }

    #[test]
    fn without_source_a_diagnosis_follows_the_counterexample() {
        let s = render_step_details(&diagnosed(), "ex.txt", "", &PLAIN);
        assert!(
            s.starts_with("ex.txt:7:31: counterexample at n = 2\n"),
            "{s}"
        );
        assert!(
            s.ends_with("= diagnosis: the right side misses 2 * sum(i, v[i] * v[j])\n"),
            "{s}"
        );
    }

    #[test]
    fn an_internal_error_is_underlined_too() {
        let mut s = step(7, 31, Verdict::Error, "a", "b");
        s.message = Some("internal error: the witnesses disagree".into());
        let out = render_step_details(&s, "ex.txt", testdata::SOURCE, &PLAIN);
        assert!(
            out.starts_with("error: internal error: the witnesses disagree\n  ┌─ ex.txt:7:31\n"),
            "{out}"
        );
        assert!(out.contains("^^^^^^^^^^^^^^"), "{out}");
    }

    #[test]
    fn an_error_without_diagnostic_shows_its_message() {
        let mut s = step(1, 1, Verdict::Error, "a", "b");
        s.message = Some("shape mismatch".into());
        assert_eq!(
            render_step_details(&s, "f", "", &PLAIN),
            "f:1:1: error: shape mismatch\n"
        );
    }
}
