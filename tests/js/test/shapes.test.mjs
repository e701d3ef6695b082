// Each output shape is stated in the engine's serde derives (and its hand-written JSON writer),
// in the TypeScript types the package ships and in the README. This test holds the shipped
// types to what the package really returns: it reads dr_schedule.d.ts with the TypeScript
// compiler API and, for every output interface and every `Change` variant, compares the declared
// fields (required or optional) with the keys of real objects, built so that every optional field
// is present at least once and absent at least once. A key the type lacks, a required field
// missing, or an optional field never (or always) returned fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import ts from "typescript";
import { Hospital } from "dr-schedule";
import { NOW, packageFile, thrown, timedHospital } from "./fixture.mjs";

// ----- the declared shapes -----

const dts = readFileSync(packageFile("dr_schedule.d.ts"), "utf8");
const source = ts.createSourceFile("dr_schedule.d.ts", dts, ts.ScriptTarget.Latest, true);

/** A type literal's, interface's or class's fields: name → { optional, type (the TypeNode) }. */
function fieldsOf(members) {
  const fields = new Map();
  for (const member of members) {
    if (!ts.isPropertySignature(member) && !ts.isPropertyDeclaration(member)) continue;
    fields.set(member.name.getText(source), { optional: member.questionToken !== undefined, type: member.type });
  }
  return fields;
}

/** Every interface, class and type literal of the .d.ts that describes an object, by name. */
const shapes = new Map();
/** The fields every change record has (`revision`, `actor`), beside its variant's own. */
let changeCommon = new Map();
for (const statement of source.statements) {
  if (ts.isInterfaceDeclaration(statement) || ts.isClassDeclaration(statement)) {
    shapes.set(statement.name.text, fieldsOf(statement.members));
  } else if (ts.isTypeAliasDeclaration(statement) && statement.name.text === "Change") {
    // `{ revision; actor? } & (one variant per op)`.
    const [common, union] = statement.type.types;
    changeCommon = fieldsOf(common.members);
    shapes.set("Change", changeCommon);
    for (const variant of union.type.types) {
      const fields = fieldsOf(variant.members);
      const op = fields.get("op").type.literal.text;
      shapes.set(`Change:${op}`, new Map([...changeCommon, ...fields]));
    }
  }
}

/** The object type a field's type names, if any: `Doctor`, `TimeOff[]` → "Doctor", "TimeOff". */
function namedShape(type) {
  if (type === undefined) return undefined;
  if (ts.isArrayTypeNode(type)) return namedShape(type.elementType);
  if (ts.isTypeReferenceNode(type) && shapes.has(type.typeName.getText(source))) return type.typeName.getText(source);
  return undefined;
}

// ----- real objects, sorted by shape -----

/** Shape name → the objects of that shape the package returned. */
const samples = new Map();

/** Files `value` under `shape` and every object inside it under the shape its field declares. */
function collect(shape, value) {
  if (shape === "Change") {
    // Its common fields are checked over every record, its variant's over those of its op.
    if (!samples.has("Change")) samples.set("Change", []);
    samples.get("Change").push(value);
  }
  const name = shape === "Change" ? `Change:${value.op}` : shape;
  const fields = shapes.get(name);
  assert.ok(fields, `no shape ${name} in dr_schedule.d.ts`);
  if (!samples.has(name)) samples.set(name, []);
  samples.get(name).push(value);
  for (const [key, item] of Object.entries(value)) {
    const inner = namedShape(fields.get(key)?.type);
    if (inner === undefined) continue;
    for (const element of Array.isArray(item) ? item : [item]) collect(inner, element);
  }
}

const fridays = [{ days: ["fri"], start: "09:00", end: "17:00" }];
const h = new Hospital();
collect("Doctor", h.addDoctor({
  name: "Dr. Ada",
  locations: ["A", "B"],
  schedule: [...fridays, { days: ["mon"], start: "09:00", end: "12:00", locations: ["B"] }],
}));
collect("Doctor", h.addDoctor({
  name: "Dr. Grace",
  locations: ["A", "B"],
  schedule: fridays,
  overrides: [
    { date: "2019-02-08", hours: [{ start: "10:00", end: "12:00" }, { start: "13:00", end: "14:00", locations: ["A"] }] },
    { date: "2019-02-15", hours: [] },
  ],
  timeOff: [
    { start: "2019-02-22T09:00", end: "2019-02-22T12:00", reason: "conference" },
    { start: "2019-03-01T09:00", end: "2019-03-01T10:00" },
  ],
}));
collect("Doctor", h.addDoctor({ id: "gone", name: "Dr. Gone", locations: ["A"], schedule: fridays }));
collect("HospitalOptionsRead", h.options);
collect("HospitalOptionsRead", new Hospital({ minNoticeMinutes: 0, horizonDays: 30, preventPatientOverlap: true }).options);
collect("Appointment", h.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:00" }));
collect("Appointment", h.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:30", patient: "p1", requestId: "r1", now: NOW }));
collect("Appointment", h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: NOW, ttlMinutes: 60 }));
collect("Appointment", h.confirm("a3", { now: "2019-01-31T09:05" }));
collect("Appointment", h.reschedule("a1", { start: "2019-02-01T11:00" }));
collect("Appointment", h.reschedule("a2", { start: "2019-02-01T11:30", location: "B", now: "2019-01-31T09:10" }));
collect("Appointment", h.hold({ doctorId: "d2", location: "B", start: "2019-02-01T09:00", patient: "p2", now: "2019-01-31T09:10", ttlMinutes: 600 }));
collect("Appointment", h.cancel("a1", { reason: "ill" }));
collect("Appointment", h.cancel("a2"));
h.actor = "key_1";
collect("Appointment", h.book({ doctorId: "d1", location: "B", start: "2019-02-08T09:00", notes: "first visit", metadata: { visit: "new" } }));
collect("Appointment", h.hold({ doctorId: "d1", location: "A", start: "2019-02-08T10:00", now: "2019-01-31T09:10", ttlMinutes: 5, notes: "web" }));
collect("Appointment", h.reschedule("a5", { start: "2019-02-08T09:15", notes: "moved", metadata: { visit: "moved" } }));
collect("Appointment", h.reschedule("a5", { start: "2019-02-08T09:30" }));
h.actor = null;
collect("Appointment", h.updateAppointment("a5", { patient: "p5" }));
collect("Appointment", h.updateAppointment("a5", { notes: null, metadata: { visit: "follow-up" } }));
collect("Appointment", h.updateAppointment("a4", { patient: null, notes: "the time is set", metadata: null }));
// a6 lapses at 09:15; this call moves the clock past it, and it is kept as expired.
collect("Appointment", h.book({ doctorId: "d1", location: "A", start: "2019-02-08T11:00", now: "2019-01-31T09:20" }));
collect("Appointment", h.getAppointment("a6"));
for (const appointment of h.findAppointments({ location: "A", status: "all" })) collect("Appointment", appointment);
for (const appointment of h.findAppointments({ patient: "p5" })) collect("Appointment", appointment);
for (const block of h.workingHours("d1", { from: "2019-02-01", to: "2019-02-04" })) collect("WorkingBlock", block);
for (const block of h.workingHours("d2", { from: "2019-02-08", to: "2019-02-08", location: "A" })) collect("WorkingBlock", block);
collect("Doctor", h.updateDoctor("d1", { name: "Dr. Ada Lovelace" }));
collect("Doctor", h.removeDoctor("gone"));
for (const doctor of h.listDoctors()) collect("Doctor", doctor);
collect("Doctor", h.getDoctor("d2"));
for (const doctorId of ["d1", "d2"]) {
  for (const appointment of h.appointments(doctorId, { status: "all" })) collect("Appointment", appointment);
}
collect("Appointment", h.getAppointment("a3"));
for (const slot of h.findSlots({ from: "2019-02-01", to: "2019-02-08", limit: 5 })) collect("FoundSlot", slot);
for (const change of h.changesSince(0)) collect("Change", change);

// A hospital with time zones: instants beside the wall clocks.
const zoned = new Hospital({ timeZone: "America/New_York", locationTimeZones: { C: "America/Chicago" } });
collect("HospitalOptionsRead", zoned.options);
zoned.addDoctor({ name: "Dr. Night", locations: ["A", "C"], schedule: [{ days: ["sun"], start: "00:00", end: "06:00" }] });
collect("Appointment", zoned.book({ doctorId: "d1", location: "A", start: "2025-11-02T01:30:00-04:00", now: "2025-10-01T12:00:00Z" }));
collect("Appointment", zoned.hold({ doctorId: "d1", location: "C", start: "2025-11-02T03:00", now: new Date(Date.UTC(2025, 9, 1, 12)), ttlMinutes: 30 }));
for (const slot of zoned.findSlots({ from: "2025-11-02T00:45", to: "2025-11-02T02:15", limit: 20 })) collect("FoundSlot", slot);
for (const block of zoned.workingHours("d1", { from: "2025-11-02", to: "2025-11-02" })) collect("WorkingBlock", block);

// Every reason a time cannot be booked, as `explain` lists them.
for (const request of [
  { doctorId: "d1", location: "C", start: "2019-02-01T11:05" }, // not served, off the grid, taken
  { doctorId: "d2", location: "A", start: "2019-02-15T10:00" }, // closed by an override
  { doctorId: "d2", location: "A", start: "2019-02-22T10:00" }, // time off
  { doctorId: "d1", location: "A", start: "2019-02-04T10:00" }, // works at B only then
]) {
  for (const problem of h.explain(request)) collect("BookingProblem", problem);
}

// The errors the package throws, one per detail it can carry.
const timed = timedHospital();
const v5 = JSON.stringify({ format: "dr-schedule", version: 5 });
const errors = [
  () => h.book({ doctorId: "d1", location: "A", start: "2019-02-30T10:00" }),
  () => h.book({ doctorId: "d9", location: "A", start: "2019-02-01T10:00" }),
  () => h.cancel("a404"),
  () => h.addDoctor({ id: "d1", name: "Dr. B", locations: ["A"], schedule: [] }),
  () => h.book({ doctorId: "d1", location: "C", start: "2019-02-01T13:00" }),
  () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T13:05" }),
  () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" }),
  () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T13:00", requestId: "r1" }),
  () => h.removeDoctor("d1"),
  () => h.cancel("a1"),
  () => h.confirm("a3", { now: NOW }),
  () => Hospital.fromSnapshot("{"),
  () => Hospital.fromSnapshot(v5),
  () => Hospital.fromSnapshot(h.toSnapshot()).changesSince(1),
  () => h.applyChanges([{ op: "cancel", revision: 99, id: "a3" }]),
  () => timed.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:00", now: NOW.replace("01-31", "02-01") }),
  () => timed.book({ doctorId: "d1", location: "A", start: "2019-03-15T10:00", now: NOW }),
  () => timed.book({ doctorId: "d2", location: "B", start: "2019-02-01T11:00", patient: "p1", now: NOW }),
  () => timed.confirm("a2", { now: "2019-01-31T09:10" }),
  () => zoned.book({ doctorId: "d1", location: "A", start: "2025-03-09T02:30" }),
  () => zoned.book({ doctorId: "d1", location: "A", start: "2025-11-02T01:45" }),
  () => new Hospital({ maxSnapshotBytes: 16 * 1024 }).addDoctor({ name: "Dr. Big", locations: Array.from({ length: 100 }, (_, i) => `${i}`.padStart(200, "L")), schedule: [] }),
];
for (const call of errors) {
  const error = thrown(call);
  assert.equal(error.name, "HospitalError", String(error));
  collect("HospitalError", error);
}

// ----- the comparison -----

/** The output shapes: every one must have been returned, and match its declaration. */
const OUTPUTS = [
  "Appointment",
  "PreviousTime",
  "Doctor",
  "ScheduleRule",
  "HoursBlock",
  "DateOverride",
  "TimeOff",
  "FoundSlot",
  "BookingProblem",
  "HospitalError",
  "HospitalErrorDetails",
  "WorkingBlock",
  "HospitalOptionsRead",
  "Change",
  ...[...shapes.keys()].filter((name) => name.startsWith("Change:")),
];

test("the .d.ts declares every output shape, and one Change variant per op", () => {
  for (const name of OUTPUTS) assert.ok(shapes.has(name), `dr_schedule.d.ts declares no ${name}`);
  const ops = OUTPUTS.filter((name) => name.startsWith("Change:")).map((name) => name.slice(7)).sort();
  assert.deepEqual(ops, ["addDoctor", "book", "cancel", "confirm", "hold", "removeDoctor", "reschedule", "updateAppointment", "updateDoctor"]);
});

for (const name of OUTPUTS) {
  test(`${name}: the fields the package returns are the fields its type declares`, () => {
    const fields = shapes.get(name);
    const objects = samples.get(name) ?? [];
    assert.ok(objects.length > 0, `the package returned no ${name} here`);
    // A HospitalError is an Error: its message and stack are Error's own fields.
    const declared = name === "HospitalError" ? new Set([...fields.keys(), "message", "stack", "cause"]) : new Set(fields.keys());
    for (const object of objects) {
      const keys = Object.keys(object);
      // A record's variant fields are its variant's to declare (Change:op).
      const undeclared = name === "Change" ? [] : keys.filter((key) => !declared.has(key));
      assert.deepEqual(undeclared, [], `${name} ${JSON.stringify(object)} has fields its type lacks`);
      const missing = [...fields].filter(([key, { optional }]) => !optional && !keys.includes(key)).map(([key]) => key);
      assert.deepEqual(missing, [], `${name} ${JSON.stringify(object)} lacks required fields`);
    }
    for (const [key, { optional }] of fields) {
      if (!optional) continue;
      // The common fields of a record are checked over every record ("Change").
      if (name.startsWith("Change:") && changeCommon.has(key)) continue;
      const present = objects.filter((object) => Object.hasOwn(object, key)).length;
      assert.ok(present > 0, `${name}.${key} is optional in the type, but no ${name} here has it`);
      assert.ok(present < objects.length, `${name}.${key} is optional in the type, but every ${name} here has it`);
    }
  });
}
