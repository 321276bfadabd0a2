//! Small text helpers for the renderers: numbers for humans, text on one
//! line, display widths, and ANSI styling that vanishes when colour is off.

use crate::numeric::SampleValue;

/// Significant digits for sample values: enough to read, few enough to scan.
pub(crate) const VALUE_DIGITS: usize = 6;

/// `v` with at most `sig` significant digits and no trailing zeros, in
/// positional notation for everyday magnitudes and scientific otherwise, so
/// that `1e-12` does not print as a row of zeros.
pub(crate) fn number(v: f64, sig: usize) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let sig = sig.clamp(1, 17);
    // The exponent after rounding to `sig` digits (9.9999999 → 1.0e1), taken
    // from the formatter rather than log10, which is off by one near powers
    // of ten.
    let sci = format!("{:.*e}", sig - 1, v);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-5..12).contains(&exp) {
        let decimals = (sig as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{v:.decimals$}"))
    } else {
        format!("{}e{exp}", trim_zeros(mantissa))
    }
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// Two values printed with just enough digits to tell them apart (at least
/// [`VALUE_DIGITS`]): a counterexample whose two sides print the same would
/// look like no counterexample at all.
pub(crate) fn distinct_pair(a: f64, b: f64) -> (String, String) {
    for sig in VALUE_DIGITS..=17 {
        let (x, y) = (number(a, sig), number(b, sig));
        if x != y {
            return (x, y);
        }
    }
    // Equal to 17 digits: the shortest round-trip form is exact.
    (format!("{a:?}"), format!("{b:?}"))
}

/// A sample value: a number, `[a, b]`, or `[[a, b], [c, d]]` by rows.
pub(crate) fn sample_value(value: &SampleValue) -> String {
    let list = |xs: &[f64]| {
        let items: Vec<String> = xs.iter().map(|&x| number(x, VALUE_DIGITS)).collect();
        format!("[{}]", items.join(", "))
    };
    match value {
        SampleValue::Scalar(x) => number(*x, VALUE_DIGITS),
        SampleValue::Vector(xs) => list(xs),
        SampleValue::Matrix(rows) => {
            let rows: Vec<String> = rows.iter().map(|r| list(r)).collect();
            format!("[{}]", rows.join(", "))
        }
    }
}

/// Text from the file on one line, with runs of whitespace (line breaks
/// included) collapsed to one space.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that must not reach a terminal as they are: control
/// characters (an escape sequence, a bell, a carriage return that rewrites
/// the line) and the invisible ones that change how a line reads without
/// showing — bidi overrides, isolates and marks, zero-width spaces and
/// joiners, a soft hyphen, a byte-order mark.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// How an unsafe character is shown: its Rust escape (`\u{1b}`, `\u{202e}`).
pub(crate) fn escaped_char(c: char) -> String {
    c.escape_default().to_string()
}

/// Text safe to print that keeps its layout: line breaks (LF, and CR
/// before LF) and tabs stay, every other unsafe character is escaped.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let kept = matches!(c, '\n' | '\t') || (c == '\r' && chars.peek() == Some(&'\n'));
        if is_unsafe(c) && !kept {
            out.push_str(&escaped_char(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Text from the file on one line and safe to print: whitespace collapsed
/// as by [`one_line`], every unsafe character left escaped. The chain's
/// rows, names and comments are shown this way.
pub(crate) fn safe_line(s: &str) -> String {
    one_line(s)
        .chars()
        .map(|c| {
            if is_unsafe(c) {
                escaped_char(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Columns `s` takes in a terminal: characters, minus combining marks
/// (`ŷ` written as y + U+0302 is one column).
pub(crate) fn width(s: &str) -> usize {
    s.chars()
        .filter(|&c| !unicode_normalization::char::is_combining_mark(c))
        .count()
}

/// `s` followed by spaces up to `cols` columns.
pub(crate) fn pad(s: &str, cols: usize) -> String {
    format!("{s}{}", " ".repeat(cols.saturating_sub(width(s))))
}

/// A text style; each maps to one SGR escape sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Bold,
    Dim,
    Red,
    BoldRed,
    Green,
    BoldGreen,
    Yellow,
    BoldYellow,
    Cyan,
}

impl Style {
    fn sgr(self) -> &'static str {
        match self {
            Style::Bold => "1",
            Style::Dim => "2",
            Style::Red => "31",
            Style::BoldRed => "1;31",
            Style::Green => "32",
            Style::BoldGreen => "1;32",
            Style::Yellow => "33",
            Style::BoldYellow => "1;33",
            Style::Cyan => "36",
        }
    }
}

/// Wraps text in escape codes when colour is on, and leaves it alone
/// otherwise, so the plain rendering is the coloured one minus the codes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Painter {
    pub(crate) color: bool,
}

impl Painter {
    pub(crate) fn paint(self, style: Style, s: &str) -> String {
        if self.color && !s.is_empty() {
            format!("\x1b[{}m{s}\x1b[0m", style.sgr())
        } else {
            s.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn numbers_read_like_a_human_wrote_them() {
        let cases: &[(f64, usize, &str)] = &[
            (0.0, 6, "0"),
            (-0.0, 6, "0"),
            (1.0, 6, "1"),
            (-2.5, 6, "-2.5"),
            (0.1, 6, "0.1"),
            (1.0 / 3.0, 6, "0.333333"),
            (2.0 / 3.0, 3, "0.667"),
            (123456.789, 6, "123457"),
            (9.9999999, 6, "10"),
            (0.00012345678, 6, "0.000123457"),
            (1.5e-7, 6, "1.5e-7"),
            (2.0e20, 6, "2e20"),
            (-1.234567e15, 3, "-1.23e15"),
            (f64::NAN, 6, "NaN"),
            (f64::INFINITY, 6, "inf"),
            (f64::NEG_INFINITY, 6, "-inf"),
        ];
        for &(v, sig, want) in cases {
            assert_eq!(number(v, sig), want, "{v} to {sig} digits");
        }
    }

    #[test]
    fn pairs_get_enough_digits_to_differ() {
        assert_eq!(distinct_pair(1.5, 2.5), ("1.5".into(), "2.5".into()));
        assert_eq!(
            distinct_pair(1.0, 1.0000001),
            ("1".into(), "1.0000001".into())
        );
        let next = f64::from_bits(1.0f64.to_bits() + 1);
        assert_eq!(
            distinct_pair(1.0, next),
            ("1".into(), "1.0000000000000002".into())
        );
    }

    #[test]
    fn sample_values_by_shape() {
        assert_eq!(sample_value(&SampleValue::Scalar(0.5)), "0.5");
        assert_eq!(
            sample_value(&SampleValue::Vector(vec![1.0, -2.0])),
            "[1, -2]"
        );
        assert_eq!(
            sample_value(&SampleValue::Matrix(vec![vec![1.0, 2.0], vec![3.0, 4.0]])),
            "[[1, 2], [3, 4]]"
        );
        assert_eq!(sample_value(&SampleValue::Vector(vec![])), "[]");
    }

    #[test]
    fn unsafe_characters_are_escaped() {
        assert_eq!(
            safe_line("a \u{1b}[2J\u{7}\n b\u{202e}c\u{200b}\u{2066}"),
            "a \\u{1b}[2J\\u{7} b\\u{202e}c\\u{200b}\\u{2066}"
        );
        assert_eq!(
            escape("a\tb\r\nc\rd\u{0}\u{feff}\n"),
            "a\tb\r\nc\\rd\\u{0}\\u{feff}\n"
        );
        assert_eq!(escape("ŷ ∂ Σ → é"), "ŷ ∂ Σ → é");
    }

    #[test]
    fn combining_marks_take_no_column() {
        assert_eq!(width("y\u{302}[i]"), 4);
        assert_eq!(width("ŷ[i]"), 4);
        assert_eq!(pad("ŷ", 3), "ŷ  ");
    }

    #[test]
    fn painting_is_a_no_op_without_colour() {
        assert_eq!(Painter { color: false }.paint(Style::Red, "x"), "x");
        assert_eq!(
            Painter { color: true }.paint(Style::Red, "x"),
            "\x1b[31mx\x1b[0m"
        );
    }
}
