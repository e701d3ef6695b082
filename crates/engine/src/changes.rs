//! Change records: incremental persistence.
//!
//! Every successful mutation appends one [`Change`] to the hospital's log. A host persists the
//! records after each mutation (`changes_since`) and a snapshot now and then; snapshot + the
//! changes after it rebuild the same hospital (`apply_changes`), byte for byte, at a cost per
//! write that does not grow with the hospital.
//!
//! A record holds what the mutation did (the doctor or appointment as created, the doctor as
//! updated) and `apply_changes` replays it through the same public method
//! (`hospital/replay.rs`), so a replayed change is validated like any call and must produce
//! exactly the recorded result.

use crate::appointment::Appointment;
use crate::doctor::Doctor;
use crate::error::{Error, Result};
use crate::limits::MAX_RETAINED_CHANGES;
use crate::object_only;
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
pub(crate) struct ChangeLog {
    /// The revision before the oldest retained change.
    base: u64,
    records: VecDeque<Change>,
}

impl ChangeLog {
    /// An empty log for a hospital at `revision`.
    pub(crate) fn starting_at(revision: u64) -> Self {
        ChangeLog {
            base: revision,
            records: VecDeque::new(),
        }
    }

    /// Appends a change, dropping the oldest beyond the bound.
    pub(crate) fn push(&mut self, change: Change) {
        self.records.push_back(change);
        while self.records.len() > MAX_RETAINED_CHANGES {
            if let Some(dropped) = self.records.pop_front() {
                self.base = dropped.revision();
            }
        }
    }

    /// The changes after `revision`, oldest first. `current` is the hospital's revision.
    pub(crate) fn since(&self, revision: u64, current: u64) -> Result<Vec<Change>> {
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
