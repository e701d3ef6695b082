//! Doctor CRUD (the README's "API"): adding, reading, listing, updating and removing doctors,
//! assigned ids, profile validation, and the `HAS_APPOINTMENTS` guard that keeps an update or a
//! removal from silently orphaning booked appointments.

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
use dr_schedule::engine::{AppointmentStatus, Doctor, ErrorCode, Weekday};
use serde_json::{json, Value};

fn ids(h: &dr_schedule::engine::Hospital) -> Vec<String> {
    h.list_doctors().map(|d| d.id.clone()).collect()
}

fn status(h: &dr_schedule::engine::Hospital, id: &str) -> AppointmentStatus {
    h.get_appointment(id).unwrap().to_appointment().status
}

// ----- add, get, list -----

#[test]
fn add_returns_the_doctor_and_get_finds_it() {
    let mut h = hospital();
    let added = add_doctor(&mut h, ada()).unwrap();
    assert_eq!(added.id, "ada");
    assert_eq!(added.name, "Dr. Ada Lovelace");
    assert_eq!(added.locations, ["North", "South"]);
    assert_eq!(added.schedule.len(), 1);
    assert_eq!(
        added.schedule[0].days,
        [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri
        ]
    );
    assert_eq!(added.schedule[0].start.to_string(), "09:00");
    assert_eq!(added.schedule[0].end.to_string(), "17:00");
    assert_eq!(h.get_doctor("ada").unwrap(), &added);
    // The doctor serializes back to the shape it came in.
    assert_eq!(serde_json::to_value(&added).unwrap(), ada());
}

#[test]
fn unknown_doctors_are_doctor_not_found() {
    let mut h = clinic();
    let e = fails_with!(h, ErrorCode::DoctorNotFound, h.get_doctor("nobody"));
    assert_eq!(e.details.doctor_id.as_deref(), Some("nobody"));
    fails_with!(
        h,
        ErrorCode::DoctorNotFound,
        update_doctor(&mut h, "nobody", json!({ "name": "X" }), json!({}))
    );
    fails_with!(
        h,
        ErrorCode::DoctorNotFound,
        remove_doctor(&mut h, "nobody", json!({ "cancelAppointments": true }))
    );
}

#[test]
fn list_is_in_insertion_order() {
    let mut h = hospital();
    assert!(ids(&h).is_empty());
    for id in ["zeta", "alpha", "mid"] {
        let mut doctor = grace();
        doctor["id"] = json!(id);
        add_doctor(&mut h, doctor).unwrap();
    }
    let mut anonymous = grace();
    anonymous.as_object_mut().unwrap().remove("id");
    add_doctor(&mut h, anonymous.clone()).unwrap();
    assert_eq!(ids(&h), ["zeta", "alpha", "mid", "d1"]);
    // An update keeps the place; a removal and re-add moves to the end.
    update_doctor(&mut h, "zeta", json!({ "name": "Dr. Zeta" }), json!({})).unwrap();
    assert_eq!(ids(&h), ["zeta", "alpha", "mid", "d1"]);
    remove_doctor(&mut h, "alpha", json!({})).unwrap();
    assert_eq!(ids(&h), ["zeta", "mid", "d1"]);
    let mut again = grace();
    again["id"] = json!("alpha");
    add_doctor(&mut h, again).unwrap();
    assert_eq!(ids(&h), ["zeta", "mid", "d1", "alpha"]);
}

#[test]
fn assigned_ids_count_up_and_skip_ids_the_host_chose() {
    let mut h = hospital();
    let mut anonymous = grace();
    anonymous.as_object_mut().unwrap().remove("id");
    let with_id = |id: &str| {
        let mut doctor = grace();
        doctor["id"] = json!(id);
        doctor
    };
    assert_eq!(add_doctor(&mut h, anonymous.clone()).unwrap().id, "d1");
    add_doctor(&mut h, with_id("d2")).unwrap();
    add_doctor(&mut h, with_id("d4")).unwrap();
    assert_eq!(add_doctor(&mut h, anonymous.clone()).unwrap().id, "d3");
    assert_eq!(add_doctor(&mut h, anonymous.clone()).unwrap().id, "d5");
    assert_eq!(ids(&h), ["d1", "d2", "d4", "d3", "d5"]);
    // Assigned ids are not reused after a removal.
    remove_doctor(&mut h, "d5", json!({})).unwrap();
    assert_eq!(add_doctor(&mut h, anonymous).unwrap().id, "d6");

    // Appointments likewise: a1, a2… skipping host-chosen ids.
    let mut h = clinic();
    let request = |time: &str, id: Option<&str>| {
        let mut r = json!({ "doctorId": "ada", "location": "North", "start": at(MON, time) });
        if let Some(id) = id {
            r["id"] = json!(id);
        }
        r
    };
    assert_eq!(book_ok(&mut h, request("09:00", None)).id, "a1");
    book_ok(&mut h, request("09:15", Some("a2")));
    assert_eq!(book_ok(&mut h, request("09:30", None)).id, "a3");
    book_ok(&mut h, request("09:45", Some("a4")));
    book_ok(&mut h, request("10:00", Some("a5")));
    assert_eq!(book_ok(&mut h, request("10:15", None)).id, "a6");
}

#[test]
fn an_id_in_use_is_duplicate_id() {
    let mut h = clinic();
    let mut copy = grace();
    copy["name"] = json!("Another Grace");
    let e = fails_with!(h, ErrorCode::DuplicateId, add_doctor(&mut h, copy));
    assert_eq!(e.details.id.as_deref(), Some("grace"));
    assert_eq!(h.get_doctor("grace").unwrap().name, "Dr. Grace Hopper");
    // An assigned id is in use too.
    let mut anonymous = grace();
    anonymous.as_object_mut().unwrap().remove("id");
    add_doctor(&mut h, anonymous).unwrap();
    let mut d1 = grace();
    d1["id"] = json!("d1");
    fails_with!(h, ErrorCode::DuplicateId, add_doctor(&mut h, d1));
}

// ----- profile validation -----

fn with(mut doctor: Value, key: &str, value: Value) -> Value {
    doctor[key] = value;
    doctor
}

#[test]
fn invalid_profiles_are_invalid_input_naming_the_field() {
    let mut h = clinic();
    let rule =
        |days: Value, start: &str, end: &str| json!([{ "days": days, "start": start, "end": end }]);
    let cases = [
        (with(ada(), "id", json!("new")), "name", json!(""), "name"),
        (
            with(ada(), "id", json!("new")),
            "name",
            json!("   "),
            "name",
        ),
        (
            with(ada(), "id", json!("new")),
            "name",
            json!("Dr.\nAda"),
            "name",
        ),
        (
            with(ada(), "id", json!("new")),
            "name",
            json!("x".repeat(201)),
            "name",
        ),
        (
            with(ada(), "id", json!("new")),
            "locations",
            json!([]),
            "locations",
        ),
        (
            with(ada(), "id", json!("new")),
            "locations",
            json!(["North", ""]),
            "locations[1]",
        ),
        (
            with(ada(), "id", json!("new")),
            "locations",
            json!(["North", "South", "North"]),
            "locations[2]",
        ),
        (
            with(ada(), "id", json!("new")),
            "schedule",
            rule(json!(["mon"]), "10:00", "10:00"),
            "schedule[0].end",
        ),
        (
            with(ada(), "id", json!("new")),
            "schedule",
            rule(json!(["mon"]), "12:00", "09:00"),
            "schedule[0].end",
        ),
        (
            with(ada(), "id", json!("new")),
            "schedule",
            json!([{ "days": ["mon"], "start": "09:00", "end": "12:00" },
                   { "days": [], "start": "09:00", "end": "12:00" }]),
            "schedule[1].days",
        ),
        (
            with(ada(), "id", json!("new")),
            "schedule",
            rule(json!(["mon", "mon"]), "09:00", "12:00"),
            "schedule[0].days[1]",
        ),
        (
            with(ada(), "id", json!("new")),
            "schedule",
            rule(json!(["funday"]), "09:00", "12:00"),
            "schedule[0].days[0]",
        ),
        (
            with(ada(), "id", json!("new")),
            "schedule",
            rule(json!(["mon"]), "25:00", "12:00"),
            "schedule[0].start",
        ),
        (
            with(ada(), "id", json!("new")),
            "schedule",
            rule(json!(["mon"]), "09:00", "24:15"),
            "schedule[0].end",
        ),
        (
            with(ada(), "id", json!("new")),
            "id",
            json!("has space"),
            "id",
        ),
        (with(ada(), "id", json!("new")), "id", json!(""), "id"),
        (
            with(ada(), "id", json!("new")),
            "extra",
            json!(true),
            "extra",
        ),
        (with(ada(), "id", json!("new")), "name", json!(42), "name"),
    ];
    for (doctor, key, value, bad) in cases {
        let doctor = with(doctor, key, value);
        let e = fails_with!(
            h,
            ErrorCode::InvalidInput,
            add_doctor(&mut h, doctor.clone())
        );
        assert_eq!(field(&e), bad, "{doctor}");
    }
    // A schedule may be empty (a doctor not seeing patients yet), and end at 24:00.
    add_doctor(
        &mut h,
        with(with(ada(), "id", json!("idle")), "schedule", json!([])),
    )
    .unwrap();
    add_doctor(
        &mut h,
        with(
            with(ada(), "id", json!("night")),
            "schedule",
            rule(json!(["sun"]), "00:00", "24:00"),
        ),
    )
    .unwrap();
}

#[test]
fn invalid_patches_are_invalid_input_and_change_nothing() {
    let mut h = clinic();
    for (patch, bad) in [
        (json!({ "name": "" }), "name"),
        (json!({ "locations": [] }), "locations"),
        (json!({ "locations": ["North", "North"] }), "locations[1]"),
        (
            json!({ "schedule": [{ "days": ["mon"], "start": "17:00", "end": "09:00" }] }),
            "schedule[0].end",
        ),
        (
            json!({ "schedule": [{ "days": [], "start": "09:00", "end": "17:00" }] }),
            "schedule[0].days",
        ),
        (json!({ "id": "renamed" }), "id"),
    ] {
        let e = fails_with!(
            h,
            ErrorCode::InvalidInput,
            update_doctor(
                &mut h,
                "ada",
                patch.clone(),
                json!({ "cancelAppointments": true })
            )
        );
        assert_eq!(field(&e), bad, "{patch}");
    }
}

// ----- update -----

#[test]
fn update_replaces_only_the_fields_it_names() {
    let mut h = clinic();
    let before = h.get_doctor("ada").unwrap().clone();
    let updated = update_doctor(
        &mut h,
        "ada",
        json!({ "name": "Dr. A. Lovelace" }),
        json!({}),
    )
    .unwrap();
    assert_eq!(
        updated,
        Doctor {
            name: "Dr. A. Lovelace".into(),
            ..before.clone()
        }
    );
    assert_eq!(h.get_doctor("ada").unwrap(), &updated);
    let updated = update_doctor(
        &mut h,
        "ada",
        json!({ "locations": ["West"], "schedule": [{ "days": ["sat"], "start": "08:00", "end": "12:00" }] }),
        json!({}),
    )
    .unwrap();
    assert_eq!(updated.name, "Dr. A. Lovelace");
    assert_eq!(updated.locations, ["West"]);
    assert_eq!(updated.schedule[0].days, [Weekday::Sat]);
    // The new profile is what booking uses.
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "West", "start": at(SAT, "08:00") }),
    );
    fails_with!(
        h,
        ErrorCode::LocationNotServed,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "North", "start": at(SAT, "09:00") })
        )
    );
    fails_with!(
        h,
        ErrorCode::OutsideHours,
        book(
            &mut h,
            json!({ "doctorId": "ada", "location": "West", "start": at(MON, "09:00") })
        )
    );
    // An empty patch changes nothing and succeeds.
    assert_eq!(
        update_doctor(&mut h, "ada", json!({}), json!({})).unwrap(),
        updated
    );
}

/// Ada with booked appointments at both clinics over three days, booked out of start order,
/// plus one cancelled appointment at South.
fn ada_with_appointments() -> dr_schedule::engine::Hospital {
    let mut h = clinic();
    for (id, location, date, time, duration) in [
        ("tue-south", "South", TUE, "11:00", 15),
        ("mon-north", "North", MON, "10:00", 15),
        ("mon-south", "South", MON, "09:00", 15),
        ("mon-late", "North", MON, "16:00", 30),
        ("tue-north", "North", TUE, "11:45", 30),
        ("wed-north", "North", WED, "11:45", 15),
        ("old-south", "South", WED, "09:00", 15),
    ] {
        book_ok(
            &mut h,
            json!({ "doctorId": "ada", "location": location, "start": at(date, time),
                    "durationMinutes": duration, "id": id }),
        );
    }
    cancel(&mut h, "old-south", json!({ "reason": "moved" })).unwrap();
    // Grace's appointment is never affected by Ada's changes.
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:00"), "id": "grace-1" }),
    );
    h
}

fn has_appointments(
    h: &mut dr_schedule::engine::Hospital,
    patch: Value,
    options: Value,
) -> Vec<String> {
    let e = fails_with!(
        h,
        ErrorCode::HasAppointments,
        update_doctor(h, "ada", patch.clone(), options)
    );
    assert_eq!(e.details.doctor_id.as_deref(), Some("ada"));
    e.details.appointment_ids.clone().unwrap()
}

#[test]
fn removing_a_location_with_booked_appointments_is_has_appointments() {
    let mut h = ada_with_appointments();
    let patch = json!({ "locations": ["North"] });
    assert_eq!(
        has_appointments(&mut h, patch.clone(), json!({})),
        ["mon-south", "tue-south"]
    );
    assert_eq!(
        has_appointments(
            &mut h,
            patch.clone(),
            json!({ "cancelAppointments": false })
        ),
        ["mon-south", "tue-south"]
    );
    assert_eq!(h.get_doctor("ada").unwrap().locations, ["North", "South"]);

    let revision = h.revision();
    let updated =
        update_doctor(&mut h, "ada", patch, json!({ "cancelAppointments": true })).unwrap();
    assert_eq!(updated.locations, ["North"]);
    assert_eq!(h.revision(), revision + 1);
    assert_eq!(status(&h, "mon-south"), AppointmentStatus::Cancelled);
    assert_eq!(status(&h, "tue-south"), AppointmentStatus::Cancelled);
    for untouched in ["mon-north", "mon-late", "tue-north", "wed-north", "grace-1"] {
        assert_eq!(
            status(&h, untouched),
            AppointmentStatus::Booked,
            "{untouched}"
        );
    }
    // The one cancelled before keeps its own reason.
    assert_eq!(
        h.get_appointment("old-south").unwrap().cancel_reason(),
        Some("moved")
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({})),
        ["mon-north", "mon-late", "tue-north", "wed-north"]
    );
    // The freed time can be booked again, at the clinic Ada still serves.
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00") }),
    );
}

#[test]
fn shrinking_hours_with_booked_appointments_is_has_appointments() {
    let mut h = ada_with_appointments();
    // Mornings only, and no Wednesday: 11:45-12:00 still fits, 11:45-12:15 does not.
    let patch = json!({ "schedule": [
        { "days": ["mon", "tue", "thu", "fri"], "start": "09:00", "end": "12:00" }
    ] });
    assert_eq!(
        has_appointments(&mut h, patch.clone(), json!({})),
        ["mon-late", "tue-north", "wed-north"]
    );
    update_doctor(&mut h, "ada", patch, json!({ "cancelAppointments": true })).unwrap();
    for cancelled in ["mon-late", "tue-north", "wed-north"] {
        assert_eq!(
            status(&h, cancelled),
            AppointmentStatus::Cancelled,
            "{cancelled}"
        );
    }
    assert_eq!(
        appointment_ids(&h, "ada", json!({})),
        ["mon-south", "mon-north", "tue-south"]
    );
    assert_eq!(status(&h, "grace-1"), AppointmentStatus::Booked);
}

#[test]
fn a_change_to_locations_and_hours_lists_every_orphan_by_start() {
    let mut h = ada_with_appointments();
    let patch = json!({
        "name": "Dr. A. Lovelace",
        "locations": ["North", "East"],
        "schedule": [{ "days": ["mon", "tue", "wed"], "start": "10:00", "end": "12:00" }]
    });
    let before = h.get_doctor("ada").unwrap().clone();
    assert_eq!(
        has_appointments(&mut h, patch.clone(), json!({})),
        ["mon-south", "mon-late", "tue-south", "tue-north"]
    );
    assert_eq!(
        h.get_doctor("ada").unwrap(),
        &before,
        "nothing changed, not even the name"
    );
    let updated =
        update_doctor(&mut h, "ada", patch, json!({ "cancelAppointments": true })).unwrap();
    assert_eq!(updated.name, "Dr. A. Lovelace");
    assert_eq!(
        appointment_ids(&h, "ada", json!({})),
        ["mon-north", "wed-north"]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "cancelled" })),
        [
            "mon-south",
            "mon-late",
            "tue-south",
            "tue-north",
            "old-south"
        ]
    );
}

#[test]
fn updates_that_orphan_nothing_need_no_flag() {
    let mut h = ada_with_appointments();
    for patch in [
        json!({ "name": "Dr. A. Lovelace" }),
        json!({ "locations": ["South", "North", "East"] }),
        json!({ "locations": ["North", "South"] }),
        json!({ "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri", "sat"], "start": "08:00", "end": "18:00" }] }),
        // Split into touching rules: the blocks are the same, 11:45-12:15 still fits.
        json!({ "schedule": [
            { "days": ["mon", "tue", "wed"], "start": "09:00", "end": "12:00" },
            { "days": ["mon", "tue", "wed"], "start": "12:00", "end": "16:30" }
        ] }),
        // Tightly around what is booked: Monday 09:00-10:15 and 16:00-16:30, Tuesday 11:00-12:15,
        // Wednesday 11:45-12:00.
        json!({ "schedule": [
            { "days": ["mon"], "start": "09:00", "end": "10:15" },
            { "days": ["mon"], "start": "16:00", "end": "16:30" },
            { "days": ["tue"], "start": "11:00", "end": "12:15" },
            { "days": ["wed"], "start": "11:45", "end": "12:00" }
        ] }),
    ] {
        let revision = h.revision();
        update_doctor(&mut h, "ada", patch.clone(), json!({})).unwrap();
        assert_eq!(h.revision(), revision + 1, "{patch}");
        assert_eq!(appointment_ids(&h, "ada", json!({})).len(), 6, "{patch}");
    }
    // With the flag and nothing in the way, nothing is cancelled.
    update_doctor(
        &mut h,
        "ada",
        json!({ "name": "Dr. Ada" }),
        json!({ "cancelAppointments": true }),
    )
    .unwrap();
    assert_eq!(appointment_ids(&h, "ada", json!({})).len(), 6);
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "cancelled" })),
        ["old-south"]
    );
}

#[test]
fn cancelled_appointments_never_block_an_update() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "16:00"), "durationMinutes": 60 }),
    );
    cancel(&mut h, &a.id, json!({ "reason": "patient moved" })).unwrap();
    let updated = update_doctor(
        &mut h,
        "ada",
        json!({ "locations": ["North"], "schedule": [{ "days": ["tue"], "start": "09:00", "end": "10:00" }] }),
        json!({}),
    )
    .unwrap();
    assert_eq!(updated.locations, ["North"]);
    // The cancelled appointment is kept exactly as it was.
    let kept = h.get_appointment(&a.id).unwrap();
    assert_eq!(kept.location(), "South");
    assert_eq!(kept.status(), AppointmentStatus::Cancelled);
    assert_eq!(kept.cancel_reason(), Some("patient moved"));
}

// ----- remove -----

#[test]
fn remove_returns_the_doctor_and_forgets_it() {
    let mut h = clinic();
    let grace = h.get_doctor("grace").unwrap().clone();
    let removed = remove_doctor(&mut h, "grace", json!({})).unwrap();
    assert_eq!(removed, grace);
    fails_with!(h, ErrorCode::DoctorNotFound, h.get_doctor("grace"));
    assert_eq!(ids(&h), ["ada"]);
    fails_with!(
        h,
        ErrorCode::DoctorNotFound,
        book(
            &mut h,
            json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:00") })
        )
    );
    // The id is free again.
    add_doctor(&mut h, common::grace()).unwrap();
}

#[test]
fn remove_refuses_while_anything_is_booked() {
    let mut h = ada_with_appointments();
    for options in [json!({}), json!({ "cancelAppointments": false })] {
        let e = fails_with!(
            h,
            ErrorCode::HasAppointments,
            remove_doctor(&mut h, "ada", options)
        );
        assert_eq!(e.details.doctor_id.as_deref(), Some("ada"));
        assert_eq!(
            e.details.appointment_ids.clone().unwrap(),
            [
                "mon-south",
                "mon-north",
                "mon-late",
                "tue-south",
                "tue-north",
                "wed-north"
            ]
        );
    }
    // One booked appointment is enough to refuse.
    for id in [
        "mon-south",
        "mon-north",
        "mon-late",
        "tue-south",
        "tue-north",
    ] {
        cancel(&mut h, id, json!({})).unwrap();
    }
    let e = fails_with!(
        h,
        ErrorCode::HasAppointments,
        remove_doctor(&mut h, "ada", json!({}))
    );
    assert_eq!(e.details.appointment_ids.clone().unwrap(), ["wed-north"]);
}

#[test]
fn remove_with_the_flag_removes_the_whole_history() {
    let mut h = ada_with_appointments();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(THU, "10:00"),
                "id": "with-request", "requestId": "req-ada" }),
    );
    let revision = h.revision();
    let removed = remove_doctor(&mut h, "ada", json!({ "cancelAppointments": true })).unwrap();
    assert_eq!(removed.id, "ada");
    assert_eq!(h.revision(), revision + 1);
    fails_with!(h, ErrorCode::DoctorNotFound, h.get_doctor("ada"));
    for id in [
        "mon-south",
        "mon-north",
        "mon-late",
        "tue-south",
        "tue-north",
        "wed-north",
        "old-south",
        "with-request",
    ] {
        fails_with!(h, ErrorCode::AppointmentNotFound, h.get_appointment(id));
    }
    // Nothing of Ada's is left in the snapshot; Grace's appointment is.
    let snapshot: Value = serde_json::from_str(&h.to_snapshot().unwrap()).unwrap();
    let left: Vec<&str> = snapshot["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[0].as_str().unwrap())
        .collect();
    assert_eq!(left, ["grace-1"]);
    assert_eq!(status(&h, "grace-1"), AppointmentStatus::Booked);

    // Their ids and requestIds are free again: the same requestId books anew (it is not a
    // replay of the removed appointment) and the same id is accepted.
    let again = book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(WED, "10:00"),
                "id": "with-request", "requestId": "req-ada" }),
    );
    assert_eq!(again.doctor_id, "grace");
    assert_eq!(again.status, AppointmentStatus::Booked);
    book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "09:00"), "id": "mon-south" }),
    );
    // And so is the doctor's id; the new Ada starts with no history.
    add_doctor(&mut h, ada()).unwrap();
    assert!(appointment_ids(&h, "ada", json!({ "status": "all" })).is_empty());
}

#[test]
fn removing_a_doctor_with_only_cancelled_appointments_needs_no_flag() {
    let mut h = clinic();
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:00"), "requestId": "r1" }),
    );
    cancel(&mut h, &a.id, json!({})).unwrap();
    remove_doctor(&mut h, "grace", json!({})).unwrap();
    fails_with!(h, ErrorCode::AppointmentNotFound, h.get_appointment(&a.id));
    // The requestId is free: the same request books a new appointment.
    add_doctor(&mut h, grace()).unwrap();
    let again = book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(MON, "10:00"), "requestId": "r1" }),
    );
    assert_eq!(again.status, AppointmentStatus::Booked);
}
