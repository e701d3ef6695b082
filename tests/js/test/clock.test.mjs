// The hospital's clock and the questions the README answers about it (its "The clock" section):
// which calls move the clock, what happens to a hold whose expiry is already behind it, which
// appointment `conflictingAppointmentId` names when several are in the way, and what a retry
// with a known `requestId` returns once the first appointment was cancelled or has lapsed. Each
// statement of that section is pinned here.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hospital, HospitalError } from "dr-schedule";
import { thrown } from "./fixture.mjs";

const FRIDAYS = [{ days: ["fri"], start: "09:00", end: "17:00" }];

/** The hospital's clock: the `lastNow` its snapshot keeps. */
const clockOf = (h) => JSON.parse(h.toSnapshot()).lastNow;

function make(options = undefined) {
  const h = new Hospital(options);
  h.addDoctor({ name: "Dr. Ada", locations: ["A", "B"], schedule: FRIDAYS });
  h.addDoctor({ name: "Dr. Bo", locations: ["A"], schedule: FRIDAYS });
  h.addDoctor({ name: "Dr. Cy", locations: ["A"], schedule: FRIDAYS });
  return h;
}

describe("which calls move the clock", () => {
  test("a successful book, hold, confirm or reschedule passing a later now moves it to that now", () => {
    const h = make();
    assert.equal(clockOf(h), null, "a new hospital has no clock");
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:00", now: "2019-01-31T09:00" });
    assert.equal(clockOf(h), "2019-01-31T09:00");
    const held = h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:10", ttlMinutes: 60 });
    assert.equal(clockOf(h), "2019-01-31T09:10");
    h.confirm(held.id, { now: "2019-01-31T09:20" });
    assert.equal(clockOf(h), "2019-01-31T09:20");
    h.reschedule("a1", { start: "2019-02-01T11:00", now: "2019-01-31T09:30" });
    assert.equal(clockOf(h), "2019-01-31T09:30");
  });

  test("it never moves back: an earlier now is accepted and leaves it where it is", () => {
    const h = make();
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:00", now: "2019-01-31T10:00" });
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:15", now: "2019-01-31T08:00" });
    assert.equal(clockOf(h), "2019-01-31T10:00");
  });

  test("reads passing a now use it, and move nothing", () => {
    const h = make();
    h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:00", ttlMinutes: 10 });
    const later = "2019-01-31T12:00";
    h.appointments("d1", { now: later });
    h.findAppointments({ doctorId: "d1", now: later });
    h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", now: later });
    h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 5, now: later });
    h.explain({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: later });
    assert.equal(clockOf(h), "2019-01-31T09:00");
    assert.equal(h.getAppointment("a1").status, "held");
  });

  test("a failed call, a requestId retry and a reschedule to where it is move nothing", () => {
    const h = make();
    const request = { doctorId: "d1", location: "A", start: "2019-02-01T09:00", requestId: "r1", now: "2019-01-31T09:00" };
    h.book(request);
    assert.equal(thrown(() => h.book({ doctorId: "d1", location: "B", start: "2019-02-01T09:00", now: "2019-01-31T10:00" })).code, "SLOT_TAKEN");
    assert.equal(clockOf(h), "2019-01-31T09:00");
    h.book({ ...request, now: "2019-01-31T11:00" });
    assert.equal(clockOf(h), "2019-01-31T09:00");
    h.reschedule("a1", { start: "2019-02-01T09:00", now: "2019-01-31T12:00" });
    assert.equal(clockOf(h), "2019-01-31T09:00");
    assert.equal(h.revision, 4);
  });

  test("calls without a now never move it: cancel, updateAppointment and the doctor calls", () => {
    const h = make();
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:00", now: "2019-01-31T09:00" });
    h.updateAppointment("a1", { notes: "n" });
    h.cancel("a1");
    h.updateDoctor("d1", { name: "Dr. Ada L." });
    h.addDoctor({ name: "Dr. Di", locations: ["A"], schedule: [] });
    h.removeDoctor("d4");
    assert.equal(clockOf(h), "2019-01-31T09:00");
  });

  test("the clock is kept in snapshots (lastNow) and replayed from change records", () => {
    const h = make();
    h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:00", ttlMinutes: 10 });
    h.book({ doctorId: "d2", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:30" });
    assert.equal(Hospital.fromSnapshot(h.toSnapshot()).toSnapshot(), h.toSnapshot());
    const replayed = new Hospital();
    replayed.applyChanges(h.changesSince(0));
    assert.equal(clockOf(replayed), "2019-01-31T09:30");
    // The call that moved the clock past the hold expired it, in the replay too.
    assert.equal(replayed.getAppointment("a1").status, "expired");
    assert.equal(replayed.toSnapshot(), h.toSnapshot());
  });

  test("holds lapse against the later of the call's now and the clock", () => {
    const h = make();
    h.book({ doctorId: "d3", location: "A", start: "2019-02-01T09:00", now: "2019-01-31T09:00" });
    const held = h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:00", ttlMinutes: 30 });
    h.book({ doctorId: "d3", location: "A", start: "2019-02-01T09:15", now: "2019-01-31T09:45" });
    // The clock passed it: expired, even for a call passing an earlier now.
    assert.equal(h.getAppointment(held.id).status, "expired");
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:00" }).status, "booked");
  });
});

describe("a hold whose expiry is already behind the clock", () => {
  test("is refused: INVALID_INPUT naming ttlMinutes; nothing changes", () => {
    const h = make();
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:00", now: "2019-01-31T12:00" });
    const before = h.toSnapshot();
    // Made at 11:00 for 30 minutes, it would lapse at 11:30: behind the clock, 12:00. At 12:00 too.
    for (const ttlMinutes of [30, 60]) {
      const error = thrown(() => h.hold({ doctorId: "d2", location: "A", start: "2019-02-01T09:00", now: "2019-01-31T11:00", ttlMinutes }));
      assert.ok(error instanceof HospitalError);
      assert.equal(error.code, "INVALID_INPUT");
      assert.deepEqual(error.details, { field: "ttlMinutes" });
      assert.match(error.message, /12:00/);
      assert.equal(h.toSnapshot(), before);
    }
    // A minute later than the clock it is taken, though its own now is earlier than the clock.
    const held = h.hold({ doctorId: "d2", location: "A", start: "2019-02-01T09:00", now: "2019-01-31T11:00", ttlMinutes: 61 });
    assert.equal(held.holdExpires, "2019-01-31T12:01");
    assert.equal(clockOf(h), "2019-01-31T12:00");
  });
});

describe("which appointment conflictingAppointmentId names when several are in the way", () => {
  test("SLOT_TAKEN names the one that starts latest; explain lists each, latest first", () => {
    const h = make();
    for (const start of ["10:00", "10:15", "10:30"]) h.book({ doctorId: "d1", location: "A", start: `2019-02-01T${start}` });
    const error = thrown(() => h.book({ doctorId: "d1", location: "B", start: "2019-02-01T10:00", durationMinutes: 45 }));
    assert.deepEqual([error.code, error.details], ["SLOT_TAKEN", { conflictingAppointmentId: "a3" }]);
    assert.deepEqual(
      h.explain({ doctorId: "d1", location: "B", start: "2019-02-01T10:00", durationMinutes: 45 }).map((p) => p.details.conflictingAppointmentId),
      ["a3", "a2", "a1"],
    );
    // A live hold counts like a booking, and the order they were made in does not matter.
    h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T09:45", now: "2019-01-31T09:00", ttlMinutes: 60 });
    assert.deepEqual(thrown(() => h.book({ doctorId: "d1", location: "B", start: "2019-02-01T09:30", durationMinutes: 30 })).details, { conflictingAppointmentId: "a4" });
    assert.deepEqual(thrown(() => h.book({ doctorId: "d1", location: "B", start: "2019-02-01T09:45", durationMinutes: 30 })).details, { conflictingAppointmentId: "a1" });
  });

  test("PATIENT_BUSY names the patient's appointment that starts latest", () => {
    const h = make({ preventPatientOverlap: true });
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", patient: "p" });
    h.book({ doctorId: "d2", location: "A", start: "2019-02-01T10:15", patient: "p" });
    const error = thrown(() => h.book({ doctorId: "d3", location: "A", start: "2019-02-01T10:00", durationMinutes: 30, patient: "p" }));
    assert.deepEqual([error.code, error.details], ["PATIENT_BUSY", { conflictingAppointmentId: "a2", patient: "p" }]);
    assert.deepEqual(
      h.explain({ doctorId: "d3", location: "A", start: "2019-02-01T10:00", durationMinutes: 30, patient: "p" }).map((p) => p.details.conflictingAppointmentId),
      ["a2", "a1"],
    );
  });
});

describe("a requestId retry once the first appointment was cancelled or has lapsed", () => {
  test("a cancelled one: the retry returns it, cancelled, and books nothing", () => {
    const h = make();
    const request = { doctorId: "d1", location: "A", start: "2019-02-01T10:00", patient: "p", requestId: "r1" };
    const first = h.book(request);
    h.cancel(first.id, { reason: "clinic closed" });
    const revision = h.revision;
    const retry = h.book(request);
    assert.deepEqual(retry, { ...first, status: "cancelled", cancelReason: "clinic closed" });
    assert.equal(h.revision, revision);
    assert.equal(h.appointmentCount, 1);
    // The time is free: a new requestId books it.
    assert.equal(h.book({ ...request, requestId: "r2" }).id, "a2");
  });

  test("a lapsed hold: the retry returns it as it is, expired once the clock has passed it, and holds nothing", () => {
    const h = make();
    const request = { doctorId: "d1", location: "A", start: "2019-02-01T10:00", requestId: "h1", now: "2019-01-31T09:00", ttlMinutes: 10 };
    const first = h.hold(request);
    // Retried with a later now, before any call moved the clock: still marked held (its
    // holdExpires says it lapsed), and the retry moves nothing.
    const early = h.hold({ ...request, now: "2019-01-31T09:30" });
    assert.deepEqual(early, first);
    assert.equal(clockOf(h), "2019-01-31T09:00");
    h.book({ doctorId: "d2", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:30" });
    const revision = h.revision;
    const late = h.hold({ ...request, now: "2019-01-31T09:40" });
    assert.deepEqual(late, { ...first, status: "expired" });
    assert.equal(h.revision, revision);
    assert.equal(thrown(() => h.confirm(first.id, { now: "2019-01-31T09:40" })).code, "HOLD_EXPIRED");
  });

  test("the retry is compared with what the first request asked, wherever the appointment is now", () => {
    const h = make();
    const request = { doctorId: "d1", location: "A", start: "2019-02-01T10:00", requestId: "r1" };
    const first = h.book(request);
    h.reschedule(first.id, { start: "2019-02-01T11:00" });
    assert.equal(h.book(request).start, "2019-02-01T11:00");
    assert.equal(thrown(() => h.book({ ...request, start: "2019-02-01T11:00" })).code, "REQUEST_ID_REUSED");
    // A booking's requestId is not a hold's.
    assert.equal(thrown(() => h.hold({ ...request, now: "2019-01-31T09:00", ttlMinutes: 10 })).code, "REQUEST_ID_REUSED");
  });
});
