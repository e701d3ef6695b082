//! Free-slot search: every grid start whose whole interval fits one block of the doctor's
//! hours (override or weekly, minus time off) at a location, misses every booked appointment
//! and live hold, and lies inside the window. Cost O(days × groups + slots + appointments) in
//! the window: appointments are walked once per group, in order, beside the grid. Also the
//! result of a search across doctors, [`FoundSlot`].

use crate::calendar::Calendar;
use crate::hours::Availability;
use crate::store::Appointments;
use crate::time::{LocalDateTime, Moment, MINUTES_PER_DAY};
use serde::Serialize;

/// One result of `findSlots`, borrowed from the hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FoundSlot<'a> {
    /// The doctor who is free.
    pub doctor_id: &'a str,
    /// Where: the location asked for, or the first of the doctor's where the slot fits.
    pub location: &'a str,
    /// First minute: the wall clock there, with its offset where that wall clock happens twice.
    pub start: Moment,
    /// The start as an instant, in a hospital with a time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_utc: Option<Moment>,
    /// The doctor's key and stamp, and the location's number and stamp: handles for caches, as
    /// [`AppointmentView::handles`](crate::AppointmentView::handles) describes them.
    #[serde(skip)]
    pub handles: [u32; 4],
}

/// What to search for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlotSearch {
    /// The grid step in minutes.
    pub slot: u32,
    /// The appointment length: a positive multiple of `slot`.
    pub duration: u32,
    /// Inclusive start of the window.
    pub from: LocalDateTime,
    /// Exclusive end of the window: every slot ends by it.
    pub to: LocalDateTime,
    /// The latest start allowed (the booking horizon), if any.
    pub latest_start: Option<LocalDateTime>,
    /// The time against which holds lapse.
    pub clock: Option<LocalDateTime>,
}

/// Up to `limit` free starts in the window, earliest first, each with the index in `groups`
/// of the first group of hours it fits (so a start that fits several is listed once).
pub(crate) fn free_slots(
    hours: &Availability,
    calendar: &Calendar,
    store: &Appointments,
    groups: &[usize],
    search: &SlotSearch,
    limit: usize,
) -> Vec<(LocalDateTime, usize)> {
    let mut slots = Vec::new();
    // Appointments end before the end of the representable range (booking rule 3).
    let search = &SlotSearch {
        to: search.to.min(LocalDateTime::END_OF_RANGE.plus_minutes(-1)),
        ..*search
    };
    let SlotSearch { from, to, .. } = *search;
    if limit == 0 || to <= from || search.slot == 0 {
        return slots;
    }
    let last_day = to.plus_minutes(-1).day();
    let mut today: Vec<(LocalDateTime, usize)> = Vec::new();
    for day in from.day()..=last_day {
        if let [group] = groups {
            // One set of hours (the usual case): its slots are already in order.
            day_slots(hours, calendar, store, *group, day, search, &mut |start| {
                slots.push((start, 0))
            });
        } else {
            today.clear();
            for (position, &group) in groups.iter().enumerate() {
                day_slots(hours, calendar, store, group, day, search, &mut |start| {
                    today.push((start, position));
                });
            }
            // Pushed group by group, so a stable sort by start orders ties by position.
            crate::sorting::sort_by_key(&mut today, |(start, _)| start.as_minutes());
            today.dedup_by_key(|(start, _)| *start);
            slots.extend_from_slice(&today);
        }
        if slots.len() >= limit {
            slots.truncate(limit);
            return slots;
        }
    }
    slots
}

/// [`free_slots`] in a hospital with time zones: each unit is one of the doctor's locations (its
/// index), standing for its group of hours in its zone. A start lies on the slot grid of the wall
/// clock there and inside one open range of the date it has there (engine times are UTC), so
/// that a start the clocks skip never appears and one they repeat appears twice, once per
/// instant.
pub(crate) fn free_slots_zoned(
    hours: &Availability,
    calendar: &Calendar,
    store: &Appointments,
    units: &[usize],
    search: &SlotSearch,
    limit: usize,
) -> Vec<(LocalDateTime, usize)> {
    let slot = i64::from(search.slot);
    let duration = i64::from(search.duration);
    let mut slots = Vec::new();
    if limit == 0 || search.to <= search.from || slot == 0 {
        return slots;
    }
    for (position, &index) in units.iter().enumerate() {
        let Some(zone) = hours.zone_at(index) else {
            continue;
        };
        let mut found = 0;
        let (first, last) = (
            zone.wall(search.from).day() - 1,
            zone.wall(search.to).day() + 1,
        );
        'days: for day in first..=last {
            for (open, close) in hours.ranges_at(index, day) {
                let close = close.min(search.to);
                let mut start = zone.grid_at_or_after(open.max(search.from), slot);
                while start.plus_minutes(duration) <= close {
                    if search.latest_start.is_some_and(|latest| start > latest) {
                        break 'days;
                    }
                    let end = start.plus_minutes(duration);
                    let free = calendar
                        .overlapping(store, start, end, search.clock, None)
                        .next()
                        .is_none();
                    if free && zone.wall(start).day() == day {
                        slots.push((start, position));
                        found += 1;
                        if found >= limit {
                            break 'days;
                        }
                    }
                    start = zone.grid_at_or_after(start.plus_minutes(1), slot);
                }
            }
        }
    }
    // Pushed unit by unit, so a stable sort by start orders ties by position.
    crate::sorting::sort_by_key(&mut slots, |(start, _)| start.as_minutes());
    slots.dedup_by_key(|(start, _)| *start);
    slots.truncate(limit);
    slots
}

/// The free starts of one group of hours on one day, in order.
fn day_slots(
    hours: &Availability,
    calendar: &Calendar,
    store: &Appointments,
    group: usize,
    day: i64,
    search: &SlotSearch,
    found: &mut dyn FnMut(LocalDateTime),
) {
    let slot = i64::from(search.slot);
    let duration = i64::from(search.duration);
    let midnight = LocalDateTime::from_day_and_minute(day, 0);
    let earliest = search.from.minutes_since(midnight).max(0);
    let window_end = search.to.minutes_since(midnight);
    let latest_start = search
        .latest_start
        .map_or(MINUTES_PER_DAY, |latest| latest.minutes_since(midnight));
    // Appointments never cross midnight, so only today's can be in the way.
    let mut booked = calendar
        .active_in(
            store,
            Some(midnight),
            Some(midnight.plus_minutes(MINUTES_PER_DAY)),
        )
        .filter(|entry| entry.is_live(search.clock))
        .peekable();
    for (open, close) in hours.free_ranges(group, day) {
        let close = close.min(window_end);
        let mut minute = round_up(open.max(earliest), slot);
        while minute + duration <= close && minute <= latest_start {
            let start = midnight.plus_minutes(minute);
            let end = start.plus_minutes(duration);
            while booked.next_if(|entry| entry.end <= start).is_some() {}
            match booked.peek() {
                Some(entry) if entry.start < end => {
                    minute = round_up(entry.end.minutes_since(midnight), slot);
                }
                _ => {
                    found(start);
                    minute += slot;
                }
            }
        }
    }
}

/// The smallest multiple of `step` that is at least `minute`.
fn round_up(minute: i64, step: i64) -> i64 {
    minute.div_euclid(step) * step
        + if minute.rem_euclid(step) == 0 {
            0
        } else {
            step
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Slot;
    use crate::doctor::{Doctor, ScheduleRule, TimeOff};
    use crate::store::{Record, Status};
    use crate::time::{ClockTime, Weekday};

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse(text).unwrap()
    }

    fn rule(start: &str, end: &str, locations: Option<&[&str]>) -> ScheduleRule {
        ScheduleRule {
            days: vec![Weekday::Fri],
            start: ClockTime::parse(start).unwrap(),
            end: ClockTime::parse(end).unwrap(),
            locations: locations.map(|l| l.iter().map(|s| s.to_string()).collect()),
        }
    }

    /// A doctor with the hours and calendar the hospital keeps beside them, and the store of
    /// their appointments.
    struct DoctorState {
        doctor: Doctor,
        hours: Availability,
        calendar: Calendar,
        store: Appointments,
    }

    impl DoctorState {
        fn new(doctor: Doctor) -> Self {
            DoctorState {
                hours: Availability::from_doctor(&doctor),
                doctor,
                calendar: Calendar::default(),
                store: Appointments::default(),
            }
        }

        /// Books `[start, end)`, held until `expires` if given.
        fn take(&mut self, start: &str, end: &str, expires: Option<&str>) {
            let (start, end) = (at(start), at(end));
            let duration = u16::try_from(end.minutes_since(start)).unwrap();
            let mut record = Record {
                start,
                number: u64::from(self.store.next_seq()) + 1,
                patient: None,
                doctor: 0,
                place: 0,
                duration,
                status: if expires.is_some() {
                    Status::Held
                } else {
                    Status::Booked
                },
                extra: None,
            };
            if let Some(expires) = expires {
                record.extra_mut().hold_expires = Some(at(expires));
            }
            let seq = self.store.insert(record).unwrap();
            self.calendar.insert(
                start,
                Slot {
                    seq,
                    duration,
                    held: expires.is_some(),
                },
            );
        }
    }

    /// [`super::free_slots`] for one doctor's state.
    fn free_slots(
        state: &DoctorState,
        groups: &[usize],
        search: &SlotSearch,
        limit: usize,
    ) -> Vec<(LocalDateTime, usize)> {
        super::free_slots(
            &state.hours,
            &state.calendar,
            &state.store,
            groups,
            search,
            limit,
        )
    }

    /// Works Fridays 09:00–10:00 and 11:00–12:00 (2019-02-01 is a Friday).
    fn state() -> DoctorState {
        DoctorState::new(Doctor {
            id: "d1".into(),
            name: "Dr. Ada".into(),
            locations: vec!["A".into()],
            schedule: vec![rule("09:00", "10:00", None), rule("11:00", "12:00", None)],
            overrides: vec![],
            time_off: vec![],
        })
    }

    fn search(from: &str, to: &str, duration: u32) -> SlotSearch {
        SlotSearch {
            slot: 15,
            duration,
            from: at(from),
            to: at(to),
            latest_start: None,
            clock: None,
        }
    }

    fn hhmm(slots: &[(LocalDateTime, usize)]) -> Vec<String> {
        slots
            .iter()
            .map(|(s, _)| s.to_string()[11..].to_string())
            .collect()
    }

    #[test]
    fn lists_every_grid_start_that_fits_a_block() {
        let slots = free_slots(
            &state(),
            &[0],
            &search("2019-02-01T00:00", "2019-02-02T00:00", 30),
            100,
        );
        assert_eq!(
            hhmm(&slots),
            ["09:00", "09:15", "09:30", "11:00", "11:15", "11:30"]
        );
    }

    #[test]
    fn skips_booked_time_and_live_holds_and_respects_window_and_limit() {
        let mut s = state();
        s.take("2019-02-01T09:15", "2019-02-01T09:30", None);
        s.take(
            "2019-02-01T11:00",
            "2019-02-01T11:15",
            Some("2019-01-31T10:00"),
        );
        let window = search("2019-02-01T09:05", "2019-02-01T11:30", 15);
        let slots = free_slots(&s, &[0], &window, 100);
        assert_eq!(hhmm(&slots), ["09:30", "09:45", "11:15"]);
        let lapsed = SlotSearch {
            clock: Some(at("2019-01-31T10:00")),
            ..window
        };
        let slots = free_slots(&s, &[0], &lapsed, 100);
        assert_eq!(hhmm(&slots), ["09:30", "09:45", "11:00", "11:15"]);
        let week = search("2019-02-01T00:00", "2019-02-08T00:00", 15);
        assert_eq!(free_slots(&s, &[0], &week, 2).len(), 2);
        assert!(free_slots(&s, &[0], &week, 0).is_empty());
    }

    #[test]
    fn time_off_and_several_groups() {
        let mut doctor = state().doctor;
        doctor.locations.push("B".into());
        doctor.schedule.push(rule("10:00", "11:00", Some(&["B"])));
        doctor.time_off.push(TimeOff {
            start: Moment::wall(at("2019-02-01T09:30")),
            end: Moment::wall(at("2019-02-01T10:15")),
            reason: None,
        });
        let s = DoctorState::new(doctor);
        let day = search("2019-02-01T00:00", "2019-02-02T00:00", 15);
        let slots = free_slots(&s, &[0, 1], &day, 100);
        assert_eq!(
            hhmm(&slots),
            ["09:00", "09:15", "10:15", "10:30", "10:45", "11:00", "11:15", "11:30", "11:45"]
        );
        // 10:15 fits only B's hours (group 1); 09:00 fits both, and A (group 0) comes first.
        assert_eq!(slots[0].1, 0);
        assert_eq!(slots[2].1, 1);
    }

    #[test]
    fn round_up_goes_to_the_next_multiple() {
        assert_eq!(round_up(0, 15), 0);
        assert_eq!(round_up(1, 15), 15);
        assert_eq!(round_up(30, 15), 30);
    }
}
