//! # dr-schedule-engine
//!
//! The scheduling engine of dr-schedule: doctors with locations and weekly hours, appointments
//! booked, held, listed and cancelled under rules that never let a doctor be in two places at
//! once. Pure Rust: it never reads a clock, draws random numbers or does I/O (the build checks
//! its dependencies and sources: `tools/check-engine-purity.sh`), and every failure is an
//! [`Error`] with a stable code. The `dr-schedule` crate binds it to JavaScript.
//!
//! Start at [`Hospital`]: every call of the JavaScript API is one of its methods, taking one
//! of the input types below (read them from JSON or any serde format with [`read_input`]) and
//! returning the output types or an [`Error`]. Where each booking rule, the snapshot format and
//! the change records live is in `docs/ARCHITECTURE.md`; the README is the API reference.
//!
//! ```
//! use dr_schedule_engine::{read_input, Hospital, HospitalOptionsInput};
//! use serde_json::json;
//!
//! # fn main() -> Result<(), dr_schedule_engine::Error> {
//! let mut hospital = Hospital::new(HospitalOptionsInput::default())?;
//! let doctor = read_input(json!({
//!     "name": "Dr. Ada Lovelace",
//!     "locations": ["1 Main St"],
//!     "schedule": [{ "days": ["mon", "tue"], "start": "09:00", "end": "17:00" }]
//! }), "doctor")?;
//! let id = hospital.add_doctor(doctor)?.id.clone();
//! let request = read_input(json!({
//!     "doctorId": id, "location": "1 Main St", "start": "2019-02-04T11:00"
//! }), "request")?;
//! let appointment = hospital.book(request)?;
//! assert_eq!(appointment.end().to_string(), "2019-02-04T11:15");
//! # Ok(())
//! # }
//! ```
//!
//! Every module is private: the `pub use` list below is the whole API.

mod appointment;
mod booking;
mod calendar;
mod changes;
mod doctor;
mod error;
mod hospital;
mod hours;
mod input;
mod json;
mod json_text;
mod limits;
mod metadata;
mod options;
mod path;
mod places;
mod queries;
mod reader;
mod requests;
mod slots;
mod snapshot;
mod sorted;
mod sorting;
mod store;
mod time;
mod validate;
mod words;
mod zone;
mod zoned;

// The hospital and its options; loading one from a snapshot read in pieces.
pub use hospital::{Hospital, SnapshotLoader};
pub use options::{HospitalOptions, HospitalOptionsInput, LocationZones};

// Inputs: doctors, requests that change the hospital, queries that read it.
pub use doctor::{DateOverride, DoctorPatch, HoursBlock, NewDoctor, ScheduleRule, TimeOff};
pub use metadata::Metadata;
pub use queries::{
    AppointmentQuery, FindAppointmentsQuery, FindSlotsQuery, SlotQuery, StatusFilter,
    WorkingHoursQuery,
};
pub use requests::{
    AppointmentPatch, BookRequest, CancelOptions, ChangeOptions, ConfirmOptions, ExplainRequest,
    HoldRequest, RescheduleRequest,
};

// Outputs: doctors, appointments, free slots, change records, snapshot counters.
pub use appointment::{Appointment, AppointmentId, AppointmentStatus, PreviousTime};
pub use changes::{Change, ChangeOp};
pub use doctor::Doctor;
pub use hospital::{AppointmentView, Handles, WorkingBlock};
pub use slots::FoundSlot;
pub use snapshot::NextIds;

// Dates and times as the API spells them.
pub use time::{ClockTime, LocalDate, LocalDateTime, Moment, Weekday};

// Time zones as data (the package's JS layer reads them from the runtime's Intl).
pub use zone::{TimeZones, ZoneRules, FIRST_ZONE_YEAR, LAST_ZONE_YEAR};

// Errors.
pub use error::{Details, Error, ErrorCode, Result, TimeOffDetails, WorkingBlockDetails};

// Reading inputs from any serde format or from JSON text, with the path of a bad field.
pub use input::{read_field_json, read_input, read_json};
pub use json::WriteJson;
pub use reader::{JsonReader, Read, ReadError, ReadJson};

// The size limits (the README's "Limits").
pub use limits::{
    DEFAULT_MAX_SNAPSHOT_BYTES, MAX_APPOINTMENTS, MAX_APPOINTMENT_MINUTES, MAX_COUNTER,
    MAX_DOCTORS, MAX_FIELD_PATH_LEN, MAX_FIND_DOCTORS, MAX_FIND_LIMIT, MAX_FIND_WINDOW_DAYS,
    MAX_HOLD_MINUTES, MAX_HORIZON_DAYS, MAX_ID_LEN, MAX_LOCATIONS_PER_DOCTOR, MAX_LOCATION_LEN,
    MAX_MAX_SNAPSHOT_BYTES, MAX_MESSAGE_LEN, MAX_METADATA_BYTES, MAX_METADATA_DEPTH,
    MAX_METADATA_ITEMS, MAX_NAME_LEN, MAX_NOTES_LEN, MAX_NOTICE_MINUTES, MAX_OVERRIDES, MAX_PAGE,
    MAX_PATIENT_LEN, MAX_REASON_LEN, MAX_REQUEST_ID_LEN, MAX_RESCHEDULES, MAX_RETAINED_CHANGES,
    MAX_RETAINED_CHANGE_BYTES, MAX_SCHEDULE_RULES, MAX_SLOT_WINDOW_DAYS, MAX_SNAPSHOT_BYTES,
    MAX_TIME_OFF, MAX_TIME_ZONE_LEN, MAX_ZONED_LOCATIONS, MIN_MAX_SNAPSHOT_BYTES,
};
