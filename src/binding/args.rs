//! Reading a call's arguments. The JS layer has already read them from the caller's objects
//! (every getter and Proxy trap ran there, before this call) and checked their JavaScript types;
//! it wrote the text ones into the scratch area one after the other and passes their lengths
//! (`-1` for an absent one), and passes numbers as numbers (`-1` for an absent one). Arguments
//! of many shapes (a doctor, a patch, options, change records) come as JSON text, read by the
//! engine's reader, which names the field at fault.

use super::exchange::with_scratch;
use dr_schedule_engine::{read_field_json, read_json, Error, Moment, ReadJson, Result};

/// The arguments in the scratch area, read in the order the JS layer wrote them.
pub(crate) struct Args<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Args<'a> {
    /// The next text argument of `length` bytes (`None` when `length` is negative: absent).
    #[inline]
    pub(crate) fn text(&mut self, length: i32) -> Result<Option<&'a str>> {
        let Ok(length) = usize::try_from(length) else {
            return Ok(None);
        };
        let end = self.at.saturating_add(length);
        let bytes = self.bytes.get(self.at..end).ok_or_else(|| {
            Error::invalid_input("", "an argument is longer than it was said to be")
        })?;
        self.at = end;
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::invalid_input("", "an argument is not UTF-8"))
    }

    /// A required text argument, `field` by name, borrowed from the scratch area.
    #[inline]
    pub(crate) fn required(&mut self, field: &str, length: i32) -> Result<&'a str> {
        self.text(length)?
            .ok_or_else(|| Error::invalid_input(field, "is missing (a required field)"))
    }

    /// A required text argument, `field` by name.
    pub(crate) fn string(&mut self, field: &str, length: i32) -> Result<String> {
        self.text(length)?
            .map(str::to_owned)
            .ok_or_else(|| Error::invalid_input(field, "is missing (a required field)"))
    }

    /// An optional text argument.
    pub(crate) fn optional(&mut self, length: i32) -> Result<Option<String>> {
        Ok(self.text(length)?.map(str::to_owned))
    }

    /// A required date-time (`YYYY-MM-DDTHH:MM`, or an instant the JS layer wrote for a `Date`
    /// or a caller gave), `field` by name.
    pub(crate) fn date_time(&mut self, field: &str, length: i32) -> Result<Moment> {
        let text = self
            .text(length)?
            .ok_or_else(|| Error::invalid_input(field, "is missing (a required field)"))?;
        Moment::parse(text).map_err(|reason| Error::invalid_input(field, reason))
    }

    /// An optional date-time.
    pub(crate) fn optional_date_time(
        &mut self,
        field: &str,
        length: i32,
    ) -> Result<Option<Moment>> {
        self.text(length)?
            .map(|text| Moment::parse(text).map_err(|reason| Error::invalid_input(field, reason)))
            .transpose()
    }

    /// A JSON argument (the argument `name`), read into `T`; `None` when absent.
    pub(crate) fn json<T: ReadJson>(&mut self, name: &str, length: i32) -> Result<Option<T>> {
        self.json_bytes(name, length)?
            .map(|bytes| read_json(bytes, name))
            .transpose()
    }

    /// A JSON field of an argument (a request's `metadata`), read into `T`, problems named under
    /// `field`; `None` when absent.
    pub(crate) fn json_field<T: ReadJson>(
        &mut self,
        field: &str,
        length: i32,
    ) -> Result<Option<T>> {
        self.json_bytes(field, length)?
            .map(|bytes| read_field_json(bytes, field))
            .transpose()
    }

    fn json_bytes(&mut self, name: &str, length: i32) -> Result<Option<&'a [u8]>> {
        let Ok(length) = usize::try_from(length) else {
            return Ok(None);
        };
        let end = self.at.saturating_add(length);
        let bytes = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| Error::invalid_input(name, "is longer than it was said to be"))?;
        self.at = end;
        Ok(Some(bytes))
    }
}

/// Runs `read` on the arguments the JS layer wrote for this call.
pub(crate) fn read<T>(read: impl FnOnce(&mut Args<'_>) -> Result<T>) -> Result<T> {
    with_scratch(|bytes| read(&mut Args { bytes, at: 0 }))
}

/// An optional whole number the JS layer checked (`-1`: absent).
pub(crate) fn number(value: f64) -> Option<u32> {
    (value >= 0.0 && value <= f64::from(u32::MAX)).then_some(value as u32)
}

/// An optional flag (`-1`: absent, `0`: false, `1`: true).
pub(crate) fn flag(value: i32) -> Option<bool> {
    match value {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}
