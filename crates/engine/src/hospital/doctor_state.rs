//! What the hospital keeps per doctor: the doctor, the hours derived from the profile (so
//! booking checks need no merging), the numbers of the doctor's locations and the calendar of
//! the doctor's appointments; and the doctors themselves, by key, by id and in the order they
//! were added.

use crate::calendar::Calendar;
use crate::doctor::Doctor;
use crate::hours::Availability;
use std::collections::BTreeMap;

/// A doctor with what the hospital keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DoctorState {
    /// The doctor as the API returns it.
    pub(crate) doctor: Doctor,
    /// When and where the doctor works, derived from `doctor`.
    pub(crate) hours: Availability,
    /// The location number ([`Places`](crate::places::Places)) of each of `doctor.locations`.
    pub(crate) places: Vec<u32>,
    /// The doctor's appointments, ordered by start.
    pub(crate) calendar: Calendar,
    /// Different for every doctor ever added (keys are reused, stamps are not): lets a cache of
    /// doctor ids by key tell a new doctor from a removed one.
    pub(crate) stamp: u32,
    /// The length of the doctor's line in a snapshot, in bytes.
    pub(crate) snapshot_bytes: u64,
    /// When the doctor was added, among all doctors ever added: the order of `listDoctors`.
    order: u64,
}

impl DoctorState {
    /// The number of the doctor's location `location`, if the doctor works there.
    pub(crate) fn place_of(&self, location: &str) -> Option<(usize, u32)> {
        let index = self.doctor.location_index(location)?;
        self.places.get(index).map(|&place| (index, place))
    }
}

/// The doctors: each under a key (reused after a removal), by id, and in the order they were
/// added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Doctors {
    slots: Vec<Option<DoctorState>>,
    free: Vec<u32>,
    /// (Insertion number, key), sorted: the order of `listDoctors` and of ties in `findSlots`.
    /// A sorted list, not a map: doctors are few, and it keeps the wasm small.
    order: Vec<(u64, u32)>,
    /// Doctor id → key.
    ids: BTreeMap<Box<str>, u32>,
    next_order: u64,
    next_stamp: u32,
}

impl Doctors {
    /// How many doctors there are.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The key of the doctor with this id.
    pub(crate) fn key_of(&self, id: &str) -> Option<u32> {
        self.ids.get(id).copied()
    }

    pub(crate) fn get(&self, key: u32) -> Option<&DoctorState> {
        self.slots.get(key as usize).and_then(Option::as_ref)
    }

    pub(crate) fn get_mut(&mut self, key: u32) -> Option<&mut DoctorState> {
        self.slots.get_mut(key as usize).and_then(Option::as_mut)
    }

    /// Every doctor, in the order they were added, with its key.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &DoctorState)> + '_ {
        self.order
            .iter()
            .filter_map(|&(_, key)| Some((key, self.get(key)?)))
    }

    /// Adds a doctor (whose id is not taken); returns its key.
    pub(crate) fn insert(
        &mut self,
        doctor: Doctor,
        hours: Availability,
        places: Vec<u32>,
        snapshot_bytes: u64,
    ) -> u32 {
        self.next_stamp = self.next_stamp.wrapping_add(1);
        let order = self.next_order;
        self.next_order += 1;
        let id: Box<str> = doctor.id.as_str().into();
        let state = DoctorState {
            doctor,
            hours,
            places,
            calendar: Calendar::default(),
            stamp: self.next_stamp,
            snapshot_bytes,
            order,
        };
        let key = match self.free.pop() {
            Some(key) => {
                if let Some(slot) = self.slots.get_mut(key as usize) {
                    *slot = Some(state);
                }
                key
            }
            None => {
                self.slots.push(Some(state));
                (self.slots.len() - 1) as u32
            }
        };
        // Insertion numbers only grow: the new doctor goes last.
        self.order.push((order, key));
        self.ids.insert(id, key);
        key
    }

    /// Removes the doctor under `key` and returns it (to put it back in its place with
    /// [`Doctors::restore`], undoing this).
    pub(crate) fn remove(&mut self, key: u32) -> Option<DoctorState> {
        let state = self.slots.get_mut(key as usize)?.take()?;
        self.ids.remove(state.doctor.id.as_str());
        if let Ok(at) = self.order.binary_search(&(state.order, key)) {
            self.order.remove(at);
        }
        self.free.push(key);
        Some(state)
    }

    /// Puts back a doctor [`Doctors::remove`] took out, under the same key and in the same
    /// place.
    pub(crate) fn restore(&mut self, key: u32, state: DoctorState) {
        if let Some(slot) = self.slots.get_mut(key as usize) {
            self.free.retain(|&k| k != key);
            if let Err(at) = self.order.binary_search(&(state.order, key)) {
                self.order.insert(at, (state.order, key));
            }
            self.ids.insert(state.doctor.id.as_str().into(), key);
            *slot = Some(state);
        }
    }

    /// Forgets the doctor added last (undoing [`Doctors::insert`]).
    pub(crate) fn pop_last(&mut self) {
        if let Some((order, key)) = self.order.pop() {
            if let Some(state) = self.slots.get_mut(key as usize).and_then(Option::take) {
                self.ids.remove(state.doctor.id.as_str());
            }
            self.free.push(key);
            self.next_order = order;
        }
    }
}
