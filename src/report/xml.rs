//! Escaping for the markup the reports write: the JUnit document (XML) and
//! the HTML page with its MathML.
//!
//! One set of rules for both: `&`, `<` and `>` as entities; a carriage
//! return as `&#13;`, because every XML parser turns a literal one into a
//! line feed; and a character XML 1.0 forbids (an escape sequence in a
//! comment, say), or DEL, a control character HTML rejects, written as
//! `\u{1b}`, so the document stays well-formed and the reader still sees
//! what was there. Quotes are escaped wherever the text may end up in an
//! attribute value.

use std::fmt::Write as _;

/// Text content of an XML element: quotes stay as they are.
pub(crate) fn text(s: &str) -> String {
    escape(s, false, false)
}

/// An XML attribute value: quotes escaped, and line breaks and tabs as
/// character references, because XML parsers normalize literal ones to
/// spaces.
pub(crate) fn attr(s: &str) -> String {
    escape(s, true, true)
}

/// HTML text content or attribute value, one escaping for both: quotes
/// escaped, line breaks and tabs kept (HTML keeps them in attribute values,
/// and `<pre>` needs them literal).
pub(crate) fn html(s: &str) -> String {
    escape(s, true, false)
}

fn escape(s: &str, quotes: bool, breaks: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            // Not `&apos;`, which HTML 4 lacks.
            '\'' if quotes => out.push_str("&#39;"),
            '\n' if breaks => out.push_str("&#10;"),
            '\t' if breaks => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if !allowed(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters written as they are: those XML 1.0 allows (tab, LF, CR and
/// everything from U+0020 except the surrogates, impossible in a `str`, and
/// U+FFFE/U+FFFF), less DEL.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || (c >= ' ' && c != '\u{7f}' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn markup_is_escaped_everywhere() {
        for escape in [text, attr, html] {
            assert_eq!(escape("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
            assert_eq!(escape("ŷ ∂ Σ"), "ŷ ∂ Σ");
        }
    }

    #[test]
    fn quotes_are_escaped_where_they_may_end_an_attribute() {
        assert_eq!(text("say \"hi\" 'x'"), "say \"hi\" 'x'");
        assert_eq!(attr("say \"hi\" 'x'"), "say &quot;hi&quot; &#39;x&#39;");
        assert_eq!(
            html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn line_breaks_and_tabs_are_references_only_in_xml_attributes() {
        assert_eq!(attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
        assert_eq!(text("a\nb\tc\rd"), "a\nb\tc&#13;d");
        assert_eq!(html("a\nb\tc\rd"), "a\nb\tc&#13;d");
    }

    #[test]
    fn forbidden_characters_are_shown_not_written() {
        for escape in [text, attr, html] {
            assert_eq!(
                escape("esc\u{1b}[31m nul\u{0} del\u{7f} \u{FFFF}"),
                "esc\\u{1b}[31m nul\\u{0} del\\u{7f} \\u{ffff}"
            );
        }
    }
}
