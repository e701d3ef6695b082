//! Engine errors as JS `Error` objects: `name` "HospitalError", `code`, `details` (the README's
//! "Errors").

use crate::engine::Error;
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::JsValue;

/// The `name` every thrown error carries.
pub(super) const ERROR_NAME: &str = "HospitalError";

/// Builds the JS `Error` thrown for `error`.
pub(super) fn to_js_error(error: Error) -> JsValue {
    let js_error = js_sys::Error::new(&error.message);
    js_error.set_name(ERROR_NAME);
    // Through JSON text rather than serde-wasm-bindgen: a number beyond 2^53 (a hostile
    // snapshot's version) then arrives rounded instead of failing and losing every detail.
    let details = serde_json::to_string(&error.details)
        .ok()
        .and_then(|text| JSON::parse(&text).ok())
        .unwrap_or_else(|| Object::new().into());
    // Reflect::set only fails on frozen or proxied targets; a fresh Error is neither.
    let _ = Reflect::set(&js_error, &"code".into(), &error.code.as_str().into());
    let _ = Reflect::set(&js_error, &"details".into(), &details);
    js_error.into()
}
