//! How another crate checks its derivations in `cargo test`.

#[test]
fn the_sigmoid_derivation_is_verified() {
    derivcheck::testing::assert_verified(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../derivations/sigmoid.txt"
    ));
}

#[test]
fn a_false_step_fails_with_the_report() {
    let report = derivcheck::testing::check_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../derivations/mistakes/lost_sign.txt"
    ))
    .unwrap_err();
    assert!(report.contains("false"), "{report}");
}
