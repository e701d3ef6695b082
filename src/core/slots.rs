//! Free-slot search: every grid start whose whole interval fits the doctor's hours, misses
//! every booked appointment and lies inside the window. Cost O(days + slots + appointments)
//! in the window: booked appointments are walked once, in order, beside the grid.

use super::doctor::DoctorState;
use super::time::{LocalDateTime, MINUTES_PER_DAY};

/// Up to `limit` free starts for an appointment of `duration` minutes in `[from, to)`,
/// earliest first. `slot` is the grid step; `duration` is a positive multiple of it.
pub fn free_slots(
    state: &DoctorState,
    slot: u32,
    from: LocalDateTime,
    to: LocalDateTime,
    duration: u32,
    limit: usize,
) -> Vec<LocalDateTime> {
    let mut slots = Vec::new();
    if limit == 0 || to <= from || slot == 0 {
        return slots;
    }
    let slot = i64::from(slot);
    let duration = i64::from(duration);
    // Appointments end before the end of the representable range (booking rule 3).
    let to = to.min(LocalDateTime::END_OF_RANGE.plus_minutes(-1));
    // Appointments never cross midnight, so none that starts before `from`'s day can reach a
    // slot in the window.
    let first_midnight = LocalDateTime::from_day_and_minute(from.day(), 0);
    let mut booked = state
        .calendar
        .booked_in(Some(first_midnight), Some(to))
        .peekable();
    let last_day = to.plus_minutes(-1).day();
    for day in from.day()..=last_day {
        let midnight = LocalDateTime::from_day_and_minute(day, 0);
        let earliest = from.minutes_since(midnight).max(0);
        for &(open, close) in state.hours.blocks(midnight.weekday()) {
            let close = i64::from(close)
                .min(to.minutes_since(midnight))
                .min(MINUTES_PER_DAY);
            let mut minute = round_up(i64::from(open).max(earliest), slot);
            while minute + duration <= close {
                let start = midnight.plus_minutes(minute);
                let end = start.plus_minutes(duration);
                while booked
                    .next_if(|&(_, booked_end, _)| booked_end <= start)
                    .is_some()
                {}
                match booked.peek() {
                    Some(&(booked_start, booked_end, _)) if booked_start < end => {
                        minute = round_up(booked_end.minutes_since(midnight), slot);
                    }
                    _ => {
                        slots.push(start);
                        if slots.len() >= limit {
                            return slots;
                        }
                        minute += slot;
                    }
                }
            }
        }
    }
    slots
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
    use crate::core::doctor::{Doctor, ScheduleRule};
    use crate::core::time::{ClockTime, Weekday};

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse(text).unwrap()
    }

    /// Works Fridays 09:00–10:00 and 11:00–12:00 (2019-02-01 is a Friday).
    fn state() -> DoctorState {
        DoctorState::new(Doctor {
            id: "d1".into(),
            name: "Dr. Ada".into(),
            locations: vec!["A".into()],
            schedule: vec![
                ScheduleRule {
                    days: vec![Weekday::Fri],
                    start: ClockTime::parse("09:00").unwrap(),
                    end: ClockTime::parse("10:00").unwrap(),
                },
                ScheduleRule {
                    days: vec![Weekday::Fri],
                    start: ClockTime::parse("11:00").unwrap(),
                    end: ClockTime::parse("12:00").unwrap(),
                },
            ],
        })
    }

    #[test]
    fn lists_every_grid_start_that_fits_a_block() {
        let slots = free_slots(
            &state(),
            15,
            at("2019-02-01T00:00"),
            at("2019-02-02T00:00"),
            30,
            100,
        );
        let hhmm: Vec<String> = slots
            .iter()
            .map(|s| s.to_string()[11..].to_string())
            .collect();
        assert_eq!(hhmm, ["09:00", "09:15", "09:30", "11:00", "11:15", "11:30"]);
    }

    #[test]
    fn skips_booked_time_and_respects_window_and_limit() {
        let mut s = state();
        s.calendar
            .insert_booked(at("2019-02-01T09:15"), at("2019-02-01T09:30"), 1);
        let slots = free_slots(
            &s,
            15,
            at("2019-02-01T09:05"),
            at("2019-02-01T11:30"),
            15,
            100,
        );
        let hhmm: Vec<String> = slots
            .iter()
            .map(|s| s.to_string()[11..].to_string())
            .collect();
        assert_eq!(hhmm, ["09:30", "09:45", "11:00", "11:15"]);
        assert_eq!(
            free_slots(
                &s,
                15,
                at("2019-02-01T00:00"),
                at("2019-02-08T00:00"),
                15,
                2
            )
            .len(),
            2
        );
        assert!(free_slots(
            &s,
            15,
            at("2019-02-01T00:00"),
            at("2019-02-08T00:00"),
            15,
            0
        )
        .is_empty());
    }

    #[test]
    fn round_up_goes_to_the_next_multiple() {
        assert_eq!(round_up(0, 15), 0);
        assert_eq!(round_up(1, 15), 15);
        assert_eq!(round_up(30, 15), 30);
    }
}
