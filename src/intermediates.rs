//! The values of a false link's let-bound intermediates at its
//! counterexample (`z1 = [0.5, -1.2]`, `h = …`): the point in the names the
//! derivation is written in, so a student can follow it through the
//! network rather than recompute it from the raw variables.
//!
//! Values come from the numeric evaluator on the variables' values the
//! counterexample lists (never the symbolic differentiator), so they are
//! the values the numeric witness saw. The work is bounded: a few lets,
//! each of a few entries.

use crate::expr::{Id, IndexId, Node, Store, Symbols};
use crate::lower::{LetForm, LetUse};
use crate::numeric::{self, Counterexample, Point, SampleValue};

/// At most this many intermediates are shown for one link: the ones its
/// sides name first, then the ones those use, in file order.
pub const MAX_INTERMEDIATES: usize = 5;
/// A let with more entries than this at the counterexample's dimensions is
/// left out: a table nobody reads explains nothing.
pub const MAX_ENTRIES: usize = 64;

/// The values at `cx` of the lets in `used` (the link's, see
/// [`crate::lower::Link::lets`]), in file order, at most
/// [`MAX_INTERMEDIATES`]. A let is left out when it has no lowered form
/// (it had an error), is of rank above 2, has more than [`MAX_ENTRIES`]
/// entries, needs a variable the counterexample does not list, or is
/// undefined there.
pub fn at_counterexample(
    store: &Store,
    symbols: &Symbols,
    used: &[LetUse],
    free: &[IndexId],
    cx: &Counterexample,
    forms: &[LetForm],
) -> Vec<(String, SampleValue)> {
    let Some(point) = numeric::counterexample_point(symbols, free, cx) else {
        return Vec::new();
    };
    let mut values: Vec<(usize, &str, SampleValue)> = Vec::new();
    // The lets a side names first: those are the ones the step is about.
    for direct in [true, false] {
        for (order, u) in used.iter().enumerate().filter(|(_, u)| u.direct == direct) {
            if values.len() >= MAX_INTERMEDIATES {
                break;
            }
            let Some(form) = forms.iter().find(|f| f.name == u.name) else {
                continue;
            };
            if let Some(v) = value_of(store, symbols, form, &point) {
                values.push((order, &u.name, v));
            }
        }
    }
    values.sort_by_key(|(order, _, _)| *order);
    values
        .into_iter()
        .map(|(_, name, v)| (name.to_string(), v))
        .collect()
}

/// The let's value at `point`, entry by entry (row-major), when every
/// entry is defined and the point has every variable it needs.
fn value_of(
    store: &Store,
    symbols: &Symbols,
    form: &LetForm,
    point: &Point,
) -> Option<SampleValue> {
    let sizes: Vec<usize> = form
        .indices
        .iter()
        .map(|&ix| point.dims.get(symbols.index_dim(ix).0 as usize).copied())
        .collect::<Option<_>>()?;
    if sizes.len() > 2 || sizes.iter().product::<usize>() > MAX_ENTRIES {
        return None;
    }
    if !has_its_variables(store, symbols, form.value, point) {
        return None;
    }
    // Every entry, row-major.
    let at: Vec<Vec<usize>> = sizes.iter().fold(vec![Vec::new()], |acc, &n| {
        acc.iter()
            .flat_map(|k| {
                (0..n).map(move |i| {
                    let mut k = k.clone();
                    k.push(i);
                    k
                })
            })
            .collect()
    });
    let entries: Vec<f64> =
        numeric::eval_each(store, symbols, form.value, point, &form.indices, &at)
            .into_iter()
            // Adding 0.0 turns -0.0 into 0.0, as the sampler does for the
            // variables.
            .map(|x| x.filter(|x| x.is_finite()).map(|x| x + 0.0))
            .collect::<Option<_>>()?;
    Some(match sizes[..] {
        [] => SampleValue::Scalar(*entries.first()?),
        [_] => SampleValue::Vector(entries),
        [_, n] => SampleValue::Matrix(entries.chunks(n.max(1)).map(<[f64]>::to_vec).collect()),
        _ => return None,
    })
}

/// True when `point` holds a value for every sampled variable in `id`, of
/// its full size: the counterexample lists only the link's variables.
fn has_its_variables(store: &Store, symbols: &Symbols, id: Id, point: &Point) -> bool {
    let mut memo = rustc_hash::FxHashMap::default();
    let missing = crate::expr::any_node(store, id, &mut memo, &|_, node| match node {
        Node::Var(v, _) => {
            let info = symbols.var(*v);
            // A let-name differentiated by stands for a value of its own,
            // which may need more: such a let is not shown.
            if info.binding.is_some() {
                return Some(true);
            }
            let size: usize = info
                .dims
                .iter()
                .map(|d| point.dims.get(d.0 as usize).copied().unwrap_or(0))
                .product();
            let have = point.vars.get(v.0 as usize).map_or(0, Vec::len);
            (have != size).then_some(true)
        }
        _ => None,
    });
    !missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::lower_file;
    use crate::syntax::parse_file;
    use pretty_assertions::assert_eq;

    /// The intermediates of the first link of `source` at `cx`.
    fn at(source: &str, cx: &Counterexample) -> Vec<(String, SampleValue)> {
        let lowered = lower_file(&parse_file(source));
        assert!(lowered.errors.is_empty(), "{:?}", lowered.errors);
        let link = lowered.claims[0].links[0].clone().expect("the link lowers");
        at_counterexample(
            &lowered.store,
            &lowered.symbols,
            &link.lets,
            &link.free,
            cx,
            &lowered.lets,
        )
    }

    fn cx(values: Vec<(&str, SampleValue)>, dims: Vec<(&str, usize)>) -> Counterexample {
        Counterexample {
            dims: dims.into_iter().map(|(n, v)| (n.to_string(), v)).collect(),
            indices: vec![],
            values: values
                .into_iter()
                .map(|(n, v)| (n.to_string(), v))
                .collect(),
            intermediates: vec![],
            lhs: 0.0,
            rhs: 1.0,
        }
    }

    #[test]
    fn lets_are_evaluated_from_the_variables() {
        let source = "x : vector[n]\nW : matrix[m, n]\n\
                      let z = W x\nlet s = Σ_i z[i]^2\nlet P = W Wᵀ\n\
                      claim c: s = Σ_i P[i, i]\n";
        let point = cx(
            vec![
                ("x", SampleValue::Vector(vec![1.0, 2.0])),
                (
                    "W",
                    SampleValue::Matrix(vec![vec![1.0, 0.0], vec![0.5, -1.0]]),
                ),
            ],
            vec![("m", 2), ("n", 2)],
        );
        assert_eq!(
            at(source, &point),
            [
                ("z".to_string(), SampleValue::Vector(vec![1.0, -1.5])),
                ("s".to_string(), SampleValue::Scalar(3.25)),
                (
                    "P".to_string(),
                    SampleValue::Matrix(vec![vec![1.0, 0.5], vec![0.5, 1.25]])
                ),
            ]
        );
    }

    #[test]
    fn a_let_needing_a_variable_the_point_lacks_is_left_out() {
        let source = "a, b : real\nlet u = a + b\nlet v = 2 a\nclaim c: u = v\n";
        // A counterexample that lists only `a` (a stale one): `u` needs `b`.
        let point = cx(vec![("a", SampleValue::Scalar(3.0))], vec![]);
        assert_eq!(
            at(source, &point),
            [("v".to_string(), SampleValue::Scalar(6.0))]
        );
    }

    #[test]
    fn at_most_a_few_the_named_ones_first() {
        let source = "a : real\nlet l1 = a + 1\nlet l2 = l1 + 1\nlet l3 = l2 + 1\n\
                      let l4 = l3 + 1\nlet l5 = l4 + 1\nlet l6 = l5 + 1\nlet l7 = l6 + 1\n\
                      claim c: l7 = l1\n";
        let point = cx(vec![("a", SampleValue::Scalar(0.0))], vec![]);
        let names: Vec<String> = at(source, &point).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), MAX_INTERMEDIATES);
        // l1 and l7 are named by the sides; l2, l3, l4 fill up in file order.
        assert_eq!(names, ["l1", "l2", "l3", "l4", "l7"]);
    }
}
