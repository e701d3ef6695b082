//! Core errors as JS `Error` objects: `name` "HospitalError", `code`, `details` (DESIGN §3).

use crate::core::Error;
use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;

/// The `name` every thrown error carries.
pub const ERROR_NAME: &str = "HospitalError";

/// Builds the JS `Error` thrown for `error`.
pub fn to_js_error(error: Error) -> JsValue {
    let js_error = js_sys::Error::new(&error.message);
    js_error.set_name(ERROR_NAME);
    let details = error
        .details
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|_| Object::new().into());
    // Reflect::set only fails on frozen or proxied targets; a fresh Error is neither.
    let _ = Reflect::set(&js_error, &"code".into(), &error.code.as_str().into());
    let _ = Reflect::set(&js_error, &"details".into(), &details);
    js_error.into()
}
