//! Model-based test: long random sequences of every operation, run against the real `Hospital` and
//! against a deliberately naive reference model written from the rules (the README's "API",
//! "Booking rules", "Errors" and "Persisting a hospital", overrides, time off, hours per location,
//! holds and rescheduling included): plain `Vec`s, minute-by-minute hours, brute-force overlap
//! checks, its own ten-line calendar.
//!
//! It follows the contract of format version 3 and issue 16: rule 0 compares a retry with what the
//! first request asked for (and whether it was a hold), whatever happened to the appointment
//! since; a lapsed hold stays as `expired` history (its id and request id still taken, and
//! `cancel`, `confirm` and `reschedule` of it are `HOLD_EXPIRED`); notes and metadata on `book`,
//! `hold`, `reschedule` and `updateAppointment`; `findAppointments`; `workingHours`; pages of
//! `appointments` and `findAppointments` (`limit`, `after`, and whole walks page by page); the
//! actor of change records; and the snapshot budget: the model computes the size the hospital
//! tracks (`snapshot_bytes()`, the snapshot's length with the header's counters at their
//! longest and every status counted as "cancelled") and predicts `HOSPITAL_FULL` for every mutation that
//! would grow it past a `maxSnapshotBytes` that is small in some generated hospitals.
//!
//! After every step: the same result (whole objects, compared as JSON) or the same error code
//! (and the details the README promises) as the model; the invariants hold on the real
//! hospital, checked by brute force from what it returns; the revision counts the successful
//! mutations; and a failed or read-only step leaves `to_snapshot()` byte-identical. Every
//! `explain` (and every `book` that names no id or request id) is also checked against the
//! real hospital alone: `explain` is empty exactly when `book` succeeds (or fails only for the
//! budget, which is no booking rule), and its first item is `book`'s error. After every
//! mutation, `snapshot_bytes()` is the model's size, at least `to_snapshot().len()`, and exactly
//! that plus the header's slack, a byte for each non-empty list and what each status is short of
//! "cancelled". A "batch" step
//! replays the change records a lagging replica has not seen in one `apply_changes`, first with
//! a record in the middle that fails: the replica must be unchanged (snapshot, revision, size,
//! change log), and then the whole batch brings it to the hospital's state.
//!
//! The universe is small so that collisions are frequent: four doctor ids (three of which the
//! hospital would assign itself), three locations, one or two weeks, 15- or 30-minute slots,
//! schedules of up to three rules (some for some locations only) whose bounds come from a
//! short list of quarter hours that makes touching rules and `24:00` common, date overrides
//! and time off often on days that have appointments. The `now` of the calls that take one
//! comes from a cursor that mostly moves forward by minutes, sometimes stays or goes back, so
//! that short holds lapse, are confirmed late, and expire often.
//!
//! `PROPTEST_CASES` overrides the number of sequences (default [`DEFAULT_CASES`]).

#![cfg(not(target_arch = "wasm32"))]
// clippy.toml's allow-*-in-tests covers `#[test]` functions only; the model is test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dr_schedule::engine::{
    read_input, AppointmentPatch, AppointmentQuery, BookRequest, CancelOptions, Change,
    ChangeOptions, ConfirmOptions, DoctorPatch, Error, ErrorCode, ExplainRequest,
    FindAppointmentsQuery, FindSlotsQuery, HoldRequest, Hospital, HospitalOptionsInput, NewDoctor,
    RescheduleRequest, SlotQuery, WorkingHoursQuery,
};
use proptest::prelude::*;
use proptest::sample::subsequence;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Sequences per run unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 2000;
/// Longest sequence of operations.
const MAX_OPS: usize = 60;

// ===================================================================================
// The universe
// ===================================================================================

/// Explicit doctor ids; `d1`…`d3` are also the ids the hospital assigns (README: `d1`, `d2`…).
const DOCTOR_IDS: [&str; 4] = ["d1", "d2", "d3", "dx"];
const LOCATIONS: [&str; 3] = ["North", "South", "East"];
/// Explicit appointment ids; `a1`…`a3` are also assigned ones.
const APPOINTMENT_IDS: [&str; 4] = ["a1", "a2", "a3", "ax"];
const REQUEST_IDS: [&str; 3] = ["r1", "r2", "r3"];
const PATIENTS: [&str; 2] = ["p1", "p2"];
const NAMES: [&str; 3] = ["Dr. Ada", "Dr. Grace", "Dr. Who 🩺"];
/// Time-off reasons; the last is the longest allowed (500 bytes), to fill small budgets.
const REASONS: [&str; 3] = ["vacation", "conference", LONG_REASON];
const LONG_REASON: &str = concat!(
    "a reason of five hundred bytes: ",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
);
/// Appointment notes: short, with line breaks, tabs, quotes and non-ASCII, empty, long ones
/// that fill small budgets (the longest allowed is 2,000 bytes), and two that are not allowed.
const NOTES: [&str; 5] = [
    "call first",
    "line one\nline \"two\"\t🩺 é",
    "",
    "follow-up; bring the x-rays",
    "ok",
];
const LONG_NOTES: usize = 1_900;
const MAX_NOTES: usize = 2_000;
/// Actors of change records (a blank one and one over 128 bytes are not allowed).
const ACTORS: [&str; 2] = ["desk-1", "api-key:7f3a"];
/// `maxSnapshotBytes` of the generated hospitals, when not the default: the lowest allowed
/// (16 KiB), and a little more.
const BUDGETS: [u64; 2] = [16_384, 20_000];
/// The default `maxSnapshotBytes` (128 MiB).
const DEFAULT_BUDGET: u64 = 128 << 20;
const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Schedule rule bounds (minutes since midnight, on the 15-minute grid): 12:00 and 13:00 make
/// touching rules likely, 00:00 and 24:00 are the ends of the day, 09:15 and 12:15 are off a
/// 30-minute grid.
const RULE_POINTS: [u32; 12] = [0, 420, 540, 555, 630, 720, 735, 780, 1020, 1200, 1425, 1440];
/// Durations asked for: on and off either grid, zero, and one that is not a `u32`.
const DURATIONS: [i64; 10] = [15, 30, 45, 60, 90, 120, 0, 10, 20, -15];
/// Start strings that do not parse.
const BAD_STARTS: [&str; 4] = [
    "2019-02-30T10:00",
    "2024-02-26T25:00",
    "2024-02-26 10:00",
    "tomorrow",
];
/// Window bounds that do not parse.
const BAD_BOUNDS: [&str; 3] = ["2023-02-29", "2024-02-26T24:00", "next week"];
/// First days of the universe, all Mondays: a leap February, a year's end, a plain February.
const BASES: [(i32, u32, u32); 3] = [(2024, 2, 26), (2018, 12, 31), (2023, 2, 27)];
/// The calendar covers these day offsets from the base: appointments are booked in the first
/// one or two weeks; windows, hold expiries, horizons and 31-day `findSlots` windows reach
/// further.
const FIRST_DAY: i64 = -2;
const LAST_DAY: i64 = 50;
/// The model's calendar reaches further, for `workingHours` over a year of dates.
const CAL_LAST_DAY: i64 = 400;
const DAY: i64 = 1440;
/// `minNoticeMinutes` values: only the past, short, and longer than a horizon of one day.
const NOTICES: [i64; 5] = [0, 15, 60, 120, 1500];
const HORIZONS: [i64; 3] = [1, 2, 7];
/// Hold lengths: short ones lapse within a few steps; the last two are out of range.
const TTLS: [i64; 10] = [1, 5, 10, 15, 30, 60, 240, 10080, 0, 10081];
/// Where the `now` cursor starts: the evening before, early on the first day, later.
const NOW_STARTS: [i64; 4] = [-DAY + 1320, 420, 2 * DAY + 600, 5 * DAY + 720];
/// How the cursor moves for a call that passes `now`: mostly forward by minutes, sometimes not
/// at all, by a day, or back.
const NOW_STEPS: [i64; 12] = [0, 0, 1, 5, 10, 15, 30, 60, 120, 1440, -10, -60];
/// One more step: to the next half hour, so that now plus the notice or the horizon is on the
/// slot grid (where off-by-one mistakes show).
const SNAP_STEP: usize = NOW_STEPS.len();
const MAX_NOW: i64 = 20 * DAY;
/// The longest hold (a week) and the widest `findSlots` window (31 days).
const MAX_TTL: i64 = 7 * DAY;
const MAX_FIND_DAYS: i64 = 31;

// ===================================================================================
// The model's own calendar: day offsets from a Monday, to and from ISO strings
// ===================================================================================

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The dates of the universe, one string per day offset `FIRST_DAY - 1..=CAL_LAST_DAY` (the day
/// before the first holds the instants in UTC of a zoned universe's first hours).
#[derive(Debug, Clone)]
struct Cal {
    dates: Vec<String>,
    /// Whether the hospital has the time zone [`ZONE`]: the model's minutes are then its wall
    /// clock, and instants are [`ZONE_OFFSET`] minutes earlier.
    zoned: bool,
}

/// The zone of a zoned universe: a fixed offset (the DST rules are tested against real zones
/// in tests/time_zones.rs and by the package's Intl oracle), so that the model's wall-clock
/// arithmetic stays as it is while every instant in and out, the snapshot with offsets and the
/// change records of a zoned hospital are checked.
const ZONE: &str = "Etc/GMT-1";
const ZONE_OFFSET: i64 = 60;

/// The zones the hospitals of the test know.
fn time_zones() -> dr_schedule::engine::TimeZones {
    let mut zones = dr_schedule::engine::TimeZones::new();
    zones.insert(dr_schedule::engine::ZoneRules::parse(ZONE, &ZONE_OFFSET.to_string()).unwrap());
    zones
}

impl Cal {
    fn new((year, month, day): (i32, u32, u32)) -> Self {
        // Step back to the day before FIRST_DAY, then forward one day at a time.
        let (mut y, mut m, mut d) = (year, month, day);
        for _ in (FIRST_DAY - 1)..0 {
            if d > 1 {
                d -= 1;
            } else if m > 1 {
                m -= 1;
                d = days_in_month(y, m);
            } else {
                y -= 1;
                m = 12;
                d = 31;
            }
        }
        let mut dates = Vec::new();
        for _ in (FIRST_DAY - 1)..=CAL_LAST_DAY {
            dates.push(format!("{y:04}-{m:02}-{d:02}"));
            if d < days_in_month(y, m) {
                d += 1;
            } else if m < 12 {
                m += 1;
                d = 1;
            } else {
                y += 1;
                m = 1;
                d = 1;
            }
        }
        Cal {
            dates,
            zoned: false,
        }
    }

    /// An instant of no place as the hospital writes it: UTC in a zoned hospital.
    fn stamp(&self, t: i64) -> String {
        if self.zoned {
            format!("{}:00Z", self.at(t - ZONE_OFFSET))
        } else {
            self.at(t)
        }
    }

    /// `startUtc`-style: the instant of wall-clock minute `t`, in UTC.
    fn utc(&self, t: i64) -> String {
        format!("{}:00Z", self.at(t - ZONE_OFFSET))
    }

    /// An appointment time as a snapshot writes it: with its offset in a zoned hospital.
    fn placed(&self, t: i64) -> String {
        if self.zoned {
            format!("{}:00+01:00", self.at(t))
        } else {
            self.at(t)
        }
    }

    /// The minute of an instant of no place as the hospital writes it.
    fn parse_stamp(&self, text: &str) -> Option<i64> {
        match text.strip_suffix(":00Z") {
            Some(utc) if self.zoned => self.parse(utc).map(|t| t + ZONE_OFFSET),
            _ => self.parse(text),
        }
    }

    fn date(&self, day: i64) -> &str {
        let index = usize::try_from(day - (FIRST_DAY - 1)).expect("day before the universe");
        self.dates.get(index).expect("day after the universe")
    }

    /// `YYYY-MM-DDTHH:MM` of an instant (minutes since the base's midnight).
    fn at(&self, t: i64) -> String {
        format!(
            "{}T{}",
            self.date(t.div_euclid(DAY)),
            hhmm(t.rem_euclid(DAY))
        )
    }

    /// The instant of a `YYYY-MM-DDTHH:MM` string the hospital returned.
    fn parse(&self, text: &str) -> Option<i64> {
        let (date, time) = text.split_once('T')?;
        let index = self.dates.iter().position(|d| d == date)?;
        let minute = parse_clock(time).filter(|&m| m < 1440)?;
        Some((index as i64 + FIRST_DAY - 1) * DAY + i64::from(minute))
    }
}

fn hhmm(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `HH:MM` → minutes, `00:00` to `24:00`.
fn parse_clock(text: &str) -> Option<u32> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![b[0], b[1], b[3], b[4]].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let hours = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let minutes = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    let ok = (hours < 24 && minutes < 60) || (hours == 24 && minutes == 0);
    ok.then_some(hours * 60 + minutes)
}

/// The weekday (0 = Monday) of a day offset: the base is a Monday.
fn weekday(day: i64) -> usize {
    day.rem_euclid(7) as usize
}

// ===================================================================================
// The model
// ===================================================================================

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    days: Vec<String>,
    start: String,
    end: String,
    /// Where it applies; everywhere when `None`.
    locations: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Block {
    start: String,
    end: String,
    locations: Option<Vec<String>>,
}

/// A date (day offset) whose hours are `hours` instead of the weekly rules'.
#[derive(Debug, Clone, PartialEq)]
struct Override {
    day: i64,
    hours: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
struct Off {
    start: i64,
    end: i64,
    reason: Option<String>,
}

#[derive(Debug, Clone)]
struct MDoctor {
    id: String,
    name: String,
    locations: Vec<String>,
    schedule: Vec<Rule>,
    overrides: Vec<Override>,
    time_off: Vec<Off>,
    /// The length of its line in a snapshot, with the line break and comma
    /// ([`Model::line_bytes`]).
    line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Status {
    Booked,
    /// Held until this instant.
    Held(i64),
    Cancelled,
    /// A hold that lapsed at this instant: history.
    Expired(i64),
}

/// What a request with a request id asked for (booking rule 0 compares a retry with it).
#[derive(Debug, Clone, PartialEq)]
struct Asked {
    held: bool,
    location: String,
    start: i64,
    duration: i64,
    patient: Option<String>,
}

#[derive(Debug, Clone)]
struct MAppt {
    id: String,
    doctor_id: String,
    location: String,
    start: i64,
    duration: i64,
    patient: Option<String>,
    request_id: Option<String>,
    status: Status,
    /// Where and when it was before each reschedule: (location, start, end).
    trace: Vec<(String, i64, i64)>,
    cancel_reason: Option<String>,
    notes: Option<String>,
    metadata: Option<Value>,
    /// What the first request asked for (with a request id).
    asked: Option<Asked>,
    /// Whether the appointment stopped looking like that request (moved, confirmed, its patient
    /// changed, a hold cancelled): then a snapshot keeps `requested`.
    asked_kept: bool,
    /// The `now` of the call that created it (`createdAt`), and of the latest call that changed
    /// it and passed one (`updatedAt`).
    created: Option<i64>,
    updated: Option<i64>,
}

impl MAppt {
    /// Booked or held: it is in its doctor's calendar.
    fn active(&self) -> bool {
        matches!(self.status, Status::Booked | Status::Held(_))
    }

    /// About to stop looking like its first request: a snapshot keeps what that asked for.
    fn keep_asked(&mut self) {
        if self.asked.is_some() {
            self.asked_kept = true;
        }
    }

    /// Not a hold that has lapsed at `clock`.
    fn live(&self, clock: Option<i64>) -> bool {
        !matches!(self.status, Status::Held(e) if clock.is_some_and(|c| c >= e))
    }

    /// Booked, or a hold that has not lapsed at `clock`.
    fn takes_time(&self, clock: Option<i64>) -> bool {
        self.active() && self.live(clock)
    }
}

fn clock_minutes(text: &str) -> usize {
    parse_clock(text).unwrap() as usize
}

/// Minute by minute, whether `d` works at `location` on day `day`, time off aside: the blocks
/// of the date's override if it has one, else the rules naming its weekday; either only where
/// they apply.
fn open_minutes(d: &MDoctor, location: &str, day: i64) -> Vec<bool> {
    let applies =
        |l: &Option<Vec<String>>| l.as_ref().is_none_or(|l| l.iter().any(|x| x == location));
    let ranges: Vec<(&str, &str)> = match d.overrides.iter().find(|o| o.day == day) {
        Some(o) => o
            .hours
            .iter()
            .filter(|b| applies(&b.locations))
            .map(|b| (b.start.as_str(), b.end.as_str()))
            .collect(),
        None => d
            .schedule
            .iter()
            .filter(|r| {
                r.days.iter().any(|x| x == DAY_NAMES[weekday(day)]) && applies(&r.locations)
            })
            .map(|r| (r.start.as_str(), r.end.as_str()))
            .collect(),
    };
    let mut open = vec![false; DAY as usize];
    for (start, end) in ranges {
        for minute in &mut open[clock_minutes(start)..clock_minutes(end)] {
            *minute = true;
        }
    }
    open
}

/// Whether `[start, start + duration)` is open minute by minute in `open` (the minutes of
/// `start`'s date), which means inside one block, and does not run past midnight.
fn fits(open: &[bool], start: i64, duration: i64) -> bool {
    let from = start.rem_euclid(DAY);
    duration > 0
        && from + duration <= DAY
        && (from..from + duration).all(|minute| open[minute as usize])
}

fn overlaps(a_start: i64, a_duration: i64, b_start: i64, b_duration: i64) -> bool {
    a_start < b_start + b_duration && b_start < a_start + a_duration
}

/// The doctor's time off that `[start, start + duration)` overlaps, in the doctor's order.
fn time_off_in_way(d: &MDoctor, start: i64, duration: i64) -> Vec<&Off> {
    d.time_off
        .iter()
        .filter(|t| overlaps(t.start, t.end - t.start, start, duration))
        .collect()
}

/// Whether an appointment fits the doctor's hours at its location, time off taken out.
fn works(d: &MDoctor, location: &str, start: i64, duration: i64) -> bool {
    d.locations.iter().any(|l| l == location)
        && fits(
            &open_minutes(d, location, start.div_euclid(DAY)),
            start,
            duration,
        )
        && time_off_in_way(d, start, duration).is_empty()
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

fn valid_text(text: &str, max: usize) -> bool {
    !text.trim().is_empty() && text.len() <= max && !text.chars().any(char::is_control)
}

fn distinct<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, x)| !items[..i].contains(x))
}

fn valid_locations(locations: &[String]) -> bool {
    !locations.is_empty() && locations.iter().all(|l| valid_text(l, 200)) && distinct(locations)
}

/// A rule's or block's `locations`: absent, or some of `all` (when known), each once.
fn valid_subset(subset: &Option<Vec<String>>, all: Option<&[String]>) -> bool {
    subset.as_ref().is_none_or(|s| {
        !s.is_empty() && distinct(s) && s.iter().all(|l| all.is_none_or(|all| all.contains(l)))
    })
}

fn valid_times(start: &str, end: &str) -> bool {
    matches!((parse_clock(start), parse_clock(end)), (Some(s), Some(e)) if s < e)
}

fn valid_schedule(schedule: &[Rule], all: Option<&[String]>) -> bool {
    schedule.iter().all(|rule| {
        !rule.days.is_empty()
            && rule.days.iter().all(|d| DAY_NAMES.contains(&d.as_str()))
            && distinct(&rule.days)
            && valid_times(&rule.start, &rule.end)
            && valid_subset(&rule.locations, all)
    })
}

fn valid_overrides(overrides: &[Override], all: Option<&[String]>) -> bool {
    let days: Vec<i64> = overrides.iter().map(|o| o.day).collect();
    distinct(&days)
        && overrides.iter().all(|o| {
            o.hours
                .iter()
                .all(|b| valid_times(&b.start, &b.end) && valid_subset(&b.locations, all))
        })
}

fn valid_time_off(time_off: &[Off]) -> bool {
    time_off
        .iter()
        .all(|t| t.start < t.end && t.reason.as_deref().is_none_or(|r| valid_text(r, 500)))
}

/// What the model expects of a failed call.
#[derive(Debug, Clone)]
struct Expected {
    code: ErrorCode,
    /// Details fields that must be present with these values (INVALID_INPUT: `field` must be
    /// present, whatever it says, unless named here).
    details: Value,
    /// The details must be exactly these (the booking rules' errors, which the model knows
    /// whole).
    exact: bool,
}

fn fail(code: ErrorCode, details: Value) -> Expected {
    Expected {
        code,
        details,
        exact: false,
    }
}

fn invalid() -> Expected {
    fail(ErrorCode::InvalidInput, json!({}))
}

fn invalid_field(field: &str) -> Expected {
    fail(ErrorCode::InvalidInput, json!({ "field": field }))
}

/// The model's answer: the expected result and whether it is a successful mutation.
type Outcome = (Result<Value, Expected>, bool);

fn ok(value: Value, mutated: bool) -> Outcome {
    (Ok(value), mutated)
}

fn err(expected: Expected) -> Outcome {
    (Err(expected), false)
}

/// A time to check against booking rules 1 to 6.
struct Proposal<'a> {
    doctor: &'a MDoctor,
    location: &'a str,
    start: i64,
    duration: i64,
    patient: Option<&'a str>,
    now: Option<i64>,
    /// The appointment being moved, whose own time does not count.
    moving: Option<&'a str>,
}

#[derive(Debug, Clone)]
struct Model {
    cal: Cal,
    slot: i64,
    default_duration: i64,
    notice: Option<i64>,
    horizon: Option<i64>,
    prevent_patient_overlap: bool,
    /// Insertion order.
    doctors: Vec<MDoctor>,
    /// Booking order (a reschedule keeps the place, a dropped hold leaves the list).
    appts: Vec<MAppt>,
    revision: u64,
    next_doctor: u64,
    next_appt: u64,
    /// The latest `now` of a successful mutation.
    clock: Option<i64>,
    time_zone: bool,
    /// `maxSnapshotBytes`.
    budget: u64,
    /// Who makes the changes (`set_actor`).
    actor: Option<String>,
}

fn rule_json(r: &Rule) -> Value {
    let mut v = json!({ "days": r.days, "start": r.start, "end": r.end });
    if let Some(l) = &r.locations {
        v["locations"] = json!(l);
    }
    v
}

fn rules_json(rules: &[Rule]) -> Value {
    Value::Array(rules.iter().map(rule_json).collect())
}

fn overrides_json(cal: &Cal, overrides: &[Override]) -> Value {
    Value::Array(
        overrides
            .iter()
            .map(|o| {
                let hours: Vec<Value> = o
                    .hours
                    .iter()
                    .map(|b| {
                        let mut v = json!({ "start": b.start, "end": b.end });
                        if let Some(l) = &b.locations {
                            v["locations"] = json!(l);
                        }
                        v
                    })
                    .collect();
                json!({ "date": cal.date(o.day), "hours": hours })
            })
            .collect(),
    )
}

fn off_json(cal: &Cal, t: &Off) -> Value {
    let mut v = json!({ "start": cal.at(t.start), "end": cal.at(t.end) });
    if let Some(r) = &t.reason {
        v["reason"] = json!(r);
    }
    v
}

fn time_off_json(cal: &Cal, time_off: &[Off]) -> Value {
    Value::Array(time_off.iter().map(|t| off_json(cal, t)).collect())
}

impl Model {
    fn doctor(&self, id: &str) -> Option<&MDoctor> {
        self.doctors.iter().find(|d| d.id == id)
    }

    fn time_rules(&self) -> bool {
        self.notice.is_some() || self.horizon.is_some()
    }

    /// The time against which holds lapse for a call passing `now`.
    fn clock_at(&self, now: Option<i64>) -> Option<i64> {
        self.clock.max(now)
    }

    /// A successful call passing `now`: the clock moves forward, and the holds that have
    /// lapsed by then expire (and stay, as history).
    fn advance(&mut self, now: Option<i64>) {
        self.clock = self.clock_at(now);
        if let Some(clock) = self.clock {
            for a in &mut self.appts {
                if let Status::Held(e) = a.status {
                    if e <= clock {
                        a.status = Status::Expired(e);
                    }
                }
            }
        }
    }

    /// `maxSnapshotBytes`: `Err(HOSPITAL_FULL)` if the change from `before` to `self` (the
    /// model after a mutation) grows the tracked snapshot size past the budget.
    fn within_budget(&self, before: &Model) -> Result<(), Expected> {
        let (old, new) = (before.size(), self.size());
        if new > old && new > self.budget {
            return Err(fail(
                ErrorCode::HospitalFull,
                json!({ "limitOf": "snapshotBytes", "current": old, "requested": new - old,
                        "limit": self.budget }),
            ));
        }
        Ok(())
    }

    /// Commits a mutation the model made on a copy of itself (`next`), unless it would take
    /// the hospital past its budget: then nothing changes.
    fn commit(&mut self, next: Model, value: impl FnOnce(&Model) -> Value) -> Outcome {
        if let Err(e) = next.within_budget(self) {
            return err(e);
        }
        *self = next;
        self.revision += 1;
        ok(value(self), true)
    }

    /// The options as a snapshot writes them (only their length matters: the model compares
    /// sizes, and JSON's length does not depend on the order of keys).
    fn options_json(&self) -> Value {
        let mut options = json!({
            "slotMinutes": self.slot, "defaultDurationMinutes": self.default_duration,
            "timeZone": if self.time_zone { json!(ZONE) } else { Value::Null },
            "maxSnapshotBytes": self.budget,
        });
        if let Some(notice) = self.notice {
            options["minNoticeMinutes"] = json!(notice);
        }
        if let Some(horizon) = self.horizon {
            options["horizonDays"] = json!(horizon);
        }
        if self.prevent_patient_overlap {
            options["preventPatientOverlap"] = json!(true);
        }
        options
    }

    /// An appointment's row in a snapshot (`counted`: every status counted as the longest,
    /// "cancelled", as the hospital's size does).
    fn row_json(&self, a: &MAppt, counted: bool) -> Value {
        let status = match a.status {
            _ if counted => "cancelled",
            Status::Booked => "booked",
            Status::Held(_) => "held",
            Status::Expired(_) => "expired",
            Status::Cancelled => "cancelled",
        };
        let mut row = vec![
            json!(a.id),
            json!(a.doctor_id),
            json!(a.location),
            json!(self.cal.placed(a.start)),
            json!(a.duration),
            json!(status),
            json!(a.patient),
        ];
        let appointment = self.appt_json(a);
        let mut extras = Map::new();
        for key in [
            "requestId",
            "holdExpires",
            "rescheduledFrom",
            "cancelReason",
            "notes",
            "metadata",
            "createdAt",
            "updatedAt",
        ] {
            if let Some(v) = appointment.get(key) {
                extras.insert(key.into(), v.clone());
            }
        }
        if let (Some(asked), true) = (&a.asked, a.asked_kept) {
            let mut requested = json!({ "location": asked.location,
                "start": self.cal.placed(asked.start), "durationMinutes": asked.duration });
            if asked.held {
                requested["held"] = json!(true);
            }
            if let Some(p) = &asked.patient {
                requested["patient"] = json!(p);
            }
            extras.insert("requested".into(), requested);
        }
        if !extras.is_empty() {
            row.push(Value::Object(extras));
        }
        Value::Array(row)
    }

    /// The bytes a doctor's line takes in a snapshot, with its line break and comma.
    fn line_bytes(&self, d: &MDoctor) -> usize {
        self.doctor_json(d).to_string().len() + 2
    }

    /// The size the hospital tracks (`snapshot_bytes()`): its snapshot's length with the
    /// header's counters at their longest, each line counted with a line break and a comma, and
    /// every status counted as "cancelled".
    fn size(&self) -> u64 {
        let max = 9_007_199_254_740_991_u64;
        let header = format!(
            "{{\"format\":\"dr-schedule\",\"version\":4,\"revision\":{max},\"options\":{},\
             \"nextIds\":{{\"doctor\":{max},\"appointment\":{max}}},\
             \"lastNow\":\"10000-01-01T00:00{}\",\"doctors\":[\n],\"appointments\":[\n]}}",
            self.options_json(),
            if self.cal.zoned { ":00Z" } else { "" }
        );
        let doctors: usize = self.doctors.iter().map(|d| d.line).sum();
        let rows: usize = self
            .appts
            .iter()
            .map(|a| self.row_json(a, true).to_string().len() + 2)
            .sum();
        (header.len() + doctors + rows) as u64
    }

    fn doctor_json(&self, d: &MDoctor) -> Value {
        let mut v = json!({
            "id": d.id,
            "name": d.name,
            "locations": d.locations,
            "schedule": rules_json(&d.schedule),
        });
        if !d.overrides.is_empty() {
            v["overrides"] = overrides_json(&self.cal, &d.overrides);
        }
        if !d.time_off.is_empty() {
            v["timeOff"] = time_off_json(&self.cal, &d.time_off);
        }
        v
    }

    fn appt_json(&self, a: &MAppt) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(a.id));
        m.insert("doctorId".into(), json!(a.doctor_id));
        m.insert("location".into(), json!(a.location));
        m.insert("start".into(), json!(self.cal.at(a.start)));
        m.insert("end".into(), json!(self.cal.at(a.start + a.duration)));
        if self.cal.zoned {
            m.insert("startUtc".into(), json!(self.cal.utc(a.start)));
            m.insert("endUtc".into(), json!(self.cal.utc(a.start + a.duration)));
        }
        m.insert("durationMinutes".into(), json!(a.duration));
        if let Some(p) = &a.patient {
            m.insert("patient".into(), json!(p));
        }
        if let Some(r) = &a.request_id {
            m.insert("requestId".into(), json!(r));
        }
        let status = match a.status {
            Status::Booked => "booked",
            Status::Held(_) => "held",
            Status::Cancelled => "cancelled",
            Status::Expired(_) => "expired",
        };
        m.insert("status".into(), json!(status));
        if let Status::Held(e) | Status::Expired(e) = a.status {
            m.insert("holdExpires".into(), json!(self.cal.stamp(e)));
        }
        if !a.trace.is_empty() {
            let trace: Vec<Value> = a
                .trace
                .iter()
                .map(|(l, s, e)| {
                    let mut entry =
                        json!({ "location": l, "start": self.cal.at(*s), "end": self.cal.at(*e) });
                    if self.cal.zoned {
                        entry["startUtc"] = json!(self.cal.utc(*s));
                        entry["endUtc"] = json!(self.cal.utc(*e));
                    }
                    entry
                })
                .collect();
            m.insert("rescheduledFrom".into(), Value::Array(trace));
        }
        if let Some(r) = &a.cancel_reason {
            m.insert("cancelReason".into(), json!(r));
        }
        if let Some(n) = &a.notes {
            m.insert("notes".into(), json!(n));
        }
        if let Some(v) = &a.metadata {
            m.insert("metadata".into(), v.clone());
        }
        if let Some(t) = a.created {
            m.insert("createdAt".into(), json!(self.cal.stamp(t)));
        }
        if let Some(t) = a.updated {
            m.insert("updatedAt".into(), json!(self.cal.stamp(t)));
        }
        Value::Object(m)
    }

    /// A doctor's appointments, by start and then booking order (a stable sort of booking
    /// order).
    fn appts_of(&self, doctor_id: &str) -> Vec<&MAppt> {
        let mut list: Vec<&MAppt> = self
            .appts
            .iter()
            .filter(|a| a.doctor_id == doctor_id)
            .collect();
        list.sort_by_key(|a| a.start);
        list
    }

    /// The ids of a doctor's booked and held appointments that `keep` selects, by start.
    fn active_ids_by_start(&self, doctor_id: &str, keep: impl Fn(&MAppt) -> bool) -> Vec<String> {
        self.appts_of(doctor_id)
            .into_iter()
            .filter(|a| a.active() && keep(a))
            .map(|a| a.id.clone())
            .collect()
    }

    fn assign(counter: &mut u64, prefix: &str, taken: impl Fn(&str) -> bool) -> String {
        loop {
            let id = format!("{prefix}{counter}");
            *counter += 1;
            if !taken(&id) {
                return id;
            }
        }
    }

    /// Booking rules 1 to 6, in order: every problem, as (code, details).
    fn problems(&self, p: &Proposal<'_>) -> Vec<(ErrorCode, Value)> {
        let d = p.doctor;
        let (start, duration) = (p.start, p.duration);
        let mut found = Vec::new();
        // Rule 1.
        let served = d.locations.iter().any(|l| l == p.location);
        if !served {
            found.push((
                ErrorCode::LocationNotServed,
                json!({ "doctorId": d.id, "location": p.location }),
            ));
        }
        // Rule 2.
        if start.rem_euclid(DAY) % self.slot != 0 {
            found.push((
                ErrorCode::OffGrid,
                json!({ "field": "start", "slotMinutes": self.slot }),
            ));
        }
        if duration <= 0 || duration % self.slot != 0 {
            found.push((
                ErrorCode::OffGrid,
                json!({ "field": "durationMinutes", "slotMinutes": self.slot }),
            ));
        }
        // Rule 3: the hours at that location that date, then the time off. Each names the
        // doctor's open blocks that date.
        if served {
            let day = start.div_euclid(DAY);
            let all: Vec<&String> = d.locations.iter().collect();
            let hours = Value::Array(self.day_blocks(d, &all, day));
            if !fits(&open_minutes(d, p.location, day), start, duration) {
                let elsewhere: Vec<&String> = d
                    .locations
                    .iter()
                    .filter(|l| fits(&open_minutes(d, l, day), start, duration))
                    .collect();
                if !elsewhere.is_empty() {
                    found.push((
                        ErrorCode::OutsideHours,
                        json!({ "doctorId": d.id, "reason": "notServedThere", "location": p.location, "locations": elsewhere, "hours": hours }),
                    ));
                } else if d.overrides.iter().any(|o| o.day == day) {
                    found.push((
                        ErrorCode::OutsideHours,
                        json!({ "doctorId": d.id, "reason": "closedByOverride", "date": self.cal.date(day), "hours": hours }),
                    ));
                } else {
                    found.push((
                        ErrorCode::OutsideHours,
                        json!({ "doctorId": d.id, "hours": hours }),
                    ));
                }
            }
            for t in time_off_in_way(d, start, duration) {
                found.push((
                    ErrorCode::OutsideHours,
                    json!({ "doctorId": d.id, "reason": "timeOff", "timeOff": off_json(&self.cal, t), "hours": hours }),
                ));
            }
        }
        // Rules 4 and 6: what is in the way, the latest-starting first.
        let clock = self.clock_at(p.now);
        let in_way = |same: &dyn Fn(&MAppt) -> bool| {
            let mut list: Vec<&MAppt> = self
                .appts
                .iter()
                .filter(|a| {
                    a.takes_time(clock)
                        && same(a)
                        && Some(a.id.as_str()) != p.moving
                        && overlaps(a.start, a.duration, start, duration)
                })
                .collect();
            list.sort_by_key(|a| std::cmp::Reverse(a.start));
            list
        };
        for a in in_way(&|a| a.doctor_id == d.id) {
            found.push((
                ErrorCode::SlotTaken,
                json!({ "conflictingAppointmentId": a.id }),
            ));
        }
        // Rule 5, against the exact bounds (an off-grid start that meets them is only off the
        // grid). The details name grid starts: the first at or after now + notice, the last at
        // or before now + horizon.
        if let Some(now) = p.now {
            let slot = self.slot;
            if let Some(notice) = self.notice {
                let earliest = now + notice + (slot - (now + notice).rem_euclid(slot)) % slot;
                if start < now + notice {
                    let mut details = json!({ "earliestStart": self.cal.at(earliest) });
                    if start < now {
                        details["reason"] = json!("inThePast");
                    }
                    found.push((ErrorCode::TooSoon, details));
                }
            }
            if let Some(days) = self.horizon {
                let latest = now + days * DAY - (now + days * DAY).rem_euclid(slot);
                if start > now + days * DAY {
                    found.push((
                        ErrorCode::BeyondHorizon,
                        json!({ "latestStart": self.cal.at(latest) }),
                    ));
                }
            }
        }
        // Rule 6.
        if let (true, Some(patient)) = (self.prevent_patient_overlap, p.patient) {
            for a in in_way(&|a| a.patient.as_deref() == Some(patient)) {
                found.push((
                    ErrorCode::PatientBusy,
                    json!({ "patient": patient, "conflictingAppointmentId": a.id }),
                ));
            }
        }
        found
    }

    /// The first problem, as the error a booking call fails with.
    fn first_problem(&self, p: &Proposal<'_>) -> Option<Expected> {
        self.problems(p)
            .into_iter()
            .next()
            .map(|(code, details)| Expected {
                code,
                details,
                exact: true,
            })
    }

    fn add_doctor(&mut self, d: &DoctorIn) -> Outcome {
        let all = Some(d.locations.as_slice());
        let valid = !d.extra
            && d.id.as_deref().is_none_or(valid_id)
            && valid_text(&d.name, 200)
            && valid_locations(&d.locations)
            && valid_schedule(&d.schedule, all)
            && valid_overrides(&d.overrides, all)
            && valid_time_off(&d.time_off);
        if !valid {
            return err(invalid());
        }
        if let Some(id) = &d.id {
            if self.doctor(id).is_some() {
                return err(fail(ErrorCode::DuplicateId, json!({ "id": id })));
            }
        }
        let mut next = self.clone();
        let id = match &d.id {
            Some(id) => id.clone(),
            None => {
                let doctors = &next.doctors;
                Model::assign(&mut next.next_doctor, "d", |id| {
                    doctors.iter().any(|d| d.id == id)
                })
            }
        };
        let mut doctor = MDoctor {
            id,
            name: d.name.clone(),
            locations: d.locations.clone(),
            schedule: d.schedule.clone(),
            overrides: d.overrides.clone(),
            time_off: d.time_off.clone(),
            line: 0,
        };
        doctor.line = self.line_bytes(&doctor);
        next.doctors.push(doctor);
        self.commit(next, |m| m.doctor_json(m.doctors.last().unwrap()))
    }

    fn get_doctor(&self, id: &str) -> Outcome {
        match self.doctor(id) {
            Some(d) => ok(self.doctor_json(d), false),
            None => err(fail(ErrorCode::DoctorNotFound, json!({ "doctorId": id }))),
        }
    }

    fn update_doctor(&mut self, id: &str, patch: &PatchIn, options: ChangeOpt) -> Outcome {
        // The patch on its own: rule and block locations against the patch's, if it has some.
        let all = patch.locations.as_deref();
        let valid = !patch.extra
            && options != ChangeOpt::Bad
            && patch.name.as_deref().is_none_or(|n| valid_text(n, 200))
            && patch.locations.as_deref().is_none_or(valid_locations)
            && patch
                .schedule
                .as_deref()
                .is_none_or(|s| valid_schedule(s, all))
            && patch
                .overrides
                .as_deref()
                .is_none_or(|o| valid_overrides(o, all))
            && patch.time_off.as_deref().is_none_or(valid_time_off);
        if !valid {
            return err(invalid());
        }
        let Some(index) = self.doctors.iter().position(|d| d.id == id) else {
            return err(fail(ErrorCode::DoctorNotFound, json!({ "doctorId": id })));
        };
        let old = &self.doctors[index];
        let mut new = MDoctor {
            line: 0,
            id: old.id.clone(),
            name: patch.name.clone().unwrap_or_else(|| old.name.clone()),
            locations: patch
                .locations
                .clone()
                .unwrap_or_else(|| old.locations.clone()),
            schedule: patch
                .schedule
                .clone()
                .unwrap_or_else(|| old.schedule.clone()),
            overrides: patch
                .overrides
                .clone()
                .unwrap_or_else(|| old.overrides.clone()),
            time_off: patch
                .time_off
                .clone()
                .unwrap_or_else(|| old.time_off.clone()),
        };
        // The doctor as patched: every rule and block names some of their locations.
        let all = Some(new.locations.as_slice());
        if !valid_schedule(&new.schedule, all) || !valid_overrides(&new.overrides, all) {
            return err(invalid());
        }
        let orphans =
            self.active_ids_by_start(id, |a| !works(&new, &a.location, a.start, a.duration));
        if !orphans.is_empty() && options != ChangeOpt::Cancel(true) {
            return err(fail(
                ErrorCode::HasAppointments,
                json!({ "doctorId": id, "appointmentIds": orphans }),
            ));
        }
        new.line = self.line_bytes(&new);
        let mut next = self.clone();
        for a in &mut next.appts {
            if orphans.contains(&a.id) {
                // A hold keeps what its request asked for: that it was a hold.
                if matches!(a.status, Status::Held(_)) {
                    a.keep_asked();
                }
                a.status = Status::Cancelled;
                a.cancel_reason = Some("doctor updated".into());
            }
        }
        next.doctors[index] = new;
        self.commit(next, |m| m.doctor_json(&m.doctors[index]))
    }

    fn remove_doctor(&mut self, id: &str, options: ChangeOpt) -> Outcome {
        if options == ChangeOpt::Bad {
            return err(invalid());
        }
        let Some(index) = self.doctors.iter().position(|d| d.id == id) else {
            return err(fail(ErrorCode::DoctorNotFound, json!({ "doctorId": id })));
        };
        let active = self.active_ids_by_start(id, |_| true);
        if !active.is_empty() && options != ChangeOpt::Cancel(true) {
            return err(fail(
                ErrorCode::HasAppointments,
                json!({ "doctorId": id, "appointmentIds": active }),
            ));
        }
        // Only ever shrinks: no budget to check.
        self.appts.retain(|a| a.doctor_id != id);
        let doctor = self.doctors.remove(index);
        self.revision += 1;
        ok(self.doctor_json(&doctor), true)
    }

    /// `book`, or `hold` when `b.ttl` is set.
    fn book(&mut self, b: &BookCall) -> Outcome {
        // The input itself.
        let valid = !b.extra
            && b.start.is_ok()
            && b.duration.is_none_or(|d| d >= 0)
            && b.patient.as_deref().is_none_or(|p| valid_text(p, 200))
            && b.id.as_deref().is_none_or(valid_id)
            && b.request_id.as_deref().is_none_or(|r| valid_text(r, 128))
            && b.notes.as_ref().is_none_or(NotesIn::valid)
            && b.metadata.as_ref().is_none_or(MetaIn::valid);
        let Ok(start) = b.start else {
            return err(invalid());
        };
        if !valid {
            return err(invalid());
        }
        if b.ttl.is_some() && b.now.is_none() {
            return err(invalid_field("now"));
        }
        if b.ttl.is_some_and(|ttl| ttl <= 0 || ttl > MAX_TTL) {
            return err(invalid_field("ttlMinutes"));
        }
        if self.time_rules() && b.now.is_none() {
            return err(invalid_field("now"));
        }
        let duration = b.duration.unwrap_or(self.default_duration);
        // Rule 0: a request id seen before, whatever became of its appointment (moved,
        // confirmed, given another patient, cancelled, expired), is compared with what the
        // first request asked for, and whether it was a hold.
        if let Some(request_id) = &b.request_id {
            if let Some(a) = self
                .appts
                .iter()
                .find(|a| a.request_id.as_ref() == Some(request_id))
            {
                let asked = a.asked.as_ref().expect("a request id keeps its request");
                let same = a.doctor_id == b.doctor_id
                    && asked.held == b.ttl.is_some()
                    && asked.location == b.location
                    && asked.start == start
                    && asked.duration == duration
                    && asked.patient == b.patient
                    && b.id.as_ref().is_none_or(|id| *id == a.id);
                return if same {
                    ok(self.appt_json(a), false)
                } else {
                    err(fail(
                        ErrorCode::RequestIdReused,
                        json!({ "requestId": request_id, "appointmentId": a.id }),
                    ))
                };
            }
        }
        // An id stays taken by history: cancelled and expired appointments too.
        if let Some(id) = &b.id {
            if self.appts.iter().any(|a| a.id == *id) {
                return err(fail(ErrorCode::DuplicateId, json!({ "id": id })));
            }
        }
        // Rules 1 to 6.
        let Some(doctor) = self.doctor(&b.doctor_id) else {
            return err(fail(
                ErrorCode::DoctorNotFound,
                json!({ "doctorId": b.doctor_id }),
            ));
        };
        if let Some(e) = self.first_problem(&Proposal {
            doctor,
            location: &b.location,
            start,
            duration,
            patient: b.patient.as_deref(),
            now: b.now,
            moving: None,
        }) {
            return err(e);
        }
        // A hold: 1 minute to a week, lapsing after the hospital's clock.
        let status = match (b.ttl, b.now) {
            (Some(ttl), Some(now)) => {
                if self.clock.is_some_and(|c| now + ttl <= c) {
                    return err(invalid_field("ttlMinutes"));
                }
                Status::Held(now + ttl)
            }
            _ => Status::Booked,
        };
        // An assigned id skips every id in use, history included.
        let mut next = self.clone();
        let id = match &b.id {
            Some(id) => id.clone(),
            None => {
                let appts = &next.appts;
                Model::assign(&mut next.next_appt, "a", |id| {
                    appts.iter().any(|a| a.id == id)
                })
            }
        };
        next.advance(b.now);
        next.appts.push(MAppt {
            id,
            doctor_id: b.doctor_id.clone(),
            location: b.location.clone(),
            start,
            duration,
            patient: b.patient.clone(),
            request_id: b.request_id.clone(),
            status,
            trace: Vec::new(),
            cancel_reason: None,
            notes: b.notes.as_ref().map(NotesIn::text),
            metadata: b.metadata.as_ref().map(|m| m.value.clone()),
            asked: b.request_id.as_ref().map(|_| Asked {
                held: b.ttl.is_some(),
                location: b.location.clone(),
                start,
                duration,
                patient: b.patient.clone(),
            }),
            asked_kept: false,
            created: b.now,
            updated: b.now,
        });
        self.commit(next, |m| m.appt_json(m.appts.last().unwrap()))
    }

    fn not_found(id: &str) -> Outcome {
        err(fail(
            ErrorCode::AppointmentNotFound,
            json!({ "appointmentId": id }),
        ))
    }

    fn hold_expired(&self, id: &str, expired: i64) -> Outcome {
        err(fail(
            ErrorCode::HoldExpired,
            json!({ "appointmentId": id, "holdExpires": self.cal.stamp(expired) }),
        ))
    }

    fn already_cancelled(id: &str) -> Outcome {
        err(fail(
            ErrorCode::AlreadyCancelled,
            json!({ "appointmentId": id }),
        ))
    }

    fn confirm(&mut self, id: &str, now: Option<i64>) -> Outcome {
        let Some(now) = now else {
            return err(invalid());
        };
        let Some(index) = self.appts.iter().position(|a| a.id == id) else {
            return Model::not_found(id);
        };
        match self.appts[index].status {
            Status::Cancelled => return Model::already_cancelled(id),
            Status::Booked => {
                return err(fail(ErrorCode::NotHeld, json!({ "appointmentId": id })));
            }
            // Lapsed, whether or not the hospital has marked it yet.
            Status::Expired(e) => return self.hold_expired(id, e),
            Status::Held(e) if self.clock_at(Some(now)).is_some_and(|c| c >= e) => {
                return self.hold_expired(id, e);
            }
            Status::Held(_) => {}
        }
        let mut next = self.clone();
        next.advance(Some(now));
        let a = &mut next.appts[index];
        a.keep_asked();
        a.status = Status::Booked;
        a.updated = Some(now);
        self.commit(next, |m| m.appt_json(&m.appts[index]))
    }

    fn reschedule(&mut self, id: &str, r: &RescheduleIn) -> Outcome {
        let valid = r.start.is_ok()
            && r.duration.is_none_or(|d| d >= 0)
            && r.location.as_deref().is_none_or(|l| valid_text(l, 200))
            && r.notes.as_ref().is_none_or(NotesIn::valid)
            && r.metadata.as_ref().is_none_or(MetaIn::valid);
        let Ok(start) = r.start else {
            return err(invalid());
        };
        if !valid {
            return err(invalid());
        }
        if self.time_rules() && r.now.is_none() {
            return err(invalid_field("now"));
        }
        let clock = self.clock_at(r.now);
        let Some(index) = self.appts.iter().position(|a| a.id == id) else {
            return Model::not_found(id);
        };
        let a = &self.appts[index];
        match a.status {
            Status::Booked => {}
            Status::Held(e) if clock.is_some_and(|c| c >= e) => return self.hold_expired(id, e),
            Status::Held(_) => {}
            Status::Expired(e) => return self.hold_expired(id, e),
            Status::Cancelled => return Model::already_cancelled(id),
        }
        let location = r.location.clone().unwrap_or_else(|| a.location.clone());
        let duration = r.duration.unwrap_or(a.duration);
        let notes = r
            .notes
            .as_ref()
            .map(NotesIn::text)
            .or_else(|| a.notes.clone());
        let metadata = r
            .metadata
            .as_ref()
            .map(|m| m.value.clone())
            .or_else(|| a.metadata.clone());
        let moves = location != a.location || start != a.start || duration != a.duration;
        if !moves && notes == a.notes && metadata == a.metadata {
            return ok(self.appt_json(a), false);
        }
        if moves {
            let doctor = self.doctor(&a.doctor_id).unwrap();
            if let Some(e) = self.first_problem(&Proposal {
                doctor,
                location: &location,
                start,
                duration,
                patient: a.patient.as_deref(),
                now: r.now,
                moving: Some(id),
            }) {
                return err(e);
            }
        }
        let mut next = self.clone();
        next.advance(r.now);
        let a = &mut next.appts[index];
        if moves {
            a.keep_asked();
            let old = std::mem::replace(&mut a.location, location);
            a.trace.push((old, a.start, a.start + a.duration));
            a.start = start;
            a.duration = duration;
        }
        a.notes = notes;
        a.metadata = metadata;
        if r.now.is_some() {
            a.updated = r.now;
        }
        self.commit(next, |m| m.appt_json(&m.appts[index]))
    }

    fn cancel(&mut self, id: &str, reason: &Option<String>) -> Outcome {
        if reason.as_deref().is_some_and(|r| !valid_text(r, 500)) {
            return err(invalid());
        }
        let Some(index) = self.appts.iter().position(|a| a.id == id) else {
            return Model::not_found(id);
        };
        match self.appts[index].status {
            Status::Booked | Status::Held(_) => {}
            Status::Expired(e) => return self.hold_expired(id, e),
            Status::Cancelled => return Model::already_cancelled(id),
        }
        let mut next = self.clone();
        let a = &mut next.appts[index];
        // A cancelled hold still answers a retry of its request as the hold it was.
        if matches!(a.status, Status::Held(_)) {
            a.keep_asked();
        }
        a.status = Status::Cancelled;
        a.cancel_reason = reason.clone();
        self.commit(next, |m| m.appt_json(&m.appts[index]))
    }

    fn update_appointment(&mut self, id: &str, p: &UpdateIn) -> Outcome {
        let valid = !p.extra
            && p.patient
                .as_ref()
                .is_none_or(|p| p.as_deref().is_none_or(|p| valid_text(p, 200)))
            && p.notes
                .as_ref()
                .is_none_or(|n| n.as_ref().is_none_or(NotesIn::valid))
            && p.metadata
                .as_ref()
                .is_none_or(|m| m.as_ref().is_none_or(MetaIn::valid));
        if !valid {
            return err(invalid());
        }
        let Some(index) = self.appts.iter().position(|a| a.id == id) else {
            return Model::not_found(id);
        };
        let a = &self.appts[index];
        let patient = p.patient.clone().unwrap_or_else(|| a.patient.clone());
        let notes = match &p.notes {
            Some(n) => n.as_ref().map(NotesIn::text),
            None => a.notes.clone(),
        };
        let metadata = match &p.metadata {
            Some(m) => m.as_ref().map(|m| m.value.clone()),
            None => a.metadata.clone(),
        };
        if patient == a.patient && notes == a.notes && metadata == a.metadata {
            return ok(self.appt_json(a), false);
        }
        // Rule 6 for the new patient of an appointment that takes its time.
        if let (true, true, Some(patient)) = (a.active(), self.prevent_patient_overlap, &patient) {
            let mut in_way: Vec<&MAppt> = self
                .appts
                .iter()
                .filter(|o| {
                    o.id != a.id
                        && o.takes_time(self.clock)
                        && o.patient.as_ref() == Some(patient)
                        && overlaps(o.start, o.duration, a.start, a.duration)
                })
                .collect();
            in_way.sort_by_key(|o| std::cmp::Reverse(o.start));
            if let Some(o) = in_way.first() {
                return err(Expected {
                    code: ErrorCode::PatientBusy,
                    details: json!({ "patient": patient, "conflictingAppointmentId": o.id }),
                    exact: true,
                });
            }
        }
        let mut next = self.clone();
        let a = &mut next.appts[index];
        if patient != a.patient {
            a.keep_asked();
        }
        a.patient = patient;
        a.notes = notes;
        a.metadata = metadata;
        self.commit(next, |m| m.appt_json(&m.appts[index]))
    }

    fn set_actor(&mut self, actor: &Option<String>) -> Outcome {
        if actor.as_deref().is_some_and(|a| !valid_text(a, 128)) {
            return err(invalid_field("actor"));
        }
        self.actor = actor.clone();
        ok(json!(null), false)
    }

    fn get_appointment(&self, id: &str) -> Outcome {
        match self.appts.iter().find(|a| a.id == id) {
            Some(a) => ok(self.appt_json(a), false),
            None => Model::not_found(id),
        }
    }

    /// `[from, to)` from two bounds, or INVALID_INPUT (unparseable, or `to` before `from`).
    fn window(
        from: Option<&BoundIn>,
        to: Option<&BoundIn>,
    ) -> Result<(Option<i64>, Option<i64>), Expected> {
        let from = from.map(|b| b.as_from.ok_or_else(invalid)).transpose()?;
        let to = to.map(|b| b.as_to.ok_or_else(invalid)).transpose()?;
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(invalid());
            }
        }
        Ok((from, to))
    }

    /// Whether a listing with this status filter keeps `a`, at `clock` (a lapsed hold, not yet
    /// marked, is listed as the expired history it is).
    fn keeps(status: &str, a: &MAppt, clock: Option<i64>) -> bool {
        let lapsed = !a.live(clock);
        match (status, a.status) {
            ("all", _) => true,
            ("booked", s) => s == Status::Booked,
            ("held", Status::Held(_)) => !lapsed,
            ("cancelled", s) => s == Status::Cancelled,
            ("expired", Status::Expired(_)) => true,
            ("expired", Status::Held(_)) => lapsed,
            ("active", Status::Booked) => true,
            ("active", Status::Held(_)) => !lapsed,
            _ => false,
        }
    }

    /// A page: the appointments of `list` (by start, then booking order) after the cursor
    /// appointment `after` (by its start and place in booking order), at most `limit`.
    fn page(&self, list: Vec<&MAppt>, after: Option<&str>, limit: Option<i64>) -> Outcome {
        let order = |a: &MAppt| {
            let index = self.appts.iter().position(|b| b.id == a.id).unwrap();
            (a.start, index)
        };
        let cursor = match after {
            Some(id) => match self.appts.iter().find(|a| a.id == id) {
                Some(a) => Some(order(a)),
                None => return err(invalid_field("after")),
            },
            None => None,
        };
        let limit = match limit {
            None => usize::MAX,
            Some(l) if !(1..=100_000).contains(&l) => return err(invalid_field("limit")),
            Some(l) => l as usize,
        };
        let mut list: Vec<((i64, usize), &MAppt)> =
            list.into_iter().map(|a| (order(a), a)).collect();
        list.sort_by_key(|(key, _)| *key);
        let found: Vec<Value> = list
            .into_iter()
            .filter(|(key, _)| cursor.is_none_or(|c| *key > c))
            .take(limit)
            .map(|(_, a)| self.appt_json(a))
            .collect();
        ok(Value::Array(found), false)
    }

    fn appointments(&self, q: &ApptQueryIn) -> Outcome {
        if q.status.is_some_and(|s| {
            !["active", "booked", "held", "cancelled", "expired", "all"].contains(&s)
        }) {
            return err(invalid());
        }
        let (from, to) = match Model::window(q.from.as_ref(), q.to.as_ref()) {
            Ok(window) => window,
            Err(e) => return err(e),
        };
        if self.doctor(&q.doctor).is_none() {
            return err(fail(
                ErrorCode::DoctorNotFound,
                json!({ "doctorId": q.doctor }),
            ));
        }
        let clock = self.clock_at(q.now);
        let status = q.status.unwrap_or("active");
        let list: Vec<&MAppt> = self
            .appts
            .iter()
            .filter(|a| a.doctor_id == q.doctor && Model::keeps(status, a, clock))
            .filter(|a| from.is_none_or(|f| f <= a.start) && to.is_none_or(|t| a.start < t))
            .collect();
        self.page(list, q.after.as_deref(), q.limit)
    }

    fn find_appointments(&self, q: &FindApptIn) -> Outcome {
        if q.status.is_some_and(|s| {
            !["active", "booked", "held", "cancelled", "expired", "all"].contains(&s)
        }) {
            return err(invalid());
        }
        if q.patient.as_deref().is_some_and(|p| !valid_text(p, 200)) {
            return err(invalid_field("patient"));
        }
        if q.location.as_deref().is_some_and(|l| !valid_text(l, 200)) {
            return err(invalid_field("location"));
        }
        if q.patient.is_none() && q.location.is_none() && q.doctor.is_none() {
            return err(invalid_field("patient"));
        }
        let (from, to) = match Model::window(q.from.as_ref(), q.to.as_ref()) {
            Ok(window) => window,
            Err(e) => return err(e),
        };
        if let Some(after) = &q.after {
            if !self.appts.iter().any(|a| a.id == *after) {
                return err(invalid_field("after"));
            }
        }
        if q.limit.is_some_and(|l| !(1..=100_000).contains(&l)) {
            return err(invalid_field("limit"));
        }
        if let Some(d) = &q.doctor {
            if self.doctor(d).is_none() {
                return err(fail(ErrorCode::DoctorNotFound, json!({ "doctorId": d })));
            }
        }
        let clock = self.clock_at(q.now);
        let status = q.status.unwrap_or("active");
        let list: Vec<&MAppt> = self
            .appts
            .iter()
            .filter(|a| {
                q.patient
                    .as_ref()
                    .is_none_or(|p| a.patient.as_ref() == Some(p))
            })
            .filter(|a| q.location.as_ref().is_none_or(|l| a.location == *l))
            .filter(|a| q.doctor.as_ref().is_none_or(|d| a.doctor_id == *d))
            .filter(|a| Model::keeps(status, a, clock))
            .filter(|a| from.is_none_or(|f| f <= a.start) && to.is_none_or(|t| a.start < t))
            .collect();
        self.page(list, q.after.as_deref(), q.limit)
    }

    /// The open blocks of a doctor's hours per date (`from` to `to`, both included) and
    /// location: minute by minute, the date's override or weekly rules there, minus time off;
    /// by start, then in the order of the doctor's locations.
    fn working_hours(&self, q: &HoursIn) -> Outcome {
        if q.location.as_deref().is_some_and(|l| !valid_text(l, 200)) {
            return err(invalid_field("location"));
        }
        let Some(first) = q.from.as_from.map(|t| t.div_euclid(DAY)) else {
            return err(invalid_field("from"));
        };
        let Some(last) = q.to.as_from.map(|t| t.div_euclid(DAY)) else {
            return err(invalid_field("to"));
        };
        if last < first || last - first >= 366 {
            return err(invalid_field("to"));
        }
        let Some(d) = self.doctor(&q.doctor) else {
            return err(fail(
                ErrorCode::DoctorNotFound,
                json!({ "doctorId": q.doctor }),
            ));
        };
        let locations: Vec<&String> = match &q.location {
            Some(l) if d.locations.contains(l) => vec![l],
            Some(l) => {
                return err(fail(
                    ErrorCode::LocationNotServed,
                    json!({ "doctorId": d.id, "location": l }),
                ))
            }
            None => d.locations.iter().collect(),
        };
        let mut blocks = Vec::new();
        for day in first..=last {
            blocks.extend(self.day_blocks(d, &locations, day));
        }
        ok(Value::Array(blocks), false)
    }

    /// A doctor's open blocks on `day` at `locations`, after overrides and time off, as
    /// `workingHours` gives them: by start, then in the order of `locations`.
    fn day_blocks(&self, d: &MDoctor, locations: &[&String], day: i64) -> Vec<Value> {
        let mut today: Vec<(i64, Value)> = Vec::new();
        for &l in locations {
            let mut open = open_minutes(d, l, day);
            for t in &d.time_off {
                for minute in t.start.max(day * DAY)..t.end.min((day + 1) * DAY) {
                    open[(minute - day * DAY) as usize] = false;
                }
            }
            let mut minute = 0;
            while minute < DAY {
                if !open[minute as usize] {
                    minute += 1;
                    continue;
                }
                let start = minute;
                while minute < DAY && open[minute as usize] {
                    minute += 1;
                }
                let mut block = json!({ "date": self.cal.date(day), "location": l,
                        "start": self.cal.at(day * DAY + start),
                        "end": self.cal.at(day * DAY + minute) });
                if self.cal.zoned {
                    block["startUtc"] = json!(self.cal.utc(day * DAY + start));
                    block["endUtc"] = json!(self.cal.utc(day * DAY + minute));
                }
                today.push((start, block));
            }
        }
        today.sort_by_key(|(start, _)| *start);
        today.into_iter().map(|(_, block)| block).collect()
    }

    /// The free grid starts of `[from, to)` for `duration`, earliest first: for each, the
    /// doctors (in insertion order) free then, each with the first of `locations(doctor)`
    /// where it fits. Narrowed by the notice and horizon when `now` is given.
    fn free(
        &self,
        doctors: &[&MDoctor],
        locations: &dyn Fn(&MDoctor) -> Vec<String>,
        (from, to): (i64, i64),
        duration: i64,
        now: Option<i64>,
        limit: usize,
    ) -> Vec<(i64, String, String)> {
        let clock = self.clock_at(now);
        let earliest = match (now, self.notice) {
            (Some(now), Some(notice)) => from.max(now + notice),
            _ => from,
        };
        let latest = match (now, self.horizon) {
            (Some(now), Some(days)) => now + days * DAY,
            _ => i64::MAX,
        };
        let mut cache: Vec<((usize, usize, i64), Vec<bool>)> = Vec::new();
        let mut found = Vec::new();
        for t in earliest..to {
            if t.rem_euclid(DAY) % self.slot != 0 || t + duration > to || t > latest {
                continue;
            }
            for (i, d) in doctors.iter().enumerate() {
                if self.appts.iter().any(|a| {
                    a.doctor_id == d.id
                        && a.takes_time(clock)
                        && overlaps(a.start, a.duration, t, duration)
                }) || !time_off_in_way(d, t, duration).is_empty()
                {
                    continue;
                }
                let day = t.div_euclid(DAY);
                for (j, l) in locations(d).into_iter().enumerate() {
                    let key = (i, j, day);
                    if !cache.iter().any(|(k, _)| *k == key) {
                        cache.push((key, open_minutes(d, &l, day)));
                    }
                    let open = &cache.iter().find(|(k, _)| *k == key).unwrap().1;
                    if fits(open, t, duration) {
                        found.push((t, d.id.clone(), l));
                        if found.len() >= limit {
                            return found;
                        }
                        break;
                    }
                }
            }
        }
        found
    }

    fn available_slots(&self, q: &SlotQueryIn) -> Outcome {
        if q.duration.is_some_and(|d| d < 0) {
            return err(invalid());
        }
        let (from, to) = match Model::window(Some(&q.from), Some(&q.to)) {
            Ok((Some(from), Some(to))) => (from, to),
            Ok(_) => return err(invalid()),
            Err(e) => return err(e),
        };
        if self.time_rules() && q.now.is_none() {
            return err(invalid_field("now"));
        }
        let Some(doctor) = self.doctor(&q.doctor) else {
            return err(fail(
                ErrorCode::DoctorNotFound,
                json!({ "doctorId": q.doctor }),
            ));
        };
        if let Some(location) = &q.location {
            if !doctor.locations.contains(location) {
                return err(fail(
                    ErrorCode::LocationNotServed,
                    json!({ "doctorId": q.doctor, "location": location }),
                ));
            }
        }
        let duration = q.duration.unwrap_or(self.default_duration);
        if duration == 0 || duration % self.slot != 0 {
            return err(fail(
                ErrorCode::OffGrid,
                json!({ "field": "durationMinutes", "slotMinutes": self.slot }),
            ));
        }
        let limit = q.limit.map_or(usize::MAX, |l| l as usize);
        let locations = |d: &MDoctor| match &q.location {
            Some(l) => vec![l.clone()],
            None => d.locations.clone(),
        };
        let slots: Vec<Value> = if limit == 0 {
            Vec::new()
        } else {
            self.free(&[doctor], &locations, (from, to), duration, q.now, limit)
                .into_iter()
                .map(|(t, _, _)| json!(self.cal.at(t)))
                .collect()
        };
        ok(Value::Array(slots), false)
    }

    fn find_slots(&self, q: &FindIn) -> Outcome {
        if q.duration.is_some_and(|d| d < 0) || q.limit.is_none() {
            return err(invalid());
        }
        let limit = q.limit.unwrap();
        if limit == 0 || limit > 1000 {
            return err(invalid_field("limit"));
        }
        let (from, to) = match Model::window(Some(&q.from), Some(&q.to)) {
            Ok((Some(from), Some(to))) => (from, to),
            Ok(_) => return err(invalid()),
            Err(e) => return err(e),
        };
        if to - from > MAX_FIND_DAYS * DAY {
            return err(invalid_field("to"));
        }
        if self.time_rules() && q.now.is_none() {
            return err(invalid_field("now"));
        }
        // The whole input is checked before any doctor is looked up.
        if let Some(ids) = &q.doctor_ids {
            if let Some(unknown) = ids.iter().find(|id| self.doctor(id).is_none()) {
                return err(fail(
                    ErrorCode::DoctorNotFound,
                    json!({ "doctorId": unknown }),
                ));
            }
        }
        let duration = q.duration.unwrap_or(self.default_duration);
        if duration == 0 || duration % self.slot != 0 {
            return err(fail(
                ErrorCode::OffGrid,
                json!({ "field": "durationMinutes", "slotMinutes": self.slot }),
            ));
        }
        let doctors: Vec<&MDoctor> = self
            .doctors
            .iter()
            .filter(|d| q.doctor_ids.as_ref().is_none_or(|ids| ids.contains(&d.id)))
            .filter(|d| q.location.as_ref().is_none_or(|l| d.locations.contains(l)))
            .collect();
        let locations = |d: &MDoctor| match &q.location {
            Some(l) => vec![l.clone()],
            None => d.locations.clone(),
        };
        let found: Vec<Value> = self
            .free(
                &doctors,
                &locations,
                (from, to),
                duration,
                q.now,
                limit as usize,
            )
            .into_iter()
            .map(|(t, d, l)| {
                let mut slot = json!({ "doctorId": d, "location": l, "start": self.cal.at(t) });
                if self.cal.zoned {
                    slot["startUtc"] = json!(self.cal.utc(t));
                }
                slot
            })
            .collect();
        ok(Value::Array(found), false)
    }

    fn explain(&self, e: &ExplainIn) -> Outcome {
        let valid = e.start.is_ok()
            && e.duration.is_none_or(|d| d >= 0)
            && e.patient.as_deref().is_none_or(|p| valid_text(p, 200));
        let Ok(start) = e.start else {
            return err(invalid());
        };
        if !valid {
            return err(invalid());
        }
        if self.time_rules() && e.now.is_none() {
            return err(invalid_field("now"));
        }
        let Some(doctor) = self.doctor(&e.doctor_id) else {
            return err(fail(
                ErrorCode::DoctorNotFound,
                json!({ "doctorId": e.doctor_id }),
            ));
        };
        let problems = self.problems(&Proposal {
            doctor,
            location: &e.location,
            start,
            duration: e.duration.unwrap_or(self.default_duration),
            patient: e.patient.as_deref(),
            now: e.now,
            moving: None,
        });
        let list: Vec<Value> = problems
            .into_iter()
            .map(|(code, details)| json!({ "code": code.as_str(), "details": details }))
            .collect();
        ok(Value::Array(list), false)
    }
}

// ===================================================================================
// Calls: what one step sends to both, resolved from a generated op and the model's state
// ===================================================================================

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeOpt {
    Absent,
    Cancel(bool),
    /// `{ cancelAppointments: "yes" }`: not a boolean.
    Bad,
}

impl ChangeOpt {
    fn json(self) -> Option<Value> {
        match self {
            ChangeOpt::Absent => None,
            ChangeOpt::Cancel(c) => Some(json!({ "cancelAppointments": c })),
            ChangeOpt::Bad => Some(json!({ "cancelAppointments": "yes" })),
        }
    }
}

#[derive(Debug, Clone)]
struct DoctorIn {
    id: Option<String>,
    name: String,
    locations: Vec<String>,
    schedule: Vec<Rule>,
    overrides: Vec<Override>,
    time_off: Vec<Off>,
    extra: bool,
}

#[derive(Debug, Clone)]
struct PatchIn {
    name: Option<String>,
    locations: Option<Vec<String>>,
    schedule: Option<Vec<Rule>>,
    overrides: Option<Vec<Override>>,
    time_off: Option<Vec<Off>>,
    extra: bool,
}

/// Notes sent with a call.
#[derive(Debug, Clone, PartialEq)]
enum NotesIn {
    Pool(usize),
    /// Long, to fill small budgets.
    Long,
    /// The longest allowed.
    Max,
    TooLong,
    /// A control character other than a line break or a tab.
    Control,
    /// Resolved to `Sized` notes that take the hospital to this many bytes past its budget.
    Exact(i64),
    /// This many bytes.
    Sized(usize),
}

impl NotesIn {
    fn text(&self) -> String {
        match self {
            NotesIn::Pool(i) => NOTES[*i].to_owned(),
            NotesIn::Long => "n".repeat(LONG_NOTES),
            NotesIn::Max => "é".repeat(MAX_NOTES / 2),
            NotesIn::TooLong => "n".repeat(MAX_NOTES + 1),
            NotesIn::Control => "bell\u{7}".into(),
            NotesIn::Sized(n) => "n".repeat(*n),
            NotesIn::Exact(_) => String::new(),
        }
    }

    fn valid(&self) -> bool {
        match self {
            NotesIn::TooLong | NotesIn::Control => false,
            NotesIn::Sized(n) => *n <= MAX_NOTES,
            _ => true,
        }
    }
}

/// Metadata sent with a call, and whether it is within the limits.
#[derive(Debug, Clone, PartialEq)]
struct MetaIn {
    value: Value,
    valid: bool,
}

impl MetaIn {
    fn of(i: usize) -> Self {
        let (value, valid) = match i % 6 {
            0 => (json!({ "visit": "follow-up" }), true),
            1 => (
                json!({ "n": [1, 2.5, null, true], "contact": { "phone": "+1 555", "sms": false } }),
                true,
            ),
            // Large, to fill small budgets.
            2 => (json!({ "blob": "y".repeat(3_000) }), true),
            3 => (json!({ "a": { "b": { "c": { "d": { "e": 1 } } } } }), false),
            4 => (json!(["not", "an", "object"]), false),
            _ => (json!({ "blob": "y".repeat(4_100) }), false),
        };
        MetaIn { value, valid }
    }

    fn valid(&self) -> bool {
        self.valid
    }
}

/// An `updateAppointment` patch: each field absent, `null` (`Some(None)`) or a value.
#[derive(Debug, Clone)]
struct UpdateIn {
    patient: Option<Option<String>>,
    notes: Option<Option<NotesIn>>,
    metadata: Option<Option<MetaIn>>,
    extra: bool,
}

/// A `book`, or a `hold` when `ttl` is set.
#[derive(Debug, Clone)]
struct BookCall {
    doctor_id: String,
    location: String,
    /// An instant, or a string that does not parse.
    start: Result<i64, &'static str>,
    duration: Option<i64>,
    patient: Option<String>,
    id: Option<String>,
    request_id: Option<String>,
    now: Option<i64>,
    ttl: Option<i64>,
    notes: Option<NotesIn>,
    metadata: Option<MetaIn>,
    extra: bool,
}

#[derive(Debug, Clone)]
struct RescheduleIn {
    start: Result<i64, &'static str>,
    location: Option<String>,
    duration: Option<i64>,
    now: Option<i64>,
    notes: Option<NotesIn>,
    metadata: Option<MetaIn>,
}

#[derive(Debug, Clone)]
struct BoundIn {
    text: String,
    /// The instant as a `from` (a date is its midnight); `None` if it does not parse.
    as_from: Option<i64>,
    /// The instant as a `to` (a date includes its whole day).
    as_to: Option<i64>,
}

#[derive(Debug, Clone)]
struct ApptQueryIn {
    doctor: String,
    from: Option<BoundIn>,
    to: Option<BoundIn>,
    status: Option<&'static str>,
    now: Option<i64>,
    limit: Option<i64>,
    after: Option<String>,
}

#[derive(Debug, Clone)]
struct FindApptIn {
    patient: Option<String>,
    location: Option<String>,
    doctor: Option<String>,
    from: Option<BoundIn>,
    to: Option<BoundIn>,
    status: Option<&'static str>,
    now: Option<i64>,
    limit: Option<i64>,
    after: Option<String>,
}

#[derive(Debug, Clone)]
struct HoursIn {
    doctor: String,
    from: BoundIn,
    to: BoundIn,
    location: Option<String>,
}

#[derive(Debug, Clone)]
struct SlotQueryIn {
    doctor: String,
    from: BoundIn,
    to: BoundIn,
    duration: Option<i64>,
    location: Option<String>,
    limit: Option<u32>,
    now: Option<i64>,
}

#[derive(Debug, Clone)]
struct FindIn {
    location: Option<String>,
    doctor_ids: Option<Vec<String>>,
    from: BoundIn,
    to: BoundIn,
    duration: Option<i64>,
    /// `None`: left out (it is required).
    limit: Option<u32>,
    now: Option<i64>,
}

#[derive(Debug, Clone)]
struct ExplainIn {
    doctor_id: String,
    location: String,
    start: Result<i64, &'static str>,
    duration: Option<i64>,
    patient: Option<String>,
    now: Option<i64>,
}

#[derive(Debug, Clone)]
enum Call {
    AddDoctor(DoctorIn),
    GetDoctor(String),
    UpdateDoctor(String, PatchIn, ChangeOpt),
    RemoveDoctor(String, ChangeOpt),
    Book(BookCall),
    Confirm(String, Option<i64>),
    Reschedule(String, RescheduleIn),
    Cancel(String, Option<String>),
    GetAppointment(String),
    Appointments(ApptQueryIn),
    UpdateAppointment(String, UpdateIn),
    FindAppointments(FindApptIn),
    /// A listing (`Appointments` or `FindAppointments` with a `limit`) walked page by page,
    /// each page starting after the last one of the page before, until one comes short: the
    /// result is every page, concatenated.
    Pages(Box<Call>),
    WorkingHours(HoursIn),
    SetActor(Option<String>),
    Slots(SlotQueryIn),
    FindSlots(FindIn),
    Explain(ExplainIn),
    Snapshot,
    /// The lagging replica catches up in one batch of change records, first with the record at
    /// this place (mod the batch's length) replaced by one that fails, in the way this kind
    /// says.
    Batch(usize, u8),
}

fn start_json(cal: &Cal, start: Result<i64, &'static str>) -> Value {
    match start {
        Ok(t) => json!(cal.at(t)),
        Err(text) => json!(text),
    }
}

/// Adds `key: value` to an object when the value is there.
fn put<T: Serialize>(m: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(v) = value {
        m.insert(key.into(), to_json(&v));
    }
}

impl BookCall {
    fn json(&self, cal: &Cal) -> Value {
        let mut m = Map::new();
        m.insert("doctorId".into(), json!(self.doctor_id));
        m.insert("location".into(), json!(self.location));
        m.insert("start".into(), start_json(cal, self.start));
        put(&mut m, "durationMinutes", self.duration);
        put(&mut m, "patient", self.patient.as_ref());
        put(&mut m, "id", self.id.as_ref());
        put(&mut m, "requestId", self.request_id.as_ref());
        put(&mut m, "now", self.now.map(|t| cal.at(t)));
        put(&mut m, "ttlMinutes", self.ttl);
        put(&mut m, "notes", self.notes.as_ref().map(NotesIn::text));
        put(&mut m, "metadata", self.metadata.as_ref().map(|m| &m.value));
        if self.extra {
            m.insert("when".into(), json!("now"));
        }
        Value::Object(m)
    }
}

impl ExplainIn {
    fn json(&self, cal: &Cal) -> Value {
        let mut m = Map::new();
        m.insert("doctorId".into(), json!(self.doctor_id));
        m.insert("location".into(), json!(self.location));
        m.insert("start".into(), start_json(cal, self.start));
        put(&mut m, "durationMinutes", self.duration);
        put(&mut m, "patient", self.patient.as_ref());
        put(&mut m, "now", self.now.map(|t| cal.at(t)));
        Value::Object(m)
    }
}

impl Call {
    /// The inputs as JSON, in the order of the call's arguments.
    fn args(&self, cal: &Cal) -> Vec<Value> {
        match self {
            Call::AddDoctor(d) => {
                let mut m = Map::new();
                put(&mut m, "id", d.id.as_ref());
                m.insert("name".into(), json!(d.name));
                m.insert("locations".into(), json!(d.locations));
                m.insert("schedule".into(), rules_json(&d.schedule));
                if !d.overrides.is_empty() {
                    m.insert("overrides".into(), overrides_json(cal, &d.overrides));
                }
                if !d.time_off.is_empty() {
                    m.insert("timeOff".into(), time_off_json(cal, &d.time_off));
                }
                if d.extra {
                    m.insert("email".into(), json!("ada@example.org"));
                }
                vec![Value::Object(m)]
            }
            Call::GetDoctor(id) | Call::GetAppointment(id) => vec![json!(id)],
            Call::UpdateDoctor(id, p, options) => {
                let mut m = Map::new();
                put(&mut m, "name", p.name.as_ref());
                put(&mut m, "locations", p.locations.as_ref());
                put(&mut m, "schedule", p.schedule.as_deref().map(rules_json));
                put(
                    &mut m,
                    "overrides",
                    p.overrides.as_deref().map(|o| overrides_json(cal, o)),
                );
                put(
                    &mut m,
                    "timeOff",
                    p.time_off.as_deref().map(|t| time_off_json(cal, t)),
                );
                if p.extra {
                    m.insert("id".into(), json!("d9"));
                }
                let mut args = vec![json!(id), Value::Object(m)];
                args.extend(options.json());
                args
            }
            Call::RemoveDoctor(id, options) => {
                let mut args = vec![json!(id)];
                args.extend(options.json());
                args
            }
            Call::Book(b) => vec![b.json(cal)],
            Call::Confirm(id, now) => {
                let mut m = Map::new();
                put(&mut m, "now", now.map(|t| cal.at(t)));
                vec![json!(id), Value::Object(m)]
            }
            Call::Reschedule(id, r) => {
                let mut m = Map::new();
                m.insert("start".into(), start_json(cal, r.start));
                put(&mut m, "location", r.location.as_ref());
                put(&mut m, "durationMinutes", r.duration);
                put(&mut m, "now", r.now.map(|t| cal.at(t)));
                put(&mut m, "notes", r.notes.as_ref().map(NotesIn::text));
                put(&mut m, "metadata", r.metadata.as_ref().map(|m| &m.value));
                vec![json!(id), Value::Object(m)]
            }
            Call::Cancel(id, reason) => {
                let mut args = vec![json!(id)];
                if let Some(r) = reason {
                    args.push(json!({ "reason": r }));
                }
                args
            }
            Call::Appointments(q) => {
                let mut m = Map::new();
                put(&mut m, "from", q.from.as_ref().map(|f| &f.text));
                put(&mut m, "to", q.to.as_ref().map(|t| &t.text));
                put(&mut m, "status", q.status);
                put(&mut m, "now", q.now.map(|t| cal.at(t)));
                put(&mut m, "limit", q.limit);
                put(&mut m, "after", q.after.as_ref());
                vec![json!(q.doctor), Value::Object(m)]
            }
            Call::UpdateAppointment(id, p) => {
                let mut m = Map::new();
                put(&mut m, "patient", p.patient.as_ref());
                put(
                    &mut m,
                    "notes",
                    p.notes.as_ref().map(|n| n.as_ref().map(NotesIn::text)),
                );
                put(
                    &mut m,
                    "metadata",
                    p.metadata.as_ref().map(|m| m.as_ref().map(|m| &m.value)),
                );
                if p.extra {
                    m.insert("status".into(), json!("booked"));
                }
                vec![json!(id), Value::Object(m)]
            }
            Call::FindAppointments(q) => {
                let mut m = Map::new();
                put(&mut m, "patient", q.patient.as_ref());
                put(&mut m, "location", q.location.as_ref());
                put(&mut m, "doctorId", q.doctor.as_ref());
                put(&mut m, "from", q.from.as_ref().map(|f| &f.text));
                put(&mut m, "to", q.to.as_ref().map(|t| &t.text));
                put(&mut m, "status", q.status);
                put(&mut m, "now", q.now.map(|t| cal.at(t)));
                put(&mut m, "limit", q.limit);
                put(&mut m, "after", q.after.as_ref());
                vec![Value::Object(m)]
            }
            Call::Pages(inner) => inner.args(cal),
            Call::WorkingHours(q) => {
                let mut m = Map::new();
                m.insert("from".into(), json!(q.from.text));
                m.insert("to".into(), json!(q.to.text));
                put(&mut m, "location", q.location.as_ref());
                vec![json!(q.doctor), Value::Object(m)]
            }
            Call::SetActor(actor) => vec![json!(actor)],
            Call::Batch(at, kind) => vec![json!(at), json!(kind)],
            Call::Slots(q) => {
                let mut m = Map::new();
                m.insert("from".into(), json!(q.from.text));
                m.insert("to".into(), json!(q.to.text));
                put(&mut m, "durationMinutes", q.duration);
                put(&mut m, "location", q.location.as_ref());
                put(&mut m, "limit", q.limit);
                put(&mut m, "now", q.now.map(|t| cal.at(t)));
                vec![json!(q.doctor), Value::Object(m)]
            }
            Call::FindSlots(q) => {
                let mut m = Map::new();
                put(&mut m, "location", q.location.as_ref());
                put(&mut m, "doctorIds", q.doctor_ids.as_ref());
                m.insert("from".into(), json!(q.from.text));
                m.insert("to".into(), json!(q.to.text));
                put(&mut m, "durationMinutes", q.duration);
                put(&mut m, "limit", q.limit);
                put(&mut m, "now", q.now.map(|t| cal.at(t)));
                vec![Value::Object(m)]
            }
            Call::Explain(e) => vec![e.json(cal)],
            Call::Snapshot => Vec::new(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Call::AddDoctor(_) => "addDoctor",
            Call::GetDoctor(_) => "getDoctor",
            Call::UpdateDoctor(..) => "updateDoctor",
            Call::RemoveDoctor(..) => "removeDoctor",
            Call::Book(b) if b.ttl.is_some() => "hold",
            Call::Book(_) => "book",
            Call::Confirm(..) => "confirm",
            Call::Reschedule(..) => "reschedule",
            Call::Cancel(..) => "cancel",
            Call::GetAppointment(_) => "getAppointment",
            Call::Appointments(_) => "appointments",
            Call::UpdateAppointment(..) => "updateAppointment",
            Call::FindAppointments(_) => "findAppointments",
            Call::Pages(inner) if matches!(**inner, Call::Appointments(_)) => {
                "appointments (page by page)"
            }
            Call::Pages(_) => "findAppointments (page by page)",
            Call::WorkingHours(_) => "workingHours",
            Call::SetActor(_) => "setActor",
            Call::Batch(..) => {
                "replica.applyChanges(one batch, with a failing record, then without)"
            }
            Call::Slots(_) => "availableSlots",
            Call::FindSlots(_) => "findSlots",
            Call::Explain(_) => "explain",
            Call::Snapshot => "h = Hospital.fromSnapshot(h.toSnapshot())",
        }
    }

    /// The call as JS would spell it, for failure reports.
    fn js(&self, cal: &Cal) -> String {
        if let Call::Snapshot = self {
            return self.name().to_owned();
        }
        let args: Vec<String> = self.args(cal).iter().map(Value::to_string).collect();
        format!("h.{}({})", self.name(), args.join(", "))
    }

    fn apply(&self, m: &mut Model) -> Outcome {
        match self {
            Call::AddDoctor(d) => m.add_doctor(d),
            Call::GetDoctor(id) => m.get_doctor(id),
            Call::UpdateDoctor(id, p, o) => m.update_doctor(id, p, *o),
            Call::RemoveDoctor(id, o) => m.remove_doctor(id, *o),
            Call::Book(b) => m.book(b),
            Call::Confirm(id, now) => m.confirm(id, *now),
            Call::Reschedule(id, r) => m.reschedule(id, r),
            Call::Cancel(id, r) => m.cancel(id, r),
            Call::GetAppointment(id) => m.get_appointment(id),
            Call::Appointments(q) => m.appointments(q),
            Call::UpdateAppointment(id, p) => m.update_appointment(id, p),
            Call::FindAppointments(q) => m.find_appointments(q),
            // The whole listing, as one call without a limit gives it.
            Call::Pages(inner) => match &**inner {
                Call::Appointments(q) => m.appointments(&ApptQueryIn {
                    limit: None,
                    ..q.clone()
                }),
                Call::FindAppointments(q) => m.find_appointments(&FindApptIn {
                    limit: None,
                    ..q.clone()
                }),
                other => panic!("no pages of {other:?}"),
            },
            Call::WorkingHours(q) => m.working_hours(q),
            Call::SetActor(actor) => m.set_actor(actor),
            Call::Batch(..) => ok(json!({ "unchanged": true, "caught up": true }), false),
            Call::Slots(q) => m.available_slots(q),
            Call::FindSlots(q) => m.find_slots(q),
            Call::Explain(e) => m.explain(e),
            Call::Snapshot => ok(json!({ "identical": true }), false),
        }
    }
}

// ===================================================================================
// The real hospital, driven the way the wasm binding drives it: inputs read from JSON
// ===================================================================================

fn to_json<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn read<T: dr_schedule::engine::ReadJson>(value: Value, name: &str) -> Result<T, Error> {
    read_input(value, name)
}

fn change_options(o: ChangeOpt) -> Result<ChangeOptions, Error> {
    o.json()
        .map_or(Ok(ChangeOptions::default()), |v| read(v, "options"))
}

/// `explain`'s items as the model writes them: the code and the details (the message is for
/// people).
fn problems_json(problems: &[Error]) -> Value {
    Value::Array(
        problems
            .iter()
            .map(|e| json!({ "code": e.code.as_str(), "details": to_json(&*e.details) }))
            .collect(),
    )
}

/// Makes the call on the real hospital (`replica`: the lagging replica of [`Call::Batch`]).
fn perform(
    h: &mut Hospital,
    call: &Call,
    cal: &Cal,
    replica: &mut Hospital,
) -> Result<Value, Error> {
    let mut args = call.args(cal).into_iter();
    let mut arg = || args.next().unwrap();
    match call {
        Call::AddDoctor(_) => {
            let doctor: NewDoctor = read(arg(), "doctor")?;
            h.add_doctor(doctor).map(to_json)
        }
        Call::GetDoctor(id) => h.get_doctor(id).map(to_json),
        Call::UpdateDoctor(id, _, o) => {
            arg();
            let patch: DoctorPatch = read(arg(), "patch")?;
            h.update_doctor(id, patch, change_options(*o)?).map(to_json)
        }
        Call::RemoveDoctor(id, o) => h
            .remove_doctor(id, change_options(*o)?)
            .map(|d| to_json(&d)),
        Call::Book(b) if b.ttl.is_some() => {
            let request: HoldRequest = read(arg(), "request")?;
            h.hold(request).map(|a| to_json(&a))
        }
        Call::Book(_) => {
            let request: BookRequest = read(arg(), "request")?;
            h.book(request).map(|a| to_json(&a))
        }
        Call::Confirm(id, _) => {
            arg();
            let options: ConfirmOptions = read(arg(), "options")?;
            h.confirm(id, options).map(|a| to_json(&a))
        }
        Call::Reschedule(id, _) => {
            arg();
            let request: RescheduleRequest = read(arg(), "request")?;
            h.reschedule(id, request).map(|a| to_json(&a))
        }
        Call::Cancel(id, reason) => {
            arg();
            let options: CancelOptions = match reason {
                Some(_) => read(arg(), "options")?,
                None => CancelOptions::default(),
            };
            h.cancel(id, options).map(|a| to_json(&a))
        }
        Call::GetAppointment(id) => h.get_appointment(id).map(|a| to_json(&a)),
        Call::Appointments(q) => {
            arg();
            let query: AppointmentQuery = read(arg(), "query")?;
            let list = h.appointments(&q.doctor, query)?;
            Ok(Value::Array(
                list.into_iter().map(|a| to_json(&a)).collect(),
            ))
        }
        Call::Slots(q) => {
            arg();
            let query: SlotQuery = read(arg(), "query")?;
            let slots = h.available_slots(&q.doctor, query)?;
            Ok(Value::Array(
                slots.iter().map(|s| json!(s.to_string())).collect(),
            ))
        }
        Call::FindSlots(_) => {
            let query: FindSlotsQuery = read(arg(), "query")?;
            h.find_slots(query).map(|found| to_json(&found))
        }
        Call::Explain(_) => {
            let request: ExplainRequest = read(arg(), "request")?;
            h.explain(request).map(|problems| problems_json(&problems))
        }
        Call::UpdateAppointment(id, _) => {
            arg();
            let patch: AppointmentPatch = read(arg(), "patch")?;
            h.update_appointment(id, patch).map(|a| to_json(&a))
        }
        Call::FindAppointments(_) => {
            let query: FindAppointmentsQuery = read(arg(), "query")?;
            let list = h.find_appointments(query)?;
            Ok(Value::Array(
                list.into_iter().map(|a| to_json(&a)).collect(),
            ))
        }
        Call::Pages(inner) => {
            let limit = match &**inner {
                Call::Appointments(q) => q.limit,
                Call::FindAppointments(q) => q.limit,
                _ => None,
            }
            .unwrap() as usize;
            let mut all: Vec<Value> = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let page = match &**inner {
                    Call::Appointments(q) => Call::Appointments(ApptQueryIn {
                        after: after.clone(),
                        ..q.clone()
                    }),
                    Call::FindAppointments(q) => Call::FindAppointments(FindApptIn {
                        after: after.clone(),
                        ..q.clone()
                    }),
                    other => panic!("no pages of {other:?}"),
                };
                let page = perform(h, &page, cal, replica)?;
                let items = page.as_array().unwrap();
                if items.len() > limit {
                    return Ok(
                        json!({ "problem": format!("a page of {} for a limit of {limit}", items.len()) }),
                    );
                }
                all.extend(items.iter().cloned());
                if items.len() < limit || all.len() > 10_000 {
                    break;
                }
                after = Some(items.last().unwrap()["id"].as_str().unwrap().to_owned());
            }
            Ok(Value::Array(all))
        }
        Call::WorkingHours(q) => {
            arg();
            let query: WorkingHoursQuery = read(arg(), "query")?;
            h.working_hours(&q.doctor, query).map(|b| to_json(&b))
        }
        Call::SetActor(actor) => h.set_actor(actor.as_deref()).map(|()| json!(null)),
        Call::Snapshot => {
            let text = h.to_snapshot()?;
            let restored = Hospital::from_snapshot_in(&text, &time_zones())?;
            let identical =
                restored.to_snapshot()? == text && restored.snapshot_bytes() == h.snapshot_bytes();
            // A restored hospital keeps the options, not who was making the changes.
            let mut restored = restored;
            restored.set_actor(h.actor())?;
            *h = restored;
            Ok(json!({ "identical": identical }))
        }
        Call::Batch(at, kind) => Ok(match check_batch(h, replica, *at, *kind) {
            Ok(()) => json!({ "unchanged": true, "caught up": true }),
            Err(problem) => json!({ "problem": problem }),
        }),
    }
}

/// Brings `replica` (a hospital behind `h`) up to `h`'s revision in one `apply_changes` of the
/// change records it lacks, read from their JSON text as a host stores them. First, with two
/// records or more, the same batch with the record at `at` (never the first) replaced by one
/// that fails (`kind`: a revision out of order, or an unknown appointment or doctor) must fail
/// and leave the replica exactly as it was: its snapshot, revision, size, change log and actor.
fn check_batch(h: &Hospital, replica: &mut Hospital, at: usize, kind: u8) -> Result<(), String> {
    use dr_schedule::engine::ChangeOp;
    let base = replica.revision();
    let text = h
        .changes_since_json(base)
        .map_err(|e| format!("changesSince({base}): {e}"))?;
    let changes: Vec<Change> = dr_schedule::engine::read_json(text.as_bytes(), "changes")
        .map_err(|e| format!("records do not read back: {e}"))?;
    if changes.len() >= 2 {
        let i = 1 + at % (changes.len() - 1);
        let mut broken = changes.clone();
        let revision = broken[i].revision;
        broken[i] = match kind % 4 {
            0 => Change {
                revision: revision + 1,
                ..broken[i].clone()
            },
            1 => Change {
                revision,
                actor: None,
                op: ChangeOp::Cancel {
                    id: "zz-missing".into(),
                    reason: None,
                    now: None,
                },
            },
            2 => Change {
                revision,
                actor: Some("intruder".into()),
                op: ChangeOp::RemoveDoctor {
                    id: "nobody".into(),
                    cancel_appointments: true,
                },
            },
            _ => Change {
                revision,
                actor: None,
                op: ChangeOp::UpdateAppointment {
                    id: "zz-missing".into(),
                    patient: Some(None),
                    notes: None,
                    metadata: None,
                },
            },
        };
        let snapshot = replica.to_snapshot().unwrap();
        let size = replica.snapshot_bytes();
        let log = replica.changes_since_json(0).unwrap();
        let actor = replica.actor().map(str::to_owned);
        match replica.apply_changes(broken) {
            Ok(r) => {
                return Err(format!(
                    "a batch with a bad record {i} applied (revision {r})"
                ))
            }
            // The message names the record (details.field too, for an error with a field).
            Err(e) if e.message.starts_with(&format!("changes[{i}]: ")) => {}
            Err(e) => return Err(format!("a batch failing at record {i} failed with: {e}")),
        }
        if replica.revision() != base
            || replica.to_snapshot().unwrap() != snapshot
            || replica.snapshot_bytes() != size
            || replica.changes_since_json(0).unwrap() != log
            || replica.actor().map(str::to_owned) != actor
        {
            return Err(format!(
                "a batch of {} records that failed at record {i} changed the replica",
                changes.len()
            ));
        }
    }
    replica
        .apply_changes(changes)
        .map_err(|e| format!("the batch since revision {base} failed: {e}"))?;
    if replica.to_snapshot().unwrap() != h.to_snapshot().unwrap()
        || replica.snapshot_bytes() != h.snapshot_bytes()
    {
        return Err(format!(
            "the batch since revision {base} did not rebuild the hospital"
        ));
    }
    if replica.changes_since_json(base).unwrap() != text {
        return Err("the replica's change records differ from the hospital's".into());
    }
    Ok(())
}

// ===================================================================================
// Generated operations (resolved against the model's state when they run, so that they keep
// meaning something while proptest shrinks the sequence)
// ===================================================================================

#[derive(Debug, Clone)]
enum NameGen {
    Valid(usize),
    Empty,
    Blank,
    Control,
    TooLong,
}

#[derive(Debug, Clone)]
enum LocsGen {
    /// Indices into LOCATIONS, distinct, in any order.
    Valid(Vec<usize>),
    Empty,
    Blank,
    Duplicate,
}

/// The `locations` of a rule or block.
#[derive(Debug, Clone)]
enum WhereGen {
    Everywhere,
    /// Indices into the doctor's locations (mod their number; repeats are dropped).
    Some(Vec<usize>),
    Empty,
    Repeated,
    /// One the doctor does not have.
    Stranger,
}

#[derive(Debug, Clone)]
enum RuleGen {
    /// Days (indices, distinct, any order), two indices into RULE_POINTS (start < end), where.
    Valid(Vec<usize>, usize, usize, WhereGen),
    NoDays,
    RepeatedDay,
    /// start >= end (indices into RULE_POINTS).
    NotAfter(usize, usize),
    BadTime,
    BadDay,
}

#[derive(Debug, Clone)]
enum DayGen {
    /// A day of the weeks where appointments are booked.
    Day(i64),
    /// The day of an appointment (as in [`StartGen::Near`]).
    OfAppointment(usize),
    /// The date of the override before (not allowed).
    Repeat,
}

#[derive(Debug, Clone)]
struct OverrideGen {
    day: DayGen,
    /// Blocks as (start, end, where); empty: closed. `start >= end` is not allowed.
    hours: Vec<(usize, usize, WhereGen)>,
}

#[derive(Debug, Clone)]
enum OffGen {
    /// From a day and quarter hour, for a number of quarter hours (a few, or days).
    At {
        day: i64,
        quarter: i64,
        quarters: i64,
    },
    /// From `delta` quarter hours after the start of an appointment.
    Near {
        appointment: usize,
        delta: i64,
        quarters: i64,
    },
    /// Ends before it starts.
    Backwards,
}

#[derive(Debug, Clone)]
enum ReasonGen {
    None,
    Some(usize),
    Blank,
}

#[derive(Debug, Clone)]
enum IdGen {
    Pool(usize),
    Bad,
}

#[derive(Debug, Clone)]
enum DocRef {
    /// The n-th doctor the model has (mod their number).
    Existing(usize),
    /// The doctor of the n-th appointment, if there is any.
    OfAppointment(usize),
    /// The k-th doctor (mod their number) other than that of the n-th appointment (of
    /// anyone's, as in [`StartGen::NearAny`]), if there is one.
    NotOfAppointment(usize, usize),
    Pool(usize),
    Unknown,
}

#[derive(Debug, Clone)]
enum ApptRef {
    Existing(usize),
    /// The n-th booked or held appointment, if any is.
    Active(usize),
    /// The n-th appointment that is a hold, if any is.
    Held(usize),
    /// The n-th hold that expired (lapsed, and kept as history), if any did.
    Expired(usize),
    Pool(usize),
    Unknown,
}

#[derive(Debug, Clone)]
enum LocRef {
    /// One of the doctor's own locations.
    OfDoctor(usize),
    Pool(usize),
    Unknown,
}

#[derive(Debug, Clone)]
enum StartGen {
    /// On a day one of the doctor's rules names, `step` slots after the rule starts.
    InHours {
        rule: usize,
        day: usize,
        week: i64,
        step: u32,
    },
    /// `step` slots into a block of one of the doctor's overrides.
    InOverride {
        index: usize,
        block: usize,
        step: u32,
    },
    /// `delta` slots from the start of an existing appointment (the n-th of the doctor's, mod
    /// their number, or of all if the doctor has none): touching and overlapping requests.
    Near {
        appointment: usize,
        delta: i64,
    },
    /// `delta` slots from the start of the n-th appointment of anyone: another doctor's, for
    /// the patient-overlap rule.
    NearAny {
        appointment: usize,
        delta: i64,
    },
    /// `delta` slots from the end of one of the doctor's time off ranges (the n-th, mod their
    /// number).
    TimeOffEnd {
        index: usize,
        delta: i64,
    },
    /// `delta` slots from the earliest start the notice allows now (from now itself without
    /// one), on the grid.
    FromNow(i64),
    /// `delta` slots from the latest start the horizon allows now (a day without one).
    Horizon(i64),
    Grid {
        day: i64,
        quarter: i64,
    },
    Any {
        day: i64,
        minute: i64,
    },
    Bad(usize),
}

#[derive(Debug, Clone)]
enum PatientGen {
    None,
    Pool(usize),
    /// The patient of the appointment the start was taken from (`p1` if it has none).
    OfStart,
    Blank,
}

#[derive(Debug, Clone)]
enum RequestGen {
    None,
    Pool(usize),
    Blank,
}

/// A step of the `now` cursor (index into NOW_STEPS, or SNAP_STEP), or no `now`.
type NowGen = Option<usize>;

#[derive(Debug, Clone)]
struct BookGen {
    doctor: DocRef,
    location: LocRef,
    start: StartGen,
    /// Index into DURATIONS, or the default.
    duration: Option<usize>,
    patient: PatientGen,
    id: Option<IdGen>,
    request_id: RequestGen,
    now: NowGen,
    /// A hold, for TTLS[i] minutes.
    ttl: Option<usize>,
    notes: Option<NotesIn>,
    /// Index of [`MetaIn::of`].
    metadata: Option<usize>,
    extra: bool,
    /// At a location where the rule or block the start comes from applies.
    fit: bool,
}

#[derive(Debug, Clone)]
enum Mutation {
    Doctor(DocRef),
    Location(LocRef),
    Start(StartGen),
    Duration(Option<usize>),
    /// Names the default duration explicitly: the same request as leaving it out.
    ExplicitDefaultDuration,
    Patient(PatientGen),
    Id(Option<IdGen>),
    Request(RequestGen),
    /// The current `now` instead of the one it was sent with.
    Now,
    /// A book becomes a hold (for TTLS[i] minutes), a hold a book.
    Kind(Option<usize>),
    /// Other notes: still the same request (rule 0 compares what is booked, not notes).
    Notes(Option<NotesIn>),
}

#[derive(Debug, Clone)]
enum BoundKind {
    Date,
    At(i64),
    /// `delta` quarter hours from the start of an appointment (as in [`StartGen::Near`]),
    /// whatever the day.
    Near(usize, i64),
    /// `delta` quarter hours from the `now` cursor, whatever the day.
    Now(i64),
    Bad(usize),
}

#[derive(Debug, Clone)]
enum StatusGen {
    Default,
    Active,
    Booked,
    Held,
    Cancelled,
    Expired,
    All,
    Bad,
}

/// A patient to look appointments up by.
#[derive(Debug, Clone)]
enum WhoGen {
    Pool(usize),
    /// The patient of the n-th appointment (`p1` if it has none).
    OfAppointment(usize),
    Blank,
    Nobody,
}

/// The `limit` of a listing.
#[derive(Debug, Clone)]
enum PageGen {
    Valid(u32),
    Zero,
    TooMany,
}

/// An actor for `setActor`.
#[derive(Debug, Clone)]
enum ActorGen {
    None,
    Pool(usize),
    Blank,
    TooLong,
}

#[derive(Debug, Clone)]
enum RescheduleStart {
    /// `delta` slots from its own start (0: where it is).
    Own(i64),
    /// `delta` slots from the start of another appointment of its patient (of the n-th, mod
    /// their number), if there is one: the patient-overlap rule.
    Patient(usize, i64),
    Other(StartGen),
}

#[derive(Debug, Clone)]
enum LimitGen {
    Valid(u32),
    Zero,
    TooMany,
    Missing,
}

#[derive(Debug, Clone)]
enum Op {
    AddDoctor {
        id: Option<IdGen>,
        name: NameGen,
        locations: LocsGen,
        schedule: Vec<RuleGen>,
        overrides: Vec<OverrideGen>,
        time_off: Vec<(OffGen, ReasonGen)>,
        extra: bool,
    },
    GetDoctor(DocRef),
    UpdateDoctor {
        doctor: DocRef,
        name: Option<NameGen>,
        locations: Option<LocsGen>,
        schedule: Option<Vec<RuleGen>>,
        overrides: Option<Vec<OverrideGen>>,
        time_off: Option<Vec<(OffGen, ReasonGen)>>,
        extra: bool,
        options: ChangeOpt,
    },
    RemoveDoctor(DocRef, ChangeOpt),
    Book(BookGen),
    /// Sends the n-th earlier `book` or `hold` request again (mod their number), maybe
    /// changed. (With `true`, only among those that succeeded, if any did.)
    BookAgain(usize, bool, Option<Mutation>),
    Confirm(ApptRef, NowGen),
    Reschedule {
        appointment: ApptRef,
        start: RescheduleStart,
        location: Option<LocRef>,
        duration: Option<usize>,
        now: NowGen,
        notes: Option<NotesIn>,
        metadata: Option<usize>,
    },
    Cancel(ApptRef, Option<Option<usize>>),
    GetAppointment(ApptRef),
    Appointments {
        doctor: DocRef,
        from: Option<(i64, BoundKind)>,
        /// Days after `from`'s day (day 0 without a `from`).
        to: Option<(i64, BoundKind)>,
        status: StatusGen,
        now: NowGen,
        limit: Option<PageGen>,
        after: Option<ApptRef>,
    },
    UpdateAppointment {
        appointment: ApptRef,
        patient: Option<Option<PatientGen>>,
        notes: Option<Option<NotesIn>>,
        metadata: Option<Option<usize>>,
        extra: bool,
    },
    FindAppointments {
        patient: Option<WhoGen>,
        location: Option<LocRef>,
        doctor: Option<DocRef>,
        from: Option<(i64, BoundKind)>,
        to: Option<(i64, BoundKind)>,
        status: StatusGen,
        now: NowGen,
        limit: Option<PageGen>,
        after: Option<ApptRef>,
    },
    /// An `Appointments` or `FindAppointments` walked page by page, `limit` at a time.
    Pages(Box<Op>, u32),
    WorkingHours {
        doctor: DocRef,
        from: (i64, BoundKind),
        /// Days from `from`'s date to `to`'s.
        span: i64,
        location: Option<LocRef>,
    },
    SetActor(ActorGen),
    /// The lagging replica catches up in one batch (see [`Call::Batch`]).
    Batch(usize, u8),
    /// Adds a doctor with this many days of time off with long reasons, far in the future:
    /// about 570 bytes each, to bring a hospital with a small budget near its limit.
    Ballast(usize),
    Slots {
        doctor: DocRef,
        from: (i64, BoundKind),
        /// Days after `from`'s day.
        to: (i64, BoundKind),
        duration: Option<usize>,
        location: Option<LocRef>,
        limit: Option<u32>,
        now: NowGen,
    },
    FindSlots {
        location: Option<LocRef>,
        doctors: Option<Vec<DocRef>>,
        from: (i64, BoundKind),
        /// Days after `from`'s day: mostly a few, sometimes about the widest window.
        to: (i64, BoundKind),
        duration: Option<usize>,
        limit: LimitGen,
        now: NowGen,
    },
    Explain {
        doctor: DocRef,
        location: LocRef,
        start: StartGen,
        duration: Option<usize>,
        patient: PatientGen,
        now: NowGen,
    },
    Snapshot,
}

impl Op {
    /// How the op moves the `now` cursor: `Some(None)` if it takes a `now` but sends none.
    fn now(&self) -> Option<NowGen> {
        match self {
            Op::Book(b) => Some(b.now),
            Op::Confirm(_, now)
            | Op::Reschedule { now, .. }
            | Op::Appointments { now, .. }
            | Op::FindAppointments { now, .. }
            | Op::Slots { now, .. }
            | Op::FindSlots { now, .. }
            | Op::Explain { now, .. } => Some(*now),
            Op::Pages(inner, _) => inner.now(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Case {
    slot: i64,
    /// Default duration in slots; `None`: not given.
    default_slots: Option<i64>,
    time_zone: bool,
    /// Indices into NOTICES and HORIZONS.
    notice: Option<usize>,
    horizon: Option<usize>,
    prevent_patient_overlap: bool,
    /// `maxSnapshotBytes`: an index into BUDGETS, or the default.
    budget: Option<usize>,
    /// Index into NOW_STARTS.
    now_start: usize,
    base: usize,
    weeks: i64,
    ops: Vec<Op>,
}

fn name_gen() -> impl Strategy<Value = NameGen> {
    prop_oneof![
        80 => (0..NAMES.len()).prop_map(NameGen::Valid),
        1 => Just(NameGen::Empty),
        1 => Just(NameGen::Blank),
        1 => Just(NameGen::Control),
        1 => Just(NameGen::TooLong),
    ]
}

fn locs_gen() -> impl Strategy<Value = LocsGen> {
    prop_oneof![
        80 => subsequence(vec![0, 1, 2], 1..=3).prop_shuffle().prop_map(LocsGen::Valid),
        1 => Just(LocsGen::Empty),
        1 => Just(LocsGen::Blank),
        1 => Just(LocsGen::Duplicate),
    ]
}

fn where_gen() -> impl Strategy<Value = WhereGen> {
    prop_oneof![
        60 => Just(WhereGen::Everywhere),
        40 => proptest::collection::vec(0..3usize, 1..=2).prop_map(WhereGen::Some),
        1 => Just(WhereGen::Empty),
        1 => Just(WhereGen::Repeated),
        2 => Just(WhereGen::Stranger),
    ]
}

fn rule_gen() -> impl Strategy<Value = RuleGen> {
    let n = RULE_POINTS.len();
    let days = subsequence((0..7).collect::<Vec<usize>>(), 1..=7).prop_shuffle();
    prop_oneof![
        150 => (days, 0..n - 1, 1..n, where_gen())
            .prop_map(move |(days, a, len, w)| RuleGen::Valid(days, a, (a + len).min(n - 1), w)),
        1 => Just(RuleGen::NoDays),
        1 => Just(RuleGen::RepeatedDay),
        1 => (0..n, 0..n).prop_map(|(a, b)| RuleGen::NotAfter(a.max(b), a.min(b))),
        1 => Just(RuleGen::BadTime),
        1 => Just(RuleGen::BadDay),
    ]
}

fn schedule_gen() -> impl Strategy<Value = Vec<RuleGen>> {
    prop_oneof![
        1 => Just(Vec::new()),
        12 => proptest::collection::vec(rule_gen(), 1..=3),
    ]
}

fn override_gen() -> impl Strategy<Value = OverrideGen> {
    let n = RULE_POINTS.len();
    let block = prop_oneof![
        40 => (0..n - 1, 1..n, where_gen()).prop_map(move |(a, len, w)| (a, (a + len).min(n - 1), w)),
        1 => (0..n, 0..n).prop_map(|(a, b)| (a.max(b), a.min(b), WhereGen::Everywhere)),
    ];
    (
        prop_oneof![
            6 => (0..14i64).prop_map(DayGen::Day),
            6 => any::<usize>().prop_map(DayGen::OfAppointment),
            1 => Just(DayGen::Repeat),
        ],
        prop_oneof![
            1 => Just(Vec::new()),
            3 => proptest::collection::vec(block, 1..=2),
        ],
    )
        .prop_map(|(day, hours)| OverrideGen { day, hours })
}

fn overrides_gen() -> impl Strategy<Value = Vec<OverrideGen>> {
    prop_oneof![
        3 => Just(Vec::new()),
        2 => proptest::collection::vec(override_gen(), 1..=2),
    ]
}

fn time_off_gen() -> impl Strategy<Value = Vec<(OffGen, ReasonGen)>> {
    let off = prop_oneof![
        6 => (0..14i64, 0..96i64, prop_oneof![4 => 1..16i64, 1 => 90..300i64])
            .prop_map(|(day, quarter, quarters)| OffGen::At { day, quarter, quarters }),
        6 => (any::<usize>(), -4..=4i64, 1..8i64)
            .prop_map(|(appointment, delta, quarters)| OffGen::Near { appointment, delta, quarters }),
        1 => Just(OffGen::Backwards),
    ];
    let reason = prop_oneof![
        10 => Just(ReasonGen::None),
        10 => (0..REASONS.len()).prop_map(ReasonGen::Some),
        1 => Just(ReasonGen::Blank),
    ];
    prop_oneof![
        3 => Just(Vec::new()),
        2 => proptest::collection::vec((off, reason), 1..=2),
    ]
}

fn id_gen(pool: usize) -> impl Strategy<Value = Option<IdGen>> {
    prop_oneof![
        24 => Just(None),
        16 => (0..pool).prop_map(|i| Some(IdGen::Pool(i))),
        1 => Just(Some(IdGen::Bad)),
    ]
}

fn doc_ref() -> impl Strategy<Value = DocRef> {
    prop_oneof![
        20 => any::<usize>().prop_map(DocRef::Existing),
        8 => any::<usize>().prop_map(DocRef::OfAppointment),
        3 => (0..DOCTOR_IDS.len()).prop_map(DocRef::Pool),
        1 => Just(DocRef::Unknown),
    ]
}

fn appt_ref() -> impl Strategy<Value = ApptRef> {
    prop_oneof![
        12 => any::<usize>().prop_map(ApptRef::Existing),
        12 => any::<usize>().prop_map(ApptRef::Active),
        8 => any::<usize>().prop_map(ApptRef::Held),
        2 => any::<usize>().prop_map(ApptRef::Expired),
        3 => (0..APPOINTMENT_IDS.len()).prop_map(ApptRef::Pool),
        1 => Just(ApptRef::Unknown),
    ]
}

fn loc_ref() -> impl Strategy<Value = LocRef> {
    prop_oneof![
        12 => any::<usize>().prop_map(LocRef::OfDoctor),
        3 => (0..LOCATIONS.len()).prop_map(LocRef::Pool),
        1 => Just(LocRef::Unknown),
    ]
}

fn start_gen() -> impl Strategy<Value = StartGen> {
    prop_oneof![
        20 => (any::<usize>(), any::<usize>(), 0..2i64, 0..8u32)
            .prop_map(|(rule, day, week, step)| StartGen::InHours { rule, day, week, step }),
        6 => (any::<usize>(), any::<usize>(), 0..6u32)
            .prop_map(|(index, block, step)| StartGen::InOverride { index, block, step }),
        16 => (any::<usize>(), -2..=2i64)
            .prop_map(|(appointment, delta)| StartGen::Near { appointment, delta }),
        6 => (any::<usize>(), -2..=2i64)
            .prop_map(|(appointment, delta)| StartGen::NearAny { appointment, delta }),
        3 => (any::<usize>(), -2..=1i64)
            .prop_map(|(index, delta)| StartGen::TimeOffEnd { index, delta }),
        3 => (-3..=3i64).prop_map(StartGen::FromNow),
        2 => (-2..=2i64).prop_map(StartGen::Horizon),
        4 => (0..14i64, 0..96i64).prop_map(|(day, quarter)| StartGen::Grid { day, quarter }),
        1 => (0..14i64, 0..1440i64).prop_map(|(day, minute)| StartGen::Any { day, minute }),
        1 => (0..BAD_STARTS.len()).prop_map(StartGen::Bad),
    ]
    .boxed()
}

fn duration_gen() -> impl Strategy<Value = Option<usize>> {
    prop_oneof![
        7 => Just(None),
        3 => (0..DURATIONS.len()).prop_map(Some),
    ]
}

fn patient_gen() -> impl Strategy<Value = PatientGen> {
    prop_oneof![
        32 => Just(PatientGen::None),
        24 => (0..PATIENTS.len()).prop_map(PatientGen::Pool),
        12 => Just(PatientGen::OfStart),
        1 => Just(PatientGen::Blank),
    ]
}

fn request_gen() -> impl Strategy<Value = RequestGen> {
    prop_oneof![
        16 => Just(RequestGen::None),
        16 => (0..REQUEST_IDS.len()).prop_map(RequestGen::Pool),
        1 => Just(RequestGen::Blank),
    ]
}

/// Notes: mostly short ones, some long enough to fill small budgets, rarely ones not allowed.
fn notes_gen() -> impl Strategy<Value = NotesIn> {
    prop_oneof![
        12 => (0..NOTES.len()).prop_map(NotesIn::Pool),
        4 => Just(NotesIn::Long),
        2 => Just(NotesIn::Max),
        1 => Just(NotesIn::TooLong),
        1 => Just(NotesIn::Control),
        6 => (-1..=1i64).prop_map(NotesIn::Exact),
    ]
}

/// Metadata (an index of [`MetaIn::of`]): mostly small, some large, rarely not allowed.
fn metadata_gen() -> impl Strategy<Value = usize> {
    prop_oneof![
        10 => 0..2usize,
        4 => Just(2usize),
        1 => 3..6usize,
    ]
}

fn page_gen() -> impl Strategy<Value = PageGen> {
    prop_oneof![
        20 => (1..=4u32).prop_map(PageGen::Valid),
        1 => Just(PageGen::Zero),
        1 => Just(PageGen::TooMany),
    ]
}

fn status_gen() -> impl Strategy<Value = StatusGen> {
    prop_oneof![
        6 => Just(StatusGen::Default),
        3 => Just(StatusGen::Active),
        3 => Just(StatusGen::Booked),
        4 => Just(StatusGen::Held),
        3 => Just(StatusGen::Cancelled),
        3 => Just(StatusGen::Expired),
        6 => Just(StatusGen::All),
        1 => Just(StatusGen::Bad),
    ]
}

/// Mostly small steps forward, sometimes none or back; rarely no `now` at all.
fn now_gen() -> impl Strategy<Value = NowGen> {
    prop_oneof![
        1 => Just(None),
        12 => (0..NOW_STEPS.len()).prop_map(Some),
        4 => Just(Some(SNAP_STEP)),
    ]
}

/// Mostly a valid hold length, rarely one out of range.
fn ttl_gen() -> impl Strategy<Value = usize> {
    prop_oneof![
        30 => 0..TTLS.len() - 3,
        1 => Just(TTLS.len() - 3),
        1 => TTLS.len() - 2..TTLS.len(),
    ]
}

fn book_gen() -> impl Strategy<Value = BookGen> {
    (
        (doc_ref(), loc_ref(), start_gen(), duration_gen()),
        (
            patient_gen(),
            id_gen(APPOINTMENT_IDS.len()),
            request_gen(),
            prop_oneof![1 => Just(None), 6 => now_gen()],
            prop::option::weighted(0.3, ttl_gen()),
            prop::bool::weighted(0.01),
            prop::option::weighted(0.3, notes_gen()),
            prop::option::weighted(0.2, metadata_gen()),
        ),
    )
        .prop_map(
            |(
                (doctor, location, start, duration),
                (patient, id, request_id, now, ttl, extra, notes, metadata),
            )| {
                BookGen {
                    doctor,
                    location,
                    start,
                    duration,
                    patient,
                    id,
                    request_id,
                    // A hold always sends a `now` (`BookAgain` may turn a book without one into
                    // a hold).
                    now: match (ttl, now) {
                        (Some(_), None) => Some(0),
                        _ => now,
                    },
                    ttl,
                    notes,
                    metadata,
                    extra,
                    fit: false,
                }
            },
        )
}

/// A booking likely to succeed, or to meet only another appointment or a time rule: a doctor
/// who has some, a start in their hours (or at someone's appointment), where those hours apply.
fn plausible_book_gen() -> impl Strategy<Value = BookGen> {
    (
        prop_oneof![
            2 => any::<usize>().prop_map(DocRef::Existing),
            1 => any::<usize>().prop_map(DocRef::OfAppointment),
        ],
        any::<usize>(),
        prop_oneof![
            6 => (any::<usize>(), any::<usize>(), 0..2i64, 0..8u32)
                .prop_map(|(rule, day, week, step)| StartGen::InHours { rule, day, week, step }),
            2 => (any::<usize>(), any::<usize>(), 0..6u32)
                .prop_map(|(index, block, step)| StartGen::InOverride { index, block, step }),
            3 => (any::<usize>(), -1..=1i64)
                .prop_map(|(appointment, delta)| StartGen::NearAny { appointment, delta }),
            1 => (any::<usize>(), -2..=1i64)
                .prop_map(|(index, delta)| StartGen::TimeOffEnd { index, delta }),
            1 => (-1..=1i64).prop_map(StartGen::FromNow),
            1 => (-1..=1i64).prop_map(StartGen::Horizon),
        ],
        prop_oneof![3 => Just(None), 1 => Just(Some(0usize)), 1 => Just(Some(1usize))],
        prop_oneof![
            2 => Just(PatientGen::None),
            1 => (0..PATIENTS.len()).prop_map(PatientGen::Pool),
            3 => Just(PatientGen::OfStart),
        ],
        prop_oneof![2 => Just(RequestGen::None), 1 => (0..REQUEST_IDS.len()).prop_map(RequestGen::Pool)],
        (0..NOW_STEPS.len()).prop_map(Some),
        prop::option::weighted(0.4, 0..TTLS.len() - 3),
        (
            prop::option::weighted(0.3, notes_gen()),
            prop::option::weighted(0.2, metadata_gen()),
        ),
    )
        .prop_map(
            |(doctor, location, start, duration, patient, request_id, now, ttl, (notes, metadata))| BookGen {
                // Someone else at someone's time: the patient-overlap rule.
                doctor: match (&start, &patient, &doctor) {
                    (StartGen::NearAny { appointment, .. }, PatientGen::OfStart, DocRef::Existing(k)) => {
                        DocRef::NotOfAppointment(*appointment, *k)
                    }
                    _ => doctor,
                },
                location: LocRef::OfDoctor(location),
                start,
                duration,
                patient,
                id: None,
                request_id,
                now,
                ttl,
                notes,
                metadata,
                extra: false,
                fit: true,
            },
        )
}

fn mutation_gen() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        doc_ref().prop_map(Mutation::Doctor),
        loc_ref().prop_map(Mutation::Location),
        start_gen().prop_map(Mutation::Start),
        duration_gen().prop_map(Mutation::Duration),
        Just(Mutation::ExplicitDefaultDuration),
        patient_gen().prop_map(Mutation::Patient),
        id_gen(APPOINTMENT_IDS.len()).prop_map(Mutation::Id),
        request_gen().prop_map(Mutation::Request),
        Just(Mutation::Now),
        prop::option::of(ttl_gen()).prop_map(Mutation::Kind),
        prop::option::of(notes_gen()).prop_map(Mutation::Notes),
    ]
}

fn bound_kind() -> impl Strategy<Value = BoundKind> {
    prop_oneof![
        6 => Just(BoundKind::Date),
        6 => (0..96i64).prop_map(|q| BoundKind::At(q * 15)),
        10 => (any::<usize>(), -4..=4i64).prop_map(|(i, q)| BoundKind::Near(i, q)),
        2 => (-4..=8i64).prop_map(BoundKind::Now),
        1 => (0..1440i64).prop_map(BoundKind::At),
        1 => (0..BAD_BOUNDS.len()).prop_map(BoundKind::Bad),
    ]
}

fn change_opt() -> impl Strategy<Value = ChangeOpt> {
    prop_oneof![
        4 => Just(ChangeOpt::Absent),
        2 => Just(ChangeOpt::Cancel(false)),
        4 => Just(ChangeOpt::Cancel(true)),
        1 => Just(ChangeOpt::Bad),
    ]
}

fn op_gen() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (
            (id_gen(DOCTOR_IDS.len()), name_gen(), locs_gen()),
            (schedule_gen(), overrides_gen(), time_off_gen(), prop::bool::weighted(0.02)),
        )
            .prop_map(|((id, name, locations), (schedule, overrides, time_off, extra))| Op::AddDoctor {
                id,
                name,
                locations,
                schedule,
                overrides,
                time_off,
                extra,
            }),
        2 => doc_ref().prop_map(Op::GetDoctor),
        7 => (
            (doc_ref(), prop::option::weighted(0.2, name_gen()), prop::option::weighted(0.3, locs_gen())),
            (
                prop::option::weighted(0.3, schedule_gen()),
                prop::option::weighted(0.3, overrides_gen()),
                prop::option::weighted(0.3, time_off_gen()),
            ),
            (prop::bool::weighted(0.02), change_opt()),
        )
            .prop_map(|((doctor, name, locations), (schedule, overrides, time_off), (extra, options))| {
                Op::UpdateDoctor {
                    doctor,
                    name,
                    locations,
                    schedule,
                    overrides,
                    time_off,
                    extra,
                    options,
                }
            }),
        3 => (doc_ref(), change_opt()).prop_map(|(d, o)| Op::RemoveDoctor(d, o)),
        22 => book_gen().prop_map(Op::Book),
        14 => plausible_book_gen().prop_map(Op::Book),
        8 => (any::<usize>(), prop::bool::weighted(0.7), prop::option::weighted(0.5, mutation_gen()))
            .prop_map(|(i, s, m)| Op::BookAgain(i, s, m)),
        6 => (appt_ref(), prop_oneof![1 => Just(None), 20 => now_gen()])
            .prop_map(|(a, now)| Op::Confirm(a, now)),
        8 => (
            appt_ref(),
            prop_oneof![
                2 => Just(RescheduleStart::Own(0)),
                4 => (-2..=2i64).prop_map(RescheduleStart::Own),
                4 => (any::<usize>(), -1..=1i64).prop_map(|(n, delta)| RescheduleStart::Patient(n, delta)),
                4 => start_gen().prop_map(RescheduleStart::Other),
            ],
            prop::option::weighted(0.3, loc_ref()),
            prop::option::weighted(0.2, 0..DURATIONS.len()),
            now_gen(),
            (
                prop::option::weighted(0.2, notes_gen()),
                prop::option::weighted(0.1, metadata_gen()),
            ),
        )
            .prop_map(|(appointment, start, location, duration, now, (notes, metadata))| {
                Op::Reschedule {
                    appointment,
                    start,
                    location,
                    duration,
                    now,
                    notes,
                    metadata,
                }
            }),
        6 => (appt_ref(), prop_oneof![
                3 => Just(None),
                2 => Just(Some(Some(0))),
                1 => Just(Some(None)),
            ])
            .prop_map(|(a, r)| Op::Cancel(a, r)),
        3 => appt_ref().prop_map(Op::GetAppointment),
        5 => appointments_gen(),
        6 => (
            appt_ref(),
            prop::option::weighted(0.3, prop::option::weighted(0.8, patient_gen())),
            prop::option::weighted(0.5, prop::option::weighted(0.8, notes_gen())),
            prop::option::weighted(0.4, prop::option::weighted(0.8, metadata_gen())),
            prop::bool::weighted(0.02),
        )
            .prop_map(|(appointment, patient, notes, metadata, extra)| Op::UpdateAppointment {
                appointment,
                patient,
                notes,
                metadata,
                extra,
            }),
        5 => find_appointments_gen(),
        3 => (prop_oneof![appointments_gen(), find_appointments_gen()], 1..=3u32)
            .prop_map(|(op, limit)| Op::Pages(Box::new(op), limit)),
        3 => (
            doc_ref(),
            (-1..14i64, bound_kind()),
            prop_oneof![8 => 0..4i64, 1 => Just(-1i64), 1 => Just(365i64), 1 => Just(366i64)],
            prop::option::weighted(0.3, loc_ref()),
        )
            .prop_map(|(doctor, from, span, location)| Op::WorkingHours { doctor, from, span, location }),
        2 => prop_oneof![
            2 => Just(ActorGen::None),
            4 => (0..ACTORS.len()).prop_map(ActorGen::Pool),
            1 => Just(ActorGen::Blank),
            1 => Just(ActorGen::TooLong),
        ]
        .prop_map(Op::SetActor),
        3 => (any::<usize>(), any::<u8>()).prop_map(|(at, kind)| Op::Batch(at, kind)),
        5 => (
            (doc_ref(), (-1..14i64, bound_kind()), (prop_oneof![1 => Just(-1i64), 16 => 0..3i64], bound_kind())),
            (
                duration_gen(),
                prop::option::weighted(0.4, loc_ref()),
                prop::option::weighted(0.2, 0..5u32),
                prop_oneof![1 => Just(None), 2 => now_gen()],
            ),
        )
            .prop_map(|((doctor, from, to), (duration, location, limit, now))| Op::Slots {
                doctor,
                from,
                to,
                duration,
                location,
                limit,
                now,
            }),
        4 => (
            (
                prop::option::weighted(0.4, loc_ref()),
                prop::option::weighted(0.3, proptest::collection::vec(doc_ref(), 1..=3)),
                (-1..14i64, bound_kind()),
                (prop_oneof![1 => Just(-1i64), 16 => 0..3i64, 1 => 29..=31i64], bound_kind()),
            ),
            (
                duration_gen(),
                prop_oneof![
                    20 => prop_oneof![Just(1u32), Just(3), Just(10), Just(1000)].prop_map(LimitGen::Valid),
                    1 => Just(LimitGen::Zero),
                    1 => Just(LimitGen::TooMany),
                    1 => Just(LimitGen::Missing),
                ],
                prop_oneof![1 => Just(None), 2 => now_gen()],
            ),
        )
            .prop_map(|((location, doctors, from, to), (duration, limit, now))| Op::FindSlots {
                location,
                doctors,
                from,
                to,
                duration,
                limit,
                now,
            }),
        6 => (
            (doc_ref(), loc_ref(), start_gen()),
            (duration_gen(), patient_gen(), prop_oneof![1 => Just(None), 4 => now_gen()]),
        )
            .prop_map(|((doctor, location, start), (duration, patient, now))| Op::Explain {
                doctor,
                location,
                start,
                duration,
                patient,
                now,
            }),
        3 => Just(Op::Snapshot),
    ]
}

fn appointments_gen() -> impl Strategy<Value = Op> {
    (
        doc_ref(),
        prop::option::weighted(0.4, (-1..15i64, bound_kind())),
        prop::option::weighted(
            0.4,
            (
                prop_oneof![1 => -2..0i64, 6 => 0..4i64, 1 => 4..15i64],
                bound_kind(),
            ),
        ),
        status_gen(),
        prop_oneof![1 => Just(None), 1 => now_gen()],
        prop::option::weighted(0.3, page_gen()),
        prop::option::weighted(0.2, appt_ref()),
    )
        .prop_map(
            |(doctor, from, to, status, now, limit, after)| Op::Appointments {
                doctor,
                from,
                to,
                status,
                now,
                limit,
                after,
            },
        )
}

fn find_appointments_gen() -> impl Strategy<Value = Op> {
    let who = prop_oneof![
        4 => (0..PATIENTS.len()).prop_map(WhoGen::Pool),
        4 => any::<usize>().prop_map(WhoGen::OfAppointment),
        1 => Just(WhoGen::Blank),
        1 => Just(WhoGen::Nobody),
    ];
    // What to look by: mostly one thing, sometimes two or three, rarely nothing (refused).
    let by = prop_oneof![
        4 => (Just(true), Just(false), Just(false)),
        4 => (Just(false), Just(true), Just(false)),
        3 => (Just(false), Just(false), Just(true)),
        3 => (any::<bool>(), any::<bool>(), any::<bool>()),
    ];
    (
        (by, who, loc_ref(), doc_ref()),
        (
            prop::option::weighted(0.3, (-1..15i64, bound_kind())),
            prop::option::weighted(
                0.3,
                (
                    prop_oneof![1 => -2..0i64, 6 => 0..4i64, 1 => 4..15i64],
                    bound_kind(),
                ),
            ),
            status_gen(),
            prop_oneof![1 => Just(None), 1 => now_gen()],
            prop::option::weighted(0.3, page_gen()),
            prop::option::weighted(0.2, appt_ref()),
        ),
    )
        .prop_map(
            |(((p, l, d), who, location, doctor), (from, to, status, now, limit, after))| {
                Op::FindAppointments {
                    patient: p.then_some(who),
                    location: l.then_some(location),
                    doctor: d.then_some(doctor),
                    from,
                    to,
                    status,
                    now,
                    limit,
                    after,
                }
            },
        )
}

/// A valid `addDoctor`: sequences start with one to three, so that most calls find a doctor.
fn valid_add_gen() -> impl Strategy<Value = Op> {
    let n = RULE_POINTS.len();
    let days = subsequence((0..7).collect::<Vec<usize>>(), 1..=7).prop_shuffle();
    let where_ok = prop_oneof![
        3 => Just(WhereGen::Everywhere),
        2 => proptest::collection::vec(0..3usize, 1..=2).prop_map(WhereGen::Some),
    ];
    let rule = (days, 0..n - 1, 1..n, where_ok)
        .prop_map(move |(days, a, len, w)| RuleGen::Valid(days, a, (a + len).min(n - 1), w));
    (
        prop::option::of((0..DOCTOR_IDS.len()).prop_map(IdGen::Pool)),
        (0..NAMES.len()).prop_map(NameGen::Valid),
        subsequence(vec![0, 1, 2], 1..=3)
            .prop_shuffle()
            .prop_map(LocsGen::Valid),
        proptest::collection::vec(rule, 1..=3),
    )
        .prop_map(|(id, name, locations, schedule)| Op::AddDoctor {
            id,
            name,
            locations,
            schedule,
            overrides: Vec::new(),
            time_off: Vec::new(),
            extra: false,
        })
}

fn case_gen() -> impl Strategy<Value = Case> {
    (
        (
            prop_oneof![Just(15i64), Just(30i64)],
            prop_oneof![Just(None), Just(Some(1i64)), Just(Some(2i64))],
            any::<bool>(),
            prop_oneof![3 => Just(None), 1 => (0..NOTICES.len()).prop_map(Some)],
            prop_oneof![3 => Just(None), 1 => (0..HORIZONS.len()).prop_map(Some)],
            prop::bool::weighted(0.4),
            prop_oneof![3 => Just(None), 1 => (0..BUDGETS.len()).prop_map(Some)],
            0..4usize,
        ),
        (
            0..NOW_STARTS.len(),
            0..BASES.len(),
            1..=2i64,
            proptest::collection::vec(valid_add_gen(), 1..=3),
            proptest::collection::vec(op_gen(), 1..MAX_OPS),
        ),
    )
        .prop_map(
            |(
                (
                    slot,
                    default_slots,
                    time_zone,
                    notice,
                    horizon,
                    prevent_patient_overlap,
                    budget,
                    ballast,
                ),
                (now_start, base, weeks, setup, ops),
            )| Case {
                slot,
                default_slots,
                time_zone,
                notice,
                horizon,
                prevent_patient_overlap,
                budget,
                now_start,
                base,
                weeks,
                // A small budget starts near its limit, so that growth of every kind meets it.
                ops: budget
                    .map(|i| Op::Ballast([17, 23][i] + 2 * ballast))
                    .into_iter()
                    .chain(setup)
                    .chain(ops)
                    .collect(),
            },
        )
}

// ----- resolving generated ops into calls -----

/// A rule's or block's `locations`, from the doctor's `locations`.
fn where_(g: &WhereGen, locations: &[String]) -> Option<Vec<String>> {
    let pick = |i: usize| locations[i % locations.len()].clone();
    match g {
        WhereGen::Everywhere => None,
        _ if locations.is_empty() => Some(vec!["North".into()]),
        WhereGen::Some(indices) => {
            let mut list: Vec<String> = Vec::new();
            for &i in indices {
                if !list.contains(&pick(i)) {
                    list.push(pick(i));
                }
            }
            Some(list)
        }
        WhereGen::Empty => Some(Vec::new()),
        WhereGen::Repeated => Some(vec![pick(0), pick(0)]),
        WhereGen::Stranger => Some(vec![pick(0), "Nowhere".into()]),
    }
}

fn rule(g: &RuleGen, locations: &[String]) -> Rule {
    let days = |d: &[usize]| d.iter().map(|&i| DAY_NAMES[i].to_owned()).collect();
    let point = |i: usize| hhmm(i64::from(RULE_POINTS[i]));
    let plain = |days: Vec<String>, start: &str, end: &str| Rule {
        days,
        start: start.into(),
        end: end.into(),
        locations: None,
    };
    match g {
        RuleGen::Valid(d, a, b, w) => Rule {
            days: days(d),
            start: point(*a),
            end: point(*b),
            locations: where_(w, locations),
        },
        RuleGen::NoDays => plain(Vec::new(), "09:00", "17:00"),
        RuleGen::RepeatedDay => plain(days(&[0, 2, 0]), "09:00", "17:00"),
        RuleGen::NotAfter(a, b) => plain(days(&[0]), &point(*a), &point(*b)),
        RuleGen::BadTime => plain(days(&[1]), "9:00", "24:30"),
        RuleGen::BadDay => plain(vec!["monday".into()], "09:00", "17:00"),
    }
}

fn name(g: &NameGen) -> String {
    match g {
        NameGen::Valid(i) => NAMES[*i].to_owned(),
        NameGen::Empty => String::new(),
        NameGen::Blank => "   ".into(),
        NameGen::Control => "Dr.\nAda".into(),
        NameGen::TooLong => "x".repeat(201),
    }
}

fn locations(g: &LocsGen) -> Vec<String> {
    match g {
        LocsGen::Valid(l) => l.iter().map(|&i| LOCATIONS[i].to_owned()).collect(),
        LocsGen::Empty => Vec::new(),
        LocsGen::Blank => vec!["North".into(), " ".into()],
        LocsGen::Duplicate => vec!["South".into(), "North".into(), "South".into()],
    }
}

struct Resolver<'a> {
    model: &'a Model,
    weeks: i64,
    /// The `now` this op sends, if any.
    now: Option<i64>,
    /// The `now` cursor (the op's `now` when it sends one).
    cursor: i64,
}

impl Resolver<'_> {
    fn doctor(&self, r: &DocRef) -> String {
        let appts = &self.model.appts;
        let doctors = &self.model.doctors;
        match r {
            DocRef::OfAppointment(i) if !appts.is_empty() => {
                appts[i % appts.len()].doctor_id.clone()
            }
            DocRef::NotOfAppointment(n, k) if !appts.is_empty() && doctors.len() > 1 => {
                let others: Vec<&MDoctor> = doctors
                    .iter()
                    .filter(|d| d.id != appts[n % appts.len()].doctor_id)
                    .collect();
                others[k % others.len()].id.clone()
            }
            DocRef::NotOfAppointment(i, _) => self.doctor(&DocRef::Existing(*i)),
            DocRef::Existing(i) | DocRef::OfAppointment(i) if !self.model.doctors.is_empty() => {
                self.model.doctors[i % self.model.doctors.len()].id.clone()
            }
            DocRef::Existing(i) | DocRef::OfAppointment(i) => {
                DOCTOR_IDS[i % DOCTOR_IDS.len()].to_owned()
            }
            DocRef::Pool(i) => DOCTOR_IDS[*i].to_owned(),
            DocRef::Unknown => "nobody".into(),
        }
    }

    fn appointment(&self, r: &ApptRef) -> String {
        let appts = &self.model.appts;
        let held: Vec<&MAppt> = appts
            .iter()
            .filter(|a| matches!(a.status, Status::Held(_)))
            .collect();
        let active: Vec<&MAppt> = appts.iter().filter(|a| a.active()).collect();
        let expired: Vec<&MAppt> = appts
            .iter()
            .filter(|a| matches!(a.status, Status::Expired(_)))
            .collect();
        match r {
            ApptRef::Active(i) if !active.is_empty() => active[i % active.len()].id.clone(),
            ApptRef::Held(i) if !held.is_empty() => held[i % held.len()].id.clone(),
            ApptRef::Expired(i) if !expired.is_empty() => expired[i % expired.len()].id.clone(),
            ApptRef::Existing(i) | ApptRef::Active(i) | ApptRef::Held(i) | ApptRef::Expired(i)
                if !appts.is_empty() =>
            {
                appts[i % appts.len()].id.clone()
            }
            ApptRef::Existing(i) | ApptRef::Active(i) | ApptRef::Held(i) | ApptRef::Expired(i) => {
                APPOINTMENT_IDS[i % APPOINTMENT_IDS.len()].to_owned()
            }
            ApptRef::Pool(i) => APPOINTMENT_IDS[*i].to_owned(),
            ApptRef::Unknown => "zz".into(),
        }
    }

    /// The n-th appointment of `doctor` (mod their number), or of anyone if they have none.
    fn appointment_of(&self, doctor: &str, n: usize) -> Option<&MAppt> {
        let own: Vec<&MAppt> = self
            .model
            .appts
            .iter()
            .filter(|a| a.doctor_id == doctor)
            .collect();
        let all: Vec<&MAppt> = self.model.appts.iter().collect();
        let pool = if own.is_empty() { all } else { own };
        (!pool.is_empty()).then(|| pool[n % pool.len()])
    }

    fn location(&self, r: &LocRef, doctor: &str) -> String {
        match (r, self.model.doctor(doctor)) {
            (LocRef::OfDoctor(i), Some(d)) => d.locations[i % d.locations.len()].clone(),
            (LocRef::OfDoctor(i), None) => LOCATIONS[i % LOCATIONS.len()].to_owned(),
            (LocRef::Pool(i), _) => LOCATIONS[*i].to_owned(),
            (LocRef::Unknown, _) => "Nowhere".into(),
        }
    }

    /// An instant on the slot grid at or before `t`.
    fn grid(&self, t: i64) -> i64 {
        t - t.rem_euclid(self.model.slot)
    }

    fn start(&self, g: &StartGen, doctor: &str) -> Result<i64, &'static str> {
        let days = self.weeks * 7;
        let slot = self.model.slot;
        let d = self.model.doctor(doctor);
        let fallback = |day: usize| Ok((day % 7) as i64 * DAY + 540);
        match g {
            StartGen::InHours {
                rule,
                day,
                week,
                step,
            } => {
                let Some(d) = d.filter(|d| !d.schedule.is_empty()) else {
                    return fallback(*day);
                };
                let r = &d.schedule[rule % d.schedule.len()];
                let name = &r.days[day % r.days.len()];
                let wd = DAY_NAMES.iter().position(|n| n == name).unwrap() as i64;
                let date = (week % self.weeks) * 7 + wd;
                let minute = i64::from(parse_clock(&r.start).unwrap()) + i64::from(*step) * slot;
                Ok(date * DAY + minute)
            }
            StartGen::InOverride { index, block, step } => {
                let open: Vec<&Override> = d
                    .map(|d| d.overrides.iter().filter(|o| !o.hours.is_empty()).collect())
                    .unwrap_or_default();
                if open.is_empty() {
                    return fallback(*index);
                }
                let o = open[index % open.len()];
                let b = &o.hours[block % o.hours.len()];
                let minute = i64::from(parse_clock(&b.start).unwrap()) + i64::from(*step) * slot;
                Ok(o.day * DAY + minute)
            }
            StartGen::Near { appointment, delta } => Ok(self
                .appointment_of(doctor, *appointment)
                .map_or(600, |a| a.start)
                + delta * slot),
            StartGen::NearAny { appointment, delta } => {
                let appts = &self.model.appts;
                let start = if appts.is_empty() {
                    600
                } else {
                    appts[appointment % appts.len()].start
                };
                Ok(start + delta * slot)
            }
            StartGen::TimeOffEnd { index, delta } => match d.filter(|d| !d.time_off.is_empty()) {
                Some(d) => Ok(self.grid(d.time_off[index % d.time_off.len()].end) + delta * slot),
                None => fallback(*index),
            },
            StartGen::FromNow(delta) => {
                let now = self.now.unwrap_or(self.cursor);
                Ok(self.grid(now + self.model.notice.unwrap_or(0)) + delta * slot)
            }
            StartGen::Horizon(delta) => {
                let now = self.now.unwrap_or(self.cursor);
                Ok(self.grid(now + self.model.horizon.unwrap_or(1) * DAY) + delta * slot)
            }
            StartGen::Grid { day, quarter } => Ok((day % days) * DAY + quarter * 15),
            StartGen::Any { day, minute } => Ok((day % days) * DAY + minute),
            StartGen::Bad(i) => Err(BAD_STARTS[*i]),
        }
    }

    /// The appointment a start is taken from, if any.
    fn start_source(&self, g: &StartGen, doctor: &str) -> Option<&MAppt> {
        let appts = &self.model.appts;
        match g {
            StartGen::Near { appointment, .. } => self.appointment_of(doctor, *appointment),
            StartGen::NearAny { appointment, .. } if !appts.is_empty() => {
                Some(&appts[appointment % appts.len()])
            }
            _ => None,
        }
    }

    fn patient_for(&self, g: &PatientGen, start: &StartGen, doctor: &str) -> Option<String> {
        match g {
            PatientGen::OfStart => Some(
                self.start_source(start, doctor)
                    .and_then(|a| a.patient.clone())
                    .unwrap_or_else(|| PATIENTS[0].to_owned()),
            ),
            _ => Resolver::patient(g),
        }
    }

    fn patient(g: &PatientGen) -> Option<String> {
        match g {
            PatientGen::None => None,
            PatientGen::Pool(i) => Some(PATIENTS[*i].to_owned()),
            PatientGen::OfStart => Some(PATIENTS[0].to_owned()),
            PatientGen::Blank => Some(" ".into()),
        }
    }

    fn appointment_id(g: &Option<IdGen>) -> Option<String> {
        match g {
            None => None,
            Some(IdGen::Pool(i)) => Some(APPOINTMENT_IDS[*i].to_owned()),
            Some(IdGen::Bad) => Some("a 1".into()),
        }
    }

    fn request_id(g: &RequestGen) -> Option<String> {
        match g {
            RequestGen::None => None,
            RequestGen::Pool(i) => Some(REQUEST_IDS[*i].to_owned()),
            RequestGen::Blank => Some(" ".into()),
        }
    }

    fn duration(g: &Option<usize>) -> Option<i64> {
        g.map(|i| DURATIONS[i])
    }

    fn bound(&self, doctor: &str, day: i64, kind: &BoundKind) -> BoundIn {
        let day = day.clamp(FIRST_DAY + 1, LAST_DAY - 1);
        let instant = |t: i64| BoundIn {
            text: self.model.cal.at(t),
            as_from: Some(t),
            as_to: Some(t),
        };
        match kind {
            BoundKind::Near(i, delta) => instant(
                self.appointment_of(doctor, *i)
                    .map_or(day * DAY, |a| a.start)
                    + delta * 15,
            ),
            BoundKind::Now(delta) => instant(self.now.unwrap_or(self.cursor) + delta * 15),
            BoundKind::Date => BoundIn {
                text: self.model.cal.date(day).to_owned(),
                as_from: Some(day * DAY),
                as_to: Some((day + 1) * DAY),
            },
            BoundKind::At(minute) => instant(day * DAY + minute),
            BoundKind::Bad(i) => BoundIn {
                text: BAD_BOUNDS[*i].to_owned(),
                as_from: None,
                as_to: None,
            },
        }
    }

    /// The window of a query: `from`, then `to` some days after `from`'s day.
    fn window(
        &self,
        doctor: &str,
        from: &(i64, BoundKind),
        to: &(i64, BoundKind),
    ) -> (BoundIn, BoundIn) {
        let from_bound = self.bound(doctor, from.0, &from.1);
        let from_day = from_bound.as_from.map_or(from.0, |t| t.div_euclid(DAY));
        (from_bound, self.bound(doctor, from_day + to.0, &to.1))
    }

    fn overrides(&self, gens: &[OverrideGen], doctor: &str, locations: &[String]) -> Vec<Override> {
        let days = self.weeks * 7;
        let mut list: Vec<Override> = Vec::new();
        for g in gens {
            let day = match g.day {
                DayGen::Day(d) => d % days,
                DayGen::OfAppointment(n) => self
                    .appointment_of(doctor, n)
                    .map_or((n % 7) as i64, |a| a.start.div_euclid(DAY)),
                DayGen::Repeat => list.last().map_or(0, |o| o.day),
            };
            let hours = g
                .hours
                .iter()
                .map(|(a, b, w)| Block {
                    start: hhmm(i64::from(RULE_POINTS[*a])),
                    end: hhmm(i64::from(RULE_POINTS[*b])),
                    locations: where_(w, locations),
                })
                .collect();
            list.push(Override { day, hours });
        }
        list
    }

    fn time_off(&self, gens: &[(OffGen, ReasonGen)], doctor: &str) -> Vec<Off> {
        let days = self.weeks * 7;
        gens.iter()
            .map(|(g, reason)| {
                let (start, end) = match g {
                    OffGen::At {
                        day,
                        quarter,
                        quarters,
                    } => {
                        let start = (day % days) * DAY + quarter * 15;
                        (start, start + quarters * 15)
                    }
                    OffGen::Near {
                        appointment,
                        delta,
                        quarters,
                    } => {
                        let start = self
                            .appointment_of(doctor, *appointment)
                            .map_or(600, |a| a.start)
                            + delta * 15;
                        (start, start + quarters * 15)
                    }
                    OffGen::Backwards => (DAY + 600, DAY + 540),
                };
                let start = start.clamp((FIRST_DAY + 1) * DAY, (LAST_DAY - 5) * DAY);
                Off {
                    start,
                    end: end.min((LAST_DAY - 1) * DAY),
                    reason: match reason {
                        ReasonGen::None => None,
                        ReasonGen::Some(i) => Some(REASONS[*i].to_owned()),
                        ReasonGen::Blank => Some(" ".into()),
                    },
                }
            })
            .collect()
    }

    /// For a start in a rule's or block's time, a location where it applies.
    fn location_of_start(&self, g: &StartGen, doctor: &str) -> Option<String> {
        let d = self.model.doctor(doctor)?;
        let named = |l: &Option<Vec<String>>, n: usize| l.as_ref().map(|l| l[n % l.len()].clone());
        match g {
            StartGen::InHours { rule, day, .. } if !d.schedule.is_empty() => {
                named(&d.schedule[rule % d.schedule.len()].locations, *day)
            }
            StartGen::InOverride { index, block, .. } => {
                let open: Vec<&Override> =
                    d.overrides.iter().filter(|o| !o.hours.is_empty()).collect();
                let o = open.get(index % open.len().max(1))?;
                named(&o.hours[block % o.hours.len()].locations, *index)
            }
            _ => None,
        }
    }

    fn book(&self, g: &BookGen) -> BookCall {
        let doctor_id = self.doctor(&g.doctor);
        let fitting = g
            .fit
            .then(|| self.location_of_start(&g.start, &doctor_id))
            .flatten();
        let mut b = BookCall {
            location: fitting.unwrap_or_else(|| self.location(&g.location, &doctor_id)),
            start: self.start(&g.start, &doctor_id),
            duration: Resolver::duration(&g.duration),
            patient: self.patient_for(&g.patient, &g.start, &doctor_id),
            id: Resolver::appointment_id(&g.id),
            request_id: Resolver::request_id(&g.request_id),
            now: self.now,
            ttl: g.ttl.map(|i| TTLS[i]),
            notes: g.notes.clone(),
            metadata: g.metadata.map(MetaIn::of),
            extra: g.extra,
            doctor_id,
        };
        if let Some(NotesIn::Exact(delta)) = b.notes {
            b.notes = Some(self.exact_notes(&b, delta));
        }
        b
    }

    /// Notes that bring the hospital to `delta` bytes past its budget, if this booking
    /// succeeds with them (where off-by-one mistakes in the budget show); the longest notes if
    /// the budget is further away (filling it), short ones if it is nearer or the booking
    /// fails.
    fn exact_notes(&self, b: &BookCall, delta: i64) -> NotesIn {
        if self.model.budget == DEFAULT_BUDGET {
            return NotesIn::Pool(0);
        }
        let mut probe = self.model.clone();
        let call = BookCall {
            notes: Some(NotesIn::Sized(0)),
            ..b.clone()
        };
        let before = probe.size() as i64;
        if probe.book(&call).0.is_err() {
            return NotesIn::Pool(0);
        }
        let least = probe.size() as i64 - before;
        let length = self.model.budget as i64 + delta - before - least;
        match length {
            0..=2000 => NotesIn::Sized(length as usize),
            2001.. => NotesIn::Sized(MAX_NOTES),
            _ => NotesIn::Pool(0),
        }
    }

    fn mutate(&self, mut b: BookCall, m: &Mutation) -> BookCall {
        match m {
            Mutation::Doctor(d) => b.doctor_id = self.doctor(d),
            Mutation::Location(l) => b.location = self.location(l, &b.doctor_id),
            Mutation::Start(s) => b.start = self.start(s, &b.doctor_id),
            Mutation::Duration(d) => b.duration = Resolver::duration(d),
            Mutation::ExplicitDefaultDuration => b.duration = Some(self.model.default_duration),
            Mutation::Patient(p) => b.patient = Resolver::patient(p),
            Mutation::Id(id) => b.id = Resolver::appointment_id(id),
            Mutation::Request(r) => b.request_id = Resolver::request_id(r),
            Mutation::Now => b.now = Some(self.cursor),
            Mutation::Kind(ttl) => b.ttl = ttl.map(|i| TTLS[i]),
            Mutation::Notes(notes) => b.notes = notes.clone(),
        }
        b
    }

    fn status(g: &StatusGen) -> Option<&'static str> {
        match g {
            StatusGen::Default => None,
            StatusGen::Active => Some("active"),
            StatusGen::Booked => Some("booked"),
            StatusGen::Held => Some("held"),
            StatusGen::Cancelled => Some("cancelled"),
            StatusGen::Expired => Some("expired"),
            StatusGen::All => Some("all"),
            StatusGen::Bad => Some("pending"),
        }
    }

    fn limit(g: &Option<PageGen>) -> Option<i64> {
        g.as_ref().map(|g| match g {
            PageGen::Valid(n) => i64::from(*n),
            PageGen::Zero => 0,
            PageGen::TooMany => 100_001,
        })
    }

    /// A window's bounds: `from`, and `to` some days after `from`'s day (day 0 without one).
    fn optional_window(
        &self,
        doctor: &str,
        from: &Option<(i64, BoundKind)>,
        to: &Option<(i64, BoundKind)>,
    ) -> (Option<BoundIn>, Option<BoundIn>) {
        let from_bound = from.as_ref().map(|(d, k)| self.bound(doctor, *d, k));
        let from_day = match (&from_bound, from) {
            (
                Some(BoundIn {
                    as_from: Some(t), ..
                }),
                _,
            ) => t.div_euclid(DAY),
            (_, Some((d, _))) => *d,
            _ => 0,
        };
        let to = to
            .as_ref()
            .map(|(d, k)| self.bound(doctor, from_day + d, k));
        (from_bound, to)
    }

    /// The call this op makes now; `None` for a `BookAgain` before any `book`.
    fn call(&self, op: &Op, history: &[(BookCall, bool)]) -> Option<Call> {
        Some(match op {
            Op::AddDoctor {
                id,
                name: n,
                locations: l,
                schedule,
                overrides,
                time_off,
                extra,
            } => {
                let locations = locations(l);
                let id = match id {
                    None => None,
                    Some(IdGen::Pool(i)) => Some(DOCTOR_IDS[*i].to_owned()),
                    Some(IdGen::Bad) => Some("d 1".into()),
                };
                let doctor = id.clone().unwrap_or_default();
                Call::AddDoctor(DoctorIn {
                    name: name(n),
                    schedule: schedule.iter().map(|r| rule(r, &locations)).collect(),
                    overrides: self.overrides(overrides, &doctor, &locations),
                    time_off: self.time_off(time_off, &doctor),
                    locations,
                    id,
                    extra: *extra,
                })
            }
            Op::GetDoctor(d) => Call::GetDoctor(self.doctor(d)),
            Op::UpdateDoctor {
                doctor,
                name: n,
                locations: l,
                schedule,
                overrides,
                time_off,
                extra,
                options,
            } => {
                let doctor = self.doctor(doctor);
                let new_locations = l.as_ref().map(locations);
                // Rules and blocks name the doctor's locations as they will be.
                let where_from = new_locations.clone().unwrap_or_else(|| {
                    self.model
                        .doctor(&doctor)
                        .map_or_else(|| vec!["North".into()], |d| d.locations.clone())
                });
                Call::UpdateDoctor(
                    doctor.clone(),
                    PatchIn {
                        name: n.as_ref().map(name),
                        locations: new_locations,
                        schedule: schedule
                            .as_ref()
                            .map(|s| s.iter().map(|r| rule(r, &where_from)).collect()),
                        overrides: overrides
                            .as_ref()
                            .map(|o| self.overrides(o, &doctor, &where_from)),
                        time_off: time_off.as_ref().map(|t| self.time_off(t, &doctor)),
                        extra: *extra,
                    },
                    *options,
                )
            }
            Op::RemoveDoctor(d, o) => Call::RemoveDoctor(self.doctor(d), *o),
            Op::Book(g) => Call::Book(self.book(g)),
            Op::BookAgain(i, prefer_succeeded, m) => {
                let succeeded: Vec<&BookCall> =
                    history.iter().filter(|h| h.1).map(|h| &h.0).collect();
                let b = if *prefer_succeeded && !succeeded.is_empty() {
                    succeeded[i % succeeded.len()].clone()
                } else if !history.is_empty() {
                    history[i % history.len()].0.clone()
                } else {
                    return None;
                };
                Call::Book(match m {
                    Some(m) => self.mutate(b, m),
                    None => b,
                })
            }
            Op::Confirm(a, _) => Call::Confirm(self.appointment(a), self.now),
            Op::Reschedule {
                appointment,
                start,
                location,
                duration,
                notes,
                metadata,
                ..
            } => {
                let id = self.appointment(appointment);
                let target = self.model.appts.iter().find(|a| a.id == id);
                let doctor = target.map_or_else(
                    || self.doctor(&DocRef::Existing(0)),
                    |a| a.doctor_id.clone(),
                );
                Call::Reschedule(
                    id,
                    RescheduleIn {
                        start: match start {
                            RescheduleStart::Own(delta) => {
                                Ok(target.map_or(600, |a| a.start) + delta * self.model.slot)
                            }
                            RescheduleStart::Patient(n, delta) => {
                                let others: Vec<&MAppt> = target
                                    .map(|t| {
                                        self.model
                                            .appts
                                            .iter()
                                            .filter(|a| {
                                                a.doctor_id != t.doctor_id
                                                    && a.active()
                                                    && t.patient.is_some()
                                                    && a.patient == t.patient
                                            })
                                            .collect()
                                    })
                                    .unwrap_or_default();
                                let from = if others.is_empty() {
                                    target.map_or(600, |a| a.start)
                                } else {
                                    others[n % others.len()].start
                                };
                                Ok(from + delta * self.model.slot)
                            }
                            RescheduleStart::Other(g) => self.start(g, &doctor),
                        },
                        location: location.as_ref().map(|l| self.location(l, &doctor)),
                        duration: Resolver::duration(duration),
                        now: self.now,
                        notes: notes.clone(),
                        metadata: metadata.map(MetaIn::of),
                    },
                )
            }
            Op::Cancel(a, reason) => Call::Cancel(
                self.appointment(a),
                reason.map(|r| match r {
                    Some(_) => "no-show".to_owned(),
                    None => String::new(),
                }),
            ),
            Op::GetAppointment(a) => Call::GetAppointment(self.appointment(a)),
            Op::Appointments {
                doctor,
                from,
                to,
                status,
                limit,
                after,
                ..
            } => {
                let doctor = self.doctor(doctor);
                let (from, to) = self.optional_window(&doctor, from, to);
                Call::Appointments(ApptQueryIn {
                    from,
                    to,
                    doctor,
                    status: Resolver::status(status),
                    now: self.now,
                    limit: Resolver::limit(limit),
                    after: after.as_ref().map(|a| self.appointment(a)),
                })
            }
            Op::UpdateAppointment {
                appointment,
                patient,
                notes,
                metadata,
                extra,
            } => Call::UpdateAppointment(
                self.appointment(appointment),
                UpdateIn {
                    patient: patient
                        .as_ref()
                        .map(|p| p.as_ref().and_then(Resolver::patient)),
                    notes: notes.clone(),
                    metadata: metadata.map(|m| m.map(MetaIn::of)),
                    extra: *extra,
                },
            ),
            Op::FindAppointments {
                patient,
                location,
                doctor,
                from,
                to,
                status,
                limit,
                after,
                ..
            } => {
                let doctor = doctor.as_ref().map(|d| self.doctor(d));
                let near = doctor.clone().unwrap_or_default();
                let (from, to) = self.optional_window(&near, from, to);
                let appts = &self.model.appts;
                Call::FindAppointments(FindApptIn {
                    patient: patient.as_ref().map(|p| match p {
                        WhoGen::Pool(i) => PATIENTS[*i].to_owned(),
                        WhoGen::OfAppointment(n) if !appts.is_empty() => appts[n % appts.len()]
                            .patient
                            .clone()
                            .unwrap_or_else(|| PATIENTS[0].to_owned()),
                        WhoGen::OfAppointment(_) => PATIENTS[0].to_owned(),
                        WhoGen::Blank => "  ".into(),
                        WhoGen::Nobody => "nobody".into(),
                    }),
                    location: location.as_ref().map(|l| self.location(l, &near)),
                    doctor,
                    from,
                    to,
                    status: Resolver::status(status),
                    now: self.now,
                    limit: Resolver::limit(limit),
                    after: after.as_ref().map(|a| self.appointment(a)),
                })
            }
            Op::Pages(inner, limit) => {
                let limit = Some(i64::from(*limit));
                match self.call(inner, history)? {
                    Call::Appointments(q) => {
                        Call::Pages(Box::new(Call::Appointments(ApptQueryIn {
                            limit,
                            after: None,
                            ..q
                        })))
                    }
                    Call::FindAppointments(q)
                        if q.patient.is_some() || q.location.is_some() || q.doctor.is_some() =>
                    {
                        Call::Pages(Box::new(Call::FindAppointments(FindApptIn {
                            limit,
                            after: None,
                            ..q
                        })))
                    }
                    other => other,
                }
            }
            Op::WorkingHours {
                doctor,
                from,
                span,
                location,
            } => {
                let doctor = self.doctor(doctor);
                let from = self.bound(&doctor, from.0, &from.1);
                let from_day = from.as_from.map_or(0, |t| t.div_euclid(DAY));
                // A whole date or a date-time on it: its date counts.
                let to_day = (from_day + span).clamp(FIRST_DAY, CAL_LAST_DAY);
                let to = self.model.cal.date(to_day);
                let to = BoundIn {
                    text: if span % 2 == 0 {
                        to.to_owned()
                    } else {
                        format!("{to}T12:30")
                    },
                    as_from: Some(to_day * DAY),
                    as_to: None,
                };
                Call::WorkingHours(HoursIn {
                    location: location.as_ref().map(|l| self.location(l, &doctor)),
                    doctor,
                    from,
                    to,
                })
            }
            Op::SetActor(g) => Call::SetActor(match g {
                ActorGen::None => None,
                ActorGen::Pool(i) => Some(ACTORS[*i].to_owned()),
                ActorGen::Blank => Some(" ".into()),
                ActorGen::TooLong => Some("x".repeat(129)),
            }),
            Op::Batch(at, kind) => Call::Batch(*at, *kind),
            Op::Ballast(n) => Call::AddDoctor(DoctorIn {
                id: None,
                name: "Dr. Ballast".into(),
                locations: vec!["North".into(), "East".into()],
                schedule: vec![Rule {
                    days: DAY_NAMES.iter().map(|d| d.to_string()).collect(),
                    start: "08:00".into(),
                    end: "18:00".into(),
                    locations: None,
                }],
                overrides: Vec::new(),
                time_off: (0..*n as i64)
                    .map(|i| Off {
                        start: (300 + i) * DAY,
                        end: (300 + i) * DAY + 60,
                        reason: Some(LONG_REASON.into()),
                    })
                    .collect(),
                extra: false,
            }),
            Op::Slots {
                doctor,
                from,
                to,
                duration,
                location,
                limit,
                ..
            } => {
                let doctor = self.doctor(doctor);
                let (from, to) = self.window(&doctor, from, to);
                Call::Slots(SlotQueryIn {
                    from,
                    to,
                    duration: Resolver::duration(duration),
                    location: location.as_ref().map(|l| self.location(l, &doctor)),
                    limit: *limit,
                    now: self.now,
                    doctor,
                })
            }
            Op::FindSlots {
                location,
                doctors,
                from,
                to,
                duration,
                limit,
                ..
            } => {
                let (from, to) = self.window("", from, to);
                Call::FindSlots(FindIn {
                    location: location.as_ref().map(|l| self.location(l, "")),
                    doctor_ids: doctors
                        .as_ref()
                        .map(|list| list.iter().map(|d| self.doctor(d)).collect()),
                    from,
                    to,
                    duration: Resolver::duration(duration),
                    limit: match limit {
                        LimitGen::Valid(n) => Some(*n),
                        LimitGen::Zero => Some(0),
                        LimitGen::TooMany => Some(1001),
                        LimitGen::Missing => None,
                    },
                    now: self.now,
                })
            }
            Op::Explain {
                doctor,
                location,
                start,
                duration,
                patient,
                ..
            } => {
                let doctor_id = self.doctor(doctor);
                Call::Explain(ExplainIn {
                    location: self.location(location, &doctor_id),
                    start: self.start(start, &doctor_id),
                    duration: Resolver::duration(duration),
                    patient: self.patient_for(patient, start, &doctor_id),
                    now: self.now,
                    doctor_id,
                })
            }
            Op::Snapshot => Call::Snapshot,
        })
    }
}

// ===================================================================================
// Running a sequence
// ===================================================================================

fn describe(result: &Result<Value, Error>) -> String {
    match result {
        Ok(v) => {
            let text = v.to_string();
            if text.chars().count() > 300 {
                format!("{}…", text.chars().take(300).collect::<String>())
            } else {
                text
            }
        }
        Err(e) => format!("{} {}", e.code.as_str(), to_json(&*e.details)),
    }
}

/// `Ok(())` if the real result is what the model expects.
fn compare(
    expected: &Result<Value, Expected>,
    actual: &Result<Value, Error>,
) -> Result<(), String> {
    match (expected, actual) {
        (Ok(e), Ok(a)) if e == a => Ok(()),
        (Ok(e), _) => Err(format!("expected {e}")),
        (Err(e), Ok(_)) => Err(format!("expected {} {}", e.code.as_str(), e.details)),
        (Err(e), Err(a)) => {
            if e.code != a.code {
                return Err(format!("expected {} {}", e.code.as_str(), e.details));
            }
            let details = to_json(&*a.details);
            if e.exact && details != e.details {
                return Err(format!("expected details {}", e.details));
            }
            if e.code == ErrorCode::InvalidInput && details.get("field").is_none() {
                return Err("expected INVALID_INPUT to name a field".into());
            }
            for (key, value) in e.details.as_object().unwrap() {
                if details.get(key) != Some(value) {
                    return Err(format!("expected details.{key} = {value}"));
                }
            }
            Ok(())
        }
    }
}

/// `explain`'s answer agrees with `book`'s for the same time: empty exactly when the booking
/// succeeds; otherwise its first item is the booking's error, whole.
fn agrees(explained: Result<Vec<Error>, Error>, booked: Result<(), Error>) -> Result<(), String> {
    match (explained, booked) {
        (Ok(problems), Ok(())) if problems.is_empty() => Ok(()),
        // The budget is no booking rule: explain does not check it.
        (Ok(problems), Err(e)) if problems.is_empty() && e.code == ErrorCode::HospitalFull => {
            Ok(())
        }
        (Ok(problems), Err(e)) if problems.first() == Some(&e) => Ok(()),
        (Err(a), Err(b)) if a.code == b.code => Ok(()),
        (explained, booked) => Err(format!(
            "explain gave {}, but book {}",
            match explained {
                Ok(p) => problems_json(&p).to_string(),
                Err(e) => format!("{e} {}", to_json(&*e.details)),
            },
            match booked {
                Ok(()) => "succeeded".to_owned(),
                Err(e) => format!("failed with {e} {}", to_json(&*e.details)),
            }
        )),
    }
}

/// The real hospital alone: `explain` on it, and `book` on a copy of it.
fn explain_agrees_with_book(h: &Hospital, e: &ExplainIn, cal: &Cal) -> Result<(), String> {
    let explained = read::<ExplainRequest>(e.json(cal), "request").and_then(|r| h.explain(r));
    let booked =
        read::<BookRequest>(e.json(cal), "request").and_then(|r| h.clone().book(r).map(|_| ()));
    agrees(explained, booked)
}

/// The `explain` request for the time a `book` asks for, when the booking is only about that
/// time (no id or request id, nothing unknown, notes and metadata within their limits).
fn explain_of(b: &BookCall) -> Option<ExplainIn> {
    let only_time = b.ttl.is_none()
        && b.id.is_none()
        && b.request_id.is_none()
        && !b.extra
        && b.notes.as_ref().is_none_or(NotesIn::valid)
        && b.metadata.as_ref().is_none_or(MetaIn::valid);
    only_time.then(|| ExplainIn {
        doctor_id: b.doctor_id.clone(),
        location: b.location.clone(),
        start: b.start,
        duration: b.duration,
        patient: b.patient.clone(),
        now: b.now,
    })
}

/// The real hospital agrees with the model as a whole, and its invariants hold, checked by
/// brute force from what it returns.
fn check_state(h: &Hospital, m: &Model) -> Result<(), String> {
    if h.revision() != m.revision {
        return Err(format!(
            "revision is {}, but {} mutations succeeded",
            h.revision(),
            m.revision
        ));
    }
    let clock = h
        .clock()
        .map(|c| m.cal.parse(&c.to_string()).unwrap() + if m.cal.zoned { ZONE_OFFSET } else { 0 });
    if clock != m.clock {
        return Err(format!(
            "the clock is {:?}, expected {:?}",
            h.clock().map(|c| c.to_string()),
            m.clock.map(|c| m.cal.at(c))
        ));
    }
    // Doctors, in insertion order.
    let doctors: Vec<Value> = h.list_doctors().map(to_json).collect();
    let expected: Vec<Value> = m.doctors.iter().map(|d| m.doctor_json(d)).collect();
    if doctors != expected {
        return Err(format!(
            "listDoctors() is {}, expected {}",
            Value::Array(doctors),
            Value::Array(expected)
        ));
    }
    // Every appointment, booked, held and cancelled, per doctor in listing order (ids; the
    // objects are compared below).
    for d in &m.doctors {
        let query = AppointmentQuery {
            status: Some(dr_schedule::engine::StatusFilter::All),
            ..AppointmentQuery::default()
        };
        let listed: Vec<String> = h
            .appointments(&d.id, query)
            .map_err(|e| format!("appointments({:?}, all) failed: {e}", d.id))?
            .into_iter()
            .map(|a| a.id().to_string())
            .collect();
        let expected: Vec<&str> = m
            .appts_of(&d.id)
            .into_iter()
            .map(|a| a.id.as_str())
            .collect();
        if listed != expected {
            return Err(format!(
                "appointments({:?}, {{status: \"all\"}}) lists {listed:?}, expected {expected:?}",
                d.id,
            ));
        }
    }
    // Every appointment, and nothing else: the whole set, whatever its order.
    let mut all: Vec<Value> = h.all_appointments().map(|a| to_json(&a)).collect();
    let mut expected: Vec<Value> = m.appts.iter().map(|a| m.appt_json(a)).collect();
    let by_id = |v: &Value| v["id"].as_str().unwrap_or_default().to_owned();
    all.sort_by_key(by_id);
    expected.sort_by_key(by_id);
    if all != expected {
        return Err(format!(
            "all appointments are {}, expected {}",
            Value::Array(all),
            Value::Array(expected)
        ));
    }
    // Invariants, from the real hospital's own data (its doctors' hours through the model's
    // minute-by-minute reading of them: the profiles are the model's, checked above).
    let doctors: Vec<_> = h.list_doctors().collect();
    for (i, d) in doctors.iter().enumerate() {
        if doctors[..i].iter().any(|e| e.id == d.id) {
            return Err(format!("doctor id {:?} is used twice", d.id));
        }
    }
    let appts: Vec<_> = h.all_appointments().map(|a| a.to_appointment()).collect();
    // (id, doctor, patient, start, end) of the appointments that take their time.
    let mut intervals: Vec<(&str, &str, Option<&str>, i64, i64)> = Vec::new();
    for (i, a) in appts.iter().enumerate() {
        if appts[..i].iter().any(|b| b.id == a.id) {
            return Err(format!("appointment id {:?} is used twice", a.id));
        }
        if a.request_id.is_some() && appts[..i].iter().any(|b| b.request_id == a.request_id) {
            return Err(format!(
                "requestId {:?} is on two appointments",
                a.request_id
            ));
        }
        let Some(doctor) = m.doctors.iter().find(|d| d.id == a.doctor_id) else {
            return Err(format!("appointment {:?} has no doctor", a.id));
        };
        let start = m.cal.parse(&a.start.to_string());
        let end = m.cal.parse(&a.end.to_string());
        let (Some(start), Some(end)) = (start, end) else {
            return Err(format!("appointment {:?} has unexpected times", a.id));
        };
        let duration = i64::from(a.duration_minutes);
        if end - start != duration || duration <= 0 || duration % m.slot != 0 {
            return Err(format!("appointment {:?} has a bad duration", a.id));
        }
        if start.rem_euclid(DAY) % m.slot != 0 {
            return Err(format!("appointment {:?} is off the grid", a.id));
        }
        if a.rescheduled_from.iter().any(|p| p.end <= p.start) {
            return Err(format!("appointment {:?} has a bad trace", a.id));
        }
        use dr_schedule::engine::AppointmentStatus;
        let expires = a
            .hold_expires
            .map(|e| m.cal.parse_stamp(&e.to_string()).unwrap());
        let hold = matches!(
            a.status,
            AppointmentStatus::Held | AppointmentStatus::Expired
        );
        if expires.is_some() != hold {
            return Err(format!(
                "appointment {:?} has holdExpires without being a hold, or the reverse",
                a.id
            ));
        }
        let lapsed = expires.is_some_and(|e| clock.is_some_and(|c| e <= c));
        if a.status == AppointmentStatus::Held && lapsed {
            return Err(format!(
                "hold {:?} lapsed by the clock but did not expire",
                a.id
            ));
        }
        if a.status == AppointmentStatus::Expired && !lapsed {
            return Err(format!(
                "hold {:?} expired before the clock reached it",
                a.id
            ));
        }
        if !a.is_active() {
            continue;
        }
        if !works(doctor, &a.location, start, duration) {
            return Err(format!(
                "appointment {:?} is outside its doctor's hours at {:?}",
                a.id, a.location
            ));
        }
        if let Some(other) = intervals
            .iter()
            .find(|(_, d, _, s, e)| *d == a.doctor_id && overlaps(*s, *e - *s, start, duration))
        {
            return Err(format!("appointments {:?} and {:?} overlap", other.0, a.id));
        }
        let patient = a.patient.as_deref();
        if m.prevent_patient_overlap {
            if let Some(other) = intervals.iter().find(|(_, _, p, s, e)| {
                patient.is_some() && *p == patient && overlaps(*s, *e - *s, start, duration)
            }) {
                return Err(format!(
                    "patient {patient:?} has overlapping appointments {:?} and {:?}",
                    other.0, a.id
                ));
            }
        }
        intervals.push((&a.id, &a.doctor_id, patient, start, end));
    }
    // The snapshot: each row as the model writes it (what a moved appointment's first request
    // asked for included), in booking order; and its size as the hospital tracks it.
    let text = h.to_snapshot().unwrap();
    let (_, rows_text) = text.split_once("\n],\"appointments\":[\n").unwrap();
    let written: Vec<Value> = rows_text
        .lines()
        .filter(|l| *l != "]}")
        .map(|l| serde_json::from_str(l.strip_prefix(',').unwrap_or(l)).unwrap())
        .collect();
    let rows: Vec<Value> = m.appts.iter().map(|a| m.row_json(a, false)).collect();
    if written != rows {
        return Err(format!(
            "the snapshot's rows are {}, expected {}",
            Value::Array(written),
            Value::Array(rows)
        ));
    }
    check_size(h, &text, m.size())
}

/// `snapshot_bytes()` is `expected` (the model's count), an upper bound of the snapshot's
/// length, and exactly its length plus: the header's counters at their longest (16 digits each,
/// `lastNow` as 10000-01-01T00:00), a byte (the comma the first record lacks) for each list that
/// is not empty, and each status's bytes short of "cancelled", the longest, as which it counts.
fn check_size(h: &Hospital, text: &str, expected: u64) -> Result<(), String> {
    let size = h.snapshot_bytes();
    let digits = |n: u64| n.to_string().len() as u64;
    let header_slack = 3 * 16
        - digits(h.revision())
        - digits(h.next_ids().doctor)
        - digits(h.next_ids().appointment)
        + match (h.clock(), h.is_zoned()) {
            (Some(_), _) => 1,
            (None, false) => 15,
            // null, or "10000-01-01T00:00:00Z".
            (None, true) => 19,
        };
    // Each status counted as "cancelled": the bytes it is shorter by.
    let statuses: u64 = h
        .all_appointments()
        .map(|a| match a.status() {
            dr_schedule::engine::AppointmentStatus::Booked => 3,
            dr_schedule::engine::AppointmentStatus::Held => 5,
            dr_schedule::engine::AppointmentStatus::Expired => 2,
            dr_schedule::engine::AppointmentStatus::Cancelled => 0,
        })
        .sum();
    let exact = text.len() as u64
        + header_slack
        + u64::from(h.doctor_count() > 0)
        + u64::from(h.appointment_count() > 0)
        + statuses;
    if size != expected || size < text.len() as u64 || size != exact {
        return Err(format!(
            "snapshot_bytes() is {size}; the model counts {expected}, the snapshot takes {} \
             bytes, which with the header's slack, the first records' commas and the statuses \
             make {exact}",
            text.len()
        ));
    }
    Ok(())
}

fn run(case: &Case) {
    let mut cal = Cal::new(BASES[case.base]);
    cal.zoned = case.time_zone;
    let mut options = Map::new();
    options.insert("slotMinutes".into(), json!(case.slot));
    if let Some(n) = case.default_slots {
        options.insert("defaultDurationMinutes".into(), json!(n * case.slot));
    }
    if case.time_zone {
        options.insert("timeZone".into(), json!(ZONE));
    }
    let notice = case.notice.map(|i| NOTICES[i]);
    let horizon = case.horizon.map(|i| HORIZONS[i]);
    put(&mut options, "minNoticeMinutes", notice);
    put(&mut options, "horizonDays", horizon);
    if case.prevent_patient_overlap {
        options.insert("preventPatientOverlap".into(), json!(true));
    }
    let budget = case.budget.map(|i| BUDGETS[i]);
    put(&mut options, "maxSnapshotBytes", budget);
    let options_json = Value::Object(options);
    let options: HospitalOptionsInput = read(options_json.clone(), "options").unwrap();
    let mut h = Hospital::with_time_zones(options.clone(), &time_zones()).unwrap();
    // A replica that lags behind and catches up in batches of change records (`Call::Batch`).
    let mut replica = Hospital::with_time_zones(options, &time_zones()).unwrap();
    let mut model = Model {
        cal: cal.clone(),
        slot: case.slot,
        // The README: the smallest multiple of slotMinutes that is >= 15.
        default_duration: case.default_slots.unwrap_or(1) * case.slot,
        notice,
        horizon,
        prevent_patient_overlap: case.prevent_patient_overlap,
        doctors: Vec::new(),
        appts: Vec::new(),
        revision: 0,
        next_doctor: 1,
        next_appt: 1,
        clock: None,
        time_zone: case.time_zone,
        budget: budget.unwrap_or(DEFAULT_BUDGET),
        actor: None,
    };
    let mut cursor = NOW_STARTS[case.now_start];
    let mut history: Vec<(BookCall, bool)> = Vec::new();
    let mut trace: Vec<(Call, Result<Value, Error>)> = Vec::new();
    // Where the change log starts: the empty hospital, or the last snapshot round trip (a
    // restored hospital's log starts at its revision). Replayed at the end.
    let mut log_base = h.to_snapshot().unwrap();
    for op in &case.ops {
        let now = match op.now() {
            Some(Some(step)) => {
                let step = NOW_STEPS
                    .get(step)
                    .copied()
                    .unwrap_or((30 - cursor.rem_euclid(30)) % 30);
                cursor = (cursor + step).clamp((FIRST_DAY + 1) * DAY, MAX_NOW);
                Some(cursor)
            }
            _ => None,
        };
        let resolver = Resolver {
            model: &model,
            weeks: case.weeks,
            now,
            cursor,
        };
        let Some(call) = resolver.call(op, &history) else {
            continue;
        };
        // A clone costs less than a snapshot; the text is only needed after a step that must
        // not have changed anything.
        let before = h.clone();
        let (expected, mutated) = call.apply(&mut model);
        if let Call::Book(b) = &call {
            history.push((b.clone(), expected.is_ok()));
        }
        if let Call::Snapshot = call {
            // The restored hospital's log starts at its revision: the replica catches up first.
            let changes = h.changes_since(replica.revision()).unwrap();
            replica.apply_changes(changes).unwrap();
        }
        let actual = perform(&mut h, &call, &cal, &mut replica);
        stats::count(&call, &actual);
        if mutated && h.snapshot_bytes() == model.budget {
            stats::note("(a mutation took the hospital exactly to its budget)");
        }
        let mut problem = compare(&expected, &actual).err();
        // explain and book agree on the real hospital alone.
        if problem.is_none() {
            problem = match &call {
                Call::Explain(e) => explain_agrees_with_book(&h, e, &cal).err(),
                Call::Book(b) => explain_of(b).and_then(|e| {
                    let explained = read::<ExplainRequest>(e.json(&cal), "request")
                        .and_then(|r| before.explain(r));
                    let booked = actual.as_ref().map(|_| ()).map_err(Clone::clone);
                    agrees(explained, booked).err()
                }),
                _ => None,
            };
        }
        // Each successful mutation's change record names who made it.
        if problem.is_none() && mutated {
            let last = h.changes_since(h.revision() - 1).unwrap();
            if last.len() != 1 || last[0].actor != model.actor {
                problem = Some(format!(
                    "the change record's actor is {:?}, expected {:?}",
                    last.iter().map(|c| c.actor.clone()).collect::<Vec<_>>(),
                    model.actor
                ));
            }
        }
        let replaced = matches!(call, Call::Snapshot);
        // Setting the actor changes who makes the changes, and nothing else.
        let actor_set = matches!(call, Call::SetActor(_)) && actual.is_ok();
        if problem.is_none() && !mutated {
            // Equal hospitals write equal snapshots: the text is only needed to say what
            // differs, or when the hospital was replaced or its actor set.
            let text_changed = || h.to_snapshot().unwrap() != before.to_snapshot().unwrap();
            if h.revision() != before.revision() {
                problem = Some("a failed or read-only call changed the revision".into());
            } else if replaced || actor_set {
                if text_changed() {
                    problem = Some("a failed or read-only call changed the snapshot".into());
                }
            } else if h != before {
                problem = Some(if text_changed() {
                    "a failed or read-only call changed the snapshot".into()
                } else {
                    // Same text but not the same inside: an index out of step with the data.
                    "a failed or read-only call changed the hospital's state".into()
                });
            }
        }
        if replaced {
            log_base = h.to_snapshot().unwrap();
        }
        trace.push((call, actual));
        // The state only needs checking again when it changed (the model changes exactly when
        // the hospital should), or when the hospital was replaced by its restored snapshot.
        if problem.is_none() && (mutated || replaced) {
            problem = check_state(&h, &model).err();
        }
        if let Some(problem) = problem {
            let steps: Vec<String> = trace
                .iter()
                .map(|(call, actual)| format!("{}  // -> {}", call.js(&cal), describe(actual)))
                .collect();
            panic!(
                "the hospital and the model disagree at the last step:\nh = new Hospital({options_json})\n{}\n\n{problem}",
                steps.join("\n")
            );
        }
    }
    // Incremental persistence: the log base plus the changes after it rebuild the hospital,
    // and hold the same change records (their actors included).
    let mut replica = Hospital::from_snapshot_in(&log_base, &time_zones()).unwrap();
    let base = replica.revision();
    let changes = h.changes_since(base).unwrap();
    replica.apply_changes(changes).unwrap();
    assert_eq!(
        replica.to_snapshot().unwrap(),
        h.to_snapshot().unwrap(),
        "snapshot + changesSince did not rebuild the hospital"
    );
    assert_eq!(
        replica.changes_since_json(base).unwrap(),
        h.changes_since_json(base).unwrap()
    );
}
/// [`DEFAULT_CASES`] sequences and the XorShift generator (ChaCha, proptest's default, takes
/// half the run time in a debug build), unless `PROPTEST_CASES` / `PROPTEST_RNG_ALGORITHM` say
/// otherwise.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig {
        // tests/model.proptest-regressions (the default looks for a lib.rs beside the test).
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    if std::env::var_os("PROPTEST_RNG_ALGORITHM").is_none() {
        config.rng_algorithm = proptest::test_runner::RngAlgorithm::XorShift;
    }
    config
}

#[test]
fn the_hospital_behaves_like_the_model() {
    let mut config = config();
    config.source_file = Some(file!());
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&case_gen(), |case| {
        run(&case);
        Ok(())
    });
    stats::report();
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// How often each call succeeded or failed with each code, printed at the end of a run with
/// `DR_MODEL_STATS=1` (`cargo test --test model -- --nocapture`): to see that the generated
/// sequences reach what they are meant to (every kind of `HOSPITAL_FULL`, `HOLD_EXPIRED`…).
mod stats {
    use super::Call;
    use dr_schedule::engine::Error;
    use serde_json::Value;
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    static COUNTS: Mutex<BTreeMap<(String, String), usize>> = Mutex::new(BTreeMap::new());

    pub(super) fn count(call: &Call, result: &Result<Value, Error>) {
        if std::env::var_os("DR_MODEL_STATS").is_none() {
            return;
        }
        let outcome = match result {
            Ok(_) => "ok".to_owned(),
            Err(e) => e.code.as_str().to_owned(),
        };
        let mut counts = COUNTS.lock().unwrap();
        *counts.entry((call.name().to_owned(), outcome)).or_default() += 1;
    }

    pub(super) fn note(what: &str) {
        if std::env::var_os("DR_MODEL_STATS").is_none() {
            return;
        }
        let mut counts = COUNTS.lock().unwrap();
        *counts.entry((what.to_owned(), String::new())).or_default() += 1;
    }

    pub(super) fn report() {
        if std::env::var_os("DR_MODEL_STATS").is_none() {
            return;
        }
        for ((call, outcome), n) in COUNTS.lock().unwrap().iter() {
            println!("{call:>45} {outcome:<22} {n:>8}");
        }
    }
}

#[test]
fn the_model_calendar_counts_days() {
    let leap = Cal::new(BASES[0]);
    assert_eq!(leap.date(-1), "2024-02-25");
    assert_eq!(leap.date(3), "2024-02-29");
    assert_eq!(leap.date(4), "2024-03-01");
    assert_eq!(leap.at(3 * DAY + 1425), "2024-02-29T23:45");
    assert_eq!(leap.parse("2024-03-01T00:15"), Some(4 * DAY + 15));
    let new_year = Cal::new(BASES[1]);
    assert_eq!(new_year.date(-2), "2018-12-29");
    assert_eq!(new_year.date(1), "2019-01-01");
    let plain = Cal::new(BASES[2]);
    assert_eq!(plain.date(2), "2023-03-01");
    assert_eq!(plain.date(17), "2023-03-16");
    assert_eq!(
        plain.at(LAST_DAY * DAY),
        format!("{}T00:00", plain.date(LAST_DAY))
    );
    let rule = |days: &[&str], start: &str, end: &str, locations: Option<&[&str]>| Rule {
        days: days.iter().map(|d| d.to_string()).collect(),
        start: start.into(),
        end: end.into(),
        locations: locations.map(|l| l.iter().map(|s| s.to_string()).collect()),
    };
    let mut doctor = MDoctor {
        line: 0,
        id: "d1".into(),
        name: "Dr. Ada".into(),
        locations: vec!["North".into(), "South".into()],
        schedule: vec![
            rule(&["mon"], "09:00", "12:00", None),
            rule(&["mon"], "12:00", "24:00", Some(&["North"])),
        ],
        overrides: Vec::new(),
        time_off: Vec::new(),
    };
    // Touching rules make one block, where both apply.
    assert!(works(&doctor, "North", 7 * DAY + 11 * 60, 13 * 60));
    assert!(!works(&doctor, "South", 7 * DAY + 11 * 60, 2 * 60));
    assert!(works(&doctor, "South", 7 * DAY + 11 * 60, 60));
    assert!(
        !works(&doctor, "North", 7 * DAY + 23 * 60, 120),
        "past midnight"
    );
    // An override replaces the day; time off ends before its end minute.
    doctor.overrides.push(Override {
        day: 7,
        hours: vec![Block {
            start: "10:00".into(),
            end: "11:00".into(),
            locations: Some(vec!["South".into()]),
        }],
    });
    doctor.time_off.push(Off {
        start: 7 * DAY + 600,
        end: 7 * DAY + 615,
        reason: None,
    });
    assert!(!works(&doctor, "North", 7 * DAY + 600, 15));
    assert!(!works(&doctor, "South", 7 * DAY + 600, 15));
    assert!(works(&doctor, "South", 7 * DAY + 615, 45));
    assert!(works(&doctor, "North", 14 * DAY + 600, 15));
}
