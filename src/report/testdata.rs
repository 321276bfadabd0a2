//! Hand-built reports for the renderers' tests: one of each verdict, with
//! spans into a real source text so diagnostics render.

use crate::diag::Diagnostic;
use crate::input::ReadError;
use crate::numeric::{Counterexample, SampleValue};
use crate::outcome::{
    ClaimReport, FileError, FileOutcome, FileReport, SampleCount, StepReport, Verdict,
};
use crate::syntax::span::Span;

pub(crate) const SOURCE: &str = "\
x, c : real
v : vector[n]
claim shift: exp(x + c) / exp(c) = exp(x)
    exp(x + c) / exp(c)
  = exp(x) exp(c) / exp(c)   # exp(a + b) = exp(a) exp(b)
  = exp(x)
claim wrong: sum(i, v[i])^2 = sum(i, v[i]^2)
claim odd: log(-x^2 - 1) = 0
claim typo: x + q = q + x
let = 3
";

/// The span of the first occurrence of `needle` at or after byte `from`.
fn span(needle: &str, from: usize) -> Span {
    let start = SOURCE[from..].find(needle).map_or(0, |i| i + from);
    Span::new(start, start + needle.len())
}

fn line_start(line: usize) -> usize {
    SOURCE
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum()
}

pub(crate) fn step(line: usize, col: usize, verdict: Verdict, lhs: &str, rhs: &str) -> StepReport {
    let span = Span::new(line_start(line) + col - 1, line_start(line + 1) - 1);
    let mut step = StepReport::new(line, col, span, verdict, lhs.into(), rhs.into());
    step.witness = match verdict {
        Verdict::Proved => Some("symbolic"),
        Verdict::Error => None,
        _ => Some("numeric"),
    };
    step
}

pub(crate) fn report() -> FileReport {
    let shift = ClaimReport {
        name: "shift".into(),
        line: 3,
        verdict: Verdict::Holds,
        steps: vec![
            StepReport {
                justification: Some("exp(a + b) = exp(a) exp(b)".into()),
                ..step(
                    5,
                    3,
                    Verdict::Proved,
                    "exp(x + c) / exp(c)",
                    "exp(x) exp(c) / exp(c)",
                )
            },
            StepReport {
                samples: Some(SampleCount {
                    defined: 256,
                    tried: 256,
                }),
                ..step(6, 3, Verdict::Holds, "exp(x) exp(c) / exp(c)", "exp(x)")
            },
        ],
    };
    let wrong = ClaimReport {
        name: "wrong".into(),
        line: 7,
        verdict: Verdict::False,
        steps: vec![StepReport {
            counterexample: Some(Counterexample {
                dims: vec![("n".into(), 2)],
                indices: vec![],
                values: vec![("v".into(), SampleValue::Vector(vec![1.0, 1.0]))],
                intermediates: vec![],
                lhs: 4.0,
                rhs: 2.0,
            }),
            ..step(7, 31, Verdict::False, "sum(i, v[i])^2", "sum(i, v[i]^2)")
        }],
    };
    let odd = ClaimReport {
        name: "odd".into(),
        line: 8,
        verdict: Verdict::Undefined,
        steps: vec![StepReport {
            samples: Some(SampleCount {
                defined: 0,
                tried: 2560,
            }),
            message: Some("both sides were defined at only 0 of 2560 samples".into()),
            ..step(8, 28, Verdict::Undefined, "log(-x^2 - 1)", "0")
        }],
    };
    let q = span("q", line_start(9));
    let typo = ClaimReport {
        name: "typo".into(),
        line: 9,
        verdict: Verdict::Error,
        steps: vec![StepReport {
            diagnostic: Some(
                Diagnostic::new(q, "unknown name `q`")
                    .with_label(span("x", line_start(1)), "variables are declared here")
                    .with_help("declare it, e.g. `q : real`"),
            ),
            ..step(9, 17, Verdict::Error, "x + q", "q + x")
        }],
    };
    let let_span = span("let = 3", 0);
    FileReport {
        path: "ex.txt".into(),
        claims: vec![shift, wrong, odd, typo],
        notes: Vec::new(),
        seed: 7,
        errors: vec![FileError {
            line: 10,
            col: 5,
            diagnostic: Diagnostic::new(
                Span::new(let_span.start + 4, let_span.start + 5),
                "expected a name after `let`",
            ),
        }],
    }
}

pub(crate) fn checked() -> FileOutcome {
    FileOutcome::Checked {
        source: SOURCE.into(),
        report: report(),
    }
}

pub(crate) fn missing() -> FileOutcome {
    FileOutcome::Unreadable(ReadError {
        path: "missing.txt".into(),
        message: "no such file or directory".into(),
        invalid_utf8: None,
    })
}
