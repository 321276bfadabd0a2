//! Inlay hints: a mark at the end of each link's line — ✓ proved, ≈ holds,
//! ✗ false, and the verdict's name for the rest — so the state of a whole
//! derivation shows at a glance, without hovering.

use super::position::Lines;
use crate::outcome::{FileReport, Verdict};
use lsp_types::{InlayHint, InlayHintLabel, Range};

/// The hints of the links whose line ends inside `range` (positions in
/// `text`, the text the report was made from). Links that end on one line
/// (a one-line claim's chain) share a hint: `✓ ✗`.
pub(crate) fn hints(text: &str, report: &FileReport, range: Range) -> Vec<InlayHint> {
    let lines = Lines::new(text);
    let mut out: Vec<InlayHint> = Vec::new();
    for step in report.claims.iter().flat_map(|c| &c.steps) {
        let end = step.span.end.saturating_sub(1).max(step.span.start);
        let position = lines.line_end(end);
        if position < range.start || position > range.end {
            continue;
        }
        let mark = mark(step.verdict);
        match out.last_mut() {
            Some(last) if last.position == position => {
                if let InlayHintLabel::String(s) = &mut last.label {
                    s.push(' ');
                    s.push_str(mark);
                }
            }
            _ => out.push(InlayHint {
                position,
                label: InlayHintLabel::String(mark.to_string()),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            }),
        }
    }
    out
}

/// The mark of a verdict.
pub(crate) fn mark(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Proved => "✓ proved",
        Verdict::Holds => "≈ holds",
        Verdict::False => "✗ false",
        Verdict::Undefined => "? undefined",
        Verdict::Inconclusive => "? inconclusive",
        Verdict::Error => "✗ error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;
    use lsp_types::Position;
    use pretty_assertions::assert_eq;

    #[test]
    fn a_mark_at_the_end_of_each_link_line() {
        let everywhere = Range::new(Position::new(0, 0), Position::new(99, 0));
        let found: Vec<(u32, u32, String)> =
            hints(testdata::SOURCE, &testdata::report(), everywhere)
                .into_iter()
                .map(|h| {
                    let InlayHintLabel::String(s) = h.label else {
                        panic!("a plain label")
                    };
                    (h.position.line, h.position.character, s)
                })
                .collect();
        let line_len = |n: usize| testdata::SOURCE.lines().nth(n).unwrap().chars().count() as u32;
        assert_eq!(
            found,
            [
                (4, line_len(4), "✓ proved".to_string()),
                (5, line_len(5), "≈ holds".into()),
                (6, line_len(6), "✗ false".into()),
                (7, line_len(7), "? undefined".into()),
                (8, line_len(8), "✗ error".into()),
            ]
        );
        let only_line_6 = Range::new(Position::new(6, 0), Position::new(6, 99));
        assert_eq!(
            hints(testdata::SOURCE, &testdata::report(), only_line_6).len(),
            1
        );
    }
}
