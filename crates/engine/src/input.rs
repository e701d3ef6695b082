//! Reading the engine's input types from JSON, with the path of the first bad field in the
//! `INVALID_INPUT` error. The wasm binding reads its structured arguments this way; native
//! callers can too.

use crate::error::{Error, Result};
use crate::path::{field_of, join_path};
use crate::reader::{read_all, ReadJson};
use serde::Serialize;

/// Reads a `T` from JSON text (UTF-8 bytes), the argument `name`: the whole text must be one JSON
/// value. A wrong type, a missing, unknown or repeated field, an unparseable value or text that
/// is not JSON is `INVALID_INPUT` whose `details.field` is the path of the field (`start`,
/// `schedule[0].end`), or `name` when the value as a whole is wrong.
pub fn read_json<T: ReadJson>(json: &[u8], name: &str) -> Result<T> {
    read_all(json).map_err(|e| Error::invalid_input(field_of(name, e.path()), e.message()))
}

/// Reads a `T` from JSON text that is the field `field` of an argument (a request's `metadata`,
/// say), as [`read_json`] does, naming every problem under `field` (`metadata.visit`).
pub fn read_field_json<T: ReadJson>(json: &[u8], field: &str) -> Result<T> {
    read_all(json).map_err(|e| Error::invalid_input(join_path(field, &e.path()), e.message()))
}

/// Reads a `T` from any serializable value (a `serde_json::Value`, say) as [`read_json`] reads
/// its JSON text.
pub fn read_input<T: ReadJson, V: Serialize>(value: V, name: &str) -> Result<T> {
    let json = serde_json::to_vec(&value)
        .map_err(|e| Error::invalid_input(name, format!("cannot be written as JSON: {e}")))?;
    read_json(&json, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::BookRequest;
    use serde_json::json;

    #[test]
    fn names_the_bad_field_or_the_whole_value() {
        let e = read_input::<BookRequest, _>(
            json!({"doctorId": "d1", "location": "A", "start": "2019-02-30T10:00"}),
            "request",
        )
        .unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("start"));
        let e = read_input::<BookRequest, _>(json!({"doctorId": "d1", "location": "A"}), "request")
            .unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("start"));
        let e = read_input::<BookRequest, _>(json!("d1"), "request").unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("request"));
        let e =
            read_input::<Vec<BookRequest>, _>(json!([{"doctorId": 1}]), "requests").unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("requests[0].doctorId"));
        let e = read_json::<BookRequest>(
            br#"{"doctorId":"d1","location":"A","start":"2019-02-01T10:00"} {"#,
            "request",
        )
        .unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("request"));
    }
}
