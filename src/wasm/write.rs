//! Results as JSON text for `JSON.parse`: appointments and slot starts, the results of every
//! booking, lookup, listing and free-slot search, by the engine's hand-written writer
//! (`Appointment::write_json`, `LocalDateTime::write_json`); every other result through
//! serde_json.

use crate::engine::{Appointment, Change, Doctor, Error, FoundSlot, LocalDateTime};
use serde::Serialize;

/// A result that can be written as JSON text.
pub(super) trait WriteJson {
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
        self.write_json(out);
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
            item.write_json(out);
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
            start.write_json(out);
        }
        out.push(']');
        Ok(())
    }
}
