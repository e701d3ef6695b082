//! A doctor's working hours on any date at any of their locations, derived from the profile:
//! the weekly schedule, replaced on a date by that date's override, minus time off.
//!
//! Rules and override blocks may name the locations they apply to (default: all). Locations to
//! which exactly the same rules and blocks apply share one set of hours (a *group*), so a doctor
//! whose rules name no location has one group whatever the number of locations, and free-slot
//! search walks each distinct set of hours once.

use crate::doctor::Doctor;
use crate::time::{Bound, LocalDateTime, Weekday, MINUTES_PER_DAY};
use crate::zone::ZoneRules;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `[open, close)` in minutes since midnight; `close` may be 1440.
pub(crate) type Block = (u16, u16);

/// The hours of one group of locations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct GroupHours {
    /// Per weekday (Monday first): merged, sorted, non-touching blocks.
    weekly: [Vec<Block>; 7],
    /// Per overridden day number: the blocks that replace the weekly ones (empty: closed).
    overrides: BTreeMap<i64, Vec<Block>>,
}

/// Everything a booking check or a slot search needs to know about when a doctor works.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Availability {
    /// For each of the doctor's locations, in the doctor's order, the index of its group.
    group_of: Vec<usize>,
    /// The distinct sets of hours.
    groups: Vec<GroupHours>,
    /// Time off, merged: sorted, disjoint and non-touching `[start, end)` ranges.
    time_off: Vec<(LocalDateTime, LocalDateTime)>,
    /// Each of the doctor's time off, in the profile's order, as engine times.
    time_off_entries: Vec<(LocalDateTime, LocalDateTime)>,
    /// In a hospital with a time zone: the zone of each of the doctor's locations, in the
    /// doctor's order (engine times are then UTC, and hours are wall-clock hours there).
    zones: Option<Vec<Arc<ZoneRules>>>,
}

impl Availability {
    /// Derives the hours of a (validated) doctor in a hospital without time zones.
    #[cfg(test)]
    pub(crate) fn from_doctor(doctor: &Doctor) -> Self {
        let time_off = doctor
            .time_off
            .iter()
            .map(|t| (t.start.local, t.end.local))
            .collect();
        Availability::build(doctor, time_off, None)
    }

    /// Derives the hours from a (validated) doctor whose time off, as engine times, is
    /// `time_off`, in a hospital whose zone at each of the doctor's locations is `zones` (none:
    /// floating wall-clock times).
    pub(crate) fn build(
        doctor: &Doctor,
        time_off: Vec<(LocalDateTime, LocalDateTime)>,
        zones: Option<Vec<Arc<ZoneRules>>>,
    ) -> Self {
        // A location's signature: the rules and override blocks that name locations and name it.
        let restricted = |location: &str| -> Vec<(usize, usize)> {
            let rules = doctor
                .schedule
                .iter()
                .enumerate()
                .filter(|(_, rule)| names(rule.locations.as_deref(), location) == Some(true))
                .map(|(i, _)| (usize::MAX, i));
            let blocks = doctor.overrides.iter().enumerate().flat_map(|(i, o)| {
                o.hours
                    .iter()
                    .enumerate()
                    .filter(|(_, block)| names(block.locations.as_deref(), location) == Some(true))
                    .map(move |(j, _)| (i, j))
            });
            rules.chain(blocks).collect()
        };
        let mut signatures: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut availability = Availability::default();
        for location in &doctor.locations {
            let signature = restricted(location);
            let group = match signatures.iter().position(|s| *s == signature) {
                Some(group) => group,
                None => {
                    signatures.push(signature);
                    availability.groups.push(group_hours(doctor, location));
                    signatures.len() - 1
                }
            };
            availability.group_of.push(group);
        }
        availability.time_off = merge_ranges(time_off.clone(), |start| start.as_minutes());
        availability.time_off_entries = time_off;
        availability.zones = zones;
        availability
    }

    /// The zone of the doctor's location at `index`, in a hospital with time zones.
    pub(crate) fn zone_at(&self, index: usize) -> Option<&ZoneRules> {
        self.zones.as_ref()?.get(index).map(|zone| &**zone)
    }

    /// Whether the hospital has time zones.
    pub(crate) fn is_zoned(&self) -> bool {
        self.zones.is_some()
    }

    /// The wall clock at the doctor's location at `index` of the engine time `t`.
    pub(crate) fn wall(&self, index: usize, t: LocalDateTime) -> LocalDateTime {
        crate::zoned::wall(self.zone_at(index), t)
    }

    /// Each time off of the profile, in its order, as engine times.
    pub(crate) fn time_off_entries(&self) -> &[(LocalDateTime, LocalDateTime)] {
        &self.time_off_entries
    }

    /// Whether `[start, end)` lies inside one block of the hours at the location at `index` on
    /// the date (there) of `start`, time off aside.
    pub(crate) fn fits_blocks_at(
        &self,
        index: usize,
        start: LocalDateTime,
        end: LocalDateTime,
    ) -> bool {
        let Some(group) = self.group_of(index) else {
            return false;
        };
        let Some(zone) = self.zone_at(index) else {
            return self.fits_blocks(group, start, end);
        };
        let day = zone.wall(start).day();
        end > start
            && self.blocks(group, day).iter().any(|&block| {
                let (open, close) = block_instants(zone, day, block);
                open <= start && end <= close
            })
    }

    /// The open ranges at the location at `index` on day `day` (its date there), after time
    /// off, as engine times: sorted and disjoint.
    pub(crate) fn ranges_at(&self, index: usize, day: i64) -> Vec<(LocalDateTime, LocalDateTime)> {
        let Some(group) = self.group_of(index) else {
            return Vec::new();
        };
        let Some(zone) = self.zone_at(index) else {
            let midnight = LocalDateTime::from_day_and_minute(day, 0);
            return self
                .free_ranges(group, day)
                .into_iter()
                .map(|(open, close)| (midnight.plus_minutes(open), midnight.plus_minutes(close)))
                .collect();
        };
        let mut ranges = Vec::new();
        for &block in self.blocks(group, day) {
            let (mut from, close) = block_instants(zone, day, block);
            let first = self.time_off.partition_point(|&(_, e)| e <= from);
            for &(cut_start, cut_end) in self.time_off.get(first..).unwrap_or_default() {
                if cut_start >= close {
                    break;
                }
                if cut_start > from {
                    ranges.push((from, cut_start));
                }
                from = from.max(cut_end);
            }
            if from < close {
                ranges.push((from, close));
            }
        }
        ranges
    }

    /// The group of the doctor's location at `location_index`.
    pub(crate) fn group_of(&self, location_index: usize) -> Option<usize> {
        self.group_of.get(location_index).copied()
    }

    /// Each group once, with the first of the doctor's locations that has it.
    pub(crate) fn groups(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.groups.len()).filter_map(|group| {
            self.group_of
                .iter()
                .position(|&g| g == group)
                .map(|location_index| (group, location_index))
        })
    }

    /// Whether day `day` has an override.
    pub(crate) fn has_override(&self, day: i64) -> bool {
        self.groups
            .first()
            .is_some_and(|g| g.overrides.contains_key(&day))
    }

    /// The blocks of a group on a day, before time off: the override's, or the weekday's.
    pub(crate) fn blocks(&self, group: usize, day: i64) -> &[Block] {
        let Some(hours) = self.groups.get(group) else {
            return &[];
        };
        match hours.overrides.get(&day) {
            Some(blocks) => blocks,
            None => hours
                .weekly
                .get(Weekday::of_day(day).index())
                .map(Vec::as_slice)
                .unwrap_or_default(),
        }
    }

    /// Whether `[start, end)` lies inside one block of the group's hours on `start`'s date
    /// (time off aside). An interval that crosses midnight never does.
    pub(crate) fn fits_blocks(
        &self,
        group: usize,
        start: LocalDateTime,
        end: LocalDateTime,
    ) -> bool {
        let from = start.minute_of_day();
        let to = from + end.minutes_since(start);
        end > start
            && self
                .blocks(group, start.day())
                .iter()
                .any(|&(open, close)| i64::from(open) <= from && to <= i64::from(close))
    }

    /// Whether `[start, end)` overlaps any time off.
    pub(crate) fn overlaps_time_off(&self, start: LocalDateTime, end: LocalDateTime) -> bool {
        let first_ending_after = self.time_off.partition_point(|&(_, e)| e <= start);
        self.time_off
            .get(first_ending_after)
            .is_some_and(|&(s, _)| s < end)
    }

    /// Whether an appointment `[start, end)` at the location at `location_index` is inside the
    /// doctor's hours there: in one block, and clear of time off.
    pub(crate) fn contains(
        &self,
        location_index: usize,
        start: LocalDateTime,
        end: LocalDateTime,
    ) -> bool {
        self.fits_blocks_at(location_index, start, end) && !self.overlaps_time_off(start, end)
    }

    /// The open blocks of day `day` (the date at each location) at each of `locations`
    /// (indexes into the doctor's locations), after overrides and time off, as
    /// `(location index, open, close)` in engine times: by opening time, then in the order of
    /// `locations`.
    pub(crate) fn day_blocks(
        &self,
        day: i64,
        locations: impl Iterator<Item = usize>,
    ) -> Vec<(usize, LocalDateTime, LocalDateTime)> {
        let mut blocks = Vec::new();
        for index in locations {
            blocks.extend(
                self.ranges_at(index, day)
                    .into_iter()
                    .map(|(open, close)| (index, open, close)),
            );
        }
        crate::sorting::sort_by_key(&mut blocks, |&(_, open, _)| open.as_minutes());
        blocks
    }

    /// The group's working ranges on a day with time off cut out, as minutes since that day's
    /// midnight: sorted and disjoint.
    pub(crate) fn free_ranges(&self, group: usize, day: i64) -> Vec<(i64, i64)> {
        let blocks = self.blocks(group, day);
        if self.time_off.is_empty() {
            return blocks
                .iter()
                .map(|&(open, close)| (i64::from(open), i64::from(close)))
                .collect();
        }
        let midnight = LocalDateTime::from_day_and_minute(day, 0);
        let next_midnight = midnight.plus_minutes(MINUTES_PER_DAY);
        let first = self.time_off.partition_point(|&(_, e)| e <= midnight);
        let cuts: Vec<(i64, i64)> = self
            .time_off
            .get(first..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&(s, _)| s < next_midnight)
            .map(|&(s, e)| (s.minutes_since(midnight), e.minutes_since(midnight)))
            .collect();
        let mut ranges = Vec::new();
        for &(open, close) in blocks {
            let mut from = i64::from(open);
            let close = i64::from(close);
            for &(cut_start, cut_end) in &cuts {
                if cut_end <= from || cut_start >= close {
                    continue;
                }
                if cut_start > from {
                    ranges.push((from, cut_start));
                }
                from = from.max(cut_end);
            }
            if from < close {
                ranges.push((from, close));
            }
        }
        ranges
    }
}

/// The instants a block `(open, close)` of day `day` spans in `zone`: a bound the clocks jump over
/// is the jump, and a repeated hour counts whole (see [`ZoneRules::bound`]), so that a block has
/// its real length.
fn block_instants(
    zone: &ZoneRules,
    day: i64,
    (open, close): Block,
) -> (LocalDateTime, LocalDateTime) {
    let midnight = LocalDateTime::from_day_and_minute(day, 0);
    (
        zone.bound(midnight.plus_minutes(i64::from(open)), Bound::From),
        zone.bound(midnight.plus_minutes(i64::from(close)), Bound::To),
    )
}

/// `Some(true)` if a location list names `location`, `Some(false)` if it names others only,
/// `None` if there is no list (the item applies everywhere).
pub(crate) fn names(locations: Option<&[String]>, location: &str) -> Option<bool> {
    locations.map(|list| list.iter().any(|l| l == location))
}

/// The hours that apply at `location`.
fn group_hours(doctor: &Doctor, location: &str) -> GroupHours {
    let applies = |locations: Option<&[String]>| names(locations, location) != Some(false);
    let mut hours = GroupHours::default();
    for (weekday, blocks) in Weekday::ALL.iter().zip(hours.weekly.iter_mut()) {
        *blocks = merge_blocks(
            doctor
                .schedule
                .iter()
                .filter(|rule| rule.days.contains(weekday) && applies(rule.locations.as_deref()))
                .map(|rule| (rule.start.minutes(), rule.end.minutes()))
                .collect(),
        );
    }
    for date_override in &doctor.overrides {
        hours.overrides.insert(
            date_override.date.day(),
            merge_blocks(
                date_override
                    .hours
                    .iter()
                    .filter(|block| applies(block.locations.as_deref()))
                    .map(|block| (block.start.minutes(), block.end.minutes()))
                    .collect(),
            ),
        );
    }
    hours
}

/// Sorts ranges by their start (`start_key`) and merges the touching or overlapping ones.
fn merge_ranges<T: Ord + Copy>(mut ranges: Vec<(T, T)>, start_key: fn(&T) -> i64) -> Vec<(T, T)> {
    crate::sorting::sort_by_key(&mut ranges, |(start, _)| start_key(start));
    let mut merged: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

fn merge_blocks(blocks: Vec<Block>) -> Vec<Block> {
    merge_ranges(blocks, |&start| i64::from(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::{DateOverride, HoursBlock, ScheduleRule, TimeOff};
    use crate::time::{ClockTime, LocalDate, Moment};

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse(text).unwrap()
    }

    fn clock(text: &str) -> ClockTime {
        ClockTime::parse(text).unwrap()
    }

    fn rule(days: &[Weekday], start: &str, end: &str, locations: Option<&[&str]>) -> ScheduleRule {
        ScheduleRule {
            days: days.to_vec(),
            start: clock(start),
            end: clock(end),
            locations: locations.map(|l| l.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn doctor(schedule: Vec<ScheduleRule>) -> Doctor {
        Doctor {
            id: "d1".into(),
            name: "Dr. Ada".into(),
            locations: vec!["A".into(), "B".into(), "C".into()],
            schedule,
            overrides: vec![],
            time_off: vec![],
        }
    }

    #[test]
    fn touching_and_overlapping_rules_merge() {
        use Weekday::*;
        let a = Availability::from_doctor(&doctor(vec![
            rule(&[Mon], "12:00", "17:00", None),
            rule(&[Mon, Tue], "09:00", "12:00", None),
            rule(&[Mon], "16:00", "18:00", None),
            rule(&[Mon], "20:00", "24:00", None),
        ]));
        // 2019-02-04 is a Monday.
        let monday = at("2019-02-04T00:00").day();
        assert_eq!(a.blocks(0, monday), &[(540, 1080), (1200, 1440)]);
        assert_eq!(a.blocks(0, monday + 1), &[(540, 720)]);
        assert!(a.blocks(0, monday + 6).is_empty());
        assert_eq!(a.groups().count(), 1, "no rule names a location: one group");
    }

    #[test]
    fn contains_needs_one_block_on_the_same_day() {
        use Weekday::*;
        let a = Availability::from_doctor(&doctor(vec![
            rule(&[Fri], "09:00", "12:00", None),
            rule(&[Fri, Sat], "13:00", "24:00", None),
        ]));
        // 2019-02-01 is a Friday.
        assert!(a.contains(0, at("2019-02-01T09:00"), at("2019-02-01T12:00")));
        assert!(!a.contains(0, at("2019-02-01T11:45"), at("2019-02-01T13:15")));
        assert!(a.contains(0, at("2019-02-01T23:45"), at("2019-02-02T00:00")));
        assert!(!a.contains(0, at("2019-02-01T23:45"), at("2019-02-02T00:15")));
        assert!(!a.contains(0, at("2019-02-01T08:45"), at("2019-02-01T09:15")));
        assert!(!a.contains(7, at("2019-02-01T09:00"), at("2019-02-01T09:15")));
    }

    #[test]
    fn rules_naming_locations_apply_there_only() {
        use Weekday::*;
        let a = Availability::from_doctor(&doctor(vec![
            rule(&[Mon], "09:00", "12:00", None),
            rule(&[Mon], "12:00", "14:00", Some(&["A"])),
            rule(&[Thu], "09:00", "17:00", Some(&["B", "C"])),
        ]));
        // A has its own hours; B and C share theirs.
        assert_eq!(a.groups().collect::<Vec<_>>(), vec![(0, 0), (1, 1)]);
        assert_eq!(a.group_of(2), Some(1));
        assert!(a.contains(0, at("2019-02-04T11:00"), at("2019-02-04T13:00")));
        assert!(!a.contains(1, at("2019-02-04T11:00"), at("2019-02-04T13:00")));
        assert!(a.contains(1, at("2019-02-07T09:00"), at("2019-02-07T10:00")));
        assert!(!a.contains(0, at("2019-02-07T09:00"), at("2019-02-07T10:00")));
    }

    #[test]
    fn an_override_replaces_the_day_and_time_off_cuts_it() {
        let mut d = doctor(vec![rule(&[Weekday::Fri], "09:00", "17:00", None)]);
        d.overrides = vec![
            DateOverride {
                date: LocalDate::parse("2019-02-01").unwrap(),
                hours: vec![HoursBlock {
                    start: clock("10:00"),
                    end: clock("12:00"),
                    locations: None,
                }],
            },
            DateOverride {
                date: LocalDate::parse("2019-02-08").unwrap(),
                hours: vec![],
            },
        ];
        d.time_off = vec![TimeOff {
            start: Moment::wall(at("2019-02-15T11:00")),
            end: Moment::wall(at("2019-02-15T12:30")),
            reason: None,
        }];
        let a = Availability::from_doctor(&d);
        assert!(a.has_override(at("2019-02-01T00:00").day()));
        assert!(a.contains(0, at("2019-02-01T10:00"), at("2019-02-01T12:00")));
        assert!(!a.contains(0, at("2019-02-01T09:00"), at("2019-02-01T10:00")));
        assert!(!a.contains(0, at("2019-02-08T10:00"), at("2019-02-08T10:15")));
        assert!(a.contains(0, at("2019-02-15T10:45"), at("2019-02-15T11:00")));
        assert!(!a.contains(0, at("2019-02-15T10:45"), at("2019-02-15T11:15")));
        assert!(a.contains(0, at("2019-02-15T12:30"), at("2019-02-15T13:00")));
        assert_eq!(
            a.free_ranges(0, at("2019-02-15T00:00").day()),
            vec![(540, 660), (750, 1020)]
        );
        assert!(a.free_ranges(0, at("2019-02-08T00:00").day()).is_empty());
    }

    #[test]
    fn time_off_over_several_days_is_merged() {
        let mut d = doctor(vec![rule(&Weekday::ALL, "09:00", "17:00", None)]);
        d.time_off = vec![
            TimeOff {
                start: Moment::wall(at("2019-02-04T12:00")),
                end: Moment::wall(at("2019-02-06T10:00")),
                reason: Some("conference".into()),
            },
            TimeOff {
                start: Moment::wall(at("2019-02-06T09:30")),
                end: Moment::wall(at("2019-02-06T11:00")),
                reason: None,
            },
        ];
        let a = Availability::from_doctor(&d);
        assert_eq!(
            a.time_off,
            vec![(at("2019-02-04T12:00"), at("2019-02-06T11:00"))]
        );
        assert!(a.free_ranges(0, at("2019-02-05T00:00").day()).is_empty());
        assert_eq!(
            a.free_ranges(0, at("2019-02-06T00:00").day()),
            vec![(660, 1020)]
        );
        assert_eq!(
            a.free_ranges(0, at("2019-02-04T00:00").day()),
            vec![(540, 720)]
        );
    }
}
