//! The LaTeX report: the same content as the HTML page, as a document that
//! plain `pdflatex` compiles with the packages of a minimal TeX Live
//! (amsmath, amssymb, geometry, xcolor).
//!
//! Each claim is an `align*` chain, one row per link: `&= rhs` and, after
//! an alignment gap, the mark and the justification. Counterexamples,
//! messages, diagnoses and rule traces go beneath their link with
//! `\intertext`, so the chain stays aligned.
//!
//! Everything from the file is escaped. pdflatex knows only the characters
//! its fonts have, so Greek letters and mathematical symbols are written as
//! commands (`σ` → `\sigma`), accented letters as accents (`ŷ` → `\^{y}`),
//! and anything else as its code point (`[U+2603]`) rather than failing the
//! build.

use super::mathml::{is_tall, layout_justification, layout_name, layout_source, Justified, Math};
use super::prose::{runs, Run};
use super::text;
use super::{terminal, DiagnosticView, Evidence, Link, PageOptions, Piece};
use crate::numeric::Counterexample;
use crate::outcome::{ClaimReport, StepReport, Verdict};
use crate::outcome::{ClaimStatus, FileOutcome, Summary};
use std::fmt::Write as _;
use unicode_normalization::UnicodeNormalization;

/// The whole run as one LaTeX document, with the default title and no
/// rule traces.
pub fn render(outcomes: &[FileOutcome]) -> String {
    render_with(outcomes, &PageOptions::default())
}

/// The whole run as one LaTeX document, titled and with rule traces as
/// `options` say.
pub fn render_with(outcomes: &[FileOutcome], options: &PageOptions) -> String {
    // Typesetting recurses over each step's syntax tree, as deep as it nests.
    crate::parallel::with_big_stack(|| render_here(outcomes, options))
}

fn render_here(outcomes: &[FileOutcome], options: &PageOptions) -> String {
    let mut out = String::from(PREAMBLE);
    let summary = terminal::render_summary(&Summary::of(outcomes), &terminal::Config::default());
    let _ = writeln!(
        out,
        "\\section*{{{}}}\n\\noindent {}\n",
        escape_text(&text::one_line(options.title())),
        escape_text(summary.trim_end())
    );
    super::walk(outcomes, |piece| render_piece(&mut out, piece, options));
    // The footer: how to run the same check again.
    let _ = writeln!(
        out,
        "\\par\\bigskip\\noindent\\rule{{\\linewidth}}{{0.4pt}}\\\\\n{{\\small\\color{{gray}} \
         $\\checkmark$ proved symbolically or holds on every random sample; $\\times$ false, \
         with a counterexample; \\textbf{{!}} could not be decided or checked. Checked by {}.}}",
        escape_text(&super::provenance(outcomes))
    );
    out.push_str("\\end{document}\n");
    out
}

const PREAMBLE: &str = "\\documentclass[10pt]{article}
\\usepackage[T1]{fontenc}
\\usepackage[utf8]{inputenc}
\\usepackage{lmodern}
\\usepackage{amsmath,amssymb}
\\usepackage[a4paper,landscape,margin=1.5cm]{geometry}
\\usepackage[dvipsnames]{xcolor}
\\definecolor{good}{rgb}{0.10,0.50,0.22}
\\definecolor{holds}{rgb}{0.04,0.41,0.85}
\\definecolor{bad}{rgb}{0.81,0.13,0.18}
\\definecolor{warn}{rgb}{0.60,0.40,0.00}
\\setlength{\\parindent}{0pt}
\\allowdisplaybreaks
\\begin{document}
";

/// The mark and the colour of a link.
fn mark(step: &StepReport) -> String {
    match step.verdict {
        Verdict::Proved => "\\textcolor{good}{$\\checkmark$ proved}".into(),
        Verdict::Holds => "\\textcolor{holds}{$\\checkmark$ holds (numeric)}".into(),
        Verdict::False => "\\textcolor{bad}{$\\times$ \\textbf{false}}".into(),
        v => format!("\\textcolor{{warn}}{{\\textbf{{!}} {}}}", v.as_str()),
    }
}

/// Writes one piece of the document.
fn render_piece(out: &mut String, piece: Piece<'_>, options: &PageOptions) {
    match piece {
        Piece::File { path, .. } => {
            let _ = writeln!(out, "\\subsection*{{\\texttt{{{}}}}}", escape_text(path));
        }
        Piece::Unreadable(e) => {
            let _ = writeln!(
                out,
                "\\textcolor{{bad}}{{cannot read {}: {}}}\n",
                escape_text(&e.path),
                escape_text(&e.message)
            );
        }
        Piece::FileError(d) => out.push_str(&verbatim_block(&d)),
        Piece::Note(note) => {
            // The names assumed are the whole document's: no place.
            let at = if note.kind == crate::outcome::NoteKind::Assumed {
                String::new()
            } else {
                format!(" {{\\small {}:{}}}", note.line, note.col)
            };
            let _ = writeln!(
                out,
                "\\textcolor{{warn}}{{\\textbf{{{}}}}}{at} {}\\par",
                escape_text(note.kind.as_str()),
                escape_text(&note.message)
            );
        }
        Piece::NoClaims => out.push_str("\\emph{no claims}\n\n"),
        Piece::Claim { claim, .. } => claim_header(out, claim),
        Piece::NoLinks => out.push_str("\n\\emph{no links}\n\n"),
        Piece::ChainStart => out.push_str("\\begin{align*}\n"),
        Piece::Link(link) => render_link(out, &link, options.trace),
        Piece::ChainEnd => out.push_str("\\end{align*}\n\n"),
        Piece::ClaimEnd | Piece::FileEnd => {}
    }
}

fn claim_header(out: &mut String, claim: &ClaimReport) {
    let (sym, colour) = match ClaimStatus::of(claim) {
        ClaimStatus::Verified => ("$\\checkmark$", "good"),
        ClaimStatus::Failed => ("$\\times$", "bad"),
        ClaimStatus::Error => ("\\textbf{!}", "warn"),
    };
    let _ = writeln!(
        out,
        "\\paragraph{{\\textcolor{{{colour}}}{{{sym}}} {}}} {} \\quad line {}",
        escape_text(&claim.name),
        claim.verdict.as_str(),
        claim.line
    );
}

/// A link's row of the `align*`, and beneath it the details when there
/// are any.
fn render_link(out: &mut String, link: &Link<'_>, trace: bool) {
    let step = link.step;
    let lhs_tex = link
        .lhs
        .as_deref()
        .map(|lhs| to_latex(&layout_source(lhs)))
        .unwrap_or_default();
    let why = step
        .justification
        .as_deref()
        .map(|j| {
            if link.document {
                format!(" \\quad {}", justification(j))
            } else {
                format!(" \\quad \\emph{{{}}}", escape_text(&text::one_line(j)))
            }
        })
        .unwrap_or_default();
    let _ = write!(
        out,
        "{lhs_tex} &= {} && \\text{{{}{why} \\quad \\small {}:{}}}",
        to_latex(&layout_source(&link.rhs)),
        mark(step),
        step.line,
        step.col
    );
    let details = step_details(link, trace);
    if !details.is_empty() {
        // \intertext follows a row's `\\` and the next row follows it
        // directly; another `\\` would make an empty row.
        let _ = write!(out, "\\\\\n\\intertext{{{details}}}");
    } else if !link.last {
        out.push_str("\\\\");
    }
    out.push('\n');
}

/// A justification in text mode: its words emphasized, the math it holds
/// set as math.
fn justification(j: &str) -> String {
    layout_justification(&text::one_line(j))
        .iter()
        .map(|piece| match piece {
            Justified::Words(w) => format!("\\emph{{{}}}", escape_text(w)),
            Justified::Math(m) => format!("${}$", to_latex(m)),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a row's mark does not say: evidence, diagnosis and, with `trace`,
/// the rules that proved the link.
fn step_details(link: &Link<'_>, trace: bool) -> String {
    let step = link.step;
    let mut out = String::new();
    match &link.evidence {
        Evidence::None => {}
        Evidence::Counterexample(cx) => out.push_str(&counterexample(cx)),
        Evidence::Message(m) => out.push_str(&escape_text(m)),
        Evidence::Diagnostic(view) => out.push_str(&diagnostic(view)),
        Evidence::Error(m) => out.push_str(&verbatim_lines(m)),
    }
    if let Some(d) = &step.diagnosis {
        let _ = write!(out, "\\endgraf\\textbf{{What went wrong:}} {}", prose(d));
    }
    if trace && !step.trace.is_empty() {
        let rules: Vec<String> = step
            .trace
            .iter()
            .map(|r| format!("\\texttt{{{}}}", escape_text(r)))
            .collect();
        // Below the error bound of an exact-random proof, if any.
        if !out.is_empty() {
            out.push_str("\\endgraf");
        }
        let _ = write!(out, "{{\\small Proved by: {}}}", rules.join(", "));
    }
    out
}

/// A message with the expressions it quotes typeset as inline math.
fn prose(s: &str) -> String {
    runs(s)
        .into_iter()
        .map(|r| match r {
            Run::Prose(p) => escape_text(p),
            Run::Math(m) => format!("\\({}\\)", to_latex(&layout_source(m))),
        })
        .collect()
}

/// A link's error: the message, the expression it is about and what each
/// label says of its part, and the help, the mathematics typeset.
fn diagnostic(view: &DiagnosticView<'_>) -> String {
    let d = view.diagnostic;
    let mut out = format!("\\textbf{{Error:}} {}", prose(&d.message));
    if !view.at.is_empty() {
        let _ = write!(
            out,
            "\\newline at \\({}\\)",
            to_latex(&layout_source(&view.at))
        );
    }
    for (at, label) in &view.labels {
        let _ = write!(
            out,
            "\\newline\\hspace*{{1em}}\\({}\\): {}",
            to_latex(&layout_source(at)),
            prose(label)
        );
    }
    if let Some(help) = &d.help {
        let _ = write!(out, "\\newline\\textbf{{Help:}} {}", prose(help));
    }
    out
}

fn counterexample(cx: &Counterexample) -> String {
    let at: Vec<String> = cx
        .dims
        .iter()
        .chain(&cx.indices)
        .map(|(name, v)| format!("${} = {v}$", to_latex(&layout_name(name))))
        .collect();
    let mut out = String::from("\\textcolor{bad}{Counterexample}");
    if !at.is_empty() {
        let _ = write!(out, " at {}", at.join(", "));
    }
    out.push_str(":\\quad\\begin{tabular}[t]{r@{${}={}$}l}");
    let mut rows: Vec<String> = cx
        .values
        .iter()
        .map(|(name, v)| {
            format!(
                "${}$ & \\texttt{{{}}}",
                to_latex(&layout_name(name)),
                escape_text(&text::sample_value(v))
            )
        })
        .collect();
    let (lhs, rhs) = text::distinct_pair(cx.lhs, cx.rhs);
    rows.push(format!(
        "\\emph{{left side}} & \\texttt{{{}}}",
        escape_text(&lhs)
    ));
    rows.push(format!(
        "\\emph{{right side}} & \\texttt{{{}}}",
        escape_text(&rhs)
    ));
    // The lets the link uses, after the sides: "where z1 = …".
    for (k, (name, value)) in cx.intermediates.iter().enumerate() {
        let lead = if k == 0 { "\\emph{where} " } else { "" };
        rows.push(format!(
            "{lead}${}$ & \\texttt{{{}}}",
            to_latex(&layout_name(name)),
            escape_text(&text::sample_value(value))
        ));
    }
    out.push_str(&rows.join(" \\\\ "));
    out.push_str("\\end{tabular}");
    out
}

/// Monospaced lines for a diagnostic inside `\intertext`, where a
/// `verbatim` environment cannot go.
fn verbatim_lines(s: &str) -> String {
    let lines: Vec<String> = s
        .trim_end()
        .lines()
        .map(|l| {
            // Leading spaces carry the diagnostic's alignment.
            let l = escape_text(l).replace(' ', "~");
            if l.is_empty() {
                "~".to_string()
            } else {
                l
            }
        })
        .collect();
    // `\newline`, not `\\`, which inside align* would end the row.
    format!("{{\\small\\ttfamily {}}}", lines.join("\\newline\n"))
}

fn verbatim_block(s: &str) -> String {
    format!("\\par\\noindent {}\\par\n\n", verbatim_lines(s))
}

/// A layout as LaTeX math-mode source.
pub(crate) fn to_latex(m: &Math) -> String {
    let mut out = String::new();
    write_latex(m, &mut out);
    out
}

fn write_latex(m: &Math, out: &mut String) {
    match m {
        Math::Ident(s) => {
            if s.chars().count() == 1 {
                out.push_str(&math_chars(s));
            } else {
                let _ = write!(out, "\\mathit{{{}}}", math_chars(s));
            }
        }
        Math::Upright(s) => match s.as_str() {
            "T" => out.push_str("{\\top}"),
            "log" | "exp" | "sin" | "cos" | "tan" | "tanh" | "ln" => {
                let _ = write!(out, "\\{s}");
            }
            _ => {
                let _ = write!(out, "\\operatorname{{{}}}", math_chars(s));
            }
        },
        Math::Num(s) => out.push_str(&math_chars(s)),
        Math::Op(s) => out.push_str(&match s.as_str() {
            "[" => "[".to_string(),
            "]" => "]".to_string(),
            "," => ",".to_string(),
            other => math_chars(other),
        }),
        Math::Row(items) => {
            out.push('{');
            for i in items {
                write_latex(i, out);
            }
            out.push('}');
        }
        Math::Frac(a, b) => {
            out.push_str("\\frac{");
            write_latex(a, out);
            out.push_str("}{");
            write_latex(b, out);
            out.push('}');
        }
        Math::Sup(a, b) => {
            out.push('{');
            write_latex(a, out);
            out.push_str("}^{");
            write_latex(b, out);
            out.push('}');
        }
        Math::Sub(a, b) => {
            out.push('{');
            write_latex(a, out);
            out.push_str("}_{");
            write_latex(b, out);
            out.push('}');
        }
        Math::Hat(a) => {
            out.push_str("\\hat{");
            write_latex(a, out);
            out.push('}');
        }
        Math::BigOp(_, under) => {
            out.push_str("\\sum_{");
            write_latex(under, out);
            out.push('}');
        }
        // `\left(` after a letter adds space (σ (x)); plain parentheses
        // suffice unless the content is tall.
        Math::Paren(x) if !is_tall(x) => {
            out.push('(');
            write_latex(x, out);
            out.push(')');
        }
        Math::Paren(x) => {
            out.push_str("\\mathopen{}\\left(");
            write_latex(x, out);
            out.push_str("\\right)\\mathclose{}");
        }
        Math::Abs(x) => {
            out.push_str("\\left|");
            write_latex(x, out);
            out.push_str("\\right|");
        }
        Math::Norm(x) => {
            out.push_str("\\left\\|");
            write_latex(x, out);
            out.push_str("\\right\\|");
        }
        // `\sigma'`, `f''`: the primes the reader takes for derivatives.
        Math::Primed(f, n) => {
            write_latex(f, out);
            out.push_str(&"'".repeat(*n));
        }
        Math::Sqrt(x) => {
            out.push_str("\\sqrt{");
            write_latex(x, out);
            out.push('}');
        }
        Math::Space => out.push_str("\\,"),
        Math::Invisible | Math::Apply => {}
        Math::Text(s) => {
            let _ = write!(out, "\\text{{\\ttfamily {}}}", escape_text(s));
        }
    }
}

/// The math-mode command for a character pdflatex cannot take as it is.
fn math_symbol(c: char) -> Option<&'static str> {
    Some(match c {
        'α' => "\\alpha",
        'β' => "\\beta",
        'γ' => "\\gamma",
        'δ' => "\\delta",
        'ε' => "\\varepsilon",
        'ϵ' => "\\epsilon",
        'ζ' => "\\zeta",
        'η' => "\\eta",
        'θ' => "\\theta",
        'ι' => "\\iota",
        'κ' => "\\kappa",
        'λ' => "\\lambda",
        'μ' => "\\mu",
        'ν' => "\\nu",
        'ξ' => "\\xi",
        'ο' => "o",
        'π' => "\\pi",
        'ρ' => "\\rho",
        'σ' => "\\sigma",
        'ς' => "\\varsigma",
        'τ' => "\\tau",
        'υ' => "\\upsilon",
        'φ' => "\\varphi",
        'ϕ' => "\\phi",
        'χ' => "\\chi",
        'ψ' => "\\psi",
        'ω' => "\\omega",
        'Γ' => "\\Gamma",
        'Δ' => "\\Delta",
        'Θ' => "\\Theta",
        'Λ' => "\\Lambda",
        'Ξ' => "\\Xi",
        'Π' => "\\Pi",
        'Σ' => "\\Sigma",
        'Υ' => "\\Upsilon",
        'Φ' => "\\Phi",
        'Ψ' => "\\Psi",
        'Ω' => "\\Omega",
        '∑' => "\\sum",
        '∂' => "\\partial",
        '∇' => "\\nabla",
        '−' => "-",
        '·' | '⋅' => "\\cdot",
        '×' => "\\times",
        '÷' => "\\div",
        '⊙' => "\\odot",
        '≠' => "\\neq",
        '≤' => "\\leq",
        '≥' => "\\geq",
        '≈' => "\\approx",
        '±' => "\\pm",
        '∞' => "\\infty",
        '∈' => "\\in",
        '→' => "\\to",
        '⇒' => "\\Rightarrow",
        '∘' => "\\circ",
        '′' => "'",
        '″' => "''",
        'ᵀ' => "^{\\top}",
        '√' => "\\surd",
        '✓' | '✔' => "\\checkmark",
        '✗' | '✘' => "\\times",
        '∀' => "\\forall",
        '∃' => "\\exists",
        _ => return None,
    })
}

/// The accent command for a combining mark, usable in text and (as the
/// second element) in math.
fn accent(mark: char) -> Option<(&'static str, &'static str)> {
    Some(match mark {
        '\u{300}' => ("\\`", "\\grave"),
        '\u{301}' => ("\\'", "\\acute"),
        '\u{302}' => ("\\^", "\\hat"),
        '\u{303}' => ("\\~", "\\tilde"),
        '\u{304}' => ("\\=", "\\bar"),
        '\u{306}' => ("\\u", "\\breve"),
        '\u{307}' => ("\\.", "\\dot"),
        '\u{308}' => ("\\\"", "\\ddot"),
        '\u{30C}' => ("\\v", "\\check"),
        _ => return None,
    })
}

/// A combining mark after a base character.
enum Mark {
    /// One with an accent command: for text, and for math.
    Accent(&'static str, &'static str),
    /// One pdflatex has no accent for.
    Other(char),
}

/// Hands each combining mark at the start of `chars` to `f`, in order, and
/// returns how many there were.
fn combining_marks(chars: &[char], mut f: impl FnMut(Mark)) -> usize {
    let mut n = 0;
    for &m in chars {
        match accent(m) {
            Some((text, math)) => f(Mark::Accent(text, math)),
            None if unicode_normalization::char::is_combining_mark(m) => f(Mark::Other(m)),
            None => break,
        }
        n += 1;
    }
    n
}

/// A character pdflatex's fonts lack, by its code point.
fn code_point(c: char) -> String {
    format!("[U+{:04X}]", c as u32)
}

/// The characters of `s` as the escapers take them: those with a command
/// of their own whole (`≠`, though it decomposes to `=` and a combining
/// overlay), the others decomposed, so that `ŷ` becomes `y` and an accent.
fn spell(s: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in s.nfc() {
        if c.is_ascii() || math_symbol(c).is_some() {
            out.push(c);
        } else {
            out.extend(c.to_string().nfd());
        }
    }
    out
}

/// Math-mode source for a name, number or operator: ASCII as it is (TeX's
/// specials escaped), everything else as a command. Control words get a
/// trailing space so the next letter cannot lengthen them, and operators
/// are not braced, which would cost them their spacing.
fn math_chars(s: &str) -> String {
    let mut out = String::new();
    let chars = spell(s);
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        let mut base = match c {
            '{' => "\\{".to_string(),
            '}' => "\\}".into(),
            '\\' => "\\backslash ".into(),
            '$' | '&' | '#' | '%' | '_' => format!("\\{c}"),
            '^' | '~' | '"' | '`' => format!("\\text{{{}}}", escape_text(&c.to_string())),
            ' ' => "\\ ".into(),
            c if c.is_ascii_graphic() => c.to_string(),
            c => match math_symbol(c) {
                Some(cmd) if cmd.ends_with(|l: char| l.is_ascii_alphabetic()) => format!("{cmd} "),
                Some(cmd) => cmd.to_string(),
                None => format!("\\text{{{}}}", escape_text(&c.to_string())),
            },
        };
        k += 1;
        // Combining marks follow their base in NFD: wrap the base in each.
        k += combining_marks(&chars[k..], |mark| match mark {
            Mark::Accent(_, cmd) => base = format!("{cmd}{{{}}}", base.trim_end()),
            Mark::Other(m) => base.push_str(&format!("\\text{{{}}}", code_point(m))),
        });
        out.push_str(&base);
    }
    out
}

/// Escapes text for LaTeX's text mode: the ten special characters, control
/// characters (shown as `\u{1b}`), and every character outside ASCII.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::new();
    let chars = spell(s);
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        k += 1;
        let mut piece = match c {
            '\\' => "\\textbackslash{}".to_string(),
            '{' => "\\{".into(),
            '}' => "\\}".into(),
            '$' => "\\$".into(),
            '&' => "\\&".into(),
            '#' => "\\#".into(),
            '%' => "\\%".into(),
            '_' => "\\_".into(),
            '^' => "\\textasciicircum{}".into(),
            '~' => "\\textasciitilde{}".into(),
            '<' => "\\textless{}".into(),
            '>' => "\\textgreater{}".into(),
            '|' => "\\textbar{}".into(),
            '"' => "\\textquotedbl{}".into(),
            // Ligatures would turn `--` into a dash and `` ` `` pairs into quotes.
            '-' => "-{}".into(),
            '`' => "\\textasciigrave{}".into(),
            '\'' => "\\textquotesingle{}".into(),
            '\t' | '\n' | '\r' => " ".into(),
            c if c.is_control() => format!("\\textbackslash{{}}u\\{{{:x}\\}}", c as u32),
            c if c.is_ascii() => c.to_string(),
            '–' => "--".into(),
            '—' => "---".into(),
            '…' => "\\ldots{}".into(),
            '‘' => "`".into(),
            '’' => "'".into(),
            '“' => "``".into(),
            '”' => "''".into(),
            '\u{a0}' => "~".into(),
            // The box drawing of quoted diagnostics, in ASCII.
            '│' => "\\textbar{}".into(),
            '┌' | '└' | '├' | '┬' | '┴' | '┼' => "+".into(),
            '─' => "-{}".into(),
            c => match math_symbol(c) {
                Some(cmd) => {
                    // A symbol is set in math mode, where accents differ.
                    let mut math = cmd.to_string();
                    let mut unknown = String::new();
                    k += combining_marks(&chars[k..], |mark| match mark {
                        Mark::Accent(_, acc) => math = format!("{acc}{{{math}}}"),
                        Mark::Other(m) => unknown.push_str(&code_point(m)),
                    });
                    format!("\\ensuremath{{{math}}}{unknown}")
                }
                None => code_point(c),
            },
        };
        let mut unknown = String::new();
        k += combining_marks(&chars[k..], |mark| match mark {
            Mark::Accent(acc, _) => piece = format!("{acc}{{{piece}}}"),
            Mark::Other(m) => unknown.push_str(&code_point(m)),
        });
        piece.push_str(&unknown);
        out.push_str(&piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;
    use pretty_assertions::assert_eq;

    #[test]
    fn text_escapes_specials_and_unicode() {
        assert_eq!(
            escape_text("50% of $x_1 & {y}# ~^\\"),
            "50\\% of \\$x\\_1 \\& \\{y\\}\\# \\textasciitilde{}\\textasciicircum{}\\textbackslash{}"
        );
        assert_eq!(escape_text("σ′ = σ(1 − σ)"), "\\ensuremath{\\sigma}\\ensuremath{'} = \\ensuremath{\\sigma}(1 \\ensuremath{-} \\ensuremath{\\sigma})");
        assert_eq!(escape_text("ŷ"), "\\^{y}");
        assert_eq!(escape_text("y\u{302}"), "\\^{y}");
        assert_eq!(escape_text("a\u{1b}b"), "a\\textbackslash{}u\\{1b\\}b");
        assert_eq!(escape_text("☃"), "[U+2603]");
        assert_eq!(escape_text("a--b"), "a-{}-{}b");
        assert_eq!(escape_text("i ≠ j"), "i \\ensuremath{\\neq} j");
        assert_eq!(escape_text("Ὓ"), "\\ensuremath{\\grave{\\Upsilon}}[U+0314]");
    }

    #[test]
    fn primes_bars_and_norms_read_back() {
        // Each is set as on paper and read back by the LaTeX reader as the
        // same call.
        for (src, tex) in [
            ("sigmoid′(x)", "{\\sigma '({x})}"),
            ("tanh′′(x)", "{\\tanh''({x})}"),
            ("abs(x - y)", "\\left|{x-y}\\right|"),
            ("norm(v)", "\\left\\|v\\right\\|"),
        ] {
            let got = to_latex(&layout_source(src));
            assert_eq!(got, tex, "{src}");
            let read = crate::latex::read_expr(&got, &|n: &str| n.len() == 1)
                .unwrap_or_else(|e| panic!("{got}: {}", e.message));
            assert_eq!(crate::syntax::print::print_expr(&read), src, "{got}");
        }
    }

    #[test]
    fn math_from_the_layout() {
        assert_eq!(
            to_latex(&layout_source("∂L/∂z[j]")),
            "\\frac{{\\partial L}}{{\\partial {z}_{j}}}"
        );
        assert_eq!(
            to_latex(&layout_source("(∂L/∂h)")),
            to_latex(&layout_source("∂L/∂h"))
        );
        assert_eq!(
            to_latex(&layout_source("yhat[i] - log(Σ_k exp(z[k]))")),
            "{{\\hat{y}}_{i}-{\\log\\mathopen{}\\left({{\\sum_{{k}}{\\exp({{z}_{k}})}}}\\right)\\mathclose{}}}"
        );
    }

    #[test]
    fn elementwise_products_keep_their_grouping() {
        // Products and elementwise products share a level and group to the
        // left, so set flat these would read as other trees.
        for (src, grouped) in [
            ("a * (b ⊙ c)", "({b\\odot c})"),
            ("a ⊙ (b * c)", "\\odot ({bc})"),
            ("a ⊙ (b ⊙ c)", "\\odot ({b\\odot c})"),
        ] {
            let tex = to_latex(&layout_source(src));
            assert!(tex.contains(grouped), "{src}: {tex}");
        }
        assert!(!to_latex(&layout_source("(a ⊙ b) * c")).contains('('));
    }

    /// Bits of the language and of hostile text, for token soup.
    const TOKENS: &[&str] = &[
        "x",
        "y[i]",
        "yhat[j]",
        "W1[j, k]",
        "+",
        "-",
        "*",
        "/",
        "^",
        "(",
        ")",
        "Σ_i",
        "sum(i != j,",
        "∂/∂z[j]",
        "d/dx",
        "∂L/∂x",
        "δ(i, j)",
        "sqrt(",
        "abs(",
        "σ(",
        ",",
        "ᵀ",
        "⊙",
        "2",
        "0.5",
        "e^",
        "alpha",
        "b_2",
        "<",
        "&",
        "\u{1b}",
        "{",
        "}",
        "%",
        "\\",
        "$",
        "#",
        "~",
        "☃",
        "x\u{304}",
    ];

    /// The MathML tags open and close in order, and no text escapes into
    /// markup; the LaTeX is ASCII with balanced groups and fences.
    fn check_both(src: &str) -> Result<(), String> {
        let m = layout_source(src);
        let ml = crate::report::mathml::to_mathml(&m);
        let mut stack = Vec::new();
        let mut rest = ml.as_str();
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
            let tag = &rest[open + 1..close];
            rest = &rest[close + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop() != Some(name.to_string()) {
                    return Err(format!("</{name}> out of order in {ml}"));
                }
            } else if !tag.ends_with('/') {
                let name = tag.split(' ').next().unwrap_or("");
                if !name.starts_with('m') {
                    return Err(format!("<{name}> is not MathML in {ml}"));
                }
                stack.push(name.to_string());
            }
        }
        if !stack.is_empty() {
            return Err(format!("unclosed {stack:?} in {ml}"));
        }
        let tex = to_latex(&m);
        if !tex.is_ascii() {
            return Err(format!("not ASCII: {tex}"));
        }
        let plain = tex.replace("\\{", "").replace("\\}", "");
        if plain.matches('{').count() != plain.matches('}').count() {
            return Err(format!("unbalanced braces: {tex}"));
        }
        if tex.matches("\\left").count() != tex.matches("\\right").count() {
            return Err(format!("unbalanced fences: {tex}"));
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn any_text_typesets_cleanly(src in "\\PC{0,40}") {
            check_both(&src).map_err(proptest::test_runner::TestCaseError::fail)?;
        }

        #[test]
        fn token_soup_typesets_cleanly(
            picks in proptest::collection::vec(0..TOKENS.len(), 0..24)
        ) {
            let src: Vec<&str> = picks.iter().map(|&k| TOKENS[k]).collect();
            check_both(&src.join(" ")).map_err(proptest::test_runner::TestCaseError::fail)?;
        }
    }

    #[test]
    fn the_document_has_one_chain_per_claim() {
        let doc = render(&[testdata::checked(), testdata::missing()]);
        assert!(doc.starts_with("\\documentclass"));
        assert!(doc.ends_with("\\end{document}\n"));
        assert_eq!(doc.matches("\\begin{align*}").count(), 4);
        assert_eq!(doc.matches("\\end{align*}").count(), 4);
        assert!(doc.contains("Counterexample"));
        assert!(doc.contains("cannot read missing.txt"));
        let opens = doc.matches('{').count() - doc.matches("\\{").count();
        let closes = doc.matches('}').count() - doc.matches("\\}").count();
        assert_eq!(opens, closes, "braces balance");
    }

    #[test]
    fn a_justifications_math_is_typeset() {
        assert_eq!(
            justification("since $x \\ge 0$"),
            "\\emph{since} ${x\\geq 0}$"
        );
        assert_eq!(justification("costs $5"), "\\emph{costs \\$5}");
        assert_eq!(justification("by (2)"), "\\emph{by (2)}");
    }

    #[test]
    fn notes_are_set_under_the_files_name() {
        let mut report = testdata::report();
        report.notes = vec![crate::outcome::FileNote {
            line: 4,
            col: 2,
            span: crate::Span::new(0, 0),
            kind: crate::outcome::NoteKind::Unchecked,
            message: "`\\le` is not an equality: the chain ends there".into(),
        }];
        let doc = render(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        let note = "\\textcolor{warn}{\\textbf{not checked}} {\\small 4:2} ";
        assert!(doc.contains(note), "{doc}");
        assert!(doc.contains("\\textbackslash{}le"), "{doc}");
        assert!(doc.find(note) < doc.find("\\paragraph"), "{doc}");
    }
}
