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
    /// Starts a record in `text` (an emptied buffer, to be reused: [`ChangeLog::spare`]).
    fn begin(mut text: String, op: &str, revision: u64) -> Self {
        text.clear();
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
    pub(crate) fn add_doctor(
        buffer: String,
        revision: u64,
        doctor: &str,
        assigned_id: bool,
    ) -> Self {
        let mut c = ChangeText::begin(buffer, "addDoctor", revision);
        c.key("doctor").push_str(doctor);
        c.boolean("assignedId", assigned_id);
        c
    }

    /// `updateDoctor`; `doctor` is the doctor's JSON text.
    pub(crate) fn update_doctor(
        buffer: String,
        revision: u64,
        doctor: &str,
        cancel_appointments: bool,
    ) -> Self {
        let mut c = ChangeText::begin(buffer, "updateDoctor", revision);
        c.key("doctor").push_str(doctor);
        c.boolean("cancelAppointments", cancel_appointments);
        c
    }

    /// `removeDoctor`.
    pub(crate) fn remove_doctor(
        buffer: String,
        revision: u64,
        id: &str,
        cancel_appointments: bool,
    ) -> Self {
        let mut c = ChangeText::begin(buffer, "removeDoctor", revision);
        write_str(c.key("id"), id);
        c.boolean("cancelAppointments", cancel_appointments);
        c
    }

    /// `book` or `hold` (`held`) of the appointment now stored as `view`.
    pub(crate) fn create(
        buffer: String,
        revision: u64,
        appointment: &json::Fields<'_>,
        assigned_id: bool,
        now: Option<Moment>,
        held: bool,
    ) -> Self {
        let mut c = ChangeText::begin(buffer, if held { "hold" } else { "book" }, revision);
        json::write_fields(c.key("appointment"), appointment);
        c.boolean("assignedId", assigned_id);
        c.now(now);
        c
    }

    /// `confirm`.
    pub(crate) fn confirm(buffer: String, revision: u64, id: &str, now: Moment) -> Self {
        let mut c = ChangeText::begin(buffer, "confirm", revision);
        write_str(c.key("id"), id);
        c.now(Some(now));
        c
    }

    /// `reschedule`; `notes` and `metadata` (JSON text) when the call set them.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn reschedule(
        buffer: String,
        revision: u64,
        id: &str,
        location: &str,
        start: Moment,
        duration_minutes: u32,
        now: Option<Moment>,
        notes: Option<&str>,
        metadata: Option<&str>,
    ) -> Self {
        let mut c = ChangeText::begin(buffer, "reschedule", revision);
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
        buffer: String,
        revision: u64,
        id: &str,
        reason: Option<&str>,
        now: Option<Moment>,
    ) -> Self {
        let mut c = ChangeText::begin(buffer, "cancel", revision);
        write_str(c.key("id"), id);
        if let Some(reason) = reason {
            write_str(c.key("reason"), reason);
        }
        c.now(now);
        c
    }

    /// `updateAppointment`: each field given is set (`Some(None)`: cleared).
    pub(crate) fn update_appointment(
        buffer: String,
        revision: u64,
        id: &str,
        patient: Option<Option<&str>>,
        notes: Option<Option<&str>>,
        metadata: Option<Option<&str>>,
    ) -> Self {
        let mut c = ChangeText::begin(buffer, "updateAppointment", revision);
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
    pub(crate) fn finish(mut self, actor: Option<&str>) -> String {
        if let Some(actor) = actor {
            write_str(self.key("actor"), actor);
        }
        self.0.push('}');
        self.0
    }
}

/// The most recent change records, at most [`MAX_RETAINED_CHANGES`] of them and at most
/// [`MAX_RETAINED_CHANGE_BYTES`] of text: enough for a host that persists after every mutation,
/// bounded so that memory does not grow with the hospital's history.
///
/// The records lie back to back in blocks of [`BLOCK_BYTES`] (a record never spans two blocks),
/// so that logging one allocates nothing (a record is written in the spare buffer, then copied
/// in), dropping the oldest only counts it as dropped, and a block whose records are all dropped
/// is emptied and reused. Memory is the retained records plus at most three blocks; nothing is
/// ever moved. While a batch may still be undone, the dropped records stay, so that it can take
/// them back ([`ChangeLog::unpush`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct ChangeLog {
    /// The revision before the oldest retained change.
    base: u64,
    /// The records, oldest first: dropped ones, then the retained ones.
    blocks: Vec<Block>,
    /// How many of the oldest records are dropped.
    dropped: usize,
    /// How many records are retained.
    retained: usize,
    /// The retained records' bytes.
    retained_bytes: usize,
    /// The buffer the next record is written in.
    spare: String,
    /// An emptied block, for the next one.
    free: Option<Block>,
}

/// The most bytes of records one block holds (a larger record gets a block of its own).
const BLOCK_BYTES: usize = 64 << 10;

/// Records back to back, and where each ends.
#[derive(Debug, Clone, Default)]
struct Block {
    text: String,
    ends: Vec<usize>,
}

impl Block {
    /// Its `index`th record.
    fn record(&self, index: usize) -> &str {
        let begin = match index.checked_sub(1) {
            Some(previous) => self.ends.get(previous).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(index).copied().unwrap_or(begin);
        self.text.get(begin..end).unwrap_or("")
    }

    /// Its records, oldest first.
    fn records(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len()).map(move |index| self.record(index))
    }
}

impl PartialEq for ChangeLog {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base && self.retained().eq(other.retained())
    }
}

impl Eq for ChangeLog {}

impl ChangeLog {
    /// An empty log for a hospital at `revision`.
    pub(crate) fn starting_at(revision: u64) -> Self {
        ChangeLog {
            base: revision,
            ..ChangeLog::default()
        }
    }

    /// An empty buffer to write the next record in (then give it to [`ChangeLog::push`]).
    pub(crate) fn spare(&mut self) -> String {
        std::mem::take(&mut self.spare)
    }

    /// The `index`th record, dropped ones included, oldest first.
    fn record(&self, mut index: usize) -> &str {
        for block in &self.blocks {
            match index.checked_sub(block.ends.len()) {
                Some(rest) => index = rest,
                None => return block.record(index),
            }
        }
        ""
    }

    /// Appends a record, dropping the oldest beyond the bounds; returns how many it dropped.
    /// `keep_dropped`: while a batch may still be undone, the dropped ones stay.
    pub(crate) fn push(&mut self, record: String, keep_dropped: bool) -> usize {
        if !keep_dropped {
            self.forget_dropped();
        }
        let fits = self
            .blocks
            .last()
            .is_some_and(|block| block.text.len() + record.len() <= BLOCK_BYTES);
        if !fits {
            let mut block = self.free.take().unwrap_or_default();
            block.text.reserve(BLOCK_BYTES.max(record.len()));
            self.blocks.push(block);
        }
        if let Some(block) = self.blocks.last_mut() {
            block.text.push_str(&record);
            block.ends.push(block.text.len());
        }
        self.retained += 1;
        self.retained_bytes += record.len();
        self.spare = record;
        let mut dropped = 0;
        while self.retained > MAX_RETAINED_CHANGES
            || (self.retained_bytes > MAX_RETAINED_CHANGE_BYTES && self.retained > 1)
        {
            self.retained_bytes -= self.record(self.dropped).len();
            self.retained -= 1;
            self.dropped += 1;
            self.base += 1;
            dropped += 1;
        }
        dropped
    }

    /// Empties the blocks whose records are all dropped, keeping one for reuse.
    fn forget_dropped(&mut self) {
        while let Some(front) = self.blocks.first() {
            if front.ends.len() > self.dropped {
                return;
            }
            self.dropped -= front.ends.len();
            // The front exists (just read). A few hundred blocks at most: moving them costs
            // nothing next to the records they held.
            let mut block = self.blocks.remove(0);
            if block.text.capacity() <= BLOCK_BYTES {
                block.text.clear();
                block.ends.clear();
                self.free = Some(block);
            }
        }
    }

    /// Undoes the last [`ChangeLog::push`] (made with `keep_dropped`): drops the newest record
    /// and takes back the `dropped` it dropped.
    pub(crate) fn unpush(&mut self, dropped: usize) {
        if let Some(block) = self.blocks.last_mut() {
            let newest = block.ends.len().saturating_sub(1);
            let length = block.record(newest).len();
            block.ends.pop();
            let end = block.ends.last().copied().unwrap_or(0);
            block.text.truncate(end);
            if block.ends.is_empty() {
                self.free = self.blocks.pop();
            }
            self.retained = self.retained.saturating_sub(1);
            self.retained_bytes = self.retained_bytes.saturating_sub(length);
        }
        for _ in 0..dropped.min(self.dropped) {
            self.dropped -= 1;
            self.retained += 1;
            self.retained_bytes += self.record(self.dropped).len();
        }
        self.base = self.base.saturating_sub(dropped as u64);
    }

    /// The retained records, oldest first.
    fn retained(&self) -> impl Iterator<Item = &str> + '_ {
        self.blocks
            .iter()
            .flat_map(Block::records)
            .skip(self.dropped)
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
        Ok(self.retained().skip(skip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: usize) -> String {
        format!("{{\"revision\":{n}}}")
    }

    fn retained(log: &ChangeLog) -> Vec<String> {
        log.retained().map(str::to_owned).collect()
    }

    #[test]
    fn keeps_the_last_records_within_the_bound_and_reuses_its_buffer() {
        let mut log = ChangeLog::starting_at(0);
        let total = MAX_RETAINED_CHANGES * 3 + 7;
        for n in 1..=total {
            let mut buffer = log.spare();
            buffer.clear();
            buffer.push_str(&record(n));
            let dropped = log.push(buffer, false);
            assert_eq!(dropped, usize::from(n > MAX_RETAINED_CHANGES));
            // Dropped records never take more than a block's place.
            assert!(log
                .blocks
                .first()
                .is_none_or(|front| log.dropped <= front.ends.len()));
            assert!(log.blocks.len() <= log.retained_bytes / BLOCK_BYTES + 2);
        }
        let expected: Vec<String> = (total - MAX_RETAINED_CHANGES + 1..=total)
            .map(record)
            .collect();
        assert_eq!(retained(&log), expected);
        assert_eq!(log.base, (total - MAX_RETAINED_CHANGES) as u64);
        let since: Vec<&str> = log.since(total as u64 - 2, total as u64).unwrap().collect();
        assert_eq!(since, [record(total - 1), record(total)]);
        assert!(log.since(log.base - 1, total as u64).is_err());
    }

    #[test]
    fn unpush_takes_back_what_a_batch_pushed_out() {
        let mut log = ChangeLog::starting_at(5);
        for n in 6..6 + MAX_RETAINED_CHANGES {
            log.push(record(n), false);
        }
        let before = log.clone();
        let mut pushed = Vec::new();
        for n in 0..3 {
            pushed.push(log.push(record(100_000 + n), true));
        }
        assert_eq!(pushed, [1, 1, 1]);
        assert_ne!(log, before);
        for dropped in pushed.into_iter().rev() {
            log.unpush(dropped);
        }
        assert_eq!(log, before);
        assert_eq!(retained(&log), retained(&before));
        assert_eq!(log.base, 5);
    }

    #[test]
    fn large_records_fill_blocks_and_a_batch_takes_back_blocks_it_emptied() {
        // Records of 40 KiB: one per block, and the byte bound drops them long before the count.
        let large = |n: usize| format!("{{\"revision\":{n},\"pad\":\"{}\"}}", "x".repeat(40 << 10));
        let mut log = ChangeLog::starting_at(0);
        let mut n = 0;
        while log.base < 10 {
            n += 1;
            log.push(large(n), false);
        }
        assert!(log.retained_bytes <= MAX_RETAINED_CHANGE_BYTES);
        assert_eq!(log.retained().count() as u64, n as u64 - log.base);
        let before = log.clone();
        let blocks = log.blocks.len();
        let pushed: Vec<usize> = (1..=5).map(|k| log.push(large(n + k), true)).collect();
        assert_eq!(pushed, [1; 5]);
        assert_eq!(log.blocks.len(), blocks + 5, "a batch frees no block");
        for dropped in pushed.into_iter().rev() {
            log.unpush(dropped);
        }
        assert_eq!(log, before);
        assert_eq!(log.retained_bytes, before.retained_bytes);
        // A record larger than a block gets a block of its own.
        let huge = format!("{{\"pad\":\"{}\"}}", "y".repeat(BLOCK_BYTES * 2));
        log.push(huge.clone(), false);
        assert_eq!(log.retained().last(), Some(huge.as_str()));
    }

    #[test]
    fn logs_are_equal_by_their_retained_records_however_stored() {
        let mut a = ChangeLog::starting_at(0);
        let mut b = ChangeLog::starting_at(0);
        for n in 1..=2 * MAX_RETAINED_CHANGES + 10 {
            a.push(record(n), false);
            // b keeps every dropped record in its buffer.
            b.push(record(n), true);
        }
        assert_eq!(a, b);
        assert_ne!(a.blocks.len(), b.blocks.len());
    }
}
