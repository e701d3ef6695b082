//! Arbitrary bytes → `Hospital::from_snapshot`. It must never panic, and a refusal must be
//! `INVALID_SNAPSHOT` (with a path) or `UNSUPPORTED_VERSION`. When it loads, the
//! hospital must be consistent (`check_invariants`: the snapshot round-trips byte for byte, no
//! overlaps, everything inside hours…) and survive a short workout of operations.
//!
//! The code is in `src/lib.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| dr_schedule_fuzz::from_snapshot(data));
