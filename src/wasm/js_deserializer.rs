//! A strict serde `Deserializer` over JS values: it accepts only what JSON can say and reads
//! objects whole, so that the engine's input types see every field.
//!
//! - Strings, finite numbers (integers as integers, so `15.5` is no `u32`), booleans, `null`,
//!   arrays and plain objects. `NaN`, `Infinity`, functions, symbols, BigInts and lone
//!   surrogates are refused.
//! - A struct must be given as a plain object (its prototype `Object.prototype` or `null`):
//!   never an array (serde would fill it by position), nor a `Map`, `Date` or class instance
//!   (whose data `Object.keys` does not show, so it would read as `{}`). Every own enumerable
//!   key is visited, so unknown fields reach `deny_unknown_fields`; keys whose value is
//!   `undefined` are skipped, as `JSON.stringify` does.
//! - Arrays longer than [`MAX_ITEMS`] and strings longer than [`MAX_STRING_UNITS`] are refused
//!   by their length, before anything is read or copied.
//! - Every JS call that could run user code (a Proxy trap, a getter) catches its exception and
//!   turns it into an error: an exception must never unwind through the binding, which would
//!   leave the `Hospital` borrowed for good.
//! - Nesting deeper than [`MAX_DEPTH`] is refused.
//!
//! Wrapped in `serde_path_to_error`, each error carries the path of the field at fault.

use js_sys::{Array, JsString, Reflect};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// Deepest nesting an argument may have; the engine's inputs need four levels.
pub const MAX_DEPTH: usize = 16;

/// Longest array an argument may hold (the engine's own limits are far lower, except for
/// `applyChanges`, which takes at most this many changes per call).
pub const MAX_ITEMS: u32 = 100_000;

/// Longest string an argument may hold, in UTF-16 code units (the engine's own limits are far
/// lower); refused before it is copied into wasm memory.
pub const MAX_STRING_UNITS: u32 = 65_536;

/// Largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

#[wasm_bindgen]
extern "C" {
    /// `Object.keys`, which runs a Proxy's `ownKeys` trap: may throw.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(object: &JsValue) -> Result<Array, JsValue>;

    /// `Array.isArray`, which throws for a revoked Proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// `Object.getPrototypeOf`, which runs a Proxy's trap: may throw.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = getPrototypeOf)]
    fn prototype_of(value: &JsValue) -> Result<JsValue, JsValue>;

    /// `String.prototype.isWellFormed.call(text)` (ES2024): no lone surrogates. Throws on
    /// runtimes that lack it.
    #[wasm_bindgen(catch, js_namespace = ["String", "prototype", "isWellFormed"], js_name = call)]
    fn is_well_formed(text: &JsValue) -> Result<bool, JsValue>;
}

/// Why a JS value could not be read.
#[derive(Debug)]
pub struct DeError(String);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

/// Reads one JS value.
pub struct JsDeserializer {
    value: JsValue,
    depth: usize,
    /// Why the value cannot be read at all. Carried into the deserializer (rather than returned
    /// before it) so that `serde_path_to_error` sees the field it belongs to.
    failure: Option<DeError>,
}

impl JsDeserializer {
    /// A deserializer for a top-level argument.
    pub fn new(value: JsValue) -> Self {
        JsDeserializer {
            value,
            depth: 0,
            failure: None,
        }
    }

    fn child(&self, value: Result<JsValue, DeError>) -> Self {
        let value = if self.depth >= MAX_DEPTH {
            Err(DeError(format!("nested deeper than {MAX_DEPTH} levels")))
        } else {
            value
        };
        let (value, failure) = match value {
            Ok(value) => (value, None),
            Err(failure) => (JsValue::UNDEFINED, Some(failure)),
        };
        JsDeserializer {
            value,
            depth: self.depth + 1,
            failure,
        }
    }

    /// Fails with the carried failure, if any.
    fn readable(self) -> Result<Self, DeError> {
        match self.failure {
            Some(failure) => Err(failure),
            None => Ok(self),
        }
    }

    fn is_array(&self) -> Result<bool, DeError> {
        is_array(&self.value).map_err(|_| DeError("could not be inspected".to_owned()))
    }

    fn is_plain_value_object(&self) -> bool {
        self.value.is_object() && !self.value.is_function()
    }

    /// Whether the value is a plain object: its prototype is `null`, or an `Object.prototype`
    /// (of any realm: one whose own prototype is `null`).
    fn is_plain_object(&self) -> Result<bool, DeError> {
        if !self.is_plain_value_object() || self.is_array()? {
            return Ok(false);
        }
        let unreadable = |_| DeError("its prototype could not be read".to_owned());
        let prototype = prototype_of(&self.value).map_err(unreadable)?;
        Ok(prototype.is_null() || prototype_of(&prototype).map_err(unreadable)?.is_null())
    }

    fn visit_object<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if !self.is_plain_object()? {
            return Err(DeError(format!(
                "expected a plain object, not {}",
                self.describe()
            )));
        }
        let keys = object_keys(&self.value)
            .map_err(|_| DeError("its keys could not be read".to_owned()))?;
        visitor.visit_map(ObjectAccess {
            parent: self,
            keys: keys.into_iter(),
            pending: None,
        })
    }

    fn visit_array<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let length = Reflect::get(&self.value, &JsValue::from_str("length"))
            .ok()
            .and_then(|length| length.as_f64())
            .ok_or_else(|| DeError("its length could not be read".to_owned()))?;
        if !(0.0..=f64::from(MAX_ITEMS)).contains(&length) {
            return Err(DeError(format!(
                "has {length} items; the limit is {MAX_ITEMS}"
            )));
        }
        // In range and, for a real array, an integer.
        let length = length as u32;
        visitor.visit_seq(ArrayAccess {
            parent: self,
            index: 0,
            length,
        })
    }

    fn describe(&self) -> String {
        if self.value.is_null() {
            return "null".to_owned();
        }
        if self.is_array().unwrap_or(false) {
            return "an array".to_owned();
        }
        let kind = self.value.js_typeof().as_string().unwrap_or_default();
        if kind != "object" {
            return format!("a {kind}");
        }
        // A class instance, Map, Date…: name its constructor.
        let constructor = prototype_of(&self.value)
            .ok()
            .and_then(|prototype| Reflect::get(&prototype, &JsValue::from_str("constructor")).ok())
            .and_then(|constructor| Reflect::get(&constructor, &JsValue::from_str("name")).ok())
            .and_then(|name| name.as_string());
        match constructor {
            Some(name) if !name.is_empty() && name.len() <= 64 => {
                format!("an object of class {name}")
            }
            _ => "an object".to_owned(),
        }
    }
}

/// A JS string as UTF-8; a lone surrogate is refused rather than silently replaced by U+FFFD,
/// and a string longer than `max_units` UTF-16 code units is refused before it is copied.
pub fn js_string(value: &JsValue, max_units: u32) -> Result<String, String> {
    let text: &JsString = value.unchecked_ref();
    let units = text.length();
    if units > max_units {
        return Err(format!(
            "is {units} characters long; the limit is {max_units}"
        ));
    }
    // isWellFormed is one native call; the fallback reads every code unit.
    let well_formed = is_well_formed(value).unwrap_or_else(|_| text.is_valid_utf16());
    if !well_formed {
        return Err("contains a lone surrogate (not valid UTF-16)".to_owned());
    }
    value
        .as_string()
        .ok_or_else(|| "is not a string".to_owned())
}

impl<'de> de::Deserializer<'de> for JsDeserializer {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let de = self.readable()?;
        if de.value.is_string() {
            return visitor.visit_string(js_string(&de.value, MAX_STRING_UNITS).map_err(DeError)?);
        }
        if let Some(number) = de.value.as_f64() {
            if !number.is_finite() {
                return Err(DeError(format!("{number} is not a finite number")));
            }
            if number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER {
                // Exact: an integer within ±2^53.
                return if number >= 0.0 {
                    visitor.visit_u64(number as u64)
                } else {
                    visitor.visit_i64(number as i64)
                };
            }
            return visitor.visit_f64(number);
        }
        if let Some(flag) = de.value.as_bool() {
            return visitor.visit_bool(flag);
        }
        if de.value.is_null() || de.value.is_undefined() {
            return visitor.visit_unit();
        }
        if de.is_array()? {
            return de.visit_array(visitor);
        }
        if de.is_plain_value_object() {
            return de.visit_object(visitor);
        }
        Err(DeError(format!("{} is not a JSON value", de.describe())))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let de = self.readable()?;
        if de.value.is_null() || de.value.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(de)
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // visit_object refuses anything but a plain object (an array, a Map, a string…).
        self.readable()?.visit_object(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let de = self.readable()?;
        // The engine's enums are all unit variants spelled as strings ("mon", "booked", …).
        if de.value.is_string() {
            let text = js_string(&de.value, MAX_STRING_UNITS).map_err(DeError)?;
            visitor.visit_enum(text.into_deserializer())
        } else {
            Err(DeError(format!("expected a string, not {}", de.describe())))
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map identifier ignored_any
    }
}

/// The entries of a plain object, in `Object.keys` order.
struct ObjectAccess {
    parent: JsDeserializer,
    keys: js_sys::ArrayIntoIter,
    /// The value of the key just read, or why it could not be read.
    pending: Option<Result<JsValue, DeError>>,
}

impl<'de> MapAccess<'de> for ObjectAccess {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for key in self.keys.by_ref() {
            let name = js_string(&key, MAX_STRING_UNITS).map_err(DeError)?;
            // A getter that throws is reported as the value's error, so the path names it.
            let value = Reflect::get(&self.parent.value, &key)
                .map_err(|_| DeError("could not be read (its getter threw)".to_owned()));
            if value.as_ref().is_ok_and(JsValue::is_undefined) {
                continue;
            }
            self.pending = Some(value);
            return seed.deserialize(name.into_deserializer()).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let value = self
            .pending
            .take()
            .unwrap_or_else(|| Err(DeError("a value was read before its key".to_owned())));
        seed.deserialize(self.parent.child(value))
    }
}

/// The items of an array, by index.
struct ArrayAccess {
    parent: JsDeserializer,
    index: u32,
    length: u32,
}

impl<'de> SeqAccess<'de> for ArrayAccess {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.index >= self.length {
            return Ok(None);
        }
        let item = Reflect::get_u32(&self.parent.value, self.index)
            .map_err(|_| DeError("could not be read (a Proxy trap threw)".to_owned()));
        self.index += 1;
        seed.deserialize(self.parent.child(item)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.length - self.index).ok()
    }
}
