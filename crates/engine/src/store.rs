//! Where the appointments live: compact records in booking order, and the indexes that find them
//! by id and by request id.
//!
//! A record is about 40 bytes in the wasm build: what every appointment has (start, duration,
//! doctor, location, status, the number of an assigned id, the patient) inline, the rest (a
//! chosen id, a request id, a hold's expiry, rescheduling traces, a cancel reason, notes,
//! metadata) in an [`Extra`] only the appointments that have any of it carry. Doctors and
//! locations are numbers (the hospital's doctor keys and [`Places`](crate::places::Places)).
//!
//! Records are numbered by booking order ([`Seq`]) and stored in pages of [`PAGE`] records, so
//! that the store grows without copying or over-allocating. Removing a doctor removes their
//! appointments, which leaves holes; once the holes outnumber the live records the hospital
//! compacts the store ([`Appointments::compact`]), which keeps the booking order and renumbers.

use crate::appointment::PreviousTime;
use crate::time::LocalDateTime;
use std::collections::BTreeMap;

/// An appointment's number in the store: its place in booking order (until a compaction
/// renumbers, keeping the order).
pub(crate) type Seq = u32;

/// Records per page.
pub(crate) const PAGE: usize = 1024;

/// The largest `Seq` the store hands out before it compacts: keys of the time indexes pack a
/// sequence number into 31 bits.
pub(crate) const MAX_SEQ: Seq = (1 << 31) - 1;

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Status {
    /// Takes its time.
    Booked,
    /// Takes its time until its hold expires.
    Held,
    /// History: cancelled.
    Cancelled,
    /// History: a hold that lapsed.
    Expired,
    /// Removed with its doctor: a hole until the next compaction.
    Gone,
}

impl Status {
    /// Whether it takes its time (booked or held).
    pub(crate) fn is_active(self) -> bool {
        matches!(self, Status::Booked | Status::Held)
    }
}

/// What only some appointments have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Extra {
    /// The id, when it is not `a` + the record's number.
    pub(crate) id: Option<Box<str>>,
    /// The idempotency key it was made with.
    pub(crate) request_id: Option<Box<str>>,
    /// When a hold lapses.
    pub(crate) hold_expires: Option<LocalDateTime>,
    /// Where and when it was before each move, oldest first.
    pub(crate) rescheduled_from: Vec<PreviousTime>,
    /// Why it was cancelled.
    pub(crate) cancel_reason: Option<Box<str>>,
    /// Free text for people.
    pub(crate) notes: Option<Box<str>>,
    /// A small JSON object, as canonical JSON text.
    pub(crate) metadata: Option<Box<str>>,
    /// The request that created it, once it no longer looks like it (moved, confirmed, its
    /// patient changed): a retry with its request id is compared with this (booking rule 0).
    pub(crate) requested: Option<Box<Requested>>,
    /// The `now` of the call that created it.
    pub(crate) created_at: Option<LocalDateTime>,
    /// The `now` of the latest call that changed it and passed one.
    pub(crate) updated_at: Option<LocalDateTime>,
}

/// What a request with a request id asked for, kept once the appointment changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requested {
    /// Whether it was a hold.
    pub(crate) held: bool,
    /// The location asked for.
    pub(crate) location: Box<str>,
    /// The start asked for.
    pub(crate) start: LocalDateTime,
    /// The length asked for.
    pub(crate) duration: u16,
    /// The patient named.
    pub(crate) patient: Option<Box<str>>,
}

impl Extra {
    /// Whether it holds nothing (then the record carries none).
    pub(crate) fn is_empty(&self) -> bool {
        *self == Extra::default()
    }
}

/// One appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// First minute.
    pub(crate) start: LocalDateTime,
    /// `N` when the id is `aN` (the form the hospital assigns); 0 when it is in `extra.id`.
    pub(crate) number: u64,
    /// The host's reference to the patient.
    pub(crate) patient: Option<Box<str>>,
    /// The doctor's key in the hospital.
    pub(crate) doctor: u32,
    /// The location (a [`Places`](crate::places::Places) id).
    pub(crate) place: u32,
    /// Length in minutes (at most a day and a bit: an appointment never crosses midnight).
    pub(crate) duration: u16,
    /// Booked, held, cancelled, expired.
    pub(crate) status: Status,
    /// Everything else, when there is any.
    pub(crate) extra: Option<Box<Extra>>,
}

impl Record {
    /// Exclusive end.
    pub(crate) fn end(&self) -> LocalDateTime {
        self.start.plus_minutes(i64::from(self.duration))
    }

    /// When a hold lapses.
    pub(crate) fn hold_expires(&self) -> Option<LocalDateTime> {
        self.extra.as_ref().and_then(|e| e.hold_expires)
    }

    /// The extra part, created empty if the record has none.
    pub(crate) fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Drops the extra part if nothing is left in it.
    pub(crate) fn tidy(&mut self) {
        if self.extra.as_ref().is_some_and(|e| e.is_empty()) {
            self.extra = None;
        }
    }
}

/// `N` if `id` is `a` followed by a number from 1 to 2^53 - 1 without leading zeros: the form of
/// the ids the hospital assigns.
pub(crate) fn assigned_number(id: &str) -> Option<u64> {
    let digits = id.strip_prefix('a')?;
    if digits.is_empty() || digits.len() > 16 || digits.starts_with('0') {
        return None;
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    (n <= crate::limits::MAX_COUNTER).then_some(n)
}

/// The records of the ids `aN` in increasing `N`: `seqs[i]` is the record of `N = first + i`,
/// `Seq::MAX` where none is (a number never stored, or gone). Four bytes a number, found without
/// a search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct InOrder {
    first: u64,
    seqs: Vec<Seq>,
}

/// How far past the numbers stored a new one may be and still be stored in order: the numbers
/// between are held as gaps.
const MAX_GAP: u64 = 1024;

impl InOrder {
    fn index(&self, n: u64) -> Option<usize> {
        usize::try_from(n.checked_sub(self.first)?).ok()
    }

    /// The record of number `n`.
    fn get(&self, n: u64) -> Option<Seq> {
        let i = self.index(n)?;
        self.seqs.get(i).copied().filter(|&seq| seq != Seq::MAX)
    }

    /// Stores `seq` under `n`: in a gap, or after the last number (within [`MAX_GAP`]); `false`
    /// when `n` is elsewhere (before the first, taken, or too far past the last).
    fn store(&mut self, n: u64, seq: Seq) -> bool {
        if self.seqs.is_empty() {
            self.first = n;
        }
        let Some(i) = self.index(n) else {
            return false;
        };
        let len = self.seqs.len();
        match self.seqs.get_mut(i) {
            Some(slot) if *slot == Seq::MAX => {
                *slot = seq;
                true
            }
            Some(_) => false,
            None if (i - len) as u64 <= MAX_GAP => {
                self.seqs.resize(i, Seq::MAX);
                self.seqs.push(seq);
                true
            }
            None => false,
        }
    }

    /// Forgets that `seq` has number `n`; `false` if it was not stored here.
    fn release(&mut self, n: u64, seq: Seq) -> bool {
        match self.index(n).and_then(|i| self.seqs.get_mut(i)) {
            Some(slot) if *slot == seq => {
                *slot = Seq::MAX;
                true
            }
            _ => false,
        }
    }

    /// Forgets the numbers from `n` on, if nothing is stored under them (undoing the store of
    /// the last record).
    fn forget_from(&mut self, n: u64) {
        if let Some(i) = self.index(n) {
            if self
                .seqs
                .get(i..)
                .is_some_and(|tail| tail.iter().all(|&s| s == Seq::MAX))
            {
                self.seqs.truncate(i);
            }
        }
    }
}

/// The records, and their indexes by id and request id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Appointments {
    pages: Vec<Vec<Record>>,
    /// Records ever stored since the last compaction (the next `Seq`).
    len: u32,
    /// Of those, how many are gone.
    gone: u32,
    /// Ids `aN` stored in increasing `N` (the assigned ones).
    numbered: InOrder,
    /// Every other id: chosen by the host, or of the form `aN` but out of `numbered`'s order
    /// (`scattered` of them).
    named: BTreeMap<Box<str>, Seq>,
    /// How many of `named` are of the form `aN`: while none is, a number is looked up in
    /// `numbered` alone.
    scattered: u32,
    /// Request ids.
    requests: BTreeMap<Box<str>, Seq>,
}

impl Appointments {
    /// Live records (not gone).
    pub(crate) fn live(&self) -> usize {
        (self.len - self.gone) as usize
    }

    /// The next `Seq` [`Appointments::insert`] hands out.
    pub(crate) fn next_seq(&self) -> Seq {
        self.len
    }

    /// The record `seq`, unless it is gone.
    pub(crate) fn get(&self, seq: Seq) -> Option<&Record> {
        let seq = seq as usize;
        self.pages
            .get(seq / PAGE)
            .and_then(|page| page.get(seq % PAGE))
            .filter(|r| r.status != Status::Gone)
    }

    pub(crate) fn get_mut(&mut self, seq: Seq) -> Option<&mut Record> {
        let seq = seq as usize;
        self.pages
            .get_mut(seq / PAGE)
            .and_then(|page| page.get_mut(seq % PAGE))
            .filter(|r| r.status != Status::Gone)
    }

    /// The live records in booking order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Seq, &Record)> + '_ {
        self.pages
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, r)| r.status != Status::Gone)
            .map(|(seq, r)| (seq as Seq, r))
    }

    /// The appointment with this id.
    pub(crate) fn find(&self, id: &str) -> Option<Seq> {
        match assigned_number(id) {
            Some(n) => self.find_number(n),
            None => self.named.get(id).copied(),
        }
    }

    /// The appointment with the id `aN`.
    pub(crate) fn find_number(&self, n: u64) -> Option<Seq> {
        self.numbered.get(n).or_else(|| {
            (self.scattered > 0)
                .then(|| self.named.get(format!("a{n}").as_str()).copied())
                .flatten()
        })
    }

    /// The appointment made with this request id.
    pub(crate) fn find_request(&self, request_id: &str) -> Option<Seq> {
        self.requests.get(request_id).copied()
    }

    /// Stores a record whose id (`a` + `record.number`, or its `extra.id`) and request id are not
    /// taken; returns its `Seq`. `None` when the store is full (the caller checks the limits
    /// first).
    pub(crate) fn insert(&mut self, record: Record) -> Option<Seq> {
        let seq = self.len;
        if seq >= MAX_SEQ {
            return None;
        }
        self.index_ids(seq, &record);
        if self.pages.last().is_none_or(|page| page.len() >= PAGE) {
            self.pages.push(Vec::with_capacity(PAGE));
        }
        self.pages.last_mut()?.push(record);
        self.len += 1;
        Some(seq)
    }

    /// Removes the record `seq` (it becomes a hole) and returns it.
    pub(crate) fn remove(&mut self, seq: Seq) -> Option<Record> {
        let record = self.get_mut(seq)?;
        let removed = std::mem::replace(
            record,
            Record {
                start: LocalDateTime::MIN,
                number: 0,
                patient: None,
                doctor: 0,
                place: 0,
                duration: 0,
                status: Status::Gone,
                extra: None,
            },
        );
        self.gone += 1;
        self.unindex_ids(seq, &removed);
        Some(removed)
    }

    /// Puts back a record [`Appointments::remove`] took out (undoing it).
    pub(crate) fn restore(&mut self, seq: Seq, record: Record) {
        let index = seq as usize;
        let gone = self
            .pages
            .get(index / PAGE)
            .and_then(|page| page.get(index % PAGE))
            .is_some_and(|slot| slot.status == Status::Gone);
        if !gone {
            return;
        }
        self.gone -= 1;
        self.index_ids(seq, &record);
        if let Some(slot) = self
            .pages
            .get_mut(index / PAGE)
            .and_then(|page| page.get_mut(index % PAGE))
        {
            *slot = record;
        }
    }

    /// Forgets the record stored last (undoing [`Appointments::insert`]).
    pub(crate) fn pop(&mut self) -> Option<Record> {
        let seq = self.len.checked_sub(1)?;
        let page = self.pages.last_mut()?;
        let record = page.pop()?;
        if page.is_empty() {
            self.pages.pop();
        }
        self.len = seq;
        if record.status == Status::Gone {
            self.gone -= 1;
        } else {
            self.unindex_ids(seq, &record);
            self.numbered.forget_from(record.number);
        }
        Some(record)
    }

    fn index_ids(&mut self, seq: Seq, record: &Record) {
        if record.number > 0 {
            if !self.numbered.store(record.number, seq) {
                self.named.insert(format!("a{}", record.number).into(), seq);
                self.scattered += 1;
            }
        } else if let Some(id) = record.extra.as_ref().and_then(|e| e.id.as_deref()) {
            self.named.insert(id.into(), seq);
        }
        if let Some(request_id) = record.extra.as_ref().and_then(|e| e.request_id.as_deref()) {
            self.requests.insert(request_id.into(), seq);
        }
    }

    fn unindex_ids(&mut self, seq: Seq, record: &Record) {
        if record.number > 0 {
            if !self.numbered.release(record.number, seq)
                && self
                    .named
                    .remove(format!("a{}", record.number).as_str())
                    .is_some()
            {
                self.scattered -= 1;
            }
        } else if let Some(id) = record.extra.as_ref().and_then(|e| e.id.as_deref()) {
            self.named.remove(id);
        }
        if let Some(request_id) = record.extra.as_ref().and_then(|e| e.request_id.as_deref()) {
            self.requests.remove(request_id);
        }
    }

    /// How many pages hold the records (tests: memory stays bounded).
    #[cfg(test)]
    pub(crate) fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Whether enough records are gone to make compacting worth its O(n) cost.
    pub(crate) fn wants_compaction(&self) -> bool {
        (self.gone as usize) > PAGE && self.gone > self.len / 2 || self.len >= MAX_SEQ - 1
    }

    /// Closes the holes: the live records keep their order and get new, dense numbers. Returns
    /// the new `Seq` of each old one (`Seq::MAX` for a gone one), so that the caller can rebuild
    /// the indexes that hold them.
    pub(crate) fn compact(&mut self) -> Vec<Seq> {
        let old = std::mem::take(self);
        let mut renumbered = Vec::with_capacity(old.len as usize);
        for record in old.pages.into_iter().flatten() {
            if record.status == Status::Gone {
                renumbered.push(Seq::MAX);
            } else {
                renumbered.push(self.insert(record).unwrap_or(Seq::MAX));
            }
        }
        renumbered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(number: u64, minute: i64) -> Record {
        Record {
            start: LocalDateTime::MIN.plus_minutes(minute),
            number,
            patient: None,
            doctor: 0,
            place: 0,
            duration: 15,
            status: Status::Booked,
            extra: None,
        }
    }

    #[test]
    fn numbers_in_order_have_gaps_and_the_rest_are_scattered() {
        let mut store = Appointments::default();
        let a1 = store.insert(record(1, 0)).unwrap();
        let a3 = store.insert(record(3, 15)).unwrap();
        assert_eq!(store.find("a2"), None, "a gap");
        let a2 = store.insert(record(2, 30)).unwrap();
        assert_eq!(store.find("a2"), Some(a2), "a gap filled by a host's id");
        let far = store.insert(record(5_000, 45)).unwrap();
        assert_eq!(store.scattered, 1, "too far past the last number");
        assert_eq!(store.find("a5000"), Some(far));
        assert_eq!((store.find("a1"), store.find("a3")), (Some(a1), Some(a3)));
        // Gone, and the number taken again: in its place, found as before.
        store.remove(a3).unwrap();
        assert_eq!(store.find("a3"), None);
        let again = store.insert(record(3, 60)).unwrap();
        assert_eq!(store.find("a3"), Some(again));
        // Undoing the last insert forgets the scattered number.
        store.pop().unwrap();
        assert_eq!(store.find("a3"), None);
        store.remove(far).unwrap();
        assert_eq!((store.scattered, store.find("a5000")), (0, None));
    }

    #[test]
    fn assigned_numbers_are_exact() {
        assert_eq!(assigned_number("a1"), Some(1));
        assert_eq!(assigned_number("a9007199254740991"), Some((1 << 53) - 1));
        for other in [
            "a",
            "a0",
            "a01",
            "b1",
            "a1x",
            "a9007199254740992",
            "a+1",
            "A1",
        ] {
            assert_eq!(assigned_number(other), None, "{other}");
        }
    }

    #[test]
    fn ids_are_found_by_number_or_name_and_forgotten_with_their_record() {
        let mut store = Appointments::default();
        let a1 = store.insert(record(1, 0)).unwrap();
        let mut named = record(0, 15);
        named.extra_mut().id = Some("visit-7".into());
        named.extra_mut().request_id = Some("r1".into());
        let visit = store.insert(named).unwrap();
        // A host may choose an id of the assigned form below the counter: it is found by name.
        let a5 = store.insert(record(5, 30)).unwrap();
        let a3 = store.insert(record(3, 45)).unwrap();
        assert_eq!(store.find("a1"), Some(a1));
        assert_eq!(store.find("visit-7"), Some(visit));
        assert_eq!(store.find("a5"), Some(a5));
        assert_eq!(store.find("a3"), Some(a3));
        assert_eq!(store.find("a4"), None);
        assert_eq!(store.find_request("r1"), Some(visit));
        let removed = store.remove(visit).unwrap();
        assert_eq!(store.find("visit-7"), None);
        assert_eq!(store.find_request("r1"), None);
        assert_eq!(store.live(), 3);
        store.restore(visit, removed);
        assert_eq!(store.find("visit-7"), Some(visit));
        assert_eq!(store.find_request("r1"), Some(visit));
        store.remove(a1);
        assert_eq!(store.find("a1"), None);
    }

    #[test]
    fn an_assigned_id_freed_by_a_removal_can_be_stored_again() {
        let mut store = Appointments::default();
        let a1 = store.insert(record(1, 0)).unwrap();
        store.insert(record(2, 15)).unwrap();
        store.remove(a1);
        assert_eq!(store.find("a1"), None);
        // A host chooses "a1" again: below the last number, it is stored by name.
        let again = store.insert(record(1, 30)).unwrap();
        assert_eq!(store.find("a1"), Some(again));
        assert_eq!(store.find("a2"), Some(1));
        store.remove(again);
        assert_eq!(store.find("a1"), None);
        let third = store.insert(record(1, 45)).unwrap();
        store.pop();
        assert_eq!(store.find("a1"), None);
        assert_eq!(store.find("a2"), Some(1));
        assert_eq!(store.next_seq(), third);
    }

    #[test]
    fn compaction_keeps_the_order_and_the_ids() {
        let mut store = Appointments::default();
        for n in 1..=3000 {
            store.insert(record(n, n as i64));
        }
        for seq in 0..2500 {
            store.remove(seq);
        }
        assert!(store.wants_compaction());
        let renumbered = store.compact();
        assert_eq!(renumbered.get(2500), Some(&0));
        assert_eq!(renumbered.get(10), Some(&Seq::MAX));
        assert_eq!(store.live(), 500);
        assert_eq!(store.find("a2501"), Some(0));
        assert_eq!(store.find("a3000"), Some(499));
        assert_eq!(store.find("a10"), None);
        let starts: Vec<i64> = store
            .iter()
            .map(|(_, r)| r.start.minutes_since(LocalDateTime::MIN))
            .collect();
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn pop_undoes_insert() {
        let mut store = Appointments::default();
        store.insert(record(1, 0));
        let mut named = record(0, 15);
        named.extra_mut().id = Some("x".into());
        named.extra_mut().request_id = Some("r".into());
        store.insert(named);
        store.pop();
        assert_eq!(store.find("x"), None);
        assert_eq!(store.find_request("r"), None);
        store.pop();
        assert_eq!(store.find("a1"), None);
        assert_eq!(store.live(), 0);
        assert_eq!(store.next_seq(), 0);
    }
}
