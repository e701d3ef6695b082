//! An arbitrary sequence of API calls (add/update/remove doctor, book, cancel, list, free
//! slots, get, snapshot round trip) on a small universe of ids, locations and dates, read from
//! JSON the way the wasm binding reads JS values (`read_input`).
//!
//! After every call: the invariants hold (`check_invariants`: no overlap among a doctor's booked
//! appointments, all inside hours, byte-identical snapshot round trip, listings agree with the
//! store); a failed call and every read leave `to_snapshot()` and the revision unchanged; a
//! successful mutation adds exactly one to the revision. Each call's result is also checked
//! against an oracle (the error code a booking gets, the appointments an update orphans, the
//! window a listing covers, every free slot bookable and no bookable one missing). After a
//! snapshot round trip the restored hospital runs beside the original as a twin: every later
//! call must give both the same result and the same snapshot. A replica fed only the change
//! records (`changesSince`, through JSON, then `applyChanges`) must reach the same snapshot
//! after every call. The code is in `src/operations.rs`.

#![no_main]

use dr_schedule_fuzz::operations::{run, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: Input| {
    run(input);
});
