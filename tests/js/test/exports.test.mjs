// The calendar exports: iCalendar (RFC 5545), parsed back with ical.js, and FHIR R4 Bundles,
// checked with the `fhir` package's R4 validator; across both 2025 changes of the clocks in New York.
import { test } from "node:test";
import assert from "node:assert/strict";
import ICAL from "ical.js";
import { Fhir } from "fhir";
import { Hospital } from "dr-schedule";

const fhir = new Fhir();
const MAIN = "Main St, Suite 4; East \\ wing";
const NOTES = "Bring the referral; fasting, no coffee.\nSecond line: é, 😀, and a long text that must be folded at 75 octets, never inside a character";

/** A New York hospital with appointments on both 2025 changes of the clocks, of every status. */
function newYork() {
  const h = new Hospital({ slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "America/New_York", locationTimeZones: { Chicago: "America/Chicago" } });
  h.addDoctor({ id: "night_1", name: "Dr. Night", locations: [MAIN, "Chicago"], schedule: [{ days: ["sun"], start: "00:00", end: "06:00" }] });
  const spring = h.book({ doctorId: "night_1", location: MAIN, start: "2025-03-09T01:30", durationMinutes: 60, patient: "p,1", now: "2025-03-01T09:00" });
  const moved = h.book({ doctorId: "night_1", location: MAIN, start: "2025-11-02T01:30:00-04:00", notes: NOTES, now: "2025-10-01T12:00:00Z" });
  h.reschedule(moved.id, { start: "2025-11-02T01:30:00-05:00", now: "2025-10-02T12:00:00Z" });
  h.reschedule(moved.id, { start: "2025-11-02T01:00:00-05:00", now: "2025-10-02T13:00:00Z" });
  const cancelled = h.book({ doctorId: "night_1", location: "Chicago", start: "2025-11-02T01:00:00-06:00", now: "2025-10-03T12:00:00Z" });
  h.cancel(cancelled.id, { reason: "ill; sorry", now: "2025-10-04T12:00:00Z" });
  const held = h.hold({ doctorId: "night_1", location: MAIN, start: "2025-11-02T03:00", now: "2025-10-30T01:00", ttlMinutes: 10080 });
  return { h, ids: { spring: spring.id, moved: moved.id, cancelled: cancelled.id, held: held.id } };
}

test("iCalendar: every VEVENT survives ical.js, field for field, across both New York changes", () => {
  const { h, ids } = newYork();
  const text = h.toICalendar("night_1", { from: "2025-01-01", to: "2025-12-31", domain: "clinic.example", name: "Dr. Night on call" });
  // CRLF line ends, and no line longer than 75 octets.
  assert.ok(text.endsWith("\r\n"));
  for (const line of text.split("\r\n")) assert.ok(new TextEncoder().encode(line).length <= 75, line);
  assert.ok(/\r\n /.test(text), "the notes are folded");
  const calendar = new ICAL.Component(ICAL.parse(text));
  assert.equal(calendar.getFirstPropertyValue("x-wr-calname"), "Dr. Night on call");
  const events = calendar.getAllSubcomponents("vevent").map((component) => ({ component, event: new ICAL.Event(component) }));
  const all = h.appointments("night_1", { from: "2025-01-01", to: "2025-12-31", status: "all" });
  assert.equal(events.length, all.length);
  assert.equal(all.length, 4);
  for (const a of all) {
    const found = events.find(({ event }) => event.uid === `${a.id}@clinic.example`);
    assert.ok(found, a.id);
    const { component, event } = found;
    assert.equal(event.startDate.toJSDate().toISOString(), new Date(a.startUtc).toISOString(), `${a.id} DTSTART`);
    assert.equal(event.endDate.toJSDate().toISOString(), new Date(a.endUtc).toISOString(), `${a.id} DTEND`);
    assert.equal(event.startDate.zone.tzid, "UTC");
    assert.equal(event.location, a.location);
    assert.equal(component.getFirstPropertyValue("status"), { booked: "CONFIRMED", held: "TENTATIVE", cancelled: "CANCELLED" }[a.status]);
    assert.equal(component.getFirstPropertyValue("dtstamp").toJSDate().toISOString(), new Date(a.updatedAt).toISOString(), `${a.id} DTSTAMP`);
    assert.equal(event.description ?? undefined, a.notes);
    if (a.cancelReason !== undefined) assert.equal(component.getFirstPropertyValue("comment"), a.cancelReason);
  }
  const sequence = (id) => events.find(({ event }) => event.uid === `${id}@clinic.example`).event.sequence;
  assert.deepEqual([ids.spring, ids.moved, ids.cancelled, ids.held].map(sequence), [0, 2, 1, 0]);
  // The spring appointment: 01:30 EST for 60 real minutes, to 03:30 EDT.
  const spring = events.find(({ event }) => event.uid === `${ids.spring}@clinic.example`).event;
  assert.equal(spring.endDate.subtractDate(spring.startDate).toSeconds(), 3600);
  assert.equal(spring.summary, "Appointment: p,1");
});

test("iCalendar: the same UID and a higher SEQUENCE after each reschedule and the cancellation", () => {
  const { h, ids } = newYork();
  const sequenceNow = () => {
    const text = h.toICalendar("night_1", { from: "2025-11-01", to: "2025-11-03" });
    const event = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent").map((c) => new ICAL.Event(c)).find((e) => e.uid === `${ids.held}@dr-schedule`);
    return [event.sequence, event.component.getFirstPropertyValue("status")];
  };
  assert.deepEqual(sequenceNow(), [0, "TENTATIVE"]);
  h.confirm(ids.held, { now: "2025-10-31T00:00" });
  assert.deepEqual(sequenceNow(), [0, "CONFIRMED"]);
  h.reschedule(ids.held, { start: "2025-11-02T04:00", now: "2025-10-31T00:05" });
  assert.deepEqual(sequenceNow(), [1, "CONFIRMED"]);
  h.cancel(ids.held, { now: "2025-10-31T00:10" });
  assert.deepEqual(sequenceNow(), [2, "CANCELLED"]);
});

test("iCalendar of a hospital without a zone: floating local times", () => {
  const h = new Hospital();
  h.addDoctor({ id: "d1", name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
  h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:00" });
  const text = h.toICalendar("d1", { from: "2019-02-01", to: "2019-02-01" });
  assert.match(text, /\r\nDTSTART:20190201T100000\r\n/);
  const event = new ICAL.Event(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent("vevent"));
  assert.equal(event.startDate.isDate, false);
  assert.equal(event.startDate.zone.tzid, "floating");
  assert.equal(event.startDate.toString(), "2019-02-01T10:00:00");
  assert.throws(() => h.toICalendar("d9", { from: "2019-02-01", to: "2019-02-01" }), { code: "DOCTOR_NOT_FOUND" });
  assert.throws(() => h.toICalendar("d1", { from: "2019-02-01" }), { code: "INVALID_INPUT" });
});

test("FHIR R4: the Bundle and every resource in it pass the R4 validator; statuses as written down", () => {
  const { h, ids } = newYork();
  const bundle = h.toFhirBundle({ from: "2025-11-02", to: "2025-11-02", now: "2025-10-05T00:00:00Z" });
  const result = fhir.validate(bundle);
  assert.deepEqual(result.messages.filter((m) => m.severity === "error"), []);
  assert.equal(result.valid, true);
  for (const { resource } of bundle.entry) {
    const one = fhir.validate(resource);
    assert.equal(one.valid, true, `${resource.resourceType}/${resource.id}: ${JSON.stringify(one.messages)}`);
  }
  const of = (type) => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);
  // A Schedule per doctor and location.
  assert.deepEqual(of("Schedule").map((s) => s.actor[1].display), [MAIN, "Chicago"]);
  // Appointments: booked → booked, held → pending, cancelled → cancelled.
  const status = Object.fromEntries(of("Appointment").map((a) => [a.id, a.status]));
  assert.deepEqual(status, { [ids.moved]: "booked", [ids.cancelled]: "cancelled", [ids.held]: "pending" });
  const moved = of("Appointment").find((a) => a.id === ids.moved);
  assert.deepEqual([moved.start, moved.end, moved.minutesDuration], ["2025-11-02T06:00:00Z", "2025-11-02T06:30:00Z", 30]);
  // Busy slots for the live ones; free slots skip them, both 01:00s of the repeated hour apart.
  const slots = of("Slot");
  assert.deepEqual(slots.filter((s) => s.status !== "free").map((s) => [s.status, s.start]).sort(), [["busy", "2025-11-02T06:00:00Z"], ["busy-tentative", "2025-11-02T08:00:00Z"]]);
  const free = new Set(slots.filter((s) => s.status === "free").map((s) => s.start));
  assert.ok(free.has("2025-11-02T05:00:00Z") && !free.has("2025-11-02T06:00:00Z"), [...free].join(" "));
  assert.equal(new Set(slots.map((s) => s.id)).size, slots.length, "slot ids are unique");
});

test("FHIR ids: distinct ids stay distinct resources, also where escaping and the 64-character limit used to cut them to one", () => {
  const h = new Hospital({ slotMinutes: 15, timeZone: "America/New_York" });
  const allDay = [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "09:00", end: "10:00" }];
  // Each `_` is written `-5f`: 22 of them fill the 64 characters before the last one differs.
  const underscores = "_".repeat(22);
  // 64 characters: the Schedules at its two locations were one id.
  const long = "d".repeat(64);
  // Two doctors alike in their first 44 characters: their free Slots were one id.
  const twinA = `${"t".repeat(50)}-a`;
  const twinB = `${"t".repeat(50)}-b`;
  for (const id of [long, twinA, twinB, `${underscores}x`, `${underscores}y`]) h.addDoctor({ id, name: `Dr. ${id.slice(-2)}`, locations: ["North", "South"], schedule: allDay });
  h.book({ id: `${underscores}a`, doctorId: `${underscores}x`, location: "North", start: "2025-06-02T09:00" });
  h.book({ id: `${underscores}b`, doctorId: `${underscores}y`, location: "North", start: "2025-06-02T09:00" });
  h.book({ id: "a1", doctorId: twinA, location: "South", start: "2025-06-02T09:15" });
  const bundle = h.toFhirBundle({ from: "2025-06-02", to: "2025-06-02" });
  const resources = bundle.entry.map((e) => e.resource);
  assert.equal(fhir.validate(bundle).valid, true);
  for (const type of ["Schedule", "Slot", "Appointment"]) {
    const ids = resources.filter((r) => r.resourceType === type).map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, `${type} ids are unique: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(" ")}`);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9\-.]{1,64}$/);
  }
  // 5 doctors at 2 locations, 4 slots each (9:00-10:00); a booking is a busy Slot at its location
  // and takes the free one at the other.
  assert.equal(resources.filter((r) => r.resourceType === "Schedule").length, 10);
  assert.equal(resources.filter((r) => r.resourceType === "Slot").length, 10 * 4 - 3);
  // Every reference names a resource of the Bundle.
  const present = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
  for (const r of resources) {
    const references = [r.schedule?.reference, ...(r.slot ?? []).map((s) => s.reference)].filter(Boolean);
    for (const reference of references) assert.ok(present.has(reference), `${r.resourceType}/${r.id} names ${reference}`);
  }
  // Ids that fit are the hospital's, as before; the README's example shows them.
  assert.ok(present.has("Appointment/a1") && present.has("Slot/a1-slot"));
  assert.ok(present.has(`Schedule/${"t".repeat(50)}-2da-1`));
  // One that does not fit keeps its start and is the same in every export.
  const again = h.toFhirBundle({ from: "2025-06-02", to: "2025-06-02" });
  assert.deepEqual(again, bundle);
  assert.ok(resources.some((r) => r.resourceType === "Appointment" && r.id.startsWith("-5f-5f") && r.id.length === 64));
});

test("FHIR R4: the validator refuses a known-invalid resource, and a hospital without a zone has no instants", () => {
  const invalid = { resourceType: "Appointment", status: "held", participant: [] };
  const result = fhir.validate(invalid);
  assert.equal(result.valid, false);
  assert.ok(result.messages.some((m) => m.location === "Appointment.status"), JSON.stringify(result.messages));
  const floating = new Hospital();
  assert.throws(() => floating.toFhirBundle({ from: "2019-02-01", to: "2019-02-01" }), { code: "INVALID_INPUT", details: { field: "timeZone" } });
});

test("exports are fast at scale: 10,000 appointments in well under a second each", () => {
  const h = new Hospital({ slotMinutes: 15, defaultDurationMinutes: 15, timeZone: "America/New_York" });
  h.addDoctor({ id: "d1", name: "Dr. Busy", locations: ["A"], schedule: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "00:00", end: "24:00" }] });
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 10_000; i++) h.book({ doctorId: "d1", location: "A", start: new Date(start + i * 15 * 60_000) });
  let t = performance.now();
  const text = h.toICalendar("d1", { from: "2025-12-31", to: "2026-12-31" });
  const ical = performance.now() - t;
  assert.equal(text.split("BEGIN:VEVENT").length - 1, 10_000);
  t = performance.now();
  const bundle = h.toFhirBundle({ from: "2025-12-31", to: "2026-04-30" });
  const fhirTime = performance.now() - t;
  assert.equal(bundle.entry.filter((e) => e.resource.resourceType === "Appointment").length, 10_000);
  assert.ok(ical < 2000 && fhirTime < 4000, `iCalendar ${ical.toFixed(0)} ms, FHIR ${fhirTime.toFixed(0)} ms`);
});
