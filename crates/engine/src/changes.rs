//! Change records: incremental persistence.
//!
//! Every successful mutation appends one [`Change`] to the hospital's log. A host persists the
//! records after each mutation (`changes_since`) and a snapshot now and then; snapshot + the
//! changes after it rebuild the same hospital (`apply_changes`), byte for byte, at a cost per
//! write that does not grow with the hospital.
//!
//! A record holds what the mutation did (the doctor or appointment as created, the doctor as
//! updated) and `apply_changes` replays it through the same public method, so a replayed
//! change is validated like any call and must produce exactly the recorded result.

use crate::appointment::{Appointment, AppointmentStatus};
use crate::booking::BookRequest;
use crate::doctor::{Doctor, DoctorPatch, NewDoctor};
use crate::error::{Error, Result};
use crate::hospital::Hospital;
use crate::limits::MAX_RETAINED_CHANGES;
use crate::object_only;
use crate::query::{CancelOptions, ChangeOptions, ConfirmOptions, RescheduleRequest};
use crate::time::LocalDateTime;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// One successful mutation, as JSON: `{"op": "book", "revision": 7, ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "op",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    try_from = "ChangeFields"
)]
pub enum Change {
    /// `addDoctor` created `doctor`; `assignedId` when the hospital chose its id.
    AddDoctor {
        /// The hospital's revision after this change.
        revision: u64,
        /// The doctor as created.
        doctor: Doctor,
        /// Whether the hospital assigned the id (replay must assign the same one).
        assigned_id: bool,
    },
    /// `updateDoctor` left the doctor as `doctor`.
    UpdateDoctor {
        /// The hospital's revision after this change.
        revision: u64,
        /// The doctor as updated.
        doctor: Doctor,
        /// Whether appointments in the way were cancelled.
        cancel_appointments: bool,
    },
    /// `removeDoctor` removed the doctor `id` and their history.
    RemoveDoctor {
        /// The hospital's revision after this change.
        revision: u64,
        /// The doctor removed.
        id: String,
        /// Whether booked appointments were cancelled first.
        cancel_appointments: bool,
    },
    /// `book` created `appointment`; `assignedId` when the hospital chose its id.
    Book {
        /// The hospital's revision after this change.
        revision: u64,
        /// The appointment as created.
        appointment: Appointment,
        /// Whether the hospital assigned the id (replay must assign the same one).
        assigned_id: bool,
        /// The `now` the call passed, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        now: Option<LocalDateTime>,
    },
    /// `hold` created the held `appointment` at `now`.
    Hold {
        /// The hospital's revision after this change.
        revision: u64,
        /// The appointment as created, with its `holdExpires`.
        appointment: Appointment,
        /// Whether the hospital assigned the id (replay must assign the same one).
        assigned_id: bool,
        /// The `now` the call passed.
        now: LocalDateTime,
    },
    /// `confirm` turned the hold `id` into a booking at `now`.
    Confirm {
        /// The hospital's revision after this change.
        revision: u64,
        /// The appointment confirmed.
        id: String,
        /// The `now` the call passed.
        now: LocalDateTime,
    },
    /// `reschedule` moved the appointment `id`.
    Reschedule {
        /// The hospital's revision after this change.
        revision: u64,
        /// The appointment moved.
        id: String,
        /// Its new location.
        location: String,
        /// Its new start.
        start: LocalDateTime,
        /// Its new length.
        duration_minutes: u32,
        /// The `now` the call passed, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        now: Option<LocalDateTime>,
    },
    /// `cancel` cancelled the appointment `id`.
    Cancel {
        /// The hospital's revision after this change.
        revision: u64,
        /// The appointment cancelled.
        id: String,
        /// The reason given, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

/// The operation a [`Change`] records, as its `op` field spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Op {
    AddDoctor,
    UpdateDoctor,
    RemoveDoctor,
    Book,
    Hold,
    Confirm,
    Reschedule,
    Cancel,
}

/// A change record as read: every field any op has, as a flat object, so that reading one
/// needs no buffering of the whole record (serde's internally tagged enums do, at a cost in
/// code size) and a bad field is reported at its own path. [`Change::try_from`] then checks
/// that the op has exactly its own fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChangeFields {
    op: Op,
    revision: u64,
    #[serde(default, deserialize_with = "object_only::option")]
    doctor: Option<Doctor>,
    #[serde(default, deserialize_with = "object_only::option")]
    appointment: Option<Appointment>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    assigned_id: Option<bool>,
    #[serde(default)]
    cancel_appointments: Option<bool>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    now: Option<LocalDateTime>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    start: Option<LocalDateTime>,
    #[serde(default)]
    duration_minutes: Option<u32>,
}

impl TryFrom<ChangeFields> for Change {
    type Error = String;

    fn try_from(fields: ChangeFields) -> Result<Self, String> {
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
        ];
        let (own, optional): (&[&str], &[&str]) = match op {
            Op::AddDoctor => (&["doctor", "assignedId"], &[]),
            Op::UpdateDoctor => (&["doctor", "cancelAppointments"], &[]),
            Op::RemoveDoctor => (&["id", "cancelAppointments"], &[]),
            Op::Book => (&["appointment", "assignedId"], &["now"]),
            Op::Hold => (&["appointment", "assignedId", "now"], &[]),
            Op::Confirm => (&["id", "now"], &[]),
            Op::Reschedule => (&["id", "location", "start", "durationMinutes"], &["now"]),
            Op::Cancel => (&["id"], &["reason"]),
        };
        for (name, is_present) in present {
            if own.contains(&name) && !is_present {
                return Err(format!("missing field `{name}` for op {op:?}"));
            }
            if is_present && !own.contains(&name) && !optional.contains(&name) {
                return Err(format!("field `{name}` does not belong to op {op:?}"));
            }
        }
        let missing = || format!("incomplete {op:?} record");
        Ok(match op {
            Op::AddDoctor => Change::AddDoctor {
                revision,
                doctor: doctor.ok_or_else(missing)?,
                assigned_id: assigned_id.ok_or_else(missing)?,
            },
            Op::UpdateDoctor => Change::UpdateDoctor {
                revision,
                doctor: doctor.ok_or_else(missing)?,
                cancel_appointments: cancel_appointments.ok_or_else(missing)?,
            },
            Op::RemoveDoctor => Change::RemoveDoctor {
                revision,
                id: id.ok_or_else(missing)?,
                cancel_appointments: cancel_appointments.ok_or_else(missing)?,
            },
            Op::Book => Change::Book {
                revision,
                appointment: appointment.ok_or_else(missing)?,
                assigned_id: assigned_id.ok_or_else(missing)?,
                now,
            },
            Op::Hold => Change::Hold {
                revision,
                appointment: appointment.ok_or_else(missing)?,
                assigned_id: assigned_id.ok_or_else(missing)?,
                now: now.ok_or_else(missing)?,
            },
            Op::Confirm => Change::Confirm {
                revision,
                id: id.ok_or_else(missing)?,
                now: now.ok_or_else(missing)?,
            },
            Op::Reschedule => Change::Reschedule {
                revision,
                id: id.ok_or_else(missing)?,
                location: location.ok_or_else(missing)?,
                start: start.ok_or_else(missing)?,
                duration_minutes: duration_minutes.ok_or_else(missing)?,
                now,
            },
            Op::Cancel => Change::Cancel {
                revision,
                id: id.ok_or_else(missing)?,
                reason,
            },
        })
    }
}

impl Change {
    /// The hospital's revision after this change.
    pub fn revision(&self) -> u64 {
        match self {
            Change::AddDoctor { revision, .. }
            | Change::UpdateDoctor { revision, .. }
            | Change::RemoveDoctor { revision, .. }
            | Change::Book { revision, .. }
            | Change::Hold { revision, .. }
            | Change::Confirm { revision, .. }
            | Change::Reschedule { revision, .. }
            | Change::Cancel { revision, .. } => *revision,
        }
    }
}

/// The most recent changes, at most [`MAX_RETAINED_CHANGES`]: enough for a host that persists
/// after every mutation, bounded so that memory does not grow with the hospital's history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeLog {
    /// The revision before the oldest retained change.
    base: u64,
    records: VecDeque<Change>,
}

impl ChangeLog {
    /// An empty log for a hospital at `revision`.
    pub fn starting_at(revision: u64) -> Self {
        ChangeLog {
            base: revision,
            records: VecDeque::new(),
        }
    }

    /// Appends a change, dropping the oldest beyond the bound.
    pub fn push(&mut self, change: Change) {
        self.records.push_back(change);
        while self.records.len() > MAX_RETAINED_CHANGES {
            if let Some(dropped) = self.records.pop_front() {
                self.base = dropped.revision();
            }
        }
    }

    /// The changes after `revision`, oldest first. `current` is the hospital's revision.
    pub fn since(&self, revision: u64, current: u64) -> Result<Vec<Change>> {
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
        Ok(self.records.iter().skip(skip).cloned().collect())
    }
}

impl Hospital {
    /// The changes after `revision`, oldest first: what a host appends to its store after a
    /// mutation. Fails with `CHANGES_UNAVAILABLE` when `revision` is older than the retained
    /// log (take a snapshot instead), `INVALID_INPUT` when it is ahead of the hospital.
    pub fn changes_since(&self, revision: u64) -> Result<Vec<Change>> {
        self.change_log().since(revision, self.revision())
    }

    /// Replays changes recorded by a hospital in the same state as this one, in order: the
    /// first must carry revision + 1, the next + 2, and so on. All or nothing: on the first
    /// change that fails (`REVISION_MISMATCH`, or any error its call gives), nothing changes.
    /// Returns the new revision.
    pub fn apply_changes(&mut self, changes: Vec<Change>) -> Result<u64> {
        if changes.len() <= 1 {
            // One change replays atomically in place: every call checks before it changes.
            self.apply_in_order(changes)?;
        } else {
            // Several replay on a copy that replaces this hospital only if all succeed.
            let mut copy = self.clone();
            copy.apply_in_order(changes)?;
            *self = copy;
        }
        Ok(self.revision())
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

    /// Replays one change; checks everything before anything changes.
    fn apply_change(&mut self, change: Change) -> Result<()> {
        let expected = self.revision().saturating_add(1);
        if change.revision() != expected {
            return Err(Error::revision_mismatch(expected, change.revision()));
        }
        match change {
            Change::AddDoctor {
                doctor,
                assigned_id,
                ..
            } => {
                let id = self.id_for_replay(assigned_id, &doctor.id, Hospital::peek_doctor_id)?;
                self.add_doctor(NewDoctor {
                    id,
                    name: doctor.name,
                    locations: doctor.locations,
                    schedule: doctor.schedule,
                    overrides: doctor.overrides,
                    time_off: doctor.time_off,
                })?;
            }
            Change::UpdateDoctor {
                doctor,
                cancel_appointments,
                ..
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
            Change::RemoveDoctor {
                id,
                cancel_appointments,
                ..
            } => {
                let options = ChangeOptions {
                    cancel_appointments: Some(cancel_appointments),
                };
                self.remove_doctor(&id, options)?;
            }
            Change::Book {
                appointment,
                assigned_id,
                now,
                ..
            } => {
                let request = self.replayed_request(appointment, assigned_id, now, false)?;
                self.book(request)?;
            }
            Change::Hold {
                appointment,
                assigned_id,
                now,
                ..
            } => {
                let ttl = appointment
                    .hold_expires
                    .map(|expires| expires.minutes_since(now))
                    .and_then(|ttl| u32::try_from(ttl).ok())
                    .unwrap_or(0);
                let request = self.replayed_request(appointment, assigned_id, Some(now), true)?;
                self.create(request, Some(ttl))?;
            }
            Change::Confirm { id, now, .. } => {
                self.confirm(&id, ConfirmOptions { now })?;
            }
            Change::Reschedule {
                id,
                location,
                start,
                duration_minutes,
                now,
                ..
            } => {
                self.reschedule(
                    &id,
                    RescheduleRequest {
                        start,
                        location: Some(location),
                        duration_minutes: Some(duration_minutes),
                        now,
                    },
                )?;
            }
            Change::Cancel { id, reason, .. } => {
                self.cancel(&id, CancelOptions { reason })?;
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
        now: Option<LocalDateTime>,
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
                    "a {} record holds a new {status:?} appointment",
                    if held { "hold" } else { "book" }
                ),
            ));
        }
        if let Some(request_id) = &appointment.request_id {
            if self.has_request_id(request_id, now) {
                return Err(Error::invalid_input(
                    "appointment.requestId",
                    format!("{request_id:?} was already booked; a replay would book nothing"),
                ));
            }
        }
        let end = appointment
            .start
            .plus_minutes(i64::from(appointment.duration_minutes));
        if appointment.end != end {
            return Err(Error::invalid_input(
                "appointment.end",
                format!("is not start + durationMinutes ({end})"),
            ));
        }
        let id = self.id_for_replay(assigned_id, &appointment.id, Hospital::peek_appointment_id)?;
        Ok(BookRequest {
            doctor_id: appointment.doctor_id,
            location: appointment.location,
            start: appointment.start,
            duration_minutes: Some(appointment.duration_minutes),
            patient: appointment.patient,
            id,
            request_id: appointment.request_id,
            now,
        })
    }

    /// The id to pass when replaying a creation: `None` (let the hospital assign it) when it was
    /// assigned, after checking that the hospital would assign the same one now.
    fn id_for_replay(
        &self,
        assigned: bool,
        recorded: &str,
        peek: fn(&Hospital) -> Option<(String, u64)>,
    ) -> Result<Option<String>> {
        if !assigned {
            return Ok(Some(recorded.to_owned()));
        }
        match peek(self) {
            Some((next, _)) if next == recorded => Ok(None),
            next => Err(Error::invalid_input(
                "id",
                format!(
                    "was assigned {recorded:?}, but this hospital would assign {:?}",
                    next.map(|(id, _)| id)
                ),
            )),
        }
    }
}
