//! The expression store: scalar expressions in index form, hash-consed.
//!
//! Invariants:
//! - Nodes live in one arena and are named by [`Id`] handles; a node's
//!   children always have smaller ids than the node (children come first).
//! - The store is hash-consed: adding a node equal to an existing one returns
//!   the existing id, so equal subexpressions are stored once and comparing
//!   two expressions structurally is comparing ids.
//! - [`Store::add`] does no simplification: lowering records exactly what the
//!   user wrote (`x/x` stays `x * x^-1`), so the numeric witness evaluates the
//!   claim as stated. Simplification lives in `canon`.
//! - Expressions carry no spans; names live in [`Symbols`].

pub mod print;
pub mod subst;

use num_rational::BigRational;
use rustc_hash::{FxHashMap, FxHasher};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault};

/// Exact rational numbers (arbitrary precision, never overflow).
pub type Rational = BigRational;

/// A handle to a node in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub u32);

impl Id {
    /// The arena position of this node.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A handle to a dimension name (`n`, `m`, `d`) in [`Symbols`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DimId(pub u32);

/// A handle to a declared variable in [`Symbols`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarId(pub u32);

/// A handle to an index variable in [`Symbols`].
///
/// Two uses of the same index name in one link share an id; the bound index
/// of every expanded definition gets a fresh id, so expansion never captures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexId(pub u32);

/// The domain a variable ranges over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    /// Any finite real number (the default).
    #[default]
    Real,
    /// x > 0.
    Positive,
    /// x >= 0.
    Nonnegative,
    /// A vector with entries >= 0 summing to 1.
    Simplex,
    /// A vector with one entry 1 and the rest 0.
    Onehot,
    /// A square matrix equal to its transpose: A[i, j] = A[j, i].
    Symmetric,
}

impl Domain {
    /// The keyword that declares this domain.
    pub fn keyword(self) -> &'static str {
        match self {
            Domain::Real => "real",
            Domain::Positive => "positive",
            Domain::Nonnegative => "nonnegative",
            Domain::Simplex => "simplex",
            Domain::Onehot => "onehot",
            Domain::Symmetric => "symmetric",
        }
    }
}

/// Named constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Constant {
    /// Euler's number.
    E,
    /// π.
    Pi,
}

/// Builtin scalar functions of one argument.
///
/// `sqrt(a)` is lowered to `a^(1/2)` and `e^a` to `exp(a)`, so they have no
/// entry here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    /// e^x
    Exp,
    /// natural logarithm, defined for x > 0
    Log,
    /// sine
    Sin,
    /// cosine
    Cos,
    /// tangent
    Tan,
    /// hyperbolic tangent
    Tanh,
    /// 1 / (1 + e^(-x))
    Sigmoid,
    /// |x|; its derivative `sign(x)` is undefined at the kink x = 0
    Abs,
    /// -1, 0 or 1 by the sign of x; its derivative is 0 except at x = 0
    Sign,
    /// max(x, 0); its derivative `step(x)` is undefined at the kink x = 0
    Relu,
    /// the step 1{x > 0} (0 at x = 0); its derivative is 0 except at x = 0
    Step,
    /// log(1 + e^x), a smooth relu whose derivative is σ(x)
    Softplus,
}

impl Func {
    /// The function's name in the derivation language.
    pub fn name(self) -> &'static str {
        match self {
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Tanh => "tanh",
            Func::Sigmoid => "sigmoid",
            Func::Abs => "abs",
            Func::Sign => "sign",
            Func::Relu => "relu",
            Func::Step => "step",
            Func::Softplus => "softplus",
        }
    }

    /// Every builtin function, for tables and tests.
    pub const ALL: [Func; 12] = [
        Func::Exp,
        Func::Log,
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Tanh,
        Func::Sigmoid,
        Func::Abs,
        Func::Sign,
        Func::Relu,
        Func::Step,
        Func::Softplus,
    ];

    /// True for the functions that are not differentiable everywhere: their
    /// derivative is defined except where the argument is 0 (the kink).
    pub fn has_kink(self) -> bool {
        matches!(self, Func::Abs | Func::Sign | Func::Relu | Func::Step)
    }
}

/// One node of the store.
///
/// Subtraction is `a + (-1)·b`; division is `a · b^-1`; `sqrt(a)` is
/// `a^(1/2)`. Operands of `Add` and `Mul` are kept in the order given
/// (lowering does not sort; `canon` does).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// An exact rational number.
    Num(Rational),
    /// A named constant.
    Const(Constant),
    /// A scalar variable (no indices) or one element of a vector or matrix.
    Var(VarId, Vec<IndexId>),
    /// The sum of the operands (two or more).
    Add(Vec<Id>),
    /// The product of the operands (two or more).
    Mul(Vec<Id>),
    /// `base ^ exponent`.
    Pow(Id, Id),
    /// A builtin function applied to one argument.
    Apply(Func, Id),
    /// `Σ_index body` over the whole range of `index`'s dimension, leaving
    /// out the term `index = except` when `except` is given.
    Sum {
        /// The bound index.
        index: IndexId,
        /// The excluded value (`sum(i != j, ...)`).
        except: Option<IndexId>,
        /// The summand.
        body: Id,
    },
    /// Kronecker delta: 1 when the two indices are equal, else 0.
    Delta(IndexId, IndexId),
    /// The derivative of `body` by the element `var[at]` of a variable
    /// (`at` empty for a scalar). Lowering leaves it unevaluated: the numeric
    /// engine evaluates it with dual numbers, the symbolic engine by rules.
    Deriv {
        /// What is differentiated.
        body: Id,
        /// The variable.
        var: VarId,
        /// Which element of it.
        at: Vec<IndexId>,
    },
}

/// A dimension name such as `n`; its value is chosen per sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DimInfo {
    /// The name as declared.
    pub name: String,
}

/// A declared variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarInfo {
    /// The name as declared (a `Box<str>`, not a `String`: a file may
    /// declare millions of variables, issue #14).
    pub name: Box<str>,
    /// Its dimensions: empty for a scalar, `[n]` for a vector, `[m, d]` for a matrix.
    pub dims: Vec<DimId>,
    /// Its domain.
    pub domain: Domain,
    /// Set for a let-name differentiated by (`∂L/∂z2`): see [`Binding`].
    /// Boxed: it is rare, and every variable would pay for it inline.
    pub binding: Option<Box<Binding>>,
}

/// The value behind a let-name that a derivative is taken by.
///
/// `∂L/∂z2` treats the let `z2` as a variable of its own: inside the
/// derivative's body, the lowering writes `z2` as this variable instead of
/// expanding it, so the derivative is the partial one, with everything else
/// held fixed. Everywhere else, and once the derivative is taken, the
/// variable stands for its value: the symbolic engine substitutes it when it
/// eliminates the derivative, the numeric engine evaluates it. It is never
/// sampled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The value's free indices, one per dimension of the variable.
    pub indices: Vec<IndexId>,
    /// The let's value, lowered at `indices`.
    pub value: Id,
}

/// An index variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexInfo {
    /// The name as written (fresh copies of a definition's bound index keep
    /// the name; printing disambiguates).
    pub name: String,
    /// The dimension it ranges over.
    pub dim: DimId,
}

/// The names behind [`DimId`], [`VarId`] and [`IndexId`] handles.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    /// Dimensions, by [`DimId`].
    pub dims: Vec<DimInfo>,
    /// Variables, by [`VarId`].
    pub vars: Vec<VarInfo>,
    /// Index variables, by [`IndexId`].
    pub indices: Vec<IndexInfo>,
    /// The dimensions by name, so that a file with a hundred thousand
    /// dimension names is read in linear time (kept in step with `dims`
    /// by [`Symbols::dim`], rebuilt if `dims` was changed directly).
    dim_ids: rustc_hash::FxHashMap<String, DimId>,
    /// The hashes of the variables' names, each with the first variable
    /// of that hash, so that looking a name up does not walk every
    /// variable: the printer and the diagnosis ask it of every false link.
    /// Built at the first lookup (a file of declarations alone never pays
    /// for it) and kept up by [`Symbols::add_var`] after that.
    var_name_hashes: std::sync::OnceLock<rustc_hash::FxHashMap<u64, VarId>>,
}

/// Symbols are equal when their names are: the lookup tables follow.
impl PartialEq for Symbols {
    fn eq(&self, other: &Symbols) -> bool {
        self.dims == other.dims && self.vars == other.vars && self.indices == other.indices
    }
}

impl Eq for Symbols {}

/// A name's hash for [`Symbols::may_have_var_named`]: FxHash, the same on
/// every run.
fn name_hash(name: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(name)
}

impl Symbols {
    /// The dimension called `name`, added if new.
    pub fn dim(&mut self, name: &str) -> DimId {
        if self.dim_ids.len() != self.dims.len() {
            self.dim_ids = (self.dims.iter().enumerate().rev())
                .map(|(i, d)| (d.name.clone(), DimId(i as u32)))
                .collect();
        }
        if let Some(&id) = self.dim_ids.get(name) {
            return id;
        }
        self.dims.push(DimInfo {
            name: name.to_string(),
        });
        let id = DimId(self.dims.len() as u32 - 1);
        self.dim_ids.insert(name.to_string(), id);
        id
    }

    /// Adds a variable (names are not checked for duplicates here).
    pub fn add_var(&mut self, name: &str, dims: Vec<DimId>, domain: Domain) -> VarId {
        let next = VarId(self.vars.len() as u32);
        if let Some(map) = self.var_name_hashes.get_mut() {
            map.entry(name_hash(name)).or_insert(next);
        }
        self.vars.push(VarInfo {
            name: name.into(),
            dims,
            domain,
            binding: None,
        });
        VarId(self.vars.len() as u32 - 1)
    }

    /// Adds a variable that stands for a let's value (see [`Binding`]).
    pub fn add_bound_var(&mut self, name: &str, dims: Vec<DimId>, binding: Binding) -> VarId {
        let v = self.add_var(name, dims, Domain::Real);
        self.vars[v.0 as usize].binding = Some(Box::new(binding));
        v
    }

    /// Whether some variable may be called `name`: never false when one
    /// is (a hash collision may say true of a name no variable has).
    pub fn may_have_var_named(&self, name: &str) -> bool {
        self.var_hashes().contains_key(&name_hash(name))
    }

    /// [`Symbols::var_name_hashes`], built if not yet.
    fn var_hashes(&self) -> &rustc_hash::FxHashMap<u64, VarId> {
        self.var_name_hashes.get_or_init(|| {
            let mut map = rustc_hash::FxHashMap::default();
            for (k, v) in self.vars.iter().enumerate() {
                map.entry(name_hash(&v.name)).or_insert(VarId(k as u32));
            }
            map
        })
    }

    /// The value a variable stands for, if it is a let-name's (see [`Binding`]).
    pub fn binding(&self, v: VarId) -> Option<&Binding> {
        self.vars.get(v.0 as usize)?.binding.as_deref()
    }

    /// The variable called `name`, if declared.
    pub fn var_named(&self, name: &str) -> Option<VarId> {
        let &first = self.var_hashes().get(&name_hash(name))?;
        let info = self.vars.get(first.0 as usize)?;
        if &*info.name == name && info.binding.is_none() {
            return Some(first);
        }
        // Another name with the same hash, or a let's variable first.
        self.vars
            .iter()
            .position(|v| &*v.name == name && v.binding.is_none())
            .map(|i| VarId(i as u32))
    }

    /// A new index variable over `dim`, distinct from every other.
    pub fn fresh_index(&mut self, name: &str, dim: DimId) -> IndexId {
        self.indices.push(IndexInfo {
            name: name.to_string(),
            dim,
        });
        IndexId(self.indices.len() as u32 - 1)
    }

    /// The variable behind a handle.
    pub fn var(&self, v: VarId) -> &VarInfo {
        &self.vars[v.0 as usize]
    }

    /// The index behind a handle.
    // Not `std::ops::Index`: `symbols[i]` would hide which table is read.
    #[allow(clippy::should_implement_trait)]
    pub fn index(&self, i: IndexId) -> &IndexInfo {
        &self.indices[i.0 as usize]
    }

    /// The dimension an index ranges over.
    pub fn index_dim(&self, i: IndexId) -> DimId {
        self.indices[i.0 as usize].dim
    }

    /// The name of a dimension.
    pub fn dim_name(&self, d: DimId) -> &str {
        &self.dims[d.0 as usize].name
    }
}

/// A hash-consed arena of [`Node`]s.
#[derive(Clone, Debug, Default)]
pub struct Store {
    nodes: Vec<Node>,
    /// A node's hash → the first node added with that hash. Keyed by hash
    /// rather than by node so that each node is kept once, in `nodes`,
    /// instead of cloned into the table too (a clone per new node was a
    /// visible share of canonicalization); nodes are compared on lookup.
    ids: FxHashMap<u64, Id>,
    /// Later nodes whose hash is already taken in `ids` (rare).
    collisions: FxHashMap<u64, Vec<Id>>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Store {
        Store::default()
    }

    /// The id of `node`, adding it if it is new. Children must already be in
    /// the store.
    pub fn add(&mut self, node: Node) -> Id {
        let hash = BuildHasherDefault::<FxHasher>::default().hash_one(&node);
        self.add_hashed(node, hash)
    }

    /// [`Store::add`] with the node's hash given (tests force collisions).
    fn add_hashed(&mut self, node: Node, hash: u64) -> Id {
        let first = self.ids.get(&hash).copied();
        if let Some(id) = first {
            if self.nodes[id.index()] == node {
                return id;
            }
            let more = self.collisions.get(&hash).map_or(&[][..], |v| &v[..]);
            if let Some(&id) = more.iter().find(|id| self.nodes[id.index()] == node) {
                return id;
            }
        }
        debug_assert!(children(&node).iter().all(|c| c.index() < self.nodes.len()));
        let id = Id(u32::try_from(self.nodes.len()).expect("expression store overflow"));
        self.nodes.push(node);
        match first {
            None => {
                self.ids.insert(hash, id);
            }
            Some(_) => self.collisions.entry(hash).or_default().push(id),
        }
        id
    }

    /// The node behind `id`.
    pub fn get(&self, id: Id) -> &Node {
        &self.nodes[id.index()]
    }

    /// How many distinct nodes the store holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the store holds no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// An integer constant.
    pub fn int(&mut self, n: i64) -> Id {
        self.add(Node::Num(Rational::from_integer(n.into())))
    }

    /// A rational constant.
    pub fn num(&mut self, r: Rational) -> Id {
        self.add(Node::Num(r))
    }

    /// `a + b` (no simplification).
    pub fn add2(&mut self, a: Id, b: Id) -> Id {
        self.add(Node::Add(vec![a, b]))
    }

    /// `a - b` as `a + (-1)·b` (no simplification).
    pub fn sub(&mut self, a: Id, b: Id) -> Id {
        let nb = self.neg(b);
        self.add(Node::Add(vec![a, nb]))
    }

    /// `a · b` (no simplification).
    pub fn mul2(&mut self, a: Id, b: Id) -> Id {
        self.add(Node::Mul(vec![a, b]))
    }

    /// `-a` as `(-1)·a`.
    pub fn neg(&mut self, a: Id) -> Id {
        let m1 = self.int(-1);
        self.add(Node::Mul(vec![m1, a]))
    }

    /// `a / b` as `a · b^-1`.
    pub fn div(&mut self, a: Id, b: Id) -> Id {
        let m1 = self.int(-1);
        let inv = self.add(Node::Pow(b, m1));
        self.add(Node::Mul(vec![a, inv]))
    }

    /// `a ^ b`.
    pub fn pow(&mut self, a: Id, b: Id) -> Id {
        self.add(Node::Pow(a, b))
    }

    /// `f(a)`.
    pub fn apply(&mut self, f: Func, a: Id) -> Id {
        self.add(Node::Apply(f, a))
    }
}

/// The direct children of a node, in order.
pub fn children(node: &Node) -> Vec<Id> {
    child_iter(node).collect()
}

/// The direct children of a node, in [`children`] order, without
/// collecting them: the store's walks visit every node, and a vector per
/// visit was a visible share of canonicalization.
pub fn child_iter(node: &Node) -> impl Iterator<Item = Id> + '_ {
    let (xs, pair): (&[Id], [Option<Id>; 2]) = match node {
        Node::Num(_) | Node::Const(_) | Node::Var(..) | Node::Delta(..) => (&[], [None, None]),
        Node::Add(xs) | Node::Mul(xs) => (xs, [None, None]),
        Node::Pow(a, b) => (&[], [Some(*a), Some(*b)]),
        Node::Apply(_, a) => (&[], [Some(*a), None]),
        Node::Sum { body, .. } | Node::Deriv { body, .. } => (&[], [Some(*body), None]),
    };
    xs.iter().copied().chain(pair.into_iter().flatten())
}

/// Calls `f` on every node reachable from `root`, each once, depth first
/// (a node before its children); `f` returns false to stop the walk.
pub(crate) fn each_node(store: &Store, root: Id, mut f: impl FnMut(Id, &Node) -> bool) {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut stack = vec![root];
    while let Some(x) = stack.pop() {
        if !seen.insert(x) {
            continue;
        }
        let node = store.get(x);
        if !f(x, node) {
            return;
        }
        stack.extend(child_iter(node));
    }
}

/// Whether some node of `id` is settled `true` by `rule`: `rule(id, node)`
/// settles a node (`Some`) or leaves it to its children (`None`). What
/// children settle is kept in `memo`, which may serve later calls with
/// the same rule: lowered expressions share much (a let's value wherever
/// it is used), and each shared node is walked once.
pub(crate) fn any_node(
    store: &Store,
    id: Id,
    memo: &mut FxHashMap<Id, bool>,
    rule: &impl Fn(Id, &Node) -> Option<bool>,
) -> bool {
    let node = store.get(id);
    if let Some(b) = rule(id, node) {
        return b;
    }
    if let Some(&b) = memo.get(&id) {
        return b;
    }
    let b = child_iter(node).any(|c| any_node(store, c, memo, rule));
    memo.insert(id, b);
    b
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The node with its children replaced, in [`children`] order.
pub fn with_children(node: &Node, kids: &[Id]) -> Node {
    match node {
        Node::Num(_) | Node::Const(_) | Node::Var(..) | Node::Delta(..) => node.clone(),
        Node::Add(_) => Node::Add(kids.to_vec()),
        Node::Mul(_) => Node::Mul(kids.to_vec()),
        Node::Pow(..) => Node::Pow(kids[0], kids[1]),
        Node::Apply(f, _) => Node::Apply(*f, kids[0]),
        Node::Sum { index, except, .. } => Node::Sum {
            index: *index,
            except: *except,
            body: kids[0],
        },
        Node::Deriv { var, at, .. } => Node::Deriv {
            body: kids[0],
            var: *var,
            at: at.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One per declared variable (issue #14: millions of declarations):
    /// the name unpadded, the rare binding boxed.
    #[test]
    fn a_variable_is_seven_words() {
        let size = std::mem::size_of::<VarInfo>();
        assert!(size <= 7 * std::mem::size_of::<usize>(), "{size}");
    }

    #[test]
    fn variables_are_found_by_name_past_a_let_of_the_same_name() {
        let mut symbols = Symbols::default();
        let mut store = Store::new();
        let zero = store.int(0);
        let bound = Binding {
            indices: Vec::new(),
            value: zero,
        };
        let h_let = symbols.add_bound_var("h", Vec::new(), bound);
        let x = symbols.add_var("x", Vec::new(), Domain::Real);
        let h = symbols.add_var("h", Vec::new(), Domain::Real);
        assert_ne!(h, h_let);
        assert_eq!(symbols.var_named("h"), Some(h));
        assert_eq!(symbols.var_named("x"), Some(x));
        assert_eq!(symbols.var_named("y"), None);
        assert!(symbols.may_have_var_named("h") && !symbols.may_have_var_named("y"));
    }

    #[test]
    fn nodes_with_colliding_hashes_stay_distinct() {
        let mut store = Store::new();
        let nodes: Vec<Node> = (1..=3)
            .map(|n| Node::Num(Rational::from_integer(n.into())))
            .collect();
        let ids: Vec<Id> = nodes
            .iter()
            .map(|n| store.add_hashed(n.clone(), 7))
            .collect();
        assert_eq!(ids, vec![Id(0), Id(1), Id(2)]);
        for (n, id) in nodes.iter().zip(&ids) {
            assert_eq!(store.add_hashed(n.clone(), 7), *id);
            assert_eq!(store.get(*id), n);
        }
        assert_eq!(store.len(), 3);
    }
}
