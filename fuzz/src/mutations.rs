//! The `snapshot_mutations` fuzz target: a valid snapshot (the golden v1 fixture, or one built through the API) with fuzzer-chosen
//! structured mutations applied to its JSON: a field set to another type or value or removed,
//! an appointment or doctor duplicated, dropped or moved, a start shifted, a duration or status
//! changed, ids swapped, a schedule rule rewritten. Loading must never panic; a refusal must be
//! `INVALID_SNAPSHOT` (with a path) or `UNSUPPORTED_VERSION`; what loads must satisfy every
//! invariant (no overlaps, inside hours by brute force, byte-identical round trip) and survive
//! a workout of operations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
use crate::{
    built_snapshot, check_invariants, check_load_error, edge_snapshot, workout, FIXTURE_V1,
};
use arbitrary::Arbitrary;
use dr_schedule_engine::Hospital;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

#[derive(Arbitrary, Debug)]
pub enum Base {
    Fixture,
    Built,
    Edge,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Target {
    Root,
    Options,
    NextIds,
    Doctor(u8),
    Appointment(u8),
    Rule(u8, u8),
}

#[derive(Arbitrary, Debug)]
pub enum NewValue {
    Null,
    Bool(bool),
    Int(i64),
    /// A number from a table of boundaries (0, 1440, 2^53 - 1, u64::MAX, 1e300…).
    Number(u8),
    /// A string from a table of meaningful ones (ids, locations, times, statuses, bad text).
    Text(u8),
    /// Free text.
    Any(String),
    /// Another field of the same object, copied.
    CopyOf(u8),
    EmptyArray,
    EmptyObject,
    /// The current value, wrapped in an array.
    Wrapped,
}

#[derive(Arbitrary, Debug)]
pub enum Mutation {
    Set {
        at: Target,
        field: u8,
        value: NewValue,
    },
    Remove {
        at: Target,
        field: u8,
    },
    DuplicateAppointment {
        index: u8,
        new_id: Option<u8>,
    },
    DropAppointment {
        index: u8,
    },
    SwapAppointments {
        i: u8,
        j: u8,
    },
    /// Moves the start by `minutes`, and the end with it unless `keep_end`.
    ShiftStart {
        index: u8,
        minutes: i16,
        keep_end: bool,
    },
    SetStatus {
        index: u8,
        booked: bool,
        drop_reason: bool,
    },
    /// Sets `durationMinutes` (from a table), and the matching end when `fix_end`.
    SetDuration {
        index: u8,
        minutes: u8,
        fix_end: bool,
    },
    SwapAppointmentIds {
        i: u8,
        j: u8,
    },
    SwapDoctorIds {
        i: u8,
        j: u8,
    },
    /// Points an appointment at another doctor.
    Retarget {
        index: u8,
        doctor: u8,
    },
    DuplicateDoctor {
        index: u8,
        new_id: Option<u8>,
    },
    DropDoctor {
        index: u8,
    },
    SwapDoctors {
        i: u8,
        j: u8,
    },
    /// Rewrites a schedule rule: `days` as a bit mask, times on a 15-minute grid.
    SetRule {
        doctor: u8,
        rule: u8,
        days: u8,
        start: u8,
        end: u8,
    },
    DropRule {
        doctor: u8,
        rule: u8,
    },
}

/// One fuzz input: a base snapshot and the mutations to apply to it.
#[derive(Arbitrary, Debug)]
pub struct Input {
    pub base: Base,
    pub pretty: bool,
    pub mutations: Vec<Mutation>,
}

const ROOT_FIELDS: &[&str] = &[
    "format",
    "version",
    "revision",
    "options",
    "doctors",
    "appointments",
    "nextIds",
    "extra",
];
const OPTION_FIELDS: &[&str] = &["slotMinutes", "defaultDurationMinutes", "timeZone", "extra"];
const NEXT_ID_FIELDS: &[&str] = &["doctor", "appointment", "extra"];
const DOCTOR_FIELDS: &[&str] = &["id", "name", "locations", "schedule", "extra"];
const APPOINTMENT_FIELDS: &[&str] = &[
    "id",
    "doctorId",
    "location",
    "start",
    "end",
    "durationMinutes",
    "patient",
    "requestId",
    "status",
    "cancelReason",
    "extra",
];
const RULE_FIELDS: &[&str] = &["days", "start", "end", "extra"];

const NUMBERS: &[f64] = &[
    0.0,
    1.0,
    -1.0,
    5.0,
    7.0,
    15.0,
    30.0,
    45.0,
    60.0,
    90.0,
    1440.0,
    1441.0,
    4294967295.0,
    4294967296.0,
    9007199254740991.0,
    9007199254740992.0,
    1.5,
    1e300,
    -1e300,
];
const TEXTS: &[&str] = &[
    "",
    " ",
    "d1",
    "d2",
    "d3",
    "dr-grace",
    "ada",
    "a1",
    "a2",
    "visit-42",
    "visit-7",
    "r-1",
    "req-7f3a",
    "Hauptstraße 1, Berlin",
    "Notaufnahme",
    "Klinik Süd",
    "North",
    "South",
    "ER",
    "2026-03-02T08:00",
    "2026-03-02T08:15",
    "2026-03-06T23:45",
    "2026-03-07T00:00",
    "2019-02-04T10:15",
    "2019-02-04T12:00",
    "9999-12-31T23:45",
    "10000-01-01T00:00",
    "0001-01-01T00:00",
    "0000-12-31T23:00",
    "2024-02-29T10:00",
    "2023-02-29T10:00",
    "2026-03-02T24:00",
    "2026-03-02",
    "00:00",
    "08:00",
    "12:00",
    "23:59",
    "24:00",
    "24:01",
    "booked",
    "cancelled",
    "Booked",
    "mon",
    "sun",
    "Europe/Berlin",
    "dr-schedule",
    "a\u{0}b",
    "line\nbreak",
    "é",
    "🩺",
];

fn number(i: u8) -> Value {
    let n = NUMBERS[usize::from(i) % NUMBERS.len()];
    if n.fract() == 0.0 && n.abs() < 1e19 {
        if n >= 0.0 {
            json!(n as u64)
        } else {
            json!(n as i64)
        }
    } else {
        json!(n)
    }
}

fn text(i: u8) -> String {
    match usize::from(i) % (TEXTS.len() + 3) {
        n if n < TEXTS.len() => TEXTS[n].to_owned(),
        n if n == TEXTS.len() => "x".repeat(65),
        n if n == TEXTS.len() + 1 => "x".repeat(201),
        _ => "x".repeat(501),
    }
}

fn pick<T>(items: &[T], i: u8) -> Option<&T> {
    (!items.is_empty()).then(|| &items[usize::from(i) % items.len()])
}

fn array<'a>(root: &'a mut Value, key: &str) -> Option<&'a mut Vec<Value>> {
    root.get_mut(key)?.as_array_mut()
}

fn element<'a>(root: &'a mut Value, key: &str, i: u8) -> Option<&'a mut Value> {
    let items = array(root, key)?;
    let len = items.len();
    (len > 0).then(|| &mut items[usize::from(i) % len])
}

fn object(
    root: &mut Value,
    at: Target,
) -> Option<(&mut Map<String, Value>, &'static [&'static str])> {
    let (value, fields): (&mut Value, &'static [&'static str]) = match at {
        Target::Root => (root, ROOT_FIELDS),
        Target::Options => (root.get_mut("options")?, OPTION_FIELDS),
        Target::NextIds => (root.get_mut("nextIds")?, NEXT_ID_FIELDS),
        Target::Doctor(i) => (element(root, "doctors", i)?, DOCTOR_FIELDS),
        Target::Appointment(i) => (element(root, "appointments", i)?, APPOINTMENT_FIELDS),
        Target::Rule(d, r) => {
            let doctor = element(root, "doctors", d)?;
            (element(doctor, "schedule", r)?, RULE_FIELDS)
        }
    };
    Some((value.as_object_mut()?, fields))
}

/// `value[key] = new` if `value` is an object (indexing a non-object would panic).
fn set(value: &mut Value, key: &str, new: Value) -> Option<()> {
    value.as_object_mut()?.insert(key.to_owned(), new);
    Some(())
}

fn swap(items: &mut [Value], i: u8, j: u8) {
    let len = items.len();
    if len > 0 {
        items.swap(usize::from(i) % len, usize::from(j) % len);
    }
}

fn swap_field(items: &mut [Value], i: u8, j: u8, field: &str) {
    let len = items.len();
    if len == 0 {
        return;
    }
    let (i, j) = (usize::from(i) % len, usize::from(j) % len);
    let a = items[i].get(field).cloned();
    let b = items[j].get(field).cloned();
    if let (Some(a), Some(b)) = (a, b) {
        items[i][field] = b;
        items[j][field] = a;
    }
}

/// `start` (a `YYYY-MM-DDTHH:MM` string) moved by `minutes`, via chrono.
fn shifted(start: &str, minutes: i64) -> Option<String> {
    let t = crate::parse_date_time(start)?;
    let moved = t.checked_add_signed(chrono::TimeDelta::minutes(minutes))?;
    Some(crate::format_date_time(moved))
}

fn clock(step: u8) -> String {
    let minutes = u32::from(step % 97) * 15;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn apply(root: &mut Value, m: Mutation) -> Option<()> {
    match m {
        Mutation::Set { at, field, value } => {
            let (obj, fields) = object(root, at)?;
            let key = *pick(fields, field)?;
            let new = match value {
                NewValue::Null => Value::Null,
                NewValue::Bool(b) => json!(b),
                NewValue::Int(n) => json!(n),
                NewValue::Number(i) => number(i),
                NewValue::Text(i) => json!(text(i)),
                NewValue::Any(s) => json!(s),
                NewValue::CopyOf(i) => obj.get(*pick(fields, i)?)?.clone(),
                NewValue::EmptyArray => json!([]),
                NewValue::EmptyObject => json!({}),
                NewValue::Wrapped => json!([obj.get(key)?.clone()]),
            };
            obj.insert(key.to_owned(), new);
        }
        Mutation::Remove { at, field } => {
            let (obj, fields) = object(root, at)?;
            obj.remove(*pick(fields, field)?);
        }
        Mutation::DuplicateAppointment { index, new_id } => {
            let mut copy = element(root, "appointments", index)?.clone();
            if let Some(id) = new_id {
                set(&mut copy, "id", json!(text(id)))?;
            }
            array(root, "appointments")?.push(copy);
        }
        Mutation::DropAppointment { index } => {
            let items = array(root, "appointments")?;
            if !items.is_empty() {
                let len = items.len();
                items.remove(usize::from(index) % len);
            }
        }
        Mutation::SwapAppointments { i, j } => swap(array(root, "appointments")?, i, j),
        Mutation::ShiftStart {
            index,
            minutes,
            keep_end,
        } => {
            let a = element(root, "appointments", index)?;
            let minutes = i64::from(minutes);
            let start = shifted(a.get("start")?.as_str()?, minutes)?;
            set(a, "start", json!(start))?;
            if !keep_end {
                let end = shifted(a.get("end")?.as_str()?, minutes)?;
                set(a, "end", json!(end))?;
            }
        }
        Mutation::SetStatus {
            index,
            booked,
            drop_reason,
        } => {
            let a = element(root, "appointments", index)?.as_object_mut()?;
            a.insert(
                "status".into(),
                json!(if booked { "booked" } else { "cancelled" }),
            );
            if drop_reason {
                a.remove("cancelReason");
            }
        }
        Mutation::SetDuration {
            index,
            minutes,
            fix_end,
        } => {
            const DURATIONS: &[u64] = &[0, 5, 10, 15, 20, 30, 45, 60, 75, 90, 120, 1440, 1455];
            let minutes = *pick(DURATIONS, minutes)?;
            let a = element(root, "appointments", index)?;
            set(a, "durationMinutes", json!(minutes))?;
            if fix_end {
                let end = shifted(a.get("start")?.as_str()?, minutes as i64)?;
                set(a, "end", json!(end))?;
            }
        }
        Mutation::SwapAppointmentIds { i, j } => {
            swap_field(array(root, "appointments")?, i, j, "id")
        }
        Mutation::SwapDoctorIds { i, j } => swap_field(array(root, "doctors")?, i, j, "id"),
        Mutation::Retarget { index, doctor } => {
            let id = element(root, "doctors", doctor)?.get("id")?.clone();
            set(element(root, "appointments", index)?, "doctorId", id)?;
        }
        Mutation::DuplicateDoctor { index, new_id } => {
            let mut copy = element(root, "doctors", index)?.clone();
            if let Some(id) = new_id {
                set(&mut copy, "id", json!(text(id)))?;
            }
            array(root, "doctors")?.push(copy);
        }
        Mutation::DropDoctor { index } => {
            let items = array(root, "doctors")?;
            if !items.is_empty() {
                let len = items.len();
                items.remove(usize::from(index) % len);
            }
        }
        Mutation::SwapDoctors { i, j } => swap(array(root, "doctors")?, i, j),
        Mutation::SetRule {
            doctor,
            rule,
            days,
            start,
            end,
        } => {
            const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            let days: Vec<&str> = DAYS
                .iter()
                .enumerate()
                .filter(|(i, _)| days & (1 << i) != 0)
                .map(|(_, d)| *d)
                .collect();
            let new = json!({ "days": days, "start": clock(start), "end": clock(end) });
            let doctor = element(root, "doctors", doctor)?;
            let schedule = array(doctor, "schedule")?;
            match usize::from(rule) {
                r if r < schedule.len() => schedule[r] = new,
                _ => schedule.push(new),
            }
        }
        Mutation::DropRule { doctor, rule } => {
            let doctor = element(root, "doctors", doctor)?;
            let schedule = array(doctor, "schedule")?;
            if !schedule.is_empty() {
                let len = schedule.len();
                schedule.remove(usize::from(rule) % len);
            }
        }
    }
    Some(())
}

fn base_text(base: &Base) -> &'static str {
    static BUILT: OnceLock<String> = OnceLock::new();
    static EDGE: OnceLock<String> = OnceLock::new();
    match base {
        Base::Fixture => FIXTURE_V1,
        Base::Built => BUILT.get_or_init(built_snapshot),
        Base::Edge => EDGE.get_or_init(edge_snapshot),
    }
}

/// Runs one input (the body of the `snapshot_mutations` fuzz target); returns whether the
/// mutated snapshot loaded, as text, for `describe`.
pub fn run(input: Input) -> String {
    let base = base_text(&input.base);
    let mut root: Value = serde_json::from_str(base).expect("the bases are JSON");
    for mutation in input.mutations.into_iter().take(16) {
        let _ = apply(&mut root, mutation);
    }
    let text = if input.pretty {
        serde_json::to_string_pretty(&root)
    } else {
        serde_json::to_string(&root)
    }
    .expect("a Value serializes");
    match Hospital::from_snapshot(&text) {
        Ok(hospital) => {
            check_invariants(&hospital);
            workout(&hospital);
            "loaded".to_owned()
        }
        Err(e) => {
            check_load_error(&e);
            format!("refused: {e}")
        }
    }
}
