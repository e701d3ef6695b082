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

/** The path of a file of the installed package (only what its `exports` map lists resolves by name). */
export function packageFile(name) {
  return join(dirname(createRequire(import.meta.url).resolve("dr-schedule/package.json")), name);
}
