//! Appointment metadata: a small plain-JSON object the host attaches to an appointment (a visit
//! type, contact details, its own ids), stored and returned as given, in compact JSON.
//!
//! Read by the engine's JSON reader, it is checked as it is read: an object at the top, objects
//! and arrays nested at most [`MAX_METADATA_DEPTH`] levels, at most [`MAX_METADATA_ITEMS`] keys per object and items per
//! array, no key twice in one object, finite numbers, and at most [`MAX_METADATA_BYTES`] of
//! compact JSON in all. Keys keep their order, so the same object always gives the same text.

use crate::json_text;
use crate::limits::{MAX_METADATA_BYTES, MAX_METADATA_DEPTH, MAX_METADATA_ITEMS};
use crate::reader::{JsonReader, Read, ReadError, ReadJson};
use crate::words::Quoted;
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

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

impl ReadJson for Metadata {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        if reader.kind() != Some(b'{') {
            return Err(reader.refuse("a JSON object"));
        }
        let mut out = String::new();
        write_value(reader, &mut out, 1)?;
        Ok(Metadata(out))
    }
}

/// Copies the value at the cursor into `out` as compact JSON, checking the limits as it goes
/// (so that a huge value is not copied whole); `level` is how deep the value is (the top object
/// is at level 1). Numbers are copied as written: JSON's readers all read them alike.
fn write_value(reader: &mut JsonReader<'_>, out: &mut String, level: usize) -> Read<()> {
    match reader.kind() {
        Some(b'{') => {
            deep_enough(level)?;
            out.push('{');
            let mut keys: Vec<String> = Vec::new();
            reader.entries(&mut |reader, key| {
                if keys.len() >= MAX_METADATA_ITEMS {
                    return Err(ReadError::new(format!(
                        "has an object of more than {MAX_METADATA_ITEMS} keys"
                    )));
                }
                if keys.iter().any(|k| *k == key) {
                    return Err(ReadError::new(format!(
                        "has the key {q_key} twice",
                        q_key = Quoted(&key)
                    )));
                }
                if !keys.is_empty() {
                    out.push(',');
                }
                json_text::write_str(out, &key);
                out.push(':');
                keys.push(key.into_owned());
                write_value(reader, out, level + 1)
            })?;
            out.push('}');
        }
        Some(b'[') => {
            deep_enough(level)?;
            out.push('[');
            reader.array("an array", &mut |reader, index| {
                if index as usize >= MAX_METADATA_ITEMS {
                    return Err(ReadError::new(format!(
                        "has an array of more than {MAX_METADATA_ITEMS} items"
                    )));
                }
                if index > 0 {
                    out.push(',');
                }
                write_value(reader, out, level + 1)
            })?;
            out.push(']');
        }
        Some(b'"') => {
            let text = reader.raw_string()?;
            json_text::write_str(out, &text);
        }
        Some(b'-' | b'0'..=b'9') => {
            out.push_str(reader.number_text()?);
        }
        Some(b't' | b'f' | b'n') => out.push_str(reader.raw_literal()?),
        _ => reader.skip()?,
    }
    if out.len() > MAX_METADATA_BYTES {
        return Err(ReadError::new(format!(
            "takes more than {MAX_METADATA_BYTES} bytes of JSON"
        )));
    }
    Ok(())
}

/// Refuses an object or array deeper than [`MAX_METADATA_DEPTH`] levels.
fn deep_enough(level: usize) -> Read<()> {
    if level > MAX_METADATA_DEPTH {
        return Err(ReadError::new(format!(
            "nests deeper than {MAX_METADATA_DEPTH} levels"
        )));
    }
    Ok(())
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
        crate::reader::read_all(value.to_string().as_bytes()).map_err(|e| e.message().to_owned())
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
        let text: Metadata =
            crate::reader::read_all(br#"{ "b" : 1.50, "a":{"c":"\"q\""}}"#).unwrap();
        assert_eq!(text.as_json(), r#"{"b":1.50,"a":{"c":"\"q\""}}"#);
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
        assert!(read(json!({"a": [[[1]]]})).is_ok());
        assert!(crate::reader::read_all::<Metadata>(br#"{"a":1e999}"#).is_err());
        let many: serde_json::Map<String, serde_json::Value> =
            (0..65).map(|i| (format!("k{i}"), json!(i))).collect();
        assert!(read(serde_json::Value::Object(many)).is_err());
        assert!(read(json!({"a": "x".repeat(5000)})).is_err(), "too large");
        let twice = crate::reader::read_all::<Metadata>(br#"{"a":1,"a":2}"#);
        assert!(twice.is_err());
    }
}
