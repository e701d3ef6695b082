//! The binding to JavaScript: the raw class `RawHospital` (one method per API call) and the
//! areas of wasm memory through which the package's JS layer (`js/`) hands it arguments and reads
//! back results. No scheduling rule lives here: each method reads its arguments, calls one engine
//! method, and writes the result.
//!
//! - `exchange.rs`: the areas (arguments in, result rows out, JSON text out, the last error).
//! - `args.rs`: reading arguments: text and numbers the JS layer wrote, JSON for the rest.
//! - `rows.rs`: results as numbers: appointments, slot starts, found slots.
//! - `hospital.rs`: `RawHospital`.
//! - `loader.rs`: `RawLoader`, reading a snapshot handed over in pieces.

// The `pub` items here are exported to JavaScript by wasm-bindgen, not reached from Rust.
#![allow(unreachable_pub)]

mod args;
mod exchange;
mod hospital;
mod loader;
mod rows;
