//! The argument objects of the calls other than `book` and the doctor calls: listing, slot
//! search, cancelling, holds, rescheduling, explaining; and the time windows they describe.

use crate::error::{Error, Result};
use crate::time::{Bound, LocalDateTime};
use serde::{Deserialize, Serialize};

/// Which appointments `appointments` lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    /// Those that take their time: booked ones and live holds (the default).
    #[default]
    Active,
    /// Only booked ones.
    Booked,
    /// Only live holds.
    Held,
    /// Only cancelled ones.
    Cancelled,
    /// All of them.
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
    /// Which statuses to list; `active` (booked and held) by default.
    #[serde(default)]
    pub status: Option<StatusFilter>,
    /// The caller's current time: holds that have lapsed by then are left out.
    #[serde(default)]
    pub now: Option<LocalDateTime>,
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
    /// The caller's current time: needed when the hospital has a minimum notice or a horizon;
    /// lets an expired hold free its time.
    #[serde(default)]
    pub now: Option<LocalDateTime>,
}

/// The input of `findSlots`: free slots across doctors.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FindSlotsQuery {
    /// Only doctors who work here, and only slots here.
    #[serde(default)]
    pub location: Option<String>,
    /// Only these doctors; every doctor when absent.
    #[serde(default)]
    pub doctor_ids: Option<Vec<String>>,
    /// Start of the window: a date or a date-time.
    pub from: String,
    /// End of the window, exclusive: a date (including that whole day) or a date-time.
    pub to: String,
    /// Length of the wanted appointment; the hospital's default when absent.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// At most this many slots (required, at most 1,000).
    pub limit: u32,
    /// The caller's current time, as for `availableSlots`.
    #[serde(default)]
    pub now: Option<LocalDateTime>,
}

/// One result of `findSlots`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FoundSlot {
    /// The doctor who is free.
    pub doctor_id: String,
    /// Where: the location asked for, or the first of the doctor's where the slot fits.
    pub location: String,
    /// First minute.
    pub start: LocalDateTime,
}

/// The input of `hold`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HoldRequest {
    /// The doctor.
    pub doctor_id: String,
    /// One of the doctor's locations.
    pub location: String,
    /// First minute.
    pub start: LocalDateTime,
    /// Length in minutes; the hospital's default when absent.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// The host's reference to the patient.
    #[serde(default)]
    pub patient: Option<String>,
    /// An id of the host's choosing; when absent the hospital assigns one.
    #[serde(default)]
    pub id: Option<String>,
    /// An idempotency key, as for `book`.
    #[serde(default)]
    pub request_id: Option<String>,
    /// The caller's current time (required).
    pub now: LocalDateTime,
    /// How long the hold lasts, in minutes from `now` (1 to a week).
    pub ttl_minutes: u32,
}

/// The options of `confirm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmOptions {
    /// The caller's current time (required): a hold that has lapsed by then cannot be
    /// confirmed.
    pub now: LocalDateTime,
}

/// The input of `reschedule`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RescheduleRequest {
    /// The new start.
    pub start: LocalDateTime,
    /// The new location; the current one when absent.
    #[serde(default)]
    pub location: Option<String>,
    /// The new length; the current one when absent.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// The caller's current time, as for `book`.
    #[serde(default)]
    pub now: Option<LocalDateTime>,
}

/// The input of `explain`: a time to check against every booking rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExplainRequest {
    /// The doctor.
    pub doctor_id: String,
    /// The location.
    pub location: String,
    /// First minute.
    pub start: LocalDateTime,
    /// Length in minutes; the hospital's default when absent.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// The caller's current time, as for `book`.
    #[serde(default)]
    pub now: Option<LocalDateTime>,
    /// The patient, for the patient-overlap rule.
    #[serde(default)]
    pub patient: Option<String>,
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
