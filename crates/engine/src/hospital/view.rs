//! Appointments as the API shows them, read in place: [`AppointmentView`] borrows the compact
//! record and the hospital's tables, so that returning an appointment copies nothing. Turn one
//! into an owned [`Appointment`] with [`AppointmentView::to_appointment`].

use super::Hospital;
use crate::appointment::{Appointment, AppointmentId, AppointmentStatus, PreviousTime};
use crate::json::{self, Fields, WriteJson};
use crate::store::{Record, Requested, Seq, Status};
use crate::time::{LocalDateTime, Moment};
use crate::zone::ZoneRules;
use crate::zoned;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// One appointment of a hospital, as the API returns it, without copying it.
#[derive(Clone, Copy)]
pub struct AppointmentView<'a> {
    hospital: &'a Hospital,
    seq: Seq,
    record: &'a Record,
}

impl<'a> AppointmentView<'a> {
    /// The appointment's fields, for the JSON writer (`json.rs`).
    pub(crate) fn fields(&self) -> Fields<'a> {
        let v = self;
        Fields {
            id: v.id(),
            doctor_id: v.doctor_id(),
            location: v.location(),
            start: v.start(),
            end: v.end(),
            start_utc: v.start_utc(),
            end_utc: v.end_utc(),
            duration: v.duration_minutes(),
            patient: v.patient(),
            request_id: v.request_id(),
            status: v.status(),
            hold_expires: v.hold_expires(),
            rescheduled_from: v.rescheduled_from(),
            cancel_reason: v.cancel_reason(),
            notes: v.notes(),
            metadata: v.metadata(),
            created_at: v.created_at(),
            updated_at: v.updated_at(),
            requested: None,
        }
    }

    pub(super) fn new(hospital: &'a Hospital, seq: Seq, record: &'a Record) -> Self {
        AppointmentView {
            hospital,
            seq,
            record,
        }
    }

    /// The id.
    #[inline]
    pub fn id(&self) -> AppointmentId<'a> {
        match self.record.extra.as_ref().and_then(|e| e.id.as_deref()) {
            Some(id) if self.record.number == 0 => AppointmentId::Named(id),
            _ => AppointmentId::Assigned(self.record.number),
        }
    }

    /// The doctor's id.
    #[inline]
    pub fn doctor_id(&self) -> &'a str {
        self.hospital
            .doctors
            .get(self.record.doctor)
            .map_or("", |s| s.doctor.id.as_str())
    }

    /// The location.
    #[inline]
    pub fn location(&self) -> &'a str {
        self.hospital.places.name(self.record.place)
    }

    /// The zone of its location (none in a hospital of floating wall-clock times).
    #[inline]
    pub(crate) fn zone(&self) -> Option<&'a ZoneRules> {
        self.hospital.zones.at(self.location())
    }

    /// First minute: the wall clock at its location.
    #[inline]
    pub fn start(&self) -> LocalDateTime {
        zoned::wall(self.zone(), self.record.start)
    }

    /// Exclusive end: the wall clock at its location, `durationMinutes` of real time after the
    /// start.
    #[inline]
    pub fn end(&self) -> LocalDateTime {
        zoned::wall(self.zone(), self.record.end())
    }

    /// The start as the engine counts it (UTC in a hospital with a time zone).
    pub fn engine_start(&self) -> LocalDateTime {
        self.record.start
    }

    /// The start as an instant, in a hospital with a time zone.
    #[inline]
    pub fn start_utc(&self) -> Option<Moment> {
        self.zone().map(|_| Moment::at(self.record.start, 0))
    }

    /// The end as an instant, in a hospital with a time zone.
    #[inline]
    pub fn end_utc(&self) -> Option<Moment> {
        self.zone().map(|_| Moment::at(self.record.end(), 0))
    }

    /// The start as a snapshot writes it: the wall clock, with its offset in a hospital with a
    /// time zone.
    pub(crate) fn placed_start(&self) -> Moment {
        zoned::placed(self.zone(), self.record.start)
    }

    /// The `now` of the call that created it.
    #[inline]
    pub fn created_at(&self) -> Option<Moment> {
        let t = self.record.extra.as_ref()?.created_at?;
        Some(self.hospital.zones.stamp(t))
    }

    /// The `now` of the latest call that changed it and passed one.
    #[inline]
    pub fn updated_at(&self) -> Option<Moment> {
        let t = self.record.extra.as_ref()?.updated_at?;
        Some(self.hospital.zones.stamp(t))
    }

    /// Length in minutes.
    pub fn duration_minutes(&self) -> u32 {
        u32::from(self.record.duration)
    }

    /// The host's reference to the patient.
    pub fn patient(&self) -> Option<&'a str> {
        self.record.patient.as_deref()
    }

    /// The request id it was made with.
    pub fn request_id(&self) -> Option<&'a str> {
        self.record
            .extra
            .as_ref()
            .and_then(|e| e.request_id.as_deref())
    }

    /// Booked, held, cancelled or expired.
    pub fn status(&self) -> AppointmentStatus {
        match self.record.status {
            Status::Held => AppointmentStatus::Held,
            Status::Cancelled => AppointmentStatus::Cancelled,
            Status::Expired => AppointmentStatus::Expired,
            Status::Booked | Status::Gone => AppointmentStatus::Booked,
        }
    }

    /// When a hold lapses (or, for an expired one, lapsed): an instant (UTC) in a hospital
    /// with a time zone.
    pub fn hold_expires(&self) -> Option<Moment> {
        self.record
            .hold_expires()
            .map(|t| self.hospital.zones.stamp(t))
    }

    /// Where and when it was before each move, oldest first (the wall clock there, and the
    /// instants in a hospital with a time zone).
    pub fn rescheduled_from(&self) -> Cow<'a, [PreviousTime]> {
        let trace = self
            .record
            .extra
            .as_ref()
            .map_or(&[][..], |e| e.rescheduled_from.as_slice());
        zoned::shown_trace(&self.hospital.zones, trace)
    }

    /// Why it was cancelled.
    pub fn cancel_reason(&self) -> Option<&'a str> {
        self.record
            .extra
            .as_ref()
            .and_then(|e| e.cancel_reason.as_deref())
    }

    /// Notes for people.
    pub fn notes(&self) -> Option<&'a str> {
        self.record.extra.as_ref().and_then(|e| e.notes.as_deref())
    }

    /// Metadata: a JSON object, as compact JSON text.
    pub fn metadata(&self) -> Option<&'a str> {
        self.record
            .extra
            .as_ref()
            .and_then(|e| e.metadata.as_deref())
    }

    /// What the request that created it asked for, once the appointment no longer looks like
    /// it (booking rule 0; kept in snapshots, not shown by the API).
    pub(crate) fn requested(&self) -> Option<&'a Requested> {
        self.record
            .extra
            .as_ref()
            .and_then(|e| e.requested.as_deref())
    }

    /// Numbers for caches of the binding, each stable while what it stands for is: the
    /// appointment's place in the store, its doctor's key and stamp, its location's number and
    /// stamp. A key or number is reused only with a different stamp.
    pub fn handles(&self) -> Handles {
        let doctor = self.hospital.doctors.get(self.record.doctor);
        Handles {
            appointment: self.seq,
            doctor: self.record.doctor,
            doctor_stamp: doctor.map_or(0, |s| s.stamp),
            location: self.record.place,
            location_stamp: self.hospital.places.stamp(self.record.place),
        }
    }

    /// The appointment as an owned value.
    pub fn to_appointment(&self) -> Appointment {
        Appointment {
            id: self.id().to_string(),
            doctor_id: self.doctor_id().to_owned(),
            location: self.location().to_owned(),
            start: self.start(),
            end: self.end(),
            start_utc: self.start_utc(),
            end_utc: self.end_utc(),
            duration_minutes: self.duration_minutes(),
            patient: self.patient().map(str::to_owned),
            request_id: self.request_id().map(str::to_owned),
            status: self.status(),
            hold_expires: self.hold_expires(),
            rescheduled_from: self.rescheduled_from().into_owned(),
            cancel_reason: self.cancel_reason().map(str::to_owned),
            notes: self.notes().map(str::to_owned),
            metadata: self
                .metadata()
                .map(|m| crate::metadata::Metadata::from_canonical(m.to_owned())),
            created_at: self.created_at(),
            updated_at: self.updated_at(),
        }
    }
}

/// See [`AppointmentView::handles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handles {
    /// The appointment's place in the store.
    pub appointment: u32,
    /// Its doctor's key.
    pub doctor: u32,
    /// Different for every doctor that ever held the key.
    pub doctor_stamp: u32,
    /// Its location's number.
    pub location: u32,
    /// Different for every location that ever held the number.
    pub location_stamp: u32,
}

impl fmt::Debug for AppointmentView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_appointment(), f)
    }
}

impl Serialize for AppointmentView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_appointment().serialize(serializer)
    }
}

impl PartialEq<Appointment> for AppointmentView<'_> {
    fn eq(&self, other: &Appointment) -> bool {
        self.to_appointment() == *other
    }
}

impl WriteJson for AppointmentView<'_> {
    fn write_json(&self, out: &mut String) {
        json::write_fields(out, &self.fields());
    }
}
