//! Checks on the strings that come in: ids, names, free text. Each returns `INVALID_INPUT`
//! naming the field.

use crate::error::{Error, Result};
use crate::limits::MAX_ID_LEN;
use crate::words::Quoted;

/// A non-blank string of at most `max_len` UTF-8 bytes with no control characters.
pub(crate) fn text(field: &str, value: &str, max_len: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    if value.len() > max_len {
        return Err(Error::invalid_input(
            field,
            format!("is {} bytes long; the limit is {max_len}", value.len()),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// Notes: free text of at most `max_len` UTF-8 bytes; line breaks and tabs are allowed, other
/// control characters are not.
pub(crate) fn notes(field: &str, value: &str, max_len: usize) -> Result<()> {
    if value.len() > max_len {
        return Err(Error::invalid_input(
            field,
            format!("is {} bytes long; the limit is {max_len}", value.len()),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(Error::invalid_input(
            field,
            "must not contain control characters other than line breaks and tabs",
        ));
    }
    Ok(())
}

/// An id given to look something up: at most [`MAX_ID_LEN`] bytes, so that an over-long one
/// is `INVALID_INPUT` (as the limits promise) rather than a not-found error echoing it. Its
/// characters are not checked: an id that could never have been created is simply not found.
pub(crate) fn lookup_id(field: &str, value: &str) -> Result<()> {
    if value.len() > MAX_ID_LEN {
        return Err(Error::invalid_input(
            field,
            format!(
                "is {} bytes long; ids are at most {MAX_ID_LEN}",
                value.len()
            ),
        ));
    }
    Ok(())
}

/// An id: 1 to [`MAX_ID_LEN`] characters from `A-Z a-z 0-9 _ - . :`, so that ids are safe in
/// URLs, file names and logs.
pub(crate) fn id(field: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.len() > MAX_ID_LEN {
        return Err(Error::invalid_input(
            field,
            format!("must be 1 to {MAX_ID_LEN} characters long"),
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':');
    if !value.chars().all(allowed) {
        return Err(Error::invalid_input(
            field,
            format!(
                "{q_value} may only contain A-Z, a-z, 0-9, '_', '-', '.' and ':'",
                q_value = Quoted(value)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_refuses_blank_long_and_control() {
        assert!(text("name", "Dr. Ada", 10).is_ok());
        assert!(text("name", "Dr. 🩺", 10).is_ok());
        for bad in ["", "   ", "a\nb", "a\u{0}b", "12345678901"] {
            let e = text("name", bad, 10).unwrap_err();
            assert_eq!(e.details.field.as_deref(), Some("name"), "{bad:?}");
        }
    }

    #[test]
    fn ids_are_url_safe() {
        for good in [
            "d1",
            "550e8400-e29b-41d4-a716-446655440000",
            "clinic:7",
            "a.b_c",
        ] {
            assert!(id("id", good).is_ok(), "{good}");
        }
        for bad in ["", "a b", "a/b", "é", &"x".repeat(65)] {
            assert!(id("id", bad).is_err(), "{bad}");
        }
    }
}
