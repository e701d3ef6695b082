//! JSON text for the values written most: appointments and date-times, by hand
//! ([`Appointment::write_json`], [`LocalDateTime::write_json`]; the wasm binding writes the
//! results of its hot calls with them, and snapshots their appointments).
//!
//! A snapshot is mostly appointments, and every booking, lookup, listing and slot search returns
//! appointments or date-times. Through serde_json (at `opt-level = "z"`) and chrono's
//! formatting each costs a few microseconds; written here it costs a fraction of that. The text
//! is byte for byte what serde_json writes for the same value (the same field order, omissions
//! and escapes), so snapshots stay deterministic whichever writer wrote them; the tests below
//! hold the two to that.

use crate::appointment::{Appointment, AppointmentStatus};
use crate::time::LocalDateTime;

impl Appointment {
    /// Appends the appointment as JSON text to `out`, byte for byte what serde_json writes for
    /// it (its `Serialize`), several times faster.
    pub fn write_json(&self, out: &mut String) {
        write_appointment(out, self);
    }
}

impl LocalDateTime {
    /// Appends the date-time as a JSON string to `out` (`"YYYY-MM-DDTHH:MM"`), byte for byte
    /// what serde_json writes for it, without chrono or `format!`.
    pub fn write_json(self, out: &mut String) {
        write_date_time(out, self);
    }
}

/// Appends `a` as serde_json writes it (`Appointment`'s derive).
pub(crate) fn write_appointment(out: &mut String, a: &Appointment) {
    out.push_str("{\"id\":");
    write_str(out, &a.id);
    out.push_str(",\"doctorId\":");
    write_str(out, &a.doctor_id);
    out.push_str(",\"location\":");
    write_str(out, &a.location);
    out.push_str(",\"start\":");
    write_date_time(out, a.start);
    out.push_str(",\"end\":");
    write_date_time(out, a.end);
    out.push_str(",\"durationMinutes\":");
    write_u64(out, u64::from(a.duration_minutes));
    if let Some(patient) = &a.patient {
        out.push_str(",\"patient\":");
        write_str(out, patient);
    }
    if let Some(request_id) = &a.request_id {
        out.push_str(",\"requestId\":");
        write_str(out, request_id);
    }
    out.push_str(match a.status {
        AppointmentStatus::Booked => ",\"status\":\"booked\"",
        AppointmentStatus::Held => ",\"status\":\"held\"",
        AppointmentStatus::Cancelled => ",\"status\":\"cancelled\"",
    });
    if let Some(expires) = a.hold_expires {
        out.push_str(",\"holdExpires\":");
        write_date_time(out, expires);
    }
    if !a.rescheduled_from.is_empty() {
        out.push_str(",\"rescheduledFrom\":[");
        for (i, previous) in a.rescheduled_from.iter().enumerate() {
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
    if let Some(reason) = &a.cancel_reason {
        out.push_str(",\"cancelReason\":");
        write_str(out, reason);
    }
    out.push('}');
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
            ..plain.clone()
        };
        for a in [plain, held, cancelled] {
            let mut out = String::new();
            write_appointment(&mut out, &a);
            assert_eq!(out, serde_json::to_string(&a).unwrap());
        }
    }
}
