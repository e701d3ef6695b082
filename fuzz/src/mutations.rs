//! The `snapshot_mutations` fuzz target: a valid snapshot (a golden fixture of version 1, 2 or 3, or one built through the API)
//! with fuzzer-chosen structured mutations applied to its JSON: a field set to another type or
//! value or removed, an appointment or doctor duplicated, dropped or moved, a start shifted, a
//! duration or status changed, ids swapped, a schedule rule rewritten. Appointments are objects
//! (versions 1 and 2) or rows (version 3), and every mutation speaks both. The result is
//! written compact, pretty-printed or in version 3's line layout (read line by line, in pieces).
//! Loading must never panic; a refusal must be `INVALID_SNAPSHOT` (with a path),
//! `UNSUPPORTED_VERSION` or `HOSPITAL_FULL`; what loads must satisfy every invariant (no
//! overlaps, inside hours by brute force, byte-identical round trip, the size it tracks) and
//! survive a workout of operations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
use crate::{
    built_snapshot, check_invariants, check_load_error, edge_snapshot, load_in_pieces, workout,
    FIXTURE_V1, FIXTURE_V2, FIXTURE_V3,
};
use arbitrary::Arbitrary;
use dr_schedule_engine::Hospital;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

#[derive(Arbitrary, Debug)]
pub enum Base {
    /// The golden v1 fixture (appointments as objects).
    Fixture,
    /// `built_snapshot()` (version 3, rows).
    Built,
    /// `edge_snapshot()` (version 3, rows).
    Edge,
    /// The golden v2 fixture (objects; overrides, time off, holds).
    FixtureV2,
    /// The golden v3 fixture (rows; every version 3 feature).
    FixtureV3,
}

/// How the mutated snapshot is written.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Layout {
    /// Compact JSON, keys sorted: read whole.
    Compact,
    /// Pretty-printed: read whole.
    Pretty,
    /// Version 3's layout (the header's keys in their order, one doctor or row per line),
    /// which the loader reads line by line, here fed in pieces of `1 + n % 64` bytes.
    Lines(u8),
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
    /// Sets the status (booked, cancelled, held, expired, or one that is not).
    SetStatus {
        index: u8,
        status: u8,
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

/// One fuzz input: a base snapshot, the mutations to apply to it, and how to write it.
#[derive(Arbitrary, Debug)]
pub struct Input {
    pub base: Base,
    pub layout: Layout,
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
    "lastNow",
];
const OPTION_FIELDS: &[&str] = &[
    "slotMinutes",
    "defaultDurationMinutes",
    "timeZone",
    "extra",
    "maxSnapshotBytes",
    "preventPatientOverlap",
];
const NEXT_ID_FIELDS: &[&str] = &["doctor", "appointment", "extra"];
const DOCTOR_FIELDS: &[&str] = &[
    "id",
    "name",
    "locations",
    "schedule",
    "extra",
    "overrides",
    "timeOff",
];
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
    "holdExpires",
    "rescheduledFrom",
    "notes",
    "metadata",
    "requested",
];
/// The items of a version 3 row, by position; everything else is in its eighth item, an object.
const ROW_ITEMS: [&str; 7] = [
    "id",
    "doctorId",
    "location",
    "start",
    "durationMinutes",
    "status",
    "patient",
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
    16384.0,
    16383.0,
    134217728.0,
    268435457.0,
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
    "held",
    "expired",
    "2019-02-01T08:00",
    "2019-02-01T09:00",
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
        // Appointments may be rows: see `appt_get` and friends.
        Target::Appointment(_) => return None,
        Target::Rule(d, r) => {
            let doctor = element(root, "doctors", d)?;
            (element(doctor, "schedule", r)?, RULE_FIELDS)
        }
    };
    Some((value.as_object_mut()?, fields))
}

/// A field of an appointment, an object (versions 1 and 2) or a row (version 3).
fn appt_get(a: &Value, field: &str) -> Option<Value> {
    match a {
        Value::Object(m) => m.get(field).cloned(),
        Value::Array(row) => match ROW_ITEMS.iter().position(|&f| f == field) {
            Some(i) => row.get(i).cloned(),
            None => row.get(7)?.get(field).cloned(),
        },
        _ => None,
    }
}

/// Sets a field of an appointment; a row's extras object is created if needed.
fn appt_set(a: &mut Value, field: &str, value: Value) -> Option<()> {
    match a {
        Value::Object(m) => {
            m.insert(field.to_owned(), value);
        }
        Value::Array(row) => match ROW_ITEMS.iter().position(|&f| f == field) {
            Some(i) => *row.get_mut(i)? = value,
            None => {
                if row.len() == 7 {
                    row.push(json!({}));
                }
                row.get_mut(7)?
                    .as_object_mut()?
                    .insert(field.to_owned(), value);
            }
        },
        _ => return None,
    }
    Some(())
}

/// Removes a field of an appointment: a row's item is taken out (the items after it move
/// up), an extra is removed from the row's object.
fn appt_remove(a: &mut Value, field: &str) -> Option<()> {
    match a {
        Value::Object(m) => {
            m.remove(field);
        }
        Value::Array(row) => match ROW_ITEMS.iter().position(|&f| f == field) {
            Some(i) if i < row.len() => {
                row.remove(i);
            }
            Some(_) => {}
            None => {
                row.get_mut(7)?.as_object_mut()?.remove(field);
            }
        },
        _ => return None,
    }
    Some(())
}

fn new_value(
    value: NewValue,
    current: Option<Value>,
    copy: impl Fn(u8) -> Option<Value>,
) -> Option<Value> {
    Some(match value {
        NewValue::Null => Value::Null,
        NewValue::Bool(b) => json!(b),
        NewValue::Int(n) => json!(n),
        NewValue::Number(i) => number(i),
        NewValue::Text(i) => json!(text(i)),
        NewValue::Any(s) => json!(s),
        NewValue::CopyOf(i) => copy(i)?,
        NewValue::EmptyArray => json!([]),
        NewValue::EmptyObject => json!({}),
        NewValue::Wrapped => json!([current?]),
    })
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
        Mutation::Set {
            at: Target::Appointment(i),
            field,
            value,
        } => {
            let a = element(root, "appointments", i)?;
            let key = *pick(APPOINTMENT_FIELDS, field)?;
            let snapshot = a.clone();
            let new = new_value(value, appt_get(a, key), |i| {
                appt_get(&snapshot, pick(APPOINTMENT_FIELDS, i)?)
            })?;
            appt_set(a, key, new)?;
        }
        Mutation::Set { at, field, value } => {
            let (obj, fields) = object(root, at)?;
            let key = *pick(fields, field)?;
            let snapshot = obj.clone();
            let new = new_value(value, obj.get(key).cloned(), |i| {
                snapshot.get(*pick(fields, i)?).cloned()
            })?;
            obj.insert(key.to_owned(), new);
        }
        Mutation::Remove {
            at: Target::Appointment(i),
            field,
        } => {
            let a = element(root, "appointments", i)?;
            appt_remove(a, pick(APPOINTMENT_FIELDS, field)?)?;
        }
        Mutation::Remove { at, field } => {
            let (obj, fields) = object(root, at)?;
            obj.remove(*pick(fields, field)?);
        }
        Mutation::DuplicateAppointment { index, new_id } => {
            let mut copy = element(root, "appointments", index)?.clone();
            if let Some(id) = new_id {
                appt_set(&mut copy, "id", json!(text(id)))?;
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
            let start = shifted(appt_get(a, "start")?.as_str()?, minutes)?;
            appt_set(a, "start", json!(start))?;
            // Rows have no end: it follows the start.
            if !keep_end && a.is_object() {
                let end = shifted(a.get("end")?.as_str()?, minutes)?;
                set(a, "end", json!(end))?;
            }
        }
        Mutation::SetStatus {
            index,
            status,
            drop_reason,
        } => {
            const STATUSES: &[&str] = &["booked", "cancelled", "held", "expired", "pending"];
            let a = element(root, "appointments", index)?;
            appt_set(a, "status", json!(pick(STATUSES, status)?))?;
            if drop_reason {
                appt_remove(a, "cancelReason");
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
            appt_set(a, "durationMinutes", json!(minutes))?;
            if fix_end && a.is_object() {
                let end = shifted(a.get("start")?.as_str()?, minutes as i64)?;
                set(a, "end", json!(end))?;
            }
        }
        Mutation::SwapAppointmentIds { i, j } => {
            let items = array(root, "appointments")?;
            let len = items.len();
            if len == 0 {
                return None;
            }
            let (i, j) = (usize::from(i) % len, usize::from(j) % len);
            let (a, b) = (appt_get(&items[i], "id")?, appt_get(&items[j], "id")?);
            appt_set(&mut items[i], "id", b)?;
            appt_set(&mut items[j], "id", a)?;
        }
        Mutation::SwapDoctorIds { i, j } => swap_field(array(root, "doctors")?, i, j, "id"),
        Mutation::Retarget { index, doctor } => {
            let id = element(root, "doctors", doctor)?.get("id")?.clone();
            appt_set(element(root, "appointments", index)?, "doctorId", id)?;
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
        Base::FixtureV2 => FIXTURE_V2,
        Base::FixtureV3 => FIXTURE_V3,
    }
}

/// The header's keys in the order version 3 writes them.
const HEADER: [&str; 6] = [
    "format", "version", "revision", "options", "nextIds", "lastNow",
];

/// `root` in version 3's line layout, when it has the lists to write so (else compact JSON).
pub fn lines(root: &Value) -> Option<String> {
    let object = root.as_object()?;
    let doctors = object.get("doctors")?.as_array()?;
    let rows = object.get("appointments")?.as_array()?;
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
    let list = |items: &[Value]| -> String {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| format!("{}{item}\n", if i == 0 { "" } else { "," }))
            .collect()
    };
    Some(format!(
        "{{{},\"doctors\":[\n{}],\"appointments\":[\n{}]}}",
        header.join(","),
        list(doctors),
        list(rows)
    ))
}

/// Runs one input (the body of the `snapshot_mutations` fuzz target); returns whether the
/// mutated snapshot loaded, as text, for `describe`.
pub fn run(input: Input) -> String {
    let base = base_text(&input.base);
    let mut root: Value = serde_json::from_str(base).expect("the bases are JSON");
    for mutation in input.mutations.into_iter().take(16) {
        let _ = apply(&mut root, mutation);
    }
    let compact = || serde_json::to_string(&root).expect("a Value serializes");
    let (text, pieces) = match input.layout {
        Layout::Compact => (compact(), None),
        Layout::Pretty => (
            serde_json::to_string_pretty(&root).expect("a Value serializes"),
            None,
        ),
        Layout::Lines(n) => (
            lines(&root).unwrap_or_else(compact),
            Some(1 + usize::from(n) % 64),
        ),
    };
    let loaded = Hospital::from_snapshot_in(&text, crate::zones());
    if let Some(size) = pieces {
        // Read line by line in pieces, the same answer as whole.
        match (&loaded, load_in_pieces(text.as_bytes(), size)) {
            (Ok(a), Ok(b)) => assert_eq!(
                a.to_snapshot().expect("to_snapshot"),
                b.to_snapshot().expect("to_snapshot")
            ),
            (Err(a), Err(b)) => assert_eq!(
                (a.code, &a.details.path),
                (b.code, &b.details.path),
                "in pieces of {size}: {b}; whole: {a}"
            ),
            (a, b) => panic!(
                "whole: {:?}; in pieces of {size}: {:?}",
                a.as_ref().map(|_| "loaded"),
                b.map(|_| "loaded")
            ),
        }
    }
    match loaded {
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
