//! The inputs of the calls that change the hospital: `book`, `hold`, `reschedule`, `confirm`,
//! `cancel`, the options of `updateDoctor` and `removeDoctor`, and of `explain`, which asks
//! whether a booking would succeed. (The doctor inputs are in [`crate::doctor`]; the
//! read-only queries in [`crate::queries`].)

use crate::error::Result;
use crate::limits::{MAX_LOCATION_LEN, MAX_NOTES_LEN, MAX_PATIENT_LEN, MAX_REQUEST_ID_LEN};
use crate::metadata::Metadata;
use crate::options::HospitalOptions;
use crate::reader::read_object;
use crate::time::Moment;
use crate::validate;

/// The input of `book`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookRequest {
    /// The doctor to book.
    pub doctor_id: String,
    /// One of the doctor's locations.
    pub location: String,
    /// First minute: a wall-clock time at the location (`YYYY-MM-DDTHH:MM`) or an instant.
    pub start: Moment,
    /// Length in minutes; the hospital's default when absent.
    pub duration_minutes: Option<u32>,
    /// The host's reference to the patient.
    pub patient: Option<String>,
    /// An id of the host's choosing; when absent the hospital assigns one.
    pub id: Option<String>,
    /// An idempotency key: sending the same request again returns the same appointment.
    pub request_id: Option<String>,
    /// The caller's current time: needed when the hospital has a minimum notice or a horizon;
    /// lets an expired hold free its time.
    pub now: Option<Moment>,
    /// Notes for people (a visit type, instructions).
    pub notes: Option<String>,
    /// The host's metadata: a small JSON object.
    pub metadata: Option<Metadata>,
}

read_object!(BookRequest {
    doctor_id: "doctorId" required,
    location: "location" required,
    start: "start" required,
    duration_minutes: "durationMinutes" optional,
    patient: "patient" optional,
    id: "id" optional,
    request_id: "requestId" optional,
    now: "now" optional,
    notes: "notes" optional,
    metadata: "metadata" optional,
});

impl BookRequest {
    /// Checks the free-text fields (the input itself), before any rule.
    pub(crate) fn validate(&self) -> Result<()> {
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
        if let Some(notes) = &self.notes {
            validate::notes("notes", notes, MAX_NOTES_LEN)?;
        }
        Ok(())
    }

    /// The duration asked for, or the hospital's default.
    pub(crate) fn duration(&self, options: &HospitalOptions) -> u32 {
        self.duration_minutes
            .unwrap_or(options.default_duration_minutes)
    }
}

/// The input of `hold`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldRequest {
    /// The doctor.
    pub doctor_id: String,
    /// One of the doctor's locations.
    pub location: String,
    /// First minute.
    pub start: Moment,
    /// Length in minutes; the hospital's default when absent.
    pub duration_minutes: Option<u32>,
    /// The host's reference to the patient.
    pub patient: Option<String>,
    /// An id of the host's choosing; when absent the hospital assigns one.
    pub id: Option<String>,
    /// An idempotency key, as for `book`.
    pub request_id: Option<String>,
    /// The caller's current time (required).
    pub now: Moment,
    /// How long the hold lasts, in minutes from `now` (1 to a week).
    pub ttl_minutes: u32,
    /// Notes for people.
    pub notes: Option<String>,
    /// The host's metadata: a small JSON object.
    pub metadata: Option<Metadata>,
}

read_object!(HoldRequest {
    doctor_id: "doctorId" required,
    location: "location" required,
    start: "start" required,
    duration_minutes: "durationMinutes" optional,
    patient: "patient" optional,
    id: "id" optional,
    request_id: "requestId" optional,
    now: "now" required,
    ttl_minutes: "ttlMinutes" required,
    notes: "notes" optional,
    metadata: "metadata" optional,
});

/// The input of `reschedule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RescheduleRequest {
    /// The new start.
    pub start: Moment,
    /// The new location; the current one when absent.
    pub location: Option<String>,
    /// The new length; the current one when absent.
    pub duration_minutes: Option<u32>,
    /// The caller's current time, as for `book`.
    pub now: Option<Moment>,
    /// New notes; the current ones when absent.
    pub notes: Option<String>,
    /// New metadata; the current metadata when absent.
    pub metadata: Option<Metadata>,
}

read_object!(RescheduleRequest {
    start: "start" required,
    location: "location" optional,
    duration_minutes: "durationMinutes" optional,
    now: "now" optional,
    notes: "notes" optional,
    metadata: "metadata" optional,
});

/// The input of `updateAppointment`: each field given replaces the appointment's; `null`
/// clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppointmentPatch {
    /// A new patient reference (`Some(None)`: none).
    pub patient: Option<Option<String>>,
    /// New notes (`Some(None)`: none).
    pub notes: Option<Option<String>>,
    /// New metadata (`Some(None)`: none).
    pub metadata: Option<Option<Metadata>>,
}

read_object!(AppointmentPatch {
    patient: "patient" nullable,
    notes: "notes" nullable,
    metadata: "metadata" nullable,
});

impl AppointmentPatch {
    /// Checks the fields it names.
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(Some(patient)) = &self.patient {
            validate::text("patient", patient, MAX_PATIENT_LEN)?;
        }
        if let Some(Some(notes)) = &self.notes {
            validate::notes("notes", notes, MAX_NOTES_LEN)?;
        }
        Ok(())
    }
}

/// The options of `confirm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmOptions {
    /// The caller's current time (required): a hold that has lapsed by then cannot be
    /// confirmed.
    pub now: Moment,
}

read_object!(ConfirmOptions {
    now: "now" required,
});

/// The input of `explain`: a time to check against every booking rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainRequest {
    /// The doctor.
    pub doctor_id: String,
    /// The location.
    pub location: String,
    /// First minute.
    pub start: Moment,
    /// Length in minutes; the hospital's default when absent.
    pub duration_minutes: Option<u32>,
    /// The caller's current time, as for `book`.
    pub now: Option<Moment>,
    /// The patient, for the patient-overlap rule.
    pub patient: Option<String>,
}

read_object!(ExplainRequest {
    doctor_id: "doctorId" required,
    location: "location" required,
    start: "start" required,
    duration_minutes: "durationMinutes" optional,
    now: "now" optional,
    patient: "patient" optional,
});

/// The options of `updateDoctor` and `removeDoctor`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeOptions {
    /// Cancel the booked appointments that the change would orphan, instead of failing with
    /// `HAS_APPOINTMENTS`.
    pub cancel_appointments: Option<bool>,
}

read_object!(ChangeOptions {
    cancel_appointments: "cancelAppointments" optional,
});

impl ChangeOptions {
    /// Whether to cancel the appointments in the way (`cancelAppointments: true`).
    pub(crate) fn cancels(&self) -> bool {
        self.cancel_appointments == Some(true)
    }
}

/// The options of `cancel`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CancelOptions {
    /// Why, kept on the appointment as `cancelReason`.
    pub reason: Option<String>,
    /// The caller's current time: the appointment's `updatedAt` (it moves no clock).
    pub now: Option<Moment>,
}

read_object!(CancelOptions {
    reason: "reason" optional,
    now: "now" optional,
});
