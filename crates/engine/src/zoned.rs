//! A hospital's zones and the reading and showing of times in them (`zone.rs` has the rules of
//! one zone): a wall-clock input read in a location's zone (refused where the clocks skip or
//! repeat it, for a start or `now`), an instant of no place shown in UTC, a time at a place shown
//! as the wall clock there.

use crate::appointment::PreviousTime;
use crate::error::{Error, Result};
use crate::options::HospitalOptions;
use crate::time::{civil_from_days, Bound, LocalDateTime, Moment};
use crate::words::Quoted;
use crate::zone::{Resolved, TimeZones, ZoneRules, FIRST_ZONE_YEAR, LAST_ZONE_YEAR};
use std::borrow::Cow;
use std::sync::Arc;

/// The zones of a hospital: its own (none: floating wall-clock times) and those of the
/// locations that have one of their own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HospitalZones {
    hospital: Option<Arc<ZoneRules>>,
    /// Sorted by location, each once (as the options list them).
    locations: Vec<(Box<str>, Arc<ZoneRules>)>,
}

impl HospitalZones {
    /// The zones `options` name, from `zones`; `INVALID_INPUT` naming the option for a zone the
    /// host does not know.
    #[inline(never)]
    pub(crate) fn of(options: &HospitalOptions, zones: &TimeZones) -> Result<Self> {
        let find = |field: &str, name: &str| {
            zones.get(name).ok_or_else(|| {
                Error::invalid_input(
                    field,
                    format!(
                        "{q_name} is not a time zone this runtime knows (an IANA name such as \
                         America/New_York)",
                        q_name = Quoted(name)
                    ),
                )
            })
        };
        let Some(name) = &options.time_zone else {
            return Ok(HospitalZones::default());
        };
        let hospital = find("timeZone", name)?;
        let mut locations = Vec::with_capacity(options.location_time_zones.0.len());
        for (location, name) in &options.location_time_zones.0 {
            let zone = find(&format!("locationTimeZones.{location}"), name)?;
            locations.push((location.as_str().into(), zone));
        }
        Ok(HospitalZones {
            hospital: Some(hospital),
            locations,
        })
    }

    /// Whether the hospital has a zone (else its times are floating wall-clock times).
    pub(crate) fn is_zoned(&self) -> bool {
        self.hospital.is_some()
    }

    /// The hospital's zone.
    pub(crate) fn hospital(&self) -> Option<&ZoneRules> {
        self.hospital.as_deref()
    }

    /// The zone of `location`: its own, or the hospital's.
    #[inline]
    pub(crate) fn at(&self, location: &str) -> Option<&ZoneRules> {
        let hospital = self.hospital.as_deref()?;
        Some(self.location_zone(location, hospital))
    }

    /// [`HospitalZones::at`] in a hospital with a zone.
    #[inline(never)]
    fn location_zone<'a>(&'a self, location: &str, hospital: &'a ZoneRules) -> &'a ZoneRules {
        self.location(location).map_or(hospital, |zone| zone)
    }

    /// The zone of its own of `location`, if it has one.
    fn location(&self, location: &str) -> Option<&Arc<ZoneRules>> {
        let i = self
            .locations
            .binary_search_by(|(l, _)| l.as_ref().cmp(location))
            .ok()?;
        self.locations.get(i).map(|(_, zone)| zone)
    }

    /// The zone of `location`, shared.
    #[inline(never)]
    pub(crate) fn shared_at(&self, location: &str) -> Option<Arc<ZoneRules>> {
        let hospital = self.hospital.as_ref()?;
        Some(self.location(location).unwrap_or(hospital).clone())
    }

    /// An instant of no place (a hold's expiry, the clock, a timestamp) as the API writes it:
    /// in UTC, or as the floating time it is.
    #[inline]
    pub(crate) fn stamp(&self, t: LocalDateTime) -> Moment {
        match self.hospital {
            Some(_) => Moment::at(t, 0),
            None => Moment::wall(t),
        }
    }
}

/// A time at a place (an appointment's start) as a snapshot writes it: the wall clock with its
/// offset in a zone, the floating time without one.
#[inline]
pub(crate) fn placed(zone: Option<&ZoneRules>, t: LocalDateTime) -> Moment {
    match zone {
        Some(zone) => zone.moment(t),
        None => Moment::wall(t),
    }
}

/// The engine time `t` at a place as the API shows it: the wall clock there, with its offset
/// only where the wall clock alone happens twice (floating: `t` itself).
#[inline]
pub(crate) fn shown(zone: Option<&ZoneRules>, t: LocalDateTime) -> Moment {
    match zone {
        Some(zone) => shown_in(zone, t),
        None => Moment::wall(t),
    }
}

/// [`shown`] in a zone.
#[inline(never)]
fn shown_in(zone: &ZoneRules, t: LocalDateTime) -> Moment {
    let moment = zone.moment(t);
    match zone.resolve(moment.local) {
        Resolved::Two(..) => moment,
        _ => Moment::wall(moment.local),
    }
}

/// The wall clock of the engine time `t` in `zone` (floating: `t` itself).
#[inline]
pub(crate) fn wall(zone: Option<&ZoneRules>, t: LocalDateTime) -> LocalDateTime {
    match zone {
        Some(zone) => zone.wall(t),
        None => t,
    }
}

/// How a time given for a field is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// A start on a grid of this many minutes: one that does not exist, or exists twice, is
    /// refused.
    Start(i64),
    /// The current time: to the minute; one that does not exist, or exists twice, is refused.
    Now,
    /// A bound of a window or of time off: never refused (see [`ZoneRules::bound`]).
    Bound(Bound),
}

/// The engine time of `moment`, given for `field`, in `zone` (`None`: the hospital keeps
/// floating wall-clock times, and an instant is refused).
#[inline]
pub(crate) fn read(
    zone: Option<&ZoneRules>,
    moment: Moment,
    field: &str,
    reading: Reading,
) -> Result<LocalDateTime> {
    if zone.is_none() && moment.offset.is_none() {
        return Ok(moment.local);
    }
    read_slowly(zone, moment, field, reading)
}

/// [`read`] in a zone, or of an instant.
#[inline(never)]
fn read_slowly(
    zone: Option<&ZoneRules>,
    moment: Moment,
    field: &str,
    reading: Reading,
) -> Result<LocalDateTime> {
    let Some(zone) = zone else {
        if moment.offset.is_some() {
            return Err(Error::invalid_input(
                field,
                format!(
                    "{moment} is an instant, and this hospital has no timeZone: its times are \
                     wall-clock times like 2025-03-09T09:00 (create it with a timeZone to pass \
                     instants)"
                ),
            ));
        }
        return Ok(moment.local);
    };
    let ceil = moment.past_minute && reading == Reading::Bound(Bound::To);
    if moment.past_minute && matches!(reading, Reading::Start(_)) {
        return Err(Error::invalid_input(
            field,
            format!("{moment} is not a whole minute"),
        ));
    }
    let exact = |utc: LocalDateTime| -> Result<LocalDateTime> {
        let (year, _, _) = civil_from_days(utc.day());
        if !matches!(reading, Reading::Bound(_))
            && !(FIRST_ZONE_YEAR..=LAST_ZONE_YEAR).contains(&year)
        {
            return Err(Error::invalid_input(
                field,
                format!(
                    "{moment} is outside the years a hospital with a time zone books in \
                     ({FIRST_ZONE_YEAR} to {LAST_ZONE_YEAR})"
                ),
            ));
        }
        Ok(utc.plus_minutes(i64::from(ceil)))
    };
    if let Some(utc) = moment.instant() {
        return exact(utc);
    }
    let wall = moment.local;
    let grid = match reading {
        Reading::Bound(bound) => return exact(zone.bound(wall, bound)),
        Reading::Start(grid) => grid.max(1),
        Reading::Now => 1,
    };
    match zone.resolve(wall) {
        Resolved::One(utc) => exact(utc),
        Resolved::Two(first, second) => Err(Error::ambiguous_time(
            field,
            zone.name(),
            wall,
            [zone.moment(first), zone.moment(second)],
        )),
        Resolved::Gap { at, before, after } => {
            let gap_start = at.plus_minutes(i64::from(before)).as_minutes() - 1;
            let earlier = gap_start - gap_start.rem_euclid(grid);
            let gap_end = at.plus_minutes(i64::from(after)).as_minutes();
            let later = gap_end + (-gap_end).rem_euclid(grid);
            let nearest = [(earlier, before), (later, after)].map(|(wall, offset)| Moment {
                local: LocalDateTime::from_day_and_minute(0, wall),
                offset: Some(offset),
                past_minute: false,
            });
            Err(Error::nonexistent_time(field, zone.name(), wall, nearest))
        }
    }
}

/// A rescheduling trace kept in engine times, as the API shows it: in a hospital with a time
/// zone, each entry's wall clock at its location and its instants.
pub(crate) fn shown_trace<'a>(
    zones: &HospitalZones,
    trace: &'a [PreviousTime],
) -> Cow<'a, [PreviousTime]> {
    if !zones.is_zoned() || trace.is_empty() {
        return Cow::Borrowed(trace);
    }
    Cow::Owned(
        trace
            .iter()
            .map(|p| {
                let zone = zones.at(&p.location);
                PreviousTime {
                    location: p.location.clone(),
                    start: wall(zone, p.start),
                    end: wall(zone, p.end),
                    start_utc: Some(Moment::at(p.start, 0)),
                    end_utc: Some(Moment::at(p.end, 0)),
                }
            })
            .collect(),
    )
}
