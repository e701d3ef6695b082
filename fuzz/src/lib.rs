//! What the fuzz targets share: the invariants every loaded or mutated hospital must satisfy,
//! checked by brute force against an oracle that does not use the engine's own time code, and a
//! short workout of operations run on a loaded hospital.
//!
//! Every check panics with a message naming the broken rule: a panic is what libFuzzer reports
//! as a crash, so this crate asserts freely (the engine itself must never panic).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod mutations;
pub mod operations;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike};
use dr_schedule_engine::{
    read_input, Appointment, AppointmentQuery, AppointmentStatus, CancelOptions, ChangeOptions,
    Doctor, Error, ErrorCode, Hospital, Moment, SlotQuery, SnapshotLoader, StatusFilter, Weekday,
    MAX_COUNTER,
};
use serde_json::{json, Value};

/// The zones hospitals find theirs in: `tests/fixtures/time-zones.txt` (as the package's JS layer
/// reads them from Intl), so that snapshots and options naming a zone load.
pub fn zones() -> &'static dr_schedule_engine::TimeZones {
    static ZONES: std::sync::OnceLock<dr_schedule_engine::TimeZones> = std::sync::OnceLock::new();
    ZONES.get_or_init(|| {
        let mut zones = dr_schedule_engine::TimeZones::new();
        for line in include_str!("../../tests/fixtures/time-zones.txt").lines() {
            if let Some((name, data)) = line.split_once('\t') {
                if let Ok(rules) = dr_schedule_engine::ZoneRules::parse(name, data) {
                    zones.insert(rules);
                }
            }
        }
        zones
    })
}

/// The golden fixtures, bases of the mutation target and starting states of the operations
/// target: version 1 (objects), 2 (objects, with overrides, time off, rules per location and
/// holds) and 3 (one record per line, appointments as rows, every version 3 feature).
pub const FIXTURE_V1: &str = include_str!("../../tests/fixtures/snapshot-v1.json");
pub const FIXTURE_V2: &str = include_str!("../../tests/fixtures/snapshot-v2.json");
pub const FIXTURE_V3: &str = include_str!("../../tests/fixtures/snapshot-v3.json");

/// Minutes in a day.
const DAY: i64 = 1440;

// ----- the targets, callable without libFuzzer -----

/// The body of the `from_snapshot` fuzz target: arbitrary bytes → `Hospital::from_snapshot`
/// (if UTF-8) and a [`SnapshotLoader`] fed the same bytes in pieces, which must agree. Never
/// panics; a refusal is `INVALID_SNAPSHOT` (with a path), `UNSUPPORTED_VERSION` or, for a
/// snapshot larger than its own limit, `HOSPITAL_FULL`; what loads is consistent
/// ([`check_invariants`]) and survives a [`workout`].
pub fn from_snapshot(data: &[u8]) {
    // Pieces of a size the input chooses (its first byte), cut anywhere.
    let size = 1 + usize::from(data.first().copied().unwrap_or(0)) % 64;
    let pieces = load_in_pieces(data, size);
    let Ok(text) = std::str::from_utf8(data) else {
        if let Err(e) = &pieces {
            check_load_error(e);
        }
        return;
    };
    let whole = Hospital::from_snapshot_in(text, crate::zones());
    match (&whole, &pieces) {
        (Ok(a), Ok(b)) => assert_eq!(
            a.to_snapshot().expect("to_snapshot"),
            b.to_snapshot().expect("to_snapshot"),
            "in pieces of {size}, another hospital"
        ),
        (Err(a), Err(b)) => assert_eq!(
            (a.code, &a.details.path),
            (b.code, &b.details.path),
            "in pieces of {size}: {b}; whole: {a}"
        ),
        (a, b) => panic!(
            "whole: {:?}; in pieces of {size}: {:?}",
            a.as_ref().map(|_| "loaded"),
            b.as_ref().map(|_| "loaded")
        ),
    }
    match whole {
        Ok(hospital) => {
            check_invariants(&hospital);
            workout(&hospital);
        }
        Err(e) => check_load_error(&e),
    }
}

/// Loads `data` fed to a [`SnapshotLoader`] in pieces of `size` bytes.
pub fn load_in_pieces(data: &[u8], size: usize) -> Result<Hospital, Error> {
    let mut loader = SnapshotLoader::with_time_zones(None, crate::zones().clone(), None)?;
    for piece in data.chunks(size.max(1)) {
        loader.feed(piece)?;
    }
    loader.finish()
}

/// The fuzz targets, by name.
pub const TARGETS: [&str; 3] = ["from_snapshot", "snapshot_mutations", "operations"];

/// Runs one input of the named target the way its libFuzzer binary does (structured inputs
/// are decoded with `arbitrary` exactly as `libfuzzer_sys::fuzz_target!` decodes them; bytes
/// that do not decode are skipped, as there). Lets `cargo test` replay the corpus natively.
pub fn run_target(target: &str, data: &[u8]) {
    fn decode<T: for<'a> arbitrary::Arbitrary<'a>>(data: &[u8]) -> Option<T> {
        if data.len() < T::size_hint(0).0 {
            return None;
        }
        T::arbitrary_take_rest(arbitrary::Unstructured::new(data)).ok()
    }
    match target {
        "from_snapshot" => from_snapshot(data),
        "snapshot_mutations" => {
            if let Some(input) = decode::<mutations::Input>(data) {
                let _ = mutations::run(input);
            }
        }
        "operations" => {
            if let Some(input) = decode::<operations::Input>(data) {
                operations::run(input);
            }
        }
        other => panic!("no fuzz target {other}"),
    }
}

/// What an input of the named target decodes to (`cargo fuzz fmt`, natively).
pub fn describe(target: &str, data: &[u8]) -> String {
    fn decode<T: for<'a> arbitrary::Arbitrary<'a> + std::fmt::Debug>(data: &[u8]) -> String {
        match T::arbitrary_take_rest(arbitrary::Unstructured::new(data)) {
            Ok(input) if data.len() >= T::size_hint(0).0 => format!("{input:#?}"),
            Ok(_) => "(too short: skipped)".to_owned(),
            Err(e) => format!("(does not decode: {e})"),
        }
    }
    match target {
        "snapshot_mutations" => {
            let mut text = decode::<mutations::Input>(data);
            let input = <mutations::Input as arbitrary::Arbitrary>::arbitrary_take_rest(
                arbitrary::Unstructured::new(data),
            );
            if let Ok(input) = input {
                if let Ok(outcome) = std::panic::catch_unwind(|| mutations::run(input)) {
                    text.push_str(&format!("\n#0: {outcome}"));
                }
            }
            text
        }
        "operations" => {
            let mut text = decode::<operations::Input>(data);
            let input = <operations::Input as arbitrary::Arbitrary>::arbitrary_take_rest(
                arbitrary::Unstructured::new(data),
            );
            if let Ok(input) = input {
                let outcomes = std::panic::catch_unwind(|| operations::run(input));
                for (i, outcome) in outcomes.iter().flatten().enumerate() {
                    text.push_str(&format!("\n#{i}: {outcome}"));
                }
            }
            text
        }
        _ => String::from_utf8_lossy(data).into_owned(),
    }
}

// ----- an oracle for dates and times, independent of `dr_schedule_engine::time` -----

/// Parses `YYYY-MM-DDTHH:MM` (the year may have more than four digits) with chrono.
pub fn parse_date_time(text: &str) -> Option<NaiveDateTime> {
    // An instant of a hospital with a time zone (`…:00Z`, `…:00-05:00`): its minute in UTC. Told
    // by what follows the time of day, not by the text's length: the end of hours that run to
    // 24:00 on 9999-12-31 is the wall clock `10000-01-01T00:00`.
    let (date, time) = text.split_once('T')?;
    if time.len() > 5 {
        let wall = parse_date_time(&format!("{date}T{}", time.get(..5)?))?;
        let rest = time.get(5..)?;
        if rest == ":00Z" || rest == "Z" {
            return Some(wall);
        }
        let offset = rest.strip_prefix(":00")?;
        let (sign, hhmm) = (offset.get(..1)?, offset.get(1..)?);
        let (hh, mm) = hhmm.split_once(':')?;
        let minutes = i64::from(hh.parse::<u32>().ok()? * 60 + mm.parse::<u32>().ok()?);
        let minutes = if sign == "-" { -minutes } else { minutes };
        return wall.checked_sub_signed(TimeDelta::minutes(minutes));
    }
    let mut parts = date.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let (hh, mm) = time.split_once(':')?;
    let (hh, mm): (u32, u32) = (hh.parse().ok()?, mm.parse().ok()?);
    NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hh, mm, 0)
}

/// Parses `YYYY-MM-DD` with chrono.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Formats as the engine must: `YYYY-MM-DDTHH:MM`, years zero-padded to four digits.
pub fn format_date_time(t: NaiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// The first instant that is not representable, 10000-01-01T00:00: appointments end before it
/// (an end there could not be written as `YYYY-MM-DDTHH:MM`).
pub fn end_of_range() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(10_000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap()
}

/// The bound of a window as the README's "API" defines it: a date-time as itself, a bare date
/// `from` as its midnight, a bare date `to` as the next midnight. `None` if the text is neither
/// shape.
pub fn parse_bound(text: &str, is_to: bool) -> Option<NaiveDateTime> {
    if text.len() == 10 {
        let midnight = parse_date(text)?.and_hms_opt(0, 0, 0)?;
        Some(if is_to {
            midnight + TimeDelta::days(1)
        } else {
            midnight
        })
    } else if text.len() == 16 && text.as_bytes().get(10) == Some(&b'T') {
        let t = parse_date_time(text)?;
        (format_date_time(t) == text).then_some(t)
    } else {
        None
    }
}

fn minute_of_day(t: NaiveDateTime) -> i64 {
    i64::from(t.hour() * 60 + t.minute())
}

fn weekday_of(t: NaiveDateTime) -> Weekday {
    let index = t.weekday().num_days_from_monday() as usize;
    Weekday::ALL[index]
}

/// Whether `[start, start + duration)` at `location` lies inside the doctor's hours, by brute
/// force: it is one of the doctor's locations, the interval stays on `start`'s date, every
/// minute of it is covered by a block of that date's override (if the date has one) or else by
/// a schedule rule naming that weekday, either applying at the location (covered minutes that
/// touch or overlap form one block, so "every minute covered" is "inside one block"), and no
/// time off overlaps it.
pub fn inside_hours(doctor: &Doctor, location: &str, start: NaiveDateTime, duration: i64) -> bool {
    let from = minute_of_day(start);
    if duration <= 0 || from + duration > DAY || !doctor.locations.iter().any(|l| l == location) {
        return false;
    }
    let applies =
        |l: &Option<Vec<String>>| l.as_ref().is_none_or(|l| l.iter().any(|x| x == location));
    let date = format_date_time(start)[..10].to_owned();
    let blocks: Vec<(i64, i64)> = match doctor.overrides.iter().find(|o| o.date.to_string() == date)
    {
        Some(o) => o
            .hours
            .iter()
            .filter(|b| applies(&b.locations))
            .map(|b| (i64::from(b.start.minutes()), i64::from(b.end.minutes())))
            .collect(),
        None => {
            let weekday = weekday_of(start);
            doctor
                .schedule
                .iter()
                .filter(|r| r.days.contains(&weekday) && applies(&r.locations))
                .map(|r| (i64::from(r.start.minutes()), i64::from(r.end.minutes())))
                .collect()
        }
    };
    let covered = (from..from + duration)
        .all(|minute| blocks.iter().any(|&(s, e)| s <= minute && minute < e));
    let end = start + TimeDelta::minutes(duration);
    let off = doctor.time_off.iter().any(|t| {
        let (Some(s), Some(e)) = (
            parse_date_time(&t.start.to_string()),
            parse_date_time(&t.end.to_string()),
        ) else {
            return false;
        };
        s < end && start < e
    });
    covered && !off
}

/// Start and end of an appointment, by the oracle; checks that the engine's `start`, `end` and
/// `durationMinutes` agree with each other.
fn interval(a: &Appointment) -> (NaiveDateTime, NaiveDateTime) {
    let start_text = a.start.to_string();
    let start = parse_date_time(&start_text).unwrap_or_else(|| {
        panic!(
            "appointment {}: start {start_text:?} is not a date-time",
            a.id
        )
    });
    assert_eq!(
        format_date_time(start),
        start_text,
        "appointment {}: start is not in canonical form",
        a.id
    );
    let end = start + TimeDelta::minutes(i64::from(a.duration_minutes));
    assert_eq!(
        a.end.to_string(),
        format_date_time(end),
        "appointment {}: end is not start + durationMinutes",
        a.id
    );
    (start, end)
}

// ----- invariants -----

/// Checks everything a consistent hospital satisfies, then returns its snapshot text:
/// - `to_snapshot` text loads again (whole, and in pieces) and re-serializes byte for byte;
/// - the size the hospital tracks is within its budget, at least the snapshot's length, and
///   exactly its length plus the documented slack (the header's counters at their longest, the
///   comma the first doctor and the first row lack, 3 bytes per hold);
/// - ids and request ids are unique and every getter returns what the listings hold;
/// - every appointment's times agree and lie on the slot grid, before 10000-01-01;
/// - holds: a live one lapses after the hospital's clock, an expired one lapsed by it;
/// - booked and held appointments: at a location of their doctor, inside the doctor's hours
///   there (overrides and time off included), and no two of one doctor overlap (brute force,
///   pairwise);
/// - `appointments(doctor, {status})` lists exactly that doctor's appointments with that status,
///   by start and then booking order, and page by page the same.
pub fn check_invariants(h: &Hospital) -> String {
    let snapshot = h.to_snapshot().expect("to_snapshot failed");
    let reloaded = Hospital::from_snapshot_in(&snapshot, crate::zones()).unwrap_or_else(|e| {
        panic!("from_snapshot refused to_snapshot's own text: {e}\n{snapshot}")
    });
    assert_eq!(
        reloaded.to_snapshot().expect("to_snapshot failed"),
        snapshot,
        "the snapshot did not round-trip byte for byte"
    );
    let pieces = load_in_pieces(snapshot.as_bytes(), 1 + snapshot.len() % 13)
        .unwrap_or_else(|e| panic!("the loader refused to_snapshot's own text in pieces: {e}"));
    assert_eq!(pieces.to_snapshot().expect("to_snapshot"), snapshot);
    assert_eq!(reloaded.revision(), h.revision());
    assert_eq!(reloaded.next_ids(), h.next_ids());
    assert_eq!(reloaded.snapshot_bytes(), h.snapshot_bytes());
    check_size(h, &snapshot);

    let slot = i64::from(h.options().slot_minutes);
    let doctors: Vec<&Doctor> = h.list_doctors().collect();
    for (i, d) in doctors.iter().enumerate() {
        assert!(
            doctors.iter().take(i).all(|other| other.id != d.id),
            "doctor id {:?} listed twice",
            d.id
        );
        assert_eq!(h.get_doctor(&d.id).ok(), Some(*d), "get_doctor({:?})", d.id);
    }

    let clock = h
        .clock()
        .map(|c| parse_date_time(&c.to_string()).expect("the clock is a date-time"));
    let all: Vec<Appointment> = h.all_appointments().map(|a| a.to_appointment()).collect();
    let mut intervals = Vec::with_capacity(all.len());
    for (i, a) in all.iter().enumerate() {
        assert!(
            all.iter().take(i).all(|other| other.id != a.id),
            "appointment id {:?} listed twice",
            a.id
        );
        if let Some(request_id) = &a.request_id {
            assert!(
                all.iter()
                    .take(i)
                    .all(|other| other.request_id.as_ref() != Some(request_id)),
                "requestId {request_id:?} on two appointments"
            );
        }
        assert_eq!(
            h.get_appointment(&a.id)
                .ok()
                .map(|v| v.to_appointment())
                .as_ref(),
            Some(a),
            "get_appointment({:?})",
            a.id
        );
        let doctor = doctors
            .iter()
            .find(|d| d.id == a.doctor_id)
            .unwrap_or_else(|| panic!("appointment {} names unknown doctor {}", a.id, a.doctor_id));
        let (start, end) = interval(a);
        let duration = i64::from(a.duration_minutes);
        assert!(
            duration > 0 && duration % slot == 0,
            "appointment {}: duration off grid",
            a.id
        );
        assert_eq!(
            minute_of_day(start) % slot,
            0,
            "appointment {}: start off grid",
            a.id
        );
        assert!(
            end <= end_of_range(),
            "appointment {} ends after year 9999",
            a.id
        );
        let expires = a
            .hold_expires
            .map(|e| parse_date_time(&e.to_string()).expect("holdExpires is a date-time"));
        match a.status {
            AppointmentStatus::Held => {
                let expires =
                    expires.unwrap_or_else(|| panic!("hold {} without holdExpires", a.id));
                assert!(
                    clock.is_none_or(|c| c < expires),
                    "hold {} lapsed by the clock but did not expire",
                    a.id
                );
            }
            AppointmentStatus::Expired => {
                let expires =
                    expires.unwrap_or_else(|| panic!("expired {} without holdExpires", a.id));
                assert!(
                    clock.is_some_and(|c| expires <= c),
                    "hold {} expired before the clock reached holdExpires",
                    a.id
                );
            }
            _ => assert!(expires.is_none(), "{} has holdExpires but is no hold", a.id),
        }
        if a.is_active() {
            assert!(
                a.cancel_reason.is_none(),
                "active appointment {} has a cancelReason",
                a.id
            );
            assert!(
                inside_hours(doctor, &a.location, start, duration),
                "appointment {} ({} to {} at {:?}) is outside doctor {}'s hours",
                a.id,
                a.start,
                a.end,
                a.location,
                doctor.id
            );
        }
        intervals.push((start, end));
    }

    // No two booked or held appointments of one doctor overlap (half-open), brute force.
    for (i, (a, (a_start, a_end))) in all.iter().zip(&intervals).enumerate() {
        if !a.is_active() {
            continue;
        }
        for (b, (b_start, b_end)) in all.iter().zip(&intervals).skip(i + 1) {
            if b.is_active() && b.doctor_id == a.doctor_id {
                assert!(
                    a_end <= b_start || b_end <= a_start,
                    "appointments {} and {} of doctor {} overlap",
                    a.id,
                    b.id,
                    a.doctor_id
                );
            }
        }
    }

    // The per-doctor calendar index agrees with the appointment store, whole and in pages.
    for d in &doctors {
        for status in [
            StatusFilter::All,
            StatusFilter::Active,
            StatusFilter::Booked,
            StatusFilter::Held,
            StatusFilter::Cancelled,
            StatusFilter::Expired,
        ] {
            let mut expected: Vec<(&NaiveDateTime, &str)> = all
                .iter()
                .zip(&intervals)
                .filter(|(a, _)| a.doctor_id == d.id)
                .filter(|(a, _)| match status {
                    StatusFilter::All => true,
                    StatusFilter::Booked => a.status == AppointmentStatus::Booked,
                    StatusFilter::Held => a.status == AppointmentStatus::Held,
                    StatusFilter::Active => a.is_active(),
                    StatusFilter::Cancelled => a.status == AppointmentStatus::Cancelled,
                    StatusFilter::Expired => a.status == AppointmentStatus::Expired,
                })
                .map(|(a, (start, _))| (start, a.id.as_str()))
                .collect();
            expected.sort_by_key(|(start, _)| **start); // stable: booking order among equals
            let expected: Vec<&str> = expected.into_iter().map(|(_, id)| id).collect();
            let listed: Vec<String> = h
                .appointments(&d.id, query(None, None, Some(status)))
                .unwrap_or_else(|e| panic!("appointments({:?}) failed: {e}", d.id))
                .into_iter()
                .map(|a| a.id().to_string())
                .collect();
            assert_eq!(listed, expected, "appointments({:?}, {status:?})", d.id);
            // Two at a time, each page after the last of the one before.
            let mut paged: Vec<String> = Vec::new();
            loop {
                let q = AppointmentQuery {
                    limit: Some(2),
                    after: paged.last().cloned(),
                    ..query(None, None, Some(status))
                };
                let page = h.appointments(&d.id, q).expect("a page");
                let n = page.len();
                paged.extend(page.into_iter().map(|a| a.id().to_string()));
                if n < 2 {
                    break;
                }
            }
            assert_eq!(
                paged, expected,
                "appointments({:?}, {status:?}) in pages",
                d.id
            );
        }
    }
    snapshot
}

/// `snapshot_bytes()` is within the budget, at least the snapshot's length, and exactly its
/// length plus the header's slack (revision and id counters counted with 16 digits, `lastNow`
/// as `"10000-01-01T00:00"`), a byte for each non-empty list (the first record's missing comma)
/// and, per appointment, what its status is shorter than "cancelled" (every status is counted
/// as the longest, so that a full hospital can still cancel).
pub fn check_size(h: &Hospital, snapshot: &str) {
    let size = h.snapshot_bytes();
    assert!(
        size <= h.options().max_snapshot_bytes,
        "over its budget: {size}"
    );
    let digits = |n: u64| n.to_string().len() as u64;
    let status_slack: u64 = h
        .all_appointments()
        .map(|a| match a.status() {
            AppointmentStatus::Booked => 3,
            AppointmentStatus::Held => 5,
            AppointmentStatus::Cancelled => 0,
            AppointmentStatus::Expired => 2,
        })
        .sum();
    let exact = snapshot.len() as u64 + 3 * 16
        - digits(h.revision())
        - digits(h.next_ids().doctor)
        - digits(h.next_ids().appointment)
        + if h.clock().is_some() { 1 } else { 15 }
        + u64::from(h.doctor_count() > 0)
        + u64::from(h.appointment_count() > 0)
        + status_slack;
    assert_eq!(
        size,
        exact,
        "snapshot_bytes() against a snapshot of {}",
        snapshot.len()
    );
}

/// An `appointments` query.
pub fn query(
    from: Option<&str>,
    to: Option<&str>,
    status: Option<StatusFilter>,
) -> AppointmentQuery {
    AppointmentQuery {
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        status,
        now: None,
        limit: None,
        after: None,
    }
}

// ----- the rules every call obeys -----

/// How a successful call may change the revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// A read: never changes anything.
    Read,
    /// A mutation: +1 on success, nothing on failure.
    Mutation,
    /// `book`: +1 when it books, nothing when it replays a `requestId` (or fails).
    Book,
    /// A change that may change nothing (`reschedule` to where it is, `updateAppointment`
    /// with the values it has): +1, or nothing at all.
    Maybe,
}

/// Runs one call and checks the README's promises about it ("What it promises"): a failed call (and
/// every read) leaves the snapshot text and the revision exactly as they were; a successful
/// mutation adds exactly one to the revision. `before` is the snapshot text before the call.
pub fn checked<T>(
    h: &mut Hospital,
    effect: Effect,
    what: &str,
    call: impl FnOnce(&mut Hospital) -> Result<T, Error>,
) -> Result<T, Error> {
    let before = h.to_snapshot().expect("to_snapshot failed");
    let revision = h.revision();
    let count = h.all_appointments().count();
    let result = call(h);
    let unchanged = |h: &Hospital, why: &str| {
        assert_eq!(h.revision(), revision, "{what}: {why} changed the revision");
        assert!(
            h.to_snapshot().expect("to_snapshot failed") == before,
            "{what}: {why} changed the snapshot"
        );
    };
    match (&result, effect) {
        (Err(e), _) => unchanged(h, &format!("a failed call ({e})")),
        (Ok(_), Effect::Read) => unchanged(h, "a read"),
        (Ok(_), Effect::Mutation) => {
            assert_eq!(
                h.revision(),
                revision + 1,
                "{what}: success did not add 1 to revision"
            )
        }
        (Ok(_), Effect::Maybe) => {
            if h.revision() == revision {
                unchanged(h, "a change that changed nothing");
            } else {
                assert_eq!(h.revision(), revision + 1, "{what}: success did not add 1");
            }
        }
        (Ok(_), Effect::Book) => {
            if h.all_appointments().count() == count {
                unchanged(h, "a replayed booking");
            } else {
                assert_eq!(
                    h.all_appointments().count(),
                    count + 1,
                    "{what}: booked twice"
                );
                assert_eq!(
                    h.revision(),
                    revision + 1,
                    "{what}: success did not add 1 to revision"
                );
            }
        }
    }
    result
}

/// `availableSlots`, checked: every slot it returns is on the grid, inside the window, in
/// order, and bookable right now (booking it on a copy succeeds). When `exhaustive`, also every
/// grid start it leaves out is unbookable, so the answer is exactly the first `limit` bookable
/// starts. Returns the slots (or the error).
pub fn checked_slots(
    h: &Hospital,
    doctor_id: &str,
    q: &SlotQuery,
    exhaustive: bool,
) -> Result<Vec<String>, Error> {
    let result = h.available_slots(doctor_id, q.clone());
    let slots: Vec<String> = match result {
        Ok(slots) => slots.iter().map(ToString::to_string).collect(),
        Err(e) => return Err(e),
    };
    let from = parse_bound(&q.from, false).expect("the engine accepted a bad from");
    let to = parse_bound(&q.to, true).expect("the engine accepted a bad to");
    let doctor = h
        .get_doctor(doctor_id)
        .expect("slots for an unknown doctor")
        .clone();
    let duration = q
        .duration_minutes
        .unwrap_or(h.options().default_duration_minutes);
    // The location asked for, or any of the doctor's (their hours may differ).
    let locations: Vec<String> = match &q.location {
        Some(l) => vec![l.clone()],
        None => doctor.locations.clone(),
    };
    let limit = q.limit.map_or(usize::MAX, |l| l as usize);
    let slot = i64::from(h.options().slot_minutes);
    let check_id = unused_appointment_id(h, "fuzz-slot-check");
    // Booking on a copy; a failed booking changes nothing, so the copy is renewed only after a
    // success.
    let copy = std::cell::RefCell::new(h.clone());
    let bookable = |start: NaiveDateTime| -> bool {
        let mut copy = copy.borrow_mut();
        locations.iter().any(|location| {
            // An explicit id, so that the check does not depend on the id counter.
            let mut request = json!({
                "doctorId": doctor_id, "location": location, "start": format_date_time(start),
                "durationMinutes": duration, "id": check_id,
            });
            if let Some(now) = q.now {
                request["now"] = json!(now.to_string());
            }
            let request = read_input(request, "request").expect("a well-formed booking");
            match copy.book(request) {
                Ok(_) => {
                    *copy = h.clone();
                    true
                }
                // The budget is no booking rule: the time itself is free.
                Err(e) => e.code == ErrorCode::HospitalFull,
            }
        })
    };
    let mut previous: Option<NaiveDateTime> = None;
    for text in &slots {
        let start = parse_date_time(text).expect("a slot that is not a date-time");
        assert!(start >= from, "slot {text} before the window");
        assert!(
            start + TimeDelta::minutes(i64::from(duration)) <= to,
            "slot {text} ends after the window"
        );
        assert_eq!(minute_of_day(start) % slot, 0, "slot {text} off the grid");
        assert!(
            previous.is_none_or(|p| p < start),
            "slots out of order at {text}"
        );
        assert!(
            revision_exhausted(h) || bookable(start),
            "slot {text} is listed but cannot be booked"
        );
        previous = Some(start);
    }
    assert!(slots.len() <= limit, "more slots than the limit");
    if exhaustive && !revision_exhausted(h) {
        let mut expected = Vec::new();
        let mut t = from.date().and_hms_opt(0, 0, 0).expect("midnight");
        while t + TimeDelta::minutes(i64::from(duration)) <= to && expected.len() < limit {
            if t >= from && bookable(t) {
                expected.push(format_date_time(t));
            }
            t += TimeDelta::minutes(slot);
        }
        assert_eq!(slots, expected, "availableSlots({doctor_id}, {q:?})");
    }
    Ok(slots)
}

// ----- a workout for a loaded hospital -----

/// Whether the revision has reached the largest value a snapshot holds (2^53 - 1), after
/// which a mutation cannot count itself: it may fail then, but may not push the revision past
/// what `from_snapshot` accepts (a successful mutation must still add exactly 1).
pub fn revision_exhausted(h: &Hospital) -> bool {
    h.revision() >= MAX_COUNTER
}

/// Panics unless `result` is a success, or a failure while the revision is exhausted, or for
/// the budget (a loaded hospital may be near its `maxSnapshotBytes`).
fn must_succeed<T>(h: &Hospital, result: Result<T, Error>, what: impl FnOnce() -> String) {
    if let Err(e) = result {
        assert!(
            revision_exhausted(h) || e.code == ErrorCode::HospitalFull,
            "{} failed: {e}",
            what()
        );
    }
}

/// `base`, or `base` with a number after it, whichever no appointment has.
pub fn unused_appointment_id(h: &Hospital, base: &str) -> String {
    (0..)
        .map(|n| {
            if n == 0 {
                base.to_owned()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| h.get_appointment(id).is_err())
        .expect("an unused id")
}

fn read<T: dr_schedule_engine::ReadJson>(value: Value) -> T {
    read_input(value, "input").expect("the workout's own inputs are well-formed")
}

/// Runs a few operations on a copy of a loaded hospital: listings, free slots (booking the
/// first one must succeed), a booking with an assigned id, a new doctor with an assigned id,
/// a cancellation, a narrowing update with and without `cancelAppointments`, a removal. Each
/// call is [`checked`]; the invariants are checked at the end, so a snapshot that loads but
/// cannot be written back after ordinary use is caught too.
pub fn workout(loaded: &Hospital) {
    let mut h = loaded.clone();
    let doctor_ids: Vec<String> = h.list_doctors().take(3).map(|d| d.id.clone()).collect();
    for id in &doctor_ids {
        let listed = checked(&mut h, Effect::Read, "appointments", |h| {
            h.appointments(id, query(None, None, Some(StatusFilter::All)))
                .map(|v| {
                    v.into_iter()
                        .map(|a| a.to_appointment())
                        .collect::<Vec<_>>()
                })
        })
        .expect("listing a known doctor");
        // Free slots over two days from the first appointment's date (or a fixed Monday).
        let date = listed.first().map_or_else(
            || "2026-03-02".to_owned(),
            |a| a.start.to_string()[..10].to_owned(),
        );
        let day_after = parse_date(&date)
            .and_then(|d| d.succ_opt())
            .map(|d| d.format("%Y-%m-%d").to_string());
        let Some(day_after) = day_after.filter(|d| d.len() == 10) else {
            continue;
        };
        // A hospital with a notice or a horizon needs `now` on every search and booking: its
        // clock, or the first day searched. A zoned hospital's clock is a UTC instant, and its
        // stand-in is the day's midnight in UTC (a wall-clock midnight may not exist in the
        // hospital's zone); a floating hospital's are wall-clock times.
        let options = h.options();
        let now = (options.min_notice_minutes.is_some() || options.horizon_days.is_some())
            .then(|| {
                let as_moment = |t| {
                    if h.is_zoned() {
                        Moment::at(t, 0)
                    } else {
                        Moment::wall(t)
                    }
                };
                h.clock()
                    .or_else(|| {
                        dr_schedule_engine::LocalDateTime::parse(&format!("{date}T00:00")).ok()
                    })
                    .map(as_moment)
            })
            .flatten();
        let q = SlotQuery {
            from: date,
            to: day_after,
            duration_minutes: None,
            location: None,
            limit: Some(5),
            now,
        };
        let slots = checked_slots(&h, id, &q, false).expect("slots for a known doctor");
        if let Some(first) = slots.first() {
            // The first of the doctor's locations where the slot is free (hours may differ
            // between locations).
            let new_id = unused_appointment_id(&h, "fuzz-free-slot");
            let request = |location: &str| {
                let mut request = json!({
                    "doctorId": id, "location": location, "start": first, "id": new_id
                });
                if let Some(now) = q.now {
                    request["now"] = json!(now.to_string());
                }
                read::<dr_schedule_engine::BookRequest>(request)
            };
            let locations = h.get_doctor(id).expect("known").locations.clone();
            let location = locations
                .iter()
                .find(|l| h.clone().book(request(l)).is_ok())
                .cloned()
                .unwrap_or_else(|| locations[0].clone());
            let booked = checked(&mut h, Effect::Book, "book a free slot", |h| {
                h.book(request(&location)).map(|a| a.to_appointment())
            });
            must_succeed(&h, booked, || format!("booking free slot {first} of {id}"));
        }
    }
    let _ = checked(&mut h, Effect::Mutation, "add doctor", |h| {
        h.add_doctor(read(json!({
            "name": "Dr. Fuzz", "locations": ["Fuzz Lab"],
            "schedule": [{ "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                           "start": "00:00", "end": "24:00" }]
        })))
        .cloned()
    });
    let booked_id = h
        .all_appointments()
        .find(|a| a.status() == AppointmentStatus::Booked)
        .map(|a| a.id().to_string());
    if let Some(id) = booked_id {
        let cancelled = checked(&mut h, Effect::Mutation, "cancel", |h| {
            h.cancel(
                &id,
                CancelOptions {
                    reason: Some("fuzz".into()),
                    now: None,
                },
            )
            .map(|a| a.to_appointment())
        });
        // With a reason it may not fit a full hospital; then the same cancel without one must
        // (every status counts as long as "cancelled").
        let was_cancelled = cancelled.is_ok();
        must_succeed(&h, cancelled, || {
            format!("cancelling booked appointment {id}")
        });
        let again = checked(&mut h, Effect::Mutation, "cancel again", |h| {
            h.cancel(&id, CancelOptions::default())
                .map(|a| a.to_appointment())
        });
        if was_cancelled {
            assert!(again.is_err(), "cancelled {id} twice");
        } else {
            must_succeed(&h, again, || {
                format!("cancelling {id} without a reason in a full hospital")
            });
        }
    }
    if let Some(id) = doctor_ids.first() {
        let patch =
            || read(json!({ "schedule": [{ "days": ["mon"], "start": "10:00", "end": "11:00" }] }));
        let _ = checked(&mut h, Effect::Mutation, "narrow hours", |h| {
            h.update_doctor(id, patch(), ChangeOptions::default())
                .cloned()
        });
        let updated = checked(&mut h, Effect::Mutation, "narrow hours, cancelling", |h| {
            h.update_doctor(
                id,
                patch(),
                ChangeOptions {
                    cancel_appointments: Some(true),
                },
            )
            .cloned()
        });
        must_succeed(&h, updated, || {
            format!("update_doctor({id}) with cancelAppointments")
        });
    }
    if let Some(id) = doctor_ids.last() {
        let removed = checked(&mut h, Effect::Mutation, "remove doctor", |h| {
            h.remove_doctor(
                id,
                ChangeOptions {
                    cancel_appointments: Some(true),
                },
            )
        });
        must_succeed(&h, removed, || {
            format!("remove_doctor({id}) with cancelAppointments")
        });
    }
    // One booking with an assigned id, on the new doctor (who works around the clock).
    let new_id = h
        .list_doctors()
        .find(|d| d.name == "Dr. Fuzz")
        .map(|d| d.id.clone());
    if let Some(new_id) = new_id {
        let _ = checked(&mut h, Effect::Book, "book with an assigned id", |h| {
            h.book(read(json!({
                "doctorId": new_id, "location": "Fuzz Lab", "start": "2026-03-02T10:00"
            })))
            .map(|a| a.to_appointment())
        });
    }
    check_invariants(&h);
}

// ----- snapshots to start from -----

/// Reports a load error that breaks the README's promise for snapshots ("Persisting a hospital",
/// "Errors"): `from_snapshot` fails only with `INVALID_SNAPSHOT` (naming a path),
/// `UNSUPPORTED_VERSION`, or `HOSPITAL_FULL` for a snapshot larger than its own
/// `maxSnapshotBytes` (or with more appointments than a hospital holds).
pub fn check_load_error(e: &Error) {
    match e.code {
        ErrorCode::InvalidSnapshot => {
            assert!(
                e.details.path.is_some(),
                "INVALID_SNAPSHOT without details.path: {e}"
            )
        }
        ErrorCode::UnsupportedVersion => {}
        ErrorCode::HospitalFull => {
            let (Some(current), Some(limit)) = (e.details.current, e.details.limit) else {
                panic!("HOSPITAL_FULL without its details: {e}");
            };
            assert!(current >= limit, "{e}");
            assert!(e.details.limit_of.is_some(), "{e}");
        }
        other => panic!("from_snapshot failed with {other}, not INVALID_SNAPSHOT: {e}"),
    }
}

fn build(options: Value, doctors: &[Value], steps: &[(&str, Value)]) -> String {
    let mut h = Hospital::with_time_zones(read(options), zones()).expect("valid options");
    for d in doctors {
        h.add_doctor(read(d.clone())).expect("valid doctor");
    }
    for (what, v) in steps {
        match *what {
            "book" => {
                h.book(read(v.clone()))
                    .unwrap_or_else(|e| panic!("seed booking {v}: {e}"));
            }
            "cancel" => {
                let id = v["id"].as_str().expect("an id");
                h.cancel(id, read(v["options"].clone()))
                    .expect("seed cancel");
            }
            "update" => {
                let id = v["id"].as_str().expect("an id");
                h.update_doctor(
                    id,
                    read(v["patch"].clone()),
                    read(json!({"cancelAppointments": true})),
                )
                .expect("seed update");
            }
            "remove" => {
                let id = v["id"].as_str().expect("an id");
                h.remove_doctor(id, read(json!({"cancelAppointments": true})))
                    .expect("seed remove");
            }
            "hold" => {
                h.hold(read(v.clone()))
                    .unwrap_or_else(|e| panic!("seed hold {v}: {e}"));
            }
            "confirm" => {
                let id = v["id"].as_str().expect("an id");
                h.confirm(id, read(json!({ "now": v["now"] })))
                    .expect("seed confirm");
            }
            "reschedule" => {
                let id = v["id"].as_str().expect("an id");
                h.reschedule(id, read(v["request"].clone()))
                    .expect("seed reschedule");
            }
            "note" => {
                let id = v["id"].as_str().expect("an id");
                h.update_appointment(id, read(v["patch"].clone()))
                    .expect("seed updateAppointment");
            }
            other => panic!("unknown seed step {other}"),
        }
    }
    check_invariants(&h)
}

/// A 5-minute-grid hospital built through the API: back-to-back appointments (10:00–10:15 and
/// 10:15–10:30), touching schedule rules merged into one block, a booking across the join, one
/// ending at 24:00, a cancelled one at the same start as a booked one, host-chosen and
/// assigned ids, request ids, a removed doctor and an update that cancelled a booking; and
/// version 3's: a live hold, a hold that expired, one confirmed, notes and metadata, a moved
/// appointment whose first request is kept, a patient changed, `lastNow`.
pub fn built_snapshot() -> String {
    let all_week = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    build(
        json!({ "slotMinutes": 5, "defaultDurationMinutes": 15 }),
        &[
            json!({ "id": "ada", "name": "Dr. Ada", "locations": ["North", "South"],
                    "schedule": [{ "days": ["mon", "tue"], "start": "09:00", "end": "12:00" },
                                 { "days": ["mon"], "start": "12:00", "end": "17:00" }] }),
            json!({ "name": "Dr. Night", "locations": ["ER"],
                    "schedule": [{ "days": all_week, "start": "20:00", "end": "24:00" }] }),
            json!({ "name": "Dr. Temp", "locations": ["North"],
                    "schedule": [{ "days": ["wed"], "start": "08:00", "end": "09:00" }] }),
        ],
        &[
            (
                "book",
                json!({ "doctorId": "ada", "location": "North", "start": "2019-02-04T10:00", "patient": "p-1", "requestId": "r-1" }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-04T10:15", "id": "visit-7" }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "North", "start": "2019-02-04T11:50", "durationMinutes": 20 }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "North", "start": "2019-02-04T13:00" }),
            ),
            (
                "cancel",
                json!({ "id": "a3", "options": { "reason": "moved" } }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-04T13:00", "durationMinutes": 10 }),
            ),
            (
                "book",
                json!({ "doctorId": "d1", "location": "ER", "start": "2019-02-09T23:45" }),
            ),
            (
                "book",
                json!({ "doctorId": "d2", "location": "North", "start": "2019-02-06T08:00" }),
            ),
            ("remove", json!({ "id": "d2" })),
            (
                "book",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-05T09:00", "requestId": "r-2" }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-05T11:00" }),
            ),
            (
                "hold",
                json!({ "doctorId": "ada", "location": "North", "start": "2019-02-04T15:00",
                        "now": "2019-02-01T08:00", "ttlMinutes": 600, "requestId": "r-hold",
                        "id": "h-1", "patient": "p-2" }),
            ),
            (
                "hold",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-04T15:30",
                        "now": "2019-02-01T08:00", "ttlMinutes": 5, "id": "h-2",
                        "requestId": "r-lapsed" }),
            ),
            (
                "book",
                json!({ "doctorId": "ada", "location": "North", "start": "2019-02-04T16:00",
                        "id": "n-1", "requestId": "r-3", "patient": "p-3",
                        "notes": "bring the \"x-rays\"\nfasting\tüber 🩺",
                        "metadata": { "visit": "follow-up", "n": [1, 2.5, null], "o": { "a": true } },
                        "now": "2019-02-01T08:10" }),
            ),
            (
                "reschedule",
                json!({ "id": "n-1", "request": { "start": "2019-02-04T16:30", "notes": "moved" } }),
            ),
            (
                "note",
                json!({ "id": "a1", "patch": { "patient": "p-9", "metadata": { "k": "v" } } }),
            ),
            ("confirm", json!({ "id": "h-1", "now": "2019-02-01T08:20" })),
            (
                "hold",
                json!({ "doctorId": "ada", "location": "South", "start": "2019-02-04T15:30",
                        "now": "2019-02-01T08:30", "ttlMinutes": 120, "id": "h-3" }),
            ),
            (
                "update",
                json!({ "id": "ada", "patch": { "schedule": [
                { "days": ["mon", "tue"], "start": "09:00", "end": "11:00" },
                { "days": ["mon"], "start": "11:00", "end": "17:00" }] } }),
            ),
        ],
    )
}

/// The edges of the ranges: hourly slots, a doctor working around the clock every day, a
/// booking on 0001-01-01, one on 9999-12-31 (an hour before the end of the range: one ending
/// at 10000-01-01T00:00 is crash 1 in fuzz/README.md, kept out of this base), a whole-day
/// booking, a leap day, touching rules on either side of midnight, and non-ASCII text.
pub fn edge_snapshot() -> String {
    let all_week = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    build(
        json!({ "slotMinutes": 60, "defaultDurationMinutes": 60 }),
        &[
            json!({ "id": "always", "name": "Dr. Always", "locations": ["Everywhere"],
                    "schedule": [{ "days": all_week, "start": "00:00", "end": "24:00" }] }),
            json!({ "id": "x", "name": "Dr. 🩺 X", "locations": ["Klinik Süd", "日本"],
                    "schedule": [{ "days": ["thu"], "start": "23:00", "end": "24:00" },
                                 { "days": ["thu"], "start": "00:00", "end": "01:00" }] }),
        ],
        &[
            (
                "book",
                json!({ "doctorId": "always", "location": "Everywhere", "start": "0001-01-01T00:00" }),
            ),
            (
                "book",
                json!({ "doctorId": "always", "location": "Everywhere", "start": "9999-12-31T22:00" }),
            ),
            (
                "book",
                json!({ "doctorId": "always", "location": "Everywhere", "start": "2024-02-29T00:00", "durationMinutes": 1440 }),
            ),
            (
                "book",
                json!({ "doctorId": "x", "location": "日本", "start": "2024-02-29T23:00", "id": "a1000" }),
            ),
            (
                "book",
                json!({ "doctorId": "x", "location": "Klinik Süd", "start": "2024-02-29T00:00" }),
            ),
            ("cancel", json!({ "id": "a1000", "options": {} })),
        ],
    )
}
