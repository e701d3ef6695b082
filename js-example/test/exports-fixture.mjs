// What the export routes' tests of both servers share (test/server/exports.test.mjs,
// test/worker/exports.test.mjs): a New York hospital with appointments on both 2025 changes of
// the clocks, and the checks of what a route answers: the iCalendar parsed back with ical.js
// and compared field by field with the hospital's appointments, the FHIR Bundle validated with
// the `fhir` package's R4 validator.
import assert from "node:assert/strict";
import ICAL from "ical.js";
import { Fhir } from "fhir";
import { Hospital } from "dr-schedule";

const fhir = new Fhir();

export const DOCTOR = "night_1";
export const MAIN = "Main St, Suite 4; East \\ wing";
const NOTES = "Bring the referral; fasting, no coffee.\nSecond line: é, 😀, and a long text that must be folded at 75 octets, never inside a character";

/** A New York hospital (Chicago for one location): a 60-minute visit across the spring gap, one moved twice in the repeated hour, a cancelled one, a hold. */
export function newYork() {
  const h = new Hospital({ slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "America/New_York", locationTimeZones: { Chicago: "America/Chicago" } });
  h.addDoctor({ id: DOCTOR, name: "Dr. Night", locations: [MAIN, "Chicago"], schedule: [{ days: ["sun"], start: "00:00", end: "06:00" }] });
  h.book({ id: "spring", doctorId: DOCTOR, location: MAIN, start: "2025-03-09T01:30", durationMinutes: 60, patient: "p,1", now: "2025-03-01T09:00" });
  h.book({ id: "moved", doctorId: DOCTOR, location: MAIN, start: "2025-11-02T01:30:00-04:00", notes: NOTES, now: "2025-10-01T12:00:00Z" });
  h.reschedule("moved", { start: "2025-11-02T01:30:00-05:00", now: "2025-10-02T12:00:00Z" });
  h.reschedule("moved", { start: "2025-11-02T01:00:00-05:00", now: "2025-10-02T13:00:00Z" });
  h.book({ id: "cancelled", doctorId: DOCTOR, location: "Chicago", start: "2025-11-02T01:00:00-06:00", now: "2025-10-03T12:00:00Z" });
  h.cancel("cancelled", { reason: "ill; sorry", now: "2025-10-04T12:00:00Z" });
  h.hold({ id: "held", doctorId: DOCTOR, location: MAIN, start: "2025-11-02T03:00", now: "2025-10-30T01:00", ttlMinutes: 10080 });
  return h;
}

/** The SEQUENCE each appointment of newYork() must have: one per reschedule and for the cancellation. */
export const SEQUENCES = Object.freeze({ spring: 0, moved: 2, cancelled: 1, held: 0 });

/**
 * Checks an iCalendar text against `appointments` (the hospital's, every status, over the same
 * window): one VEVENT each, parsed back by ical.js, UID, SEQUENCE, STATUS, DTSTART/DTEND (UTC
 * instants when `zoned`, else floating), DTSTAMP, LOCATION and notes as the appointment has them.
 */
export function checkCalendar(text, appointments, { zoned = true, domain = "dr-schedule", name } = {}) {
  assert.ok(text.startsWith("BEGIN:VCALENDAR\r\n") && text.endsWith("END:VCALENDAR\r\n"), text.slice(0, 200));
  for (const line of text.split("\r\n")) assert.ok(new TextEncoder().encode(line).length <= 75, line);
  const calendar = new ICAL.Component(ICAL.parse(text));
  if (name !== undefined) assert.equal(calendar.getFirstPropertyValue("x-wr-calname"), name);
  const events = calendar.getAllSubcomponents("vevent").map((component) => ({ component, event: new ICAL.Event(component) }));
  assert.equal(events.length, appointments.length);
  assert.ok(appointments.length > 0, "an empty calendar proves nothing");
  for (const a of appointments) {
    const found = events.find(({ event }) => event.uid === `${a.id}@${domain}`);
    assert.ok(found, `no VEVENT for ${a.id}`);
    const { component, event } = found;
    if (zoned) {
      assert.equal(event.startDate.zone.tzid, "UTC");
      assert.equal(event.startDate.toJSDate().toISOString(), new Date(a.startUtc).toISOString(), `${a.id} DTSTART`);
      assert.equal(event.endDate.toJSDate().toISOString(), new Date(a.endUtc).toISOString(), `${a.id} DTEND`);
      if (a.updatedAt !== undefined) assert.equal(component.getFirstPropertyValue("dtstamp").toJSDate().toISOString(), new Date(a.updatedAt).toISOString(), `${a.id} DTSTAMP`);
    } else {
      assert.equal(event.startDate.zone.tzid, "floating");
      assert.equal(event.startDate.toString().slice(0, 16), a.start, `${a.id} DTSTART`);
      assert.equal(event.endDate.toString().slice(0, 16), a.end, `${a.id} DTEND`);
    }
    assert.equal(event.location, a.location);
    assert.equal(component.getFirstPropertyValue("status"), { booked: "CONFIRMED", held: "TENTATIVE", cancelled: "CANCELLED", expired: "CANCELLED" }[a.status]);
    assert.equal(event.description ?? undefined, a.notes);
    assert.equal(event.sequence, (a.rescheduledFrom?.length ?? 0) + (a.status === "cancelled" ? 1 : 0), `${a.id} SEQUENCE`);
  }
  return events;
}

/** Validates a Bundle with the R4 validator, as a whole and resource by resource; returns the resources by type. */
export function checkBundle(bundle, appointments) {
  assert.equal(bundle.resourceType, "Bundle");
  assert.equal(bundle.type, "collection");
  const result = fhir.validate(bundle);
  assert.equal(result.valid, true, JSON.stringify(result.messages?.filter((m) => m.severity === "error").slice(0, 5)));
  const byType = {};
  for (const { resource } of bundle.entry) {
    const one = fhir.validate(resource);
    assert.equal(one.valid, true, `${resource.resourceType}/${resource.id}: ${JSON.stringify(one.messages?.filter((m) => m.severity === "error").slice(0, 5))}`);
    (byType[resource.resourceType] ??= []).push(resource);
  }
  assert.ok(byType.Schedule?.length >= 1, "a Schedule");
  assert.equal(byType.Appointment?.length ?? 0, appointments.length);
  const status = { booked: "booked", held: "pending", cancelled: "cancelled", expired: "cancelled" };
  for (const a of appointments) {
    const found = byType.Appointment.find((r) => r.start === a.startUtc && r.end === a.endUtc && r.status === status[a.status]);
    assert.ok(found, `no Appointment for ${a.id} (${a.startUtc}, ${a.status})`);
  }
  // A known-invalid resource fails the same validator: it is not a validator that passes anything.
  assert.equal(fhir.validate({ resourceType: "Appointment", status: "not-a-status", participant: [] }).valid, false);
  return byType;
}
