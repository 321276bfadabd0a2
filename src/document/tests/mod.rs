//! Tests of the document readers: fixtures in the style of real homework,
//! bad input, and a property test of the offset maps.

mod markdown;
mod robust;
mod tex;

use super::{Display, Document, OffsetMap};

/// Asserts that every character of `text` maps back to the same character
/// in `source`, and that the map never goes backwards.
pub(super) fn assert_maps_back(source: &str, text: &str, map: &OffsetMap) {
    let mut last = 0;
    for (i, c) in text.char_indices() {
        let at = map.to_source(i);
        assert!(at >= last, "map goes back at text byte {i}: {at} < {last}");
        last = at;
        let here = source.get(at..).unwrap_or_else(|| {
            panic!("text byte {i} ({c:?}) maps to {at}, not a character boundary")
        });
        assert!(
            here.starts_with(c),
            "text byte {i} ({c:?}) of {text:?} maps to source byte {at}, which holds {:?}",
            here.chars().next()
        );
    }
}

/// Asserts the map property for every display and context piece, and that
/// each display's text lies within its span.
pub(super) fn assert_document_maps(source: &str, doc: &Document) {
    for d in &doc.displays {
        assert_maps_back(source, &d.text, &d.map);
        if !d.text.is_empty() {
            let start = d.map.to_source(0);
            assert!(d.span.start <= start && d.map.to_source(d.text.len()) <= d.span.end);
        }
    }
    for p in &doc.context {
        assert_maps_back(source, &p.text, &p.map);
    }
    for (span, _) in &doc.notes {
        assert!(span.start <= span.end && span.end <= source.len());
    }
}

/// The display texts, for comparing with what a test expects.
pub(super) fn texts(displays: &[Display]) -> Vec<&str> {
    displays.iter().map(|d| d.text.as_str()).collect()
}
