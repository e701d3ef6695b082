//! Results as numbers. An appointment becomes a row of [`ROW`] numbers (f64, so that a
//! JavaScript `Float64Array` reads them as they are): its times as minutes, its status as a
//! code, its strings as the address and length of their UTF-8 bytes in wasm memory (valid until
//! the next call), its doctor and location also as numbers that stay the same while they do, so
//! that the JS layer decodes each doctor's id and each location once. A rescheduling trace goes
//! to the call's parts (`Parts`) as numbers too, [`TRACE_ENTRY`] per earlier time; metadata, a
//! JSON value of any shape, as its text. The JS layer (`js/output.js`) reads rows by the same
//! positions; `rowLayout()` gives them, for its test.

use super::exchange::{Parts, ROW};
use dr_schedule_engine::{
    AppointmentId, AppointmentStatus, AppointmentView, FoundSlot, LocalDateTime, Moment, WriteJson,
};
use wasm_bindgen::prelude::wasm_bindgen;

/// The numbers of a row, in order.
const LAYOUT: [&str; ROW] = [
    "flags",
    "idNumber",
    "idPtr",
    "idLen",
    "doctorKey",
    "doctorStamp",
    "doctorPtr",
    "doctorLen",
    "place",
    "placeStamp",
    "placePtr",
    "placeLen",
    "start",
    "duration",
    "status",
    "patientPtr",
    "patientLen",
    "requestPtr",
    "requestLen",
    "holdExpires",
    "reasonPtr",
    "reasonLen",
    "notesPtr",
    "notesLen",
    "metadataOffset",
    "metadataLen",
    "end",
    "startUtc",
    "endUtc",
    "createdAt",
    "updatedAt",
    "traceAt",
    "traceCount",
];

/// The numbers of an entry of a rescheduling trace, in order: where its location's text is
/// (an offset in the parts' text, a length), its start and end (wall clock, minutes), and its
/// start and end as instants (minutes in UTC; NaN in a hospital without a time zone).
const TRACE_LAYOUT: [&str; TRACE_ENTRY] = [
    "locationOffset",
    "locationLen",
    "start",
    "end",
    "startUtc",
    "endUtc",
];

/// Numbers per entry of a rescheduling trace.
pub(crate) const TRACE_ENTRY: usize = 6;

/// The numbers of a `findSlots` row, in order.
const FOUND_LAYOUT: [&str; FOUND_ROW] = [
    "doctorKey",
    "doctorStamp",
    "doctorPtr",
    "doctorLen",
    "place",
    "placeStamp",
    "placePtr",
    "placeLen",
    "start",
    "offset",
    "startUtc",
];

/// Numbers per `findSlots` row.
pub(crate) const FOUND_ROW: usize = 11;

/// The names of a row's numbers, in order, as JSON:
/// `{"appointment": [...], "traceEntry": [...], "foundSlot": [...]}`.
#[wasm_bindgen(js_name = rowLayout)]
pub fn row_layout() -> String {
    let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    format!(
        "{{\"appointment\":{},\"traceEntry\":{},\"foundSlot\":{}}}",
        names(&LAYOUT).to_json(),
        names(&TRACE_LAYOUT).to_json(),
        names(&FOUND_LAYOUT).to_json()
    )
}

/// Which optional parts an appointment has (bits of `flags`).
const HAS_PATIENT: u32 = 1;
const HAS_REQUEST_ID: u32 = 2;
const HAS_HOLD_EXPIRES: u32 = 4;
const HAS_RESCHEDULED_FROM: u32 = 8;
const HAS_CANCEL_REASON: u32 = 16;
const HAS_NOTES: u32 = 32;
const HAS_METADATA: u32 = 64;
const HAS_CREATED_AT: u32 = 128;
const HAS_UPDATED_AT: u32 = 256;
/// A hospital with a time zone: `startUtc` and `endUtc` are set, and `holdExpires`,
/// `createdAt` and `updatedAt` are instants (UTC).
const ZONED: u32 = 512;

/// Minutes since the engine's epoch (0001-01-01T00:00 is 1,440).
pub(crate) fn minutes(t: LocalDateTime) -> f64 {
    (t.day() * 1440 + t.minute_of_day()) as f64
}

/// An instant's minutes in UTC, or a floating time's own.
fn moment_minutes(m: Moment) -> f64 {
    minutes(m.instant().unwrap_or(m.local))
}

fn address(text: &str) -> (f64, f64) {
    (text.as_ptr() as usize as f64, text.len() as f64)
}

/// `view` as a row; its rescheduling trace and metadata, if any, go to `parts`, which the row
/// points into.
pub(crate) fn appointment(view: &AppointmentView<'_>, parts: &mut Parts) -> [f64; ROW] {
    let mut row = [0.0; ROW];
    let mut flags = 0;
    match view.id() {
        AppointmentId::Assigned(n) => row[1] = n as f64,
        AppointmentId::Named(id) => (row[2], row[3]) = address(id),
    }
    let handles = view.handles();
    row[4] = f64::from(handles.doctor);
    row[5] = f64::from(handles.doctor_stamp);
    (row[6], row[7]) = address(view.doctor_id());
    row[8] = f64::from(handles.location);
    row[9] = f64::from(handles.location_stamp);
    (row[10], row[11]) = address(view.location());
    row[12] = minutes(view.start());
    row[13] = f64::from(view.duration_minutes());
    row[26] = minutes(view.end());
    if let (Some(start), Some(end)) = (view.start_utc(), view.end_utc()) {
        flags |= ZONED;
        row[27] = moment_minutes(start);
        row[28] = moment_minutes(end);
    }
    if let Some(created) = view.created_at() {
        flags |= HAS_CREATED_AT;
        row[29] = moment_minutes(created);
    }
    if let Some(updated) = view.updated_at() {
        flags |= HAS_UPDATED_AT;
        row[30] = moment_minutes(updated);
    }
    row[14] = match view.status() {
        AppointmentStatus::Booked => 0.0,
        AppointmentStatus::Held => 1.0,
        AppointmentStatus::Cancelled => 2.0,
        AppointmentStatus::Expired => 3.0,
    };
    if let Some(patient) = view.patient() {
        flags |= HAS_PATIENT;
        (row[15], row[16]) = address(patient);
    }
    if let Some(request_id) = view.request_id() {
        flags |= HAS_REQUEST_ID;
        (row[17], row[18]) = address(request_id);
    }
    if let Some(expires) = view.hold_expires() {
        flags |= HAS_HOLD_EXPIRES;
        row[19] = moment_minutes(expires);
    }
    if let Some(reason) = view.cancel_reason() {
        flags |= HAS_CANCEL_REASON;
        (row[20], row[21]) = address(reason);
    }
    if let Some(notes) = view.notes() {
        flags |= HAS_NOTES;
        (row[22], row[23]) = address(notes);
    }
    let trace = view.rescheduled_from();
    if !trace.is_empty() {
        flags |= HAS_RESCHEDULED_FROM;
        row[31] = parts.trace.len() as f64;
        row[32] = trace.len() as f64;
        for previous in trace.iter() {
            let offset = parts.text.len();
            parts.text.push_str(&previous.location);
            parts.trace.extend_from_slice(&[
                offset as f64,
                previous.location.len() as f64,
                minutes(previous.start),
                minutes(previous.end),
                previous.start_utc.map_or(f64::NAN, moment_minutes),
                previous.end_utc.map_or(f64::NAN, moment_minutes),
            ]);
        }
    }
    if let Some(metadata) = view.metadata() {
        flags |= HAS_METADATA;
        row[24] = parts.text.len() as f64;
        row[25] = metadata.len() as f64;
        parts.text.push_str(metadata);
    }
    row[0] = f64::from(flags);
    row
}

/// Appends `view` as a row to `list`.
pub(crate) fn push_appointment(list: &mut Vec<f64>, parts: &mut Parts, view: &AppointmentView<'_>) {
    list.extend_from_slice(&appointment(view, parts));
}

/// Appends a found slot as a row to `list`.
pub(crate) fn push_found(list: &mut Vec<f64>, slot: &FoundSlot<'_>) {
    let [doctor, doctor_stamp, place, place_stamp] = slot.handles;
    let (doctor_ptr, doctor_len) = address(slot.doctor_id);
    let (place_ptr, place_len) = address(slot.location);
    list.extend_from_slice(&[
        f64::from(doctor),
        f64::from(doctor_stamp),
        doctor_ptr,
        doctor_len,
        f64::from(place),
        f64::from(place_stamp),
        place_ptr,
        place_len,
        minutes(slot.start.local),
        slot.start.offset.map_or(f64::NAN, f64::from),
        slot.start_utc.map_or(f64::NAN, moment_minutes),
    ]);
}
