//! Messages, helps and diagnoses split into prose and the expressions they
//! quote, so the typeset reports (HTML, LaTeX) can set the expressions as
//! mathematics instead of code.
//!
//! An expression is quoted in backticks (`` `W2ᵀ (ŷ − y)` ``, the
//! diagnostics' convention), or follows one of the diagnoses' fixed
//! phrases ("left − right = …", "the two sides differ by … (left −
//! right)", "the right side adds …").

/// A run of a message: words, or an expression in the input language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Run<'a> {
    Prose(&'a str),
    Math(&'a str),
}

/// Phrases of a diagnosis after which an expression follows, with the text
/// that ends it (`None`: the end of the message or of its clause).
const LEADS: &[(&str, Option<&str>)] = &[
    ("left − right = ", None),
    ("the two sides differ by ", Some(" (left − right)")),
    ("the right side adds ", None),
    ("the right side misses ", None),
];

/// `s` as prose and math runs, in order; empty runs are left out.
pub(crate) fn runs(s: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let lead = LEADS
            .iter()
            .filter_map(|&(lead, end)| rest.find(lead).map(|at| (at, lead, end)))
            .min_by_key(|&(at, ..)| at);
        let tick = rest.find('`');
        match (lead, tick) {
            (Some((at, lead, end)), t) if t.is_none_or(|t| at < t) => {
                let from = at + lead.len();
                push_prose(&mut out, &rest[..from]);
                let tail = &rest[from..];
                // The expression ends at the phrase that closes it, or at
                // the next clause ("; ") or the end.
                let stop = end
                    .and_then(|e| tail.find(e))
                    .or_else(|| tail.find("; "))
                    .unwrap_or(tail.len());
                out.push(Run::Math(&tail[..stop]));
                rest = &tail[stop..];
            }
            (_, Some(t)) => match rest[t + 1..].find('`') {
                Some(len) => {
                    push_prose(&mut out, &rest[..t]);
                    let code = &rest[t + 1..t + 1 + len];
                    if !code.is_empty() {
                        out.push(Run::Math(code));
                    }
                    rest = &rest[t + 2 + len..];
                }
                None => {
                    push_prose(&mut out, rest);
                    rest = "";
                }
            },
            _ => {
                push_prose(&mut out, rest);
                rest = "";
            }
        }
    }
    out
}

fn push_prose<'a>(out: &mut Vec<Run<'a>>, s: &'a str) {
    if !s.is_empty() {
        out.push(Run::Prose(s));
    }
}

#[cfg(test)]
mod tests {
    use super::Run::{Math, Prose};
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn quoted_code_and_diagnosis_phrases_are_math() {
        assert_eq!(
            runs("did you mean `W2ᵀ (yhat - y)`?"),
            [Prose("did you mean "), Math("W2ᵀ (yhat - y)"), Prose("?")]
        );
        assert_eq!(
            runs("a sign is lost; left − right = 2 * exp(x)"),
            [Prose("a sign is lost; left − right = "), Math("2 * exp(x)")]
        );
        assert_eq!(
            runs("the two sides differ by x - 1 (left − right)"),
            [
                Prose("the two sides differ by "),
                Math("x - 1"),
                Prose(" (left − right)")
            ]
        );
        assert_eq!(
            runs("the right side adds 2 * x; left − right = y"),
            [
                Prose("the right side adds "),
                Math("2 * x"),
                Prose("; left − right = "),
                Math("y")
            ]
        );
        assert_eq!(runs("no math here"), [Prose("no math here")]);
        assert_eq!(runs("an odd ` tick"), [Prose("an odd ` tick")]);
        assert_eq!(runs(""), Vec::<Run>::new());
    }
}
