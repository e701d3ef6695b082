//! Appointments as the API returns them and a snapshot stores them.

use super::time::LocalDateTime;
use serde::{Deserialize, Serialize};

/// Whether an appointment holds its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppointmentStatus {
    /// Holds its time: no other appointment of the doctor may overlap it.
    Booked,
    /// Kept as history; its time is free again.
    Cancelled,
}

/// A booked or cancelled appointment. Cancelling keeps it, with `status: "cancelled"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Appointment {
    /// The appointment's id, chosen by the host or assigned by the hospital.
    pub id: String,
    /// The doctor it is with.
    pub doctor_id: String,
    /// Where: one of the doctor's locations when it was booked.
    pub location: String,
    /// First minute, hospital-local wall clock.
    pub start: LocalDateTime,
    /// End (exclusive): `start + durationMinutes`.
    pub end: LocalDateTime,
    /// Length in minutes, a multiple of the slot length.
    pub duration_minutes: u32,
    /// The host's reference to the patient, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// The idempotency key it was booked with, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Booked or cancelled.
    pub status: AppointmentStatus,
    /// Why it was cancelled, if a reason was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
}

impl Appointment {
    /// Whether it still holds its time.
    pub fn is_booked(&self) -> bool {
        self.status == AppointmentStatus::Booked
    }
}
