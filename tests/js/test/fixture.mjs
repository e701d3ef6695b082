// A small hospital shared by the tests: doctor d1 works Fridays 09:00-17:00 at "A" and "B"
// (2019-02-01 is a Friday); a1 is booked at 11:00 with requestId r1; a2 was booked at 12:00 and
// cancelled.
import { Hospital } from "dr-schedule";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export function smallHospital() {
  const h = new Hospital();
  h.addDoctor({ name: "Dr. Ada", locations: ["A", "B"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
  h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00", requestId: "r1", patient: "p1" });
  h.book({ doctorId: "d1", location: "B", start: "2019-02-01T12:00" });
  h.cancel("a2");
  return h;
}

/** Calls `fn` and returns what it threw; fails the test if it did not throw. */
export function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

/** The `now` of every call that `timedHospital` made: the day before that Friday. */
export const NOW = "2019-01-31T09:00";

/**
 * A hospital with every time rule on: 60 minutes' notice, a 30-day horizon and no overlapping
 * appointments per patient. d1 works Fridays 09:00-17:00 at "A" and "B", d2 Fridays 09:00-17:00
 * at "B". a1 is d1's booking at 11:00 for patient p1; a2 is a hold on d1 at 13:00 that lapses at
 * 09:10 on NOW's day. Every call passed `now: NOW`.
 */
export function timedHospital() {
  const h = new Hospital({ minNoticeMinutes: 60, horizonDays: 30, preventPatientOverlap: true });
  const fridays = [{ days: ["fri"], start: "09:00", end: "17:00" }];
  h.addDoctor({ name: "Dr. Ada", locations: ["A", "B"], schedule: fridays });
  h.addDoctor({ name: "Dr. Grace", locations: ["B"], schedule: fridays });
  h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00", patient: "p1", now: NOW });
  h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T13:00", patient: "p2", now: NOW, ttlMinutes: 10 });
  return h;
}

/** The path of a file of the installed package (only what its `exports` map lists resolves by name). */
export function packageFile(name) {
  return join(dirname(createRequire(import.meta.url).resolve("dr-schedule/package.json")), name);
}
