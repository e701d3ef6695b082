//! # dr-schedule
//!
//! A doctor-scheduling engine: doctors with locations and weekly hours, appointments booked,
//! listed and cancelled under rules that never let a doctor be in two places at once.
//!
//! This crate is the JavaScript binding. The engine is its own crate, `dr-schedule-engine`
//! (`crates/engine`), pure Rust: it never reads a clock, draws random numbers or does I/O, and
//! every failure is an [`engine::Error`] with a stable code. Built for `wasm32`, this crate
//! exports the raw class the package's JavaScript layer (`js/`) wraps into `Hospital`: each of
//! its methods takes plain numbers and text written into a scratch area of wasm memory, calls
//! one engine method, and writes the result as numbers (`rows.rs`) or JSON text. Rust users
//! use the engine, re-exported here as [`engine`]:
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
mod binding;

/// The linear memory grows in large steps (see the crate `dr-schedule-wasm-alloc`), so that a
/// large hospital does not make V8 collect garbage at every 64 KiB.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: dr_schedule_wasm_alloc::GrowingAllocator =
    dr_schedule_wasm_alloc::GrowingAllocator::new();
