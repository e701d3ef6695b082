//! The snapshot format (README, "Persisting a hospital"; docs/ARCHITECTURE.md, "Snapshots and
//! change records"). This module is the format: its versions, the shapes read, the layout
//! written and the checks that need no hospital. Writing a hospital and rebuilding one are in
//! `hospital/snapshots.rs`.
//!
//! Version 3, written since: JSON in a fixed layout of one record per line, so that a host can
//! hand it over in pieces and the engine reads it without holding the whole text, and compact:
//! each appointment is a row (an array) rather than an object.
//!
//! ```text
//! {"format":"dr-schedule","version":3,"revision":2,"options":{…},"nextIds":{…},"lastNow":null,"doctors":[
//! {"id":"d1","name":"Dr. Ada",…}
//! ],"appointments":[
//! ["a1","d1","1 Main St","2019-02-01T11:00",15,"booked","p-100"]
//! ]}
//! ```
//!
//! A row is `[id, doctorId, location, start, durationMinutes, status, patient or null]`, with an
//! eighth item, an object, when the appointment has any of `requestId`, `holdExpires`,
//! `rescheduledFrom`, `cancelReason`, `notes`, `metadata` or `requested` (what a request with a
//! request id asked for, once the appointment no longer looks like it). The same JSON in any
//! other layout (pretty-printed, say) loads too, read whole.
//!
//! Versions 1 and 2 (one JSON object, appointments as objects) still load. Writing is
//! deterministic: the same state always gives byte-identical text. Loading trusts nothing: it
//! checks types, unknown fields, unique ids, references, every booking rule for booked and held
//! appointments and the size limits, all or nothing, and reports the JSON path of the first
//! problem.

use crate::appointment::{Appointment, AppointmentStatus, PreviousTime};
use crate::doctor::Doctor;
use crate::error::{Error, Result};
use crate::json::WriteJson;
use crate::json_text;
use crate::limits::MAX_COUNTER;
use crate::metadata::Metadata;
use crate::options::HospitalOptions;
use crate::reader::{read_all, read_object, JsonReader, Read, ReadError, ReadJson};
use crate::time::{LocalDateTime, Moment};
use crate::words::Quoted;
use serde::Serialize;

/// The value of the `format` field.
pub(crate) const FORMAT: &str = "dr-schedule";
/// The format version this build writes, and the newest it reads. Version 4 added the hospital's
/// time zone (validated and applied, where versions 1 to 3 kept `timeZone` as a label and
/// computed in floating wall-clock time, as they still load) and `locationTimeZones` to the
/// options; appointment times with their UTC offset in a hospital with a time zone (and
/// instants, in UTC, for `holdExpires` and `lastNow`); and `createdAt`/`updatedAt` to
/// appointments. Version 3 writes one record per line, appointments as rows; it added `maxSnapshotBytes` to the options and, to
/// appointments, the status `expired`, `notes`, `metadata` and `requested`. Version 2 added date
/// overrides, time off and per-location rules to doctors; holds and rescheduling traces to
/// appointments; the notice, horizon and patient-overlap options; and `lastNow`.
pub(crate) const VERSION: u32 = 4;

/// How a version 3 snapshot begins, to the byte: what tells the line reader it may read it.
pub(crate) const V3_PREFIX: &str = "{\"format\":\"dr-schedule\",\"version\":3,";
/// How a version 4 snapshot begins, to the byte.
pub(crate) const V4_PREFIX: &str = "{\"format\":\"dr-schedule\",\"version\":4,";
/// The line between the doctors and the appointments.
pub(crate) const V3_MIDDLE: &str = "],\"appointments\":[";
/// The last line.
pub(crate) const V3_END: &str = "]}";
/// How the first line ends.
pub(crate) const V3_HEADER_END: &str = ",\"doctors\":[";

/// The counters behind assigned ids (`d1`, `d2`… and `a1`, `a2`…), kept in snapshots so that a
/// restored hospital assigns the same ids the original would have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NextIds {
    /// The number in the next assigned doctor id.
    pub doctor: u64,
    /// The number in the next assigned appointment id.
    pub appointment: u64,
}

read_object!(NextIds {
    doctor: "doctor" required,
    appointment: "appointment" required,
});

impl Default for NextIds {
    fn default() -> Self {
        NextIds {
            doctor: 1,
            appointment: 1,
        }
    }
}

/// Just enough to pick a reader: read first, ignoring every other field.
pub(crate) struct SnapshotHeader {
    format: String,
    version: u64,
}

read_object!(skip_unknown SnapshotHeader {
    format: "format" required,
    version: "version" required,
});

impl SnapshotHeader {
    /// The version of a snapshot this build reads (1 to 3); `INVALID_SNAPSHOT` for another
    /// format or version 0, `UNSUPPORTED_VERSION` for a newer one.
    pub(crate) fn readable_version(&self) -> Result<u64> {
        if self.format != FORMAT {
            return Err(Error::invalid_snapshot(
                "format",
                format!("{} is not {}", Quoted(&self.format), Quoted(FORMAT)),
            ));
        }
        match self.version {
            0 => Err(Error::invalid_snapshot("version", "versions start at 1")),
            1..=4 => Ok(self.version),
            // Not a version any build will write, and a number JS cannot hold in details.
            beyond if beyond > MAX_COUNTER => Err(Error::invalid_snapshot(
                "version",
                format!("{beyond} is above {MAX_COUNTER}, the largest integer JS holds exactly"),
            )),
            newer => Err(Error::unsupported_version(newer, VERSION)),
        }
    }
}

/// A version 1 or 2 snapshot, read but not yet checked.
pub(crate) struct SnapshotData {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    pub(crate) revision: u64,
    pub(crate) options: HospitalOptions,
    pub(crate) doctors: Vec<Doctor>,
    pub(crate) appointments: Vec<Appointment>,
    pub(crate) next_ids: NextIds,
    /// Version 2 only, and required there: `Some(null)` when written as `null`.
    pub(crate) last_now: Option<Option<LocalDateTime>>,
}

read_object!(SnapshotData {
    format: "format" required,
    version: "version" required,
    revision: "revision" required,
    options: "options" required,
    doctors: "doctors" required,
    appointments: "appointments" required,
    next_ids: "nextIds" required,
    last_now: "lastNow" nullable,
});

/// A version 3 or 4 snapshot read whole (in any layout), not yet checked.
pub(crate) struct SnapshotDataV3 {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    pub(crate) revision: u64,
    pub(crate) options: HospitalOptions,
    pub(crate) next_ids: NextIds,
    /// Required (`null` when no call passed a `now`).
    pub(crate) last_now: Option<Moment>,
    pub(crate) doctors: Vec<Doctor>,
    pub(crate) appointments: Vec<Row>,
}

read_object!(SnapshotDataV3 {
    format: "format" required,
    version: "version" required,
    revision: "revision" required,
    options: "options" required,
    next_ids: "nextIds" required,
    last_now: "lastNow" required,
    doctors: "doctors" required,
    appointments: "appointments" required,
});

/// The first line of a version 3 or 4 snapshot as read by the line reader: the whole header
/// object.
pub(crate) struct HeaderLine {
    #[allow(dead_code)]
    format: String,
    pub(crate) version: u64,
    pub(crate) revision: u64,
    pub(crate) options: HospitalOptions,
    pub(crate) next_ids: NextIds,
    /// Required (`null` when no call passed a `now`).
    pub(crate) last_now: Option<Moment>,
}

read_object!(HeaderLine {
    format: "format" required,
    version: "version" required,
    revision: "revision" required,
    options: "options" required,
    next_ids: "nextIds" required,
    last_now: "lastNow" required,
});

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

/// An appointment as a row of a version 3 snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) doctor_id: String,
    pub(crate) location: String,
    pub(crate) start: Moment,
    pub(crate) duration_minutes: u32,
    pub(crate) status: AppointmentStatus,
    pub(crate) patient: Option<String>,
    pub(crate) extras: RowExtras,
}

/// The eighth item of a row: what only some appointments have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RowExtras {
    pub(crate) request_id: Option<String>,
    pub(crate) hold_expires: Option<Moment>,
    pub(crate) rescheduled_from: Vec<PreviousTime>,
    pub(crate) cancel_reason: Option<String>,
    pub(crate) notes: Option<String>,
    pub(crate) metadata: Option<Metadata>,
    pub(crate) requested: Option<RequestedFields>,
    pub(crate) created_at: Option<Moment>,
    pub(crate) updated_at: Option<Moment>,
}

read_object!(RowExtras {
    request_id: "requestId" optional,
    hold_expires: "holdExpires" optional,
    rescheduled_from: "rescheduledFrom" default,
    cancel_reason: "cancelReason" optional,
    notes: "notes" optional,
    metadata: "metadata" optional,
    requested: "requested" optional,
    created_at: "createdAt" optional,
    updated_at: "updatedAt" optional,
});

/// What a request with a request id asked for (`requested` of a row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestedFields {
    pub(crate) held: bool,
    pub(crate) location: String,
    pub(crate) start: Moment,
    pub(crate) duration_minutes: u32,
    pub(crate) patient: Option<String>,
}

read_object!(RequestedFields {
    held: "held" default,
    location: "location" required,
    start: "start" required,
    duration_minutes: "durationMinutes" required,
    patient: "patient" optional,
});

/// The names of a row's items, for error paths: `appointments[3].start`, not `[3][3]`.
pub(crate) const ROW_FIELDS: [&str; 8] = [
    "id",
    "doctorId",
    "location",
    "start",
    "durationMinutes",
    "status",
    "patient",
    "",
];

impl ReadJson for Row {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        const EXPECTED: &str = "an appointment row: [id, doctorId, location, start, \
                                durationMinutes, status, patient or null, extras?]";
        let (mut id, mut doctor_id, mut location, mut start) = (None, None, None, None);
        let (mut duration_minutes, mut status, mut patient, mut extras) = (None, None, None, None);
        let mut items = 0;
        reader.array(EXPECTED, &mut |reader, index| {
            match index {
                0 => id = Some(ReadJson::read_json(reader)?),
                1 => doctor_id = Some(ReadJson::read_json(reader)?),
                2 => location = Some(ReadJson::read_json(reader)?),
                3 => start = Some(ReadJson::read_json(reader)?),
                4 => duration_minutes = Some(ReadJson::read_json(reader)?),
                5 => status = Some(ReadJson::read_json(reader)?),
                6 => patient = Some(ReadJson::read_json(reader)?),
                7 => extras = Some(ReadJson::read_json(reader)?),
                _ => return Err(ReadError::new("a row has at most 8 items")),
            }
            items = index + 1;
            Ok(())
        })?;
        let row = (|| {
            Some(Row {
                id: id?,
                doctor_id: doctor_id?,
                location: location?,
                start: start?,
                duration_minutes: duration_minutes?,
                status: status?,
                patient: patient?,
                extras: extras.unwrap_or_default(),
            })
        })();
        row.ok_or_else(|| ReadError::new(format!("has {items} items; expected {EXPECTED}")))
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

/// Writes the first line of a snapshot (without its line break).
pub(crate) fn write_header(
    out: &mut String,
    revision: u64,
    options_json: &str,
    next_ids: NextIds,
    last_now: Option<Moment>,
) {
    out.push_str(V4_PREFIX);
    out.push_str("\"revision\":");
    json_text::write_u64(out, revision);
    out.push_str(",\"options\":");
    out.push_str(options_json);
    out.push_str(",\"nextIds\":{\"doctor\":");
    json_text::write_u64(out, next_ids.doctor);
    out.push_str(",\"appointment\":");
    json_text::write_u64(out, next_ids.appointment);
    out.push_str("},\"lastNow\":");
    match last_now {
        Some(clock) => clock.write_json(out),
        None => out.push_str("null"),
    }
    out.push_str(V3_HEADER_END);
}

/// The options as a snapshot writes them.
pub(crate) fn options_json(options: &HospitalOptions) -> String {
    options.to_json()
}

/// Parses JSON bytes into `T`, naming the path of the first problem (`INVALID_SNAPSHOT`),
/// with `prefix` before it.
pub(crate) fn parse<T: ReadJson>(bytes: &[u8], prefix: &str) -> Result<T> {
    read_all(bytes).map_err(|e| {
        let path = row_path(&crate::path::join_path(prefix, &e.path()));
        Error::invalid_snapshot(path, e.message())
    })
}

/// A path into a row named by the row's fields: `appointments[3][3]` is
/// `appointments[3].start`, `appointments[3][7].notes` is `appointments[3].notes`.
pub(crate) fn row_path(path: &str) -> String {
    let Some(rest) = path.strip_prefix("appointments[") else {
        return path.to_owned();
    };
    let Some((row, tail)) = rest.split_once(']') else {
        return path.to_owned();
    };
    let Some(item) = tail.strip_prefix('[') else {
        return path.to_owned();
    };
    let Some((index, after)) = item.split_once(']') else {
        return path.to_owned();
    };
    let name = index
        .parse::<usize>()
        .ok()
        .and_then(|i| ROW_FIELDS.get(i))
        .copied()
        .unwrap_or("");
    let mut out = format!("appointments[{row}]");
    if !name.is_empty() {
        out.push('.');
        out.push_str(name);
    }
    out.push_str(after);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_paths_name_the_fields() {
        assert_eq!(row_path("appointments[3][3]"), "appointments[3].start");
        assert_eq!(
            row_path("appointments[3][7].notes"),
            "appointments[3].notes"
        );
        assert_eq!(row_path("appointments[3]"), "appointments[3]");
        assert_eq!(row_path("doctors[1].name"), "doctors[1].name");
    }

    #[test]
    fn rows_read_seven_or_eight_items() {
        let row: Row = read_all(br#"["a1","d1","A","2019-02-01T11:00",15,"booked",null]"#).unwrap();
        assert_eq!(row.extras, RowExtras::default());
        let row: Row = read_all(
            br#"["x","d1","A","2019-02-01T11:00",15,"cancelled","p",{"cancelReason":"ill"}]"#,
        )
        .unwrap();
        assert_eq!(row.extras.cancel_reason.as_deref(), Some("ill"));
        for bad in [
            r#"["a1","d1","A","2019-02-01T11:00",15,"booked"]"#,
            r#"["a1","d1","A","2019-02-01T11:00",15,"booked",null,{},1]"#,
            r#"["a1","d1","A","2019-02-01T11:00",15,"booked",null,{"x":1}]"#,
            r#"["a1","d1","A","2019-02-01T11:00",15,"booked",null,[]]"#,
            r#"{"id":"a1"}"#,
        ] {
            assert!(read_all::<Row>(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
