//! # dr-schedule
//!
//! A doctor-scheduling engine: doctors with locations and weekly hours, appointments booked,
//! listed and cancelled under rules that never let a doctor be in two places at once.
//!
//! The engine ([`core`]) is pure Rust: it never reads a clock, draws random numbers or does
//! I/O; every failure is an [`core::Error`] with a stable code. Built for `wasm32`, the crate
//! also exports the `Hospital` class to JavaScript (`src/wasm`), a thin layer that converts
//! values and calls the engine.
//!
//! ```
//! use dr_schedule::core::{input, Hospital, HospitalOptionsInput};
//! use serde_json::json;
//!
//! # fn main() -> Result<(), dr_schedule::core::Error> {
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

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// No input may make the engine panic: a panic aborts the wasm instance. Library code returns
// errors instead; tests (unit tests here, integration tests under tests/) may unwrap.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::todo,
        clippy::unimplemented,
        clippy::unreachable
    )
)]

pub mod core;

/// The JavaScript binding (`wasm32` only): the `Hospital` class, public so that the
/// wasm-bindgen-test tests under `tests/` can call its methods with real JS values.
#[cfg(target_arch = "wasm32")]
pub mod wasm;
