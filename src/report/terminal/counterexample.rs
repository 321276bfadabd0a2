//! The counterexample of a false link as a small table: where it was found
//! (dimensions, indices), the variables' values, and the two sides' values.

use super::{one_line, Config};
use crate::numeric::Counterexample;
use crate::report::text::{self, Painter, Style};

/// A counterexample as a small table: where (dimensions, indices), the
/// variables' values, and the two sides' values.
pub fn render_counterexample(cx: &Counterexample, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let at: Vec<String> = cx
        .dims
        .iter()
        .chain(&cx.indices)
        .map(|(name, v)| format!("{} = {v}", one_line(name)))
        .collect();
    let mut out = p.paint(Style::Red, "counterexample");
    if !at.is_empty() {
        out.push_str(&format!(" at {}", at.join(", ")));
    }
    out.push('\n');
    let (lhs, rhs) = text::distinct_pair(cx.lhs, cx.rhs);
    let mut rows: Vec<(String, String)> = cx
        .values
        .iter()
        .map(|(name, v)| (one_line(name), text::sample_value(v)))
        .collect();
    rows.push(("left".into(), lhs));
    rows.push(("right".into(), rhs));
    let name_width = rows.iter().map(|(n, _)| text::width(n)).max().unwrap_or(0);
    for (name, value) in rows {
        out.push_str(&format!("  {} = {value}\n", text::pad(&name, name_width)));
    }
    // The lets the link uses, after the sides as a mathematician writes
    // "where z1 = …": values that follow from the variables above.
    let lets: Vec<(String, String)> = cx
        .intermediates
        .iter()
        .map(|(name, v)| (one_line(name), text::sample_value(v)))
        .collect();
    let let_width = lets.iter().map(|(n, _)| text::width(n)).max().unwrap_or(0);
    for (k, (name, value)) in lets.into_iter().enumerate() {
        let lead = if k == 0 { "where" } else { "" };
        out.push_str(&format!(
            "  {lead:5} {} = {value}\n",
            text::pad(&name, let_width)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::SampleValue;
    use pretty_assertions::assert_eq;

    use crate::report::terminal::tests::PLAIN;

    #[test]
    fn counterexample_table_with_indices_and_a_matrix() {
        let cx = Counterexample {
            dims: vec![("m".into(), 2), ("d".into(), 1)],
            indices: vec![("i".into(), 1)],
            values: vec![
                (
                    "W1".into(),
                    SampleValue::Matrix(vec![vec![0.5], vec![-2.0]]),
                ),
                ("ŷ".into(), SampleValue::Vector(vec![0.25, 0.75])),
                ("t".into(), SampleValue::Scalar(1.0 / 3.0)),
            ],
            intermediates: vec![],
            lhs: 0.1,
            rhs: 0.1000001,
        };
        assert_eq!(
            render_counterexample(&cx, &PLAIN),
            "\
counterexample at m = 2, d = 1, i = 1
  W1    = [[0.5], [-2]]
  ŷ     = [0.25, 0.75]
  t     = 0.333333
  left  = 0.1
  right = 0.1000001
"
        );
    }

    #[test]
    fn intermediates_follow_the_sides_after_where() {
        let cx = Counterexample {
            dims: vec![("n".into(), 2)],
            indices: vec![],
            values: vec![("x".into(), SampleValue::Vector(vec![1.0, -0.5]))],
            intermediates: vec![
                ("z".into(), SampleValue::Vector(vec![0.5, -1.25])),
                ("loss".into(), SampleValue::Scalar(2.0)),
            ],
            lhs: 1.0,
            rhs: 2.0,
        };
        assert_eq!(
            render_counterexample(&cx, &PLAIN),
            "\
counterexample at n = 2
  x     = [1, -0.5]
  left  = 1
  right = 2
  where z    = [0.5, -1.25]
        loss = 2
"
        );
    }
}
