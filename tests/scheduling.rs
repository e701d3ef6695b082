//! Real-world scheduling in the engine: date overrides, time off, hours per location, reschedule,
//! holds, findSlots, notice and horizon, the patient-overlap rule and explain. Every failing call
//! is also checked to leave the hospital byte-for-byte unchanged.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[macro_use]
mod common;

use common::*;
use dr_schedule::engine::{AppointmentStatus, ErrorCode, Hospital};
use serde_json::{json, Value};

/// Dr. Ada with the given extra doctor fields (overrides, timeOff, schedule…).
fn ada_with(extra: Value) -> Value {
    let mut doctor = ada();
    for (key, value) in extra.as_object().unwrap() {
        doctor[key] = value.clone();
    }
    doctor
}

fn clinic_with(extra: Value) -> Hospital {
    let mut h = hospital();
    add_doctor(&mut h, ada_with(extra)).unwrap();
    add_doctor(&mut h, grace()).unwrap();
    h
}

fn request(start: &str) -> Value {
    json!({ "doctorId": "ada", "location": "North", "start": start })
}

fn reason(e: &dr_schedule::engine::Error) -> Option<&'static str> {
    e.details.reason
}

// ----- date overrides -----

#[test]
fn an_override_replaces_the_hours_of_its_date() {
    // Monday: 12:00–14:00 only; Saturday (normally off): 10:00–11:00; Tuesday closed.
    let mut h = clinic_with(json!({ "overrides": [
        { "date": MON, "hours": [{ "start": "12:00", "end": "14:00" }] },
        { "date": SAT, "hours": [{ "start": "10:00", "end": "11:00" }] },
        { "date": TUE, "hours": [] }
    ]}));
    book_ok(&mut h, request(&at(MON, "13:45")));
    book_ok(&mut h, request(&at(SAT, "10:00")));
    book_ok(&mut h, request(&at(WED, "09:00")));
    let e = fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(&mut h, request(&at(MON, "09:00")))
    );
    assert_eq!(reason(&e), Some("closedByOverride"));
    assert_eq!(e.details.date.unwrap().to_string(), MON);
    let e = fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(&mut h, request(&at(TUE, "10:00")))
    );
    assert_eq!(reason(&e), Some("closedByOverride"));
    // A day without an override keeps the weekly hours and plain OUTSIDE_HOURS.
    let e = fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(&mut h, request(&at(WED, "17:00")))
    );
    assert_eq!(reason(&e), None);
    assert_eq!(
        slots(&h, "ada", json!({ "from": MON, "to": TUE })).unwrap(),
        ["12:00", "12:15", "12:30", "12:45", "13:00", "13:15", "13:30"].map(|t| at(MON, t))
    );
}

#[test]
fn overrides_are_validated_and_returned() {
    let mut h = hospital();
    let e = err(add_doctor(
        &mut h,
        ada_with(json!({ "overrides": [{ "date": "2019-02-30", "hours": [] }] })),
    ));
    assert_eq!(field(&e), "overrides[0].date");
    let e = err(add_doctor(
        &mut h,
        ada_with(
            json!({ "overrides": [{ "date": MON, "hours": [{ "start": "10:00", "end": "09:00" }] }] }),
        ),
    ));
    assert_eq!(field(&e), "overrides[0].hours[0].end");
    let e = err(add_doctor(
        &mut h,
        ada_with(
            json!({ "overrides": [{ "date": MON, "hours": [] }, { "date": MON, "hours": [] }] }),
        ),
    ));
    assert_eq!(field(&e), "overrides[1].date");
    let e = err(add_doctor(
        &mut h,
        ada_with(json!({ "overrides": [{ "date": MON, "hours": [], "note": "x" }] })),
    ));
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let doctor = add_doctor(
        &mut h,
        ada_with(json!({ "overrides": [{ "date": MON, "hours": [] }] })),
    )
    .unwrap();
    let value = serde_json::to_value(&doctor).unwrap();
    assert_eq!(value["overrides"], json!([{ "date": MON, "hours": [] }]));
    assert!(value.get("timeOff").is_none(), "empty lists are left out");
}

// ----- time off -----

#[test]
fn time_off_is_taken_out_of_the_hours() {
    let mut h = clinic_with(json!({ "timeOff": [
        { "start": at(MON, "12:00"), "end": at(WED, "10:00"), "reason": "conference" },
        { "start": at(THU, "13:00"), "end": at(THU, "17:00") }
    ]}));
    book_ok(&mut h, request(&at(MON, "11:45")));
    book_ok(&mut h, request(&at(WED, "10:00")));
    book_ok(&mut h, request(&at(THU, "12:45")));
    let e = fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(&mut h, request(&at(MON, "12:00")))
    );
    assert_eq!(reason(&e), Some("timeOff"));
    let time_off = e.details.time_off.clone().unwrap();
    assert_eq!(time_off.reason.as_deref(), Some("conference"));
    assert_eq!(time_off.start.to_string(), at(MON, "12:00"));
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(&mut h, request(&at(TUE, "10:00")))
    );
    // Overlapping the start of the time off is enough.
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(THU, "12:30"), "durationMinutes": 45 })
        )
    );
    assert!(slots(&h, "ada", json!({ "from": TUE, "to": TUE }))
        .unwrap()
        .is_empty());
    let wednesday = slots(&h, "ada", json!({ "from": WED, "to": WED })).unwrap();
    assert_eq!(
        wednesday.first().map(String::as_str),
        Some(&*at(WED, "10:15"))
    );
    let thursday = slots(&h, "ada", json!({ "from": THU, "to": THU })).unwrap();
    assert_eq!(
        thursday.last().map(String::as_str),
        Some(&*at(THU, "12:30"))
    );
}

#[test]
fn changing_overrides_or_time_off_follows_the_has_appointments_rule() {
    let mut h = clinic();
    let kept = book_ok(&mut h, request(&at(MON, "09:00")));
    let orphan = book_ok(&mut h, request(&at(TUE, "15:00")));
    let patch = json!({ "timeOff": [{ "start": at(TUE, "14:00"), "end": at(TUE, "17:00"), "reason": "dentist" }] });
    let e = fails_with!(
        h,
        ErrorCode::HasAppointments,
        update_doctor(&mut h, "ada", patch.clone(), json!({}))
    );
    assert_eq!(e.details.appointment_ids, Some(vec![orphan.id.clone()]));
    update_doctor(&mut h, "ada", patch, json!({ "cancelAppointments": true })).unwrap();
    let cancelled = h.get_appointment(&orphan.id).unwrap();
    assert_eq!(cancelled.status(), AppointmentStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason(), Some("doctor updated"));
    assert_eq!(
        h.get_appointment(&kept.id).unwrap().status(),
        AppointmentStatus::Booked
    );
    let closing = json!({ "overrides": [{ "date": MON, "hours": [] }] });
    fails_with!(
        h,
        ErrorCode::HasAppointments,
        update_doctor(&mut h, "ada", closing, json!({}))
    );
}

// ----- hours per location -----

#[test]
fn rules_may_name_their_locations() {
    let schedule = json!([
        { "days": ["mon"], "start": "09:00", "end": "12:00", "locations": ["North"] },
        { "days": ["mon"], "start": "13:00", "end": "17:00", "locations": ["South"] },
        { "days": ["tue"], "start": "09:00", "end": "17:00" }
    ]);
    let mut h = clinic_with(json!({ "schedule": schedule }));
    book_ok(&mut h, request(&at(MON, "09:00")));
    book_ok(&mut h, request(&at(TUE, "09:30")));
    let e = fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(&mut h, request(&at(MON, "13:00")))
    );
    assert_eq!(reason(&e), Some("notServedThere"));
    assert_eq!(e.details.locations, Some(vec!["South".to_owned()]));
    assert_eq!(e.details.location.as_deref(), Some("North"));
    // The doctor is one person: North at 09:00 blocks South at 09:00 on Tuesday.
    book_ok(&mut h, request(&at(TUE, "10:00")));
    let e = fails_with!(
        h,
        ErrorCode::SlotTaken,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "South", "start": at(TUE, "10:00") })
        )
    );
    assert!(e.details.conflicting_appointment_id.is_some());
    // Slots per location, and at any location.
    let north = slots(
        &h,
        "ada",
        json!({ "from": MON, "to": MON, "location": "North" }),
    )
    .unwrap();
    assert_eq!(north.len(), 11, "09:15 to 11:45");
    let south = slots(
        &h,
        "ada",
        json!({ "from": MON, "to": MON, "location": "South" }),
    )
    .unwrap();
    assert_eq!(south.first().map(String::as_str), Some(&*at(MON, "13:00")));
    let any = slots(&h, "ada", json!({ "from": MON, "to": MON })).unwrap();
    assert_eq!(any.len(), 11 + 16);
    // A rule may only name the doctor's locations.
    let e = err(update_doctor(
        &mut h,
        "ada",
        json!({ "schedule": [{ "days": ["mon"], "start": "09:00", "end": "10:00", "locations": ["East"] }] }),
        json!({}),
    ));
    assert_eq!(field(&e), "schedule[0].locations[0]");
    // Removing a location a rule names is refused: the rule would name a stranger.
    let e = err(update_doctor(
        &mut h,
        "ada",
        json!({ "locations": ["North"] }),
        json!({}),
    ));
    assert_eq!(field(&e), "schedule[1].locations[0]");
}

// ----- reschedule -----

#[test]
fn reschedule_moves_an_appointment_and_keeps_a_trace() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "durationMinutes": 30, "patient": "p-1" }),
    );
    let blocker = book_ok(&mut h, request(&at(MON, "11:00")));
    // Moving by 15 minutes overlaps its own current time: allowed.
    let moved = reschedule(&mut h, &a.id, json!({ "start": at(MON, "10:15") })).unwrap();
    assert_eq!(moved.id, a.id);
    assert_eq!(moved.end.to_string(), at(MON, "10:45"));
    assert_eq!(moved.duration_minutes, 30);
    assert_eq!(moved.patient.as_deref(), Some("p-1"));
    assert_eq!(moved.rescheduled_from.len(), 1);
    assert_eq!(
        moved.rescheduled_from[0].start.to_string(),
        at(MON, "10:00")
    );
    // The old time is free, the new one taken.
    book_ok(&mut h, request(&at(MON, "10:00")));
    fails_with!(
        h,
        ErrorCode::SlotTaken,
        book(&mut h, request(&at(MON, "10:30")))
    );
    // Failures change nothing.
    let e = fails_with!(
        h,
        ErrorCode::SlotTaken,
        reschedule(&mut h, &a.id, json!({ "start": at(MON, "10:45") }))
    );
    assert_eq!(
        e.details.conflicting_appointment_id,
        Some(blocker.id.clone())
    );
    fails_with!(
        h,
        ErrorCode::LocationNotServed,
        reschedule(
            &mut h,
            &a.id,
            json!({ "start": at(TUE, "10:00"), "location": "East" })
        )
    );
    fails_with!(
        h,
        ErrorCode::OffGrid,
        reschedule(
            &mut h,
            &a.id,
            json!({ "start": at(TUE, "10:00"), "durationMinutes": 20 })
        )
    );
    fails_with!(
        h,
        ErrorCode::AppointmentNotFound,
        reschedule(&mut h, "nope", json!({ "start": at(TUE, "10:00") }))
    );
    // Location and duration change too.
    let moved = reschedule(
        &mut h,
        &a.id,
        json!({ "start": at(TUE, "16:00"), "location": "South", "durationMinutes": 60 }),
    )
    .unwrap();
    assert_eq!(
        (moved.location.as_str(), moved.duration_minutes),
        ("South", 60)
    );
    assert_eq!(moved.rescheduled_from.len(), 2);
    assert_eq!(moved.rescheduled_from[1].location, "North");
    // Where it already is: nothing happens, not even a revision.
    let revision = h.revision();
    let same = reschedule(&mut h, &a.id, json!({ "start": at(TUE, "16:00") })).unwrap();
    assert_eq!(same.rescheduled_from.len(), 2);
    assert_eq!(h.revision(), revision);
    // A cancelled appointment stays where it was.
    cancel(&mut h, &blocker.id, json!({})).unwrap();
    fails_with!(
        h,
        ErrorCode::AlreadyCancelled,
        reschedule(&mut h, &blocker.id, json!({ "start": at(TUE, "09:00") }))
    );
}

#[test]
fn reschedule_keeps_at_most_its_limit_of_traces() {
    let mut h = clinic();
    let a = book_ok(&mut h, request(&at(MON, "09:00")));
    for i in 0..100 {
        let start = if i % 2 == 0 {
            at(MON, "09:15")
        } else {
            at(MON, "09:00")
        };
        reschedule(&mut h, &a.id, json!({ "start": start })).unwrap();
    }
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        reschedule(&mut h, &a.id, json!({ "start": at(MON, "10:00") }))
    );
    assert!(e.message.contains("rescheduled 100 times"), "{e}");
}

// ----- holds -----

fn hold_at(start: &str, now: &str, ttl: u32) -> Value {
    json!({ "doctorId": "ada", "location": "North", "start": start, "now": now, "ttlMinutes": ttl })
}

const NOW: &str = "2019-02-01T08:00";

#[test]
fn a_hold_takes_its_time_until_confirmed() {
    let mut h = clinic();
    let held = hold(&mut h, hold_at(&at(MON, "10:00"), NOW, 10)).unwrap();
    assert_eq!(held.status, AppointmentStatus::Held);
    assert_eq!(held.hold_expires.unwrap().to_string(), "2019-02-01T08:10");
    fails_with!(
        h,
        ErrorCode::SlotTaken,
        book(&mut h, request(&at(MON, "10:00")))
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "held" })),
        [held.id.as_str()]
    );
    assert!(appointment_ids(&h, "ada", json!({ "status": "booked" })).is_empty());
    assert_eq!(appointment_ids(&h, "ada", json!({})), [held.id.as_str()]);
    let booked = confirm(&mut h, &held.id, "2019-02-01T08:09").unwrap();
    assert_eq!(booked.status, AppointmentStatus::Booked);
    assert_eq!(booked.hold_expires, None);
    fails_with!(
        h,
        ErrorCode::NotHeld,
        confirm(&mut h, &held.id, "2019-02-01T08:09")
    );
    // Cancelling a hold releases it.
    let other = hold(&mut h, hold_at(&at(MON, "11:00"), NOW, 10)).unwrap();
    cancel(&mut h, &other.id, json!({})).unwrap();
    fails_with!(
        h,
        ErrorCode::AlreadyCancelled,
        confirm(&mut h, &other.id, "2019-02-01T08:01")
    );
    book_ok(&mut h, request(&at(MON, "11:00")));
}

#[test]
fn a_lapsed_hold_frees_its_time_and_expires() {
    let mut h = clinic();
    let held = hold(&mut h, hold_at(&at(MON, "10:00"), NOW, 10)).unwrap();
    let e = fails_with!(
        h,
        ErrorCode::HoldExpired,
        confirm(&mut h, &held.id, "2019-02-01T08:10")
    );
    assert_eq!(
        e.details.hold_expires.unwrap().to_string(),
        "2019-02-01T08:10"
    );
    // Without a later `now` the hold still holds; with one it does not.
    fails_with!(
        h,
        ErrorCode::SlotTaken,
        book(&mut h, request(&at(MON, "10:00")))
    );
    let later = json!({ "from": MON, "to": MON, "now": "2019-02-01T08:30" });
    assert!(appointment_ids(&h, "ada", later.clone()).is_empty());
    let free_later = slots(
        &h,
        "ada",
        json!({ "from": at(MON, "10:00"), "to": at(MON, "10:15"), "now": "2019-02-01T08:30" }),
    )
    .unwrap();
    assert_eq!(free_later, [at(MON, "10:00")]);
    assert!(
        h.to_snapshot().unwrap().contains("\"held\""),
        "still in the snapshot"
    );
    // The first successful call with a later `now` marks it expired, and can take its place.
    let mut replacement = request(&at(MON, "10:00"));
    replacement["now"] = json!("2019-02-01T08:30");
    book_ok(&mut h, replacement);
    let expired = h.get_appointment(&held.id).unwrap();
    assert_eq!(expired.status(), AppointmentStatus::Expired);
    assert_eq!(
        expired.hold_expires().map(|e| e.to_string()).as_deref(),
        Some("2019-02-01T08:10")
    );
    // It stays in the history, and neither cancel nor confirm bring it back.
    fails_with!(
        h,
        ErrorCode::HoldExpired,
        cancel(&mut h, &held.id, json!({}))
    );
    let ids = appointment_ids(&h, "ada", json!({ "status": "expired" }));
    assert_eq!(ids, std::slice::from_ref(&held.id));
    let snapshot = h.to_snapshot().unwrap();
    assert!(!snapshot.contains("\"held\""));
    assert!(snapshot.contains("\"expired\""));
    assert!(snapshot.contains("\"lastNow\":\"2019-02-01T08:30\""));
    // A hold that would lapse before the hospital's clock is refused.
    let e = err(hold(
        &mut h,
        hold_at(&at(MON, "11:00"), "2019-02-01T08:00", 10),
    ));
    assert_eq!(field(&e), "ttlMinutes");
    for ttl in [0, 10_081] {
        let e = err(hold(
            &mut h,
            hold_at(&at(MON, "11:00"), "2019-02-01T09:00", ttl),
        ));
        assert_eq!(field(&e), "ttlMinutes");
    }
    let e = err(hold(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "11:00"), "ttlMinutes": 5 }),
    ));
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

#[test]
fn a_hold_never_lapses_after_the_last_writable_minute() {
    // A hold at the very end of the range: its expiry must stay writable, or the hospital's
    // own snapshot would not load again.
    let mut h = hospital();
    add_doctor(
        &mut h,
        ada_with(json!({ "schedule": [{ "days": ["fri"], "start": "00:00", "end": "24:00" }] })),
    )
    .unwrap();
    let late = |ttl: u32| {
        json!({ "doctorId": "ada", "location": "North", "start": "9999-12-31T23:00",
                "now": "9999-12-31T22:00", "ttlMinutes": ttl })
    };
    let e = fails_with!(h, ErrorCode::InvalidInput, hold(&mut h, late(120)));
    assert_eq!(field(&e), "ttlMinutes");
    hold(&mut h, late(119)).unwrap();
    let text = h.to_snapshot().unwrap();
    assert_eq!(
        Hospital::from_snapshot(&text)
            .unwrap()
            .to_snapshot()
            .unwrap(),
        text
    );
}

#[test]
fn a_lapsed_holds_ids_stay_its_own() {
    let mut h = clinic();
    let mut request_json = hold_at(&at(MON, "10:00"), NOW, 10);
    request_json["id"] = json!("visit-1");
    request_json["requestId"] = json!("form-1");
    hold(&mut h, request_json.clone()).unwrap();
    // While live: the same request replays it.
    let again = hold(&mut h, request_json.clone()).unwrap();
    assert_eq!(again.id, "visit-1");
    // Once lapsed, a retry of the same request still returns it, expired (a retry never
    // makes a second appointment); its id is still taken.
    let mut later = request_json.clone();
    later["now"] = json!("2019-02-01T09:00");
    let retried = hold(&mut h, later.clone()).unwrap();
    assert_eq!(retried.id, "visit-1");
    assert_eq!(
        retried.status,
        AppointmentStatus::Held,
        "lapsed, not yet expired"
    );
    let mut other = hold_at(&at(MON, "11:00"), "2019-02-01T09:00", 10);
    other["id"] = json!("visit-1");
    fails_with!(h, ErrorCode::DuplicateId, hold(&mut h, other.clone()));
    other["id"] = json!("visit-2");
    hold(&mut h, other).unwrap();
    assert_eq!(
        h.get_appointment("visit-1").unwrap().status(),
        AppointmentStatus::Expired
    );
    let retried = hold(&mut h, later).unwrap();
    assert_eq!(retried.status, AppointmentStatus::Expired);
    assert_eq!(h.all_appointments().count(), 2);
}

// ----- notice and horizon -----

#[test]
fn notice_and_horizon_need_now_and_bound_the_start() {
    let mut h = hospital_with(json!({ "minNoticeMinutes": 120, "horizonDays": 7 }));
    add_doctor(&mut h, ada()).unwrap();
    let e = fails_with!(
        h,
        ErrorCode::InvalidInput,
        book(&mut h, request(&at(MON, "10:00")))
    );
    assert_eq!(field(&e), "now");
    let e = err(slots(&h, "ada", json!({ "from": MON, "to": MON })));
    assert_eq!(field(&e), "now");
    let now = at(MON, "09:00");
    let with_now = |start: &str| {
        let mut r = request(start);
        r["now"] = json!(now);
        r
    };
    let e = fails_with!(
        h,
        ErrorCode::TooSoon,
        book(&mut h, with_now(&at(MON, "10:45")))
    );
    assert_eq!(reason(&e), None);
    assert_eq!(
        e.details.earliest_start.unwrap().to_string(),
        at(MON, "11:00")
    );
    let e = fails_with!(
        h,
        ErrorCode::TooSoon,
        book(&mut h, with_now(&at("2019-02-01", "10:00")))
    );
    assert_eq!(reason(&e), Some("inThePast"));
    book_ok(&mut h, with_now(&at(MON, "11:00")));
    book_ok(&mut h, with_now(&at("2019-02-11", "09:00")));
    let e = fails_with!(
        h,
        ErrorCode::BeyondHorizon,
        book(&mut h, with_now(&at("2019-02-11", "09:15")))
    );
    assert_eq!(
        e.details.latest_start.unwrap().to_string(),
        at("2019-02-11", "09:00")
    );
    let free = slots(
        &h,
        "ada",
        json!({ "from": MON, "to": "2019-02-12", "now": now }),
    )
    .unwrap();
    assert_eq!(free.first().map(String::as_str), Some(&*at(MON, "11:15")));
    assert_eq!(
        free.last().map(String::as_str),
        Some(&*at("2019-02-08", "16:45")),
        "Monday the 11th: 09:00 is booked"
    );
    // Without notice: `minNoticeMinutes: 0` refuses only the past.
    let mut h = hospital_with(json!({ "minNoticeMinutes": 0 }));
    add_doctor(&mut h, ada()).unwrap();
    let mut past = request(&at(MON, "10:00"));
    past["now"] = json!(at(MON, "10:01"));
    let e = fails_with!(h, ErrorCode::TooSoon, book(&mut h, past));
    assert_eq!(reason(&e), Some("inThePast"));
    let mut exactly_now = request(&at(MON, "10:00"));
    exactly_now["now"] = json!(at(MON, "10:00"));
    book_ok(&mut h, exactly_now);
    // The earliest and latest starts are grid starts a retry can use.
    let mut h = hospital_with(json!({ "minNoticeMinutes": 0, "horizonDays": 1 }));
    add_doctor(&mut h, ada()).unwrap();
    let mut early = request(&at(MON, "10:00"));
    early["now"] = json!(at(MON, "10:01"));
    let e = fails_with!(h, ErrorCode::TooSoon, book(&mut h, early));
    assert_eq!(
        e.details.earliest_start.unwrap().to_string(),
        at(MON, "10:15")
    );
    let mut late = request(&at(TUE, "10:15"));
    late["now"] = json!(at(MON, "10:01"));
    let e = fails_with!(h, ErrorCode::BeyondHorizon, book(&mut h, late));
    assert_eq!(
        e.details.latest_start.unwrap().to_string(),
        at(TUE, "10:00")
    );
}

#[test]
fn options_for_time_rules_are_checked() {
    for (options, bad) in [
        (json!({ "minNoticeMinutes": -1 }), "minNoticeMinutes"),
        (json!({ "minNoticeMinutes": 527_041 }), "minNoticeMinutes"),
        (json!({ "horizonDays": 0 }), "horizonDays"),
        (
            json!({ "preventPatientOverlap": "yes" }),
            "preventPatientOverlap",
        ),
    ] {
        let e = err(
            input::<dr_schedule::engine::HospitalOptionsInput>("options", options.clone())
                .and_then(Hospital::new),
        );
        assert_eq!(field(&e), bad, "{options}");
    }
}

// ----- patient overlap -----

#[test]
fn a_patient_cannot_be_in_two_places_when_the_hospital_says_so() {
    let mut h = hospital_with(json!({ "preventPatientOverlap": true }));
    add_doctor(&mut h, ada()).unwrap();
    add_doctor(&mut h, grace()).unwrap();
    let first = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "durationMinutes": 30, "patient": "p-1" }),
    );
    let e = fails_with!(
        h,
        ErrorCode::PatientBusy,
        book(
            &mut h,
            json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:15"), "patient": "p-1" })
        )
    );
    assert_eq!(e.details.patient.as_deref(), Some("p-1"));
    assert_eq!(e.details.conflicting_appointment_id, Some(first.id.clone()));
    // Another patient, or a time after, is fine.
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:15"), "patient": "p-2" }),
    );
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:30"), "patient": "p-1" }),
    );
    // Rescheduling ignores the appointment's own time, not the patient's others.
    reschedule(&mut h, &first.id, json!({ "start": at(MON, "09:45") })).unwrap();
    fails_with!(
        h,
        ErrorCode::PatientBusy,
        reschedule(&mut h, &first.id, json!({ "start": at(MON, "10:30") }))
    );
    // Cancelling frees the patient.
    cancel(&mut h, &first.id, json!({})).unwrap();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:00"), "patient": "p-1" }),
    );
    // Without the option, patients may overlap.
    let mut h = clinic();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "patient": "p-1" }),
    );
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:00"), "patient": "p-1" }),
    );
}

// ----- findSlots -----

#[test]
fn find_slots_looks_across_doctors_earliest_first() {
    let mut h = clinic();
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "09:00") }),
    );
    let found = find_slots(&h, json!({ "from": MON, "to": MON, "limit": 4 })).unwrap();
    let got: Vec<(String, String, String)> = found
        .iter()
        .map(|s| {
            (
                s.doctor_id.to_owned(),
                s.location.to_owned(),
                s.start.to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("ada".into(), "North".into(), at(MON, "09:00")),
            ("ada".into(), "North".into(), at(MON, "09:15")),
            ("grace".into(), "North".into(), at(MON, "09:15")),
            ("ada".into(), "North".into(), at(MON, "09:30")),
        ]
    );
    // A location only Ada serves; named doctors only; the next day when today is full.
    let south = find_slots(
        &h,
        json!({ "location": "South", "from": MON, "to": MON, "limit": 1000 }),
    )
    .unwrap();
    assert!(south
        .iter()
        .all(|s| s.doctor_id == "ada" && s.location == "South"));
    assert_eq!(south.len(), 32);
    let grace_only = find_slots(
        &h,
        json!({ "doctorIds": ["grace"], "from": TUE, "to": FRI, "limit": 1 }),
    )
    .unwrap();
    assert_eq!(grace_only[0].start.to_string(), at(WED, "09:00"));
    fails_with!(
        h,
        ErrorCode::DoctorNotFound,
        find_slots(
            &h,
            json!({ "doctorIds": ["nobody"], "from": MON, "to": MON, "limit": 1 })
        )
    );
    for (query, bad) in [
        (json!({ "from": MON, "to": MON, "limit": 0 }), "limit"),
        (json!({ "from": MON, "to": MON, "limit": 1001 }), "limit"),
        (json!({ "from": MON, "to": MON }), "limit"),
        (
            json!({ "from": "2019-02-01", "to": "2019-03-04", "limit": 1 }),
            "to",
        ),
    ] {
        let e = err(find_slots(&h, query.clone()));
        assert_eq!(field(&e), bad, "{query}");
    }
    // 31 days is the widest window.
    assert!(find_slots(
        &h,
        json!({ "from": "2019-02-01", "to": "2019-03-03", "limit": 1 })
    )
    .is_ok());
}

// ----- explain -----

#[test]
fn explain_lists_every_reason_in_rule_order_and_agrees_with_book() {
    let mut h = hospital_with(json!({ "minNoticeMinutes": 60, "horizonDays": 30 }));
    add_doctor(
        &mut h,
        ada_with(json!({ "timeOff": [{ "start": at(MON, "10:15"), "end": at(MON, "11:00") }] })),
    )
    .unwrap();
    let mut taken = request(&at(MON, "09:30"));
    taken["now"] = json!("2019-02-01T08:00");
    taken["durationMinutes"] = json!(45);
    book(&mut h, taken).unwrap();
    let ask = |start: &str, now: &str, extra: Value| {
        let mut r = json!({ "doctorId": "ada", "location": "North", "start": start, "now": now });
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        r
    };
    let problems = explain(&h, ask(&at(MON, "10:05"), &at(MON, "10:00"), json!({}))).unwrap();
    assert_eq!(
        problems,
        [
            (ErrorCode::OffGrid, None),
            (ErrorCode::OutsideHours, Some("timeOff")),
            (ErrorCode::SlotTaken, None),
            (ErrorCode::TooSoon, None),
        ]
    );
    let problems = explain(
        &h,
        ask(
            &at(SAT, "09:00"),
            "2019-01-01T00:00",
            json!({ "location": "East" }),
        ),
    )
    .unwrap();
    assert_eq!(
        problems,
        [
            (ErrorCode::LocationNotServed, None),
            (ErrorCode::BeyondHorizon, None)
        ]
    );
    let problems = explain(&h, ask(&at(SAT, "09:00"), "2019-02-01T00:00", json!({}))).unwrap();
    assert_eq!(problems, [(ErrorCode::OutsideHours, None)]);
    let problems = explain(
        &h,
        ask(
            &at(MON, "10:00"),
            "2019-02-03T00:00",
            json!({ "durationMinutes": 30 }),
        ),
    )
    .unwrap();
    assert_eq!(
        problems,
        [
            (ErrorCode::OutsideHours, Some("timeOff")),
            (ErrorCode::SlotTaken, None)
        ]
    );
    assert!(
        explain(&h, ask(&at(TUE, "10:00"), "2019-02-01T00:00", json!({})))
            .unwrap()
            .is_empty()
    );
    // book throws exactly the first problem.
    let request = ask(&at(MON, "10:05"), &at(MON, "10:00"), json!({}));
    let first: dr_schedule::engine::ExplainRequest = input("request", request.clone()).unwrap();
    let first = h.explain(first).unwrap().remove(0);
    let e = fails!(h, book(&mut h, request));
    assert_eq!(e, first);
    // The doctor must exist, and now is needed here.
    assert_eq!(
        err(explain(
            &h,
            json!({ "doctorId": "x", "location": "North", "start": at(TUE, "10:00"), "now": NOW })
        ))
        .code,
        ErrorCode::DoctorNotFound
    );
    assert_eq!(
        field(&err(explain(
            &h,
            json!({ "doctorId": "ada", "location": "North", "start": at(TUE, "10:00") })
        ))),
        "now"
    );
}

// ----- persistence -----

/// Every new operation, with and without `now`. `tests/fixtures/snapshot-v2.json` was written
/// from it by the version 2 code (with `preventPatientOverlap` and the time zone
/// "Europe/Berlin"); this build writes version 3, so the fixture is never rewritten.
fn busy_history(h: &mut Hospital) {
    add_doctor(
        h,
        ada_with(json!({
            "schedule": [
                { "days": ["mon", "tue"], "start": "09:00", "end": "17:00" },
                { "days": ["wed"], "start": "09:00", "end": "12:00", "locations": ["South"] }
            ],
            "overrides": [{ "date": THU, "hours": [{ "start": "10:00", "end": "12:00", "locations": ["North"] }] }],
            "timeOff": [{ "start": at(TUE, "12:00"), "end": at(TUE, "13:00"), "reason": "lunch meeting" }]
        })),
    )
    .unwrap();
    let a = book_ok(
        h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00"), "patient": "p-1" }),
    );
    let held = hold(h, hold_at(&at(MON, "10:00"), NOW, 30)).unwrap();
    hold(h, hold_at(&at(MON, "11:00"), NOW, 5)).unwrap();
    confirm(h, &held.id, "2019-02-01T08:10").unwrap();
    reschedule(h, &a.id, json!({ "start": at(THU, "10:00") })).unwrap();
    reschedule(
        h,
        &a.id,
        json!({ "start": at(WED, "09:00"), "location": "South", "now": "2019-02-01T08:20" }),
    )
    .unwrap();
    let mut later = request(&at(MON, "11:00"));
    later["now"] = json!("2019-02-01T08:30");
    book_ok(h, later);
    hold(h, hold_at(&at(TUE, "09:00"), "2019-02-01T08:40", 60)).unwrap();
    update_doctor(
        h,
        "ada",
        json!({ "timeOff": [{ "start": at(TUE, "09:00"), "end": at(TUE, "10:00") }] }),
        json!({ "cancelAppointments": true }),
    )
    .unwrap();
    hold(
        h,
        json!({ "doctorId": "ada", "location": "South", "start": at(WED, "10:00"), "now": "2019-02-01T08:45", "ttlMinutes": 60, "patient": "p-2" }),
    )
    .unwrap();
}

#[test]
fn new_operations_replay_from_their_change_records() {
    let mut h = hospital_with(json!({ "preventPatientOverlap": true }));
    busy_history(&mut h);
    let all = h.changes_since(0).unwrap();
    let ops: Vec<String> = all
        .iter()
        .map(|c| {
            serde_json::to_value(c).unwrap()["op"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for op in ["hold", "confirm", "reschedule", "book", "updateDoctor"] {
        assert!(ops.iter().any(|o| o == op), "{op} in {ops:?}");
    }
    let final_snapshot = h.to_snapshot().unwrap();
    for split in 0..=all.len() {
        let mut replica = hospital_with(json!({ "preventPatientOverlap": true }));
        replica.apply_changes(all[..split].to_vec()).unwrap();
        let mut restored = Hospital::from_snapshot(&replica.to_snapshot().unwrap()).unwrap();
        // Through JSON, as a store keeps them.
        let rest: Vec<dr_schedule::engine::Change> =
            dr_schedule::engine::read_input(&all[split..], "changes").unwrap();
        restored.apply_changes(rest).unwrap();
        assert_eq!(
            restored.to_snapshot().unwrap(),
            final_snapshot,
            "split at {split}"
        );
    }
}

#[test]
fn the_v2_fixture_loads_and_is_written_back_as_version_4() {
    let text = include_str!("fixtures/snapshot-v2.json").trim_end();
    let h = Hospital::from_snapshot(text).unwrap();
    let v4 = h.to_snapshot().unwrap();
    assert!(v4.starts_with("{\"format\":\"dr-schedule\",\"version\":4,"));
    assert_eq!(
        Hospital::from_snapshot(&v4).unwrap().to_snapshot().unwrap(),
        v4
    );
    // Version 2 kept its timeZone as a label and computed in floating wall-clock time: it
    // loads as it was, floating.
    assert_eq!(h.options().time_zone, None);
    assert!(!h.is_zoned());
    let ada = h.get_doctor("ada").unwrap();
    assert_eq!(ada.overrides.len(), 1);
    assert_eq!(ada.time_off.len(), 1);
    assert!(ada.schedule.iter().any(|r| r.locations.is_some()));
    assert!(h
        .all_appointments()
        .any(|a| a.status() == AppointmentStatus::Held));
    assert!(h
        .all_appointments()
        .any(|a| !a.rescheduled_from().is_empty()));
    assert!(h.options().prevent_patient_overlap);
    assert_eq!(
        h.clock().map(|c| c.to_string()).as_deref(),
        Some("2019-02-01T08:45")
    );
}

#[test]
fn a_snapshot_with_a_lapsed_or_malformed_hold_is_refused() {
    let text = include_str!("fixtures/snapshot-v2.json");
    let mut value: Value = serde_json::from_str(text).unwrap();
    let held = value["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .position(|a| a["status"] == "held")
        .unwrap();
    let mut lapsed = value.clone();
    lapsed["lastNow"] = json!("2019-03-01T00:00");
    let e = Hospital::from_snapshot(&lapsed.to_string()).err().unwrap();
    assert_eq!(path(&e), format!("appointments[{held}].holdExpires"));
    value["appointments"][held]["status"] = json!("booked");
    let e = Hospital::from_snapshot(&value.to_string()).err().unwrap();
    assert_eq!(path(&e), format!("appointments[{held}].holdExpires"));
}
