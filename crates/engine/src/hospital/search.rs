//! Read-only questions about time: one doctor's free slots, the first free slots across
//! doctors, why a time cannot be booked, and when a doctor works on given dates.

use super::{DoctorState, Hospital};
use crate::booking::{self, Proposal};
use crate::error::ErrorCode;
use crate::error::{Error, Result};
use crate::json::{Object, WriteJson};
use crate::limits::{
    MAX_FIND_DOCTORS, MAX_FIND_LIMIT, MAX_FIND_WINDOW_DAYS, MAX_LOCATION_LEN, MAX_PATIENT_LEN,
    MAX_SLOT_WINDOW_DAYS,
};
use crate::queries::{FindSlotsQuery, SlotQuery, Window, WorkingHoursQuery};
use crate::requests::ExplainRequest;
use crate::slots::{self, FoundSlot, SlotSearch};
use crate::time::{Bound, LocalDate, LocalDateTime, Moment, MINUTES_PER_DAY};
use crate::zone::ZoneRules;
use crate::zoned::{self, Reading};
use serde::Serialize;

/// One open block of a doctor's working hours (`workingHours`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkingBlock<'a> {
    /// The date.
    pub date: LocalDate,
    /// The location the block is at.
    pub location: &'a str,
    /// First minute, wall clock there.
    pub start: LocalDateTime,
    /// Exclusive end, wall clock there.
    pub end: LocalDateTime,
    /// The start as an instant, in a hospital with a time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_utc: Option<Moment>,
    /// The end as an instant (a block across a change of the clocks has its real length).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_utc: Option<Moment>,
}
use crate::validate;

impl Hospital {
    /// Every grid start in the window where an appointment of the asked duration could be
    /// booked right now (at the location, if one is given; else at any of the doctor's),
    /// earliest first, at most `limit`.
    ///
    /// Each start is the wall clock at the location; in a hospital with a time zone, a start
    /// the clocks repeat carries its offset (both occurrences are listed), and one they skip is
    /// never listed.
    pub fn available_slots(&self, doctor_id: &str, query: SlotQuery) -> Result<Vec<Moment>> {
        validate::lookup_id("doctorId", doctor_id)?;
        if let Some(location) = &query.location {
            validate::text("location", location, MAX_LOCATION_LEN)?;
        }
        let zone = match &query.location {
            Some(location) => self.zones.at(location),
            None => self.zones.hospital(),
        };
        let (from, to) = self.window(&query.from, &query.to, MAX_SLOT_WINDOW_DAYS, zone)?;
        let now = self.read_now(query.now)?;
        self.check_now_given(now)?;
        let (_, state) = self.find_doctor(doctor_id)?;
        let groups = match &query.location {
            Some(location) => vec![self.group_at(state, location)?],
            None => state.hours.groups().map(|(group, _)| group).collect(),
        };
        let search = self.slot_search(query.duration_minutes, from, to, now)?;
        let limit = query.limit.map_or(usize::MAX, |l| l as usize);
        if state.hours.is_zoned() {
            let units = match &query.location {
                Some(location) => vec![state.doctor.location_index(location).unwrap_or(0)],
                None => zoned_units(state),
            };
            let found = slots::free_slots_zoned(
                &state.hours,
                &state.calendar,
                &self.store,
                &units,
                &search,
                limit,
            );
            return Ok(found
                .into_iter()
                .map(|(start, position)| {
                    let index = units.get(position).copied().unwrap_or(0);
                    zoned::shown(state.hours.zone_at(index), start)
                })
                .collect());
        }
        Ok(slots::free_slots(
            &state.hours,
            &state.calendar,
            &self.store,
            &groups,
            &search,
            limit,
        )
        .into_iter()
        .map(|(start, _)| Moment::wall(start))
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
        let zone = match &query.location {
            Some(location) => self.zones.at(location),
            None => self.zones.hospital(),
        };
        let (from, to) = self.window(&query.from, &query.to, MAX_FIND_WINDOW_DAYS, zone)?;
        let now = self.read_now(query.now)?;
        self.check_now_given(now)?;
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
        let search = self.slot_search(query.duration_minutes, from, to, now)?;
        if self.zones.is_zoned() {
            return Ok(self.find_slots_zoned(&query, wanted.as_deref(), &search));
        }
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
                        start: Moment::wall(start),
                        start_utc: None,
                        handles: [*key, state.stamp, place, self.places.stamp(place)],
                    });
                }
            }
            // Stable: doctors stay in the order they were added within one start.
            crate::sorting::sort_by_key(&mut today, |slot| slot.start.local.as_minutes());
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
        let now = self.read_now(request.now)?;
        self.check_now_given(now)?;
        let (_, state) = self.find_doctor(&request.doctor_id)?;
        let patient = request.patient.as_deref();
        // A start the clocks skip or repeat is a problem of its own, reported with the
        // location's, since no rule can judge it.
        let start = match self.time_at(
            &request.location,
            request.start,
            "start",
            Reading::Start(i64::from(self.options.slot_minutes)),
        ) {
            Ok(start) => start,
            Err(e)
                if matches!(
                    e.code,
                    ErrorCode::NonexistentTime | ErrorCode::AmbiguousTime
                ) =>
            {
                let mut problems = Vec::new();
                if state.doctor.location_index(&request.location).is_none() {
                    problems.push(Error::location_not_served(
                        &state.doctor.id,
                        &request.location,
                    ));
                }
                problems.push(e);
                return Ok(problems);
            }
            Err(e) => return Err(e),
        };
        let proposal = Proposal {
            location: &request.location,
            start,
            duration: request
                .duration_minutes
                .unwrap_or(self.options.default_duration_minutes),
            patient,
            now,
            moving: None,
        };
        let context = self.context(state, self.clock_at(now), patient);
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
                let zone = state.hours.zone_at(index);
                let utc = |t: LocalDateTime| zone.map(|_| Moment::at(t, 0));
                blocks.push(WorkingBlock {
                    date: LocalDate::of(midnight),
                    location: state.doctor.locations.get(index).map_or("", String::as_str),
                    start: zoned::wall(zone, open),
                    end: zoned::wall(zone, close),
                    start_utc: utc(open),
                    end_utc: utc(close),
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
            if self.zones.is_zoned() {
                // Exact bounds: the zoned search keeps to the wall clock's grid itself.
                if let Some(notice) = self.options.min_notice_minutes {
                    from = from.max(now.plus_minutes(i64::from(notice)));
                }
                latest_start = self
                    .options
                    .horizon_days
                    .map(|days| now.plus_minutes(i64::from(days) * MINUTES_PER_DAY));
            } else {
                if let Some(earliest) = self.options.earliest_start(now) {
                    from = from.max(earliest);
                }
                latest_start = self.options.latest_start(now);
            }
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

/// The first of each of a doctor's locations whose hours and zone are those of no location
/// before it: the units a zoned slot search walks.
fn zoned_units(state: &DoctorState) -> Vec<usize> {
    let mut units: Vec<usize> = Vec::new();
    for index in 0..state.doctor.locations.len() {
        let key = |i: usize| {
            (
                state.hours.group_of(i),
                state.hours.zone_at(i).map(|z| z as *const _),
            )
        };
        if !units.iter().any(|&u| key(u) == key(index)) {
            units.push(index);
        }
    }
    units
}

impl Hospital {
    /// Parses a search window `[from, to)` of at most `max_days` days, read in `zone`.
    fn window(
        &self,
        from: &str,
        to: &str,
        max_days: i64,
        zone: Option<&ZoneRules>,
    ) -> Result<(LocalDateTime, LocalDateTime)> {
        let window = Window::parse(Some(from), Some(to))?;
        let (Some(from), Some(to)) = self.read_window(window, zone)? else {
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

    /// `findSlots` in a hospital with time zones: each doctor's free slots in the window, then
    /// all of them by start, doctors in the order they were added at the same start.
    fn find_slots_zoned(
        &self,
        query: &FindSlotsQuery,
        wanted: Option<&[u32]>,
        search: &SlotSearch,
    ) -> Vec<FoundSlot<'_>> {
        let limit = query.limit as usize;
        let mut found: Vec<FoundSlot<'_>> = Vec::new();
        for (key, state) in self.doctors.iter() {
            if wanted.is_some_and(|w| w.binary_search(&key).is_err()) {
                continue;
            }
            let units = match &query.location {
                Some(location) => match state.doctor.location_index(location) {
                    Some(index) => vec![index],
                    None => continue,
                },
                None => zoned_units(state),
            };
            let slots = slots::free_slots_zoned(
                &state.hours,
                &state.calendar,
                &self.store,
                &units,
                search,
                limit,
            );
            for (start, position) in slots {
                let index = units.get(position).copied().unwrap_or(0);
                let place = state.places.get(index).copied().unwrap_or(0);
                let zone = state.hours.zone_at(index);
                found.push(FoundSlot {
                    doctor_id: &state.doctor.id,
                    location: self.places.name(place),
                    start: zoned::shown(zone, start),
                    start_utc: Some(Moment::at(start, 0)),
                    handles: [key, state.stamp, place, self.places.stamp(place)],
                });
            }
        }
        // Stable: doctors stay in the order they were added within one start.
        crate::sorting::sort_by_key(&mut found, |slot| {
            slot.start_utc.map_or(0, |utc| utc.local.as_minutes())
        });
        found.truncate(limit);
        found
    }
}

impl WriteJson for WorkingBlock<'_> {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::new(out);
        o.value("date", &self.date);
        o.str("location", self.location);
        o.value("start", &self.start);
        o.value("end", &self.end);
        o.optional("startUtc", self.start_utc.as_ref());
        o.optional("endUtc", self.end_utc.as_ref());
        o.end();
    }
}
