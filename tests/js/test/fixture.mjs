// A small hospital shared by the tests: doctor d1 works Fridays 09:00-17:00 at "A" and "B"
// (2019-02-01 is a Friday); a1 is booked at 11:00 with requestId r1; a2 was booked at 12:00 and
// cancelled.
import { Hospital } from "dr-schedule";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
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

/** The golden snapshot fixture of format `version` (1, 2, …), as text. */
export function goldenSnapshot(version) {
  return readFileSync(new URL(`../../fixtures/snapshot-v${version}.json`, import.meta.url), "utf8");
}

/**
 * A snapshot object (JSON.parse of a snapshot) written back as text the way the package writes
 * format 3: the header on the first line, then one doctor and one appointment row per line. The
 * package reads a text that begins as its own do line by line, so an edited snapshot must keep
 * that layout to reach the checks of its content. A snapshot whose `doctors` or `appointments`
 * is not an array cannot be laid out: it is written with `version` first, which the package
 * reads whole.
 */
export function snapshotText(snapshot) {
  const { doctors, appointments, ...header } = snapshot;
  if (!Array.isArray(doctors) || !Array.isArray(appointments)) {
    const { version, ...rest } = snapshot;
    return JSON.stringify({ version, ...rest });
  }
  const lines = [`${JSON.stringify(header).slice(0, -1)},"doctors":[`];
  doctors.forEach((doctor, i) => lines.push(`${i > 0 ? "," : ""}${JSON.stringify(doctor)}`));
  lines.push('],"appointments":[');
  appointments.forEach((row, i) => lines.push(`${i > 0 ? "," : ""}${JSON.stringify(row)}`));
  lines.push("]}");
  return lines.join("\n");
}

/** The items of an appointment row of a format 3 snapshot, by name. */
export const ROW = { id: 0, doctorId: 1, location: 2, start: 3, durationMinutes: 4, status: 5, patient: 6, extras: 7 };

/**
 * An appointment as the API returns it, from a row of a format 3 snapshot (without `requested`,
 * which only snapshots keep: what a request with a request id asked for).
 */
export function rowAppointment(row) {
  const [id, doctorId, location, start, durationMinutes, status, patient, extras = {}] = row;
  const end = new Date(Date.parse(`${start}Z`) + durationMinutes * 60_000).toISOString().slice(0, 16);
  const { requested, rescheduledFrom, ...rest } = extras;
  const { requestId, holdExpires, cancelReason, notes, metadata } = rest;
  const appointment = { id, doctorId, location, start, end, durationMinutes };
  if (patient !== null) appointment.patient = patient;
  if (requestId !== undefined) appointment.requestId = requestId;
  appointment.status = status;
  if (holdExpires !== undefined) appointment.holdExpires = holdExpires;
  if (rescheduledFrom !== undefined) appointment.rescheduledFrom = rescheduledFrom;
  if (cancelReason !== undefined) appointment.cancelReason = cancelReason;
  if (notes !== undefined) appointment.notes = notes;
  if (metadata !== undefined) appointment.metadata = metadata;
  return appointment;
}

/**
 * Words of Rust and serde that a message must not use (the caller thinks in JavaScript): type
 * names such as u32 or Option, and serde's "sequence", "variant", "struct".
 */
export const RUST_WORDS = /\b(?:[ui](?:8|16|32|64|128|size)|f32|f64|sequence|variant|struct|tuple|newtype|serde|Option|Vec|Box|bool|char)\b/;

/** Fails if `message` uses a word of Rust (RUST_WORDS). */
export function assertJavaScriptWords(message, label = "") {
  const found = RUST_WORDS.exec(message);
  if (found) throw new Error(`${label}${label ? ": " : ""}the message uses the Rust word "${found[0]}": ${message.slice(0, 300)}`);
}
