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
//! Each error carries the path of the field at fault, added level by level as it passes out
//! (no generic path-tracking wrapper: that doubled the code of every input type).

use crate::engine::{self, Error, Step, MAX_APPOINTMENTS};
use js_sys::{Array, JsString, Reflect};
use serde::de::value::StrDeserializer;
use serde::de::{
    self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor,
};
use std::fmt;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// Deepest nesting an argument may have; the engine's inputs need four levels.
pub(super) const MAX_DEPTH: usize = 16;

/// Longest array an argument may hold (the engine's own limits are far lower, except for
/// `applyChanges`, which takes at most this many changes per call).
pub(super) const MAX_ITEMS: u32 = 100_000;

/// Longest array a snapshot may hold (read from `JSON.parse`'s value): one more than the
/// appointments a hospital holds, so that the engine reports a snapshot with too many.
pub(super) const MAX_SNAPSHOT_ITEMS: u32 = MAX_APPOINTMENTS as u32 + 1;

/// Longest string an argument may hold, in UTF-16 code units (the engine's own limits are far
/// lower); refused before it is copied into wasm memory.
pub(super) const MAX_STRING_UNITS: u32 = 65_536;

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

/// Why a JS value could not be read, and where: the path to the value at fault, innermost
/// step first (each level adds its step as the error passes through it on the way out, so
/// the path costs nothing unless there is an error).
#[derive(Debug)]
pub(super) struct DeError {
    message: String,
    path: Vec<Step>,
}

impl DeError {
    fn new(message: impl Into<String>) -> Self {
        DeError {
            message: message.into(),
            path: Vec::new(),
        }
    }

    /// The error as it passes out of `step`.
    fn at(mut self, step: Step) -> Self {
        self.path.push(step);
        self
    }

    /// The `INVALID_INPUT` error for the argument `name`, naming the field at fault.
    pub(super) fn into_error(self, name: &str) -> Error {
        engine::invalid_input_at(name, self.path.into_iter().rev(), self.message)
    }

    /// The `INVALID_SNAPSHOT` error for a snapshot, at the path of the value at fault.
    pub(super) fn into_snapshot_error(self) -> Error {
        engine::invalid_snapshot_at(self.path.into_iter().rev(), self.message)
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::new(msg.to_string())
    }

    // The same messages as serde's defaults, without serde's `Unexpected` formatting, which
    // links the whole float formatter of `core::fmt` for `floating point `1.5``.
    #[cold]
    fn invalid_type(unexp: Unexpected, exp: &dyn de::Expected) -> Self {
        DeError::new(format!(
            "invalid type: {}, expected {exp}",
            UnexpectedText(unexp)
        ))
    }

    #[cold]
    fn invalid_value(unexp: Unexpected, exp: &dyn de::Expected) -> Self {
        DeError::new(format!(
            "invalid value: {}, expected {exp}",
            UnexpectedText(unexp)
        ))
    }
}

/// serde's `Display` of `Unexpected`, word for word, with floats written by [`float_text`].
struct UnexpectedText<'a>(Unexpected<'a>);

impl fmt::Display for UnexpectedText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(i) => write!(f, "integer `{i}`"),
            Unexpected::Signed(i) => write!(f, "integer `{i}`"),
            Unexpected::Float(x) => {
                let mut text = float_text(x);
                // serde writes a finite float with a decimal point: `floating point `4.0``.
                if x.is_finite() && !text.contains('.') {
                    text.push_str(".0");
                }
                write!(f, "floating point `{text}`")
            }
            Unexpected::Char(c) => write!(f, "character `{c}`"),
            Unexpected::Str(s) => write!(f, "string {s:?}"),
            Unexpected::Bytes(_) => f.write_str("byte array"),
            Unexpected::Unit => f.write_str("unit value"),
            Unexpected::Option => f.write_str("Option value"),
            Unexpected::NewtypeStruct => f.write_str("newtype struct"),
            Unexpected::Seq => f.write_str("sequence"),
            Unexpected::Map => f.write_str("map"),
            Unexpected::Enum => f.write_str("enum"),
            Unexpected::UnitVariant => f.write_str("unit variant"),
            Unexpected::NewtypeVariant => f.write_str("newtype variant"),
            Unexpected::TupleVariant => f.write_str("tuple variant"),
            Unexpected::StructVariant => f.write_str("struct variant"),
            Unexpected::Other(other) => f.write_str(other),
        }
    }
}

/// `x` as Rust's `Display` writes it (`1.5`, `0.0000001`, `1000000000000000000000`, `NaN`,
/// `inf`), from JS's own shortest round-trip digits (`Number.prototype.toString`), which are
/// the digits Rust picks too; JS only switches to exponent notation where Rust does not.
/// Only error messages need it, and Rust's own float formatter costs ~16 KB of wasm.
fn float_text(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let js = js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default();
    let (sign, rest) = match js.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", js.as_str()),
    };
    let (mantissa, exponent) = match rest.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i64>().unwrap_or(0)),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    // Where the decimal point goes, counted in digits from the left.
    let point = i64::try_from(int.len()).unwrap_or(0) + exponent;
    let length = i64::try_from(digits.len()).unwrap_or(0);
    let zeros = |n: i64| "0".repeat(usize::try_from(n).unwrap_or(0));
    if point <= 0 {
        format!("{sign}0.{}{digits}", zeros(-point))
    } else if point >= length {
        format!("{sign}{digits}{}", zeros(point - length))
    } else {
        let (whole, fraction) = digits.split_at(usize::try_from(point).unwrap_or(0));
        format!("{sign}{whole}.{fraction}")
    }
}

/// What a readable JS value is, read by non-generic code so that each visitor's
/// `deserialize_any` is only a dispatch.
enum Kind {
    Str(String),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Bool(bool),
    Unit,
    Seq(u32),
    Map(Array),
}

/// Reads one JS value.
pub(super) struct JsDeserializer {
    value: JsValue,
    depth: usize,
    /// The longest array it reads.
    max_items: u32,
    /// Why the value cannot be read at all. Carried into the deserializer (rather than returned
    /// before it) so that the error is reported at the field it belongs to.
    failure: Option<DeError>,
}

impl JsDeserializer {
    /// A deserializer for a top-level argument.
    pub(super) fn new(value: JsValue) -> Self {
        JsDeserializer {
            value,
            depth: 0,
            max_items: MAX_ITEMS,
            failure: None,
        }
    }

    /// A deserializer for a whole snapshot, as `JSON.parse` made it: its arrays may be as long
    /// as [`MAX_SNAPSHOT_ITEMS`].
    pub(super) fn for_snapshot(value: JsValue) -> Self {
        JsDeserializer {
            max_items: MAX_SNAPSHOT_ITEMS,
            ..JsDeserializer::new(value)
        }
    }

    fn child(&self, value: Result<JsValue, DeError>) -> Self {
        let value = if self.depth >= MAX_DEPTH {
            Err(DeError::new(format!(
                "nested deeper than {MAX_DEPTH} levels"
            )))
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
            max_items: self.max_items,
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
        is_array(&self.value).map_err(|_| DeError::new("could not be inspected"))
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
        let unreadable = |_| DeError::new("its prototype could not be read");
        let prototype = prototype_of(&self.value).map_err(unreadable)?;
        Ok(prototype.is_null() || prototype_of(&prototype).map_err(unreadable)?.is_null())
    }

    /// The keys of a plain object, in `Object.keys` order; anything else is refused.
    #[inline(never)]
    fn object_keys(&self) -> Result<Array, DeError> {
        if !self.is_plain_object()? {
            return Err(DeError::new(format!(
                "expected a plain object, not {}",
                self.describe()
            )));
        }
        object_keys(&self.value).map_err(|_| DeError::new("its keys could not be read"))
    }

    /// The length of an array, within the reader's limit ([`MAX_ITEMS`] for arguments).
    #[inline(never)]
    fn array_length(&self) -> Result<u32, DeError> {
        let length = Reflect::get(&self.value, &JsValue::from_str("length"))
            .ok()
            .and_then(|length| length.as_f64())
            .ok_or_else(|| DeError::new("its length could not be read"))?;
        if !(0.0..=f64::from(self.max_items)).contains(&length) {
            return Err(DeError::new(format!(
                "has {} items; the limit is {}",
                float_text(length),
                self.max_items
            )));
        }
        // In range and, for a real array, an integer.
        Ok(length as u32)
    }

    /// What the value is, for `deserialize_any`.
    #[inline(never)]
    fn kind(&self) -> Result<Kind, DeError> {
        if self.value.is_string() {
            return js_string(&self.value, MAX_STRING_UNITS)
                .map(Kind::Str)
                .map_err(DeError::new);
        }
        if let Some(number) = self.value.as_f64() {
            if !number.is_finite() {
                return Err(DeError::new(format!(
                    "{} is not a finite number",
                    float_text(number)
                )));
            }
            if number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER {
                // Exact: an integer within ±2^53.
                return Ok(if number >= 0.0 {
                    Kind::Unsigned(number as u64)
                } else {
                    Kind::Signed(number as i64)
                });
            }
            return Ok(Kind::Float(number));
        }
        if let Some(flag) = self.value.as_bool() {
            return Ok(Kind::Bool(flag));
        }
        if self.value.is_null() || self.value.is_undefined() {
            return Ok(Kind::Unit);
        }
        if self.is_array()? {
            return self.array_length().map(Kind::Seq);
        }
        if self.is_plain_value_object() {
            return self.object_keys().map(Kind::Map);
        }
        Err(DeError::new(format!(
            "{} is not a JSON value",
            self.describe()
        )))
    }

    /// The string an enum's unit variant is spelled as.
    #[inline(never)]
    fn variant_name(&self) -> Result<String, DeError> {
        if self.value.is_string() {
            js_string(&self.value, MAX_STRING_UNITS).map_err(DeError::new)
        } else {
            Err(DeError::new(format!(
                "expected a string, not {}",
                self.describe()
            )))
        }
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
pub(super) fn js_string(value: &JsValue, max_units: u32) -> Result<String, String> {
    let text: &JsString = value.unchecked_ref();
    let units = text.length();
    if units > max_units {
        return Err(format!(
            "is {units} characters long; the limit is {max_units}"
        ));
    }
    let copy = value
        .as_string()
        .ok_or_else(|| "is not a string".to_owned())?;
    // The copy has U+FFFD where the text had a lone surrogate; only then is the text checked
    // (isWellFormed is one native call; the fallback reads every code unit).
    if copy.contains('\u{FFFD}') {
        let well_formed = is_well_formed(value).unwrap_or_else(|_| text.is_valid_utf16());
        if !well_formed {
            return Err("contains a lone surrogate (not valid UTF-16)".to_owned());
        }
    }
    Ok(copy)
}

impl<'de> de::Deserializer<'de> for JsDeserializer {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let de = self.readable()?;
        match de.kind()? {
            Kind::Str(text) => visitor.visit_string(text),
            Kind::Unsigned(n) => visitor.visit_u64(n),
            Kind::Signed(n) => visitor.visit_i64(n),
            Kind::Float(x) => visitor.visit_f64(x),
            Kind::Bool(flag) => visitor.visit_bool(flag),
            Kind::Unit => visitor.visit_unit(),
            Kind::Seq(length) => visitor.visit_seq(ArrayAccess {
                parent: de,
                index: 0,
                length,
            }),
            Kind::Map(keys) => visitor.visit_map(ObjectAccess::new(de, keys)),
        }
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
        // object_keys refuses anything but a plain object (an array, a Map, a string…).
        let de = self.readable()?;
        let keys = de.object_keys()?;
        visitor.visit_map(ObjectAccess::new(de, keys))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // The engine's enums are all unit variants spelled as strings ("mon", "booked", …).
        let text = self.readable()?.variant_name()?;
        visitor.visit_enum(text.into_deserializer())
    }

    /// A value nobody reads (a field a struct ignores, such as the snapshot header's other
    /// fields) is not inspected at all: it is not the reader's to refuse.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map identifier
    }
}

/// The entries of a plain object, in `Object.keys` order.
struct ObjectAccess {
    parent: JsDeserializer,
    keys: Array,
    index: u32,
    length: u32,
    /// The key just read: the step an error in its value passes out of.
    key: String,
    /// The value of the key just read, or why it could not be read.
    pending: Option<Result<JsValue, DeError>>,
}

impl ObjectAccess {
    fn new(parent: JsDeserializer, keys: Array) -> Self {
        let length = keys.length();
        ObjectAccess {
            parent,
            keys,
            index: 0,
            length,
            key: String::new(),
            pending: None,
        }
    }

    /// The next key whose value is not `undefined`, with its value read.
    #[inline(never)]
    fn advance(&mut self) -> Result<bool, DeError> {
        while self.index < self.length {
            let key = self.keys.get(self.index);
            self.index += 1;
            // A key that cannot be read is reported at the object: it has no name to give.
            let name = js_string(&key, MAX_STRING_UNITS).map_err(DeError::new)?;
            // A getter that throws is reported as the value's error, so the path names it.
            let value = Reflect::get(&self.parent.value, &key)
                .map_err(|_| DeError::new("could not be read (its getter threw)"));
            if value.as_ref().is_ok_and(JsValue::is_undefined) {
                continue;
            }
            self.pending = Some(value);
            self.key = name;
            return Ok(true);
        }
        Ok(false)
    }

    fn field(&mut self) -> Step {
        Step::Field(std::mem::take(&mut self.key))
    }
}

impl<'de> MapAccess<'de> for ObjectAccess {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if !self.advance()? {
            return Ok(None);
        }
        match seed.deserialize(StrDeserializer::<DeError>::new(&self.key)) {
            Ok(key) => Ok(Some(key)),
            // An unknown field is named by its own key.
            Err(e) => Err(e.at(self.field())),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let value = self
            .pending
            .take()
            .unwrap_or_else(|| Err(DeError::new("a value was read before its key")));
        match seed.deserialize(self.parent.child(value)) {
            Ok(value) => Ok(value),
            Err(e) => Err(e.at(self.field())),
        }
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
        let index = self.index;
        let item = Reflect::get_u32(&self.parent.value, index)
            .map_err(|_| DeError::new("could not be read (a Proxy trap threw)"));
        self.index += 1;
        match seed.deserialize(self.parent.child(item)) {
            Ok(item) => Ok(Some(item)),
            Err(e) => Err(e.at(Step::Item(index))),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.length - self.index).ok()
    }
}
