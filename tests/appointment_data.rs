//! What issue 16 added to appointments, by example (the model test covers the same against its
//! naive model): rule 0 against the first request, lapsed holds kept as `expired`, notes and
//! metadata, `updateAppointment`, `findAppointments`, pages of `appointments`, `workingHours`,
//! and the actor of change records.

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
use dr_schedule::engine::{AppointmentStatus, Change, ErrorCode, Hospital};
use serde_json::{json, Value};

const NOW: &str = "2019-02-01T08:00";

fn request(start: &str) -> Value {
    json!({ "doctorId": "ada", "location": "North", "start": start, "patient": "p-1",
            "requestId": "r-1" })
}

fn hold_request(start: &str, now: &str, ttl: u32) -> Value {
    json!({ "doctorId": "ada", "location": "North", "start": start, "now": now,
            "ttlMinutes": ttl, "requestId": "r-hold", "patient": "p-1" })
}

/// `h` written to a snapshot and loaded again.
fn restored(h: &Hospital) -> Hospital {
    Hospital::from_snapshot(&h.to_snapshot().unwrap()).unwrap()
}

// ----- rule 0: a retry is compared with the first request -----

#[test]
fn a_retry_returns_the_appointment_however_it_moved_or_changed() {
    let mut h = clinic();
    let first = book_ok(&mut h, request(&at(MON, "10:00")));
    reschedule(&mut h, &first.id, json!({ "start": at(MON, "11:00") })).unwrap();
    update_appointment(
        &mut h,
        &first.id,
        json!({ "patient": "p-2", "notes": "moved" }),
    )
    .unwrap();
    for mut h in [h.clone(), restored(&h)] {
        let revision = h.revision();
        let retried = book_ok(&mut h, request(&at(MON, "10:00")));
        assert_eq!(retried.id, first.id);
        // As it is now.
        assert_eq!(retried.start.to_string(), at(MON, "11:00"));
        assert_eq!(retried.patient.as_deref(), Some("p-2"));
        assert_eq!(h.revision(), revision, "a retry books nothing");
        // A request never made with that id: where it is now, or for its patient now.
        let mut now_there = request(&at(MON, "11:00"));
        let e = fails_with!(
            h,
            ErrorCode::RequestIdReused,
            book(&mut h, now_there.clone())
        );
        assert_eq!(e.details.appointment_id.as_deref(), Some(first.id.as_str()));
        assert_eq!(e.details.request_id.as_deref(), Some("r-1"));
        now_there["start"] = json!(at(MON, "10:00"));
        now_there["patient"] = json!("p-2");
        fails_with!(h, ErrorCode::RequestIdReused, book(&mut h, now_there));
        // Notes are not part of what is compared.
        let mut with_notes = request(&at(MON, "10:00"));
        with_notes["notes"] = json!("other notes");
        assert_eq!(book_ok(&mut h, with_notes).notes.as_deref(), Some("moved"));
        // Its time is free to others.
        book_ok(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00") }),
        );
    }
}

#[test]
fn a_retry_must_be_the_same_kind_of_request() {
    let mut h = clinic();
    let held = hold(&mut h, hold_request(&at(MON, "10:00"), NOW, 60)).unwrap();
    // The same request as a booking is another request.
    let mut as_booking = hold_request(&at(MON, "10:00"), NOW, 60);
    as_booking.as_object_mut().unwrap().remove("ttlMinutes");
    fails_with!(
        h,
        ErrorCode::RequestIdReused,
        book(&mut h, as_booking.clone())
    );
    // Held again, later, with another ttl: the same request.
    let again = hold(
        &mut h,
        hold_request(&at(MON, "10:00"), "2019-02-01T08:30", 5),
    )
    .unwrap();
    assert_eq!(again, held);
    // Confirmed, it still answers the hold it was first.
    confirm(&mut h, &held.id, "2019-02-01T08:40").unwrap();
    for mut h in [h.clone(), restored(&h)] {
        let again = hold(
            &mut h,
            hold_request(&at(MON, "10:00"), "2019-02-01T08:45", 60),
        )
        .unwrap();
        assert_eq!(again.status, AppointmentStatus::Booked);
        fails_with!(
            h,
            ErrorCode::RequestIdReused,
            book(&mut h, as_booking.clone())
        );
    }
    // And a booking's request id never answers a hold.
    book_ok(&mut h, request(&at(TUE, "10:00")));
    let mut as_hold = request(&at(TUE, "10:00"));
    as_hold["now"] = json!(NOW);
    as_hold["ttlMinutes"] = json!(30);
    fails_with!(h, ErrorCode::RequestIdReused, hold(&mut h, as_hold));
}

#[test]
fn a_cancelled_hold_still_answers_its_request_as_a_hold() {
    let mut h = clinic();
    let held = hold(&mut h, hold_request(&at(MON, "10:00"), NOW, 60)).unwrap();
    cancel(&mut h, &held.id, json!({ "reason": "changed plans" })).unwrap();
    let mut as_booking = hold_request(&at(MON, "10:00"), NOW, 60);
    as_booking.as_object_mut().unwrap().remove("ttlMinutes");
    for mut h in [h.clone(), restored(&h)] {
        let again = hold(
            &mut h,
            hold_request(&at(MON, "10:00"), "2019-02-01T08:10", 60),
        )
        .unwrap();
        assert_eq!(again.id, held.id);
        assert_eq!(again.status, AppointmentStatus::Cancelled);
        fails_with!(
            h,
            ErrorCode::RequestIdReused,
            book(&mut h, as_booking.clone())
        );
    }
    // The same when updateDoctor cancels it.
    let held = hold(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:00"),
                "now": NOW, "ttlMinutes": 60, "requestId": "r-grace" }),
    )
    .unwrap();
    update_doctor(
        &mut h,
        "grace",
        json!({ "schedule": [] }),
        json!({ "cancelAppointments": true }),
    )
    .unwrap();
    let again = hold(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:00"),
                "now": NOW, "ttlMinutes": 60, "requestId": "r-grace" }),
    )
    .unwrap();
    assert_eq!(
        (again.id, again.status),
        (held.id, AppointmentStatus::Cancelled)
    );
}

// ----- lapsed holds stay, as expired -----

#[test]
fn a_lapsed_hold_expires_and_stays_in_the_history() {
    let mut h = clinic();
    let held = hold(&mut h, hold_request(&at(MON, "10:00"), NOW, 10)).unwrap();
    // Lapsed by the caller's now, but not yet marked: listed as expired already.
    let later = "2019-02-01T08:30";
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "expired", "now": later })),
        [held.id.as_str()]
    );
    assert!(appointment_ids(&h, "ada", json!({ "now": later })).is_empty());
    // Any successful call that moves the clock past it marks it.
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "09:00"), "now": later }),
    );
    let expired = h.get_appointment(&held.id).unwrap().to_appointment();
    assert_eq!(expired.status, AppointmentStatus::Expired);
    assert_eq!(
        expired.hold_expires.unwrap().to_string(),
        "2019-02-01T08:10"
    );
    for (status, listed) in [
        ("expired", true),
        ("all", true),
        ("active", false),
        ("held", false),
        ("cancelled", false),
    ] {
        assert_eq!(
            appointment_ids(&h, "ada", json!({ "status": status })).contains(&held.id),
            listed,
            "{status}"
        );
    }
    assert_eq!(
        found_ids(&h, json!({ "patient": "p-1", "status": "expired" })),
        [held.id.as_str()]
    );
    // Confirm, cancel and reschedule say so; its id and request id stay taken.
    let e = fails_with!(h, ErrorCode::HoldExpired, confirm(&mut h, &held.id, later));
    assert_eq!(
        e.details.hold_expires.unwrap().to_string(),
        "2019-02-01T08:10"
    );
    fails_with!(
        h,
        ErrorCode::HoldExpired,
        cancel(&mut h, &held.id, json!({}))
    );
    fails_with!(
        h,
        ErrorCode::HoldExpired,
        reschedule(&mut h, &held.id, json!({ "start": at(MON, "11:00") }))
    );
    let mut same_id = request(&at(TUE, "10:00"));
    same_id["id"] = json!(held.id);
    same_id["requestId"] = json!("r-new");
    fails_with!(h, ErrorCode::DuplicateId, book(&mut h, same_id));
    let retry = hold(&mut h, hold_request(&at(MON, "10:00"), later, 10)).unwrap();
    assert_eq!(
        (retry.id.as_str(), retry.status),
        (held.id.as_str(), AppointmentStatus::Expired)
    );
    // Its time is free; its notes may still change.
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00") }),
    );
    let noted = update_appointment(&mut h, &held.id, json!({ "notes": "never came back" }));
    assert_eq!(noted.unwrap().status, AppointmentStatus::Expired);
    assert_eq!(
        restored(&h).to_snapshot().unwrap(),
        h.to_snapshot().unwrap()
    );
}

// ----- notes and metadata -----

#[test]
fn notes_and_metadata_are_kept_returned_and_replayed() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"),
                "notes": "bring the \"x-rays\"\nfasting", "metadata": { "visit": "follow-up", "n": [1, 2.5] } }),
    );
    assert_eq!(a.notes.as_deref(), Some("bring the \"x-rays\"\nfasting"));
    assert_eq!(
        serde_json::to_value(&a.metadata).unwrap(),
        json!({ "visit": "follow-up", "n": [1, 2.5] })
    );
    let b = hold(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "11:00"), "now": NOW,
                "ttlMinutes": 60, "notes": "web checkout", "metadata": { "cart": "c-9" } }),
    )
    .unwrap();
    assert_eq!(b.notes.as_deref(), Some("web checkout"));
    // Reschedule: notes and metadata given replace, absent keep.
    let moved = reschedule(&mut h, &a.id, json!({ "start": at(MON, "12:00") })).unwrap();
    assert_eq!(
        (moved.notes, moved.metadata),
        (a.notes.clone(), a.metadata.clone())
    );
    let moved = reschedule(
        &mut h,
        &a.id,
        json!({ "start": at(MON, "12:00"), "notes": "moved by phone" }),
    )
    .unwrap();
    assert_eq!(moved.notes.as_deref(), Some("moved by phone"));
    assert_eq!(
        moved.rescheduled_from.len(),
        1,
        "notes alone do not move it"
    );
    // updateAppointment: a value replaces, null clears, absent keeps.
    let updated = update_appointment(
        &mut h,
        &a.id,
        json!({ "notes": null, "metadata": { "visit": "first" } }),
    )
    .unwrap();
    assert_eq!(updated.notes, None);
    assert_eq!(
        serde_json::to_value(&updated.metadata).unwrap(),
        json!({ "visit": "first" })
    );
    let updated = update_appointment(&mut h, &b.id, json!({ "patient": "p-7" })).unwrap();
    assert_eq!(updated.notes.as_deref(), Some("web checkout"));
    // A change that changes nothing is no mutation.
    let revision = h.revision();
    update_appointment(
        &mut h,
        &b.id,
        json!({ "patient": "p-7", "notes": "web checkout" }),
    )
    .unwrap();
    update_appointment(&mut h, &b.id, json!({})).unwrap();
    reschedule(
        &mut h,
        &b.id,
        json!({ "start": at(MON, "11:00"), "now": NOW }),
    )
    .unwrap();
    assert_eq!(h.revision(), revision);
    // All of it lives in snapshots and change records.
    let mut replica = clinic();
    let base = replica.revision();
    let text = h.changes_since_json(base).unwrap();
    assert!(text.contains("\"op\":\"updateAppointment\""), "{text}");
    let changes: Vec<Change> = dr_schedule::engine::read_json(text.as_bytes(), "changes").unwrap();
    replica.apply_changes(changes).unwrap();
    assert_eq!(replica.to_snapshot().unwrap(), h.to_snapshot().unwrap());
    assert_eq!(
        restored(&h).to_snapshot().unwrap(),
        h.to_snapshot().unwrap()
    );
}

#[test]
fn update_appointment_checks_its_input_and_the_patient_rule() {
    let mut h = hospital_with(json!({ "preventPatientOverlap": true }));
    add_doctor(&mut h, ada()).unwrap();
    add_doctor(&mut h, grace()).unwrap();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "patient": "p-1" }),
    );
    let b = book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:00"), "patient": "p-2" }),
    );
    let e = fails_with!(
        h,
        ErrorCode::PatientBusy,
        update_appointment(&mut h, &b.id, json!({ "patient": "p-1" }))
    );
    assert_eq!(
        e.details.conflicting_appointment_id.as_deref(),
        Some(a.id.as_str())
    );
    // Once cancelled, the time is the patient's again; history may take any patient.
    cancel(&mut h, &a.id, json!({})).unwrap();
    update_appointment(&mut h, &a.id, json!({ "patient": "p-2" })).unwrap();
    update_appointment(&mut h, &b.id, json!({ "patient": "p-1" })).unwrap();
    for (patch, field) in [
        (json!({ "patient": " " }), "patient"),
        (json!({ "patient": 7 }), "patient"),
        (json!({ "notes": "x".repeat(2001) }), "notes"),
        (json!({ "notes": "a\u{7}" }), "notes"),
        (json!({ "metadata": [1] }), "metadata"),
        (json!({ "status": "booked" }), "status"),
    ] {
        let e = fails_with!(
            h,
            ErrorCode::InvalidInput,
            update_appointment(&mut h, &b.id, patch.clone())
        );
        assert!(field_of(&e).starts_with(field), "{patch}: {e}");
    }
    fails_with!(
        h,
        ErrorCode::AppointmentNotFound,
        update_appointment(&mut h, "nope", json!({ "notes": "x" }))
    );
}

fn field_of(e: &dr_schedule::engine::Error) -> String {
    field(e).to_owned()
}

// ----- finding appointments, page by page -----

/// Ada and Grace with appointments of two patients at North and South over two days.
fn front_desk() -> Hospital {
    let mut h = clinic();
    for (doctor, location, start, patient) in [
        ("ada", "South", at(TUE, "09:00"), "p-1"),
        ("grace", "North", at(MON, "09:00"), "p-2"),
        ("ada", "North", at(MON, "09:00"), "p-1"),
        ("ada", "North", at(MON, "10:00"), "p-2"),
        ("grace", "North", at(MON, "10:00"), "p-1"),
        ("ada", "South", at(MON, "11:00"), "p-1"),
    ] {
        book_ok(
            &mut h,
            json!({ "doctorId": doctor, "location": location, "start": start, "patient": patient }),
        );
    }
    cancel(&mut h, "a6", json!({})).unwrap();
    h
}

#[test]
fn find_appointments_looks_across_doctors_by_patient_location_and_doctor() {
    let h = front_desk();
    // By start, then booking order; active by default.
    assert_eq!(
        found_ids(&h, json!({ "patient": "p-1" })),
        ["a3", "a5", "a1"]
    );
    assert_eq!(
        found_ids(&h, json!({ "patient": "p-1", "status": "all" })),
        ["a3", "a5", "a6", "a1"]
    );
    assert_eq!(
        found_ids(&h, json!({ "location": "North" })),
        ["a2", "a3", "a4", "a5"]
    );
    assert_eq!(
        found_ids(&h, json!({ "location": "South", "status": "cancelled" })),
        ["a6"]
    );
    assert_eq!(found_ids(&h, json!({ "doctorId": "grace" })), ["a2", "a5"]);
    assert_eq!(
        found_ids(
            &h,
            json!({ "patient": "p-1", "doctorId": "ada", "location": "North" })
        ),
        ["a3"]
    );
    assert_eq!(
        found_ids(
            &h,
            json!({ "patient": "p-1", "from": at(MON, "10:00"), "to": MON })
        ),
        ["a5"]
    );
    assert!(found_ids(&h, json!({ "patient": "nobody" })).is_empty());
    assert!(found_ids(&h, json!({ "location": "Nowhere" })).is_empty());
    // Pages: each appointment once, in order.
    let all = found_ids(&h, json!({ "location": "North", "status": "all" }));
    for limit in 1..=5 {
        let mut seen: Vec<String> = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut query = json!({ "location": "North", "status": "all", "limit": limit });
            if let Some(after) = &after {
                query["after"] = json!(after);
            }
            let page = found_ids(&h, query);
            assert!(page.len() <= limit);
            seen.extend(page.iter().cloned());
            if page.len() < limit {
                break;
            }
            after = page.last().cloned();
        }
        assert_eq!(seen, all, "pages of {limit}");
    }
    // What it refuses.
    for (query, code, expected) in [
        (json!({}), ErrorCode::InvalidInput, "patient"),
        (
            json!({ "patient": " " }),
            ErrorCode::InvalidInput,
            "patient",
        ),
        (
            json!({ "location": "" }),
            ErrorCode::InvalidInput,
            "location",
        ),
        (
            json!({ "patient": "p-1", "limit": 0 }),
            ErrorCode::InvalidInput,
            "limit",
        ),
        (
            json!({ "patient": "p-1", "limit": 100_001 }),
            ErrorCode::InvalidInput,
            "limit",
        ),
        (
            json!({ "patient": "p-1", "after": "zz" }),
            ErrorCode::InvalidInput,
            "after",
        ),
        (
            json!({ "patient": "p-1", "from": "2019-02-30" }),
            ErrorCode::InvalidInput,
            "from",
        ),
        (
            json!({ "patient": "p-1", "status": "gone" }),
            ErrorCode::InvalidInput,
            "status",
        ),
        (
            json!({ "doctorId": "nobody" }),
            ErrorCode::DoctorNotFound,
            "",
        ),
    ] {
        let e = find_appointments(&h, query.clone()).err().unwrap();
        assert_eq!(e.code, code, "{query}: {e}");
        assert_eq!(field(&e), expected, "{query}: {e}");
    }
}

#[test]
fn appointments_come_in_pages() {
    let h = front_desk();
    let all = appointment_ids(&h, "ada", json!({ "status": "all" }));
    assert_eq!(all, ["a3", "a4", "a6", "a1"]);
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "all", "limit": 2 })),
        ["a3", "a4"]
    );
    assert_eq!(
        appointment_ids(
            &h,
            "ada",
            json!({ "status": "all", "limit": 2, "after": "a4" })
        ),
        ["a6", "a1"]
    );
    // The cursor is a place in the order, whatever the cursor's own status or doctor.
    assert_eq!(appointment_ids(&h, "ada", json!({ "after": "a6" })), ["a1"]);
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "after": "a2" })),
        ["a3", "a4", "a1"]
    );
    // A cursor past the window's end leaves nothing (and must not panic).
    assert!(appointment_ids(&h, "ada", json!({ "to": MON, "after": "a1" })).is_empty());
    assert!(
        appointment_ids(&h, "ada", json!({ "to": at(MON, "09:30"), "after": "a4" })).is_empty()
    );
    assert!(found_ids(&h, json!({ "patient": "p-1", "to": MON, "after": "a1" })).is_empty());
    assert!(found_ids(&h, json!({ "location": "North", "to": MON, "after": "a1" })).is_empty());
    assert!(found_ids(
        &h,
        json!({ "doctorId": "ada", "from": MON, "to": MON, "after": "a1" })
    )
    .is_empty());
    for (query, expected) in [
        (json!({ "limit": 0 }), "limit"),
        (json!({ "after": "zz" }), "after"),
        (json!({ "after": "x".repeat(65) }), "after"),
    ] {
        let e = appointments(&h, "ada", query.clone()).err().unwrap();
        assert_eq!(
            (e.code, field(&e)),
            (ErrorCode::InvalidInput, expected),
            "{query}"
        );
    }
}

// ----- working hours -----

#[test]
fn working_hours_are_the_blocks_the_booking_rules_see() {
    let mut h = clinic();
    update_doctor(
        &mut h,
        "ada",
        json!({
            "schedule": [
                { "days": ["mon", "tue"], "start": "09:00", "end": "12:00" },
                { "days": ["mon"], "start": "12:00", "end": "17:00", "locations": ["North"] },
                { "days": ["tue"], "start": "13:00", "end": "24:00", "locations": ["South"] }
            ],
            "overrides": [{ "date": WED, "hours": [{ "start": "10:00", "end": "11:00" }] },
                          { "date": THU, "hours": [] }],
            "timeOff": [{ "start": at(TUE, "10:00"), "end": at(TUE, "10:30") }]
        }),
        json!({}),
    )
    .unwrap();
    let blocks = working_hours(&h, "ada", json!({ "from": MON, "to": THU })).unwrap();
    let spans: Vec<String> = blocks
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            format!(
                "{} {} {}-{}",
                b["date"].as_str().unwrap(),
                b["location"].as_str().unwrap(),
                &b["start"].as_str().unwrap()[11..],
                &b["end"].as_str().unwrap()[11..]
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            // Touching rules make one block where both apply; by start, then location order.
            "2019-02-04 North 09:00-17:00",
            "2019-02-04 South 09:00-12:00",
            // Time off cuts a block; a block may end at midnight (the next date's 00:00).
            "2019-02-05 North 09:00-10:00",
            "2019-02-05 South 09:00-10:00",
            "2019-02-05 North 10:30-12:00",
            "2019-02-05 South 10:30-12:00",
            "2019-02-05 South 13:00-00:00",
            // An override replaces the day; an empty one closes it.
            "2019-02-06 North 10:00-11:00",
            "2019-02-06 South 10:00-11:00",
        ]
    );
    assert_eq!(blocks[6]["end"], "2019-02-06T00:00");
    let south = working_hours(
        &h,
        "ada",
        json!({ "from": at(TUE, "15:00"), "to": TUE, "location": "South" }),
    )
    .unwrap();
    assert_eq!(
        south.as_array().unwrap().len(),
        3,
        "whole dates, whatever the time"
    );
    // Each block is bookable at its start, for the slot before its end.
    for b in blocks.as_array().unwrap() {
        let mut copy = h.clone();
        book_ok(
            &mut copy,
            json!({ "doctorId": "ada", "location": b["location"], "start": b["start"] }),
        );
    }
    // What it refuses.
    for (query, code, expected) in [
        (
            json!({ "from": TUE, "to": MON }),
            ErrorCode::InvalidInput,
            "to",
        ),
        (
            json!({ "from": MON, "to": "2020-02-05" }),
            ErrorCode::InvalidInput,
            "to",
        ),
        (
            json!({ "from": "2019-02-30", "to": MON }),
            ErrorCode::InvalidInput,
            "from",
        ),
        (json!({ "from": MON }), ErrorCode::InvalidInput, "to"),
        (
            json!({ "from": MON, "to": MON, "location": "East" }),
            ErrorCode::LocationNotServed,
            "",
        ),
    ] {
        let e = working_hours(&h, "ada", query.clone()).err().unwrap();
        assert_eq!((e.code, field(&e)), (code, expected), "{query}: {e}");
    }
    // 366 dates at most.
    assert!(working_hours(
        &h,
        "ada",
        json!({ "from": "2019-01-01", "to": "2020-01-01" })
    )
    .is_ok());
    let e = working_hours(&h, "nobody", json!({ "from": MON, "to": MON }))
        .err()
        .unwrap();
    assert_eq!(e.code, ErrorCode::DoctorNotFound);
}

// ----- who made a change -----

#[test]
fn change_records_name_their_actor() {
    let mut h = clinic();
    h.set_actor(Some("desk-1")).unwrap();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00") }),
    );
    h.set_actor(None).unwrap();
    cancel(&mut h, &a.id, json!({})).unwrap();
    let records = h.changes_since(h.revision() - 2).unwrap();
    assert_eq!(records[0].actor.as_deref(), Some("desk-1"));
    assert_eq!(records[1].actor, None);
    let text = h.changes_since_json(h.revision() - 2).unwrap();
    assert!(text.contains(",\"actor\":\"desk-1\"}"), "{text}");
    // A replica replays them under the same actor, and keeps its own afterwards.
    let mut replica = clinic();
    replica.set_actor(Some("replica")).unwrap();
    let base = replica.revision();
    replica
        .apply_changes(h.changes_since(base).unwrap())
        .unwrap();
    assert_eq!(
        replica.changes_since_json(base).unwrap(),
        h.changes_since_json(base).unwrap()
    );
    assert_eq!(replica.actor(), Some("replica"));
    for bad in [" ", "", &"x".repeat(129), "tab\there"] {
        let e = h.set_actor(Some(bad)).err().unwrap();
        assert_eq!(
            (e.code, field(&e)),
            (ErrorCode::InvalidInput, "actor"),
            "{bad:?}"
        );
    }
    assert_eq!(h.actor(), None);
}
