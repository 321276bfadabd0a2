//! LaTeX: display environments, comments, `%:` context, prose, and
//! unbalanced input.

use super::{assert_document_maps, texts};
use crate::document::read_tex;
use crate::syntax::span::LineIndex;

const HOMEWORK: &str = r#"\documentclass{article}
\usepackage{amsmath}
%: x, c : real
%:   f(t) := t^2 + c
\newcommand{\R}{\mathbb{R}} % $$ in the preamble is not read
\begin{document}
\section*{Inciso a)}
Sea $f(x) = x^2 + c$. % comentario con $$ que no es math
Entonces
\begin{align*}
  f'(x) &= 2x \\ % why: power rule
        &= 2x + 0
\end{align*}
El 50\% de los casos.

\subsection{Inciso b) $(x+1)^2$}
\[
\begin{aligned}
(x+1)^2 &= x^2 + 2x + 1 \\[2pt]
        &= x(x+2) + 1
\end{aligned}
\]
$$ y = 1 $$
\begin{equation}
  \begin{aligned}
    a &= b
  \end{aligned}
\end{equation}
\begin{verbatim}
$$ not = math $$ % not a comment
\end{verbatim}
Y \verb|$$| tampoco.
\end{document}
$$ after = end $$
"#;

#[test]
fn homework_displays() {
    let doc = read_tex(HOMEWORK, false);
    assert_eq!(
        texts(&doc.displays),
        [
            "\n  f'(x) &= 2x \\\\ \n        &= 2x + 0\n",
            "\n\\begin{aligned}\n(x+1)^2 &= x^2 + 2x + 1 \\\\[2pt]\n        &= x(x+2) + 1\n\\end{aligned}\n",
            " y = 1 ",
            "\n  \\begin{aligned}\n    a &= b\n  \\end{aligned}\n",
        ]
    );
    let envs: Vec<&str> = doc.displays.iter().map(|d| d.env.as_str()).collect();
    assert_eq!(envs, ["align*", "\\[", "$$", "equation"]);
    assert!(doc.notes.is_empty(), "{:?}", doc.notes);
    assert_document_maps(HOMEWORK, &doc);
    let first = &doc.displays[0];
    assert!(first.span.text(HOMEWORK).starts_with("\\begin{align*}"));
    assert!(first.span.text(HOMEWORK).ends_with("\\end{align*}"));
    // `&= 2x + 0` is on line 12, after the line whose comment was cut.
    let at = first.text.find("&= 2x + 0").unwrap();
    let idx = LineIndex::new(HOMEWORK);
    assert_eq!(idx.line_col(HOMEWORK, first.map.to_source(at)), (12, 9));
}

#[test]
fn homework_context_and_prose() {
    let doc = read_tex(HOMEWORK, true);
    assert_eq!(doc.context.len(), 1);
    assert_eq!(doc.context[0].text, "x, c : real\n  f(t) := t^2 + c\n");
    assert_document_maps(HOMEWORK, &doc);
    let headings: Vec<&str> = doc
        .prose
        .iter()
        .filter(|p| p.heading)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(headings, ["Inciso a)", "Inciso b) $(x+1)^2$"]);
    let h = doc.prose.iter().find(|p| p.text == "Inciso a)").unwrap();
    assert_eq!(h.span.text(HOMEWORK), "\\section*{Inciso a)}");
    let first_para = &doc.prose[1];
    assert!(!first_para.heading);
    assert!(first_para
        .text
        .starts_with("Sea $f(x) = x^2 + c$. \nEntonces"));
    assert!(first_para.text.ends_with("El 50\\% de los casos."));
    // With inline math asked for, the one with `=` comes too (in the
    // heading `$(x+1)^2$` has none).
    let inline: Vec<&str> = doc
        .displays
        .iter()
        .filter(|d| d.inline)
        .map(|d| d.text.as_str())
        .collect();
    assert_eq!(inline, ["f(x) = x^2 + c"]);
}

#[test]
fn crlf_gives_the_same_texts_as_lf() {
    let crlf = HOMEWORK.replace('\n', "\r\n");
    let lf = read_tex(HOMEWORK, false);
    let doc = read_tex(&crlf, false);
    assert_eq!(texts(&doc.displays), texts(&lf.displays));
    assert_eq!(doc.context[0].text, lf.context[0].text);
    assert_document_maps(&crlf, &doc);
}

#[test]
fn comments_and_escaped_percent() {
    let src = "\\[ a = 50\\% \\] % \\[ b = c \\]\n\\[ d = e \\\\% \\] \n f \\]\n";
    let doc = read_tex(src, false);
    // `\\%` is a line break, then a comment that hides the first `\]`.
    assert_eq!(texts(&doc.displays), [" a = 50\\% ", " d = e \\\\\n f "]);
    assert_document_maps(src, &doc);
}

#[test]
fn every_environment_starred_or_not() {
    let mut src = String::new();
    for env in [
        "equation",
        "align",
        "gather",
        "multline",
        "eqnarray",
        "flalign",
        "displaymath",
    ] {
        for star in ["", "*"] {
            src.push_str(&format!(
                "\\begin{{{env}{star}}} a = b \\end{{{env}{star}}}\n"
            ));
        }
    }
    src.push_str("\\begin{alignat}{2} c &= d \\end{alignat}\n");
    src.push_str("\\begin{split} not = display \\end{split}\n");
    let doc = read_tex(&src, false);
    assert_eq!(doc.displays.len(), 15);
    assert!(doc.displays[..14].iter().all(|d| d.text == " a = b "));
    assert_eq!(doc.displays[14].text, " c &= d ");
    assert_eq!(doc.displays[1].env, "equation*");
    assert_document_maps(&src, &doc);
}

#[test]
fn comment_lines_do_not_break_a_display_but_blank_lines_do() {
    let src = "\\begin{align}\na &= b \\\\\n  % a note\n&= c\n\\end{align}\n\n\\begin{align}\nd &= e\n\n\\end{align}\n";
    let doc = read_tex(src, false);
    assert_eq!(texts(&doc.displays), ["\na &= b \\\\\n&= c\n"]);
    let idx = LineIndex::new(src);
    let notes: Vec<((usize, usize), &str)> = doc
        .notes
        .iter()
        .map(|(s, n)| (idx.line_col(src, s.start), n.as_str()))
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].0, (7, 1));
    assert!(notes[0]
        .1
        .contains("no `\\end{align}` before the blank line"));
    assert_eq!(notes[1].0, (10, 1));
    assert!(notes[1].1.contains("has no `\\begin{align}`"));
}

#[test]
fn unbalanced_input_gives_notes_and_keeps_the_rest() {
    let src =
        "\\begin{align} x = y \\end{equation}\n\\[ ok = 1 \\]\n\n$$ never\n\n\\begin{gather*} z\n";
    let doc = read_tex(src, false);
    assert_eq!(texts(&doc.displays), [" ok = 1 "]);
    let idx = LineIndex::new(src);
    let places: Vec<(usize, usize)> = doc
        .notes
        .iter()
        .map(|(s, _)| idx.line_col(src, s.start))
        .collect();
    assert_eq!(places, [(1, 1), (1, 21), (4, 1), (6, 1)]);
    assert!(doc.notes[3].1.contains("before the end of the document"));
}

#[test]
fn dollars_pair_as_tex_pairs_them() {
    let src = "$a = b$$c = d$ and $$e = f$$ and \\$ 5 \\(g = h\\)\n";
    let doc = read_tex(src, true);
    assert_eq!(texts(&doc.displays), ["a = b", "c = d", "e = f", "g = h"]);
    let inline: Vec<bool> = doc.displays.iter().map(|d| d.inline).collect();
    assert_eq!(inline, [true, true, false, true]);
    assert_document_maps(src, &doc);
}

#[test]
fn context_runs_are_separate_pieces() {
    let src = "%: a : real\n  %:b : real\ntext\n%: c : real";
    let doc = read_tex(src, false);
    let pieces: Vec<&str> = doc.context.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(pieces, ["a : real\nb : real\n", "c : real"]);
    assert_document_maps(src, &doc);
    assert_eq!(doc.prose.len(), 1);
    assert_eq!(doc.prose[0].text, "text");
}

#[test]
fn a_backslash_at_a_line_end_does_not_hide_a_paragraph_break() {
    let src = "Inciso a) uno \\\n\nInciso b) dos\n";
    let doc = read_tex(src, false);
    let paragraphs: Vec<&str> = doc.prose.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(paragraphs, ["Inciso a) uno \\", "Inciso b) dos"]);
}
