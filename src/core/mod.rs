//! The scheduling engine: pure Rust, no JavaScript, no clock, no I/O.
//!
//! Start at [`Hospital`]. Booking rules live in [`booking`], working hours in [`hours`], the
//! snapshot format in [`snapshot`], change records in [`changes`], dates and times in [`time`].

pub mod appointment;
pub mod booking;
pub mod calendar;
pub mod changes;
pub mod doctor;
pub mod error;
pub mod hospital;
pub mod hours;
pub mod input;
pub mod json;
pub mod limits;
pub mod object_only;
pub mod options;
pub mod query;
pub mod slots;
pub mod snapshot;
pub mod time;
pub mod validate;

pub use appointment::{Appointment, AppointmentStatus, PreviousTime};
pub use booking::BookRequest;
pub use changes::Change;
pub use doctor::{DateOverride, Doctor, DoctorPatch, HoursBlock, NewDoctor, ScheduleRule, TimeOff};
pub use error::{Details, Error, ErrorCode, Result};
pub use hospital::{Hospital, NextIds};
pub use options::{HospitalOptions, HospitalOptionsInput};
pub use query::{
    AppointmentQuery, CancelOptions, ChangeOptions, ConfirmOptions, ExplainRequest, FindSlotsQuery,
    FoundSlot, HoldRequest, RescheduleRequest, SlotQuery, StatusFilter,
};
pub use time::{ClockTime, LocalDate, LocalDateTime, Weekday};
