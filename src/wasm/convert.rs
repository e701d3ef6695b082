//! Values across the boundary.
//!
//! JS → Rust: serde reads the engine's input types straight from JS values through the strict
//! [`JsDeserializer`], which tracks the path itself, so wrong types, missing fields, unknown
//! fields and values JSON cannot say are `INVALID_INPUT` naming the field's path, exactly as
//! `engine::read_input` names it.
//! Rust → JS: plain JSON-compatible objects, written as JSON text ([`super::write`]) and parsed
//! by `JSON.parse`.

use super::error::to_js_error;
use super::js_deserializer::{js_string, DeError, JsDeserializer, MAX_STRING_UNITS};
use super::write::WriteJson;
use crate::engine::{self, Error, MAX_SNAPSHOT_BYTES};
use js_sys::{JsString, JSON};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a JS string, without copying it into wasm memory first.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// The result of every bound method: a JS value, or a thrown `HospitalError`.
pub(super) type JsResult<T = JsValue> = Result<T, JsValue>;

/// Reads a JS value into `T`. `name` is the parameter's name, used as the field when the
/// value as a whole is wrong (`doctor: invalid type: string "x", expected struct NewDoctor`).
pub(super) fn from_js<T: DeserializeOwned>(value: impl Into<JsValue>, name: &str) -> JsResult<T> {
    T::deserialize(JsDeserializer::new(value.into())).map_err(|e| to_js_error(e.into_error(name)))
}

/// Rebuilds a hospital from snapshot text: `JSON.parse` (V8's own parser) reads the text and
/// the same reader as for arguments reads its value, so that the binary holds one reader per
/// type instead of two. Problems are `INVALID_SNAPSHOT` with the path, as the engine's own
/// text reader reports them.
pub(super) fn hospital_from_snapshot(text: &JsValue) -> JsResult<engine::Hospital> {
    if !text.is_string() {
        return Err(to_js_error(Error::invalid_input(
            "json",
            format!("must be a string, not {}", js_type_name(text)),
        )));
    }
    let units = text.unchecked_ref::<JsString>().length();
    if units as usize > MAX_SNAPSHOT_BYTES {
        return Err(to_js_error(Error::invalid_snapshot(
            "",
            format!("{units} characters; the limit is {MAX_SNAPSHOT_BYTES} bytes"),
        )));
    }
    let value = json_parse(text).map_err(|e| {
        let reason = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        to_js_error(Error::invalid_snapshot("", format!("not JSON: {reason}")))
    })?;
    throw_on_err(engine::Hospital::from_snapshot_reader(
        || JsDeserializer::for_snapshot(value.clone()),
        DeError::into_snapshot_error,
    ))
}

/// Reads an optional options object: `undefined` or `null` means all defaults.
pub(super) fn options_from_js<T: DeserializeOwned + Default>(
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
pub(super) fn string_from_js(value: &JsValue, name: &str) -> JsResult<String> {
    text_from_js(value, name, MAX_STRING_UNITS)
}

/// Reads a string argument of up to `max_units` UTF-16 code units.
pub(super) fn text_from_js(value: &JsValue, name: &str, max_units: u32) -> JsResult<String> {
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
pub(super) fn to_js<T: WriteJson + ?Sized>(value: &T) -> JsResult {
    let mut text = String::new();
    value.write_json(&mut text).map_err(|e| {
        to_js_error(Error::invalid_input(
            "",
            format!("could not convert the result: {e}"),
        ))
    })?;
    JSON::parse(&text)
}

/// An engine result as a JS result: an engine error becomes the `HospitalError` the method
/// throws.
pub(super) fn throw_on_err<T>(result: engine::Result<T>) -> JsResult<T> {
    result.map_err(to_js_error)
}

fn js_type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".to_owned()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}
