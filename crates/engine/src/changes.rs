//! Change records: incremental persistence.
//!
//! Every successful mutation appends one change record to the hospital's log. A host persists
//! the records after each mutation (`changes_since`) and a snapshot now and then; snapshot + the
//! changes after it rebuild the same hospital (`apply_changes`), byte for byte, at a cost per
//! write that does not grow with the hospital.
//!
//! A record holds what the mutation did (the doctor or appointment as created, the doctor as
//! updated), who did it (`actor`, when the host says), and `apply_changes` replays it through
//! the same public method (`hospital/replay.rs`), so a replayed change is validated like any
//! call and must produce exactly the recorded result.
//!
//! The log keeps each record as the JSON text it is read back from ([`ChangeText`] writes it
//! when the mutation commits), bounded both in records and in bytes.

use crate::appointment::Appointment;
use crate::doctor::Doctor;
use crate::error::{Error, Result};
use crate::json::{self, WriteJson};
use crate::json_text::{write_str, write_u64};
use crate::limits::{MAX_RETAINED_CHANGES, MAX_RETAINED_CHANGE_BYTES};
use crate::metadata::Metadata;
use crate::reader::{read_choice, read_object, JsonReader, Read, ReadError, ReadJson};
use crate::time::Moment;
use crate::words::Quoted;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::VecDeque;

/// One successful mutation, as JSON: `{"op": "book", "revision": 7, ..., "actor"?: "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The hospital's revision after this change.
    pub revision: u64,
    /// Who made it, as the host said ([`Hospital::set_actor`](crate::Hospital::set_actor)).
    pub actor: Option<String>,
    /// What changed.
    pub op: ChangeOp,
}

/// What a [`Change`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeOp {
    /// `addDoctor` created `doctor`; `assignedId` when the hospital chose its id.
    AddDoctor {
        /// The doctor as created.
        doctor: Doctor,
        /// Whether the hospital assigned the id (replay must assign the same one).
        assigned_id: bool,
    },
    /// `updateDoctor` left the doctor as `doctor`.
    UpdateDoctor {
        /// The doctor as updated.
        doctor: Doctor,
        /// Whether appointments in the way were cancelled.
        cancel_appointments: bool,
    },
    /// `removeDoctor` removed the doctor `id` and their history.
    RemoveDoctor {
        /// The doctor removed.
        id: String,
        /// Whether booked appointments were cancelled first.
        cancel_appointments: bool,
    },
    /// `book` created `appointment`.
    Book {
        /// The appointment as created.
        appointment: Appointment,
        /// Whether the hospital assigned the id (replay must assign the same one).
        assigned_id: bool,
        /// The `now` the call passed, if any.
        now: Option<Moment>,
    },
    /// `hold` created the held `appointment` at `now`.
    Hold {
        /// The appointment as created, with its `holdExpires`.
        appointment: Appointment,
        /// Whether the hospital assigned the id (replay must assign the same one).
        assigned_id: bool,
        /// The `now` the call passed.
        now: Moment,
    },
    /// `confirm` turned the hold `id` into a booking at `now`.
    Confirm {
        /// The appointment confirmed.
        id: String,
        /// The `now` the call passed.
        now: Moment,
    },
    /// `reschedule` moved the appointment `id`.
    Reschedule {
        /// The appointment moved.
        id: String,
        /// Its new location.
        location: String,
        /// Its new start.
        start: Moment,
        /// Its new length.
        duration_minutes: u32,
        /// The `now` the call passed, if any.
        now: Option<Moment>,
        /// The notes the call set, if any.
        notes: Option<String>,
        /// The metadata the call set, if any.
        metadata: Option<Metadata>,
    },
    /// `cancel` cancelled the appointment `id`.
    Cancel {
        /// The appointment cancelled.
        id: String,
        /// The reason given, if any.
        reason: Option<String>,
        /// The `now` the call passed, if any.
        now: Option<Moment>,
    },
    /// `updateAppointment` changed the appointment `id`: each field is absent when unchanged,
    /// `null` when cleared.
    UpdateAppointment {
        /// The appointment changed.
        id: String,
        /// Its new patient reference (`Some(None)`: cleared).
        patient: Option<Option<String>>,
        /// Its new notes (`Some(None)`: cleared).
        notes: Option<Option<String>>,
        /// Its new metadata (`Some(None)`: cleared).
        metadata: Option<Option<Metadata>>,
    },
}

impl Change {
    /// The hospital's revision after this change.
    pub fn revision(&self) -> u64 {
        self.revision
    }
}

/// As the hospital writes its change records (and [`Change`] reads them).
impl Serialize for Change {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let op = match &self.op {
            ChangeOp::AddDoctor { .. } => "addDoctor",
            ChangeOp::UpdateDoctor { .. } => "updateDoctor",
            ChangeOp::RemoveDoctor { .. } => "removeDoctor",
            ChangeOp::Book { .. } => "book",
            ChangeOp::Hold { .. } => "hold",
            ChangeOp::Confirm { .. } => "confirm",
            ChangeOp::Reschedule { .. } => "reschedule",
            ChangeOp::Cancel { .. } => "cancel",
            ChangeOp::UpdateAppointment { .. } => "updateAppointment",
        };
        map.serialize_entry("op", op)?;
        map.serialize_entry("revision", &self.revision)?;
        match &self.op {
            ChangeOp::AddDoctor {
                doctor,
                assigned_id,
            } => {
                map.serialize_entry("doctor", doctor)?;
                map.serialize_entry("assignedId", assigned_id)?;
            }
            ChangeOp::UpdateDoctor {
                doctor,
                cancel_appointments,
            } => {
                map.serialize_entry("doctor", doctor)?;
                map.serialize_entry("cancelAppointments", cancel_appointments)?;
            }
            ChangeOp::RemoveDoctor {
                id,
                cancel_appointments,
            } => {
                map.serialize_entry("id", id)?;
                map.serialize_entry("cancelAppointments", cancel_appointments)?;
            }
            ChangeOp::Book {
                appointment,
                assigned_id,
                now,
            } => {
                map.serialize_entry("appointment", appointment)?;
                map.serialize_entry("assignedId", assigned_id)?;
                if let Some(now) = now {
                    map.serialize_entry("now", now)?;
                }
            }
            ChangeOp::Hold {
                appointment,
                assigned_id,
                now,
            } => {
                map.serialize_entry("appointment", appointment)?;
                map.serialize_entry("assignedId", assigned_id)?;
                map.serialize_entry("now", now)?;
            }
            ChangeOp::Confirm { id, now } => {
                map.serialize_entry("id", id)?;
                map.serialize_entry("now", now)?;
            }
            ChangeOp::Reschedule {
                id,
                location,
                start,
                duration_minutes,
                now,
                notes,
                metadata,
            } => {
                map.serialize_entry("id", id)?;
                map.serialize_entry("location", location)?;
                map.serialize_entry("start", start)?;
                map.serialize_entry("durationMinutes", duration_minutes)?;
                if let Some(now) = now {
                    map.serialize_entry("now", now)?;
                }
                if let Some(notes) = notes {
                    map.serialize_entry("notes", notes)?;
                }
                if let Some(metadata) = metadata {
                    map.serialize_entry("metadata", metadata)?;
                }
            }
            ChangeOp::Cancel { id, reason, now } => {
                map.serialize_entry("id", id)?;
                if let Some(reason) = reason {
                    map.serialize_entry("reason", reason)?;
                }
                if let Some(now) = now {
                    map.serialize_entry("now", now)?;
                }
            }
            ChangeOp::UpdateAppointment {
                id,
                patient,
                notes,
                metadata,
            } => {
                map.serialize_entry("id", id)?;
                if let Some(patient) = patient {
                    map.serialize_entry("patient", patient)?;
                }
                if let Some(notes) = notes {
                    map.serialize_entry("notes", notes)?;
                }
                if let Some(metadata) = metadata {
                    map.serialize_entry("metadata", metadata)?;
                }
            }
        }
        if let Some(actor) = &self.actor {
            map.serialize_entry("actor", actor)?;
        }
        map.end()
    }
}

/// The operation a record holds, as its `op` field spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    AddDoctor,
    UpdateDoctor,
    RemoveDoctor,
    Book,
    Hold,
    Confirm,
    Reschedule,
    Cancel,
    UpdateAppointment,
}

impl Op {
    /// The op as records spell it.
    fn name(self) -> &'static str {
        match self {
            Op::AddDoctor => "addDoctor",
            Op::UpdateDoctor => "updateDoctor",
            Op::RemoveDoctor => "removeDoctor",
            Op::Book => "book",
            Op::Hold => "hold",
            Op::Confirm => "confirm",
            Op::Reschedule => "reschedule",
            Op::Cancel => "cancel",
            Op::UpdateAppointment => "updateAppointment",
        }
    }
}

read_choice!(Op {
    AddDoctor = "addDoctor",
    UpdateDoctor = "updateDoctor",
    RemoveDoctor = "removeDoctor",
    Book = "book",
    Hold = "hold",
    Confirm = "confirm",
    Reschedule = "reschedule",
    Cancel = "cancel",
    UpdateAppointment = "updateAppointment",
});

/// A change record as read: every field any op has, as a flat object, so that reading one
/// needs no buffering of the whole record (serde's internally tagged enums do, at a cost in
/// code size) and a bad field is reported at its own path. [`Change::try_from`] then checks
/// that the op has exactly its own fields.
struct ChangeFields {
    op: Op,
    revision: u64,
    doctor: Option<Doctor>,
    appointment: Option<Appointment>,
    id: Option<String>,
    assigned_id: Option<bool>,
    cancel_appointments: Option<bool>,
    reason: Option<String>,
    now: Option<Moment>,
    location: Option<String>,
    start: Option<Moment>,
    duration_minutes: Option<u32>,
    patient: Option<Option<String>>,
    notes: Option<Option<String>>,
    metadata: Option<Option<Metadata>>,
    actor: Option<String>,
}

read_object!(ChangeFields {
    op: "op" required,
    revision: "revision" required,
    doctor: "doctor" optional,
    appointment: "appointment" optional,
    id: "id" optional,
    assigned_id: "assignedId" optional,
    cancel_appointments: "cancelAppointments" optional,
    reason: "reason" optional,
    now: "now" optional,
    location: "location" optional,
    start: "start" optional,
    duration_minutes: "durationMinutes" optional,
    patient: "patient" nullable,
    notes: "notes" nullable,
    metadata: "metadata" nullable,
    actor: "actor" optional,
});

impl ReadJson for Change {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        Change::try_from(ChangeFields::read_json(reader)?).map_err(ReadError::new)
    }
}

impl TryFrom<ChangeFields> for Change {
    type Error = String;

    fn try_from(fields: ChangeFields) -> std::result::Result<Self, String> {
        let ChangeFields {
            op,
            revision,
            doctor,
            appointment,
            id,
            assigned_id,
            cancel_appointments,
            reason,
            now,
            location,
            start,
            duration_minutes,
            patient,
            notes,
            metadata,
            actor,
        } = fields;
        let present = [
            ("doctor", doctor.is_some()),
            ("appointment", appointment.is_some()),
            ("id", id.is_some()),
            ("assignedId", assigned_id.is_some()),
            ("cancelAppointments", cancel_appointments.is_some()),
            ("reason", reason.is_some()),
            ("now", now.is_some()),
            ("location", location.is_some()),
            ("start", start.is_some()),
            ("durationMinutes", duration_minutes.is_some()),
            ("patient", patient.is_some()),
            ("notes", notes.is_some()),
            ("metadata", metadata.is_some()),
        ];
        let (own, optional): (&[&str], &[&str]) = match op {
            Op::AddDoctor => (&["doctor", "assignedId"], &[]),
            Op::UpdateDoctor => (&["doctor", "cancelAppointments"], &[]),
            Op::RemoveDoctor => (&["id", "cancelAppointments"], &[]),
            Op::Book => (&["appointment", "assignedId"], &["now"]),
            Op::Hold => (&["appointment", "assignedId", "now"], &[]),
            Op::Confirm => (&["id", "now"], &[]),
            Op::Reschedule => (
                &["id", "location", "start", "durationMinutes"],
                &["now", "notes", "metadata"],
            ),
            Op::Cancel => (&["id"], &["reason", "now"]),
            Op::UpdateAppointment => (&["id"], &["patient", "notes", "metadata"]),
        };
        for (name, is_present) in present {
            if own.contains(&name) && !is_present {
                return Err(format!(
                    "a record of op {} needs the field {q_name}",
                    op.name(),
                    q_name = Quoted(name)
                ));
            }
            if is_present && !own.contains(&name) && !optional.contains(&name) {
                return Err(format!(
                    "the field {q_name} does not belong to a record of op {}",
                    op.name(),
                    q_name = Quoted(name)
                ));
            }
        }
        let missing = || format!("an incomplete record of op {}", op.name());
        let op = match op {
            Op::AddDoctor => ChangeOp::AddDoctor {
                doctor: doctor.ok_or_else(missing)?,
                assigned_id: assigned_id.ok_or_else(missing)?,
            },
            Op::UpdateDoctor => ChangeOp::UpdateDoctor {
                doctor: doctor.ok_or_else(missing)?,
                cancel_appointments: cancel_appointments.ok_or_else(missing)?,
            },
            Op::RemoveDoctor => ChangeOp::RemoveDoctor {
                id: id.ok_or_else(missing)?,
                cancel_appointments: cancel_appointments.ok_or_else(missing)?,
            },
            Op::Book => ChangeOp::Book {
                appointment: appointment.ok_or_else(missing)?,
                assigned_id: assigned_id.ok_or_else(missing)?,
                now,
            },
            Op::Hold => ChangeOp::Hold {
                appointment: appointment.ok_or_else(missing)?,
                assigned_id: assigned_id.ok_or_else(missing)?,
                now: now.ok_or_else(missing)?,
            },
            Op::Confirm => ChangeOp::Confirm {
                id: id.ok_or_else(missing)?,
                now: now.ok_or_else(missing)?,
            },
            Op::Reschedule => ChangeOp::Reschedule {
                id: id.ok_or_else(missing)?,
                location: location.ok_or_else(missing)?,
                start: start.ok_or_else(missing)?,
                duration_minutes: duration_minutes.ok_or_else(missing)?,
                now,
                notes: notes.flatten(),
                metadata: metadata.flatten(),
            },
            Op::Cancel => ChangeOp::Cancel {
                id: id.ok_or_else(missing)?,
                reason,
                now,
            },
            Op::UpdateAppointment => ChangeOp::UpdateAppointment {
                id: id.ok_or_else(missing)?,
                patient,
                notes,
                metadata,
            },
        };
        Ok(Change {
            revision,
            actor,
            op,
        })
    }
}

/// The JSON text of a change record, written as the mutation commits: `{"op": …, "revision": …`,
/// the op's fields in the order [`Change`] reads them, then `"actor"` if there is one.
pub(crate) struct ChangeText(String);

impl ChangeText {
    fn begin(op: &str, revision: u64) -> Self {
        let mut text = String::with_capacity(256);
        text.push_str("{\"op\":\"");
        text.push_str(op);
        text.push_str("\",\"revision\":");
        write_u64(&mut text, revision);
        ChangeText(text)
    }

    fn key(&mut self, name: &str) -> &mut String {
        self.0.push_str(",\"");
        self.0.push_str(name);
        self.0.push_str("\":");
        &mut self.0
    }

    fn boolean(&mut self, name: &str, value: bool) {
        self.key(name)
            .push_str(if value { "true" } else { "false" });
    }

    fn now(&mut self, now: Option<Moment>) {
        if let Some(now) = now {
            now.write_json(self.key("now"));
        }
    }

    /// `addDoctor`; `doctor` is the doctor's JSON text.
    pub(crate) fn add_doctor(revision: u64, doctor: &str, assigned_id: bool) -> Self {
        let mut c = ChangeText::begin("addDoctor", revision);
        c.key("doctor").push_str(doctor);
        c.boolean("assignedId", assigned_id);
        c
    }

    /// `updateDoctor`; `doctor` is the doctor's JSON text.
    pub(crate) fn update_doctor(revision: u64, doctor: &str, cancel_appointments: bool) -> Self {
        let mut c = ChangeText::begin("updateDoctor", revision);
        c.key("doctor").push_str(doctor);
        c.boolean("cancelAppointments", cancel_appointments);
        c
    }

    /// `removeDoctor`.
    pub(crate) fn remove_doctor(revision: u64, id: &str, cancel_appointments: bool) -> Self {
        let mut c = ChangeText::begin("removeDoctor", revision);
        write_str(c.key("id"), id);
        c.boolean("cancelAppointments", cancel_appointments);
        c
    }

    /// `book` or `hold` (`held`) of the appointment now stored as `view`.
    pub(crate) fn create(
        revision: u64,
        appointment: &json::Fields<'_>,
        assigned_id: bool,
        now: Option<Moment>,
        held: bool,
    ) -> Self {
        let mut c = ChangeText::begin(if held { "hold" } else { "book" }, revision);
        json::write_fields(c.key("appointment"), appointment);
        c.boolean("assignedId", assigned_id);
        c.now(now);
        c
    }

    /// `confirm`.
    pub(crate) fn confirm(revision: u64, id: &str, now: Moment) -> Self {
        let mut c = ChangeText::begin("confirm", revision);
        write_str(c.key("id"), id);
        c.now(Some(now));
        c
    }

    /// `reschedule`; `notes` and `metadata` (JSON text) when the call set them.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn reschedule(
        revision: u64,
        id: &str,
        location: &str,
        start: Moment,
        duration_minutes: u32,
        now: Option<Moment>,
        notes: Option<&str>,
        metadata: Option<&str>,
    ) -> Self {
        let mut c = ChangeText::begin("reschedule", revision);
        write_str(c.key("id"), id);
        write_str(c.key("location"), location);
        start.write_json(c.key("start"));
        write_u64(c.key("durationMinutes"), u64::from(duration_minutes));
        c.now(now);
        if let Some(notes) = notes {
            write_str(c.key("notes"), notes);
        }
        if let Some(metadata) = metadata {
            c.key("metadata").push_str(metadata);
        }
        c
    }

    /// `cancel`.
    pub(crate) fn cancel(
        revision: u64,
        id: &str,
        reason: Option<&str>,
        now: Option<Moment>,
    ) -> Self {
        let mut c = ChangeText::begin("cancel", revision);
        write_str(c.key("id"), id);
        if let Some(reason) = reason {
            write_str(c.key("reason"), reason);
        }
        c.now(now);
        c
    }

    /// `updateAppointment`: each field given is set (`Some(None)`: cleared).
    pub(crate) fn update_appointment(
        revision: u64,
        id: &str,
        patient: Option<Option<&str>>,
        notes: Option<Option<&str>>,
        metadata: Option<Option<&str>>,
    ) -> Self {
        let mut c = ChangeText::begin("updateAppointment", revision);
        write_str(c.key("id"), id);
        for (name, value, raw) in [
            ("patient", patient, false),
            ("notes", notes, false),
            ("metadata", metadata, true),
        ] {
            match value {
                None => {}
                Some(None) => c.key(name).push_str("null"),
                Some(Some(text)) if raw => c.key(name).push_str(text),
                Some(Some(text)) => write_str(c.key(name), text),
            }
        }
        c
    }

    /// The record's text, closed, with the actor of the change if there is one.
    pub(crate) fn finish(mut self, actor: Option<&str>) -> Box<str> {
        if let Some(actor) = actor {
            write_str(self.key("actor"), actor);
        }
        self.0.push('}');
        self.0.into_boxed_str()
    }
}

/// The most recent change records, at most [`MAX_RETAINED_CHANGES`] of them and at most
/// [`MAX_RETAINED_CHANGE_BYTES`] of text: enough for a host that persists after every mutation,
/// bounded so that memory does not grow with the hospital's history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ChangeLog {
    /// The revision before the oldest retained change.
    base: u64,
    records: VecDeque<Box<str>>,
    bytes: usize,
}

impl ChangeLog {
    /// An empty log for a hospital at `revision`.
    pub(crate) fn starting_at(revision: u64) -> Self {
        ChangeLog {
            base: revision,
            records: VecDeque::new(),
            bytes: 0,
        }
    }

    /// Appends a record, dropping the oldest beyond the bounds; returns those dropped.
    pub(crate) fn push(&mut self, record: Box<str>) -> Vec<Box<str>> {
        self.bytes += record.len();
        self.records.push_back(record);
        let mut dropped = Vec::new();
        while self.records.len() > MAX_RETAINED_CHANGES
            || (self.bytes > MAX_RETAINED_CHANGE_BYTES && self.records.len() > 1)
        {
            match self.records.pop_front() {
                Some(oldest) => {
                    self.bytes -= oldest.len();
                    self.base += 1;
                    dropped.push(oldest);
                }
                None => break,
            }
        }
        dropped
    }

    /// Undoes the last [`ChangeLog::push`]: drops the newest record and puts `dropped` back.
    pub(crate) fn unpush(&mut self, dropped: Vec<Box<str>>) {
        if let Some(newest) = self.records.pop_back() {
            self.bytes -= newest.len();
        }
        for record in dropped.into_iter().rev() {
            self.bytes += record.len();
            self.base -= 1;
            self.records.push_front(record);
        }
    }

    /// The records after `revision`, oldest first. `current` is the hospital's revision.
    pub(crate) fn since(&self, revision: u64, current: u64) -> Result<impl Iterator<Item = &str>> {
        if revision > current {
            return Err(Error::invalid_input(
                "revision",
                format!("{revision} is ahead of the hospital's revision {current}"),
            ));
        }
        let skip = revision
            .checked_sub(self.base)
            .and_then(|skip| usize::try_from(skip).ok())
            .ok_or_else(|| Error::changes_unavailable(revision, self.base))?;
        Ok(self.records.iter().skip(skip).map(|r| &**r))
    }
}
