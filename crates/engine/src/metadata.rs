//! Appointment metadata: a small plain-JSON object the host attaches to an appointment (a visit
//! type, contact details, its own ids), stored and returned as given, in compact JSON.
//!
//! Read from any serde format, it is checked as it is read: an object at the top, nesting at most
//! [`MAX_METADATA_DEPTH`] levels, at most [`MAX_METADATA_ITEMS`] keys per object and items per
//! array, no key twice in one object, finite numbers, and at most [`MAX_METADATA_BYTES`] of
//! compact JSON in all. Keys keep their order, so the same object always gives the same text.

use crate::limits::{MAX_METADATA_BYTES, MAX_METADATA_DEPTH, MAX_METADATA_ITEMS};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A metadata object, as compact JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata(String);

impl Metadata {
    /// The object as compact JSON text.
    pub fn as_json(&self) -> &str {
        &self.0
    }

    /// Metadata the engine wrote itself (from a record).
    pub(crate) fn from_canonical(text: String) -> Self {
        Metadata(text)
    }

    /// The compact JSON text, given up.
    pub(crate) fn into_json(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut out = String::new();
        deserializer.deserialize_map(Writer {
            out: &mut out,
            depth: 1,
        })?;
        if out.len() > MAX_METADATA_BYTES {
            return Err(de::Error::custom(format!(
                "takes {} bytes of JSON; the most is {MAX_METADATA_BYTES}",
                out.len()
            )));
        }
        Ok(Metadata(out))
    }
}

/// Writes the value it visits as compact JSON into `out`, checking the limits.
struct Writer<'a> {
    out: &'a mut String,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Writer<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Writer<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.depth == 1 {
            f.write_str("a JSON object")
        } else {
            f.write_str("a JSON value")
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.out.push_str(&v.to_string());
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.out.push_str(&v.to_string());
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        let number = serde_json::Number::from_f64(v)
            .ok_or_else(|| E::custom("holds a number JSON cannot say"))?;
        self.out.push_str(&number.to_string());
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        crate::json::write_str(self.out, v);
        self.check_size()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.out.push_str("null");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let depth = self.depth + 1;
        if depth > MAX_METADATA_DEPTH {
            return Err(de::Error::custom(format!(
                "nests deeper than {MAX_METADATA_DEPTH} levels"
            )));
        }
        self.out.push('[');
        let mut items = 0;
        loop {
            let mark = self.out.len();
            if items > 0 {
                self.out.push(',');
            }
            let seed = Writer {
                out: &mut *self.out,
                depth,
            };
            if seq.next_element_seed(seed)?.is_none() {
                self.out.truncate(mark);
                break;
            }
            items += 1;
            if items > MAX_METADATA_ITEMS {
                return Err(de::Error::custom(format!(
                    "has an array of more than {MAX_METADATA_ITEMS} items"
                )));
            }
            self.check_size()?;
        }
        self.out.push(']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.depth > MAX_METADATA_DEPTH {
            return Err(de::Error::custom(format!(
                "nests deeper than {MAX_METADATA_DEPTH} levels"
            )));
        }
        self.out.push('{');
        let mut keys: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if keys.len() >= MAX_METADATA_ITEMS {
                return Err(de::Error::custom(format!(
                    "has an object of more than {MAX_METADATA_ITEMS} keys"
                )));
            }
            if keys.contains(&key) {
                return Err(de::Error::custom(format!("has the key {key:?} twice")));
            }
            if !keys.is_empty() {
                self.out.push(',');
            }
            crate::json::write_str(self.out, &key);
            self.out.push(':');
            keys.push(key);
            map.next_value_seed(Writer {
                out: &mut *self.out,
                depth: self.depth + 1,
            })?;
            self.check_size()?;
        }
        self.out.push('}');
        Ok(())
    }
}

impl Writer<'_> {
    /// Stops early once the text is over the limit, so that a huge value is not copied whole.
    fn check_size<E: de::Error>(&self) -> Result<(), E> {
        if self.out.len() > MAX_METADATA_BYTES {
            return Err(E::custom(format!(
                "takes more than {MAX_METADATA_BYTES} bytes of JSON"
            )));
        }
        Ok(())
    }
}

impl Serialize for Metadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut reader = Reader {
            text: self.0.as_bytes(),
            at: 0,
        };
        reader.value(serializer)
    }
}

/// Reads the compact JSON this module wrote and hands it to a serde serializer.
struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn value<S: Serializer>(&mut self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut map = serializer.serialize_map(None)?;
                while self.peek().is_some_and(|b| b != b'}') {
                    if self.peek() == Some(b',') {
                        self.at += 1;
                    }
                    let key = self.string().map_err(S::Error::custom)?;
                    self.at += 1; // ':'
                    map.serialize_key(&key)?;
                    let value = self.raw_value().map_err(S::Error::custom)?;
                    map.serialize_value(&Metadata(value))?;
                }
                self.at += 1;
                map.end()
            }
            Some(b'[') => {
                self.at += 1;
                let mut seq = serializer.serialize_seq(None)?;
                while self.peek().is_some_and(|b| b != b']') {
                    if self.peek() == Some(b',') {
                        self.at += 1;
                    }
                    let value = self.raw_value().map_err(S::Error::custom)?;
                    seq.serialize_element(&Metadata(value))?;
                }
                self.at += 1;
                seq.end()
            }
            _ => {
                let token = self.raw_value().map_err(S::Error::custom)?;
                match token.as_str() {
                    "true" => serializer.serialize_bool(true),
                    "false" => serializer.serialize_bool(false),
                    "null" => serializer.serialize_unit(),
                    text if text.starts_with('"') => {
                        let text: String = serde_json::from_str(text).map_err(S::Error::custom)?;
                        serializer.serialize_str(&text)
                    }
                    text => {
                        let number: serde_json::Number =
                            serde_json::from_str(text).map_err(S::Error::custom)?;
                        number.serialize(serializer)
                    }
                }
            }
        }
    }

    /// The text of the value at the cursor, which it passes.
    fn raw_value(&mut self) -> Result<String, String> {
        let start = self.at;
        let mut depth = 0usize;
        let mut in_string = false;
        while let Some(b) = self.peek() {
            if in_string {
                match b {
                    b'\\' => self.at += 1,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth == 0 => break,
                    b'}' | b']' => depth -= 1,
                    b',' if depth == 0 => break,
                    _ => {}
                }
            }
            self.at += 1;
        }
        self.text
            .get(start..self.at)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .map(str::to_owned)
            .ok_or_else(|| "metadata is not compact JSON".to_owned())
    }

    /// The string at the cursor, unescaped.
    fn string(&mut self) -> Result<String, String> {
        let start = self.at;
        self.at += 1; // the opening quote
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' => break,
                _ => {}
            }
        }
        let raw = self
            .text
            .get(start..self.at)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .ok_or_else(|| "metadata is not compact JSON".to_owned())?;
        serde_json::from_str(raw).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: serde_json::Value) -> Result<Metadata, String> {
        Metadata::deserialize(value).map_err(|e| e.to_string())
    }

    #[test]
    fn objects_round_trip_in_their_key_order() {
        let m = read(json!({"visit": "follow-up", "phone": "+1 555", "n": [1, 2.5, null, true]}))
            .unwrap();
        // serde_json::Value sorts its keys; the order read is the order written.
        assert_eq!(
            m.as_json(),
            r#"{"n":[1,2.5,null,true],"phone":"+1 555","visit":"follow-up"}"#
        );
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(
            back,
            json!({"visit": "follow-up", "phone": "+1 555", "n": [1, 2.5, null, true]})
        );
        let text: Metadata = serde_json::from_str(r#"{"b":1,"a":{"c":"\"q\""}}"#).unwrap();
        assert_eq!(text.as_json(), r#"{"b":1,"a":{"c":"\"q\""}}"#);
    }

    #[test]
    fn limits_are_enforced() {
        assert!(read(json!("text")).is_err(), "an object at the top");
        assert!(read(json!([1])).is_err());
        assert!(
            read(json!({"a": {"b": {"c": {"d": {"e": 1}}}}})).is_err(),
            "too deep"
        );
        assert!(read(json!({"a": {"b": {"c": {"d": 1}}}})).is_ok());
        assert!(read(json!({"a": [[[[1]]]]})).is_err(), "arrays count too");
        let many: serde_json::Map<String, serde_json::Value> =
            (0..65).map(|i| (format!("k{i}"), json!(i))).collect();
        assert!(read(serde_json::Value::Object(many)).is_err());
        assert!(read(json!({"a": "x".repeat(5000)})).is_err(), "too large");
        let twice: Result<Metadata, _> = serde_json::from_str(r#"{"a":1,"a":2}"#);
        assert!(twice.is_err());
    }
}
