//! Goals reached, stated, missed: table tests on small documents.

use super::*;
use pretty_assertions::assert_eq;

const CONTEXT: &str = "\
t : real
sigma(s) := 1 / (1 + exp(-s))
goal b: d/dt sigma(t) = sigma(t) (1 - sigma(t))
";

fn grade(doc: &str) -> Graded {
    let options = Options {
        threads: 1,
        context: vec![("hw.deriv".to_string(), CONTEXT.to_string())],
        ..Options::default()
    };
    let grades = grade_sources(&[("hw.md", doc)], &options);
    assert_eq!(grades.goals, vec!["b"]);
    grades.docs.into_iter().next().unwrap()
}

#[test]
fn a_chain_from_the_left_side_to_the_right_side_reaches_the_goal() {
    let cases: &[(&str, &str)] = &[
        // Reached, in another order of factors and with `e^{-t}`.
        (
            r"$$\frac{d}{dt}\sigma(t) = \frac{e^{-t}}{(1+e^{-t})^2} = (1 - \sigma(t))\,\sigma(t)$$",
            "reached",
        ),
        // Reached, through a false link.
        (
            r"$$\frac{d}{dt}\sigma(t) = \frac{-e^{-t}}{(1+e^{-t})^2} = \sigma(t)(1 - \sigma(t))$$",
            "flawed",
        ),
        // Only the result, stated.
        (
            r"$$\frac{d}{dt}\sigma(t) = \sigma(t)(1 - \sigma(t))$$",
            "stated",
        ),
        // Stops at an unsimplified form of the answer: equal in value, not
        // reached.
        (
            r"$$\frac{d}{dt}\sigma(t) = \frac{e^{-t}}{(1+e^{-t})^2}$$",
            "missing",
        ),
        (
            r"$$\frac{d}{dt}\sigma(t) = \frac{e^{-t}}{(1+e^{-t})^2} = \sigma(t) - \sigma(t)^2$$",
            "missing",
        ),
        // Ends at the answer but starts elsewhere.
        (
            r"$$\frac{e^{-t}}{(1+e^{-t})^2} = \frac{1}{1+e^{-t}} \cdot \frac{e^{-t}}{1+e^{-t}} = \sigma(t)(1 - \sigma(t))$$",
            "missing",
        ),
        // Nothing could be read.
        (r"$$\frac{d}{dt}\sigma(t) = \frac{e^{-t}}{ $$", "unread"),
        ("no math at all", "unread"),
    ];
    for &(doc, want) in cases {
        let g = grade(doc);
        assert_eq!(g.goals[0].as_str(), want, "{doc}\n{:?}", g.outcome);
    }
}

#[test]
fn a_flawed_chain_says_how_many_links_and_where() {
    let doc = "# hw\n\n$$\n\\frac{d}{dt}\\sigma(t) = \\frac{-e^{-t}}{(1+e^{-t})^2}\n= \\sigma(t)(1 - \\sigma(t))\n$$\n";
    let g = grade(doc);
    assert_eq!(g.goals[0], Status::Flawed { links: 2, line: 4 });
    assert_eq!(g.false_links, 2);
    assert_eq!(g.unread_displays, 0);
}

#[test]
fn unread_displays_are_counted_and_one_read_display_is_enough() {
    let doc = "$$ \\frac{a}{ $$\n\n$$\\frac{d}{dt}\\sigma(t) = \\sigma(t)(1 - \\sigma(t))$$\n\n$$ x = \\frac{ $$\n";
    let g = grade(doc);
    assert_eq!(g.goals[0].as_str(), "stated");
    assert_eq!(g.unread_displays, 2);
}

#[test]
fn errors_outside_claims_are_counted_and_marked() {
    // The fence declares nonsense: `verify` exits 2 for this document, and
    // the goal reads `missing` only because the chain uses `u` wrongly.
    let doc = "```derivcheck\nu : vectr[n]\n```\n\n$$\\frac{d}{dt}\\sigma(t) = \\sigma(t)(1 - \\sigma(t)) + u - u$$\n";
    let g = grade(doc);
    assert_eq!(g.goals[0].as_str(), "missing");
    assert!(g.errors >= 1, "{:?}", g.outcome);
    let grades = Grades {
        goals: vec!["b".to_string()],
        docs: vec![
            g.clone(),
            grade("$$\\frac{d}{dt}\\sigma(t) = \\sigma(t)(1 - \\sigma(t))$$"),
        ],
    };
    let csv = render::csv(&grades);
    assert_eq!(
        csv,
        format!(
            "file,b,false_links,unread_displays,errors\nhw.md,missing,0,0,{}\nhw.md,stated,0,0,0\n",
            g.errors
        )
    );
    let table = render::text(&grades);
    assert!(
        table.lines().nth(1).unwrap().starts_with("hw.md !"),
        "{table}"
    );
    assert!(
        table.lines().nth(2).unwrap().starts_with("hw.md  "),
        "{table}"
    );
    assert!(table.contains("! 1 document with errors"), "{table}");
    let page = render::html(&grades, "grades");
    assert_eq!(page.matches("<tr class=\"errors\">").count(), 1, "{page}");
}

#[test]
fn goals_with_free_indices_are_reached_up_to_renaming() {
    let context = "\
z : vector[n]
y : onehot[n]
let yhat = softmax(z)
let L = -sum(i, y[i] log(yhat[i]))
goal c: ∂L/∂z[j] = yhat[j] - y[j]
";
    let options = Options {
        threads: 1,
        context: vec![("hw.deriv".to_string(), context.to_string())],
        ..Options::default()
    };
    let cases: &[(&str, &str)] = &[
        // The same chain in `k` (and a bound index named like the goal's
        // free one).
        (
            r"$$\frac{\partial L}{\partial z_k} = -\sum_j y_j (\delta_{jk} - \hat{y}_k) = \hat{y}_k - y_k$$",
            "reached",
        ),
        // Renamed on one side only: another statement.
        (
            r"$$\frac{\partial L}{\partial z_k} = -\sum_j y_j (\delta_{jk} - \hat{y}_k) = \hat{y}_m - y_m$$",
            "missing",
        ),
    ];
    for &(doc, want) in cases {
        let grades = grade_sources(&[("hw.md", doc)], &options);
        let g = &grades.docs[0];
        assert_eq!(g.goals[0].as_str(), want, "{doc}\n{:?}", g.outcome);
    }
}

const PARTS: &str = "\
sigma(s) := 1 / (1 + exp(-s))
part a \"Part a)\":
    x : vector[n]
    goal a: sum(i, 2 x[i]) = 2 sum(i, x[i])
part b \"Part b)\" \"Inciso b)\":
    x : real
    goal b: d/dx sigma(x) = sigma(x) (1 - sigma(x))
end
";

const PART_A: &str = "$$\n\\sum_i 2 x_i = \\sum_i (x_i + x_i) = 2 \\sum_i x_i\n$$\n";
const PART_B: &str =
    "$$\n\\frac{d}{dx}\\sigma(x) = \\frac{e^{-x}}{(1 + e^{-x})^2} = \\sigma(x)(1 - \\sigma(x))\n$$\n";

fn grade_parts(doc: &str) -> Graded {
    let options = Options {
        threads: 1,
        context: vec![("hw.deriv".to_string(), PARTS.to_string())],
        ..Options::default()
    };
    let grades = grade_sources(&[("hw.md", doc)], &options);
    assert_eq!(grades.goals, vec!["a", "b"]);
    grades.docs.into_iter().next().unwrap()
}

#[test]
fn parts_give_a_letter_its_own_meaning_and_their_own_goals() {
    // `x` is a vector in part a and a number in part b: both check.
    let doc = format!("# HW\n\n## Part a)\n\n{PART_A}\n## Inciso b)\n\n{PART_B}");
    let g = grade_parts(&doc);
    let statuses: Vec<&str> = g.goals.iter().map(Status::as_str).collect();
    assert_eq!(statuses, ["reached", "reached"], "{:?}", g.outcome);
    assert_eq!(g.errors, 0, "{:?}", g.outcome);
    // Part b's chain written under part a's marker: there `x` is a vector
    // (an error), and part b's goal is graded only against part b's chains.
    let doc = format!("# HW\n\n## Part a)\n\n{PART_A}\n{PART_B}\n## Part b)\n\nNothing.\n");
    let g = grade_parts(&doc);
    let statuses: Vec<&str> = g.goals.iter().map(Status::as_str).collect();
    assert_eq!(statuses, ["reached", "missing"], "{:?}", g.outcome);
    assert!(g.errors > 0, "{:?}", g.outcome);
}
