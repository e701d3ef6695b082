//! Time-dependent operations: holds and their expiry, confirming, rescheduling.
//!
//! The hospital has no clock. Calls that care about the current time take it as `now`; the
//! latest `now` of any successful call is the hospital's *clock*. A hold takes its time until
//! `holdExpires`: every check made with a `now` (or clock) at or after that ignores it, and the
//! first successful call that moves the clock past it drops it for good, so that snapshots and
//! listings no longer show it. Dropping happens inside a successful, recorded call, so a
//! hospital rebuilt from change records drops the same holds at the same revision.

use super::Hospital;
use crate::appointment::{Appointment, AppointmentStatus, PreviousTime};
use crate::booking::{self, Proposal};
use crate::calendar::Seq;
use crate::changes::Change;
use crate::error::{Error, Result};
use crate::limits::{MAX_HOLD_MINUTES, MAX_LOCATION_LEN, MAX_RESCHEDULES};
use crate::requests::{BookRequest, ConfirmOptions, HoldRequest, RescheduleRequest};
use crate::time::LocalDateTime;
use crate::validate;

/// Checks a hold's length on its own: 1 minute to a week.
pub(super) fn validate_ttl(ttl: u32) -> Result<()> {
    if ttl == 0 || ttl > MAX_HOLD_MINUTES {
        return Err(Error::invalid_input(
            "ttlMinutes",
            format!("{ttl} is not between 1 and {MAX_HOLD_MINUTES} (a week)"),
        ));
    }
    Ok(())
}

/// When a hold made at `now` for `ttl` minutes lapses. Fails when that is past the year 9999,
/// or when the hold would already have lapsed by the hospital's `clock`.
pub(super) fn expiry(
    now: LocalDateTime,
    ttl: u32,
    clock: Option<LocalDateTime>,
) -> Result<LocalDateTime> {
    let expires = now.plus_minutes(i64::from(ttl));
    // A snapshot must be able to write it back: no hold lapses after the last minute of 9999.
    if expires >= LocalDateTime::END_OF_RANGE {
        return Err(Error::invalid_input(
            "ttlMinutes",
            "the hold would lapse after the year 9999",
        ));
    }
    if let Some(clock) = clock.filter(|&clock| expires <= clock) {
        return Err(Error::invalid_input(
            "ttlMinutes",
            format!("the hold would lapse at {expires}, before {clock}, the latest now seen"),
        ));
    }
    Ok(expires)
}

/// Checks an appointment's rescheduling trace (from a snapshot or a change record).
pub(super) fn validate_trace(trace: &[PreviousTime]) -> Result<()> {
    if trace.len() > MAX_RESCHEDULES {
        return Err(Error::invalid_input(
            "rescheduledFrom",
            format!("{} entries; the limit is {MAX_RESCHEDULES}", trace.len()),
        ));
    }
    for (i, previous) in trace.iter().enumerate() {
        validate::text(
            &format!("rescheduledFrom[{i}].location"),
            &previous.location,
            MAX_LOCATION_LEN,
        )?;
        if previous.end <= previous.start {
            return Err(Error::invalid_input(
                format!("rescheduledFrom[{i}].end"),
                "is not after start",
            ));
        }
    }
    Ok(())
}

impl Hospital {
    /// Holds a time for a while: checked like a booking (with `now` always required), it
    /// returns an appointment with `status: "held"` that takes its time until
    /// `now + ttlMinutes`. Confirm it with [`Hospital::confirm`] before then.
    pub fn hold(&mut self, request: HoldRequest) -> Result<&Appointment> {
        let ttl = request.ttl_minutes;
        self.create(
            BookRequest {
                doctor_id: request.doctor_id,
                location: request.location,
                start: request.start,
                duration_minutes: request.duration_minutes,
                patient: request.patient,
                id: request.id,
                request_id: request.request_id,
                now: Some(request.now),
            },
            Some(ttl),
        )
    }

    /// Turns a live hold into a booking. Fails with `HOLD_EXPIRED` once `now` has reached
    /// `holdExpires`, `NOT_HELD` for a booked appointment, `ALREADY_CANCELLED` for a cancelled
    /// one.
    pub fn confirm(&mut self, id: &str, options: ConfirmOptions) -> Result<&Appointment> {
        validate::lookup_id("appointmentId", id)?;
        let now = options.now;
        let seq = self.find_appointment(id)?;
        let appointment = self.appointment(seq)?;
        match (appointment.status, appointment.hold_expires) {
            (AppointmentStatus::Cancelled, _) => return Err(Error::already_cancelled(id)),
            (AppointmentStatus::Held, Some(expires)) => {
                if self
                    .clock_at(Some(now))
                    .is_some_and(|clock| clock >= expires)
                {
                    return Err(Error::hold_expired(id, expires));
                }
            }
            _ => return Err(Error::not_held(id)),
        }
        self.check_revision_room()?;
        self.advance_clock(Some(now));
        self.modify(seq, |appointment| {
            appointment.status = AppointmentStatus::Booked;
            appointment.hold_expires = None;
        });
        self.commit(|revision| Change::Confirm {
            revision,
            id: id.to_owned(),
            now,
        });
        self.appointment(seq)
    }

    /// Moves a booked or held appointment to a new start (and, if given, location and
    /// duration), keeping its id, patient and status, and adding where and when it was to
    /// `rescheduledFrom`. The new time is checked like a booking that ignores the
    /// appointment's own current time; on any failure nothing changes. Moving it to where it
    /// already is changes nothing and returns it. A hold that has lapsed by `now` (or the
    /// clock) cannot be moved: `HOLD_EXPIRED`.
    pub fn reschedule(&mut self, id: &str, request: RescheduleRequest) -> Result<&Appointment> {
        validate::lookup_id("appointmentId", id)?;
        if let Some(location) = &request.location {
            validate::text("location", location, MAX_LOCATION_LEN)?;
        }
        self.check_now_given(request.now)?;
        let clock = self.clock_at(request.now);
        let seq = self.find_appointment(id)?;
        let appointment = self.appointment(seq)?;
        if !appointment.is_active() {
            return Err(Error::already_cancelled(id));
        }
        if let Some(expires) = appointment.hold_expires {
            if self.live(Some(&seq), clock).is_none() {
                return Err(Error::hold_expired(id, expires));
            }
        }
        let location = request
            .location
            .unwrap_or_else(|| appointment.location.clone());
        let duration = request
            .duration_minutes
            .unwrap_or(appointment.duration_minutes);
        let unchanged = location == appointment.location
            && request.start == appointment.start
            && duration == appointment.duration_minutes;
        if unchanged {
            return self.appointment(seq);
        }
        if appointment.rescheduled_from.len() >= MAX_RESCHEDULES {
            return Err(Error::invalid_input(
                "",
                format!(
                    "appointment {id:?} was rescheduled {MAX_RESCHEDULES} times, the most it \
                     records; cancel it and book a new one"
                ),
            ));
        }
        let (_, state) = self.find_doctor(&appointment.doctor_id)?;
        let patient = appointment.patient.as_deref();
        let end = booking::check_proposal(
            &self.context(state, clock, patient),
            &Proposal {
                location: &location,
                start: request.start,
                duration,
                patient,
                now: request.now,
                moving: Some(seq),
            },
        )?;
        self.check_revision_room()?;
        self.advance_clock(request.now);
        let record_location = location.clone();
        self.modify(seq, |appointment| {
            let previous = PreviousTime {
                location: std::mem::replace(&mut appointment.location, location),
                start: appointment.start,
                end: appointment.end,
            };
            appointment.rescheduled_from.push(previous);
            appointment.start = request.start;
            appointment.end = end;
            appointment.duration_minutes = duration;
        });
        self.commit(|revision| Change::Reschedule {
            revision,
            id: id.to_owned(),
            location: record_location,
            start: request.start,
            duration_minutes: duration,
            now: request.now,
        });
        self.appointment(seq)
    }

    /// The time against which holds lapse for a call passing `now`: the later of `now` and
    /// the hospital's clock.
    pub(super) fn clock_at(&self, now: Option<LocalDateTime>) -> Option<LocalDateTime> {
        self.clock.max(now)
    }

    /// `seq`, unless it is a hold that has lapsed at `clock`.
    pub(super) fn live(&self, seq: Option<&Seq>, clock: Option<LocalDateTime>) -> Option<Seq> {
        let seq = *seq?;
        let appointment = self.appointments.get(&seq)?;
        let lapsed = appointment
            .hold_expires
            .zip(clock)
            .is_some_and(|(expires, clock)| clock >= expires);
        (!lapsed).then_some(seq)
    }

    /// Moves the clock to `now` if that is later, and drops the holds that have lapsed by then.
    /// Called by successful calls only, after every check.
    pub(super) fn advance_clock(&mut self, now: Option<LocalDateTime>) {
        let clock = self.clock_at(now);
        self.clock = clock;
        let Some(clock) = clock else {
            return;
        };
        while self
            .holds
            .first()
            .is_some_and(|&(expires, _)| expires <= clock)
        {
            if let Some((_, seq)) = self.holds.pop_first() {
                self.forget(seq);
            }
        }
    }
}
