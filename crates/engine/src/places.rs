//! The hospital's locations, each stored once: a doctor lists locations and every appointment
//! names one, so records hold a number instead of a copy of the address.
//!
//! A location is kept while a doctor lists it or an appointment names it (a reference count),
//! and its number is reused once nothing does. Each number also carries a *stamp* that changes
//! when the number is reused, so that a cache of names by number (the JS binding keeps one) can
//! tell a reused number from the one it knew.

use std::collections::BTreeMap;

/// One location.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    name: Box<str>,
    /// Doctors listing it plus appointments naming it; 0 means free.
    refs: u32,
    stamp: u32,
}

/// The locations, by number and by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Places {
    places: Vec<Place>,
    free: Vec<u32>,
    by_name: BTreeMap<Box<str>, u32>,
    next_stamp: u32,
    /// While set, numbers whose last reference goes are kept (listed in `unreferenced`) rather
    /// than freed: a batch of changes that may be undone must find them where they were.
    deferring: bool,
    unreferenced: Vec<u32>,
}

impl Places {
    /// The number of `name`, taking a reference to it (creating it if new).
    pub(crate) fn acquire(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.by_name.get(name) {
            self.add_ref(id);
            return id;
        }
        self.next_stamp = self.next_stamp.wrapping_add(1);
        let place = Place {
            name: name.into(),
            refs: 1,
            stamp: self.next_stamp,
        };
        let id = match self.free.pop() {
            Some(id) => {
                if let Some(slot) = self.places.get_mut(id as usize) {
                    *slot = place;
                }
                id
            }
            None => {
                self.places.push(place);
                (self.places.len() - 1) as u32
            }
        };
        self.by_name.insert(name.into(), id);
        id
    }

    /// One more reference to `id`.
    pub(crate) fn add_ref(&mut self, id: u32) {
        if let Some(place) = self.places.get_mut(id as usize) {
            place.refs += 1;
        }
    }

    /// One reference fewer to `id`; the number is freed when none is left.
    pub(crate) fn release(&mut self, id: u32) {
        let Some(place) = self.places.get_mut(id as usize) else {
            return;
        };
        place.refs = place.refs.saturating_sub(1);
        if place.refs == 0 {
            if self.deferring {
                self.unreferenced.push(id);
            } else {
                self.by_name.remove(&place.name);
                place.name = Box::default();
                self.free.push(id);
            }
        }
    }

    /// Keeps unreferenced numbers (see `deferring`) until [`Places::stop_deferring`].
    pub(crate) fn defer_frees(&mut self) {
        self.deferring = true;
    }

    /// Frees the numbers that lost their last reference while deferring and still have none.
    pub(crate) fn stop_deferring(&mut self) {
        self.deferring = false;
        for id in std::mem::take(&mut self.unreferenced) {
            if let Some(place) = self.places.get_mut(id as usize) {
                if place.refs == 0 && !place.name.is_empty() {
                    self.by_name.remove(&place.name);
                    place.name = Box::default();
                    self.free.push(id);
                }
            }
        }
    }

    /// The number of `name`, if some doctor or appointment uses it.
    pub(crate) fn find(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }

    /// The name of `id` (empty for a free number).
    pub(crate) fn name(&self, id: u32) -> &str {
        self.places.get(id as usize).map_or("", |p| &p.name)
    }

    /// The stamp of `id`: different for every location that ever held the number.
    pub(crate) fn stamp(&self, id: u32) -> u32 {
        self.places.get(id as usize).map_or(0, |p| p.stamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_lives_while_it_is_referenced() {
        let mut places = Places::default();
        let main = places.acquire("1 Main St");
        assert_eq!(places.acquire("1 Main St"), main);
        let elm = places.acquire("9 Elm Ave");
        assert_ne!(main, elm);
        assert_eq!(places.name(elm), "9 Elm Ave");
        let stamp = places.stamp(main);
        places.release(main);
        assert_eq!(places.find("1 Main St"), Some(main));
        places.release(main);
        assert_eq!(places.find("1 Main St"), None);
        let oak = places.acquire("22 Oak Rd");
        assert_eq!(oak, main, "the number is reused");
        assert_ne!(places.stamp(oak), stamp, "with a new stamp");
        assert_eq!(places.name(oak), "22 Oak Rd");
    }
}
