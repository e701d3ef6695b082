//! The snapshot format (DESIGN §4): JSON text holding the same `Doctor` and `Appointment`
//! objects the API returns, so a snapshot reads like the API and needs no second schema.
//!
//! Writing is deterministic: the same state always gives byte-identical text. Loading trusts
//! nothing: it checks types, unknown fields, unique ids, references, every booking rule for
//! booked appointments and the size limits, all or nothing, and reports the JSON path of the
//! first problem.

use crate::appointment::Appointment;
use crate::doctor::Doctor;
use crate::error::{join_path, serde_path, Error, Result};
use crate::hospital::{Hospital, NextIds};
use crate::json;
use crate::limits::{MAX_COUNTER, MAX_SNAPSHOT_BYTES};
use crate::object_only::{self, ObjectOnly};
use crate::options::HospitalOptions;
use crate::time::LocalDateTime;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The value of the `format` field.
pub const FORMAT: &str = "dr-schedule";
/// The format version this build writes, and the newest it reads. Version 2 added date
/// overrides, time off and per-location rules to doctors; holds and rescheduling traces to
/// appointments; the notice, horizon and patient-overlap options; and `lastNow`. Version 1
/// snapshots still load: every field version 2 added has a default.
pub const VERSION: u32 = 2;

/// Just enough to pick a reader: read first, ignoring every other field.
#[derive(Deserialize)]
pub struct SnapshotHeader {
    format: String,
    version: u64,
}

/// A version 1 or 2 snapshot, read but not yet checked.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotData {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    revision: u64,
    #[serde(deserialize_with = "object_only::one")]
    options: HospitalOptions,
    #[serde(deserialize_with = "object_only::vec")]
    doctors: Vec<Doctor>,
    #[serde(deserialize_with = "object_only::vec")]
    appointments: Vec<Appointment>,
    #[serde(deserialize_with = "object_only::one")]
    next_ids: NextIds,
    /// Version 2 only, and required there: `Some(null)` when written as `null`.
    #[serde(default, deserialize_with = "present")]
    last_now: Option<Option<LocalDateTime>>,
}

/// Reads a field that may be `null` as `Some(None)`, so that absent and `null` differ.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<LocalDateTime>>, D::Error> {
    Option::<LocalDateTime>::deserialize(deserializer).map(Some)
}

impl Hospital {
    /// The hospital as JSON text, deterministic: `from_snapshot(s)?.to_snapshot()? == s`. The
    /// fields come in this order: `format`, `version`, `revision`, `options`, `doctors`,
    /// `appointments`, `nextIds`, `lastNow`. Appointments, nearly all of a snapshot, are written
    /// by hand ([`json`](crate::json)), the rest by serde_json; the text is what serde_json
    /// would write for the whole.
    pub fn to_snapshot(&self) -> Result<String> {
        let doctors: Vec<&Doctor> = self.list_doctors().collect();
        let mut out = String::with_capacity(256 + self.all_appointments().count() * 170);
        out.push_str("{\"format\":");
        json::write_str(&mut out, FORMAT);
        out.push_str(",\"version\":");
        json::write_u64(&mut out, u64::from(VERSION));
        out.push_str(",\"revision\":");
        json::write_u64(&mut out, self.revision());
        out.push_str(",\"options\":");
        out.push_str(&serde_text(self.options())?);
        out.push_str(",\"doctors\":");
        out.push_str(&serde_text(&doctors)?);
        out.push_str(",\"appointments\":[");
        for (i, appointment) in self.all_appointments().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json::write_appointment(&mut out, appointment);
        }
        out.push_str("],\"nextIds\":");
        out.push_str(&serde_text(&self.next_ids())?);
        out.push_str(",\"lastNow\":");
        match self.clock() {
            Some(clock) => json::write_date_time(&mut out, clock),
            None => out.push_str("null"),
        }
        out.push('}');
        Ok(out)
    }

    /// Rebuilds a hospital from `to_snapshot` text. Fails with `INVALID_SNAPSHOT` (and
    /// `details.path`) or `UNSUPPORTED_VERSION`; never returns a half-loaded hospital.
    pub fn from_snapshot(text: &str) -> Result<Hospital> {
        if text.len() > MAX_SNAPSHOT_BYTES {
            return Err(Error::invalid_snapshot(
                "",
                format!("{} bytes; the limit is {MAX_SNAPSHOT_BYTES}", text.len()),
            ));
        }
        Hospital::from_snapshot_with(
            || parse::<ObjectOnly<SnapshotHeader>>(text).map(|h| h.0),
            || parse::<ObjectOnly<SnapshotData>>(text).map(|d| d.0),
        )
    }

    /// Rebuilds a hospital from a snapshot another reader reads: first its header, then (if
    /// this build reads its version) the whole of it. The readers report what they cannot read
    /// as `INVALID_SNAPSHOT` with the path. The wasm binding reads the value `JSON.parse`
    /// makes of the text this way, with the reader its inputs use, so that no second reader is
    /// compiled in.
    pub fn from_snapshot_with(
        header: impl FnOnce() -> Result<SnapshotHeader>,
        data: impl FnOnce() -> Result<SnapshotData>,
    ) -> Result<Hospital> {
        let header = header()?;
        if header.format != FORMAT {
            return Err(Error::invalid_snapshot(
                "format",
                format!("{:?} is not {FORMAT:?}", header.format),
            ));
        }
        match header.version {
            0 => Err(Error::invalid_snapshot("version", "versions start at 1")),
            1 | 2 => load(data()?, header.version),
            newer => Err(Error::unsupported_version(newer, VERSION)),
        }
    }
}

/// The small parts of a snapshot, through serde_json.
fn serde_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::invalid_snapshot("", format!("could not be written: {e}")))
}

/// Parses JSON text into `T`, naming the path of the first problem.
fn parse<T: DeserializeOwned>(text: &str) -> Result<T> {
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

/// Re-labels an engine error as `INVALID_SNAPSHOT` at `prefix` + the error's field.
fn at(prefix: String) -> impl FnOnce(Error) -> Error {
    move |e| {
        let path = join_path(&prefix, e.details.field.as_deref().unwrap_or_default());
        Error::invalid_snapshot(path, e.message)
    }
}

fn load(snapshot: SnapshotData, version: u64) -> Result<Hospital> {
    let last_now = match (version, snapshot.last_now) {
        (1, None) => None,
        (1, Some(_)) => {
            return Err(Error::invalid_snapshot(
                "lastNow",
                "version 1 snapshots have no lastNow",
            ))
        }
        (_, Some(last_now)) => last_now,
        (_, None) => {
            return Err(Error::invalid_snapshot(
                "lastNow",
                "missing: version 2 records the latest now it was given, or null",
            ))
        }
    };
    snapshot.options.validate().map_err(at("options".into()))?;
    let mut hospital = Hospital::with_options(snapshot.options);
    hospital.restore_clock(last_now);
    for (i, doctor) in snapshot.doctors.into_iter().enumerate() {
        hospital
            .restore_doctor(doctor)
            .map_err(at(format!("doctors[{i}]")))?;
    }
    for (i, appointment) in snapshot.appointments.into_iter().enumerate() {
        hospital
            .restore_appointment(appointment)
            .map_err(at(format!("appointments[{i}]")))?;
    }
    for (path, counter) in [
        ("revision", snapshot.revision),
        ("nextIds.doctor", snapshot.next_ids.doctor),
        ("nextIds.appointment", snapshot.next_ids.appointment),
    ] {
        if counter > MAX_COUNTER {
            return Err(Error::invalid_snapshot(
                path,
                format!("{counter} is above {MAX_COUNTER}, the largest integer JS holds exactly"),
            ));
        }
    }
    if snapshot.next_ids.doctor == 0 {
        return Err(Error::invalid_snapshot(
            "nextIds.doctor",
            "counters start at 1",
        ));
    }
    if snapshot.next_ids.appointment == 0 {
        return Err(Error::invalid_snapshot(
            "nextIds.appointment",
            "counters start at 1",
        ));
    }
    hospital.restore_counters(snapshot.revision, snapshot.next_ids);
    Ok(hospital)
}
