//! The JavaScript binding: the `Hospital` class. A thin layer over [`crate::engine`]: each method
//! parses its JS input, calls one engine method, converts the result. No scheduling rule lives
//! here.

mod convert;
mod error;
mod hospital;
mod js_deserializer;
mod types;
mod write;

pub use hospital::JsHospital;
