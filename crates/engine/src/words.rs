//! Errors in the words of the people who read them: serde describes what it could not read in
//! Rust's terms (an `Unexpected::Float`, an expected `u32`, a `struct NewDoctor`), and the
//! engine's callers are JavaScript and JSON users. These functions say the same thing in theirs
//! ("expected a whole number from 0 to 4294967295, not the number 1.5").

use serde::de::Unexpected;

/// How much of a string an error quotes.
const QUOTED_CHARS: usize = 40;

/// `expected …, not …`, with what serde expected (its `Expected` as text) in plain words.
pub(crate) fn expected_not(expected: &str, given: &str) -> String {
    format!("expected {}, not {given}", self::expected(expected))
}

/// What serde says it expected (a visitor's `expecting` text), in plain words.
pub(crate) fn expected(expected: &str) -> String {
    match expected {
        "u8" => "a whole number from 0 to 255",
        "u16" => "a whole number from 0 to 65535",
        "u32" => "a whole number from 0 to 4294967295",
        "u64" | "usize" => "a whole number from 0 up",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f64" | "f32" => "a number",
        "a boolean" => "true or false",
        "a sequence" | "a tuple" => "an array",
        "a map" | "unit" => "an object",
        "a string" | "variant identifier" | "field identifier" => "a string",
        other if other.starts_with("struct ") || other.starts_with("enum ") => "an object",
        other if other.starts_with("tuple struct ") => "an array",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// What serde says it was given, in plain words.
pub(crate) fn given(given: &Unexpected<'_>) -> String {
    match *given {
        Unexpected::Bool(b) => if b { "true" } else { "false" }.to_owned(),
        Unexpected::Unsigned(n) => format!("the number {n}"),
        Unexpected::Signed(n) => format!("the number {n}"),
        Unexpected::Float(f) => decimal(f),
        Unexpected::Char(c) => format!("the string {}", quoted(c.encode_utf8(&mut [0; 4]))),
        Unexpected::Str(s) => format!("the string {}", quoted(s)),
        Unexpected::Bytes(_) => "bytes".to_owned(),
        Unexpected::Unit | Unexpected::Option => "null".to_owned(),
        Unexpected::Seq => "an array".to_owned(),
        Unexpected::Map => "an object".to_owned(),
        Unexpected::Other(other) => other.to_owned(),
        Unexpected::NewtypeStruct
        | Unexpected::UnitVariant
        | Unexpected::NewtypeVariant
        | Unexpected::TupleVariant
        | Unexpected::StructVariant
        | Unexpected::Enum => "a value of another kind".to_owned(),
    }
}

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

/// `text` in double quotes, escaped as JSON would, cut short after [`QUOTED_CHARS`] characters.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        if i == QUOTED_CHARS {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A double as a message names it: whole numbers exactly, others to six places (`the number
/// 1.5`, `the number -0.333333`), very large or very small ones in words. (Not `{f}`: the
/// shortest round-trip formatting would add its own tables to the wasm for error messages.)
fn decimal(f: f64) -> String {
    let magnitude = f.abs();
    if magnitude >= 1e15 {
        return "a number of 16 digits or more".to_owned();
    }
    if magnitude < 1e-6 {
        return if f == 0.0 {
            "the number 0"
        } else {
            "a number closer to 0 than 0.000001"
        }
        .to_owned();
    }
    let sign = if f < 0.0 { "-" } else { "" };
    // Below 1e15, a million times the magnitude fits a u64 exactly enough.
    let millionths = (magnitude * 1e6).round() as u64;
    let (whole, fraction) = (millionths / 1_000_000, millionths % 1_000_000);
    if fraction == 0 {
        return format!("the number {sign}{whole}");
    }
    let fraction = format!("{fraction:06}");
    format!(
        "the number {sign}{whole}.{}",
        fraction.trim_end_matches('0')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_javascript_calls_things() {
        assert_eq!(
            expected_not("u32", &given(&Unexpected::Float(1.5))),
            "expected a whole number from 0 to 4294967295, not the number 1.5"
        );
        assert_eq!(
            expected_not("u16", &given(&Unexpected::Str("15"))),
            "expected a whole number from 0 to 65535, not the string \"15\""
        );
        assert_eq!(
            expected_not("a sequence", &given(&Unexpected::Map)),
            "expected an array, not an object"
        );
        assert_eq!(
            expected_not("struct NewDoctor", &given(&Unexpected::Seq)),
            "expected an object, not an array"
        );
        assert_eq!(choices(&["mon", "tue"]), "one of \"mon\", \"tue\"");
        assert_eq!(choices(&["mon"]), "\"mon\"");
        assert_eq!(given(&Unexpected::Unit), "null");
        assert_eq!(given(&Unexpected::Float(-0.1)), "the number -0.1");
        assert_eq!(given(&Unexpected::Float(15.0)), "the number 15");
        assert_eq!(
            given(&Unexpected::Float(1e300)),
            "a number of 16 digits or more"
        );
        assert_eq!(quoted(&"x".repeat(100)).chars().count(), 43);
        assert_eq!(quoted("a\"b\u{0}"), "\"a\\\"b\\u{0}\"");
        for rust in [
            "u32",
            "u64",
            "i64",
            "usize",
            "sequence",
            "struct",
            "Option",
            "identifier",
        ] {
            for (expected, given) in [
                ("u64", Unexpected::Signed(-1)),
                ("usize", Unexpected::Option),
                ("i64", Unexpected::UnitVariant),
                ("variant identifier", Unexpected::Unsigned(3)),
                ("field identifier", Unexpected::Unsigned(3)),
                ("u32", Unexpected::Signed(-1)),
            ] {
                let message = expected_not(expected, &self::given(&given));
                assert!(!message.contains(rust), "{message}");
            }
        }
    }
}
