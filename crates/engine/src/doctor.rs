//! Doctors: who they are, where they work, and when: weekly schedule rules (each for all of
//! the doctor's locations or the ones it names), date overrides that replace a date's hours,
//! and time off. The hours these add up to are derived in [`hours`](crate::hours).

use crate::error::{Error, Result};
use crate::limits::{
    MAX_LOCATIONS_PER_DOCTOR, MAX_LOCATION_LEN, MAX_NAME_LEN, MAX_OVERRIDES, MAX_REASON_LEN,
    MAX_SCHEDULE_RULES, MAX_TIME_OFF,
};
use crate::reader::read_object;
use crate::time::{ClockTime, LocalDate, Moment, Weekday};
use crate::validate;
use crate::words::Quoted;
use serde::Serialize;

/// One rule of a weekly schedule: on each of `days`, from `start` to `end`, at `locations`
/// (all of the doctor's when absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleRule {
    /// The weekdays the rule applies to; at least one, no repeats.
    pub days: Vec<Weekday>,
    /// Start of the working time, `HH:MM`.
    pub start: ClockTime,
    /// End of the working time, `HH:MM`, after `start`; may be `24:00`.
    pub end: ClockTime,
    /// The doctor's locations the rule applies to; all of them when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<String>>,
}

read_object!(ScheduleRule {
    days: "days" required,
    start: "start" required,
    end: "end" required,
    locations: "locations" optional,
});

/// A block of working time on an overridden date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoursBlock {
    /// Start, `HH:MM`.
    pub start: ClockTime,
    /// End, `HH:MM`, after `start`; may be `24:00`.
    pub end: ClockTime,
    /// The doctor's locations the block applies to; all of them when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<String>>,
}

read_object!(HoursBlock {
    start: "start" required,
    end: "end" required,
    locations: "locations" optional,
});

/// A date whose hours replace the weekly schedule's: `hours: []` closes the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateOverride {
    /// The date, `YYYY-MM-DD`.
    pub date: LocalDate,
    /// The working time that day; empty when the doctor does not work.
    pub hours: Vec<HoursBlock>,
}

read_object!(DateOverride {
    date: "date" required,
    hours: "hours" required,
});

/// Time off: `[start, end)` is taken out of the doctor's hours, whatever they are. Wall-clock
/// times are read in the hospital's zone; instants (with `Z` or an offset) are kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeOff {
    /// First minute off, `YYYY-MM-DDTHH:MM` or an instant.
    pub start: Moment,
    /// First minute back (exclusive end), after `start`.
    pub end: Moment,
    /// Why, for people: "vacation", "conference".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

read_object!(TimeOff {
    start: "start" required,
    end: "end" required,
    reason: "reason" optional,
});

/// A doctor as the API returns it and a snapshot stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Doctor {
    /// The doctor's id, chosen by the host or assigned by the hospital.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The locations (addresses) the doctor works at, matched exactly when booking.
    pub locations: Vec<String>,
    /// The weekly schedule.
    pub schedule: Vec<ScheduleRule>,
    /// Dates whose hours replace the weekly schedule's; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<DateOverride>,
    /// Time off; left out when there is none.
    #[serde(rename = "timeOff", skip_serializing_if = "Vec::is_empty")]
    pub time_off: Vec<TimeOff>,
}

read_object!(Doctor {
    id: "id" required,
    name: "name" required,
    locations: "locations" required,
    schedule: "schedule" required,
    overrides: "overrides" default,
    time_off: "timeOff" default,
});

/// The input of `addDoctor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDoctor {
    /// An id of the host's choosing; when absent the hospital assigns one.
    pub id: Option<String>,
    /// Display name.
    pub name: String,
    /// The locations the doctor works at.
    pub locations: Vec<String>,
    /// The weekly schedule.
    pub schedule: Vec<ScheduleRule>,
    /// Date overrides; none when absent.
    pub overrides: Vec<DateOverride>,
    /// Time off; none when absent.
    pub time_off: Vec<TimeOff>,
}

read_object!(NewDoctor {
    id: "id" optional,
    name: "name" required,
    locations: "locations" required,
    schedule: "schedule" required,
    overrides: "overrides" default,
    time_off: "timeOff" default,
});

/// The input of `updateDoctor`: the fields to replace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoctorPatch {
    /// A new display name.
    pub name: Option<String>,
    /// A new list of locations, replacing the old one.
    pub locations: Option<Vec<String>>,
    /// A new weekly schedule, replacing the old one.
    pub schedule: Option<Vec<ScheduleRule>>,
    /// New date overrides, replacing the old ones.
    pub overrides: Option<Vec<DateOverride>>,
    /// New time off, replacing the old.
    pub time_off: Option<Vec<TimeOff>>,
}

read_object!(DoctorPatch {
    name: "name" optional,
    locations: "locations" optional,
    schedule: "schedule" optional,
    overrides: "overrides" optional,
    time_off: "timeOff" optional,
});

impl Doctor {
    /// Checks everything but the id: name, locations, schedule, overrides, time off. Errors
    /// name the field.
    pub(crate) fn validate_profile(&self) -> Result<()> {
        validate::text("name", &self.name, MAX_NAME_LEN)?;
        validate_locations(&self.locations)?;
        validate_schedule(&self.schedule, Some(&self.locations))?;
        validate_overrides(&self.overrides, Some(&self.locations))?;
        validate_time_off(&self.time_off)
    }

    /// The index of `location` among the doctor's locations (exact string match).
    pub(crate) fn location_index(&self, location: &str) -> Option<usize> {
        self.locations.iter().position(|l| l == location)
    }

    /// This doctor with the patch applied (not yet validated).
    pub fn patched(&self, patch: DoctorPatch) -> Doctor {
        Doctor {
            id: self.id.clone(),
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            locations: patch.locations.unwrap_or_else(|| self.locations.clone()),
            schedule: patch.schedule.unwrap_or_else(|| self.schedule.clone()),
            overrides: patch.overrides.unwrap_or_else(|| self.overrides.clone()),
            time_off: patch.time_off.unwrap_or_else(|| self.time_off.clone()),
        }
    }
}

impl DoctorPatch {
    /// Checks the fields the patch names on their own, before the doctor is looked up (the
    /// patched doctor is then checked whole): rule and block locations are checked against
    /// the patch's locations only if it has some.
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(name) = &self.name {
            validate::text("name", name, MAX_NAME_LEN)?;
        }
        if let Some(locations) = &self.locations {
            validate_locations(locations)?;
        }
        let locations = self.locations.as_deref();
        if let Some(schedule) = &self.schedule {
            validate_schedule(schedule, locations)?;
        }
        if let Some(overrides) = &self.overrides {
            validate_overrides(overrides, locations)?;
        }
        if let Some(time_off) = &self.time_off {
            validate_time_off(time_off)?;
        }
        Ok(())
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
                format!(
                    "{q_location} is listed twice",
                    q_location = Quoted(location)
                ),
            ));
        }
    }
    Ok(())
}

/// The `locations` of a rule or block: when present, some of the doctor's (when known), each
/// once.
fn validate_location_subset(
    field: &str,
    subset: Option<&[String]>,
    all: Option<&[String]>,
) -> Result<()> {
    let Some(subset) = subset else {
        return Ok(());
    };
    if subset.is_empty() {
        return Err(Error::invalid_input(
            field,
            "must name at least one location (leave it out to mean all)",
        ));
    }
    for (i, location) in subset.iter().enumerate() {
        let field = format!("{field}[{i}]");
        if all.is_some_and(|all| !all.contains(location)) {
            return Err(Error::invalid_input(
                field,
                format!(
                    "{q_location} is not one of the doctor's locations",
                    q_location = Quoted(location)
                ),
            ));
        }
        if subset.iter().take(i).any(|l| l == location) {
            return Err(Error::invalid_input(
                field,
                format!(
                    "{q_location} is listed twice",
                    q_location = Quoted(location)
                ),
            ));
        }
    }
    Ok(())
}

/// A rule's or block's times: `start` before `end`.
fn validate_times(field: &str, start: ClockTime, end: ClockTime) -> Result<()> {
    if start >= end {
        return Err(Error::invalid_input(
            format!("{field}.end"),
            format!("{end} is not after start {start}"),
        ));
    }
    Ok(())
}

fn validate_schedule(schedule: &[ScheduleRule], locations: Option<&[String]>) -> Result<()> {
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
        let field = format!("schedule[{i}]");
        if rule.days.is_empty() {
            return Err(Error::invalid_input(
                format!("{field}.days"),
                "must name at least one day",
            ));
        }
        for (j, day) in rule.days.iter().enumerate() {
            if rule.days.iter().take(j).any(|d| d == day) {
                return Err(Error::invalid_input(
                    format!("{field}.days[{j}]"),
                    format!("\"{day}\" is listed twice"),
                ));
            }
        }
        validate_times(&field, rule.start, rule.end)?;
        validate_location_subset(
            &format!("{field}.locations"),
            rule.locations.as_deref(),
            locations,
        )?;
    }
    Ok(())
}

fn validate_overrides(overrides: &[DateOverride], locations: Option<&[String]>) -> Result<()> {
    if overrides.len() > MAX_OVERRIDES {
        return Err(Error::invalid_input(
            "overrides",
            format!("{} dates; the limit is {MAX_OVERRIDES}", overrides.len()),
        ));
    }
    for (i, date_override) in overrides.iter().enumerate() {
        let field = format!("overrides[{i}]");
        if overrides
            .iter()
            .take(i)
            .any(|o| o.date == date_override.date)
        {
            return Err(Error::invalid_input(
                format!("{field}.date"),
                format!("{} is listed twice", date_override.date),
            ));
        }
        if date_override.hours.len() > MAX_SCHEDULE_RULES {
            return Err(Error::invalid_input(
                format!("{field}.hours"),
                format!(
                    "{} blocks; the limit is {MAX_SCHEDULE_RULES}",
                    date_override.hours.len()
                ),
            ));
        }
        for (j, block) in date_override.hours.iter().enumerate() {
            let field = format!("{field}.hours[{j}]");
            validate_times(&field, block.start, block.end)?;
            validate_location_subset(
                &format!("{field}.locations"),
                block.locations.as_deref(),
                locations,
            )?;
        }
    }
    Ok(())
}

fn validate_time_off(time_off: &[TimeOff]) -> Result<()> {
    if time_off.len() > MAX_TIME_OFF {
        return Err(Error::invalid_input(
            "timeOff",
            format!("{} ranges; the limit is {MAX_TIME_OFF}", time_off.len()),
        ));
    }
    for (i, range) in time_off.iter().enumerate() {
        // Times of one kind compare here; a wall-clock time and an instant once the hospital
        // has read them in its zone.
        let (start, end) = match (range.start.instant(), range.end.instant()) {
            (Some(start), Some(end)) => (start, end),
            _ => (range.start.local, range.end.local),
        };
        if range.start.offset.is_some() == range.end.offset.is_some() && start >= end {
            return Err(Error::invalid_input(
                format!("timeOff[{i}].end"),
                format!("{} is not after start {}", range.end, range.start),
            ));
        }
        if let Some(reason) = &range.reason {
            validate::text(&format!("timeOff[{i}].reason"), reason, MAX_REASON_LEN)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(days: &[Weekday], start: &str, end: &str) -> ScheduleRule {
        ScheduleRule {
            days: days.to_vec(),
            start: ClockTime::parse(start).unwrap(),
            end: ClockTime::parse(end).unwrap(),
            locations: None,
        }
    }

    fn doctor(schedule: Vec<ScheduleRule>) -> Doctor {
        Doctor {
            id: "d1".into(),
            name: "Dr. Ada".into(),
            locations: vec!["1 Main St".into()],
            schedule,
            overrides: vec![],
            time_off: vec![],
        }
    }

    fn field(d: Doctor) -> String {
        d.validate_profile().unwrap_err().details.field.unwrap()
    }

    #[test]
    fn profile_validation_names_the_field() {
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
    fn rule_locations_are_some_of_the_doctors() {
        let mut r = rule(&[Weekday::Mon], "09:00", "10:00");
        r.locations = Some(vec![]);
        assert_eq!(field(doctor(vec![r.clone()])), "schedule[0].locations");
        r.locations = Some(vec!["Elsewhere".into()]);
        assert_eq!(field(doctor(vec![r.clone()])), "schedule[0].locations[0]");
        r.locations = Some(vec!["1 Main St".into(), "1 Main St".into()]);
        assert_eq!(field(doctor(vec![r.clone()])), "schedule[0].locations[1]");
        r.locations = Some(vec!["1 Main St".into()]);
        assert!(doctor(vec![r]).validate_profile().is_ok());
    }

    #[test]
    fn overrides_and_time_off_are_checked() {
        let date = |s: &str| LocalDate::parse(s).unwrap();
        let at = |s: &str| Moment::wall(crate::time::LocalDateTime::parse(s).unwrap());
        let block = |start: &str, end: &str| HoursBlock {
            start: ClockTime::parse(start).unwrap(),
            end: ClockTime::parse(end).unwrap(),
            locations: None,
        };
        let mut d = doctor(vec![]);
        d.overrides = vec![
            DateOverride {
                date: date("2019-02-01"),
                hours: vec![],
            },
            DateOverride {
                date: date("2019-02-01"),
                hours: vec![],
            },
        ];
        assert_eq!(field(d), "overrides[1].date");
        let mut d = doctor(vec![]);
        d.overrides = vec![DateOverride {
            date: date("2019-02-01"),
            hours: vec![block("09:00", "12:00"), block("13:00", "13:00")],
        }];
        assert_eq!(field(d), "overrides[0].hours[1].end");
        let mut d = doctor(vec![]);
        d.overrides = vec![DateOverride {
            date: date("2019-02-01"),
            hours: vec![HoursBlock {
                locations: Some(vec!["Nowhere".into()]),
                ..block("09:00", "12:00")
            }],
        }];
        assert_eq!(field(d), "overrides[0].hours[0].locations[0]");
        let mut d = doctor(vec![]);
        d.time_off = vec![TimeOff {
            start: at("2019-02-01T10:00"),
            end: at("2019-02-01T10:00"),
            reason: None,
        }];
        assert_eq!(field(d), "timeOff[0].end");
        let mut d = doctor(vec![]);
        d.time_off = vec![TimeOff {
            start: at("2019-02-01T10:00"),
            end: at("2019-02-03T10:00"),
            reason: Some(" ".into()),
        }];
        assert_eq!(field(d), "timeOff[0].reason");
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
