//! Hospital-wide options: the slot grid, the default duration, the time zone name, and the
//! rules that are off unless asked for: minimum notice, booking horizon, one appointment at a
//! time per patient.

use crate::error::{Error, Result};
use crate::limits::{
    DEFAULT_MAX_SNAPSHOT_BYTES, MAX_HORIZON_DAYS, MAX_MAX_SNAPSHOT_BYTES, MAX_NOTICE_MINUTES,
    MAX_TIME_ZONE_LEN, MAX_ZONED_LOCATIONS, MIN_MAX_SNAPSHOT_BYTES,
};
use crate::reader::{read_object, JsonReader, Read, ReadError, ReadJson};
use crate::time::{LocalDateTime, MINUTES_PER_DAY};
use crate::words::Quoted;
use serde::Serialize;

/// Options as they come in: every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HospitalOptionsInput {
    /// Length of one slot in minutes; divides 1440. Default 15.
    pub slot_minutes: Option<u32>,
    /// Duration of a booking that names none; a multiple of `slot_minutes`. Default 15 (or
    /// `slot_minutes` when that is longer).
    pub default_duration_minutes: Option<u32>,
    /// The hospital's IANA time zone: wall-clock times are read there (and at each location of
    /// `location_time_zones` in that location's zone). Without one, the hospital keeps
    /// floating wall-clock times.
    pub time_zone: Option<String>,
    /// Locations with a zone of their own, by name.
    pub location_time_zones: Option<LocationZones>,
    /// Refuse bookings that start less than this many minutes after `now` (0: only those in
    /// the past). Off when absent or `null`.
    pub min_notice_minutes: Option<u32>,
    /// Refuse bookings that start more than this many days after `now`. Off when absent or
    /// `null`.
    pub horizon_days: Option<u32>,
    /// Refuse a second overlapping appointment for the same `patient`. Default `false`.
    pub prevent_patient_overlap: Option<bool>,
    /// The most bytes the hospital's snapshot may take: a change that would grow it further is
    /// refused with `HOSPITAL_FULL`. Default [`DEFAULT_MAX_SNAPSHOT_BYTES`].
    pub max_snapshot_bytes: Option<u64>,
}

read_object!(HospitalOptionsInput {
    slot_minutes: "slotMinutes" optional,
    default_duration_minutes: "defaultDurationMinutes" optional,
    time_zone: "timeZone" optional,
    location_time_zones: "locationTimeZones" optional,
    min_notice_minutes: "minNoticeMinutes" optional,
    horizon_days: "horizonDays" optional,
    prevent_patient_overlap: "preventPatientOverlap" optional,
    max_snapshot_bytes: "maxSnapshotBytes" optional,
});

/// Validated options. Serialized as they appear in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HospitalOptions {
    /// Length of one slot in minutes; divides 1440.
    pub slot_minutes: u32,
    /// Duration of a booking that names none; a positive multiple of `slot_minutes`.
    pub default_duration_minutes: u32,
    /// IANA time zone name, or `null` (floating wall-clock times).
    pub time_zone: Option<String>,
    /// Locations with a zone of their own; left out when there are none.
    #[serde(skip_serializing_if = "LocationZones::is_empty")]
    pub location_time_zones: LocationZones,
    /// Minimum notice in minutes; left out when off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_notice_minutes: Option<u32>,
    /// Booking horizon in days; left out when off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub horizon_days: Option<u32>,
    /// Whether a patient's appointments may not overlap; left out when not.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub prevent_patient_overlap: bool,
    /// The most bytes the hospital's snapshot may take (snapshots before version 3 have none:
    /// the default).
    pub max_snapshot_bytes: u64,
}

read_object!(HospitalOptions {
    slot_minutes: "slotMinutes" required,
    default_duration_minutes: "defaultDurationMinutes" required,
    time_zone: "timeZone" optional,
    location_time_zones: "locationTimeZones" default,
    min_notice_minutes: "minNoticeMinutes" optional,
    horizon_days: "horizonDays" optional,
    prevent_patient_overlap: "preventPatientOverlap" default,
    max_snapshot_bytes: "maxSnapshotBytes" or(DEFAULT_MAX_SNAPSHOT_BYTES),
});

impl Default for HospitalOptions {
    fn default() -> Self {
        HospitalOptions {
            slot_minutes: 15,
            default_duration_minutes: 15,
            time_zone: None,
            location_time_zones: LocationZones::default(),
            min_notice_minutes: None,
            horizon_days: None,
            prevent_patient_overlap: false,
            max_snapshot_bytes: DEFAULT_MAX_SNAPSHOT_BYTES,
        }
    }
}

impl HospitalOptions {
    /// Validates options given by a caller, filling in defaults for what is absent.
    pub(crate) fn from_input(input: HospitalOptionsInput) -> Result<Self> {
        let slot_minutes = input.slot_minutes.unwrap_or(15);
        let default_duration_minutes = input
            .default_duration_minutes
            .unwrap_or_else(|| 15u32.div_ceil(slot_minutes.max(1)) * slot_minutes);
        let options = HospitalOptions {
            slot_minutes,
            default_duration_minutes,
            time_zone: input.time_zone,
            location_time_zones: input.location_time_zones.unwrap_or_default(),
            min_notice_minutes: input.min_notice_minutes,
            horizon_days: input.horizon_days,
            prevent_patient_overlap: input.prevent_patient_overlap.unwrap_or(false),
            max_snapshot_bytes: input
                .max_snapshot_bytes
                .unwrap_or(DEFAULT_MAX_SNAPSHOT_BYTES),
        };
        options.validate()?;
        Ok(options)
    }

    /// Checks the invariants; used for caller input and for snapshots alike.
    pub(crate) fn validate(&self) -> Result<()> {
        let slot = i64::from(self.slot_minutes);
        if slot == 0 || MINUTES_PER_DAY % slot != 0 {
            return Err(Error::invalid_input(
                "slotMinutes",
                format!("{slot} does not divide a day (1440 minutes); try 5, 10, 15, 20, 30 or 60"),
            ));
        }
        let duration = i64::from(self.default_duration_minutes);
        if duration == 0 || duration % slot != 0 || duration > MINUTES_PER_DAY {
            return Err(Error::invalid_input(
                "defaultDurationMinutes",
                format!("{duration} is not a positive multiple of slotMinutes ({slot}) up to 1440"),
            ));
        }
        if !(MIN_MAX_SNAPSHOT_BYTES..=MAX_MAX_SNAPSHOT_BYTES).contains(&self.max_snapshot_bytes) {
            return Err(Error::invalid_input(
                "maxSnapshotBytes",
                format!(
                    "{} is not between {MIN_MAX_SNAPSHOT_BYTES} and {MAX_MAX_SNAPSHOT_BYTES} \
                     (256 MiB: half of the longest string a JS engine holds)",
                    self.max_snapshot_bytes
                ),
            ));
        }
        if let Some(zone) = &self.time_zone {
            check_zone_name("timeZone", zone)?;
        }
        if !self.location_time_zones.is_empty() && self.time_zone.is_none() {
            return Err(Error::invalid_input(
                "locationTimeZones",
                "needs a timeZone for the hospital: locations without one of their own use it",
            ));
        }
        if self.location_time_zones.0.len() > MAX_ZONED_LOCATIONS {
            return Err(Error::invalid_input(
                "locationTimeZones",
                format!("more than {MAX_ZONED_LOCATIONS} locations"),
            ));
        }
        let pairs = &self.location_time_zones.0;
        if pairs.windows(2).any(|w| matches!(w, [a, b] if a.0 >= b.0)) {
            return Err(Error::invalid_input(
                "locationTimeZones",
                "is not sorted by location, each location once",
            ));
        }
        for (location, zone) in pairs {
            let field = format!("locationTimeZones.{location}");
            crate::validate::text(&field, location, crate::limits::MAX_LOCATION_LEN)?;
            check_zone_name(&field, zone)?;
        }
        if let Some(notice) = self.min_notice_minutes {
            if notice > MAX_NOTICE_MINUTES {
                return Err(Error::invalid_input(
                    "minNoticeMinutes",
                    format!("{notice} is more than {MAX_NOTICE_MINUTES} (a year)"),
                ));
            }
        }
        if let Some(days) = self.horizon_days {
            if days == 0 || days > MAX_HORIZON_DAYS {
                return Err(Error::invalid_input(
                    "horizonDays",
                    format!("{days} is not between 1 and {MAX_HORIZON_DAYS}"),
                ));
            }
        }
        Ok(())
    }

    /// The earliest start the minimum notice allows at `now`: the first grid start at least
    /// `minNoticeMinutes` after it. `None` when there is no notice.
    pub(crate) fn earliest_start(&self, now: LocalDateTime) -> Option<LocalDateTime> {
        let notice = self.min_notice_minutes?;
        let earliest = now.plus_minutes(i64::from(notice));
        let past_grid = earliest.minute_of_day() % i64::from(self.slot_minutes.max(1));
        Some(if past_grid == 0 {
            earliest
        } else {
            earliest.plus_minutes(i64::from(self.slot_minutes) - past_grid)
        })
    }

    /// The latest start the horizon allows at `now`: the last grid start at most `horizonDays`
    /// after it. `None` when there is no horizon.
    pub(crate) fn latest_start(&self, now: LocalDateTime) -> Option<LocalDateTime> {
        let days = self.horizon_days?;
        let latest = now.plus_minutes(i64::from(days) * MINUTES_PER_DAY);
        let past_grid = latest.minute_of_day() % i64::from(self.slot_minutes.max(1));
        Some(latest.plus_minutes(-past_grid))
    }

    /// Whether booking depends on the current time: then every booking call needs `now`.
    pub(crate) fn has_time_rules(&self) -> bool {
        self.min_notice_minutes.is_some() || self.horizon_days.is_some()
    }
}

/// Checks the shape of a zone name (whether the host knows it is the hospital's to check).
fn check_zone_name(field: &str, zone: &str) -> Result<()> {
    let well_formed = !zone.is_empty()
        && zone.len() <= MAX_TIME_ZONE_LEN
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if !well_formed {
        return Err(Error::invalid_input(
            field,
            format!(
                "{q_zone} is not an IANA time zone name such as \"America/New_York\"",
                q_zone = Quoted(zone)
            ),
        ));
    }
    Ok(())
}

/// Locations with a time zone of their own: `{ "Chicago clinic": "America/Chicago" }`, as
/// (location, zone) pairs sorted by location, each location once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocationZones(pub Vec<(String, String)>);

impl Serialize for LocationZones {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(l, z)| (l, z)))
    }
}

impl LocationZones {
    /// Whether no location has a zone of its own.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl ReadJson for LocationZones {
    fn read_json(reader: &mut JsonReader<'_>) -> Read<Self> {
        let mut zones: Vec<(String, String)> = Vec::new();
        reader.entries(&mut |reader, key| {
            let Err(at) = zones.binary_search_by(|(l, _)| l.as_str().cmp(&key)) else {
                return Err(ReadError::new(format!(
                    "has the key {} twice",
                    crate::words::quoted(&key)
                )));
            };
            let zone = reader.string("a time zone name like \"America/Chicago\"")?;
            zones.insert(at, (key.into_owned(), zone.into_owned()));
            Ok(())
        })?;
        Ok(LocationZones(zones))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(slot: Option<u32>, duration: Option<u32>) -> Result<HospitalOptions> {
        HospitalOptions::from_input(HospitalOptionsInput {
            slot_minutes: slot,
            default_duration_minutes: duration,
            ..HospitalOptionsInput::default()
        })
    }

    #[test]
    fn defaults_are_fifteen_minutes() {
        assert_eq!(options(None, None).unwrap(), HospitalOptions::default());
    }

    #[test]
    fn default_duration_follows_a_longer_slot() {
        assert_eq!(
            options(Some(60), None).unwrap().default_duration_minutes,
            60
        );
        assert_eq!(
            options(Some(10), None).unwrap().default_duration_minutes,
            20
        );
        assert_eq!(options(Some(5), None).unwrap().default_duration_minutes, 15);
    }

    #[test]
    fn refuses_slots_that_do_not_divide_a_day() {
        for slot in [0, 7, 25, 1441, 2880, u32::MAX] {
            let e = options(Some(slot), None).unwrap_err();
            assert_eq!(e.details.field.as_deref(), Some("slotMinutes"), "{slot}");
            let e = options(Some(slot), Some(1440)).unwrap_err();
            assert_eq!(e.details.field.as_deref(), Some("slotMinutes"), "{slot}");
        }
    }

    #[test]
    fn refuses_off_grid_default_durations() {
        for duration in [0, 10, 1455] {
            let e = options(Some(15), Some(duration)).unwrap_err();
            assert_eq!(e.details.field.as_deref(), Some("defaultDurationMinutes"));
        }
    }

    #[test]
    fn checks_the_shape_of_time_zone_names() {
        let zone = |z: &str| {
            HospitalOptions::from_input(HospitalOptionsInput {
                time_zone: Some(z.to_owned()),
                ..HospitalOptionsInput::default()
            })
        };
        assert!(zone("America/New_York").is_ok());
        assert!(zone("Etc/GMT+5").is_ok());
        assert!(zone("").is_err());
        assert!(zone("New York").is_err());
    }

    #[test]
    fn time_rules_are_off_by_default_and_bounded() {
        let with = |notice: Option<u32>, horizon: Option<u32>| {
            HospitalOptions::from_input(HospitalOptionsInput {
                min_notice_minutes: notice,
                horizon_days: horizon,
                ..HospitalOptionsInput::default()
            })
        };
        assert!(!with(None, None).unwrap().has_time_rules());
        assert!(with(Some(0), None).unwrap().has_time_rules());
        assert!(with(None, Some(30)).unwrap().has_time_rules());
        let field = |e: Error| e.details.field.unwrap();
        assert_eq!(
            field(with(Some(MAX_NOTICE_MINUTES + 1), None).unwrap_err()),
            "minNoticeMinutes"
        );
        assert_eq!(field(with(None, Some(0)).unwrap_err()), "horizonDays");
        assert_eq!(
            field(with(None, Some(MAX_HORIZON_DAYS + 1)).unwrap_err()),
            "horizonDays"
        );
    }
}
