//! One doctor's appointments, ordered by start, so that the overlap check, booking and
//! cancelling cost O(log n) in that doctor's appointments and listing a window costs
//! O(log n + k).

use super::time::LocalDateTime;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Included, Unbounded};

/// The hospital-wide booking sequence number of an appointment: booking order.
pub type Seq = u64;

/// The ordered index of one doctor's appointments. It holds sequence numbers; the appointments
/// themselves live in the hospital.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Booked appointments by start → (end, seq). They never overlap, so starts are unique and
    /// ends are in the same order as starts.
    booked: BTreeMap<LocalDateTime, (LocalDateTime, Seq)>,
    /// Cancelled appointments by (start, seq).
    cancelled: BTreeSet<(LocalDateTime, Seq)>,
}

impl Calendar {
    /// The booked appointment overlapping `[start, end)`, if any. Only the last booked
    /// appointment starting before `end` can overlap: every earlier one ends before it starts.
    pub fn overlapping(&self, start: LocalDateTime, end: LocalDateTime) -> Option<Seq> {
        self.booked
            .range(..end)
            .next_back()
            .filter(|(_, (booked_end, _))| *booked_end > start)
            .map(|(_, (_, seq))| *seq)
    }

    /// Records a booked appointment. The caller has checked that it overlaps nothing.
    pub fn insert_booked(&mut self, start: LocalDateTime, end: LocalDateTime, seq: Seq) {
        self.booked.insert(start, (end, seq));
    }

    /// Records a cancelled appointment.
    pub fn insert_cancelled(&mut self, start: LocalDateTime, seq: Seq) {
        self.cancelled.insert((start, seq));
    }

    /// Moves the booked appointment starting at `start` to the cancelled ones.
    pub fn cancel(&mut self, start: LocalDateTime, seq: Seq) {
        if self.booked.remove(&start).is_some() {
            self.cancelled.insert((start, seq));
        }
    }

    /// Booked appointments starting in `[from, to)`, as (start, end, seq), by start.
    pub fn booked_in(
        &self,
        from: Option<LocalDateTime>,
        to: Option<LocalDateTime>,
    ) -> impl DoubleEndedIterator<Item = (LocalDateTime, LocalDateTime, Seq)> + '_ {
        let lower = from.map_or(Unbounded, Included);
        let upper = to.map_or(Unbounded, Excluded);
        self.booked
            .range((lower, upper))
            .map(|(start, (end, seq))| (*start, *end, *seq))
    }

    /// Cancelled appointments starting in `[from, to)`, as (start, seq), by start then seq.
    pub fn cancelled_in(
        &self,
        from: Option<LocalDateTime>,
        to: Option<LocalDateTime>,
    ) -> impl Iterator<Item = (LocalDateTime, Seq)> + '_ {
        let lower = from.map_or(Unbounded, |f| Included((f, Seq::MIN)));
        let upper = to.map_or(Unbounded, |t| Excluded((t, Seq::MIN)));
        self.cancelled.range((lower, upper)).copied()
    }

    /// Sequence numbers of every appointment, booked and cancelled.
    pub fn all_seqs(&self) -> impl Iterator<Item = Seq> + '_ {
        self.booked
            .values()
            .map(|(_, seq)| *seq)
            .chain(self.cancelled.iter().map(|(_, seq)| *seq))
    }

    /// Whether any appointment is booked.
    pub fn has_booked(&self) -> bool {
        !self.booked.is_empty()
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
        c.insert_booked(at("10:00"), at("10:30"), 1);
        c.insert_booked(at("11:00"), at("11:15"), 2);
        c
    }

    #[test]
    fn overlap_is_half_open() {
        let c = calendar();
        assert_eq!(c.overlapping(at("09:45"), at("10:00")), None);
        assert_eq!(c.overlapping(at("10:30"), at("11:00")), None);
        assert_eq!(c.overlapping(at("10:15"), at("10:45")), Some(1));
        assert_eq!(c.overlapping(at("09:00"), at("12:00")), Some(2));
        assert_eq!(c.overlapping(at("10:45"), at("11:05")), Some(2));
        assert_eq!(c.overlapping(at("11:14"), at("11:15")), Some(2));
    }

    #[test]
    fn cancelling_frees_the_time_and_keeps_history() {
        let mut c = calendar();
        c.cancel(at("10:00"), 1);
        assert_eq!(c.overlapping(at("10:00"), at("10:30")), None);
        assert_eq!(
            c.cancelled_in(None, None).collect::<Vec<_>>(),
            vec![(at("10:00"), 1)]
        );
        assert_eq!(c.all_seqs().count(), 2);
    }

    #[test]
    fn windows_are_half_open_on_start() {
        let c = calendar();
        let starts: Vec<_> = c
            .booked_in(Some(at("10:00")), Some(at("11:00")))
            .map(|a| a.2)
            .collect();
        assert_eq!(starts, vec![1]);
        assert_eq!(c.booked_in(None, None).count(), 2);
        assert_eq!(c.booked_in(Some(at("10:01")), None).count(), 1);
    }
}
