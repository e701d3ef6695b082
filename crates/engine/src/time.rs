//! Wall-clock dates and times: strict parsing of the ISO shapes the API accepts, and
//! formatting back to them.
//!
//! The hospital computes in local wall-clock time (the README's "API": times are hospital-local
//! wall clock). An instant is a number of minutes ([`LocalDateTime`]), a time of day is a number of
//! minutes since midnight ([`ClockTime`]). Only these shapes are accepted, exactly: a date
//! `YYYY-MM-DD`, a date-time `YYYY-MM-DDTHH:MM`, a time of day `HH:MM` (`24:00` where an end is
//! meant). Years run from 0001 to 9999.

use crate::reader::{read_choice, JsonReader, Read, ReadJson};
use crate::words::Quoted;
use serde::{Serialize, Serializer};
use std::fmt;

/// Minutes in a day.
pub(crate) const MINUTES_PER_DAY: i64 = 1440;

/// A wall-clock instant with minute precision: minutes since 0001-01-01T00:00 plus one day
/// (day numbers count 0001-01-01 as day 1, as the proleptic Gregorian "days from the common
/// era" do). Ordered, cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime(i64);

impl LocalDateTime {
    /// The first instant that is not representable: 10000-01-01T00:00. Appointments end
    /// before it, so that every end can be written as `YYYY-MM-DDTHH:MM`.
    pub const END_OF_RANGE: LocalDateTime = LocalDateTime(3_652_060 * MINUTES_PER_DAY);

    /// The earliest instant there is (before 0001-01-01T00:00): a bound for open windows.
    pub(crate) const MIN: LocalDateTime = LocalDateTime(i64::MIN / 2);

    /// The latest instant there is: a bound for open windows.
    pub(crate) const MAX: LocalDateTime = LocalDateTime(i64::MAX / 2);

    /// The instant `minute_of_day` minutes after the midnight that starts day `day`.
    pub fn from_day_and_minute(day: i64, minute_of_day: i64) -> Self {
        LocalDateTime(day * MINUTES_PER_DAY + minute_of_day)
    }

    /// The day number (0001-01-01 is day 1).
    pub fn day(self) -> i64 {
        self.0.div_euclid(MINUTES_PER_DAY)
    }

    /// Minutes since the midnight that starts this instant's day.
    pub fn minute_of_day(self) -> i64 {
        self.0.rem_euclid(MINUTES_PER_DAY)
    }

    /// The weekday of this instant's day.
    pub fn weekday(self) -> Weekday {
        Weekday::of_day(self.day())
    }

    /// This instant plus `minutes`.
    pub fn plus_minutes(self, minutes: i64) -> Self {
        LocalDateTime(self.0.saturating_add(minutes))
    }

    /// The instant as a number of minutes (ordered as the instants are).
    pub(crate) fn as_minutes(self) -> i64 {
        self.0
    }

    /// Minutes from `earlier` to `self`.
    pub fn minutes_since(self, earlier: LocalDateTime) -> i64 {
        self.0 - earlier.0
    }

    /// Parses `YYYY-MM-DDTHH:MM`. The error is a reason to put after the field name.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bytes = text.as_bytes();
        match (bytes.get(..10), bytes.get(10), bytes.get(11..)) {
            (Some(_), Some(b'T'), Some(time)) if time.len() == 5 => {
                let day = parse_date_bytes(text)?;
                let minute = parse_hh_mm(time, false).ok_or_else(|| {
                    format!(
                        "{q_text} has no valid time of day (HH:MM, 00:00 to 23:59)",
                        q_text = Quoted(text)
                    )
                })?;
                Ok(LocalDateTime::from_day_and_minute(day, i64::from(minute)))
            }
            _ => Err(format!(
                "{q_text} is not a date-time of the form YYYY-MM-DDTHH:MM",
                q_text = Quoted(text)
            )),
        }
    }

    /// Parses the bound of a window `[from, to)`: a date-time as itself, a bare date `from` as
    /// its midnight and a bare date `to` as the next midnight (it includes that whole day).
    pub(crate) fn parse_bound(text: &str, bound: Bound) -> Result<Self, String> {
        if text.len() == 10 {
            let day = parse_date_bytes(text)?;
            Ok(match bound {
                Bound::From => LocalDateTime::from_day_and_minute(day, 0),
                Bound::To => LocalDateTime::from_day_and_minute(day + 1, 0),
            })
        } else {
            LocalDateTime::parse(text).map_err(|_| {
                format!(
                    "{q_text} is neither a date (YYYY-MM-DD) nor a date-time (YYYY-MM-DDTHH:MM)",
                    q_text = Quoted(text)
                )
            })
        }
    }
}

/// A date-time as a caller gives it or the engine writes it: a wall-clock time
/// (`YYYY-MM-DDTHH:MM`), to be read in a zone, or an exact instant, RFC 3339 with `Z` or an
/// offset (`2025-11-02T01:30:00-04:00`: the wall clock at that offset, seconds optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment {
    /// The wall clock (at `offset`, when there is one).
    pub local: LocalDateTime,
    /// Minutes east of UTC, when the time is an exact instant.
    pub offset: Option<i16>,
    /// Whether seconds (or a fraction of one) past the minute were given: `local` is the minute
    /// they fall in.
    pub past_minute: bool,
}

impl Moment {
    /// A wall-clock time.
    pub fn wall(local: LocalDateTime) -> Self {
        Moment {
            local,
            offset: None,
            past_minute: false,
        }
    }

    /// The instant `utc` (minutes counted as [`LocalDateTime`] counts them, in UTC), written
    /// with `offset` minutes east of UTC.
    pub fn at(utc: LocalDateTime, offset: i16) -> Self {
        Moment {
            local: utc.plus_minutes(i64::from(offset)),
            offset: Some(offset),
            past_minute: false,
        }
    }

    /// The instant, in UTC, when it is one.
    pub fn instant(self) -> Option<LocalDateTime> {
        self.offset
            .map(|offset| self.local.plus_minutes(-i64::from(offset)))
    }

    /// Parses a wall-clock time or an RFC 3339 instant; the error is a reason to put after the
    /// field name.
    #[inline]
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.len() == 16 {
            return LocalDateTime::parse(text).map(Moment::wall);
        }
        Moment::parse_instant(text)
    }

    /// [`Moment::parse`] of anything but a wall-clock time.
    #[inline(never)]
    fn parse_instant(text: &str) -> Result<Self, String> {
        let bytes = text.as_bytes();
        let bad = || {
            format!(
                "{q_text} is not a date-time like 2025-03-09T09:00 or an instant like \
                 2025-03-09T14:00:00Z or 2025-03-09T09:00:00-05:00",
                q_text = Quoted(text)
            )
        };
        let (Some(head), Some(mut rest)) = (text.get(..16), bytes.get(16..)) else {
            return Err(bad());
        };
        let local = LocalDateTime::parse(head).map_err(|_| bad())?;
        let mut past_minute = false;
        if let [b':', s1, s2, tail @ ..] = rest {
            let seconds = digits(&[*s1, *s2]).filter(|&s| s < 60).ok_or_else(bad)?;
            past_minute = seconds > 0;
            rest = tail;
            if let [b'.', tail @ ..] = rest {
                let fraction = tail.iter().take_while(|b| b.is_ascii_digit()).count();
                if fraction == 0 {
                    return Err(bad());
                }
                past_minute |= tail.iter().take(fraction).any(|&b| b != b'0');
                rest = tail.get(fraction..).unwrap_or_default();
            }
        }
        let offset = match rest {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hours = digits(&[*h1, *h2]).filter(|&h| h < 24).ok_or_else(bad)?;
                let minutes = digits(&[*m1, *m2]).filter(|&m| m < 60).ok_or_else(bad)?;
                let offset = (hours * 60 + minutes) as i16;
                if *sign == b'-' {
                    -offset
                } else {
                    offset
                }
            }
            _ => return Err(bad()),
        };
        Ok(Moment {
            local,
            offset: Some(offset),
            past_minute,
        })
    }

    /// Parses the bound of a window `[from, to)`: a date-time or instant as itself, a bare date
    /// `from` as its midnight and a bare date `to` as the next midnight (it includes that whole
    /// day), both wall-clock times.
    pub(crate) fn parse_bound(text: &str, bound: Bound) -> Result<Self, String> {
        if text.len() == 10 {
            return LocalDateTime::parse_bound(text, bound).map(Moment::wall);
        }
        Moment::parse(text).map_err(|_| {
            format!(
                "{q_text} is neither a date (YYYY-MM-DD), a date-time (YYYY-MM-DDTHH:MM) nor an \
                 instant (2025-03-09T14:00:00Z)",
                q_text = Quoted(text)
            )
        })
    }

    /// Appends the moment as text: a wall-clock time as `YYYY-MM-DDTHH:MM`, an instant as
    /// RFC 3339 with seconds (`…T01:30:00-04:00`, `…T05:30:00Z`).
    #[inline(never)]
    pub(crate) fn write(self, out: &mut String) {
        match date_time_bytes(self.local) {
            Some(text) => out.push_str(std::str::from_utf8(&text).unwrap_or_default()),
            None => out.push_str(&self.local.to_string()),
        }
        let Some(offset) = self.offset else {
            return;
        };
        out.push_str(":00");
        if offset == 0 {
            out.push('Z');
            return;
        }
        out.push(if offset < 0 { '-' } else { '+' });
        let offset = offset.unsigned_abs();
        for (i, value) in [offset / 60, offset % 60].into_iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            out.push(char::from(b'0' + (value / 10 % 10) as u8));
            out.push(char::from(b'0' + (value % 10) as u8));
        }
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(25);
        self.write(&mut text);
        f.write_str(&text)
    }
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl ReadJson for Moment {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        reader.parsed(
            "a date-time string like 2025-03-09T09:00 or an instant like 2025-03-09T14:00:00Z",
            Moment::parse,
        )
    }
}

/// Which end of a window a bound is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// The inclusive start.
    From,
    /// The exclusive end.
    To,
}

/// Parses the first ten bytes of `text` as `YYYY-MM-DD` into a day number; the rest of `text`
/// is the caller's business.
fn parse_date_bytes(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "{q_text} is not a valid date (YYYY-MM-DD)",
            q_text = Quoted(text)
        )
    };
    let bytes = text.as_bytes();
    let (year, month, day) = match bytes.get(..10) {
        Some([y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2]) => (
            digits(&[*y1, *y2, *y3, *y4]).ok_or_else(bad)?,
            digits(&[*m1, *m2]).ok_or_else(bad)?,
            digits(&[*d1, *d2]).ok_or_else(bad)?,
        ),
        _ => return Err(bad()),
    };
    if year == 0 {
        return Err(format!(
            "{q_text}: years start at 0001",
            q_text = Quoted(text)
        ));
    }
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(format!(
            "{q_text} is not a date of the calendar",
            q_text = Quoted(text)
        ));
    }
    Ok(days_from_civil(i64::from(year), month, day))
}

/// How many days `month` (1 to 12) of `year` has.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day number of a date of the proleptic Gregorian calendar (0001-01-01 is day 1), by
/// Howard Hinnant's `days_from_civil`, which counts from 1970-01-01 (day 719,163 here).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + 719_163
}

/// The date of a day number: `(year, month, day)`, by Howard Hinnant's `civil_from_days`.
pub(crate) fn civil_from_days(day_number: i64) -> (i64, i64, i64) {
    let z = day_number - 719_163 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `YYYY-MM-DDTHH:MM` of an instant in years 0001 to 9999, as bytes; `None` outside them.
pub(crate) fn date_time_bytes(t: LocalDateTime) -> Option<[u8; 16]> {
    let (year, month, day) = civil_from_days(t.day());
    if !(1..=9999).contains(&year) {
        return None;
    }
    let minute = t.minute_of_day();
    let mut text = *b"0000-00-00T00:00";
    let fields = [
        (0, 4, year),
        (5, 2, month),
        (8, 2, day),
        (11, 2, minute / 60),
        (14, 2, minute % 60),
    ];
    for (at, width, mut value) in fields {
        for i in (at..at + width).rev() {
            if let Some(slot) = text.get_mut(i) {
                *slot = b'0' + (value % 10) as u8;
            }
            value /= 10;
        }
    }
    Some(text)
}

/// Parses ASCII digits into a number; `None` if any byte is not a digit.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// Parses `HH:MM` into minutes since midnight; `24:00` only when `allow_24` is set.
fn parse_hh_mm(bytes: &[u8], allow_24: bool) -> Option<u16> {
    match bytes {
        [h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            let valid = (hours < 24 && minutes < 60) || (allow_24 && hours == 24 && minutes == 0);
            if !valid {
                return None;
            }
            u16::try_from(hours * 60 + minutes).ok()
        }
        _ => None,
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match date_time_bytes(*self) {
            Some(text) => f.write_str(std::str::from_utf8(&text).unwrap_or_default()),
            // Beyond the years 0001-9999 (the end of the range, an error message's bound).
            None => {
                let (year, month, day) = civil_from_days(self.day());
                let minute = self.minute_of_day();
                write!(
                    f,
                    "{year:04}-{month:02}-{day:02}T{:02}:{:02}",
                    minute / 60,
                    minute % 60
                )
            }
        }
    }
}

impl Serialize for LocalDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl ReadJson for LocalDateTime {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        reader.parsed(
            "a date-time string like 2025-03-09T09:00",
            LocalDateTime::parse,
        )
    }
}

/// A calendar date, `YYYY-MM-DD`: a day number as [`LocalDateTime::day`] counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate(i64);

impl LocalDate {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.len() != 10 {
            return Err(format!(
                "{q_text} is not a date of the form YYYY-MM-DD",
                q_text = Quoted(text)
            ));
        }
        parse_date_bytes(text).map(LocalDate)
    }

    /// The date of an instant.
    pub fn of(instant: LocalDateTime) -> Self {
        LocalDate(instant.day())
    }

    /// The day number.
    pub fn day(self) -> i64 {
        self.0
    }

    /// Its midnight.
    pub fn midnight(self) -> LocalDateTime {
        LocalDateTime::from_day_and_minute(self.0, 0)
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.midnight().to_string();
        f.write_str(text.get(..10).unwrap_or(&text))
    }
}

impl Serialize for LocalDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl ReadJson for LocalDate {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        reader.parsed("a date string like 2025-03-09", LocalDate::parse)
    }
}

/// A time of day: minutes since midnight, `0..=1440` (1440 is `24:00`, an end of day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    /// Midnight at the end of the day, `24:00`.
    pub const END_OF_DAY: ClockTime = ClockTime(1440);

    /// Parses `HH:MM` (`00:00` to `23:59`, or `24:00`).
    pub fn parse(text: &str) -> Result<Self, String> {
        parse_hh_mm(text.as_bytes(), true)
            .map(ClockTime)
            .ok_or_else(|| {
                format!(
                    "{q_text} is not a time of day of the form HH:MM (00:00 to 24:00)",
                    q_text = Quoted(text)
                )
            })
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl ReadJson for ClockTime {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        reader.parsed("a time of day string like 09:00", ClockTime::parse)
    }
}

/// A day of the week, spelled `"mon"` … `"sun"` on the JS side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

read_choice!(Weekday {
    Mon = "mon",
    Tue = "tue",
    Wed = "wed",
    Thu = "thu",
    Fri = "fri",
    Sat = "sat",
    Sun = "sun",
});

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Weekday {
    /// All seven, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// The day as JSON spells it: `"mon"` … `"sun"`.
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    /// Monday is 0, Sunday 6.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The weekday of a day number (day 1, 0001-01-01, was a Monday).
    pub fn of_day(day: i64) -> Weekday {
        match (day - 1).rem_euclid(7) {
            0 => Weekday::Mon,
            1 => Weekday::Tue,
            2 => Weekday::Wed,
            3 => Weekday::Thu,
            4 => Weekday::Fri,
            5 => Weekday::Sat,
            _ => Weekday::Sun,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse(text).unwrap()
    }

    #[test]
    fn date_times_round_trip_through_display() {
        for text in [
            "2019-02-01T11:00",
            "2024-02-29T23:59",
            "0001-01-01T00:00",
            "9999-12-31T23:45",
        ] {
            assert_eq!(at(text).to_string(), text);
        }
    }

    #[test]
    fn end_of_range_is_year_ten_thousand() {
        assert_eq!(
            at("9999-12-31T23:00").plus_minutes(60),
            LocalDateTime::END_OF_RANGE
        );
    }

    #[test]
    fn day_numbers_match_the_calendar() {
        assert_eq!(at("0001-01-01T00:00").day(), 1);
        assert_eq!(at("1970-01-01T00:00").day(), 719_163);
        for day in [1, 59, 60, 365, 366, 719_163, 730_000, 3_652_059] {
            let (y, m, d) = civil_from_days(day);
            let text = format!("{y:04}-{m:02}-{d:02}T00:00");
            assert_eq!(at(&text).day(), day, "{text}");
        }
        assert!(LocalDateTime::parse("2000-02-29T00:00").is_ok());
        assert!(LocalDateTime::parse("1900-02-29T00:00").is_err());
        assert!(LocalDateTime::parse("2019-04-31T00:00").is_err());
        assert!(LocalDateTime::parse("2019-13-01T00:00").is_err());
        assert!(LocalDateTime::parse("2019-00-01T00:00").is_err());
    }

    #[test]
    fn weekdays_match_the_calendar() {
        assert_eq!(at("2019-02-01T11:00").weekday(), Weekday::Fri);
        assert_eq!(at("2024-02-29T00:00").weekday(), Weekday::Thu);
        assert_eq!(at("0001-01-01T00:00").weekday(), Weekday::Mon);
        assert_eq!(at("2026-11-29T12:00").weekday(), Weekday::Sun);
    }

    #[test]
    fn rejects_anything_but_the_exact_shapes() {
        for bad in [
            "2019-02-30T10:00",
            "2019-02-01T25:00",
            "2019-02-01T24:00",
            "2019-02-01T10:60",
            "2019-02-01 10:00",
            "2019-2-01T10:00",
            "2019-02-01T10:00:00",
            "2019-02-01T10:00Z",
            "0000-01-01T00:00",
            "+2019-02-01T10:00",
            "2023-02-29T10:00",
            "",
            "２０１９-02-01T10:00",
        ] {
            assert!(LocalDateTime::parse(bad).is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn window_bounds_treat_bare_dates_as_whole_days() {
        assert_eq!(
            LocalDateTime::parse_bound("2019-02-01", Bound::From).unwrap(),
            at("2019-02-01T00:00")
        );
        assert_eq!(
            LocalDateTime::parse_bound("2019-02-01", Bound::To).unwrap(),
            at("2019-02-02T00:00")
        );
        assert_eq!(
            LocalDateTime::parse_bound("2019-02-01T10:15", Bound::To).unwrap(),
            at("2019-02-01T10:15")
        );
        assert!(LocalDateTime::parse_bound("2019-02-30", Bound::To).is_err());
        assert!(LocalDateTime::parse_bound("tomorrow", Bound::From).is_err());
    }

    #[test]
    fn clock_times_allow_24_00_only_as_is() {
        assert_eq!(ClockTime::parse("24:00").unwrap(), ClockTime::END_OF_DAY);
        assert_eq!(ClockTime::parse("09:30").unwrap().minutes(), 570);
        assert_eq!(ClockTime::parse("09:30").unwrap().to_string(), "09:30");
        for bad in ["24:01", "25:00", "9:30", "09:3", "09-30", "", "12:60"] {
            assert!(ClockTime::parse(bad).is_err(), "{bad} parsed");
        }
    }
}
