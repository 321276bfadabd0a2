//! Markdown and LaTeX documents, checked where people write them: every
//! chain of every display is a claim, located at the document's own lines.

use derivcheck::outcome::NoteKind;
use derivcheck::{verify_source, FileReport, Options, Verdict};

fn verify(path: &str, text: &str) -> FileReport {
    verify_source(path, text, &Options::default())
}

/// (line, column, verdict) of every link of every claim.
fn links(report: &FileReport) -> Vec<(usize, usize, Verdict)> {
    report
        .claims
        .iter()
        .flat_map(|c| c.steps.iter().map(|s| (s.line, s.col, s.verdict)))
        .collect()
}

#[test]
fn the_seed_proofs_in_markdown_are_proved_link_by_link() {
    let path = "derivations/seed_proofs.md";
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let report = verify(path, &text);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let links = links(&report);
    assert!(report.claims.len() >= 11, "{}", report.claims.len());
    assert!(links.len() >= 30, "{links:?}");
    assert!(
        links.iter().all(|&(_, _, v)| v == Verdict::Proved),
        "{links:?}"
    );
    // Each part's display is there: the sigmoid's chain starts at its line.
    let sigmoid_line = text
        .lines()
        .position(|l| l.starts_with(r"\frac{d}{dt}\sigma(t)"))
        .unwrap()
        + 1;
    let sigmoid = report
        .claims
        .iter()
        .find(|c| c.line == sigmoid_line)
        .unwrap();
    // Named for the heading it stands under, as a reader would cite it.
    assert_eq!(sigmoid.name, "(b) The derivative of the sigmoid");
    let names: Vec<&str> = report.claims.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"(d) Backpropagation (2)"), "{names:?}");
}

const FLAWED_MD: &str = r#"# Tarea

```derivcheck
x : real
```

La derivada de la sigmoide:

> $$
> \begin{aligned}
> \frac{d}{dx}\sigma(x) &= \frac{d}{dx}\left(1 + e^{-x}\right)^{-1} \\
> &= -\left(1 + e^{-x}\right)^{-2} \cdot e^{-x} \quad \text{regla de la cadena} \\
> &= \sigma(x)\left(1 - \sigma(x)\right)
> \end{aligned}
> $$
"#;

#[test]
fn a_wrong_step_in_markdown_is_false_at_its_own_line_and_column() {
    let report = verify("tarea.md", FLAWED_MD);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let links = links(&report);
    // At the document's lines, after the quote marker and the `&= `; the
    // step after the wrong one is false too, since it starts from it.
    assert_eq!(
        links,
        vec![
            (11, 28, Verdict::Proved),
            (12, 6, Verdict::False),
            (13, 6, Verdict::False)
        ]
    );
    let step = &report.claims[0].steps[1];
    assert_eq!(step.justification.as_deref(), Some("regla de la cadena"));
    assert!(
        step.diagnosis.as_deref().unwrap_or("").contains("sign"),
        "{step:?}"
    );
}

const TEX: &str = r"\documentclass{article}
\begin{document}
%: z : vector[n]
%: let q = softmax(z)
The softmax sums to one:
\begin{align*}
  \sum_i q_i &= \sum_i \frac{e^{z_i}}{\sum_j e^{z_j}} \\ % definition
             &= \frac{\sum_i e^{z_i}}{\sum_j e^{z_j}} \\
             &= 1.
\end{align*}
and a slip:
\[ \frac{\partial}{\partial z_j} \log q_i = \delta_{ij} + q_j \]
\end{document}
";

#[test]
fn a_latex_document_with_context_in_comments() {
    let report = verify("notes.tex", TEX);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let links = links(&report);
    assert_eq!(
        links,
        vec![
            (7, 17, Verdict::Proved),
            (8, 17, Verdict::Proved),
            (9, 17, Verdict::Proved),
            (12, 45, Verdict::False),
        ]
    );
}

#[test]
fn a_display_that_cannot_be_read_is_noted_there_and_the_others_are_checked() {
    let md = "$$ \\frac{a}{ = b $$\n\n$$ 2 t = t + \\foo{t} $$\n\n$$ 2 t = t + t $$\n";
    let report = verify("broken.md", md);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let unread: Vec<(usize, &str)> = report
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Unread)
        .map(|n| (n.line, n.message.as_str()))
        .collect();
    assert_eq!(unread.len(), 2, "{:?}", report.notes);
    assert_eq!(unread[0].0, 1);
    assert_eq!(unread[1].0, 3);
    assert!(unread[1].1.contains("\\foo"), "{unread:?}");
    assert_eq!(links(&report), vec![(5, 10, Verdict::Proved)]);
    // Counted in the summary, but not an error unless asked.
    let outcome = [derivcheck::outcome::FileOutcome::Checked {
        source: md.to_string(),
        report,
    }];
    let summary = derivcheck::outcome::Summary::of(&outcome);
    assert_eq!(summary.unread, 2);
    assert_eq!(summary.exit_code(), 0);
    assert_eq!(summary.exit_code_strict(), 2);
}

#[test]
fn relations_other_than_equality_and_assumed_names_are_noted() {
    let md = "$$ \\sum_i x_i^2 \\ge 0 $$\n\n$$ 2 c = c + c \\le 3 c $$\n";
    let report = verify("notes.md", md);
    let notes: Vec<(NoteKind, usize)> = report.notes.iter().map(|n| (n.kind, n.line)).collect();
    assert_eq!(
        notes,
        vec![
            (NoteKind::Assumed, 1),
            (NoteKind::Unchecked, 1),
            (NoteKind::Unchecked, 3)
        ]
    );
    // Only what a checked chain uses is assumed: `x` stands in none.
    assert_eq!(report.notes[0].message, "c : real");
    assert_eq!(links(&report), vec![(3, 10, Verdict::Proved)]);
}

#[test]
fn undeclared_names_are_assumed_from_their_use() {
    // No context at all: `x` and `y` are vectors (one index), `c` a scalar.
    let md = "$$ \\sum_i (x_i + c y_i) = \\sum_i x_i + c \\sum_i y_i $$\n";
    let report = verify("assumed.md", md);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(links(&report)[0].2, Verdict::Proved);
}

#[test]
fn the_input_kind_can_be_named_for_any_path() {
    let mut options = Options::default();
    options.input = derivcheck::InputKind::from_flag("md");
    let report = verify_source("<stdin>", FLAWED_MD, &options);
    assert_eq!(links(&report)[1].2, Verdict::False);
    // The same text as the derivation language is a syntax error.
    let report = verify("<stdin>", FLAWED_MD);
    assert!(!report.errors.is_empty());
}

#[test]
fn typeset_reports_show_the_students_own_math() {
    let report = verify("tarea.md", FLAWED_MD);
    let outcomes = [derivcheck::outcome::FileOutcome::Checked {
        source: FLAWED_MD.to_string(),
        report,
    }];
    let html = derivcheck::report::html::render(&outcomes);
    // Each side read from its LaTeX and laid out as MathML, not shown as
    // LaTeX source.
    assert!(html.contains("<mfrac>"), "{html}");
    assert!(!html.contains(r"<mtext>\frac"), "{html}");
    let tex = derivcheck::report::latex::render(&outcomes);
    assert!(tex.contains(r"\frac{\operatorname{d}}"), "{tex}");
    assert!(!tex.contains(r"\textbackslash{}frac"), "{tex}");
}

#[test]
fn one_line_chains_in_the_derivation_language_too() {
    let text = "x : real\nclaim c: (x + 1)^2 = x^2 + 2 x + 1 = x^2 + 1\n";
    let report = verify("one_line.txt", text);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        links(&report),
        vec![(2, 22, Verdict::Proved), (2, 38, Verdict::False)]
    );
}

#[test]
fn a_documents_own_declarations_override_the_context() {
    let mut options = Options::default();
    options.context = vec![(
        "assignment.deriv".to_string(),
        "x : vector[n]\nt : real\nlet s = exp(x)\n".to_string(),
    )];
    // `t` restated as it is, `x` a scalar here: both the student's own;
    // the context's `s`, built on the context's `x`, goes with it.
    let md = "```derivcheck\nt : real\nx : real\n```\n\n$$ 2 t x = t x + x t $$\n";
    let report = verify_source("own.md", md, &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(links(&report), vec![(6, 12, Verdict::Proved)]);
}

#[test]
fn parts_run_from_their_marker_to_the_next_parts() {
    let context = "\
part a \"Part a)\":
    x : vector[n]
part b \"Inciso b)\" \"Part b)\":
    x : real
part c \"Part c)\":
    y : real
";
    let doc = "# HW\n\nIntro: $$ x + x = 2x $$\n\n## Part a)\n\n$$ \\sum_i x_i + \\sum_i x_i = 2 \\sum_i x_i $$\n\n\
               ## Part b)\n\n$$ x \\cdot x = x^2 $$\n";
    let mut options = Options::default();
    options.context = vec![("hw.deriv".to_string(), context.to_string())];
    let report = verify_source("hw.md", doc, &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let lines: Vec<usize> = report.claims.iter().map(|c| c.line).collect();
    assert_eq!(lines, [3, 7, 11], "{:?}", report.claims);
    assert!(
        report.claims.iter().all(|c| c.verified()),
        "{:?}",
        report.claims
    );
    let notes: Vec<(NoteKind, &str)> = report
        .notes
        .iter()
        .map(|n| (n.kind, n.message.as_str()))
        .collect();
    // Before any part, `x` is only assumed; a part never found says so.
    assert!(
        notes.contains(&(NoteKind::Assumed, "x : real")),
        "{notes:?}"
    );
    assert!(
        notes.contains(&(
            NoteKind::Reading,
            "part `c`: no heading or paragraph holds \"Part c)\", so its items apply nowhere"
        )),
        "{notes:?}"
    );
    // Without the parts, `x` is one thing throughout: part a's chain fails.
    let mut flat = Options::default();
    flat.context = vec![("hw.deriv".to_string(), "x : real\n".to_string())];
    let report = verify_source("hw.md", doc, &flat);
    assert!(!report.errors.is_empty() || !report.claims.iter().all(|c| c.verified()));
}
