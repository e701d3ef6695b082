//! What the fuzz targets share: the invariants every loaded or mutated hospital must satisfy,
//! checked by brute force against an oracle that does not use the engine's own time code, and a
//! short workout of operations run on a loaded hospital.
//!
//! Every check panics with a message naming the broken rule: a panic is what libFuzzer reports
//! as a crash, so this crate asserts freely (the engine itself must never panic).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod mutations;
pub mod operations;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike};
use dr_schedule_engine::{
    read_input, Appointment, AppointmentQuery, AppointmentStatus, CancelOptions, ChangeOptions,
    Doctor, Error, Hospital, SlotQuery, StatusFilter, Weekday, MAX_COUNTER,
};
use serde_json::{json, Value};

/// The golden v1 fixture, the base of the mutation target and of the operations target's
/// optional starting state.
pub const FIXTURE_V1: &str = include_str!("../../tests/fixtures/snapshot-v1.json");

/// Minutes in a day.
const DAY: i64 = 1440;

// ----- the targets, callable without libFuzzer -----

/// The body of the `from_snapshot` fuzz target: arbitrary bytes → (if UTF-8)
/// `Hospital::from_snapshot`. Never panics; a refusal is `INVALID_SNAPSHOT` (with a path) or
/// `UNSUPPORTED_VERSION`; what loads is consistent ([`check_invariants`]) and survives a
/// [`workout`].
pub fn from_snapshot(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Hospital::from_snapshot(text) {
        Ok(hospital) => {
            check_invariants(&hospital);
            workout(&hospital);
        }
        Err(e) => check_load_error(&e),
    }
}

/// The fuzz targets, by name.
pub const TARGETS: [&str; 3] = ["from_snapshot", "snapshot_mutations", "operations"];

/// Runs one input of the named target the way its libFuzzer binary does (structured inputs
/// are decoded with `arbitrary` exactly as `libfuzzer_sys::fuzz_target!` decodes them; bytes
/// that do not decode are skipped, as there). Lets `cargo test` replay the corpus natively.
pub fn run_target(target: &str, data: &[u8]) {
    fn decode<T: for<'a> arbitrary::Arbitrary<'a>>(data: &[u8]) -> Option<T> {
        if data.len() < T::size_hint(0).0 {
            return None;
        }
        T::arbitrary_take_rest(arbitrary::Unstructured::new(data)).ok()
    }
    match target {
        "from_snapshot" => from_snapshot(data),
        "snapshot_mutations" => {
            if let Some(input) = decode::<mutations::Input>(data) {
                let _ = mutations::run(input);
            }
        }
        "operations" => {
            if let Some(input) = decode::<operations::Input>(data) {
                operations::run(input);
            }
        }
        other => panic!("no fuzz target {other}"),
    }
}

/// What an input of the named target decodes to (`cargo fuzz fmt`, natively).
pub fn describe(target: &str, data: &[u8]) -> String {
    fn decode<T: for<'a> arbitrary::Arbitrary<'a> + std::fmt::Debug>(data: &[u8]) -> String {
        match T::arbitrary_take_rest(arbitrary::Unstructured::new(data)) {
            Ok(input) if data.len() >= T::size_hint(0).0 => format!("{input:#?}"),
            Ok(_) => "(too short: skipped)".to_owned(),
            Err(e) => format!("(does not decode: {e})"),
        }
    }
    match target {
        "snapshot_mutations" => {
            let mut text = decode::<mutations::Input>(data);
            let input = <mutations::Input as arbitrary::Arbitrary>::arbitrary_take_rest(
                arbitrary::Unstructured::new(data),
            );
            if let Ok(input) = input {
                if let Ok(outcome) = std::panic::catch_unwind(|| mutations::run(input)) {
                    text.push_str(&format!("\n#0: {outcome}"));
                }
            }
            text
        }
        "operations" => {
            let mut text = decode::<operations::Input>(data);
            let input = <operations::Input as arbitrary::Arbitrary>::arbitrary_take_rest(
                arbitrary::Unstructured::new(data),
            );
            if let Ok(input) = input {
                let outcomes = std::panic::catch_unwind(|| operations::run(input));
                for (i, outcome) in outcomes.iter().flatten().enumerate() {
                    text.push_str(&format!("\n#{i}: {outcome}"));
                }
            }
            text
        }
        _ => String::from_utf8_lossy(data).into_owned(),
    }
}

// ----- an oracle for dates and times, independent of `dr_schedule_engine::time` -----

/// Parses `YYYY-MM-DDTHH:MM` (the year may have more than four digits) with chrono.
pub fn parse_date_time(text: &str) -> Option<NaiveDateTime> {
    let (date, time) = text.split_once('T')?;
    let mut parts = date.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let (hh, mm) = time.split_once(':')?;
    let (hh, mm): (u32, u32) = (hh.parse().ok()?, mm.parse().ok()?);
    NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hh, mm, 0)
}

/// Parses `YYYY-MM-DD` with chrono.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Formats as the engine must: `YYYY-MM-DDTHH:MM`, years zero-padded to four digits.
pub fn format_date_time(t: NaiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// The first instant that is not representable, 10000-01-01T00:00: appointments end before it
/// (an end there could not be written as `YYYY-MM-DDTHH:MM`).
pub fn end_of_range() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(10_000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap()
}

/// The bound of a window as the README's "API" defines it: a date-time as itself, a bare date
/// `from` as its midnight, a bare date `to` as the next midnight. `None` if the text is neither
/// shape.
pub fn parse_bound(text: &str, is_to: bool) -> Option<NaiveDateTime> {
    if text.len() == 10 {
        let midnight = parse_date(text)?.and_hms_opt(0, 0, 0)?;
        Some(if is_to {
            midnight + TimeDelta::days(1)
        } else {
            midnight
        })
    } else if text.len() == 16 && text.as_bytes().get(10) == Some(&b'T') {
        let t = parse_date_time(text)?;
        (format_date_time(t) == text).then_some(t)
    } else {
        None
    }
}

fn minute_of_day(t: NaiveDateTime) -> i64 {
    i64::from(t.hour() * 60 + t.minute())
}

fn weekday_of(t: NaiveDateTime) -> Weekday {
    let index = t.weekday().num_days_from_monday() as usize;
    Weekday::ALL[index]
}

/// Whether `[start, start + duration)` lies inside the doctor's hours, by brute force: the
/// interval stays on `start`'s date and every minute of it is covered by some schedule rule
/// naming that weekday (covered minutes that touch or overlap form one block, so "every minute
/// covered" is "inside one block").
pub fn inside_hours(doctor: &Doctor, start: NaiveDateTime, duration: i64) -> bool {
    let from = minute_of_day(start);
    if duration <= 0 || from + duration > DAY {
        return false;
    }
    let weekday = weekday_of(start);
    (from..from + duration).all(|minute| {
        doctor.schedule.iter().any(|rule| {
            rule.days.contains(&weekday)
                && i64::from(rule.start.minutes()) <= minute
                && minute < i64::from(rule.end.minutes())
        })
    })
}

/// Start and end of an appointment, by the oracle; checks that the engine's `start`, `end` and
/// `durationMinutes` agree with each other.
fn interval(a: &Appointment) -> (NaiveDateTime, NaiveDateTime) {
    let start_text = a.start.to_string();
    let start = parse_date_time(&start_text).unwrap_or_else(|| {
        panic!(
            "appointment {}: start {start_text:?} is not a date-time",
            a.id
        )
    });
    assert_eq!(
        format_date_time(start),
        start_text,
        "appointment {}: start is not in canonical form",
        a.id
    );
    let end = start + TimeDelta::minutes(i64::from(a.duration_minutes));
    assert_eq!(
        a.end.to_string(),
        format_date_time(end),
        "appointment {}: end is not start + durationMinutes",
        a.id
    );
    (start, end)
}

// ----- invariants -----

/// Checks everything a consistent hospital satisfies, then returns its snapshot text:
/// - `to_snapshot` text loads again and re-serializes byte for byte;
/// - ids are unique and every getter returns what the listings hold;
/// - every appointment's times agree and lie on the slot grid, before 10000-01-01;
/// - booked appointments: at a location of their doctor, inside the doctor's hours, and no two
///   of one doctor overlap (brute force, pairwise);
/// - `appointments(doctor, {status})` lists exactly that doctor's appointments with that status,
///   by start and then booking order.
pub fn check_invariants(h: &Hospital) -> String {
    let snapshot = h.to_snapshot().expect("to_snapshot failed");
    let reloaded = Hospital::from_snapshot(&snapshot).unwrap_or_else(|e| {
        panic!("from_snapshot refused to_snapshot's own text: {e}\n{snapshot}")
    });
    assert_eq!(
        reloaded.to_snapshot().expect("to_snapshot failed"),
        snapshot,
        "the snapshot did not round-trip byte for byte"
    );
    assert_eq!(reloaded.revision(), h.revision());
    assert_eq!(reloaded.next_ids(), h.next_ids());

    let slot = i64::from(h.options().slot_minutes);
    let doctors: Vec<&Doctor> = h.list_doctors().collect();
    for (i, d) in doctors.iter().enumerate() {
        assert!(
            doctors.iter().take(i).all(|other| other.id != d.id),
            "doctor id {:?} listed twice",
            d.id
        );
        assert_eq!(h.get_doctor(&d.id).ok(), Some(*d), "get_doctor({:?})", d.id);
    }

    let all: Vec<&Appointment> = h.all_appointments().collect();
    let mut intervals = Vec::with_capacity(all.len());
    for (i, a) in all.iter().enumerate() {
        assert!(
            all.iter().take(i).all(|other| other.id != a.id),
            "appointment id {:?} listed twice",
            a.id
        );
        if let Some(request_id) = &a.request_id {
            assert!(
                all.iter()
                    .take(i)
                    .all(|other| other.request_id.as_ref() != Some(request_id)),
                "requestId {request_id:?} on two appointments"
            );
        }
        assert_eq!(
            h.get_appointment(&a.id).ok(),
            Some(*a),
            "get_appointment({:?})",
            a.id
        );
        let doctor = doctors
            .iter()
            .find(|d| d.id == a.doctor_id)
            .unwrap_or_else(|| panic!("appointment {} names unknown doctor {}", a.id, a.doctor_id));
        let (start, end) = interval(a);
        let duration = i64::from(a.duration_minutes);
        assert!(
            duration > 0 && duration % slot == 0,
            "appointment {}: duration off grid",
            a.id
        );
        assert_eq!(
            minute_of_day(start) % slot,
            0,
            "appointment {}: start off grid",
            a.id
        );
        assert!(
            end <= end_of_range(),
            "appointment {} ends after year 9999",
            a.id
        );
        if a.status == AppointmentStatus::Booked {
            assert!(
                a.cancel_reason.is_none(),
                "booked appointment {} has a cancelReason",
                a.id
            );
            assert!(
                doctor.locations.contains(&a.location),
                "booked appointment {} at {:?}, not a location of doctor {}",
                a.id,
                a.location,
                doctor.id
            );
            assert!(
                inside_hours(doctor, start, duration),
                "booked appointment {} ({} to {}) is outside doctor {}'s hours",
                a.id,
                a.start,
                a.end,
                doctor.id
            );
        }
        intervals.push((start, end));
    }

    // No two booked appointments of one doctor overlap (half-open intervals), brute force.
    for (i, (a, (a_start, a_end))) in all.iter().zip(&intervals).enumerate() {
        if a.status != AppointmentStatus::Booked {
            continue;
        }
        for (b, (b_start, b_end)) in all.iter().zip(&intervals).skip(i + 1) {
            if b.status == AppointmentStatus::Booked && b.doctor_id == a.doctor_id {
                assert!(
                    a_end <= b_start || b_end <= a_start,
                    "booked appointments {} and {} of doctor {} overlap",
                    a.id,
                    b.id,
                    a.doctor_id
                );
            }
        }
    }

    // The per-doctor calendar index agrees with the appointment store.
    for d in &doctors {
        for status in [
            StatusFilter::All,
            StatusFilter::Active,
            StatusFilter::Booked,
            StatusFilter::Cancelled,
        ] {
            let mut expected: Vec<(&NaiveDateTime, &str)> = all
                .iter()
                .zip(&intervals)
                .filter(|(a, _)| a.doctor_id == d.id)
                .filter(|(a, _)| match status {
                    StatusFilter::All => true,
                    StatusFilter::Booked => a.status == AppointmentStatus::Booked,
                    StatusFilter::Held => a.status == AppointmentStatus::Held,
                    StatusFilter::Active => a.status != AppointmentStatus::Cancelled,
                    StatusFilter::Cancelled => a.status == AppointmentStatus::Cancelled,
                })
                .map(|(a, (start, _))| (start, a.id.as_str()))
                .collect();
            expected.sort_by_key(|(start, _)| **start); // stable: booking order among equals
            let expected: Vec<&str> = expected.into_iter().map(|(_, id)| id).collect();
            let listed: Vec<&str> = h
                .appointments(&d.id, query(None, None, Some(status)))
                .unwrap_or_else(|e| panic!("appointments({:?}) failed: {e}", d.id))
                .into_iter()
                .map(|a| a.id.as_str())
                .collect();
            assert_eq!(listed, expected, "appointments({:?}, {status:?})", d.id);
        }
    }
    snapshot
}

/// An `appointments` query.
pub fn query(
    from: Option<&str>,
    to: Option<&str>,
    status: Option<StatusFilter>,
) -> AppointmentQuery {
    AppointmentQuery {
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        status,
        now: None,
    }
}

// ----- the rules every call obeys -----

/// How a successful call may change the revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// A read: never changes anything.
    Read,
    /// A mutation: +1 on success, nothing on failure.
    Mutation,
    /// `book`: +1 when it books, nothing when it replays a `requestId` (or fails).
    Book,
}

/// Runs one call and checks the README's promises about it ("What it promises"): a failed call (and
/// every read) leaves the snapshot text and the revision exactly as they were; a successful
/// mutation adds exactly one to the revision. `before` is the snapshot text before the call.
pub fn checked<T>(
    h: &mut Hospital,
    effect: Effect,
    what: &str,
    call: impl FnOnce(&mut Hospital) -> Result<T, Error>,
) -> Result<T, Error> {
    let before = h.to_snapshot().expect("to_snapshot failed");
    let revision = h.revision();
    let count = h.all_appointments().count();
    let result = call(h);
    let unchanged = |h: &Hospital, why: &str| {
        assert_eq!(h.revision(), revision, "{what}: {why} changed the revision");
        assert!(
            h.to_snapshot().expect("to_snapshot failed") == before,
            "{what}: {why} changed the snapshot"
        );
    };
    match (&result, effect) {
        (Err(e), _) => unchanged(h, &format!("a failed call ({e})")),
        (Ok(_), Effect::Read) => unchanged(h, "a read"),
        (Ok(_), Effect::Mutation) => {
            assert_eq!(
                h.revision(),
                revision + 1,
                "{what}: success did not add 1 to revision"
            )
        }
        (Ok(_), Effect::Book) => {
            if h.all_appointments().count() == count {
                unchanged(h, "a replayed booking");
            } else {
                assert_eq!(
                    h.all_appointments().count(),
                    count + 1,
                    "{what}: booked twice"
                );
                assert_eq!(
                    h.revision(),
                    revision + 1,
                    "{what}: success did not add 1 to revision"
                );
            }
        }
    }
    result
}

/// `availableSlots`, checked: every slot it returns is on the grid, inside the window, in
/// order, and bookable right now (booking it on a copy succeeds). When `exhaustive`, also every
/// grid start it leaves out is unbookable, so the answer is exactly the first `limit` bookable
/// starts. Returns the slots (or the error).
pub fn checked_slots(
    h: &Hospital,
    doctor_id: &str,
    q: &SlotQuery,
    exhaustive: bool,
) -> Result<Vec<String>, Error> {
    let result = h.available_slots(doctor_id, q.clone());
    let slots: Vec<String> = match result {
        Ok(slots) => slots.iter().map(ToString::to_string).collect(),
        Err(e) => return Err(e),
    };
    let from = parse_bound(&q.from, false).expect("the engine accepted a bad from");
    let to = parse_bound(&q.to, true).expect("the engine accepted a bad to");
    let doctor = h
        .get_doctor(doctor_id)
        .expect("slots for an unknown doctor")
        .clone();
    let duration = q
        .duration_minutes
        .unwrap_or(h.options().default_duration_minutes);
    let location = q
        .location
        .clone()
        .or_else(|| doctor.locations.first().cloned())
        .expect("a doctor without locations");
    let limit = q.limit.map_or(usize::MAX, |l| l as usize);
    let slot = i64::from(h.options().slot_minutes);
    let check_id = unused_appointment_id(h, "fuzz-slot-check");
    // Booking on a copy; a failed booking changes nothing, so the copy is renewed only after a
    // success.
    let copy = std::cell::RefCell::new(h.clone());
    let bookable = |start: NaiveDateTime| -> bool {
        let mut copy = copy.borrow_mut();
        // An explicit id, so that the check does not depend on the id counter.
        let request = json!({
            "doctorId": doctor_id, "location": location, "start": format_date_time(start),
            "durationMinutes": duration, "id": check_id,
        });
        let request = read_input(request, "request").expect("a well-formed booking");
        let booked = copy.book(request).is_ok();
        if booked {
            *copy = h.clone();
        }
        booked
    };
    let mut previous: Option<NaiveDateTime> = None;
    for text in &slots {
        let start = parse_date_time(text).expect("a slot that is not a date-time");
        assert!(start >= from, "slot {text} before the window");
        assert!(
            start + TimeDelta::minutes(i64::from(duration)) <= to,
            "slot {text} ends after the window"
        );
        assert_eq!(minute_of_day(start) % slot, 0, "slot {text} off the grid");
        assert!(
            previous.is_none_or(|p| p < start),
            "slots out of order at {text}"
        );
        assert!(
            revision_exhausted(h) || bookable(start),
            "slot {text} is listed but cannot be booked"
        );
        previous = Some(start);
    }
    assert!(slots.len() <= limit, "more slots than the limit");
    if exhaustive && !revision_exhausted(h) {
        let mut expected = Vec::new();
        let mut t = from.date().and_hms_opt(0, 0, 0).expect("midnight");
        while t + TimeDelta::minutes(i64::from(duration)) <= to && expected.len() < limit {
            if t >= from && bookable(t) {
                expected.push(format_date_time(t));
            }
            t += TimeDelta::minutes(slot);
        }
        assert_eq!(slots, expected, "availableSlots({doctor_id}, {q:?})");
    }
    Ok(slots)
}

// ----- a workout for a loaded hospital -----

/// Whether the revision has reached the largest value a snapshot holds (2^53 - 1), after
/// which a mutation cannot count itself: it may fail then, but may not push the revision past
/// what `from_snapshot` accepts (a successful mutation must still add exactly 1).
pub fn revision_exhausted(h: &Hospital) -> bool {
    h.revision() >= MAX_COUNTER
}

/// Panics unless `result` is a success, or a failure while the revision is exhausted.
fn must_succeed<T>(h: &Hospital, result: Result<T, Error>, what: impl FnOnce() -> String) {
    if let Err(e) = result {
        assert!(revision_exhausted(h), "{} failed: {e}", what());
    }
}

/// `base`, or `base` with a number after it, whichever no appointment has.
pub fn unused_appointment_id(h: &Hospital, base: &str) -> String {
    (0..)
        .map(|n| {
            if n == 0 {
                base.to_owned()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| h.get_appointment(id).is_err())
        .expect("an unused id")
}

fn read<T: serde::de::DeserializeOwned>(value: Value) -> T {
    read_input(value, "input").expect("the workout's own inputs are well-formed")
}

/// Runs a few operations on a copy of a loaded hospital: listings, free slots (booking the
/// first one must succeed), a booking with an assigned id, a new doctor with an assigned id,
/// a cancellation, a narrowing update with and without `cancelAppointments`, a removal. Each
/// call is [`checked`]; the invariants are checked at the end, so a snapshot that loads but
/// cannot be written back after ordinary use is caught too.
pub fn workout(loaded: &Hospital) {
    let mut h = loaded.clone();
    let doctor_ids: Vec<String> = h.list_doctors().take(3).map(|d| d.id.clone()).collect();
    for id in &doctor_ids {
        let listed = checked(&mut h, Effect::Read, "appointments", |h| {
            h.appointments(id, query(None, None, Some(StatusFilter::All)))
                .map(|v| v.into_iter().cloned().collect::<Vec<_>>())
        })
        .expect("listing a known doctor");
        // Free slots over two days from the first appointment's date (or a fixed Monday).
        let date = listed.first().map_or_else(
            || "2026-03-02".to_owned(),
            |a| a.start.to_string()[..10].to_owned(),
        );
        let day_after = parse_date(&date)
            .and_then(|d| d.succ_opt())
            .map(|d| d.format("%Y-%m-%d").to_string());
        let Some(day_after) = day_after.filter(|d| d.len() == 10) else {
            continue;
        };
        let q = SlotQuery {
            from: date,
            to: day_after,
            duration_minutes: None,
            location: None,
            limit: Some(5),
            now: None,
        };
        let slots = checked_slots(&h, id, &q, false).expect("slots for a known doctor");
        if let Some(first) = slots.first() {
            let location = h.get_doctor(id).expect("known").locations.first().cloned();
            let new_id = unused_appointment_id(&h, "fuzz-free-slot");
            let booked = checked(&mut h, Effect::Book, "book a free slot", |h| {
                h.book(read(json!({
                    "doctorId": id, "location": location, "start": first, "id": new_id
                })))
                .cloned()
            });
            must_succeed(&h, booked, || format!("booking free slot {first} of {id}"));
        }
    }
    let _ = checked(&mut h, Effect::Mutation, "add doctor", |h| {
        h.add_doctor(read(json!({
            "name": "Dr. Fuzz", "locations": ["Fuzz Lab"],
            "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                           "start": "00:00", "end": "24:00" }]
        })))
        .cloned()
    });
    let booked_id = h
        .all_appointments()
        .find(|a| a.status == AppointmentStatus::Booked)
        .map(|a| a.id.clone());
    if let Some(id) = booked_id {
        let cancelled = checked(&mut h, Effect::Mutation, "cancel", |h| {
            h.cancel(
                &id,
                CancelOptions {
                    reason: Some("fuzz".into()),
                },
            )
            .cloned()
        });
        must_succeed(&h, cancelled, || {
            format!("cancelling booked appointment {id}")
        });
        let again = checked(&mut h, Effect::Mutation, "cancel again", |h| {
            h.cancel(&id, CancelOptions::default()).cloned()
        });
        assert!(again.is_err(), "cancelled {id} twice");
    }
    if let Some(id) = doctor_ids.first() {
        let patch =
            || read(json!({ "schedule": [{ "days": ["mon"], "start": "10:00", "end": "11:00" }] }));
        let _ = checked(&mut h, Effect::Mutation, "narrow hours", |h| {
            h.update_doctor(id, patch(), ChangeOptions::default())
                .cloned()
        });
        let updated = checked(&mut h, Effect::Mutation, "narrow hours, cancelling", |h| {
            h.update_doctor(
                id,
                patch(),
                ChangeOptions {
                    cancel_appointments: Some(true),
                },
            )
            .cloned()
        });
        must_succeed(&h, updated, || {
            format!("update_doctor({id}) with cancelAppointments")
        });
    }
    if let Some(id) = doctor_ids.last() {
        let removed = checked(&mut h, Effect::Mutation, "remove doctor", |h| {
            h.remove_doctor(
                id,
                ChangeOptions {
                    cancel_appointments: Some(true),
                },
            )
        });
        must_succeed(&h, removed, || {
            format!("remove_doctor({id}) with cancelAppointments")
        });
    }
    // One booking with an assigned id, on the new doctor (who works around the clock).
    let new_id = h
        .list_doctors()
        .find(|d| d.name == "Dr. Fuzz")
        .map(|d| d.id.clone());
    if let Some(new_id) = new_id {
        let _ = checked(&mut h, Effect::Book, "book with an assigned id", |h| {
            h.book(read(json!({
                "doctorId": new_id, "location": "Fuzz Lab", "start": "2026-03-02T10:00"
            })))
            .cloned()
        });
    }
    check_invariants(&h);
}

// ----- snapshots to start from -----

/// Reports a load error that breaks the README's promise for snapshots ("Persisting a hospital",
/// "Errors"): `from_snapshot` fails only with `INVALID_SNAPSHOT` (naming a path) or
/// `UNSUPPORTED_VERSION`.
pub fn check_load_error(e: &Error) {
    use dr_schedule_engine::ErrorCode;
    match e.code {
        ErrorCode::InvalidSnapshot => {
            assert!(
                e.details.path.is_some(),
                "INVALID_SNAPSHOT without details.path: {e}"
            )
        }
        ErrorCode::UnsupportedVersion => {}
        other => panic!("from_snapshot failed with {other}, not INVALID_SNAPSHOT: {e}"),
    }
}

fn build(options: Value, doctors: &[Value], steps: &[(&str, Value)]) -> String {
    let mut h = Hospital::new(read(options)).expect("valid options");
    for d in doctors {
        h.add_doctor(read(d.clone())).expect("valid doctor");
    }
    for (what, v) in steps {
        match *what {
            "book" => {
                h.book(read(v.clone()))
                    .unwrap_or_else(|e| panic!("seed booking {v}: {e}"));
            }
            "cancel" => {
                let id = v["id"].as_str().expect("an id");
                h.cancel(id, read(v["options"].clone()))
                    .expect("seed cancel");
            }
            "update" => {
                let id = v["id"].as_str().expect("an id");
                h.update_doctor(
                    id,
                    read(v["patch"].clone()),
                    read(json!({"cancelAppointments": true})),
                )
                .expect("seed update");
            }
            "remove" => {
                let id = v["id"].as_str().expect("an id");
                h.remove_doctor(id, read(json!({"cancelAppointments": true})))
                    .expect("seed remove");
            }
            other => panic!("unknown seed step {other}"),
        }
    }
    check_invariants(&h)
}

/// A 5-minute-grid hospital built through the API: back-to-back appointments (10:00–10:15 and
/// 10:15–10:30), touching schedule rules merged into one block, a booking across the join, one
/// ending at 24:00, a cancelled one at the same start as a booked one, host-chosen and
/// assigned ids, request ids, a removed doctor and an update that cancelled a booking.
pub fn built_snapshot() -> String {
    let all_week = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    build(
        json!({ "slotMinutes": 5, "defaultDurationMinutes": 15, "timeZone": "America/New_York" }),
        &[
            json!({ "id": "ada", "name": "Dr. Ada", "locations": ["North", "South"],
                    "schedule": [{ "days": ["mon", "tue"], "start": "09:00", "end": "12:00" },
                                 { "days": ["mon"], "start": "12:00", "end": "17:00" }] }),
            json!({ "name": "Dr. Night", "locations": ["ER"],
                    "schedule": [{ "days": all_week, "start": "20:00", "end": "24:00" }] }),
            json!({ "name": "Dr. Temp", "locations": ["North"],
                    "schedule": [{ "days": ["wed"], "start": "08:00", "end": "09:00" }] }),
        ],
        &[
            (
                "book",
                json!({ "doctorId": "ada", "location": "North", "start": "2019-02-04T10:00", "patient": "p-1", "requestId": "r-1" }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-04T10:15", "id": "visit-7" }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "North", "start": "2019-02-04T11:50", "durationMinutes": 20 }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "North", "start": "2019-02-04T13:00" }),
            ),
            (
                "cancel",
                json!({ "id": "a3", "options": { "reason": "moved" } }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-04T13:00", "durationMinutes": 10 }),
            ),
            (
                "book",
                json!({ "doctorId": "d1", "location": "ER", "start": "2019-02-09T23:45" }),
            ),
            (
                "book",
                json!({ "doctorId": "d2", "location": "North", "start": "2019-02-06T08:00" }),
            ),
            ("remove", json!({ "id": "d2" })),
            (
                "book",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-05T09:00", "requestId": "r-2" }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-05T11:00" }),
            ),
            (
                "update",
                json!({ "id": "ada", "patch": { "schedule": [
                { "days": ["mon", "tue"], "start": "09:00", "end": "11:00" },
                { "days": ["mon"], "start": "11:00", "end": "17:00" }] } }),
            ),
        ],
    )
}

/// The edges of the ranges: hourly slots, a doctor working around the clock every day, a
/// booking on 0001-01-01, one on 9999-12-31 (an hour before the end of the range: one ending
/// at 10000-01-01T00:00 is crash 1 in fuzz/README.md, kept out of this base), a whole-day
/// booking, a leap day, touching rules on either side of midnight, and non-ASCII text.
pub fn edge_snapshot() -> String {
    let all_week = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    build(
        json!({ "slotMinutes": 60, "defaultDurationMinutes": 60 }),
        &[
            json!({ "id": "always", "name": "Dr. Always", "locations": ["Everywhere"],
                    "schedule": [{ "days": all_week, "start": "00:00", "end": "24:00" }] }),
            json!({ "id": "x", "name": "Dr. 🩺 X", "locations": ["Klinik Süd", "日本"],
                    "schedule": [{ "days": ["thu"], "start": "23:00", "end": "24:00" },
                                 { "days": ["thu"], "start": "00:00", "end": "01:00" }] }),
        ],
        &[
            (
                "book",
                json!({ "doctorId": "always", "location": "Everywhere", "start": "0001-01-01T00:00" }),
            ),
            (
                "book",
                json!({ "doctorId": "always", "location": "Everywhere", "start": "9999-12-31T22:00" }),
            ),
            (
                "book",
                json!({ "doctorId": "always", "location": "Everywhere", "start": "2024-02-29T00:00", "durationMinutes": 1440 }),
            ),
            (
                "book",
                json!({ "doctorId": "x", "location": "日本", "start": "2024-02-29T23:00", "id": "a1000" }),
            ),
            (
                "book",
                json!({ "doctorId": "x", "location": "Klinik Süd", "start": "2024-02-29T00:00" }),
            ),
            ("cancel", json!({ "id": "a1000", "options": {} })),
        ],
    )
}
