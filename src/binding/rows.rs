//! Results as numbers. An appointment becomes a row of [`ROW`] numbers (f64, so that a
//! JavaScript `Float64Array` reads them as they are): its times as minutes, its status as a
//! code, its strings as the address and length of their UTF-8 bytes in wasm memory (valid until
//! the next call), its doctor and location also as numbers that stay the same while they do, so
//! that the JS layer decodes each doctor's id and each location once. The JS layer
//! (`js/output.js`) reads rows by the same positions; `rowLayout()` gives them, for its test.

use super::exchange::ROW;
use dr_schedule_engine::{
    AppointmentId, AppointmentStatus, AppointmentView, FoundSlot, LocalDateTime, WriteJson,
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
    "extrasOffset",
    "extrasLen",
];

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
];

/// Numbers per `findSlots` row.
pub(crate) const FOUND_ROW: usize = 9;

/// The names of a row's numbers, in order, as JSON: `{"appointment": [...], "foundSlot": [...]}`.
#[wasm_bindgen(js_name = rowLayout)]
pub fn row_layout() -> String {
    let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    format!(
        "{{\"appointment\":{},\"foundSlot\":{}}}",
        names(&LAYOUT).to_json(),
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

/// Minutes since the engine's epoch (0001-01-01T00:00 is 1,440).
pub(crate) fn minutes(t: LocalDateTime) -> f64 {
    (t.day() * 1440 + t.minute_of_day()) as f64
}

fn address(text: &str) -> (f64, f64) {
    (text.as_ptr() as usize as f64, text.len() as f64)
}

/// Writes `view` as a row through `put(index, value)`; its rescheduling trace and metadata, if
/// any, go to `text` as JSON (`{"rescheduledFrom": […], "metadata": {…}}`).
pub(crate) fn appointment(
    view: &AppointmentView<'_>,
    text: &mut String,
    put: &mut dyn FnMut(usize, f64),
) {
    let mut flags = 0;
    match view.id() {
        AppointmentId::Assigned(n) => put(1, n as f64),
        AppointmentId::Named(id) => {
            put(1, 0.0);
            let (ptr, len) = address(id);
            put(2, ptr);
            put(3, len);
        }
    }
    let handles = view.handles();
    put(4, f64::from(handles.doctor));
    put(5, f64::from(handles.doctor_stamp));
    let (ptr, len) = address(view.doctor_id());
    put(6, ptr);
    put(7, len);
    put(8, f64::from(handles.location));
    put(9, f64::from(handles.location_stamp));
    let (ptr, len) = address(view.location());
    put(10, ptr);
    put(11, len);
    put(12, minutes(view.start()));
    put(13, f64::from(view.duration_minutes()));
    put(
        14,
        match view.status() {
            AppointmentStatus::Booked => 0.0,
            AppointmentStatus::Held => 1.0,
            AppointmentStatus::Cancelled => 2.0,
            AppointmentStatus::Expired => 3.0,
        },
    );
    let mut part = |flag: u32, at: usize, value: Option<&str>| {
        if let Some(value) = value {
            flags |= flag;
            let (ptr, len) = address(value);
            put(at, ptr);
            put(at + 1, len);
        }
    };
    part(HAS_PATIENT, 15, view.patient());
    part(HAS_REQUEST_ID, 17, view.request_id());
    part(HAS_CANCEL_REASON, 20, view.cancel_reason());
    part(HAS_NOTES, 22, view.notes());
    if let Some(expires) = view.hold_expires() {
        flags |= HAS_HOLD_EXPIRES;
        put(19, minutes(expires));
    }
    let trace = view.rescheduled_from();
    let metadata = view.metadata();
    if !trace.is_empty() || metadata.is_some() {
        let offset = text.len();
        text.push('{');
        if !trace.is_empty() {
            flags |= HAS_RESCHEDULED_FROM;
            text.push_str("\"rescheduledFrom\":");
            trace.write_json(text);
        }
        if let Some(metadata) = metadata {
            flags |= HAS_METADATA;
            if !trace.is_empty() {
                text.push(',');
            }
            text.push_str("\"metadata\":");
            text.push_str(metadata);
        }
        text.push('}');
        put(24, offset as f64);
        put(25, (text.len() - offset) as f64);
    }
    put(0, f64::from(flags));
}

/// Appends `view` as a row to `list`.
pub(crate) fn push_appointment(list: &mut Vec<f64>, text: &mut String, view: &AppointmentView<'_>) {
    let at = list.len();
    list.resize(at + ROW, 0.0);
    appointment(view, text, &mut |i, value| {
        if let Some(slot) = list.get_mut(at + i) {
            *slot = value;
        }
    });
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
        minutes(slot.start),
    ]);
}
