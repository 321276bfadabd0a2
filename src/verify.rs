//! Links → verdicts: runs both witnesses on every link and assembles the
//! report data (the types are in [`crate::outcome`]; rendering lives in
//! `report`).

use crate::canon;
use crate::diag::Diagnostic;
use crate::document::InputKind;
use crate::front::Built;
use crate::lower::{lower_file, Link, LinkError};
use crate::numeric::{self, NumericOutcome, SampleConfig};
use crate::outcome::{
    ClaimReport, FileError, FileNote, FileOutcome, FileReport, NoteKind, SampleCount, StepReport,
    Verdict,
};
use crate::syntax::parse_file;
use crate::syntax::span::{LineIndex, Span};
use std::borrow::Cow;
use std::path::PathBuf;

/// How to verify. Start from [`Options::default`] and set what differs:
///
/// ```
/// let mut options = derivcheck::Options::default();
/// options.seed = Some(7);
/// options.threads = 1;
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// Defined samples per link for "holds".
    pub samples: u32,
    /// The sampler's seed; `None` derives one from each file's contents.
    pub seed: Option<u64>,
    /// Threads to verify on: the numeric witness samples groups of links
    /// on them while the symbolic witness runs (see
    /// `parallel::in_pool`). 1 runs everything on one thread.
    /// Called on a pool's thread already (several files at once), the
    /// verification shares that pool instead. At most 4 per CPU are
    /// started (a larger number means that many). The report is the same
    /// whatever the number.
    pub threads: usize,
    /// How to read the text: `None` decides by the path's extension
    /// (`.md`, `.tex`; anything else is the derivation language).
    pub input: Option<InputKind>,
    /// Context for Markdown and LaTeX documents, as (name, text) in the
    /// derivation language: declarations, definitions and lets that every
    /// document starts from (`--context FILE`, one per assignment). Check
    /// each on its own ([`verify_source`]) to report its errors: inside a
    /// document its items stand at the document's start.
    pub context: Vec<(String, String)>,
    /// Also read inline math (`$…$`, `\(…\)`) of Markdown and LaTeX
    /// documents that holds an `=` as chains (`--inline`). Off by default:
    /// inline math mostly names things (`$x_i = 0$ for the padding`), and
    /// a document's verdicts should not change with its prose.
    pub inline: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            samples: 256,
            seed: None,
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            input: None,
            context: Vec::new(),
            inline: false,
        }
    }
}

/// Parses, checks, lowers and verifies one file's text.
pub fn verify_source(path: &str, source: &str, options: &Options) -> FileReport {
    crate::parallel::in_pool(options.threads, || verify_here(path, source, options))
}

/// Verifies several files' texts (path, text) at once, as the command line
/// checks its files: on one pool of `options.threads` threads, the biggest
/// file begun first, a thread done with the small files helping with a big
/// one's sampling. The reports come back in the order of `sources`, the
/// same whatever the thread count. A panic while checking a file (a bug in
/// derivcheck) becomes that file's [`FileReport::internal_error`], so the
/// other files' reports are kept.
pub fn verify_sources(sources: &[(&str, &str)], options: &Options) -> Vec<FileReport> {
    crate::parallel::map_sources(
        sources,
        options.threads,
        |path, text| verify_here(path, text, options),
        |path, text, panic| FileReport {
            seed: seed_of(text, options),
            ..FileReport::internal_error(path, panic)
        },
    )
}

/// Reads (see [`crate::input`]; `-` is standard input, read once however
/// often it is named) and verifies files, as [`verify_sources`] does. A file
/// that cannot be read is [`FileOutcome::Unreadable`] and the others are
/// still checked; the outcomes come in the order of `paths`.
pub fn check_files(paths: &[PathBuf], options: &Options) -> Vec<FileOutcome> {
    let read = crate::input::read_inputs(paths);
    let sources: Vec<(&str, &str)> = read
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    let mut reports = verify_sources(&sources, options).into_iter();
    read.into_iter()
        .map(|r| match r {
            Ok((_, source)) => FileOutcome::Checked {
                source,
                report: reports.next().expect("one report per file read"),
            },
            Err(e) => FileOutcome::Unreadable(e),
        })
        .collect()
}

/// [`verify_source`] on this thread and the pool it is in, if any.
fn verify_here(path: &str, source: &str, options: &Options) -> FileReport {
    let kind = kind_of(path, options);
    let mut built = read_source(kind, source, options);
    let mut report = if built.parts.is_empty() {
        // One section: its syntax tree is handed over, so that it is
        // dropped once lowered instead of held through both witnesses (for
        // a computer algebra system's output, it is several times the
        // size of the text: issue #16).
        let file = std::mem::take(&mut built.file);
        merge_reports(vec![verify_section(
            path,
            source,
            &built,
            Cow::Owned(file),
            options,
        )])
    } else {
        verify_built(path, source, &built, options)
    };
    if kind != InputKind::Deriv {
        drop_fixes(&mut report);
    }
    report
}

/// A help's fix is text in the derivation language: in a Markdown or LaTeX
/// document it would replace the document's own notation, so it is left
/// out there (the help still says what to write).
fn drop_fixes(report: &mut FileReport) {
    let steps = report.claims.iter_mut().flat_map(|c| c.steps.iter_mut());
    for d in steps.filter_map(|s| s.diagnostic.as_mut()) {
        d.fix.clear();
    }
    for e in &mut report.errors {
        e.diagnostic.fix.clear();
    }
}

/// How `path`'s text is read: as `options.input` says, else by extension,
/// else as the derivation language.
pub(crate) fn kind_of(path: &str, options: &Options) -> InputKind {
    options
        .input
        .or_else(|| InputKind::from_path(std::path::Path::new(path)))
        .unwrap_or(InputKind::Deriv)
}

/// A text read into its syntax tree: by the parser, or, for a Markdown or
/// LaTeX document, by `document` and `front` (after `options.context`),
/// with what reading it found.
pub(crate) fn read_source(kind: InputKind, source: &str, options: &Options) -> Built {
    let doc = match kind {
        InputKind::Markdown => crate::document::read_markdown(source, options.inline),
        InputKind::Tex => crate::document::read_tex(source, options.inline),
        InputKind::Deriv => return crate::front::from_parsed(parse_file(source)),
    };
    crate::front::from_document(source, &doc, &options.context)
}

/// [`verify_parsed`] on what [`read_source`] built, with its notes placed
/// at their lines.
pub(crate) fn verify_built(
    path: &str,
    source: &str,
    built: &Built,
    options: &Options,
) -> FileReport {
    merge_reports(verify_sections(path, source, built, options))
}

/// The reports of a document's sections, each verified on its own tree:
/// the chains outside parts first, then each part's, in document order.
pub(crate) fn verify_sections(
    path: &str,
    source: &str,
    built: &Built,
    options: &Options,
) -> Vec<FileReport> {
    let section = |b: &Built| verify_section(path, source, b, Cow::Borrowed(&b.file), options);
    let mut reports = vec![section(built)];
    for (_, part) in &built.parts {
        reports.push(section(part));
    }
    reports
}

/// One report from a document's sections' reports: the claims in document
/// order, and each error and note once (the context's and the document's
/// own items are in every section's tree, and so are their errors).
pub(crate) fn merge_reports(mut reports: Vec<FileReport>) -> FileReport {
    let mut report = reports.remove(0);
    for other in reports {
        report.claims.extend(other.claims);
        for e in other.errors {
            if !report.errors.contains(&e) {
                report.errors.push(e);
            }
        }
        for n in other.notes {
            if !report.notes.contains(&n) {
                report.notes.push(n);
            }
        }
    }
    report.claims.sort_by_key(|c| c.line);
    report.errors.sort_by_key(|e| (e.line, e.col));
    report.notes.sort_by_key(|n| (n.span.start, n.span.end));
    report
}

/// [`verify_parsed`] on one section of what [`read_source`] built, whose
/// tree is `file` (`built.file`, or taken from it).
fn verify_section(
    path: &str,
    source: &str,
    built: &Built,
    file: Cow<'_, crate::syntax::ast::File>,
    options: &Options,
) -> FileReport {
    let mut report = verify_parsed(path, source, file, options);
    let lines = LineIndex::new(source);
    report
        .notes
        .extend(built.notes.iter().map(|(span, kind, message)| {
            let (line, col) = lines.line_col(source, span.start);
            FileNote {
                line,
                col,
                span: *span,
                kind: *kind,
                message: message.clone(),
            }
        }));
    // The reader's notes and the checker's warnings, in document order.
    report.notes.sort_by_key(|n| (n.line, n.col));
    report
}

/// Verifies a syntax tree whose spans point into `source`: the derivation
/// language's, or one built from another kind of input. A tree given owned
/// is dropped once lowered: the witnesses need only the lowered links.
pub(crate) fn verify_parsed(
    path: &str,
    source: &str,
    parsed: Cow<'_, crate::syntax::ast::File>,
    options: &Options,
) -> FileReport {
    let mut lowered = lower_file(&parsed);
    // Indexed once lowered: not held through the lowering's peak.
    let lines = LineIndex::new(source);
    let loc = |span: Span| lines.line_col(source, span.start);

    let mut errors: Vec<FileError> = parsed
        .errors
        .iter()
        .map(|e| Diagnostic::new(e.span, e.message.clone()))
        .chain(lowered.errors.iter().cloned())
        .map(|diagnostic| {
            let (line, col) = loc(diagnostic.span);
            FileError {
                line,
                col,
                diagnostic,
            }
        })
        .collect();
    errors.sort_by_key(|e| (e.line, e.col));

    // Named in `--explain` traces: expanding them is a step of the proof.
    let defined: Vec<String> = parsed
        .items
        .iter()
        .filter_map(|item| match item {
            crate::syntax::ast::Item::Def(d) => Some(d.name.name.clone()),
            crate::syntax::ast::Item::Let(l) => Some(l.name.name.clone()),
            _ => None,
        })
        .collect();
    drop(parsed);
    let defined: Vec<&str> = defined.iter().map(String::as_str).collect();

    let lowered_claims = std::mem::take(&mut lowered.claims);
    // One seed for the file: the sampler draws each variable, dimension and
    // index from a stream keyed by its name, so claims that share a
    // variable are sampled at the same values of it, and share work.
    let config = SampleConfig {
        samples: options.samples,
        seed: seed_of(source, options),
    };
    let (symbolic, numeric) = witnesses(&mut lowered, &lowered_claims, &config);
    let mut outcomes = symbolic.into_iter().zip(numeric);

    let claims = lowered_claims
        .iter()
        .map(|claim| {
            let mut steps: Vec<StepReport> = claim
                .links
                .iter()
                .map(|link| match link {
                    Err(e) => error_step(e, source, &lines),
                    // `outcomes` holds one answer per checkable link, in
                    // order: take one only for such a link.
                    Ok(link) => match outcomes.next() {
                        Some((symbolic, numeric)) => {
                            let w =
                                certified(&lowered, link, Witnesses { symbolic, numeric }, &config);
                            combine(&mut lowered, link, w, source, &lines, &defined)
                        }
                        // `witnesses` answers for every link; were one
                        // missing, ask both witnesses here.
                        None => {
                            check_one(&mut lowered, link, &config, None, source, &lines, &defined)
                        }
                    },
                })
                .collect();
            report_errors_once(&mut steps);
            // Links that merely hold are judged where their own sides are
            // defined, so a chain through a side defined on less can pass
            // while the claim is false (sqrt(x^2) = sqrt(x)^2 = x). Proved
            // links cannot do that: their canonical forms compose.
            let narrows = steps.iter().all(|s| s.verdict.is_ok())
                && steps.iter().any(|s| s.verdict == Verdict::Holds);
            if let (true, Some(whole)) = (narrows, &claim.whole) {
                // Sampled only here: most chains never need it.
                let mut step =
                    check_one(&mut lowered, whole, &config, None, source, &lines, &defined);
                if step.verdict == Verdict::False {
                    let why = "every step holds where its own sides are defined, but the claim \
                               does not: a step is defined on less than the claim";
                    step.diagnosis = Some(prefixed(why, "; ", step.diagnosis.take()));
                    steps.push(step);
                } else if !step.verdict.is_ok() {
                    // Undefined or inconclusive: the steps alone do not show
                    // the claim, so it is not verified either.
                    let why = "every step holds where its own sides are defined, but the claim \
                               itself could not be checked";
                    step.message = Some(prefixed(why, ": ", step.message.take()));
                    steps.push(step);
                }
            }
            let verdict = steps
                .iter()
                .map(|s| s.verdict)
                .max_by_key(|v| v.severity())
                .unwrap_or(Verdict::Proved);
            ClaimReport {
                name: claim.name.clone(),
                line: loc(claim.span).0,
                verdict,
                steps,
            }
        })
        .collect();
    let notes = lowered
        .warnings
        .iter()
        .map(|w| {
            let (line, col) = loc(w.span);
            FileNote {
                line,
                col,
                span: w.span,
                kind: NoteKind::Warning,
                message: prefixed(&w.message, "; ", w.help.clone()),
            }
        })
        .collect();
    FileReport {
        path: path.to_string(),
        claims,
        errors,
        notes,
        seed: config.seed,
    }
}

/// A line with an error is the right side of one link and the left side
/// of the next, so both links carry its diagnostic. It is reported once,
/// at the link that ends at that line; the next link, which cannot be
/// checked either, says why in one line instead of repeating it.
fn report_errors_once(steps: &mut [StepReport]) {
    for k in 1..steps.len() {
        let (before, after) = steps.split_at_mut(k);
        let (prev, step) = (&before[k - 1], &mut after[0]);
        if step.verdict == Verdict::Error
            && step.diagnostic.is_some()
            && step.diagnostic == prev.diagnostic
        {
            step.diagnostic = None;
            step.message = Some(format!(
                "not checked: its left side (line {}) has the error reported there",
                prev.line
            ));
        }
    }
}

/// `why`, followed by what was already said (after `sep`), if anything.
fn prefixed(why: &str, sep: &str, said: Option<String>) -> String {
    match said {
        Some(said) => format!("{why}{sep}{said}"),
        None => why.to_string(),
    }
}

/// Both witnesses on one link, on this thread; the numeric one only if its
/// answer is not given.
fn check_one(
    lowered: &mut crate::lower::Lowered,
    link: &Link,
    config: &SampleConfig,
    numeric: Option<NumericOutcome>,
    source: &str,
    lines: &LineIndex,
    defined: &[&str],
) -> StepReport {
    let symbolic = canon::prove_cached(
        &mut canon::Cache::with_seed(config.seed),
        &mut lowered.store,
        &mut lowered.symbols,
        link.lhs,
        link.rhs,
        &canon::Budget::default(),
    );
    let numeric = numeric.unwrap_or_else(|| {
        numeric::check_link(
            &lowered.store,
            &lowered.symbols,
            link.lhs,
            link.rhs,
            &link.free,
            config,
        )
    });
    let w = certified(lowered, link, Witnesses { symbolic, numeric }, config);
    combine(lowered, link, w, source, lines, defined)
}

/// The witnesses' answers, with a link that holds but is not proved
/// re-checked in certified arithmetic (`numeric::certify_holds`): a
/// "holds" must not hide a difference below double-double's resolution.
fn certified(
    lowered: &crate::lower::Lowered,
    link: &Link,
    w: Witnesses,
    config: &SampleConfig,
) -> Witnesses {
    let unproved = matches!(
        w.symbolic,
        canon::Outcome::NotProved { .. } | canon::Outcome::Inconclusive(_)
    );
    if !(unproved && matches!(w.numeric, NumericOutcome::Holds { .. })) {
        return w;
    }
    let (store, symbols) = (&lowered.store, &lowered.symbols);
    match numeric::certify_holds(store, symbols, link.lhs, link.rhs, &link.free, config) {
        Some(numeric) => Witnesses { numeric, ..w },
        None => w,
    }
}

/// About this many links make a group: sampled together, links share the
/// evaluation of what their sides have in common (the network's forward
/// pass). A group's draws are spread over the threads (see
/// `numeric::sample`), and separate groups run on separate threads too;
/// one group for the whole of backprop.txt (52 links) took 29% fewer
/// instructions to sample than three of about 24. The grouping depends
/// only on the file, never on the thread count, so neither do the answers.
const GROUP_LINKS: usize = 64;

/// Which claims `verify` samples together: consecutive claims of about
/// `GROUP_LINKS` checkable links, as ranges of positions in `claims`.
pub fn sampling_groups(claims: &[crate::lower::LoweredClaim]) -> Vec<std::ops::Range<usize>> {
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let mut size = 0;
    for (k, claim) in claims.iter().enumerate() {
        let links = claim.checkable().count();
        match groups.last_mut() {
            Some(g) if size < GROUP_LINKS => {
                g.end = k + 1;
                size += links;
            }
            _ => {
                groups.push(k..k + 1);
                size = links;
            }
        }
    }
    groups
}

/// What `verify` samples together for one group of claims (see
/// [`sampling_groups`]): every claim's checkable links in order, as the
/// sides and free indices [`numeric::check_links`] takes. (A chain's own
/// equality, `LoweredClaim::whole`, is sampled only when a link of it
/// merely holds.)
pub fn group_sides(
    claims: &[crate::lower::LoweredClaim],
) -> Vec<(crate::expr::Id, crate::expr::Id, &[crate::expr::IndexId])> {
    claims
        .iter()
        .flat_map(|c| c.checkable())
        .map(|l| (l.lhs, l.rhs, l.free.as_slice()))
        .collect()
}

/// The two witnesses' answers on one link.
struct Witnesses {
    symbolic: canon::Outcome,
    numeric: NumericOutcome,
}

/// Runs both witnesses on every checkable link of `claims`, in order. In a
/// pool of several threads, the numeric witness
/// samples the groups of [`sampling_groups`] on other threads (over a
/// snapshot of the store: the symbolic witness adds to the store as it
/// goes) while the symbolic witness runs here, and this thread takes
/// groups once it is done. A link's samples depend only on the link and
/// the seed, so the answers do not depend on the scheduling.
fn witnesses(
    lowered: &mut crate::lower::Lowered,
    claims: &[crate::lower::LoweredClaim],
    config: &SampleConfig,
) -> (Vec<canon::Outcome>, Vec<NumericOutcome>) {
    let groups = sampling_groups(claims);
    let prove_all = |lowered: &mut crate::lower::Lowered| -> Vec<canon::Outcome> {
        // One big stack for the whole pass, not a thread per link.
        crate::parallel::with_big_stack(|| {
            // Links share subexpressions: their canonical forms are computed once.
            let mut cache = canon::Cache::with_seed(config.seed);
            claims
                .iter()
                .flat_map(|c| c.checkable())
                .map(|link| {
                    canon::prove_cached(
                        &mut cache,
                        &mut lowered.store,
                        &mut lowered.symbols,
                        link.lhs,
                        link.rhs,
                        &canon::Budget::default(),
                    )
                })
                .collect()
        })
    };
    let sample = |store: &crate::expr::Store, symbols: &crate::expr::Symbols, k: usize| {
        numeric::check_links(
            store,
            symbols,
            &group_sides(&claims[groups[k].clone()]),
            config,
        )
    };
    let (symbolic, numeric): (_, Vec<Vec<NumericOutcome>>) =
        if crate::parallel::threads_here() <= 1 || groups.is_empty() {
            let symbolic = prove_all(lowered);
            let numeric = (0..groups.len())
                .map(|k| sample(&lowered.store, &lowered.symbols, k))
                .collect();
            (symbolic, numeric)
        } else {
            let (store, symbols) = (lowered.store.clone(), lowered.symbols.clone());
            crate::parallel::join(
                || prove_all(lowered),
                || crate::parallel::map(groups.len(), |k| sample(&store, &symbols, k)),
            )
        };
    (symbolic, numeric.into_iter().flatten().collect())
}

/// Combines the two witnesses' answers on one link.
///
/// The symbolic witness decides "proved"; the numeric witness always runs
/// too. When the symbolic side cannot decide (not proved, or a limit), the
/// verdict is the numeric one, named as such. A proof contradicted by a
/// counterexample is a bug in derivcheck and is reported as an internal
/// error, never resolved in favour of either side.
fn combine(
    lowered: &mut crate::lower::Lowered,
    link: &Link,
    witnesses: Witnesses,
    source: &str,
    lines: &LineIndex,
    defined: &[&str],
) -> StepReport {
    let (line, col) = lines.line_col(source, link.span.start);
    let mut step = StepReport::new(
        line,
        col,
        link.span,
        Verdict::Error,
        link.lhs_span.text(source).trim().to_string(),
        link.rhs_span.text(source).trim().to_string(),
    );
    step.justification = link.justification.clone();
    step.witness = Some("numeric");
    let Witnesses { symbolic, numeric } = witnesses;
    match numeric {
        NumericOutcome::Holds { defined, tried } => {
            step.verdict = Verdict::Holds;
            step.samples = Some(SampleCount { defined, tried });
        }
        NumericOutcome::False(cx) => {
            step.verdict = Verdict::False;
            step.counterexample = Some(*cx);
        }
        NumericOutcome::Undefined { defined, tried } => {
            step.verdict = Verdict::Undefined;
            step.samples = Some(SampleCount { defined, tried });
            step.message = Some(format!(
                "both sides were defined at only {defined} of {tried} samples"
            ));
        }
        NumericOutcome::Inconclusive(why) => {
            step.verdict = Verdict::Inconclusive;
            step.message = Some(format!("inconclusive: {why}"));
        }
    }
    // The exact-random witness proves like the canonical form does; its
    // error bound is said wherever the link is reported.
    let (symbolic, exact) = match symbolic {
        canon::Outcome::ProvedExact(proof) => (
            canon::Outcome::Proved {
                lhs_trace: Vec::new(),
                rhs_trace: Vec::new(),
            },
            Some(proof),
        ),
        other => (other, None),
    };
    // Sides equal up to `+ 0` and `· 1` are equal wherever defined: a
    // proof once the samples show them defined somewhere (they agreed at
    // enough defined points, or at some before too few were defined);
    // without a defined sample they may be defined nowhere, and the
    // numeric verdict stands.
    let symbolic = match symbolic {
        canon::Outcome::SameUpToUnits => {
            let defined = step.samples.as_ref().is_some_and(|s| s.defined > 0);
            if step.verdict == Verdict::Holds || (step.verdict == Verdict::Undefined && defined) {
                canon::Outcome::Proved {
                    lhs_trace: Vec::new(),
                    rhs_trace: Vec::new(),
                }
            } else {
                canon::Outcome::Inconclusive(
                    "the sides are one expression up to + 0 and · 1, equal wherever \
                     defined, but no sample showed them defined"
                        .to_string(),
                )
            }
        }
        other => other,
    };
    match symbolic {
        // Resolved above.
        canon::Outcome::SameUpToUnits => {}
        canon::Outcome::Proved {
            lhs_trace,
            rhs_trace,
        } => match step.verdict {
            Verdict::False => {
                step.verdict = Verdict::Error;
                step.witness = Some("both");
                step.message = Some(
                    "internal error: the symbolic engine proved this link, but the numeric \
                     witness found a counterexample; this is a bug in derivcheck, please report it"
                        .to_string(),
                );
            }
            _ => {
                // Too few defined samples (f64 overflow on huge constants, or
                // a small domain) do not weaken a proof: equal canonical
                // forms agree wherever both sides are defined. Say so.
                if step.verdict == Verdict::Undefined {
                    step.message = Some(format!(
                        "proved symbolically; the numeric witness could not confirm it: {}",
                        step.message.take().unwrap_or_default()
                    ));
                }
                if step.verdict == Verdict::Inconclusive {
                    step.message = step.message.take().map(|m| format!("numeric witness {m}"));
                }
                step.verdict = Verdict::Proved;
                step.witness = Some("symbolic");
                let mut trace = definitions_used(defined, &[&step.lhs, &step.rhs]);
                if crate::diff::has_derivative(&lowered.store, link.lhs)
                    || crate::diff::has_derivative(&lowered.store, link.rhs)
                {
                    trace.push("derivative rules".to_string());
                }
                trace.extend(canon::rule_names(lhs_trace.into_iter().chain(rhs_trace)));
                if let Some(proof) = exact {
                    step.witness = Some(crate::outcome::EXACT_RANDOM);
                    let bound = proof.describe();
                    trace.push("exact evaluation at random points".to_string());
                    step.message = Some(match step.message.take() {
                        Some(m) => format!("{bound}; {m}"),
                        None => bound,
                    });
                }
                step.trace = trace;
            }
        },
        canon::Outcome::NotProved { .. } | canon::Outcome::ProvedExact(_) => {}
        canon::Outcome::Inconclusive(why) => {
            let note = format!("symbolic witness inconclusive: {why}");
            step.message = Some(match step.message.take() {
                Some(m) => format!("{m}; {note}"),
                None => note,
            });
        }
    }
    if matches!(step.verdict, Verdict::Proved | Verdict::Holds) && step.message.is_none() {
        step.message = kink_note(lowered, link.lhs, link.rhs, &link.free);
    }
    if let (Verdict::False, Some(cx)) = (step.verdict, &step.counterexample) {
        step.diagnosis = crate::diagnose::diagnose(
            &mut lowered.store,
            &mut lowered.symbols,
            link.lhs,
            link.rhs,
            &link.free,
            cx,
            &crate::diagnose::Wording {
                lets: &lowered.lets,
                written: &link.written,
            },
        );
    }
    if let (Verdict::False, Some(cx)) = (step.verdict, &mut step.counterexample) {
        cx.intermediates = crate::intermediates::at_counterexample(
            &lowered.store,
            &lowered.symbols,
            &link.lets,
            &link.free,
            cx,
            &lowered.lets,
        );
    }
    step
}

/// "except where x = 0" for a link whose derivative goes through a kink
/// (relu, |a|, sign, step): the derivative, and so the link, says nothing
/// there.
fn kink_note(
    lowered: &mut crate::lower::Lowered,
    lhs: crate::expr::Id,
    rhs: crate::expr::Id,
    free: &[crate::expr::IndexId],
) -> Option<String> {
    let mut args = crate::diff::kinks(&lowered.store, lhs);
    for a in crate::diff::kinks(&lowered.store, rhs) {
        if !args.contains(&a) {
            args.push(a);
        }
    }
    let mut shown: Vec<String> = Vec::new();
    for &a in &args {
        // Said in its canonical form where one is found: `max(0, x)`'s
        // kink is where x = 0, not where x - 0 = 0.
        let a = canon::canonicalize(
            &mut lowered.store,
            &mut lowered.symbols,
            a,
            &canon::Budget::default(),
        )
        .map_or(a, |(c, _)| c);
        let text = crate::expr::print::print(&lowered.store, &lowered.symbols, a);
        // An index bound by a sum around the kinked function: any of its
        // values may sit on the kink.
        let mut bound: Vec<&str> = crate::diff::indices_in(&lowered.store, a)
            .into_iter()
            .filter(|i| !free.contains(i))
            .map(|i| lowered.symbols.indices[i.0 as usize].name.as_str())
            .collect();
        bound.dedup();
        let text = match bound[..] {
            [] => format!("{text} = 0"),
            _ => format!("{text} = 0 for some {}", bound.join(", ")),
        };
        if !shown.contains(&text) {
            shown.push(text);
        }
    }
    if shown.is_empty() {
        return None;
    }
    let more = if shown.len() > 3 { ", …" } else { "" };
    shown.truncate(3);
    Some(format!(
        "the derivative exists except at a kink; this step holds except where {}{more}",
        shown.join(" or ")
    ))
}

/// "definition of NAME" for each definition or let whose name the two
/// sides mention as written, in the order of the definitions.
fn definitions_used(defined: &[&str], texts: &[&str]) -> Vec<String> {
    let words: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.split(|c: char| !(c.is_alphanumeric() || c == '_' || is_mark(c))))
        .collect();
    let mut out: Vec<String> = Vec::new();
    for name in defined {
        let line = format!("definition of {name}");
        if words.contains(name) && !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// Combining marks belong to identifiers (`y` + U+0302 is `ŷ`).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}')
}

/// The report of a link that could not be checked.
///
/// Its line and column are the step's, as for every other link (where the
/// step's line content starts: its `=`, or `claim` for the claim's own
/// link), so a row is never labelled with another step's line; the
/// diagnostic keeps the error's own place for the underline.
fn error_step(e: &LinkError, source: &str, lines: &LineIndex) -> StepReport {
    let (line, col) = lines.line_col(source, e.span.start);
    let mut step = StepReport::new(
        line,
        col,
        e.span,
        Verdict::Error,
        e.lhs_span.text(source).trim().to_string(),
        e.rhs_span.text(source).trim().to_string(),
    );
    step.justification = e.justification.clone();
    step.diagnostic = Some(e.diagnostic.clone());
    step
}

/// The sampler's seed for a file with text `source`: `options.seed`, or
/// one derived from the text alone, so that the same file gives the same
/// report wherever it lies and however its path is spelled.
pub(crate) fn seed_of(source: &str, options: &Options) -> u64 {
    options
        .seed
        .unwrap_or_else(|| crate::fnv::fnv1a(source.bytes()))
}
