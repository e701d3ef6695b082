//! Time-dependent operations: holds and their expiry, confirming, rescheduling.
//!
//! The hospital has no clock. Calls that care about the current time take it as `now`; the
//! latest `now` of any successful call is the hospital's *clock*. A hold takes its time until
//! `holdExpires`: every check made with a `now` (or clock) at or after that ignores it, and the
//! first successful call that moves the clock past it marks it expired, so that it frees its time
//! for good and stays in the history, like a cancelled appointment. Expiring happens inside a
//! successful, recorded call, so a hospital rebuilt from change records expires the same holds at
//! the same revision.

use super::{AppointmentView, Hospital};
use crate::appointment::PreviousTime;
use crate::booking::{self, Proposal};
use crate::changes::ChangeText;
use crate::error::{Error, Result};
use crate::limits::{MAX_HOLD_MINUTES, MAX_LOCATION_LEN, MAX_RESCHEDULES};
use crate::requests::{BookRequest, ConfirmOptions, HoldRequest, RescheduleRequest};
use crate::store::Status;
use crate::time::LocalDateTime;
use crate::validate;
use crate::words::Quoted;
use crate::zoned::{self, Reading};

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
            format!("the hold would lapse at {expires}, not after {clock}, the latest now seen"),
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
    pub fn hold(&mut self, request: HoldRequest) -> Result<AppointmentView<'_>> {
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
                notes: request.notes,
                metadata: request.metadata,
            },
            Some(ttl),
        )
    }

    /// Turns a live hold into a booking. Fails with `HOLD_EXPIRED` once `now` (or the clock)
    /// has reached `holdExpires`, or once the hold has expired; `NOT_HELD` for a booked
    /// appointment, `ALREADY_CANCELLED` for a cancelled one.
    pub fn confirm(&mut self, id: &str, options: ConfirmOptions) -> Result<AppointmentView<'_>> {
        validate::lookup_id("appointmentId", id)?;
        let now = zoned::read(self.zones.hospital(), options.now, "now", Reading::Now)?;
        let seq = self.find_appointment(id)?;
        let record = self.record(seq)?;
        let expires = self
            .zones
            .stamp(record.hold_expires().unwrap_or(record.start));
        match record.status {
            Status::Cancelled => return Err(Error::already_cancelled(id)),
            Status::Expired => return Err(Error::hold_expired(id, expires)),
            Status::Held if self.lapsed(record, self.clock_at(Some(now))) => {
                return Err(Error::hold_expired(id, expires));
            }
            Status::Held => {}
            _ => return Err(Error::not_held(id)),
        }
        self.check_revision_room()?;
        let mut next = record.clone();
        self.keep_request(&mut next);
        next.status = Status::Booked;
        next.extra_mut().hold_expires = None;
        next.extra_mut().updated_at = Some(now);
        next.tidy();
        let growth = self.growth(record, &next);
        self.check_budget(growth)?;
        self.advance_clock(Some(now));
        self.replace(seq, next, growth);
        let now = self.zones.stamp(now);
        self.commit(|buffer, revision| ChangeText::confirm(buffer, revision, id, now));
        self.view(seq)
    }

    /// Moves a booked or held appointment to a new start (and, if given, location and
    /// duration), keeping its id, patient and status, and adding where and when it was to
    /// `rescheduledFrom`; `notes` and `metadata`, if given, replace the appointment's. The new
    /// time is checked like a booking that ignores the appointment's own current time; on any
    /// failure nothing changes. Moving it to where it already is changes nothing else. A hold
    /// that has lapsed by `now` (or the clock) cannot be moved: `HOLD_EXPIRED`.
    pub fn reschedule(
        &mut self,
        id: &str,
        request: RescheduleRequest,
    ) -> Result<AppointmentView<'_>> {
        validate::lookup_id("appointmentId", id)?;
        if let Some(location) = &request.location {
            validate::text("location", location, MAX_LOCATION_LEN)?;
        }
        if let Some(notes) = &request.notes {
            validate::notes("notes", notes, crate::limits::MAX_NOTES_LEN)?;
        }
        let now = self.read_now(request.now)?;
        self.check_now_given(now)?;
        let clock = self.clock_at(now);
        let seq = self.find_appointment(id)?;
        let record = self.record(seq)?;
        let expires = self
            .zones
            .stamp(record.hold_expires().unwrap_or(record.start));
        match record.status {
            Status::Booked => {}
            Status::Held if !self.lapsed(record, clock) => {}
            Status::Held | Status::Expired => return Err(Error::hold_expired(id, expires)),
            _ => return Err(Error::already_cancelled(id)),
        }
        let state = self.doctor_state(record.doctor)?;
        let location = request
            .location
            .clone()
            .unwrap_or_else(|| self.places.name(record.place).to_owned());
        let duration = request
            .duration_minutes
            .unwrap_or(u32::from(record.duration));
        let start = self.time_at(
            &location,
            request.start,
            "start",
            Reading::Start(i64::from(self.options.slot_minutes)),
        )?;
        let moves = location != self.places.name(record.place)
            || start != record.start
            || duration != u32::from(record.duration);
        let mut next = record.clone();
        let (notes_given, metadata_given) = (request.notes.is_some(), request.metadata.is_some());
        if let Some(notes) = request.notes {
            next.extra_mut().notes = Some(notes.into_boxed_str());
        }
        if let Some(metadata) = request.metadata {
            next.extra_mut().metadata = Some(metadata.into_json().into_boxed_str());
        }
        if !moves && next == *record {
            return self.view(seq);
        }
        if moves {
            let trace = record
                .extra
                .as_ref()
                .map_or(0, |e| e.rescheduled_from.len());
            if trace >= MAX_RESCHEDULES {
                return Err(Error::invalid_input(
                    "appointmentId",
                    format!(
                        "appointment {q_id} was rescheduled {MAX_RESCHEDULES} times, the most \
                         it records; cancel it and book a new one",
                        q_id = Quoted(id)
                    ),
                ));
            }
            let patient = record.patient.as_deref();
            booking::check_proposal(
                &self.context(state, clock, patient),
                &Proposal {
                    location: &location,
                    start,
                    duration,
                    patient,
                    now,
                    moving: Some(seq),
                },
            )?;
            let place = state
                .place_of(&location)
                .map(|(_, place)| place)
                .ok_or_else(|| Error::location_not_served(&state.doctor.id, &location))?;
            self.keep_request(&mut next);
            let previous = PreviousTime {
                location: self.places.name(record.place).to_owned(),
                start: record.start,
                end: record.end(),
                start_utc: None,
                end_utc: None,
            };
            next.extra_mut().rescheduled_from.push(previous);
            next.start = start;
            next.duration = u16::try_from(duration).unwrap_or(u16::MAX);
            next.place = place;
        }
        if now.is_some() {
            next.extra_mut().updated_at = now;
        }
        self.check_revision_room()?;
        let growth = self.growth(record, &next);
        self.check_budget(growth)?;
        // Every check has passed: from here on the call succeeds.
        self.advance_clock(now);
        self.replace(seq, next, growth);
        let start = zoned::placed(self.zones.at(&location), start);
        let now = now.map(|now| self.zones.stamp(now));
        let buffer = self.log.spare();
        let view = self.view(seq)?;
        let text = ChangeText::reschedule(
            buffer,
            self.revision + 1,
            id,
            &location,
            start,
            duration,
            now,
            view.notes().filter(|_| notes_given),
            view.metadata().filter(|_| metadata_given),
        );
        self.commit_text(text);
        self.view(seq)
    }

    /// The time against which holds lapse for a call passing `now`: the later of `now` and
    /// the hospital's clock.
    pub(super) fn clock_at(&self, now: Option<LocalDateTime>) -> Option<LocalDateTime> {
        self.clock.max(now)
    }

    /// Moves the clock to `now` if that is later, and marks the holds that have lapsed by then
    /// expired. Called by successful calls only, after every check.
    pub(super) fn advance_clock(&mut self, now: Option<LocalDateTime>) {
        let clock = self.clock_at(now);
        self.clock = clock;
        let Some(clock) = clock else {
            return;
        };
        while let Some(&(expires, seq)) = self.holds.first() {
            if expires > clock {
                break;
            }
            let Some(mut next) = self.store.get(seq).cloned() else {
                self.holds.remove(&(expires, seq));
                continue;
            };
            next.status = Status::Expired;
            // Expiring never changes the size: a status counts as the longest, whichever it is.
            self.replace(seq, next, 0);
        }
    }
}
