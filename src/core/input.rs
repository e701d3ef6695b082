//! Reading the engine's input types from any serde data format, with the path of the first
//! bad field in the `INVALID_INPUT` error. The wasm binding reads JS values this way; native
//! callers can read JSON the same way.

use super::error::{join_path, serde_path, Error, Result};
use serde::de::{Deserialize, Deserializer};

/// Reads a `T` from `deserializer`. A wrong type, a missing field, an unknown field or an
/// unparseable value is `INVALID_INPUT` whose `details.field` is the path of the field
/// (`start`, `schedule[0].end`), or `name` when the value as a whole is wrong.
pub fn read<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
    name: &str,
) -> Result<T>
where
    D::Error: std::fmt::Display,
{
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let reason = e.inner().to_string();
        let path = serde_path(e.path(), &reason);
        // An object's fields are named on their own (`start`); an array's items under the
        // array's name (`changes[3].revision`).
        let field = if path.is_empty() || path.starts_with('[') {
            join_path(name, &path)
        } else {
            path
        };
        Error::invalid_input(field, reason)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::BookRequest;
    use serde_json::json;

    #[test]
    fn names_the_bad_field_or_the_whole_value() {
        let e = read::<BookRequest, _>(
            json!({"doctorId": "d1", "location": "A", "start": "2019-02-30T10:00"}),
            "request",
        )
        .unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("start"));
        let e = read::<BookRequest, _>(json!({"doctorId": "d1", "location": "A"}), "request")
            .unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("start"));
        let e = read::<BookRequest, _>(json!("d1"), "request").unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("request"));
        let e = read::<Vec<BookRequest>, _>(json!([{"doctorId": 1}]), "requests").unwrap_err();
        assert_eq!(e.details.field.as_deref(), Some("requests[0].doctorId"));
    }
}
