//! Structs read only from objects. serde's derived `Deserialize` also fills a struct from an
//! array, by position (`["d1", "Dr. Ada", ["A"], []]` would be a doctor); a snapshot that
//! trusts nothing must refuse that. [`ObjectOnly`] and [`vec`] ask the format for a map and
//! hand it to the struct's own `Deserialize`, so field names, unknown fields and error paths
//! work as before.

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A `T` that must be written as an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ObjectOnly<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(ObjectOnly)
    }
}

/// For `#[serde(deserialize_with = "object_only::vec")]`: an array of objects.
pub(crate) fn vec<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    struct ArrayVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for ArrayVisitor<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of objects")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            // Bounded: a hostile size hint must not reserve gigabytes.
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
            while let Some(ObjectOnly(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }

    deserializer.deserialize_seq(ArrayVisitor(PhantomData))
}

/// For `#[serde(deserialize_with = "object_only::one")]`: a single object.
pub(crate) fn one<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    ObjectOnly::deserialize(deserializer).map(|ObjectOnly(value)| value)
}

/// For `#[serde(default, deserialize_with = "object_only::option")]`: an optional object
/// (`null` or absent is `None`).
pub(crate) fn option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Option::<ObjectOnly<T>>::deserialize(deserializer).map(|value| value.map(|ObjectOnly(v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Point {
        x: u32,
        y: u32,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Shape {
        #[serde(deserialize_with = "vec")]
        points: Vec<Point>,
    }

    #[test]
    fn objects_are_read_and_arrays_refused() {
        let ok: ObjectOnly<Point> = serde_json::from_str(r#"{"x":1,"y":2}"#).unwrap();
        assert_eq!(ok.0, Point { x: 1, y: 2 });
        assert!(serde_json::from_str::<ObjectOnly<Point>>("[1,2]").is_err());
        assert!(serde_json::from_str::<Shape>(r#"{"points":[[1,2]]}"#).is_err());
        assert!(serde_json::from_str::<ObjectOnly<Point>>(r#"{"x":1,"y":2,"z":3}"#).is_err());
        let shape: Shape = serde_json::from_str(r#"{"points":[{"x":1,"y":2}]}"#).unwrap();
        assert_eq!(shape.points.len(), 1);
    }
}
