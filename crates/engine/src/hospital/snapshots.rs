//! A hospital's snapshots: [`Hospital::to_snapshot`] writes one (format version 3),
//! [`SnapshotLoader`] rebuilds a hospital from one, read in pieces, checking everything (the
//! format itself is [`crate::snapshot`]).

use super::{holds, Hospital};
use crate::appointment::PreviousTime;
use crate::appointment::{Appointment, AppointmentStatus};
use crate::booking::{self, Proposal};
use crate::changes::ChangeLog;
use crate::doctor::Doctor;
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{
    MAX_COUNTER, MAX_DOCTORS, MAX_LOCATION_LEN, MAX_NOTES_LEN, MAX_PATIENT_LEN, MAX_REASON_LEN,
    MAX_REQUEST_ID_LEN, MAX_SNAPSHOT_BYTES,
};
use crate::options::HospitalOptions;
use crate::path::join_path;
use crate::snapshot::{
    self, HeaderLine, NextIds, Row, RowExtras, SnapshotData, SnapshotDataV3, SnapshotHeader,
    V3_END, V3_HEADER_END, V3_MIDDLE, V3_PREFIX, V4_PREFIX,
};
use crate::store::{assigned_number, Extra, Record, Requested, Status};
use crate::time::{Bound, LocalDateTime, Moment};
use crate::validate;
use crate::words::Quoted;
use crate::zone::{Resolved, TimeZones};
use crate::zoned::{self, HospitalZones, Reading};
use crate::{json, json_text};

impl Hospital {
    /// The hospital as JSON text (format version 3), deterministic:
    /// `from_snapshot(s)?.to_snapshot()? == s`.
    pub fn to_snapshot(&self) -> Result<String> {
        let mut out = String::with_capacity(usize::try_from(self.size).unwrap_or(0));
        self.write_snapshot(&mut out);
        Ok(out)
    }

    /// Appends the hospital's snapshot (see [`Hospital::to_snapshot`]) to `out`.
    pub fn write_snapshot(&self, out: &mut String) {
        snapshot::write_header(
            out,
            self.revision,
            &snapshot::options_json(&self.options),
            self.next_ids,
            self.clock.map(|clock| self.zones.stamp(clock)),
        );
        out.push('\n');
        for (i, (_, state)) in self.doctors.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&json::doctor_text(&state.doctor));
            out.push('\n');
        }
        out.push_str(V3_MIDDLE);
        out.push('\n');
        for (i, (seq, record)) in self.store.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let view = super::AppointmentView::new(self, seq, record);
            let fields = json::Fields {
                requested: view
                    .requested()
                    .map(|r| (r, zoned::placed(self.zones.at(&r.location), r.start))),
                ..view.fields()
            };
            json::write_row(out, &fields, view.placed_start());
            out.push('\n');
        }
        out.push_str(V3_END);
    }

    /// Rebuilds a hospital from a snapshot (text of any version this build reads). Fails with
    /// `INVALID_SNAPSHOT` (and `details.path`), `UNSUPPORTED_VERSION`, or `HOSPITAL_FULL` for a
    /// snapshot larger than its `maxSnapshotBytes`; never returns a half-loaded hospital.
    pub fn from_snapshot(text: &str) -> Result<Hospital> {
        Hospital::from_snapshot_in(text, &TimeZones::new())
    }

    /// [`Hospital::from_snapshot`] for a snapshot that may name time zones, found in `zones`.
    pub fn from_snapshot_in(text: &str, zones: &TimeZones) -> Result<Hospital> {
        let mut loader = SnapshotLoader::with_time_zones(None, zones.clone(), None)?;
        loader.feed(text.as_bytes())?;
        loader.finish()
    }

    /// The bytes the header takes in a snapshot, counted with the longest counters it may hold.
    pub(super) fn header_bytes(&self) -> u64 {
        let mut header = String::new();
        snapshot::write_header(
            &mut header,
            MAX_COUNTER,
            &snapshot::options_json(&self.options),
            NextIds {
                doctor: MAX_COUNTER,
                appointment: MAX_COUNTER,
            },
            Some(self.zones.stamp(LocalDateTime::END_OF_RANGE)),
        );
        (header.len() + 1 + V3_MIDDLE.len() + 1 + V3_END.len()) as u64
    }

    /// Adds a doctor from a snapshot: the same checks as [`Hospital::add_doctor`] except that
    /// the id is required; does not count as a mutation.
    fn restore_doctor(&mut self, doctor: Doctor) -> Result<()> {
        validate::id("id", &doctor.id)?;
        doctor.validate_profile()?;
        if self.doctors.len() >= MAX_DOCTORS {
            return Err(Error::invalid_input(
                "",
                format!("more than {MAX_DOCTORS} doctors"),
            ));
        }
        if self.doctors.key_of(&doctor.id).is_some() {
            return Err(Error::duplicate_id("doctor", &doctor.id).with_field("id"));
        }
        let hours = self.availability(&doctor)?;
        let bytes = json_text::line_bytes(&json::doctor_text(&doctor));
        self.insert_doctor(doctor, hours, bytes);
        Ok(())
    }

    /// Adds an appointment from a snapshot: a booked or held one must pass the booking rules
    /// that do not depend on the time of booking (1 to 4, and 6) against those restored before
    /// it; a cancelled or expired one needs only a known doctor and the grid. Does not count as
    /// a mutation.
    fn restore_row(&mut self, row: Row) -> Result<()> {
        let Row {
            id,
            doctor_id,
            location,
            start,
            duration_minutes,
            status,
            patient,
            extras,
        } = row;
        validate::id("id", &id)?;
        validate::lookup_id("doctorId", &doctor_id)?;
        validate::text("location", &location, MAX_LOCATION_LEN)?;
        if let Some(patient) = &patient {
            validate::text("patient", patient, MAX_PATIENT_LEN)?;
        }
        let start = self.stored_time(&location, start, "start")?;
        let extra = self.restored_extra(&id, status, extras)?;
        let status = match status {
            AppointmentStatus::Booked => Status::Booked,
            AppointmentStatus::Held => Status::Held,
            AppointmentStatus::Cancelled => Status::Cancelled,
            AppointmentStatus::Expired => Status::Expired,
        };
        let duration = u16::try_from(duration_minutes)
            .ok()
            .filter(|&d| i64::from(d) <= crate::time::MINUTES_PER_DAY)
            .ok_or_else(|| {
                Error::invalid_input(
                    "durationMinutes",
                    format!("{duration_minutes} is longer than a day"),
                )
            })?;
        self.check_room_for_appointment()?;
        if self.store.find(&id).is_some() {
            return Err(Error::duplicate_id("appointment", &id).with_field("id"));
        }
        if let Some(request_id) = &extra.request_id {
            if let Some(seq) = self.store.find_request(request_id) {
                return Err(
                    Error::request_id_reused(request_id, &self.id_of(seq)).with_field("requestId")
                );
            }
        }
        let (key, state) = self
            .find_doctor(&doctor_id)
            .map_err(|e| e.with_field("doctorId"))?;
        let (place, borrowed) = if status.is_active() {
            let patient = patient.as_deref();
            booking::check_proposal(
                &self.context(state, self.clock, patient),
                &Proposal {
                    location: &location,
                    start,
                    duration: duration_minutes,
                    patient,
                    now: None,
                    moving: None,
                },
            )
            .map_err(|e| {
                // Name the field a reader would fix: the location, or else the time.
                let field = match e.code {
                    ErrorCode::LocationNotServed => "location",
                    _ => "start",
                };
                e.with_field(field)
            })?;
            let place = state
                .place_of(&location)
                .map(|(_, place)| place)
                .ok_or_else(|| Error::location_not_served(&doctor_id, &location))?;
            (place, false)
        } else {
            let wall = zoned::wall(self.zones.at(&location), start);
            booking::check_grid(&self.options, wall, duration_minutes)?;
            // History may name a location the doctor no longer serves.
            (self.places.acquire(&location), true)
        };
        let number = assigned_number(&id).unwrap_or(0);
        let mut extra = extra;
        if number == 0 {
            extra.id = Some(id.as_str().into());
        }
        let record = Record {
            start,
            number,
            patient: patient.map(String::into_boxed_str),
            doctor: key,
            place,
            duration,
            status,
            extra: (!extra.is_empty()).then(|| Box::new(extra)),
        };
        self.insert(record)?;
        if borrowed {
            self.places.release(place);
        }
        Ok(())
    }

    /// The extra part of a restored appointment of `status`, checked.
    fn restored_extra(
        &self,
        id: &str,
        status: AppointmentStatus,
        extras: RowExtras,
    ) -> Result<Extra> {
        let RowExtras {
            request_id,
            hold_expires,
            rescheduled_from,
            cancel_reason,
            notes,
            metadata,
            requested,
            created_at,
            updated_at,
        } = extras;
        let stamp = |moment: Option<Moment>, field: &str| {
            moment.map(|m| self.stored_stamp(m, field)).transpose()
        };
        let hold_expires = stamp(hold_expires, "holdExpires")?;
        let created_at = stamp(created_at, "createdAt")?;
        let updated_at = stamp(updated_at, "updatedAt")?;
        let rescheduled_from = self.stored_trace(rescheduled_from)?;
        if let Some(request_id) = &request_id {
            validate::text("requestId", request_id, MAX_REQUEST_ID_LEN)?;
        }
        if let Some(reason) = &cancel_reason {
            if status != AppointmentStatus::Cancelled {
                return Err(Error::invalid_input(
                    "cancelReason",
                    "only a cancelled appointment has one",
                ));
            }
            validate::text("cancelReason", reason, MAX_REASON_LEN)?;
        }
        let hold = matches!(status, AppointmentStatus::Held | AppointmentStatus::Expired);
        match hold_expires {
            None if hold => {
                return Err(Error::invalid_input("holdExpires", "a hold needs one"));
            }
            Some(_) if !hold => {
                return Err(Error::invalid_input("holdExpires", "only a hold has one"));
            }
            Some(expires)
                if status == AppointmentStatus::Held
                    && self.clock.is_some_and(|clock| expires <= clock) =>
            {
                return Err(Error::invalid_input(
                    "holdExpires",
                    "the hold lapsed by the snapshot's lastNow: it should be expired",
                ));
            }
            Some(expires)
                if status == AppointmentStatus::Expired
                    && self.clock.is_none_or(|clock| expires > clock) =>
            {
                return Err(Error::invalid_input(
                    "holdExpires",
                    "an expired hold lapsed by the snapshot's lastNow",
                ));
            }
            _ => {}
        }
        holds::validate_trace(&rescheduled_from)?;
        if let Some(notes) = &notes {
            validate::notes("notes", notes, MAX_NOTES_LEN)?;
        }
        let requested = match requested {
            Some(r) if request_id.is_some() => {
                validate::text("requested.location", &r.location, MAX_LOCATION_LEN)?;
                if let Some(patient) = &r.patient {
                    validate::text("requested.patient", patient, MAX_PATIENT_LEN)?;
                }
                let duration = u16::try_from(r.duration_minutes).map_err(|_| {
                    Error::invalid_input("requested.durationMinutes", "is longer than a day")
                })?;
                let start = self.stored_time(&r.location, r.start, "requested.start")?;
                Some(Box::new(Requested {
                    held: r.held,
                    location: r.location.into_boxed_str(),
                    start,
                    duration,
                    patient: r.patient.map(String::into_boxed_str),
                }))
            }
            Some(_) => {
                return Err(Error::invalid_input(
                    "requested",
                    format!("appointment {q_id} has no requestId", q_id = Quoted(id)),
                ))
            }
            None => None,
        };
        Ok(Extra {
            id: None,
            request_id: request_id.map(String::into_boxed_str),
            hold_expires,
            rescheduled_from,
            cancel_reason: cancel_reason.map(String::into_boxed_str),
            notes: notes.map(String::into_boxed_str),
            metadata: metadata.map(|m| m.into_json().into_boxed_str()),
            requested,
            created_at,
            updated_at,
        })
    }

    /// An appointment time at `location` as a snapshot writes it, as an engine time. With a time
    /// zone, the wall clock is what was agreed: if the host's rules now give that wall clock
    /// another offset than the one written (the zone's rules changed), the wall clock stays and
    /// the instant moves (the first, if it now happens twice; the instant written, if it no
    /// longer exists). A wall clock without an offset (a floating snapshot loaded into a zone)
    /// must exist once.
    fn stored_time(&self, location: &str, moment: Moment, field: &str) -> Result<LocalDateTime> {
        let zone = self.zones.at(location);
        match (zone, moment.instant()) {
            (Some(zone), Some(written)) => {
                if Some(zone.offset_at(written)) == moment.offset {
                    return Ok(written);
                }
                Ok(match zone.resolve(moment.local) {
                    Resolved::One(utc) | Resolved::Two(utc, _) => utc,
                    Resolved::Gap { .. } => written,
                })
            }
            _ => zoned::read(zone, moment, field, Reading::Start(1)),
        }
    }

    /// An instant of no place (a hold's expiry, a timestamp) as a snapshot writes it, as an
    /// engine time.
    fn stored_stamp(&self, moment: Moment, field: &str) -> Result<LocalDateTime> {
        zoned::read(
            self.zones.hospital(),
            moment,
            field,
            Reading::Bound(Bound::From),
        )
    }

    /// A rescheduling trace as a snapshot writes it, in engine times.
    fn stored_trace(&self, trace: Vec<PreviousTime>) -> Result<Vec<PreviousTime>> {
        if !self.zones.is_zoned() {
            if trace
                .iter()
                .any(|p| p.start_utc.is_some() || p.end_utc.is_some())
            {
                return Err(Error::invalid_input(
                    "rescheduledFrom",
                    "has instants (startUtc, endUtc), and the hospital has no timeZone",
                ));
            }
            return Ok(trace);
        }
        trace
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let zone = self.zones.at(&p.location);
                let field = |name: &str| format!("rescheduledFrom[{i}].{name}");
                let at = |utc: Option<Moment>, wall: LocalDateTime, name: &str, bound: Bound| {
                    let moment = utc.unwrap_or(Moment::wall(wall));
                    zoned::read(zone, moment, &field(name), Reading::Bound(bound))
                };
                Ok(PreviousTime {
                    start: at(p.start_utc, p.start, "startUtc", Bound::From)?,
                    end: at(p.end_utc, p.end, "endUtc", Bound::To)?,
                    location: p.location,
                    start_utc: None,
                    end_utc: None,
                })
            })
            .collect()
    }

    /// Fails with `HOSPITAL_FULL` when the loaded hospital is larger than its limit.
    fn check_loaded_size(&self) -> Result<()> {
        let limit = self.options.max_snapshot_bytes;
        if self.size > limit {
            return Err(
                Error::hospital_full(self.size, 0, limit).with_message(format!(
                "the snapshot takes {} bytes, more than its maxSnapshotBytes of {limit}; load it \
                 with a higher maxSnapshotBytes if that is wanted",
                self.size
            )),
            );
        }
        Ok(())
    }
}

/// An appointment of a version 1 or 2 snapshot as a row, after checking its `end`.
fn row_of(appointment: Appointment) -> Result<Row> {
    let later = [
        ("startUtc", appointment.start_utc.is_some()),
        ("endUtc", appointment.end_utc.is_some()),
        ("createdAt", appointment.created_at.is_some()),
        ("updatedAt", appointment.updated_at.is_some()),
    ];
    if let Some((field, _)) = later.iter().find(|(_, present)| *present) {
        return Err(Error::invalid_input(
            *field,
            "snapshots before version 4 have no such field",
        ));
    }
    let end = appointment
        .start
        .plus_minutes(i64::from(appointment.duration_minutes));
    if end != appointment.end {
        return Err(Error::invalid_input(
            "end",
            format!("is not start + durationMinutes ({end})"),
        ));
    }
    if appointment.status == AppointmentStatus::Expired {
        return Err(Error::invalid_input(
            "status",
            "snapshots before version 3 have no expired appointments",
        ));
    }
    Ok(Row {
        id: appointment.id,
        doctor_id: appointment.doctor_id,
        location: appointment.location,
        start: Moment::wall(appointment.start),
        duration_minutes: appointment.duration_minutes,
        status: appointment.status,
        patient: appointment.patient,
        extras: RowExtras {
            request_id: appointment.request_id,
            hold_expires: appointment.hold_expires,
            rescheduled_from: appointment.rescheduled_from,
            cancel_reason: appointment.cancel_reason,
            notes: appointment.notes,
            metadata: appointment.metadata,
            requested: None,
            created_at: None,
            updated_at: None,
        },
    })
}

/// Re-labels an engine error as `INVALID_SNAPSHOT` at `prefix` + the error's field (a full
/// hospital stays `HOSPITAL_FULL`).
fn at(prefix: String) -> impl FnOnce(Error) -> Error {
    move |e| {
        if e.code == ErrorCode::HospitalFull {
            return e;
        }
        let path = join_path(&prefix, e.details.field.as_deref().unwrap_or_default());
        Error::invalid_snapshot(path, e.message)
    }
}

/// Reads a snapshot handed over in pieces, of any size (each piece is read as it comes: a
/// version 3 snapshot line by line, so the whole text is never held at once), and rebuilds the
/// hospital when it ends. All or nothing: any error ends the load, and nothing of it remains.
///
/// ```
/// use dr_schedule_engine::{Hospital, HospitalOptionsInput, SnapshotLoader};
/// # fn main() -> Result<(), dr_schedule_engine::Error> {
/// let text = Hospital::new(HospitalOptionsInput::default())?.to_snapshot()?;
/// let mut loader = SnapshotLoader::new(None)?;
/// for piece in text.as_bytes().chunks(7) {
///     loader.feed(piece)?;
/// }
/// assert_eq!(loader.finish()?.to_snapshot()?, text);
/// # Ok(())
/// # }
/// ```
pub struct SnapshotLoader {
    max_snapshot_bytes: Option<u64>,
    bytes: usize,
    mode: Mode,
    /// Where the zones the snapshot names are found.
    zones: TimeZones,
    /// A zone to read a floating snapshot's times in (and that a zoned one must have).
    time_zone: Option<String>,
}

enum Mode {
    /// Not enough bytes yet to tell the line layout: the first line has not ended.
    Undecided(Vec<u8>),
    /// A version 3 snapshot in its own layout, read line by line.
    Lines(Box<LineReader>),
    /// Anything else: read whole at the end.
    Whole(Vec<u8>),
}

struct LineReader {
    /// The bytes of a line not yet ended.
    pending: Vec<u8>,
    stage: Stage,
    hospital: Option<Hospital>,
    revision: u64,
    next_ids: NextIds,
    doctors: usize,
    rows: usize,
}

#[derive(PartialEq, Eq)]
enum Stage {
    Header,
    Doctors,
    Appointments,
    /// After the last line: only whitespace may follow.
    Done,
}

impl SnapshotLoader {
    /// A loader; `max_snapshot_bytes` raises the snapshot's own `maxSnapshotBytes`, so that a
    /// snapshot larger than its limit can still be loaded on purpose.
    pub fn new(max_snapshot_bytes: Option<u64>) -> Result<Self> {
        SnapshotLoader::with_time_zones(max_snapshot_bytes, TimeZones::new(), None)
    }

    /// A loader that finds the zones the snapshot names in `zones`. With `time_zone`, a
    /// snapshot of floating wall-clock times (any version) is read in that zone, and becomes a
    /// hospital with that zone (a time it holds that the zone skips or repeats is refused); a
    /// snapshot with a zone of its own must name the same one.
    pub fn with_time_zones(
        max_snapshot_bytes: Option<u64>,
        zones: TimeZones,
        time_zone: Option<String>,
    ) -> Result<Self> {
        if let Some(limit) = max_snapshot_bytes {
            HospitalOptions {
                max_snapshot_bytes: limit,
                ..HospitalOptions::default()
            }
            .validate()?;
        }
        Ok(SnapshotLoader {
            max_snapshot_bytes,
            bytes: 0,
            mode: Mode::Undecided(Vec::new()),
            zones,
            time_zone,
        })
    }

    /// The empty hospital a snapshot's header describes.
    fn hospital(
        &self,
        version: u64,
        mut options: HospitalOptions,
        last_now: Option<Moment>,
    ) -> Result<Hospital> {
        if version < 4 {
            if !options.location_time_zones.is_empty() {
                return Err(Error::invalid_snapshot(
                    "options.locationTimeZones",
                    "snapshots before version 4 have none",
                ));
            }
            // Versions 1 to 3 kept timeZone as a label (of a checked shape) and computed in
            // floating wall-clock time: they load as they were.
            options.validate().map_err(at("options".into()))?;
            options.time_zone = None;
        }
        if let Some(zone) = &self.time_zone {
            match &options.time_zone {
                Some(own) if own != zone => {
                    return Err(Error::invalid_snapshot(
                        "options.timeZone",
                        format!(
                            "the hospital has the time zone {}, not {}",
                            Quoted(own),
                            Quoted(zone)
                        ),
                    ))
                }
                _ => options.time_zone = Some(zone.clone()),
            }
        }
        if let Some(limit) = self.max_snapshot_bytes {
            options.max_snapshot_bytes = options.max_snapshot_bytes.max(limit);
        }
        options.validate().map_err(at("options".into()))?;
        let zones = HospitalZones::of(&options, &self.zones).map_err(at("options".into()))?;
        let mut hospital = Hospital::with_options(options, zones);
        hospital.clock = last_now
            .map(|now| hospital.stored_stamp(now, "lastNow"))
            .transpose()
            .map_err(at(String::new()))?;
        hospital.journal_free();
        Ok(hospital)
    }

    /// Reads the next piece of the snapshot.
    pub fn feed(&mut self, piece: &[u8]) -> Result<()> {
        self.bytes = self.bytes.saturating_add(piece.len());
        if self.bytes > MAX_SNAPSHOT_BYTES {
            return Err(Error::invalid_snapshot(
                "",
                format!("more than {MAX_SNAPSHOT_BYTES} bytes; the limit of a snapshot"),
            ));
        }
        match &mut self.mode {
            Mode::Undecided(start) => {
                start.extend_from_slice(piece);
                // The line layout is this build's own: a text that begins as it does and whose
                // first line is a whole header. Anything else (other key orders, pretty-printed,
                // the same JSON on one line as `JSON.stringify(JSON.parse(text))` gives, other
                // line breaks) is read whole. Undecided holds at most the first line, or the
                // whole text if it has no line break (as reading it whole would).
                let prefixes = [V3_PREFIX.as_bytes(), V4_PREFIX.as_bytes()];
                let begins = |prefix: &[u8]| {
                    start
                        .get(..prefix.len().min(start.len()))
                        .is_some_and(|b| prefix.starts_with(b))
                };
                let lines = if !prefixes.iter().any(|p| begins(p)) {
                    false
                } else if let Some(end) = start.iter().position(|&b| b == b'\n') {
                    let first = start.get(..end).unwrap_or_default();
                    prefixes.iter().any(|p| first.starts_with(p))
                        && first.ends_with(V3_HEADER_END.as_bytes())
                } else {
                    return Ok(());
                };
                let start = std::mem::take(start);
                if lines {
                    let mut reader = Box::new(LineReader {
                        pending: Vec::new(),
                        stage: Stage::Header,
                        hospital: None,
                        revision: 0,
                        next_ids: NextIds::default(),
                        doctors: 0,
                        rows: 0,
                    });
                    reader.feed(&start, self)?;
                    self.mode = Mode::Lines(reader);
                } else {
                    self.mode = Mode::Whole(start);
                }
                Ok(())
            }
            Mode::Lines(reader) => {
                // The reader needs the loader's settings while it is borrowed from it.
                let settings = SnapshotLoader {
                    max_snapshot_bytes: self.max_snapshot_bytes,
                    bytes: 0,
                    mode: Mode::Undecided(Vec::new()),
                    zones: self.zones.clone(),
                    time_zone: self.time_zone.clone(),
                };
                reader.feed(piece, &settings)
            }
            Mode::Whole(text) => {
                text.extend_from_slice(piece);
                Ok(())
            }
        }
    }

    /// The hospital the snapshot describes, once all of it is read.
    pub fn finish(self) -> Result<Hospital> {
        match &self.mode {
            Mode::Undecided(text) | Mode::Whole(text) => load_whole(text, &self),
            Mode::Lines(_) => match self.mode {
                Mode::Lines(reader) => reader.finish(),
                _ => Err(layout("no header")),
            },
        }
    }
}

impl LineReader {
    fn feed(&mut self, piece: &[u8], loader: &SnapshotLoader) -> Result<()> {
        let mut rest = piece;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let (line, tail) = rest.split_at(end);
            rest = tail.get(1..).unwrap_or_default();
            if self.pending.is_empty() {
                self.line(line, loader)?;
            } else {
                let mut whole = std::mem::take(&mut self.pending);
                whole.extend_from_slice(line);
                self.line(&whole, loader)?;
            }
        }
        self.pending.extend_from_slice(rest);
        Ok(())
    }

    fn line(&mut self, line: &[u8], loader: &SnapshotLoader) -> Result<()> {
        match self.stage {
            Stage::Header => {
                let Some(head) = line.strip_suffix(V3_HEADER_END.as_bytes()) else {
                    return Err(layout("the first line does not end with \"doctors\":["));
                };
                let mut object = head.to_vec();
                object.push(b'}');
                let header: HeaderLine = snapshot::parse::<HeaderLine>(&object, "")?;
                let hospital = loader.hospital(header.version, header.options, header.last_now)?;
                self.hospital = Some(hospital);
                self.revision = header.revision;
                self.next_ids = header.next_ids;
                self.stage = Stage::Doctors;
            }
            Stage::Doctors if line == V3_MIDDLE.as_bytes() => self.stage = Stage::Appointments,
            Stage::Doctors => {
                let path = format!("doctors[{}]", self.doctors);
                let json = record_of(line, self.doctors, &path)?;
                let doctor: Doctor = snapshot::parse::<Doctor>(json, &path)?;
                let hospital = self.hospital.as_mut().ok_or_else(|| layout("no header"))?;
                hospital.restore_doctor(doctor).map_err(at(path))?;
                hospital.check_loaded_size()?;
                self.doctors += 1;
            }
            // Whitespace may follow the last line, on it or after a line break.
            Stage::Appointments if line.trim_ascii_end() == V3_END.as_bytes() => {
                self.stage = Stage::Done
            }
            Stage::Done if line.iter().all(u8::is_ascii_whitespace) => {}
            Stage::Done => return Err(layout("something follows its last line")),
            Stage::Appointments => {
                let path = format!("appointments[{}]", self.rows);
                let json = record_of(line, self.rows, &path)?;
                let row: Row = snapshot::parse(json, &path)?;
                let hospital = self.hospital.as_mut().ok_or_else(|| layout("no header"))?;
                hospital.restore_row(row).map_err(at(path))?;
                if self.rows % 1024 == 0 {
                    hospital.check_loaded_size()?;
                }
                self.rows += 1;
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Hospital> {
        let last = std::mem::take(&mut self.pending);
        let ended = match self.stage {
            Stage::Appointments => last.trim_ascii_end() == V3_END.as_bytes(),
            Stage::Done => last.iter().all(u8::is_ascii_whitespace),
            _ => false,
        };
        if !ended {
            return Err(layout(
                "it ends before its last line, or its last line is not ]}",
            ));
        }
        let mut hospital = self.hospital.ok_or_else(|| layout("no header"))?;
        hospital.check_loaded_size()?;
        snapshot::check_counters(self.revision, self.next_ids)?;
        hospital.finish_load(self.revision, self.next_ids);
        Ok(hospital)
    }
}

/// The record of a line: without its comma, which every record but the first starts with.
fn record_of<'a>(line: &'a [u8], index: usize, path: &str) -> Result<&'a [u8]> {
    match (index, line.first()) {
        (0, Some(b',')) | (1.., Some(b'[' | b'{')) => Err(Error::invalid_snapshot(
            path,
            "records are separated by a comma that starts each line but the first",
        )),
        (0, _) => Ok(line),
        _ => Ok(line.get(1..).unwrap_or_default()),
    }
}

/// `INVALID_SNAPSHOT` for a version 3 snapshot not in the layout it is written in.
fn layout(reason: &str) -> Error {
    Error::invalid_snapshot(
        "",
        format!(
            "a version 3 snapshot that begins as this build writes it is read line by line, in \
             the layout it is written in: {reason}"
        ),
    )
}

/// Reads a whole snapshot: versions 1 and 2, or versions 3 and 4 in another layout.
fn load_whole(text: &[u8], loader: &SnapshotLoader) -> Result<Hospital> {
    let version = snapshot::parse::<SnapshotHeader>(text, "")?.readable_version()?;
    let (revision, options, next_ids, last_now, doctors, rows) = if version >= 3 {
        let data = snapshot::parse::<SnapshotDataV3>(text, "")?;
        let rows = data.appointments.into_iter().map(Ok).collect::<Vec<_>>();
        (
            data.revision,
            data.options,
            data.next_ids,
            data.last_now,
            data.doctors,
            rows,
        )
    } else {
        let data = snapshot::parse::<SnapshotData>(text, "")?;
        let last_now = data.checked_last_now(version)?;
        let rows = data
            .appointments
            .into_iter()
            .map(row_of)
            .collect::<Vec<_>>();
        (
            data.revision,
            data.options,
            data.next_ids,
            last_now.map(Moment::wall),
            data.doctors,
            rows,
        )
    };
    // The clock first, so that the appointments' holds are checked against it.
    let mut hospital = loader.hospital(version, options, last_now)?;
    for (i, doctor) in doctors.into_iter().enumerate() {
        hospital
            .restore_doctor(doctor)
            .map_err(at(format!("doctors[{i}]")))?;
    }
    for (i, row) in rows.into_iter().enumerate() {
        let path = format!("appointments[{i}]");
        row.and_then(|row| hospital.restore_row(row))
            .map_err(at(path))?;
    }
    hospital.check_loaded_size()?;
    snapshot::check_counters(revision, next_ids)?;
    hospital.finish_load(revision, next_ids);
    Ok(hospital)
}

impl Hospital {
    /// Nothing to undo while loading: the hospital is thrown away on the first error.
    fn journal_free(&mut self) {
        self.journal = None;
    }

    /// Sets the counters a snapshot records, once everything in it is restored.
    fn finish_load(&mut self, revision: u64, next_ids: NextIds) {
        self.revision = revision;
        self.next_ids = next_ids;
        self.log = ChangeLog::starting_at(revision);
    }
}
