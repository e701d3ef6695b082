//! Errors with stable codes.
//!
//! Every failure of the engine is an [`Error`]: a [`ErrorCode`] callers can branch on, a
//! readable message, and [`Details`] with what the caller needs to act. The codes are part of
//! the public contract (the README's table of error codes); their spelling never changes.

use crate::limits::{MAX_FIELD_PATH_LEN, MAX_MESSAGE_LEN};
use crate::path::join_path;
use crate::time::{LocalDate, LocalDateTime, Moment};
use crate::words::{Quoted, QuotedList};
use serde::Serialize;
use std::fmt;

/// The stable code of an [`Error`], spelled `SCREAMING_SNAKE_CASE` on the JS side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// Wrong type, missing field, unparseable date or time, empty or too long a string,
    /// unknown field, a value out of range.
    InvalidInput,
    /// No doctor has that id.
    DoctorNotFound,
    /// No appointment has that id.
    AppointmentNotFound,
    /// `addDoctor` or `book` with an id already in use.
    DuplicateId,
    /// The doctor does not work at that location.
    LocationNotServed,
    /// A start or a duration that is not on the slot grid.
    OffGrid,
    /// The interval is not inside one block of the doctor's hours that day.
    OutsideHours,
    /// The interval overlaps a booked appointment or a live hold of the same doctor.
    SlotTaken,
    /// Cancelling an appointment that is already cancelled.
    AlreadyCancelled,
    /// A `requestId` seen before, sent with a different request.
    RequestIdReused,
    /// An update or removal would orphan booked appointments.
    HasAppointments,
    /// A snapshot that is malformed or inconsistent.
    InvalidSnapshot,
    /// A snapshot written by a newer format version.
    UnsupportedVersion,
    /// `changesSince` for a revision older than the retained change log.
    ChangesUnavailable,
    /// `applyChanges` with a change that does not follow the hospital's revision.
    RevisionMismatch,
    /// The start is in the past, or sooner than the hospital's minimum notice.
    TooSoon,
    /// The start is further ahead than the hospital's booking horizon.
    BeyondHorizon,
    /// The patient already has an appointment at an overlapping time (hospitals with
    /// `preventPatientOverlap`).
    PatientBusy,
    /// Confirming a hold that has lapsed.
    HoldExpired,
    /// Confirming an appointment that is not a hold.
    NotHeld,
    /// The hospital is as large as it may grow: its snapshot would pass `maxSnapshotBytes`, or
    /// it holds the most doctors or appointments it can, or it has counted its last revision.
    HospitalFull,
    /// A wall-clock time that does not exist in the zone: the clocks skip it (spring forward).
    NonexistentTime,
    /// A wall-clock time that happens twice in the zone (the clocks go back over it), given
    /// without an offset to say which.
    AmbiguousTime,
}

impl ErrorCode {
    /// Every code, in the order of the README's table.
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::InvalidInput,
        ErrorCode::DoctorNotFound,
        ErrorCode::AppointmentNotFound,
        ErrorCode::DuplicateId,
        ErrorCode::LocationNotServed,
        ErrorCode::OffGrid,
        ErrorCode::OutsideHours,
        ErrorCode::SlotTaken,
        ErrorCode::AlreadyCancelled,
        ErrorCode::RequestIdReused,
        ErrorCode::HasAppointments,
        ErrorCode::InvalidSnapshot,
        ErrorCode::UnsupportedVersion,
        ErrorCode::ChangesUnavailable,
        ErrorCode::RevisionMismatch,
        ErrorCode::TooSoon,
        ErrorCode::BeyondHorizon,
        ErrorCode::PatientBusy,
        ErrorCode::HoldExpired,
        ErrorCode::NotHeld,
        ErrorCode::HospitalFull,
        ErrorCode::NonexistentTime,
        ErrorCode::AmbiguousTime,
    ];

    /// The code as JS sees it, e.g. `"SLOT_TAKEN"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::DoctorNotFound => "DOCTOR_NOT_FOUND",
            ErrorCode::AppointmentNotFound => "APPOINTMENT_NOT_FOUND",
            ErrorCode::DuplicateId => "DUPLICATE_ID",
            ErrorCode::LocationNotServed => "LOCATION_NOT_SERVED",
            ErrorCode::OffGrid => "OFF_GRID",
            ErrorCode::OutsideHours => "OUTSIDE_HOURS",
            ErrorCode::SlotTaken => "SLOT_TAKEN",
            ErrorCode::AlreadyCancelled => "ALREADY_CANCELLED",
            ErrorCode::RequestIdReused => "REQUEST_ID_REUSED",
            ErrorCode::HasAppointments => "HAS_APPOINTMENTS",
            ErrorCode::InvalidSnapshot => "INVALID_SNAPSHOT",
            ErrorCode::UnsupportedVersion => "UNSUPPORTED_VERSION",
            ErrorCode::ChangesUnavailable => "CHANGES_UNAVAILABLE",
            ErrorCode::RevisionMismatch => "REVISION_MISMATCH",
            ErrorCode::TooSoon => "TOO_SOON",
            ErrorCode::BeyondHorizon => "BEYOND_HORIZON",
            ErrorCode::PatientBusy => "PATIENT_BUSY",
            ErrorCode::HoldExpired => "HOLD_EXPIRED",
            ErrorCode::NotHeld => "NOT_HELD",
            ErrorCode::HospitalFull => "HOSPITAL_FULL",
            ErrorCode::NonexistentTime => "NONEXISTENT_TIME",
            ErrorCode::AmbiguousTime => "AMBIGUOUS_TIME",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a caller needs to act on an error. Only the fields that apply are set; they cross to
/// JS as a plain object with camelCase keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    /// The input field at fault, as a path: `"start"`, `"schedule[1].end"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The doctor concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doctor_id: Option<String>,
    /// The appointment concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_id: Option<String>,
    /// The id that is already in use (`DUPLICATE_ID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The location asked for (`LOCATION_NOT_SERVED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The booked appointment in the way (`SLOT_TAKEN`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicting_appointment_id: Option<String>,
    /// The booked appointments in the way, by start (`HAS_APPOINTMENTS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_ids: Option<Vec<String>>,
    /// The request id sent again (`REQUEST_ID_REUSED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The hospital's slot length in minutes (`OFF_GRID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot_minutes: Option<u32>,
    /// Where in a snapshot the first problem is: `"appointments[3].start"` (`INVALID_SNAPSHOT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The snapshot's format version (`UNSUPPORTED_VERSION`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// The newest format version this build reads (`UNSUPPORTED_VERSION`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported_version: Option<u32>,
    /// The revision asked for or found (`CHANGES_UNAVAILABLE`, `REVISION_MISMATCH`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
    /// The oldest revision `changesSince` still answers for (`CHANGES_UNAVAILABLE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oldest_revision: Option<u64>,
    /// The revision the next change must carry (`REVISION_MISMATCH`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_revision: Option<u64>,
    /// Which rule: `"closedByOverride"`, `"timeOff"`, `"notServedThere"` (`OUTSIDE_HOURS`
    /// other than the weekly hours), `"inThePast"` (`TOO_SOON`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The overridden date (`OUTSIDE_HOURS`, `closedByOverride`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<LocalDate>,
    /// The time off in the way (`OUTSIDE_HOURS`, `timeOff`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_off: Option<TimeOffDetails>,
    /// The doctor's open blocks on the start's date, at every location (`OUTSIDE_HOURS`): when
    /// the doctor does work that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<Vec<WorkingBlockDetails>>,
    /// The locations where the doctor works at that time (`OUTSIDE_HOURS`, `notServedThere`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<String>>,
    /// The earliest start allowed now (`TOO_SOON`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest_start: Option<Moment>,
    /// The latest start allowed now (`BEYOND_HORIZON`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_start: Option<Moment>,
    /// The patient concerned (`PATIENT_BUSY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// When the hold lapsed (`HOLD_EXPIRED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_expires: Option<Moment>,
    /// What is full (`HOSPITAL_FULL`): `"snapshotBytes"`, `"doctors"`, `"appointments"` or
    /// `"revision"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_of: Option<&'static str>,
    /// How much of it the hospital has now (`HOSPITAL_FULL`): bytes, doctors, appointments, or
    /// the revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<u64>,
    /// How much the refused change would have added (`HOSPITAL_FULL`, `snapshotBytes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested: Option<u64>,
    /// The most it may have (`HOSPITAL_FULL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The zone a wall-clock time was read in (`NONEXISTENT_TIME`, `AMBIGUOUS_TIME`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The valid times on either side of the skipped ones, each with its offset
    /// (`NONEXISTENT_TIME`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_starts: Option<Vec<Moment>>,
    /// Both instants of a repeated time, earlier first, each with its offset (`AMBIGUOUS_TIME`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts: Option<Vec<Moment>>,
}

/// The doctor's time off that is in the way, as the doctor's profile states it (`timeOff` of
/// [`Details`]): the same fields as the profile's time off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeOffDetails {
    /// First minute off.
    pub start: Moment,
    /// First minute back (exclusive end).
    pub end: Moment,
    /// Why, if the profile says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One open block of a doctor's hours (`hours` of [`Details`]), as `workingHours` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkingBlockDetails {
    /// The date.
    pub date: LocalDate,
    /// The location the block is at.
    pub location: String,
    /// First minute, wall clock there.
    pub start: LocalDateTime,
    /// Exclusive end, wall clock there.
    pub end: LocalDateTime,
    /// The start as an instant, in a hospital with a time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_utc: Option<Moment>,
    /// The end as an instant, in a hospital with a time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_utc: Option<Moment>,
}

/// A failure of the engine. A failed call never changes the hospital. Serialized as
/// `{code, message, details}` (the items of `explain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// A readable sentence for people; not meant to be parsed.
    pub message: String,
    /// What the caller needs to act (boxed to keep `Result` small on the happy path).
    pub details: Box<Details>,
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Builds an error, shortening the message and field path so that an error never echoes
    /// unbounded input (a 10 MB date string, a 10 MB key).
    /// Not inlined: the callers set the details they have on the one built here, so that no
    /// caller builds a whole `Details` of its own.
    #[inline(never)]
    fn new(code: ErrorCode, message: String) -> Self {
        Error {
            code,
            message: shortened(message, MAX_MESSAGE_LEN),
            details: Box::default(),
        }
    }

    /// `INVALID_INPUT` for the field at `field` (a path such as `schedule[0].start`).
    pub fn invalid_input(field: impl Into<String>, reason: impl fmt::Display) -> Self {
        // Shortened first, so that the message names the field as `details.field` does.
        let field = shortened(field.into(), MAX_FIELD_PATH_LEN);
        let message = if field.is_empty() {
            format!("invalid input: {reason}")
        } else {
            format!("invalid {field}: {reason}")
        };
        let mut e = Error::new(ErrorCode::InvalidInput, message);
        e.details.field = (!field.is_empty()).then_some(field);
        e
    }

    /// `DOCTOR_NOT_FOUND`.
    pub(crate) fn doctor_not_found(doctor_id: &str) -> Self {
        let mut e = Error::new(
            ErrorCode::DoctorNotFound,
            format!(
                "no doctor with id {q_doctor_id}",
                q_doctor_id = Quoted(doctor_id)
            ),
        );
        e.details.doctor_id = Some(doctor_id.to_owned());
        e
    }

    /// `APPOINTMENT_NOT_FOUND`.
    pub(crate) fn appointment_not_found(appointment_id: &str) -> Self {
        let mut e = Error::new(
            ErrorCode::AppointmentNotFound,
            format!(
                "no appointment with id {q_appointment_id}",
                q_appointment_id = Quoted(appointment_id)
            ),
        );
        e.details.appointment_id = Some(appointment_id.to_owned());
        e
    }

    /// `DUPLICATE_ID`: `what` is "doctor" or "appointment".
    pub(crate) fn duplicate_id(what: &str, id: &str) -> Self {
        let mut e = Error::new(
            ErrorCode::DuplicateId,
            format!("a {what} with id {q_id} already exists", q_id = Quoted(id)),
        );
        e.details.id = Some(id.to_owned());
        e
    }

    /// `LOCATION_NOT_SERVED`.
    pub(crate) fn location_not_served(doctor_id: &str, location: &str) -> Self {
        let mut e = Error::new(
            ErrorCode::LocationNotServed,
            format!(
                "doctor {q_doctor_id} does not work at {q_location}",
                q_doctor_id = Quoted(doctor_id),
                q_location = Quoted(location)
            ),
        );
        e.details.doctor_id = Some(doctor_id.to_owned());
        e.details.location = Some(location.to_owned());
        e
    }

    /// `OFF_GRID` for `field` (`start` or `durationMinutes`).
    pub(crate) fn off_grid(field: &str, reason: impl fmt::Display, slot_minutes: u32) -> Self {
        let mut e = Error::new(
            ErrorCode::OffGrid,
            format!("{field} is not on the {slot_minutes}-minute slot grid: {reason}"),
        );
        e.details.field = Some(field.to_owned());
        e.details.slot_minutes = Some(slot_minutes);
        e
    }

    /// `OUTSIDE_HOURS`.
    pub(crate) fn outside_hours(
        doctor_id: &str,
        start: impl fmt::Display,
        end: impl fmt::Display,
    ) -> Self {
        let mut e = Error::new(
            ErrorCode::OutsideHours,
            format!(
                "{start} to {end} is not inside doctor {q_doctor_id}'s hours",
                q_doctor_id = Quoted(doctor_id)
            ),
        );
        e.details.doctor_id = Some(doctor_id.to_owned());
        e
    }

    /// `SLOT_TAKEN`.
    pub(crate) fn slot_taken(conflicting_appointment_id: &str) -> Self {
        let mut e = Error::new(
            ErrorCode::SlotTaken,
            format!(
                "the time overlaps appointment {q_conflicting_appointment_id}",
                q_conflicting_appointment_id = Quoted(conflicting_appointment_id)
            ),
        );
        e.details.conflicting_appointment_id = Some(conflicting_appointment_id.to_owned());
        e
    }

    /// `ALREADY_CANCELLED`.
    pub(crate) fn already_cancelled(appointment_id: &str) -> Self {
        let mut e = Error::new(
            ErrorCode::AlreadyCancelled,
            format!(
                "appointment {q_appointment_id} is already cancelled",
                q_appointment_id = Quoted(appointment_id)
            ),
        );
        e.details.appointment_id = Some(appointment_id.to_owned());
        e
    }

    /// `REQUEST_ID_REUSED`.
    pub(crate) fn request_id_reused(request_id: &str, appointment_id: &str) -> Self {
        let mut e = Error::new(
            ErrorCode::RequestIdReused,
            format!(
                "requestId {q_request_id} already booked appointment {q_appointment_id} \
                 with a different request",
                q_request_id = Quoted(request_id),
                q_appointment_id = Quoted(appointment_id)
            ),
        );
        e.details.request_id = Some(request_id.to_owned());
        e.details.appointment_id = Some(appointment_id.to_owned());
        e
    }

    /// `HAS_APPOINTMENTS`.
    pub(crate) fn has_appointments(doctor_id: &str, appointment_ids: Vec<String>) -> Self {
        let mut e = Error::new(
            ErrorCode::HasAppointments,
            format!(
                "doctor {q_doctor_id} has {} booked appointment(s) in the way; \
                 pass cancelAppointments: true to cancel them",
                appointment_ids.len(),
                q_doctor_id = Quoted(doctor_id)
            ),
        );
        e.details.doctor_id = Some(doctor_id.to_owned());
        e.details.appointment_ids = Some(appointment_ids);
        e
    }

    /// `INVALID_SNAPSHOT` at `path`.
    pub fn invalid_snapshot(path: impl Into<String>, reason: impl fmt::Display) -> Self {
        let path = shortened(path.into(), MAX_FIELD_PATH_LEN);
        let message = if path.is_empty() {
            format!("invalid snapshot: {reason}")
        } else {
            format!("invalid snapshot at {path}: {reason}")
        };
        let mut e = Error::new(ErrorCode::InvalidSnapshot, message);
        e.details.path = Some(path);
        e
    }

    /// `UNSUPPORTED_VERSION`.
    pub(crate) fn unsupported_version(version: u64, supported_version: u32) -> Self {
        let mut e = Error::new(
            ErrorCode::UnsupportedVersion,
            format!(
                "snapshot format version {version} is newer than this build reads \
                 (up to {supported_version}); upgrade dr-schedule"
            ),
        );
        e.details.version = Some(version);
        e.details.supported_version = Some(supported_version);
        e
    }

    /// `CHANGES_UNAVAILABLE`: the log no longer reaches back to `revision`.
    pub(crate) fn changes_unavailable(revision: u64, oldest_revision: u64) -> Self {
        let mut e = Error::new(
            ErrorCode::ChangesUnavailable,
            format!(
                "the changes after revision {revision} are no longer kept (the oldest retained \
                 starts after revision {oldest_revision}); persist a snapshot instead"
            ),
        );
        e.details.revision = Some(revision);
        e.details.oldest_revision = Some(oldest_revision);
        e
    }

    /// `REVISION_MISMATCH`: a change carries `revision` where `expected` was due.
    pub(crate) fn revision_mismatch(expected: u64, revision: u64) -> Self {
        let mut e = Error::new(
            ErrorCode::RevisionMismatch,
            format!(
                "the change carries revision {revision}, but the hospital's next revision is \
                 {expected}; apply the changes after the hospital's revision, in order"
            ),
        );
        e.details.revision = Some(revision);
        e.details.expected_revision = Some(expected);
        e
    }

    /// `OUTSIDE_HOURS`: the date's override leaves no block for `[start, end)`.
    pub(crate) fn closed_by_override(
        doctor_id: &str,
        date: LocalDate,
        start: Moment,
        end: Moment,
    ) -> Self {
        let mut e = Error::outside_hours(doctor_id, start, end).with_message(format!(
            "{start} to {end} is not inside doctor {q_doctor_id}'s hours on {date}, which an \
             override replaces",
            q_doctor_id = Quoted(doctor_id)
        ));
        e.details.reason = Some("closedByOverride");
        e.details.date = Some(date);
        e
    }

    /// `OUTSIDE_HOURS`: the appointment overlaps the doctor's time off `[start, end)`.
    pub(crate) fn time_off(
        doctor_id: &str,
        start: Moment,
        end: Moment,
        reason: Option<&str>,
    ) -> Self {
        let why = reason.map(|r| format!(" ({r})")).unwrap_or_default();
        let mut e = Error::outside_hours(doctor_id, start, end).with_message(format!(
            "doctor {q_doctor_id} is off from {start} to {end}{why}",
            q_doctor_id = Quoted(doctor_id)
        ));
        e.details.reason = Some("timeOff");
        e.details.time_off = Some(TimeOffDetails {
            start,
            end,
            reason: reason.map(str::to_owned),
        });
        e
    }

    /// `OUTSIDE_HOURS`: the doctor works then, but only at `locations`.
    pub(crate) fn not_served_there(
        doctor_id: &str,
        location: &str,
        start: Moment,
        end: Moment,
        locations: Vec<String>,
    ) -> Self {
        let mut e = Error::outside_hours(doctor_id, start, end).with_message(format!(
            "from {start} to {end} doctor {} works at {}, not at {}",
            Quoted(doctor_id),
            QuotedList(&locations),
            Quoted(location)
        ));
        e.details.reason = Some("notServedThere");
        e.details.location = Some(location.to_owned());
        e.details.locations = Some(locations);
        e
    }

    /// `TOO_SOON`: `start` is before `earliest` (the current time plus the minimum notice).
    pub(crate) fn too_soon(start: Moment, earliest: Moment, in_the_past: bool) -> Self {
        let message = if in_the_past {
            format!("{start} is in the past")
        } else {
            format!("{start} is sooner than the minimum notice allows (earliest {earliest})")
        };
        let mut e = Error::new(ErrorCode::TooSoon, message);
        e.details.reason = in_the_past.then_some("inThePast");
        e.details.earliest_start = Some(earliest);
        e
    }

    /// `BEYOND_HORIZON`: `start` is after `latest` (the current time plus the horizon).
    pub(crate) fn beyond_horizon(start: Moment, latest: Moment) -> Self {
        let mut e = Error::new(
            ErrorCode::BeyondHorizon,
            format!("{start} is beyond the booking horizon (latest {latest})"),
        );
        e.details.latest_start = Some(latest);
        e
    }

    /// `PATIENT_BUSY`.
    pub(crate) fn patient_busy(patient: &str, conflicting_appointment_id: &str) -> Self {
        let mut e = Error::new(
            ErrorCode::PatientBusy,
            format!(
                "patient {q_patient} already has appointment {q_conflicting_appointment_id} \
                 at an overlapping time",
                q_patient = Quoted(patient),
                q_conflicting_appointment_id = Quoted(conflicting_appointment_id)
            ),
        );
        e.details.patient = Some(patient.to_owned());
        e.details.conflicting_appointment_id = Some(conflicting_appointment_id.to_owned());
        e
    }

    /// `HOLD_EXPIRED`.
    pub(crate) fn hold_expired(appointment_id: &str, expired: Moment) -> Self {
        let mut e = Error::new(
            ErrorCode::HoldExpired,
            format!(
                "the hold on appointment {q_appointment_id} lapsed at {expired}",
                q_appointment_id = Quoted(appointment_id)
            ),
        );
        e.details.appointment_id = Some(appointment_id.to_owned());
        e.details.hold_expires = Some(expired);
        e
    }

    /// `NOT_HELD`.
    pub(crate) fn not_held(appointment_id: &str) -> Self {
        let mut e = Error::new(
            ErrorCode::NotHeld,
            format!(
                "appointment {q_appointment_id} is not a hold",
                q_appointment_id = Quoted(appointment_id)
            ),
        );
        e.details.appointment_id = Some(appointment_id.to_owned());
        e
    }

    /// `NONEXISTENT_TIME`: `wall`, given for `field`, does not exist in `zone`.
    pub(crate) fn nonexistent_time(
        field: &str,
        zone: &str,
        wall: LocalDateTime,
        nearest: [Moment; 2],
    ) -> Self {
        let [earlier, later] = nearest;
        let mut e = Error::new(
            ErrorCode::NonexistentTime,
            format!(
                "{field} {wall} does not exist in {zone}: the clocks skip it; the nearest valid \
                 times are {earlier} and {later}"
            ),
        );
        e.details.field = Some(field.to_owned());
        e.details.time_zone = Some(zone.to_owned());
        e.details.nearest_starts = Some(nearest.to_vec());
        e
    }

    /// `AMBIGUOUS_TIME`: `wall`, given for `field`, happens twice in `zone`.
    pub(crate) fn ambiguous_time(
        field: &str,
        zone: &str,
        wall: LocalDateTime,
        starts: [Moment; 2],
    ) -> Self {
        let [first, second] = starts;
        let mut e = Error::new(
            ErrorCode::AmbiguousTime,
            format!(
                "{field} {wall} happens twice in {zone}, as the clocks go back: say which with \
                 its offset, {first} or {second}"
            ),
        );
        e.details.field = Some(field.to_owned());
        e.details.time_zone = Some(zone.to_owned());
        e.details.starts = Some(starts.to_vec());
        e
    }

    /// The same error with another message (shortened like every message).
    pub(crate) fn with_message(mut self, message: String) -> Self {
        self.message = shortened(message, MAX_MESSAGE_LEN);
        self
    }

    /// `HOSPITAL_FULL`: growing the snapshot from `current` bytes by `requested` would pass
    /// `limit` (`maxSnapshotBytes`).
    pub(crate) fn hospital_full(current: u64, requested: u64, limit: u64) -> Self {
        let mut e = Error::new(
            ErrorCode::HospitalFull,
            format!(
                "the hospital is full: its snapshot would grow from {current} to {} bytes, past \
                 its maxSnapshotBytes of {limit}; remove what is no longer needed, or raise \
                 the limit",
                current.saturating_add(requested)
            ),
        );
        e.details.limit_of = Some("snapshotBytes");
        e.details.current = Some(current);
        e.details.requested = Some(requested);
        e.details.limit = Some(limit);
        e
    }

    /// `HOSPITAL_FULL`: the hospital has `current` doctors, the most it holds.
    pub(crate) fn too_many_doctors(current: usize, limit: usize) -> Self {
        let mut e = Error::new(
            ErrorCode::HospitalFull,
            format!("the hospital already has {current} doctors, the most it holds ({limit})"),
        );
        e.details.limit_of = Some("doctors");
        e.details.current = Some(current as u64);
        e.details.limit = Some(limit as u64);
        e
    }

    /// `HOSPITAL_FULL`: the hospital has `current` appointments, the most it holds.
    pub(crate) fn too_many_appointments(current: usize, limit: usize) -> Self {
        let mut e = Error::new(
            ErrorCode::HospitalFull,
            format!(
                "the hospital already has {current} appointments (of every status), the most \
                 it holds ({limit})"
            ),
        );
        e.details.limit_of = Some("appointments");
        e.details.current = Some(current as u64);
        e.details.limit = Some(limit as u64);
        e
    }

    /// `HOSPITAL_FULL`: the revision counter reached `limit`, the last one it counts.
    pub(crate) fn revision_exhausted(limit: u64) -> Self {
        let mut e = Error::new(
            ErrorCode::HospitalFull,
            format!("the hospital has reached revision {limit}, the last one it counts"),
        );
        e.details.limit_of = Some("revision");
        e.details.current = Some(limit);
        e.details.limit = Some(limit);
        e
    }

    /// The same error naming `field` as the one at fault, unless it already names one.
    pub(crate) fn with_field(mut self, field: &str) -> Self {
        if self.details.field.is_none() {
            self.details.field = Some(field.to_owned());
        }
        self
    }

    /// The same error with its field path put under `parent`: `start` becomes
    /// `appointments[3].start`. Used where one validation serves several places.
    pub(crate) fn within(mut self, parent: &str) -> Self {
        if let Some(field) = self.details.field.take() {
            let joined = join_path(parent, &field);
            self.message = self.message.replacen(&field, &joined, 1);
            self.details.field = Some(joined);
        }
        self
    }
}

/// `text` cut to at most `max` bytes (at a character boundary) plus a note of its length.
/// `text` cut so that it takes at most `max` bytes with the note of its length: shortening
/// again changes nothing (a field named in a message and in details stays the same).
fn shortened(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    // Room for "… (N bytes in all)".
    let mut end = max.saturating_sub(40);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} bytes in all)",
        text.get(..end).unwrap_or_default(),
        text.len()
    )
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_js_spelling() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn details_serialize_only_what_is_set() {
        let e = Error::slot_taken("a7");
        assert_eq!(
            serde_json::to_string(&e.details).unwrap(),
            r#"{"conflictingAppointmentId":"a7"}"#
        );
    }

    #[test]
    fn errors_never_echo_unbounded_input() {
        let huge = "é".repeat(5_000_000);
        let e = Error::invalid_input(&huge, format!("{huge} is not a date"));
        assert!(e.message.len() <= MAX_MESSAGE_LEN, "{}", e.message.len());
        assert!(e.message.ends_with("bytes in all)"));
        let field = e.details.field.as_ref().unwrap();
        assert!(field.len() <= MAX_FIELD_PATH_LEN);
        assert!(
            e.message.contains(field.as_str()),
            "the message names the field as details does"
        );
        assert_eq!(Error::invalid_input("", "full").details.field, None);
    }

    #[test]
    fn within_prefixes_the_field_path_and_message() {
        let e = Error::invalid_input("start", "not a time").within("schedule[2]");
        assert_eq!(e.details.field.as_deref(), Some("schedule[2].start"));
        assert_eq!(e.message, "invalid schedule[2].start: not a time");
        let e = Error::invalid_input("[1]", "empty").within("locations");
        assert_eq!(e.details.field.as_deref(), Some("locations[1]"));
    }
}
