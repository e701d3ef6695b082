//! The engine's JSON writer: the text of every value the engine gives out ([`WriteJson`]):
//! appointments, doctors, options, errors, working hours; appointments as rows of a snapshot;
//! and the lengths of those texts, which the hospital counts to know the size of its snapshot
//! without writing it.
//!
//! Written by hand, an appointment costs a fraction of what serde_json takes for it, and the
//! wasm carries no serializer (serde's `Serialize`, kept for Rust callers, is compiled only where
//! it is used). The text is byte for byte what serde_json writes for the same value (the same
//! field order, omissions and escapes), so that it is deterministic and the same whichever
//! writer wrote it; the tests below hold the two to that.

use crate::appointment::{Appointment, AppointmentId, AppointmentStatus, PreviousTime};
use crate::doctor::{DateOverride, Doctor, HoursBlock, ScheduleRule, TimeOff};
use crate::error::{Details, Error, TimeOffDetails, WorkingBlockDetails};
use crate::json_text::{digits, str_bytes, write_str, write_u64};
use crate::options::HospitalOptions;
use crate::store::{Record, Requested};
use crate::time::{date_time_bytes, ClockTime, LocalDate, LocalDateTime, Moment};
use crate::zoned::{self, HospitalZones};
use std::borrow::Cow;

/// A value the engine writes as JSON text.
pub trait WriteJson {
    /// Appends the value as JSON text to `out`: byte for byte what serde_json writes for it.
    fn write_json(&self, out: &mut String);

    /// The value as JSON text.
    fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl<T: WriteJson> WriteJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<T: WriteJson + ?Sized> WriteJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

impl WriteJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl WriteJson for Appointment {
    fn write_json(&self, out: &mut String) {
        write_fields(out, &Fields::of_appointment(self));
    }
}

impl WriteJson for LocalDateTime {
    fn write_json(&self, out: &mut String) {
        write_date_time(out, *self);
    }
}

impl WriteJson for LocalDate {
    fn write_json(&self, out: &mut String) {
        let text = date_time_bytes(self.midnight());
        let date = text.as_ref().and_then(|t| t.get(..10));
        match date.and_then(|d| std::str::from_utf8(d).ok()) {
            Some(date) => {
                out.push('"');
                out.push_str(date);
                out.push('"');
            }
            None => write_str(out, &self.to_string()),
        }
    }
}

impl WriteJson for ClockTime {
    fn write_json(&self, out: &mut String) {
        let minutes = self.minutes();
        let text = [
            b'"',
            b'0' + (minutes / 600 % 10) as u8,
            b'0' + (minutes / 60 % 10) as u8,
            b':',
            b'0' + (minutes % 60 / 10) as u8,
            b'0' + (minutes % 10) as u8,
            b'"',
        ];
        out.push_str(std::str::from_utf8(&text).unwrap_or("\"\""));
    }
}

impl WriteJson for PreviousTime {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.str("location", &self.location);
        o.value("start", &self.start);
        o.value("end", &self.end);
        o.optional("startUtc", self.start_utc.as_ref());
        o.optional("endUtc", self.end_utc.as_ref());
        o.end();
    }
}

impl WriteJson for Doctor {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.str("id", &self.id);
        o.str("name", &self.name);
        o.value("locations", &self.locations);
        o.value("schedule", &self.schedule);
        if !self.overrides.is_empty() {
            o.value("overrides", &self.overrides);
        }
        if !self.time_off.is_empty() {
            o.value("timeOff", &self.time_off);
        }
        o.end();
    }
}

impl WriteJson for ScheduleRule {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.key("days");
        o.out.push('[');
        for (i, day) in self.days.iter().enumerate() {
            if i > 0 {
                o.out.push(',');
            }
            o.out.push('"');
            o.out.push_str(day.name());
            o.out.push('"');
        }
        o.out.push(']');
        o.value("start", &self.start);
        o.value("end", &self.end);
        o.optional("locations", self.locations.as_ref());
        o.end();
    }
}

impl WriteJson for HoursBlock {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.value("start", &self.start);
        o.value("end", &self.end);
        o.optional("locations", self.locations.as_ref());
        o.end();
    }
}

impl WriteJson for DateOverride {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.value("date", &self.date);
        o.value("hours", &self.hours);
        o.end();
    }
}

impl WriteJson for TimeOff {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.value("start", &self.start);
        o.value("end", &self.end);
        o.optional("reason", self.reason.as_ref());
        o.end();
    }
}

impl WriteJson for HospitalOptions {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.u64("slotMinutes", u64::from(self.slot_minutes));
        o.u64(
            "defaultDurationMinutes",
            u64::from(self.default_duration_minutes),
        );
        o.key("timeZone");
        match &self.time_zone {
            Some(zone) => write_str(o.out, zone),
            None => o.out.push_str("null"),
        }
        if !self.location_time_zones.is_empty() {
            o.key("locationTimeZones");
            let mut zones = Object::new(o.out);
            for (location, zone) in &self.location_time_zones.0 {
                zones.key_text(location);
                write_str(zones.out, zone);
            }
            zones.end();
        }
        o.optional_u64("minNoticeMinutes", self.min_notice_minutes.map(u64::from));
        o.optional_u64("horizonDays", self.horizon_days.map(u64::from));
        if self.prevent_patient_overlap {
            o.key("preventPatientOverlap");
            o.out.push_str("true");
        }
        o.u64("maxSnapshotBytes", self.max_snapshot_bytes);
        o.end();
    }
}

impl WriteJson for Error {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.str("code", self.code.as_str());
        o.str("message", &self.message);
        o.value("details", &*self.details);
        o.end();
    }
}

impl WriteJson for Details {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.optional("field", self.field.as_ref());
        o.optional("doctorId", self.doctor_id.as_ref());
        o.optional("appointmentId", self.appointment_id.as_ref());
        o.optional("id", self.id.as_ref());
        o.optional("location", self.location.as_ref());
        o.optional(
            "conflictingAppointmentId",
            self.conflicting_appointment_id.as_ref(),
        );
        o.optional("appointmentIds", self.appointment_ids.as_ref());
        o.optional("requestId", self.request_id.as_ref());
        o.optional_u64("slotMinutes", self.slot_minutes.map(u64::from));
        o.optional("path", self.path.as_ref());
        o.optional_u64("version", self.version);
        o.optional_u64("supportedVersion", self.supported_version.map(u64::from));
        o.optional_u64("revision", self.revision);
        o.optional_u64("oldestRevision", self.oldest_revision);
        o.optional_u64("expectedRevision", self.expected_revision);
        if let Some(reason) = self.reason {
            o.str("reason", reason);
        }
        o.optional("date", self.date.as_ref());
        o.optional("timeOff", self.time_off.as_ref());
        o.optional("hours", self.hours.as_ref());
        o.optional("locations", self.locations.as_ref());
        o.optional("earliestStart", self.earliest_start.as_ref());
        o.optional("latestStart", self.latest_start.as_ref());
        o.optional("patient", self.patient.as_ref());
        o.optional("holdExpires", self.hold_expires.as_ref());
        if let Some(limit_of) = self.limit_of {
            o.str("limitOf", limit_of);
        }
        o.optional_u64("current", self.current);
        o.optional_u64("requested", self.requested);
        o.optional_u64("limit", self.limit);
        o.optional("timeZone", self.time_zone.as_ref());
        o.optional("nearestStarts", self.nearest_starts.as_ref());
        o.optional("starts", self.starts.as_ref());
        o.end();
    }
}

impl WriteJson for Moment {
    fn write_json(&self, out: &mut String) {
        out.push('"');
        self.write(out);
        out.push('"');
    }
}

impl WriteJson for TimeOffDetails {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.value("start", &self.start);
        o.value("end", &self.end);
        o.optional("reason", self.reason.as_ref());
        o.end();
    }
}

impl WriteJson for WorkingBlockDetails {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.value("date", &self.date);
        o.str("location", &self.location);
        o.value("start", &self.start);
        o.value("end", &self.end);
        o.optional("startUtc", self.start_utc.as_ref());
        o.optional("endUtc", self.end_utc.as_ref());
        o.end();
    }
}

/// Writes a JSON object key by key: `{"a":1,"b":"x"}`.
pub(crate) struct Object<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> Object<'a> {
    pub(crate) fn new(out: &'a mut String) -> Self {
        out.push('{');
        Object { out, empty: true }
    }

    /// Starts the entry `key` (a name the engine chose: nothing to escape).
    pub(crate) fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
    }

    /// Starts the entry `key`, a key of the caller's (escaped).
    pub(crate) fn key_text(&mut self, key: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        write_str(self.out, key);
        self.out.push(':');
    }

    pub(crate) fn str(&mut self, key: &str, value: &str) {
        self.key(key);
        write_str(self.out, value);
    }

    pub(crate) fn u64(&mut self, key: &str, value: u64) {
        self.key(key);
        write_u64(self.out, value);
    }

    pub(crate) fn value(&mut self, key: &str, value: &dyn WriteJson) {
        self.key(key);
        value.write_json(self.out);
    }

    /// The entry, when there is a value; nothing otherwise.
    pub(crate) fn optional<T: WriteJson>(&mut self, key: &str, value: Option<&T>) {
        if let Some(value) = value {
            self.value(key, value);
        }
    }

    pub(crate) fn optional_u64(&mut self, key: &str, value: Option<u64>) {
        if let Some(value) = value {
            self.u64(key, value);
        }
    }

    pub(crate) fn end(self) {
        self.out.push('}');
    }
}

/// The fields of an appointment, borrowed from an [`Appointment`] or a view, its times as the
/// API shows them.
pub(crate) struct Fields<'a> {
    pub(crate) id: AppointmentId<'a>,
    pub(crate) doctor_id: &'a str,
    pub(crate) location: &'a str,
    /// The wall clock (floating, or at the location).
    pub(crate) start: LocalDateTime,
    pub(crate) end: LocalDateTime,
    pub(crate) start_utc: Option<Moment>,
    pub(crate) end_utc: Option<Moment>,
    pub(crate) duration: u32,
    pub(crate) patient: Option<&'a str>,
    pub(crate) request_id: Option<&'a str>,
    pub(crate) status: AppointmentStatus,
    pub(crate) hold_expires: Option<Moment>,
    pub(crate) rescheduled_from: Cow<'a, [PreviousTime]>,
    pub(crate) cancel_reason: Option<&'a str>,
    pub(crate) notes: Option<&'a str>,
    pub(crate) metadata: Option<&'a str>,
    pub(crate) created_at: Option<Moment>,
    pub(crate) updated_at: Option<Moment>,
    /// What the first request asked for, with its start as a snapshot writes it (snapshot rows
    /// only: the API does not show it).
    pub(crate) requested: Option<(&'a Requested, Moment)>,
}

impl<'a> Fields<'a> {
    fn of_appointment(a: &'a Appointment) -> Self {
        Fields {
            id: AppointmentId::Named(&a.id),
            doctor_id: &a.doctor_id,
            location: &a.location,
            start: a.start,
            end: a.end,
            start_utc: a.start_utc,
            end_utc: a.end_utc,
            duration: a.duration_minutes,
            patient: a.patient.as_deref(),
            request_id: a.request_id.as_deref(),
            status: a.status,
            hold_expires: a.hold_expires,
            rescheduled_from: Cow::Borrowed(&a.rescheduled_from),
            cancel_reason: a.cancel_reason.as_deref(),
            notes: a.notes.as_deref(),
            metadata: a.metadata.as_ref().map(|m| m.as_json()),
            created_at: a.created_at,
            updated_at: a.updated_at,
            requested: None,
        }
    }
}

pub(crate) fn status_text(status: AppointmentStatus) -> &'static str {
    match status {
        AppointmentStatus::Booked => "booked",
        AppointmentStatus::Held => "held",
        AppointmentStatus::Cancelled => "cancelled",
        AppointmentStatus::Expired => "expired",
    }
}

fn write_id(out: &mut String, id: AppointmentId<'_>) {
    match id {
        AppointmentId::Assigned(n) => {
            out.push_str("\"a");
            write_u64(out, n);
            out.push('"');
        }
        AppointmentId::Named(id) => write_str(out, id),
    }
}

/// Appends an appointment's fields as the API returns the appointment.
pub(crate) fn write_fields(out: &mut String, a: &Fields<'_>) {
    out.push_str("{\"id\":");
    write_id(out, a.id);
    out.push_str(",\"doctorId\":");
    write_str(out, a.doctor_id);
    out.push_str(",\"location\":");
    write_str(out, a.location);
    out.push_str(",\"start\":");
    write_date_time(out, a.start);
    out.push_str(",\"end\":");
    write_date_time(out, a.end);
    if let Some(start_utc) = a.start_utc {
        out.push_str(",\"startUtc\":");
        start_utc.write_json(out);
    }
    if let Some(end_utc) = a.end_utc {
        out.push_str(",\"endUtc\":");
        end_utc.write_json(out);
    }
    out.push_str(",\"durationMinutes\":");
    write_u64(out, u64::from(a.duration));
    if let Some(patient) = a.patient {
        out.push_str(",\"patient\":");
        write_str(out, patient);
    }
    if let Some(request_id) = a.request_id {
        out.push_str(",\"requestId\":");
        write_str(out, request_id);
    }
    out.push_str(",\"status\":\"");
    out.push_str(status_text(a.status));
    out.push('"');
    if let Some(expires) = a.hold_expires {
        out.push_str(",\"holdExpires\":");
        expires.write_json(out);
    }
    if !a.rescheduled_from.is_empty() {
        out.push_str(",\"rescheduledFrom\":");
        a.rescheduled_from.write_json(out);
    }
    if let Some(reason) = a.cancel_reason {
        out.push_str(",\"cancelReason\":");
        write_str(out, reason);
    }
    if let Some(notes) = a.notes {
        out.push_str(",\"notes\":");
        write_str(out, notes);
    }
    if let Some(metadata) = a.metadata {
        out.push_str(",\"metadata\":");
        out.push_str(metadata);
    }
    if let Some(created_at) = a.created_at {
        out.push_str(",\"createdAt\":");
        created_at.write_json(out);
    }
    if let Some(updated_at) = a.updated_at {
        out.push_str(",\"updatedAt\":");
        updated_at.write_json(out);
    }
    out.push('}');
}

// ---------------------------------------------------------------------------------------------
// Snapshot rows (format version 4)

/// Appends an appointment as a row of a snapshot:
/// `["id","doctorId","location","start",durationMinutes,"status",patient|null]` (`start` as
/// given: with its offset in a hospital with a time zone), and, when the appointment has any of
/// them, an object of `requestId`, `holdExpires`, `rescheduledFrom`, `cancelReason`, `notes`,
/// `metadata`, `requested`, `createdAt` and `updatedAt` as an eighth item.
pub(crate) fn write_row(out: &mut String, a: &Fields<'_>, start: Moment) {
    out.push('[');
    write_id(out, a.id);
    out.push(',');
    write_str(out, a.doctor_id);
    out.push(',');
    write_str(out, a.location);
    out.push(',');
    start.write_json(out);
    out.push(',');
    write_u64(out, u64::from(a.duration));
    out.push_str(",\"");
    out.push_str(status_text(a.status));
    out.push_str("\",");
    match a.patient {
        Some(patient) => write_str(out, patient),
        None => out.push_str("null"),
    }
    if has_extras(a) {
        out.push(',');
        write_extras(out, a);
    }
    out.push(']');
}

fn has_extras(a: &Fields<'_>) -> bool {
    a.request_id.is_some()
        || a.hold_expires.is_some()
        || !a.rescheduled_from.is_empty()
        || a.cancel_reason.is_some()
        || a.notes.is_some()
        || a.metadata.is_some()
        || a.requested.is_some()
        || a.created_at.is_some()
        || a.updated_at.is_some()
}

fn write_extras(out: &mut String, a: &Fields<'_>) {
    let mut first = true;
    let mut key = |out: &mut String, name: &str| {
        out.push_str(if first { "{\"" } else { ",\"" });
        out.push_str(name);
        out.push_str("\":");
        first = false;
    };
    if let Some(request_id) = a.request_id {
        key(out, "requestId");
        write_str(out, request_id);
    }
    if let Some(expires) = a.hold_expires {
        key(out, "holdExpires");
        expires.write_json(out);
    }
    if !a.rescheduled_from.is_empty() {
        key(out, "rescheduledFrom");
        a.rescheduled_from.write_json(out);
    }
    if let Some(reason) = a.cancel_reason {
        key(out, "cancelReason");
        write_str(out, reason);
    }
    if let Some(notes) = a.notes {
        key(out, "notes");
        write_str(out, notes);
    }
    if let Some(metadata) = a.metadata {
        key(out, "metadata");
        out.push_str(metadata);
    }
    if let Some((requested, start)) = a.requested {
        key(out, "requested");
        write_requested(out, requested, start);
    }
    if let Some(created_at) = a.created_at {
        key(out, "createdAt");
        created_at.write_json(out);
    }
    if let Some(updated_at) = a.updated_at {
        key(out, "updatedAt");
        updated_at.write_json(out);
    }
    out.push('}');
}

/// `{"held":true,"location":…,"start":…,"durationMinutes":…,"patient":…}`, `held` and
/// `patient` only when there is one (as the snapshot reader's defaults say).
fn write_requested(out: &mut String, requested: &Requested, start: Moment) {
    out.push('{');
    if requested.held {
        out.push_str("\"held\":true,");
    }
    out.push_str("\"location\":");
    write_str(out, &requested.location);
    out.push_str(",\"start\":");
    start.write_json(out);
    out.push_str(",\"durationMinutes\":");
    write_u64(out, u64::from(requested.duration));
    if let Some(patient) = &requested.patient {
        out.push_str(",\"patient\":");
        write_str(out, patient);
    }
    out.push('}');
}

/// The length of a record's row in a snapshot plus its line break and comma, counted without
/// writing the row (but its rarely present extras).
pub(crate) fn row_bytes(
    record: &Record,
    doctor_id: &str,
    location: &str,
    zones: &HospitalZones,
) -> u64 {
    let id = match (
        record.number,
        record.extra.as_ref().and_then(|e| e.id.as_deref()),
    ) {
        (0, Some(id)) => str_bytes(id),
        (n, _) => 3 + digits(n),
    };
    // Every status counts as the longest, "cancelled": a hold expiring (without a change of its
    // own, when a later call moves the clock past it) and a booking cancelled without a reason
    // never grow the count, so that a full hospital can still cancel.
    let status = "cancelled";
    let patient = record.patient.as_deref().map_or(4, str_bytes);
    // "YYYY-MM-DDTHH:MM", or with seconds and an offset in a hospital with a time zone.
    let start = if zones.is_zoned() {
        zoned::placed(zones.at(location), record.start)
            .to_string()
            .len() as u64
            + 2
    } else {
        18
    };
    let extras = match &record.extra {
        Some(extra) => {
            let stamp = |t: Option<LocalDateTime>| t.map(|t| zones.stamp(t));
            let fields = Fields {
                id: AppointmentId::Assigned(0),
                doctor_id,
                location,
                start: record.start,
                end: record.start,
                start_utc: None,
                end_utc: None,
                duration: 0,
                patient: None,
                request_id: extra.request_id.as_deref(),
                status: AppointmentStatus::Booked,
                hold_expires: stamp(extra.hold_expires),
                rescheduled_from: zoned::shown_trace(zones, &extra.rescheduled_from),
                cancel_reason: extra.cancel_reason.as_deref(),
                notes: extra.notes.as_deref(),
                metadata: extra.metadata.as_deref(),
                created_at: stamp(extra.created_at),
                updated_at: stamp(extra.updated_at),
                requested: extra
                    .requested
                    .as_deref()
                    .map(|r| (r, zoned::placed(zones.at(&r.location), r.start))),
            };
            if has_extras(&fields) {
                let mut text = String::new();
                write_extras(&mut text, &fields);
                1 + text.len() as u64
            } else {
                0
            }
        }
        None => 0,
    };
    // [ id , doctor , location , "start" , duration , "status" , patient (, extras) ] \n ,
    2 + 6
        + id
        + str_bytes(doctor_id)
        + str_bytes(location)
        + start
        + digits(u64::from(record.duration))
        + 2
        + status.len() as u64
        + patient
        + extras
        + 2
}

/// A doctor as JSON text.
pub(crate) fn doctor_text(doctor: &Doctor) -> String {
    doctor.to_json()
}

/// Appends `"YYYY-MM-DDTHH:MM"` as `LocalDateTime`'s `Display` writes it, without `format!`.
pub(crate) fn write_date_time(out: &mut String, t: LocalDateTime) {
    match date_time_bytes(t) {
        Some(text) => {
            out.push('"');
            out.push_str(std::str::from_utf8(&text).unwrap_or_default());
            out.push('"');
        }
        // Never for a stored time (years 0001 to 9999); as Display says it.
        None => write_str(out, &t.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointment::PreviousTime;

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse(text).unwrap()
    }

    #[test]
    fn date_times_are_written_as_serde_writes_them() {
        for day in (1..3_652_060).step_by(997).chain([1, 719_163, 3_652_059]) {
            for minute in [0, 59, 60, 719, 1439] {
                let t = LocalDateTime::from_day_and_minute(day, minute);
                let mut out = String::new();
                write_date_time(&mut out, t);
                assert_eq!(out, serde_json::to_string(&t).unwrap());
            }
        }
    }

    /// `value`'s text from WriteJson is serde_json's for it.
    fn same_as_serde<T: WriteJson + serde::Serialize>(value: &T) {
        assert_eq!(value.to_json(), serde_json::to_string(value).unwrap());
    }

    #[test]
    fn doctors_options_errors_and_hours_are_written_as_serde_writes_them() {
        let doctor: Doctor = crate::reader::read_all(
            br#"{"id":"d1","name":"Dr. \"Ada\" \u00e9","locations":["A","B"],
                "schedule":[{"days":["mon","sun"],"start":"00:00","end":"24:00"},
                            {"days":["fri"],"start":"09:05","end":"17:00","locations":["B"]}],
                "overrides":[{"date":"2019-02-01","hours":[]},
                             {"date":"9999-12-31","hours":[{"start":"09:00","end":"10:00","locations":["A"]}]}],
                "timeOff":[{"start":"2019-02-01T09:00","end":"2019-02-02T00:00"},
                           {"start":"0001-01-01T00:00","end":"0001-01-01T00:15","reason":"x\ny"}]}"#,
        )
        .unwrap();
        same_as_serde(&doctor);
        same_as_serde(&Doctor {
            overrides: Vec::new(),
            time_off: Vec::new(),
            ..doctor.clone()
        });
        same_as_serde(&HospitalOptions::default());
        same_as_serde(&HospitalOptions {
            time_zone: Some("Europe/Paris".into()),
            min_notice_minutes: Some(0),
            horizon_days: Some(30),
            prevent_patient_overlap: true,
            ..HospitalOptions::default()
        });
        let errors = [
            Error::invalid_input("schedule[0].start", "expected a string"),
            Error::slot_taken("a\"1"),
            Error::time_off(
                "d1",
                Moment::wall(at("2019-02-01T09:00")),
                Moment::parse("2019-02-01T09:15:00-04:30").unwrap(),
                doctor.time_off[1].reason.as_deref(),
            ),
            Error::not_served_there(
                "d1",
                "C",
                Moment::wall(at("2019-02-01T09:00")),
                Moment::wall(at("2019-02-01T09:15")),
                vec!["A".into(), "B".into()],
            ),
            Error::nonexistent_time(
                "start",
                "America/New_York",
                at("2025-03-09T02:30"),
                [
                    Moment::parse("2025-03-09T01:45:00-05:00").unwrap(),
                    Moment::parse("2025-03-09T03:00:00-04:00").unwrap(),
                ],
            ),
            Error::unsupported_version(4, 3),
        ];
        for e in &errors {
            same_as_serde(e);
        }
        let mut full = errors[0].clone();
        full.details.appointment_ids = Some(vec!["a1".into(), "a2".into()]);
        full.details.date = Some(crate::time::LocalDate::of(at("2019-02-01T09:00")));
        full.details.earliest_start = Some(Moment::wall(at("2019-02-01T09:00")));
        full.details.time_zone = Some("Europe/Berlin".into());
        full.details.starts = Some(vec![Moment::parse("2025-10-26T02:30:00Z").unwrap()]);
        full.details.limit_of = Some("snapshotBytes");
        full.details.current = Some(5);
        full.details.requested = Some(6);
        full.details.limit = Some(u64::MAX);
        same_as_serde(&full);
        let block = WorkingBlockDetails {
            date: crate::time::LocalDate::of(at("2019-02-01T09:00")),
            location: "A \"x\"".into(),
            start: at("2019-02-01T09:00"),
            end: at("2019-02-02T00:00"),
            start_utc: None,
            end_utc: None,
        };
        let zoned = WorkingBlockDetails {
            start_utc: Some(Moment::parse("2019-02-01T08:00Z").unwrap()),
            end_utc: Some(Moment::parse("2019-02-01T23:00:00+00:00").unwrap()),
            ..block.clone()
        };
        full.details.hours = Some(vec![block, zoned]);
        same_as_serde(&full);
    }

    #[test]
    fn strings_and_numbers_are_written_as_serde_writes_them() {
        let mut every_control: String = (0u8..0x20).map(char::from).collect();
        every_control.push_str("\u{7f} \"q\" \\ é 𝄞 / <>");
        for text in ["", "a", "x\ny\tz\r\u{8}\u{c}", every_control.as_str()] {
            let mut out = String::new();
            write_str(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap());
        }
        for n in [0, 7, 10, 1_234_567_890, u64::MAX] {
            let mut out = String::new();
            write_u64(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn appointments_are_written_as_serde_writes_them() {
        let plain = Appointment {
            id: "a1".into(),
            doctor_id: "d\"1".into(),
            location: "Klinik Süd\n2. OG".into(),
            start: at("2024-02-29T09:15"),
            end: at("2024-02-29T09:45"),
            duration_minutes: 30,
            patient: None,
            request_id: None,
            status: AppointmentStatus::Booked,
            hold_expires: None,
            rescheduled_from: vec![],
            cancel_reason: None,
            notes: None,
            metadata: None,
            start_utc: None,
            end_utc: None,
            created_at: None,
            updated_at: None,
        };
        let held = Appointment {
            patient: Some("p\u{1}".into()),
            request_id: Some("r-1".into()),
            status: AppointmentStatus::Held,
            hold_expires: Some(Moment::wall(at("2024-02-28T10:00"))),
            rescheduled_from: vec![
                PreviousTime {
                    location: "A".into(),
                    start: at("0001-01-01T00:00"),
                    end: at("0001-01-01T00:15"),
                    start_utc: None,
                    end_utc: None,
                },
                PreviousTime {
                    location: "B\\".into(),
                    start: at("9999-12-31T23:00"),
                    end: at("9999-12-31T23:45"),
                    start_utc: Some(Moment::parse("9999-12-31T22:00:00Z").unwrap()),
                    end_utc: Some(Moment::parse("9999-12-31T22:45:00Z").unwrap()),
                },
            ],
            start_utc: Some(Moment::parse("2024-02-29T08:15:00Z").unwrap()),
            end_utc: Some(Moment::parse("2024-02-29T08:45:00Z").unwrap()),
            created_at: Some(Moment::parse("2024-02-28T09:50:00Z").unwrap()),
            updated_at: Some(Moment::parse("2024-02-28T09:55:30.5+01:00").unwrap()),
            ..plain.clone()
        };
        let cancelled = Appointment {
            status: AppointmentStatus::Cancelled,
            cancel_reason: Some("ill".into()),
            notes: Some("bring \"x-rays\"\nand a scan".into()),
            metadata: Some(
                crate::reader::read_all(br#"{"visit":"follow-up","n":[1,2.5]}"#).unwrap(),
            ),
            ..plain.clone()
        };
        for a in [plain, held, cancelled] {
            let mut out = String::new();
            a.write_json(&mut out);
            assert_eq!(out, serde_json::to_string(&a).unwrap());
        }
    }
}
