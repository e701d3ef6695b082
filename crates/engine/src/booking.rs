//! The booking rules, in the order they are checked (the README's "Booking rules";
//! docs/ARCHITECTURE.md says where each one lives). A request that breaks several rules reports the
//! first; nothing changes until every rule has passed. `explain` reports all of them, from the same
//! code ([`problems`]).
//!
//! 0. A `requestId` seen before replays the appointment it created, if the request is the
//!    same, and fails with `REQUEST_ID_REUSED` otherwise. An explicit `id` in use fails with
//!    `DUPLICATE_ID`. (Rule 0 needs the whole hospital: [`Hospital::book`] applies it with
//!    [`is_same_request`].)
//! 1. The doctor exists; `location` is one of the doctor's locations.
//! 2. `start` and `durationMinutes` are on the slot grid.
//! 3. `[start, end)` lies inside one block of the doctor's hours at that location on that
//!    date (the date's override, or the weekday's rules that apply there), clear of time off.
//! 4. It overlaps no booked appointment or live hold of the same doctor, at any location.
//! 5. With a minimum notice or a horizon set: `start` is at least the notice after `now`, and
//!    at most the horizon after it.
//! 6. With `preventPatientOverlap`: it overlaps no booked appointment or live hold of the same
//!    patient.
//!
//! [`Hospital::book`]: crate::Hospital::book

use crate::appointment::Appointment;
use crate::calendar::{Calendar, Seq};
use crate::doctor::Doctor;
use crate::error::{Error, Result};
use crate::hours::Availability;
use crate::options::HospitalOptions;
use crate::requests::BookRequest;
use crate::time::{LocalDate, LocalDateTime, MINUTES_PER_DAY};
use std::ops::ControlFlow;

/// Rule 0: whether `existing`, the appointment first created with this request's `requestId`,
/// came from the same request: same doctor, location, start, duration and patient (and the
/// same id, if the request names one).
pub(crate) fn is_same_request(
    existing: &Appointment,
    request: &BookRequest,
    duration: u32,
) -> bool {
    existing.doctor_id == request.doctor_id
        && existing.location == request.location
        && existing.start == request.start
        && existing.duration_minutes == duration
        && existing.patient == request.patient
        && request.id.as_ref().is_none_or(|id| *id == existing.id)
}

/// What a booking check looks at: a proposed appointment of one doctor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Proposal<'a> {
    /// Where.
    pub location: &'a str,
    /// First minute.
    pub start: LocalDateTime,
    /// Length in minutes.
    pub duration: u32,
    /// The patient, for the patient-overlap rule.
    pub patient: Option<&'a str>,
    /// The caller's current time, for the notice and horizon rules.
    pub now: Option<LocalDateTime>,
    /// The appointment being moved (`reschedule`): its own current time does not count.
    pub moving: Option<Seq>,
}

/// What a booking check needs from the hospital.
pub(crate) struct Context<'a> {
    /// The hospital's options.
    pub options: &'a HospitalOptions,
    /// The doctor.
    pub doctor: &'a Doctor,
    /// When and where the doctor works.
    pub hours: &'a Availability,
    /// The doctor's appointments.
    pub calendar: &'a Calendar,
    /// The current time for hold expiry: the latest `now` the hospital knows of.
    pub clock: Option<LocalDateTime>,
    /// The patient's calendar, when the patient-overlap rule applies and the patient has one.
    pub patient_calendar: Option<&'a Calendar>,
    /// Names the appointments in the way.
    pub id_of: &'a dyn AppointmentIds,
}

/// Names appointments by sequence number (the hospital does).
pub(crate) trait AppointmentIds {
    /// The id of the appointment `seq`.
    fn appointment_id(&self, seq: Seq) -> String;
}

/// Rules 1 to 6 for a proposal, in order: every problem when `all` is set (`explain`), the
/// first only otherwise (`book`, `hold`, `reschedule`). Empty when the proposal is bookable.
pub(crate) fn problems(context: &Context<'_>, proposal: &Proposal<'_>, all: bool) -> Vec<Error> {
    let mut found = Vec::new();
    let _ = check(context, proposal, &mut |e| {
        found.push(e);
        if all {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    });
    found
}

/// The first problem of a proposal, as an error.
pub(crate) fn check_proposal(
    context: &Context<'_>,
    proposal: &Proposal<'_>,
) -> Result<LocalDateTime> {
    match problems(context, proposal, false).into_iter().next() {
        Some(e) => Err(e),
        None => Ok(proposal.start.plus_minutes(i64::from(proposal.duration))),
    }
}

type Report<'r> = &'r mut dyn FnMut(Error) -> ControlFlow<()>;

fn check(context: &Context<'_>, proposal: &Proposal<'_>, report: Report<'_>) -> ControlFlow<()> {
    let Context {
        options,
        doctor,
        hours,
        calendar,
        clock,
        patient_calendar,
        id_of,
    } = context;
    let Proposal {
        location,
        start,
        duration,
        patient,
        now,
        moving,
    } = *proposal;
    let end = start.plus_minutes(i64::from(duration));
    // Rule 1.
    let location_index = doctor.location_index(location);
    if location_index.is_none() {
        report(Error::location_not_served(&doctor.id, location))?;
    }
    // Rule 2.
    for e in grid_errors(options, start, duration) {
        report(e)?;
    }
    // Rule 3.
    if let Some(index) = location_index {
        check_hours(doctor, hours, index, start, end, report)?;
    }
    // Rule 4: the latest-starting appointment in the way first, as `book` always reported.
    for seq in calendar.overlapping(start, end, *clock, moving) {
        report(Error::slot_taken(&id_of.appointment_id(seq)))?;
    }
    // Rule 5.
    if let Some(now) = now {
        if let Some(earliest) = options.earliest_start(now) {
            if start < earliest {
                report(Error::too_soon(start, earliest, start < now))?;
            }
        }
        if let Some(latest) = options.latest_start(now) {
            if start > latest {
                report(Error::beyond_horizon(start, latest))?;
            }
        }
    }
    // Rule 6.
    if let (Some(patient), Some(calendar)) = (patient, patient_calendar) {
        for seq in calendar.overlapping(start, end, *clock, moving) {
            report(Error::patient_busy(patient, &id_of.appointment_id(seq)))?;
        }
    }
    ControlFlow::Continue(())
}

/// Rule 3 at the doctor's location `index`: inside one block of the hours there (the date's
/// override, or the weekday's), clear of time off, and before
/// [`LocalDateTime::END_OF_RANGE`].
fn check_hours(
    doctor: &Doctor,
    hours: &Availability,
    index: usize,
    start: LocalDateTime,
    end: LocalDateTime,
    report: Report<'_>,
) -> ControlFlow<()> {
    // Nobody works past the last representable minute: an appointment ends before
    // 10000-01-01T00:00, so that its end can be written.
    if end.minutes_since(start) > MINUTES_PER_DAY || end >= LocalDateTime::END_OF_RANGE {
        return report(Error::outside_hours(&doctor.id, start, end));
    }
    let fits = |group: usize| hours.fits_blocks(group, start, end);
    if !hours.group_of(index).is_some_and(fits) {
        let elsewhere: Vec<String> = doctor
            .locations
            .iter()
            .enumerate()
            .filter(|&(i, _)| hours.group_of(i).is_some_and(fits))
            .map(|(_, l)| l.clone())
            .collect();
        let location = doctor.locations.get(index).map_or("", String::as_str);
        if !elsewhere.is_empty() {
            report(Error::not_served_there(
                &doctor.id, location, start, end, elsewhere,
            ))?;
        } else if hours.has_override(start.day()) {
            report(Error::closed_by_override(
                &doctor.id,
                LocalDate::of(start),
                start,
                end,
            ))?;
        } else {
            report(Error::outside_hours(&doctor.id, start, end))?;
        }
    }
    if hours.overlaps_time_off(start, end) {
        for time_off in doctor
            .time_off
            .iter()
            .filter(|t| t.start < end && start < t.end)
        {
            report(Error::time_off(
                &doctor.id,
                time_off.start,
                time_off.end,
                time_off.reason.as_deref(),
            ))?;
        }
    }
    ControlFlow::Continue(())
}

/// Rule 2 alone, for an appointment that takes no time (cancelled, in a snapshot): `start` on
/// the grid, `duration` a positive multiple of the slot length. Returns the end.
pub(crate) fn check_grid(
    options: &HospitalOptions,
    start: LocalDateTime,
    duration: u32,
) -> Result<LocalDateTime> {
    match grid_errors(options, start, duration).into_iter().next() {
        Some(e) => Err(e),
        None => Ok(start.plus_minutes(i64::from(duration))),
    }
}

/// Rule 2's problems: the start, then the duration.
fn grid_errors(options: &HospitalOptions, start: LocalDateTime, duration: u32) -> Vec<Error> {
    let slot = options.slot_minutes;
    let mut errors = Vec::new();
    if start.minute_of_day() % i64::from(slot) != 0 {
        errors.push(Error::off_grid(
            "start",
            format!("{start} is not at a multiple of {slot} minutes past midnight"),
            slot,
        ));
    }
    if duration == 0 || duration % slot != 0 {
        errors.push(Error::off_grid(
            "durationMinutes",
            format!("{duration} is not a positive multiple of {slot}"),
            slot,
        ));
    }
    errors
}
