//! The inputs of the read-only calls that list and search: `appointments`, `availableSlots`,
//! `findSlots`; and the time windows they describe.

use crate::error::{Error, Result};
use crate::reader::{read_choice, read_object};
use crate::time::{Bound, Moment};

/// Which appointments `appointments` lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
    /// Only holds that lapsed.
    Expired,
    /// All of them.
    All,
}

read_choice!(StatusFilter {
    Active = "active",
    Booked = "booked",
    Held = "held",
    Cancelled = "cancelled",
    Expired = "expired",
    All = "all",
});

/// The options of `appointments`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppointmentQuery {
    /// Start of the window: a date (its midnight) or a date-time. Default: all time.
    pub from: Option<String>,
    /// End of the window, exclusive: a date (including that whole day) or a date-time.
    pub to: Option<String>,
    /// Which statuses to list; `active` (booked and held) by default.
    pub status: Option<StatusFilter>,
    /// The caller's current time: holds that have lapsed by then are left out.
    pub now: Option<Moment>,
    /// At most this many, the first ones (a page).
    pub limit: Option<u32>,
    /// Only those after this appointment in the listing's order (the next page): the id of
    /// the last one of the previous page.
    pub after: Option<String>,
}

read_object!(AppointmentQuery {
    from: "from" optional,
    to: "to" optional,
    status: "status" optional,
    now: "now" optional,
    limit: "limit" optional,
    after: "after" optional,
});

/// The input of `findAppointments`: appointments across doctors, by patient, location, doctor
/// and time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindAppointmentsQuery {
    /// Only this patient's.
    pub patient: Option<String>,
    /// Only those at this location.
    pub location: Option<String>,
    /// Only this doctor's.
    pub doctor_id: Option<String>,
    /// Start of the window: a date or a date-time. Default: all time.
    pub from: Option<String>,
    /// End of the window, exclusive.
    pub to: Option<String>,
    /// Which statuses; `active` by default.
    pub status: Option<StatusFilter>,
    /// The caller's current time: holds that have lapsed by then are left out.
    pub now: Option<Moment>,
    /// At most this many (a page).
    pub limit: Option<u32>,
    /// Only those after this appointment in the order listed (the next page).
    pub after: Option<String>,
}

read_object!(FindAppointmentsQuery {
    patient: "patient" optional,
    location: "location" optional,
    doctor_id: "doctorId" optional,
    from: "from" optional,
    to: "to" optional,
    status: "status" optional,
    now: "now" optional,
    limit: "limit" optional,
    after: "after" optional,
});

/// The input of `workingHours`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHoursQuery {
    /// The first date: a date (or a date-time, whose date counts).
    pub from: String,
    /// The last date, included.
    pub to: String,
    /// Only this location.
    pub location: Option<String>,
}

read_object!(WorkingHoursQuery {
    from: "from" required,
    to: "to" required,
    location: "location" optional,
});

/// The options of `availableSlots`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotQuery {
    /// Start of the window: a date or a date-time.
    pub from: String,
    /// End of the window, exclusive: a date (including that whole day) or a date-time.
    pub to: String,
    /// Length of the wanted appointment; the hospital's default when absent.
    pub duration_minutes: Option<u32>,
    /// Only slots bookable at this location (one of the doctor's).
    pub location: Option<String>,
    /// At most this many slots, earliest first.
    pub limit: Option<u32>,
    /// The caller's current time: needed when the hospital has a minimum notice or a horizon;
    /// lets an expired hold free its time.
    pub now: Option<Moment>,
}

read_object!(SlotQuery {
    from: "from" required,
    to: "to" required,
    duration_minutes: "durationMinutes" optional,
    location: "location" optional,
    limit: "limit" optional,
    now: "now" optional,
});

/// The input of `findSlots`: free slots across doctors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindSlotsQuery {
    /// Only doctors who work here, and only slots here.
    pub location: Option<String>,
    /// Only these doctors; every doctor when absent.
    pub doctor_ids: Option<Vec<String>>,
    /// Start of the window: a date or a date-time.
    pub from: String,
    /// End of the window, exclusive: a date (including that whole day) or a date-time.
    pub to: String,
    /// Length of the wanted appointment; the hospital's default when absent.
    pub duration_minutes: Option<u32>,
    /// At most this many slots (required, at most 1,000).
    pub limit: u32,
    /// The caller's current time, as for `availableSlots`.
    pub now: Option<Moment>,
}

read_object!(FindSlotsQuery {
    location: "location" optional,
    doctor_ids: "doctorIds" optional,
    from: "from" required,
    to: "to" required,
    duration_minutes: "durationMinutes" optional,
    limit: "limit" required,
    now: "now" optional,
});

/// A half-open window `[from, to)` as given; an absent bound is open. The hospital reads it in
/// a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// Inclusive start.
    pub from: Option<Moment>,
    /// Exclusive end.
    pub to: Option<Moment>,
}

impl Window {
    /// Parses the bounds (`from`: a date means its midnight; `to`: a date includes that day).
    pub(crate) fn parse(from: Option<&str>, to: Option<&str>) -> Result<Self> {
        let from = from
            .map(|f| Moment::parse_bound(f, Bound::From))
            .transpose()
            .map_err(|reason| Error::invalid_input("from", reason))?;
        let to = to
            .map(|t| Moment::parse_bound(t, Bound::To))
            .transpose()
            .map_err(|reason| Error::invalid_input("to", reason))?;
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
        let w = Window::parse(Some("2019-02-01T10:00Z"), None).unwrap();
        assert_eq!(w.from.unwrap().to_string(), "2019-02-01T10:00:00Z");
        let e = Window::parse(Some("2019-02-30"), None).unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("from"));
    }
}
