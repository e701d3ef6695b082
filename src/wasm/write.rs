//! Results as JSON text for `JSON.parse`, hand-written for the hot result types.
//!
//! Appointments and slot starts come back on every booking, lookup, listing and free-slot
//! search; through serde_json (at `opt-level = "z"`) and chrono's formatting they cost a few
//! microseconds each inside the wasm. Written here directly, they cost a fraction of that. The
//! text only has to be JSON that parses to the same values as serde's: `JSON.parse` turns it
//! into the object the caller gets, so field order is serde's and escaping may differ. Every
//! other result goes through serde_json.

use crate::core::{
    Appointment, AppointmentStatus, Change, Doctor, Error, FoundSlot, LocalDateTime,
};
use serde::Serialize;

/// A result that can be written as JSON text.
pub trait WriteJson {
    /// Appends the value's JSON text to `out`; an error says why it could not be written.
    fn write_json(&self, out: &mut String) -> Result<(), String>;
}

/// Through serde_json: the results that are not hot.
fn with_serde<T: Serialize + ?Sized>(value: &T, out: &mut String) -> Result<(), String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    out.push_str(&text);
    Ok(())
}

impl WriteJson for Doctor {
    fn write_json(&self, out: &mut String) -> Result<(), String> {
        with_serde(self, out)
    }
}

impl WriteJson for Vec<&Doctor> {
    fn write_json(&self, out: &mut String) -> Result<(), String> {
        with_serde(self, out)
    }
}

impl WriteJson for Vec<Change> {
    fn write_json(&self, out: &mut String) -> Result<(), String> {
        with_serde(self, out)
    }
}

impl WriteJson for Vec<FoundSlot> {
    fn write_json(&self, out: &mut String) -> Result<(), String> {
        with_serde(self, out)
    }
}

impl WriteJson for Vec<Error> {
    fn write_json(&self, out: &mut String) -> Result<(), String> {
        with_serde(self, out)
    }
}

impl WriteJson for Appointment {
    fn write_json(&self, out: &mut String) -> Result<(), String> {
        appointment(out, self);
        Ok(())
    }
}

impl WriteJson for Vec<&Appointment> {
    fn write_json(&self, out: &mut String) -> Result<(), String> {
        out.reserve(self.len() * 160 + 2);
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            appointment(out, item);
        }
        out.push(']');
        Ok(())
    }
}

impl WriteJson for Vec<LocalDateTime> {
    fn write_json(&self, out: &mut String) -> Result<(), String> {
        out.reserve(self.len() * 19 + 2);
        out.push('[');
        for (i, start) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            date_time(out, *start);
        }
        out.push(']');
        Ok(())
    }
}

/// An appointment with serde's field names, order and omissions (`Appointment`'s derive).
fn appointment(out: &mut String, a: &Appointment) {
    out.push_str("{\"id\":");
    string(out, &a.id);
    out.push_str(",\"doctorId\":");
    string(out, &a.doctor_id);
    out.push_str(",\"location\":");
    string(out, &a.location);
    out.push_str(",\"start\":");
    date_time(out, a.start);
    out.push_str(",\"end\":");
    date_time(out, a.end);
    out.push_str(",\"durationMinutes\":");
    number(out, u64::from(a.duration_minutes));
    if let Some(patient) = &a.patient {
        out.push_str(",\"patient\":");
        string(out, patient);
    }
    if let Some(request_id) = &a.request_id {
        out.push_str(",\"requestId\":");
        string(out, request_id);
    }
    out.push_str(match a.status {
        AppointmentStatus::Booked => ",\"status\":\"booked\"",
        AppointmentStatus::Held => ",\"status\":\"held\"",
        AppointmentStatus::Cancelled => ",\"status\":\"cancelled\"",
    });
    if let Some(expires) = a.hold_expires {
        out.push_str(",\"holdExpires\":");
        date_time(out, expires);
    }
    if !a.rescheduled_from.is_empty() {
        out.push_str(",\"rescheduledFrom\":[");
        for (i, previous) in a.rescheduled_from.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"location\":");
            string(out, &previous.location);
            out.push_str(",\"start\":");
            date_time(out, previous.start);
            out.push_str(",\"end\":");
            date_time(out, previous.end);
            out.push('}');
        }
        out.push(']');
    }
    if let Some(reason) = &a.cancel_reason {
        out.push_str(",\"cancelReason\":");
        string(out, reason);
    }
    out.push('}');
}

/// A JSON string: `"` and `\` escaped, control characters as `\u00XX`.
fn string(out: &mut String, text: &str) {
    out.push('"');
    let mut rest = text;
    while let Some(i) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
        let (plain, tail) = rest.split_at(i);
        out.push_str(plain);
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                _ => {
                    let code = u32::from(c);
                    out.push_str("\\u00");
                    out.push(hex_digit(code >> 4));
                    out.push(hex_digit(code & 0xF));
                }
            }
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

fn hex_digit(n: u32) -> char {
    char::from_digit(n, 16).unwrap_or('0')
}

/// A non-negative integer.
fn number(out: &mut String, mut n: u64) {
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

/// `"YYYY-MM-DDTHH:MM"`, as `LocalDateTime`'s `Display` writes it, without chrono or
/// `format!`: the civil date of the day number by Howard Hinnant's `civil_from_days`.
fn date_time(out: &mut String, t: LocalDateTime) {
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
        // Never for a stored appointment or a slot (years 0001 to 9999); as Display says it.
        string(out, &t.to_string());
        return;
    }
    let minute = t.minute_of_day();
    let mut text = [
        b'"', b'0', b'0', b'0', b'0', b'-', b'0', b'0', b'-', b'0', b'0', b'T', b'0', b'0', b':',
        b'0', b'0', b'"',
    ];
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

    #[test]
    fn dates_are_written_as_display_writes_them() {
        for day in (1..3_652_060).step_by(997).chain([1, 719_163, 3_652_059]) {
            for minute in [0, 59, 60, 719, 1439] {
                let t = LocalDateTime::from_day_and_minute(day, minute);
                let mut out = String::new();
                date_time(&mut out, t);
                assert_eq!(out, format!("\"{t}\""));
            }
        }
    }

    #[test]
    fn strings_parse_back() {
        for text in ["", "a", "\"q\" \\ \u{0}\u{1f} é 𝄞 \u{7f}", "x\ny\tz"] {
            let mut out = String::new();
            string(&mut out, text);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
        }
        let mut out = String::new();
        number(&mut out, 0);
        number(&mut out, 1_234_567_890);
        assert_eq!(out, "01234567890");
    }
}
