//! Change records in and out: `changes_since` hands out the retained records of
//! [`crate::changes`], and `apply_changes` replays records through the same public methods that
//! made them, so a replayed change is validated like any call and must produce exactly the
//! recorded result.
//!
//! A batch of records is all or nothing at a cost that grows with the batch, not the hospital:
//! while it replays, every primitive change of the hospital (an appointment stored, replaced or
//! removed; a doctor added, changed or removed; a change record logged) is written down in a
//! [`Journal`], and if a record fails, the journal is undone, newest first.

use super::doctor_state::DoctorState;
use super::Hospital;
use crate::appointment::{Appointment, AppointmentStatus};
use crate::changes::{Change, ChangeOp};
use crate::doctor::{Doctor, DoctorPatch, NewDoctor};
use crate::error::{Error, Result};
use crate::hours::Availability;
use crate::requests::{
    AppointmentPatch, BookRequest, CancelOptions, ChangeOptions, ConfirmOptions, RescheduleRequest,
};
use crate::snapshot::NextIds;
use crate::store::{Record, Seq};
use crate::time::{LocalDateTime, Moment};
use crate::words::Quoted;

/// One primitive change, and what undoes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Undo {
    /// An appointment was stored last: remove it.
    Inserted,
    /// The record of `Seq` was replaced: put this one back.
    Replaced(Seq, Record),
    /// The appointment `Seq` was removed: put it back.
    Removed(Seq, Record),
    /// The doctor under the key was added last: remove it.
    DoctorAdded(u32),
    /// The doctor under the key was changed: its profile, hours, locations and line length.
    DoctorChanged(u32, Box<(Doctor, Availability, Vec<u32>, u64)>),
    /// The doctor under the key was removed: put it back, in its place.
    DoctorRemoved(u32, Box<DoctorState>),
}

/// How to undo a batch of change records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Journal {
    undo: Vec<Undo>,
    /// For each change record logged, how many it pushed out of the log.
    logged: Vec<usize>,
    revision: u64,
    next_ids: NextIds,
    clock: Option<LocalDateTime>,
    size: u64,
}

impl Journal {
    pub(super) fn record(&mut self, undo: Undo) {
        self.undo.push(undo);
    }

    pub(super) fn pushed_to_log(&mut self, dropped: usize) {
        self.logged.push(dropped);
    }
}

/// A recorded time as the engine counts it: an instant in UTC, or the floating time itself.
fn engine_minutes(moment: Moment) -> i64 {
    moment.instant().unwrap_or(moment.local).as_minutes()
}

impl Hospital {
    /// The changes after `revision`, oldest first: what a host appends to its store after a
    /// mutation. Fails with `CHANGES_UNAVAILABLE` when `revision` is older than the retained
    /// log (take a snapshot instead), `INVALID_INPUT` when it is ahead of the hospital.
    pub fn changes_since(&self, revision: u64) -> Result<Vec<Change>> {
        self.log
            .since(revision, self.revision)?
            .map(|text| {
                crate::reader::read_all(text.as_bytes()).map_err(|e| {
                    Error::invalid_input("revision", format!("a change record is unreadable: {e}"))
                })
            })
            .collect()
    }

    /// [`Hospital::changes_since`] as the JSON text of an array of records, as they are kept.
    pub fn changes_since_json(&self, revision: u64) -> Result<String> {
        let mut out = String::from("[");
        for (i, text) in self.log.since(revision, self.revision)?.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(text);
        }
        out.push(']');
        Ok(out)
    }

    /// Replays changes recorded by a hospital in the same state as this one, in order: the
    /// first must carry revision + 1, the next + 2, and so on. All or nothing: on the first
    /// change that fails (`REVISION_MISMATCH`, or any error its call gives), nothing changes.
    /// Returns the new revision. Costs O(changes), whatever the size of the hospital.
    pub fn apply_changes(&mut self, changes: Vec<Change>) -> Result<u64> {
        if changes.len() <= 1 {
            // One change replays atomically in place: every call checks before it changes.
            self.apply_in_order(changes)?;
            return Ok(self.revision);
        }
        self.journal = Some(Journal {
            undo: Vec::new(),
            logged: Vec::new(),
            revision: self.revision,
            next_ids: self.next_ids,
            clock: self.clock,
            size: self.size,
        });
        self.places.defer_frees();
        let result = self.apply_in_order(changes);
        let journal = self.journal.take();
        if result.is_err() {
            if let Some(journal) = journal {
                self.undo(journal);
            }
        }
        self.places.stop_deferring();
        result?;
        self.compact_if_worth_it();
        Ok(self.revision)
    }

    /// Undoes a journal, newest change first.
    fn undo(&mut self, journal: Journal) {
        for undo in journal.undo.into_iter().rev() {
            match undo {
                Undo::Inserted => {
                    let seq = self.store.next_seq().saturating_sub(1);
                    self.unindex(seq);
                    if let Some(record) = self.store.pop() {
                        self.places.release(record.place);
                    }
                }
                Undo::Replaced(seq, old) => {
                    self.unindex(seq);
                    self.places.add_ref(old.place);
                    if let Some(slot) = self.store.get_mut(seq) {
                        let newer = std::mem::replace(slot, old);
                        self.places.release(newer.place);
                    }
                    self.index(seq);
                }
                Undo::Removed(seq, record) => {
                    self.places.add_ref(record.place);
                    self.store.restore(seq, record);
                    self.index(seq);
                }
                Undo::DoctorAdded(key) => {
                    if let Some(state) = self.doctors.get(key) {
                        for place in state.places.clone() {
                            self.places.release(place);
                        }
                    }
                    self.doctors.pop_last();
                }
                Undo::DoctorChanged(key, old) => {
                    let (doctor, hours, places, bytes) = *old;
                    for &place in &places {
                        self.places.add_ref(place);
                    }
                    if let Some(state) = self.doctors.get_mut(key) {
                        let newer = std::mem::replace(&mut state.places, places);
                        state.doctor = doctor;
                        state.hours = hours;
                        state.snapshot_bytes = bytes;
                        for place in newer {
                            self.places.release(place);
                        }
                    }
                }
                Undo::DoctorRemoved(key, state) => {
                    for &place in &state.places {
                        self.places.add_ref(place);
                    }
                    self.doctors.restore(key, *state);
                }
            }
        }
        for dropped in journal.logged.into_iter().rev() {
            self.log.unpush(dropped);
        }
        self.revision = journal.revision;
        self.next_ids = journal.next_ids;
        self.clock = journal.clock;
        self.size = journal.size;
    }

    fn apply_in_order(&mut self, changes: Vec<Change>) -> Result<()> {
        for (index, change) in changes.into_iter().enumerate() {
            self.apply_change(change).map_err(|mut e| {
                let at = format!("changes[{index}]");
                e.message = format!("{at}: {}", e.message);
                e.within(&at)
            })?;
        }
        Ok(())
    }

    /// Replays one change under the actor it records; checks everything before anything
    /// changes.
    fn apply_change(&mut self, change: Change) -> Result<()> {
        let expected = self.revision.saturating_add(1);
        if change.revision != expected {
            return Err(Error::revision_mismatch(expected, change.revision));
        }
        let actor = std::mem::replace(&mut self.actor, change.actor.map(String::into_boxed_str));
        let result = self.apply_op(change.op);
        self.actor = actor;
        result
    }

    fn apply_op(&mut self, op: ChangeOp) -> Result<()> {
        match op {
            ChangeOp::AddDoctor {
                doctor,
                assigned_id,
            } => {
                let id = self.id_for_replay(assigned_id, &doctor.id, |h| {
                    h.peek_doctor_id().map(|(id, _)| id)
                })?;
                self.add_doctor(NewDoctor {
                    id,
                    name: doctor.name,
                    locations: doctor.locations,
                    schedule: doctor.schedule,
                    overrides: doctor.overrides,
                    time_off: doctor.time_off,
                })?;
            }
            ChangeOp::UpdateDoctor {
                doctor,
                cancel_appointments,
            } => {
                let patch = DoctorPatch {
                    name: Some(doctor.name),
                    locations: Some(doctor.locations),
                    schedule: Some(doctor.schedule),
                    overrides: Some(doctor.overrides),
                    time_off: Some(doctor.time_off),
                };
                let options = ChangeOptions {
                    cancel_appointments: Some(cancel_appointments),
                };
                self.update_doctor(&doctor.id, patch, options)?;
            }
            ChangeOp::RemoveDoctor {
                id,
                cancel_appointments,
            } => {
                let options = ChangeOptions {
                    cancel_appointments: Some(cancel_appointments),
                };
                self.remove_doctor(&id, options)?;
            }
            ChangeOp::Book {
                appointment,
                assigned_id,
                now,
            } => {
                let request = self.replayed_request(appointment, assigned_id, now, false)?;
                self.book(request)?;
            }
            ChangeOp::Hold {
                appointment,
                assigned_id,
                now,
            } => {
                let ttl = appointment
                    .hold_expires
                    .map(|expires| engine_minutes(expires) - engine_minutes(now))
                    .and_then(|ttl| u32::try_from(ttl).ok())
                    .unwrap_or(0);
                let request = self.replayed_request(appointment, assigned_id, Some(now), true)?;
                self.create(request, Some(ttl))?;
            }
            ChangeOp::Confirm { id, now } => {
                self.confirm(&id, ConfirmOptions { now })?;
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
                self.reschedule(
                    &id,
                    RescheduleRequest {
                        start,
                        location: Some(location),
                        duration_minutes: Some(duration_minutes),
                        now,
                        notes,
                        metadata,
                    },
                )?;
            }
            ChangeOp::Cancel { id, reason, now } => {
                self.cancel(&id, CancelOptions { reason, now })?;
            }
            ChangeOp::UpdateAppointment {
                id,
                patient,
                notes,
                metadata,
            } => {
                self.update_appointment(
                    &id,
                    AppointmentPatch {
                        patient,
                        notes,
                        metadata,
                    },
                )?;
            }
        }
        Ok(())
    }

    /// The request that re-creates a recorded new appointment (booked, or held if `held`),
    /// after checking that the record is one a booking could have produced.
    fn replayed_request(
        &self,
        appointment: Appointment,
        assigned_id: bool,
        now: Option<Moment>,
        held: bool,
    ) -> Result<BookRequest> {
        let status = if held {
            AppointmentStatus::Held
        } else {
            AppointmentStatus::Booked
        };
        if appointment.status != status
            || appointment.cancel_reason.is_some()
            || appointment.hold_expires.is_some() != held
            || !appointment.rescheduled_from.is_empty()
        {
            return Err(Error::invalid_input(
                "appointment.status",
                format!(
                    "a {} record holds a new {} appointment",
                    if held { "hold" } else { "book" },
                    crate::json::status_text(status)
                ),
            ));
        }
        if let Some(request_id) = &appointment.request_id {
            if self.store.find_request(request_id).is_some() {
                return Err(Error::invalid_input(
                    "appointment.requestId",
                    format!(
                        "{q_request_id} was already booked; a replay would book nothing",
                        q_request_id = Quoted(request_id)
                    ),
                ));
            }
        }
        let duration = i64::from(appointment.duration_minutes);
        let (start, end_matches) = match (appointment.start_utc, appointment.end_utc) {
            (Some(start), Some(end)) => (
                start,
                engine_minutes(end) - engine_minutes(start) == duration,
            ),
            _ => (
                Moment::wall(appointment.start),
                appointment.start.plus_minutes(duration) == appointment.end,
            ),
        };
        if !end_matches {
            return Err(Error::invalid_input(
                "appointment.end",
                "is not start + durationMinutes",
            ));
        }
        let id = self.id_for_replay(assigned_id, &appointment.id, |h| {
            h.peek_appointment_number().map(|(n, _)| format!("a{n}"))
        })?;
        Ok(BookRequest {
            doctor_id: appointment.doctor_id,
            location: appointment.location,
            start,
            duration_minutes: Some(appointment.duration_minutes),
            patient: appointment.patient,
            id,
            request_id: appointment.request_id,
            now,
            notes: appointment.notes,
            metadata: appointment.metadata,
        })
    }

    /// The id to pass when replaying a creation: `None` (let the hospital assign it) when it was
    /// assigned, after checking that the hospital would assign the same one now.
    fn id_for_replay(
        &self,
        assigned: bool,
        recorded: &str,
        peek: fn(&Hospital) -> Option<String>,
    ) -> Result<Option<String>> {
        if !assigned {
            return Ok(Some(recorded.to_owned()));
        }
        match peek(self) {
            Some(next) if next == recorded => Ok(None),
            next => Err(Error::invalid_input(
                "id",
                format!(
                    "was assigned {}, but this hospital would assign {}",
                    Quoted(recorded),
                    Quoted(next.as_deref().unwrap_or("none"))
                ),
            )),
        }
    }
}
