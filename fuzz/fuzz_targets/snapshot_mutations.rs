//! A valid snapshot (the golden v1 fixture, or one built through the API) with fuzzer-chosen
//! structured mutations applied to its JSON: a field set to another type or value or removed,
//! an appointment or doctor duplicated, dropped or moved, a start shifted, a duration or status
//! changed, ids swapped, a schedule rule rewritten. Loading must never panic; a refusal must be
//! `INVALID_SNAPSHOT` (with a path) or `UNSUPPORTED_VERSION`; what loads must satisfy every
//! invariant (no overlaps, inside hours by brute force, byte-identical round trip) and survive
//! a workout of operations.
//!
//! The code is in `src/mutations.rs`.

#![no_main]

use dr_schedule_fuzz::mutations::{run, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: Input| {
    run(input);
});
