//! The engine's JSON reader: reads the engine's types from UTF-8 JSON text in one pass and,
//! when something is wrong, names the path of the value at fault (`schedule[0].end`) and says
//! what is wrong in plain words ("expected a whole number from 0 to 65535, not the string
//! \"15\"").
//!
//! A type is read by its [`ReadJson`] implementation, written next to the type: structs with
//! `read_object!`, which lists each field's key and whether it is required.
//! The reader's own functions do the work and are compiled once, not once per type, which keeps
//! the wasm small (a serde derive compiles a visitor per type and data format).
//!
//! It is stricter than JSON needs to be where the engine's trust rules ask it to be:
//! - a struct is read only from an object, never from an array by position;
//! - a key given twice in one object is refused, never "the last one wins";
//! - a number too large for a double (`1e999`) is refused where it is, naming its path;
//! - unknown keys are refused, except where a reader skips them (a snapshot's header check);
//!   skipped values are checked as JSON without recursion, however deep they nest.
//!
//! Errors travel up as a [`ReadError`] that collects the path on its way out of each object and
//! array.

use crate::path::Step;
use crate::words;
use std::borrow::Cow;
use std::fmt;

/// What went wrong reading a value, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    message: String,
    /// The path to the value at fault, innermost step first (the order it is collected in).
    steps: Vec<Step>,
}

impl ReadError {
    /// An error about the value being read, in plain words.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ReadError {
            message: message.into(),
            steps: Vec::new(),
        }
    }

    /// A required field that is absent.
    pub(crate) fn missing(key: &str) -> Self {
        ReadError::new("is missing (a required field)").inside(Step::Field(key.to_owned()))
    }

    /// The error one step further out: the value at fault is inside `step`.
    fn inside(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// The path of the value at fault, outermost first (`schedule[0].end`; `""` for the whole).
    pub fn path(&self) -> String {
        crate::path::path_text(self.steps.iter().rev())
    }

    /// What is wrong, in plain words.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

/// A result of the reader.
pub type Read<T> = std::result::Result<T, ReadError>;

/// A type the engine reads from JSON: its input types, its snapshot records and change records.
/// Read one with [`read_json`](crate::read_json).
pub trait ReadJson: Sized {
    /// Reads one value at the reader's cursor.
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self>;
}

/// Reads one `T` from the whole of `text`: nothing but whitespace may follow it.
pub(crate) fn read_all<T: ReadJson>(text: &[u8]) -> Read<T> {
    let mut reader = JsonReader::new(text);
    let value = T::read_json(&mut reader)?;
    reader.end()?;
    Ok(value)
}

/// How deep objects and arrays may nest in a value read into a type (values that are skipped
/// are not limited).
pub(crate) const MAX_DEPTH: usize = 128;

/// A number as JSON text gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Number<'a> {
    /// A whole number from 0 up (to `u64::MAX`).
    Unsigned(u64),
    /// A negative whole number (from `i64::MIN`).
    Negative(i64),
    /// Any other number a double holds (a fraction, an exponent, or beyond the integers), as
    /// written: the engine stores no such number, it only names it in errors.
    Other(&'a str),
}

/// What a reader does with a key its object does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnknownKeys {
    /// Refuse it, naming it.
    Refuse,
    /// Pass over its value.
    Skip,
}

/// The reader: the text and how far it has read.
pub struct JsonReader<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
}

impl<'a> JsonReader<'a> {
    /// A reader at the start of `text`.
    pub(crate) fn new(text: &'a [u8]) -> Self {
        JsonReader {
            text,
            at: 0,
            depth: 0,
        }
    }

    /// Checks that only whitespace is left.
    pub(crate) fn end(&mut self) -> Read<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.syntax("the JSON text goes on after its value ends")),
        }
    }

    fn syntax(&self, what: &str) -> ReadError {
        ReadError::new(format!("is not valid JSON: {what} (at byte {})", self.at))
    }

    fn byte(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    /// The next byte that is not whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        while let Some(b) = self.byte() {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.at += 1;
        }
        None
    }

    /// Consumes `expected`, the next byte that is not whitespace.
    fn expect(&mut self, expected: u8, what: &str) -> Read<()> {
        if self.peek() == Some(expected) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.syntax(what))
        }
    }

    fn literal(&mut self, word: &[u8]) -> Read<()> {
        let end = self.at.saturating_add(word.len());
        if self.text.get(self.at..end) == Some(word) {
            self.at = end;
            Ok(())
        } else {
            Err(self.syntax("expected a value"))
        }
    }

    /// The error for a value of the wrong kind at the cursor: `expected {expected}, not …`.
    pub(crate) fn refuse(&mut self, expected: &str) -> ReadError {
        match self.describe() {
            Ok(given) => ReadError::new(format!("expected {expected}, not {given}")),
            Err(e) => e,
        }
    }

    /// What the value at the cursor is, in words, for an error; the value is consumed.
    fn describe(&mut self) -> Read<String> {
        Ok(match self.peek() {
            Some(b'{') => {
                self.skip()?;
                "an object".to_owned()
            }
            Some(b'[') => {
                self.skip()?;
                "an array".to_owned()
            }
            Some(b'"') => format!("the string {}", words::quoted(&self.raw_string()?)),
            Some(b'-' | b'0'..=b'9') => number_words(self.raw_number()?),
            Some(b't') => {
                self.literal(b"true")?;
                "true".to_owned()
            }
            Some(b'f') => {
                self.literal(b"false")?;
                "false".to_owned()
            }
            Some(b'n') => {
                self.literal(b"null")?;
                "null".to_owned()
            }
            _ => return Err(self.syntax("expected a value")),
        })
    }

    /// Whether the value at the cursor is `null`; if it is, it is consumed.
    pub(crate) fn null(&mut self) -> Read<bool> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads a string; `expected` says what was wanted when the value is not one.
    pub(crate) fn string(&mut self, expected: &str) -> Read<Cow<'a, str>> {
        if self.peek() == Some(b'"') {
            self.raw_string()
        } else {
            Err(self.refuse(expected))
        }
    }

    /// Reads a string and parses it with `parse`, whose error is the message.
    pub(crate) fn parsed<T>(
        &mut self,
        expected: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Read<T> {
        let text = self.string(expected)?;
        parse(&text).map_err(ReadError::new)
    }

    /// Reads `true` or `false`.
    pub(crate) fn boolean(&mut self) -> Read<bool> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|()| true),
            Some(b'f') => self.literal(b"false").map(|()| false),
            _ => Err(self.refuse("true or false")),
        }
    }

    /// Reads a whole number from 0 to `max`; `expected` says so in words.
    pub(crate) fn unsigned(&mut self, max: u64, expected: &str) -> Read<u64> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.refuse(expected));
        }
        match self.raw_number()? {
            Number::Unsigned(n) if n <= max => Ok(n),
            other => Err(ReadError::new(format!(
                "expected {expected}, not {}",
                number_words(other)
            ))),
        }
    }

    /// Reads a string that must be one of `names`; the index of the one it is.
    pub(crate) fn choice(&mut self, names: &[&str]) -> Read<usize> {
        if self.peek() != Some(b'"') {
            return Err(self.refuse(&words::choices(names)));
        }
        let name = self.raw_string()?;
        names
            .iter()
            .position(|candidate| *candidate == name)
            .ok_or_else(|| {
                ReadError::new(format!(
                    "expected {}, not {}",
                    words::choices(names),
                    words::quoted(&name)
                ))
            })
    }

    /// Reads an object whose keys are `keys`: `field(reader, index)` reads the value of
    /// `keys[index]`. An unknown key is refused or skipped, as `unknown` says; a key given twice
    /// is refused. An error inside a value is at the value's key.
    pub(crate) fn object(
        &mut self,
        keys: &[&str],
        unknown: UnknownKeys,
        field: &mut dyn FnMut(&mut Self, usize) -> Read<()>,
    ) -> Read<()> {
        let mut seen = vec![false; keys.len()];
        self.entries(&mut |reader, key| {
            let Some(index) = keys.iter().position(|k| *k == key) else {
                return match unknown {
                    UnknownKeys::Skip => reader.skip(),
                    UnknownKeys::Refuse => Err(ReadError::new(words::unknown_key(&key, keys))),
                };
            };
            if let Some(seen) = seen.get_mut(index) {
                if *seen {
                    return Err(ReadError::new(format!(
                        "has the key {} twice",
                        words::quoted(&key)
                    )));
                }
                *seen = true;
            }
            field(reader, index)
        })
    }

    /// Reads an object of any keys: `entry(reader, key)` reads each entry's value. An error in
    /// it is at the entry's key.
    pub(crate) fn entries(
        &mut self,
        entry: &mut dyn FnMut(&mut Self, Cow<'a, str>) -> Read<()>,
    ) -> Read<()> {
        if self.peek() != Some(b'{') {
            return Err(self.refuse("an object"));
        }
        self.descend()?;
        if self.peek() == Some(b'}') {
            self.at += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.syntax("expected a key (a string)"));
            }
            let key = self.raw_string()?;
            self.expect(b':', "expected a colon after the key")?;
            let step = || Step::Field(key.to_string());
            entry(self, key.clone()).map_err(|e| e.inside(step()))?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                // The object's problem, not its last value's.
                _ => return Err(self.syntax("expected a comma or the end of the object")),
            }
        }
    }

    /// Reads an array: `item(reader, index)` reads each item. `expected` says what was wanted
    /// when the value is not an array. An error in an item is at its index.
    pub(crate) fn array(
        &mut self,
        expected: &str,
        item: &mut dyn FnMut(&mut Self, u32) -> Read<()>,
    ) -> Read<()> {
        if self.peek() != Some(b'[') {
            return Err(self.refuse(expected));
        }
        self.descend()?;
        if self.peek() == Some(b']') {
            self.at += 1;
            self.depth -= 1;
            return Ok(());
        }
        let mut index = 0u32;
        loop {
            item(self, index).map_err(|e| e.inside(Step::Item(index)))?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                // The array's problem, not its last item's.
                _ => return Err(self.syntax("expected a comma or the end of the array")),
            }
            index = index.saturating_add(1);
        }
    }

    /// Goes one level deeper into an object or array: past its opening bracket.
    fn descend(&mut self) -> Read<()> {
        if self.depth >= MAX_DEPTH {
            return Err(ReadError::new(format!(
                "nests deeper than {MAX_DEPTH} levels"
            )));
        }
        self.depth += 1;
        self.at += 1;
        Ok(())
    }

    /// What kind of value is at the cursor: its first byte (`{`, `[`, `"`, a digit or `-`,
    /// `t`, `f`, `n`), not consumed.
    pub(crate) fn kind(&mut self) -> Option<u8> {
        self.peek()
    }

    /// Reads a string; the next byte that is not whitespace is its opening quote.
    pub(crate) fn raw_string(&mut self) -> Read<Cow<'a, str>> {
        self.peek();
        self.at += 1;
        let start = self.at;
        let mut escaped = false;
        loop {
            match self.byte() {
                None => return Err(self.syntax("a string is not closed")),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    self.at += 2;
                }
                Some(0..=0x1f) => {
                    return Err(self.syntax("a string holds a control character not escaped"))
                }
                Some(_) => self.at += 1,
            }
        }
        let raw = self.text.get(start..self.at).unwrap_or_default();
        self.at += 1;
        if !escaped {
            return std::str::from_utf8(raw)
                .map(Cow::Borrowed)
                .map_err(|_| ReadError::new("is not UTF-8 text"));
        }
        unescape(raw).map(Cow::Owned)
    }

    /// Reads a number; the next byte that is not whitespace is its first.
    pub(crate) fn raw_number(&mut self) -> Read<Number<'a>> {
        let text = self.number_text()?;
        if !text.contains(['.', 'e', 'E']) {
            let negative = text.starts_with('-');
            if let Ok(magnitude) = text.trim_start_matches('-').parse::<u64>() {
                if !negative {
                    return Ok(Number::Unsigned(magnitude));
                }
                if let Some(value) = 0i64.checked_sub_unsigned(magnitude) {
                    return Ok(Number::Negative(value));
                }
            }
        }
        Ok(Number::Other(text))
    }

    /// Passes over a number, checking its grammar and that a double holds it (JSON allows
    /// `1e999`; JavaScript reads it as `Infinity`); its text.
    pub(crate) fn number_text(&mut self) -> Read<&'a str> {
        let text = self.number_grammar()?;
        if beyond_double(text) {
            return Err(ReadError::new(
                "is a number out of range (larger than any a double holds)",
            ));
        }
        Ok(text)
    }

    /// Passes over a number, checking its grammar; its text.
    fn number_grammar(&mut self) -> Read<&'a str> {
        self.peek();
        let start = self.at;
        if self.byte() == Some(b'-') {
            self.at += 1;
        }
        match self.byte() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.syntax("expected a digit")),
        }
        if self.byte() == Some(b'.') {
            self.at += 1;
            if !self.byte().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.syntax("expected a digit after the decimal point"));
            }
            self.digits();
        }
        if matches!(self.byte(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.byte(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !self.byte().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.syntax("expected a digit in the exponent"));
            }
            self.digits();
        }
        // Only ASCII digits, signs, points and exponent marks were passed over.
        let text = self.text.get(start..self.at).unwrap_or_default();
        Ok(std::str::from_utf8(text).unwrap_or_default())
    }

    fn digits(&mut self) {
        while self.byte().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    /// Reads `true`, `false` or `null`, whichever is at the cursor; its text.
    pub(crate) fn raw_literal(&mut self) -> Read<&'static str> {
        let word = match self.peek() {
            Some(b't') => "true",
            Some(b'f') => "false",
            _ => "null",
        };
        self.literal(word.as_bytes()).map(|()| word)
    }

    /// Passes over one value, checking that it is JSON, without recursion.
    pub(crate) fn skip(&mut self) -> Read<()> {
        // The objects (`{`) and arrays (`[`) open around the cursor.
        let mut open: Vec<u8> = Vec::new();
        loop {
            // A value.
            match self.peek() {
                Some(bracket @ (b'{' | b'[')) => {
                    self.at += 1;
                    let close = if bracket == b'{' { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.at += 1;
                    } else {
                        open.push(bracket);
                        if bracket == b'{' {
                            self.key_and_colon()?;
                        }
                        continue;
                    }
                }
                Some(b'"') => {
                    self.raw_string()?;
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.number_grammar()?;
                }
                Some(b't' | b'f' | b'n') => {
                    self.raw_literal()?;
                }
                _ => return Err(self.syntax("expected a value")),
            }
            // After a value: close what ends here, then the next item or the end.
            loop {
                let Some(&bracket) = open.last() else {
                    return Ok(());
                };
                let close = if bracket == b'{' { b'}' } else { b']' };
                match self.peek() {
                    Some(b',') => {
                        self.at += 1;
                        if bracket == b'{' {
                            self.key_and_colon()?;
                        }
                        break;
                    }
                    Some(b) if b == close => {
                        self.at += 1;
                        open.pop();
                    }
                    _ => {
                        return Err(
                            self.syntax("expected a comma or the end of the object or array")
                        )
                    }
                }
            }
        }
    }

    fn key_and_colon(&mut self) -> Read<()> {
        if self.peek() != Some(b'"') {
            return Err(self.syntax("expected a key (a string)"));
        }
        self.raw_string()?;
        self.expect(b':', "expected a colon after the key")
    }
}

/// Whether the number `text` (valid JSON) is too large for a double: above
/// 1.7976931348623157e308, the largest one, in magnitude. Worked out on the digits (a number
/// within one part in 10^16 of that largest one counts as beyond it), without parsing the
/// number: a double parser would bring its tables into the wasm.
fn beyond_double(text: &str) -> bool {
    const LARGEST: &str = "17976931348623157";
    let unsigned = text.trim_start_matches('-');
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], unsigned.get(at + 1..).unwrap_or("0")),
        None => (unsigned, "0"),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = whole.chars().chain(fraction.chars()).collect();
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return false;
    }
    // The power of ten of the first significant digit.
    let leading_zeros = digits.len() - significant.len();
    let exponent: i64 = match exponent.trim_start_matches('+').parse::<i64>() {
        Ok(exponent) => exponent,
        // More digits than an i64: astronomically large or small.
        Err(_) => return !exponent.starts_with('-'),
    };
    let power = exponent
        .saturating_add(whole.len() as i64)
        .saturating_sub(leading_zeros as i64)
        .saturating_sub(1);
    match power {
        p if p > 308 => true,
        308 => {
            let significant = significant.trim_end_matches('0');
            let head = significant.get(..LARGEST.len()).unwrap_or(significant);
            head > LARGEST || (head == LARGEST && significant.len() > LARGEST.len())
        }
        _ => false,
    }
}

/// A number as a message names it: `the number 15`, `the number -0.5`, as it was written
/// (cut short as [`Quoted`] cuts strings).
fn number_words(number: Number<'_>) -> String {
    match number {
        Number::Unsigned(n) => format!("the number {n}"),
        Number::Negative(n) => format!("the number {n}"),
        Number::Other(text) => {
            let quoted = words::quoted(text);
            format!("the number {}", quoted.trim_matches('"'))
        }
    }
}

/// The text of a string with escapes (`raw`, between its quotes).
fn unescape(raw: &[u8]) -> Read<String> {
    let bad = |what: &str| ReadError::new(format!("is not valid JSON: {what}"));
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        let plain_len = rest.iter().position(|&b| b == b'\\').unwrap_or(rest.len());
        let (plain, tail) = rest.split_at(plain_len);
        out.push_str(std::str::from_utf8(plain).map_err(|_| ReadError::new("is not UTF-8 text"))?);
        let Some((_, tail)) = tail.split_first() else {
            return Ok(out);
        };
        let Some((&kind, tail)) = tail.split_first() else {
            return Err(bad("a string ends in a backslash"));
        };
        rest = tail;
        let c = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let (unit, tail) = hex4(rest).ok_or_else(|| bad("\\u needs four hex digits"))?;
                rest = tail;
                let code = match unit {
                    0xd800..=0xdbff => {
                        let low = rest
                            .strip_prefix(b"\\u")
                            .and_then(hex4)
                            .filter(|(low, _)| (0xdc00..=0xdfff).contains(low));
                        let Some((low, tail)) = low else {
                            return Err(lone_surrogate());
                        };
                        rest = tail;
                        0x10000 + ((u32::from(unit) - 0xd800) << 10) + (u32::from(low) - 0xdc00)
                    }
                    0xdc00..=0xdfff => return Err(lone_surrogate()),
                    unit => u32::from(unit),
                };
                char::from_u32(code).ok_or_else(lone_surrogate)?
            }
            _ => return Err(bad("an unknown escape in a string")),
        };
        out.push(c);
    }
}

fn lone_surrogate() -> ReadError {
    ReadError::new("holds a lone surrogate (half a UTF-16 pair), which is not text")
}

/// Four hex digits at the start of `bytes`, and what follows them.
fn hex4(bytes: &[u8]) -> Option<(u16, &[u8])> {
    let (digits, rest) = bytes.split_at_checked(4)?;
    let digits = std::str::from_utf8(digits).ok()?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(digits, 16)
        .ok()
        .map(|unit| (unit, rest))
}

/// A required field's value, or the error that it is missing.
pub(crate) fn required<T>(value: Option<T>, key: &str) -> Read<T> {
    value.ok_or_else(|| ReadError::missing(key))
}

/// An optional field's value: absent and `null` are both `None`.
pub(crate) fn optional<T>(value: Option<Option<T>>) -> Option<T> {
    value.flatten()
}

/// A field's value, or its type's default when absent.
pub(crate) fn or_default<T: Default>(value: Option<T>) -> T {
    value.unwrap_or_default()
}

/// Implements [`ReadJson`] for a struct read from an object, listing each field with its key and
/// how it is read:
/// - `required`: must be present (`Option<T>` fields may then be `null`);
/// - `optional`: an `Option<T>`, `None` when absent or `null`;
/// - `default`: the type's default when absent;
/// - `or(value)`: `value` when absent;
/// - `nullable`: an `Option<Option<T>>`, `None` when absent, `Some(None)` when `null`.
///
/// `skip_unknown` before the type skips keys it does not list instead of refusing them.
macro_rules! read_object {
    ($type:ident { $($field:ident: $key:literal $how:ident $(($default:expr))?),* $(,)? }) => {
        $crate::reader::read_object!(@impl $type, $crate::reader::UnknownKeys::Refuse,
            { $($field: $key $how $(($default))?),* });
    };
    (skip_unknown $type:ident {
        $($field:ident: $key:literal $how:ident $(($default:expr))?),* $(,)?
    }) => {
        $crate::reader::read_object!(@impl $type, $crate::reader::UnknownKeys::Skip,
            { $($field: $key $how $(($default))?),* });
    };
    (@impl $type:ident, $unknown:expr,
        { $($field:ident: $key:literal $how:ident $(($default:expr))?),* }) => {
        impl $crate::reader::ReadJson for $type {
            fn read_json(
                reader: &mut $crate::reader::JsonReader<'_>,
            ) -> $crate::reader::Read<Self> {
                $(let mut $field = None;)*
                reader.object(&[$($key),*], $unknown, &mut |reader, index| {
                    let mut at = 0usize;
                    $(
                        if index == at {
                            $field = Some($crate::reader::ReadJson::read_json(reader)?);
                            return Ok(());
                        }
                        at += 1;
                    )*
                    let _ = at;
                    Ok(())
                })?;
                Ok($type {
                    $($field: $crate::reader::read_object!(@take $how, $field, $key $(, $default)?)),*
                })
            }
        }
    };
    (@take required, $value:ident, $key:literal) => { $crate::reader::required($value, $key)? };
    (@take optional, $value:ident, $key:literal) => { $crate::reader::optional($value) };
    (@take default, $value:ident, $key:literal) => { $crate::reader::or_default($value) };
    (@take or, $value:ident, $key:literal, $default:expr) => { $value.unwrap_or($default) };
    (@take nullable, $value:ident, $key:literal) => { $value };
}

pub(crate) use read_object;

/// Implements [`ReadJson`] for an enum written as one of a few strings.
macro_rules! read_choice {
    ($type:ident { $($variant:ident = $name:literal),* $(,)? }) => {
        impl $crate::reader::ReadJson for $type {
            fn read_json(
                reader: &mut $crate::reader::JsonReader<'_>,
            ) -> $crate::reader::Read<Self> {
                const VARIANTS: &[$type] = &[$($type::$variant),*];
                let index = reader.choice(&[$($name),*])?;
                VARIANTS
                    .get(index)
                    .copied()
                    .ok_or_else(|| $crate::reader::ReadError::new("is not one of the choices"))
            }
        }
    };
}

pub(crate) use read_choice;

impl ReadJson for String {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        reader.string("a string").map(Cow::into_owned)
    }
}

impl ReadJson for bool {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        reader.boolean()
    }
}

impl ReadJson for u16 {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        let n = reader.unsigned(u64::from(u16::MAX), "a whole number from 0 to 65535")?;
        Ok(u16::try_from(n).unwrap_or(u16::MAX))
    }
}

impl ReadJson for u32 {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        let n = reader.unsigned(u64::from(u32::MAX), "a whole number from 0 to 4294967295")?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}

impl ReadJson for u64 {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        reader.unsigned(u64::MAX, "a whole number from 0 up")
    }
}

impl<T: ReadJson> ReadJson for Option<T> {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        if reader.null()? {
            Ok(None)
        } else {
            T::read_json(reader).map(Some)
        }
    }
}

impl<T: ReadJson> ReadJson for Vec<T> {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        let mut items = Vec::new();
        reader.array("an array", &mut |reader, _| {
            items.push(T::read_json(reader)?);
            Ok(())
        })?;
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any JSON value, read and thrown away (checked as JSON).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Ignored;

    impl ReadJson for Ignored {
        fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
            reader.skip().map(|()| Ignored)
        }
    }

    #[derive(Debug, PartialEq)]
    struct Rule {
        start: u16,
        days: Vec<Day>,
        label: Option<String>,
        note: Option<Option<String>>,
    }
    crate::reader::read_object!(Rule {
        start: "start" required,
        days: "days" default,
        label: "label" optional,
        note: "note" nullable,
    });

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Day {
        Mon,
        Tue,
    }
    crate::reader::read_choice!(Day { Mon = "mon", Tue = "tue" });

    #[derive(Debug, PartialEq)]
    struct Outer {
        rules: Vec<Rule>,
    }
    crate::reader::read_object!(Outer { rules: "rules" required });

    #[derive(Debug, PartialEq)]
    struct Header {
        v: u32,
    }
    crate::reader::read_object!(skip_unknown Header { v: "v" required });

    fn error<T: ReadJson + fmt::Debug>(text: &str) -> (String, String) {
        let e = read_all::<T>(text.as_bytes()).unwrap_err();
        (e.path(), e.message().to_owned())
    }

    #[test]
    fn reads_what_it_is_given() {
        let outer: Outer = read_all(
            br#" {"rules":[{"start":5,"days":["mon","tue"],"label":"a\"\u00e9\ud83d\ude00","note":null},{"start":0,"label":null}]} "#,
        )
        .unwrap();
        assert_eq!(outer.rules[0].days, vec![Day::Mon, Day::Tue]);
        assert_eq!(outer.rules[0].label.as_deref(), Some("a\"é😀"));
        assert_eq!(outer.rules[0].note, Some(None));
        assert_eq!(outer.rules[1].label, None);
        assert_eq!(outer.rules[1].note, None);
        assert!(outer.rules[1].days.is_empty());
        let big: Vec<u64> = read_all(b"[0, 18446744073709551615]").unwrap();
        assert_eq!(big, vec![0, u64::MAX]);
        let mut reader = JsonReader::new(
            b"[0, -0, 1.5, -2e3, 1E-2, -9223372036854775808, 18446744073709551616]",
        );
        let mut numbers = Vec::new();
        reader
            .array("an array", &mut |r, _| {
                numbers.push(r.raw_number()?);
                Ok(())
            })
            .unwrap();
        assert_eq!(
            numbers,
            vec![
                Number::Unsigned(0),
                Number::Negative(0),
                Number::Other("1.5"),
                Number::Other("-2e3"),
                Number::Other("1E-2"),
                Number::Negative(i64::MIN),
                Number::Other("18446744073709551616"),
            ]
        );
    }

    #[test]
    fn names_the_path_and_says_what_is_wrong() {
        assert_eq!(
            error::<Outer>(r#"{"rules":[{"start":1},{"start":"15"}]}"#),
            (
                "rules[1].start".into(),
                "expected a whole number from 0 to 65535, not the string \"15\"".into()
            )
        );
        assert_eq!(
            error::<Outer>(r#"{"rules":[{"start":1.5}]}"#),
            (
                "rules[0].start".into(),
                "expected a whole number from 0 to 65535, not the number 1.5".into()
            )
        );
        assert_eq!(
            error::<Outer>(r#"{"rules":[{"start":70000}]}"#).1,
            "expected a whole number from 0 to 65535, not the number 70000"
        );
        assert_eq!(
            error::<Outer>(r#"{"rules":[{}]}"#),
            (
                "rules[0].start".into(),
                "is missing (a required field)".into()
            )
        );
        assert_eq!(
            error::<Outer>(r#"{"rules":[{"start":1,"colour":2}]}"#),
            (
                "rules[0].colour".into(),
                "unknown field \"colour\"; expected one of \"start\", \"days\", \"label\", \"note\"".into()
            )
        );
        assert_eq!(
            error::<Outer>(r#"{"rules":[{"start":1,"start":2}]}"#),
            (
                "rules[0].start".into(),
                "has the key \"start\" twice".into()
            )
        );
        assert_eq!(
            error::<Outer>(r#"{"rules":[{"start":1,"days":["wed"]}]}"#),
            (
                "rules[0].days[0]".into(),
                "expected one of \"mon\", \"tue\", not \"wed\"".into()
            )
        );
        assert_eq!(
            error::<Outer>(r#"{"rules":[[1]]}"#),
            ("rules[0]".into(), "expected an object, not an array".into())
        );
        assert_eq!(
            error::<Outer>(r#"[]"#),
            ("".into(), "expected an object, not an array".into())
        );
        assert_eq!(
            error::<Outer>(r#"{"rules":{}}"#),
            ("rules".into(), "expected an array, not an object".into())
        );
        let (path, message) = error::<Outer>(r#"{"rules":[{"start":1e999}]}"#);
        assert_eq!(path, "rules[0].start");
        assert!(message.contains("number out of range"), "{message}");
        assert_eq!(
            error::<Outer>(r#"{"rules":[{"start":1,"label":"\ud800"}]}"#).0,
            "rules[0].label"
        );
        assert_eq!(error::<Outer>(r#"{"rules":[]} x"#).0, "");
        assert_eq!(error::<Outer>(r#"{"rules":[}"#).0, "rules[0]");
        assert_eq!(error::<Outer>(r#"{"rules":[{"start":1} {}]}"#).0, "rules");
        assert_eq!(error::<Outer>(r#"{"#).0, "");
        assert_eq!(error::<Outer>(r#"{"rules":[],"#).0, "");
    }

    #[test]
    fn skips_deep_values_without_recursion_and_limits_read_depth() {
        let deep = format!(
            r#"{{"x":{}{},"v":1,"y":{{"a":[1,{{"b":null}}]}}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(read_all::<Header>(deep.as_bytes()), Ok(Header { v: 1 }));
        let unclosed = format!(r#"{{"x":{},"v":1}}"#, "[".repeat(100_000));
        assert!(read_all::<Header>(unclosed.as_bytes()).is_err());
        assert!(read_all::<Header>(br#"{"v":1,"v":2}"#).is_err());
        let nested = "[".repeat(200) + &"]".repeat(200);
        assert!(read_all::<Ignored>(nested.as_bytes()).is_ok());
        #[derive(Debug)]
        struct Tree;
        impl ReadJson for Tree {
            fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
                reader.array("an array", &mut |r, _| Tree::read_json(r).map(|_| ()))?;
                Ok(Tree)
            }
        }
        let e = read_all::<Tree>(nested.as_bytes()).unwrap_err();
        assert!(e.message().contains("deeper than 128"), "{}", e.message());
    }

    #[test]
    fn names_numbers_as_they_were_written() {
        assert_eq!(number_words(Number::Other("1.5")), "the number 1.5");
        assert_eq!(number_words(Number::Other("-1e-9")), "the number -1e-9");
        assert_eq!(number_words(Number::Negative(-1)), "the number -1");
        assert_eq!(number_words(Number::Unsigned(15)), "the number 15");
    }

    #[test]
    fn knows_which_numbers_a_double_holds() {
        for inside in [
            "0", "-0", "1e308", "1.7976931348623157e308", "-1.7976931348623157e308",
            "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
            "0.00017976931348623157e312", "1e-400", "123456789012345678901234567890", "1e-99999999999999999999",
        ] {
            assert!(!beyond_double(inside), "{inside}");
        }
        for beyond in [
            "1e309",
            "1e999",
            "-1e400",
            "1.8e308",
            "1.79769313486231571e308",
            "2e308",
            "0.0018e311",
            "1e99999999999999999999",
        ] {
            assert!(beyond_double(beyond), "{beyond}");
        }
    }

    #[test]
    fn refuses_what_json_does_not_allow() {
        for bad in [
            "",
            "01",
            "1.",
            ".5",
            "-",
            "+1",
            "1e",
            "tru",
            "nul",
            "\"a",
            "\"\\x\"",
            "\"\u{1}\"",
            "[1,]",
            "[,1]",
            "{\"a\"}",
            "{\"a\":1,}",
            "{a:1}",
            "[1 2]",
            "NaN",
            "\"\\ud800\"",
            "\"\\udc00\\ud800\"",
            "\"\\u12\"",
            "{\"a\":1}}",
            "[]]",
        ] {
            assert!(read_all::<Ignored>(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(read_all::<String>(b"\"\xff\"").is_err());
        assert!(read_all::<String>(b"\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"").is_ok());
    }
}
