//! Offset maps: where each byte of an extracted text came from in the source.
//!
//! An extracted text (a display's math, a context block) is the source with
//! pieces left out — delimiters, `> ` and list indentation at line starts,
//! `\r` before `\n`, `%` comments. So every run of text bytes is a run of
//! source bytes, and the map is a sorted list of runs: piecewise linear and
//! monotone, with one entry per run rather than per byte.

use crate::syntax::span::Span;

/// Maps byte offsets in an extracted text to byte offsets in its source.
///
/// Built from runs of text bytes that are copied unchanged from the source;
/// offsets inside a run map linearly, and an offset at or past the end of
/// the text maps past the end of the last run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OffsetMap {
    /// `(text offset, source offset)` where each run starts, both increasing.
    runs: Vec<(usize, usize)>,
    /// Length of the text the map covers.
    len: usize,
    /// Where the text starts in the source, for an empty text.
    origin: usize,
}

impl OffsetMap {
    /// An empty map for a text that will start at source byte `origin`.
    pub(crate) fn new(origin: usize) -> OffsetMap {
        OffsetMap {
            runs: Vec::new(),
            len: 0,
            origin,
        }
    }

    #[cfg(test)]
    /// The map of a text that is the source slice starting at `start`.
    pub(crate) fn contiguous(start: usize, len: usize) -> OffsetMap {
        let mut map = OffsetMap::new(start);
        map.push(start, len);
        map
    }

    /// Records that the next `len` text bytes are the source bytes starting
    /// at `source`. Runs that continue the previous one are merged, so a
    /// contiguous text costs one entry.
    ///
    /// `source` must not go back before the end of the previous run: the map
    /// is monotone, and [`OffsetMap::to_source`] relies on it.
    pub(crate) fn push(&mut self, source: usize, len: usize) {
        if len == 0 {
            return;
        }
        match self.runs.last() {
            Some(&(t, s)) if s + (self.len - t) == source => {}
            last => {
                debug_assert!(last.is_none_or(|&(t, s)| s + (self.len - t) <= source));
                self.runs.push((self.len, source));
            }
        }
        self.len += len;
    }

    #[cfg(test)]
    /// Length of the mapped text.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The source byte of text byte `offset`. Offsets at or past the end map
    /// just past the last mapped byte.
    pub(crate) fn to_source(&self, offset: usize) -> usize {
        let i = self.runs.partition_point(|&(t, _)| t <= offset);
        match i {
            0 => self.origin,
            _ => {
                let (t, s) = self.runs[i - 1];
                s + (offset.min(self.len) - t)
            }
        }
    }

    /// The source byte just past text byte `offset - 1`: where a text range
    /// ending at `offset` ends in the source. Differs from
    /// [`OffsetMap::to_source`] at a run boundary, where the next run may
    /// start further on.
    fn end_to_source(&self, offset: usize) -> usize {
        if offset == 0 {
            return self.to_source(0);
        }
        let last = offset.min(self.len).saturating_sub(1);
        let i = self.runs.partition_point(|&(t, _)| t <= last);
        match i {
            0 => self.origin,
            _ => {
                let (t, s) = self.runs[i - 1];
                s + (offset.min(self.len) - t)
            }
        }
    }

    /// The map of the text slice `start..end` of the mapped text, as a text
    /// of its own (its offset 0 is `start` here).
    pub(crate) fn slice(&self, start: usize, end: usize) -> OffsetMap {
        let end = end.min(self.len);
        let mut out = OffsetMap::new(self.to_source(start));
        let first = self
            .runs
            .partition_point(|&(t, _)| t <= start)
            .saturating_sub(1);
        for (k, &(t, s)) in self.runs.iter().enumerate().skip(first) {
            let run_end = self.runs.get(k + 1).map_or(self.len, |&(next, _)| next);
            if t >= end {
                break;
            }
            let from = t.max(start);
            let to = run_end.min(end);
            if from < to {
                out.push(s + (from - t), to - from);
            }
        }
        out
    }

    /// The source span of a text span: from the source byte of its first
    /// byte to just past the source byte of its last one. An empty span maps
    /// to an empty span.
    pub(crate) fn span_to_source(&self, span: Span) -> Span {
        let start = self.to_source(span.start);
        if span.end <= span.start {
            return Span::new(start, start);
        }
        Span::new(start, self.end_to_source(span.end).max(start))
    }
}

/// A text being extracted from a source, with its map.
#[derive(Clone, Debug, Default)]
pub(crate) struct Mapped {
    /// The extracted text.
    pub(crate) text: String,
    /// Where each of its bytes came from.
    pub(crate) map: OffsetMap,
}

impl Mapped {
    /// An empty text that starts at source byte `origin`.
    pub(crate) fn new(origin: usize) -> Mapped {
        Mapped {
            text: String::new(),
            map: OffsetMap::new(origin),
        }
    }

    /// Appends `source[start..end]`, leaving out each `\r` that comes
    /// right before a `\n`: CRLF documents then give the same text as LF
    /// ones, and readers downstream see one kind of line break.
    pub(crate) fn push_source(&mut self, source: &str, start: usize, end: usize) {
        let bytes = source.as_bytes();
        let mut from = start;
        for cr in memchr_iter(b'\r', &bytes[start..end]) {
            let at = start + cr;
            if bytes.get(at + 1) == Some(&b'\n') {
                self.push_run(source, from, at);
                from = at + 1;
            }
        }
        self.push_run(source, from, end);
    }

    fn push_run(&mut self, source: &str, start: usize, end: usize) {
        if start < end {
            self.text.push_str(&source[start..end]);
            self.map.push(start, end - start);
        }
    }

    /// The part `start..end` of the text, as a text of its own.
    pub(crate) fn slice(&self, start: usize, end: usize) -> Mapped {
        Mapped {
            text: self.text[start..end].to_string(),
            map: self.map.slice(start, end),
        }
    }
}

/// Offsets of `needle` in `haystack`; a plain loop is enough for how often
/// documents hold a `\r`.
fn memchr_iter(needle: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    haystack
        .iter()
        .enumerate()
        .filter(move |&(_, &b)| b == needle)
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_and_map_linearly() {
        // text "ab\ncd" from source "> ab\n> cd"
        let mut map = OffsetMap::new(2);
        map.push(2, 3);
        map.push(7, 2);
        assert_eq!(map.runs.len(), 2);
        let got: Vec<usize> = (0..=5).map(|i| map.to_source(i)).collect();
        assert_eq!(got, vec![2, 3, 4, 7, 8, 9]);
        // "b\nc" is source 3..8; "\n" alone ends at 5, not at 7.
        assert_eq!(map.span_to_source(Span::new(1, 4)), Span::new(3, 8));
        assert_eq!(map.span_to_source(Span::new(2, 3)), Span::new(4, 5));
        assert_eq!(map.span_to_source(Span::new(3, 3)), Span::new(7, 7));
        assert_eq!(map.to_source(99), 9);
    }

    #[test]
    fn slices_keep_their_source() {
        let mut map = OffsetMap::new(2);
        map.push(2, 3);
        map.push(7, 2);
        let part = map.slice(1, 4);
        let got: Vec<usize> = (0..=3).map(|i| part.to_source(i)).collect();
        assert_eq!(got, vec![3, 4, 7, 8]);
        assert_eq!(map.slice(5, 5).to_source(0), 9);
    }

    #[test]
    fn crlf_loses_its_cr() {
        let src = "a\r\nb\r\n";
        let mut m = Mapped::new(0);
        m.push_source(src, 0, src.len());
        assert_eq!(m.text, "a\nb\n");
        assert_eq!(m.map.to_source(1), 2);
        assert_eq!(m.map.to_source(3), 5);
    }

    #[test]
    fn contiguous_pushes_are_one_run() {
        let mut map = OffsetMap::new(10);
        map.push(10, 2);
        map.push(12, 3);
        assert_eq!(map.runs, vec![(0, 10)]);
        assert_eq!(map.len(), 5);
        assert_eq!(OffsetMap::new(4).to_source(0), 4);
        assert_eq!(OffsetMap::contiguous(3, 2).to_source(1), 4);
    }
}
