//! The snapshot format: JSON text holding the same `Doctor` and `Appointment` objects the API
//! returns, so a snapshot reads like the API and needs no second schema (README, "Snapshots";
//! docs/ARCHITECTURE.md, "Snapshots and change records"). This module is the format: its
//! version, the shapes read, the deterministic writer and the checks that need no hospital.
//! Writing a hospital and rebuilding one are in `hospital/snapshots.rs`.
//!
//! Writing is deterministic: the same state always gives byte-identical text. Loading trusts
//! nothing: it checks types, unknown fields, unique ids, references, every booking rule for
//! booked appointments and the size limits, all or nothing, and reports the JSON path of the
//! first problem.

use crate::appointment::Appointment;
use crate::doctor::Doctor;
use crate::error::{Error, Result};
use crate::json;
use crate::limits::MAX_COUNTER;
use crate::object_only;
use crate::options::HospitalOptions;
use crate::path::serde_path;
use crate::time::LocalDateTime;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The value of the `format` field.
pub(crate) const FORMAT: &str = "dr-schedule";
/// The format version this build writes, and the newest it reads. Version 2 added date
/// overrides, time off and per-location rules to doctors; holds and rescheduling traces to
/// appointments; the notice, horizon and patient-overlap options; and `lastNow`. Version 1
/// snapshots still load: every field version 2 added has a default.
pub(crate) const VERSION: u32 = 2;

/// The counters behind assigned ids (`d1`, `d2`… and `a1`, `a2`…), kept in snapshots so that a
/// restored hospital assigns the same ids the original would have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextIds {
    /// The number in the next assigned doctor id.
    pub doctor: u64,
    /// The number in the next assigned appointment id.
    pub appointment: u64,
}

impl Default for NextIds {
    fn default() -> Self {
        NextIds {
            doctor: 1,
            appointment: 1,
        }
    }
}

/// Just enough to pick a reader: read first, ignoring every other field.
#[derive(Deserialize)]
pub(crate) struct SnapshotHeader {
    format: String,
    version: u64,
}

impl SnapshotHeader {
    /// The version of a snapshot this build reads (1 or 2); `INVALID_SNAPSHOT` for another
    /// format or version 0, `UNSUPPORTED_VERSION` for a newer one.
    pub(crate) fn readable_version(&self) -> Result<u64> {
        if self.format != FORMAT {
            return Err(Error::invalid_snapshot(
                "format",
                format!("{:?} is not {FORMAT:?}", self.format),
            ));
        }
        match self.version {
            0 => Err(Error::invalid_snapshot("version", "versions start at 1")),
            1 | 2 => Ok(self.version),
            newer => Err(Error::unsupported_version(newer, VERSION)),
        }
    }
}

/// A version 1 or 2 snapshot, read but not yet checked.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SnapshotData {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    pub(crate) revision: u64,
    #[serde(deserialize_with = "object_only::one")]
    pub(crate) options: HospitalOptions,
    #[serde(deserialize_with = "object_only::vec")]
    pub(crate) doctors: Vec<Doctor>,
    #[serde(deserialize_with = "object_only::vec")]
    pub(crate) appointments: Vec<Appointment>,
    #[serde(deserialize_with = "object_only::one")]
    pub(crate) next_ids: NextIds,
    /// Version 2 only, and required there: `Some(null)` when written as `null`.
    #[serde(default, deserialize_with = "present")]
    pub(crate) last_now: Option<Option<LocalDateTime>>,
}

/// Reads a field that may be `null` as `Some(None)`, so that absent and `null` differ.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<LocalDateTime>>, D::Error> {
    Option::<LocalDateTime>::deserialize(deserializer).map(Some)
}

impl SnapshotData {
    /// The `lastNow` a snapshot of `version` records: version 1 has none, version 2 must have
    /// one (`null` when no call passed a `now`).
    pub(crate) fn checked_last_now(&self, version: u64) -> Result<Option<LocalDateTime>> {
        match (version, self.last_now) {
            (1, None) => Ok(None),
            (1, Some(_)) => Err(Error::invalid_snapshot(
                "lastNow",
                "version 1 snapshots have no lastNow",
            )),
            (_, Some(last_now)) => Ok(last_now),
            (_, None) => Err(Error::invalid_snapshot(
                "lastNow",
                "missing: version 2 records the latest now it was given, or null",
            )),
        }
    }
}

/// Checks a snapshot's counters: none above [`MAX_COUNTER`], the id counters from 1.
pub(crate) fn check_counters(revision: u64, next_ids: NextIds) -> Result<()> {
    for (path, counter) in [
        ("revision", revision),
        ("nextIds.doctor", next_ids.doctor),
        ("nextIds.appointment", next_ids.appointment),
    ] {
        if counter > MAX_COUNTER {
            return Err(Error::invalid_snapshot(
                path,
                format!("{counter} is above {MAX_COUNTER}, the largest integer JS holds exactly"),
            ));
        }
    }
    if next_ids.doctor == 0 {
        return Err(Error::invalid_snapshot(
            "nextIds.doctor",
            "counters start at 1",
        ));
    }
    if next_ids.appointment == 0 {
        return Err(Error::invalid_snapshot(
            "nextIds.appointment",
            "counters start at 1",
        ));
    }
    Ok(())
}

/// What a snapshot holds, to be written.
pub(crate) struct Contents<'a, A> {
    /// The hospital's revision.
    pub(crate) revision: u64,
    /// Its options.
    pub(crate) options: &'a HospitalOptions,
    /// Its doctors, in insertion order.
    pub(crate) doctors: &'a [&'a Doctor],
    /// Every appointment, booked, held and cancelled, in booking order.
    pub(crate) appointments: A,
    /// The id counters.
    pub(crate) next_ids: NextIds,
    /// The latest `now` a successful call passed in.
    pub(crate) last_now: Option<LocalDateTime>,
}

/// The snapshot text, deterministic. The fields come in this order: `format`, `version`,
/// `revision`, `options`, `doctors`, `appointments`, `nextIds`, `lastNow`. Appointments, nearly
/// all of a snapshot, are written by hand ([`json`](crate::json)), the rest by serde_json; the
/// text is what serde_json would write for the whole.
pub(crate) fn write<'a, A>(contents: Contents<'a, A>) -> Result<String>
where
    A: ExactSizeIterator<Item = &'a Appointment>,
{
    let Contents {
        revision,
        options,
        doctors,
        appointments,
        next_ids,
        last_now,
    } = contents;
    let mut out = String::with_capacity(256 + appointments.len() * 170);
    out.push_str("{\"format\":");
    json::write_str(&mut out, FORMAT);
    out.push_str(",\"version\":");
    json::write_u64(&mut out, u64::from(VERSION));
    out.push_str(",\"revision\":");
    json::write_u64(&mut out, revision);
    out.push_str(",\"options\":");
    out.push_str(&serde_text(options)?);
    out.push_str(",\"doctors\":");
    out.push_str(&serde_text(doctors)?);
    out.push_str(",\"appointments\":[");
    for (i, appointment) in appointments.enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_appointment(&mut out, appointment);
    }
    out.push_str("],\"nextIds\":");
    out.push_str(&serde_text(&next_ids)?);
    out.push_str(",\"lastNow\":");
    match last_now {
        Some(clock) => json::write_date_time(&mut out, clock),
        None => out.push_str("null"),
    }
    out.push('}');
    Ok(out)
}

/// The small parts of a snapshot, through serde_json.
fn serde_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::invalid_snapshot("", format!("could not be written: {e}")))
}

/// Parses snapshot text into `T`, naming the path of the first problem.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let reason = e.inner().to_string();
        Error::invalid_snapshot(serde_path(e.path(), &reason), reason)
    })?;
    deserializer
        .end()
        .map_err(|e| Error::invalid_snapshot("", e))?;
    Ok(value)
}
