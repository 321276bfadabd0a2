//! Markdown: displays in quotes and lists, code blocks, CRLF, `\[…\]`,
//! inline math, context fences and prose.

use super::{assert_document_maps, assert_maps_back, texts};
use crate::document::read_markdown;
use crate::syntax::span::LineIndex;

const HOMEWORK: &str = r#"# Tarea 3: derivadas

```derivcheck
x, c : real
f(t) := t^2 + c
```

## Inciso a)

Sea $f(x) = x^2 + c$. Derivamos con cuidado, y $x$ es real:

$$
\begin{aligned}
f'(x) &= \frac{d}{dx}(x^2 + c) \\
      &= 2x
\end{aligned}
$$

## Inciso b)

> Nota: en la cita también hay cuentas
> $$\begin{aligned}
> (x+1)^2 &= x^2 + 2x + 1 \\
>         &= x(x + 2) + 1
> \end{aligned}$$

1. First step, in English:
   $$
   \sum_{i=1}^n i = \frac{n(n+1)}{2}
   $$
2. Code is not math:

   ```
   $$ 1 = 2 $$
   ```

       $$ 3 = 4 $$
"#;

const EXPECTED: [&str; 3] = [
    "\n\\begin{aligned}\nf'(x) &= \\frac{d}{dx}(x^2 + c) \\\\\n      &= 2x\n\\end{aligned}\n",
    "\\begin{aligned}\n(x+1)^2 &= x^2 + 2x + 1 \\\\\n        &= x(x + 2) + 1\n\\end{aligned}",
    "\n\\sum_{i=1}^n i = \\frac{n(n+1)}{2}\n",
];

#[test]
fn homework_displays_in_quotes_and_lists_without_code() {
    let doc = read_markdown(HOMEWORK, false);
    assert_eq!(texts(&doc.displays), EXPECTED);
    assert!(doc.displays.iter().all(|d| d.env == "$$" && !d.inline));
    assert_document_maps(HOMEWORK, &doc);
    assert!(doc.notes.is_empty(), "{:?}", doc.notes);
    // The quoted display's second line is line 23 of the file, after `> `.
    let quoted = &doc.displays[1];
    let at = quoted.text.find("(x+1)").unwrap();
    let idx = LineIndex::new(HOMEWORK);
    assert_eq!(idx.line_col(HOMEWORK, quoted.map.to_source(at)), (23, 3));
    assert!(quoted.span.text(HOMEWORK).starts_with("$$\\begin"));
    assert!(quoted.span.text(HOMEWORK).ends_with("\\end{aligned}$$"));
}

#[test]
fn homework_context_and_prose() {
    let doc = read_markdown(HOMEWORK, false);
    assert_eq!(doc.context.len(), 1);
    assert_eq!(doc.context[0].text, "x, c : real\nf(t) := t^2 + c\n");
    let headings: Vec<&str> = doc
        .prose
        .iter()
        .filter(|p| p.heading)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(headings, ["Tarea 3: derivadas", "Inciso a)", "Inciso b)"]);
    let paragraphs: Vec<&str> = doc
        .prose
        .iter()
        .filter(|p| !p.heading)
        .map(|p| p.text.as_str())
        .collect();
    assert!(paragraphs[0].starts_with("Sea $f(x) = x^2 + c$. Derivamos"));
    assert!(paragraphs
        .contains(&"First step, in English: $$\n   \\sum_{i=1}^n i = \\frac{n(n+1)}{2}\n   $$"));
    assert!(paragraphs.contains(&"Code is not math:"));
    // In source order, and each span is its text's place.
    let starts: Vec<usize> = doc.prose.iter().map(|p| p.span.start).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]));
    let b = doc.prose.iter().find(|p| p.text == "Inciso b)").unwrap();
    assert_eq!(b.span.text(HOMEWORK).trim_end(), "## Inciso b)");
}

#[test]
fn crlf_gives_the_same_texts_as_lf() {
    let crlf = HOMEWORK.replace('\n', "\r\n");
    let doc = read_markdown(&crlf, false);
    assert_eq!(texts(&doc.displays), EXPECTED);
    assert_eq!(doc.context[0].text, "x, c : real\nf(t) := t^2 + c\n");
    assert_document_maps(&crlf, &doc);
}

#[test]
fn inline_math_only_when_asked_and_with_an_equals() {
    let src = "Sea $f(x) = x^2$ y $x$ real, y $a=b$.\n";
    assert!(read_markdown(src, false).displays.is_empty());
    let doc = read_markdown(src, true);
    assert_eq!(texts(&doc.displays), ["f(x) = x^2", "a=b"]);
    assert!(doc.displays.iter().all(|d| d.inline && d.env == "$"));
    assert_eq!(doc.displays[0].span.text(src), "$f(x) = x^2$");
    assert_document_maps(src, &doc);
}

#[test]
fn bracket_displays_are_read_from_the_raw_paragraph() {
    // CommonMark reads `\[` as an escaped bracket; MathJax reads it as math.
    let src =
        "Texto:\n\\[ x_1 * y_2 = *z* \\]\n\n> quoted\n> \\[\n> a &= b \\\\\n>   &= c\n> \\]\n";
    let doc = read_markdown(src, false);
    // Continuation lines lose their leading blanks with their `> `: the
    // quote's own prefix cannot be told from indentation in the math.
    assert_eq!(
        texts(&doc.displays),
        [" x_1 * y_2 = *z* ", "\na &= b \\\\\n&= c\n"]
    );
    assert!(doc.displays.iter().all(|d| d.env == "\\["));
    assert_eq!(
        doc.displays[1].span.text(src),
        "\\[\n> a &= b \\\\\n>   &= c\n> \\]"
    );
    assert_document_maps(src, &doc);
}

#[test]
fn bare_environments_and_code_spans() {
    let src = "- item\n  \\begin{align*}\n  a &= b\n  \\end{align*}\n\nNot math: `\\[x = y\\]` nor `\\begin{align}`.\n";
    let doc = read_markdown(src, false);
    assert_eq!(texts(&doc.displays), ["\na &= b\n"]);
    assert_eq!(doc.displays[0].env, "align*");
    assert!(doc.notes.is_empty(), "{:?}", doc.notes);
    assert_document_maps(src, &doc);
}

#[test]
fn nested_containers_and_tabs() {
    let src = "> - $$a\n>   = b$$\n\n- > $$c\n  > = d$$\n\n- x\n\n\t$$e\n\t= f$$\n";
    let doc = read_markdown(src, false);
    assert_eq!(texts(&doc.displays), ["a\n= b", "c\n= d", "e\n= f"]);
    assert_document_maps(src, &doc);
}

#[test]
fn empty_displays_are_left_out() {
    let src = "$$$$\n\n$$ $$\n\n$$\n$$\n\n> $$\n> $$\n\n\\[ \\]\n";
    let doc = read_markdown(src, true);
    assert!(doc.displays.is_empty(), "{:?}", doc.displays);
    assert!(doc.notes.is_empty(), "{:?}", doc.notes);
}

#[test]
fn unclosed_displays_give_a_located_note() {
    let src = "Antes.\n\n$$\nx &= 1\n\n&= 2\n$$\n\n\\[ y = 1\n\nfin \\begin{align} z\n";
    let doc = read_markdown(src, false);
    assert!(doc.displays.is_empty(), "{:?}", doc.displays);
    let idx = LineIndex::new(src);
    let places: Vec<(usize, usize)> = doc
        .notes
        .iter()
        .map(|(s, _)| idx.line_col(src, s.start))
        .collect();
    // The first `$$` (line 3), the second one (line 7), `\[` and `\begin`.
    assert_eq!(places, [(3, 1), (7, 1), (9, 1), (11, 5)]);
    assert!(doc.notes[0].1.contains("`$$` is not read as math"));
    assert!(doc.notes[2]
        .1
        .contains("no `\\]` before the end of its paragraph"));
}

#[test]
fn context_fences_in_quotes_map_back() {
    let src = "> ```derivcheck\n> x : real\n>   claim c: x = x\n> ```\n\n~~~ derivcheck extra\ny : real\n~~~\n\n```python\nz = 1\n```\n";
    let doc = read_markdown(src, false);
    let pieces: Vec<&str> = doc.context.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(pieces, ["x : real\n  claim c: x = x\n", "y : real\n"]);
    assert_document_maps(src, &doc);
    let idx = LineIndex::new(src);
    let at = doc.context[0].text.find("claim").unwrap();
    assert_eq!(idx.line_col(src, doc.context[0].map.to_source(at)), (3, 5));
}

#[test]
fn map_spans_cover_lines_of_a_quoted_display() {
    let src = "> $$a\n> = b$$\n";
    let doc = read_markdown(src, false);
    let d = &doc.displays[0];
    assert_eq!(d.text, "a\n= b");
    let span = d
        .map
        .span_to_source(crate::syntax::span::Span::new(0, d.text.len()));
    assert_eq!(span.text(src), "a\n> = b");
    assert_maps_back(src, &d.text, &d.map);
}

#[test]
fn setext_heading_cuts_a_display_with_a_note() {
    // A line of `=` under paragraph text makes it a heading: the `$$`
    // display is cut, and the note says so instead of it vanishing.
    let src = "$$\na\n==\nb$$\n";
    let doc = read_markdown(src, false);
    assert!(doc.displays.is_empty(), "{:?}", doc.displays);
    assert_eq!(doc.notes.len(), 2, "{:?}", doc.notes);
    assert_eq!(doc.notes[0].0.start, 0);
    assert!(doc.prose[0].heading);
}
