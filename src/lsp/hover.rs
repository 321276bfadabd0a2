//! Hover on a link: its verdict and what stands behind it, as Markdown —
//! the rules that proved it, the samples it held on, the counterexample
//! and diagnosis of a false one, the reason an undefined or inconclusive
//! one was not decided, the error and its help.

use crate::outcome::{FileReport, StepReport, Verdict};
use crate::report::github::counterexample;
use crate::report::text::one_line;

/// The Markdown for the link under byte `offset`, if any: of the links
/// whose span holds the offset, the narrowest (a claim's one-line chain
/// and a step on it cannot both hold it, but a broken line's error can).
pub(crate) fn hover(report: &FileReport, offset: usize) -> Option<(String, &StepReport)> {
    let step = report
        .claims
        .iter()
        .flat_map(|c| c.steps.iter().map(move |s| (c, s)))
        .filter(|(_, s)| s.span.start <= offset && offset <= s.span.end)
        .min_by_key(|(_, s)| s.span.end - s.span.start)?;
    Some((markdown(&step.0.name, step.1), step.1))
}

/// One link's hover text.
pub(crate) fn markdown(claim: &str, step: &StepReport) -> String {
    let mut out = format!(
        "**{}** — claim `{}`\n\n```\n{} = {}\n```\n",
        headline(step),
        claim.replace('`', "'"),
        one_line(&step.lhs),
        one_line(&step.rhs)
    );
    if let Some(j) = &step.justification {
        out.push_str(&format!("\njustification: {}\n", one_line(j)));
    }
    match step.verdict {
        Verdict::Proved if !step.trace.is_empty() => {
            out.push_str("\nrules:\n");
            for rule in &step.trace {
                out.push_str(&format!("- `{}`\n", rule.replace('`', "'")));
            }
        }
        Verdict::False => {
            if let Some(cx) = &step.counterexample {
                out.push_str(&format!("\n{}\n", counterexample(cx)));
            }
            if let Some(diagnosis) = &step.diagnosis {
                out.push_str(&format!("\ndiagnosis: {}\n", one_line(diagnosis)));
            }
        }
        _ => {}
    }
    if !matches!(step.verdict, Verdict::Proved | Verdict::Holds) {
        if let Some(reason) = step.reason() {
            if step.counterexample.is_none() {
                out.push_str(&format!("\n{}\n", one_line(reason)));
            }
        }
        if let Some(help) = step.diagnostic.as_ref().and_then(|d| d.help.as_deref()) {
            out.push_str(&format!("\nhelp: {}\n", one_line(help)));
        }
    }
    out
}

/// The verdict with what decided it.
fn headline(step: &StepReport) -> String {
    match (step.verdict, step.samples) {
        (Verdict::Proved, _) => "✓ proved".into(),
        (Verdict::Holds, Some(s)) => format!(
            "≈ holds (not proved): no counterexample in {} samples",
            s.defined
        ),
        (Verdict::Holds, None) => "≈ holds (not proved)".into(),
        (Verdict::False, _) => "✗ false".into(),
        (v, _) => format!("✗ {}", v.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;
    use pretty_assertions::assert_eq;

    fn at(needle: &str) -> usize {
        testdata::SOURCE.find(needle).unwrap()
    }

    #[test]
    fn a_false_link_shows_its_counterexample() {
        let report = testdata::report();
        let (text, step) = hover(&report, at("sum(i, v[i]^2)") + 3).expect("a link");
        assert_eq!(step.verdict, Verdict::False);
        assert_eq!(
            text,
            "**✗ false** — claim `wrong`\n\n```\nsum(i, v[i])^2 = sum(i, v[i]^2)\n```\n\n\
             counterexample n = 2, v = [1, 1]: left = 4, right = 2\n"
        );
    }

    #[test]
    fn a_proved_link_lists_its_rules_and_an_error_its_help() {
        let mut report = testdata::report();
        report.claims[0].steps[0].trace = vec!["exp_add".into(), "cancel".into()];
        let (text, _) = hover(&report, at("= exp(x) exp(c)") + 2).expect("a link");
        assert!(text.starts_with("**✓ proved**"), "{text}");
        assert!(
            text.ends_with("rules:\n- `exp_add`\n- `cancel`\n"),
            "{text}"
        );
        let (text, _) = hover(&report, at("q = q + x")).expect("a link");
        assert!(text.contains("\nunknown name `q`\n"), "{text}");
        assert!(
            text.ends_with("\nhelp: declare it, e.g. `q : real`\n"),
            "{text}"
        );
    }

    #[test]
    fn no_link_no_hover() {
        assert!(hover(&testdata::report(), 0).is_none());
    }
}
