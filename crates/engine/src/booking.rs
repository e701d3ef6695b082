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

use crate::calendar::{Calendar, TimeIndex};
use crate::doctor::Doctor;
use crate::error::{Error, Result, WorkingBlockDetails};
use crate::hours::Availability;
use crate::limits::MAX_APPOINTMENT_MINUTES;
use crate::options::HospitalOptions;
use crate::store::{Appointments, Seq};
use crate::time::{LocalDate, LocalDateTime, Moment, MINUTES_PER_DAY};
use crate::zoned::{self, HospitalZones};
use std::ops::ControlFlow;

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
    /// The hospital's appointments.
    pub store: &'a Appointments,
    /// The current time for hold expiry: the latest `now` the hospital knows of.
    pub clock: Option<LocalDateTime>,
    /// The appointments by patient, when the patient-overlap rule applies.
    pub patients: Option<&'a TimeIndex<u32>>,
    /// The proposal's patient's key in `patients`.
    pub patient_key: Option<u32>,
    /// Names the appointments in the way.
    pub id_of: &'a dyn AppointmentIds,
    /// The hospital's time zones.
    pub zones: &'a HospitalZones,
}

/// Names appointments by sequence number (the hospital does).
pub(crate) trait AppointmentIds {
    /// The id of the appointment `seq`.
    fn appointment_id(&self, seq: Seq) -> String;
    /// The patient of the appointment `seq`.
    fn patient(&self, seq: Seq) -> Option<&str>;
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
        store,
        clock,
        id_of,
        zones,
        ..
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
    let zone = zones.at(location);
    // Rule 1.
    let location_index = doctor.location_index(location);
    if location_index.is_none() {
        report(Error::location_not_served(&doctor.id, location))?;
    }
    // Rule 2, on the wall clock.
    for e in grid_errors(options, zoned::wall(zone, start), duration) {
        report(e)?;
    }
    // Rule 3.
    if let Some(index) = location_index {
        check_hours(doctor, hours, index, start, end, report)?;
    }
    // Rule 4: the latest-starting appointment in the way first, as `book` always reported.
    for seq in calendar.overlapping(store, start, end, *clock, moving) {
        report(Error::slot_taken(&id_of.appointment_id(seq)))?;
    }
    // Rule 5, against the exact bounds (an off-grid start, refused by rule 2 already, is not
    // also too soon for being before the rounded earliest start).
    if let Some(now) = now {
        let slot = i64::from(options.slot_minutes);
        if let Some(notice) = options.min_notice_minutes {
            let earliest = now.plus_minutes(i64::from(notice));
            if start < earliest {
                let earliest = match zone {
                    Some(zone) => zoned::shown(Some(zone), zone.grid_at_or_after(earliest, slot)),
                    None => Moment::wall(options.earliest_start(now).unwrap_or(earliest)),
                };
                let shown = zoned::shown(zone, start);
                report(Error::too_soon(shown, earliest, start < now))?;
            }
        }
        if let Some(days) = options.horizon_days {
            let latest = now.plus_minutes(i64::from(days) * MINUTES_PER_DAY);
            if start > latest {
                let latest = match zone {
                    Some(zone) => zoned::shown(Some(zone), zone.grid_at_or_before(latest, slot)),
                    None => Moment::wall(options.latest_start(now).unwrap_or(latest)),
                };
                report(Error::beyond_horizon(zoned::shown(zone, start), latest))?;
            }
        }
    }
    // Rule 6.
    if let Some(patient) = patient {
        check_patient(context, patient, start, end, moving, report)?;
    }
    ControlFlow::Continue(())
}

/// Rule 6 alone, for `patient` over `[start, end)`, leaving out `moving`: every appointment of
/// the patient in the way (`updateAppointment` giving an appointment a new patient).
pub(crate) fn patient_problems(
    context: &Context<'_>,
    patient: &str,
    start: LocalDateTime,
    end: LocalDateTime,
    moving: Option<Seq>,
) -> Vec<Error> {
    let mut found = Vec::new();
    let _ = check_patient(context, patient, start, end, moving, &mut |e| {
        found.push(e);
        ControlFlow::Continue(())
    });
    found
}

/// Rule 6: the patient's active appointments that overlap `[start, end)`, latest first.
fn check_patient(
    context: &Context<'_>,
    patient: &str,
    start: LocalDateTime,
    end: LocalDateTime,
    moving: Option<Seq>,
    report: Report<'_>,
) -> ControlFlow<()> {
    let (Some(index), Some(key)) = (context.patients, context.patient_key) else {
        return ControlFlow::Continue(());
    };
    let window_start = start.plus_minutes(-MAX_APPOINTMENT_MINUTES);
    for (_, seq) in index.within(key, window_start, end).rev() {
        let Some(record) = context.store.get(seq) else {
            continue;
        };
        if !record.status.is_active() {
            continue;
        }
        let lapsed = record
            .hold_expires()
            .zip(context.clock)
            .is_some_and(|(expires, clock)| clock >= expires);
        if record.end() > start
            && !lapsed
            && Some(seq) != moving
            && context.id_of.patient(seq) == Some(patient)
        {
            report(Error::patient_busy(
                patient,
                &context.id_of.appointment_id(seq),
            ))?;
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
    // Every OUTSIDE_HOURS names the doctor's hours on the start's date (there).
    let day = hours.wall(index, start).day();
    let with_hours = |mut e: Error| {
        let blocks = hours.day_blocks(day, 0..doctor.locations.len());
        e.details.hours = Some(
            blocks
                .into_iter()
                .map(|(index, open, close)| {
                    let zone = hours.zone_at(index);
                    let utc = |t: LocalDateTime| zone.map(|_| Moment::at(t, 0));
                    WorkingBlockDetails {
                        date: LocalDate::of(LocalDateTime::from_day_and_minute(day, 0)),
                        location: doctor.locations.get(index).cloned().unwrap_or_default(),
                        start: zoned::wall(zone, open),
                        end: zoned::wall(zone, close),
                        start_utc: utc(open),
                        end_utc: utc(close),
                    }
                })
                .collect(),
        );
        e
    };
    let (shown_start, shown_end) = (
        zoned::shown(hours.zone_at(index), start),
        zoned::shown(hours.zone_at(index), end),
    );
    // Nobody works past the last representable minute: an appointment ends before
    // 10000-01-01T00:00, so that its end can be written.
    if end.minutes_since(start) > MINUTES_PER_DAY || end >= LocalDateTime::END_OF_RANGE {
        return report(with_hours(Error::outside_hours(
            &doctor.id,
            shown_start,
            shown_end,
        )));
    }
    let fits = |i: usize| hours.fits_blocks_at(i, start, end);
    if !fits(index) {
        let elsewhere: Vec<String> = doctor
            .locations
            .iter()
            .enumerate()
            .filter(|&(i, _)| fits(i))
            .map(|(_, l)| l.clone())
            .collect();
        let location = doctor.locations.get(index).map_or("", String::as_str);
        let e = if !elsewhere.is_empty() {
            Error::not_served_there(&doctor.id, location, shown_start, shown_end, elsewhere)
        } else if hours.has_override(day) {
            Error::closed_by_override(
                &doctor.id,
                LocalDate::of(LocalDateTime::from_day_and_minute(day, 0)),
                shown_start,
                shown_end,
            )
        } else {
            Error::outside_hours(&doctor.id, shown_start, shown_end)
        };
        report(with_hours(e))?;
    }
    if hours.overlaps_time_off(start, end) {
        for (time_off, _) in doctor
            .time_off
            .iter()
            .zip(hours.time_off_entries())
            .filter(|&(_, &(off, back))| off < end && start < back)
        {
            report(with_hours(Error::time_off(
                &doctor.id,
                time_off.start,
                time_off.end,
                time_off.reason.as_deref(),
            )))?;
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
