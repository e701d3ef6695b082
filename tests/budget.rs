//! The hospital's budget (issue 14): `maxSnapshotBytes` bounds the size the hospital tracks
//! (`snapshot_bytes()`), and every mutation that would grow it past the limit is refused with
//! `HOSPITAL_FULL` (`details`: `limitOf`, `current`, `requested`, `limit`) before anything changes;
//! changes that do not grow it always fit, so a full hospital can still shrink. The count limits
//! (doctors, the revision) are `HOSPITAL_FULL` too.

// clippy.toml's allow-*-in-tests covers `#[test]` functions only; the helpers here are test
// code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[macro_use]
mod common;

use common::*;
use dr_schedule::engine::{Error, ErrorCode, Hospital, MAX_COUNTER, MAX_DOCTORS};
use serde_json::{json, Value};

const LIMIT: u64 = 16_384;
const NOW: &str = "2019-02-01T08:00";

/// The n-th quarter hour from Monday 2019-02-04 00:00, for the filler doctor who works around
/// the clock.
fn quarter(n: usize) -> String {
    let day = 4 + n / 96;
    let minute = (n % 96) * 15;
    format!("2019-02-{day:02}T{:02}:{:02}", minute / 60, minute % 60)
}

/// A hospital with the lowest budget, Dr. Ada and Dr. Grace, a few appointments to change
/// later (`a1` booked with notes, `a2` a hold with a request id, `a3` a hold without), and a
/// filler doctor; then filled to exactly its limit with bookings whose notes take the last
/// bytes.
fn full() -> Hospital {
    let mut h = hospital_with(json!({ "maxSnapshotBytes": LIMIT }));
    add_doctor(&mut h, ada()).unwrap();
    add_doctor(&mut h, grace()).unwrap();
    add_doctor(
        &mut h,
        json!({ "id": "filler", "name": "Dr. Filler", "locations": ["Lab"],
                "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                               "start": "00:00", "end": "24:00" }] }),
    )
    .unwrap();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00"),
                "patient": "p-1", "notes": "n".repeat(500) }),
    );
    hold(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"),
                "now": NOW, "ttlMinutes": 600, "requestId": "r-hold" }),
    )
    .unwrap();
    hold(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "11:00"),
                "now": NOW, "ttlMinutes": 600 }),
    )
    .unwrap();
    let mut n = 0;
    loop {
        let room = LIMIT - h.snapshot_bytes();
        if room == 0 {
            break;
        }
        // What a booking with empty notes takes here, measured on a copy.
        let filler = |notes: usize| {
            json!({ "doctorId": "filler", "location": "Lab", "start": quarter(n),
                    "notes": "x".repeat(notes) })
        };
        let mut copy = h.clone();
        book_ok(&mut copy, filler(0));
        let least = copy.snapshot_bytes() - h.snapshot_bytes();
        let notes = if room >= 2 * least + 2000 {
            2000
        } else if room <= least + 2000 {
            room - least
        } else {
            // Leave exactly one more booking with empty notes.
            room - 2 * least
        };
        book_ok(&mut h, filler(notes as usize));
        n += 1;
    }
    assert_eq!(h.snapshot_bytes(), LIMIT);
    assert!(h.to_snapshot().unwrap().len() as u64 <= LIMIT);
    h
}

/// `$call` on `$h` must fail with `HOSPITAL_FULL` for the snapshot's bytes, leaving `$h`
/// unchanged (snapshot, revision, size); returns how many bytes it asked for.
macro_rules! refused {
    ($h:ident, $call:expr) => {{
        let size = $h.snapshot_bytes();
        let e: Error = fails_with!($h, ErrorCode::HospitalFull, $call);
        assert_eq!($h.snapshot_bytes(), size);
        assert_eq!(e.details.limit_of, Some("snapshotBytes"), "{e}");
        assert_eq!(e.details.current, Some(size), "{e}");
        assert_eq!(e.details.limit, Some(LIMIT), "{e}");
        let requested = e.details.requested.unwrap();
        assert!(requested > 0 && size + requested > LIMIT, "{e}");
        assert!(e.message.contains("maxSnapshotBytes"), "{e}");
        requested
    }};
}

/// `change` succeeds on a copy of `h` and does not grow it.
fn shrinks<T: std::fmt::Debug>(
    h: &Hospital,
    what: &str,
    change: impl FnOnce(&mut Hospital) -> Result<T, Error>,
) -> Hospital {
    let mut copy = h.clone();
    let revision = copy.revision();
    change(&mut copy).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(copy.revision(), revision + 1, "{what}");
    assert!(copy.snapshot_bytes() <= h.snapshot_bytes(), "{what}");
    copy
}

#[test]
fn every_kind_of_growth_is_refused_at_the_limit() {
    let mut h = full();
    let doctor = json!({ "name": "Dr. New", "locations": ["North"],
                         "schedule": [{ "days": ["mon"], "start": "09:00", "end": "10:00" }] });
    refused!(h, add_doctor(&mut h, doctor.clone()));
    refused!(
        h,
        update_doctor(
            &mut h,
            "grace",
            json!({ "name": "Dr. Grace Brewster Murray Hopper" }),
            json!({})
        )
    );
    refused!(
        h,
        update_doctor(
            &mut h,
            "grace",
            json!({ "overrides": [{ "date": WED, "hours": [] }] }),
            json!({})
        )
    );
    refused!(
        h,
        update_doctor(
            &mut h,
            "grace",
            json!({ "timeOff": [{ "start": at(WED, "09:00"), "end": at(WED, "10:00"), "reason": "conference" }] }),
            json!({})
        )
    );
    refused!(
        h,
        update_doctor(
            &mut h,
            "grace",
            json!({ "locations": ["North", "South"] }),
            json!({})
        )
    );
    let booking = json!({ "doctorId": "grace", "location": "North", "start": at(WED, "09:00") });
    refused!(h, book(&mut h, booking.clone()));
    let mut held = booking.clone();
    held["now"] = json!(NOW);
    held["ttlMinutes"] = json!(30);
    refused!(h, hold(&mut h, held));
    // Moving leaves a trace; new notes or metadata, a longer patient are bigger.
    refused!(
        h,
        reschedule(&mut h, "a1", json!({ "start": at(MON, "12:00") }))
    );
    refused!(
        h,
        reschedule(
            &mut h,
            "a1",
            json!({ "start": at(MON, "09:00"), "notes": "n".repeat(501) })
        )
    );
    refused!(
        h,
        update_appointment(&mut h, "a1", json!({ "notes": "n".repeat(501) }))
    );
    refused!(
        h,
        update_appointment(&mut h, "a1", json!({ "metadata": { "visit": "x" } }))
    );
    refused!(
        h,
        update_appointment(&mut h, "a1", json!({ "patient": "p-10" }))
    );
    refused!(h, update_appointment(&mut h, "a3", json!({ "notes": "" })));
    // Confirming a hold made with a request id keeps what the request asked for.
    refused!(h, confirm(&mut h, "a2", "2019-02-01T08:30"));
    // Cancelling with a reason writes the reason. (Without one it does not grow the count: every
    // status counts as the longest, "cancelled"; see below.)
    refused!(h, cancel(&mut h, "a1", json!({ "reason": "no-show" })));
    // An update whose cancellations grow the hospital.
    refused!(
        h,
        update_doctor(
            &mut h,
            "ada",
            json!({ "schedule": [] }),
            json!({ "cancelAppointments": true })
        )
    );
    // What does not grow it is no mutation of the budget: rule 0 still answers, reads work.
    let again = hold(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"),
                "now": NOW, "ttlMinutes": 600, "requestId": "r-hold" }),
    )
    .unwrap();
    assert_eq!(again.id, "a2");
    assert!(!appointments(&h, "filler", json!({})).unwrap().is_empty());
}

#[test]
fn a_full_hospital_can_still_shrink_and_then_grow_again() {
    let h = full();
    // Changes that take bytes away, or none.
    shrinks(&h, "clear notes", |h| {
        update_appointment(h, "a1", json!({ "notes": null }))
    });
    shrinks(&h, "cancel a hold", |h| cancel(h, "a3", json!({})));
    shrinks(&h, "cancel a booking without a reason", |h| {
        cancel(h, "a1", json!({}))
    });
    shrinks(&h, "remove a doctor", |h| {
        remove_doctor(h, "filler", json!({ "cancelAppointments": true }))
    });
    shrinks(&h, "a shorter name", |h| {
        update_doctor(h, "grace", json!({ "name": "Dr. G" }), json!({}))
    });
    shrinks(&h, "the same profile", |h| {
        update_doctor(h, "grace", json!({}), json!({}))
    });
    // After shrinking, what fits is accepted again, up to the limit.
    let mut h = shrinks(&h, "clear notes", |h| {
        update_appointment(h, "a1", json!({ "notes": null }))
    });
    let room = LIMIT - h.snapshot_bytes();
    assert!(room >= 500);
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(WED, "09:00") }),
    );
    cancel(&mut h, "a1", json!({ "reason": "no-show" })).unwrap();
    // A snapshot of a full hospital loads, within its own limit.
    let text = h.to_snapshot().unwrap();
    let restored = Hospital::from_snapshot(&text).unwrap();
    assert_eq!(restored.snapshot_bytes(), h.snapshot_bytes());
    assert_eq!(restored.options().max_snapshot_bytes, LIMIT);
}

#[test]
fn change_records_of_a_refused_change_are_not_kept_and_replay_the_same() {
    let h = full();
    let mut replica = hospital_with(json!({ "maxSnapshotBytes": LIMIT }));
    let changes = h.changes_since(0).unwrap();
    replica.apply_changes(changes.clone()).unwrap();
    assert_eq!(replica.to_snapshot().unwrap(), h.to_snapshot().unwrap());
    // A replica with a lower budget cannot replay them: the batch fails at the record that
    // does not fit, and leaves it as it was.
    let mut smaller = hospital_with(json!({ "maxSnapshotBytes": LIMIT }));
    let mut records: Vec<Value> = changes
        .iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    // The doctors, then one note too many: the first booking's notes are made longer than
    // what is left.
    let book = records.iter().position(|r| r["op"] == "book").unwrap();
    records[book]["appointment"]["notes"] = json!("n".repeat(2000));
    let records: Vec<dr_schedule::engine::Change> =
        dr_schedule::engine::read_input(Value::Array(records), "changes").unwrap();
    let before = smaller.to_snapshot().unwrap();
    let e = smaller.apply_changes(records).unwrap_err();
    assert_eq!(e.code, ErrorCode::HospitalFull, "{e}");
    assert_eq!(smaller.to_snapshot().unwrap(), before);
    assert_eq!(smaller.revision(), 0);
}

#[test]
fn the_budget_option_is_checked_and_kept() {
    for bad in [0, 16_383, (256 << 20) + 1] {
        let e = Hospital::new(
            dr_schedule::engine::read_input(json!({ "maxSnapshotBytes": bad }), "options").unwrap(),
        )
        .err()
        .unwrap();
        assert_eq!(
            (e.code, field(&e)),
            (ErrorCode::InvalidInput, "maxSnapshotBytes")
        );
    }
    let e = dr_schedule::engine::read_input::<dr_schedule::engine::HospitalOptionsInput, _>(
        json!({ "maxSnapshotBytes": -1 }),
        "options",
    )
    .err()
    .unwrap();
    assert_eq!(field(&e), "maxSnapshotBytes");
    let h = hospital();
    assert_eq!(h.options().max_snapshot_bytes, 128 << 20);
    let h = hospital_with(json!({ "maxSnapshotBytes": 256 << 20 }));
    let text = h.to_snapshot().unwrap();
    assert!(text.contains("\"maxSnapshotBytes\":268435456"));
    assert_eq!(
        Hospital::from_snapshot(&text)
            .unwrap()
            .options()
            .max_snapshot_bytes,
        256 << 20
    );
}

#[test]
fn the_count_limits_are_hospital_full_too() {
    // The most doctors.
    let mut h = hospital();
    for _ in 0..MAX_DOCTORS {
        h.add_doctor(
            dr_schedule::engine::read_input(
                json!({ "name": "Dr. N", "locations": ["A"],
                        "schedule": [{ "days": ["mon"], "start": "09:00", "end": "10:00" }] }),
                "doctor",
            )
            .unwrap(),
        )
        .unwrap();
    }
    let e = fails_with!(h, ErrorCode::HospitalFull, add_doctor(&mut h, grace()));
    assert_eq!(e.details.limit_of, Some("doctors"));
    assert_eq!(e.details.current, Some(MAX_DOCTORS as u64));
    assert_eq!(e.details.limit, Some(MAX_DOCTORS as u64));
    assert_eq!(e.details.field, None);
    // Removing one makes room again.
    remove_doctor(&mut h, "d1", json!({})).unwrap();
    add_doctor(&mut h, grace()).unwrap();

    // The last revision: a snapshot at it loads, and every mutation is refused.
    let mut h = clinic();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00") }),
    );
    let text = h.to_snapshot().unwrap().replacen(
        &format!("\"revision\":{},", h.revision()),
        &format!("\"revision\":{MAX_COUNTER},"),
        1,
    );
    let mut h = Hospital::from_snapshot(&text).unwrap();
    let e = fails_with!(h, ErrorCode::HospitalFull, cancel(&mut h, "a1", json!({})));
    assert_eq!(e.details.limit_of, Some("revision"));
    assert_eq!(e.details.limit, Some(MAX_COUNTER));
    fails_with!(
        h,
        ErrorCode::HospitalFull,
        add_doctor(
            &mut h,
            json!({
                "name": "Dr. X", "locations": ["A"], "schedule": []
            })
        )
    );
    fails_with!(
        h,
        ErrorCode::HospitalFull,
        remove_doctor(&mut h, "grace", json!({}))
    );
}
