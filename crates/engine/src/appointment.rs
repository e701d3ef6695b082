//! Appointments as the API returns them and a snapshot stores them.

use crate::metadata::Metadata;
use crate::reader::{read_choice, read_object};
use crate::time::{LocalDateTime, Moment};
use serde::Serialize;
use std::fmt;

/// Whether an appointment takes its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AppointmentStatus {
    /// Takes its time: no other appointment of the doctor may overlap it.
    Booked,
    /// Takes its time until `holdExpires`, unless confirmed before; then it expires.
    Held,
    /// Kept as history; its time is free again.
    Cancelled,
    /// A hold that lapsed before it was confirmed: kept as history, its time free again.
    Expired,
}

read_choice!(AppointmentStatus {
    Booked = "booked",
    Held = "held",
    Cancelled = "cancelled",
    Expired = "expired",
});

/// Where and when an appointment was before `reschedule` moved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviousTime {
    /// The location it was at.
    pub location: String,
    /// Its start then (the wall clock there).
    pub start: LocalDateTime,
    /// Its end then (the wall clock there).
    pub end: LocalDateTime,
    /// Its start then as an instant, in a hospital with a time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_utc: Option<Moment>,
    /// Its end then as an instant, in a hospital with a time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_utc: Option<Moment>,
}

read_object!(PreviousTime {
    location: "location" required,
    start: "start" required,
    end: "end" required,
    start_utc: "startUtc" optional,
    end_utc: "endUtc" optional,
});

/// A booked, held, cancelled or expired appointment. Cancelling keeps it, with
/// `status: "cancelled"`; a hold that lapses stays, with `status: "expired"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    /// The appointment's id, chosen by the host or assigned by the hospital.
    pub id: String,
    /// The doctor it is with.
    pub doctor_id: String,
    /// Where: one of the doctor's locations when it was booked.
    pub location: String,
    /// First minute: the wall clock at the location (floating, in a hospital without a zone).
    pub start: LocalDateTime,
    /// End (exclusive), `durationMinutes` of real time after the start: the wall clock there.
    pub end: LocalDateTime,
    /// The start as an instant (UTC), in a hospital with a time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_utc: Option<Moment>,
    /// The end as an instant (UTC), in a hospital with a time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_utc: Option<Moment>,
    /// Length in minutes, a multiple of the slot length.
    pub duration_minutes: u32,
    /// The host's reference to the patient, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// The idempotency key it was booked with, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Booked, held, cancelled or expired.
    pub status: AppointmentStatus,
    /// When a hold lapses (`status: "held"`), or lapsed (`"expired"`): from this minute on it
    /// takes no time. An instant (UTC) in a hospital with a time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_expires: Option<Moment>,
    /// Where and when it was before each `reschedule`, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rescheduled_from: Vec<PreviousTime>,
    /// Why it was cancelled, if a reason was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
    /// Notes for people, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The host's metadata, a small JSON object, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The `now` of the call that created it, if it passed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Moment>,
    /// The `now` of the latest call that changed it and passed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Moment>,
}

read_object!(Appointment {
    id: "id" required,
    doctor_id: "doctorId" required,
    location: "location" required,
    start: "start" required,
    end: "end" required,
    start_utc: "startUtc" optional,
    end_utc: "endUtc" optional,
    duration_minutes: "durationMinutes" required,
    patient: "patient" optional,
    request_id: "requestId" optional,
    status: "status" required,
    hold_expires: "holdExpires" optional,
    rescheduled_from: "rescheduledFrom" default,
    cancel_reason: "cancelReason" optional,
    notes: "notes" optional,
    metadata: "metadata" optional,
    created_at: "createdAt" optional,
    updated_at: "updatedAt" optional,
});

impl Appointment {
    /// Whether it is booked (not held, not cancelled).
    pub fn is_booked(&self) -> bool {
        self.status == AppointmentStatus::Booked
    }

    /// Whether it takes its time (booked, or held).
    pub fn is_active(&self) -> bool {
        matches!(
            self.status,
            AppointmentStatus::Booked | AppointmentStatus::Held
        )
    }
}

/// An appointment's id: `aN` as the hospital assigns them, or the text the host chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentId<'a> {
    /// `a` followed by this number.
    Assigned(u64),
    /// Any other id.
    Named(&'a str),
}

impl fmt::Display for AppointmentId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppointmentId::Assigned(n) => write!(f, "a{n}"),
            AppointmentId::Named(id) => f.write_str(id),
        }
    }
}
