//! Change records in and out: `changes_since` hands out the retained records of
//! [`crate::changes`], and `apply_changes` replays records through the same public methods that
//! made them, so a replayed change is validated like any call and must produce exactly the
//! recorded result.

use super::Hospital;
use crate::appointment::{Appointment, AppointmentStatus};
use crate::changes::Change;
use crate::doctor::{DoctorPatch, NewDoctor};
use crate::error::{Error, Result};
use crate::requests::{
    BookRequest, CancelOptions, ChangeOptions, ConfirmOptions, RescheduleRequest,
};
use crate::time::LocalDateTime;

impl Hospital {
    /// The changes after `revision`, oldest first: what a host appends to its store after a
    /// mutation. Fails with `CHANGES_UNAVAILABLE` when `revision` is older than the retained
    /// log (take a snapshot instead), `INVALID_INPUT` when it is ahead of the hospital.
    pub fn changes_since(&self, revision: u64) -> Result<Vec<Change>> {
        self.log.since(revision, self.revision)
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

    /// Whether an appointment that is not a lapsed hold at `now` was made with this request id.
    fn has_request_id(&self, request_id: &str, now: Option<LocalDateTime>) -> bool {
        self.live(self.request_seqs.get(request_id), self.clock_at(now))
            .is_some()
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
