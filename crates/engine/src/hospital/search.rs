//! Read-only questions about time: one doctor's free slots, the first free slots across
//! doctors, why a time cannot be booked, and when a doctor works on given dates.

use super::{DoctorState, Hospital};
use crate::booking::{self, Proposal};
use crate::error::{Error, Result};
use crate::json::{Object, WriteJson};
use crate::limits::{
    MAX_FIND_DOCTORS, MAX_FIND_LIMIT, MAX_FIND_WINDOW_DAYS, MAX_LOCATION_LEN, MAX_PATIENT_LEN,
    MAX_SLOT_WINDOW_DAYS,
};
use crate::queries::{FindSlotsQuery, SlotQuery, Window, WorkingHoursQuery};
use crate::requests::ExplainRequest;
use crate::slots::{self, FoundSlot, SlotSearch};
use crate::time::{Bound, LocalDate, LocalDateTime, MINUTES_PER_DAY};
use serde::Serialize;

/// One open block of a doctor's working hours (`workingHours`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WorkingBlock<'a> {
    /// The date.
    pub date: LocalDate,
    /// The location the block is at.
    pub location: &'a str,
    /// First minute.
    pub start: LocalDateTime,
    /// Exclusive end.
    pub end: LocalDateTime,
}
use crate::validate;

impl Hospital {
    /// Every grid start in the window where an appointment of the asked duration could be
    /// booked right now (at the location, if one is given; else at any of the doctor's),
    /// earliest first, at most `limit`.
    pub fn available_slots(&self, doctor_id: &str, query: SlotQuery) -> Result<Vec<LocalDateTime>> {
        validate::lookup_id("doctorId", doctor_id)?;
        if let Some(location) = &query.location {
            validate::text("location", location, MAX_LOCATION_LEN)?;
        }
        let (from, to) = window(&query.from, &query.to, MAX_SLOT_WINDOW_DAYS)?;
        self.check_now_given(query.now)?;
        let (_, state) = self.find_doctor(doctor_id)?;
        let groups = match &query.location {
            Some(location) => vec![self.group_at(state, location)?],
            None => state.hours.groups().map(|(group, _)| group).collect(),
        };
        let search = self.slot_search(query.duration_minutes, from, to, query.now)?;
        let limit = query.limit.map_or(usize::MAX, |l| l as usize);
        Ok(slots::free_slots(
            &state.hours,
            &state.calendar,
            &self.store,
            &groups,
            &search,
            limit,
        )
        .into_iter()
        .map(|(start, _)| start)
        .collect())
    }

    /// Free slots across doctors (all, or those named), earliest first and then in the order
    /// the doctors were added, each with the doctor and a location: the one asked for, or the
    /// first of the doctor's where the slot fits. At most `limit` (1 to 1,000) over a window of
    /// at most 31 days, so the cost is bounded by doctors × days.
    pub fn find_slots(&self, query: FindSlotsQuery) -> Result<Vec<FoundSlot<'_>>> {
        if let Some(location) = &query.location {
            validate::text("location", location, MAX_LOCATION_LEN)?;
        }
        if let Some(ids) = &query.doctor_ids {
            if ids.len() > MAX_FIND_DOCTORS {
                return Err(Error::invalid_input(
                    "doctorIds",
                    format!("{} ids; the limit is {MAX_FIND_DOCTORS}", ids.len()),
                ));
            }
            for (i, id) in ids.iter().enumerate() {
                validate::lookup_id(&format!("doctorIds[{i}]"), id)?;
            }
        }
        if query.limit == 0 || query.limit > MAX_FIND_LIMIT {
            return Err(Error::invalid_input(
                "limit",
                format!("{} is not between 1 and {MAX_FIND_LIMIT}", query.limit),
            ));
        }
        let (from, to) = window(&query.from, &query.to, MAX_FIND_WINDOW_DAYS)?;
        self.check_now_given(query.now)?;
        // The keys of the doctors asked for, sorted, to search.
        let wanted: Option<Vec<u32>> = match &query.doctor_ids {
            None => None,
            Some(ids) => {
                let mut keys = ids
                    .iter()
                    .map(|id| self.find_doctor(id).map(|(key, _)| key))
                    .collect::<Result<Vec<_>>>()?;
                crate::sorting::sort_by_key(&mut keys, |&key| i64::from(key));
                Some(keys)
            }
        };
        let search = self.slot_search(query.duration_minutes, from, to, query.now)?;
        // Each doctor who works at the location (or anywhere), in the order they were added,
        // with the groups of hours to search and the location (index) each group stands for.
        let doctors: Vec<(u32, &DoctorState, Vec<usize>, Vec<usize>)> = self
            .doctors
            .iter()
            .filter(|(key, _)| wanted.as_ref().is_none_or(|w| w.binary_search(key).is_ok()))
            .filter_map(|(key, state)| {
                let (groups, locations): (Vec<usize>, Vec<usize>) = match &query.location {
                    Some(location) => {
                        let index = state.doctor.location_index(location)?;
                        (vec![state.hours.group_of(index)?], vec![index])
                    }
                    None => state.hours.groups().unzip(),
                };
                Some((key, state, groups, locations))
            })
            .collect();
        let limit = query.limit as usize;
        let mut found: Vec<FoundSlot<'_>> = Vec::new();
        let mut day_start = search.from;
        while day_start < search.to && found.len() < limit {
            let next_midnight =
                LocalDateTime::from_day_and_minute(day_start.day() + 1, 0).min(search.to);
            let day = SlotSearch {
                from: day_start,
                to: next_midnight,
                ..search
            };
            let mut today: Vec<FoundSlot<'_>> = Vec::new();
            for (key, state, groups, locations) in &doctors {
                for (start, position) in slots::free_slots(
                    &state.hours,
                    &state.calendar,
                    &self.store,
                    groups,
                    &day,
                    limit,
                ) {
                    let index = locations.get(position).copied().unwrap_or(0);
                    let place = state.places.get(index).copied().unwrap_or(0);
                    today.push(FoundSlot {
                        doctor_id: &state.doctor.id,
                        location: self.places.name(place),
                        start,
                        handles: [*key, state.stamp, place, self.places.stamp(place)],
                    });
                }
            }
            // Stable: doctors stay in the order they were added within one start.
            crate::sorting::sort_by_key(&mut today, |slot| slot.start.as_minutes());
            found.extend(today.into_iter().take(limit - found.len()));
            day_start = next_midnight;
        }
        Ok(found)
    }

    /// Every reason a time cannot be booked, in the order of the booking rules, as the errors
    /// `book` would throw (the first of them); empty when it can be booked. The rules about
    /// ids and request ids (rule 0) are not checked: `explain` books nothing.
    pub fn explain(&self, request: ExplainRequest) -> Result<Vec<Error>> {
        validate::lookup_id("doctorId", &request.doctor_id)?;
        validate::text("location", &request.location, MAX_LOCATION_LEN)?;
        if let Some(patient) = &request.patient {
            validate::text("patient", patient, MAX_PATIENT_LEN)?;
        }
        self.check_now_given(request.now)?;
        let (_, state) = self.find_doctor(&request.doctor_id)?;
        let patient = request.patient.as_deref();
        let proposal = Proposal {
            location: &request.location,
            start: request.start,
            duration: request
                .duration_minutes
                .unwrap_or(self.options.default_duration_minutes),
            patient,
            now: request.now,
            moving: None,
        };
        let context = self.context(state, self.clock_at(request.now), patient);
        Ok(booking::problems(&context, &proposal, true))
    }

    /// When a doctor works on the dates from `from` to `to` (both included): the open blocks of
    /// each date at each of the doctor's locations (or at `location`), after weekly rules,
    /// overrides and time off, as the booking rules see them; by start, then in the order of
    /// the doctor's locations. At most 366 dates.
    pub fn working_hours(
        &self,
        doctor_id: &str,
        query: WorkingHoursQuery,
    ) -> Result<Vec<WorkingBlock<'_>>> {
        validate::lookup_id("doctorId", doctor_id)?;
        if let Some(location) = &query.location {
            validate::text("location", location, MAX_LOCATION_LEN)?;
        }
        let first = LocalDateTime::parse_bound(&query.from, Bound::From)
            .map_err(|reason| Error::invalid_input("from", reason))?
            .day();
        let last = LocalDateTime::parse_bound(&query.to, Bound::From)
            .map_err(|reason| Error::invalid_input("to", reason))?
            .day();
        if last < first {
            return Err(Error::invalid_input("to", "is before from"));
        }
        if last - first >= MAX_SLOT_WINDOW_DAYS {
            return Err(Error::invalid_input(
                "to",
                format!("the dates may span at most {MAX_SLOT_WINDOW_DAYS} days"),
            ));
        }
        let (_, state) = self.find_doctor(doctor_id)?;
        let indexes: Vec<usize> = match &query.location {
            Some(location) => vec![state
                .doctor
                .location_index(location)
                .ok_or_else(|| Error::location_not_served(&state.doctor.id, location))?],
            None => (0..state.doctor.locations.len()).collect(),
        };
        let mut blocks = Vec::new();
        for day in first..=last {
            let midnight = LocalDateTime::from_day_and_minute(day, 0);
            for (index, open, close) in state.hours.day_blocks(day, indexes.iter().copied()) {
                blocks.push(WorkingBlock {
                    date: LocalDate::of(midnight),
                    location: state.doctor.locations.get(index).map_or("", String::as_str),
                    start: midnight.plus_minutes(open),
                    end: midnight.plus_minutes(close),
                });
            }
        }
        Ok(blocks)
    }

    /// The group of hours at one of the doctor's locations; `LOCATION_NOT_SERVED` otherwise.
    fn group_at(&self, state: &DoctorState, location: &str) -> Result<usize> {
        state
            .doctor
            .location_index(location)
            .and_then(|index| state.hours.group_of(index))
            .ok_or_else(|| Error::location_not_served(&state.doctor.id, location))
    }

    /// A slot search for `duration` (the default when absent; must be on the grid) in
    /// `[from, to)`, narrowed by the notice and horizon when `now` is given.
    fn slot_search(
        &self,
        duration: Option<u32>,
        mut from: LocalDateTime,
        to: LocalDateTime,
        now: Option<LocalDateTime>,
    ) -> Result<SlotSearch> {
        let slot = self.options.slot_minutes;
        let duration = duration.unwrap_or(self.options.default_duration_minutes);
        if duration == 0 || duration % slot != 0 {
            return Err(Error::off_grid(
                "durationMinutes",
                format!("{duration} is not a positive multiple of {slot}"),
                slot,
            ));
        }
        let mut latest_start = None;
        if let Some(now) = now {
            if let Some(earliest) = self.options.earliest_start(now) {
                from = from.max(earliest);
            }
            latest_start = self.options.latest_start(now);
        }
        Ok(SlotSearch {
            slot,
            duration,
            from,
            to,
            latest_start,
            clock: self.clock_at(now),
        })
    }
}

/// Parses a search window `[from, to)` of at most `max_days` days.
fn window(from: &str, to: &str, max_days: i64) -> Result<(LocalDateTime, LocalDateTime)> {
    let window = Window::parse(Some(from), Some(to))?;
    let (Some(from), Some(to)) = (window.from, window.to) else {
        return Err(Error::invalid_input("from", "a window needs both ends"));
    };
    if to.minutes_since(from) > max_days * MINUTES_PER_DAY {
        return Err(Error::invalid_input(
            "to",
            format!("the window may span at most {max_days} days"),
        ));
    }
    Ok((from, to))
}

impl WriteJson for WorkingBlock<'_> {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.value("date", &self.date);
        o.str("location", self.location);
        o.value("start", &self.start);
        o.value("end", &self.end);
        o.end();
    }
}
