//! Field paths as errors name them: `schedule[0].end`, `appointments[3].start`, `""` for the
//! value as a whole.

/// One step from a value into a part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
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

/// A path as text (`schedule[0].end`), outermost step first.
pub(crate) fn path_text<'a>(path: impl IntoIterator<Item = &'a Step>) -> String {
    let mut joined = String::new();
    for step in path {
        joined = match step {
            Step::Field(key) => join_path(&joined, key),
            Step::Item(index) => join_path(&joined, &format!("[{index}]")),
        };
    }
    joined
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
    fn paths_are_spelled_as_javascript_would() {
        let steps = [
            Step::Field("rules".into()),
            Step::Item(1),
            Step::Field("start".into()),
        ];
        assert_eq!(path_text(&steps), "rules[1].start");
        assert_eq!(path_text(&[Step::Field(String::new())]), "");
        assert_eq!(field_of("request", String::new()), "request");
        assert_eq!(
            field_of("changes", "[3].revision".into()),
            "changes[3].revision"
        );
        assert_eq!(field_of("request", "start".into()), "start");
    }
}
