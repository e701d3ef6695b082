//! One doctor's appointments ordered by start, so that the overlap check, booking and cancelling
//! cost O(log n) in that doctor's appointments and listing a window costs O(log n + k); and the
//! same order by patient and by location, for the questions the front desk asks.
//!
//! Booked appointments and holds take their time. A hold stops taking it once it has lapsed,
//! which depends on the current time the caller passes in (`clock`): a lapsed hold is skipped by
//! every query here until the hospital marks it expired (and moves it to the history).

use crate::sorted::SortedChunks;
use crate::store::{Appointments, Seq};
use crate::time::LocalDateTime;
use std::ops::Bound::{Excluded, Included, Unbounded};

/// An appointment that takes its time, as the calendar keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Slot {
    /// The appointment.
    pub(crate) seq: Seq,
    /// Its length in minutes.
    pub(crate) duration: u16,
    /// Whether it is a hold (whose expiry is in the record).
    pub(crate) held: bool,
}

/// Below every slot: a bound for searching by start alone.
const NO_SLOT: Slot = Slot {
    seq: Seq::MIN,
    duration: 0,
    held: false,
};

/// An appointment that takes its time: booked, or held until `expires`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// First minute.
    pub(crate) start: LocalDateTime,
    /// Exclusive end.
    pub(crate) end: LocalDateTime,
    /// The appointment.
    pub(crate) seq: Seq,
    /// When a hold lapses; `None` for a booked appointment.
    pub(crate) expires: Option<LocalDateTime>,
}

impl Entry {
    /// Whether it still takes its time at `clock` (`None`: time unknown, so a hold still does).
    pub(crate) fn is_live(&self, clock: Option<LocalDateTime>) -> bool {
        match (self.expires, clock) {
            (Some(expires), Some(now)) => now < expires,
            _ => true,
        }
    }
}

/// A doctor's appointments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Calendar {
    /// Booked and held appointments by start. They never overlap (lapsed holds included: the
    /// hospital expires them before it books over them), so starts are unique and ends are in
    /// the same order as starts.
    active: SortedChunks<(LocalDateTime, Slot)>,
    /// Cancelled and expired ones, by (start, seq).
    history: SortedChunks<(LocalDateTime, Seq)>,
}

impl Calendar {
    fn entry(store: &Appointments, start: LocalDateTime, slot: Slot) -> Entry {
        Entry {
            start,
            end: start.plus_minutes(i64::from(slot.duration)),
            seq: slot.seq,
            expires: if slot.held {
                store.get(slot.seq).and_then(|r| r.hold_expires())
            } else {
                None
            },
        }
    }

    /// Live appointments overlapping `[start, end)`, latest first, leaving out `skip`. Entries
    /// never overlap, so walking back from the last one that starts before `end` can stop at
    /// the first that ends by `start`.
    pub(crate) fn overlapping<'a>(
        &'a self,
        store: &'a Appointments,
        start: LocalDateTime,
        end: LocalDateTime,
        clock: Option<LocalDateTime>,
        skip: Option<Seq>,
    ) -> impl Iterator<Item = Seq> + 'a {
        self.active
            .range(Unbounded, Excluded(&(end, NO_SLOT)))
            .rev()
            .map(move |&(s, slot)| Calendar::entry(store, s, slot))
            .take_while(move |e| e.end > start)
            .filter(move |e| e.is_live(clock) && Some(e.seq) != skip)
            .map(|e| e.seq)
    }

    /// Records a booked or held appointment. The caller has checked that it overlaps nothing.
    pub(crate) fn insert(&mut self, start: LocalDateTime, slot: Slot) {
        self.active.insert((start, slot));
    }

    /// Records a cancelled or expired appointment.
    pub(crate) fn insert_history(&mut self, start: LocalDateTime, seq: Seq) {
        self.history.insert((start, seq));
    }

    /// Forgets the booked or held appointment `seq` starting at `start`.
    pub(crate) fn remove(&mut self, start: LocalDateTime, seq: Seq) {
        let found = self
            .active
            .range(Included(&(start, NO_SLOT)), Unbounded)
            .next()
            .copied()
            .filter(|&(s, slot)| s == start && slot.seq == seq);
        if let Some(entry) = found {
            self.active.remove(&entry);
        }
    }

    /// Forgets the cancelled or expired appointment `seq` starting at `start`.
    pub(crate) fn remove_history(&mut self, start: LocalDateTime, seq: Seq) {
        self.history.remove(&(start, seq));
    }

    /// Booked and held appointments (lapsed holds included) starting in `[from, to)`, by start.
    pub(crate) fn active_in<'a>(
        &'a self,
        store: &'a Appointments,
        from: Option<LocalDateTime>,
        to: Option<LocalDateTime>,
    ) -> impl DoubleEndedIterator<Item = Entry> + 'a {
        let lower = from.map(|f| (f, NO_SLOT));
        let upper = to.map(|t| (t, NO_SLOT));
        self.active
            .range(
                lower.as_ref().map_or(Unbounded, Included),
                upper.as_ref().map_or(Unbounded, Excluded),
            )
            .map(move |&(s, slot)| Calendar::entry(store, s, slot))
    }

    /// Cancelled and expired appointments starting in `[from, to)`, as (start, seq), by start
    /// then seq.
    pub(crate) fn history_in(
        &self,
        from: Option<LocalDateTime>,
        to: Option<LocalDateTime>,
    ) -> impl Iterator<Item = (LocalDateTime, Seq)> + '_ {
        let lower = from.map(|f| (f, Seq::MIN));
        let upper = to.map(|t| (t, Seq::MIN));
        self.history
            .range(
                lower.as_ref().map_or(Unbounded, Included),
                upper.as_ref().map_or(Unbounded, Excluded),
            )
            .copied()
    }

    /// Every appointment, active first, then the history.
    pub(crate) fn all_seqs(&self) -> impl Iterator<Item = Seq> + '_ {
        self.active
            .iter()
            .map(|&(_, slot)| slot.seq)
            .chain(self.history.iter().map(|&(_, seq)| seq))
    }

    /// Whether any appointment is booked or held.
    pub(crate) fn has_active(&self) -> bool {
        !self.active.is_empty()
    }
}

/// Appointments by a key (a patient, a location) and then by start, of every status: a status
/// change (a cancellation, an expiry) leaves the index as it is, and a query checks each record's
/// status (the records it walks are one patient's or one location's in a window).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TimeIndex<K: Ord + Copy> {
    entries: SortedChunks<(K, LocalDateTime, Seq)>,
}

impl<K: Ord + Copy> TimeIndex<K> {
    /// Records `seq`, starting at `start`, under `key`.
    pub(crate) fn insert(&mut self, key: K, start: LocalDateTime, seq: Seq) {
        self.entries.insert((key, start, seq));
    }

    /// Forgets `seq`.
    pub(crate) fn remove(&mut self, key: K, start: LocalDateTime, seq: Seq) {
        self.entries.remove(&(key, start, seq));
    }

    /// The appointments under `key` starting in `[from, to)`, by start then seq.
    pub(crate) fn within(
        &self,
        key: K,
        from: LocalDateTime,
        to: LocalDateTime,
    ) -> impl DoubleEndedIterator<Item = (LocalDateTime, Seq)> + '_ {
        self.entries
            .range(
                Included(&(key, from, Seq::MIN)),
                Excluded(&(key, to, Seq::MIN)),
            )
            .map(|&(_, start, seq)| (start, seq))
    }

    /// Forgets everything.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Record, Status};

    fn at(hhmm: &str) -> LocalDateTime {
        LocalDateTime::parse(&format!("2019-02-01T{hhmm}")).unwrap()
    }

    fn store_and_calendar(bookings: &[(&str, u16, Option<&str>)]) -> (Appointments, Calendar) {
        let mut store = Appointments::default();
        let mut calendar = Calendar::default();
        for (n, &(start, duration, expires)) in bookings.iter().enumerate() {
            let mut record = Record {
                start: at(start),
                number: n as u64 + 1,
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
            let seq = store.insert(record).unwrap();
            calendar.insert(
                at(start),
                Slot {
                    seq,
                    duration,
                    held: expires.is_some(),
                },
            );
        }
        (store, calendar)
    }

    fn first(s: &Appointments, c: &Calendar, start: &str, end: &str) -> Option<Seq> {
        c.overlapping(s, at(start), at(end), None, None).next()
    }

    #[test]
    fn overlap_is_half_open() {
        let (s, c) = store_and_calendar(&[("10:00", 30, None), ("11:00", 15, None)]);
        assert_eq!(first(&s, &c, "09:45", "10:00"), None);
        assert_eq!(first(&s, &c, "10:30", "11:00"), None);
        assert_eq!(first(&s, &c, "10:15", "10:45"), Some(0));
        assert_eq!(first(&s, &c, "09:00", "12:00"), Some(1));
        assert_eq!(first(&s, &c, "11:14", "11:15"), Some(1));
        let all: Vec<Seq> = c
            .overlapping(&s, at("09:00"), at("12:00"), None, None)
            .collect();
        assert_eq!(all, vec![1, 0]);
        let skipped: Vec<Seq> = c
            .overlapping(&s, at("09:00"), at("12:00"), None, Some(1))
            .collect();
        assert_eq!(skipped, vec![0]);
    }

    #[test]
    fn a_lapsed_hold_takes_no_time() {
        let (s, c) = store_and_calendar(&[
            ("10:00", 30, None),
            ("11:00", 15, None),
            ("12:00", 30, Some("09:00")),
            ("12:30", 30, None),
        ]);
        assert_eq!(
            first(&s, &c, "12:00", "12:15"),
            Some(2),
            "no clock: it holds"
        );
        let clock = Some(at("08:59"));
        assert_eq!(
            c.overlapping(&s, at("12:00"), at("12:15"), clock, None)
                .next(),
            Some(2)
        );
        let clock = Some(at("09:00"));
        assert_eq!(
            c.overlapping(&s, at("12:00"), at("12:15"), clock, None)
                .next(),
            None
        );
        let found: Vec<Seq> = c
            .overlapping(&s, at("10:15"), at("12:45"), clock, None)
            .collect();
        assert_eq!(found, vec![3, 1, 0]);
    }

    #[test]
    fn history_keeps_what_frees_its_time() {
        let (s, mut c) = store_and_calendar(&[("10:00", 30, None), ("11:00", 15, None)]);
        c.remove(at("10:00"), 0);
        c.insert_history(at("10:00"), 0);
        assert_eq!(first(&s, &c, "10:00", "10:30"), None);
        assert_eq!(
            c.history_in(None, None).collect::<Vec<_>>(),
            vec![(at("10:00"), 0)]
        );
        assert_eq!(c.all_seqs().count(), 2);
        c.remove(at("11:00"), 99);
        assert!(c.has_active(), "removing needs the right seq");
        let window: Vec<Seq> = c
            .active_in(&s, Some(at("10:00")), Some(at("11:01")))
            .map(|e| e.seq)
            .collect();
        assert_eq!(window, vec![1]);
    }

    #[test]
    fn a_time_index_keeps_keys_apart() {
        let mut index = TimeIndex::<u32>::default();
        index.insert(7, at("10:00"), 3);
        index.insert(7, at("09:00"), 5);
        index.insert(8, at("09:30"), 4);
        index.insert(7, at("09:30"), 6);
        let seven: Vec<Seq> = index
            .within(7, at("00:00"), at("23:00"))
            .map(|(_, s)| s)
            .collect();
        assert_eq!(seven, vec![5, 6, 3]);
        assert_eq!(index.within(7, at("09:30"), at("10:00")).count(), 1);
        index.remove(7, at("10:00"), 3);
        assert_eq!(index.within(7, at("00:00"), at("23:00")).count(), 2);
        index.remove(7, at("10:00"), 5);
        assert_eq!(
            index.within(7, at("00:00"), at("23:00")).count(),
            2,
            "the right start"
        );
    }
}
