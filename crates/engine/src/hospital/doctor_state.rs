//! What the hospital keeps per doctor: the doctor, the hours derived from the profile (so
//! booking checks need no merging) and the calendar of the doctor's appointments.

use crate::calendar::Calendar;
use crate::doctor::Doctor;
use crate::hours::Availability;

/// A doctor with what the hospital keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DoctorState {
    /// The doctor as the API returns it.
    pub(crate) doctor: Doctor,
    /// When and where the doctor works, derived from `doctor`.
    pub(crate) hours: Availability,
    /// The doctor's appointments, ordered by start.
    pub(crate) calendar: Calendar,
}

impl DoctorState {
    /// A doctor with no appointments yet.
    pub(crate) fn new(doctor: Doctor) -> Self {
        DoctorState {
            hours: Availability::from_doctor(&doctor),
            doctor,
            calendar: Calendar::default(),
        }
    }

    /// Replaces the profile, keeping the calendar.
    pub(crate) fn set_doctor(&mut self, doctor: Doctor) {
        self.hours = Availability::from_doctor(&doctor);
        self.doctor = doctor;
    }
}
