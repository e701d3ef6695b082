//! Reading the engine's input types from any serde data format, with the path of the first
//! bad field in the `INVALID_INPUT` error. The wasm binding reads JS values this way; native
//! callers can read JSON the same way.

use crate::error::{Error, Result};
use crate::path::{field_of, path_text, serde_path, Step};
use serde::de::{Deserialize, Deserializer};

/// Reads a `T` from `deserializer`. A wrong type, a missing field, an unknown field or an
/// unparseable value is `INVALID_INPUT` whose `details.field` is the path of the field
/// (`start`, `schedule[0].end`), or `name` when the value as a whole is wrong.
pub fn read_input<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
    name: &str,
) -> Result<T>
where
    D::Error: std::fmt::Display,
{
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let reason = e.inner().to_string();
        let path = serde_path(e.path(), &reason);
        Error::invalid_input(field_of(name, path), reason)
    })
}

/// The `INVALID_INPUT` error [`read_input`] gives, for a reader that tracks the path itself (the
/// wasm binding's JS reader, which needs no generic path-tracking wrapper): `path` leads from
/// the argument `name` to the value at fault, outermost step first.
pub fn invalid_input_at(name: &str, path: impl IntoIterator<Item = Step>, reason: String) -> Error {
    let joined = path_text(path, &reason);
    Error::invalid_input(field_of(name, joined), reason)
}

/// The `INVALID_SNAPSHOT` error for a snapshot a reader that tracks the path itself could not
/// read (the wasm binding reads the value `JSON.parse` makes of the text): `path` leads from
/// the snapshot to the value at fault, outermost step first.
pub fn invalid_snapshot_at(path: impl IntoIterator<Item = Step>, reason: String) -> Error {
    Error::invalid_snapshot(path_text(path, &reason), reason)
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
    }
}
