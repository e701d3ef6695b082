//! Change records: one per successful mutation, and snapshot + the changes after it rebuild a
//! byte-identical hospital; applying is validated like the calls it replays, all or nothing.

// clippy.toml's allow-*-in-tests covers `#[test]` functions only; the helpers here are test
// code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dr_schedule::engine::MAX_RETAINED_CHANGES;
use dr_schedule::engine::{read_input, Change, ErrorCode, Hospital, HospitalOptionsInput};
use serde_json::{json, Value};

fn read<T: dr_schedule::engine::ReadJson>(value: Value) -> T {
    read_input(value, "input").unwrap()
}

fn hospital() -> Hospital {
    Hospital::new(HospitalOptionsInput::default()).unwrap()
}

/// Adds Dr. Ada (d1, Fridays 09:00-17:00 at A and B) and Dr. Bo (explicit id "bo").
fn with_doctors(h: &mut Hospital) {
    let schedule = json!([{ "days": ["fri"], "start": "09:00", "end": "17:00" }]);
    h.add_doctor(read(
        json!({ "name": "Dr. Ada", "locations": ["A", "B"], "schedule": schedule }),
    ))
    .unwrap();
    h.add_doctor(read(
        json!({ "id": "bo", "name": "Dr. Bo", "locations": ["A"], "schedule": schedule }),
    ))
    .unwrap();
}

fn book(h: &mut Hospital, request: Value) -> String {
    h.book(read(request)).unwrap().id().to_string()
}

/// Every kind of mutation, including assigned and explicit ids, a requestId, defaults, a
/// cancellation with and without reason, an update that cancels, and a removal.
fn busy_history(h: &mut Hospital) {
    with_doctors(h);
    book(
        h,
        json!({ "doctorId": "d1", "location": "A", "start": "2019-02-01T10:00", "patient": "p1" }),
    );
    book(
        h,
        json!({ "doctorId": "d1", "location": "B", "start": "2019-02-01T10:15", "id": "x-1",
                    "durationMinutes": 45, "requestId": "r-1" }),
    );
    book(
        h,
        json!({ "doctorId": "bo", "location": "A", "start": "2019-02-01T10:00" }),
    );
    h.cancel("a1", read(json!({ "reason": "ill" }))).unwrap();
    h.cancel("a2", read(json!({}))).unwrap();
    h.update_doctor(
        "d1",
        read(json!({ "locations": ["A"] })),
        read(json!({ "cancelAppointments": true })),
    )
    .unwrap();
    h.update_doctor("bo", read(json!({ "name": "Dr. Bo Jr." })), read(json!({})))
        .unwrap();
    h.remove_doctor("bo", read(json!({ "cancelAppointments": true })))
        .unwrap();
    book(
        h,
        json!({ "doctorId": "d1", "location": "A", "start": "2019-02-01T11:00" }),
    );
}

#[test]
fn each_mutation_records_one_change_with_its_revision() {
    let mut h = hospital();
    busy_history(&mut h);
    let changes = h.changes_since(0).unwrap();
    assert_eq!(changes.len() as u64, h.revision());
    let revisions: Vec<u64> = changes.iter().map(Change::revision).collect();
    assert_eq!(revisions, (1..=h.revision()).collect::<Vec<_>>());
    let ops: Vec<String> = changes
        .iter()
        .map(|c| {
            serde_json::to_value(c).unwrap()["op"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        ops,
        [
            "addDoctor",
            "addDoctor",
            "book",
            "book",
            "book",
            "cancel",
            "cancel",
            "updateDoctor",
            "updateDoctor",
            "removeDoctor",
            "book"
        ]
    );
    assert_eq!(h.changes_since(h.revision()).unwrap(), vec![]);
    assert_eq!(h.changes_since(9).unwrap().len(), 2);
}

#[test]
fn records_are_plain_json_with_the_result() {
    let mut h = hospital();
    with_doctors(&mut h);
    book(
        &mut h,
        json!({ "doctorId": "d1", "location": "A", "start": "2019-02-01T10:00" }),
    );
    h.cancel("a1", read(json!({ "reason": "ill" }))).unwrap();
    let changes = serde_json::to_value(h.changes_since(2).unwrap()).unwrap();
    assert_eq!(
        changes,
        json!([
            { "op": "book", "revision": 3, "assignedId": true, "appointment": {
                "id": "a1", "doctorId": "d1", "location": "A", "start": "2019-02-01T10:00",
                "end": "2019-02-01T10:15", "durationMinutes": 15, "status": "booked" } },
            { "op": "cancel", "revision": 4, "id": "a1", "reason": "ill" }
        ])
    );
}

#[test]
fn a_request_id_replay_and_a_failed_call_record_nothing() {
    let mut h = hospital();
    with_doctors(&mut h);
    let request =
        json!({ "doctorId": "d1", "location": "A", "start": "2019-02-01T10:00", "requestId": "r" });
    book(&mut h, request.clone());
    book(&mut h, request);
    assert!(h.cancel("nope", read(json!({}))).is_err());
    assert_eq!(h.changes_since(0).unwrap().len(), 3);
}

#[test]
fn snapshot_plus_later_changes_rebuilds_the_same_snapshot_at_every_point() {
    let mut h = hospital();
    busy_history(&mut h);
    let all = h.changes_since(0).unwrap();
    let final_snapshot = h.to_snapshot().unwrap();
    // Replaying from scratch, and from the state after each prefix.
    for split in 0..=all.len() {
        let mut replica = hospital();
        replica.apply_changes(all[..split].to_vec()).unwrap();
        let mut restored = Hospital::from_snapshot(&replica.to_snapshot().unwrap()).unwrap();
        restored.apply_changes(all[split..].to_vec()).unwrap();
        assert_eq!(
            restored.to_snapshot().unwrap(),
            final_snapshot,
            "split at {split}"
        );
        // The replica logs the same records, so it can feed a third copy in turn.
        assert_eq!(
            restored.changes_since(split as u64).unwrap(),
            all[split..].to_vec()
        );
    }
}

#[test]
fn changes_survive_json_text() {
    let mut h = hospital();
    busy_history(&mut h);
    let text = serde_json::to_string(&h.changes_since(0).unwrap()).unwrap();
    let mut replica = hospital();
    replica
        .apply_changes(dr_schedule::engine::read_json(text.as_bytes(), "changes").unwrap())
        .unwrap();
    assert_eq!(replica.to_snapshot().unwrap(), h.to_snapshot().unwrap());
}

#[test]
fn applying_out_of_order_is_a_revision_mismatch_and_changes_nothing() {
    let mut source = hospital();
    busy_history(&mut source);
    let all = source.changes_since(0).unwrap();
    let mut h = hospital();
    h.apply_changes(all[..3].to_vec()).unwrap();
    let before = h.to_snapshot().unwrap();
    for changes in [
        all[4..6].to_vec(),
        all[2..5].to_vec(),
        all[3..4].iter().chain(&all[5..6]).cloned().collect(),
    ] {
        let e = h.apply_changes(changes).unwrap_err();
        assert_eq!(e.code, ErrorCode::RevisionMismatch, "{e}");
        assert_eq!(h.to_snapshot().unwrap(), before);
        assert_eq!(h.revision(), 3);
    }
    let e = h.apply_changes(vec![all[5].clone()]).unwrap_err();
    assert_eq!(e.details.expected_revision, Some(4));
    assert_eq!(e.details.revision, Some(6));
}

#[test]
fn a_change_that_fails_its_rules_fails_the_whole_batch() {
    let mut source = hospital();
    with_doctors(&mut source);
    book(
        &mut source,
        json!({ "doctorId": "d1", "location": "A", "start": "2019-02-01T10:00" }),
    );
    book(
        &mut source,
        json!({ "doctorId": "d1", "location": "A", "start": "2019-02-01T10:15" }),
    );
    let mut changes = serde_json::to_value(source.changes_since(0).unwrap()).unwrap();
    // The second booking now overlaps the first.
    changes[3]["appointment"]["start"] = json!("2019-02-01T10:00");
    changes[3]["appointment"]["end"] = json!("2019-02-01T10:15");
    let mut h = hospital();
    let e = h
        .apply_changes(dr_schedule::engine::read_input(changes, "changes").unwrap())
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SlotTaken, "{e}");
    assert!(e.message.starts_with("changes[3]: "), "{e}");
    assert_eq!(h.to_snapshot().unwrap(), hospital().to_snapshot().unwrap());
}

#[test]
fn tampered_records_are_refused_before_anything_changes() {
    let mut source = hospital();
    with_doctors(&mut source);
    book(
        &mut source,
        json!({ "doctorId": "d1", "location": "A", "start": "2019-02-01T10:00", "requestId": "r" }),
    );
    let good = serde_json::to_value(source.changes_since(2).unwrap()).unwrap();
    let mut base = hospital();
    with_doctors(&mut base);
    let before = base.to_snapshot().unwrap();
    type Tamper = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Tamper)> = vec![
        (
            "[0].id",
            Box::new(|c| c[0]["appointment"]["id"] = json!("a9")),
        ),
        (
            "[0].appointment.end",
            Box::new(|c| c[0]["appointment"]["end"] = json!("2019-02-01T10:30")),
        ),
        (
            "[0].appointment.status",
            Box::new(|c| c[0]["appointment"]["status"] = json!("cancelled")),
        ),
    ];
    for (field, tamper) in cases {
        let mut changes = good.clone();
        tamper(&mut changes);
        let mut h = base.clone();
        let e = h
            .apply_changes(dr_schedule::engine::read_input(changes, "changes").unwrap())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{e}");
        assert_eq!(
            e.details.field.as_deref(),
            Some(format!("changes{field}").as_str()),
            "{e}"
        );
        assert_eq!(h.to_snapshot().unwrap(), before);
    }
    // A booking whose requestId the hospital has already seen would replay as a no-op.
    let mut h = base.clone();
    h.apply_changes(dr_schedule::engine::read_input(good.clone(), "changes").unwrap())
        .unwrap();
    let mut again = good.clone();
    again[0]["revision"] = json!(4);
    again[0]["appointment"]["id"] = json!("a2");
    let after = h.to_snapshot().unwrap();
    let e = h
        .apply_changes(dr_schedule::engine::read_input(again, "changes").unwrap())
        .unwrap_err();
    assert_eq!(
        e.details.field.as_deref(),
        Some("changes[0].appointment.requestId")
    );
    assert_eq!(h.to_snapshot().unwrap(), after);
}

#[test]
fn unknown_ops_and_fields_do_not_parse() {
    for bad in [
        json!([{ "op": "teleport", "revision": 1 }]),
        json!([{ "op": "cancel", "revision": 1, "id": "a1", "extra": true }]),
        json!([{ "op": "cancel", "id": "a1" }]),
        json!([{ "op": "cancel", "revision": 1 }]),
        json!([{ "op": "cancel", "revision": 1, "id": "a1", "assignedId": true }]),
        json!([{ "op": "book", "revision": 1, "appointment": [], "assignedId": true }]),
    ] {
        let e = read_input::<Vec<Change>, _>(bad.clone(), "changes").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
    }
}

#[test]
fn the_log_keeps_the_most_recent_changes_and_says_when_older_ones_are_gone() {
    let mut h = hospital();
    with_doctors(&mut h);
    let schedule = json!([{ "days": ["fri"], "start": "09:00", "end": "17:00" }]);
    for _ in 0..MAX_RETAINED_CHANGES {
        h.update_doctor("bo", read(json!({ "schedule": schedule })), read(json!({})))
            .unwrap();
    }
    let revision = h.revision();
    assert_eq!(h.changes_since(2).unwrap().len(), MAX_RETAINED_CHANGES);
    let e = h.changes_since(1).unwrap_err();
    assert_eq!(e.code, ErrorCode::ChangesUnavailable);
    assert_eq!(e.details.oldest_revision, Some(2));
    let e = h.changes_since(revision + 1).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    // A restored hospital starts its log at the snapshot's revision.
    let restored = Hospital::from_snapshot(&h.to_snapshot().unwrap()).unwrap();
    assert_eq!(restored.changes_since(revision).unwrap(), vec![]);
    assert_eq!(
        restored.changes_since(revision - 1).unwrap_err().code,
        ErrorCode::ChangesUnavailable
    );
}

#[test]
fn the_log_keeps_at_most_its_bytes_of_records_and_says_when_older_ones_are_gone() {
    use dr_schedule::engine::MAX_RETAINED_CHANGE_BYTES;
    let mut h = hospital();
    with_doctors(&mut h);
    // Dr. Bo with 1,000 days of time off, each with a 500-byte reason: every updateDoctor
    // record holds the whole profile, about 570 KB.
    let reason = "r".repeat(500);
    let mut time_off = Vec::new();
    'dates: for year in 2020..2030 {
        for month in 1..=12 {
            for day in 1..=28 {
                if time_off.len() == 1_000 {
                    break 'dates;
                }
                let date = format!("{year}-{month:02}-{day:02}");
                time_off.push(json!({ "start": format!("{date}T00:00"),
                                      "end": format!("{date}T01:00"), "reason": reason }));
            }
        }
    }
    let updates = 32;
    for k in 0..updates {
        h.update_doctor(
            "bo",
            read(json!({ "name": format!("Dr. Bo {k}"), "timeOff": time_off })),
            read(json!({})),
        )
        .unwrap();
    }
    let revision = h.revision();
    // The oldest retained record: CHANGES_UNAVAILABLE names it.
    let e = h.changes_since(0).unwrap_err();
    assert_eq!(e.code, ErrorCode::ChangesUnavailable);
    let oldest = e.details.oldest_revision.unwrap();
    let kept = h.changes_since(oldest).unwrap();
    assert_eq!(kept.len() as u64, revision - oldest);
    assert!(kept.len() < updates, "{} records kept", kept.len());
    assert!(kept.len() > 20, "{} records kept", kept.len());
    // The most recent ones, within the bound; one more would not have fitted.
    let text = h.changes_since_json(oldest).unwrap();
    let bytes = text.len() - 2 - (kept.len() - 1);
    assert!(bytes <= MAX_RETAINED_CHANGE_BYTES, "{bytes}");
    let one = serde_json::to_string(&kept[0]).unwrap().len();
    assert!(bytes + one > MAX_RETAINED_CHANGE_BYTES, "{bytes} + {one}");
    assert_eq!(kept.last().unwrap().revision, revision);
    for older in [0, 1, oldest - 1] {
        let e = h.changes_since(older).unwrap_err();
        assert_eq!(e.code, ErrorCode::ChangesUnavailable, "{older}");
        assert_eq!(e.details.oldest_revision, Some(oldest));
        assert!(h.changes_since_json(older).is_err());
    }
    // A small record fits beside them; one more big one pushes out the oldest.
    book(
        &mut h,
        json!({ "doctorId": "d1", "location": "A", "start": "2019-02-01T10:00" }),
    );
    assert!(h.changes_since(oldest).is_ok());
    h.update_doctor(
        "bo",
        read(json!({ "name": "Dr. Bo again", "timeOff": time_off })),
        read(json!({})),
    )
    .unwrap();
    assert!(h.changes_since(oldest).is_err(), "the oldest is gone");
    let e = h.changes_since(0).unwrap_err();
    let newest_oldest = e.details.oldest_revision.unwrap();
    assert!(newest_oldest > oldest);
    assert_eq!(
        h.changes_since(newest_oldest).unwrap().len() as u64,
        h.revision() - newest_oldest
    );
}
