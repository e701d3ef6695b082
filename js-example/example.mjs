// A walk through dr-schedule: create a hospital, add doctors, book, list, cancel, see a booking
// refused with its error code, take a snapshot and restore it.
//
//   node example.mjs        (after ../scripts/build.sh has built ../pkg)
import { Hospital } from "dr-schedule";

const show = (label, value) => console.log(`${label}:`, JSON.stringify(value));

// Times are hospital-local wall clock; slots are 15 minutes unless you say otherwise.
const hospital = new Hospital({ slotMinutes: 15, timeZone: "America/New_York" });

const ada = hospital.addDoctor({
  name: "Dr. Ada Lovelace",
  locations: ["1 Main St", "9 Elm Ave"],
  schedule: [
    { days: ["mon", "wed", "fri"], start: "09:00", end: "12:00" },
    { days: ["mon", "wed", "fri"], start: "12:00", end: "17:00" }, // touching rules merge
  ],
});
const grace = hospital.addDoctor({
  id: "grace",
  name: "Dr. Grace Hopper",
  locations: ["9 Elm Ave"],
  schedule: [{ days: ["tue", "thu"], start: "08:00", end: "14:00" }],
});
show("doctors", hospital.listDoctors().map((d) => `${d.id} ${d.name}`));

// 2019-02-01 is a Friday.
const first = hospital.book({ doctorId: ada.id, location: "1 Main St", start: "2019-02-01T11:00", patient: "p-100" });
show("booked", first);
const second = hospital.book({
  doctorId: ada.id,
  location: "9 Elm Ave",
  start: "2019-02-01T11:15", // back to back with the first one, at her other location
  durationMinutes: 30,
  requestId: "req-7",
});
show("booked", second);
hospital.book({ doctorId: grace.id, location: "9 Elm Ave", start: "2019-02-05T08:00" });

// A doctor is never in two places at once.
try {
  hospital.book({ doctorId: ada.id, location: "9 Elm Ave", start: "2019-02-01T11:00" });
} catch (error) {
  console.log(`refused: ${error.name} ${error.code} ${JSON.stringify(error.details)}`);
}
// Outside hours, off the grid: each refusal has its own code.
for (const start of ["2019-02-01T17:00", "2019-02-01T09:05"]) {
  try {
    hospital.book({ doctorId: ada.id, location: "1 Main St", start });
  } catch (error) {
    console.log(`refused ${start}: ${error.code} (${error.message})`);
  }
}

// Retrying with the same requestId returns the same appointment instead of booking twice.
const retry = hospital.book({
  doctorId: ada.id,
  location: "9 Elm Ave",
  start: "2019-02-01T11:15",
  durationMinutes: 30,
  requestId: "req-7",
});
console.log(`retry returned the same appointment: ${retry.id === second.id}`);

show(
  "Ada's Friday",
  hospital.appointments(ada.id, { from: "2019-02-01", to: "2019-02-01" }).map((a) => `${a.start}-${a.end.slice(11)} ${a.location}`),
);
show("free from 11:00", hospital.availableSlots(ada.id, { from: "2019-02-01T11:00", to: "2019-02-01", limit: 3 }));

const cancelled = hospital.cancel(first.id, { reason: "patient called" });
show("cancelled", { id: cancelled.id, status: cancelled.status, cancelReason: cancelled.cancelReason });
show("free from 11:00", hospital.availableSlots(ada.id, { from: "2019-02-01T11:00", to: "2019-02-01", limit: 3 }));
show("history", hospital.appointments(ada.id, { status: "all" }).map((a) => `${a.id} ${a.status}`));

// The host persists the hospital as JSON text and restores it later, byte for byte.
const snapshot = hospital.toSnapshot();
console.log(`snapshot: ${snapshot.length} bytes at revision ${hospital.revision}`);
const restored = Hospital.fromSnapshot(snapshot);
console.log(`restored: revision ${restored.revision}, identical snapshot: ${restored.toSnapshot() === snapshot}`);
show("restored Ada's bookings", restored.appointments(ada.id).map((a) => a.id));
