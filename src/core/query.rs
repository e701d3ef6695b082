//! The option objects of the read and cancel calls, and the time windows they describe.

use super::error::{Error, Result};
use super::time::{Bound, LocalDateTime};
use serde::Deserialize;

/// Which appointments `appointments` lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    /// Only those that hold their time (the default).
    #[default]
    Booked,
    /// Only cancelled ones.
    Cancelled,
    /// Both.
    All,
}

/// The options of `appointments`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentQuery {
    /// Start of the window: a date (its midnight) or a date-time. Default: all time.
    #[serde(default)]
    pub from: Option<String>,
    /// End of the window, exclusive: a date (including that whole day) or a date-time.
    #[serde(default)]
    pub to: Option<String>,
    /// Which statuses to list; `booked` by default.
    #[serde(default)]
    pub status: Option<StatusFilter>,
}

/// The options of `availableSlots`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlotQuery {
    /// Start of the window: a date or a date-time.
    pub from: String,
    /// End of the window, exclusive: a date (including that whole day) or a date-time.
    pub to: String,
    /// Length of the wanted appointment; the hospital's default when absent.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// Only slots bookable at this location (one of the doctor's).
    #[serde(default)]
    pub location: Option<String>,
    /// At most this many slots, earliest first.
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The options of `updateDoctor` and `removeDoctor`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeOptions {
    /// Cancel the booked appointments that the change would orphan, instead of failing with
    /// `HAS_APPOINTMENTS`.
    #[serde(default)]
    pub cancel_appointments: Option<bool>,
}

impl ChangeOptions {
    /// Whether to cancel the appointments in the way (`cancelAppointments: true`).
    pub fn cancels(&self) -> bool {
        self.cancel_appointments == Some(true)
    }
}

/// The options of `cancel`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelOptions {
    /// Why, kept on the appointment as `cancelReason`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A half-open window `[from, to)`; an absent bound is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Inclusive start.
    pub from: Option<LocalDateTime>,
    /// Exclusive end.
    pub to: Option<LocalDateTime>,
}

impl Window {
    /// Parses the bounds (`from`: a date means its midnight; `to`: a date includes that day).
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Self> {
        let from = from
            .map(|f| LocalDateTime::parse_bound(f, Bound::From))
            .transpose()
            .map_err(|reason| Error::invalid_input("from", reason))?;
        let to = to
            .map(|t| LocalDateTime::parse_bound(t, Bound::To))
            .transpose()
            .map_err(|reason| Error::invalid_input("to", reason))?;
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                return Err(Error::invalid_input(
                    "to",
                    format!("{to} is before from ({from})"),
                ));
            }
        }
        Ok(Window { from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_both_shapes_and_refuse_reversed_bounds() {
        let w = Window::parse(Some("2019-02-01"), Some("2019-02-01")).unwrap();
        assert_eq!(w.from.unwrap().to_string(), "2019-02-01T00:00");
        assert_eq!(w.to.unwrap().to_string(), "2019-02-02T00:00");
        assert_eq!(
            Window::parse(None, None).unwrap(),
            Window {
                from: None,
                to: None
            }
        );
        let e = Window::parse(Some("2019-02-02"), Some("2019-02-01T10:00")).unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("to"));
        let e = Window::parse(Some("2019-02-30"), None).unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("from"));
    }
}
