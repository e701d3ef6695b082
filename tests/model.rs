//! Model-based test: long random sequences of every operation, run against the real `Hospital`
//! and against a deliberately naive reference model written from DESIGN §2–§4 (plain `Vec`s,
//! brute-force overlap and hours checks, its own ten-line calendar).
//!
//! After every step: the same result (whole objects, compared as JSON) or the same error code
//! (and the details DESIGN/README promise) as the model; the invariants hold on the real
//! hospital, checked by brute force from what it returns; the revision counts the successful
//! mutations; and a failed or read-only step leaves `to_snapshot()` byte-identical.
//!
//! The universe is small so that collisions are frequent: four doctor ids (three of which the
//! hospital would assign itself), three locations, one or two weeks, 15- or 30-minute slots,
//! schedules of up to three rules whose bounds come from a short list of quarter hours that
//! makes touching rules and `24:00` common.
//!
//! `PROPTEST_CASES` overrides the number of sequences (default [`DEFAULT_CASES`]).

#![cfg(not(target_arch = "wasm32"))]
// clippy.toml's allow-*-in-tests covers `#[test]` functions only; the model is test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dr_schedule::core::{
    input, AppointmentQuery, BookRequest, CancelOptions, ChangeOptions, DoctorPatch, Error,
    ErrorCode, Hospital, HospitalOptionsInput, NewDoctor, SlotQuery,
};
use proptest::prelude::*;
use proptest::sample::subsequence;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Sequences per run unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 2000;
/// Longest sequence of operations.
const MAX_OPS: usize = 60;

// ===================================================================================
// The universe
// ===================================================================================

/// Explicit doctor ids; `d1`…`d3` are also the ids the hospital assigns (README: `d1`, `d2`…).
const DOCTOR_IDS: [&str; 4] = ["d1", "d2", "d3", "dx"];
const LOCATIONS: [&str; 3] = ["North", "South", "East"];
/// Explicit appointment ids; `a1`…`a3` are also assigned ones.
const APPOINTMENT_IDS: [&str; 4] = ["a1", "a2", "a3", "ax"];
const REQUEST_IDS: [&str; 3] = ["r1", "r2", "r3"];
const PATIENTS: [&str; 2] = ["p1", "p2"];
const NAMES: [&str; 3] = ["Dr. Ada", "Dr. Grace", "Dr. Who 🩺"];
const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Schedule rule bounds (minutes since midnight, on the 15-minute grid): 12:00 and 13:00 make
/// touching rules likely, 00:00 and 24:00 are the ends of the day, 09:15 and 12:15 are off a
/// 30-minute grid.
const RULE_POINTS: [u32; 12] = [0, 420, 540, 555, 630, 720, 735, 780, 1020, 1200, 1425, 1440];
/// Durations asked for: on and off either grid, zero, and one that is not a `u32`.
const DURATIONS: [i64; 10] = [15, 30, 45, 60, 90, 120, 0, 10, 20, -15];
/// Start strings that do not parse.
const BAD_STARTS: [&str; 4] = [
    "2019-02-30T10:00",
    "2024-02-26T25:00",
    "2024-02-26 10:00",
    "tomorrow",
];
/// Window bounds that do not parse.
const BAD_BOUNDS: [&str; 3] = ["2023-02-29", "2024-02-26T24:00", "next week"];
/// First days of the universe, all Mondays: a leap February, a year's end, a plain February.
const BASES: [(i32, u32, u32); 3] = [(2024, 2, 26), (2018, 12, 31), (2023, 2, 27)];
/// The calendar covers these day offsets from the base (windows reach a little outside the
/// one or two weeks where appointments are booked).
const FIRST_DAY: i64 = -2;
const LAST_DAY: i64 = 17;
const DAY: i64 = 1440;

// ===================================================================================
// The model's own calendar: day offsets from a Monday, to and from ISO strings
// ===================================================================================

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The dates of the universe, one string per day offset `FIRST_DAY..=LAST_DAY`.
#[derive(Debug, Clone)]
struct Cal {
    dates: Vec<String>,
}

impl Cal {
    fn new((year, month, day): (i32, u32, u32)) -> Self {
        // Step back to FIRST_DAY, then forward one day at a time.
        let (mut y, mut m, mut d) = (year, month, day);
        for _ in FIRST_DAY..0 {
            if d > 1 {
                d -= 1;
            } else if m > 1 {
                m -= 1;
                d = days_in_month(y, m);
            } else {
                y -= 1;
                m = 12;
                d = 31;
            }
        }
        let mut dates = Vec::new();
        for _ in FIRST_DAY..=LAST_DAY {
            dates.push(format!("{y:04}-{m:02}-{d:02}"));
            if d < days_in_month(y, m) {
                d += 1;
            } else if m < 12 {
                m += 1;
                d = 1;
            } else {
                y += 1;
                m = 1;
                d = 1;
            }
        }
        Cal { dates }
    }

    fn date(&self, day: i64) -> &str {
        let index = usize::try_from(day - FIRST_DAY).expect("day before the universe");
        self.dates.get(index).expect("day after the universe")
    }

    /// `YYYY-MM-DDTHH:MM` of an instant (minutes since the base's midnight).
    fn at(&self, t: i64) -> String {
        format!(
            "{}T{}",
            self.date(t.div_euclid(DAY)),
            hhmm(t.rem_euclid(DAY))
        )
    }

    /// The instant of a `YYYY-MM-DDTHH:MM` string the hospital returned.
    fn parse(&self, text: &str) -> Option<i64> {
        let (date, time) = text.split_once('T')?;
        let index = self.dates.iter().position(|d| d == date)?;
        let minute = parse_clock(time).filter(|&m| m < 1440)?;
        Some((index as i64 + FIRST_DAY) * DAY + i64::from(minute))
    }
}

fn hhmm(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `HH:MM` → minutes, `00:00` to `24:00`.
fn parse_clock(text: &str) -> Option<u32> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![b[0], b[1], b[3], b[4]].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let hours = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let minutes = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    let ok = (hours < 24 && minutes < 60) || (hours == 24 && minutes == 0);
    ok.then_some(hours * 60 + minutes)
}

/// The weekday (0 = Monday) of a day offset: the base is a Monday.
fn weekday(day: i64) -> usize {
    day.rem_euclid(7) as usize
}

// ===================================================================================
// The model
// ===================================================================================

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    days: Vec<String>,
    start: String,
    end: String,
}

#[derive(Debug, Clone)]
struct MDoctor {
    id: String,
    name: String,
    locations: Vec<String>,
    schedule: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct MAppt {
    id: String,
    doctor_id: String,
    location: String,
    start: i64,
    duration: i64,
    patient: Option<String>,
    request_id: Option<String>,
    booked: bool,
    cancel_reason: Option<String>,
}

/// Whether `[start, start + duration)` lies inside one block of the hours `schedule` gives on
/// `start`'s date: every minute of it is covered by some rule naming that weekday (the blocks
/// are the connected pieces of that union, so "covered minute by minute" is "inside one block"),
/// and it does not run past midnight.
fn inside_hours(schedule: &[Rule], start: i64, duration: i64) -> bool {
    let from = start.rem_euclid(DAY);
    let name = DAY_NAMES[weekday(start.div_euclid(DAY))];
    let ranges: Vec<(i64, i64)> = schedule
        .iter()
        .filter(|rule| rule.days.iter().any(|d| d == name))
        .map(|rule| {
            (
                i64::from(parse_clock(&rule.start).unwrap()),
                i64::from(parse_clock(&rule.end).unwrap()),
            )
        })
        .collect();
    from + duration <= DAY
        && (from..from + duration).all(|minute| {
            ranges
                .iter()
                .any(|&(open, close)| open <= minute && minute < close)
        })
}

fn overlaps(a_start: i64, a_duration: i64, b_start: i64, b_duration: i64) -> bool {
    a_start < b_start + b_duration && b_start < a_start + a_duration
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

fn valid_text(text: &str, max: usize) -> bool {
    !text.trim().is_empty() && text.len() <= max && !text.chars().any(char::is_control)
}

fn valid_locations(locations: &[String]) -> bool {
    !locations.is_empty()
        && locations.iter().all(|l| valid_text(l, 200))
        && locations
            .iter()
            .enumerate()
            .all(|(i, l)| !locations[..i].contains(l))
}

fn valid_schedule(schedule: &[Rule]) -> bool {
    schedule.iter().all(|rule| {
        let days_ok = !rule.days.is_empty()
            && rule.days.iter().all(|d| DAY_NAMES.contains(&d.as_str()))
            && rule
                .days
                .iter()
                .enumerate()
                .all(|(i, d)| !rule.days[..i].contains(d));
        let times_ok = matches!(
            (parse_clock(&rule.start), parse_clock(&rule.end)),
            (Some(s), Some(e)) if s < e
        );
        days_ok && times_ok
    })
}

/// What the model expects of a failed call.
#[derive(Debug, Clone)]
struct Expected {
    code: ErrorCode,
    /// Details fields that must be present with these values (INVALID_INPUT: `field` must be
    /// present, whatever it says).
    details: Value,
    /// SLOT_TAKEN: `conflictingAppointmentId` must be one of these (any overlapping one will do).
    conflicts: Vec<String>,
}

fn fail(code: ErrorCode, details: Value) -> Expected {
    Expected {
        code,
        details,
        conflicts: Vec::new(),
    }
}

fn invalid() -> Expected {
    fail(ErrorCode::InvalidInput, json!({}))
}

/// The model's answer: the expected result and whether it is a successful mutation.
type Outcome = (Result<Value, Expected>, bool);

fn ok(value: Value, mutated: bool) -> Outcome {
    (Ok(value), mutated)
}

fn err(expected: Expected) -> Outcome {
    (Err(expected), false)
}

#[derive(Debug, Clone)]
struct Model {
    cal: Cal,
    slot: i64,
    default_duration: i64,
    /// Insertion order.
    doctors: Vec<MDoctor>,
    /// Booking order.
    appts: Vec<MAppt>,
    revision: u64,
    next_doctor: u64,
    next_appt: u64,
}

impl Model {
    fn doctor(&self, id: &str) -> Option<&MDoctor> {
        self.doctors.iter().find(|d| d.id == id)
    }

    fn doctor_json(&self, d: &MDoctor) -> Value {
        let schedule: Vec<Value> = d
            .schedule
            .iter()
            .map(|r| json!({ "days": r.days, "start": r.start, "end": r.end }))
            .collect();
        json!({ "id": d.id, "name": d.name, "locations": d.locations, "schedule": schedule })
    }

    fn appt_json(&self, a: &MAppt) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(a.id));
        m.insert("doctorId".into(), json!(a.doctor_id));
        m.insert("location".into(), json!(a.location));
        m.insert("start".into(), json!(self.cal.at(a.start)));
        m.insert("end".into(), json!(self.cal.at(a.start + a.duration)));
        m.insert("durationMinutes".into(), json!(a.duration));
        if let Some(p) = &a.patient {
            m.insert("patient".into(), json!(p));
        }
        if let Some(r) = &a.request_id {
            m.insert("requestId".into(), json!(r));
        }
        let status = if a.booked { "booked" } else { "cancelled" };
        m.insert("status".into(), json!(status));
        if let Some(r) = &a.cancel_reason {
            m.insert("cancelReason".into(), json!(r));
        }
        Value::Object(m)
    }

    /// A doctor's appointments, by start and then booking order (a stable sort of booking
    /// order).
    fn appts_of(&self, doctor_id: &str) -> Vec<&MAppt> {
        let mut list: Vec<&MAppt> = self
            .appts
            .iter()
            .filter(|a| a.doctor_id == doctor_id)
            .collect();
        list.sort_by_key(|a| a.start);
        list
    }

    fn booked_ids_by_start(&self, doctor_id: &str, keep: impl Fn(&MAppt) -> bool) -> Vec<String> {
        self.appts_of(doctor_id)
            .into_iter()
            .filter(|a| a.booked && keep(a))
            .map(|a| a.id.clone())
            .collect()
    }

    fn assign(counter: &mut u64, prefix: &str, taken: impl Fn(&str) -> bool) -> String {
        loop {
            let id = format!("{prefix}{counter}");
            *counter += 1;
            if !taken(&id) {
                return id;
            }
        }
    }

    fn add_doctor(&mut self, d: &DoctorIn) -> Outcome {
        let valid = !d.extra
            && d.id.as_deref().is_none_or(valid_id)
            && valid_text(&d.name, 200)
            && valid_locations(&d.locations)
            && valid_schedule(&d.schedule);
        if !valid {
            return err(invalid());
        }
        if let Some(id) = &d.id {
            if self.doctor(id).is_some() {
                return err(fail(ErrorCode::DuplicateId, json!({ "id": id })));
            }
        }
        let id = match &d.id {
            Some(id) => id.clone(),
            None => {
                let doctors = &self.doctors;
                Model::assign(&mut self.next_doctor, "d", |id| {
                    doctors.iter().any(|d| d.id == id)
                })
            }
        };
        let doctor = MDoctor {
            id,
            name: d.name.clone(),
            locations: d.locations.clone(),
            schedule: d.schedule.clone(),
        };
        let value = self.doctor_json(&doctor);
        self.doctors.push(doctor);
        self.revision += 1;
        ok(value, true)
    }

    fn get_doctor(&self, id: &str) -> Outcome {
        match self.doctor(id) {
            Some(d) => ok(self.doctor_json(d), false),
            None => err(fail(ErrorCode::DoctorNotFound, json!({ "doctorId": id }))),
        }
    }

    fn update_doctor(&mut self, id: &str, patch: &PatchIn, options: ChangeOpt) -> Outcome {
        let valid = !patch.extra
            && options != ChangeOpt::Bad
            && patch.name.as_deref().is_none_or(|n| valid_text(n, 200))
            && patch.locations.as_deref().is_none_or(valid_locations)
            && patch.schedule.as_deref().is_none_or(valid_schedule);
        if !valid {
            return err(invalid());
        }
        let Some(index) = self.doctors.iter().position(|d| d.id == id) else {
            return err(fail(ErrorCode::DoctorNotFound, json!({ "doctorId": id })));
        };
        let old = &self.doctors[index];
        let new = MDoctor {
            id: old.id.clone(),
            name: patch.name.clone().unwrap_or_else(|| old.name.clone()),
            locations: patch
                .locations
                .clone()
                .unwrap_or_else(|| old.locations.clone()),
            schedule: patch
                .schedule
                .clone()
                .unwrap_or_else(|| old.schedule.clone()),
        };
        let orphans = self.booked_ids_by_start(id, |a| {
            !new.locations.contains(&a.location)
                || !inside_hours(&new.schedule, a.start, a.duration)
        });
        if !orphans.is_empty() && options != ChangeOpt::Cancel(true) {
            return err(fail(
                ErrorCode::HasAppointments,
                json!({ "doctorId": id, "appointmentIds": orphans }),
            ));
        }
        for a in &mut self.appts {
            if orphans.contains(&a.id) {
                a.booked = false;
                a.cancel_reason = Some("doctor updated".into());
            }
        }
        let value = self.doctor_json(&new);
        self.doctors[index] = new;
        self.revision += 1;
        ok(value, true)
    }

    fn remove_doctor(&mut self, id: &str, options: ChangeOpt) -> Outcome {
        if options == ChangeOpt::Bad {
            return err(invalid());
        }
        let Some(index) = self.doctors.iter().position(|d| d.id == id) else {
            return err(fail(ErrorCode::DoctorNotFound, json!({ "doctorId": id })));
        };
        let booked = self.booked_ids_by_start(id, |_| true);
        if !booked.is_empty() && options != ChangeOpt::Cancel(true) {
            return err(fail(
                ErrorCode::HasAppointments,
                json!({ "doctorId": id, "appointmentIds": booked }),
            ));
        }
        self.appts.retain(|a| a.doctor_id != id);
        let doctor = self.doctors.remove(index);
        self.revision += 1;
        ok(self.doctor_json(&doctor), true)
    }

    fn book(&mut self, b: &BookCall) -> Outcome {
        // The input itself.
        let valid = !b.extra
            && b.start.is_ok()
            && b.duration.is_none_or(|d| d >= 0)
            && b.patient.as_deref().is_none_or(|p| valid_text(p, 200))
            && b.id.as_deref().is_none_or(valid_id)
            && b.request_id.as_deref().is_none_or(|r| valid_text(r, 128));
        let Ok(start) = b.start else {
            return err(invalid());
        };
        if !valid {
            return err(invalid());
        }
        let duration = b.duration.unwrap_or(self.default_duration);
        // Rule 0.
        if let Some(request_id) = &b.request_id {
            if let Some(a) = self
                .appts
                .iter()
                .find(|a| a.request_id.as_ref() == Some(request_id))
            {
                let same = a.doctor_id == b.doctor_id
                    && a.location == b.location
                    && a.start == start
                    && a.duration == duration
                    && a.patient == b.patient
                    && b.id.as_ref().is_none_or(|id| *id == a.id);
                return if same {
                    ok(self.appt_json(a), false)
                } else {
                    err(fail(
                        ErrorCode::RequestIdReused,
                        json!({ "requestId": request_id, "appointmentId": a.id }),
                    ))
                };
            }
        }
        if let Some(id) = &b.id {
            if self.appts.iter().any(|a| a.id == *id) {
                return err(fail(ErrorCode::DuplicateId, json!({ "id": id })));
            }
        }
        // Rule 1.
        let Some(doctor) = self.doctor(&b.doctor_id) else {
            return err(fail(
                ErrorCode::DoctorNotFound,
                json!({ "doctorId": b.doctor_id }),
            ));
        };
        if !doctor.locations.contains(&b.location) {
            return err(fail(
                ErrorCode::LocationNotServed,
                json!({ "doctorId": b.doctor_id, "location": b.location }),
            ));
        }
        // Rule 2.
        if start.rem_euclid(DAY) % self.slot != 0 {
            return err(fail(
                ErrorCode::OffGrid,
                json!({ "field": "start", "slotMinutes": self.slot }),
            ));
        }
        if duration == 0 || duration % self.slot != 0 {
            return err(fail(
                ErrorCode::OffGrid,
                json!({ "field": "durationMinutes", "slotMinutes": self.slot }),
            ));
        }
        // Rule 3.
        if !inside_hours(&doctor.schedule, start, duration) {
            return err(fail(
                ErrorCode::OutsideHours,
                json!({ "doctorId": b.doctor_id }),
            ));
        }
        // Rule 4.
        let conflicts: Vec<String> = self
            .appts
            .iter()
            .filter(|a| {
                a.booked
                    && a.doctor_id == b.doctor_id
                    && overlaps(a.start, a.duration, start, duration)
            })
            .map(|a| a.id.clone())
            .collect();
        if !conflicts.is_empty() {
            return err(Expected {
                code: ErrorCode::SlotTaken,
                details: json!({}),
                conflicts,
            });
        }
        let id = match &b.id {
            Some(id) => id.clone(),
            None => {
                let appts = &self.appts;
                Model::assign(&mut self.next_appt, "a", |id| {
                    appts.iter().any(|a| a.id == id)
                })
            }
        };
        let appt = MAppt {
            id,
            doctor_id: b.doctor_id.clone(),
            location: b.location.clone(),
            start,
            duration,
            patient: b.patient.clone(),
            request_id: b.request_id.clone(),
            booked: true,
            cancel_reason: None,
        };
        let value = self.appt_json(&appt);
        self.appts.push(appt);
        self.revision += 1;
        ok(value, true)
    }

    fn cancel(&mut self, id: &str, reason: &Option<String>) -> Outcome {
        if reason.as_deref().is_some_and(|r| !valid_text(r, 500)) {
            return err(invalid());
        }
        let Some(index) = self.appts.iter().position(|a| a.id == id) else {
            return err(fail(
                ErrorCode::AppointmentNotFound,
                json!({ "appointmentId": id }),
            ));
        };
        if !self.appts[index].booked {
            return err(fail(
                ErrorCode::AlreadyCancelled,
                json!({ "appointmentId": id }),
            ));
        }
        self.appts[index].booked = false;
        self.appts[index].cancel_reason = reason.clone();
        self.revision += 1;
        ok(self.appt_json(&self.appts[index]), true)
    }

    fn get_appointment(&self, id: &str) -> Outcome {
        match self.appts.iter().find(|a| a.id == id) {
            Some(a) => ok(self.appt_json(a), false),
            None => err(fail(
                ErrorCode::AppointmentNotFound,
                json!({ "appointmentId": id }),
            )),
        }
    }

    /// `[from, to)` from two bounds, or INVALID_INPUT (unparseable, or `to` before `from`).
    fn window(
        from: Option<&BoundIn>,
        to: Option<&BoundIn>,
    ) -> Result<(Option<i64>, Option<i64>), Expected> {
        let from = from.map(|b| b.as_from.ok_or_else(invalid)).transpose()?;
        let to = to.map(|b| b.as_to.ok_or_else(invalid)).transpose()?;
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(invalid());
            }
        }
        Ok((from, to))
    }

    fn appointments(&self, q: &ApptQueryIn) -> Outcome {
        if q.status
            .is_some_and(|s| !["booked", "cancelled", "all"].contains(&s))
        {
            return err(invalid());
        }
        let (from, to) = match Model::window(q.from.as_ref(), q.to.as_ref()) {
            Ok(window) => window,
            Err(e) => return err(e),
        };
        if self.doctor(&q.doctor).is_none() {
            return err(fail(
                ErrorCode::DoctorNotFound,
                json!({ "doctorId": q.doctor }),
            ));
        }
        let status = q.status.unwrap_or("booked");
        let list: Vec<Value> = self
            .appts_of(&q.doctor)
            .into_iter()
            .filter(|a| match status {
                "booked" => a.booked,
                "cancelled" => !a.booked,
                _ => true,
            })
            .filter(|a| from.is_none_or(|f| f <= a.start) && to.is_none_or(|t| a.start < t))
            .map(|a| self.appt_json(a))
            .collect();
        ok(Value::Array(list), false)
    }

    fn available_slots(&self, q: &SlotQueryIn) -> Outcome {
        if q.duration.is_some_and(|d| d < 0) {
            return err(invalid());
        }
        let (from, to) = match Model::window(Some(&q.from), Some(&q.to)) {
            Ok((Some(from), Some(to))) => (from, to),
            Ok(_) => return err(invalid()),
            Err(e) => return err(e),
        };
        let Some(doctor) = self.doctor(&q.doctor) else {
            return err(fail(
                ErrorCode::DoctorNotFound,
                json!({ "doctorId": q.doctor }),
            ));
        };
        if let Some(location) = &q.location {
            if !doctor.locations.contains(location) {
                return err(fail(
                    ErrorCode::LocationNotServed,
                    json!({ "doctorId": q.doctor, "location": location }),
                ));
            }
        }
        let duration = q.duration.unwrap_or(self.default_duration);
        if duration == 0 || duration % self.slot != 0 {
            return err(fail(
                ErrorCode::OffGrid,
                json!({ "field": "durationMinutes", "slotMinutes": self.slot }),
            ));
        }
        let limit = q.limit.map_or(usize::MAX, |l| l as usize);
        let mut slots = Vec::new();
        for t in from..to {
            if slots.len() >= limit {
                break;
            }
            let bookable = t.rem_euclid(DAY) % self.slot == 0
                && t + duration <= to
                && inside_hours(&doctor.schedule, t, duration)
                && !self.appts.iter().any(|a| {
                    a.booked
                        && a.doctor_id == q.doctor
                        && overlaps(a.start, a.duration, t, duration)
                });
            if bookable {
                slots.push(json!(self.cal.at(t)));
            }
        }
        ok(Value::Array(slots), false)
    }
}

// ===================================================================================
// Calls: what one step sends to both, resolved from a generated op and the model's state
// ===================================================================================

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeOpt {
    Absent,
    Cancel(bool),
    /// `{ cancelAppointments: "yes" }`: not a boolean.
    Bad,
}

impl ChangeOpt {
    fn json(self) -> Option<Value> {
        match self {
            ChangeOpt::Absent => None,
            ChangeOpt::Cancel(c) => Some(json!({ "cancelAppointments": c })),
            ChangeOpt::Bad => Some(json!({ "cancelAppointments": "yes" })),
        }
    }
}

#[derive(Debug, Clone)]
struct DoctorIn {
    id: Option<String>,
    name: String,
    locations: Vec<String>,
    schedule: Vec<Rule>,
    extra: bool,
}

#[derive(Debug, Clone)]
struct PatchIn {
    name: Option<String>,
    locations: Option<Vec<String>>,
    schedule: Option<Vec<Rule>>,
    extra: bool,
}

#[derive(Debug, Clone)]
struct BookCall {
    doctor_id: String,
    location: String,
    /// An instant, or a string that does not parse.
    start: Result<i64, &'static str>,
    duration: Option<i64>,
    patient: Option<String>,
    id: Option<String>,
    request_id: Option<String>,
    extra: bool,
}

#[derive(Debug, Clone)]
struct BoundIn {
    text: String,
    /// The instant as a `from` (a date is its midnight); `None` if it does not parse.
    as_from: Option<i64>,
    /// The instant as a `to` (a date includes its whole day).
    as_to: Option<i64>,
}

#[derive(Debug, Clone)]
struct ApptQueryIn {
    doctor: String,
    from: Option<BoundIn>,
    to: Option<BoundIn>,
    status: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct SlotQueryIn {
    doctor: String,
    from: BoundIn,
    to: BoundIn,
    duration: Option<i64>,
    location: Option<String>,
    limit: Option<u32>,
}

#[derive(Debug, Clone)]
enum Call {
    AddDoctor(DoctorIn),
    GetDoctor(String),
    UpdateDoctor(String, PatchIn, ChangeOpt),
    RemoveDoctor(String, ChangeOpt),
    Book(BookCall),
    Cancel(String, Option<String>),
    GetAppointment(String),
    Appointments(ApptQueryIn),
    Slots(SlotQueryIn),
    Snapshot,
}

fn rules_json(rules: &[Rule]) -> Value {
    Value::Array(
        rules
            .iter()
            .map(|r| json!({ "days": r.days, "start": r.start, "end": r.end }))
            .collect(),
    )
}

impl BookCall {
    fn json(&self, cal: &Cal) -> Value {
        let start = match self.start {
            Ok(t) => cal.at(t),
            Err(text) => text.to_owned(),
        };
        let mut m = Map::new();
        m.insert("doctorId".into(), json!(self.doctor_id));
        m.insert("location".into(), json!(self.location));
        m.insert("start".into(), json!(start));
        if let Some(d) = self.duration {
            m.insert("durationMinutes".into(), json!(d));
        }
        if let Some(p) = &self.patient {
            m.insert("patient".into(), json!(p));
        }
        if let Some(id) = &self.id {
            m.insert("id".into(), json!(id));
        }
        if let Some(r) = &self.request_id {
            m.insert("requestId".into(), json!(r));
        }
        if self.extra {
            m.insert("when".into(), json!("now"));
        }
        Value::Object(m)
    }
}

impl Call {
    /// The inputs as JSON, in the order of the call's arguments.
    fn args(&self, cal: &Cal) -> Vec<Value> {
        match self {
            Call::AddDoctor(d) => {
                let mut m = Map::new();
                if let Some(id) = &d.id {
                    m.insert("id".into(), json!(id));
                }
                m.insert("name".into(), json!(d.name));
                m.insert("locations".into(), json!(d.locations));
                m.insert("schedule".into(), rules_json(&d.schedule));
                if d.extra {
                    m.insert("email".into(), json!("ada@example.org"));
                }
                vec![Value::Object(m)]
            }
            Call::GetDoctor(id) | Call::GetAppointment(id) => vec![json!(id)],
            Call::UpdateDoctor(id, p, options) => {
                let mut m = Map::new();
                if let Some(name) = &p.name {
                    m.insert("name".into(), json!(name));
                }
                if let Some(l) = &p.locations {
                    m.insert("locations".into(), json!(l));
                }
                if let Some(s) = &p.schedule {
                    m.insert("schedule".into(), rules_json(s));
                }
                if p.extra {
                    m.insert("id".into(), json!("d9"));
                }
                let mut args = vec![json!(id), Value::Object(m)];
                args.extend(options.json());
                args
            }
            Call::RemoveDoctor(id, options) => {
                let mut args = vec![json!(id)];
                args.extend(options.json());
                args
            }
            Call::Book(b) => vec![b.json(cal)],
            Call::Cancel(id, reason) => {
                let mut args = vec![json!(id)];
                if let Some(r) = reason {
                    args.push(json!({ "reason": r }));
                }
                args
            }
            Call::Appointments(q) => {
                let mut m = Map::new();
                if let Some(f) = &q.from {
                    m.insert("from".into(), json!(f.text));
                }
                if let Some(t) = &q.to {
                    m.insert("to".into(), json!(t.text));
                }
                if let Some(s) = q.status {
                    m.insert("status".into(), json!(s));
                }
                vec![json!(q.doctor), Value::Object(m)]
            }
            Call::Slots(q) => {
                let mut m = Map::new();
                m.insert("from".into(), json!(q.from.text));
                m.insert("to".into(), json!(q.to.text));
                if let Some(d) = q.duration {
                    m.insert("durationMinutes".into(), json!(d));
                }
                if let Some(l) = &q.location {
                    m.insert("location".into(), json!(l));
                }
                if let Some(l) = q.limit {
                    m.insert("limit".into(), json!(l));
                }
                vec![json!(q.doctor), Value::Object(m)]
            }
            Call::Snapshot => Vec::new(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Call::AddDoctor(_) => "addDoctor",
            Call::GetDoctor(_) => "getDoctor",
            Call::UpdateDoctor(..) => "updateDoctor",
            Call::RemoveDoctor(..) => "removeDoctor",
            Call::Book(_) => "book",
            Call::Cancel(..) => "cancel",
            Call::GetAppointment(_) => "getAppointment",
            Call::Appointments(_) => "appointments",
            Call::Slots(_) => "availableSlots",
            Call::Snapshot => "h = Hospital.fromSnapshot(h.toSnapshot())",
        }
    }

    /// The call as JS would spell it, for failure reports.
    fn js(&self, cal: &Cal) -> String {
        if let Call::Snapshot = self {
            return self.name().to_owned();
        }
        let args: Vec<String> = self.args(cal).iter().map(Value::to_string).collect();
        format!("h.{}({})", self.name(), args.join(", "))
    }

    fn apply(&self, m: &mut Model) -> Outcome {
        match self {
            Call::AddDoctor(d) => m.add_doctor(d),
            Call::GetDoctor(id) => m.get_doctor(id),
            Call::UpdateDoctor(id, p, o) => m.update_doctor(id, p, *o),
            Call::RemoveDoctor(id, o) => m.remove_doctor(id, *o),
            Call::Book(b) => m.book(b),
            Call::Cancel(id, r) => m.cancel(id, r),
            Call::GetAppointment(id) => m.get_appointment(id),
            Call::Appointments(q) => m.appointments(q),
            Call::Slots(q) => m.available_slots(q),
            Call::Snapshot => ok(json!({ "identical": true }), false),
        }
    }
}

// ===================================================================================
// The real hospital, driven the way the wasm binding drives it: inputs read from JSON
// ===================================================================================

fn to_json<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn read<T: serde::de::DeserializeOwned>(value: Value, name: &str) -> Result<T, Error> {
    input::read(value, name)
}

fn change_options(o: ChangeOpt) -> Result<ChangeOptions, Error> {
    o.json()
        .map_or(Ok(ChangeOptions::default()), |v| read(v, "options"))
}

fn perform(h: &mut Hospital, call: &Call, cal: &Cal) -> Result<Value, Error> {
    let mut args = call.args(cal).into_iter();
    let mut arg = || args.next().unwrap();
    match call {
        Call::AddDoctor(_) => {
            let doctor: NewDoctor = read(arg(), "doctor")?;
            h.add_doctor(doctor).map(to_json)
        }
        Call::GetDoctor(id) => h.get_doctor(id).map(to_json),
        Call::UpdateDoctor(id, _, o) => {
            arg();
            let patch: DoctorPatch = read(arg(), "patch")?;
            h.update_doctor(id, patch, change_options(*o)?).map(to_json)
        }
        Call::RemoveDoctor(id, o) => h
            .remove_doctor(id, change_options(*o)?)
            .map(|d| to_json(&d)),
        Call::Book(_) => {
            let request: BookRequest = read(arg(), "request")?;
            h.book(request).map(to_json)
        }
        Call::Cancel(id, reason) => {
            arg();
            let options: CancelOptions = match reason {
                Some(_) => read(arg(), "options")?,
                None => CancelOptions::default(),
            };
            h.cancel(id, options).map(to_json)
        }
        Call::GetAppointment(id) => h.get_appointment(id).map(to_json),
        Call::Appointments(q) => {
            arg();
            let query: AppointmentQuery = read(arg(), "query")?;
            let list = h.appointments(&q.doctor, query)?;
            Ok(Value::Array(list.into_iter().map(to_json).collect()))
        }
        Call::Slots(q) => {
            arg();
            let query: SlotQuery = read(arg(), "query")?;
            let slots = h.available_slots(&q.doctor, query)?;
            Ok(Value::Array(
                slots.iter().map(|s| json!(s.to_string())).collect(),
            ))
        }
        Call::Snapshot => {
            let text = h.to_snapshot()?;
            let restored = Hospital::from_snapshot(&text)?;
            let identical = restored.to_snapshot()? == text;
            *h = restored;
            Ok(json!({ "identical": identical }))
        }
    }
}

// ===================================================================================
// Generated operations (resolved against the model's state when they run, so that they keep
// meaning something while proptest shrinks the sequence)
// ===================================================================================

#[derive(Debug, Clone)]
enum NameGen {
    Valid(usize),
    Empty,
    Blank,
    Control,
    TooLong,
}

#[derive(Debug, Clone)]
enum LocsGen {
    /// Indices into LOCATIONS, distinct, in any order.
    Valid(Vec<usize>),
    Empty,
    Blank,
    Duplicate,
}

#[derive(Debug, Clone)]
enum RuleGen {
    /// Days (indices, distinct, any order) and two indices into RULE_POINTS, start < end.
    Valid(Vec<usize>, usize, usize),
    NoDays,
    RepeatedDay,
    /// start >= end (indices into RULE_POINTS).
    NotAfter(usize, usize),
    BadTime,
    BadDay,
}

#[derive(Debug, Clone)]
enum IdGen {
    Pool(usize),
    Bad,
}

#[derive(Debug, Clone)]
enum DocRef {
    /// The n-th doctor the model has (mod their number).
    Existing(usize),
    Pool(usize),
    Unknown,
}

#[derive(Debug, Clone)]
enum ApptRef {
    Existing(usize),
    Pool(usize),
    Unknown,
}

#[derive(Debug, Clone)]
enum LocRef {
    /// One of the doctor's own locations.
    OfDoctor(usize),
    Pool(usize),
    Unknown,
}

#[derive(Debug, Clone)]
enum StartGen {
    /// On a day one of the doctor's rules names, `step` slots after the rule starts.
    InHours {
        rule: usize,
        day: usize,
        week: i64,
        step: u32,
    },
    /// `delta` slots from the start of an existing appointment (the n-th of the doctor's, mod
    /// their number, or of all if the doctor has none): touching and overlapping requests.
    Near {
        appointment: usize,
        delta: i64,
    },
    Grid {
        day: i64,
        quarter: i64,
    },
    Any {
        day: i64,
        minute: i64,
    },
    Bad(usize),
}

#[derive(Debug, Clone)]
enum PatientGen {
    None,
    Pool(usize),
    Blank,
}

#[derive(Debug, Clone)]
enum RequestGen {
    None,
    Pool(usize),
    Blank,
}

#[derive(Debug, Clone)]
struct BookGen {
    doctor: DocRef,
    location: LocRef,
    start: StartGen,
    /// Index into DURATIONS, or the default.
    duration: Option<usize>,
    patient: PatientGen,
    id: Option<IdGen>,
    request_id: RequestGen,
    extra: bool,
}

#[derive(Debug, Clone)]
enum Mutation {
    Doctor(DocRef),
    Location(LocRef),
    Start(StartGen),
    Duration(Option<usize>),
    /// Names the default duration explicitly: the same request as leaving it out.
    ExplicitDefaultDuration,
    Patient(PatientGen),
    Id(Option<IdGen>),
    Request(RequestGen),
}

#[derive(Debug, Clone)]
enum BoundKind {
    Date,
    At(i64),
    /// `delta` quarter hours from the start of an appointment (as in [`StartGen::Near`]),
    /// whatever the day.
    Near(usize, i64),
    Bad(usize),
}

#[derive(Debug, Clone)]
enum StatusGen {
    Default,
    Booked,
    Cancelled,
    All,
    Bad,
}

#[derive(Debug, Clone)]
enum Op {
    AddDoctor {
        id: Option<IdGen>,
        name: NameGen,
        locations: LocsGen,
        schedule: Vec<RuleGen>,
        extra: bool,
    },
    GetDoctor(DocRef),
    UpdateDoctor {
        doctor: DocRef,
        name: Option<NameGen>,
        locations: Option<LocsGen>,
        schedule: Option<Vec<RuleGen>>,
        extra: bool,
        options: ChangeOpt,
    },
    RemoveDoctor(DocRef, ChangeOpt),
    Book(BookGen),
    /// Sends the n-th earlier `book` request again (mod their number), maybe changed.
    /// (With `true`, only among those that booked or replayed, if any did.)
    BookAgain(usize, bool, Option<Mutation>),
    Cancel(ApptRef, Option<Option<usize>>),
    GetAppointment(ApptRef),
    Appointments {
        doctor: DocRef,
        from: Option<(i64, BoundKind)>,
        /// Days after `from`'s day (day 0 without a `from`).
        to: Option<(i64, BoundKind)>,
        status: StatusGen,
    },
    Slots {
        doctor: DocRef,
        from: (i64, BoundKind),
        /// Days after `from`'s day.
        to: (i64, BoundKind),
        duration: Option<usize>,
        location: Option<LocRef>,
        limit: Option<u32>,
    },
    Snapshot,
}

#[derive(Debug, Clone)]
struct Case {
    slot: i64,
    /// Default duration in slots; `None`: not given.
    default_slots: Option<i64>,
    time_zone: bool,
    base: usize,
    weeks: i64,
    ops: Vec<Op>,
}

fn name_gen() -> impl Strategy<Value = NameGen> {
    prop_oneof![
        80 => (0..NAMES.len()).prop_map(NameGen::Valid),
        1 => Just(NameGen::Empty),
        1 => Just(NameGen::Blank),
        1 => Just(NameGen::Control),
        1 => Just(NameGen::TooLong),
    ]
}

fn locs_gen() -> impl Strategy<Value = LocsGen> {
    prop_oneof![
        80 => subsequence(vec![0, 1, 2], 1..=3).prop_shuffle().prop_map(LocsGen::Valid),
        1 => Just(LocsGen::Empty),
        1 => Just(LocsGen::Blank),
        1 => Just(LocsGen::Duplicate),
    ]
}

fn rule_gen() -> impl Strategy<Value = RuleGen> {
    let n = RULE_POINTS.len();
    let days = subsequence((0..7).collect::<Vec<usize>>(), 1..=7).prop_shuffle();
    prop_oneof![
        150 => (days, 0..n - 1, 1..n)
            .prop_map(move |(days, a, len)| RuleGen::Valid(days, a, (a + len).min(n - 1))),
        1 => Just(RuleGen::NoDays),
        1 => Just(RuleGen::RepeatedDay),
        1 => (0..n, 0..n).prop_map(|(a, b)| RuleGen::NotAfter(a.max(b), a.min(b))),
        1 => Just(RuleGen::BadTime),
        1 => Just(RuleGen::BadDay),
    ]
}

fn schedule_gen() -> impl Strategy<Value = Vec<RuleGen>> {
    prop_oneof![
        1 => Just(Vec::new()),
        12 => proptest::collection::vec(rule_gen(), 1..=3),
    ]
}

fn id_gen(pool: usize) -> impl Strategy<Value = Option<IdGen>> {
    prop_oneof![
        24 => Just(None),
        16 => (0..pool).prop_map(|i| Some(IdGen::Pool(i))),
        1 => Just(Some(IdGen::Bad)),
    ]
}

fn doc_ref() -> impl Strategy<Value = DocRef> {
    prop_oneof![
        20 => any::<usize>().prop_map(DocRef::Existing),
        3 => (0..DOCTOR_IDS.len()).prop_map(DocRef::Pool),
        1 => Just(DocRef::Unknown),
    ]
}

fn appt_ref() -> impl Strategy<Value = ApptRef> {
    prop_oneof![
        20 => any::<usize>().prop_map(ApptRef::Existing),
        3 => (0..APPOINTMENT_IDS.len()).prop_map(ApptRef::Pool),
        1 => Just(ApptRef::Unknown),
    ]
}

fn loc_ref() -> impl Strategy<Value = LocRef> {
    prop_oneof![
        12 => any::<usize>().prop_map(LocRef::OfDoctor),
        3 => (0..LOCATIONS.len()).prop_map(LocRef::Pool),
        1 => Just(LocRef::Unknown),
    ]
}

fn start_gen() -> impl Strategy<Value = StartGen> {
    prop_oneof![
        20 => (any::<usize>(), any::<usize>(), 0..2i64, 0..8u32)
            .prop_map(|(rule, day, week, step)| StartGen::InHours { rule, day, week, step }),
        16 => (any::<usize>(), -2..=2i64)
            .prop_map(|(appointment, delta)| StartGen::Near { appointment, delta }),
        4 => (0..14i64, 0..96i64).prop_map(|(day, quarter)| StartGen::Grid { day, quarter }),
        1 => (0..14i64, 0..1440i64).prop_map(|(day, minute)| StartGen::Any { day, minute }),
        1 => (0..BAD_STARTS.len()).prop_map(StartGen::Bad),
    ]
    .boxed()
}

fn duration_gen() -> impl Strategy<Value = Option<usize>> {
    prop_oneof![
        7 => Just(None),
        3 => (0..DURATIONS.len()).prop_map(Some),
    ]
}

fn patient_gen() -> impl Strategy<Value = PatientGen> {
    prop_oneof![
        32 => Just(PatientGen::None),
        24 => (0..PATIENTS.len()).prop_map(PatientGen::Pool),
        1 => Just(PatientGen::Blank),
    ]
}

fn request_gen() -> impl Strategy<Value = RequestGen> {
    prop_oneof![
        16 => Just(RequestGen::None),
        16 => (0..REQUEST_IDS.len()).prop_map(RequestGen::Pool),
        1 => Just(RequestGen::Blank),
    ]
}

fn book_gen() -> impl Strategy<Value = BookGen> {
    (
        doc_ref(),
        loc_ref(),
        start_gen(),
        duration_gen(),
        patient_gen(),
        id_gen(APPOINTMENT_IDS.len()),
        request_gen(),
        prop::bool::weighted(0.01),
    )
        .prop_map(
            |(doctor, location, start, duration, patient, id, request_id, extra)| BookGen {
                doctor,
                location,
                start,
                duration,
                patient,
                id,
                request_id,
                extra,
            },
        )
}

fn mutation_gen() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        doc_ref().prop_map(Mutation::Doctor),
        loc_ref().prop_map(Mutation::Location),
        start_gen().prop_map(Mutation::Start),
        duration_gen().prop_map(Mutation::Duration),
        Just(Mutation::ExplicitDefaultDuration),
        patient_gen().prop_map(Mutation::Patient),
        id_gen(APPOINTMENT_IDS.len()).prop_map(Mutation::Id),
        request_gen().prop_map(Mutation::Request),
    ]
}

fn bound_kind() -> impl Strategy<Value = BoundKind> {
    prop_oneof![
        6 => Just(BoundKind::Date),
        6 => (0..96i64).prop_map(|q| BoundKind::At(q * 15)),
        10 => (any::<usize>(), -4..=4i64).prop_map(|(i, q)| BoundKind::Near(i, q)),
        1 => (0..1440i64).prop_map(BoundKind::At),
        1 => (0..BAD_BOUNDS.len()).prop_map(BoundKind::Bad),
    ]
}

fn change_opt() -> impl Strategy<Value = ChangeOpt> {
    prop_oneof![
        4 => Just(ChangeOpt::Absent),
        2 => Just(ChangeOpt::Cancel(false)),
        4 => Just(ChangeOpt::Cancel(true)),
        1 => Just(ChangeOpt::Bad),
    ]
}

fn op_gen() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (id_gen(DOCTOR_IDS.len()), name_gen(), locs_gen(), schedule_gen(), prop::bool::weighted(0.02))
            .prop_map(|(id, name, locations, schedule, extra)| Op::AddDoctor {
                id,
                name,
                locations,
                schedule,
                extra,
            }),
        2 => doc_ref().prop_map(Op::GetDoctor),
        6 => (
            doc_ref(),
            prop::option::weighted(0.3, name_gen()),
            prop::option::weighted(0.5, locs_gen()),
            prop::option::weighted(0.5, schedule_gen()),
            prop::bool::weighted(0.02),
            change_opt(),
        )
            .prop_map(|(doctor, name, locations, schedule, extra, options)| Op::UpdateDoctor {
                doctor,
                name,
                locations,
                schedule,
                extra,
                options,
            }),
        4 => (doc_ref(), change_opt()).prop_map(|(d, o)| Op::RemoveDoctor(d, o)),
        30 => book_gen().prop_map(Op::Book),
        10 => (any::<usize>(), prop::bool::weighted(0.7), prop::option::weighted(0.5, mutation_gen()))
            .prop_map(|(i, s, m)| Op::BookAgain(i, s, m)),
        8 => (appt_ref(), prop_oneof![
                3 => Just(None),
                2 => Just(Some(Some(0))),
                1 => Just(Some(None)),
            ])
            .prop_map(|(a, r)| Op::Cancel(a, r)),
        4 => appt_ref().prop_map(Op::GetAppointment),
        6 => (
            doc_ref(),
            prop::option::weighted(0.6, (-1..15i64, bound_kind())),
            prop::option::weighted(0.6, (prop_oneof![1 => -2..0i64, 6 => 0..4i64, 1 => 4..15i64], bound_kind())),
            prop_oneof![
                6 => Just(StatusGen::Default),
                4 => Just(StatusGen::Booked),
                4 => Just(StatusGen::Cancelled),
                6 => Just(StatusGen::All),
                1 => Just(StatusGen::Bad),
            ],
        )
            .prop_map(|(doctor, from, to, status)| Op::Appointments { doctor, from, to, status }),
        6 => (
            doc_ref(),
            (-1..14i64, bound_kind()),
            (prop_oneof![1 => Just(-1i64), 16 => 0..3i64], bound_kind()),
            duration_gen(),
            prop::option::weighted(0.3, loc_ref()),
            prop::option::weighted(0.2, 0..5u32),
        )
            .prop_map(|(doctor, from, to, duration, location, limit)| Op::Slots {
                doctor,
                from,
                to,
                duration,
                location,
                limit,
            }),
        3 => Just(Op::Snapshot),
    ]
}

/// A valid `addDoctor`: sequences start with one to three, so that most calls find a doctor.
fn valid_add_gen() -> impl Strategy<Value = Op> {
    let n = RULE_POINTS.len();
    let days = subsequence((0..7).collect::<Vec<usize>>(), 1..=7).prop_shuffle();
    let rule = (days, 0..n - 1, 1..n)
        .prop_map(move |(days, a, len)| RuleGen::Valid(days, a, (a + len).min(n - 1)));
    (
        prop::option::of((0..DOCTOR_IDS.len()).prop_map(IdGen::Pool)),
        (0..NAMES.len()).prop_map(NameGen::Valid),
        subsequence(vec![0, 1, 2], 1..=3)
            .prop_shuffle()
            .prop_map(LocsGen::Valid),
        proptest::collection::vec(rule, 1..=3),
    )
        .prop_map(|(id, name, locations, schedule)| Op::AddDoctor {
            id,
            name,
            locations,
            schedule,
            extra: false,
        })
}

fn case_gen() -> impl Strategy<Value = Case> {
    (
        prop_oneof![Just(15i64), Just(30i64)],
        prop_oneof![Just(None), Just(Some(1i64)), Just(Some(2i64))],
        any::<bool>(),
        0..BASES.len(),
        1..=2i64,
        proptest::collection::vec(valid_add_gen(), 1..=3),
        proptest::collection::vec(op_gen(), 1..MAX_OPS),
    )
        .prop_map(
            |(slot, default_slots, time_zone, base, weeks, setup, ops)| Case {
                slot,
                default_slots,
                time_zone,
                base,
                weeks,
                ops: setup.into_iter().chain(ops).collect(),
            },
        )
}

// ----- resolving generated ops into calls -----

fn rule(g: &RuleGen) -> Rule {
    let days = |d: &[usize]| d.iter().map(|&i| DAY_NAMES[i].to_owned()).collect();
    let point = |i: usize| hhmm(i64::from(RULE_POINTS[i]));
    match g {
        RuleGen::Valid(d, a, b) => Rule {
            days: days(d),
            start: point(*a),
            end: point(*b),
        },
        RuleGen::NoDays => Rule {
            days: Vec::new(),
            start: "09:00".into(),
            end: "17:00".into(),
        },
        RuleGen::RepeatedDay => Rule {
            days: days(&[0, 2, 0]),
            start: "09:00".into(),
            end: "17:00".into(),
        },
        RuleGen::NotAfter(a, b) => Rule {
            days: days(&[0]),
            start: point(*a),
            end: point(*b),
        },
        RuleGen::BadTime => Rule {
            days: days(&[1]),
            start: "9:00".into(),
            end: "24:30".into(),
        },
        RuleGen::BadDay => Rule {
            days: vec!["monday".into()],
            start: "09:00".into(),
            end: "17:00".into(),
        },
    }
}

fn name(g: &NameGen) -> String {
    match g {
        NameGen::Valid(i) => NAMES[*i].to_owned(),
        NameGen::Empty => String::new(),
        NameGen::Blank => "   ".into(),
        NameGen::Control => "Dr.\nAda".into(),
        NameGen::TooLong => "x".repeat(201),
    }
}

fn locations(g: &LocsGen) -> Vec<String> {
    match g {
        LocsGen::Valid(l) => l.iter().map(|&i| LOCATIONS[i].to_owned()).collect(),
        LocsGen::Empty => Vec::new(),
        LocsGen::Blank => vec!["North".into(), " ".into()],
        LocsGen::Duplicate => vec!["South".into(), "North".into(), "South".into()],
    }
}

struct Resolver<'a> {
    model: &'a Model,
    weeks: i64,
}

impl Resolver<'_> {
    fn doctor(&self, r: &DocRef) -> String {
        match r {
            DocRef::Existing(i) if !self.model.doctors.is_empty() => {
                self.model.doctors[i % self.model.doctors.len()].id.clone()
            }
            DocRef::Existing(i) => DOCTOR_IDS[i % DOCTOR_IDS.len()].to_owned(),
            DocRef::Pool(i) => DOCTOR_IDS[*i].to_owned(),
            DocRef::Unknown => "nobody".into(),
        }
    }

    fn appointment(&self, r: &ApptRef) -> String {
        match r {
            ApptRef::Existing(i) if !self.model.appts.is_empty() => {
                self.model.appts[i % self.model.appts.len()].id.clone()
            }
            ApptRef::Existing(i) => APPOINTMENT_IDS[i % APPOINTMENT_IDS.len()].to_owned(),
            ApptRef::Pool(i) => APPOINTMENT_IDS[*i].to_owned(),
            ApptRef::Unknown => "zz".into(),
        }
    }

    /// The n-th appointment of `doctor` (mod their number), or of anyone if they have none.
    fn appointment_of(&self, doctor: &str, n: usize) -> Option<&MAppt> {
        let own: Vec<&MAppt> = self
            .model
            .appts
            .iter()
            .filter(|a| a.doctor_id == doctor)
            .collect();
        let all: Vec<&MAppt> = self.model.appts.iter().collect();
        let pool = if own.is_empty() { all } else { own };
        (!pool.is_empty()).then(|| pool[n % pool.len()])
    }

    fn location(&self, r: &LocRef, doctor: &str) -> String {
        match (r, self.model.doctor(doctor)) {
            (LocRef::OfDoctor(i), Some(d)) => d.locations[i % d.locations.len()].clone(),
            (LocRef::OfDoctor(i), None) => LOCATIONS[i % LOCATIONS.len()].to_owned(),
            (LocRef::Pool(i), _) => LOCATIONS[*i].to_owned(),
            (LocRef::Unknown, _) => "Nowhere".into(),
        }
    }

    fn start(&self, g: &StartGen, doctor: &str) -> Result<i64, &'static str> {
        let days = self.weeks * 7;
        match g {
            StartGen::InHours {
                rule,
                day,
                week,
                step,
            } => {
                let Some(d) = self.model.doctor(doctor).filter(|d| !d.schedule.is_empty()) else {
                    return Ok((day % 7) as i64 * DAY + 540);
                };
                let r = &d.schedule[rule % d.schedule.len()];
                let name = &r.days[day % r.days.len()];
                let wd = DAY_NAMES.iter().position(|n| n == name).unwrap() as i64;
                let date = (week % self.weeks) * 7 + wd;
                let minute =
                    i64::from(parse_clock(&r.start).unwrap()) + i64::from(*step) * self.model.slot;
                Ok(date * DAY + minute)
            }
            StartGen::Near { appointment, delta } => Ok(self
                .appointment_of(doctor, *appointment)
                .map_or(600, |a| a.start)
                + delta * self.model.slot),
            StartGen::Grid { day, quarter } => Ok((day % days) * DAY + quarter * 15),
            StartGen::Any { day, minute } => Ok((day % days) * DAY + minute),
            StartGen::Bad(i) => Err(BAD_STARTS[*i]),
        }
    }

    fn patient(g: &PatientGen) -> Option<String> {
        match g {
            PatientGen::None => None,
            PatientGen::Pool(i) => Some(PATIENTS[*i].to_owned()),
            PatientGen::Blank => Some(" ".into()),
        }
    }

    fn appointment_id(g: &Option<IdGen>) -> Option<String> {
        match g {
            None => None,
            Some(IdGen::Pool(i)) => Some(APPOINTMENT_IDS[*i].to_owned()),
            Some(IdGen::Bad) => Some("a 1".into()),
        }
    }

    fn request_id(g: &RequestGen) -> Option<String> {
        match g {
            RequestGen::None => None,
            RequestGen::Pool(i) => Some(REQUEST_IDS[*i].to_owned()),
            RequestGen::Blank => Some(" ".into()),
        }
    }

    fn duration(g: &Option<usize>) -> Option<i64> {
        g.map(|i| DURATIONS[i])
    }

    fn bound(&self, doctor: &str, day: i64, kind: &BoundKind) -> BoundIn {
        let day = day.clamp(FIRST_DAY + 1, LAST_DAY - 1);
        match kind {
            BoundKind::Near(i, delta) => {
                let t = self
                    .appointment_of(doctor, *i)
                    .map_or(day * DAY, |a| a.start)
                    + delta * 15;
                BoundIn {
                    text: self.model.cal.at(t),
                    as_from: Some(t),
                    as_to: Some(t),
                }
            }
            BoundKind::Date => BoundIn {
                text: self.model.cal.date(day).to_owned(),
                as_from: Some(day * DAY),
                as_to: Some((day + 1) * DAY),
            },
            BoundKind::At(minute) => {
                let t = day * DAY + minute;
                BoundIn {
                    text: self.model.cal.at(t),
                    as_from: Some(t),
                    as_to: Some(t),
                }
            }
            BoundKind::Bad(i) => BoundIn {
                text: BAD_BOUNDS[*i].to_owned(),
                as_from: None,
                as_to: None,
            },
        }
    }

    fn book(&self, g: &BookGen) -> BookCall {
        let doctor_id = self.doctor(&g.doctor);
        BookCall {
            location: self.location(&g.location, &doctor_id),
            start: self.start(&g.start, &doctor_id),
            duration: Resolver::duration(&g.duration),
            patient: Resolver::patient(&g.patient),
            id: Resolver::appointment_id(&g.id),
            request_id: Resolver::request_id(&g.request_id),
            extra: g.extra,
            doctor_id,
        }
    }

    fn mutate(&self, mut b: BookCall, m: &Mutation) -> BookCall {
        match m {
            Mutation::Doctor(d) => b.doctor_id = self.doctor(d),
            Mutation::Location(l) => b.location = self.location(l, &b.doctor_id),
            Mutation::Start(s) => b.start = self.start(s, &b.doctor_id),
            Mutation::Duration(d) => b.duration = Resolver::duration(d),
            Mutation::ExplicitDefaultDuration => b.duration = Some(self.model.default_duration),
            Mutation::Patient(p) => b.patient = Resolver::patient(p),
            Mutation::Id(id) => b.id = Resolver::appointment_id(id),
            Mutation::Request(r) => b.request_id = Resolver::request_id(r),
        }
        b
    }

    /// The call this op makes now; `None` for a `BookAgain` before any `book`.
    fn call(&self, op: &Op, history: &[(BookCall, bool)]) -> Option<Call> {
        Some(match op {
            Op::AddDoctor {
                id,
                name: n,
                locations: l,
                schedule,
                extra,
            } => Call::AddDoctor(DoctorIn {
                id: match id {
                    None => None,
                    Some(IdGen::Pool(i)) => Some(DOCTOR_IDS[*i].to_owned()),
                    Some(IdGen::Bad) => Some("d 1".into()),
                },
                name: name(n),
                locations: locations(l),
                schedule: schedule.iter().map(rule).collect(),
                extra: *extra,
            }),
            Op::GetDoctor(d) => Call::GetDoctor(self.doctor(d)),
            Op::UpdateDoctor {
                doctor,
                name: n,
                locations: l,
                schedule,
                extra,
                options,
            } => Call::UpdateDoctor(
                self.doctor(doctor),
                PatchIn {
                    name: n.as_ref().map(name),
                    locations: l.as_ref().map(locations),
                    schedule: schedule.as_ref().map(|s| s.iter().map(rule).collect()),
                    extra: *extra,
                },
                *options,
            ),
            Op::RemoveDoctor(d, o) => Call::RemoveDoctor(self.doctor(d), *o),
            Op::Book(g) => Call::Book(self.book(g)),
            Op::BookAgain(i, prefer_succeeded, m) => {
                let succeeded: Vec<&BookCall> =
                    history.iter().filter(|h| h.1).map(|h| &h.0).collect();
                let b = if *prefer_succeeded && !succeeded.is_empty() {
                    succeeded[i % succeeded.len()].clone()
                } else if !history.is_empty() {
                    history[i % history.len()].0.clone()
                } else {
                    return None;
                };
                Call::Book(match m {
                    Some(m) => self.mutate(b, m),
                    None => b,
                })
            }
            Op::Cancel(a, reason) => Call::Cancel(
                self.appointment(a),
                reason.map(|r| match r {
                    Some(_) => "no-show".to_owned(),
                    None => String::new(),
                }),
            ),
            Op::GetAppointment(a) => Call::GetAppointment(self.appointment(a)),
            Op::Appointments {
                doctor,
                from,
                to,
                status,
            } => {
                let doctor = self.doctor(doctor);
                let from_bound = from.as_ref().map(|(d, k)| self.bound(&doctor, *d, k));
                let from_day = match (&from_bound, from) {
                    (
                        Some(BoundIn {
                            as_from: Some(t), ..
                        }),
                        _,
                    ) => t.div_euclid(DAY),
                    (_, Some((d, _))) => *d,
                    _ => 0,
                };
                Call::Appointments(ApptQueryIn {
                    from: from_bound,
                    to: to
                        .as_ref()
                        .map(|(d, k)| self.bound(&doctor, from_day + d, k)),
                    doctor,
                    status: match status {
                        StatusGen::Default => None,
                        StatusGen::Booked => Some("booked"),
                        StatusGen::Cancelled => Some("cancelled"),
                        StatusGen::All => Some("all"),
                        StatusGen::Bad => Some("pending"),
                    },
                })
            }
            Op::Slots {
                doctor,
                from,
                to,
                duration,
                location,
                limit,
            } => {
                let doctor = self.doctor(doctor);
                let from_bound = self.bound(&doctor, from.0, &from.1);
                let from_day = from_bound.as_from.map_or(from.0, |t| t.div_euclid(DAY));
                Call::Slots(SlotQueryIn {
                    to: self.bound(&doctor, from_day + to.0, &to.1),
                    from: from_bound,
                    duration: Resolver::duration(duration),
                    location: location.as_ref().map(|l| self.location(l, &doctor)),
                    limit: *limit,
                    doctor,
                })
            }
            Op::Snapshot => Call::Snapshot,
        })
    }
}

// ===================================================================================
// Running a sequence
// ===================================================================================

fn describe(result: &Result<Value, Error>) -> String {
    match result {
        Ok(v) => {
            let text = v.to_string();
            if text.chars().count() > 300 {
                format!("{}…", text.chars().take(300).collect::<String>())
            } else {
                text
            }
        }
        Err(e) => format!("{} {}", e.code.as_str(), to_json(&*e.details)),
    }
}

/// `Ok(())` if the real result is what the model expects.
fn compare(
    expected: &Result<Value, Expected>,
    actual: &Result<Value, Error>,
) -> Result<(), String> {
    match (expected, actual) {
        (Ok(e), Ok(a)) if e == a => Ok(()),
        (Ok(e), _) => Err(format!("expected {e}")),
        (Err(e), Ok(_)) => Err(format!("expected {} {}", e.code.as_str(), e.details)),
        (Err(e), Err(a)) => {
            if e.code != a.code {
                return Err(format!("expected {} {}", e.code.as_str(), e.details));
            }
            let details = to_json(&*a.details);
            if e.code == ErrorCode::InvalidInput && details.get("field").is_none() {
                return Err("expected INVALID_INPUT to name a field".into());
            }
            for (key, value) in e.details.as_object().unwrap() {
                if details.get(key) != Some(value) {
                    return Err(format!("expected details.{key} = {value}"));
                }
            }
            if e.code == ErrorCode::SlotTaken {
                let conflict = details["conflictingAppointmentId"].as_str().unwrap_or("");
                if !e.conflicts.iter().any(|c| c == conflict) {
                    return Err(format!(
                        "expected details.conflictingAppointmentId to be one of {:?}",
                        e.conflicts
                    ));
                }
            }
            Ok(())
        }
    }
}

/// The real hospital agrees with the model as a whole, and its invariants hold, checked by
/// brute force from what it returns.
fn check_state(h: &Hospital, m: &Model) -> Result<(), String> {
    if h.revision() != m.revision {
        return Err(format!(
            "revision is {}, but {} mutations succeeded",
            h.revision(),
            m.revision
        ));
    }
    // Doctors, in insertion order.
    let doctors: Vec<Value> = h.list_doctors().map(to_json).collect();
    let expected: Vec<Value> = m.doctors.iter().map(|d| m.doctor_json(d)).collect();
    if doctors != expected {
        return Err(format!(
            "listDoctors() is {}, expected {}",
            Value::Array(doctors),
            Value::Array(expected)
        ));
    }
    // Every appointment, booked and cancelled, per doctor in listing order (ids; the objects
    // are compared below).
    for d in &m.doctors {
        let query = AppointmentQuery {
            status: Some(dr_schedule::core::StatusFilter::All),
            ..AppointmentQuery::default()
        };
        let listed: Vec<&str> = h
            .appointments(&d.id, query)
            .map_err(|e| format!("appointments({:?}, all) failed: {e}", d.id))?
            .into_iter()
            .map(|a| a.id.as_str())
            .collect();
        let expected: Vec<&str> = m
            .appts_of(&d.id)
            .into_iter()
            .map(|a| a.id.as_str())
            .collect();
        if listed != expected {
            return Err(format!(
                "appointments({:?}, {{status: \"all\"}}) lists {listed:?}, expected {expected:?}",
                d.id,
            ));
        }
    }
    // Every appointment, and nothing else: the whole set, whatever its order.
    let mut all: Vec<Value> = h.all_appointments().map(to_json).collect();
    let mut expected: Vec<Value> = m.appts.iter().map(|a| m.appt_json(a)).collect();
    let by_id = |v: &Value| v["id"].as_str().unwrap_or_default().to_owned();
    all.sort_by_key(by_id);
    expected.sort_by_key(by_id);
    if all != expected {
        return Err(format!(
            "all appointments are {}, expected {}",
            Value::Array(all),
            Value::Array(expected)
        ));
    }
    // Invariants, from the real hospital's own data only.
    let doctors: Vec<_> = h.list_doctors().collect();
    for (i, d) in doctors.iter().enumerate() {
        if doctors[..i].iter().any(|e| e.id == d.id) {
            return Err(format!("doctor id {:?} is used twice", d.id));
        }
    }
    let appts: Vec<_> = h.all_appointments().collect();
    let mut intervals: Vec<(&str, &str, i64, i64)> = Vec::new();
    for (i, a) in appts.iter().enumerate() {
        if appts[..i].iter().any(|b| b.id == a.id) {
            return Err(format!("appointment id {:?} is used twice", a.id));
        }
        if a.request_id.is_some() && appts[..i].iter().any(|b| b.request_id == a.request_id) {
            return Err(format!(
                "requestId {:?} is on two appointments",
                a.request_id
            ));
        }
        let Some(doctor) = doctors.iter().find(|d| d.id == a.doctor_id) else {
            return Err(format!("appointment {:?} has no doctor", a.id));
        };
        let start = m.cal.parse(&a.start.to_string());
        let end = m.cal.parse(&a.end.to_string());
        let (Some(start), Some(end)) = (start, end) else {
            return Err(format!("appointment {:?} has unexpected times", a.id));
        };
        let duration = i64::from(a.duration_minutes);
        if end - start != duration || duration <= 0 || duration % m.slot != 0 {
            return Err(format!("appointment {:?} has a bad duration", a.id));
        }
        if start.rem_euclid(DAY) % m.slot != 0 {
            return Err(format!("appointment {:?} is off the grid", a.id));
        }
        if !a.is_booked() {
            continue;
        }
        if !doctor.locations.contains(&a.location) {
            return Err(format!(
                "booked appointment {:?} is at {:?}, where its doctor does not work",
                a.id, a.location
            ));
        }
        let schedule: Vec<Rule> = doctor
            .schedule
            .iter()
            .map(|r| Rule {
                days: r
                    .days
                    .iter()
                    .map(|d| to_json(d).as_str().unwrap().to_owned())
                    .collect(),
                start: r.start.to_string(),
                end: r.end.to_string(),
            })
            .collect();
        if !inside_hours(&schedule, start, duration) {
            return Err(format!(
                "booked appointment {:?} is outside its doctor's hours",
                a.id
            ));
        }
        if let Some(other) = intervals
            .iter()
            .find(|(_, d, s, e)| *d == a.doctor_id && overlaps(*s, *e - *s, start, duration))
        {
            return Err(format!(
                "booked appointments {:?} and {:?} overlap",
                other.0, a.id
            ));
        }
        intervals.push((&a.id, &a.doctor_id, start, end));
    }
    Ok(())
}

fn run(case: &Case) {
    let cal = Cal::new(BASES[case.base]);
    let mut options = Map::new();
    options.insert("slotMinutes".into(), json!(case.slot));
    if let Some(n) = case.default_slots {
        options.insert("defaultDurationMinutes".into(), json!(n * case.slot));
    }
    if case.time_zone {
        options.insert("timeZone".into(), json!("Europe/Paris"));
    }
    let options_json = Value::Object(options);
    let options: HospitalOptionsInput = read(options_json.clone(), "options").unwrap();
    let mut h = Hospital::new(options).unwrap();
    let mut model = Model {
        cal: cal.clone(),
        slot: case.slot,
        // DESIGN: default 15, README: the smallest multiple of slotMinutes that is >= 15.
        default_duration: case.default_slots.unwrap_or(1) * case.slot,
        doctors: Vec::new(),
        appts: Vec::new(),
        revision: 0,
        next_doctor: 1,
        next_appt: 1,
    };
    let mut history: Vec<(BookCall, bool)> = Vec::new();
    let mut trace: Vec<(Call, Result<Value, Error>)> = Vec::new();
    // `h.to_snapshot()`, when known since the last change.
    let mut snapshot: Option<String> = None;
    // Where the change log starts: the empty hospital, or the last snapshot round trip (a
    // restored hospital's log starts at its revision). Replayed at the end.
    let mut log_base = h.to_snapshot().unwrap();
    for op in &case.ops {
        let resolver = Resolver {
            model: &model,
            weeks: case.weeks,
        };
        let Some(call) = resolver.call(op, &history) else {
            continue;
        };
        // A clone costs less than a snapshot; the text is only needed after a step that must
        // not have changed anything.
        let before = h.clone();
        let (expected, mutated) = call.apply(&mut model);
        if let Call::Book(b) = &call {
            history.push((b.clone(), expected.is_ok()));
        }
        let actual = perform(&mut h, &call, &cal);
        let mut problem = compare(&expected, &actual).err();
        let replaced = matches!(call, Call::Snapshot);
        if problem.is_none() && !mutated {
            let text = h.to_snapshot().unwrap();
            let before_text = snapshot
                .take()
                .unwrap_or_else(|| before.to_snapshot().unwrap());
            if h.revision() != before.revision() {
                problem = Some("a failed or read-only call changed the revision".into());
            } else if text != before_text {
                problem = Some("a failed or read-only call changed the snapshot".into());
            } else if !replaced && h != before {
                // Same text but not the same inside: an index out of step with the data.
                problem = Some("a failed or read-only call changed the hospital's state".into());
            }
            snapshot = Some(text);
        } else {
            snapshot = None;
        }
        if replaced {
            log_base = h.to_snapshot().unwrap();
        }
        trace.push((call, actual));
        // The state only needs checking again when it changed (the model changes exactly when
        // the hospital should), or when the hospital was replaced by its restored snapshot.
        if problem.is_none() && (mutated || replaced) {
            problem = check_state(&h, &model).err();
        }
        if let Some(problem) = problem {
            let steps: Vec<String> = trace
                .iter()
                .map(|(call, actual)| format!("{}  // -> {}", call.js(&cal), describe(actual)))
                .collect();
            panic!(
                "the hospital and the model disagree at the last step:\nh = new Hospital({options_json})\n{}\n\n{problem}",
                steps.join("\n")
            );
        }
    }
    // Incremental persistence: the log base plus the changes after it rebuild the hospital.
    let mut replica = Hospital::from_snapshot(&log_base).unwrap();
    let changes = h.changes_since(replica.revision()).unwrap();
    replica.apply_changes(changes).unwrap();
    assert_eq!(
        replica.to_snapshot().unwrap(),
        h.to_snapshot().unwrap(),
        "snapshot + changesSince did not rebuild the hospital"
    );
}

/// [`DEFAULT_CASES`] sequences and the XorShift generator (ChaCha, proptest's default, takes
/// half the run time in a debug build), unless `PROPTEST_CASES` / `PROPTEST_RNG_ALGORITHM` say
/// otherwise.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig {
        // tests/model.proptest-regressions (the default looks for a lib.rs beside the test).
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    if std::env::var_os("PROPTEST_RNG_ALGORITHM").is_none() {
        config.rng_algorithm = proptest::test_runner::RngAlgorithm::XorShift;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_hospital_behaves_like_the_model(case in case_gen()) {
        run(&case);
    }
}

#[test]
fn the_model_calendar_counts_days() {
    let leap = Cal::new(BASES[0]);
    assert_eq!(leap.date(-1), "2024-02-25");
    assert_eq!(leap.date(3), "2024-02-29");
    assert_eq!(leap.date(4), "2024-03-01");
    assert_eq!(leap.at(3 * DAY + 1425), "2024-02-29T23:45");
    assert_eq!(leap.parse("2024-03-01T00:15"), Some(4 * DAY + 15));
    let new_year = Cal::new(BASES[1]);
    assert_eq!(new_year.date(-2), "2018-12-29");
    assert_eq!(new_year.date(1), "2019-01-01");
    let plain = Cal::new(BASES[2]);
    assert_eq!(plain.date(2), "2023-03-01");
    assert_eq!(plain.date(LAST_DAY), "2023-03-16");
    assert!(inside_hours(
        &[
            Rule {
                days: vec!["mon".into()],
                start: "09:00".into(),
                end: "12:00".into()
            },
            Rule {
                days: vec!["mon".into()],
                start: "12:00".into(),
                end: "24:00".into()
            }
        ],
        7 * DAY + 11 * 60,
        13 * 60
    ));
}
