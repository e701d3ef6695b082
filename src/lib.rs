//! # dr-schedule
//!
//! A doctor-scheduling engine: doctors with locations and weekly hours, appointments booked,
//! listed and cancelled under rules that never let a doctor be in two places at once.
//!
//! This crate is the JavaScript binding. The engine is its own crate, `dr-schedule-engine`
//! (`crates/engine`), pure Rust: it never reads a clock, draws random numbers or does I/O, and
//! every failure is an [`engine::Error`] with a stable code. Built for `wasm32`, this crate
//! exports the `Hospital` class to JavaScript (`src/wasm`), a thin layer that converts values
//! and calls the engine. Rust users use the engine, re-exported here as [`engine`]:
//!
//! ```
//! use dr_schedule::engine::{Hospital, HospitalOptionsInput};
//!
//! # fn main() -> Result<(), dr_schedule::engine::Error> {
//! let hospital = Hospital::new(HospitalOptionsInput::default())?;
//! assert_eq!(hospital.revision(), 0);
//! # Ok(())
//! # }
//! ```

/// The engine (`dr-schedule-engine`), for Rust users: `dr_schedule::engine::Hospital`.
pub use dr_schedule_engine as engine;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// The JavaScript `Hospital` class (`wasm32` only), public so that the wasm-bindgen-test tests
/// under `tests/` can call its methods with real JS values.
#[cfg(target_arch = "wasm32")]
pub use wasm::JsHospital;
