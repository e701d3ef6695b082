//! The `operations` fuzz target: an arbitrary sequence of API calls (add/update/remove doctor, book, hold, confirm,
//! reschedule, cancel, update an appointment, list, find, working hours, free slots, get, set
//! the actor, snapshot round trip) on a small universe of ids, locations and dates, read from
//! JSON the way the wasm binding reads JS values (`read_input`), in hospitals with a default or
//! a small `maxSnapshotBytes`.
//!
//! After every call: the invariants hold (`check_invariants`: no overlap among a doctor's booked
//! appointments, all inside hours, byte-identical snapshot round trip, listings agree with the
//! store); a failed call and every read leave `to_snapshot()` and the revision unchanged; a
//! successful mutation adds exactly one to the revision. Each call's result is also checked
//! against an oracle (the error code a booking gets, the appointments an update orphans, the
//! window a listing covers, every free slot bookable and no bookable one missing). After a
//! snapshot round trip the restored hospital runs beside the original as a twin: every later
//! call must give both the same result and the same snapshot. A replica fed only the change
//! records (`changesSince`, through JSON, then `applyChanges`) must reach the same snapshot
//! after every call.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
use crate::{
    built_snapshot, check_invariants, checked, checked_slots, end_of_range, format_date_time,
    inside_hours, parse_bound, parse_date_time, query, Effect, FIXTURE_V1, FIXTURE_V2, FIXTURE_V3,
};
use arbitrary::Arbitrary;
use chrono::TimeDelta;
use dr_schedule_engine::{
    read_input, Appointment, AppointmentStatus, ErrorCode, FindAppointmentsQuery, Hospital,
    SlotQuery, StatusFilter, WorkingHoursQuery,
};
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

const DOCTOR_IDS: &[&str] = &["d1", "d2", "d3", "ada", "dr-grace", "a b"];
const APPOINTMENT_IDS: &[&str] = &["a1", "a2", "a3", "visit-1", "a7", "a/b"];
const LOCATIONS: &[&str] = &[
    "North",
    "South",
    "ER",
    "Hauptstraße 1, Berlin",
    "Notaufnahme",
    "Fuzz Lab",
    "",
    "north",
];
const NAMES: &[&str] = &["Dr. Ada", "Dr. Grace", "Dr. 🩺", " ", "tab\there"];
const PATIENTS: &[&str] = &["p-1", "p-2", ""];
const REQUEST_IDS: &[&str] = &["r-1", "r-2", "req-7f3a", " "];
const REASONS: &[&str] = &["sick", "", "moved\u{7}"];
/// A week of February 2019 (Monday 4th to Sunday 10th), the fixture's week, a leap day, the
/// first and last dates of the range, and a date that does not exist.
const DATES: &[&str] = &[
    "2019-02-04",
    "2019-02-05",
    "2019-02-06",
    "2019-02-07",
    "2019-02-08",
    "2019-02-09",
    "2019-02-10",
    "2026-03-02",
    "2026-03-06",
    "2024-02-29",
    "0001-01-01",
    "9999-12-31",
    "2019-02-30",
];
const DURATIONS: &[i64] = &[15, 30, 45, 60, 90, 5, 20, 0, 7, 1440, 1455, -15, 4294967295];
/// The `now` of calls that take one: before, during and after the dates above, in order-ish.
const NOWS: &[&str] = &[
    "2019-02-01T08:00",
    "2019-02-01T08:05",
    "2019-02-01T09:00",
    "2019-02-04T10:00",
    "2019-02-06T12:00",
    "2026-03-01T00:00",
    "2026-03-02T09:00",
    "0001-01-01T00:00",
];
/// Hold lengths: short ones lapse soon; the last two are out of range.
const TTLS: &[u32] = &[1, 5, 30, 600, 10_080, 0, 10_081];
const NOTES: &[&str] = &["call first", "", "line\nbreak\t\"q\"", "bell\u{7}"];
const BAD_BOUNDS: &[&str] = &[
    "",
    "2019-02-04T10:00Z",
    "2019-02-04 10:00",
    "tomorrow",
    "2019-2-4",
];

fn pick<'a>(items: &[&'a str], i: u8) -> &'a str {
    items[usize::from(i) % items.len()]
}

#[derive(Arbitrary, Debug)]
pub enum Setup {
    /// An empty hospital with `slotMinutes` from 5, 10, 15, 20, 30, 60, a default duration
    /// of 1 to 4 slots (or the default), and the lowest `maxSnapshotBytes` (16 KiB) if
    /// `small_budget`.
    Fresh {
        slot: u8,
        duration: Option<u8>,
        time_zone: bool,
        small_budget: bool,
    },
    /// The golden v1 fixture.
    Fixture,
    /// The 5-minute-grid hospital built by `built_snapshot`.
    Built,
    /// The golden v2 fixture (overrides, time off, rules per location, holds).
    FixtureV2,
    /// The golden v3 fixture (every version 3 feature).
    FixtureV3,
}

/// A doctor id: one of a fixed few, or one of the doctors that exist.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum DoctorRef {
    Fixed(u8),
    Existing(u8),
}

/// An appointment id: one of a fixed few, or one of the appointments that exist.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum AppointmentRef {
    Fixed(u8),
    Existing(u8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Time {
    /// On the 15-minute grid.
    Grid(u8),
    /// Any minute of the day.
    Minute(u16),
    /// For a booking: the n-th start on the hospital's slot grid inside the doctor's hours that
    /// day (so that bookings often pass rules 1 to 3 and meet each other at rule 4); elsewhere
    /// as `Grid`.
    InHours(u8),
}

/// A location: one of a fixed few, or one of the booked doctor's own.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum LocationRef {
    Fixed(u8),
    OfDoctor(u8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Bound {
    Date(u8),
    DateTime(u8, Time),
    Bad(u8),
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Rule {
    /// Bit i set: weekday i (Monday first). No bit: an invalid empty rule.
    days: u8,
    /// 15-minute steps from midnight; 96 is 24:00.
    start: u8,
    end: u8,
}

/// Something wrong put into an input object: an unknown field or a field of the wrong type.
#[derive(Arbitrary, Debug, Clone)]
pub struct Junk {
    field: u8,
    value: JunkValue,
}

#[derive(Arbitrary, Debug, Clone)]
pub enum JunkValue {
    Null,
    Bool(bool),
    Number(i64),
    Float,
    Text(String),
    Array,
    Object,
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    AddDoctor {
        id: Option<u8>,
        name: u8,
        locations: Vec<u8>,
        schedule: Vec<Rule>,
        junk: Option<Junk>,
    },
    UpdateDoctor {
        doctor: DoctorRef,
        name: Option<u8>,
        locations: Option<Vec<u8>>,
        schedule: Option<Vec<Rule>>,
        cancel: Option<bool>,
        junk: Option<Junk>,
    },
    RemoveDoctor {
        doctor: DoctorRef,
        cancel: Option<bool>,
    },
    /// Adds one of a few valid doctors (with or without an id).
    AddTemplateDoctor {
        id: Option<u8>,
        template: u8,
    },
    Book {
        doctor: DoctorRef,
        location: LocationRef,
        date: u8,
        time: Time,
        duration: Option<u8>,
        patient: Option<u8>,
        id: Option<u8>,
        request_id: Option<u8>,
        junk: Option<Junk>,
        /// A hold of TTLS[ttl] minutes at NOWS[now], instead of a booking.
        hold: Option<(u8, u8)>,
        now: Option<u8>,
        notes: Option<u8>,
    },
    /// Sends an earlier booking request again (a `requestId` replay), or with one change.
    Rebook {
        index: u8,
        change: Option<u8>,
    },
    Cancel {
        appointment: AppointmentRef,
        reason: Option<u8>,
    },
    List {
        doctor: DoctorRef,
        from: Option<Bound>,
        to: Option<Bound>,
        status: Option<u8>,
    },
    Slots {
        doctor: DoctorRef,
        from: Bound,
        to: Bound,
        duration: Option<u8>,
        location: Option<u8>,
        limit: Option<u8>,
    },
    GetDoctor {
        doctor: DoctorRef,
    },
    GetAppointment {
        appointment: AppointmentRef,
    },
    RoundTrip,
    Confirm {
        appointment: AppointmentRef,
        now: u8,
    },
    Reschedule {
        appointment: AppointmentRef,
        date: u8,
        time: Time,
        location: Option<LocationRef>,
        notes: Option<u8>,
        now: Option<u8>,
    },
    UpdateAppointment {
        appointment: AppointmentRef,
        patient: Option<Option<u8>>,
        notes: Option<Option<u8>>,
        metadata: Option<Option<u8>>,
    },
    Find {
        patient: Option<u8>,
        location: Option<u8>,
        doctor: Option<DoctorRef>,
        from: Option<Bound>,
        to: Option<Bound>,
        status: Option<u8>,
        limit: Option<u8>,
    },
    WorkingHours {
        doctor: DoctorRef,
        from: u8,
        days: u8,
        location: Option<u8>,
    },
    SetActor(Option<u8>),
}

/// One fuzz input: where to start, then the calls.
#[derive(Arbitrary, Debug)]
pub struct Input {
    setup: Setup,
    ops: Vec<Op>,
}

fn clock(step: u8) -> String {
    let minutes = u32::from(step % 97) * 15;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn time(t: Time) -> String {
    let minutes = match t {
        Time::Grid(step) | Time::InHours(step) => u32::from(step % 96) * 15,
        Time::Minute(m) => u32::from(m % 1440),
    };
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn bound(b: Bound) -> String {
    match b {
        Bound::Date(d) => pick(DATES, d).to_owned(),
        Bound::DateTime(d, t) => format!("{}T{}", pick(DATES, d), time(t)),
        Bound::Bad(i) => pick(BAD_BOUNDS, i).to_owned(),
    }
}

fn rules(rules: &[Rule]) -> Value {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    Value::Array(
        rules
            .iter()
            .take(8)
            .map(|r| {
                let days: Vec<&str> = DAYS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| r.days & (1 << i) != 0)
                    .map(|(_, d)| *d)
                    .collect();
                json!({ "days": days, "start": clock(r.start), "end": clock(r.end) })
            })
            .collect(),
    )
}

fn locations(ls: &[u8]) -> Value {
    json!(ls
        .iter()
        .take(6)
        .map(|&l| pick(LOCATIONS, l))
        .collect::<Vec<_>>())
}

fn add_junk(object: &mut Map<String, Value>, junk: &Option<Junk>, fields: &[&str]) {
    let Some(junk) = junk else { return };
    let key = match usize::from(junk.field) % (fields.len() + 1) {
        i if i < fields.len() => fields[i],
        _ => "unknownField",
    };
    let value = match &junk.value {
        JunkValue::Null => Value::Null,
        JunkValue::Bool(b) => json!(b),
        JunkValue::Number(n) => json!(n),
        JunkValue::Float => json!(15.5),
        JunkValue::Text(s) => json!(s),
        JunkValue::Array => json!([]),
        JunkValue::Object => json!({}),
    };
    object.insert(key.to_owned(), value);
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn doctor_id(h: &Hospital, r: DoctorRef) -> String {
    match r {
        DoctorRef::Fixed(i) => pick(DOCTOR_IDS, i).to_owned(),
        DoctorRef::Existing(i) => {
            let ids: Vec<&str> = h.list_doctors().map(|d| d.id.as_str()).collect();
            if ids.is_empty() {
                pick(DOCTOR_IDS, i).to_owned()
            } else {
                pick(&ids, i).to_owned()
            }
        }
    }
}

fn appointment_id(h: &Hospital, r: AppointmentRef) -> String {
    match r {
        AppointmentRef::Fixed(i) => pick(APPOINTMENT_IDS, i).to_owned(),
        AppointmentRef::Existing(i) => {
            let ids: Vec<String> = h.all_appointments().map(|a| a.id().to_string()).collect();
            if ids.is_empty() {
                pick(APPOINTMENT_IDS, i).to_owned()
            } else {
                ids[usize::from(i) % ids.len()].clone()
            }
        }
    }
}

fn read<T: dr_schedule_engine::ReadJson>(
    value: Value,
    name: &str,
) -> Result<T, dr_schedule_engine::Error> {
    read_input(value, name)
}

/// Checks a booking's (or, with a `ttlMinutes`, a hold's) result against the booking rules,
/// given the request as JSON.
fn check_booking(
    before: &Hospital,
    request: &Value,
    result: &Result<Appointment, dr_schedule_engine::Error>,
) {
    let held = request.get("ttlMinutes").is_some();
    let location = request["location"].as_str().unwrap_or_default();
    let doctor = request["doctorId"]
        .as_str()
        .and_then(|id| before.get_doctor(id).ok());
    let start = request["start"].as_str().and_then(parse_date_time);
    let duration = match &request["durationMinutes"] {
        Value::Null => Some(i64::from(before.options().default_duration_minutes)),
        v => v.as_i64(),
    };
    let slot = i64::from(before.options().slot_minutes);
    match result {
        Ok(a) => {
            if before.get_appointment(&a.id).is_ok() {
                // A replay: the appointment the request id first created, as it is now.
                assert_eq!(
                    before
                        .get_appointment(&a.id)
                        .ok()
                        .map(|v| v.to_appointment())
                        .as_ref(),
                    Some(a),
                    "replay changed {}",
                    a.id
                );
                assert!(a.request_id.is_some(), "a replay without a request id");
                assert_eq!(a.request_id.as_deref(), request["requestId"].as_str());
                return;
            }
            let doctor = doctor.expect("booked with an unknown doctor");
            let status = if held {
                AppointmentStatus::Held
            } else {
                AppointmentStatus::Booked
            };
            assert_eq!(a.status, status);
            assert_eq!(a.notes.as_deref(), request["notes"].as_str());
            assert_eq!(Some(a.doctor_id.as_str()), request["doctorId"].as_str());
            assert_eq!(Some(a.location.as_str()), request["location"].as_str());
            assert_eq!(
                Some(a.start.to_string().as_str()),
                request["start"].as_str()
            );
            assert_eq!(Some(i64::from(a.duration_minutes)), duration, "duration");
            if let Some(id) = request["id"].as_str() {
                assert_eq!(a.id, id);
            }
            assert!(doctor.locations.contains(&a.location));
        }
        Err(e) => match e.code {
            ErrorCode::DoctorNotFound => assert!(doctor.is_none(), "{e}"),
            ErrorCode::LocationNotServed => {
                let doctor = doctor.expect("LOCATION_NOT_SERVED for an unknown doctor");
                let location = request["location"].as_str().unwrap_or_default();
                assert!(!doctor.locations.iter().any(|l| l == location), "{e}");
            }
            ErrorCode::OffGrid => {
                let (start, duration) = (start.expect("a start"), duration.expect("a duration"));
                let minute = i64::from(
                    chrono::Timelike::hour(&start) * 60 + chrono::Timelike::minute(&start),
                );
                assert!(
                    minute % slot != 0 || duration <= 0 || duration % slot != 0,
                    "{e}"
                );
            }
            ErrorCode::OutsideHours => {
                let doctor = doctor.expect("OUTSIDE_HOURS for an unknown doctor");
                let (start, duration) = (start.expect("a start"), duration.expect("a duration"));
                let end = start + TimeDelta::minutes(duration);
                assert!(
                    !inside_hours(doctor, location, start, duration) || end >= end_of_range(),
                    "{e}"
                );
            }
            ErrorCode::SlotTaken => {
                let doctor = doctor.expect("SLOT_TAKEN for an unknown doctor");
                let start = start.expect("a start");
                let end = start + TimeDelta::minutes(duration.expect("a duration"));
                assert!(
                    inside_hours(doctor, location, start, duration.unwrap_or_default()),
                    "SLOT_TAKEN before the hours check: {e}"
                );
                let other_id = e
                    .details
                    .conflicting_appointment_id
                    .as_deref()
                    .expect("a conflicting id");
                let other = before
                    .get_appointment(other_id)
                    .expect("the conflicting appointment exists")
                    .to_appointment();
                assert!(other.is_active(), "{e}");
                assert_eq!(other.doctor_id, doctor.id, "{e}");
                let o_start = parse_date_time(&other.start.to_string()).expect("a start");
                let o_end = o_start + TimeDelta::minutes(i64::from(other.duration_minutes));
                assert!(
                    o_start < end && start < o_end,
                    "SLOT_TAKEN by a non-overlapping {other_id}: {e}"
                );
            }
            ErrorCode::HospitalFull => check_full(before, e),
            _ => {}
        },
    }
}

/// A `HOSPITAL_FULL` for the budget names the hospital's size before the call, and a growth
/// that would take it past its limit.
fn check_full(before: &Hospital, e: &dr_schedule_engine::Error) {
    if e.details.limit_of != Some("snapshotBytes") {
        return;
    }
    let limit = before.options().max_snapshot_bytes;
    assert_eq!(e.details.current, Some(before.snapshot_bytes()), "{e}");
    assert_eq!(e.details.limit, Some(limit), "{e}");
    let requested = e.details.requested.expect("how much it would add");
    assert!(
        requested > 0 && before.snapshot_bytes() + requested > limit,
        "{e}"
    );
}

/// One call on `h`, checked; returns its result as text for the twin comparison.
fn call(h: &mut Hospital, op: &Op, history: &mut Vec<Value>) -> String {
    match op {
        Op::AddDoctor {
            id,
            name,
            locations: ls,
            schedule,
            junk,
        } => {
            let mut doctor = object(json!({
                "name": pick(NAMES, *name), "locations": locations(ls), "schedule": rules(schedule),
            }));
            if let Some(id) = id {
                doctor.insert("id".into(), json!(pick(DOCTOR_IDS, *id)));
            }
            add_junk(&mut doctor, junk, &["id", "name", "locations", "schedule"]);
            let result = checked(h, Effect::Mutation, "addDoctor", |h| {
                let input = read(Value::Object(doctor.clone()), "doctor")?;
                h.add_doctor(input).cloned()
            });
            if let Ok(d) = &result {
                assert_eq!(h.get_doctor(&d.id).ok(), Some(d));
                assert_eq!(Some(d.name.as_str()), doctor["name"].as_str());
            }
            format!("{result:?}")
        }
        Op::UpdateDoctor {
            doctor,
            name,
            locations: ls,
            schedule,
            cancel,
            junk,
        } => {
            let id = doctor_id(h, *doctor);
            let mut patch = Map::new();
            if let Some(name) = name {
                patch.insert("name".into(), json!(pick(NAMES, *name)));
            }
            if let Some(ls) = ls {
                patch.insert("locations".into(), locations(ls));
            }
            if let Some(schedule) = schedule {
                patch.insert("schedule".into(), rules(schedule));
            }
            add_junk(&mut patch, junk, &["name", "locations", "schedule"]);
            let options = match cancel {
                Some(c) => json!({ "cancelAppointments": c }),
                None => json!({}),
            };
            let before = h.clone();
            let result = checked(h, Effect::Mutation, "updateDoctor", |h| {
                let patch = read(Value::Object(patch.clone()), "patch")?;
                let options = read(options, "options")?;
                h.update_doctor(&id, patch, options).cloned()
            });
            // The orphans: booked appointments of the doctor that the new profile no longer
            // covers, by start.
            let orphans = |new: &dr_schedule_engine::Doctor| -> Vec<String> {
                let mut active: Vec<Appointment> = before
                    .all_appointments()
                    .map(|a| a.to_appointment())
                    .filter(|a| a.doctor_id == id && a.is_active())
                    .collect();
                active.sort_by_key(|a| a.start);
                active
                    .into_iter()
                    .filter(|a| {
                        let start = parse_date_time(&a.start.to_string()).expect("a start");
                        !inside_hours(new, &a.location, start, i64::from(a.duration_minutes))
                    })
                    .map(|a| a.id)
                    .collect()
            };
            match &result {
                Ok(new) => {
                    let orphans = orphans(new);
                    assert!(
                        orphans.is_empty() || *cancel == Some(true),
                        "orphaned {orphans:?}"
                    );
                    for a in before.all_appointments().map(|a| a.to_appointment()) {
                        let now = h
                            .get_appointment(&a.id)
                            .expect("still there")
                            .to_appointment();
                        if orphans.contains(&a.id) {
                            assert_eq!(
                                now.status,
                                AppointmentStatus::Cancelled,
                                "{} not cancelled",
                                a.id
                            );
                            assert_eq!(now.cancel_reason.as_deref(), Some("doctor updated"));
                        } else {
                            assert_eq!(now, a, "update changed appointment {}", a.id);
                        }
                    }
                }
                Err(e) if e.code == ErrorCode::HospitalFull => check_full(&before, e),
                Err(e) if e.code == ErrorCode::HasAppointments => {
                    let old = before
                        .get_doctor(&id)
                        .expect("HAS_APPOINTMENTS for an unknown doctor");
                    let patch: dr_schedule_engine::DoctorPatch =
                        read(Value::Object(patch), "patch").expect("the patch was valid");
                    let new = old.patched(patch);
                    assert_eq!(
                        e.details.appointment_ids.as_ref(),
                        Some(&orphans(&new)),
                        "{e}"
                    );
                }
                Err(_) => {}
            }
            format!("{result:?}")
        }
        Op::RemoveDoctor { doctor, cancel } => {
            let id = doctor_id(h, *doctor);
            let options = match cancel {
                Some(c) => json!({ "cancelAppointments": c }),
                None => json!({}),
            };
            let had_booked = h.all_appointments().any(|a| {
                a.doctor_id() == id
                    && matches!(
                        a.status(),
                        AppointmentStatus::Booked | AppointmentStatus::Held
                    )
            });
            let result = checked(h, Effect::Mutation, "removeDoctor", |h| {
                h.remove_doctor(&id, read(options, "options")?)
            });
            match &result {
                Ok(_) => {
                    assert!(
                        !had_booked || *cancel == Some(true),
                        "removed a doctor with bookings"
                    );
                    assert!(h.get_doctor(&id).is_err());
                    assert!(
                        h.all_appointments().all(|a| a.doctor_id() != id),
                        "history kept"
                    );
                }
                Err(e) if e.code == ErrorCode::HasAppointments => assert!(had_booked, "{e}"),
                Err(_) => {}
            }
            format!("{result:?}")
        }
        Op::Book {
            doctor,
            location,
            date,
            time: t,
            duration,
            patient,
            id,
            request_id,
            junk,
            hold,
            now,
            notes,
        } => {
            let doctor_id = doctor_id(h, *doctor);
            let date = pick(DATES, *date);
            let location = match location {
                LocationRef::Fixed(l) => pick(LOCATIONS, *l).to_owned(),
                LocationRef::OfDoctor(l) => h.get_doctor(&doctor_id).map_or_else(
                    |_| pick(LOCATIONS, *l).to_owned(),
                    |d| d.locations[usize::from(*l) % d.locations.len()].clone(),
                ),
            };
            let start = match t {
                Time::InHours(n) => start_in_hours(h, &doctor_id, date, *n),
                _ => None,
            }
            .unwrap_or_else(|| format!("{date}T{}", time(*t)));
            let mut request = object(json!({
                "doctorId": doctor_id, "location": location, "start": start,
            }));
            if let Some(d) = duration {
                request.insert(
                    "durationMinutes".into(),
                    json!(DURATIONS[usize::from(*d) % DURATIONS.len()]),
                );
            }
            if let Some(p) = patient {
                request.insert("patient".into(), json!(pick(PATIENTS, *p)));
            }
            if let Some(i) = id {
                request.insert("id".into(), json!(pick(APPOINTMENT_IDS, *i)));
            }
            if let Some(r) = request_id {
                request.insert("requestId".into(), json!(pick(REQUEST_IDS, *r)));
            }
            if let Some(n) = notes {
                request.insert("notes".into(), json!(pick(NOTES, *n)));
            }
            if let Some(n) = now {
                request.insert("now".into(), json!(pick(NOWS, *n)));
            }
            if let Some((ttl, n)) = hold {
                request.insert(
                    "ttlMinutes".into(),
                    json!(TTLS[usize::from(*ttl) % TTLS.len()]),
                );
                request.insert("now".into(), json!(pick(NOWS, *n)));
            }
            let well_formed = junk.is_none();
            add_junk(
                &mut request,
                junk,
                &[
                    "doctorId",
                    "location",
                    "start",
                    "durationMinutes",
                    "patient",
                    "id",
                    "requestId",
                ],
            );
            let request = Value::Object(request);
            if well_formed {
                history.push(request.clone());
            }
            book(h, request)
        }
        Op::AddTemplateDoctor { id, template } => {
            let all_week = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
            let mut doctor = object(match template % 4 {
                0 => json!({ "name": "Dr. Ada", "locations": ["North", "South"],
                    "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri"],
                                   "start": "09:00", "end": "17:00" }] }),
                1 => json!({ "name": "Dr. Grace", "locations": ["North"],
                    "schedule": [{ "days": ["mon", "wed"], "start": "09:00", "end": "12:00" },
                                 { "days": ["mon"], "start": "12:00", "end": "13:00" }] }),
                2 => json!({ "name": "Dr. Night", "locations": ["ER"],
                    "schedule": [{ "days": all_week, "start": "20:00", "end": "24:00" },
                                 { "days": ["sat", "sun"], "start": "00:00", "end": "02:00" }] }),
                _ => json!({ "name": "Dr. Always", "locations": ["ER", "North", "Fuzz Lab"],
                    "schedule": [{ "days": all_week, "start": "00:00", "end": "24:00" }] }),
            });
            if let Some(id) = id {
                doctor.insert("id".into(), json!(pick(DOCTOR_IDS, *id)));
            }
            let result = checked(h, Effect::Mutation, "addDoctor", |h| {
                h.add_doctor(read(Value::Object(doctor), "doctor")?)
                    .cloned()
            });
            format!("{result:?}")
        }
        Op::Rebook { index, change } => {
            let Some(mut request) =
                (!history.is_empty()).then(|| history[usize::from(*index) % history.len()].clone())
            else {
                return "no history".into();
            };
            if let Some(c) = change {
                match c % 4 {
                    0 => request["patient"] = json!("p-other"),
                    1 => request["durationMinutes"] = json!(30),
                    2 => {
                        if let Some(obj) = request.as_object_mut() {
                            obj.remove("id");
                        }
                    }
                    _ => request["requestId"] = json!("r-1"),
                }
            }
            book(h, request)
        }
        Op::Cancel {
            appointment,
            reason,
        } => {
            let id = appointment_id(h, *appointment);
            let options = match reason {
                Some(r) => json!({ "reason": pick(REASONS, *r) }),
                None => json!({}),
            };
            let before = h.clone();
            let was = h.get_appointment(&id).ok().map(|a| a.to_appointment());
            let result = checked(h, Effect::Mutation, "cancel", |h| {
                h.cancel(&id, read(options, "options")?)
                    .map(|a| a.to_appointment())
            });
            match (&result, &was) {
                (Ok(a), Some(was)) => {
                    assert!(was.is_active(), "cancelled {:?}", was.status);
                    assert_eq!(a.status, AppointmentStatus::Cancelled);
                    assert_eq!(a.hold_expires, None);
                }
                (Ok(_), None) => panic!("cancelled unknown appointment {id}"),
                (Err(e), _) if e.code == ErrorCode::AlreadyCancelled => {
                    assert_eq!(was.map(|a| a.status), Some(AppointmentStatus::Cancelled))
                }
                (Err(e), _) if e.code == ErrorCode::HoldExpired => {
                    assert_eq!(was.map(|a| a.status), Some(AppointmentStatus::Expired))
                }
                (Err(e), _) if e.code == ErrorCode::AppointmentNotFound => assert!(was.is_none()),
                (Err(e), _) if e.code == ErrorCode::HospitalFull => check_full(&before, e),
                _ => {}
            }
            format!("{result:?}")
        }
        Op::List {
            doctor,
            from,
            to,
            status,
        } => {
            let id = doctor_id(h, *doctor);
            let from = from.map(bound);
            let to = to.map(bound);
            let status = status.map(status_filter);
            let q = query(from.as_deref(), to.as_deref(), status);
            let result = checked(h, Effect::Read, "appointments", |h| {
                h.appointments(&id, q).map(|v| {
                    v.into_iter()
                        .map(|a| a.id().to_string())
                        .collect::<Vec<_>>()
                })
            });
            let window_from = from.as_deref().map(|f| parse_bound(f, false));
            let window_to = to.as_deref().map(|t| parse_bound(t, true));
            let window_ok = !matches!(window_from, Some(None))
                && !matches!(window_to, Some(None))
                && !matches!((window_from, window_to), (Some(Some(f)), Some(Some(t))) if t < f);
            match &result {
                Ok(ids) => {
                    assert!(window_ok, "listed with a bad window {from:?} {to:?}");
                    let (f, t) = (window_from.flatten(), window_to.flatten());
                    let expected = expected_list(h, status, f, t, |a| a.doctor_id == id);
                    assert_eq!(
                        ids, &expected,
                        "appointments({id}, {from:?}, {to:?}, {status:?})"
                    );
                }
                Err(e) => {
                    if e.code == ErrorCode::InvalidInput {
                        assert!(!window_ok, "a good window refused: {e}");
                    }
                }
            }
            format!("{result:?}")
        }
        Op::Slots {
            doctor,
            from,
            to,
            duration,
            location,
            limit,
        } => {
            let id = doctor_id(h, *doctor);
            let q = SlotQuery {
                from: bound(*from),
                to: bound(*to),
                duration_minutes: duration.map(|d| {
                    u32::try_from(DURATIONS[usize::from(d) % DURATIONS.len()]).unwrap_or(0)
                }),
                location: location.map(|l| pick(LOCATIONS, l).to_owned()),
                limit: limit.map(u32::from),
                now: None,
            };
            let small = match (parse_bound(&q.from, false), parse_bound(&q.to, true)) {
                (Some(f), Some(t)) => t - f <= TimeDelta::days(2),
                _ => false,
            };
            let result = checked(h, Effect::Read, "availableSlots", |h| {
                checked_slots(h, &id, &q, small)
            });
            format!("{result:?}")
        }
        Op::GetDoctor { doctor } => {
            let id = doctor_id(h, *doctor);
            format!(
                "{:?}",
                checked(h, Effect::Read, "getDoctor", |h| h.get_doctor(&id).cloned())
            )
        }
        Op::GetAppointment { appointment } => {
            let id = appointment_id(h, *appointment);
            format!(
                "{:?}",
                checked(h, Effect::Read, "getAppointment", |h| h
                    .get_appointment(&id)
                    .map(|a| a.to_appointment()))
            )
        }
        Op::RoundTrip => "round trip".into(),
        Op::Confirm { appointment, now } => {
            let id = appointment_id(h, *appointment);
            let before = h.clone();
            let was = h.get_appointment(&id).ok().map(|a| a.to_appointment());
            let now = pick(NOWS, *now);
            let result = checked(h, Effect::Mutation, "confirm", |h| {
                h.confirm(&id, read(json!({ "now": now }), "options")?)
                    .map(|a| a.to_appointment())
            });
            let status = was.as_ref().map(|a| a.status);
            match &result {
                Ok(a) => {
                    assert_eq!(status, Some(AppointmentStatus::Held));
                    assert_eq!(a.status, AppointmentStatus::Booked);
                    assert_eq!(a.hold_expires, None);
                }
                Err(e) => match e.code {
                    ErrorCode::NotHeld => assert_eq!(status, Some(AppointmentStatus::Booked)),
                    ErrorCode::AlreadyCancelled => {
                        assert_eq!(status, Some(AppointmentStatus::Cancelled))
                    }
                    ErrorCode::HoldExpired => assert!(
                        matches!(
                            status,
                            Some(AppointmentStatus::Expired | AppointmentStatus::Held)
                        ),
                        "{e}"
                    ),
                    ErrorCode::AppointmentNotFound => assert!(was.is_none()),
                    ErrorCode::HospitalFull => check_full(&before, e),
                    _ => {}
                },
            }
            format!("{result:?}")
        }
        Op::Reschedule {
            appointment,
            date,
            time: t,
            location,
            notes,
            now,
        } => {
            let id = appointment_id(h, *appointment);
            let was = h.get_appointment(&id).ok().map(|a| a.to_appointment());
            let mut request =
                object(json!({ "start": format!("{}T{}", pick(DATES, *date), time(*t)) }));
            if let Some(l) = location {
                let l = match (l, &was) {
                    (LocationRef::OfDoctor(i), Some(a)) => h
                        .get_doctor(&a.doctor_id)
                        .map(|d| d.locations[usize::from(*i) % d.locations.len()].clone())
                        .unwrap_or_else(|_| pick(LOCATIONS, *i).to_owned()),
                    (LocationRef::Fixed(i) | LocationRef::OfDoctor(i), _) => {
                        pick(LOCATIONS, *i).to_owned()
                    }
                };
                request.insert("location".into(), json!(l));
            }
            if let Some(n) = notes {
                request.insert("notes".into(), json!(pick(NOTES, *n)));
            }
            if let Some(n) = now {
                request.insert("now".into(), json!(pick(NOWS, *n)));
            }
            let request = Value::Object(request);
            let before = h.clone();
            let result = checked(h, Effect::Maybe, "reschedule", |h| {
                h.reschedule(&id, read(request.clone(), "request")?)
                    .map(|a| a.to_appointment())
            });
            match (&result, &was) {
                (Ok(a), Some(was)) => {
                    assert!(was.is_active(), "moved a {:?} appointment", was.status);
                    assert_eq!(a.status, was.status);
                    assert_eq!(
                        Some(a.start.to_string().as_str()),
                        request["start"].as_str()
                    );
                    let moved = a.start != was.start || a.location != was.location;
                    assert_eq!(
                        a.rescheduled_from.len(),
                        was.rescheduled_from.len() + usize::from(moved)
                    );
                    let doctor = h.get_doctor(&a.doctor_id).expect("its doctor");
                    let start = parse_date_time(&a.start.to_string()).expect("a start");
                    assert!(inside_hours(
                        doctor,
                        &a.location,
                        start,
                        i64::from(a.duration_minutes)
                    ));
                }
                (Ok(_), None) => panic!("moved unknown appointment {id}"),
                (Err(e), _) if e.code == ErrorCode::HoldExpired => assert!(matches!(
                    was.map(|a| a.status),
                    Some(AppointmentStatus::Expired | AppointmentStatus::Held)
                )),
                (Err(e), _) if e.code == ErrorCode::AlreadyCancelled => {
                    assert_eq!(was.map(|a| a.status), Some(AppointmentStatus::Cancelled))
                }
                (Err(e), _) if e.code == ErrorCode::HospitalFull => check_full(&before, e),
                _ => {}
            }
            format!("{result:?}")
        }
        Op::UpdateAppointment {
            appointment,
            patient,
            notes,
            metadata,
        } => {
            let id = appointment_id(h, *appointment);
            let was = h.get_appointment(&id).ok().map(|a| a.to_appointment());
            let mut patch = Map::new();
            if let Some(p) = patient {
                patch.insert("patient".into(), json!(p.map(|p| pick(PATIENTS, p))));
            }
            if let Some(n) = notes {
                patch.insert("notes".into(), json!(n.map(|n| pick(NOTES, n))));
            }
            if let Some(m) = metadata {
                let value = m.map(|m| match m % 3 {
                    0 => json!({ "visit": "follow-up" }),
                    1 => json!({ "n": [1, 2.5, null], "o": { "deep": { "er": true } } }),
                    _ => json!({ "blob": "y".repeat(3000) }),
                });
                patch.insert("metadata".into(), json!(value));
            }
            let patch = Value::Object(patch);
            let before = h.clone();
            let result = checked(h, Effect::Maybe, "updateAppointment", |h| {
                h.update_appointment(&id, read(patch.clone(), "patch")?)
                    .map(|a| a.to_appointment())
            });
            match (&result, &was) {
                (Ok(a), Some(was)) => {
                    assert_eq!(
                        (&a.start, &a.status, &a.location),
                        (&was.start, &was.status, &was.location)
                    );
                    if let Some(p) = patch.get("patient") {
                        assert_eq!(a.patient.as_deref(), p.as_str());
                    }
                    if let Some(n) = patch.get("notes") {
                        assert_eq!(a.notes.as_deref(), n.as_str());
                    }
                }
                (Ok(_), None) => panic!("updated unknown appointment {id}"),
                (Err(e), _) if e.code == ErrorCode::HospitalFull => check_full(&before, e),
                _ => {}
            }
            format!("{result:?}")
        }
        Op::Find {
            patient,
            location,
            doctor,
            from,
            to,
            status,
            limit,
        } => {
            let q = FindAppointmentsQuery {
                patient: patient.map(|p| pick(PATIENTS, p).to_owned()),
                location: location.map(|l| pick(LOCATIONS, l).to_owned()),
                doctor_id: doctor.map(|d| doctor_id(h, d)),
                from: from.map(bound),
                to: to.map(bound),
                status: status.map(status_filter),
                now: None,
                limit: limit.map(|l| u32::from(l % 6)),
                after: None,
            };
            let result = checked(h, Effect::Read, "findAppointments", |h| {
                h.find_appointments(q.clone()).map(|v| {
                    v.into_iter()
                        .map(|a| a.id().to_string())
                        .collect::<Vec<_>>()
                })
            });
            if let Ok(ids) = &result {
                let f = q.from.as_deref().and_then(|f| parse_bound(f, false));
                let t = q.to.as_deref().and_then(|t| parse_bound(t, true));
                let mut expected = expected_list(h, q.status, f, t, |a| {
                    q.patient
                        .as_ref()
                        .is_none_or(|p| a.patient.as_ref() == Some(p))
                        && q.location.as_ref().is_none_or(|l| a.location == *l)
                        && q.doctor_id.as_ref().is_none_or(|d| a.doctor_id == *d)
                });
                expected.truncate(q.limit.map_or(usize::MAX, |l| l as usize));
                assert_eq!(ids, &expected, "findAppointments({q:?})");
            }
            format!("{result:?}")
        }
        Op::WorkingHours {
            doctor,
            from,
            days,
            location,
        } => {
            let id = doctor_id(h, *doctor);
            let from = pick(DATES, *from);
            let first = crate::parse_date(from);
            let to = first
                .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(*days % 8))))
                .map_or_else(|| from.to_owned(), |d| d.format("%Y-%m-%d").to_string());
            let q = WorkingHoursQuery {
                from: from.to_owned(),
                to: to.clone(),
                location: location.map(|l| pick(LOCATIONS, l).to_owned()),
            };
            let result = checked(h, Effect::Read, "workingHours", |h| {
                h.working_hours(&id, q.clone())
                    .map(|blocks| serde_json::to_value(blocks).expect("blocks serialize"))
            });
            if let Ok(blocks) = &result {
                check_working_hours(h, &id, &q, blocks);
            }
            format!("{result:?}")
        }
        Op::SetActor(actor) => {
            let actor = actor.map(|a| match a % 4 {
                0 => "desk-1".to_owned(),
                1 => "api-key:7f".to_owned(),
                2 => " ".to_owned(),
                _ => "x".repeat(129),
            });
            let result = checked(h, Effect::Read, "setActor", |h| {
                h.set_actor(actor.as_deref())
            });
            format!("{result:?}")
        }
    }
}

/// The statuses a fuzz input names.
fn status_filter(s: u8) -> StatusFilter {
    match s % 6 {
        0 => StatusFilter::Booked,
        1 => StatusFilter::Cancelled,
        2 => StatusFilter::All,
        3 => StatusFilter::Held,
        4 => StatusFilter::Expired,
        _ => StatusFilter::Active,
    }
}

/// The ids of the appointments `keep` selects with the status filter (at the hospital's own
/// clock, by which no hold has lapsed unmarked) starting in `[from, to)`, by start and then
/// booking order: what a listing must return.
fn expected_list(
    h: &Hospital,
    status: Option<StatusFilter>,
    from: Option<chrono::NaiveDateTime>,
    to: Option<chrono::NaiveDateTime>,
    keep: impl Fn(&Appointment) -> bool,
) -> Vec<String> {
    let mut expected: Vec<(chrono::NaiveDateTime, String)> = h
        .all_appointments()
        .map(|a| a.to_appointment())
        .filter(|a| keep(a))
        .filter(|a| match status.unwrap_or_default() {
            StatusFilter::Booked => a.status == AppointmentStatus::Booked,
            StatusFilter::Held => a.status == AppointmentStatus::Held,
            StatusFilter::Active => a.is_active(),
            StatusFilter::Cancelled => a.status == AppointmentStatus::Cancelled,
            StatusFilter::Expired => a.status == AppointmentStatus::Expired,
            StatusFilter::All => true,
        })
        .map(|a| {
            (
                parse_date_time(&a.start.to_string()).expect("a start"),
                a.id,
            )
        })
        .filter(|(s, _)| from.is_none_or(|f| f <= *s) && to.is_none_or(|t| *s < t))
        .collect();
    expected.sort_by_key(|(start, _)| *start); // stable: booking order among equals
    expected.into_iter().map(|(_, id)| id).collect()
}

/// `workingHours` by brute force: each block lies inside the doctor's hours at its location
/// and is as long as it can be (the minutes around it are not, unless on another date); within a
/// date blocks are by start; and every quarter hour of the first dates inside the hours is in a
/// block.
fn check_working_hours(h: &Hospital, doctor_id: &str, q: &WorkingHoursQuery, blocks: &Value) {
    let doctor = h.get_doctor(doctor_id).expect("hours of a known doctor");
    let minute = TimeDelta::minutes(1);
    let mut spans: Vec<(String, chrono::NaiveDateTime, chrono::NaiveDateTime)> = Vec::new();
    for b in blocks.as_array().expect("a list") {
        let location = b["location"].as_str().expect("a location").to_owned();
        let start = parse_date_time(b["start"].as_str().expect("a start")).expect("a start");
        let end = parse_date_time(b["end"].as_str().expect("an end")).expect("an end");
        assert_eq!(b["date"].as_str(), Some(&format_date_time(start)[..10]));
        assert!(start < end && end - start <= TimeDelta::days(1), "{b}");
        let length = (end - start).num_minutes();
        assert!(
            inside_hours(doctor, &location, start, length),
            "{b} is not inside the hours"
        );
        if chrono::Timelike::hour(&start) != 0 || chrono::Timelike::minute(&start) != 0 {
            assert!(
                !inside_hours(doctor, &location, start - minute, 1),
                "{b} starts late"
            );
        }
        if chrono::Timelike::hour(&end) != 0 || chrono::Timelike::minute(&end) != 0 {
            assert!(!inside_hours(doctor, &location, end, 1), "{b} ends early");
        }
        if let Some(l) = &q.location {
            assert_eq!(&location, l);
        }
        if let Some((_, previous, _)) = spans.last() {
            assert!(
                previous.date() < start.date() || *previous <= start,
                "blocks out of order at {b}"
            );
        }
        spans.push((location, start, end));
    }
    let (Some(first), Some(last)) = (parse_bound(&q.from, false), parse_bound(&q.to, false)) else {
        return;
    };
    let locations: Vec<String> = match &q.location {
        Some(l) => vec![l.clone()],
        None => doctor.locations.clone(),
    };
    let mut t = first;
    while t < first + TimeDelta::days(3) && t.date() <= last.date() {
        for l in &locations {
            let covered = spans.iter().any(|(bl, s, e)| bl == l && *s <= t && t < *e);
            assert_eq!(
                covered,
                inside_hours(doctor, l, t, 1),
                "{t} at {l}: in a block {covered}"
            );
        }
        t += TimeDelta::minutes(15);
    }
}

/// The `n`-th start on the slot grid, on `date`, inside the doctor's hours (by its schedule).
fn start_in_hours(h: &Hospital, doctor_id: &str, date: &str, n: u8) -> Option<String> {
    let doctor = h.get_doctor(doctor_id).ok()?;
    let day = crate::parse_date(date)?;
    let weekday = dr_schedule_engine::Weekday::ALL
        [chrono::Datelike::weekday(&day).num_days_from_monday() as usize];
    let slot = h.options().slot_minutes as usize;
    let starts: Vec<u16> = (0..1440u16)
        .step_by(slot)
        .filter(|&m| {
            doctor
                .schedule
                .iter()
                .any(|r| r.days.contains(&weekday) && r.start.minutes() <= m && m < r.end.minutes())
        })
        .collect();
    let m = starts.get(usize::from(n) % starts.len().max(1))?;
    Some(format!("{date}T{:02}:{:02}", m / 60, m % 60))
}

fn book(h: &mut Hospital, request: Value) -> String {
    let before = h.clone();
    let result = checked(h, Effect::Book, "book", |h| {
        if request.get("ttlMinutes").is_some() {
            h.hold(read(request.clone(), "request")?)
                .map(|a| a.to_appointment())
        } else {
            h.book(read(request.clone(), "request")?)
                .map(|a| a.to_appointment())
        }
    });
    check_booking(&before, &request, &result);
    format!("{result:?}")
}

fn setup(s: &Setup) -> Hospital {
    static BUILT: OnceLock<String> = OnceLock::new();
    match s {
        Setup::Fresh {
            slot,
            duration,
            time_zone,
            small_budget,
        } => {
            const SLOTS: [u32; 6] = [5, 10, 15, 20, 30, 60];
            let slot = SLOTS[usize::from(*slot) % SLOTS.len()];
            let mut options = json!({ "slotMinutes": slot });
            if let Some(d) = duration {
                options["defaultDurationMinutes"] = json!(slot * (u32::from(*d % 4) + 1));
            }
            // The invariants here (snapshot byte accounting, slots, holds against the clock) are
            // those of floating wall-clock times; a hospital with a time zone computes in UTC
            // and is covered by tests/model.rs and the package's Intl oracle. The flag stays, so
            // that the corpus keeps its meaning, and is ignored.
            let _ = time_zone;
            if *small_budget {
                options["maxSnapshotBytes"] = json!(16_384);
            }
            Hospital::with_time_zones(
                read_input(options, "options").expect("valid options"),
                crate::zones(),
            )
            .expect("valid options")
        }
        Setup::Fixture => {
            Hospital::from_snapshot_in(FIXTURE_V1, crate::zones()).expect("the fixture loads")
        }
        Setup::Built => {
            Hospital::from_snapshot_in(BUILT.get_or_init(built_snapshot), crate::zones())
                .expect("the built snapshot loads")
        }
        Setup::FixtureV2 => {
            Hospital::from_snapshot_in(FIXTURE_V2, crate::zones()).expect("the fixture loads")
        }
        Setup::FixtureV3 => {
            Hospital::from_snapshot_in(FIXTURE_V3, crate::zones()).expect("the fixture loads")
        }
    }
}

/// Runs one input (the body of the `operations` fuzz target); returns each call's result, as
/// text, for `describe`.
pub fn run(input: Input) -> Vec<String> {
    let mut h = setup(&input.setup);
    // A replica that only ever sees the change records, as a host persisting them would.
    let mut replica =
        Hospital::from_snapshot_in(&h.to_snapshot().expect("to_snapshot"), crate::zones())
            .expect("the starting state loads");
    let mut twin: Option<Hospital> = None;
    let mut history = Vec::new();
    let mut twin_history = Vec::new();
    let mut outcomes = Vec::new();
    for op in input.ops.iter().take(64) {
        let outcome = call(&mut h, op, &mut history);
        let snapshot = check_invariants(&h);
        if let Some(t) = twin.as_mut() {
            let twin_outcome = call(t, op, &mut twin_history);
            assert_eq!(
                twin_outcome, outcome,
                "the restored twin answered {op:?} differently"
            );
            assert_eq!(
                t.to_snapshot().expect("to_snapshot"),
                snapshot,
                "the twin diverged after {op:?}"
            );
        }
        if let Op::RoundTrip = op {
            let restored = Hospital::from_snapshot_in(&snapshot, crate::zones())
                .unwrap_or_else(|e| panic!("to_snapshot text refused: {e}"));
            twin = Some(restored);
            twin_history = history.clone();
        }
        sync_replica(&h, &mut replica, &snapshot);
        outcomes.push(outcome);
    }
    outcomes
}

/// Brings `replica` up to date from `h`'s change records, passed through JSON as a host stores
/// them, and checks that it reached the same state: snapshot + `changes_since` rebuild the
/// hospital byte for byte.
fn sync_replica(h: &Hospital, replica: &mut Hospital, snapshot: &str) {
    let changes = h
        .changes_since(replica.revision())
        .unwrap_or_else(|e| panic!("changes_since({}) failed: {e}", replica.revision()));
    assert_eq!(
        changes.len() as u64,
        h.revision() - replica.revision(),
        "one change record per successful mutation"
    );
    let text = serde_json::to_string(&changes).expect("change records serialize");
    let changes: Vec<dr_schedule_engine::Change> =
        dr_schedule_engine::read_json(text.as_bytes(), "changes")
            .unwrap_or_else(|e| panic!("change records do not read back: {e}\n{text}"));
    replica
        .apply_changes(changes)
        .unwrap_or_else(|e| panic!("replaying the change records failed: {e}\n{text}"));
    assert_eq!(
        replica.to_snapshot().expect("to_snapshot"),
        snapshot,
        "snapshot + change records did not rebuild the hospital"
    );
}
