//! Documents into the syntax tree: the context (declarations, definitions
//! and lets, in the derivation language) and the displays of a Markdown or
//! LaTeX document (read by `latex`) become one [`ast::File`] whose spans
//! point into the document, so that the rest of the pipeline — the check,
//! the witnesses, the reports — treats it as it treats a derivation file.
//!
//! Every chain of a display is a claim named for the heading it stands
//! under (or the line it starts on); a name used but never declared is
//! assumed (a scalar, or a vector or matrix over the dimension `n` when it
//! is indexed once or twice).

use crate::latex;
use crate::outcome::NoteKind;
use crate::syntax::ast::{
    self, map_item_spans, map_spans, ChainLine, Claim, Decl, Expr, ExprKind, Ident, Item,
    ShapeSpec, TypeSpec,
};
use crate::syntax::parse_file;
use crate::syntax::span::{LineIndex, Span};
use std::collections::{BTreeMap, BTreeSet};

/// A piece of a document: its text, and where each of its bytes stands in
/// the document (monotone; `to_source(text.len())` is the byte after it).
pub(crate) struct Piece<'a> {
    /// The piece's text, as its reader sees it.
    pub text: &'a str,
    /// A byte offset in `text` → the byte offset in the document.
    pub to_source: &'a dyn Fn(usize) -> usize,
}

impl<'a> Piece<'a> {
    /// Another handle on the same piece.
    fn clone_ref(&self) -> Piece<'a> {
        Piece {
            text: self.text,
            to_source: self.to_source,
        }
    }

    /// `span` (in the piece's text) where it stands in the document.
    fn place(&self, span: Span) -> Span {
        let start = (self.to_source)(span.start);
        let end = if span.end > span.start {
            (self.to_source)(span.end - 1) + 1
        } else {
            start
        };
        Span::new(start, end.max(start))
    }
}

/// What a document says, as a syntax tree, and what was assumed of it.
#[derive(Debug, Default)]
pub(crate) struct Built {
    /// The context's items, the assumed declarations, then one claim per
    /// chain; every span in the document. With parts, the chains outside
    /// every part.
    pub file: ast::File,
    /// The declarations assumed for names never declared, as written in the
    /// language (`x : vector[n]`).
    pub assumed: Vec<String>,
    /// What reading found that is not a verdict: displays (or sides) not
    /// read, relations other than `=` not checked, the names assumed, and
    /// readings that could have gone another way.
    pub notes: Vec<(Span, NoteKind, String)>,
    /// How many displays the document has, counting those that could not
    /// be read (for `grade`); a part's are counted in its own.
    pub displays: usize,
    /// How many claims of `file` are the context files' (they stand
    /// first): the assignment's, not the document's chains.
    pub context_claims: usize,
    /// The parts the context declares, found in the document, in document
    /// order: (name, the part's chains with the part's items overriding the
    /// context's). Each is verified on its own and the reports merged.
    pub parts: Vec<(String, Built)>,
}

impl Built {
    /// How many displays were not read, wholly or in part, parts included:
    /// one `not read` note stands for each.
    pub(crate) fn unread_displays(&self) -> usize {
        self.notes
            .iter()
            .filter(|(_, kind, _)| *kind == NoteKind::Unread)
            .count()
            + self
                .parts
                .iter()
                .map(|(_, p)| p.unread_displays())
                .sum::<usize>()
    }

    /// How many displays the document has, parts included.
    pub(crate) fn all_displays(&self) -> usize {
        self.displays
            + self
                .parts
                .iter()
                .map(|(_, p)| p.all_displays())
                .sum::<usize>()
    }
}

/// A part as the context and the document's fences declare it: its marker
/// texts, and its items (those of context files, then the fences').
#[derive(Default)]
struct PartItems {
    markers: Vec<String>,
    given: Vec<Item>,
    own: Vec<Item>,
}

/// Builds the syntax tree of a document read by `document`, after the items
/// of `context` files (name, text): those stand at the document's start,
/// since their own errors are reported under their own names.
pub(crate) fn from_document(
    source: &str,
    doc: &crate::document::Document,
    context: &[(String, String)],
) -> Built {
    let maps: Vec<(&str, &crate::document::OffsetMap)> = doc
        .context
        .iter()
        .map(|p| (p.text.as_str(), &p.map))
        .chain(doc.displays.iter().map(|d| (d.text.as_str(), &d.map)))
        .collect();
    let closures: Vec<Box<dyn Fn(usize) -> usize + '_>> = maps
        .iter()
        .map(|(_, map)| Box::new(move |k: usize| map.to_source(k)) as Box<dyn Fn(usize) -> usize>)
        .collect();
    let pieces: Vec<Piece> = maps
        .iter()
        .zip(&closures)
        .map(|((text, _), f)| Piece {
            text,
            to_source: f.as_ref(),
        })
        .collect();
    let (pieces, displays) = pieces.split_at(doc.context.len());
    let start = |_: Span| Span::new(0, 0);
    let own = parse_pieces(pieces);
    let mut context_items = Vec::new();
    // Parts by name, in the order first declared.
    let mut parts: Vec<(String, PartItems)> = Vec::new();
    for (_, text) in context {
        let parsed = parse_file(text);
        for mut item in parsed.items {
            map_item_spans(&mut item, &start);
            context_items.push(item);
        }
        for p in parsed.parts {
            let k = part_index(&mut parts, &p.name.name);
            let entry = &mut parts[k].1;
            entry.markers.extend(p.markers);
            for mut item in p.items {
                map_item_spans(&mut item, &start);
                entry.given.push(item);
            }
        }
    }
    for p in &own.parts {
        let k = part_index(&mut parts, &p.name.name);
        parts[k].1.markers.extend(p.markers.iter().cloned());
        parts[k].1.own.extend(p.items.iter().cloned());
    }
    // What the document itself declares or defines overrides the context:
    // a student who restates `t : real` in a fence, or uses `x` as a
    // scalar where the assignment has a vector, means their own.
    let own_names: BTreeSet<String> = own.items.iter().flat_map(item_names).collect();
    let headings: Vec<(usize, String)> = doc
        .prose
        .iter()
        .filter(|p| p.heading)
        .map(|p| {
            (
                p.span.start,
                p.text.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .filter(|(_, text)| !text.is_empty())
        .collect();

    // Where each part begins: the first heading or paragraph holding one
    // of its markers. A part runs to the next part's beginning.
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut lost = Vec::new();
    for (k, (name, p)) in parts.iter().enumerate() {
        let at = doc
            .prose
            .iter()
            .find(|prose| p.markers.iter().any(|m| prose.text.contains(m.as_str())))
            .map(|prose| prose.span.start);
        match at {
            Some(at) => found.push((at, k)),
            None => lost.push((
                Span::new(0, 0),
                NoteKind::Reading,
                format!(
                    "part `{name}`: no heading or paragraph holds {}, so its items apply nowhere",
                    p.markers
                        .iter()
                        .map(|m| format!("\"{m}\""))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            )),
        }
    }
    found.sort();
    let section_of = |at: usize| found.iter().take_while(|(start, _)| *start <= at).last();
    let mut outside = Vec::new();
    let mut outside_at = Vec::new();
    let mut inside: Vec<Vec<Piece>> = found.iter().map(|_| Vec::new()).collect();
    for (display, piece) in doc.displays.iter().zip(displays) {
        let copy = Piece {
            text: piece.text,
            to_source: piece.to_source,
        };
        match section_of(display.span.start) {
            Some(&(start, _)) => {
                let j = found.iter().position(|(s, _)| *s == start).unwrap_or(0);
                inside[j].push(copy)
            }
            None => {
                outside_at.push(display.span.start);
                outside.push(copy)
            }
        }
    }

    let given = overlay(context_items.clone(), &own_names);
    let no_claims = |items: &[Item]| -> Vec<Item> {
        items
            .iter()
            .filter(|i| !matches!(i, Item::Claim(_)))
            .cloned()
            .collect()
    };
    let mut built = build(source, &given, &headings, &own, &outside);
    // A name assumed a vector in one problem and a number in another (`x_i`
    // in a regression, `x` in a calculus exercise) means two things, as a
    // teacher reads it: then the displays are checked in runs, each as
    // long as its names keep one meaning, with their own assumptions.
    let mut runs_after = Vec::new();
    let declared: BTreeSet<String> = given
        .iter()
        .chain(&own.items)
        .flat_map(item_names)
        .collect();
    let ranks = claim_ranks(&built, &declared);
    if ranks_conflict(&ranks) {
        let own_here = ast::File {
            items: no_claims(&own.items),
            ..ast::File::default()
        };
        let bare = no_claims(&given);
        let mut runs: Vec<Vec<usize>> = Vec::new();
        let mut meaning: BTreeMap<String, usize> = BTreeMap::new();
        for (k, piece) in outside.iter().enumerate() {
            // The display's names, from the chains read from it.
            let within = piece.place(Span::new(0, piece.text.len()));
            let mut here: BTreeMap<String, usize> = BTreeMap::new();
            for (_, names) in ranks
                .iter()
                .filter(|(at, _)| within.start <= *at && *at < within.end)
            {
                for (name, &rank) in names {
                    let r = here.entry(name.clone()).or_insert(0);
                    *r = (*r).max(rank);
                }
            }
            let agrees = here
                .iter()
                .all(|(name, rank)| meaning.get(name).is_none_or(|r| r == rank));
            match runs.last_mut() {
                Some(run) if agrees => run.push(k),
                _ => {
                    runs.push(vec![k]);
                    meaning.clear();
                }
            }
            meaning.extend(here);
        }
        if runs.len() > 1 {
            let mut names_used = BTreeMap::new();
            for (j, run) in runs.iter().enumerate() {
                let pieces: Vec<Piece> = run.iter().map(|&k| outside[k].clone_ref()).collect();
                if j == 0 {
                    built = build_named(source, &given, &headings, &own, &pieces, &mut names_used);
                    continue;
                }
                let mut section = build_named(
                    source,
                    &bare,
                    &headings,
                    &own_here,
                    &pieces,
                    &mut names_used,
                );
                let lines = LineIndex::new(source);
                let (line, _) = lines.line_col(source, outside_at[run[0]]);
                for (_, kind, message) in &mut section.notes {
                    if *kind == NoteKind::Assumed {
                        *message = format!("from line {line}: {message}");
                    }
                }
                runs_after.push((format!("line {line}"), section));
            }
        }
    }
    built.context_claims = given.iter().filter(|i| matches!(i, Item::Claim(_))).count();
    built.notes.extend(lost);
    built.parts.extend(runs_after);
    // A part's items override the context's, and the document's own
    // (global) items override both, as outside parts. Claims of the
    // context and of the fences are checked once, outside parts.
    for ((_, k), displays) in found.iter().zip(&inside) {
        let (name, p) = &parts[*k];
        let part_names: BTreeSet<String> =
            p.given.iter().chain(&p.own).flat_map(item_names).collect();
        let own_part_names: BTreeSet<String> = p.own.iter().flat_map(item_names).collect();
        let mut given = overlay(no_claims(&context_items), &part_names);
        given.extend(no_claims(&p.given));
        let mut given = overlay(given, &own_names.union(&own_part_names).cloned().collect());
        given.extend(no_claims(&p.own));
        let own_here = ast::File {
            items: no_claims(&own.items),
            ..ast::File::default()
        };
        let mut section = build(source, &given, &headings, &own_here, displays);
        for (_, kind, message) in &mut section.notes {
            if *kind == NoteKind::Assumed {
                *message = format!("in part {name}: {message}");
            }
        }
        built.parts.push((name.clone(), section));
    }
    built.displays += doc.notes.len();
    // The document's notes are displays that could not be read (a `$$`
    // never closed, an environment without its end).
    built.notes.extend(
        doc.notes
            .iter()
            .map(|(span, message)| (*span, NoteKind::Unread, message.clone())),
    );
    built
        .notes
        .sort_by_key(|(span, _, _)| (span.start, span.end));
    built
}

/// A file in the derivation language as sections: its items outside parts,
/// and each part's items over them (a part's declarations override the
/// file's, as in a document), so that an assignment's parts are checked
/// when it is checked on its own. Claims outside parts are checked once.
pub(crate) fn from_parsed(mut file: ast::File) -> Built {
    let parts = std::mem::take(&mut file.parts);
    let global: Vec<Item> = file
        .items
        .iter()
        .filter(|i| !matches!(i, Item::Claim(_)))
        .cloned()
        .collect();
    let mut built = Built {
        file,
        ..Built::default()
    };
    for p in parts {
        let names: BTreeSet<String> = p.items.iter().flat_map(item_names).collect();
        let mut items = overlay(global.clone(), &names);
        items.extend(p.items);
        let section = Built {
            file: ast::File {
                items,
                ..ast::File::default()
            },
            ..Built::default()
        };
        built.parts.push((p.name.name, section));
    }
    built
}

/// The index of the part named `name`, added if new.
fn part_index(parts: &mut Vec<(String, PartItems)>, name: &str) -> usize {
    match parts.iter().position(|(n, _)| n == name) {
        Some(k) => k,
        None => {
            parts.push((name.to_string(), PartItems::default()));
            parts.len() - 1
        }
    }
}

/// `base` without what `over` redeclares: its names leave declarations, and
/// a let or definition of such a name, or built on one, goes (it would mean
/// something else now), and so does what is built on it.
fn overlay(base: Vec<Item>, over: &BTreeSet<String>) -> Vec<Item> {
    let mut gone = over.clone();
    base.into_iter()
        .filter_map(|mut item| {
            let body = match &item {
                Item::Decl(_) => None,
                Item::Def(d) => Some(&d.body),
                Item::Let(l) => Some(&l.value),
                Item::Claim(_) | Item::Goal(_) => None,
            };
            let mut used = BTreeSet::new();
            if let Some(body) = body {
                names_in(body, &mut used);
            }
            if let Item::Decl(d) = &mut item {
                d.names.retain(|n| !over.contains(&n.name));
                if d.names.is_empty() {
                    return None;
                }
            } else if item_names(&item)
                .iter()
                .chain(&used)
                .any(|n| gone.contains(n))
            {
                gone.extend(item_names(&item));
                return None;
            }
            Some(item)
        })
        .collect()
}

/// The document's own context pieces parsed, their spans in the document:
/// items, errors and parts of all of them, in order.
fn parse_pieces(pieces: &[Piece]) -> ast::File {
    let mut file = ast::File::default();
    for piece in pieces {
        let parsed = parse_file(piece.text);
        let place = |s: Span| piece.place(s);
        for mut item in parsed.items {
            map_item_spans(&mut item, &place);
            file.items.push(item);
        }
        for mut e in parsed.errors {
            e.span = place(e.span);
            file.errors.push(e);
        }
        for mut p in parsed.parts {
            p.items.iter_mut().for_each(|i| map_item_spans(i, &place));
            p.span = place(p.span);
            file.parts.push(p);
        }
    }
    file
}

/// Builds the syntax tree of a document from the context's items, its own
/// (`own`: its fences' items and errors, placed) and its displays; `source`
/// is the whole document (for the claims' line numbers), `headings` its
/// headings by offset, in order (for the claims' names).
pub(crate) fn build(
    source: &str,
    given: &[Item],
    headings: &[(usize, String)],
    own: &ast::File,
    displays: &[Piece],
) -> Built {
    build_named(source, given, headings, own, displays, &mut BTreeMap::new())
}

/// [`build`], counting the chains named for each heading in `names_used`,
/// so that groups of one document's displays built one after another
/// name their chains as one build of them all would.
fn build_named(
    source: &str,
    given: &[Item],
    headings: &[(usize, String)],
    own: &ast::File,
    displays: &[Piece],
    names_used: &mut BTreeMap<String, usize>,
) -> Built {
    let mut built = Built::default();
    built.file.items.extend(given.iter().cloned());
    built.file.items.extend(own.items.iter().cloned());
    built.file.errors.extend(own.errors.iter().cloned());
    let declared: BTreeSet<String> = built.file.items.iter().flat_map(item_names).collect();
    let is_declared = |name: &str| declared.contains(name);

    let lines = LineIndex::new(source);
    let mut claims = Vec::new();
    for display in displays {
        let read = latex::read_display(display.text, &is_declared);
        let place = |s: Span| display.place(s);
        built.displays += 1;
        // One "not read" finding per display: its first reading error (the
        // rest of a display that could not be read is often noise).
        if let Some(e) = read.errors.into_iter().next() {
            built
                .notes
                .push((place(e.span), NoteKind::Unread, e.message));
        }
        for r in read.unchecked {
            built.notes.push((
                place(r.span),
                NoteKind::Unchecked,
                format!("`{}` is not an equality: the chain ends there", r.symbol),
            ));
        }
        for (span, note) in read.notes {
            built.notes.push((place(span), NoteKind::Reading, note));
        }
        for chain in read.chains {
            if chain.steps.len() < 2 {
                continue;
            }
            let mut steps: Vec<(Expr, Option<String>, Span)> = chain
                .steps
                .into_iter()
                .map(|mut s| {
                    map_spans(&mut s.expr, &place);
                    (s.expr, s.justification, place(s.span))
                })
                .collect();
            let first_span = steps[0].2;
            let last_span = steps[steps.len() - 1].2;
            // A chain is named for the heading it stands under, as a
            // reader would cite it ("(b) The derivative of the sigmoid"),
            // or for its line where no heading comes before it.
            let (line, _) = lines.line_col(source, first_span.start);
            let under = headings
                .iter()
                .take_while(|(at, _)| *at <= first_span.start)
                .last()
                .map(|(_, text)| text.clone())
                .unwrap_or_else(|| format!("line {line}"));
            let count = names_used.entry(under.clone()).or_insert(0);
            *count += 1;
            let name = if *count == 1 {
                under
            } else {
                format!("{under} ({count})")
            };
            let (lhs, _, _) = steps.remove(0);
            let rhs = steps[steps.len() - 1].0.clone();
            claims.push(Item::Claim(Box::new(Claim {
                name: Ident {
                    name,
                    span: first_span,
                },
                lhs,
                rhs,
                justification: None,
                chain: steps
                    .into_iter()
                    .map(|(expr, justification, span)| ChainLine {
                        starts_with_eq: true,
                        expr,
                        justification,
                        span,
                    })
                    .collect(),
                broken: Vec::new(),
                span: Span::new(first_span.start, last_span.end),
            })));
        }
    }

    let assumed = assume(&claims, &declared);
    // A derivative of a name nothing defines is 0 (the name is a variable
    // of its own): say so where it is taken, with the way to define it,
    // since the text around the display may define it in words.
    let mut said: BTreeSet<(String, String)> = BTreeSet::new();
    for item in &claims {
        let Item::Claim(c) = item else { continue };
        let mut exprs = vec![&c.lhs, &c.rhs];
        exprs.extend(c.chain.iter().map(|l| &l.expr));
        for e in exprs {
            crate::lower::env::walk(e, &mut |node: &Expr| {
                let ExprKind::Deriv { var, body, .. } = &node.kind else {
                    return;
                };
                let ExprKind::Name(n) = &body.kind else {
                    return;
                };
                let key = (n.name.clone(), var.name.clone());
                if n.name != var.name && assumed.contains_key(&n.name) && said.insert(key) {
                    built.notes.push((
                        node.span,
                        NoteKind::Reading,
                        format!(
                            "`{0}` is not defined in the document, so it is read as a variable of its own and its derivative by `{1}` is 0; if the text defines it, write the definition in a ```derivcheck block (`let {0} = …`, with declarations of the names it uses) or a context file",
                            n.name, var.name
                        ),
                    ));
                }
            });
        }
    }
    for (name, rank) in &assumed {
        let at = Ident {
            name: name.clone(),
            span: Span::new(0, 0),
        };
        let dim = || Ident {
            name: "n".to_string(),
            span: Span::new(0, 0),
        };
        let (shape, text) = match rank {
            0 => (ShapeSpec::Scalar, format!("{name} : real")),
            1 => (ShapeSpec::Vector(dim()), format!("{name} : vector[n]")),
            _ => (
                ShapeSpec::Matrix(Box::new([dim(), dim()])),
                format!("{name} : matrix[n, n]"),
            ),
        };
        built.assumed.push(text);
        built.file.items.push(Item::Decl(Box::new(Decl {
            names: vec![at],
            ty: TypeSpec {
                domain: ast::Domain::Real,
                shape,
                span: Span::new(0, 0),
            },
            span: Span::new(0, 0),
        })));
    }
    if !built.assumed.is_empty() {
        let listed: Vec<String> = assumed
            .keys()
            .zip(&built.assumed)
            .map(|(name, text)| match meant(name, &declared) {
                Some(d) => format!("{text} (did you mean `{d}`?)"),
                None => text.clone(),
            })
            .collect();
        built
            .notes
            .push((Span::new(0, 0), NoteKind::Assumed, listed.join(", ")));
    }
    built.file.items.extend(claims);
    built
        .file
        .errors
        .sort_by_key(|e| (e.span.start, e.span.end));
    built
        .notes
        .sort_by_key(|(span, _, _)| (span.start, span.end));
    built
}

/// For each claim of `built`, where it starts and the names it uses as
/// values that `declared` does not hold, with how many indices (at most
/// 2), as [`assume`] counts them.
fn claim_ranks(
    built: &Built,
    declared: &BTreeSet<String>,
) -> Vec<(usize, BTreeMap<String, usize>)> {
    let claims = built.file.items.iter().filter_map(|item| match item {
        Item::Claim(c) => Some(c),
        _ => None,
    });
    claims
        .map(|c| {
            let mut exprs = vec![&c.lhs, &c.rhs];
            exprs.extend(c.chain.iter().map(|l| &l.expr));
            let mut here: BTreeMap<String, usize> = BTreeMap::new();
            for e in exprs {
                walk_uses(e, &mut |name: &str, rank: usize| {
                    let known = declared.contains(name) || matches!(name, "e" | "pi" | "π");
                    if !known {
                        let r = here.entry(name.to_string()).or_insert(0);
                        *r = (*r).max(rank.min(2));
                    }
                });
            }
            (c.span.start, here)
        })
        .collect()
}

/// Whether some name has different ranks in different claims.
fn ranks_conflict(ranks: &[(usize, BTreeMap<String, usize>)]) -> bool {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    ranks
        .iter()
        .flat_map(|(_, r)| r)
        .any(|(name, &rank)| *seen.entry(name).or_insert(rank) != rank)
}

/// The declared name an undeclared `name` may have meant: one that differs
/// from it only in case or decoration (`Y` for `y`, `yhat` or `ŷ` for `y`,
/// `xbar` for `x`, `W_1` for `W1`). A student's `Y` for the assignment's `y`
/// is assumed to be a new scalar, so a false verdict would surprise them
/// without this hint. The first such name in order, if any.
fn meant(name: &str, declared: &BTreeSet<String>) -> Option<String> {
    let key = plain(name);
    declared
        .iter()
        .find(|d| d.as_str() != name && plain(d) == key)
        .cloned()
}

/// A name without its decoration: accents and other combining marks, the
/// suffixes the LaTeX reader gives accents (`hat`, `bar`, `tilde`, `vec`,
/// `dot`), primes, underscores, and case.
fn plain(name: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let mut s: String = name
        .nfd()
        .filter(|c| !is_combining_mark(*c) && !matches!(c, '\'' | '′' | '_'))
        .collect();
    while let Some(rest) = ["hat", "bar", "tilde", "vec", "dot"]
        .iter()
        .find_map(|suffix| s.strip_suffix(suffix).filter(|r| !r.is_empty()))
    {
        s = rest.to_string();
    }
    s.to_lowercase()
}

/// The names an item declares or defines.
fn item_names(item: &Item) -> Vec<String> {
    match item {
        Item::Decl(d) => d.names.iter().map(|n| n.name.clone()).collect(),
        Item::Def(d) => vec![d.name.name.clone()],
        Item::Let(l) => vec![l.name.name.clone()],
        Item::Claim(_) | Item::Goal(_) => Vec::new(),
    }
}

/// Names the claims use as values that nothing declares, each with the
/// most indices it is used with (0 for a scalar), in order of name.
fn assume(claims: &[Item], declared: &BTreeSet<String>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let mut note = |name: &str, rank: usize| {
        let known = declared.contains(name) || matches!(name, "e" | "pi" | "π");
        if !known {
            let r = out.entry(name.to_string()).or_insert(0);
            *r = (*r).max(rank.min(2));
        }
    };
    for item in claims {
        if let Item::Claim(c) = item {
            let mut exprs = vec![&c.lhs, &c.rhs];
            exprs.extend(c.chain.iter().map(|l| &l.expr));
            for e in exprs {
                walk_uses(e, &mut note);
            }
        }
    }
    out
}

/// Every name `e` mentions: values, indexed names, functions called, and
/// variables differentiated by.
fn names_in(e: &Expr, out: &mut BTreeSet<String>) {
    walk_uses(e, &mut |name: &str, _| {
        out.insert(name.to_string());
    });
    calls_in(e, out);
}

/// The functions `e` calls.
fn calls_in(e: &Expr, out: &mut BTreeSet<String>) {
    match &e.kind {
        ExprKind::Call { func, args } => {
            out.insert(func.name.clone());
            args.iter().for_each(|a| calls_in(a, out));
        }
        ExprKind::Index { base, .. } => calls_in(base, out),
        ExprKind::Neg(x) | ExprKind::Transpose(x) => calls_in(x, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            calls_in(lhs, out);
            calls_in(rhs, out);
        }
        ExprKind::Sum { body, .. } | ExprKind::Deriv { body, .. } => calls_in(body, out),
        ExprKind::Num(_) | ExprKind::Name(_) | ExprKind::Delta(..) => {}
    }
}

/// Calls `note(name, indices)` for every name used as a value in `e`.
fn walk_uses(e: &Expr, note: &mut impl FnMut(&str, usize)) {
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Delta(..) => {}
        ExprKind::Name(n) => note(&n.name, 0),
        ExprKind::Index { base, indices } => match &base.kind {
            ExprKind::Name(n) => note(&n.name, indices.len()),
            _ => walk_uses(base, note),
        },
        ExprKind::Call { args, .. } => args.iter().for_each(|a| walk_uses(a, note)),
        ExprKind::Neg(x) | ExprKind::Transpose(x) => walk_uses(x, note),
        ExprKind::Binary { lhs, rhs, .. } => {
            walk_uses(lhs, note);
            walk_uses(rhs, note);
        }
        ExprKind::Sum { body, .. } => walk_uses(body, note),
        ExprKind::Deriv { var, indices, body } => {
            note(&var.name, indices.len());
            walk_uses(body, note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::print::print_expr;

    /// A piece that stands at `at` in the document, byte for byte.
    fn at(text: &str, at: usize) -> (String, usize) {
        (text.to_string(), at)
    }

    fn built(source: &str, context: &[(String, usize)], displays: &[(String, usize)]) -> Built {
        let maps: Vec<Box<dyn Fn(usize) -> usize>> = context
            .iter()
            .chain(displays)
            .map(|(_, a)| {
                let a = *a;
                Box::new(move |k: usize| a + k) as Box<dyn Fn(usize) -> usize>
            })
            .collect();
        let pieces: Vec<Piece> = context
            .iter()
            .chain(displays)
            .zip(&maps)
            .map(|((t, _), m)| Piece {
                text: t,
                to_source: m.as_ref(),
            })
            .collect();
        let (c, d) = pieces.split_at(context.len());
        build(source, &[], &[], &parse_pieces(c), d)
    }

    #[test]
    fn a_chain_becomes_a_claim_at_its_line() {
        let source = "intro\n$$ \\sigma'(x) = \\sigma(x)(1 - \\sigma(x)) $$\n";
        let math = " \\sigma'(x) = \\sigma(x)(1 - \\sigma(x)) ";
        let b = built(source, &[], &[at(math, 8)]);
        assert!(b.file.errors.is_empty(), "{:?}", b.file.errors);
        let Some(Item::Claim(c)) = b.file.items.last() else {
            panic!("{:?}", b.file.items)
        };
        assert_eq!(c.name.name, "line 2");
        assert_eq!(&source[c.lhs.span.start..c.lhs.span.end], "\\sigma'(x)");
        assert_eq!(print_expr(&c.rhs), "sigmoid(x) * (1 - sigmoid(x))");
        assert_eq!(b.assumed, vec!["x : real"]);
    }

    #[test]
    fn context_declares_and_undeclared_names_are_assumed() {
        let source = "x : vector[m]\n$$ \\sum_i x_i y_i + W_{ij} = c $$";
        let b = built(
            source,
            &[at("x : vector[m]\n", 0)],
            &[at(" \\sum_i x_i y_i + W_{ij} = c ", 16)],
        );
        assert_eq!(
            b.assumed,
            vec!["W : matrix[n, n]", "c : real", "y : vector[n]"]
        );
        let Some(Item::Decl(d)) = b.file.items.first() else {
            panic!("{:?}", b.file.items)
        };
        assert_eq!(d.names[0].name, "x");
    }

    #[test]
    fn an_assumed_name_close_to_a_declared_one_gets_a_hint() {
        let source = "y, yhat : vector[n]\nW1 : real\n$$ Y_i + \\tilde{y}_i + w + q = 0 $$";
        let b = built(
            source,
            &[at("y, yhat : vector[n]\nW1 : real\n", 0)],
            &[at(" Y_i + \\tilde{y}_i + w + q = 0 ", 33)],
        );
        let note = b
            .notes
            .iter()
            .find(|(_, kind, _)| *kind == NoteKind::Assumed)
            .map(|(_, _, text)| text.as_str());
        assert_eq!(
            note,
            Some(
                "Y : vector[n] (did you mean `y`?), q : real, w : real, ytilde : vector[n] (did you mean `y`?)"
            )
        );
        assert_eq!(plain("ŷ"), "y");
        assert_eq!(plain("yhat"), "y");
        assert_eq!(plain("hat"), "hat");
        assert_ne!(plain("x"), plain("y"));
    }

    #[test]
    fn what_cannot_be_read_is_noted_where_it_stands() {
        let source = "$$ \\frac{a}{ = b $$";
        let b = built(source, &[], &[at(" \\frac{a}{ = b ", 2)]);
        assert!(b.file.errors.is_empty(), "{:?}", b.file.errors);
        let unread: Vec<Span> = b
            .notes
            .iter()
            .filter(|(_, kind, _)| *kind == NoteKind::Unread)
            .map(|(span, _, _)| *span)
            .collect();
        assert!(!unread.is_empty(), "{:?}", b.notes);
        assert!(
            unread.iter().all(|s| s.start >= 2 && s.end <= 17),
            "{unread:?}"
        );
    }
}
