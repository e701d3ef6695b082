//! The snapshot format (the README's "Persisting a hospital"): version 3 text, one record per line
//! with appointments as rows, deterministic and round-tripping byte for byte; a restored hospital
//! that behaves like the original; the golden fixtures of every version (1 and 2 load and are
//! written back as version 3; version 3 is written back byte for byte); `SnapshotLoader` fed in
//! pieces, other layouts read whole; and every way loading refuses a malformed or inconsistent
//! snapshot (code and `details.path`), checked in both the line layout and read whole.

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
use dr_schedule::engine::{AppointmentStatus, Error, ErrorCode, Hospital, SnapshotLoader};
use serde_json::{json, Map, Value};

/// The golden fixture: a small v1 snapshot written once by the 0.1 code's `to_snapshot` (after
/// commit 4c6876b) and checked in; never regenerate it. Its history: four doctors added (the
/// third, `d2`, later removed with its booking), appointments with patients, request ids and a
/// host-chosen id, two cancelled with and without a reason, one at the same start as a
/// cancelled one, one ending at 24:00, and Dr. Ada's move away from "Klinik Süd" cancelling her
/// appointment there (`cancelAppointments: true`). It must keep loading after the format moves
/// on (the README's "Persisting a hospital": a golden fixture per released version).
const FIXTURE_V1: &str = include_str!("fixtures/snapshot-v1.json");
/// The golden version 2 fixture (`tests/scheduling.rs`, `busy_history`): overrides, time off,
/// rules per location, holds, rescheduling traces, the patient-overlap option, `lastNow`.
const FIXTURE_V2: &str = include_str!("fixtures/snapshot-v2.json");
/// The golden version 3 fixture, written by [`v3_history`] (see there); never regenerate it once
/// released: `write_the_v3_fixture` exists for the day the history is first written.
const FIXTURE_V3: &str = include_str!("fixtures/snapshot-v3.json");
/// The golden version 4 fixture (time zones), written by the package from the history in
/// `tests/js/test/zones.test.mjs` (`v4History`); never regenerate it once released.
const FIXTURE_V4: &str = include_str!("fixtures/snapshot-v4.json");

fn round_trip(text: &str) -> String {
    from_snapshot(text).unwrap().to_snapshot().unwrap()
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

// ----- the layout -----

/// The extras of a row, in the order a snapshot writes them.
const EXTRAS: [&str; 9] = [
    "requestId",
    "holdExpires",
    "rescheduledFrom",
    "cancelReason",
    "notes",
    "metadata",
    "requested",
    "createdAt",
    "updatedAt",
];

/// An appointment's start as a snapshot writes it: its wall clock, with its offset (the
/// difference between the wall clock and `startUtc`) in a hospital with a time zone.
fn placed_start(appointment: &Value) -> Value {
    let start = appointment["start"].as_str().unwrap();
    let Some(utc) = appointment.get("startUtc").and_then(Value::as_str) else {
        return json!(start);
    };
    let minutes = |text: &str| {
        let t = dr_schedule::engine::LocalDateTime::parse(&text[..16]).unwrap();
        t.day() * 1440 + t.minute_of_day()
    };
    let offset = minutes(start) - minutes(utc);
    if offset == 0 {
        return json!(format!("{start}:00Z"));
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    json!(format!(
        "{start}:00{sign}{:02}:{:02}",
        offset / 60,
        offset % 60
    ))
}

/// An appointment as the API returns it (JSON) → its row in a version 3 snapshot:
/// `[id, doctorId, location, start, durationMinutes, status, patient or null, extras?]`.
fn row_of(appointment: &Value) -> Value {
    let mut row: Vec<Value> = [
        "id",
        "doctorId",
        "location",
        "start",
        "durationMinutes",
        "status",
    ]
    .iter()
    .map(|&key| match key {
        "start" => placed_start(appointment),
        _ => appointment[key].clone(),
    })
    .collect();
    row.push(appointment.get("patient").cloned().unwrap_or(Value::Null));
    let extras: Map<String, Value> = EXTRAS
        .iter()
        .filter_map(|&key| Some((key.to_owned(), appointment.get(key)?.clone())))
        .collect();
    if !extras.is_empty() {
        row.push(Value::Object(extras));
    }
    Value::Array(row)
}

/// The lines of a version 3 snapshot: the header, the doctors, the middle, the rows, the end.
/// Checks the layout on the way: one record per line, a comma starting every record but the
/// first of its list.
fn v3_lines(text: &str) -> (Value, Vec<Value>, Vec<Value>) {
    let lines: Vec<&str> = text.split('\n').collect();
    let header = lines[0];
    assert!(
        header.starts_with("{\"format\":\"dr-schedule\",\"version\":3,\"revision\":")
            || header.starts_with("{\"format\":\"dr-schedule\",\"version\":4,\"revision\":"),
        "{header}"
    );
    let header: Value = serde_json::from_str(&format!(
        "{}}}",
        header.strip_suffix(",\"doctors\":[").unwrap()
    ))
    .unwrap();
    let middle = lines
        .iter()
        .position(|l| *l == "],\"appointments\":[")
        .unwrap();
    assert_eq!(
        *lines.last().unwrap(),
        "]}",
        "the last line, with no line break after it"
    );
    let records = |lines: &[&str]| -> Vec<Value> {
        lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let record = if i == 0 {
                    line
                } else {
                    line.strip_prefix(',').unwrap()
                };
                serde_json::from_str(record).unwrap()
            })
            .collect()
    };
    let doctors = records(&lines[1..middle]);
    let rows = records(&lines[middle + 1..lines.len() - 1]);
    (header, doctors, rows)
}

/// Checks that `text` is `h`'s snapshot in the version 3 layout: its header holds `h`'s
/// counters, each doctor is on its own line as `getDoctor` returns it, and each appointment on
/// its own line as the row of what `getAppointment` returns, in booking order.
fn assert_layout_of(h: &Hospital, text: &str) {
    let (header, doctors, rows) = v3_lines(text);
    assert_eq!(header["revision"], json!(h.revision()));
    assert_eq!(
        header["nextIds"],
        serde_json::to_value(h.next_ids()).unwrap()
    );
    assert_eq!(
        header["options"],
        serde_json::to_value(h.options()).unwrap()
    );
    let stamp = |c: dr_schedule::engine::LocalDateTime| {
        if h.is_zoned() {
            format!("{c}:00Z")
        } else {
            c.to_string()
        }
    };
    assert_eq!(header["lastNow"], json!(h.clock().map(stamp)));
    let expected: Vec<Value> = h
        .list_doctors()
        .map(|d| serde_json::to_value(d).unwrap())
        .collect();
    assert_eq!(doctors, expected);
    let expected: Vec<Value> = h
        .all_appointments()
        .map(|a| {
            let mut row = row_of(&serde_json::to_value(a).unwrap());
            let id = a.id().to_string();
            assert_eq!(
                row_of(&serde_json::to_value(h.get_appointment(&id).unwrap()).unwrap()),
                row
            );
            // What only a snapshot keeps: the first request, once the appointment moved.
            let written = rows
                .iter()
                .find(|r| r[0] == json!(id))
                .unwrap_or_else(|| panic!("no row for {id}"));
            if let Some(requested) = written.get(7).and_then(|e| e.get("requested")) {
                if row.get(7).is_none() {
                    row.as_array_mut().unwrap().push(json!({}));
                }
                row[7]["requested"] = requested.clone();
            }
            row
        })
        .collect();
    assert_eq!(rows, expected);
}

// ----- round trips -----

#[test]
fn an_empty_hospital_round_trips_byte_for_byte() {
    let h = hospital();
    let text = h.to_snapshot().unwrap();
    assert_eq!(round_trip(&text), text);
    // The whole text, line by line.
    assert_eq!(
        text,
        "{\"format\":\"dr-schedule\",\"version\":4,\"revision\":0,\
         \"options\":{\"slotMinutes\":15,\"defaultDurationMinutes\":15,\"timeZone\":null,\
         \"maxSnapshotBytes\":134217728},\"nextIds\":{\"doctor\":1,\"appointment\":1},\
         \"lastNow\":null,\"doctors\":[\n],\"appointments\":[\n]}"
    );
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["doctors"], json!([]));
    assert_eq!(value["appointments"], json!([]));
    assert_layout_of(&h, &text);
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
    let restored = from_snapshot(&text).unwrap();
    assert_eq!(restored.to_snapshot().unwrap(), text);
    assert_eq!(round_trip(&round_trip(&text)), text);
    assert_eq!(restored.revision(), h.revision());
    assert_eq!(restored.options(), h.options());
    assert_eq!(restored.next_ids(), h.next_ids());
    assert_eq!(restored.snapshot_bytes(), h.snapshot_bytes());
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["options"]["timeZone"], "America/New_York");
    assert_eq!(value["revision"], h.revision());
    // One record per line: the doctors and rows the API returns, cancelled ones included.
    assert_layout_of(&h, &text);
    assert_layout_of(&restored, &text);
    assert_eq!(
        text.lines().count(),
        1 + h.doctor_count() + 1 + h.appointment_count() + 1
    );
    let cancelled = value["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row[5] == "cancelled")
        .count();
    assert_eq!(cancelled, 3);
}

#[test]
fn a_restored_hospital_behaves_like_the_original() {
    let original = busy();
    let restored = from_snapshot(&original.to_snapshot().unwrap()).unwrap();
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
    let mut restored = from_snapshot(&h.to_snapshot().unwrap()).unwrap();
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

// ----- the golden fixtures -----

/// The history of the version 3 fixture: every feature version 3 added, and the older ones.
/// - options: a time zone, `preventPatientOverlap`, a default duration, `maxSnapshotBytes`
///   (1 MiB);
/// - doctors: a chosen id (`ada`, with an override, time off and a rule for one location) and
///   assigned ones (`d1`; `d2`, removed with its appointment, so that the counter skips it);
/// - `a1`: booked with a request id, notes (quotes, a line break, a tab, non-ASCII) and
///   metadata (nested), then rescheduled: its row keeps what the request first asked for
///   (`requested`);
/// - `visit-7`: a chosen id, whose patient `updateAppointment` changed (`requested` again) and
///   which Dr. Ada's move away from South cancelled ("doctor updated"): history at a location
///   its doctor no longer serves;
/// - `a2`: a hold with a request id, confirmed (`requested` says it was a hold), then moved
///   with new notes and metadata;
/// - `a3`: a hold that lapsed: `expired`, with its `holdExpires` and request id;
/// - `a4`: a live hold at `lastNow`; `a5`: cancelled with a reason; `a7`: notes cleared and
///   metadata set by `updateAppointment`;
/// - `lastNow`: the latest `now`, 2019-02-01T09:00.
fn v3_history() -> Hospital {
    let mut h = hospital_with(json!({
        "timeZone": "Europe/Berlin", "defaultDurationMinutes": 30,
        "preventPatientOverlap": true, "maxSnapshotBytes": 1_048_576
    }));
    let now = |hhmm: &str| at("2019-02-01", hhmm);
    add_doctor(
        &mut h,
        json!({
            "id": "ada", "name": "Dr. Ada Lovelace", "locations": ["North", "South"],
            "schedule": [
                { "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00" },
                { "days": ["sat"], "start": "10:00", "end": "12:00", "locations": ["North"] }
            ],
            "overrides": [{ "date": THU, "hours": [{ "start": "10:00", "end": "12:00", "locations": ["North"] }] }],
            "timeOff": [{ "start": at(TUE, "12:00"), "end": at(TUE, "13:00"), "reason": "team meeting" }]
        }),
    )
    .unwrap();
    let grace = add_doctor(
        &mut h,
        json!({ "name": "Dr. Grace Hopper", "locations": ["North"],
                "schedule": [{ "days": ["mon", "wed"], "start": "09:00", "end": "12:00" }] }),
    )
    .unwrap();
    let temp = add_doctor(
        &mut h,
        json!({ "name": "Dr. Temp", "locations": ["Annex"],
                "schedule": [{ "days": ["fri"], "start": "08:00", "end": "10:00" }] }),
    )
    .unwrap();
    assert_eq!((grace.id.as_str(), temp.id.as_str()), ("d1", "d2"));
    let a1 = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00"),
                "patient": "p-1", "requestId": "req-1", "now": now("08:00"),
                "notes": "Bring the \"x-rays\".\nFasting since midnight;\tÜberweisung 🩺",
                "metadata": { "visit": "follow-up", "contact": { "phone": "+49 30 1234", "sms": true },
                              "codes": [1, 2.5, null, "x"] } }),
    );
    reschedule(
        &mut h,
        &a1.id,
        json!({ "start": at(MON, "11:00"), "now": now("08:05") }),
    )
    .unwrap();
    book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(MON, "09:00"),
                "id": "visit-7", "patient": "p-2", "requestId": "req-2" }),
    );
    update_appointment(&mut h, "visit-7", json!({ "patient": "p-3" })).unwrap();
    let a2 = hold(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(TUE, "09:00"),
                "now": now("08:10"), "ttlMinutes": 60, "requestId": "req-hold", "patient": "p-4" }),
    )
    .unwrap();
    let a3 = hold(
        &mut h,
        json!({ "doctorId": "ada", "location": "South", "start": at(TUE, "10:00"),
                "now": now("08:10"), "ttlMinutes": 5, "requestId": "req-lapsed" }),
    )
    .unwrap();
    confirm(&mut h, &a2.id, &now("08:20")).unwrap();
    reschedule(
        &mut h,
        &a2.id,
        json!({ "start": at(TUE, "09:30"), "notes": "moved at the patient's request",
                "metadata": { "moved": 1 } }),
    )
    .unwrap();
    hold(
        &mut h,
        json!({ "doctorId": grace.id, "location": "North", "start": at(WED, "09:00"),
                "now": now("08:30"), "ttlMinutes": 120, "metadata": { "source": "web" } }),
    )
    .unwrap();
    let a5 = book_ok(
        &mut h,
        json!({ "doctorId": grace.id, "location": "North", "start": at(MON, "10:00"), "patient": "p-5" }),
    );
    cancel(
        &mut h,
        &a5.id,
        json!({ "reason": "patient called in sick" }),
    )
    .unwrap();
    book_ok(
        &mut h,
        json!({ "doctorId": temp.id, "location": "Annex", "start": at(FRI, "08:00") }),
    );
    remove_doctor(&mut h, &temp.id, json!({ "cancelAppointments": true })).unwrap();
    let a7 = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(WED, "15:00"),
                "notes": "first visit", "now": now("09:00") }),
    );
    update_appointment(
        &mut h,
        &a7.id,
        json!({ "notes": null, "metadata": { "insurer": "AOK", "copay": 0 } }),
    )
    .unwrap();
    // Dr. Ada leaves South: visit-7 there is cancelled; a3's expired hold stays there too.
    update_doctor(
        &mut h,
        "ada",
        json!({ "locations": ["North"], "schedule": [
            { "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00" },
            { "days": ["sat"], "start": "10:00", "end": "12:00", "locations": ["North"] }
        ] }),
        json!({ "cancelAppointments": true }),
    )
    .unwrap();
    assert_eq!(
        h.get_appointment(&a3.id).unwrap().status(),
        AppointmentStatus::Expired
    );
    h
}

/// Writes `tests/fixtures/snapshot-v3.json` from [`v3_history`]: run by hand
/// (`cargo test --test snapshots -- --ignored`) only before version 3 is first released. Once
/// it is, the fixture is golden: never rewrite it.
#[test]
#[ignore]
fn write_the_v3_fixture() {
    std::fs::write(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/snapshot-v3.json"
        ),
        v3_history().to_snapshot().unwrap() + "\n",
    )
    .unwrap();
}

#[test]
fn the_v3_fixture_loads_unchanged_and_is_written_as_version_4() {
    let text = FIXTURE_V3.strip_suffix('\n').unwrap();
    let h = from_snapshot(FIXTURE_V3).unwrap();
    // The same bytes but for the version and the time zone: version 3 kept it as a label and
    // computed in floating wall-clock time, as the loaded hospital still does.
    let v4 = text
        .replacen("\"version\":3,", "\"version\":4,", 1)
        .replacen("\"timeZone\":\"Europe/Berlin\"", "\"timeZone\":null", 1);
    assert_eq!(h.to_snapshot().unwrap(), v4);
    assert!(!h.is_zoned());
    assert_layout_of(&h, &v4);
    assert_eq!(round_trip(&v4), v4);
}

#[test]
fn the_v3_fixture_holds_every_version_3_feature() {
    let mut h = from_snapshot(FIXTURE_V3).unwrap();
    let (header, doctors, rows) = v3_lines(FIXTURE_V3.trim_end());
    assert_eq!(header["options"]["maxSnapshotBytes"], 1_048_576);
    assert_eq!(h.options().max_snapshot_bytes, 1_048_576);
    assert_eq!(header["lastNow"], "2019-02-01T09:00");
    assert_eq!(header["nextIds"], json!({ "doctor": 3, "appointment": 8 }));
    assert_eq!(doctors.len(), 2);
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    let statuses: Vec<&str> = rows.iter().map(|r| r[5].as_str().unwrap()).collect();
    for status in ["booked", "held", "cancelled", "expired"] {
        assert!(statuses.contains(&status), "{status} in {statuses:?}");
    }
    // The first request of a moved appointment, a hold confirmed, a patient changed.
    assert_eq!(
        row("a1")[7]["requested"],
        json!({ "location": "North", "start": "2019-02-04T09:00", "durationMinutes": 30, "patient": "p-1" })
    );
    assert_eq!(row("a2")[7]["requested"]["held"], true);
    assert_eq!(row("visit-7")[7]["requested"]["patient"], "p-2");
    assert_eq!(row("visit-7")[2], "South");
    assert_eq!(row("visit-7")[7]["cancelReason"], "doctor updated");
    assert!(row("a3")[7].get("requested").is_none());
    assert_eq!(row("a3")[7]["holdExpires"], "2019-02-01T08:15");
    assert_eq!(row("a5")[7]["cancelReason"], "patient called in sick");
    assert!(row("a7")[7].get("notes").is_none());
    assert_eq!(
        row("a7")[7]["metadata"],
        json!({ "insurer": "AOK", "copay": 0 })
    );
    assert!(
        rows.iter().all(|r| r[1] != "d2"),
        "d2 went with its history"
    );
    // It behaves: rule 0 against the first request, the expired hold, the location's history.
    let retry = json!({ "doctorId": "ada", "location": "North", "start": at(MON, "09:00"),
                        "patient": "p-1", "requestId": "req-1", "now": "2019-02-01T09:00" });
    let revision = h.revision();
    assert_eq!(book_ok(&mut h, retry.clone()).id, "a1");
    let mut moved = retry;
    moved["start"] = json!(at(MON, "11:00"));
    fails_with!(h, ErrorCode::RequestIdReused, book(&mut h, moved));
    let held_again = json!({ "doctorId": "ada", "location": "North", "start": at(TUE, "09:00"),
                             "now": "2019-02-01T09:00", "ttlMinutes": 60, "requestId": "req-hold", "patient": "p-4" });
    assert_eq!(hold(&mut h, held_again).unwrap().id, "a2");
    assert_eq!(h.revision(), revision);
    fails_with!(
        h,
        ErrorCode::HoldExpired,
        confirm(&mut h, "a3", "2019-02-01T09:00")
    );
    fails_with!(
        h,
        ErrorCode::DuplicateId,
        book(
            &mut h,
            json!({
                "doctorId": "ada", "location": "North", "start": at(FRI, "09:00"), "id": "a3"
            })
        )
    );
    assert_eq!(
        found_ids(&h, json!({ "location": "South", "status": "all" })),
        ["visit-7", "a3"]
    );
    assert_eq!(
        found_ids(&h, json!({ "patient": "p-3", "status": "cancelled" })),
        ["visit-7"]
    );
    assert_eq!(
        appointment_ids(&h, "d1", json!({ "status": "held" })),
        ["a4"]
    );
    let next = book_ok(
        &mut h,
        json!({ "doctorId": "ada", "location": "North", "start": at(FRI, "09:00") }),
    );
    assert_eq!(next.id, "a8");
}

#[test]
fn the_v1_fixture_loads_and_is_written_as_version_4() {
    let mut h = from_snapshot(FIXTURE_V1).unwrap();
    let text = h.to_snapshot().unwrap();
    assert_eq!(round_trip(&text), text);
    // The same content, line by line: the header gains maxSnapshotBytes (the default) and
    // lastNow (null: version 1 knew no current time); doctors are as they were; appointments
    // become rows.
    let v1: Value = serde_json::from_str(FIXTURE_V1).unwrap();
    let (header, doctors, rows) = v3_lines(&text);
    let mut options = v1["options"].clone();
    options["maxSnapshotBytes"] = json!(134_217_728);
    // Version 1 kept timeZone as a label and computed in floating wall-clock time: the hospital
    // loads as it was, floating, and drops the label.
    options["timeZone"] = Value::Null;
    assert_eq!(
        header,
        json!({ "format": "dr-schedule", "version": 4, "revision": 17, "options": options,
                "nextIds": v1["nextIds"], "lastNow": null })
    );
    assert_eq!(Value::Array(doctors), v1["doctors"]);
    let expected: Vec<Value> = v1["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(row_of)
        .collect();
    assert_eq!(rows, expected);
    assert_layout_of(&h, &text);
    // What it holds.
    assert_eq!(h.revision(), 17);
    assert_eq!(h.options().slot_minutes, 15);
    assert_eq!(h.options().default_duration_minutes, 30);
    assert_eq!(h.options().time_zone, None, "floating, as it always was");
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
        h.get_appointment("a4").unwrap().cancel_reason(),
        Some("Patient hat abgesagt")
    );
    assert_eq!(
        h.get_appointment("a7").unwrap().end().to_string(),
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

#[test]
fn the_v2_fixture_is_written_as_version_4_record_for_record() {
    let h = from_snapshot(FIXTURE_V2).unwrap();
    let text = h.to_snapshot().unwrap();
    assert_eq!(round_trip(&text), text);
    let v2: Value = serde_json::from_str(FIXTURE_V2).unwrap();
    let (header, doctors, rows) = v3_lines(&text);
    let mut options = v2["options"].clone();
    options["maxSnapshotBytes"] = json!(134_217_728);
    options["timeZone"] = Value::Null;
    assert_eq!(
        header,
        json!({ "format": "dr-schedule", "version": 4, "revision": v2["revision"],
                "options": options, "nextIds": v2["nextIds"], "lastNow": v2["lastNow"] })
    );
    assert_eq!(Value::Array(doctors), v2["doctors"]);
    let expected: Vec<Value> = v2["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(row_of)
        .collect();
    assert_eq!(rows, expected);
    assert_layout_of(&h, &text);
}

// ----- the loader -----

/// Loads `text` fed to a [`SnapshotLoader`] in pieces of `size` bytes (cut anywhere, inside
/// UTF-8 sequences too).
fn load_in_pieces(text: &str, size: usize, limit: Option<u64>) -> Result<Hospital, Error> {
    let mut loader = SnapshotLoader::with_time_zones(limit, time_zones(), None)?;
    for piece in text.as_bytes().chunks(size) {
        loader.feed(piece)?;
    }
    loader.finish()
}

#[test]
fn a_snapshot_fed_in_pieces_of_every_size_loads_the_same_hospital() {
    let busy = busy().to_snapshot().unwrap();
    for (name, text) in [
        ("v3", FIXTURE_V3),
        ("busy", busy.as_str()),
        ("v2", FIXTURE_V2),
        ("v1", FIXTURE_V1),
    ] {
        let whole = from_snapshot(text).unwrap();
        let expected = whole.to_snapshot().unwrap();
        for size in 1..=text.len() + 1 {
            let h = load_in_pieces(text, size, None)
                .unwrap_or_else(|e| panic!("{name} in pieces of {size}: {e}"));
            assert_eq!(
                h.to_snapshot().unwrap(),
                expected,
                "{name} in pieces of {size}"
            );
            assert_eq!(h.revision(), whole.revision());
        }
    }
    // Empty pieces change nothing; an empty snapshot is no snapshot.
    let mut loader = SnapshotLoader::with_time_zones(None, time_zones(), None).unwrap();
    loader.feed(b"").unwrap();
    for line in busy.split_inclusive('\n') {
        loader.feed(line.as_bytes()).unwrap();
        loader.feed(b"").unwrap();
    }
    assert_eq!(loader.finish().unwrap().to_snapshot().unwrap(), busy);
    let e = SnapshotLoader::with_time_zones(None, time_zones(), None)
        .unwrap()
        .finish()
        .err()
        .unwrap();
    assert_eq!((e.code, path(&e)), (ErrorCode::InvalidSnapshot, ""));
}

#[test]
fn a_version_3_snapshot_in_another_layout_is_read_whole() {
    let h = from_snapshot(FIXTURE_V3).unwrap();
    let expected = h.to_snapshot().unwrap();
    let value: Value = serde_json::from_str(FIXTURE_V3).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    // Keys in another order (serde_json sorts them), compact.
    let sorted = serde_json::to_string(&value).unwrap();
    // The same text on one line, as `JSON.stringify(JSON.parse(text))` writes it; and with
    // Windows line breaks.
    let one_line = expected.replace('\n', "");
    let crlf = expected.replace('\n', "\r\n");
    for (name, text) in [
        ("pretty", &pretty),
        ("sorted", &sorted),
        ("one line", &one_line),
        ("crlf", &crlf),
    ] {
        for size in [1, 7, 64, text.len()] {
            let loaded = load_in_pieces(text, size, None)
                .unwrap_or_else(|e| panic!("{name} in pieces of {size}: {e}"));
            assert_eq!(loaded.to_snapshot().unwrap(), expected, "{name}");
        }
    }
}

#[test]
fn trailing_whitespace_is_not_garbage() {
    let text = FIXTURE_V3.trim_end();
    let value: Value = serde_json::from_str(text).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    for layout in [text.to_owned(), pretty, FIXTURE_V1.trim_end().to_owned()] {
        for tail in ["\n", " ", "\n\n", " \t\r\n ", "\r\n"] {
            let padded = format!("{layout}{tail}");
            for size in [1, 5, padded.len()] {
                let h = load_in_pieces(&padded, size, None)
                    .unwrap_or_else(|e| panic!("{tail:?} in pieces of {size}: {e}"));
                assert_eq!(
                    h.to_snapshot().unwrap(),
                    from_snapshot(&layout).unwrap().to_snapshot().unwrap()
                );
            }
        }
    }
}

#[test]
fn a_broken_line_layout_is_refused_clearly() {
    let text = busy().to_snapshot().unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines[1].chars().next(), Some('{'));
    let with = |change: &dyn Fn(&mut Vec<String>)| {
        let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        change(&mut lines);
        lines.join("\n")
    };
    let middle = lines
        .iter()
        .position(|l| *l == "],\"appointments\":[")
        .unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "the second doctor without its comma",
            with(&|l| l[2] = l[2][1..].to_owned()),
            "doctors[1]",
        ),
        (
            "the first doctor with a comma",
            with(&|l| l[1] = format!(",{}", l[1])),
            "doctors[0]",
        ),
        (
            "two doctors on one line",
            with(&|l| {
                let second = l.remove(2);
                l[1].push_str(&second);
            }),
            "doctors[0]",
        ),
        (
            "a row split over two lines",
            with(&|l| {
                let row = l.remove(middle + 1);
                let (a, b) = row.split_at(10);
                l.insert(middle + 1, b.to_owned());
                l.insert(middle + 1, a.to_owned());
            }),
            "appointments[0]",
        ),
        (
            "two rows on one line",
            with(&|l| {
                let second = l.remove(middle + 2);
                l[middle + 1].push_str(&second);
            }),
            "appointments[0]",
        ),
        (
            "an empty line among the rows",
            with(&|l| l.insert(middle + 2, String::new())),
            "appointments[1]",
        ),
        (
            "no middle line: a row read as a doctor",
            with(&|l| {
                l.remove(middle);
            }),
            "doctors[3]",
        ),
        (
            "the end cut off",
            with(&|l| {
                l.pop();
            }),
            "",
        ),
        ("cut inside a row", text[..text.len() - 20].to_owned(), ""),
        ("something after the last line", format!("{text}\n{{}}"), ""),
        (
            "another snapshot after the last line",
            format!("{text}{text}"),
            "appointments[6]",
        ),
    ];
    for (name, broken, expected) in cases {
        for size in [1, 13, broken.len()] {
            match load_in_pieces(&broken, size, None) {
                Ok(_) => panic!("{name}: loaded"),
                Err(e) => {
                    assert_eq!(e.code, ErrorCode::InvalidSnapshot, "{name}: {e}");
                    // Where the text stops making sense: the record, or a field inside it.
                    assert!(
                        path(&e) == expected || path(&e).starts_with(&format!("{expected}.")),
                        "{name}: {e}"
                    );
                    assert!(e.details.path.is_some(), "{name}");
                    assert!(e.message.len() > 30, "{name}: a message that says why: {e}");
                }
            }
        }
    }
}

// ----- rejected snapshots (version 3: rows and lines) -----

/// A small valid version 3 snapshot the rejection tests break one thing at a time: two
/// doctors; `a1` and `a2` booked, `a3` cancelled, `a4` a live hold, `a5` an expired one.
fn base() -> Value {
    json!({
        "format": "dr-schedule",
        "version": 3,
        "revision": 7,
        "options": { "slotMinutes": 15, "defaultDurationMinutes": 15, "timeZone": null,
                     "maxSnapshotBytes": 134_217_728 },
        "nextIds": { "doctor": 1, "appointment": 6 },
        "lastNow": "2019-02-01T08:00",
        "doctors": [
            { "id": "ada", "name": "Dr. Ada Lovelace", "locations": ["North", "South"],
              "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00" }] },
            { "id": "grace", "name": "Dr. Grace Hopper", "locations": ["North"],
              "schedule": [{ "days": ["mon", "wed"], "start": "09:00", "end": "12:00" }] }
        ],
        "appointments": [
            ["a1", "ada", "North", "2019-02-04T10:00", 15, "booked", "p-1", { "requestId": "r-1" }],
            ["a2", "ada", "South", "2019-02-04T11:00", 30, "booked", null, { "requestId": "r-2" }],
            ["a3", "grace", "North", "2019-02-04T10:00", 15, "cancelled", null, { "cancelReason": "ill" }],
            ["a4", "ada", "North", "2019-02-05T10:00", 15, "held", "p-2",
             { "requestId": "r-4", "holdExpires": "2019-02-01T09:00" }],
            ["a5", "grace", "North", "2019-02-04T11:00", 15, "expired", null,
             { "holdExpires": "2019-02-01T07:30" }]
        ]
    })
}

/// The header keys in the order a snapshot writes them.
const HEADER: [&str; 6] = [
    "format", "version", "revision", "options", "nextIds", "lastNow",
];

/// `value` written in the version 3 line layout (the header's keys in their order, then any
/// others; one doctor or row per line), which the loader reads line by line when the text
/// begins as a snapshot does.
fn lines(value: &Value) -> String {
    let object = value.as_object().unwrap();
    let mut header: Vec<String> = Vec::new();
    for key in HEADER {
        if let Some(v) = object.get(key) {
            header.push(format!("{}:{v}", json!(key)));
        }
    }
    for (key, v) in object {
        if !HEADER.contains(&key.as_str()) && key != "doctors" && key != "appointments" {
            header.push(format!("{}:{v}", json!(key)));
        }
    }
    let list = |key: &str| -> String {
        object[key]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, item)| format!("{}{item}\n", if i == 0 { "" } else { "," }))
            .collect()
    };
    format!(
        "{{{},\"doctors\":[\n{}],\"appointments\":[\n{}]}}",
        header.join(","),
        list("doctors"),
        list("appointments")
    )
}

/// `value` as compact JSON with its keys sorted (serde_json's order): not the line layout, so
/// it is read whole.
fn whole(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

/// `base()` after `change`, in the line layout (whole, fed in pieces) and read whole.
fn layouts(change: impl FnOnce(&mut Value)) -> Vec<(&'static str, String)> {
    let mut value = base();
    change(&mut value);
    vec![("lines", lines(&value)), ("whole", whole(&value))]
}

/// Loads `text`, whole and in pieces of 5 bytes, which must fail the same way; returns the error.
fn refusal(text: &str) -> Error {
    let e = match from_snapshot(text) {
        Ok(_) => panic!("loaded {text}"),
        Err(e) => e,
    };
    match load_in_pieces(text, 5, None) {
        Ok(_) => panic!("loaded in pieces: {text}"),
        Err(pieces) => assert_eq!(
            (pieces.code, path(&pieces)),
            (e.code, path(&e)),
            "in pieces: {pieces}; whole: {e}"
        ),
    }
    e
}

/// Loads `text`, which must fail with `INVALID_SNAPSHOT` at `expected_path`.
fn assert_invalid_text(text: &str, expected_path: &str) {
    let e = refusal(text);
    assert_eq!(e.code, ErrorCode::InvalidSnapshot, "{text:?}: {e}");
    assert_eq!(path(&e), expected_path, "{text:?}: {e}");
    assert!(
        e.details.path.is_some(),
        "details.path is always set: {e:?}"
    );
}

/// `base()` after `change` must fail with `INVALID_SNAPSHOT` at `expected_path`, in the line
/// layout and read whole alike.
fn assert_invalid(expected_path: &str, change: impl FnOnce(&mut Value)) {
    for (layout, text) in layouts(change) {
        let e = refusal(&text);
        assert_eq!(e.code, ErrorCode::InvalidSnapshot, "{layout}: {e}");
        assert_eq!(path(&e), expected_path, "{layout}: {e}");
    }
}

/// As [`assert_invalid`], at `prefix` or a path inside it (a problem deep inside metadata is
/// named at its own path).
fn assert_invalid_under(prefix: &str, change: impl FnOnce(&mut Value)) {
    for (layout, text) in layouts(change) {
        let e = refusal(&text);
        assert_eq!(e.code, ErrorCode::InvalidSnapshot, "{layout}: {e}");
        assert!(
            path(&e) == prefix || path(&e).starts_with(&format!("{prefix}.")),
            "{layout}: {e}"
        );
    }
}

/// As [`assert_invalid`], read whole only: for changes the line layout cannot spell (no
/// `doctors` list, say).
fn assert_invalid_whole(expected_path: &str, change: impl FnOnce(&mut Value)) {
    let mut value = base();
    change(&mut value);
    let e = refusal(&whole(&value));
    assert_eq!(e.code, ErrorCode::InvalidSnapshot, "{e}");
    assert_eq!(path(&e), expected_path, "{e}");
}

/// `base()` after `change` loads, in both layouts, to the same hospital, whose own snapshot
/// round-trips.
fn loads(change: impl FnOnce(&mut Value)) -> Hospital {
    let mut loaded: Vec<Hospital> = Vec::new();
    for (layout, text) in layouts(change) {
        match from_snapshot(&text) {
            Ok(h) => {
                let written = h.to_snapshot().unwrap();
                assert_eq!(round_trip(&written), written);
                assert_layout_of(&h, &written);
                loaded.push(h);
            }
            Err(e) => panic!("{layout}: {e} for {text}"),
        }
    }
    let h = loaded.pop().unwrap();
    assert_eq!(
        loaded[0].to_snapshot().unwrap(),
        h.to_snapshot().unwrap(),
        "both layouts load the same hospital"
    );
    h
}

#[test]
fn the_base_snapshot_loads() {
    let h = loads(|_| {});
    assert_eq!(h.revision(), 7);
    assert_eq!(h.list_doctors().count(), 2);
    assert_eq!(appointment_ids(&h, "ada", json!({})), ["a1", "a2", "a4"]);
    assert_eq!(
        appointment_ids(&h, "grace", json!({ "status": "expired" })),
        ["a5"]
    );
}

#[test]
fn text_that_is_not_one_json_object_is_invalid_at_the_root() {
    for valid in [lines(&base()), whole(&base())] {
        assert_invalid_text(&format!("{valid} garbage"), "");
        assert_invalid_text(&format!("{valid}{{}}"), "");
        assert_invalid_text(&valid[..valid.len() - 1], "");
        // Trailing whitespace is not garbage.
        from_snapshot(&format!("{valid}\n")).unwrap();
    }
    assert_invalid_text("not json", "");
    assert_invalid_text("", "");
    assert_invalid_text("   ", "");
    assert_invalid_text("{", "");
    assert_invalid_text("[]", "");
    assert_invalid_text("42", "");
    assert_invalid_text("null", "");
}

#[test]
fn a_wrong_format_or_version_is_refused() {
    assert_invalid("format", |s| s["format"] = json!("dr-scheduler"));
    assert_invalid("format", |s| s["format"] = json!(1));
    assert_invalid("version", |s| s["version"] = json!(0));
    assert_invalid("version", |s| s["version"] = json!("3"));
    assert_invalid("version", |s| s["version"] = json!(-1));
    assert_invalid("version", |s| s["version"] = json!(3.5));

    for newer in [5, 6, 1000] {
        for (layout, text) in layouts(|s| s["version"] = json!(newer)) {
            let e = refusal(&text);
            assert_eq!(e.code, ErrorCode::UnsupportedVersion, "{layout}: {e}");
            assert_eq!(e.details.version, Some(newer));
            assert_eq!(e.details.supported_version, Some(4));
        }
    }
    // A newer version is recognised whatever else the text holds.
    let e = refusal(r#"{"format":"dr-schedule","version":5,"shards":[]}"#);
    assert_eq!(e.code, ErrorCode::UnsupportedVersion);
    assert_eq!(e.details.version, Some(5));
    // Rows are version 3's: an older version number does not read them.
    assert_invalid("appointments[0]", |s| s["version"] = json!(2));
}

#[test]
fn missing_and_unknown_fields_are_refused() {
    for key in ["format", "revision", "options", "nextIds", "lastNow"] {
        assert_invalid(key, |s| {
            s.as_object_mut().unwrap().remove(key);
        });
    }
    assert_invalid_whole("doctors", |s| {
        s.as_object_mut().unwrap().remove("doctors");
    });
    assert_invalid_whole("appointments", |s| {
        s.as_object_mut().unwrap().remove("appointments");
    });
    assert_invalid("options.slotMinutes", |s| {
        s["options"].as_object_mut().unwrap().remove("slotMinutes");
    });
    assert_invalid("nextIds.appointment", |s| {
        s["nextIds"].as_object_mut().unwrap().remove("appointment");
    });
    assert_invalid("doctors[0].name", |s| {
        s["doctors"][0].as_object_mut().unwrap().remove("name");
    });
    // A row without its patient (or anything after the start) is too short.
    for len in [0, 1, 4, 6] {
        assert_invalid("appointments[1]", |s| {
            s["appointments"][1].as_array_mut().unwrap().truncate(len);
        });
    }
    assert_invalid("appointments[3].rescheduledFrom[0].end", |s| {
        s["appointments"][3][7]["rescheduledFrom"] =
            json!([{ "location": "North", "start": "2019-02-04T09:00" }]);
    });
    assert_invalid("appointments[1].requested.start", |s| {
        s["appointments"][1][7]["requested"] =
            json!({ "location": "South", "durationMinutes": 30 });
    });
    // Unknown fields, at every level.
    assert_invalid("extra", |s| s["extra"] = json!(1));
    assert_invalid("doctors[1].email", |s| {
        s["doctors"][1]["email"] = json!("x@y")
    });
    assert_invalid("appointments[2].reason", |s| {
        s["appointments"][2][7]["reason"] = json!("x")
    });
    assert_invalid("appointments[0].end", |s| {
        s["appointments"][0][7]["end"] = json!("2019-02-04T10:15")
    });
    assert_invalid("appointments[1].requested.when", |s| {
        s["appointments"][1][7]["requested"] = json!({ "location": "South",
            "start": "2019-02-04T11:00", "durationMinutes": 30, "when": 1 });
    });
    assert_invalid("options.locale", |s| s["options"]["locale"] = json!("de"));
    assert_invalid("nextIds.hold", |s| s["nextIds"]["hold"] = json!(1));
    // A ninth item.
    assert_invalid("appointments[0]", |s| {
        s["appointments"][0].as_array_mut().unwrap().push(json!({}));
    });
}

#[test]
fn wrong_types_and_bad_values_are_refused_at_their_path() {
    for bad in [json!("15"), json!(-15), json!(15.5), json!(null)] {
        assert_invalid("appointments[0].durationMinutes", |s| {
            s["appointments"][0][4] = bad
        });
    }
    assert_invalid("appointments[0].durationMinutes", |s| {
        s["appointments"][0][4] = json!(1455)
    });
    assert_invalid("appointments[0].start", |s| {
        s["appointments"][0][3] = json!("2019-02-30T10:00")
    });
    assert_invalid("appointments[0].start", |s| {
        s["appointments"][0][3] = json!("2019-02-04T10:00:00")
    });
    assert_invalid("appointments[1].status", |s| {
        s["appointments"][1][5] = json!("pending")
    });
    assert_invalid("appointments[1].id", |s| s["appointments"][1][0] = json!(2));
    assert_invalid("appointments[1].doctorId", |s| {
        s["appointments"][1][1] = json!(null)
    });
    assert_invalid("appointments[1].location", |s| {
        s["appointments"][1][2] = json!(["South"])
    });
    assert_invalid("appointments[1].patient", |s| {
        s["appointments"][1][6] = json!(7)
    });
    // The extras: an object of known fields, each of its type.
    assert_invalid("appointments[1]", |s| s["appointments"][1][7] = json!([]));
    assert_invalid("appointments[1]", |s| {
        s["appointments"][1][7] = json!("r-2")
    });
    assert_invalid("appointments[1].requestId", |s| {
        s["appointments"][1][7]["requestId"] = json!(2)
    });
    assert_invalid("appointments[3].holdExpires", |s| {
        s["appointments"][3][7]["holdExpires"] = json!("soon")
    });
    assert_invalid("appointments[0].notes", |s| {
        s["appointments"][0][7]["notes"] = json!(["x"])
    });
    assert_invalid("appointments[0].metadata", |s| {
        s["appointments"][0][7]["metadata"] = json!([1])
    });
    assert_invalid_under("appointments[0].metadata", |s| {
        s["appointments"][0][7]["metadata"] = json!({ "a": { "b": { "c": { "d": { "e": 1 } } } } })
    });
    assert_invalid("appointments[0].rescheduledFrom", |s| {
        s["appointments"][0][7]["rescheduledFrom"] = json!({})
    });
    assert_invalid("appointments[0].requested", |s| {
        s["appointments"][0][7]["requested"] = json!("North")
    });
    assert_invalid("appointments[0].requested.held", |s| {
        s["appointments"][0][7]["requested"] = json!({ "held": "yes", "location": "North",
            "start": "2019-02-04T10:00", "durationMinutes": 15 });
    });
    assert_invalid("doctors[0].schedule[0].days[1]", |s| {
        s["doctors"][0]["schedule"][0]["days"][1] = json!("tuesday")
    });
    assert_invalid("doctors[1].schedule[0].end", |s| {
        s["doctors"][1]["schedule"][0]["end"] = json!("24:30")
    });
    assert_invalid("revision", |s| s["revision"] = json!("5"));
    assert_invalid("lastNow", |s| s["lastNow"] = json!("2019-02-01 08:00"));
    assert_invalid_whole("doctors", |s| s["doctors"] = json!({}));
    assert_invalid_whole("appointments", |s| s["appointments"] = json!({}));
    assert_invalid("options.timeZone", |s| s["options"]["timeZone"] = json!(5));
    assert_invalid("options.maxSnapshotBytes", |s| {
        s["options"]["maxSnapshotBytes"] = json!("128 MiB")
    });
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
    // Every appointment needs its doctor, whatever its status.
    for i in 0..5 {
        assert_invalid(&format!("appointments[{i}].doctorId"), |s| {
            s["appointments"][i][1] = json!("nobody")
        });
    }
    assert_invalid("appointments[1].id", |s| {
        s["appointments"][1][0] = json!("a1")
    });
    assert_invalid("appointments[2].id", |s| {
        s["appointments"][2][0] = json!("a1")
    });
    assert_invalid("appointments[4].id", |s| {
        s["appointments"][4][0] = json!("a4")
    });
    assert_invalid("appointments[0].id", |s| {
        s["appointments"][0][0] = json!("a 1")
    });
    assert_invalid("appointments[0].id", |s| {
        s["appointments"][0][0] = json!("")
    });
    assert_invalid("appointments[1].requestId", |s| {
        s["appointments"][1][7]["requestId"] = json!("r-1")
    });
    assert_invalid("appointments[2].requestId", |s| {
        s["appointments"][2][7]["requestId"] = json!("r-2")
    });
    assert_invalid("appointments[4].requestId", |s| {
        s["appointments"][4][7]["requestId"] = json!("r-4")
    });
    assert_invalid("appointments[0].requestId", |s| {
        s["appointments"][0][7]["requestId"] = json!(" ")
    });
    assert_invalid("appointments[0].patient", |s| {
        s["appointments"][0][6] = json!(" ")
    });
    assert_invalid("appointments[0].location", |s| {
        s["appointments"][0][2] = json!("x".repeat(201))
    });
    assert_invalid("appointments[0].cancelReason", |s| {
        s["appointments"][0][7]["cancelReason"] = json!("changed plans")
    });
    assert_invalid("appointments[2].cancelReason", |s| {
        s["appointments"][2][7]["cancelReason"] = json!("")
    });
    // Holds: only a hold has an expiry, and a hold has one; a live one lapses after lastNow,
    // an expired one lapsed by then.
    assert_invalid("appointments[0].holdExpires", |s| {
        s["appointments"][0][7]["holdExpires"] = json!("2019-02-01T09:00")
    });
    assert_invalid("appointments[2].holdExpires", |s| {
        s["appointments"][2][7]["holdExpires"] = json!("2019-02-01T09:00")
    });
    assert_invalid("appointments[3].holdExpires", |s| {
        s["appointments"][3][7]
            .as_object_mut()
            .unwrap()
            .remove("holdExpires");
    });
    assert_invalid("appointments[4].holdExpires", |s| {
        s["appointments"][4].as_array_mut().unwrap().truncate(7);
    });
    assert_invalid("appointments[3].holdExpires", |s| {
        s["appointments"][3][7]["holdExpires"] = json!("2019-02-01T08:00")
    });
    assert_invalid("appointments[3].holdExpires", |s| {
        s["lastNow"] = json!("2019-02-02T00:00")
    });
    assert_invalid("appointments[4].holdExpires", |s| {
        s["appointments"][4][7]["holdExpires"] = json!("2019-02-01T08:01")
    });
    assert_invalid("appointments[4].holdExpires", |s| {
        s["lastNow"] = json!(null)
    });
    // `requested` belongs to a request id; notes and metadata have their limits.
    assert_invalid("appointments[2].requested", |s| {
        s["appointments"][2][7]["requested"] = json!({ "location": "North",
            "start": "2019-02-04T10:00", "durationMinutes": 15 });
    });
    assert_invalid("appointments[0].requested.location", |s| {
        s["appointments"][0][7]["requested"] = json!({ "location": " ",
            "start": "2019-02-04T10:00", "durationMinutes": 15 });
    });
    assert_invalid("appointments[0].notes", |s| {
        s["appointments"][0][7]["notes"] = json!("x".repeat(2001))
    });
    assert_invalid("appointments[0].notes", |s| {
        s["appointments"][0][7]["notes"] = json!("a\u{7}b")
    });
    assert_invalid_under("appointments[0].metadata", |s| {
        s["appointments"][0][7]["metadata"] = json!({ "big": "x".repeat(4100) })
    });
    assert_invalid("appointments[0].rescheduledFrom[0].end", |s| {
        s["appointments"][0][7]["rescheduledFrom"] = json!([{ "location": "North",
            "start": "2019-02-04T09:00", "end": "2019-02-04T09:00" }]);
    });
}

#[test]
fn booked_and_held_appointments_must_pass_every_booking_rule() {
    for (i, start) in [(1, "2019-02-04T11:00"), (3, "2019-02-05T10:00")] {
        // Outside hours: Ada closes at 17:00.
        assert_invalid(&format!("appointments[{i}].start"), |s| {
            s["appointments"][i][3] = json!(format!("{}T17:00", &start[..10]))
        });
        // Outside hours: a Saturday.
        assert_invalid(&format!("appointments[{i}].start"), |s| {
            s["appointments"][i][3] = json!("2019-02-09T11:00")
        });
        // At a location the doctor does not serve.
        assert_invalid(&format!("appointments[{i}].location"), |s| {
            s["appointments"][i][2] = json!("East")
        });
        // Off the slot grid.
        assert_invalid(&format!("appointments[{i}].start"), |s| {
            s["appointments"][i][3] = json!(start.replace(":00", ":05"))
        });
        // Longer than the doctor's day.
        assert_invalid(&format!("appointments[{i}].start"), |s| {
            s["appointments"][i][4] = json!(900)
        });
    }
    // Overlapping the booked a1 (10:00-10:15), at another location.
    assert_invalid("appointments[1].start", |s| {
        s["appointments"][1][3] = json!("2019-02-04T09:45");
    });
    // A hold overlapping a booking: a live hold takes its time.
    assert_invalid("appointments[3].start", |s| {
        s["appointments"][3][3] = json!("2019-02-04T11:15");
    });
    // With preventPatientOverlap, a patient's appointments may not overlap.
    assert_invalid("appointments[3].start", |s| {
        s["options"]["preventPatientOverlap"] = json!(true);
        s["appointments"][3][1] = json!("grace");
        s["appointments"][3][3] = json!("2019-02-04T10:00");
        s["appointments"][3][6] = json!("p-1");
    });
    // The grid of the snapshot's own options: 10-minute slots make 15-minute appointments off
    // the grid.
    assert_invalid("appointments[0].durationMinutes", |s| {
        s["options"]["slotMinutes"] = json!(10);
        s["options"]["defaultDurationMinutes"] = json!(10);
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
    for bad in [0, 16_383, 268_435_457] {
        assert_invalid("options.maxSnapshotBytes", |s| {
            s["options"]["maxSnapshotBytes"] = json!(bad)
        });
    }
    assert_invalid("nextIds.doctor", |s| s["nextIds"]["doctor"] = json!(0));
    assert_invalid("nextIds.appointment", |s| {
        s["nextIds"]["appointment"] = json!(0)
    });
    assert_invalid("nextIds.doctor", |s| s["nextIds"]["doctor"] = json!(-1));
    assert_invalid("revision", |s| {
        s["revision"] = json!(9_007_199_254_740_992_u64)
    });
    assert_invalid("nextIds.appointment", |s| {
        s["nextIds"]["appointment"] = json!(9_007_199_254_740_992_u64)
    });
}

#[test]
fn history_need_not_pass_the_booking_rules() {
    // Overlapping cancelled and expired appointments, and history overlapping a booking.
    let h = loads(|s| {
        let appointments = s["appointments"].as_array_mut().unwrap();
        for (id, start, status) in [
            ("c1", "2019-02-04T10:00", "cancelled"),
            ("c2", "2019-02-04T10:15", "cancelled"),
            ("e1", "2019-02-04T10:00", "expired"),
        ] {
            let mut row = json!([id, "ada", "South", start, 30, status, null]);
            if status == "expired" {
                row.as_array_mut()
                    .unwrap()
                    .push(json!({ "holdExpires": "2019-01-31T10:00" }));
            }
            appointments.push(row);
        }
    });
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "cancelled" })),
        ["c1", "c2"]
    );
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "expired" })),
        ["e1"]
    );
    assert_eq!(appointment_ids(&h, "ada", json!({})), ["a1", "a2", "a4"]);
    // At a location the doctor no longer serves, and outside the doctor's current hours.
    let h = loads(|s| {
        s["appointments"].as_array_mut().unwrap().push(json!([
            "old", "grace", "Old Clinic", "2019-02-05T18:00", 15, "cancelled", null,
            { "cancelReason": "doctor updated" }
        ]));
        s["appointments"].as_array_mut().unwrap().push(json!([
            "gone", "grace", "Old Clinic", "2019-02-06T18:00", 15, "expired", null,
            { "holdExpires": "2019-01-31T10:00", "requestId": "r-old" }
        ]));
    });
    assert_eq!(h.get_appointment("old").unwrap().location(), "Old Clinic");
    assert_eq!(
        found_ids(&h, json!({ "location": "Old Clinic", "status": "all" })),
        ["old", "gone"]
    );
    // A booked appointment after a cancelled one at the same time is fine too.
    let h = loads(|s| {
        s["appointments"][0][5] = json!("cancelled");
        s["appointments"].as_array_mut().unwrap().push(json!([
            "a6",
            "ada",
            "South",
            "2019-02-04T10:00",
            15,
            "booked",
            null
        ]));
    });
    assert_eq!(
        appointment_ids(&h, "ada", json!({ "status": "all", "to": "2019-02-04" })),
        ["a1", "a6", "a2"]
    );
}

#[test]
fn rows_and_objects_in_each_others_place_are_refused() {
    // An appointment written as an object (the version 2 shape) in a version 3 snapshot.
    assert_invalid("appointments[0]", |s| {
        s["appointments"][0] = json!({ "id": "a1", "doctorId": "ada", "location": "North",
            "start": "2019-02-04T10:00", "durationMinutes": 15, "status": "booked" });
    });
    // serde would fill a struct from an array by position; a snapshot must spell its objects.
    assert_invalid("doctors[1]", |s| {
        s["doctors"][1] = json!(["grace", "Dr. Grace Hopper", ["North"], []]);
    });
    assert_invalid("doctors[0].schedule[0]", |s| {
        s["doctors"][0]["schedule"][0] = json!([["mon"], "09:00", "17:00"]);
    });
    assert_invalid("appointments[0].rescheduledFrom[0]", |s| {
        s["appointments"][0][7]["rescheduledFrom"] =
            json!([["North", "2019-02-04T09:00", "2019-02-04T09:15"]]);
    });
    assert_invalid("options", |s| {
        s["options"] = json!([15, 15, null, 134_217_728])
    });
    assert_invalid("nextIds", |s| s["nextIds"] = json!([1, 6]));
    assert_invalid_text("[\"dr-schedule\", 3]", "");
}

// ----- version 2, read but no longer written -----

/// A small valid version 2 snapshot (appointments as objects, with `end`).
fn base_v2() -> Value {
    json!({
        "format": "dr-schedule",
        "version": 2,
        "lastNow": null,
        "revision": 5,
        "options": { "slotMinutes": 15, "defaultDurationMinutes": 15, "timeZone": null },
        "doctors": [
            { "id": "ada", "name": "Dr. Ada Lovelace", "locations": ["North", "South"],
              "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00" }] }
        ],
        "appointments": [
            { "id": "a1", "doctorId": "ada", "location": "North", "start": "2019-02-04T10:00",
              "end": "2019-02-04T10:15", "durationMinutes": 15, "patient": "p-1",
              "requestId": "r-1", "status": "booked" },
            { "id": "a2", "doctorId": "ada", "location": "South", "start": "2019-02-04T11:00",
              "end": "2019-02-04T11:30", "durationMinutes": 30, "status": "cancelled",
              "cancelReason": "ill" }
        ],
        "nextIds": { "doctor": 1, "appointment": 3 }
    })
}

#[test]
fn version_2_snapshots_are_checked_by_their_own_rules() {
    let v2 = |change: &dyn Fn(&mut Value)| {
        let mut value = base_v2();
        change(&mut value);
        whole(&value)
    };
    let h = from_snapshot(&v2(&|_| {})).unwrap();
    assert!(h
        .to_snapshot()
        .unwrap()
        .starts_with("{\"format\":\"dr-schedule\",\"version\":4,"));
    // Version 2 records lastNow; version 1 has none.
    assert_invalid_text(
        &v2(&|s| {
            s.as_object_mut().unwrap().remove("lastNow");
        }),
        "lastNow",
    );
    assert_invalid_text(&v2(&|s| s["version"] = json!(1)), "lastNow");
    // end must be start + durationMinutes.
    assert_invalid_text(
        &v2(&|s| s["appointments"][0]["end"] = json!("2019-02-04T10:30")),
        "appointments[0].end",
    );
    assert_invalid_text(
        &v2(&|s| s["appointments"][1]["end"] = json!("2019-02-04T11:00")),
        "appointments[1].end",
    );
    assert_invalid_text(
        &v2(&|s| {
            s["appointments"][0]
                .as_object_mut()
                .unwrap()
                .remove("status");
        }),
        "appointments[0].status",
    );
    // Version 3's additions are not version 2's.
    assert_invalid_text(
        &v2(&|s| {
            s["appointments"][1]["status"] = json!("expired");
            s["appointments"][1]["holdExpires"] = json!("2019-01-01T00:00");
        }),
        "appointments[1].status",
    );
    assert_invalid_text(
        &v2(&|s| {
            s["appointments"][0]["requested"] =
                json!({ "location": "North", "start": "2019-02-04T10:00", "durationMinutes": 15 })
        }),
        "appointments[0].requested",
    );
    assert_invalid_text(
        &v2(&|s| {
            s["appointments"][0] =
                json!(["a1", "ada", "North", "2019-02-04T10:00", 15, "booked", null])
        }),
        "appointments[0]",
    );
}

// ----- size limits -----

#[test]
fn an_oversized_snapshot_is_refused_before_parsing() {
    use dr_schedule::engine::MAX_SNAPSHOT_BYTES;
    // Valid JSON padded with whitespace: only the size check can refuse it.
    let snapshot = hospital().to_snapshot().unwrap();
    let padded = format!(
        "{snapshot}{}",
        " ".repeat(MAX_SNAPSHOT_BYTES + 1 - snapshot.len())
    );
    let e = from_snapshot(&padded).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidSnapshot);
    assert_eq!(path(&e), "");
    assert!(e.message.contains("limit"), "{e}");
    // In pieces, the loader stops at the piece that passes the limit.
    let mut loader = SnapshotLoader::with_time_zones(None, time_zones(), None).unwrap();
    let mut refused = None;
    for (i, piece) in padded.as_bytes().chunks(1 << 20).enumerate() {
        if let Err(e) = loader.feed(piece) {
            refused = Some((i, e));
            break;
        }
    }
    let (at_piece, e) = refused.expect("refused while feeding");
    assert_eq!(at_piece, MAX_SNAPSHOT_BYTES >> 20);
    assert_eq!((e.code, path(&e)), (ErrorCode::InvalidSnapshot, ""));
    // Whitespace itself is fine (parsing 512 MiB of it is left out: slow in debug builds).
    assert!(from_snapshot(&padded[..snapshot.len() + 1024]).is_ok());
}

#[test]
fn a_snapshot_over_its_own_limit_loads_only_with_a_higher_limit() {
    // 16 KiB is the lowest limit; ten appointments with 2,000 bytes of notes pass it.
    let notes = "n".repeat(2000);
    let over = |s: &mut Value| {
        s["options"]["maxSnapshotBytes"] = json!(16_384);
        let rows = s["appointments"].as_array_mut().unwrap();
        for i in 0..10 {
            rows.push(
                json!([format!("n{i}"), "ada", "North", "2019-02-06T09:00", 15,
                             "cancelled", null, { "notes": notes }]),
            );
        }
    };
    for (layout, text) in layouts(over) {
        let e = refusal(&text);
        assert_eq!(e.code, ErrorCode::HospitalFull, "{layout}: {e}");
        assert_eq!(e.details.limit_of, Some("snapshotBytes"));
        assert_eq!(e.details.limit, Some(16_384));
        assert!(e.details.current.unwrap() > 16_384, "{e:?}");
        assert!(e.message.contains("maxSnapshotBytes"), "{e}");
        // Raising the limit loads it, and the hospital keeps the raised limit.
        for raised in [32_768, 1 << 20] {
            let h = load_in_pieces(&text, 100, Some(raised)).unwrap();
            assert_eq!(h.options().max_snapshot_bytes, raised);
            assert!(h.snapshot_bytes() > 16_384);
            let written = h.to_snapshot().unwrap();
            assert!(written.contains(&format!("\"maxSnapshotBytes\":{raised}")));
            assert_eq!(round_trip(&written), written);
        }
        // Not raised enough: still full. A lower limit than its own does not lower it.
        let e = load_in_pieces(&text, 100, Some(17_000)).err().unwrap();
        assert_eq!(e.code, ErrorCode::HospitalFull);
        let h = load_in_pieces(&lines(&base()), 100, Some(16_384)).unwrap();
        assert_eq!(h.options().max_snapshot_bytes, 134_217_728);
    }
    // The raised limit itself must be one a hospital may have.
    for bad in [0, 16_383, (256 << 20) + 1] {
        let e = SnapshotLoader::new(Some(bad)).err().unwrap();
        assert_eq!(
            (e.code, field(&e)),
            (ErrorCode::InvalidInput, "maxSnapshotBytes")
        );
    }
}

#[test]
fn the_v4_fixture_loads_unchanged_with_its_zones() {
    let text = FIXTURE_V4.strip_suffix('\n').unwrap();
    let h = from_snapshot(FIXTURE_V4).unwrap();
    assert!(h.is_zoned());
    assert_eq!(h.to_snapshot().unwrap(), text);
    assert_layout_of(&h, text);
    assert_eq!(round_trip(text), text);
    // The two 01:30s of 2025-11-02 in New York stay one hour apart.
    let utc = |id: &str| {
        let a = h.get_appointment(id).unwrap();
        serde_json::to_value(a).unwrap()["startUtc"].clone()
    };
    assert_eq!(utc("a2"), json!("2025-11-02T05:30:00Z"));
    assert_eq!(utc("a3"), json!("2025-11-02T06:30:00Z"));
    // Without the zones, the snapshot cannot be read.
    let e = dr_schedule::engine::Hospital::from_snapshot(FIXTURE_V4).unwrap_err();
    assert_eq!(e.details.path.as_deref(), Some("options.timeZone"), "{e}");
}
