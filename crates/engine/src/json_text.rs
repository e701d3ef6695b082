//! JSON text at its smallest: strings escaped as serde_json escapes them, whole numbers, and
//! the lengths of both, which the hospital counts to know its snapshot's size. Everything that
//! writes JSON text builds on these.

/// The bytes a line of `text` takes in a snapshot: the text, its line break and a comma.
pub(crate) fn line_bytes(text: &str) -> u64 {
    text.len() as u64 + 2
}

/// The length of `text` as a JSON string, quotes included.
pub(crate) fn str_bytes(text: &str) -> u64 {
    let mut length = text.len() as u64 + 2;
    for b in text.bytes() {
        length += match b {
            b'"' | b'\\' | 0x08 | b'\t' | b'\n' | 0x0c | b'\r' => 1,
            0..=0x1f => 5,
            _ => 0,
        };
    }
    length
}

/// The digits of `n`.
pub(crate) fn digits(mut n: u64) -> u64 {
    let mut count = 1;
    while n >= 10 {
        n /= 10;
        count += 1;
    }
    count
}

/// Appends a JSON string as serde_json escapes it: `"` and `\`, the short escapes `\b \t \n \f
/// \r`, other control characters as `\u00xx`; everything else as it is.
pub(crate) fn write_str(out: &mut String, text: &str) {
    out.push('"');
    let mut rest = text;
    while let Some(i) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
        let (plain, tail) = rest.split_at(i);
        out.push_str(plain);
        let mut chars = tail.chars();
        match chars.next() {
            Some('"') => out.push_str("\\\""),
            Some('\\') => out.push_str("\\\\"),
            Some('\u{8}') => out.push_str("\\b"),
            Some('\t') => out.push_str("\\t"),
            Some('\n') => out.push_str("\\n"),
            Some('\u{c}') => out.push_str("\\f"),
            Some('\r') => out.push_str("\\r"),
            Some(c) => {
                let code = u32::from(c);
                out.push_str("\\u00");
                out.push(hex_digit(code >> 4));
                out.push(hex_digit(code & 0xF));
            }
            None => {}
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

fn hex_digit(n: u32) -> char {
    char::from_digit(n, 16).unwrap_or('0')
}

/// Appends a non-negative integer.
pub(crate) fn write_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut length = 0;
    loop {
        if let Some(slot) = digits.get_mut(length) {
            *slot = b'0' + (n % 10) as u8;
        }
        length += 1;
        n /= 10;
        if n == 0 || length == digits.len() {
            break;
        }
    }
    for digit in digits.iter().take(length).rev() {
        out.push(char::from(*digit));
    }
}
