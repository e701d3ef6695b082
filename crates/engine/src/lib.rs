//! # dr-schedule-engine
//!
//! The scheduling engine of dr-schedule: doctors with locations and weekly hours, appointments
//! booked, held, listed and cancelled under rules that never let a doctor be in two places at
//! once. Pure Rust: it never reads a clock, draws random numbers or does I/O (the build checks its
//! dependencies and sources: `tools/check-engine-purity.sh`), and every failure is an [`Error`]
//! with a stable code. The `dr-schedule` crate binds it to JavaScript.
//!
//! Start at [`Hospital`]. Booking rules live in [`booking`], working hours in [`hours`], the
//! snapshot format in [`snapshot`], change records in [`changes`], dates and times in [`time`].
//!
//! ```
//! use dr_schedule_engine::{input, Hospital, HospitalOptionsInput};
//! use serde_json::json;
//!
//! # fn main() -> Result<(), dr_schedule_engine::Error> {
//! let mut hospital = Hospital::new(HospitalOptionsInput::default())?;
//! let doctor = input::read(json!({
//!     "name": "Dr. Ada Lovelace",
//!     "locations": ["1 Main St"],
//!     "schedule": [{ "days": ["mon", "tue"], "start": "09:00", "end": "17:00" }]
//! }), "doctor")?;
//! let id = hospital.add_doctor(doctor)?.id.clone();
//! let request = input::read(json!({
//!     "doctorId": id, "location": "1 Main St", "start": "2019-02-04T11:00"
//! }), "request")?;
//! let appointment = hospital.book(request)?;
//! assert_eq!(appointment.end.to_string(), "2019-02-04T11:15");
//! # Ok(())
//! # }
//! ```

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
pub mod path;
pub mod queries;
pub mod requests;
pub mod slots;
pub mod snapshot;
pub mod time;
pub mod validate;

pub use appointment::{Appointment, AppointmentStatus, PreviousTime};
pub use changes::Change;
pub use doctor::{DateOverride, Doctor, DoctorPatch, HoursBlock, NewDoctor, ScheduleRule, TimeOff};
pub use error::{Details, Error, ErrorCode, Result, TimeOffDetails};
pub use hospital::Hospital;
pub use options::{HospitalOptions, HospitalOptionsInput};
pub use queries::{AppointmentQuery, FindSlotsQuery, SlotQuery, StatusFilter};
pub use requests::{
    BookRequest, CancelOptions, ChangeOptions, ConfirmOptions, ExplainRequest, HoldRequest,
    RescheduleRequest,
};
pub use slots::FoundSlot;
pub use snapshot::NextIds;
pub use time::{ClockTime, LocalDate, LocalDateTime, Weekday};
