//! Code actions: the checker's helps that are edits ([`crate::Edit`]s in
//! a diagnostic's `fix`: a misspelt name, a product written in an order
//! that does not fit, a sum's index renamed), as quick fixes. A help that is
//! advice rather than an edit ("declare it, e.g. `q : real`", "use `⊙` for
//! the elementwise product") has no fix and no action.
//!
//! Only a file in the derivation language gets them: a fix's text is
//! written in that language, and in a Markdown or LaTeX document the span
//! it replaces holds LaTeX (`\hat{y}` for `ŷ`).

use super::position::Lines;
use crate::diag::{Diagnostic, Edit};
use crate::outcome::FileReport;
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

/// The quick fixes whose span meets `range` (positions in `text`, which
/// must be the text the report was made from).
pub(crate) fn quick_fixes(
    uri: &Uri,
    text: &str,
    report: &FileReport,
    range: Range,
) -> Vec<CodeAction> {
    let lines = Lines::new(text);
    let (from, to) = (lines.offset(range.start), lines.offset(range.end));
    let mut out: Vec<CodeAction> = Vec::new();
    let steps = report
        .claims
        .iter()
        .flat_map(|c| &c.steps)
        .filter_map(|s| s.diagnostic.as_ref());
    for d in report.errors.iter().map(|e| &e.diagnostic).chain(steps) {
        let Some(fix) = applicable(d, text) else {
            continue;
        };
        if fix.iter().all(|e| e.span.end < from || e.span.start > to) {
            continue;
        }
        let title = match (fix, d.help.as_deref()) {
            ([e], _) => format!("Replace `{}` with `{}`", e.span.text(text), e.text),
            (_, Some(help)) => format!("Apply: {help}"),
            (_, None) => "Apply the suggested fix".to_string(),
        };
        let edits: Vec<TextEdit> = fix
            .iter()
            .map(|e| TextEdit::new(lines.range(e.span), e.text.clone()))
            .collect();
        // A definition's error is reported at each of its uses: one edit.
        let same = |a: &CodeAction| {
            a.edit
                .as_ref()
                .and_then(|e| e.changes.as_ref())
                .is_some_and(|c| c.values().any(|e| *e == edits))
        };
        if out.iter().any(same) {
            continue;
        }
        out.push(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        });
    }
    out
}

/// A diagnostic's fix, when it has one and every edit's span lies in
/// `text`.
fn applicable<'d>(d: &'d Diagnostic, text: &str) -> Option<&'d [Edit]> {
    let fix = d.fix.as_slice();
    let fits =
        |e: &Edit| e.span.start <= e.span.end && text.get(e.span.start..e.span.end).is_some();
    (!fix.is_empty() && fix.iter().all(fits)).then_some(fix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{verify_source, Options};
    use lsp_types::Position;
    use pretty_assertions::assert_eq;
    use std::str::FromStr;

    fn apply(text: &str, action: &CodeAction, uri: &Uri) -> String {
        let edits = &action.edit.as_ref().unwrap().changes.as_ref().unwrap()[uri];
        let lines = Lines::new(text);
        let bytes: Vec<Edit> = edits
            .iter()
            .map(|e| Edit {
                span: crate::syntax::span::Span::new(
                    lines.offset(e.range.start),
                    lines.offset(e.range.end),
                ),
                text: e.new_text.clone(),
            })
            .collect();
        crate::diag::apply_edits(text, &bytes).expect("the edits apply")
    }

    fn whole(text: &str) -> Range {
        Range::new(Position::new(0, 0), Lines::new(text).position(text.len()))
    }

    #[test]
    fn a_misspelt_name_is_fixed_and_the_fix_checks() {
        let uri = Uri::from_str("file:///typo.txt").unwrap();
        let text = "ŷ, y : real\nclaim c: (ŷ - y)^2 = (ŷ - yy)^2\n";
        let report = verify_source("typo.txt", text, &Options::default());
        let actions = quick_fixes(&uri, text, &report, whole(text));
        assert_eq!(actions.len(), 1, "{report:?}");
        assert_eq!(actions[0].title, "Replace `yy` with `y`");
        let fixed = apply(text, &actions[0], &uri);
        assert_eq!(fixed, "ŷ, y : real\nclaim c: (ŷ - y)^2 = (ŷ - y)^2\n");
        assert!(verify_source("typo.txt", &fixed, &Options::default()).verified());
    }

    #[test]
    fn a_product_in_the_wrong_order_is_fixed_and_the_fix_checks() {
        let uri = Uri::from_str("file:///order.txt").unwrap();
        let text = "W : matrix[m, n]\nx : vector[m]\nclaim c: W x = Wᵀ x\n";
        let report = verify_source("order.txt", text, &Options::default());
        let actions = quick_fixes(&uri, text, &report, whole(text));
        assert!(!actions.is_empty(), "{report:?}");
        let fixed = apply(text, &actions[0], &uri);
        assert_eq!(
            fixed,
            "W : matrix[m, n]\nx : vector[m]\nclaim c: Wᵀ x = Wᵀ x\n"
        );
        let again = verify_source("order.txt", &fixed, &Options::default());
        assert!(again.verified(), "{fixed}: {again:?}");
    }

    #[test]
    fn advice_is_not_an_action_and_a_far_range_has_none() {
        let uri = Uri::from_str("file:///q.txt").unwrap();
        // "define it, e.g. `qqq(t) := ...`": only the writer knows the body.
        let text = "x : real\nclaim c: x + qqq(x) = x\n";
        let report = verify_source("q.txt", text, &Options::default());
        assert!(
            quick_fixes(&uri, text, &report, whole(text)).is_empty(),
            "{report:?}"
        );
        let text = "ŷ, y : real\nclaim c: (ŷ - y)^2 = (ŷ - yy)^2\n";
        let report = verify_source("typo.txt", text, &Options::default());
        let first_line = Range::new(Position::new(0, 0), Position::new(0, 3));
        assert!(quick_fixes(&uri, text, &report, first_line).is_empty());
    }
}
