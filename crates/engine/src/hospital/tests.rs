//! Unit tests of the hospital's storage, with access to its private parts: compaction keeps
//! memory bounded and every index right; locations are counted while anything uses them; the
//! tracked size is the snapshot's length plus what its documentation says.

use super::Hospital;
use crate::input::read_input;
use crate::queries::{AppointmentQuery, FindAppointmentsQuery, StatusFilter};
use crate::store::PAGE;
use serde_json::{json, Value};

fn read<T: crate::reader::ReadJson>(value: Value) -> T {
    read_input(value, "input").unwrap()
}

fn hospital() -> Hospital {
    Hospital::new(read(json!({}))).unwrap()
}

fn add_doctor(h: &mut Hospital, locations: &[&str]) -> String {
    let doctor = read(json!({
        "name": "Dr. Cycle", "locations": locations,
        "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00" }]
    }));
    h.add_doctor(doctor).unwrap().id.clone()
}

/// The `n`-th quarter hour of the working week from Monday 2019-02-04 08:00 (40 per day).
fn start(n: usize) -> String {
    let day = 4 + (n / 40) % 5 + 7 * (n / 200);
    let minute = 8 * 60 + (n % 40) * 15;
    format!("2019-02-{day:02}T{:02}:{:02}", minute / 60, minute % 60)
}

fn book(h: &mut Hospital, doctor: &str, location: &str, n: usize, patient: &str) -> String {
    let request = read(json!({
        "doctorId": doctor, "location": location, "start": start(n), "patient": patient
    }));
    h.book(request).unwrap().id().to_string()
}

/// The indexes the hospital keeps in step as it changes are the ones it would build from its
/// records now.
fn assert_indexes_are_right(h: &Hospital) {
    let mut fresh = h.clone();
    fresh.reindex();
    assert_eq!(fresh.holds, h.holds, "holds");
    assert_eq!(fresh.patients, h.patients, "the patient index");
    assert_eq!(fresh.locations, h.locations, "the location index");
    for ((_, a), (_, b)) in fresh.doctors.iter().zip(h.doctors.iter()) {
        assert_eq!(a.calendar, b.calendar, "the calendar of {}", a.doctor.id);
    }
    for view in h.all_appointments() {
        let id = view.id().to_string();
        assert_eq!(
            h.get_appointment(&id).unwrap().to_appointment(),
            view.to_appointment()
        );
        if let Some(request_id) = view.request_id() {
            assert_eq!(h.store.find_request(request_id), h.store.find(&id));
        }
    }
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
fn compaction_keeps_memory_bounded_and_every_index_right() {
    let mut h = hospital();
    // A doctor who stays, with appointments before, between and after the cycles.
    let stays = add_doctor(&mut h, &["Main"]);
    for n in 0..30 {
        book(&mut h, &stays, "Main", n, &format!("p-{}", n % 7));
    }
    let mut compactions = 0;
    let mut last_next_seq = h.store.next_seq();
    for cycle in 0..60 {
        let temp = add_doctor(&mut h, &["Main", "Annex"]);
        for n in 0..120 {
            let location = if n % 2 == 0 { "Main" } else { "Annex" };
            let id = book(&mut h, &temp, location, n, &format!("p-{}", n % 7));
            if n % 5 == 0 {
                h.cancel(&id, read(json!({ "reason": "cycle" }))).unwrap();
            }
        }
        book(&mut h, &stays, "Main", 30 + cycle, "p-1");
        let options = read(json!({ "cancelAppointments": true }));
        h.remove_doctor(&temp, options).unwrap();
        if h.store.next_seq() < last_next_seq {
            compactions += 1;
        }
        last_next_seq = h.store.next_seq();
        // Only the doctor who stays keeps appointments, and the store stays small: it
        // compacts once more than a page of holes outnumbers the records.
        assert_eq!(h.appointment_count(), 31 + cycle);
        assert!(h.store.next_seq() as usize <= 3 * PAGE, "cycle {cycle}");
        assert!(h.store.page_count() <= 3, "cycle {cycle}");
        assert_eq!(h.doctor_count(), 1);
        assert_eq!(h.places.find("Annex"), None, "nothing uses Annex any more");
        if cycle % 10 == 9 {
            assert_indexes_are_right(&h);
        }
    }
    assert!(compactions >= 4, "{compactions} compactions");
    assert_indexes_are_right(&h);
    // The indexes answer as before: by patient, by location, by doctor.
    let by_patient = h
        .find_appointments(FindAppointmentsQuery {
            patient: Some("p-1".into()),
            status: Some(StatusFilter::All),
            ..FindAppointmentsQuery::default()
        })
        .unwrap();
    assert_eq!(by_patient.len(), 5 + 60);
    let all = h
        .appointments(
            &stays,
            AppointmentQuery {
                status: Some(StatusFilter::All),
                ..AppointmentQuery::default()
            },
        )
        .unwrap();
    assert_eq!(all.len(), 90);
    let at_main = h
        .find_appointments(FindAppointmentsQuery {
            location: Some("Main".into()),
            ..FindAppointmentsQuery::default()
        })
        .unwrap();
    assert_eq!(at_main.len(), 90);
    // Assigned ids keep counting; a slot freed by the removals books again.
    let next = book(&mut h, &stays, "Main", 150, "p-9");
    assert_eq!(next, format!("a{}", 30 + 60 * 121 + 1));
}

#[test]
fn a_batch_never_compacts_midway_and_an_undone_batch_leaves_the_indexes_right() {
    let mut source = hospital();
    let stays = add_doctor(&mut source, &["Main"]);
    let base = source.clone();
    for cycle in 0..12 {
        let temp = add_doctor(&mut source, &["Main", "Annex"]);
        for n in 0..100 {
            book(&mut source, &temp, "Annex", n, "p-2");
        }
        book(&mut source, &stays, "Main", cycle, "p-3");
        source
            .remove_doctor(&temp, read(json!({ "cancelAppointments": true })))
            .unwrap();
    }
    let changes = source.changes_since(base.revision()).unwrap();
    // All but the last: then a record that fails; nothing of the batch may remain.
    let mut broken = changes.clone();
    let last = broken.len() - 1;
    broken[last] = read(json!({ "op": "cancel", "revision": broken[last].revision, "id": "zz" }));
    let mut replica = base.clone();
    assert!(replica.apply_changes(broken).is_err());
    assert_eq!(replica.to_snapshot().unwrap(), base.to_snapshot().unwrap());
    assert_eq!(replica.snapshot_bytes(), base.snapshot_bytes());
    assert_eq!(replica.places.find("Annex"), None);
    assert_indexes_are_right(&replica);
    // The whole batch applies, compacting once at the end.
    replica.apply_changes(changes).unwrap();
    assert_eq!(
        replica.to_snapshot().unwrap(),
        source.to_snapshot().unwrap()
    );
    assert!(replica.store.next_seq() as usize <= 2 * PAGE);
    assert_indexes_are_right(&replica);
}

#[test]
fn a_location_lives_while_a_doctor_or_an_appointment_names_it() {
    let mut h = hospital();
    let ada = add_doctor(&mut h, &["North", "South"]);
    let grace = add_doctor(&mut h, &["South"]);
    let south = h.places.find("South").unwrap();
    let stamp = h.places.stamp(south);
    let a = book(&mut h, &ada, "South", 0, "p-1");
    // Ada drops South: her appointment there is cancelled but keeps its location.
    let patch = read(json!({ "locations": ["North"] }));
    h.update_doctor(&ada, patch, read(json!({ "cancelAppointments": true })))
        .unwrap();
    assert_eq!(h.get_appointment(&a).unwrap().location(), "South");
    // Grace leaves: only history names South now, and keeps it.
    h.remove_doctor(&grace, read(json!({}))).unwrap();
    assert_eq!(h.places.find("South"), Some(south));
    let found = h
        .find_appointments(FindAppointmentsQuery {
            location: Some("South".into()),
            status: Some(StatusFilter::Cancelled),
            ..FindAppointmentsQuery::default()
        })
        .unwrap();
    assert_eq!(found.len(), 1);
    // A snapshot restores the same: history keeps the location without a doctor serving it.
    let restored = Hospital::from_snapshot(&h.to_snapshot().unwrap()).unwrap();
    assert!(restored.places.find("South").is_some());
    // Ada goes with her history: nothing names South, and its number is free for another
    // location, with another stamp.
    h.remove_doctor(&ada, read(json!({}))).unwrap();
    assert_eq!(h.places.find("South"), None);
    assert_eq!(h.places.find("North"), None);
    let east = add_doctor(&mut h, &["East"]);
    let number = h.places.find("East").unwrap();
    assert_ne!(
        (number, h.places.stamp(number)),
        (south, stamp),
        "a reused number has a new stamp"
    );
    // A booking's location is counted once per appointment, and released with it.
    let b = book(&mut h, &east, "East", 3, "p-2");
    let patch = read(json!({ "locations": ["West"], "schedule": [] }));
    h.update_doctor(&east, patch, read(json!({ "cancelAppointments": true })))
        .unwrap();
    assert_eq!(
        h.places.find("East"),
        Some(number),
        "the cancelled booking keeps it"
    );
    assert_eq!(h.get_appointment(&b).unwrap().location(), "East");
    h.remove_doctor(&east, read(json!({}))).unwrap();
    assert_eq!(h.places.find("East"), None);
    assert_eq!(h.places.find("West"), None);
}

#[test]
fn the_tracked_size_is_the_snapshots_length_plus_its_documented_slack() {
    let mut h = hospital();
    let slack = |h: &Hospital| h.snapshot_bytes() - h.to_snapshot().unwrap().len() as u64;
    // Empty: the counters at their longest (16 digits for 1, three times) and lastNow null
    // counted as a date-time in the year 10000.
    assert_eq!(slack(&h), 3 * 15 + 15);
    let ada = add_doctor(&mut h, &["North"]);
    assert_eq!(slack(&h), 3 * 15 + 15 + 1, "the first doctor has no comma");
    let now = "2019-02-01T08:00";
    let held = read(
        json!({ "doctorId": ada, "location": "North", "start": start(0),
                            "now": now, "ttlMinutes": 30, "requestId": "r-1" }),
    );
    let id = h.hold(held).unwrap().id().to_string();
    // lastNow is a date-time now (one byte shorter than the longest); a status counts as the
    // longest, "cancelled" ("held": 5 bytes more).
    assert_eq!(slack(&h), 3 * 15 + 1 + 1 + 1 + 5);
    let before = h.snapshot_bytes();
    h.confirm(&id, read(json!({ "now": now }))).unwrap();
    // Confirmed: no expiry, and what the hold's request asked for is kept ("booked": 3 more).
    assert_eq!(slack(&h), 3 * 15 + 1 + 1 + 1 + 3);
    assert!(h.snapshot_bytes() > before);
    // Cancelled without a reason: the count does not grow (a full hospital can still cancel).
    let before = h.snapshot_bytes();
    h.cancel(&id, read(json!({}))).unwrap();
    assert_eq!(h.snapshot_bytes(), before);
    assert_eq!(slack(&h), 3 * 15 + 1 + 1 + 1);
    let restored = Hospital::from_snapshot(&h.to_snapshot().unwrap()).unwrap();
    assert_eq!(restored.snapshot_bytes(), h.snapshot_bytes());
}
