//! The engine's JSON reader: a serde [`Deserializer`] over UTF-8 JSON text that reads the
//! engine's types straight from the text, one pass, and when something is wrong names the path
//! of the value at fault (`schedule[0].end`) and says what is wrong in plain words ("expected a
//! whole number from 0 to 65535, not the string \"15\"").
//!
//! It is stricter than JSON needs to be where the engine's trust rules ask it to be:
//! - a struct is read only from an object, never from an array by position;
//! - a key given twice in one object is refused (by the struct that reads it), never "the last
//!   one wins";
//! - a number too large for a double (`1e999`) is refused where it is, naming its path;
//! - nesting deeper than [`MAX_DEPTH`] is refused; values that are skipped (the fields a header
//!   reader does not look at) are checked as JSON without recursion, however deep.
//!
//! Errors travel up as a [`ReadError`] that collects the path on its way out of each object and
//! array, so the reader never wraps the visitors of the types it reads (which would double the
//! code each type compiles to).

use crate::path::Step;
use crate::words;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Expected, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};
use std::borrow::Cow;
use std::fmt;

/// How deep objects and arrays may nest in a value the engine reads into its types.
pub(crate) const MAX_DEPTH: usize = 128;

/// What went wrong reading a value, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    message: String,
    /// The path to the value at fault, innermost step first (the order it is collected in).
    steps: Vec<Step>,
}

impl ReadError {
    fn new(message: String) -> Self {
        ReadError {
            message,
            steps: Vec::new(),
        }
    }

    /// The error one step further out: the value at fault is inside `step`.
    fn inside(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// The path of the value at fault, outermost first (`schedule[0].end`; `""` for the whole).
    pub(crate) fn path(&self) -> String {
        crate::path::path_text(self.steps.iter().rev())
    }

    /// What is wrong, in plain words.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ReadError::new(message.to_string())
    }

    fn invalid_type(given: Unexpected<'_>, expected: &dyn Expected) -> Self {
        ReadError::new(words::expected_not(
            &expected.to_string(),
            &words::given(&given),
        ))
    }

    fn invalid_value(given: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::invalid_type(given, expected)
    }

    fn invalid_length(length: usize, expected: &dyn Expected) -> Self {
        ReadError::new(format!(
            "has {length} items; expected {}",
            words::expected(&expected.to_string())
        ))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        ReadError::new(format!(
            "expected {}, not {}",
            words::choices(expected),
            words::quoted(variant)
        ))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let message = if expected.is_empty() {
            format!(
                "unknown field {}; no field is expected here",
                words::quoted(field)
            )
        } else {
            format!(
                "unknown field {}; expected {}",
                words::quoted(field),
                words::choices(expected)
            )
        };
        ReadError::new(message).inside(Step::Field(field.to_owned()))
    }

    fn missing_field(field: &'static str) -> Self {
        ReadError::new("is missing (a required field)".to_owned())
            .inside(Step::Field(field.to_owned()))
    }

    fn duplicate_field(field: &'static str) -> Self {
        ReadError::new(format!("has the key {} twice", words::quoted(field)))
            .inside(Step::Field(field.to_owned()))
    }
}

/// A result of the reader.
pub(crate) type Read<T> = std::result::Result<T, ReadError>;

/// Reads one `T` from the whole of `text`: nothing but whitespace may follow it.
pub(crate) fn read_all<'de, T: de::Deserialize<'de>>(text: &'de [u8]) -> Read<T> {
    let mut reader = JsonReader::new(text);
    let value = T::deserialize(&mut reader)?;
    reader.end()?;
    Ok(value)
}

/// A number as JSON text gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    Unsigned(u64),
    Negative(i64),
    Float(f64),
}

/// The reader: the text and how far it has read.
pub(crate) struct JsonReader<'de> {
    text: &'de [u8],
    at: usize,
    depth: usize,
    /// The depth of the last object or array whose end was read: how the reader knows a visitor
    /// read a whole object or array, not only its start.
    closed: usize,
}

impl<'de> JsonReader<'de> {
    /// A reader at the start of `text`.
    pub(crate) fn new(text: &'de [u8]) -> Self {
        JsonReader {
            text,
            at: 0,
            depth: 0,
            closed: usize::MAX,
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

    /// Reads a string; the cursor is on its opening quote.
    fn string(&mut self) -> Read<Cow<'de, str>> {
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
                .map_err(|_| ReadError::new("is not UTF-8 text".to_owned()));
        }
        unescape(raw).map(Cow::Owned)
    }

    /// Reads a number; the cursor is on its first byte.
    fn number(&mut self) -> Read<Number> {
        let start = self.at;
        let negative = self.byte() == Some(b'-');
        if negative {
            self.at += 1;
        }
        match self.byte() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.syntax("expected a digit")),
        }
        let mut whole = true;
        if self.byte() == Some(b'.') {
            whole = false;
            self.at += 1;
            if !self.byte().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.syntax("expected a digit after the decimal point"));
            }
            self.digits();
        }
        if matches!(self.byte(), Some(b'e' | b'E')) {
            whole = false;
            self.at += 1;
            if matches!(self.byte(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !self.byte().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.syntax("expected a digit in the exponent"));
            }
            self.digits();
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        // Only ASCII digits and signs were passed over.
        let text = std::str::from_utf8(text).unwrap_or_default();
        if whole {
            let digits = text.trim_start_matches('-');
            if let Ok(magnitude) = digits.parse::<u64>() {
                if !negative {
                    return Ok(Number::Unsigned(magnitude));
                }
                if let Some(value) = 0i64.checked_sub_unsigned(magnitude) {
                    return Ok(Number::Negative(value));
                }
            }
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Number::Float(value)),
            _ => Err(ReadError::new(
                "is a number out of range (larger than any a double holds)".to_owned(),
            )),
        }
    }

    fn digits(&mut self) {
        while self.byte().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    /// Goes one level deeper into an object or array.
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

    /// Checks that the object or array just visited was read to its end.
    fn ascend(&mut self) -> Read<()> {
        let read_whole = self.closed == self.depth;
        self.depth -= 1;
        if read_whole {
            Ok(())
        } else {
            Err(self.syntax("a value was not read to its end"))
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
            Some(b'"') => words::given(&Unexpected::Str(&self.string()?)),
            Some(b'-' | b'0'..=b'9') => match self.number()? {
                Number::Unsigned(n) => words::given(&Unexpected::Unsigned(n)),
                Number::Negative(n) => words::given(&Unexpected::Signed(n)),
                Number::Float(f) => words::given(&Unexpected::Float(f)),
            },
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

    /// The error for a value of the wrong kind at the cursor.
    fn refuse(&mut self, expected: &dyn Expected) -> ReadError {
        match self.describe() {
            Ok(given) => ReadError::new(words::expected_not(&expected.to_string(), &given)),
            Err(e) => e,
        }
    }

    /// Passes over one value, checking that it is JSON, without recursion.
    fn skip(&mut self) -> Read<()> {
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
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                }
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
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
        self.string()?;
        self.expect(b':', "expected a colon after the key")
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
        out.push_str(
            std::str::from_utf8(plain)
                .map_err(|_| ReadError::new("is not UTF-8 text".to_owned()))?,
        );
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
    ReadError::new("holds a lone surrogate (half a UTF-16 pair), which is not text".to_owned())
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

impl<'de> Deserializer<'de> for &mut JsonReader<'de> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        match self.peek() {
            Some(b'{') => self.deserialize_map(visitor),
            Some(b'[') => self.deserialize_seq(visitor),
            Some(b'"') => match self.string()? {
                Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
                Cow::Owned(text) => visitor.visit_string(text),
            },
            Some(b'-' | b'0'..=b'9') => match self.number()? {
                Number::Unsigned(n) => visitor.visit_u64(n),
                Number::Negative(n) => visitor.visit_i64(n),
                Number::Float(f) => visitor.visit_f64(f),
            },
            Some(b't') => {
                self.literal(b"true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal(b"false")?;
                visitor.visit_bool(false)
            }
            Some(b'n') => {
                self.literal(b"null")?;
                visitor.visit_unit()
            }
            _ => Err(self.syntax("expected a value")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        if self.peek() != Some(b'{') {
            return Err(self.refuse(&visitor));
        }
        self.descend()?;
        let value = visitor.visit_map(Entries {
            reader: &mut *self,
            first: true,
            done: false,
            key_at: 0,
        })?;
        self.ascend()?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Read<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        if self.peek() != Some(b'[') {
            return Err(self.refuse(&visitor));
        }
        self.descend()?;
        let value = visitor.visit_seq(Items {
            reader: &mut *self,
            index: 0,
            done: false,
        })?;
        self.ascend()?;
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Read<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Read<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Read<V::Value> {
        if self.peek() != Some(b'"') {
            return Err(self.refuse(&visitor));
        }
        let name = self.string()?;
        visitor.visit_enum(UnitVariant(name))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Read<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        self.skip()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct identifier
    }
}

/// An object's entries, as a visitor reads them.
struct Entries<'a, 'de> {
    reader: &'a mut JsonReader<'de>,
    first: bool,
    /// The closing brace was read: every later call has no more entries.
    done: bool,
    /// Where the current key starts (its opening quote), to name it in an error.
    key_at: usize,
}

impl<'de> Entries<'_, 'de> {
    /// The current key, for an error's path.
    fn key(&self) -> String {
        let mut again = JsonReader::new(self.reader.text);
        again.at = self.key_at;
        again.string().map(Cow::into_owned).unwrap_or_default()
    }
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = ReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Read<Option<K::Value>> {
        let reader = &mut *self.reader;
        if self.done {
            return Ok(None);
        }
        match reader.peek() {
            Some(b'}') => {
                reader.at += 1;
                reader.closed = reader.depth;
                self.done = true;
                return Ok(None);
            }
            Some(b',') if !self.first => {
                reader.at += 1;
            }
            _ if self.first => {}
            _ => return Err(reader.syntax("expected a comma or the end of the object")),
        }
        self.first = false;
        if reader.peek() != Some(b'"') {
            return Err(reader.syntax("expected a key (a string)"));
        }
        self.key_at = reader.at;
        let key = reader.string()?;
        reader.expect(b':', "expected a colon after the key")?;
        seed.deserialize(Key(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Read<V::Value> {
        seed.deserialize(&mut *self.reader)
            .map_err(|e| e.inside(Step::Field(self.key())))
    }
}

/// An array's items, as a visitor reads them.
struct Items<'a, 'de> {
    reader: &'a mut JsonReader<'de>,
    index: u32,
    /// The closing bracket was read: every later call has no more items.
    done: bool,
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = ReadError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Read<Option<T::Value>> {
        let reader = &mut *self.reader;
        if self.done {
            return Ok(None);
        }
        match reader.peek() {
            Some(b']') => {
                reader.at += 1;
                reader.closed = reader.depth;
                self.done = true;
                return Ok(None);
            }
            Some(b',') if self.index > 0 => {
                reader.at += 1;
            }
            _ if self.index == 0 => {}
            _ => return Err(reader.syntax("expected a comma or the end of the array")),
        }
        let index = self.index;
        self.index = self.index.saturating_add(1);
        seed.deserialize(&mut *self.reader)
            .map(Some)
            .map_err(|e| e.inside(Step::Item(index)))
    }
}

/// An object's key, read as the visitor asks (a field name, a map key).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserializer<'de> for Key<'de> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        match self.0 {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_string(text),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// An enum written as a string: its variant's name.
struct UnitVariant<'de>(Cow<'de, str>);

impl<'de> EnumAccess<'de> for UnitVariant<'de> {
    type Error = ReadError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Read<(V::Value, Self)> {
        let value = seed.deserialize(Key(self.0.clone()))?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for UnitVariant<'de> {
    type Error = ReadError;

    fn unit_variant(self) -> Read<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Read<T::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"an object",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Read<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"an array",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Read<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"an object",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Rule {
        start: u16,
        #[serde(default)]
        days: Vec<Day>,
        #[serde(default)]
        label: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Day {
        Mon,
        Tue,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        rules: Vec<Rule>,
    }

    fn error<T: for<'de> Deserialize<'de> + fmt::Debug>(text: &str) -> (String, String) {
        let e = read_all::<T>(text.as_bytes()).unwrap_err();
        (e.path(), e.message().to_owned())
    }

    #[test]
    fn reads_what_it_is_given() {
        let outer: Outer = read_all(
            br#" {"rules":[{"start":5,"days":["mon","tue"],"label":"a\"\u00e9\ud83d\ude00"},{"start":0,"label":null}]} "#,
        )
        .unwrap();
        assert_eq!(outer.rules[0].days, vec![Day::Mon, Day::Tue]);
        assert_eq!(outer.rules[0].label.as_deref(), Some("a\"é😀"));
        assert_eq!(outer.rules[1].label, None);
        let numbers: Vec<f64> =
            read_all(b"[0, -0, 1.5, -2e3, 1E-2, 18446744073709551616]").unwrap();
        assert_eq!(
            numbers,
            vec![0.0, 0.0, 1.5, -2000.0, 0.01, 18446744073709551616.0]
        );
        let signed: Vec<i64> = read_all(b"[-9223372036854775808, 9223372036854775807]").unwrap();
        assert_eq!(signed, vec![i64::MIN, i64::MAX]);
        let map: BTreeMap<String, bool> = read_all(br#"{"a":true,"b":false}"#).unwrap();
        assert_eq!(map.len(), 2);
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
            error::<Outer>(r#"{"rules":[{}]}"#),
            (
                "rules[0].start".into(),
                "is missing (a required field)".into()
            )
        );
        assert_eq!(
            error::<Outer>(r#"{"rules":[{"start":1,"colour":2}]}"#).0,
            "rules[0].colour"
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
            error::<Outer>(r#"{"rules":[{"start":1e999}]}"#).0,
            "rules[0].start"
        );
        assert!(error::<Outer>(r#"{"rules":[{"start":1e999}]}"#)
            .1
            .contains("number out of range"));
        assert_eq!(
            error::<Outer>(r#"{"rules":[{"start":1,"label":"\ud800"}]}"#).0,
            "rules[0].label"
        );
        assert_eq!(error::<Outer>(r#"{"rules":[]} x"#).0, "");
        assert_eq!(error::<Outer>(r#"{"rules":[}"#).0, "rules[0]");
        assert_eq!(error::<Outer>(r#"{"#).0, "");
    }

    #[test]
    fn skips_deep_values_without_recursion_and_limits_read_depth() {
        #[derive(Debug, Deserialize)]
        struct Header {
            #[allow(dead_code)]
            v: u8,
        }
        let deep = format!(
            r#"{{"x":{}{},"v":1}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(read_all::<Header>(deep.as_bytes()).is_ok());
        let unclosed = format!(r#"{{"x":{},"v":1}}"#, "[".repeat(100_000));
        assert!(read_all::<Header>(unclosed.as_bytes()).is_err());
        let nested = "[".repeat(200) + &"]".repeat(200);
        let e = read_all::<serde::de::IgnoredAny>(nested.as_bytes());
        assert!(e.is_ok(), "ignored values are skipped");
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Tree(Vec<Tree>);
        let e = read_all::<Tree>(nested.as_bytes()).unwrap_err();
        assert!(e.message().contains("deeper than 128"), "{}", e.message());
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
        ] {
            assert!(
                read_all::<serde::de::IgnoredAny>(bad.as_bytes()).is_err(),
                "{bad:?}"
            );
        }
        assert!(read_all::<String>(b"\"\xff\"").is_err());
    }
}
