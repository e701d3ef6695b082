//! Doctors: who they are, where they work, and their weekly hours.
//!
//! A doctor's hours on a date are the union of the schedule rules naming that weekday; touching
//! or overlapping rules merge into one block ([`WeeklyHours`]).

use super::calendar::Calendar;
use super::error::{Error, Result};
use super::limits::{MAX_LOCATIONS_PER_DOCTOR, MAX_LOCATION_LEN, MAX_NAME_LEN, MAX_SCHEDULE_RULES};
use super::object_only;
use super::time::{ClockTime, LocalDateTime, Weekday};
use super::validate;
use serde::{Deserialize, Serialize};

/// One rule of a weekly schedule: on each of `days`, from `start` to `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRule {
    /// The weekdays the rule applies to; at least one, no repeats.
    pub days: Vec<Weekday>,
    /// Start of the working time, `HH:MM`.
    pub start: ClockTime,
    /// End of the working time, `HH:MM`, after `start`; may be `24:00`.
    pub end: ClockTime,
}

/// A doctor as the API returns it and a snapshot stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Doctor {
    /// The doctor's id, chosen by the host or assigned by the hospital.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The locations (addresses) the doctor works at, matched exactly when booking.
    pub locations: Vec<String>,
    /// The weekly schedule.
    #[serde(deserialize_with = "object_only::vec")]
    pub schedule: Vec<ScheduleRule>,
}

/// The input of `addDoctor`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDoctor {
    /// An id of the host's choosing; when absent the hospital assigns one.
    #[serde(default)]
    pub id: Option<String>,
    /// Display name.
    pub name: String,
    /// The locations the doctor works at.
    pub locations: Vec<String>,
    /// The weekly schedule.
    pub schedule: Vec<ScheduleRule>,
}

/// The input of `updateDoctor`: the fields to replace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoctorPatch {
    /// A new display name.
    #[serde(default)]
    pub name: Option<String>,
    /// A new list of locations, replacing the old one.
    #[serde(default)]
    pub locations: Option<Vec<String>>,
    /// A new weekly schedule, replacing the old one.
    #[serde(default)]
    pub schedule: Option<Vec<ScheduleRule>>,
}

impl Doctor {
    /// Checks everything but the id: name, locations, schedule. Errors name the field.
    pub fn validate_profile(&self) -> Result<()> {
        validate::text("name", &self.name, MAX_NAME_LEN)?;
        validate_locations(&self.locations)?;
        validate_schedule(&self.schedule)
    }

    /// Whether the doctor works at `location` (exact string match).
    pub fn serves(&self, location: &str) -> bool {
        self.locations.iter().any(|l| l == location)
    }

    /// This doctor with the patch applied (not yet validated).
    pub fn patched(&self, patch: DoctorPatch) -> Doctor {
        Doctor {
            id: self.id.clone(),
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            locations: patch.locations.unwrap_or_else(|| self.locations.clone()),
            schedule: patch.schedule.unwrap_or_else(|| self.schedule.clone()),
        }
    }
}

impl DoctorPatch {
    /// Checks the fields the patch names, as [`Doctor::validate_profile`] would.
    pub fn validate(&self) -> Result<()> {
        if let Some(name) = &self.name {
            validate::text("name", name, MAX_NAME_LEN)?;
        }
        if let Some(locations) = &self.locations {
            validate_locations(locations)?;
        }
        if let Some(schedule) = &self.schedule {
            validate_schedule(schedule)?;
        }
        Ok(())
    }
}

/// A doctor with what the hospital keeps beside it: the merged weekly hours (derived from the
/// schedule, so booking checks need no merging) and the calendar of appointments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorState {
    /// The doctor as the API returns it.
    pub doctor: Doctor,
    /// `doctor.schedule` merged into daily blocks.
    pub hours: WeeklyHours,
    /// The doctor's appointments, ordered by start.
    pub calendar: Calendar,
}

impl DoctorState {
    /// A doctor with no appointments yet.
    pub fn new(doctor: Doctor) -> Self {
        DoctorState {
            hours: WeeklyHours::from_rules(&doctor.schedule),
            doctor,
            calendar: Calendar::default(),
        }
    }

    /// Replaces the profile, keeping the calendar.
    pub fn set_doctor(&mut self, doctor: Doctor) {
        self.hours = WeeklyHours::from_rules(&doctor.schedule);
        self.doctor = doctor;
    }
}

fn validate_locations(locations: &[String]) -> Result<()> {
    if locations.is_empty() {
        return Err(Error::invalid_input(
            "locations",
            "a doctor needs at least one location",
        ));
    }
    if locations.len() > MAX_LOCATIONS_PER_DOCTOR {
        return Err(Error::invalid_input(
            "locations",
            format!(
                "{} locations; the limit is {MAX_LOCATIONS_PER_DOCTOR}",
                locations.len()
            ),
        ));
    }
    for (i, location) in locations.iter().enumerate() {
        let field = format!("locations[{i}]");
        validate::text(&field, location, MAX_LOCATION_LEN)?;
        if locations.iter().take(i).any(|l| l == location) {
            return Err(Error::invalid_input(
                field,
                format!("{location:?} is listed twice"),
            ));
        }
    }
    Ok(())
}

fn validate_schedule(schedule: &[ScheduleRule]) -> Result<()> {
    if schedule.len() > MAX_SCHEDULE_RULES {
        return Err(Error::invalid_input(
            "schedule",
            format!(
                "{} rules; the limit is {MAX_SCHEDULE_RULES}",
                schedule.len()
            ),
        ));
    }
    for (i, rule) in schedule.iter().enumerate() {
        if rule.days.is_empty() {
            return Err(Error::invalid_input(
                format!("schedule[{i}].days"),
                "must name at least one day",
            ));
        }
        for (j, day) in rule.days.iter().enumerate() {
            if rule.days.iter().take(j).any(|d| d == day) {
                return Err(Error::invalid_input(
                    format!("schedule[{i}].days[{j}]"),
                    format!("\"{day}\" is listed twice"),
                ));
            }
        }
        if rule.start >= rule.end {
            return Err(Error::invalid_input(
                format!("schedule[{i}].end"),
                format!("{} is not after start {}", rule.end, rule.start),
            ));
        }
    }
    Ok(())
}

/// A doctor's working blocks for each weekday, merged and sorted: derived from the schedule
/// rules, kept beside the doctor so that booking checks need no merging.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeeklyHours {
    /// Per weekday (Monday first), disjoint, non-touching `[start, end)` minute ranges.
    blocks: [Vec<(u16, u16)>; 7],
}

impl WeeklyHours {
    /// Merges the rules into daily blocks: touching or overlapping ranges become one.
    pub fn from_rules(rules: &[ScheduleRule]) -> Self {
        let mut hours = WeeklyHours::default();
        for (weekday, blocks) in Weekday::ALL.iter().zip(hours.blocks.iter_mut()) {
            let mut ranges: Vec<(u16, u16)> = rules
                .iter()
                .filter(|rule| rule.days.contains(weekday))
                .map(|rule| (rule.start.minutes(), rule.end.minutes()))
                .collect();
            ranges.sort_unstable();
            for (start, end) in ranges {
                match blocks.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => blocks.push((start, end)),
                }
            }
        }
        hours
    }

    /// The merged blocks of one weekday, as minutes since midnight.
    pub fn blocks(&self, weekday: Weekday) -> &[(u16, u16)] {
        self.blocks
            .get(weekday.index())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Whether `[start, end)` lies inside one block of the hours on `start`'s date. An interval
    /// that crosses midnight never does.
    pub fn contains(&self, start: LocalDateTime, end: LocalDateTime) -> bool {
        let from = start.minute_of_day();
        let to = from + end.minutes_since(start);
        self.blocks(start.weekday())
            .iter()
            .any(|&(open, close)| i64::from(open) <= from && to <= i64::from(close))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(days: &[Weekday], start: &str, end: &str) -> ScheduleRule {
        ScheduleRule {
            days: days.to_vec(),
            start: ClockTime::parse(start).unwrap(),
            end: ClockTime::parse(end).unwrap(),
        }
    }

    fn doctor(schedule: Vec<ScheduleRule>) -> Doctor {
        Doctor {
            id: "d1".into(),
            name: "Dr. Ada".into(),
            locations: vec!["1 Main St".into()],
            schedule,
        }
    }

    #[test]
    fn touching_and_overlapping_rules_merge() {
        use Weekday::*;
        let hours = WeeklyHours::from_rules(&[
            rule(&[Mon], "12:00", "17:00"),
            rule(&[Mon, Tue], "09:00", "12:00"),
            rule(&[Mon], "16:00", "18:00"),
            rule(&[Mon], "20:00", "24:00"),
        ]);
        assert_eq!(hours.blocks(Mon), &[(540, 1080), (1200, 1440)]);
        assert_eq!(hours.blocks(Tue), &[(540, 720)]);
        assert!(hours.blocks(Sun).is_empty());
    }

    #[test]
    fn contains_needs_one_block_on_the_same_day() {
        use Weekday::*;
        let hours = WeeklyHours::from_rules(&[
            rule(&[Fri], "09:00", "12:00"),
            rule(&[Fri, Sat], "13:00", "24:00"),
        ]);
        let at = |s: &str| LocalDateTime::parse(s).unwrap();
        // 2019-02-01 is a Friday.
        assert!(hours.contains(at("2019-02-01T09:00"), at("2019-02-01T12:00")));
        assert!(!hours.contains(at("2019-02-01T11:45"), at("2019-02-01T13:15")));
        assert!(hours.contains(at("2019-02-01T23:45"), at("2019-02-02T00:00")));
        assert!(!hours.contains(at("2019-02-01T23:45"), at("2019-02-02T00:15")));
        assert!(!hours.contains(at("2019-02-01T08:45"), at("2019-02-01T09:15")));
    }

    #[test]
    fn profile_validation_names_the_field() {
        let field = |d: Doctor| d.validate_profile().unwrap_err().details.field.unwrap();
        let mut d = doctor(vec![]);
        d.name = " ".into();
        assert_eq!(field(d), "name");
        let mut d = doctor(vec![]);
        d.locations = vec![];
        assert_eq!(field(d), "locations");
        let mut d = doctor(vec![]);
        d.locations = vec!["A".into(), "B".into(), "A".into()];
        assert_eq!(field(d), "locations[2]");
        let d = doctor(vec![rule(&[Weekday::Mon], "10:00", "10:00")]);
        assert_eq!(field(d), "schedule[0].end");
        let d = doctor(vec![
            rule(&[Weekday::Mon], "09:00", "10:00"),
            rule(&[], "09:00", "10:00"),
        ]);
        assert_eq!(field(d), "schedule[1].days");
        let d = doctor(vec![rule(&[Weekday::Mon, Weekday::Mon], "09:00", "10:00")]);
        assert_eq!(field(d), "schedule[0].days[1]");
        let d = doctor(vec![rule(&[Weekday::Mon], "24:00", "24:00")]);
        assert_eq!(field(d), "schedule[0].end");
        assert!(doctor(vec![rule(&[Weekday::Mon], "00:00", "24:00")])
            .validate_profile()
            .is_ok());
    }

    #[test]
    fn patch_replaces_only_what_it_names() {
        let d = doctor(vec![]);
        let patched = d.patched(DoctorPatch {
            name: Some("Dr. Grace".into()),
            ..DoctorPatch::default()
        });
        assert_eq!(patched.name, "Dr. Grace");
        assert_eq!(patched.locations, d.locations);
    }
}
