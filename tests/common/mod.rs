//! Helpers shared by the native integration tests (`booking_rules`, `doctors`, `snapshots`,
//! `scheduling`, `appointment_data`, `budget`).
//!
//! Inputs are built from JSON with the camelCase names JS callers use, read the way the wasm
//! binding reads them (serde, with the path of a bad field reported as `INVALID_INPUT`), so a
//! test reads like the JS call it stands for.

#![allow(dead_code)]
// `pub` here means "for the test files that include this module", not "exported".
#![allow(unreachable_pub)]
// clippy.toml's allow-unwrap/panic-in-tests covers `#[test]` functions only; these helpers are
// test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dr_schedule::engine::{
    Appointment, AppointmentPatch, AppointmentQuery, CancelOptions, ChangeOptions, ConfirmOptions,
    Doctor, DoctorPatch, Error, ErrorCode, ExplainRequest, FindAppointmentsQuery, FindSlotsQuery,
    FoundSlot, HoldRequest, Hospital, HospitalOptionsInput, RescheduleRequest, SlotQuery,
    WorkingHoursQuery,
};
use serde_json::{json, Value};

/// The weekdays of the week of 2019-02-04 (a Monday), for readable dates.
pub const MON: &str = "2019-02-04";
pub const TUE: &str = "2019-02-05";
pub const WED: &str = "2019-02-06";
pub const THU: &str = "2019-02-07";
pub const FRI: &str = "2019-02-08";
pub const SAT: &str = "2019-02-09";
pub const SUN: &str = "2019-02-10";

/// `"YYYY-MM-DD"` + `"HH:MM"` → `"YYYY-MM-DDTHH:MM"`.
pub fn at(date: &str, time: &str) -> String {
    format!("{date}T{time}")
}

/// Reads an engine input from JSON as the wasm binding reads JS values
/// (`dr_schedule::engine::read_input`): a serde error becomes `INVALID_INPUT` whose
/// `details.field` is the path of the bad or missing field (`start`, `schedule[0].end`), or
/// `name` when the value as a whole is wrong.
pub fn input<T: dr_schedule::engine::ReadJson>(name: &str, value: Value) -> Result<T, Error> {
    dr_schedule::engine::read_input(value, name)
}

/// An empty hospital with default options (15-minute slots, 15-minute default duration).
pub fn hospital() -> Hospital {
    Hospital::new(HospitalOptionsInput::default()).unwrap()
}

/// An empty hospital with these options (`{ slotMinutes, defaultDurationMinutes, timeZone }`),
/// whose zones are found in [`time_zones`].
pub fn hospital_with(options: Value) -> Hospital {
    Hospital::with_time_zones(input("options", options).unwrap(), &time_zones()).unwrap()
}

/// The zones of `tests/fixtures/time-zones.txt`: their data as the package's JS layer reads it
/// from Intl (`node scripts/zone-fixture.mjs` wrote it), for tests that cannot ask Intl.
pub fn time_zones() -> dr_schedule::engine::TimeZones {
    let mut zones = dr_schedule::engine::TimeZones::new();
    for line in include_str!("../fixtures/time-zones.txt").lines() {
        let (name, data) = line.split_once('\t').unwrap();
        zones.insert(dr_schedule::engine::ZoneRules::parse(name, data).unwrap());
    }
    zones
}

/// A snapshot loaded with the zones of [`time_zones`].
pub fn from_snapshot(text: &str) -> Result<Hospital, Error> {
    Hospital::from_snapshot_in(text, &time_zones())
}

/// Dr. Ada (`ada`): North and South clinics, Monday to Friday 09:00–17:00.
pub fn ada() -> Value {
    json!({
        "id": "ada",
        "name": "Dr. Ada Lovelace",
        "locations": ["North", "South"],
        "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00" }]
    })
}

/// Dr. Grace (`grace`): North clinic only, Monday and Wednesday 09:00–12:00.
pub fn grace() -> Value {
    json!({
        "id": "grace",
        "name": "Dr. Grace Hopper",
        "locations": ["North"],
        "schedule": [{ "days": ["mon", "wed"], "start": "09:00", "end": "12:00" }]
    })
}

/// A default hospital with [`ada`] and [`grace`].
pub fn clinic() -> Hospital {
    let mut h = hospital();
    add_doctor(&mut h, ada()).unwrap();
    add_doctor(&mut h, grace()).unwrap();
    h
}

/// `h.addDoctor(json)`.
pub fn add_doctor(h: &mut Hospital, doctor: Value) -> Result<Doctor, Error> {
    let doctor = input("doctor", doctor)?;
    h.add_doctor(doctor).cloned()
}

/// `h.updateDoctor(id, patch, options)`.
pub fn update_doctor(
    h: &mut Hospital,
    id: &str,
    patch: Value,
    options: Value,
) -> Result<Doctor, Error> {
    let patch: DoctorPatch = input("patch", patch)?;
    let options: ChangeOptions = input("options", options)?;
    h.update_doctor(id, patch, options).cloned()
}

/// `h.removeDoctor(id, options)`.
pub fn remove_doctor(h: &mut Hospital, id: &str, options: Value) -> Result<Doctor, Error> {
    let options: ChangeOptions = input("options", options)?;
    h.remove_doctor(id, options)
}

/// `h.book(json)`.
pub fn book(h: &mut Hospital, request: Value) -> Result<Appointment, Error> {
    let request = input("request", request)?;
    h.book(request).map(|a| a.to_appointment())
}

/// `h.book(json)`, which must succeed.
pub fn book_ok(h: &mut Hospital, request: Value) -> Appointment {
    match book(h, request.clone()) {
        Ok(appointment) => appointment,
        Err(e) => panic!("booking {request} failed: {e}"),
    }
}

/// `h.cancel(id, options)`.
pub fn cancel(h: &mut Hospital, id: &str, options: Value) -> Result<Appointment, Error> {
    let options: CancelOptions = input("options", options)?;
    h.cancel(id, options).map(|a| a.to_appointment())
}

/// `h.appointments(doctorId, query)`.
pub fn appointments(
    h: &Hospital,
    doctor_id: &str,
    query: Value,
) -> Result<Vec<Appointment>, Error> {
    let query: AppointmentQuery = input("query", query)?;
    Ok(h.appointments(doctor_id, query)?
        .into_iter()
        .map(|a| a.to_appointment())
        .collect())
}

/// The ids `h.appointments(doctorId, query)` lists, in order.
pub fn appointment_ids(h: &Hospital, doctor_id: &str, query: Value) -> Vec<String> {
    appointments(h, doctor_id, query)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

/// `h.updateAppointment(id, patch)`.
pub fn update_appointment(h: &mut Hospital, id: &str, patch: Value) -> Result<Appointment, Error> {
    let patch: AppointmentPatch = input("patch", patch)?;
    h.update_appointment(id, patch).map(|a| a.to_appointment())
}

/// `h.findAppointments(query)`.
pub fn find_appointments(h: &Hospital, query: Value) -> Result<Vec<Appointment>, Error> {
    let query: FindAppointmentsQuery = input("query", query)?;
    Ok(h.find_appointments(query)?
        .into_iter()
        .map(|a| a.to_appointment())
        .collect())
}

/// The ids `h.findAppointments(query)` lists, in order.
pub fn found_ids(h: &Hospital, query: Value) -> Vec<String> {
    find_appointments(h, query)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

/// `h.workingHours(doctorId, query)`, as the JSON the API returns.
pub fn working_hours(h: &Hospital, doctor_id: &str, query: Value) -> Result<Value, Error> {
    let query: WorkingHoursQuery = input("query", query)?;
    Ok(serde_json::to_value(h.working_hours(doctor_id, query)?).unwrap())
}

/// `h.availableSlots(doctorId, query)`, as ISO strings.
pub fn slots(h: &Hospital, doctor_id: &str, query: Value) -> Result<Vec<String>, Error> {
    let query: SlotQuery = input("query", query)?;
    Ok(h.available_slots(doctor_id, query)?
        .iter()
        .map(ToString::to_string)
        .collect())
}

/// `h.hold(json)`.
pub fn hold(h: &mut Hospital, request: Value) -> Result<Appointment, Error> {
    let request: HoldRequest = input("request", request)?;
    h.hold(request).map(|a| a.to_appointment())
}

/// `h.confirm(id, { now })`.
pub fn confirm(h: &mut Hospital, id: &str, now: &str) -> Result<Appointment, Error> {
    let options: ConfirmOptions = input("options", json!({ "now": now }))?;
    h.confirm(id, options).map(|a| a.to_appointment())
}

/// `h.reschedule(id, json)`.
pub fn reschedule(h: &mut Hospital, id: &str, request: Value) -> Result<Appointment, Error> {
    let request: RescheduleRequest = input("request", request)?;
    h.reschedule(id, request).map(|a| a.to_appointment())
}

/// `h.findSlots(json)`.
pub fn find_slots(h: &Hospital, query: Value) -> Result<Vec<FoundSlot<'_>>, Error> {
    let query: FindSlotsQuery = input("query", query)?;
    h.find_slots(query)
}

/// `h.explain(json)`, as the codes and reasons of the problems.
pub fn explain(
    h: &Hospital,
    request: Value,
) -> Result<Vec<(ErrorCode, Option<&'static str>)>, Error> {
    let request: ExplainRequest = input("request", request)?;
    Ok(h.explain(request)?
        .into_iter()
        .map(|e| (e.code, e.details.reason))
        .collect())
}

/// The code of a failed call; panics if it succeeded.
pub fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> ErrorCode {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(e) => e.code,
    }
}

/// The error of a failed call; panics if it succeeded.
pub fn err<T: std::fmt::Debug>(result: Result<T, Error>) -> Error {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(e) => e,
    }
}

/// `details.field` of an error, `""` when unset.
pub fn field(e: &Error) -> &str {
    e.details.field.as_deref().unwrap_or_default()
}

/// `details.path` of an error, `""` when unset.
pub fn path(e: &Error) -> &str {
    e.details.path.as_deref().unwrap_or_default()
}

/// Runs `$call`, which must fail, and checks that it left `$h` exactly as it was: the same
/// snapshot text, byte for byte, and the same revision. Evaluates to the error.
///
/// ```ignore
/// let e = fails!(h, book(&mut h, json!({ ... })));
/// assert_eq!(e.code, ErrorCode::SlotTaken);
/// ```
#[macro_export]
macro_rules! fails {
    ($h:ident, $call:expr) => {{
        let before = $h.to_snapshot().unwrap();
        let revision = $h.revision();
        let error = match $call {
            Ok(value) => panic!(
                "expected `{}` to fail, it returned {:?}",
                stringify!($call),
                value
            ),
            Err(error) => error,
        };
        assert_eq!(
            $h.to_snapshot().unwrap(),
            before,
            "the failed call `{}` ({}) changed the snapshot",
            stringify!($call),
            error
        );
        assert_eq!(
            $h.revision(),
            revision,
            "the failed call `{}` ({}) changed the revision",
            stringify!($call),
            error
        );
        error
    }};
}

/// Runs `$call`, which must fail with `$code`, leaving `$h` unchanged (see [`fails!`]).
/// Evaluates to the error.
#[macro_export]
macro_rules! fails_with {
    ($h:ident, $code:expr, $call:expr) => {{
        let error = $crate::fails!($h, $call);
        assert_eq!(
            error.code,
            $code,
            "`{}` failed with the wrong code: {}",
            stringify!($call),
            error
        );
        error
    }};
}
