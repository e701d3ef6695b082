//! The snapshot format (the README's "Persisting a hospital"): deterministic text that round-trips
//! byte for byte, a restored hospital that behaves like the original, the golden v1 fixture, and
//! every way `fromSnapshot` refuses a malformed or inconsistent snapshot (code and `details.path`).

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
use dr_schedule::engine::{AppointmentStatus, Error, ErrorCode, Hospital};
use serde_json::{json, Value};

/// The golden fixture: a small v1 snapshot written once by the 0.1 code's `to_snapshot` (after
/// commit 4c6876b) and checked in; never regenerate it. Its history: four doctors added (the
/// third, `d2`, later removed with its booking), appointments with patients, request ids and a
/// host-chosen id, two cancelled with and without a reason, one at the same start as a
/// cancelled one, one ending at 24:00, and Dr. Ada's move away from "Klinik Süd" cancelling her
/// appointment there (`cancelAppointments: true`). It must keep loading after the format moves
/// on (the README's "Persisting a hospital": a golden fixture per released version).
const FIXTURE_V1: &str = include_str!("fixtures/snapshot-v1.json");

fn round_trip(text: &str) -> String {
    Hospital::from_snapshot(text)
        .unwrap()
        .to_snapshot()
        .unwrap()
}

/// A hospital with some history: custom options with a time zone, several doctors (one
/// removed, one updated with `cancelAppointments`), booked and cancelled appointments with
/// patients, request ids, reasons and host-chosen ids.
fn busy() -> Hospital {
    let mut h = hospital_with(json!({
        "slotMinutes": 15, "defaultDurationMinutes": 30, "timeZone": "America/New_York"
    }));
    add_doctor(&mut h, ada()).unwrap();
    add_doctor(&mut h, grace()).unwrap();
    let mut anonymous = grace();
    anonymous.as_object_mut().unwrap().remove("id");
    anonymous["name"] = json!("Dr. Temp");
    let temp = add_doctor(&mut h, anonymous.clone()).unwrap();
    anonymous["name"] = json!("Dr. Night Shift");
    anonymous["locations"] = json!(["ER"]);
    anonymous["schedule"] = json!([{ "days": ["fri", "sat"], "start": "20:00", "end": "24:00" }]);
    let night = add_doctor(&mut h, anonymous).unwrap();

    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00"),
                "patient": "patient-1", "requestId": "req-1" }),
    );
    let a = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:00"),
                "durationMinutes": 45, "patient": "patient-2" }),
    );
    cancel(&mut h, &a.id, json!({ "reason": "patient called in sick" })).unwrap();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"),
                "id": "visit-7", "patient": "patient-3" }),
    );
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(TUE, "16:30") }),
    );
    let g = book_ok(
        &mut h,
        json!({ "doctorId": "grace", "location": "North", "start": at(WED, "11:00"),
                "requestId": "req-2" }),
    );
    cancel(&mut h, &g.id, json!({})).unwrap();
    book_ok(
        &mut h,
        json!({ "doctorId": &temp.id, "location": "North", "start": at(MON, "09:00"),
                "requestId": "req-temp" }),
    );
    remove_doctor(&mut h, &temp.id, json!({ "cancelAppointments": true })).unwrap();
    book_ok(
        &mut h,
        json!({ "doctorId": &night.id, "location": "ER", "start": at(FRI, "23:30") }),
    );
    // Ada leaves South: her Tuesday appointment there is cancelled with the update.
    update_doctor(
        &mut h,
        "ada",
        json!({ "locations": ["North"] }),
        json!({ "cancelAppointments": true }),
    )
    .unwrap();
    h
}

// ----- round trips -----

#[test]
fn an_empty_hospital_round_trips_byte_for_byte() {
    let h = hospital();
    let text = h.to_snapshot().unwrap();
    assert_eq!(round_trip(&text), text);
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["format"], "dr-schedule");
    assert_eq!(value["version"], 2);
    assert_eq!(value["revision"], 0);
    assert_eq!(value["lastNow"], Value::Null);
    assert_eq!(
        value["options"],
        json!({ "slotMinutes": 15, "defaultDurationMinutes": 15, "timeZone": null })
    );
    assert_eq!(value["doctors"], json!([]));
    assert_eq!(value["appointments"], json!([]));
    assert!(value["nextIds"].is_object());
    // The fields come in the documented order.
    let order = [
        "\"format\"",
        "\"version\"",
        "\"revision\"",
        "\"options\"",
        "\"doctors\"",
        "\"appointments\"",
        "\"nextIds\"",
        "\"lastNow\"",
    ];
    let positions: Vec<usize> = order.iter().map(|key| text.find(key).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn a_busy_hospital_round_trips_byte_for_byte() {
    let h = busy();
    let text = h.to_snapshot().unwrap();
    assert_eq!(
        h.to_snapshot().unwrap(),
        text,
        "the same state gives the same text"
    );
    assert_eq!(
        busy().to_snapshot().unwrap(),
        text,
        "the same history gives the same text"
    );
    let restored = Hospital::from_snapshot(&text).unwrap();
    assert_eq!(restored.to_snapshot().unwrap(), text);
    assert_eq!(round_trip(&round_trip(&text)), text);
    assert_eq!(restored.revision(), h.revision());
    assert_eq!(restored.options(), h.options());
    assert_eq!(restored.next_ids(), h.next_ids());
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["options"]["timeZone"], "America/New_York");
    assert_eq!(value["revision"], h.revision());
    // The snapshot holds the same objects the API returns, cancelled ones included.
    let doctors: Vec<Value> = h
        .list_doctors()
        .map(|d| serde_json::to_value(d).unwrap())
        .collect();
    assert_eq!(value["doctors"], json!(doctors));
    for appointment in value["appointments"].as_array().unwrap() {
        let id = appointment["id"].as_str().unwrap();
        assert_eq!(
            appointment,
            &serde_json::to_value(h.get_appointment(id).unwrap()).unwrap()
        );
    }
    let cancelled = value["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == "cancelled")
        .count();
    assert_eq!(cancelled, 3);
}

#[test]
fn a_restored_hospital_behaves_like_the_original() {
    let original = busy();
    let restored = Hospital::from_snapshot(&original.to_snapshot().unwrap()).unwrap();
    assert_eq!(
        restored.list_doctors().collect::<Vec<_>>(),
        original.list_doctors().collect::<Vec<_>>()
    );
    for (doctor, query) in [
        ("ada", json!({ "status": "all" })),
        ("ada", json!({})),
        ("grace", json!({ "status": "cancelled" })),
        ("d2", json!({ "status": "all" })),
    ] {
        assert_eq!(
            appointments(&restored, doctor, query.clone()).unwrap(),
            appointments(&original, doctor, query).unwrap()
        );
    }
    assert_eq!(
        slots(&restored, "ada", json!({ "from": MON, "to": FRI })).unwrap(),
        slots(&original, "ada", json!({ "from": MON, "to": FRI })).unwrap()
    );

    // Run the same calls on both, successes and failures alike: same results, same text.
    let mut a = original;
    let mut b = restored;
    let mut anonymous = grace();
    anonymous.as_object_mut().unwrap().remove("id");
    type Step = Box<dyn Fn(&mut Hospital) -> Result<String, Error>>;
    let steps: Vec<Step> = vec![
        // Conflicts with visit-7 (Ada, Monday 10:00-10:30).
        Box::new(|h| {
            book(
                h,
                json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:15") }),
            )
            .map(|a| a.id)
        }),
        // A replay of req-1 returns a1.
        Box::new(|h| {
            book(
                h,
                json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00"),
                        "patient": "patient-1", "requestId": "req-1" }),
            )
            .map(|a| a.id)
        }),
        // Reusing req-2 differently.
        Box::new(|h| {
            book(
                h,
                json!({ "doctorId": "grace", "location": "North", "start": at(MON, "09:00"),
                            "requestId": "req-2" }),
            )
            .map(|a| a.id)
        }),
        // The freed time of a cancelled appointment books, with the next assigned id.
        Box::new(|h| {
            book(
                h,
                json!({ "doctorId": "ada", "location": "North", "start": at(TUE, "16:30") }),
            )
            .map(|a| a.id)
        }),
        Box::new(|h| cancel(h, "visit-7", json!({ "reason": "rescheduled" })).map(|a| a.id)),
        Box::new(|h| cancel(h, "visit-7", json!({})).map(|a| a.id)),
        Box::new(move |h| add_doctor(h, anonymous.clone()).map(|d| d.id)),
        Box::new(|h| update_doctor(h, "ada", json!({ "schedule": [] }), json!({})).map(|d| d.id)),
        Box::new(|h| remove_doctor(h, "grace", json!({})).map(|d| d.id)),
    ];
    let mut results = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let from_a = step(&mut a);
        let from_b = step(&mut b);
        assert_eq!(from_a, from_b, "step {i}");
        assert_eq!(
            a.to_snapshot().unwrap(),
            b.to_snapshot().unwrap(),
            "step {i}"
        );
        assert_eq!(a.revision(), b.revision(), "step {i}");
        results.push(from_a);
    }
    let codes: Vec<Result<String, ErrorCode>> =
        results.into_iter().map(|r| r.map_err(|e| e.code)).collect();
    assert_eq!(
        codes,
        [
            Err(ErrorCode::SlotTaken),
            Ok("a1".to_owned()),
            Err(ErrorCode::RequestIdReused),
            Ok("a7".to_owned()),
            Ok("visit-7".to_owned()),
            Err(ErrorCode::AlreadyCancelled),
            Ok("d3".to_owned()),
            Err(ErrorCode::HasAppointments),
            Ok("grace".to_owned()),
        ]
    );
}

#[test]
fn a_restored_hospital_keeps_conflicts_and_id_counters() {
    let mut h = clinic();
    let first = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "10:00"), "durationMinutes": 30 }),
    );
    let mut anonymous = grace();
    anonymous.as_object_mut().unwrap().remove("id");
    add_doctor(&mut h, anonymous.clone()).unwrap();
    let mut restored = Hospital::from_snapshot(&h.to_snapshot().unwrap()).unwrap();
    let e = fails_with!(
        restored,
        ErrorCode::SlotTaken,
        book(
            &mut restored,
            json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:15") })
        )
    );
    assert_eq!(
        e.details.conflicting_appointment_id.as_deref(),
        Some(first.id.as_str())
    );
    assert_eq!(first.id, "a1");
    assert_eq!(
        book_ok(
            &mut restored,
            json!({ "doctorId": "ada", "location": "South", "start": at(MON, "10:30") })
        )
        .id,
        "a2"
    );
    assert_eq!(add_doctor(&mut restored, anonymous).unwrap().id, "d2");
    assert_eq!(restored.revision(), h.revision() + 2);
}

// ----- the golden fixture -----

#[test]
fn the_v1_fixture_loads_and_re_serializes_byte_for_byte() {
    // Version 1 loads and is written as version 2: the same text with the new version and
    // `lastNow` (null: version 1 knew no current time).
    let text = FIXTURE_V1
        .trim_end()
        .replacen("\"version\":1,", "\"version\":2,", 1);
    let text = format!("{},\"lastNow\":null}}", text.strip_suffix('}').unwrap());
    let mut h = Hospital::from_snapshot(FIXTURE_V1).unwrap();
    assert_eq!(h.to_snapshot().unwrap(), text);
    // What it holds.
    assert_eq!(h.revision(), 17);
    assert_eq!(h.options().slot_minutes, 15);
    assert_eq!(h.options().default_duration_minutes, 30);
    assert_eq!(h.options().time_zone.as_deref(), Some("Europe/Berlin"));
    let doctors: Vec<&str> = h.list_doctors().map(|d| d.id.as_str()).collect();
    assert_eq!(doctors, ["d1", "dr-grace", "d3"]);
    assert_eq!(
        appointment_ids(&h, "d1", json!({ "status": "all" })),
        ["a1", "a2", "visit-42"]
    );
    let a2 = h.get_appointment("a2").unwrap();
    assert_eq!(a2.status(), AppointmentStatus::Cancelled);
    assert_eq!(
        a2.location(),
        "Klinik Süd",
        "a cancelled appointment at a former location"
    );
    assert_eq!(
        appointment_ids(
            &h,
            "dr-grace",
            json!({ "status": "all", "from": "2026-03-03", "to": "2026-03-03" })
        ),
        ["a4", "a5"]
    );
    assert_eq!(
        h.get_appointment("a4")
            .unwrap()
            .to_appointment()
            .cancel_reason
            .as_deref(),
        Some("Patient hat abgesagt")
    );
    assert_eq!(
        h.get_appointment("a7")
            .unwrap()
            .to_appointment()
            .end
            .to_string(),
        "2026-03-07T00:00"
    );
    // It behaves: replays, conflicts, counters.
    let revision = h.revision();
    let replay = book_ok(
        &mut h,
        json!({ "doctorId": "d1", "location": "Hauptstraße 1, Berlin", "start": "2026-03-02T08:00",
                "patient": "patient-1001", "requestId": "req-7f3a" }),
    );
    assert_eq!(replay.id, "a1");
    assert_eq!(h.revision(), revision);
    let e = fails_with!(
        h,
        ErrorCode::SlotTaken,
        book(
            &mut h,
            json!({ "doctorId": "d3", "location": "Notaufnahme", "start": "2026-03-07T19:00" })
        )
    );
    assert_eq!(e.details.conflicting_appointment_id.as_deref(), Some("a8"));
    let next = book_ok(
        &mut h,
        json!({ "doctorId": "d1", "location": "Hauptstraße 1, Berlin", "start": "2026-03-02T09:00" }),
    );
    assert_eq!(next.id, "a9");
    let mut anonymous = grace();
    anonymous.as_object_mut().unwrap().remove("id");
    assert_eq!(add_doctor(&mut h, anonymous).unwrap().id, "d4");
}

// ----- rejected snapshots -----

/// A small valid snapshot the rejection tests break one thing at a time.
fn base() -> Value {
    json!({
        "format": "dr-schedule",
        "version": 2,
        "lastNow": null,
        "revision": 5,
        "options": { "slotMinutes": 15, "defaultDurationMinutes": 15, "timeZone": null },
        "doctors": [
            { "id": "ada", "name": "Dr. Ada Lovelace", "locations": ["North", "South"],
              "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00" }] },
            { "id": "grace", "name": "Dr. Grace Hopper", "locations": ["North"],
              "schedule": [{ "days": ["mon", "wed"], "start": "09:00", "end": "12:00" }] }
        ],
        "appointments": [
            { "id": "a1", "doctorId": "ada", "location": "North", "start": "2019-02-04T10:00",
              "end": "2019-02-04T10:15", "durationMinutes": 15, "patient": "p-1",
              "requestId": "r-1", "status": "booked" },
            { "id": "a2", "doctorId": "ada", "location": "South", "start": "2019-02-04T11:00",
              "end": "2019-02-04T11:30", "durationMinutes": 30, "requestId": "r-2",
              "status": "booked" },
            { "id": "a3", "doctorId": "grace", "location": "North", "start": "2019-02-04T10:00",
              "end": "2019-02-04T10:15", "durationMinutes": 15, "status": "cancelled",
              "cancelReason": "ill" }
        ],
        "nextIds": { "doctor": 1, "appointment": 4 }
    })
}

/// Loads `base()` after `change`, which must fail. Returns the error.
fn rejected(change: impl FnOnce(&mut Value)) -> Error {
    let mut value = base();
    change(&mut value);
    let text = serde_json::to_string(&value).unwrap();
    match Hospital::from_snapshot(&text) {
        Ok(_) => panic!("loaded {text}"),
        Err(e) => e,
    }
}

/// Loads `text`, which must fail with `INVALID_SNAPSHOT` at `expected_path`.
fn assert_invalid_text(text: &str, expected_path: &str) {
    match Hospital::from_snapshot(text) {
        Ok(_) => panic!("loaded {text:?}"),
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidSnapshot, "{text:?}: {e}");
            assert_eq!(path(&e), expected_path, "{text:?}: {e}");
            assert!(
                e.details.path.is_some(),
                "details.path is always set: {e:?}"
            );
        }
    }
}

/// `base()` after `change` must fail with `INVALID_SNAPSHOT` at `expected_path`.
fn assert_invalid(expected_path: &str, change: impl FnOnce(&mut Value)) {
    let e = rejected(change);
    assert_eq!(e.code, ErrorCode::InvalidSnapshot, "{e}");
    assert_eq!(path(&e), expected_path, "{e}");
    assert!(
        e.details.path.is_some(),
        "details.path is always set: {e:?}"
    );
}

fn loads(change: impl FnOnce(&mut Value)) -> Hospital {
    let mut value = base();
    change(&mut value);
    let text = serde_json::to_string(&value).unwrap();
    match Hospital::from_snapshot(&text) {
        Ok(h) => {
            // Whatever loads writes text that loads back to the same text.
            let written = h.to_snapshot().unwrap();
            assert_eq!(round_trip(&written), written);
            h
        }
        Err(e) => panic!("{e} for {text}"),
    }
}

#[test]
fn the_base_snapshot_loads() {
    let h = loads(|_| {});
    assert_eq!(h.revision(), 5);
    assert_eq!(h.list_doctors().count(), 2);
    assert_eq!(appointment_ids(&h, "ada", json!({})), ["a1", "a2"]);
}

#[test]
fn text_that_is_not_one_json_object_is_invalid_at_the_root() {
    let valid = serde_json::to_string(&base()).unwrap();
    assert_invalid_text("not json", "");
    assert_invalid_text("", "");
    assert_invalid_text("   ", "");
    assert_invalid_text("{", "");
    assert_invalid_text("[]", "");
    assert_invalid_text("42", "");
    assert_invalid_text("null", "");
    assert_invalid_text(&format!("{valid} garbage"), "");
    assert_invalid_text(&format!("{valid}{{}}"), "");
    assert_invalid_text(&valid[..valid.len() - 1], "");
    // Trailing whitespace is not garbage.
    Hospital::from_snapshot(&format!("{valid}\n")).unwrap();
}

#[test]
fn a_wrong_format_or_version_is_refused() {
    assert_invalid("format", |s| s["format"] = json!("dr-scheduler"));
    assert_invalid("format", |s| s["format"] = json!(1));
    assert_invalid("version", |s| s["version"] = json!(0));
    assert_invalid("version", |s| s["version"] = json!("1"));
    assert_invalid("version", |s| s["version"] = json!(-1));
    assert_invalid("version", |s| s["version"] = json!(1.5));

    for newer in [3, 4, 1000] {
        let e = rejected(|s| s["version"] = json!(newer));
        assert_eq!(e.code, ErrorCode::UnsupportedVersion, "{e}");
        assert_eq!(e.details.version, Some(newer));
        assert_eq!(e.details.supported_version, Some(2));
    }
    // A newer version is recognised whatever else the text holds.
    let e = Hospital::from_snapshot(r#"{"format":"dr-schedule","version":3,"shards":[]}"#)
        .err()
        .unwrap();
    assert_eq!(e.code, ErrorCode::UnsupportedVersion);
    assert_eq!(e.details.version, Some(3));
    // Version 2 records lastNow; version 1 has none.
    assert_invalid("lastNow", |s| {
        s.as_object_mut().unwrap().remove("lastNow");
    });
    assert_invalid("lastNow", |s| {
        s["version"] = json!(1);
    });
}

#[test]
fn missing_and_unknown_fields_are_refused() {
    assert_invalid("nextIds", |s| {
        s.as_object_mut().unwrap().remove("nextIds");
    });
    assert_invalid("doctors", |s| {
        s.as_object_mut().unwrap().remove("doctors");
    });
    assert_invalid("format", |s| {
        s.as_object_mut().unwrap().remove("format");
    });
    assert_invalid("appointments[0].status", |s| {
        s["appointments"][0]
            .as_object_mut()
            .unwrap()
            .remove("status");
    });
    assert_invalid("extra", |s| s["extra"] = json!(1));
    assert_invalid("doctors[1].email", |s| {
        s["doctors"][1]["email"] = json!("x@y")
    });
    assert_invalid("appointments[2].notes", |s| {
        s["appointments"][2]["notes"] = json!("x")
    });
    assert_invalid("options.locale", |s| s["options"]["locale"] = json!("de"));
}

#[test]
fn wrong_types_and_bad_values_are_refused_at_their_path() {
    assert_invalid("appointments[0].durationMinutes", |s| {
        s["appointments"][0]["durationMinutes"] = json!("15")
    });
    assert_invalid("appointments[0].durationMinutes", |s| {
        s["appointments"][0]["durationMinutes"] = json!(-15)
    });
    assert_invalid("appointments[0].durationMinutes", |s| {
        s["appointments"][0]["durationMinutes"] = json!(15.5)
    });
    assert_invalid("appointments[0].start", |s| {
        s["appointments"][0]["start"] = json!("2019-02-30T10:00")
    });
    assert_invalid("appointments[0].start", |s| {
        s["appointments"][0]["start"] = json!("2019-02-04T10:00:00")
    });
    assert_invalid("appointments[1].status", |s| {
        s["appointments"][1]["status"] = json!("pending")
    });
    assert_invalid("doctors[0].schedule[0].days[1]", |s| {
        s["doctors"][0]["schedule"][0]["days"][1] = json!("tuesday")
    });
    assert_invalid("doctors[1].schedule[0].end", |s| {
        s["doctors"][1]["schedule"][0]["end"] = json!("24:30")
    });
    assert_invalid("revision", |s| s["revision"] = json!("5"));
    assert_invalid("doctors", |s| s["doctors"] = json!({}));
    assert_invalid("options.timeZone", |s| s["options"]["timeZone"] = json!(5));
}

#[test]
fn a_duplicate_doctor_id_is_refused_at_its_id() {
    assert_invalid("doctors[1].id", |s| s["doctors"][1]["id"] = json!("ada"));
}

#[test]
fn inconsistent_doctors_are_refused() {
    assert_invalid("doctors[0].id", |s| {
        s["doctors"][0]["id"] = json!("has space")
    });
    assert_invalid("doctors[0].name", |s| s["doctors"][0]["name"] = json!(""));
    assert_invalid("doctors[0].locations", |s| {
        s["doctors"][0]["locations"] = json!([])
    });
    assert_invalid("doctors[0].locations[1]", |s| {
        s["doctors"][0]["locations"] = json!(["North", "North"])
    });
    assert_invalid("doctors[1].schedule[0].end", |s| {
        s["doctors"][1]["schedule"][0]["end"] = json!("09:00")
    });
    assert_invalid("doctors[1].schedule[0].days", |s| {
        s["doctors"][1]["schedule"][0]["days"] = json!([])
    });
}

#[test]
fn inconsistent_appointments_are_refused() {
    assert_invalid("appointments[0].doctorId", |s| {
        s["appointments"][0]["doctorId"] = json!("nobody")
    });
    // A cancelled appointment still needs its doctor.
    assert_invalid("appointments[2].doctorId", |s| {
        s["appointments"][2]["doctorId"] = json!("nobody")
    });
    assert_invalid("appointments[1].id", |s| {
        s["appointments"][1]["id"] = json!("a1")
    });
    assert_invalid("appointments[2].id", |s| {
        s["appointments"][2]["id"] = json!("a1")
    });
    assert_invalid("appointments[0].id", |s| {
        s["appointments"][0]["id"] = json!("a 1")
    });
    assert_invalid("appointments[1].requestId", |s| {
        s["appointments"][1]["requestId"] = json!("r-1")
    });
    assert_invalid("appointments[2].requestId", |s| {
        s["appointments"][2]["requestId"] = json!("r-2")
    });
    assert_invalid("appointments[0].patient", |s| {
        s["appointments"][0]["patient"] = json!(" ")
    });
    assert_invalid("appointments[0].end", |s| {
        s["appointments"][0]["end"] = json!("2019-02-04T10:30")
    });
    assert_invalid("appointments[2].end", |s| {
        s["appointments"][2]["end"] = json!("2019-02-04T10:00")
    });
    assert_invalid("appointments[0].cancelReason", |s| {
        s["appointments"][0]["cancelReason"] = json!("changed plans")
    });
    assert_invalid("appointments[2].cancelReason", |s| {
        s["appointments"][2]["cancelReason"] = json!("")
    });
}

#[test]
fn booked_appointments_must_pass_every_booking_rule() {
    // Outside hours: Ada closes at 17:00.
    assert_invalid("appointments[1].start", |s| {
        s["appointments"][1]["start"] = json!("2019-02-04T17:00");
        s["appointments"][1]["end"] = json!("2019-02-04T17:30");
    });
    // Outside hours: a Saturday.
    assert_invalid("appointments[1].start", |s| {
        s["appointments"][1]["start"] = json!("2019-02-09T11:00");
        s["appointments"][1]["end"] = json!("2019-02-09T11:30");
    });
    // Overlapping the booked a1 (10:00-10:15), at another location.
    assert_invalid("appointments[1].start", |s| {
        s["appointments"][1]["start"] = json!("2019-02-04T09:45");
        s["appointments"][1]["end"] = json!("2019-02-04T10:15");
    });
    // At a location the doctor does not serve.
    assert_invalid("appointments[1].location", |s| {
        s["appointments"][1]["location"] = json!("East")
    });
    // Off the slot grid.
    assert_invalid("appointments[1].start", |s| {
        s["appointments"][1]["start"] = json!("2019-02-04T11:05");
        s["appointments"][1]["end"] = json!("2019-02-04T11:35");
    });
    // The grid of the snapshot's own options: 10-minute slots make 11:05 off grid too, and
    // 15-minute appointments off grid.
    assert_invalid("appointments[0].durationMinutes", |s| {
        s["options"] = json!({ "slotMinutes": 10, "defaultDurationMinutes": 10, "timeZone": null });
    });
}

#[test]
fn invalid_options_and_counters_are_refused() {
    assert_invalid("options.slotMinutes", |s| {
        s["options"]["slotMinutes"] = json!(7)
    });
    assert_invalid("options.slotMinutes", |s| {
        s["options"]["slotMinutes"] = json!(0)
    });
    assert_invalid("options.defaultDurationMinutes", |s| {
        s["options"]["defaultDurationMinutes"] = json!(20)
    });
    assert_invalid("options.timeZone", |s| {
        s["options"]["timeZone"] = json!("Not a zone")
    });
    assert_invalid("nextIds.doctor", |s| s["nextIds"]["doctor"] = json!(0));
    assert_invalid("nextIds.appointment", |s| {
        s["nextIds"]["appointment"] = json!(0)
    });
    assert_invalid("nextIds.doctor", |s| s["nextIds"]["doctor"] = json!(-1));
}

#[test]
fn cancelled_appointments_need_not_pass_the_booking_rules() {
    // Overlapping cancelled appointments, and a cancelled one overlapping a booked one.
    let h = loads(|s| {
        let appointments = s["appointments"].as_array_mut().unwrap();
        for (id, start, end) in [
            ("c1", "2019-02-04T10:00", "2019-02-04T10:30"),
            ("c2", "2019-02-04T10:15", "2019-02-04T10:45"),
        ] {
            appointments.push(json!({
                "id": id, "doctorId": "ada", "location": "South", "start": start, "end": end,
                "durationMinutes": 30, "status": "cancelled"
            }));
        }
    });
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "cancelled" })),
        ["c1", "c2"]
    );
    assert_eq!(appointment_ids(&h, "ada", json!({})), ["a1", "a2"]);
    // At a location the doctor no longer serves, and outside the doctor's current hours.
    let h = loads(|s| {
        let appointments = s["appointments"].as_array_mut().unwrap();
        appointments.push(json!({
            "id": "old", "doctorId": "grace", "location": "Old Clinic",
            "start": "2019-02-05T18:00", "end": "2019-02-05T18:15", "durationMinutes": 15,
            "status": "cancelled", "cancelReason": "doctor updated"
        }));
    });
    assert_eq!(
        h.get_appointment("old").unwrap().to_appointment().location,
        "Old Clinic"
    );
    // A booked appointment after a cancelled one at the same time is fine too.
    let h = loads(|s| {
        s["appointments"][0]["status"] = json!("cancelled");
        let appointments = s["appointments"].as_array_mut().unwrap();
        appointments.push(json!({
            "id": "a4", "doctorId": "ada", "location": "South", "start": "2019-02-04T10:00",
            "end": "2019-02-04T10:15", "durationMinutes": 15, "status": "booked"
        }));
    });
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "all" })),
        ["a1", "a4", "a2"]
    );
}

#[test]
fn objects_written_as_arrays_are_refused() {
    // serde would fill a struct from an array by position; a snapshot must spell its objects.
    assert_invalid("appointments[0]", |s| {
        s["appointments"][0] = json!([
            "a1",
            "ada",
            "North",
            "2019-02-04T10:00",
            "2019-02-04T10:15",
            15,
            null,
            null,
            "booked",
            null
        ]);
    });
    assert_invalid("doctors[1]", |s| {
        s["doctors"][1] = json!(["grace", "Dr. Grace Hopper", ["North"], []]);
    });
    assert_invalid("doctors[0].schedule[0]", |s| {
        s["doctors"][0]["schedule"][0] = json!([["mon"], "09:00", "17:00"]);
    });
    assert_invalid("options", |s| s["options"] = json!([15, 15, null]));
    assert_invalid("nextIds", |s| s["nextIds"] = json!([1, 4]));
    assert_invalid_text("[\"dr-schedule\", 1]", "");
}

#[test]
fn an_oversized_snapshot_is_refused_before_parsing() {
    use dr_schedule::engine::MAX_SNAPSHOT_BYTES;
    // Valid JSON padded with whitespace: only the size check can refuse it.
    let snapshot = hospital().to_snapshot().unwrap();
    let padded = format!(
        "{snapshot}{}",
        " ".repeat(MAX_SNAPSHOT_BYTES + 1 - snapshot.len())
    );
    let e = Hospital::from_snapshot(&padded).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidSnapshot);
    assert_eq!(path(&e), "");
    assert!(e.message.contains("limit"), "{e}");
    // Whitespace itself is fine (parsing 512 MiB of it is left out: slow in debug builds).
    assert!(Hospital::from_snapshot(&padded[..snapshot.len() + 1024]).is_ok());
}
