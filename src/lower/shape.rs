//! Shapes of values: scalar, `vector[n]`, `matrix[m, d]`.

use crate::expr::{DimId, Symbols};

/// The dimensions of a value's axes, outermost first: empty for a scalar,
/// `[n]` for a vector, `[m, d]` (rows, columns) for a matrix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Shape(pub Vec<DimId>);

impl Shape {
    /// The shape of a single number.
    pub fn scalar() -> Shape {
        Shape(Vec::new())
    }

    /// How many indices it takes to reach one number.
    pub fn rank(&self) -> usize {
        self.0.len()
    }

    /// True for a single number.
    pub fn is_scalar(&self) -> bool {
        self.0.is_empty()
    }

    /// The shape for messages: `a scalar`, `a vector[n]` or `a matrix[m, d]`.
    pub fn describe(&self, symbols: &Symbols) -> String {
        let names: Vec<&str> = self
            .0
            .iter()
            .map(|&d| {
                symbols
                    .dims
                    .get(d.0 as usize)
                    .map_or("?", |i| i.name.as_str())
            })
            .collect();
        match names.len() {
            0 => "a scalar".to_string(),
            1 => format!("a vector[{}]", names[0]),
            2 => format!("a matrix[{}, {}]", names[0], names[1]),
            _ => format!("an array[{}]", names.join(", ")),
        }
    }

    /// The shape of an elementwise combination of `self` and `other`: a scalar
    /// is broadcast against anything, otherwise the shapes must agree.
    pub fn broadcast(&self, other: &Shape) -> Option<Shape> {
        if self.is_scalar() {
            Some(other.clone())
        } else if other.is_scalar() || self == other {
            Some(self.clone())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_and_describe() {
        let mut sy = Symbols::default();
        let n = sy.dim("n");
        let m = sy.dim("m");
        let s = Shape::scalar();
        let vn = Shape(vec![n]);
        let vm = Shape(vec![m]);
        let cases: &[(&Shape, &Shape, Option<&Shape>)] = &[
            (&s, &s, Some(&s)),
            (&s, &vn, Some(&vn)),
            (&vn, &s, Some(&vn)),
            (&vn, &vn, Some(&vn)),
            (&vn, &vm, None),
        ];
        for (a, b, want) in cases {
            assert_eq!(a.broadcast(b).as_ref(), *want, "{a:?} {b:?}");
        }
        assert_eq!(s.describe(&sy), "a scalar");
        assert_eq!(vn.describe(&sy), "a vector[n]");
        assert_eq!(Shape(vec![m, n]).describe(&sy), "a matrix[m, n]");
    }
}
