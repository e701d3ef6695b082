//! Values across the boundary.
//!
//! JS → Rust: the argument is first read into a JSON value by [`js_to_json`], which accepts
//! only what JSON can say (strings, finite numbers, booleans, null, arrays, plain objects) and
//! names the path of anything else (`NaN`, a function, a BigInt, a getter that throws, nesting
//! deeper than [`MAX_DEPTH`]); then serde reads the engine's input type from it, so wrong types,
//! missing fields and unknown fields are `INVALID_INPUT` with the path of the field.
//! Rust → JS: plain JSON-compatible objects through serde-wasm-bindgen.

use super::error::to_js_error;
use crate::core::error::serde_path;
use crate::core::{Error, LocalDateTime};
use js_sys::{Array, Object, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

/// The result of every bound method: a JS value, or a thrown `HospitalError`.
pub type JsResult<T = JsValue> = Result<T, JsValue>;

/// Deepest nesting an argument may have; the engine's inputs need four levels.
pub const MAX_DEPTH: usize = 16;

/// Largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Reads a JS value into `T`. `name` is the parameter's name, used as the field when the
/// value as a whole is wrong (`doctor: invalid type: string "x", expected struct NewDoctor`).
pub fn from_js<T: DeserializeOwned>(value: impl Into<JsValue>, name: &str) -> JsResult<T> {
    let value: JsValue = value.into();
    let json = js_to_json(&value, 0).map_err(|(path, reason)| {
        let field = if path.is_empty() {
            name.to_owned()
        } else {
            path
        };
        to_js_error(Error::invalid_input(field, reason))
    })?;
    serde_path_to_error::deserialize(json).map_err(|e| {
        let reason = e.inner().to_string();
        let path = serde_path(e.path(), &reason);
        let field = if path.is_empty() { name.to_owned() } else { path };
        to_js_error(Error::invalid_input(field, reason))
    })
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

/// Reads a string argument such as an id. Anything but a JS string is `INVALID_INPUT`.
pub fn string_from_js(value: &JsValue, name: &str) -> JsResult<String> {
    value.as_string().ok_or_else(|| {
        to_js_error(Error::invalid_input(
            name,
            format!("must be a string, not {}", js_type_name(value)),
        ))
    })
}

/// Writes a value as a plain object (maps become objects, no BigInt, no `Map`).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            to_js_error(Error::invalid_input(
                "",
                format!("could not convert the result: {e}"),
            ))
        })
}

/// Writes instants as an array of ISO strings.
pub fn instants_to_js(instants: &[LocalDateTime]) -> JsValue {
    instants
        .iter()
        .map(|instant| JsValue::from_str(&instant.to_string()))
        .collect::<Array>()
        .into()
}

/// A core result as a JS result.
pub fn core<T>(result: crate::core::Result<T>) -> JsResult<T> {
    result.map_err(to_js_error)
}

/// A JS value as JSON, or the path (`schedule[0].start`) and reason of the first part JSON
/// cannot say. Object properties whose value is `undefined` are left out, as `JSON.stringify`
/// does.
fn js_to_json(value: &JsValue, depth: usize) -> Result<Value, (String, String)> {
    if let Some(text) = value.as_string() {
        return Ok(Value::String(text));
    }
    if let Some(number) = value.as_f64() {
        return json_number(number)
            .map(Value::Number)
            .ok_or_else(|| (String::new(), format!("{number} is not a finite number")));
    }
    if let Some(flag) = value.as_bool() {
        return Ok(Value::Bool(flag));
    }
    if value.is_null() || value.is_undefined() {
        return Ok(Value::Null);
    }
    if depth >= MAX_DEPTH {
        return Err((
            String::new(),
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    if Array::is_array(value) {
        let array: &Array = value.unchecked_ref();
        let mut items = Vec::with_capacity(array.length() as usize);
        for (i, item) in array.iter().enumerate() {
            items.push(
                js_to_json(&item, depth + 1)
                    .map_err(|(path, reason)| (format!("[{i}]{}", dotted(&path)), reason))?,
            );
        }
        return Ok(Value::Array(items));
    }
    if value.is_object() && !value.is_function() {
        let object: &Object = value.unchecked_ref();
        let mut map = Map::new();
        for key in Object::keys(object).iter() {
            let name = key.as_string().unwrap_or_default();
            let item = Reflect::get(object, &key)
                .map_err(|_| (name.clone(), "could not be read".to_owned()))?;
            if item.is_undefined() {
                continue;
            }
            let item = js_to_json(&item, depth + 1)
                .map_err(|(path, reason)| (format!("{name}{}", dotted(&path)), reason))?;
            map.insert(name, item);
        }
        return Ok(Value::Object(map));
    }
    Err((
        String::new(),
        format!("a {} is not a JSON value", js_type_name(value)),
    ))
}

/// A finite JS number as a JSON number: integers as integers, so that serde reads `15` as a
/// `u32` and refuses `15.5`.
fn json_number(number: f64) -> Option<Number> {
    if !number.is_finite() {
        return None;
    }
    if number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER {
        // Exact: the value is an integer within ±2^53.
        return Some(if number >= 0.0 {
            Number::from(number as u64)
        } else {
            Number::from(number as i64)
        });
    }
    Number::from_f64(number)
}

/// The rest of a path after a segment: `""`, `.name` or `[3]…`.
fn dotted(path: &str) -> String {
    if path.is_empty() || path.starts_with('[') {
        path.to_owned()
    } else {
        format!(".{path}")
    }
}

fn js_type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".to_owned()
    } else if Array::is_array(value) {
        "array".to_owned()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}
