//! Regression tests for the crashes the fuzz targets (fuzz/, `scripts/fuzz.sh`) found in the
//! core. Each crashing input is also kept in `fuzz/corpus/<target>/`, where every fuzzing run
//! replays it; these tests reproduce the same bug natively with `cargo test`.
//!
//! The rule they share: whatever a call does, `to_snapshot()` afterwards must give text that
//! `from_snapshot` loads again, byte for byte ("never corrupt"), and a successful mutation adds
//! exactly one to the revision.

// clippy.toml's allow-*-in-tests covers `#[test]` functions only; the helpers here are test
// code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dr_schedule::engine::{read_input, Appointment, Error, Hospital, SlotQuery};
use serde_json::{json, Value};

/// 2^53 - 1: the largest revision or id counter a snapshot may hold.
const MAX_COUNTER: u64 = (1 << 53) - 1;

fn read<T: dr_schedule::engine::ReadJson>(value: Value) -> T {
    read_input(value, "input").unwrap()
}

/// The snapshot text loads again and writes back byte for byte.
fn assert_reloads(h: &Hospital) {
    let text = h.to_snapshot().unwrap();
    let restored = Hospital::from_snapshot(&text)
        .unwrap_or_else(|e| panic!("from_snapshot refused to_snapshot's own text: {e}\n{text}"));
    assert_eq!(restored.to_snapshot().unwrap(), text);
}

fn book(h: &mut Hospital, request: Value) -> Result<Appointment, Error> {
    h.book(read(request)).map(|a| a.to_appointment())
}

/// Runs a mutation and checks the revision rule: +1 on success, unchanged on failure.
fn counted<T>(h: &mut Hospital, call: impl FnOnce(&mut Hospital) -> Result<T, Error>) {
    let before = h.revision();
    match call(h) {
        Ok(_) => assert_eq!(
            h.revision(),
            before + 1,
            "success must add 1 to the revision"
        ),
        Err(_) => assert_eq!(h.revision(), before, "failure must leave the revision"),
    }
}

/// A hospital whose only doctor works around the clock, every day, at "A".
fn around_the_clock() -> Hospital {
    let mut h = Hospital::new(read(json!({}))).unwrap();
    h.add_doctor(read(json!({
        "id": "d1", "name": "Dr. Always", "locations": ["A"],
        "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                       "start": "00:00", "end": "24:00" }]
    })))
    .unwrap();
    h
}

/// A v1 snapshot of [`around_the_clock`] with one booking and the given counters.
fn snapshot_with_counters(revision: u64, next_doctor: u64, next_appointment: u64) -> String {
    json!({
        "format": "dr-schedule", "version": 1, "revision": revision,
        "options": { "slotMinutes": 15, "defaultDurationMinutes": 15, "timeZone": null },
        "doctors": [{
            "id": "d1", "name": "Dr. Max", "locations": ["A"],
            "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                           "start": "00:00", "end": "24:00" }]
        }],
        "appointments": [{
            "id": "a1", "doctorId": "d1", "location": "A", "start": "2019-02-04T10:00",
            "end": "2019-02-04T10:15", "durationMinutes": 15, "status": "booked"
        }],
        "nextIds": { "doctor": next_doctor, "appointment": next_appointment }
    })
    .to_string()
}

/// Crash 1 (`operations`, `from_snapshot`): an appointment may end exactly at
/// 10000-01-01T00:00, the end of the range, but its `end` is then written as
/// "10000-01-01T00:00", a five-digit year that `from_snapshot` refuses: the hospital's own
/// snapshot no longer loads. Fuzz inputs: fuzz/corpus/operations/crash-end-of-range,
/// fuzz/corpus/from_snapshot/end-of-range.json.
#[test]
fn a_booking_at_the_end_of_the_range_keeps_the_snapshot_loadable() {
    let mut h = around_the_clock();
    // Booked or refused, either is fine; a snapshot that does not load is not.
    counted(&mut h, |h| {
        book(
            h,
            json!({ "doctorId": "d1", "location": "A", "start": "9999-12-31T23:45" }),
        )
    });
    assert_reloads(&h);
}

/// Crash 1, second half: what `availableSlots` offers on the last day of the range must be
/// bookable, and booking it must keep the snapshot loadable.
#[test]
fn free_slots_on_the_last_day_are_bookable_and_stay_loadable() {
    let h = around_the_clock();
    let query = SlotQuery {
        from: "9999-12-31T23:00".into(),
        to: "9999-12-31".into(),
        duration_minutes: None,
        location: None,
        limit: None,
        now: None,
    };
    let slots = h.available_slots("d1", query).unwrap();
    assert!(!slots.is_empty());
    for slot in slots {
        let mut copy = h.clone();
        book(
            &mut copy,
            json!({ "doctorId": "d1", "location": "A", "start": slot.to_string() }),
        )
        .unwrap_or_else(|e| panic!("slot {slot} is offered but cannot be booked: {e}"));
        assert_reloads(&copy);
    }
}

/// Crash 2 (`from_snapshot`): a snapshot may hold revision 2^53 - 1; one more successful
/// mutation made it 2^53, which `to_snapshot` writes and `from_snapshot` refuses. Fuzz input:
/// fuzz/corpus/from_snapshot/max-counters.json.
#[test]
fn a_mutation_at_the_largest_revision_keeps_the_snapshot_loadable() {
    let text = snapshot_with_counters(MAX_COUNTER, 2, 2);
    let mut h = Hospital::from_snapshot(&text).unwrap();
    counted(&mut h, |h| {
        book(
            h,
            json!({ "doctorId": "d1", "location": "A", "start": "2019-02-04T11:00", "id": "x" }),
        )
    });
    assert!(h.revision() <= MAX_COUNTER);
    assert_reloads(&h);
    counted(&mut h, |h| {
        h.cancel("a1", read(json!({}))).map(|a| a.to_appointment())
    });
    assert_reloads(&h);
}

/// Crash 2, the id counters: with `nextIds` at 2^53 - 1, assigning an id pushed the counter to
/// 2^53, which `from_snapshot` refuses. Assigning must stay within the bound (or fail without
/// changing anything), and must not loop forever looking for a free id.
#[test]
fn assigning_ids_at_the_largest_counter_keeps_the_snapshot_loadable() {
    let text = snapshot_with_counters(1, MAX_COUNTER, MAX_COUNTER);
    let mut h = Hospital::from_snapshot(&text).unwrap();
    for start in ["2019-02-04T11:00", "2019-02-04T12:00"] {
        counted(&mut h, |h| {
            book(
                h,
                json!({ "doctorId": "d1", "location": "A", "start": start }),
            )
        });
        assert_reloads(&h);
    }
    for _ in 0..2 {
        counted(&mut h, |h| {
            h.add_doctor(read(json!({
                "name": "Dr. Next", "locations": ["B"],
                "schedule": [{ "days": ["mon"], "start": "09:00", "end": "10:00" }]
            })))
            .cloned()
        });
        assert_reloads(&h);
    }
}
