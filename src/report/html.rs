//! The HTML report: one self-contained page (inline CSS, no script, nothing
//! fetched) with every derivation typeset claim by claim in MathML, which
//! browsers render natively.
//!
//! Each link gets a row: the left side (when it does not continue the
//! previous row), `=`, the right side, a mark with an accessible label
//! (✓ proved, ✓ holds, ✗ false, ! undefined, inconclusive or error), the
//! justification and the line. Beneath a false link: the counterexample
//! table and the diagnosis; beneath an error: the diagnostic; beneath a
//! proved link with a rule trace: the trace, folded in `<details>`.
//!
//! The page is XHTML-style (every element closed, void elements written
//! `<br/>`), so an XML parser reads it too; the tests check that.

use super::mathml::{layout_justification, layout_name, layout_source, to_mathml, Justified, Math};
use super::prose::{runs, Run};
use super::text;
use super::xml::html as esc;
use super::{terminal, DiagnosticView, Evidence, Link, PageOptions, Piece};
use crate::numeric::Counterexample;
use crate::outcome::{ClaimReport, StepReport, Verdict};
use crate::outcome::{ClaimStatus, FileOutcome, Summary, EXIT_VERIFIED};
use std::fmt::Write as _;

/// The whole run as one page, with the default title.
pub fn render(outcomes: &[FileOutcome]) -> String {
    render_with(outcomes, &PageOptions::default())
}

/// The whole run as one page, titled as `options` say.
pub fn render_with(outcomes: &[FileOutcome], options: &PageOptions) -> String {
    // Typesetting recurses over each step's syntax tree, as deep as it nests.
    crate::parallel::with_big_stack(|| render_here(outcomes, options))
}

fn render_here(outcomes: &[FileOutcome], options: &PageOptions) -> String {
    let summary = Summary::of(outcomes);
    let title = esc(&text::one_line(options.title()));
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{title}</title>\n<style>"
    );
    out.push_str(CSS);
    let _ = writeln!(out, "</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>");
    let status = if summary.exit_code() == EXIT_VERIFIED {
        "ok"
    } else {
        "bad"
    };
    let line = terminal::render_summary(&summary, &terminal::Config::default());
    let _ = writeln!(
        out,
        "<p class=\"summary {status}\">{}</p>",
        esc(line.trim_end())
    );
    if outcomes.len() > 1 {
        out.push_str("<nav><ul>\n");
        for (n, o) in outcomes.iter().enumerate() {
            let _ = writeln!(
                out,
                "<li><a href=\"#f{}\">{}</a></li>",
                n + 1,
                esc(o.path())
            );
        }
        out.push_str("</ul></nav>\n");
    }
    out.push_str("</header>\n<main>\n");
    super::walk(outcomes, |piece| render_piece(&mut out, piece));
    let _ = write!(
        out,
        "</main>\n<footer><p>✓ proved symbolically or holds on every random sample; \
         ✗ false, with a counterexample; ! could not be decided or checked.</p>\
         <p class=\"provenance\">Checked by {}.</p></footer>\n</body>\n</html>\n",
        esc(&super::provenance(outcomes))
    );
    out
}

/// Writes one piece of the page.
fn render_piece(out: &mut String, piece: Piece<'_>) {
    match piece {
        Piece::File { index, path } => {
            let _ = writeln!(
                out,
                "<section class=\"file\" id=\"f{index}\">\n<h2>{}</h2>",
                esc(path)
            );
        }
        Piece::Unreadable(e) => {
            let _ = writeln!(
                out,
                "<p class=\"file-error\">cannot read {}: {}</p>",
                esc(&e.path),
                esc(&e.message)
            );
        }
        Piece::FileError(d) => {
            let _ = writeln!(out, "<pre class=\"file-error\">{}</pre>", esc(d.trim_end()));
        }
        Piece::Note(note) => {
            // Notes are not verdicts: no mark, the kind in words, where.
            // The names assumed are the whole document's: no place.
            let at = if note.kind == crate::outcome::NoteKind::Assumed {
                String::new()
            } else {
                format!(" <span class=\"loc\">{}:{}</span>", note.line, note.col)
            };
            let _ = writeln!(
                out,
                "<p class=\"note {}\"><span class=\"note-kind\">{}</span>{at} {}</p>",
                note.kind.as_str().replace(' ', "-"),
                esc(note.kind.as_str()),
                esc(&note.message)
            );
        }
        Piece::NoClaims => out.push_str("<p class=\"empty\">no claims</p>\n"),
        Piece::Claim { file, index, claim } => {
            claim_header(out, &format!("f{file}-c{index}"), claim)
        }
        Piece::NoLinks => out.push_str("<p class=\"empty\">no links</p>\n"),
        Piece::ChainStart => {
            out.push_str("<div class=\"scroll\"><table class=\"chain\">\n<tbody>\n")
        }
        Piece::Link(link) => render_link(out, &link),
        Piece::ChainEnd => out.push_str("</tbody>\n</table></div>\n"),
        Piece::ClaimEnd => out.push_str("</article>\n"),
        Piece::FileEnd => out.push_str("</section>\n"),
    }
}

/// The mark of a link, its CSS class and its label for screen readers.
fn mark(step: &StepReport) -> (&'static str, &'static str, String) {
    let label = match (step.verdict, step.witness) {
        (Verdict::Proved, _) => "proved".to_string(),
        (Verdict::Holds, _) => "holds (numeric)".to_string(),
        (Verdict::False, Some("symbolic")) => "false (symbolic)".to_string(),
        (v, _) => v.as_str().to_string(),
    };
    let (sym, class) = match step.verdict {
        Verdict::Proved => ("✓", "proved"),
        Verdict::Holds => ("✓", "holds"),
        Verdict::False => ("✗", "false"),
        Verdict::Undefined => ("!", "undefined"),
        Verdict::Inconclusive => ("!", "inconclusive"),
        Verdict::Error => ("!", "error"),
    };
    (sym, class, label)
}

fn math(m: &Math) -> String {
    format!("<math displaystyle=\"true\">{}</math>", to_mathml(m))
}

fn claim_header(out: &mut String, id: &str, claim: &ClaimReport) {
    let status = ClaimStatus::of(claim);
    let (sym, label) = match status {
        ClaimStatus::Verified => ("✓", "verified"),
        ClaimStatus::Failed => ("✗", "failed"),
        ClaimStatus::Error => ("!", "error"),
    };
    let _ = writeln!(
        out,
        "<article class=\"claim {label}\" id=\"{id}\">\n<h3><span class=\"claim-mark\" role=\"img\" \
         aria-label=\"{label}\">{sym}</span> <span class=\"name\">{}</span> \
         <span class=\"verdict\">{}</span> <span class=\"loc\">line {}</span></h3>",
        esc(&claim.name),
        claim.verdict.as_str(),
        claim.line
    );
}

/// A link's row, and beneath it a row of details when there are any.
fn render_link(out: &mut String, link: &Link<'_>) {
    let step = link.step;
    let lhs_cell = link
        .lhs
        .as_deref()
        .map(|lhs| math(&layout_source(lhs)))
        .unwrap_or_default();
    let (sym, class, label) = mark(step);
    let _ = write!(
        out,
        "<tr class=\"link {class}\">\n<td class=\"lhs\">{lhs_cell}</td>\
         <td class=\"eq\"><math displaystyle=\"true\"><mo>=</mo></math></td>\
         <td class=\"rhs\">{}</td>\n\
         <td class=\"verdict\"><span class=\"mark {class}\" role=\"img\" aria-label=\"{label}\" \
         title=\"{label}\">{sym}</span> <span class=\"word\">{label}</span></td>\
         <td class=\"why\">{}</td><td class=\"loc\">{}:{}</td>\n</tr>\n",
        math(&layout_source(&link.rhs)),
        step.justification
            .as_deref()
            .map(|j| if link.document {
                justification(j)
            } else {
                esc(&text::one_line(j))
            })
            .unwrap_or_default(),
        step.line,
        step.col,
    );
    let details = step_details(link);
    if !details.is_empty() {
        let _ = writeln!(
            out,
            "<tr class=\"detail {class}\"><td></td><td></td><td colspan=\"4\">{details}</td></tr>"
        );
    }
}

/// A justification: its words, and the math it holds set as MathML.
fn justification(j: &str) -> String {
    layout_justification(&text::one_line(j))
        .iter()
        .map(|piece| match piece {
            Justified::Words(w) => esc(w),
            Justified::Math(m) => format!("<math>{}</math>", to_mathml(m)),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a row's mark does not say: evidence, diagnosis, rule trace.
fn step_details(link: &Link<'_>) -> String {
    let step = link.step;
    let mut out = String::new();
    match &link.evidence {
        Evidence::None => {}
        Evidence::Counterexample(cx) => out.push_str(&counterexample(cx)),
        Evidence::Message(m) => {
            let _ = write!(out, "<p class=\"message\">{}</p>", esc(m));
        }
        Evidence::Diagnostic(view) => out.push_str(&diagnostic(view)),
        Evidence::Error(m) => {
            let _ = write!(out, "<p class=\"message\">error: {}</p>", esc(m));
        }
    }
    if let Some(d) = &step.diagnosis {
        let _ = write!(
            out,
            "<p class=\"diagnosis\"><strong>What went wrong:</strong> {}</p>",
            prose(d)
        );
    }
    if !step.trace.is_empty() {
        let _ = write!(
            out,
            "<details class=\"trace\"><summary>How it was proved ({} {})</summary><ol>",
            step.trace.len(),
            if step.trace.len() == 1 {
                "rule"
            } else {
                "rules"
            }
        );
        for rule in &step.trace {
            let _ = write!(out, "<li><code>{}</code></li>", esc(rule));
        }
        out.push_str("</ol></details>");
    }
    out
}

/// A message with the expressions it quotes typeset.
fn prose(s: &str) -> String {
    runs(s)
        .into_iter()
        .map(|r| match r {
            Run::Prose(p) => esc(p),
            Run::Math(m) => inline_math(&layout_source(m)),
        })
        .collect()
}

fn inline_math(m: &Math) -> String {
    format!("<math>{}</math>", to_mathml(m))
}

/// A link's error as the page shows it: the message, the expression it is
/// about and what each label says of its part, and the help, the
/// mathematics typeset rather than drawn in ASCII.
fn diagnostic(view: &DiagnosticView<'_>) -> String {
    let d = view.diagnostic;
    let mut out = format!(
        "<div class=\"diagnostic\"><p class=\"message\"><strong>Error:</strong> {}</p>",
        prose(&d.message)
    );
    if !view.at.is_empty() {
        let _ = write!(
            out,
            "<p class=\"at\">at {}</p>",
            inline_math(&layout_source(&view.at))
        );
    }
    if !view.labels.is_empty() {
        out.push_str("<ul class=\"labels\">");
        for (at, label) in &view.labels {
            let _ = write!(
                out,
                "<li>{}: {}</li>",
                inline_math(&layout_source(at)),
                prose(label)
            );
        }
        out.push_str("</ul>");
    }
    if let Some(help) = &d.help {
        let _ = write!(
            out,
            "<p class=\"help\"><strong>Help:</strong> {}</p>",
            prose(help)
        );
    }
    out.push_str("</div>");
    out
}

fn counterexample(cx: &Counterexample) -> String {
    let mut out = String::from("<div class=\"cx\"><p>Counterexample");
    let at: Vec<String> = cx
        .dims
        .iter()
        .chain(&cx.indices)
        .map(|(name, v)| {
            format!(
                "<math><mrow>{}<mo>=</mo><mn>{v}</mn></mrow></math>",
                to_mathml(&layout_name(name))
            )
        })
        .collect();
    if !at.is_empty() {
        let _ = write!(out, " at {}", at.join(", "));
    }
    out.push_str(":</p><table class=\"values\"><tbody>");
    for (name, value) in &cx.values {
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><math>{}</math></th><td>{}</td></tr>",
            to_mathml(&layout_name(name)),
            esc(&text::sample_value(value))
        );
    }
    let (lhs, rhs) = text::distinct_pair(cx.lhs, cx.rhs);
    let _ = write!(
        out,
        "<tr class=\"side\"><th scope=\"row\">left side</th><td>{}</td></tr>\
         <tr class=\"side\"><th scope=\"row\">right side</th><td>{}</td></tr>",
        esc(&lhs),
        esc(&rhs)
    );
    // The lets the link uses, after the sides: "where z1 = …".
    for (k, (name, value)) in cx.intermediates.iter().enumerate() {
        let lead = if k == 0 { "where " } else { "" };
        let _ = write!(
            out,
            "<tr class=\"let\"><th scope=\"row\">{lead}<math>{}</math></th><td>{}</td></tr>",
            to_mathml(&layout_name(name)),
            esc(&text::sample_value(value))
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

const CSS: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1f2328;
  margin: 0 auto; max-width: 78rem; padding: 1rem 2rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.15rem; font-family: ui-monospace, monospace; border-bottom: 1px solid #d0d7de;
  padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; font-weight: 600; margin: 1.2rem 0 0.4rem; }
h3 .verdict, h3 .loc, td.loc { color: #656d76; font-weight: normal; font-size: 0.9em; }
.summary { font-weight: 600; }
.summary.ok, .verified .claim-mark, .mark.proved { color: #1a7f37; }
.summary.bad, .failed .claim-mark, .mark.false { color: #cf222e; }
.error .claim-mark, .mark.error, .mark.undefined, .mark.inconclusive { color: #9a6700; }
.mark.holds { color: #0969da; }
.claim-mark, .mark { font-weight: bold; display: inline-block; min-width: 1em; text-align: center; }
nav ul { padding-left: 1.2rem; margin: 0.3rem 0; font-family: ui-monospace, monospace; }
.scroll { overflow-x: auto; }
table.chain { border-collapse: collapse; }
table.chain td { padding: 0.25rem 0.4rem; vertical-align: middle; }
td.lhs { text-align: right; }
td.rhs { text-align: left; }
td.lhs math, td.rhs math, td.eq math { margin: 0; }
td.lhs math { text-align: right; }
td.verdict { white-space: nowrap; }
.word { font-size: 0.85em; color: #656d76; }
td.why { color: #57606a; font-style: italic; font-size: 0.9em; }
tr.link.false td { background: #ffebe9; }
tr.link.error td, tr.link.undefined td, tr.link.inconclusive td { background: #fff8c5; }
tr.detail td { padding-top: 0; padding-bottom: 0.6rem; }
.cx { display: inline-block; border-left: 3px solid #cf222e; padding: 0.2rem 0.8rem;
  background: #fff5f5; }
math { font-family: 'Latin Modern Math', 'STIX Two Math', 'Cambria Math', math; font-size: 1.1em; }
.cx p { margin: 0.2rem 0; }
table.values th, table.values td { vertical-align: baseline; padding: 0.05rem 0.3rem; }
table.values th { text-align: right; font-weight: normal; padding-right: 0.6rem; }
table.values td { font-family: ui-monospace, monospace; }
table.values tr.side th { font-style: italic; }
.diagnosis { margin: 0.4rem 0; }
.diagnostic { border-left: 3px solid #bf8700; padding: 0.2rem 0.8rem; background: #fffbea; }
.diagnostic p { margin: 0.2rem 0; }
.diagnostic ul.labels { margin: 0.2rem 0; padding-left: 1.2rem; color: #57606a; }
pre { background: #f6f8fa; padding: 0.5rem; overflow-x: auto; font-size: 0.85em; }
.file-error { color: #cf222e; }
p.note { margin: 0.2rem 0; font-size: 0.9em; color: #57606a; }
p.note .note-kind { font-weight: 600; color: #9a6700; }
p.note.assumed .note-kind, p.note.note .note-kind { color: #57606a; }
p.note .loc { color: #656d76; font-family: ui-monospace, monospace; }
details.trace summary { cursor: pointer; color: #57606a; font-size: 0.9em; }
footer { margin-top: 2rem; color: #656d76; font-size: 0.85em; border-top: 1px solid #d0d7de;
  padding-top: 0.5rem; overflow-wrap: anywhere; }
h2, .summary, p.note, .file-error { overflow-wrap: anywhere; }
/* A phone: each link becomes a small grid, the equation on top and the
   mark, justification and line beneath it, so nothing but a wide formula
   needs sideways scrolling, and that one scrolls inside its own cell. */
@media (max-width: 40rem) {
  body { padding: 0.5rem 0.75rem; }
  .scroll { overflow-x: visible; }
  table.chain, table.chain > tbody, tr.detail, tr.detail td { display: block; }
  table.chain tr.link { display: grid; grid-template-columns: auto auto minmax(0, 1fr) auto;
    align-items: center; margin-top: 0.4rem; }
  table.chain td { padding: 0.1rem 0.2rem; }
  td.lhs, td.rhs { min-width: 0; overflow-x: auto; overflow-y: hidden; padding: 0.2rem; }
  td.rhs { grid-column: 3 / 5; }
  td.lhs:empty { padding: 0; }
  td.verdict { grid-row: 2; grid-column: 1 / 4; padding-left: 1.2rem; white-space: normal; }
  td.loc { grid-row: 2; grid-column: 4; text-align: right; }
  td.why { grid-row: 3; grid-column: 1 / -1; padding-left: 1.2rem; }
  tr.detail td:empty { display: none; }
  tr.detail td { padding-left: 1.2rem; }
  .cx { display: block; overflow-x: auto; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; }
}
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn one_mark_per_link_and_a_counterexample_under_the_false_one() {
        let page = render(&[testdata::checked(), testdata::missing()]);
        assert_eq!(page.matches("<span class=\"mark ").count(), 5);
        assert_eq!(page.matches("<div class=\"cx\">").count(), 1);
        assert!(page.contains("aria-label=\"holds (numeric)\""));
        assert!(page.contains("<th scope=\"row\">left side</th><td>4</td>"));
        assert!(page.contains("cannot read missing.txt: no such file or directory"));
        // An error is typeset: the quoted name and the help's declaration
        // are mathematics, not a code frame in a <pre>.
        assert!(page.contains(
            "<div class=\"diagnostic\"><p class=\"message\"><strong>Error:</strong> unknown name <math>"
        ));
        assert!(page.contains("<p class=\"help\"><strong>Help:</strong> declare it, e.g. <math>"));
        assert!(!page.contains("<pre class=\"diagnostic\">"));
        assert!(!page.contains("<script"));
        assert!(!page.contains("http"));
    }

    #[test]
    fn a_justifications_math_is_typeset() {
        let mut report = testdata::report();
        report.claims[0].steps[0].justification =
            Some("since $x \\ge 0$ and $\\frac{1}{2}$".into());
        let shown = |report: crate::outcome::FileReport| {
            let page = render(&[FileOutcome::Checked {
                source: testdata::SOURCE.into(),
                report,
            }]);
            page.split("<td class=\"why\">")
                .nth(1)
                .and_then(|s| s.split("</td>").next())
                .unwrap_or_default()
                .to_string()
        };
        // A comment of the derivation language is shown as written.
        assert_eq!(shown(report.clone()), "since $x \\ge 0$ and $\\frac{1}{2}$");
        // A document's justification is typeset.
        report.path = "hw.md".into();
        let page = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        let why = page
            .split("<td class=\"why\">")
            .nth(1)
            .and_then(|s| s.split("</td>").next())
            .unwrap_or_default();
        assert!(why.starts_with("since <math>"), "{why}");
        assert!(why.contains("≥"), "{why}");
        assert!(why.contains("and <math><mrow><mfrac>"), "{why}");
        assert!(!why.contains('\\') && !why.contains('$'), "{why}");
    }

    #[test]
    fn notes_are_shown_under_the_files_name() {
        let mut report = testdata::report();
        report.notes = vec![crate::outcome::FileNote {
            line: 4,
            col: 2,
            span: crate::Span::new(0, 0),
            kind: crate::outcome::NoteKind::Unread,
            message: "unknown command `\\foo` <here>".into(),
        }];
        let page = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        let note = "<p class=\"note not-read\"><span class=\"note-kind\">not read</span> \
                    <span class=\"loc\">4:2</span> unknown command `\\foo` &lt;here&gt;</p>";
        assert!(page.contains(note), "{page}");
        assert!(page.find(note) < page.find("<article"), "{page}");
    }

    #[test]
    fn diagnosis_and_trace_are_shown_where_present() {
        let mut report = testdata::report();
        report.claims[1].steps[0].diagnosis = Some("squares <do not> distribute".into());
        report.claims[0].steps[0].trace = vec!["exp-add".into(), "mul-cancel".into()];
        let page = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        assert!(page.contains("squares &lt;do not&gt; distribute"));
        assert!(page.contains(
            "<details class=\"trace\"><summary>How it was proved (2 rules)</summary><ol><li><code>exp-add</code></li>"
        ));
        // A diagnosis's difference is typeset.
        let mut report = testdata::report();
        report.claims[1].steps[0].diagnosis =
            Some("a sign is lost; left − right = 2 * exp(x)".into());
        let page = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        assert!(
            page.contains("a sign is lost; left − right = <math><mrow><mn>2</mn>"),
            "{page}"
        );
    }

    #[test]
    fn hostile_names_are_escaped() {
        let mut report = testdata::report();
        report.path = "<script>alert(1)</script>".into();
        report.claims[0].name = "a\u{1b}[31m\"&".into();
        report.claims[0].steps[0].justification = Some("</td><b>".into());
        let page = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        assert!(!page.contains("<script>"));
        assert!(!page.contains("</td><b>"));
        assert!(page.contains("a\\u{1b}[31m&quot;&amp;"));
    }
}
