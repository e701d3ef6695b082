//! The TypeScript error-code union in `src/wasm/types.rs` (which lands in the package's
//! `.d.ts`) lists exactly the engine's codes, plus `INSTANCE_FAILED`, which the JS entry
//! (`js/dr_schedule.js`) throws after a trap.

// clippy.toml's allow-*-in-tests covers `#[test]` functions only; the helper here is test code
// too.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

use dr_schedule::engine::ErrorCode;

const TYPES: &str = include_str!("../src/wasm/types.rs");
const JS_ENTRY: &str = include_str!("../js/dr_schedule.js");

fn union_codes() -> Vec<String> {
    let start = TYPES
        .find("export type HospitalErrorCode =")
        .expect("the union is declared");
    let rest = &TYPES[start..];
    let end = rest.find(';').expect("the union ends");
    rest[..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_union_lists_every_engine_code_and_instance_failed() {
    let mut expected: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    expected.push("INSTANCE_FAILED".to_owned());
    assert_eq!(union_codes(), expected);
}

#[test]
fn the_js_entry_throws_the_code_the_union_names() {
    assert!(JS_ENTRY.contains("\"INSTANCE_FAILED\""));
    assert!(union_codes().iter().any(|c| c == "INSTANCE_FAILED"));
}
