//! A hospital's snapshots: [`Hospital::to_snapshot`] writes one, [`Hospital::from_snapshot`]
//! rebuilds a hospital from one, checking everything (the format itself is
//! [`crate::snapshot`]).

use super::{holds, Hospital};
use crate::appointment::{Appointment, AppointmentStatus};
use crate::booking::{self, Proposal};
use crate::changes::ChangeLog;
use crate::doctor::Doctor;
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{MAX_APPOINTMENTS, MAX_DOCTORS, MAX_REASON_LEN, MAX_SNAPSHOT_BYTES};
use crate::object_only::ObjectOnly;
use crate::path::join_path;
use crate::requests::BookRequest;
use crate::snapshot::{self, Contents, SnapshotData, SnapshotHeader};
use crate::validate;
use serde::{Deserialize, Deserializer};

impl Hospital {
    /// The hospital as JSON text, deterministic: `from_snapshot(s)?.to_snapshot()? == s`. The
    /// fields come in this order: `format`, `version`, `revision`, `options`, `doctors`,
    /// `appointments`, `nextIds`, `lastNow`. Appointments, nearly all of a snapshot, are written
    /// by hand, the rest by serde_json; the text is what serde_json would write for the whole.
    pub fn to_snapshot(&self) -> Result<String> {
        let doctors: Vec<&Doctor> = self.list_doctors().collect();
        snapshot::write(Contents {
            revision: self.revision,
            options: &self.options,
            doctors: &doctors,
            appointments: self.appointments.values(),
            next_ids: self.next_ids,
            last_now: self.clock,
        })
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
            || snapshot::parse::<ObjectOnly<SnapshotHeader>>(text).map(|h| h.0),
            || snapshot::parse::<ObjectOnly<SnapshotData>>(text).map(|d| d.0),
        )
    }

    /// Rebuilds a hospital from a snapshot that another serde reader reads, as
    /// [`Hospital::from_snapshot`] does from text: the same checks, the same errors. The wasm
    /// binding reads the value `JSON.parse` makes of the text this way, with the reader its
    /// inputs use, so that no second reader is compiled in. `reader` gives a new deserializer
    /// over the whole snapshot each time it is called (once for its header, then, if this
    /// build reads that version, once for the whole); `error` turns what the reader reports
    /// into `INVALID_SNAPSHOT` with the path of the value at fault (see
    /// [`invalid_snapshot_at`](crate::invalid_snapshot_at)).
    pub fn from_snapshot_reader<'de, D: Deserializer<'de>>(
        reader: impl Fn() -> D,
        error: impl Fn(D::Error) -> Error,
    ) -> Result<Hospital> {
        Hospital::from_snapshot_with(
            || {
                ObjectOnly::<SnapshotHeader>::deserialize(reader())
                    .map(|h| h.0)
                    .map_err(&error)
            },
            || {
                ObjectOnly::<SnapshotData>::deserialize(reader())
                    .map(|d| d.0)
                    .map_err(&error)
            },
        )
    }

    /// Rebuilds a hospital from a snapshot read in two parts: first its header, then (if this
    /// build reads its version) the whole of it. The readers report what they cannot read as
    /// `INVALID_SNAPSHOT` with the path.
    fn from_snapshot_with(
        header: impl FnOnce() -> Result<SnapshotHeader>,
        data: impl FnOnce() -> Result<SnapshotData>,
    ) -> Result<Hospital> {
        let version = header()?.readable_version()?;
        load(data()?, version)
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
        if self.doctor_numbers.contains_key(&doctor.id) {
            return Err(Error::duplicate_id("doctor", &doctor.id).with_field("id"));
        }
        self.insert_doctor(doctor);
        Ok(())
    }

    /// Adds an appointment from a snapshot: a booked or held one must pass the booking rules
    /// that do not depend on the time of booking (1 to 4, and 6) against those restored before
    /// it; a cancelled one needs only a known doctor and the grid. Does not count as a
    /// mutation.
    fn restore_appointment(&mut self, appointment: Appointment) -> Result<()> {
        let request = BookRequest {
            doctor_id: appointment.doctor_id.clone(),
            location: appointment.location.clone(),
            start: appointment.start,
            duration_minutes: Some(appointment.duration_minutes),
            patient: appointment.patient.clone(),
            id: Some(appointment.id.clone()),
            request_id: appointment.request_id.clone(),
            now: None,
        };
        request.validate()?;
        validate::id("id", &appointment.id)?;
        if let Some(reason) = &appointment.cancel_reason {
            if appointment.is_active() {
                return Err(Error::invalid_input(
                    "cancelReason",
                    "only a cancelled appointment has one",
                ));
            }
            validate::text("cancelReason", reason, MAX_REASON_LEN)?;
        }
        let held = appointment.status == AppointmentStatus::Held;
        match appointment.hold_expires {
            None if held => {
                return Err(Error::invalid_input("holdExpires", "a hold needs one"));
            }
            Some(_) if !held => {
                return Err(Error::invalid_input("holdExpires", "only a hold has one"));
            }
            Some(expires) if self.clock.is_some_and(|clock| expires <= clock) => {
                return Err(Error::invalid_input(
                    "holdExpires",
                    "the hold lapsed by the snapshot's lastNow and should have been dropped",
                ));
            }
            _ => {}
        }
        holds::validate_trace(&appointment.rescheduled_from)?;
        if self.appointments.len() >= MAX_APPOINTMENTS {
            return Err(Error::invalid_input(
                "",
                format!("more than {MAX_APPOINTMENTS} appointments"),
            ));
        }
        if self.appointment_seqs.contains_key(&appointment.id) {
            return Err(Error::duplicate_id("appointment", &appointment.id).with_field("id"));
        }
        if let Some(request_id) = &appointment.request_id {
            if let Some(&seq) = self.request_seqs.get(request_id) {
                return Err(
                    Error::request_id_reused(request_id, &self.id_of(seq)).with_field("requestId")
                );
            }
        }
        let (_, state) = self
            .find_doctor(&appointment.doctor_id)
            .map_err(|e| e.with_field("doctorId"))?;
        let end = if appointment.is_active() {
            let patient = appointment.patient.as_deref();
            booking::check_proposal(
                &self.context(state, self.clock, patient),
                &Proposal {
                    location: &appointment.location,
                    start: appointment.start,
                    duration: appointment.duration_minutes,
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
            })?
        } else {
            booking::check_grid(
                &self.options,
                appointment.start,
                appointment.duration_minutes,
            )?
        };
        if end != appointment.end {
            return Err(Error::invalid_input(
                "end",
                format!("is not start + durationMinutes ({end})"),
            ));
        }
        self.insert_appointment(appointment);
        Ok(())
    }
}

/// Re-labels an engine error as `INVALID_SNAPSHOT` at `prefix` + the error's field.
fn at(prefix: String) -> impl FnOnce(Error) -> Error {
    move |e| {
        let path = join_path(&prefix, e.details.field.as_deref().unwrap_or_default());
        Error::invalid_snapshot(path, e.message)
    }
}

/// Builds the hospital a snapshot of `version` describes, checking it all: the options, each
/// doctor and appointment as it is added, then the counters.
fn load(snapshot: SnapshotData, version: u64) -> Result<Hospital> {
    let last_now = snapshot.checked_last_now(version)?;
    snapshot.options.validate().map_err(at("options".into()))?;
    let SnapshotData {
        revision,
        options,
        doctors,
        appointments,
        next_ids,
        ..
    } = snapshot;
    let mut hospital = Hospital::with_options(options);
    // Before the appointments, so that their holds are checked against it.
    hospital.clock = last_now;
    for (i, doctor) in doctors.into_iter().enumerate() {
        hospital
            .restore_doctor(doctor)
            .map_err(at(format!("doctors[{i}]")))?;
    }
    for (i, appointment) in appointments.into_iter().enumerate() {
        hospital
            .restore_appointment(appointment)
            .map_err(at(format!("appointments[{i}]")))?;
    }
    snapshot::check_counters(revision, next_ids)?;
    hospital.revision = revision;
    hospital.next_ids = next_ids;
    hospital.log = ChangeLog::starting_at(revision);
    Ok(hospital)
}
