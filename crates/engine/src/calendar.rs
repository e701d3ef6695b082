//! One doctor's (or one patient's) appointments, ordered by start, so that the overlap check,
//! booking and cancelling cost O(log n) in that doctor's appointments and listing a window
//! costs O(log n + k).
//!
//! Booked appointments and holds both take their time. A hold stops taking it once it has
//! expired, which depends on the current time the caller passes in (`clock`): an expired hold
//! is skipped by every query here until the hospital drops it.

use crate::time::LocalDateTime;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Included, Unbounded};

/// The hospital-wide booking sequence number of an appointment: booking order.
pub(crate) type Seq = u64;

/// An appointment that takes its time: booked, or held until `expires`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// First minute.
    pub start: LocalDateTime,
    /// Exclusive end.
    pub end: LocalDateTime,
    /// The appointment.
    pub seq: Seq,
    /// When a hold lapses; `None` for a booked appointment.
    pub expires: Option<LocalDateTime>,
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

/// The ordered index of one doctor's appointments. It holds sequence numbers; the appointments
/// themselves live in the hospital.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Calendar {
    /// Booked and held appointments by start → (end, seq, hold expiry). They never overlap
    /// (expired holds included: the hospital drops them before it books over them), so starts
    /// are unique and ends are in the same order as starts.
    active: BTreeMap<LocalDateTime, (LocalDateTime, Seq, Option<LocalDateTime>)>,
    /// Cancelled appointments by (start, seq).
    cancelled: BTreeSet<(LocalDateTime, Seq)>,
}

fn entry(
    (start, (end, seq, expires)): (&LocalDateTime, &(LocalDateTime, Seq, Option<LocalDateTime>)),
) -> Entry {
    Entry {
        start: *start,
        end: *end,
        seq: *seq,
        expires: *expires,
    }
}

impl Calendar {
    /// Live appointments overlapping `[start, end)`, latest first, leaving out `skip`. Entries
    /// never overlap, so walking back from the last one that starts before `end` can stop at
    /// the first that ends by `start`.
    pub(crate) fn overlapping(
        &self,
        start: LocalDateTime,
        end: LocalDateTime,
        clock: Option<LocalDateTime>,
        skip: Option<Seq>,
    ) -> impl Iterator<Item = Seq> + '_ {
        self.active
            .range(..end)
            .rev()
            .map(entry)
            .take_while(move |e| e.end > start)
            .filter(move |e| e.is_live(clock) && Some(e.seq) != skip)
            .map(|e| e.seq)
    }

    /// Records a booked (`expires: None`) or held appointment. The caller has checked that it
    /// overlaps nothing.
    pub(crate) fn insert(
        &mut self,
        start: LocalDateTime,
        end: LocalDateTime,
        seq: Seq,
        expires: Option<LocalDateTime>,
    ) {
        self.active.insert(start, (end, seq, expires));
    }

    /// Records a cancelled appointment.
    pub(crate) fn insert_cancelled(&mut self, start: LocalDateTime, seq: Seq) {
        self.cancelled.insert((start, seq));
    }

    /// Forgets the booked or held appointment `seq` starting at `start`.
    pub(crate) fn remove(&mut self, start: LocalDateTime, seq: Seq) {
        if self.active.get(&start).is_some_and(|e| e.1 == seq) {
            self.active.remove(&start);
        }
    }

    /// Forgets the cancelled appointment `seq` starting at `start`.
    pub(crate) fn remove_cancelled(&mut self, start: LocalDateTime, seq: Seq) {
        self.cancelled.remove(&(start, seq));
    }

    /// Booked and held appointments (expired holds included) starting in `[from, to)`, by start.
    pub(crate) fn active_in(
        &self,
        from: Option<LocalDateTime>,
        to: Option<LocalDateTime>,
    ) -> impl DoubleEndedIterator<Item = Entry> + '_ {
        let lower = from.map_or(Unbounded, Included);
        let upper = to.map_or(Unbounded, Excluded);
        self.active.range((lower, upper)).map(entry)
    }

    /// Cancelled appointments starting in `[from, to)`, as (start, seq), by start then seq.
    pub(crate) fn cancelled_in(
        &self,
        from: Option<LocalDateTime>,
        to: Option<LocalDateTime>,
    ) -> impl Iterator<Item = (LocalDateTime, Seq)> + '_ {
        let lower = from.map_or(Unbounded, |f| Included((f, Seq::MIN)));
        let upper = to.map_or(Unbounded, |t| Excluded((t, Seq::MIN)));
        self.cancelled.range((lower, upper)).copied()
    }

    /// Sequence numbers of every appointment, booked, held and cancelled.
    pub(crate) fn all_seqs(&self) -> impl Iterator<Item = Seq> + '_ {
        self.active
            .values()
            .map(|(_, seq, _)| *seq)
            .chain(self.cancelled.iter().map(|(_, seq)| *seq))
    }

    /// Whether any appointment is booked or held.
    pub(crate) fn has_active(&self) -> bool {
        !self.active.is_empty()
    }

    /// Whether nothing at all is recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.active.is_empty() && self.cancelled.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hhmm: &str) -> LocalDateTime {
        LocalDateTime::parse(&format!("2019-02-01T{hhmm}")).unwrap()
    }

    fn calendar() -> Calendar {
        let mut c = Calendar::default();
        c.insert(at("10:00"), at("10:30"), 1, None);
        c.insert(at("11:00"), at("11:15"), 2, None);
        c
    }

    fn first(c: &Calendar, start: &str, end: &str) -> Option<Seq> {
        c.overlapping(at(start), at(end), None, None).next()
    }

    #[test]
    fn overlap_is_half_open() {
        let c = calendar();
        assert_eq!(first(&c, "09:45", "10:00"), None);
        assert_eq!(first(&c, "10:30", "11:00"), None);
        assert_eq!(first(&c, "10:15", "10:45"), Some(1));
        assert_eq!(first(&c, "09:00", "12:00"), Some(2));
        assert_eq!(first(&c, "10:45", "11:05"), Some(2));
        assert_eq!(first(&c, "11:14", "11:15"), Some(2));
        let all: Vec<Seq> = c
            .overlapping(at("09:00"), at("12:00"), None, None)
            .collect();
        assert_eq!(all, vec![2, 1]);
        let skipped: Vec<Seq> = c
            .overlapping(at("09:00"), at("12:00"), None, Some(2))
            .collect();
        assert_eq!(skipped, vec![1]);
    }

    #[test]
    fn an_expired_hold_takes_no_time() {
        let mut c = calendar();
        c.insert(at("12:00"), at("12:30"), 3, Some(at("09:00")));
        c.insert(at("12:30"), at("13:00"), 4, None);
        assert_eq!(
            first(&c, "12:00", "12:15"),
            Some(3),
            "no clock: the hold holds"
        );
        let clock = Some(at("08:59"));
        assert_eq!(
            c.overlapping(at("12:00"), at("12:15"), clock, None).next(),
            Some(3)
        );
        let clock = Some(at("09:00"));
        assert_eq!(
            c.overlapping(at("12:00"), at("12:15"), clock, None).next(),
            None
        );
        // Walking back past the expired hold still finds the booking before it.
        let found: Vec<Seq> = c
            .overlapping(at("10:15"), at("12:45"), clock, None)
            .collect();
        assert_eq!(found, vec![4, 2, 1]);
    }

    #[test]
    fn cancelling_frees_the_time_and_keeps_history() {
        let mut c = calendar();
        c.remove(at("10:00"), 1);
        c.insert_cancelled(at("10:00"), 1);
        assert_eq!(first(&c, "10:00", "10:30"), None);
        assert_eq!(
            c.cancelled_in(None, None).collect::<Vec<_>>(),
            vec![(at("10:00"), 1)]
        );
        assert_eq!(c.all_seqs().count(), 2);
        c.remove(at("11:00"), 99);
        assert!(c.has_active(), "removing needs the right seq");
    }

    #[test]
    fn windows_are_half_open_on_start() {
        let c = calendar();
        let seqs: Vec<_> = c
            .active_in(Some(at("10:00")), Some(at("11:00")))
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, vec![1]);
        assert_eq!(c.active_in(None, None).count(), 2);
        assert_eq!(c.active_in(Some(at("10:01")), None).count(), 1);
    }
}
