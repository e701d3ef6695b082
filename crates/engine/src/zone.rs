//! Time zones as data. The engine has no time zone database: a zone comes in as its UTC offsets
//! (the offset on 1973-01-01 and every change after it until 2100, which the package's
//! JavaScript layer reads from the runtime's `Intl`), and the engine decides from that data alone
//! what a wall-clock time means there: one instant, two (the repeated hour when clocks go back),
//! or none (the hour skipped when they go forward).
//!
//! In a hospital with a zone, the engine's minutes ([`LocalDateTime`]) count UTC: appointments,
//! holds, the clock and time off are instants, so that durations, notice, horizon and hold expiry
//! are real elapsed time and two locations in different zones never double-book a doctor. Wall
//! clocks are computed where they matter (hours, the slot grid, dates) and where they are shown.

use crate::time::{Bound, LocalDateTime, Moment, MINUTES_PER_DAY};
use std::sync::Arc;

/// 1970-01-01T00:00 in the engine's minutes: zone data counts minutes from it.
const UNIX_EPOCH: i64 = 719_163 * MINUTES_PER_DAY;
/// The first year a zone's data covers (1972 still had offsets in seconds).
pub const FIRST_ZONE_YEAR: i64 = 1973;
/// The last year a zone's data covers.
pub const LAST_ZONE_YEAR: i64 = 2099;
/// Most offset changes a zone's data may list (the busiest zones have about 260 from 1973 to
/// 2100).
const MAX_TRANSITIONS: usize = 4_096;
/// The largest offset accepted, in minutes (real ones stay within 14 hours).
const MAX_OFFSET: i64 = 18 * 60;

/// A zone's offsets from UTC over the years [`FIRST_ZONE_YEAR`] to [`LAST_ZONE_YEAR`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRules {
    name: Box<str>,
    /// The offset before the first change, in minutes east of UTC.
    first: i16,
    /// Each change: from this instant (UTC) on, this offset.
    changes: Vec<(LocalDateTime, i16)>,
}

/// What a wall-clock time is in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// One instant.
    One(LocalDateTime),
    /// Two instants, earlier first: the clocks went back over it.
    Two(LocalDateTime, LocalDateTime),
    /// None: the clocks jumped over it at the instant `at`, from offset `before` to `after`.
    Gap {
        at: LocalDateTime,
        before: i16,
        after: i16,
    },
}

impl ZoneRules {
    /// Reads a zone's data: `first;t1,o1;t2,o2;…`, offsets in minutes east of UTC, each `t` the
    /// instant of a change in minutes since 1970-01-01T00:00Z, increasing. The error is a
    /// reason in plain words.
    #[inline(never)]
    pub fn parse(name: &str, data: &str) -> Result<Self, String> {
        let mut parts = data.split(';');
        let first = offset(parts.next().unwrap_or_default())?;
        let mut changes = Vec::new();
        for part in parts {
            if changes.len() >= MAX_TRANSITIONS {
                return Err(format!("more than {MAX_TRANSITIONS} offset changes"));
            }
            let (at, to) = part
                .split_once(',')
                .ok_or_else(|| format!("{part:.40} is not a change: minute,offset"))?;
            let at: i64 = at
                .parse()
                .ok()
                .filter(|m: &i64| m.unsigned_abs() < 1 << 40)
                .ok_or_else(|| format!("{at:.40} is not a minute"))?;
            let at = LocalDateTime::from_day_and_minute(0, UNIX_EPOCH + at);
            if changes.last().is_some_and(|&(last, _)| last >= at) {
                return Err("the changes are not in order".to_owned());
            }
            changes.push((at, offset(to)?));
        }
        Ok(ZoneRules {
            name: name.into(),
            first,
            changes,
        })
    }

    /// The zone's IANA name, as the hospital names it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The offset at the instant `utc`, in minutes east of UTC.
    #[inline(never)]
    pub(crate) fn offset_at(&self, utc: LocalDateTime) -> i16 {
        let i = self.changes.partition_point(|&(at, _)| at <= utc);
        match i.checked_sub(1).and_then(|i| self.changes.get(i)) {
            Some(&(_, offset)) => offset,
            None => self.first,
        }
    }

    /// The wall clock at the instant `utc`.
    #[inline(never)]
    pub(crate) fn wall(&self, utc: LocalDateTime) -> LocalDateTime {
        utc.plus_minutes(i64::from(self.offset_at(utc)))
    }

    /// The instant `utc` with the wall clock and offset it has here.
    #[inline(never)]
    pub(crate) fn moment(&self, utc: LocalDateTime) -> Moment {
        Moment::at(utc, self.offset_at(utc))
    }

    /// The first change strictly after `utc`.
    #[inline(never)]
    pub(crate) fn next_change(&self, utc: LocalDateTime) -> Option<LocalDateTime> {
        let i = self.changes.partition_point(|&(at, _)| at <= utc);
        self.changes.get(i).map(|&(at, _)| at)
    }

    /// What the wall-clock time `wall` is here.
    #[inline(never)]
    pub(crate) fn resolve(&self, wall: LocalDateTime) -> Resolved {
        // Every instant whose wall clock is `wall` lies within MAX_OFFSET of it: try each offset
        // in force around it.
        let low = wall.plus_minutes(-MAX_OFFSET - 60);
        let high = wall.plus_minutes(MAX_OFFSET + 60);
        let from = self.changes.partition_point(|&(at, _)| at <= low);
        let near = self
            .changes
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&(at, _)| at <= high);
        let mut found: Vec<LocalDateTime> = std::iter::once(self.offset_at(low))
            .chain(near.clone().map(|&(_, offset)| offset))
            .map(|offset| (offset, wall.plus_minutes(-i64::from(offset))))
            .filter(|&(offset, utc)| self.offset_at(utc) == offset)
            .map(|(_, utc)| utc)
            .collect();
        crate::sorting::sort_by_key(&mut found, |t| t.as_minutes());
        found.dedup();
        match (found.first(), found.last()) {
            (Some(&one), Some(&last)) if one == last => Resolved::One(one),
            (Some(&first), Some(&last)) => Resolved::Two(first, last),
            _ => {
                // The change that jumped over `wall`.
                let mut before = self.offset_at(low);
                for &(at, after) in near {
                    let (jump_from, jump_to) = (
                        at.plus_minutes(i64::from(before)),
                        at.plus_minutes(i64::from(after)),
                    );
                    if jump_from <= wall && wall < jump_to {
                        return Resolved::Gap { at, before, after };
                    }
                    before = after;
                }
                let offset = self.offset_at(wall);
                Resolved::One(wall.plus_minutes(-i64::from(offset)))
            }
        }
    }

    /// The instant a window bound at `wall` stands for: where the clocks jumped over it, the
    /// jump; where they went back over it, its first occurrence for a `from`, its second for a
    /// `to`, so that a window takes in the whole repeated hour.
    #[inline(never)]
    pub(crate) fn bound(&self, wall: LocalDateTime, bound: Bound) -> LocalDateTime {
        match self.resolve(wall) {
            Resolved::One(utc) => utc,
            Resolved::Two(first, second) => match bound {
                Bound::From => first,
                Bound::To => second,
            },
            Resolved::Gap { at, .. } => at,
        }
    }

    /// The first instant at or after `utc` whose wall clock here is a multiple of `grid`
    /// minutes past midnight.
    #[inline(never)]
    pub(crate) fn grid_at_or_after(&self, utc: LocalDateTime, grid: i64) -> LocalDateTime {
        let grid = grid.max(1);
        let mut from = utc;
        loop {
            let wall = self.wall(from).as_minutes();
            let candidate = from.plus_minutes((-wall).rem_euclid(grid));
            match self.next_change(from) {
                Some(change) if change <= candidate => from = change,
                _ => return candidate,
            }
        }
    }

    /// The last instant at or before `utc` whose wall clock here is on the grid.
    #[inline(never)]
    pub(crate) fn grid_at_or_before(&self, utc: LocalDateTime, grid: i64) -> LocalDateTime {
        let grid = grid.max(1);
        let mut to = utc;
        loop {
            let wall = self.wall(to).as_minutes();
            let candidate = to.plus_minutes(-wall.rem_euclid(grid));
            // The change at or before `to` that candidate might precede.
            let i = self.changes.partition_point(|&(at, _)| at <= to);
            match i.checked_sub(1).and_then(|i| self.changes.get(i)) {
                Some(&(change, _)) if candidate < change => to = change.plus_minutes(-1),
                _ => return candidate,
            }
        }
    }
}

/// An offset in minutes, `-1080` to `1080`.
fn offset(text: &str) -> Result<i16, String> {
    text.parse::<i16>()
        .ok()
        .filter(|o| i64::from(*o).abs() <= MAX_OFFSET)
        .ok_or_else(|| format!("{text:.40} is not an offset in minutes"))
}

/// The zones a host knows, by name: where a hospital finds the rules of the zones it names.
#[derive(Debug, Clone, Default)]
pub struct TimeZones {
    /// Sorted by name, each name once.
    zones: Vec<Arc<ZoneRules>>,
}

impl TimeZones {
    /// No zones.
    pub fn new() -> Self {
        TimeZones::default()
    }

    /// Adds (or replaces) a zone's rules.
    pub fn insert(&mut self, rules: ZoneRules) {
        match self.find(&rules.name) {
            Ok(i) => {
                if let Some(zone) = self.zones.get_mut(i) {
                    *zone = Arc::new(rules);
                }
            }
            Err(i) => self.zones.insert(i, Arc::new(rules)),
        }
    }

    /// The rules of the zone `name`.
    pub fn get(&self, name: &str) -> Option<Arc<ZoneRules>> {
        let i = self.find(name).ok()?;
        self.zones.get(i).cloned()
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.zones.binary_search_by(|zone| zone.name().cmp(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse(text).unwrap()
    }

    /// New York in 2025: EST until 2025-03-09T07:00Z, EDT until 2025-11-02T06:00Z.
    fn new_york() -> ZoneRules {
        let minutes = |t: &str| at(t).as_minutes() - UNIX_EPOCH;
        let data = format!(
            "-300;{},-240;{},-300",
            minutes("2025-03-09T07:00"),
            minutes("2025-11-02T06:00")
        );
        ZoneRules::parse("America/New_York", &data).unwrap()
    }

    #[test]
    fn wall_clock_times_resolve_to_none_one_or_two_instants() {
        let ny = new_york();
        assert_eq!(
            ny.resolve(at("2025-03-09T01:45")),
            Resolved::One(at("2025-03-09T06:45"))
        );
        assert_eq!(
            ny.resolve(at("2025-03-09T02:30")),
            Resolved::Gap {
                at: at("2025-03-09T07:00"),
                before: -300,
                after: -240
            }
        );
        assert_eq!(
            ny.resolve(at("2025-03-09T03:00")),
            Resolved::One(at("2025-03-09T07:00"))
        );
        assert_eq!(
            ny.resolve(at("2025-11-02T01:30")),
            Resolved::Two(at("2025-11-02T05:30"), at("2025-11-02T06:30"))
        );
        assert_eq!(
            ny.resolve(at("2025-11-02T02:00")),
            Resolved::One(at("2025-11-02T07:00"))
        );
        assert_eq!(
            ny.bound(at("2025-03-09T02:30"), Bound::To),
            at("2025-03-09T07:00")
        );
        assert_eq!(
            ny.bound(at("2025-11-02T01:00"), Bound::To),
            at("2025-11-02T06:00")
        );
        assert_eq!(
            ny.bound(at("2025-11-02T01:00"), Bound::From),
            at("2025-11-02T05:00")
        );
    }

    #[test]
    fn grid_instants_follow_the_wall_clock() {
        let ny = new_york();
        assert_eq!(
            ny.grid_at_or_after(at("2025-03-09T06:50"), 15),
            at("2025-03-09T07:00")
        );
        assert_eq!(
            ny.grid_at_or_before(at("2025-03-09T07:05"), 60),
            at("2025-03-09T07:00")
        );
        let lord_howe = ZoneRules::parse("Australia/Lord_Howe", "660;1000,630").unwrap();
        // After the change the wall clock is 30 minutes off the UTC hour.
        let after = LocalDateTime::from_day_and_minute(0, UNIX_EPOCH + 1000);
        let first = lord_howe.grid_at_or_after(after, 60);
        assert_eq!(lord_howe.wall(first).minute_of_day() % 60, 0);
    }

    #[test]
    fn bad_data_is_refused() {
        for bad in [
            "",
            "x",
            "-300;5",
            "-300;5,-240;4,-300",
            "2000",
            "-300;1,2000",
        ] {
            assert!(ZoneRules::parse("Z", bad).is_err(), "{bad}");
        }
    }
}
