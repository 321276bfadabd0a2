//! Byte offsets to LSP positions and back. A report's spans are byte
//! offsets into the text it checked; an LSP position is a line and a count
//! of UTF-16 code units into it (the protocol's default encoding, and the
//! only one every client speaks), so `σ` is one unit and two bytes, and
//! `𝑥` two units and four bytes.

use crate::syntax::span::Span;
use lsp_types::{Position, Range};

/// The line starts of one text, to convert positions in it.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Indexes `text`'s line starts (lines end at `\n`; a `\r` before it
    /// belongs to the line, as the protocol says).
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// The position of byte `offset` (clamped to the text, and moved back
    /// to the start of a character it falls inside).
    pub(crate) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let units: usize = self.text[self.starts[line]..offset]
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(to_u32(line), to_u32(units))
    }

    /// The byte offset of a position: past a line's end is its end, past
    /// the last line is the text's end, and inside a surrogate pair is the
    /// character's start.
    pub(crate) fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let mut units = 0usize;
        for (i, c) in self.text[start..end].char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        end
    }

    /// The range of a span.
    pub(crate) fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The position at the end of the line that holds byte `offset`,
    /// before its line break.
    pub(crate) fn line_end(&self, offset: usize) -> Position {
        let line = self.position(offset).line as usize;
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        self.position(end)
    }
}

/// A count that fits the protocol's `uinteger` (a text of 4 GiB does not
/// reach an editor).
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use proptest::prelude::*;

    #[test]
    fn non_ascii_counts_in_utf16_units() {
        // σ and ŷ are two bytes and one unit, Σ two bytes, 𝑥 four bytes
        // and two units.
        let text = "σ(ŷ) = Σ\n𝑥 + y\r\nz";
        let lines = Lines::new(text);
        let y_hat = text.find('ŷ').unwrap();
        assert_eq!(lines.position(y_hat), Position::new(0, 2));
        assert_eq!(lines.position(text.find('Σ').unwrap()), Position::new(0, 7));
        let plus = text.find('+').unwrap();
        assert_eq!(lines.position(plus), Position::new(1, 3));
        assert_eq!(lines.offset(Position::new(1, 3)), plus);
        assert_eq!(lines.offset(Position::new(0, 2)), y_hat);
        // Inside 𝑥's surrogate pair: the character's start.
        assert_eq!(lines.offset(Position::new(1, 1)), text.find('𝑥').unwrap());
        assert_eq!(lines.position(text.len()), Position::new(2, 1));
        assert_eq!(lines.line_end(plus), Position::new(1, 6));
        assert_eq!(lines.offset(Position::new(0, 99)), text.find('\n').unwrap());
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn a_span_is_a_range() {
        let text = "claim c: σ(x) = ŷ\n";
        let lines = Lines::new(text);
        let start = text.find('σ').unwrap();
        let span = Span::new(start, text.len() - 1);
        assert_eq!(
            lines.range(span),
            Range::new(Position::new(0, 9), Position::new(0, 17))
        );
    }

    proptest! {
        #[test]
        fn offsets_survive_the_round_trip(text in "[a-zσŷΣ𝑥 \n\r]{0,40}", at in 0usize..60) {
            let lines = Lines::new(&text);
            let mut offset = at.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            // A `\r` before `\n` is still a character of its line.
            prop_assert_eq!(lines.offset(lines.position(offset)), offset);
        }
    }
}
