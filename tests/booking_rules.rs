//! The booking rules (the README's "Booking rules") and their boundaries, the error codes (its
//! "Errors"), cancelling, listing appointments and searching free slots. Every failing call is also
//! checked to leave the hospital byte-for-byte unchanged.

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
use dr_schedule::engine::{AppointmentStatus, ErrorCode};
use serde_json::json;

// ----- rule 3: hours -----

#[test]
fn an_appointment_may_end_exactly_at_closing_time() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "16:45") }),
    );
    assert_eq!(a.end.to_string(), at(MON, "17:00"));
    let b = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(TUE, "16:30"), "durationMinutes": 30 }),
    );
    assert_eq!(b.end.to_string(), at(TUE, "17:00"));
    // And may start exactly at opening time.
    let c = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00") }),
    );
    assert_eq!(c.start.to_string(), at(MON, "09:00"));
}

#[test]
fn an_appointment_may_not_start_at_closing_time_or_run_past_it() {
    let mut h = clinic();
    let e = fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "17:00") })
        )
    );
    assert_eq!(e.details.doctor_id.as_deref(), Some("ada"));
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "16:45"), "durationMinutes": 30 })
        )
    );
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "08:45") })
        )
    );
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "08:45"), "durationMinutes": 30 })
        )
    );
    // Ada does not work weekends.
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(SAT, "10:00") })
        )
    );
}

#[test]
fn touching_rules_merge_into_one_block() {
    let mut h = hospital();
    add_doctor(
        &mut h,
        json!({
            "id": "split", "name": "Dr. Split", "locations": ["North"],
            "schedule": [
                { "days": ["mon"], "start": "12:00", "end": "17:00" },
                { "days": ["mon"], "start": "09:00", "end": "12:00" }
            ]
        }),
    )
    .unwrap();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "split", "location": "North", "start": at(MON, "11:45"), "durationMinutes": 30 }),
    );
    assert_eq!(a.end.to_string(), at(MON, "12:15"));
    // The merged block runs 09:00-17:00: a whole-day appointment fits.
    book_ok(
        &mut h,
        json!({ "doctorId": "split", "location": "North", "start": at("2019-02-11", "09:00"), "durationMinutes": 480 }),
    );
}

#[test]
fn overlapping_rules_merge_into_one_block() {
    let mut h = hospital();
    add_doctor(
        &mut h,
        json!({
            "id": "overlap", "name": "Dr. Overlap", "locations": ["North"],
            "schedule": [
                { "days": ["tue"], "start": "09:00", "end": "13:00" },
                { "days": ["mon", "tue"], "start": "12:00", "end": "17:00" }
            ]
        }),
    )
    .unwrap();
    book_ok(
        &mut h,
        json!({ "doctorId": "overlap", "location": "North", "start": at(TUE, "12:45"), "durationMinutes": 60 }),
    );
    book_ok(
        &mut h,
        json!({ "doctorId": "overlap", "location": "North", "start": at(TUE, "09:00"), "durationMinutes": 180 }),
    );
    // Monday only has the 12:00-17:00 rule.
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "overlap", "location": "North", "start": at(MON, "11:45") })
        )
    );
}

#[test]
fn a_gap_between_rules_refuses() {
    let mut h = hospital();
    add_doctor(
        &mut h,
        json!({
            "id": "gap", "name": "Dr. Gap", "locations": ["North"],
            "schedule": [
                { "days": ["mon"], "start": "09:00", "end": "12:00" },
                { "days": ["mon"], "start": "13:00", "end": "17:00" }
            ]
        }),
    )
    .unwrap();
    for (start, duration) in [("11:45", 30), ("12:00", 15), ("12:45", 30), ("11:00", 180)] {
        fails_with!(
            h,
            ErrorCode::OutsideHours,
            book(
                &mut h,
                json!({ "doctorId": "gap", "location": "North", "start": at(MON, start), "durationMinutes": duration })
            )
        );
    }
    book_ok(
        &mut h,
        json!({ "doctorId": "gap", "location": "North", "start": at(MON, "11:45") }),
    );
    book_ok(
        &mut h,
        json!({ "doctorId": "gap", "location": "North", "start": at(MON, "13:00") }),
    );
}

#[test]
fn a_24_00_end_allows_the_last_slot_but_nothing_crossing_midnight() {
    let mut h = hospital();
    add_doctor(
        &mut h,
        json!({
            "id": "night", "name": "Dr. Night", "locations": ["ER"],
            "schedule": [{ "days": ["fri", "sat"], "start": "20:00", "end": "24:00" },
                         { "days": ["sat"], "start": "00:00", "end": "06:00" }]
        }),
    )
    .unwrap();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "night", "location": "ER", "start": at(FRI, "23:45") }),
    );
    assert_eq!(a.end.to_string(), at(SAT, "00:00"));
    // Saturday is open from 00:00, but an appointment never crosses midnight.
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "night", "location": "ER", "start": at(FRI, "23:30"), "durationMinutes": 45 })
        )
    );
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "night", "location": "ER", "start": at(SAT, "23:45"), "durationMinutes": 30 })
        )
    );
    // Saturday 00:00 is free: the Friday appointment ended there.
    book_ok(
        &mut h,
        json!({ "doctorId": "night", "location": "ER", "start": at(SAT, "00:00") }),
    );
    book_ok(
        &mut h,
        json!({ "doctorId": "night", "location": "ER", "start": at(FRI, "23:00"), "durationMinutes": 45 }),
    );
}

// ----- input: dates and times -----

#[test]
fn a_leap_day_books_and_a_missing_leap_day_is_invalid_input() {
    let mut h = clinic();
    // 2024-02-29 is a Thursday.
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": "2024-02-29T10:00" }),
    );
    assert_eq!(a.start.to_string(), "2024-02-29T10:00");
    assert_eq!(a.end.to_string(), "2024-02-29T10:15");
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": "2023-02-29T10:00" })
        )
    );
    assert_eq!(field(&e), "start");
}

#[test]
fn unparseable_starts_are_invalid_input_naming_start() {
    let mut h = clinic();
    for start in [
        "2019-02-30T10:00",
        "2019-02-04T25:00",
        "2019-02-04T24:00",
        "2019-02-04T10:60",
        "2019-13-04T10:00",
        "2019-02-04 10:00",
        "2019-02-04T10:00:00",
        "2019-02-04T10:00Z",
        "2019-02-04",
        "",
    ] {
        let e = fails_with!(
            h,
            ErrorCode::InvalidInput,
            book(
                &mut h,
                json!({ "doctorId": "ada", "location": "North", "start": start })
            )
        );
        assert_eq!(field(&e), "start", "{start:?}");
    }
}

#[test]
fn malformed_requests_are_invalid_input_naming_the_field() {
    let mut h = clinic();
    let base = json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00") });
    let mut cases = Vec::new();
    for key in ["doctorId", "location", "start"] {
        let mut request = base.clone();
        request.as_object_mut().unwrap().remove(key);
        cases.push((request, key));
    }
    for (key, value) in [
        ("start", json!(1_549_274_400)),
        ("durationMinutes", json!("15")),
        ("durationMinutes", json!(15.5)),
        ("patient", json!("")),
        ("patient", json!("x".repeat(201))),
        ("requestId", json!("  ")),
        ("id", json!("")),
        ("colour", json!("unknown field")),
        ("notes", json!(42)),
        ("notes", json!("x".repeat(2001))),
        ("metadata", json!(["not", "an", "object"])),
        (
            "metadata",
            json!({ "deep": { "er": { "than": { "four": { "levels": 1 } } } } }),
        ),
    ] {
        let mut request = base.clone();
        request[key] = value;
        cases.push((request, key));
    }
    for (request, bad) in cases {
        let e = fails_with!(h, ErrorCode::InvalidInput, book(&mut h, request.clone()));
        // A problem deep inside metadata is named at its own path, under `metadata`.
        let at = field(&e);
        assert!(
            at == bad || at.starts_with(&format!("{bad}.")),
            "{request}: {at}"
        );
    }
}

// ----- rule 2: the grid -----

#[test]
fn an_off_grid_start_is_off_grid() {
    let mut h = clinic();
    let e = fails_with!(
        h,
        ErrorCode::OffGrid,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:05") })
        )
    );
    assert_eq!(field(&e), "start");
    assert_eq!(e.details.slot_minutes, Some(15));
}

#[test]
fn an_off_grid_duration_is_off_grid() {
    let mut h = clinic();
    for duration in [0, 20, 1, 14, 16] {
        let e = fails_with!(
            h,
            ErrorCode::OffGrid,
            book(
                &mut h,
                json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "durationMinutes": duration })
            )
        );
        assert_eq!(field(&e), "durationMinutes", "duration {duration}");
        assert_eq!(e.details.slot_minutes, Some(15));
    }
    // A negative duration is not even a duration.
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "durationMinutes": -15 })
        )
    );
    assert_eq!(field(&e), "durationMinutes");
}

#[test]
fn the_grid_follows_the_hospitals_slot_length() {
    let mut h = hospital_with(json!({ "slotMinutes": 10 }));
    add_doctor(&mut h, ada()).unwrap();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:10"), "durationMinutes": 10 }),
    );
    assert_eq!(a.end.to_string(), at(MON, "10:20"));
    let e = fails_with!(
        h,
        ErrorCode::OffGrid,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:15") })
        )
    );
    assert_eq!(field(&e), "start");
    assert_eq!(e.details.slot_minutes, Some(10));
    let e = fails_with!(
        h,
        ErrorCode::OffGrid,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "11:00"), "durationMinutes": 15 })
        )
    );
    assert_eq!(field(&e), "durationMinutes");
}

// ----- rule 1: doctor and location -----

#[test]
fn an_unknown_doctor_is_doctor_not_found() {
    let mut h = clinic();
    let e = fails_with!(
        h,
        ErrorCode::DoctorNotFound,
        book(
            &mut h,
            json!({ "doctorId": "nobody", "location": "North", "start": at(MON, "10:00") })
        )
    );
    assert_eq!(e.details.doctor_id.as_deref(), Some("nobody"));
}

#[test]
fn a_location_the_doctor_does_not_serve_is_refused() {
    let mut h = clinic();
    for location in ["East", "north", "North ", " North", "NORTH"] {
        let e = fails_with!(
            h,
            ErrorCode::LocationNotServed,
            book(
                &mut h,
                json!({ "doctorId": "ada", "location": location, "start": at(MON, "10:00") })
            )
        );
        assert_eq!(e.details.location.as_deref(), Some(location));
        assert_eq!(e.details.doctor_id.as_deref(), Some("ada"));
    }
    // Grace works at North only.
    fails_with!(
        h,
        ErrorCode::LocationNotServed,
        book(
            &mut h,
            json!({ "doctorId": "grace", "location": "South", "start": at(MON, "10:00") })
        )
    );
}

// ----- rule 4: overlaps -----

#[test]
fn back_to_back_appointments_do_not_overlap() {
    let mut h = clinic();
    let first = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00") }),
    );
    let second = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:15") }),
    );
    let before = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:45") }),
    );
    assert_eq!(first.end, second.start);
    assert_eq!(before.end, first.start);
    assert_eq!(
        appointment_ids(&h, "ada", json!({})),
        [before.id, first.id, second.id]
    );
}

#[test]
fn overlap_across_two_locations_of_the_same_doctor_is_slot_taken() {
    let mut h = clinic();
    let first = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "durationMinutes": 30 }),
    );
    for (location, start, duration) in [
        ("South", "10:15", 15),
        ("South", "10:00", 30),
        ("South", "09:45", 30),
        ("North", "09:30", 120),
        ("North", "10:15", 60),
    ] {
        let e = fails_with!(
            h,
            ErrorCode::SlotTaken,
            book(
                &mut h,
                json!({ "doctorId": "ada", "location": location, "start": at(MON, start), "durationMinutes": duration })
            )
        );
        assert_eq!(
            e.details.conflicting_appointment_id.as_deref(),
            Some(first.id.as_str()),
            "{location} {start} {duration}"
        );
    }
    // Another doctor is not in the way.
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:00"), "durationMinutes": 30 }),
    );
}

#[test]
fn slot_taken_names_the_appointment_in_the_way() {
    let mut h = clinic();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "id": "early" }),
    );
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "11:00"), "id": "late" }),
    );
    let e = fails_with!(
        h,
        ErrorCode::SlotTaken,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:30"), "durationMinutes": 60 })
        )
    );
    assert_eq!(
        e.details.conflicting_appointment_id.as_deref(),
        Some("late")
    );
}

// ----- rule order -----

#[test]
fn a_request_breaking_several_rules_reports_the_first() {
    let mut h = clinic();
    let taken = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "16:30"), "durationMinutes": 30,
                "id": "taken", "requestId": "r-taken" }),
    );
    let cases = [
        // rule 0 (requestId) before rule 1 (doctor)
        (
            json!({ "doctorId": "nobody", "location": "North", "start": at(MON, "10:05"), "requestId": "r-taken" }),
            ErrorCode::RequestIdReused,
        ),
        // rule 0 (explicit id) before rule 1 (doctor)
        (
            json!({ "doctorId": "nobody", "location": "North", "start": at(MON, "10:05"), "id": "taken" }),
            ErrorCode::DuplicateId,
        ),
        // unknown doctor + off grid
        (
            json!({ "doctorId": "nobody", "location": "North", "start": at(MON, "10:05") }),
            ErrorCode::DoctorNotFound,
        ),
        // wrong location + off grid
        (
            json!({ "doctorId": "ada", "location": "East", "start": at(MON, "10:05") }),
            ErrorCode::LocationNotServed,
        ),
        // wrong location + outside hours + overlapping
        (
            json!({ "doctorId": "ada", "location": "East", "start": at(MON, "16:45"), "durationMinutes": 30 }),
            ErrorCode::LocationNotServed,
        ),
        // off grid start + outside hours
        (
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "18:05") }),
            ErrorCode::OffGrid,
        ),
        // off grid duration + outside hours
        (
            json!({ "doctorId": "ada", "location": "North", "start": at(SAT, "10:00"), "durationMinutes": 20 }),
            ErrorCode::OffGrid,
        ),
        // off grid + overlapping
        (
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "16:35") }),
            ErrorCode::OffGrid,
        ),
        // outside hours + overlapping
        (
            json!({ "doctorId": "ada", "location": "South", "start": at(MON, "16:45"), "durationMinutes": 30 }),
            ErrorCode::OutsideHours,
        ),
    ];
    for (request, expected) in cases {
        let e = fails!(h, book(&mut h, request.clone()));
        assert_eq!(e.code, expected, "{request}: {e}");
    }
    // Invalid input is reported before any rule.
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        book(
            &mut h,
            json!({ "doctorId": "nobody", "location": "North", "start": at(MON, "10:05"),
                    "requestId": "r-taken", "patient": "" })
        )
    );
    assert_eq!(field(&e), "patient");
    assert_eq!(
        h.get_appointment(&taken.id).unwrap().to_appointment(),
        taken
    );
}

// ----- rule 0: requestId and explicit ids -----

#[test]
fn a_request_id_replay_returns_the_same_appointment() {
    let mut h = clinic();
    let request = json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"),
                          "patient": "p-1", "requestId": "req-1" });
    let first = book_ok(&mut h, request.clone());
    let revision = h.revision();
    let snapshot = h.to_snapshot().unwrap();
    let again = book_ok(&mut h, request);
    assert_eq!(again, first);
    assert_eq!(h.revision(), revision);
    assert_eq!(h.to_snapshot().unwrap(), snapshot);
    // The same request spelling out the default duration is the same request.
    let explicit = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"),
                "patient": "p-1", "requestId": "req-1", "durationMinutes": 15 }),
    );
    assert_eq!(explicit, first);
    assert_eq!(h.revision(), revision);
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "all" })),
        [first.id]
    );
}

#[test]
fn a_request_id_replay_after_cancelling_returns_the_cancelled_appointment() {
    let mut h = clinic();
    let request = json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"),
                          "requestId": "req-1" });
    let first = book_ok(&mut h, request.clone());
    let cancelled = cancel(&mut h, &first.id, json!({ "reason": "patient called" })).unwrap();
    let revision = h.revision();
    let snapshot = h.to_snapshot().unwrap();
    let again = book_ok(&mut h, request);
    assert_eq!(again.id, first.id);
    assert_eq!(again.status, AppointmentStatus::Cancelled);
    assert_eq!(again.cancel_reason.as_deref(), Some("patient called"));
    assert_eq!(again, cancelled);
    assert_eq!(h.revision(), revision);
    assert_eq!(h.to_snapshot().unwrap(), snapshot);
    assert!(appointment_ids(&h, "ada", json!({})).is_empty());
}

#[test]
fn the_same_request_id_with_a_different_request_is_request_id_reused() {
    let mut h = clinic();
    let base = json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"),
                       "durationMinutes": 15, "patient": "p-1", "requestId": "req-1" });
    let first = book_ok(&mut h, base.clone());
    let variations = [
        ("start", json!(at(MON, "11:00"))),
        ("patient", json!("p-2")),
        ("durationMinutes", json!(30)),
        ("location", json!("South")),
        ("doctorId", json!("grace")),
    ];
    for (key, value) in variations {
        let mut request = base.clone();
        request[key] = value;
        let e = fails_with!(h, ErrorCode::RequestIdReused, book(&mut h, request));
        assert_eq!(e.details.request_id.as_deref(), Some("req-1"), "{key}");
        assert_eq!(e.details.appointment_id.as_deref(), Some(first.id.as_str()));
    }
    // Leaving the patient out is a different request too.
    let mut request = base.clone();
    request.as_object_mut().unwrap().remove("patient");
    fails_with!(h, ErrorCode::RequestIdReused, book(&mut h, request));
    // A different duration by default: the first one named 15, the default is 15, so the
    // same; with 30 by default it would differ (checked in its own hospital below).
    let mut request = base.clone();
    request.as_object_mut().unwrap().remove("durationMinutes");
    assert_eq!(book_ok(&mut h, request), first);

    let mut h = hospital_with(json!({ "defaultDurationMinutes": 30 }));
    add_doctor(&mut h, ada()).unwrap();
    book_ok(&mut h, base.clone());
    let mut request = base;
    request.as_object_mut().unwrap().remove("durationMinutes");
    fails_with!(h, ErrorCode::RequestIdReused, book(&mut h, request));
}

#[test]
fn an_explicit_id_in_use_is_duplicate_id() {
    let mut h = clinic();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "id": "visit-1" }),
    );
    let e = fails_with!(
        h,
        ErrorCode::DuplicateId,
        book(
            &mut h,
            json!({ "doctorId": "grace", "location": "North", "start": at(WED, "10:00"), "id": "visit-1" })
        )
    );
    assert_eq!(e.details.id.as_deref(), Some("visit-1"));
    // A cancelled appointment keeps its id.
    cancel(&mut h, "visit-1", json!({})).unwrap();
    fails_with!(
        h,
        ErrorCode::DuplicateId,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "id": "visit-1" })
        )
    );
    // A bad explicit id is invalid input.
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "id": "a b" })
        )
    );
    assert_eq!(field(&e), "id");
}

#[test]
fn the_request_id_is_checked_before_the_explicit_id() {
    let mut h = clinic();
    let request = json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"),
                          "id": "visit-1", "requestId": "req-1" });
    let first = book_ok(&mut h, request.clone());
    // A replay naming the same id is a replay, not a duplicate.
    let revision = h.revision();
    assert_eq!(book_ok(&mut h, request.clone()), first);
    assert_eq!(h.revision(), revision);
    // A different request with the same requestId and id is REQUEST_ID_REUSED.
    let mut different = request;
    different["start"] = json!(at(MON, "11:00"));
    fails_with!(h, ErrorCode::RequestIdReused, book(&mut h, different));
    // A new requestId with the id in use is DUPLICATE_ID.
    fails_with!(
        h,
        ErrorCode::DuplicateId,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "11:00"),
                    "id": "visit-1", "requestId": "req-2" })
        )
    );
}

// ----- durations -----

#[test]
fn the_default_duration_is_used_when_none_is_given() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00") }),
    );
    assert_eq!(a.duration_minutes, 15);
    assert_eq!(a.end.to_string(), at(MON, "10:15"));

    let mut h = hospital_with(json!({ "slotMinutes": 10, "defaultDurationMinutes": 30 }));
    add_doctor(&mut h, ada()).unwrap();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:10") }),
    );
    assert_eq!(a.duration_minutes, 30);
    assert_eq!(a.end.to_string(), at(MON, "10:40"));
    // The default must still fit the hours.
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "16:40") })
        )
    );
}

#[test]
fn a_booking_returns_every_field() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:00"),
                "durationMinutes": 45, "patient": "patient-7", "requestId": "req-7" }),
    );
    assert_eq!(a.doctor_id, "ada");
    assert_eq!(a.location, "South");
    assert_eq!(a.start.to_string(), at(MON, "10:00"));
    assert_eq!(a.end.to_string(), at(MON, "10:45"));
    assert_eq!(a.duration_minutes, 45);
    assert_eq!(a.patient.as_deref(), Some("patient-7"));
    assert_eq!(a.request_id.as_deref(), Some("req-7"));
    assert_eq!(a.status, AppointmentStatus::Booked);
    assert_eq!(a.cancel_reason, None);
    assert_eq!(h.get_appointment(&a.id).unwrap().to_appointment(), a);
}

// ----- cancelling -----

#[test]
fn cancelling_frees_the_time_and_keeps_the_history() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "durationMinutes": 30 }),
    );
    let cancelled = cancel(&mut h, &a.id, json!({})).unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason, None);
    assert_eq!(
        cancelled,
        dr_schedule::engine::Appointment {
            status: AppointmentStatus::Cancelled,
            ..a.clone()
        }
    );
    assert_eq!(
        h.get_appointment(&a.id).unwrap().to_appointment(),
        cancelled
    );
    // The time is free again, at either location.
    let b = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:15") }),
    );
    assert_eq!(appointment_ids(&h, "ada", json!({})), [b.id.as_str()]);
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "cancelled" })),
        [a.id.as_str()]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "all" })),
        [a.id, b.id]
    );
}

#[test]
fn cancelling_with_a_reason_stores_it() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00") }),
    );
    let cancelled = cancel(&mut h, &a.id, json!({ "reason": "patient is ill" })).unwrap();
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("patient is ill"));
    assert_eq!(
        h.get_appointment(&a.id)
            .unwrap()
            .to_appointment()
            .cancel_reason
            .as_deref(),
        Some("patient is ill")
    );
    // A blank reason is invalid input and changes nothing.
    let b = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "11:00") }),
    );
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        cancel(&mut h, &b.id, json!({ "reason": "  " }))
    );
    assert_eq!(field(&e), "reason");
    assert_eq!(
        h.get_appointment(&b.id).unwrap().to_appointment().status,
        AppointmentStatus::Booked
    );
}

#[test]
fn cancelling_twice_is_already_cancelled() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00") }),
    );
    cancel(&mut h, &a.id, json!({ "reason": "first" })).unwrap();
    let e = fails_with!(
        h,
        ErrorCode::AlreadyCancelled,
        cancel(&mut h, &a.id, json!({ "reason": "second" }))
    );
    assert_eq!(e.details.appointment_id.as_deref(), Some(a.id.as_str()));
    assert_eq!(
        h.get_appointment(&a.id)
            .unwrap()
            .to_appointment()
            .cancel_reason
            .as_deref(),
        Some("first")
    );
}

#[test]
fn unknown_appointments_are_appointment_not_found() {
    let mut h = clinic();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00") }),
    );
    let e = fails_with!(
        h,
        ErrorCode::AppointmentNotFound,
        cancel(&mut h, "nope", json!({}))
    );
    assert_eq!(e.details.appointment_id.as_deref(), Some("nope"));
    let e = fails_with!(h, ErrorCode::AppointmentNotFound, h.get_appointment("nope"));
    assert_eq!(e.details.appointment_id.as_deref(), Some("nope"));
}

// ----- listing appointments -----

/// Ada with appointments over three days, booked out of order, with ids that do not sort
/// like their starts.
fn busy_week() -> dr_schedule::engine::Hospital {
    let mut h = clinic();
    for (id, date, time) in [
        ("w-late", WED, "16:00"),
        ("m-noon", MON, "12:00"),
        ("t-open", TUE, "09:00"),
        ("m-open", MON, "09:00"),
        ("t-last", TUE, "16:45"),
        ("w-open", WED, "09:00"),
    ] {
        book_ok(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(date, time), "id": id }),
        );
    }
    h
}

#[test]
fn appointments_default_to_every_booked_one_by_start() {
    let h = busy_week();
    assert_eq!(
        appointment_ids(&h, "ada", json!({})),
        ["m-open", "m-noon", "t-open", "t-last", "w-open", "w-late"]
    );
    assert!(appointment_ids(&h, "grace", json!({})).is_empty());
}

#[test]
fn appointments_windows_accept_bare_dates_and_date_times() {
    let h = busy_week();
    // A bare `to` includes that whole day.
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "from": TUE, "to": TUE })),
        ["t-open", "t-last"]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "from": MON, "to": TUE })),
        ["m-open", "m-noon", "t-open", "t-last"]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "to": MON })),
        ["m-open", "m-noon"]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "from": WED })),
        ["w-open", "w-late"]
    );
    // Date-times: `from` inclusive, `to` exclusive, by start.
    assert_eq!(
        appointment_ids(
            &h,
            "ada",
            json!({ "from": at(MON, "12:00"), "to": at(TUE, "16:45") })
        ),
        ["m-noon", "t-open"]
    );
    assert_eq!(
        appointment_ids(
            &h,
            "ada",
            json!({ "from": at(MON, "12:01"), "to": at(TUE, "16:46") })
        ),
        ["t-open", "t-last"]
    );
    // A window of one instant is empty; an appointment that started before `from` is out.
    assert!(appointment_ids(
        &h,
        "ada",
        json!({ "from": at(MON, "09:00"), "to": at(MON, "09:00") })
    )
    .is_empty());
    assert!(appointment_ids(
        &h,
        "ada",
        json!({ "from": at(MON, "09:05"), "to": at(MON, "12:00") })
    )
    .is_empty());
    // Mixed shapes.
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "from": at(TUE, "10:00"), "to": WED })),
        ["t-last", "w-open", "w-late"]
    );
}

#[test]
fn appointments_filter_by_status() {
    let mut h = busy_week();
    cancel(&mut h, "t-open", json!({})).unwrap();
    cancel(&mut h, "m-open", json!({})).unwrap();
    assert_eq!(
        appointment_ids(&h, "ada", json!({})),
        ["m-noon", "t-last", "w-open", "w-late"]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "booked" })),
        ["m-noon", "t-last", "w-open", "w-late"]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "cancelled" })),
        ["m-open", "t-open"]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "all" })),
        ["m-open", "m-noon", "t-open", "t-last", "w-open", "w-late"]
    );
    assert_eq!(
        appointment_ids(
            &h,
            "ada",
            json!({ "status": "all", "from": TUE, "to": TUE })
        ),
        ["t-open", "t-last"]
    );
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        appointments(&h, "ada", json!({ "status": "pending" }))
    );
    assert_eq!(field(&e), "status");
}

#[test]
fn appointments_at_the_same_start_keep_booking_order() {
    let mut h = clinic();
    // Ids chosen so that neither id order nor reverse id order is booking order.
    for id in ["m", "z", "a"] {
        book_ok(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "id": id }),
        );
        cancel(&mut h, id, json!({})).unwrap();
    }
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:00"), "id": "b" }),
    );
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "09:45"), "id": "y" }),
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "cancelled" })),
        ["m", "z", "a"]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "all" })),
        ["y", "m", "z", "a", "b"]
    );
    // Cancelling the booked one puts it after the earlier cancelled ones (booking order).
    cancel(&mut h, "b", json!({})).unwrap();
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "cancelled" })),
        ["m", "z", "a", "b"]
    );
}

#[test]
fn appointments_refuse_bad_windows() {
    let h = busy_week();
    for (query, bad) in [
        (json!({ "from": "yesterday" }), "from"),
        (json!({ "from": "2019-02-30" }), "from"),
        (json!({ "from": "2019-02-04T25:00" }), "from"),
        (json!({ "to": "2019-02-30" }), "to"),
        (json!({ "to": "2019-02-04T10:00:00" }), "to"),
        (json!({ "from": WED, "to": MON }), "to"),
        (
            json!({ "from": at(TUE, "10:00"), "to": at(TUE, "09:45") }),
            "to",
        ),
        (json!({ "from": TUE, "to": at(MON, "23:45") }), "to"),
    ] {
        let e = fails_with!(
            h,
            ErrorCode::InvalidInput,
            appointments(&h, "ada", query.clone())
        );
        assert_eq!(field(&e), bad, "{query}");
    }
    fails_with!(
        h,
        ErrorCode::DoctorNotFound,
        appointments(&h, "nobody", json!({}))
    );
}

// ----- free slots -----

#[test]
fn available_slots_need_the_whole_interval_inside_the_hours() {
    let h = clinic();
    // Grace: Monday 09:00-12:00.
    let all = slots(
        &h,
        "grace",
        json!({ "from": MON, "to": MON, "durationMinutes": 60 }),
    )
    .unwrap();
    let expected: Vec<String> = [
        "09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00",
    ]
    .iter()
    .map(|t| at(MON, t))
    .collect();
    assert_eq!(all, expected);
    // Default duration (15): the last start is 11:45.
    let short = slots(&h, "grace", json!({ "from": MON, "to": MON })).unwrap();
    assert_eq!(short.len(), 12);
    assert_eq!(short.last().map(String::as_str), Some("2019-02-04T11:45"));
    // Tuesday she does not work.
    assert!(slots(&h, "grace", json!({ "from": TUE, "to": TUE }))
        .unwrap()
        .is_empty());
}

#[test]
fn available_slots_stay_inside_the_window() {
    let h = clinic();
    let got = slots(
        &h,
        "grace",
        json!({ "from": at(MON, "09:05"), "to": at(MON, "10:15"), "durationMinutes": 30 }),
    )
    .unwrap();
    assert_eq!(got, [at(MON, "09:15"), at(MON, "09:30"), at(MON, "09:45")]);
    // `to` is exclusive and the whole interval must end by it.
    let got = slots(
        &h,
        "grace",
        json!({ "from": at(MON, "11:30"), "to": at(MON, "12:00") }),
    )
    .unwrap();
    assert_eq!(got, [at(MON, "11:30"), at(MON, "11:45")]);
    // Several days, bare dates: Monday and Wednesday, not Tuesday.
    let got = slots(
        &h,
        "grace",
        json!({ "from": MON, "to": WED, "durationMinutes": 180 }),
    )
    .unwrap();
    assert_eq!(got, [at(MON, "09:00"), at(WED, "09:00")]);
    // An empty window has no slots.
    assert!(slots(
        &h,
        "grace",
        json!({ "from": at(MON, "10:00"), "to": at(MON, "10:00") })
    )
    .unwrap()
    .is_empty());
}

#[test]
fn available_slots_respect_the_limit() {
    let h = clinic();
    let got = slots(&h, "ada", json!({ "from": MON, "to": FRI, "limit": 3 })).unwrap();
    assert_eq!(got, [at(MON, "09:00"), at(MON, "09:15"), at(MON, "09:30")]);
    let got = slots(
        &h,
        "ada",
        json!({ "from": at(MON, "16:30"), "to": FRI, "limit": 3 }),
    )
    .unwrap();
    assert_eq!(got, [at(MON, "16:30"), at(MON, "16:45"), at(TUE, "09:00")]);
    assert!(
        slots(&h, "ada", json!({ "from": MON, "to": FRI, "limit": 0 }))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn available_slots_skip_booked_time_but_not_cancelled_time() {
    let mut h = clinic();
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "09:15") }),
    );
    let c = book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:30"), "durationMinutes": 30 }),
    );
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "11:00"), "durationMinutes": 60 }),
    );
    let got = slots(
        &h,
        "grace",
        json!({ "from": MON, "to": MON, "durationMinutes": 30 }),
    )
    .unwrap();
    assert_eq!(got, [at(MON, "09:30"), at(MON, "09:45"), at(MON, "10:00")]);
    cancel(&mut h, &c.id, json!({})).unwrap();
    let got = slots(
        &h,
        "grace",
        json!({ "from": MON, "to": MON, "durationMinutes": 30 }),
    )
    .unwrap();
    assert_eq!(
        got,
        [
            at(MON, "09:30"),
            at(MON, "09:45"),
            at(MON, "10:00"),
            at(MON, "10:15"),
            at(MON, "10:30")
        ]
    );
    // Another doctor's appointments are not in the way.
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00"), "durationMinutes": 480 }),
    );
    assert_eq!(
        slots(
            &h,
            "grace",
            json!({ "from": MON, "to": MON, "durationMinutes": 30 })
        )
        .unwrap(),
        got
    );
}

#[test]
fn available_slots_filter_by_location() {
    let mut h = clinic();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "09:00"), "durationMinutes": 420 }),
    );
    let everywhere = slots(&h, "ada", json!({ "from": MON, "to": MON })).unwrap();
    assert_eq!(
        everywhere,
        [
            at(MON, "16:00"),
            at(MON, "16:15"),
            at(MON, "16:30"),
            at(MON, "16:45")
        ]
    );
    // A doctor is in one place at a time: a South booking blocks North too.
    let north = slots(
        &h,
        "ada",
        json!({ "from": MON, "to": MON, "location": "North" }),
    )
    .unwrap();
    assert_eq!(north, everywhere);
    let e = fails_with!(
        h,
        ErrorCode::LocationNotServed,
        slots(
            &h,
            "ada",
            json!({ "from": MON, "to": MON, "location": "East" })
        )
    );
    assert_eq!(e.details.location.as_deref(), Some("East"));
    fails_with!(
        h,
        ErrorCode::LocationNotServed,
        slots(
            &h,
            "grace",
            json!({ "from": MON, "to": MON, "location": "South" })
        )
    );
}

#[test]
fn available_slots_refuse_off_grid_durations() {
    let h = clinic();
    for duration in [0, 20, 5] {
        let e = fails_with!(
            h,
            ErrorCode::OffGrid,
            slots(
                &h,
                "ada",
                json!({ "from": MON, "to": MON, "durationMinutes": duration })
            )
        );
        assert_eq!(field(&e), "durationMinutes");
        assert_eq!(e.details.slot_minutes, Some(15));
    }
}

#[test]
fn available_slots_refuse_bad_windows_and_unknown_doctors() {
    let h = clinic();
    // 367 days is too wide; 366 is fine.
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        slots(
            &h,
            "ada",
            json!({ "from": "2019-01-01T00:00", "to": "2020-01-03T00:00" })
        )
    );
    assert_eq!(field(&e), "to");
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        slots(
            &h,
            "ada",
            json!({ "from": "2019-01-01", "to": "2020-01-02" })
        )
    );
    assert_eq!(field(&e), "to");
    let year = slots(
        &h,
        "ada",
        json!({ "from": "2019-01-01T00:00", "to": "2020-01-02T00:00" }),
    )
    .unwrap();
    assert_eq!(year.first().map(String::as_str), Some("2019-01-01T09:00"));
    assert_eq!(year.last().map(String::as_str), Some("2020-01-01T16:45"));
    for (query, bad) in [
        (json!({ "from": "soon", "to": MON }), "from"),
        (json!({ "from": MON, "to": "2019-02-30" }), "to"),
        (json!({ "from": TUE, "to": at(MON, "10:00") }), "to"),
    ] {
        let e = fails_with!(h, ErrorCode::InvalidInput, slots(&h, "ada", query.clone()));
        assert_eq!(field(&e), bad, "{query}");
    }
    fails_with!(
        h,
        ErrorCode::DoctorNotFound,
        slots(&h, "nobody", json!({ "from": MON, "to": MON }))
    );
}

#[test]
fn every_listed_slot_books_and_no_other_grid_start_does() {
    let mut h = hospital();
    add_doctor(
        &mut h,
        json!({
            "id": "busy", "name": "Dr. Busy", "locations": ["North", "South"],
            "schedule": [
                { "days": ["mon", "tue"], "start": "08:00", "end": "10:00" },
                { "days": ["mon"], "start": "10:00", "end": "11:30" },
                { "days": ["tue"], "start": "13:00", "end": "14:00" },
                { "days": ["wed"], "start": "22:00", "end": "24:00" }
            ]
        }),
    )
    .unwrap();
    for (location, start, duration) in [
        ("North", at(MON, "08:30"), 30),
        ("South", at(MON, "10:00"), 15),
        ("North", at(MON, "11:00"), 30),
        ("South", at(TUE, "13:15"), 15),
        ("North", at(WED, "23:00"), 15),
    ] {
        book_ok(
            &mut h,
            json!({ "doctorId": "busy", "location": location, "start": start, "durationMinutes": duration }),
        );
    }
    let cancelled = book_ok(
        &mut h,
        json!({ "doctorId": "busy", "location": "North", "start": at(TUE, "08:00"), "durationMinutes": 60 }),
    );
    cancel(&mut h, &cancelled.id, json!({})).unwrap();

    for duration in [15, 30, 45, 60] {
        let listed = slots(
            &h,
            "busy",
            json!({ "from": MON, "to": THU, "durationMinutes": duration }),
        )
        .unwrap();
        let mut bookable = Vec::new();
        for date in [MON, TUE, WED, THU] {
            for minute in (0..1440).step_by(15) {
                let start = at(date, &format!("{:02}:{:02}", minute / 60, minute % 60));
                let mut copy = h.clone();
                let result = book(
                    &mut copy,
                    json!({ "doctorId": "busy", "location": "South", "start": start, "durationMinutes": duration }),
                );
                if result.is_ok() {
                    bookable.push(start);
                }
            }
        }
        assert_eq!(listed, bookable, "duration {duration}");
    }
}

// ----- revision -----

#[test]
fn the_revision_counts_successful_mutations_only() {
    let mut h = hospital();
    assert_eq!(h.revision(), 0);
    add_doctor(&mut h, ada()).unwrap();
    assert_eq!(h.revision(), 1);
    let request = json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "requestId": "r" });
    let a = book_ok(&mut h, request.clone());
    assert_eq!(h.revision(), 2);
    book_ok(&mut h, request);
    assert_eq!(h.revision(), 2, "a replay is not a mutation");
    fails!(
        h,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:00") })
        )
    );
    fails!(h, cancel(&mut h, "nope", json!({})));
    fails!(h, add_doctor(&mut h, ada()));
    // Reads are not mutations.
    h.get_appointment(&a.id).unwrap();
    appointments(&h, "ada", json!({ "status": "all" })).unwrap();
    slots(&h, "ada", json!({ "from": MON, "to": MON })).unwrap();
    h.to_snapshot().unwrap();
    h.get_doctor("ada").unwrap();
    assert_eq!(h.list_doctors().count(), 1);
    assert_eq!(h.revision(), 2);
    cancel(&mut h, &a.id, json!({})).unwrap();
    assert_eq!(h.revision(), 3);
    fails!(h, cancel(&mut h, &a.id, json!({})));
    update_doctor(
        &mut h,
        "ada",
        json!({ "name": "Dr. A. Lovelace" }),
        json!({}),
    )
    .unwrap();
    assert_eq!(h.revision(), 4);
    remove_doctor(&mut h, "ada", json!({})).unwrap();
    assert_eq!(h.revision(), 5);
    fails!(h, remove_doctor(&mut h, "ada", json!({})));
    assert_eq!(h.revision(), 5);
}
