//! Errors in the words of the people who read them: the engine's callers are JavaScript and
//! JSON users, so a message says "a whole number", "an array", "one of "mon", "tue"", and
//! quotes what it was given as JSON would.

use std::fmt;

/// How much of a string an error quotes.
const QUOTED_CHARS: usize = 40;

/// serde's list of choices as `"a"` or `one of "a", "b"`.
pub(crate) fn choices(names: &[&str]) -> String {
    match names {
        [] => "nothing".to_owned(),
        [one] => quoted(one),
        many => {
            let quoted: Vec<String> = many.iter().map(|name| quoted(name)).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}

/// The message for a key an object does not have: `unknown field "x"; expected one of …`.
pub(crate) fn unknown_key(key: &str, keys: &[&str]) -> String {
    if keys.is_empty() {
        format!("unknown field {}; no field is expected here", quoted(key))
    } else {
        format!("unknown field {}; expected {}", quoted(key), choices(keys))
    }
}

/// `text` in double quotes, escaped as JSON would, cut short after [`QUOTED_CHARS`] characters.
pub(crate) fn quoted(text: &str) -> String {
    Quoted(text).to_string()
}

/// Shows a string in double quotes, escaped as JSON would, cut short after [`QUOTED_CHARS`]
/// characters (`format!("no doctor with id {}", Quoted(id))`): a message never echoes
/// unbounded input. (Not `{:?}`: Rust's escaping of strings brings Unicode tables into the
/// wasm.)
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for (i, c) in self.0.chars().enumerate() {
            if i == QUOTED_CHARS {
                f.write_str("…")?;
                break;
            }
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        f.write_str("\"")
    }
}

/// Shows a list of strings as JSON would: `["A", "B"]`, each cut short as [`Quoted`] does.
pub(crate) struct QuotedList<'a>(pub(crate) &'a [String]);

impl fmt::Display for QuotedList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Quoted(item))?;
        }
        f.write_str("]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_javascript_calls_things() {
        assert_eq!(choices(&["mon", "tue"]), "one of \"mon\", \"tue\"");
        assert_eq!(choices(&["mon"]), "\"mon\"");
        assert_eq!(
            unknown_key("colour", &["name", "locations"]),
            "unknown field \"colour\"; expected one of \"name\", \"locations\""
        );
        assert_eq!(quoted(&"x".repeat(100)).chars().count(), 43);
        assert_eq!(quoted("a\"b\u{0}"), "\"a\\\"b\\u0000\"");
    }
}
