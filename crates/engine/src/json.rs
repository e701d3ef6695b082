//! JSON text for the values written most, by hand: appointments as the API returns them
//! ([`Appointment::write_json`], [`AppointmentView::write_json`]), appointments as rows of a
//! snapshot, date-times ([`LocalDateTime::write_json`]), strings and numbers; and the lengths of
//! those texts, which the hospital counts to know the size of its snapshot without writing it.
//!
//! Through serde_json (at `opt-level = "z"`) and chrono's formatting each appointment costs a few
//! microseconds; written here it costs a fraction of that. The text is byte for byte what
//! serde_json writes for the same value (the same field order, omissions and escapes), so
//! snapshots stay deterministic whichever writer wrote them; the tests below hold the two to
//! that.

use crate::appointment::{Appointment, AppointmentStatus, PreviousTime};
use crate::doctor::Doctor;
use crate::hospital::{AppointmentId, AppointmentView};
use crate::store::{Record, Requested, Status};
use crate::time::LocalDateTime;

impl Appointment {
    /// Appends the appointment as JSON text to `out`, byte for byte what serde_json writes for
    /// it (its `Serialize`), several times faster.
    pub fn write_json(&self, out: &mut String) {
        write_fields(out, &Fields::of_appointment(self));
    }
}

impl LocalDateTime {
    /// Appends the date-time as a JSON string to `out` (`"YYYY-MM-DDTHH:MM"`), byte for byte
    /// what serde_json writes for it, without chrono or `format!`.
    pub fn write_json(self, out: &mut String) {
        write_date_time(out, self);
    }
}

/// The fields of an appointment, borrowed from an [`Appointment`] or a view.
pub(crate) struct Fields<'a> {
    id: AppointmentId<'a>,
    doctor_id: &'a str,
    location: &'a str,
    start: LocalDateTime,
    duration: u32,
    patient: Option<&'a str>,
    request_id: Option<&'a str>,
    status: AppointmentStatus,
    hold_expires: Option<LocalDateTime>,
    rescheduled_from: &'a [PreviousTime],
    cancel_reason: Option<&'a str>,
    notes: Option<&'a str>,
    metadata: Option<&'a str>,
    /// What the first request asked for (snapshot rows only: the API does not show it).
    requested: Option<&'a Requested>,
}

impl<'a> Fields<'a> {
    fn of_appointment(a: &'a Appointment) -> Self {
        Fields {
            id: AppointmentId::Named(&a.id),
            doctor_id: &a.doctor_id,
            location: &a.location,
            start: a.start,
            duration: a.duration_minutes,
            patient: a.patient.as_deref(),
            request_id: a.request_id.as_deref(),
            status: a.status,
            hold_expires: a.hold_expires,
            rescheduled_from: &a.rescheduled_from,
            cancel_reason: a.cancel_reason.as_deref(),
            notes: a.notes.as_deref(),
            metadata: a.metadata.as_ref().map(|m| m.as_json()),
            requested: None,
        }
    }

    pub(crate) fn of_view(v: &AppointmentView<'a>) -> Self {
        Fields {
            id: v.id(),
            doctor_id: v.doctor_id(),
            location: v.location(),
            start: v.start(),
            duration: v.duration_minutes(),
            patient: v.patient(),
            request_id: v.request_id(),
            status: v.status(),
            hold_expires: v.hold_expires(),
            rescheduled_from: v.rescheduled_from(),
            cancel_reason: v.cancel_reason(),
            notes: v.notes(),
            metadata: v.metadata(),
            requested: None,
        }
    }
}

fn status_text(status: AppointmentStatus) -> &'static str {
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

/// Appends an appointment as the API returns it (as serde_json writes `Appointment`).
pub(crate) fn write_appointment(out: &mut String, view: &AppointmentView<'_>) {
    write_fields(out, &Fields::of_view(view));
}

fn write_fields(out: &mut String, a: &Fields<'_>) {
    out.push_str("{\"id\":");
    write_id(out, a.id);
    out.push_str(",\"doctorId\":");
    write_str(out, a.doctor_id);
    out.push_str(",\"location\":");
    write_str(out, a.location);
    out.push_str(",\"start\":");
    write_date_time(out, a.start);
    out.push_str(",\"end\":");
    write_date_time(out, a.start.plus_minutes(i64::from(a.duration)));
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
        write_date_time(out, expires);
    }
    if !a.rescheduled_from.is_empty() {
        out.push_str(",\"rescheduledFrom\":");
        write_trace(out, a.rescheduled_from);
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
    out.push('}');
}

fn write_trace(out: &mut String, trace: &[PreviousTime]) {
    out.push('[');
    for (i, previous) in trace.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"location\":");
        write_str(out, &previous.location);
        out.push_str(",\"start\":");
        write_date_time(out, previous.start);
        out.push_str(",\"end\":");
        write_date_time(out, previous.end);
        out.push('}');
    }
    out.push(']');
}

// ---------------------------------------------------------------------------------------------
// Snapshot rows (format version 3)

/// Appends an appointment as a row of a version 3 snapshot:
/// `["id","doctorId","location","start",durationMinutes,"status",patient|null]`, and, when the
/// appointment has any of them, an object of `requestId`, `holdExpires`, `rescheduledFrom`,
/// `cancelReason`, `notes`, `metadata` and `requested` as an eighth item.
pub(crate) fn write_row(out: &mut String, view: &AppointmentView<'_>) {
    let a = Fields {
        requested: view.requested(),
        ..Fields::of_view(view)
    };
    out.push('[');
    write_id(out, a.id);
    out.push(',');
    write_str(out, a.doctor_id);
    out.push(',');
    write_str(out, a.location);
    out.push(',');
    write_date_time(out, a.start);
    out.push(',');
    write_u64(out, u64::from(a.duration));
    out.push_str(",\"");
    out.push_str(status_text(a.status));
    out.push_str("\",");
    match a.patient {
        Some(patient) => write_str(out, patient),
        None => out.push_str("null"),
    }
    if has_extras(&a) {
        out.push(',');
        write_extras(out, &a);
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
        write_date_time(out, expires);
    }
    if !a.rescheduled_from.is_empty() {
        key(out, "rescheduledFrom");
        write_trace(out, a.rescheduled_from);
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
    if let Some(requested) = a.requested {
        key(out, "requested");
        write_requested(out, requested);
    }
    out.push('}');
}

/// `{"held":true,"location":…,"start":…,"durationMinutes":…,"patient":…}`, `held` and
/// `patient` only when there is one (as the snapshot reader's defaults say).
fn write_requested(out: &mut String, requested: &Requested) {
    out.push('{');
    if requested.held {
        out.push_str("\"held\":true,");
    }
    out.push_str("\"location\":");
    write_str(out, &requested.location);
    out.push_str(",\"start\":");
    write_date_time(out, requested.start);
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
pub(crate) fn row_bytes(record: &Record, doctor_id: &str, location: &str) -> u64 {
    let id = match (
        record.number,
        record.extra.as_ref().and_then(|e| e.id.as_deref()),
    ) {
        (0, Some(id)) => str_bytes(id),
        (n, _) => 3 + digits(n),
    };
    // A hold counts as the expired appointment it may become without a change of its own (when
    // a later call moves the clock past it), so that expiring never grows the count.
    let status = match record.status {
        Status::Booked => "booked",
        Status::Cancelled => "cancelled",
        Status::Held | Status::Expired | Status::Gone => "expired",
    };
    let patient = record.patient.as_deref().map_or(4, str_bytes);
    let extras = match &record.extra {
        Some(extra) => {
            let fields = Fields {
                id: AppointmentId::Assigned(0),
                doctor_id,
                location,
                start: record.start,
                duration: 0,
                patient: None,
                request_id: extra.request_id.as_deref(),
                status: AppointmentStatus::Booked,
                hold_expires: extra.hold_expires,
                rescheduled_from: &extra.rescheduled_from,
                cancel_reason: extra.cancel_reason.as_deref(),
                notes: extra.notes.as_deref(),
                metadata: extra.metadata.as_deref(),
                requested: extra.requested.as_deref(),
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
        + 18
        + digits(u64::from(record.duration))
        + 2
        + status.len() as u64
        + patient
        + extras
        + 2
}

/// A doctor as JSON text (through serde_json: doctors are few and written rarely).
pub(crate) fn doctor_text(doctor: &Doctor) -> String {
    serde_json::to_string(doctor).unwrap_or_default()
}

/// The bytes a line of `text` takes in a snapshot: the text, its line break and a comma.
pub(crate) fn line_bytes(text: &str) -> u64 {
    text.len() as u64 + 2
}

/// The length of `text` as a JSON string, quotes included.
pub(crate) fn str_bytes(text: &str) -> u64 {
    let mut length = text.len() as u64 + 2;
    for b in text.bytes() {
        length += match b {
            b'"' | b'\\' | 0x08 | b'\t' | b'\n' | 0x0c | b'\r' => 1,
            0..=0x1f => 5,
            _ => 0,
        };
    }
    length
}

/// The digits of `n`.
pub(crate) fn digits(mut n: u64) -> u64 {
    let mut count = 1;
    while n >= 10 {
        n /= 10;
        count += 1;
    }
    count
}

/// Appends a JSON string as serde_json escapes it: `"` and `\`, the short escapes `\b \t \n \f
/// \r`, other control characters as `\u00xx`; everything else as it is.
pub(crate) fn write_str(out: &mut String, text: &str) {
    out.push('"');
    let mut rest = text;
    while let Some(i) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
        let (plain, tail) = rest.split_at(i);
        out.push_str(plain);
        let mut chars = tail.chars();
        match chars.next() {
            Some('"') => out.push_str("\\\""),
            Some('\\') => out.push_str("\\\\"),
            Some('\u{8}') => out.push_str("\\b"),
            Some('\t') => out.push_str("\\t"),
            Some('\n') => out.push_str("\\n"),
            Some('\u{c}') => out.push_str("\\f"),
            Some('\r') => out.push_str("\\r"),
            Some(c) => {
                let code = u32::from(c);
                out.push_str("\\u00");
                out.push(hex_digit(code >> 4));
                out.push(hex_digit(code & 0xF));
            }
            None => {}
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

fn hex_digit(n: u32) -> char {
    char::from_digit(n, 16).unwrap_or('0')
}

/// Appends a non-negative integer.
pub(crate) fn write_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut length = 0;
    loop {
        if let Some(slot) = digits.get_mut(length) {
            *slot = b'0' + (n % 10) as u8;
        }
        length += 1;
        n /= 10;
        if n == 0 || length == digits.len() {
            break;
        }
    }
    for digit in digits.iter().take(length).rev() {
        out.push(char::from(*digit));
    }
}

/// Appends `"YYYY-MM-DDTHH:MM"` as `LocalDateTime`'s `Display` writes it, without chrono or
/// `format!`: the civil date of the day number by Howard Hinnant's `civil_from_days`.
pub(crate) fn write_date_time(out: &mut String, t: LocalDateTime) {
    // chrono's num_days_from_ce of 1970-01-01 is 719,163; the algorithm counts from 0000-03-01.
    let z = t.day() - 719_163 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(1..=9999).contains(&year) {
        // Never for a stored time (years 0001 to 9999); as Display says it.
        write_str(out, &t.to_string());
        return;
    }
    let minute = t.minute_of_day();
    let mut text = *b"\"0000-00-00T00:00\"";
    let fields = [
        (1, 4, year),
        (6, 2, month),
        (9, 2, day),
        (12, 2, minute / 60),
        (15, 2, minute % 60),
    ];
    for (at, width, mut value) in fields {
        for i in (at..at + width).rev() {
            if let Some(slot) = text.get_mut(i) {
                *slot = b'0' + (value % 10) as u8;
            }
            value /= 10;
        }
    }
    out.push_str(std::str::from_utf8(&text).unwrap_or("\"\""));
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
        };
        let held = Appointment {
            patient: Some("p\u{1}".into()),
            request_id: Some("r-1".into()),
            status: AppointmentStatus::Held,
            hold_expires: Some(at("2024-02-28T10:00")),
            rescheduled_from: vec![
                PreviousTime {
                    location: "A".into(),
                    start: at("0001-01-01T00:00"),
                    end: at("0001-01-01T00:15"),
                },
                PreviousTime {
                    location: "B\\".into(),
                    start: at("9999-12-31T23:00"),
                    end: at("9999-12-31T23:45"),
                },
            ],
            ..plain.clone()
        };
        let cancelled = Appointment {
            status: AppointmentStatus::Cancelled,
            cancel_reason: Some("ill".into()),
            notes: Some("bring \"x-rays\"\nand a scan".into()),
            metadata: Some(serde_json::from_str(r#"{"visit":"follow-up","n":[1,2.5]}"#).unwrap()),
            ..plain.clone()
        };
        for a in [plain, held, cancelled] {
            let mut out = String::new();
            a.write_json(&mut out);
            assert_eq!(out, serde_json::to_string(&a).unwrap());
        }
    }
}
