//! Values across the boundary.
//!
//! JS → Rust: serde reads the engine's input types straight from JS values through the strict
//! [`JsDeserializer`], which tracks the path itself, so wrong types, missing fields, unknown
//! fields and values JSON cannot say are `INVALID_INPUT` naming the field's path, exactly as
//! `core::input::read` names it.
//! Rust → JS: plain JSON-compatible objects, written as JSON text ([`super::write`]) and parsed
//! by `JSON.parse`.

use super::error::to_js_error;
use super::js_deserializer::{js_string, JsDeserializer, MAX_STRING_UNITS};
use super::write::WriteJson;
use crate::core::Error;
use js_sys::JSON;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// The result of every bound method: a JS value, or a thrown `HospitalError`.
pub type JsResult<T = JsValue> = Result<T, JsValue>;

/// Reads a JS value into `T`. `name` is the parameter's name, used as the field when the
/// value as a whole is wrong (`doctor: invalid type: string "x", expected struct NewDoctor`).
pub fn from_js<T: DeserializeOwned>(value: impl Into<JsValue>, name: &str) -> JsResult<T> {
    T::deserialize(JsDeserializer::new(value.into())).map_err(|e| to_js_error(e.into_error(name)))
}

/// Reads an optional options object: `undefined` or `null` means all defaults.
pub fn options_from_js<T: DeserializeOwned + Default>(
    value: Option<impl Into<JsValue>>,
    name: &str,
) -> JsResult<T> {
    match value.map(Into::into) {
        Some(value) if !value.is_undefined() && !value.is_null() => from_js(value, name),
        _ => Ok(T::default()),
    }
}

/// Reads a string argument such as an id. Anything but a JS string is `INVALID_INPUT`, and so
/// is one longer than [`MAX_STRING_UNITS`].
pub fn string_from_js(value: &JsValue, name: &str) -> JsResult<String> {
    text_from_js(value, name, MAX_STRING_UNITS)
}

/// Reads a string argument of up to `max_units` UTF-16 code units.
pub fn text_from_js(value: &JsValue, name: &str, max_units: u32) -> JsResult<String> {
    if !value.is_string() {
        return Err(to_js_error(Error::invalid_input(
            name,
            format!("must be a string, not {}", js_type_name(value)),
        )));
    }
    js_string(value, max_units).map_err(|reason| to_js_error(Error::invalid_input(name, reason)))
}

/// Writes a value as a plain object, through JSON text: [`WriteJson`] writes it (by hand for
/// appointments and slot starts, through serde_json for the rest) and `JSON.parse` builds it
/// in one call, which keeps the binary small and crosses the boundary once instead of once
/// per field.
pub fn to_js<T: WriteJson + ?Sized>(value: &T) -> JsResult {
    let mut text = String::new();
    value.write_json(&mut text).map_err(|e| {
        to_js_error(Error::invalid_input(
            "",
            format!("could not convert the result: {e}"),
        ))
    })?;
    JSON::parse(&text)
}

/// A core result as a JS result.
pub fn core<T>(result: crate::core::Result<T>) -> JsResult<T> {
    result.map_err(to_js_error)
}

fn js_type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".to_owned()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}
