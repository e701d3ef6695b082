//! The booking rules, in the order they are checked (DESIGN §2). A request that breaks several
//! rules reports the first; nothing changes until every rule has passed.
//!
//! 0. A `requestId` seen before replays the appointment it created, if the request is the
//!    same, and fails with `REQUEST_ID_REUSED` otherwise. An explicit `id` in use fails with
//!    `DUPLICATE_ID`. (Rule 0 needs the whole hospital: [`Hospital::book`] applies it with
//!    [`is_same_request`].)
//! 1. The doctor exists; `location` is one of the doctor's locations.
//! 2. `start` and `durationMinutes` are on the slot grid.
//! 3. `[start, end)` lies inside one block of the doctor's hours on that date.
//! 4. It overlaps no booked appointment of the same doctor, at any location.
//!
//! [`Hospital::book`]: super::Hospital::book

use super::appointment::Appointment;
use super::calendar::{Calendar, Seq};
use super::doctor::{Doctor, DoctorState, WeeklyHours};
use super::error::{Error, Result};
use super::limits::{MAX_LOCATION_LEN, MAX_PATIENT_LEN, MAX_REQUEST_ID_LEN};
use super::options::HospitalOptions;
use super::time::{LocalDateTime, MINUTES_PER_DAY};
use super::validate;
use serde::Deserialize;

/// The input of `book`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BookRequest {
    /// The doctor to book.
    pub doctor_id: String,
    /// One of the doctor's locations.
    pub location: String,
    /// First minute, `YYYY-MM-DDTHH:MM`.
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
    /// An idempotency key: sending the same request again returns the same appointment.
    #[serde(default)]
    pub request_id: Option<String>,
}

impl BookRequest {
    /// Checks the free-text fields (the input itself), before any rule.
    pub fn validate(&self) -> Result<()> {
        validate::lookup_id("doctorId", &self.doctor_id)?;
        validate::text("location", &self.location, MAX_LOCATION_LEN)?;
        if let Some(patient) = &self.patient {
            validate::text("patient", patient, MAX_PATIENT_LEN)?;
        }
        if let Some(id) = &self.id {
            validate::id("id", id)?;
        }
        if let Some(request_id) = &self.request_id {
            validate::text("requestId", request_id, MAX_REQUEST_ID_LEN)?;
        }
        Ok(())
    }

    /// The duration asked for, or the hospital's default.
    pub fn duration(&self, options: &HospitalOptions) -> u32 {
        self.duration_minutes
            .unwrap_or(options.default_duration_minutes)
    }
}

/// Rule 0: whether `existing`, the appointment first created with this request's `requestId`,
/// came from the same request: same doctor, location, start, duration and patient (and the
/// same id, if the request names one).
pub fn is_same_request(existing: &Appointment, request: &BookRequest, duration: u32) -> bool {
    existing.doctor_id == request.doctor_id
        && existing.location == request.location
        && existing.start == request.start
        && existing.duration_minutes == duration
        && existing.patient == request.patient
        && request.id.as_ref().is_none_or(|id| *id == existing.id)
}

/// Rule 1, second half: the doctor works at `location`.
pub fn check_location(doctor: &Doctor, location: &str) -> Result<()> {
    if doctor.serves(location) {
        Ok(())
    } else {
        Err(Error::location_not_served(&doctor.id, location))
    }
}

/// Rule 2: `start` on the grid, `duration` a positive multiple of the slot length. Returns the
/// end of the interval.
pub fn check_grid(
    options: &HospitalOptions,
    start: LocalDateTime,
    duration: u32,
) -> Result<LocalDateTime> {
    let slot = options.slot_minutes;
    if start.minute_of_day() % i64::from(slot) != 0 {
        return Err(Error::off_grid(
            "start",
            format!("{start} is not at a multiple of {slot} minutes past midnight"),
            slot,
        ));
    }
    if duration == 0 || duration % slot != 0 {
        return Err(Error::off_grid(
            "durationMinutes",
            format!("{duration} is not a positive multiple of {slot}"),
            slot,
        ));
    }
    Ok(start.plus_minutes(i64::from(duration)))
}

/// Rule 3: `[start, end)` lies inside one block of the doctor's hours on `start`'s date, and
/// ends before [`LocalDateTime::END_OF_RANGE`].
pub fn check_hours(
    doctor: &Doctor,
    hours: &WeeklyHours,
    start: LocalDateTime,
    end: LocalDateTime,
) -> Result<()> {
    // Durations longer than a day cannot fit any block; checked here so that the message
    // stays about hours rather than arithmetic. Nobody works past the last representable
    // minute: an appointment ends before 10000-01-01T00:00, so that its end can be written.
    if end.minutes_since(start) <= MINUTES_PER_DAY
        && end < LocalDateTime::END_OF_RANGE
        && hours.contains(start, end)
    {
        Ok(())
    } else {
        Err(Error::outside_hours(&doctor.id, start, end))
    }
}

/// Rule 4: `[start, end)` overlaps no booked appointment in `calendar`. `id_of` names the one
/// in the way.
pub fn check_free(
    calendar: &Calendar,
    start: LocalDateTime,
    end: LocalDateTime,
    id_of: impl Fn(Seq) -> String,
) -> Result<()> {
    match calendar.overlapping(start, end) {
        None => Ok(()),
        Some(seq) => Err(Error::slot_taken(&id_of(seq))),
    }
}

/// Rules 1 (location) to 4 for one doctor, in order. Returns the end of the interval.
pub fn check_rules(
    options: &HospitalOptions,
    state: &DoctorState,
    location: &str,
    start: LocalDateTime,
    duration: u32,
    id_of: impl Fn(Seq) -> String,
) -> Result<LocalDateTime> {
    check_location(&state.doctor, location)?;
    let end = check_grid(options, start, duration)?;
    check_hours(&state.doctor, &state.hours, start, end)?;
    check_free(&state.calendar, start, end, id_of)?;
    Ok(end)
}
