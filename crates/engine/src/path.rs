//! Field paths as errors name them: `schedule[0].end`, `appointments[3].start`, `""` for the
//! value as a whole. Two readers track paths: serde_path_to_error, wrapped around serde when
//! the engine reads JSON ([`serde_path`]), and readers that track their own ([`Step`], the wasm
//! binding's JS reader); both end up in [`path_text`], so that a path is spelled one way.

/// One step from a value into a part of it, as a reader that tracks its own path records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An object's field.
    Field(String),
    /// An array's item.
    Item(u32),
}

/// Joins two path segments: `("schedule[0]", "end")` → `schedule[0].end`.
pub(crate) fn join_path(parent: &str, child: &str) -> String {
    match (parent.is_empty(), child.is_empty()) {
        (true, _) => child.to_owned(),
        (_, true) => parent.to_owned(),
        _ if child.starts_with('[') => format!("{parent}{child}"),
        _ => format!("{parent}.{child}"),
    }
}

/// A path as text (`schedule[0].end`), outermost step first. A missing field is named in the
/// path too: serde reports it at its parent (its `reason` says "missing field `start`"), but the
/// caller needs to know which field to add.
pub(crate) fn path_text(path: impl IntoIterator<Item = Step>, reason: &str) -> String {
    let mut joined = String::new();
    for step in path {
        joined = match step {
            Step::Field(key) => join_path(&joined, &key),
            Step::Item(index) => join_path(&joined, &format!("[{index}]")),
        };
    }
    let missing = reason
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    if let Some(field) = missing {
        joined = join_path(&joined, field);
    }
    joined
}

/// The path of a serde_path_to_error error, as [`path_text`] spells it; `message` is the error's.
pub(crate) fn serde_path(path: &serde_path_to_error::Path, message: &str) -> String {
    use serde_path_to_error::Segment;
    let steps = path
        .iter()
        .map_while(|segment| match segment {
            Segment::Seq { index } => {
                Some(Some(Step::Item(u32::try_from(*index).unwrap_or(u32::MAX))))
            }
            Segment::Map { key } => Some(Some(Step::Field(key.clone()))),
            Segment::Enum { .. } => Some(None),
            Segment::Unknown => None,
        })
        .flatten();
    path_text(steps, message)
}

/// The field an error at `path` names, for the argument `name`. An object's fields are named
/// on their own (`start`); an array's items under the array's name (`changes[3].revision`);
/// the value as a whole by the argument's name.
pub(crate) fn field_of(name: &str, path: String) -> String {
    if path.is_empty() || path.starts_with('[') {
        join_path(name, &path)
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_paths_name_nested_and_missing_fields() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Rule {
            start: u32,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            rules: Vec<Rule>,
        }
        let path_of = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            let e = serde_path_to_error::deserialize::<_, Outer>(&mut de).unwrap_err();
            serde_path(e.path(), &e.inner().to_string())
        };
        assert_eq!(
            path_of(r#"{"rules":[{"start":1},{"start":"x"}]}"#),
            "rules[1].start"
        );
        assert_eq!(path_of(r#"{"rules":[{}]}"#), "rules[0].start");
        assert_eq!(path_of(r#"{}"#), "rules");
        assert_eq!(path_of(r#"{"#), "");
        assert_eq!(path_of(r#"[]"#), "");
    }

    #[test]
    fn both_readers_spell_paths_alike() {
        let steps = vec![
            Step::Field("rules".into()),
            Step::Item(1),
            Step::Field("start".into()),
        ];
        assert_eq!(path_text(steps, "invalid type"), "rules[1].start");
        let steps = vec![Step::Field("rules".into()), Step::Item(0)];
        assert_eq!(path_text(steps, "missing field `start`"), "rules[0].start");
        assert_eq!(path_text(vec![], "missing field `rules`"), "rules");
        assert_eq!(field_of("request", String::new()), "request");
        assert_eq!(
            field_of("changes", "[3].revision".into()),
            "changes[3].revision"
        );
        assert_eq!(field_of("request", "start".into()), "start");
    }
}
