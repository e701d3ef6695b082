// Hostile input against every method of Hospital, through the package as a user imports it.
//
// Every refusal must be a real Error named "HospitalError" with the documented `code` and a
// `details.field` (or `details.path` for snapshots) naming the field at fault, which the message
// names too; never a raw TypeError, RangeError or WebAssembly RuntimeError. A refused call
// changes nothing (same snapshot, same revision), the hospital keeps working afterwards, and
// nothing passed in is mutated (a deep shape of every argument, prototypes and descriptors
// included, is compared before and after).
//
// The cases are tables: methods x fields x values. Each row is one test, so a failure names the
// exact input. A failing row is a bug report, not a flaky test: do not loosen it, fix the engine.
// Run with HOSTILE_FULL=1 to put 10 MiB (rather than 1 MiB) into every string field.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hospital } from "dr-schedule";
import { ROW, assertJavaScriptWords, goldenSnapshot, smallHospital, snapshotText, thrown } from "./fixture.mjs";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** 10 MiB of ASCII: shared, strings are immutable. */
const HUGE = "x".repeat(10 * 1024 * 1024);
/**
 * 1 MiB: still 2000 times the largest string limit (500 bytes), and the same code path. The
 * engine spends 0.3-0.7 s per 10 MiB string argument (it checks UTF-16 validity one JS call per
 * code unit), so 10 MiB in all 36 string fields alone would take about 20 s: 10 MiB goes into one
 * field per reading path (REPRESENTATIVE below) and 1 MiB into the others, unless
 * HOSTILE_FULL=1, which puts 10 MiB everywhere.
 */
const BIG = process.env.HOSTILE_FULL ? HUGE : "y".repeat(1024 * 1024);
/** A message longer than this is not "a readable message" (it echoes the input). */
const MAX_MESSAGE = 1000;

function attempt(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

function preview(value) {
  // Bounded: strings are cut before they are quoted, so a 10 MB value costs nothing here.
  const cut = (text) => (text.length > 160 ? `${text.slice(0, 160)}… (${text.length} chars)` : text);
  if (typeof value === "string") return JSON.stringify(cut(value));
  let text;
  try {
    text =
      typeof value === "symbol" || typeof value === "bigint"
        ? String(value)
        : JSON.stringify(value, (key, v) => (typeof v === "string" && v.length > 160 ? cut(v) : v));
  } catch {
    text = undefined;
  }
  return cut(text === undefined ? String(value) : text);
}

function describeError(error) {
  if (!(error instanceof Error)) return `a thrown ${typeof error}: ${preview(error)}`;
  return `${error.constructor.name} name=${error.name} code=${error.code} details=${preview(error.details)} message=${preview(error.message)}`;
}

/** Field matchers: a field path is expected exactly, or anywhere inside a container. */
const exactly = (field) => Object.assign((actual) => actual === field, { text: field });
const within = (field) =>
  Object.assign((actual) => typeof actual === "string" && (actual === field || actual.startsWith(`${field}[`) || actual.startsWith(`${field}.`)), {
    text: `${field} or a path inside it`,
  });
const anyField = Object.assign((actual) => typeof actual === "string" && actual.length > 0, { text: "any non-empty field" });
const oneOf = (...fields) => Object.assign((actual) => fields.includes(actual), { text: fields.join(" | ") });
const anyPath = Object.assign((p) => typeof p === "string", { text: "a path" });

/**
 * Asserts that `error` is a HospitalError with `code` (INVALID_INPUT by default) whose
 * `details.field` satisfies `field` (a matcher or a string) and whose message names that field.
 */
function assertHospitalError(error, { code = "INVALID_INPUT", codes, field, path } = {}, label = "") {
  const got = `${label}: got ${describeError(error)}`;
  assert.ok(error instanceof Error, `${got} (not an Error)`);
  assert.ok(!(error instanceof WebAssembly.RuntimeError), `${got} (a WebAssembly trap)`);
  assert.ok(!(error instanceof TypeError), `${got} (a raw TypeError)`);
  assert.ok(!(error instanceof RangeError), `${got} (a raw RangeError)`);
  assert.equal(error.name, "HospitalError", got);
  if (codes) assert.ok(codes.includes(error.code), `${got} (expected one of ${codes.join(", ")})`);
  else assert.equal(error.code, code, got);
  assert.equal(typeof error.message, "string", got);
  assert.ok(error.message.length > 0, `${got} (empty message)`);
  assert.ok(error.details !== null && typeof error.details === "object", `${got} (no details object)`);
  const matcher = typeof field === "string" ? exactly(field) : field;
  if (matcher && (error.code === "INVALID_INPUT" || error.code === "OFF_GRID")) {
    assert.ok(matcher(error.details.field), `${got} (expected details.field ${matcher.text})`);
    assert.ok(error.message.includes(error.details.field), `${got} (the message does not name ${error.details.field})`);
  }
  if (path !== undefined) {
    const pathMatcher = typeof path === "string" ? exactly(path) : path;
    assert.ok(pathMatcher(error.details.path), `${got} (expected details.path ${pathMatcher.text})`);
  }
  assert.ok(error.message.length <= MAX_MESSAGE, `${label}: the message is ${error.message.length} characters long (it echoes the input): ${preview(error.message)}`);
  // In JavaScript's words: no u32, Option, "sequence" or "variant" (issue 16).
  assertJavaScriptWords(error.message, label);
}

const ids = new WeakMap();
let nextId = 1;
/** A stable number for a function, so that a swapped getter is noticed (symbols: their name). */
function idOf(thing) {
  if (thing === undefined) return null;
  if (typeof thing === "symbol") return `symbol ${thing.description}`;
  if (!ids.has(thing)) ids.set(thing, nextId++);
  return ids.get(thing);
}

/**
 * A deep, side-effect-free description of a value as JSON text: own keys (symbols too) with
 * their descriptors, prototypes, frozenness, Map/Set/Date contents. Getters are recorded by
 * identity, not called. Compared as text, so 1000-level values do not overflow deepEqual.
 */
function shape(value) {
  return JSON.stringify(describeShape(value, new Map(), "$"));
}

function describeShape(value, seen, where) {
  if (typeof value === "string") return value;
  if (typeof value === "symbol") return { symbol: idOf(value) };
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    return { type: typeof value, value: Object.is(value, -0) ? "-0" : String(value) };
  }
  if (seen.has(value)) return { ref: seen.get(value) };
  seen.set(value, where);
  const proto = Object.getPrototypeOf(value);
  const out = {
    type: typeof value,
    id: typeof value === "function" ? idOf(value) : undefined,
    proto: proto === null ? null : proto === Object.prototype ? "Object" : proto === Array.prototype ? "Array" : (proto?.constructor?.name ?? "?"),
    frozen: Object.isFrozen(value),
    extensible: Object.isExtensible(value),
    keys: [],
  };
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key);
    const name = typeof key === "symbol" ? `@@${key.description}` : key;
    out.keys.push(
      "value" in d
        ? [name, d.enumerable, d.writable, d.configurable, describeShape(d.value, seen, `${where}.${name}`)]
        : [name, d.enumerable, d.configurable, idOf(d.get), idOf(d.set)],
    );
  }
  if (value instanceof Map) out.entries = [...value].map(([k, v]) => [describeShape(k, seen, where), describeShape(v, seen, where)]);
  if (value instanceof Set) out.entries = [...value].map((v) => describeShape(v, seen, where));
  if (value instanceof Date) out.time = value.getTime();
  return out;
}

function deepFreeze(value) {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze(value[key]);
  }
  return value;
}

function nested(depth, kind, leaf = "x") {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = kind === "array" ? [value] : { a: value };
  return value;
}

/** Sets `value` at `path` inside `root` (an argument list); returns `root`. */
function setAt(root, path, value) {
  let target = root;
  for (const key of path.slice(0, -1)) target = target[key];
  target[path.at(-1)] = value;
  return root;
}

function getAt(root, path) {
  return path.reduce((target, key) => target[key], root);
}

/** Replaces the object at `path` (or the whole argument at [i]) by `transform(object)`. */
function replaceAt(root, path, transform) {
  return setAt(root, path, transform(getAt(root, path)));
}

function assertUnchanged(h, before, revision, label) {
  assert.equal(h.revision, revision, `${label}: the revision changed`);
  assert.equal(h.toSnapshot(), before, `${label}: the snapshot changed`);
}

/** A normal call still works: the object is not poisoned by the failure. */
function assertKeepsWorking(h, label) {
  const booked = attempt(() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T15:00" }));
  assert.ok(booked.ok, `${label}: the hospital no longer works: ${booked.ok ? "" : describeError(booked.error)}`);
  assert.equal(booked.value.status, "booked");
  assert.ok(
    h.listDoctors().some((d) => d.id === "d1"),
    `${label}: doctor d1 is gone`,
  );
  assert.equal(h.getAppointment("a1").status, "booked");
}

/** The result of a call as comparable data (a Hospital by its snapshot). */
function comparable(value) {
  return value instanceof Hospital ? { hospital: value.toSnapshot() } : value;
}

/**
 * A call expected to be refused: runs it on a fresh small hospital and checks the error, that
 * nothing changed, that the arguments are not mutated, and that the hospital keeps working.
 */
function expectRefused(label, method, make, expected, { checkMutation = true } = {}) {
  const h = smallHospital();
  const before = h.toSnapshot();
  const revision = h.revision;
  const args = make();
  const argsBefore = checkMutation ? shape(args) : undefined;
  const outcome = attempt(() => method.call(h, args));
  assert.ok(
    !outcome.ok,
    `${label}: expected ${expected.codes?.join("|") ?? expected.code ?? "INVALID_INPUT"} naming ${expected.field?.text ?? expected.field ?? "?"}, but the call succeeded and returned ${preview(comparable(outcome.value))}`,
  );
  assertHospitalError(outcome.error, expected, label);
  assertUnchanged(h, before, revision, label);
  if (checkMutation) assert.ok(shape(args) === argsBefore, `${label}: the arguments were mutated`);
  assertKeepsWorking(h, label);
  return outcome.error;
}

/** A call expected to succeed exactly as the same call with plain, valid arguments does. */
function expectSameAsPlain(label, method, make, { checkMutation = true, orRefused } = {}) {
  const reference = smallHospital();
  const expected = method.call(reference, method.valid());
  const h = smallHospital();
  const before = h.toSnapshot();
  const revision = h.revision;
  const args = make();
  const argsBefore = checkMutation ? shape(args) : undefined;
  const outcome = attempt(() => method.call(h, args));
  if (!outcome.ok && orRefused) {
    assertHospitalError(outcome.error, orRefused, label);
    assertUnchanged(h, before, revision, label);
  } else {
    assert.ok(outcome.ok, `${label}: expected it to work like plain input, got ${outcome.ok ? "" : describeError(outcome.error)}`);
    assert.deepEqual(comparable(outcome.value), comparable(expected), `${label}: a different result than with plain input`);
    assert.equal(h.toSnapshot(), reference.toSnapshot(), `${label}: a different hospital than with plain input`);
  }
  if (checkMutation) assert.ok(shape(args) === argsBefore, `${label}: the arguments were mutated`);
}

// ---------------------------------------------------------------------------------------------
// The methods, with valid arguments against smallHospital(): doctor d1 works Fridays
// 09:00-17:00 at "A" and "B"; a1 booked 2019-02-01T11:00 (requestId r1, patient p1); a2
// cancelled. `call(h, args)` calls the method with the argument list.
// ---------------------------------------------------------------------------------------------

const rule = () => ({ days: ["mon", "fri"], start: "09:00", end: "17:00" });
const VALID_SNAPSHOT = smallHospital().toSnapshot();

const METHODS = {
  constructor: {
    call: (h, args) => new Hospital(...args),
    valid: () => [{ slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "Europe/Paris" }],
    params: [{ name: "options", kind: "optObject" }],
  },
  addDoctor: {
    call: (h, args) => h.addDoctor(...args),
    valid: () => [{ id: "dx", name: "Dr. X", locations: ["A", "B"], schedule: [rule()] }],
    params: [{ name: "doctor", kind: "object" }],
  },
  getDoctor: { call: (h, args) => h.getDoctor(...args), valid: () => ["d1"], params: [{ name: "id", kind: "string" }] },
  listDoctors: { call: (h, args) => h.listDoctors(...args), valid: () => [], params: [] },
  updateDoctor: {
    call: (h, args) => h.updateDoctor(...args),
    valid: () => ["d1", { name: "Dr. Y", locations: ["A", "B"], schedule: [{ days: ["fri"], start: "08:00", end: "18:00" }] }, { cancelAppointments: false }],
    params: [
      { name: "id", kind: "string" },
      { name: "patch", kind: "object" },
      { name: "options", kind: "optObject" },
    ],
  },
  removeDoctor: {
    call: (h, args) => h.removeDoctor(...args),
    valid: () => ["d1", { cancelAppointments: true }],
    params: [
      { name: "id", kind: "string" },
      { name: "options", kind: "optObject" },
    ],
  },
  book: {
    call: (h, args) => h.book(...args),
    valid: () => [{ doctorId: "d1", location: "A", start: "2019-02-01T13:00", durationMinutes: 30, patient: "p2", id: "ax", requestId: "r2", notes: "first visit", metadata: { visit: "new", tags: ["x", 1, true, null] } }],
    params: [{ name: "request", kind: "object" }],
  },
  getAppointment: { call: (h, args) => h.getAppointment(...args), valid: () => ["a1"], params: [{ name: "id", kind: "string" }] },
  appointments: {
    call: (h, args) => h.appointments(...args),
    valid: () => ["d1", { from: "2019-02-01", to: "2019-02-01T23:00", status: "all", now: "2019-01-31T09:00", limit: 5 }],
    params: [
      { name: "doctorId", kind: "string" },
      { name: "options", kind: "optObject" },
    ],
  },
  cancel: {
    call: (h, args) => h.cancel(...args),
    valid: () => ["a1", { reason: "moved" }],
    params: [
      { name: "appointmentId", kind: "string" },
      { name: "options", kind: "optObject" },
    ],
  },
  availableSlots: {
    call: (h, args) => h.availableSlots(...args),
    valid: () => ["d1", { from: "2019-02-01", to: "2019-02-01", durationMinutes: 30, location: "A", limit: 3, now: "2019-01-31T09:00" }],
    params: [
      { name: "doctorId", kind: "string" },
      { name: "options", kind: "object" },
    ],
  },
  hold: {
    call: (h, args) => h.hold(...args),
    valid: () => [{ doctorId: "d1", location: "A", start: "2019-02-01T13:00", durationMinutes: 30, patient: "p2", id: "hx", requestId: "r2", now: "2019-01-31T09:00", ttlMinutes: 10, notes: "call back", metadata: { source: "web" } }],
    params: [{ name: "request", kind: "object" }],
  },
  reschedule: {
    call: (h, args) => h.reschedule(...args),
    valid: () => ["a1", { start: "2019-02-01T13:00", location: "B", durationMinutes: 30, now: "2019-01-31T09:00", notes: "moved", metadata: { moved: 1 } }],
    params: [
      { name: "appointmentId", kind: "string" },
      { name: "request", kind: "object" },
    ],
  },
  findSlots: {
    call: (h, args) => h.findSlots(...args),
    valid: () => [{ location: "A", doctorIds: ["d1"], from: "2019-02-01", to: "2019-02-01", durationMinutes: 30, limit: 3, now: "2019-01-31T09:00" }],
    params: [{ name: "query", kind: "object" }],
  },
  explain: {
    call: (h, args) => h.explain(...args),
    valid: () => [{ doctorId: "d1", location: "A", start: "2019-02-01T13:00", durationMinutes: 30, patient: "p2", now: "2019-01-31T09:00" }],
    params: [{ name: "request", kind: "object" }],
  },
  updateAppointment: {
    call: (h, args) => h.updateAppointment(...args),
    valid: () => ["a1", { patient: "p9", notes: "bring the x-rays", metadata: { visit: "follow-up", n: 2 } }],
    params: [
      { name: "appointmentId", kind: "string" },
      { name: "patch", kind: "object" },
    ],
  },
  findAppointments: {
    call: (h, args) => h.findAppointments(...args),
    valid: () => [{ patient: "p1", location: "A", doctorId: "d1", from: "2019-02-01", to: "2019-02-02", status: "all", now: "2019-01-31T09:00", limit: 5 }],
    params: [{ name: "query", kind: "object" }],
  },
  workingHours: {
    call: (h, args) => h.workingHours(...args),
    valid: () => ["d1", { from: "2019-02-01", to: "2019-02-08", location: "A" }],
    params: [
      { name: "doctorId", kind: "string" },
      { name: "query", kind: "object" },
    ],
  },
  toSnapshot: { call: (h, args) => h.toSnapshot(...args), valid: () => [], params: [] },
  toSnapshotBytes: { call: (h, args) => h.toSnapshotBytes(...args), valid: () => [], params: [] },
  fromSnapshot: {
    call: (h, args) => Hospital.fromSnapshot(...args),
    valid: () => [VALID_SNAPSHOT, { maxSnapshotBytes: 1 << 20 }],
    params: [
      { name: "snapshot", kind: "string" },
      { name: "options", kind: "optObject" },
    ],
  },
};
/** A method as the runners take it: `call(h, args)` and `valid()`. */
const M = (name) => METHODS[name];

/**
 * Every field of every argument: [method, path into the argument list, field name as
 * details.field spells it, kind]. Kinds: string (required), optString, u32 (all optional: a
 * whole number), bool (optional), array, optArray, object (required), optObject; json (an
 * optional plain object of any keys: metadata), jsonValue (any JSON value inside one),
 * nullableString and nullableJson (in a patch, where `null` clears the field and is not the
 * same as leaving it out).
 */
const FIELDS = [
  ["constructor", [0], "options", "optObject"],
  ["constructor", [0, "slotMinutes"], "slotMinutes", "u32"],
  ["constructor", [0, "defaultDurationMinutes"], "defaultDurationMinutes", "u32"],
  ["constructor", [0, "timeZone"], "timeZone", "optString"],
  ["addDoctor", [0], "doctor", "object"],
  ["addDoctor", [0, "id"], "id", "optString"],
  ["addDoctor", [0, "name"], "name", "string"],
  ["addDoctor", [0, "locations"], "locations", "array"],
  ["addDoctor", [0, "locations", 1], "locations[1]", "string"],
  ["addDoctor", [0, "schedule"], "schedule", "array"],
  ["addDoctor", [0, "schedule", 0], "schedule[0]", "object"],
  ["addDoctor", [0, "schedule", 0, "days"], "schedule[0].days", "array"],
  ["addDoctor", [0, "schedule", 0, "days", 1], "schedule[0].days[1]", "string"],
  ["addDoctor", [0, "schedule", 0, "start"], "schedule[0].start", "string"],
  ["addDoctor", [0, "schedule", 0, "end"], "schedule[0].end", "string"],
  ["getDoctor", [0], "id", "string"],
  ["updateDoctor", [0], "id", "string"],
  ["updateDoctor", [1], "patch", "object"],
  ["updateDoctor", [1, "name"], "name", "optString"],
  ["updateDoctor", [1, "locations"], "locations", "optArray"],
  ["updateDoctor", [1, "locations", 0], "locations[0]", "string"],
  ["updateDoctor", [1, "schedule"], "schedule", "optArray"],
  ["updateDoctor", [1, "schedule", 0], "schedule[0]", "object"],
  ["updateDoctor", [1, "schedule", 0, "days"], "schedule[0].days", "array"],
  ["updateDoctor", [1, "schedule", 0, "days", 0], "schedule[0].days[0]", "string"],
  ["updateDoctor", [1, "schedule", 0, "start"], "schedule[0].start", "string"],
  ["updateDoctor", [1, "schedule", 0, "end"], "schedule[0].end", "string"],
  ["updateDoctor", [2], "options", "optObject"],
  ["updateDoctor", [2, "cancelAppointments"], "cancelAppointments", "bool"],
  ["removeDoctor", [0], "id", "string"],
  ["removeDoctor", [1], "options", "optObject"],
  ["removeDoctor", [1, "cancelAppointments"], "cancelAppointments", "bool"],
  ["book", [0], "request", "object"],
  ["book", [0, "doctorId"], "doctorId", "string"],
  ["book", [0, "location"], "location", "string"],
  ["book", [0, "start"], "start", "string"],
  ["book", [0, "durationMinutes"], "durationMinutes", "u32"],
  ["book", [0, "patient"], "patient", "optString"],
  ["book", [0, "id"], "id", "optString"],
  ["book", [0, "requestId"], "requestId", "optString"],
  ["book", [0, "now"], "now", "optString"],
  ["book", [0, "notes"], "notes", "optString"],
  ["book", [0, "metadata"], "metadata", "json"],
  ["book", [0, "metadata", "tags"], "metadata.tags", "jsonValue"],
  ["getAppointment", [0], "id", "string"],
  ["appointments", [0], "doctorId", "string"],
  ["appointments", [1], "options", "optObject"],
  ["appointments", [1, "from"], "from", "optString"],
  ["appointments", [1, "to"], "to", "optString"],
  ["appointments", [1, "status"], "status", "optString"],
  ["appointments", [1, "now"], "now", "optString"],
  ["appointments", [1, "limit"], "limit", "u32"],
  ["appointments", [1, "after"], "after", "optString"],
  ["cancel", [0], "appointmentId", "string"],
  ["cancel", [1], "options", "optObject"],
  ["cancel", [1, "reason"], "reason", "optString"],
  ["availableSlots", [0], "doctorId", "string"],
  ["availableSlots", [1], "options", "object"],
  ["availableSlots", [1, "from"], "from", "string"],
  ["availableSlots", [1, "to"], "to", "string"],
  ["availableSlots", [1, "durationMinutes"], "durationMinutes", "u32"],
  ["availableSlots", [1, "location"], "location", "optString"],
  ["availableSlots", [1, "limit"], "limit", "u32"],
  ["availableSlots", [1, "now"], "now", "optString"],
  ["fromSnapshot", [0], "snapshot", "snapshot"],
  ["fromSnapshot", [1], "options", "optObject"],
  ["fromSnapshot", [1, "maxSnapshotBytes"], "maxSnapshotBytes", "u32"],
  ["hold", [0], "request", "object"],
  ["hold", [0, "doctorId"], "doctorId", "string"],
  ["hold", [0, "location"], "location", "string"],
  ["hold", [0, "start"], "start", "string"],
  ["hold", [0, "durationMinutes"], "durationMinutes", "u32"],
  ["hold", [0, "patient"], "patient", "optString"],
  ["hold", [0, "now"], "now", "string"],
  ["hold", [0, "id"], "id", "optString"],
  ["hold", [0, "requestId"], "requestId", "optString"],
  ["hold", [0, "notes"], "notes", "optString"],
  ["hold", [0, "metadata"], "metadata", "json"],
  ["reschedule", [0], "appointmentId", "string"],
  ["reschedule", [1], "request", "object"],
  ["reschedule", [1, "start"], "start", "string"],
  ["reschedule", [1, "location"], "location", "optString"],
  ["reschedule", [1, "durationMinutes"], "durationMinutes", "u32"],
  ["reschedule", [1, "now"], "now", "optString"],
  ["reschedule", [1, "notes"], "notes", "optString"],
  ["reschedule", [1, "metadata"], "metadata", "json"],
  ["findSlots", [0], "query", "object"],
  ["findSlots", [0, "location"], "location", "optString"],
  ["findSlots", [0, "doctorIds"], "doctorIds", "optArray"],
  ["findSlots", [0, "doctorIds", 0], "doctorIds[0]", "string"],
  ["findSlots", [0, "from"], "from", "string"],
  ["findSlots", [0, "to"], "to", "string"],
  ["findSlots", [0, "durationMinutes"], "durationMinutes", "u32"],
  ["findSlots", [0, "now"], "now", "optString"],
  ["explain", [0], "request", "object"],
  ["explain", [0, "doctorId"], "doctorId", "string"],
  ["explain", [0, "location"], "location", "string"],
  ["explain", [0, "start"], "start", "string"],
  ["explain", [0, "patient"], "patient", "optString"],
  ["explain", [0, "now"], "now", "optString"],
  ["updateAppointment", [0], "appointmentId", "string"],
  ["updateAppointment", [1], "patch", "object"],
  ["updateAppointment", [1, "patient"], "patient", "nullableString"],
  ["updateAppointment", [1, "notes"], "notes", "nullableString"],
  ["updateAppointment", [1, "metadata"], "metadata", "nullableJson"],
  ["updateAppointment", [1, "metadata", "visit"], "metadata.visit", "jsonValue"],
  ["findAppointments", [0], "query", "object"],
  ["findAppointments", [0, "patient"], "patient", "optString"],
  ["findAppointments", [0, "location"], "location", "optString"],
  ["findAppointments", [0, "doctorId"], "doctorId", "optString"],
  ["findAppointments", [0, "from"], "from", "optString"],
  ["findAppointments", [0, "to"], "to", "optString"],
  ["findAppointments", [0, "status"], "status", "optString"],
  ["findAppointments", [0, "now"], "now", "optString"],
  ["findAppointments", [0, "limit"], "limit", "u32"],
  ["findAppointments", [0, "after"], "after", "optString"],
  ["workingHours", [0], "doctorId", "string"],
  ["workingHours", [1], "query", "object"],
  ["workingHours", [1, "from"], "from", "string"],
  ["workingHours", [1, "to"], "to", "string"],
  ["workingHours", [1, "location"], "location", "optString"],
];

const STRING_KINDS = ["string", "optString", "nullableString"];
/** Kinds where `null` and `undefined` both mean "left out". */
const OPTIONAL_KINDS = ["optString", "u32", "bool", "optArray", "optObject", "json"];
/** Kinds that take `null` and `undefined`, with their own meanings. */
const NULLABLE_KINDS = [...OPTIONAL_KINDS, "nullableString", "nullableJson", "jsonValue"];
const CONTAINER_KINDS = ["array", "optArray", "object", "optObject", "json", "nullableJson"];
/** Kinds whose problems may lie inside the value, at a path under the field. */
const NESTING_KINDS = [...CONTAINER_KINDS, "jsonValue"];
/** Finite numbers are JSON values. */
const NUMBER_KINDS = ["u32", "jsonValue"];

/** The objects among the arguments: [method, path, the field name of the object itself]. */
const OBJECTS = FIELDS.filter(([, , , kind]) => kind === "object" || kind === "optObject");

/** Where an unknown key `key` inside the object at `objectField` is reported. */
function keyField(path, objectField, key) {
  if (key === "") return objectField;
  return path.length === 1 ? key : `${objectField}.${key}`;
}

// Wrong types: [label, make, kinds for which the value has the right type (not tested there)].
const WRONG_TYPES = [
  ["the number 42", () => 42, NUMBER_KINDS],
  ["0", () => 0, NUMBER_KINDS],
  ["-0", () => -0, NUMBER_KINDS],
  ["-1", () => -1, ["jsonValue"]],
  ["1.5", () => 1.5, ["jsonValue"]],
  ["NaN", () => NaN, []],
  ["Infinity", () => Infinity, []],
  ["-Infinity", () => -Infinity, []],
  ["2^53 + 2", () => 2 ** 53 + 2, ["jsonValue"]],
  ["true", () => true, ["bool", "jsonValue"]],
  ["false", () => false, ["bool", "jsonValue"]],
  ['the string "15"', () => "15", [...STRING_KINDS, "jsonValue", "snapshot"]],
  ["an empty array", () => [], ["array", "optArray", "jsonValue"]],
  ['["mon"]', () => ["mon"], ["array", "optArray", "jsonValue"]],
  ["an empty object", () => ({}), ["object", "optObject", "json", "nullableJson", "jsonValue"]],
  ["a function", () => function named() { return "x"; }, []],
  ["an arrow function with own properties", () => Object.assign(() => "x", { slotMinutes: 15, name2: "x" }), []],
  ["a class", () => class Klass {}, []],
  ["a symbol", () => Symbol("s"), []],
  ["a BigInt", () => 15n, []],
  ["null", () => null, NULLABLE_KINDS],
  ["undefined", () => undefined, NULLABLE_KINDS],
  ["a Date", () => new Date(Date.UTC(2019, 1, 1, 10)), ["object", "optObject"]],
  ["a boxed String", () => new String("mon"), ["object", "optObject"]],
  ["a boxed Number", () => new Number(15), ["object", "optObject"]],
  ["a boxed Boolean", () => new Boolean(true), ["object", "optObject"]],
  ["a Map", () => new Map([["a", 1]]), ["object", "optObject"]],
  ["an array-like object", () => ({ 0: "mon", length: 1 }), ["object", "optObject", "json", "nullableJson", "jsonValue"]],
  ["a Uint8Array", () => new Uint8Array([1, 2]), ["object", "optObject", "snapshot"]],
  ["1000 levels of arrays", () => nested(1000, "array"), []],
  ["1000 levels of objects", () => nested(1000, "object"), []],
  ["a cyclic array", () => { const a = []; a.push(a); return a; }, []],
  ["a cyclic object", () => { const o = {}; o.a = o; return o; }, []],
];

// ---------------------------------------------------------------------------------------------

describe("the helpers", () => {
  test("shape() notices every kind of mutation", () => {
    const getter = () => 1;
    const make = () => Object.defineProperty({ a: [1, { b: "x" }] }, "g", { get: getter, enumerable: true, configurable: true });
    const base = shape(make());
    assert.equal(shape(make()), base);
    for (const mutate of [
      (o) => o.a.push(2),
      (o) => { o.a[1].b = "y"; },
      (o) => { o.a[0] = -0; },
      (o) => { delete o.a[1].b; },
      (o) => { o.c = undefined; },
      (o) => Object.setPrototypeOf(o.a[1], null),
      (o) => Object.freeze(o.a),
      (o) => Object.preventExtensions(o),
      (o) => Object.defineProperty(o, "g", { get: () => 1 }),
      (o) => Object.defineProperty(o.a[1], "b", { enumerable: false }),
      (o) => { o[Symbol("s")] = 1; },
    ]) {
      const o = make();
      mutate(o);
      assert.notEqual(shape(o), base, String(mutate));
    }
  });
});

describe("the valid arguments of every table are valid (so each refusal below is the field's)", () => {
  for (const [name, method] of Object.entries(METHODS)) {
    test(name, () => {
      const h = smallHospital();
      const result = attempt(() => method.call(h, method.valid()));
      assert.ok(result.ok, result.ok ? "" : describeError(result.error));
    });
  }
});

describe("wrong types in every argument and every field", () => {
  for (const [methodName, path, field, kind] of FIELDS) {
    for (const [label, make, rightFor] of WRONG_TYPES) {
      if (rightFor.includes(kind)) continue;
      // Inside a container a nested value is reported at its own path (locations[0], schedule[0].a),
      // and so is a value nested too deep in place of any field (days[1][0][0]…).
      const deep = /levels|cyclic/.test(label);
      const expectedField = NESTING_KINDS.includes(kind) || deep ? within(field) : exactly(field);
      // An object in place of a parameter object is missing its required fields: any field.
      const objectInPlace = ["object", "optObject"].includes(kind) && path.length === 1 && typeof make() === "object" && make() !== null && !Array.isArray(make());
      test(`${methodName} ${field}: ${label}`, () => {
        expectRefused(`${methodName}(${field} = ${label})`, M(methodName), () => setAt(METHODS[methodName].valid(), path, make()), {
          field: objectInPlace ? anyField : expectedField,
        });
      });
    }
  }
});

describe("null and undefined in an optional field mean exactly what leaving it out means", () => {
  const outcome = (methodName, args) => {
    const h = smallHospital();
    const result = attempt(() => METHODS[methodName].call(h, args));
    return result.ok ? { value: comparable(result.value), snapshot: h.toSnapshot() } : { code: result.error.code, details: result.error.details };
  };
  for (const [methodName, path, field, kind] of FIELDS) {
    if (!OPTIONAL_KINDS.includes(kind)) continue;
    for (const [label, value] of [
      ["null", null],
      ["undefined", undefined],
    ]) {
      test(`${methodName} ${field}: ${label}`, () => {
        const absent = METHODS[methodName].valid();
        const parent = getAt(absent, path.slice(0, -1));
        if (Array.isArray(parent) && path.length === 1) parent.length = path[0];
        else delete parent[path.at(-1)];
        assert.deepEqual(outcome(methodName, setAt(METHODS[methodName].valid(), path, value)), outcome(methodName, absent));
      });
    }
  }
});

describe("-0 behaves exactly like 0 in every number field", () => {
  for (const [methodName, path, field, kind] of FIELDS) {
    if (kind !== "u32") continue;
    test(`${methodName} ${field}: -0`, () => {
      const method = METHODS[methodName];
      const zero = attempt(() => method.call(smallHospital(), setAt(method.valid(), path, 0)));
      const minusZero = attempt(() => method.call(smallHospital(), setAt(method.valid(), path, -0)));
      assert.equal(minusZero.ok, zero.ok);
      if (zero.ok) assert.deepEqual(comparable(minusZero.value), comparable(zero.value));
      else {
        assertHospitalError(minusZero.error, { code: zero.error.code, field }, `${methodName}(${field} = -0)`);
        assert.deepEqual(minusZero.error.details, zero.error.details);
      }
    });
  }
});

describe("out-of-range and non-integer numbers in every number field", () => {
  const NUMBERS = [
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["-1", -1],
    ["-15", -15],
    ["1.5", 1.5],
    ["15.000001", 15.000001],
    ["Number.EPSILON", Number.EPSILON],
    ["Number.MIN_VALUE", Number.MIN_VALUE],
    ["2^32", 2 ** 32],
    ["2^32 + 15", 2 ** 32 + 15],
    ["2^53 - 1", 2 ** 53 - 1],
    ["2^53", 2 ** 53],
    ["2^53 + 2", 2 ** 53 + 2],
    ["1e300", 1e300],
    ["Number.MAX_VALUE", Number.MAX_VALUE],
    ["-(2^53)", -(2 ** 53)],
  ];
  for (const [methodName, path, field, kind] of FIELDS) {
    if (kind !== "u32") continue;
    for (const [label, value] of NUMBERS) {
      test(`${methodName} ${field}: ${label}`, () => {
        expectRefused(`${methodName}(${field} = ${label})`, M(methodName), () => setAt(METHODS[methodName].valid(), path, value), { field });
      });
    }
  }
});

describe("missing arguments", () => {
  for (const [name, method] of Object.entries(METHODS)) {
    const required = method.params.filter((p) => !p.kind.startsWith("opt"));
    test(`${name}() with no arguments`, () => {
      if (required.length === 0) {
        expectSameAsPlain(`${name}()`, { call: method.call, valid: () => [] }, () => []);
      } else {
        expectRefused(`${name}()`, M(name), () => [], { field: required[0].name });
      }
    });
    // Each required argument left out while the ones before it are valid.
    method.params.forEach((param, i) => {
      if (param.kind.startsWith("opt") || i === 0) return;
      test(`${name} without its ${param.name}`, () => {
        expectRefused(`${name} without ${param.name}`, M(name), () => method.valid().slice(0, i), { field: param.name });
      });
    });
  }
});

describe("extra arguments are ignored, whatever they are", () => {
  const extras = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return [
      { get boom() { throw new Error("must not be read"); } },
      proxy,
      Symbol("extra"),
      10n,
      undefined,
      null,
    ];
  };
  for (const [name, method] of Object.entries(METHODS)) {
    test(`${name} with extra arguments`, () => {
      // The valid arguments fill every parameter, optional ones too, so the extras really are extra.
      assert.equal(method.valid().length, method.params.length);
      expectSameAsPlain(`${name}(..., extras)`, M(name), () => [...method.valid(), ...extras()], { checkMutation: false });
    });
  }
});

describe("unknown fields in every object, including keys that shadow Object.prototype", () => {
  const KEYS = ["extra", "constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "__defineGetter__", "then", "toJSON", "", "NAME", "slot_minutes", "id ", "0"];
  for (const [methodName, path, field] of OBJECTS) {
    for (const key of KEYS) {
      test(`${methodName} ${field}: unknown key ${JSON.stringify(key)}`, () => {
        expectRefused(
          `${methodName}(${field} with ${JSON.stringify(key)})`,
          M(methodName),
          () => replaceAt(METHODS[methodName].valid(), path, (object) => ({ ...object, [key]: 1 })),
          { field: keyField(path, field, key) },
        );
      });
    }
    test(`${methodName} ${field}: an own "__proto__" key from JSON.parse`, () => {
      const make = () =>
        replaceAt(METHODS[methodName].valid(), path, (object) => {
          // JSON.parse makes "__proto__" an own data property (an object literal would set the prototype).
          const text = JSON.stringify({ ...object, __MARK__: { polluted: true } }).replace('"__MARK__"', '"__proto__"');
          const parsed = JSON.parse(text);
          assert.ok(Object.hasOwn(parsed, "__proto__"));
          return parsed;
        });
      expectRefused(`${methodName}(${field} with own __proto__)`, M(methodName), make, { field: keyField(path, field, "__proto__") });
      assert.equal({}.polluted, undefined, "Object.prototype was polluted");
    });
    test(`${methodName} ${field}: an unknown key whose value is undefined is no key, as in JSON.stringify`, () => {
      expectSameAsPlain(`${methodName}(${field} with extra: undefined)`, M(methodName), () => replaceAt(METHODS[methodName].valid(), path, (object) => ({ ...object, extra: undefined })));
    });
    test(`${methodName} ${field}: an unknown key with a 1000-level deep value`, () => {
      expectRefused(
        `${methodName}(${field} with a deep unknown key)`,
        M(methodName),
        () => replaceAt(METHODS[methodName].valid(), path, (object) => ({ ...object, deep: nested(1000, "object") })),
        { field: keyField(path, field, "deep") },
      );
    });
  }
});

describe("objects of unusual make-up in place of every argument object", () => {
  const NON_PLAIN = [
    ["a Map of the same entries", (o) => new Map(Object.entries(o))],
    ["a boxed Number", () => new Number(15)],
    ["a boxed Boolean", () => new Boolean(true)],
    ["an empty boxed String", () => new String("")],
    ["a boxed String", () => new String("mon")],
    ["a Uint8Array", () => new Uint8Array([1, 2])],
    ["an array-like object", (o) => ({ ...Object.values(o), length: Object.keys(o).length })],
    ["a Date", () => new Date(0)],
    ["a RegExp", () => /x/],
    ["a Set", (o) => new Set(Object.values(o))],
    ["a Promise", () => Promise.resolve()],
    ["an Error", () => new Error("x")],
    ["a WeakMap", () => new WeakMap()],
    ["an ArrayBuffer", () => new ArrayBuffer(8)],
    ["an object inheriting every field", (o) => Object.create(o)],
    ["a class instance with prototype getters", (o) => {
      class Getters {}
      for (const [k, v] of Object.entries(o)) Object.defineProperty(Getters.prototype, k, { get: () => v, enumerable: true });
      return new Getters();
    }],
  ];
  for (const [methodName, path, field] of OBJECTS) {
    for (const [label, transform] of NON_PLAIN) {
      // Nothing may fall back to defaults silently: a non-plain object is refused, never read as {}.
      test(`${methodName} ${field}: ${label}`, () => {
        expectRefused(`${methodName}(${field} = ${label})`, M(methodName), () => replaceAt(METHODS[methodName].valid(), path, transform), {
          field: path.length === 1 ? anyField : within(field),
        });
      });
    }
    test(`${methodName} ${field}: a null-prototype object works like a plain one`, () => {
      expectSameAsPlain(`${methodName}(${field} = Object.create(null))`, M(methodName), () =>
        replaceAt(METHODS[methodName].valid(), path, (o) => Object.assign(Object.create(null), o)),
      );
    });
    test(`${methodName} ${field}: a class instance with own fields works, or is refused naming it`, () => {
      class Input {
        constructor(o) {
          Object.assign(this, o);
        }
        method() {}
      }
      expectSameAsPlain(`${methodName}(${field} = class instance)`, M(methodName), () => replaceAt(METHODS[methodName].valid(), path, (o) => new Input(o)), {
        orRefused: { field: path.length === 1 ? METHODS[methodName].params[path[0]].name : field },
      });
    });
    test(`${methodName} ${field}: symbol keys and non-enumerable properties are invisible`, () => {
      expectSameAsPlain(`${methodName}(${field} with hidden keys)`, M(methodName), () =>
        replaceAt(METHODS[methodName].valid(), path, (o) => {
          const copy = { ...o, [Symbol("hidden")]: "x" };
          Object.defineProperty(copy, "hidden", { value: "x", enumerable: false });
          return copy;
        }),
      );
    });
  }
});

describe("frozen inputs work for every method, and valid inputs are never mutated", () => {
  for (const [name, method] of Object.entries(METHODS)) {
    test(`${name}: deep-frozen arguments`, () => {
      expectSameAsPlain(`${name}(frozen)`, M(name), () => deepFreeze(method.valid()));
    });
    test(`${name}: arguments unchanged after a successful call (structuredClone)`, () => {
      const args = method.valid();
      const copy = structuredClone(args);
      method.call(smallHospital(), args);
      assert.deepEqual(args, copy);
    });
  }
});

describe("Proxies in place of every argument object", () => {
  const TRAPS_THAT_MUST_FAIL = ["get", "ownKeys", "getOwnPropertyDescriptor"];
  const TRAPS_NEVER_NEEDED = ["set", "defineProperty", "deleteProperty", "setPrototypeOf", "preventExtensions"];
  for (const [methodName, path, field] of OBJECTS) {
    const nameOf = path.length === 1 ? METHODS[methodName].params[path[0]].name : field;
    test(`${methodName} ${field}: a transparent Proxy works like the object`, () => {
      expectSameAsPlain(`${methodName}(${field} = Proxy)`, M(methodName), () => replaceAt(METHODS[methodName].valid(), path, (o) => new Proxy(o, {})), {
        checkMutation: false,
      });
    });
    for (const trap of TRAPS_THAT_MUST_FAIL) {
      test(`${methodName} ${field}: a Proxy whose ${trap} trap throws`, () => {
        expectRefused(
          `${methodName}(${field} = Proxy throwing in ${trap})`,
          M(methodName),
          () => replaceAt(METHODS[methodName].valid(), path, (o) => new Proxy(o, { [trap]() { throw new TypeError(`${trap} trap`); } })),
          { field: path.length === 1 ? anyField : within(field) },
          { checkMutation: false },
        );
      });
    }
    for (const trap of TRAPS_NEVER_NEEDED) {
      test(`${methodName} ${field}: a Proxy whose ${trap} trap throws (inputs are never written)`, () => {
        expectSameAsPlain(
          `${methodName}(${field} = Proxy throwing in ${trap})`,
          M(methodName),
          () => replaceAt(METHODS[methodName].valid(), path, (o) => new Proxy(o, { [trap]() { throw new TypeError(`${trap} trap`); } })),
          { checkMutation: false },
        );
      });
    }
    for (const trap of ["getPrototypeOf", "has"]) {
      test(`${methodName} ${field}: a Proxy whose ${trap} trap throws works or is refused naming it`, () => {
        expectSameAsPlain(
          `${methodName}(${field} = Proxy throwing in ${trap})`,
          M(methodName),
          () => replaceAt(METHODS[methodName].valid(), path, (o) => new Proxy(o, { [trap]() { throw new TypeError(`${trap} trap`); } })),
          { checkMutation: false, orRefused: { field: nameOf } },
        );
      });
    }
    test(`${methodName} ${field}: a revoked Proxy`, () => {
      expectRefused(
        `${methodName}(${field} = revoked Proxy)`,
        M(methodName),
        () =>
          replaceAt(METHODS[methodName].valid(), path, (o) => {
            const { proxy, revoke } = Proxy.revocable(o, {});
            revoke();
            return proxy;
          }),
        { field: nameOf },
        { checkMutation: false },
      );
    });
  }
  // Proxies (revoked or not) in place of string arguments and nested values.
  for (const [methodName, path, field, kind] of FIELDS) {
    if (kind === "object" || kind === "optObject") continue;
    test(`${methodName} ${field}: a revoked Proxy`, () => {
      expectRefused(
        `${methodName}(${field} = revoked Proxy)`,
        M(methodName),
        () => {
          const { proxy, revoke } = Proxy.revocable([], {});
          revoke();
          return setAt(METHODS[methodName].valid(), path, proxy);
        },
        { field },
        { checkMutation: false },
      );
    });
  }
});

describe("getters on every field: a throwing getter is refused naming the field; each is read once", () => {
  for (const [methodName, path, field] of FIELDS) {
    if (path.length < 2) continue;
    const parent = path.slice(0, -1);
    const key = path.at(-1);
    test(`${methodName} ${field}: a getter that throws`, () => {
      expectRefused(
        `${methodName}(${field} getter throws)`,
        M(methodName),
        () =>
          replaceAt(METHODS[methodName].valid(), parent, (object) => {
            const copy = Array.isArray(object) ? [...object] : { ...object };
            Object.defineProperty(copy, key, { get() { throw new RangeError("getter"); }, enumerable: true, configurable: true });
            return copy;
          }),
        { field },
      );
    });
    test(`${methodName} ${field}: a getter is read exactly once and its value is the one used`, () => {
      let reads = 0;
      expectSameAsPlain(`${methodName}(${field} getter)`, M(methodName), () =>
        replaceAt(METHODS[methodName].valid(), parent, (object) => {
          const copy = Array.isArray(object) ? [...object] : { ...object };
          const value = object[key];
          // A later read would see a value that must not be stored (time-of-check/time-of-use).
          Object.defineProperty(copy, key, { get: () => (++reads === 1 ? value : "\u0000changed"), enumerable: true, configurable: true });
          return copy;
        }),
      );
      assert.equal(reads, 1, `${field} was read ${reads} times`);
    });
  }
});

describe("sparse arrays, array-likes and hostile array lengths", () => {
  const CASES = [
    ["a hole in locations", "addDoctor", [0, "locations"], () => [, "A"], "locations[0]"],
    ["a hole at the end of locations", "addDoctor", [0, "locations"], () => ["A", ,], "locations[1]"],
    ["a hole in schedule", "addDoctor", [0, "schedule"], () => [, rule()], "schedule[0]"],
    ["a hole in days", "addDoctor", [0, "schedule", 0, "days"], () => ["mon", , "fri"], "schedule[0].days[1]"],
    ["a hole in patch locations", "updateDoctor", [1, "locations"], () => ["A", , "B"], "locations[1]"],
    ["an array-like for locations", "addDoctor", [0, "locations"], () => ({ 0: "A", length: 1 }), "locations"],
    ["a string for locations", "addDoctor", [0, "locations"], () => "A", "locations"],
    ["a Set for locations", "addDoctor", [0, "locations"], () => new Set(["A"]), "locations"],
    ["a typed array for days", "addDoctor", [0, "schedule", 0, "days"], () => new Uint8Array(1), "schedule[0].days"],
    ["an array of 1000 levels for days", "addDoctor", [0, "schedule", 0, "days"], () => nested(1000, "array", "mon"), within("schedule[0].days")],
  ];
  for (const [label, methodName, path, make, field] of CASES) {
    test(`${methodName}: ${label}`, () => {
      expectRefused(`${methodName}(${label})`, M(methodName), () => setAt(METHODS[methodName].valid(), path, make()), { field });
    });
  }
  // An array-like Proxy claiming 2^32 - 1 items costs nothing to make; the engine must refuse it
  // by its length (the limit is 100 locations / 100 rules; 7 distinct days) instead of reading
  // (and storing) every item: that is unbounded time and memory, and an out-of-memory trap kills
  // every Hospital of the process. The Proxy stops answering after 10,000 reads to keep the
  // test fast.
  const HUGE_LENGTH = [
    ["locations", "addDoctor", [0, "locations"], () => "L", 100],
    ["schedule", "addDoctor", [0, "schedule"], () => rule(), 100],
    ["schedule[0].days", "addDoctor", [0, "schedule", 0, "days"], () => "mon", 7],
    ["locations", "updateDoctor", [1, "locations"], () => "L", 100],
  ];
  for (const [field, methodName, path, item, limit] of HUGE_LENGTH) {
    test(`${methodName} ${field}: an array Proxy of length 2^32 - 1 is refused without reading every item`, () => {
      let reads = 0;
      const make = () =>
        setAt(
          METHODS[methodName].valid(),
          path,
          new Proxy([], {
            get(target, key) {
              if (key === "length") return 2 ** 32 - 1;
              if (typeof key === "symbol" || !/^\d+$/.test(key)) return Reflect.get(target, key);
              reads += 1;
              if (reads > 10_000) throw new Error("read 10,000 items of a 4-billion-item array");
              return item();
            },
          }),
        );
      const started = performance.now();
      expectRefused(`${methodName}(${field} of length 2^32-1)`, M(methodName), make, { field }, { checkMutation: false });
      assert.ok(reads <= limit + 1, `${field}: read ${reads} items of an array that can hold at most ${limit} (${(performance.now() - started).toFixed(0)} ms)`);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Strings: huge, lone surrogates, non-BMP, limits, dates
// ---------------------------------------------------------------------------------------------

/** Every string field, with where it lives. */
const STRING_FIELDS = FIELDS.filter(([methodName, , , kind]) => STRING_KINDS.includes(kind) && methodName !== "fromSnapshot");

describe("10 MB strings in every string field are refused naming the field, with a readable message", () => {
  // One field per way a string is read: a positional id, a struct field, a lookup id and a
  // location inside a request, a date-time, a window bound, a clock time, an enum, free text.
  const REPRESENTATIVE = new Set(["getDoctor id", "addDoctor name", "book doctorId", "book location", "book start", "appointments from", "addDoctor schedule[0].start", "addDoctor schedule[0].days[1]", "cancel reason"]);
  for (const [methodName, path, field] of STRING_FIELDS) {
    const huge = REPRESENTATIVE.has(`${methodName} ${field}`) ? HUGE : BIG;
    const size = huge.length >= HUGE.length ? "10 MB" : `${(huge.length / 1024 / 1024).toFixed(0)} MB`;
    test(`${methodName} ${field}: ${size}`, () => {
      expectRefused(`${methodName}(${field} = ${size})`, M(methodName), () => setAt(METHODS[methodName].valid(), path, huge), { field });
    });
  }
  for (const [methodName, path, field] of OBJECTS) {
    test(`${methodName} ${field}: a 10 MB unknown key`, () => {
      expectRefused(`${methodName}(${field} with a 10 MB key)`, M(methodName), () => replaceAt(METHODS[methodName].valid(), path, (o) => ({ ...o, [methodName === "addDoctor" && path.length === 1 ? HUGE : BIG]: 1 })), {
        field: anyField,
      });
    });
  }
});

describe("lone surrogates are refused naming the field, never replaced", () => {
  const LONE = [
    ["a lone high surrogate", (s) => `${s}\uD800`],
    ["a lone low surrogate", (s) => `\uDC00${s}`],
    ["a reversed pair", (s) => `${s.slice(0, 1)}\uDE00\uD83D${s.slice(1)}`],
    ["a valid pair then a lone high surrogate", (s) => `${s}\uD83D\uDE00\uDBFF`],
  ];
  for (const [methodName, path, field] of STRING_FIELDS) {
    for (const [label, spoil] of LONE) {
      test(`${methodName} ${field}: ${label}`, () => {
        expectRefused(`${methodName}(${field} with ${label})`, M(methodName), () => {
          const args = METHODS[methodName].valid();
          const value = getAt(args, path);
          return setAt(args, path, spoil(typeof value === "string" ? value : "x"));
        }, { field });
      });
    }
  }
  test("fromSnapshot: a lone surrogate in the text", () => {
    // The string holding the lone surrogate is refused where it is, as an escaped one is; so is
    // one outside any string, which is no JSON.
    for (const [text, path] of [
      [VALID_SNAPSHOT.replace('"Dr. Ada"', '"Dr. \uD800Ada"'), "doctors[0].name"],
      [VALID_SNAPSHOT.replace('"Dr. Ada"', '"Dr. Ada\uDC00"'), "doctors[0].name"],
      [VALID_SNAPSHOT.replace('"p1"', '"p\uD83D"'), "appointments[0].patient"],
      [VALID_SNAPSHOT.replace('"Dr. Ada"', '"Dr. \\\\\uD800Ada"'), "doctors[0].name"],
    ]) {
      assert.ok(!text.isWellFormed());
      const error = expectRefused("fromSnapshot(a lone surrogate)", M("fromSnapshot"), () => [text], { code: "INVALID_SNAPSHOT", path });
      assert.match(error.message, /surrogate/);
    }
    // A backslash before it cannot escape it: still no JSON, never a string that was not there.
    const escaped = VALID_SNAPSHOT.replace('"Dr. Ada"', '"Dr. \\\uD800Ada"');
    expectRefused("fromSnapshot(a backslash and a lone surrogate)", M("fromSnapshot"), () => [escaped], { code: "INVALID_SNAPSHOT", path: "doctors[0].name" });
    const outside = VALID_SNAPSHOT.replace('"doctors":[', '"doctors":\uD800[');
    expectRefused("fromSnapshot(a lone surrogate outside a string)", M("fromSnapshot"), () => [outside], { code: "INVALID_SNAPSHOT", path: anyPath });
  });
  test("fromSnapshot: a key given twice is refused, naming the key", () => {
    for (const [text, path, key] of [
      [VALID_SNAPSHOT.replace('{"format":"dr-schedule"', '{"format":"dr-schedule","format":"dr-schedule"'), oneOf("", "format"), "format"],
      [VALID_SNAPSHOT.replace('"revision":4', '"revision":4,"revision":4'), oneOf("", "revision"), "revision"],
      [VALID_SNAPSHOT.replace('{"id":"d1"', '{"id":"d1","id":"d1"'), within("doctors[0]"), "id"],
      [VALID_SNAPSHOT.replace('"slotMinutes":15', '"slotMinutes":15,"slotMinutes":30'), within("options"), "slotMinutes"],
      [VALID_SNAPSHOT.replace('{"requestId":"r1"', '{"requestId":"r1","requestId":"r2"'), within("appointments[0]"), "requestId"],
    ]) {
      const error = expectRefused(`fromSnapshot(${key} twice)`, M("fromSnapshot"), () => [text], { code: "INVALID_SNAPSHOT", path });
      assert.ok(error.message.includes(`"${key}"`) || error.message.includes(key), error.message);
      assert.match(error.message, /twice|duplicate|more than once|again/i, error.message);
    }
  });
  for (const [methodName, path, field] of OBJECTS) {
    test(`${methodName} ${field}: a key with a lone surrogate`, () => {
      expectRefused(`${methodName}(${field} with a lone-surrogate key)`, M(methodName), () => replaceAt(METHODS[methodName].valid(), path, (o) => ({ ...o, "na\uD800me": "x" })), {
        field: path.length === 1 ? anyField : within(field),
      });
    });
  }
});

describe("non-BMP Unicode is accepted and round-trips exactly", () => {
  const NAMES = [
    "Dr. 😀 Smile",
    "𝔸𝕕𝕒 𝕃𝕠𝕧𝕖𝕝𝕒𝕔𝕖",
    "👩🏽‍⚕️ Dr. Zoë",
    "𠀀𠀁𠀂 (CJK Extension B)",
    "𐐷𐑌 Deseret",
    "Plane 16 \u{10FFFD}",
    "e\u0301 (decomposed) vs \u00e9",
    "🏥".repeat(50),
  ];
  for (const name of NAMES) {
    test(`name and location ${JSON.stringify(name)}`, () => {
      const h = new Hospital();
      // Cut by code points, never inside a surrogate pair.
      const short = (n) => Array.from(name).slice(0, n).join("");
      const locations = [name, `${short(10)} annex`];
      const doctor = h.addDoctor({ name, locations, schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
      assert.equal(doctor.name, name);
      assert.deepEqual(doctor.locations, locations);
      assert.deepEqual(h.getDoctor(doctor.id), { id: doctor.id, name, locations, schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
      const appointment = h.book({ doctorId: doctor.id, location: name, start: "2019-02-01T10:00", patient: short(30), requestId: short(20) });
      assert.equal(appointment.location, name);
      h.cancel(appointment.id, { reason: name });
      const snapshot = h.toSnapshot();
      assert.ok(snapshot.includes(JSON.stringify(name).slice(1, -1)), "the snapshot holds the name as written");
      const restored = Hospital.fromSnapshot(snapshot);
      assert.equal(restored.toSnapshot(), snapshot);
      assert.deepEqual(restored.getDoctor(doctor.id), h.getDoctor(doctor.id));
      assert.deepEqual(restored.getAppointment(appointment.id), h.getAppointment(appointment.id));
      assert.equal(restored.getAppointment(appointment.id).cancelReason, name);
      const renamed = restored.updateDoctor(doctor.id, { name: `${short(20)}!`, locations: [`!${short(20)}`] }, { cancelAppointments: true });
      assert.equal(renamed.name, `${short(20)}!`);
      assert.deepEqual(renamed.locations, [`!${short(20)}`]);
    });
  }
  test("locations are matched exactly: no Unicode normalization", () => {
    const h = new Hospital();
    h.addDoctor({ name: "Dr. N", locations: ["Caf\u00e9", "Cafe\u0301"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
    assert.deepEqual(h.getDoctor("d1").locations, ["Caf\u00e9", "Cafe\u0301"]);
    assert.equal(h.book({ doctorId: "d1", location: "Cafe\u0301", start: "2019-02-01T10:00" }).location, "Cafe\u0301");
    const error = attempt(() => h.book({ doctorId: "d1", location: "CAF\u00c9", start: "2019-02-01T11:00" })).error;
    assertHospitalError(error, { code: "LOCATION_NOT_SERVED" }, "a case variant");
  });
});

describe("text rules: blank and control characters are refused naming the field", () => {
  const TEXT_FIELDS = [
    ["addDoctor", [0, "name"], "name"],
    ["addDoctor", [0, "locations", 0], "locations[0]"],
    ["updateDoctor", [1, "name"], "name"],
    ["updateDoctor", [1, "locations", 1], "locations[1]"],
    ["book", [0, "patient"], "patient"],
    ["book", [0, "requestId"], "requestId"],
    ["cancel", [1, "reason"], "reason"],
  ];
  const BAD = [
    ["empty", ""],
    ["spaces", "   "],
    ["a tab", "\t"],
    ["an ideographic space", "\u3000"],
    ["NUL", "a\u0000b"],
    ["a newline", "a\nb"],
    ["DEL", "a\u007fb"],
    ["NEL (C1)", "a\u0085b"],
    ["ESC", "a\u001b[31mred"],
  ];
  for (const [methodName, path, field] of TEXT_FIELDS) {
    for (const [label, value] of BAD) {
      test(`${methodName} ${field}: ${label}`, () => {
        expectRefused(`${methodName}(${field} = ${label})`, M(methodName), () => setAt(METHODS[methodName].valid(), path, value), { field });
      });
    }
  }
  const IDS = [
    ["addDoctor", [0, "id"], "id"],
    ["book", [0, "id"], "id"],
  ];
  const BAD_IDS = ["", " ", "a b", "a/b", "é", "😀", "a\u0000", "../etc", "<script>", "d1\n"];
  for (const [methodName, path, field] of IDS) {
    for (const value of BAD_IDS) {
      test(`${methodName} ${field}: ${JSON.stringify(value)}`, () => {
        expectRefused(`${methodName}(${field} = ${JSON.stringify(value)})`, M(methodName), () => setAt(METHODS[methodName].valid(), path, value), { field });
      });
    }
  }
});

describe("dates and times: only the exact shapes, years 0001 to 9999", () => {
  const BAD_DATE_TIMES = [
    "0000-01-01T00:00",
    "10000-01-01T00:00",
    "+002019-02-01T10:00",
    "-002019-02-01T10:00",
    "+2019-02-01T10:00",
    "2019-02-01T10:00:00",
    "2019-02-01T10:00:00.000Z",
    "2019-02-01T10:00Z",
    "2019-02-01T10:00+01:00",
    "2019-02-01 10:00",
    "2019-02-01t10:00",
    "2019-02-01T1000",
    "2019-02-01T10:0",
    "2019-2-01T10:00",
    "2019-02-1T10:00",
    "19-02-01T10:00",
    "2019/02/01T10:00",
    "20190201T1000",
    "2019-W05-5T10:00",
    "2019-032T10:00",
    "2019-02-30T10:00",
    "2019-02-29T10:00",
    "1900-02-29T10:00",
    "2019-13-01T10:00",
    "2019-00-01T10:00",
    "2019-02-00T10:00",
    "2019-02-01T24:00",
    "2019-02-01T23:60",
    "2019-02-01T-1:00",
    " 2019-02-01T10:00",
    "2019-02-01T10:00 ",
    "2019-02-01T10:00\n",
    "2019-02-01T10:00\u0000",
    "２０１９-02-01T10:00",
    "٢٠١٩-02-01T10:00",
    "2019-02-01T10:0０",
    "2019\u201002\u201001T10:00",
    "2019-02-01T10\u223600",
    "",
    "T",
    "2019-02-01T",
    "10:00",
    "yesterday",
    "NaN",
    "2019-02-01T10:00".repeat(2),
    "0x7E3-02-01T10:00",
  ];
  const BAD_DATES = ["0000-01-01", "10000-01-01", "+002019-02-01", "2019-02-30", "2019-13-01", "2019-02-00", "2019-2-01", "2019-02-1", "2019/02/01", "20190201", " 2019-02-01", "2019-02-01 ", "２０１９-02-01", "2019-02-29", "1900-02-29", "-2019-02-01"];
  const BAD_BOUNDS = [...BAD_DATE_TIMES, ...BAD_DATES];
  for (const value of BAD_DATE_TIMES) {
    test(`book start ${JSON.stringify(value)}`, () => {
      expectRefused(`book(start = ${JSON.stringify(value)})`, M("book"), () => setAt(METHODS.book.valid(), [0, "start"], value), { field: "start" });
    });
  }
  test('book start "2019-02-01" (a date where a date-time is needed)', () => {
    expectRefused("book(start = date)", M("book"), () => setAt(METHODS.book.valid(), [0, "start"], "2019-02-01"), { field: "start" });
  });
  for (const [methodName, field] of [
    ["appointments", "from"],
    ["appointments", "to"],
    ["availableSlots", "from"],
    ["availableSlots", "to"],
  ]) {
    for (const value of BAD_BOUNDS) {
      test(`${methodName} ${field} ${JSON.stringify(value)}`, () => {
        expectRefused(`${methodName}(${field} = ${JSON.stringify(value)})`, M(methodName), () => setAt(METHODS[methodName].valid(), [1, field], value), { field });
      });
    }
  }
  const BAD_CLOCKS = ["9:00", "09:0", "0900", "09.00", "09:00:00", "24:01", "25:00", "-1:00", "09:60", " 09:00", "09:00 ", "０9:00", "9am", "", "T09:00", "09:00Z", "2019-02-01T09:00", "+9:00"];
  for (const field of ["start", "end"]) {
    for (const value of BAD_CLOCKS) {
      test(`addDoctor schedule[0].${field} ${JSON.stringify(value)}`, () => {
        expectRefused(`addDoctor(schedule[0].${field} = ${JSON.stringify(value)})`, M("addDoctor"), () => setAt(METHODS.addDoctor.valid(), [0, "schedule", 0, field], value), {
          field: `schedule[0].${field}`,
        });
      });
    }
  }
  const BAD_DAYS = ["monday", "Mon", "MON", "mon ", "", "lun", "m", "0", "mon\u0000"];
  for (const value of BAD_DAYS) {
    test(`addDoctor schedule[0].days[1] ${JSON.stringify(value)}`, () => {
      expectRefused(`addDoctor(days[1] = ${JSON.stringify(value)})`, M("addDoctor"), () => setAt(METHODS.addDoctor.valid(), [0, "schedule", 0, "days", 1], value), {
        field: "schedule[0].days[1]",
      });
    });
  }
  for (const value of ["BOOKED", "Booked", "any", "", "booked "]) {
    test(`appointments status ${JSON.stringify(value)}`, () => {
      expectRefused(`appointments(status = ${JSON.stringify(value)})`, M("appointments"), () => setAt(METHODS.appointments.valid(), [1, "status"], value), { field: "status" });
    });
  }

  /** A hospital whose doctor d1 works every day, all day, at "A". */
  function allDayHospital() {
    const h = new Hospital();
    h.addDoctor({ name: "Dr. Always", locations: ["A"], schedule: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "00:00", end: "24:00" }] });
    return h;
  }
  const GOOD = ["0001-01-01T00:00", "0001-12-31T23:45", "1582-10-10T10:00", "1900-02-28T10:00", "2000-02-29T10:00", "2024-02-29T23:45", "9999-12-31T00:00", "9999-12-31T23:30"];
  for (const start of GOOD) {
    test(`edge date-time ${start} is accepted and round-trips`, () => {
      const h = allDayHospital();
      const appointment = h.book({ doctorId: "d1", location: "A", start });
      assert.equal(appointment.start, start);
      const day = start.slice(0, 10);
      assert.deepEqual(h.appointments("d1", { from: day, to: day }).map((a) => a.id), [appointment.id]);
      assert.ok(h.availableSlots("d1", { from: day, to: day }).length > 0);
      assert.ok(!h.availableSlots("d1", { from: day, to: day }).includes(start));
      const snapshot = h.toSnapshot();
      const restored = attempt(() => Hospital.fromSnapshot(snapshot));
      assert.ok(restored.ok, restored.ok ? "" : describeError(restored.error));
      assert.equal(restored.value.toSnapshot(), snapshot);
    });
  }
  test("schedule edges: 00:00 to 24:00 and a one-minute rule are accepted", () => {
    const h = new Hospital();
    const doctor = h.addDoctor({ name: "Dr. E", locations: ["A"], schedule: [{ days: ["sun"], start: "00:00", end: "24:00" }, { days: ["mon"], start: "23:59", end: "24:00" }] });
    assert.equal(doctor.schedule[0].end, "24:00");
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-03T23:45" }).end, "2019-02-04T00:00");
  });

  describe("the end of the range: appointments end before 10000-01-01T00:00 (README, Times)", () => {
    test("9999-12-31T23:30 for 15 minutes is the last one booked, listed and offered", () => {
      const h = allDayHospital();
      assert.deepEqual(h.availableSlots("d1", { from: "9999-12-31T23:00", to: "9999-12-31" }), ["9999-12-31T23:00", "9999-12-31T23:15", "9999-12-31T23:30"]);
      const last = h.book({ doctorId: "d1", location: "A", start: "9999-12-31T23:30" });
      assert.equal(last.end, "9999-12-31T23:45");
      assert.deepEqual(h.appointments("d1", { from: "9999-12-31", to: "9999-12-31" }).map((a) => a.id), [last.id]);
      assert.equal(h.book({ doctorId: "d1", location: "A", start: "9999-12-31T22:00", durationMinutes: 60 }).end, "9999-12-31T23:00");
    });
    test("a hospital holding the last one round-trips through its snapshot", () => {
      const h = allDayHospital();
      h.book({ doctorId: "d1", location: "A", start: "9999-12-31T23:30" });
      const snapshot = h.toSnapshot();
      const restored = attempt(() => Hospital.fromSnapshot(snapshot));
      assert.ok(restored.ok, `toSnapshot() wrote a snapshot fromSnapshot() refuses: ${restored.ok ? "" : describeError(restored.error)}`);
      assert.equal(restored.value.toSnapshot(), snapshot);
    });
    test("ending exactly at 10000-01-01T00:00 is refused as outside hours, changing nothing", () => {
      const h = allDayHospital();
      const before = h.toSnapshot();
      for (const [start, durationMinutes] of [["9999-12-31T23:45", 15], ["9999-12-31T23:00", 60]]) {
        assertHospitalError(attempt(() => h.book({ doctorId: "d1", location: "A", start, durationMinutes })).error, { codes: ["OUTSIDE_HOURS"] }, start);
      }
      assert.equal(h.toSnapshot(), before);
    });
    test("9999-12-31T23:45 for 30 minutes (past the end) is refused", () => {
      const h = allDayHospital();
      const before = h.toSnapshot();
      const { error } = attempt(() => h.book({ doctorId: "d1", location: "A", start: "9999-12-31T23:45", durationMinutes: 30 }));
      assertHospitalError(error, { codes: ["INVALID_INPUT", "OUTSIDE_HOURS"], field: oneOf("start", "durationMinutes") }, "past the end of the range");
      assert.equal(h.toSnapshot(), before);
    });
    test("10000-01-01T00:00 as a start is INVALID_INPUT", () => {
      const h = allDayHospital();
      assertHospitalError(attempt(() => h.book({ doctorId: "d1", location: "A", start: "10000-01-01T00:00" })).error, { field: "start" }, "year 10000");
    });
    test("a duration of 2^32 - 16 minutes from an ordinary start is not blamed on the start", () => {
      const h = allDayHospital();
      const { error } = attempt(() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", durationMinutes: 2 ** 32 - 16 }));
      // 4294967280 is a multiple of 15 and fits a u32: the fault is the duration (longer than
      // any day), so OUTSIDE_HOURS or INVALID_INPUT naming durationMinutes; never "start".
      assertHospitalError(error, { codes: ["INVALID_INPUT", "OUTSIDE_HOURS"], field: "durationMinutes" }, "huge duration");
    });
    test("0001-01-01 (a Monday) is the first bookable day", () => {
      const h = allDayHospital();
      assert.deepEqual(h.availableSlots("d1", { from: "0001-01-01", to: "0001-01-01T00:30" }), ["0001-01-01T00:00", "0001-01-01T00:15"]);
      assert.equal(h.book({ doctorId: "d1", location: "A", start: "0001-01-01T00:00" }).end, "0001-01-01T00:15");
    });
    test("availableSlots over the last 366 days of the range", () => {
      const h = allDayHospital();
      const slots = h.availableSlots("d1", { from: "9998-12-31", to: "9999-12-31", limit: 2 ** 32 - 1 });
      // Every quarter hour of 366 days but the last one, which would end at 10000-01-01T00:00.
      assert.equal(slots.length, 366 * 96 - 1);
      assert.equal(slots.at(-1), "9999-12-31T23:30");
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The documented limits, one by one: at the limit accepted, one over refused naming the field.
// ---------------------------------------------------------------------------------------------

describe("the Limits table of the README", () => {
  /** A string of exactly `bytes` UTF-8 bytes made of `unit` (1, 2 or 4 bytes) padded with "a". */
  const bytesOf = (unit, bytes) => {
    const size = new TextEncoder().encode(unit).length;
    return unit.repeat(Math.floor(bytes / size)) + "a".repeat(bytes % size);
  };
  const STRING_LIMITS = [
    // [what, limit in bytes, method, path, field, unit of the string]
    ["doctor id", 64, "addDoctor", [0, "id"], "id", "i"],
    ["appointment id", 64, "book", [0, "id"], "id", "i"],
    ["doctor name", 200, "addDoctor", [0, "name"], "name", "n"],
    ["doctor name in 2-byte characters", 200, "addDoctor", [0, "name"], "name", "é"],
    ["doctor name in 4-byte characters", 200, "addDoctor", [0, "name"], "name", "😀"],
    ["doctor name in an update", 200, "updateDoctor", [1, "name"], "name", "n"],
    ["location", 200, "addDoctor", [0, "locations", 1], "locations[1]", "l"],
    ["location in 3-byte characters", 200, "addDoctor", [0, "locations", 1], "locations[1]", "€"],
    ["location in an update", 200, "updateDoctor", [1, "locations", 1], "locations[1]", "l"],
    ["patient reference", 200, "book", [0, "patient"], "patient", "p"],
    ["patient reference in 4-byte characters", 200, "book", [0, "patient"], "patient", "𝔭"],
    ["requestId", 128, "book", [0, "requestId"], "requestId", "r"],
    ["requestId in 4-byte characters", 128, "book", [0, "requestId"], "requestId", "😀"],
    ["cancellation reason", 500, "cancel", [1, "reason"], "reason", "r"],
    ["cancellation reason in 2-byte characters", 500, "cancel", [1, "reason"], "reason", "ß"],
    ["notes", 2000, "book", [0, "notes"], "notes", "n"],
    ["notes in 3-byte characters", 2000, "book", [0, "notes"], "notes", "€"],
    ["notes of a hold", 2000, "hold", [0, "notes"], "notes", "n"],
    ["notes of a reschedule", 2000, "reschedule", [1, "notes"], "notes", "n"],
    ["notes of an update", 2000, "updateAppointment", [1, "notes"], "notes", "ß"],
    ["patient reference of an update", 200, "updateAppointment", [1, "patient"], "patient", "p"],
  ];
  test("time zone name (limits.rs): 64 bytes read as a name (and refused as unknown), 65 refused as no name", () => {
    // A zone must be one the runtime knows: no 64-byte one is, so the limit shows in the reason.
    const unknown = thrown(() => new Hospital({ timeZone: "Z".repeat(64) }));
    assertHospitalError(unknown, { field: "timeZone" }, "64 bytes");
    assert.match(unknown.message, /is not a time zone this runtime knows/);
    const long = thrown(() => new Hospital({ timeZone: "Z".repeat(65) }));
    assertHospitalError(long, { field: "timeZone" }, "65 bytes");
    assert.match(long.message, /is not an IANA time zone name/);
  });
  for (const [what, limit, methodName, path, field, unit] of STRING_LIMITS) {
    test(`${what}: ${limit} bytes accepted, ${limit + 1} refused`, () => {
      const method = METHODS[methodName];
      const atLimit = bytesOf(unit, limit);
      assert.equal(new TextEncoder().encode(atLimit).length, limit);
      const h = smallHospital();
      const args = setAt(method.valid(), path, atLimit);
      const result = attempt(() => method.call(h, args));
      assert.ok(result.ok, `${what} of ${limit} bytes refused: ${result.ok ? "" : describeError(result.error)}`);
      assert.ok(JSON.stringify(comparable(result.value)).includes(atLimit), `${what} not stored exactly`);
      expectRefused(`${what} of ${limit + 1} bytes`, M(methodName), () => setAt(method.valid(), path, `${atLimit}a`), { field });
      expectRefused(`${what} of ${limit + 4} bytes`, M(methodName), () => setAt(method.valid(), path, `${atLimit}😀`), { field });
    });
  }
  const COUNT_LIMITS = [
    ["locations per doctor", 100, "addDoctor", [0, "locations"], "locations", (i) => `Location ${i}`],
    ["locations per doctor in an update", 100, "updateDoctor", [1, "locations"], "locations", (i) => (i < 2 ? ["A", "B"][i] : `Location ${i}`)],
    ["schedule rules per doctor", 100, "addDoctor", [0, "schedule"], "schedule", () => rule()],
    ["schedule rules per doctor in an update", 100, "updateDoctor", [1, "schedule"], "schedule", () => ({ days: ["fri"], start: "08:00", end: "18:00" })],
  ];
  for (const [what, limit, methodName, path, field, item] of COUNT_LIMITS) {
    test(`${what}: ${limit} accepted, ${limit + 1} refused`, () => {
      const method = METHODS[methodName];
      const list = (n) => Array.from({ length: n }, (_, i) => item(i));
      const result = attempt(() => method.call(smallHospital(), setAt(method.valid(), path, list(limit))));
      assert.ok(result.ok, `${limit} ${what} refused: ${result.ok ? "" : describeError(result.error)}`);
      expectRefused(`${limit + 1} ${what}`, M(methodName), () => setAt(method.valid(), path, list(limit + 1)), { field });
    });
  }
  test("availableSlots window: 366 days accepted, a minute more refused", () => {
    const h = smallHospital();
    // 2019 has 365 days: 2019-01-01 + 366 days is 2020-01-02.
    assert.ok(h.availableSlots("d1", { from: "2019-01-01", to: "2020-01-02T00:00" }).length > 0);
    assert.ok(h.availableSlots("d1", { from: "2019-01-01", to: "2020-01-01" }).length > 0);
    expectRefused("a window of 366 days and 15 minutes", M("availableSlots"), () => ["d1", { from: "2019-01-01", to: "2020-01-02T00:15" }], { field: "to" });
    expectRefused("a window of 367 days", M("availableSlots"), () => ["d1", { from: "2019-01-01", to: "2020-01-02" }], { field: "to" });
    expectRefused("the whole range", M("availableSlots"), () => ["d1", { from: "0001-01-01", to: "9999-12-31", limit: 1 }], { field: "to" });
  });
  test("doctors per hospital: 10,000 accepted, the 10,001st refused; the hospital keeps working", () => {
    const h = new Hospital();
    const started = performance.now();
    for (let i = 0; i < 10_000; i += 1) h.addDoctor({ name: `Dr. ${i}`, locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 5000, `10,000 addDoctor calls took ${elapsed.toFixed(0)} ms`);
    const before = h.toSnapshot();
    const revision = h.revision;
    const error = attempt(() => h.addDoctor({ name: "Dr. One Too Many", locations: ["A"], schedule: [] })).error;
    assertHospitalError(error, { code: "HOSPITAL_FULL" }, "the 10,001st doctor");
    assert.deepEqual(error.details, { limitOf: "doctors", current: 10_000, limit: 10_000 });
    assert.match(error.message, /10,?000/);
    assertUnchanged(h, before, revision, "the 10,001st doctor");
    // Removing one makes room again; the id counter does not reuse d10000.
    h.removeDoctor("d5");
    assert.equal(h.addDoctor({ name: "Dr. Room", locations: ["A"], schedule: [] }).id, "d10001");
    assert.equal(h.book({ doctorId: "d10000", location: "A", start: "2019-02-01T09:00" }).status, "booked");
    const snapshot = h.toSnapshot();
    assert.equal(Hospital.fromSnapshot(snapshot).toSnapshot(), snapshot);
    const over = JSON.parse(snapshot);
    over.doctors.push({ id: "extra", name: "Dr. Extra", locations: ["A"], schedule: [] });
    assertHospitalError(attempt(() => Hospital.fromSnapshot(snapshotText(over))).error, { code: "INVALID_SNAPSHOT", path: "doctors[10000]" }, "a snapshot of 10,001 doctors");
  });
  test("metadata: 4 levels, 64 keys or items each, 4,096 bytes of JSON accepted; one more refused naming it", () => {
    const deep = (levels) => (levels === 1 ? { leaf: 1 } : { a: deep(levels - 1) });
    const keys = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    const items = (n) => ({ list: Array.from({ length: n }, (_, i) => i) });
    // {"k":"…"} is 8 bytes around the string.
    const bytes = (n) => ({ k: "x".repeat(n - 8) });
    assert.equal(JSON.stringify(bytes(4096)).length, 4096);
    for (const [what, atLimit, over] of [
      ["levels", deep(4), deep(5)],
      ["keys", keys(64), keys(65)],
      ["items", items(64), items(65)],
      ["bytes", bytes(4096), bytes(4097)],
      ["bytes in 2-byte characters", { k: "é".repeat(2044) }, { k: "é".repeat(2045) }],
    ]) {
      for (const [methodName, path] of [["book", [0, "metadata"]], ["updateAppointment", [1, "metadata"]], ["reschedule", [1, "metadata"]], ["hold", [0, "metadata"]]]) {
        const method = METHODS[methodName];
        const result = attempt(() => method.call(smallHospital(), setAt(method.valid(), path, atLimit)));
        assert.ok(result.ok, `${methodName} metadata at the limit of ${what} refused: ${result.ok ? "" : describeError(result.error)}`);
        assert.deepEqual(result.value.metadata, atLimit);
        // Refused all the same; where, for book, hold and reschedule, is METADATA_PATH_BUG.
        const field = methodName === "updateAppointment" ? within("metadata") : anyField;
        expectRefused(`${methodName} metadata over the limit of ${what}`, M(methodName), () => setAt(method.valid(), path, over), { field });
      }
    }
  });
  test("metadata: an array counts one level, as an object does", () => {
    const h = smallHospital();
    for (const metadata of [{ a: [[[1]]] }, { a: { b: { c: [1] } } }, { a: [{ b: [1] }] }]) {
      assert.deepEqual(h.updateAppointment("a1", { metadata }).metadata, metadata);
    }
    expectRefused("metadata with 5 levels of arrays", M("updateAppointment"), () => ["a1", { metadata: { a: [[[[1]]]] } }], { field: within("metadata") });
  });
  test("metadata over a limit in book, hold and reschedule is named under metadata", () => {
    for (const [methodName, path] of [["book", [0, "metadata"]], ["hold", [0, "metadata"]], ["reschedule", [1, "metadata"]]]) {
      // book({ …, metadata: { a: { a: { a: { a: { leaf: 1 } } } } } }) names "a.a.a.a".
      expectRefused(`${methodName} metadata 5 levels deep`, M(methodName), () => setAt(METHODS[methodName].valid(), path, { a: { a: { a: { a: { leaf: 1 } } } } }), { field: within("metadata") });
    }
  });
  test("metadata: an object, of finite numbers, no key twice", () => {
    for (const value of [[], "x", 1, true, [{}]]) {
      expectRefused(`book(metadata = ${preview(value)})`, M("book"), () => setAt(METHODS.book.valid(), [0, "metadata"], value), { field: "metadata" });
    }
    for (const value of [{ n: NaN }, { n: Infinity }, { n: [1, -Infinity] }, { f() {} }, { s: Symbol("s") }, { b: 1n }, { d: new Date(0) }, { m: new Map() }]) {
      expectRefused(`book(metadata = ${preview(value)})`, M("book"), () => setAt(METHODS.book.valid(), [0, "metadata"], value), { field: within("metadata") });
    }
    // Keys keep their order, and the same object always gives the same text.
    const h = smallHospital();
    const metadata = { z: 1, a: { y: [1, "two", null, false], b: -0.5 }, "": "empty key", "é": "é" };
    assert.equal(JSON.stringify(h.book({ ...METHODS.book.valid()[0], metadata }).metadata), JSON.stringify(metadata));
  });
  test("notes: line breaks and tabs allowed, other control characters refused", () => {
    const h = smallHospital();
    assert.equal(h.updateAppointment("a1", { notes: "line 1\nline 2\r\n\tindented" }).notes, "line 1\nline 2\r\n\tindented");
    for (const value of ["a\u0000b", "a\u007fb", "a\u0085b", "a\u001b[31mred"]) {
      expectRefused(`book(notes = ${JSON.stringify(value)})`, M("book"), () => setAt(METHODS.book.valid(), [0, "notes"], value), { field: "notes" });
      expectRefused(`updateAppointment(notes = ${JSON.stringify(value)})`, M("updateAppointment"), () => setAt(METHODS.updateAppointment.valid(), [1, "notes"], value), { field: "notes" });
    }
  });
  test("a page (limit): 1 to 100,000 appointments", () => {
    for (const [methodName, path] of [["appointments", [1, "limit"]], ["findAppointments", [0, "limit"]]]) {
      const method = METHODS[methodName];
      for (const limit of [1, 100_000]) {
        const result = attempt(() => method.call(smallHospital(), setAt(method.valid(), path, limit)));
        assert.ok(result.ok, `${methodName} limit ${limit}: ${result.ok ? "" : describeError(result.error)}`);
      }
      for (const limit of [0, 100_001]) {
        expectRefused(`${methodName}(limit = ${limit})`, M(methodName), () => setAt(method.valid(), path, limit), { field: "limit" });
      }
    }
  });
  test("maxSnapshotBytes: 16 KiB to 256 MiB, in new Hospital and in fromSnapshot", () => {
    for (const limit of [16 * 1024, 256 * 1024 * 1024]) {
      assert.equal(new Hospital({ maxSnapshotBytes: limit }).options.maxSnapshotBytes, limit);
      assert.equal(Hospital.fromSnapshot(VALID_SNAPSHOT, { maxSnapshotBytes: limit }).options.maxSnapshotBytes, Math.max(limit, 128 * 1024 * 1024));
    }
    for (const limit of [16 * 1024 - 1, 256 * 1024 * 1024 + 1, 0]) {
      expectRefused(`new Hospital(maxSnapshotBytes = ${limit})`, M("constructor"), () => [{ maxSnapshotBytes: limit }], { field: "maxSnapshotBytes" });
      expectRefused(`fromSnapshot(maxSnapshotBytes = ${limit})`, M("fromSnapshot"), () => [VALID_SNAPSHOT, { maxSnapshotBytes: limit }], { field: "maxSnapshotBytes" });
    }
  });
  test("actor: 128 bytes of text, non-blank, no control characters; null clears it", () => {
    const h = smallHospital();
    h.actor = "k".repeat(128);
    assert.equal(h.actor, "k".repeat(128));
    for (const value of ["k".repeat(129), "", "  ", "a\nb", 7, {}, "a\uD800"]) {
      const before = h.toSnapshot();
      const error = thrown(() => {
        h.actor = value;
      });
      assertHospitalError(error, { field: "actor" }, `actor = ${preview(value)}`);
      assert.equal(h.actor, "k".repeat(128));
      assert.equal(h.toSnapshot(), before);
    }
    h.actor = null;
    assert.equal(h.actor, null);
    h.actor = "key_1";
    h.actor = undefined;
    assert.equal(h.actor, null);
  });
  test("nesting: arguments 1000 levels deep are refused quickly, in every container field", () => {
    const started = performance.now();
    for (const [methodName, path, field, kind] of FIELDS) {
      if (!CONTAINER_KINDS.includes(kind)) continue;
      for (const shapeKind of ["array", "object"]) {
        expectRefused(`${methodName}(${field} = 1000 levels of ${shapeKind}s)`, M(methodName), () => setAt(METHODS[methodName].valid(), path, nested(1000, shapeKind)), {
          field: path.length === 1 ? anyField : within(field),
        });
      }
    }
    assert.ok(performance.now() - started < 5000, `took ${(performance.now() - started).toFixed(0)} ms`);
  });
});

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

describe("fromSnapshot with hostile snapshots", () => {
  const parsed = () => JSON.parse(VALID_SNAPSHOT);
  /** The valid snapshot, edited as an object, in the layout the package writes (fixture.mjs). */
  const edit = (change) => () => {
    const snapshot = parsed();
    change(snapshot);
    return snapshotText(snapshot);
  };
  /** The same edit, read whole: the same JSON with `version` first, which is not the layout. */
  const editWhole = (change) => () => {
    const { version, ...rest } = parsed();
    const snapshot = { version, ...rest };
    change(snapshot);
    return JSON.stringify(snapshot);
  };
  /** The golden version 2 fixture, edited: its appointments are objects, with an `end`. */
  const editV2 = (change) => () => {
    const snapshot = JSON.parse(goldenSnapshot(2));
    change(snapshot);
    return JSON.stringify(snapshot);
  };
  test("the helpers: the layout is the package's own, and the whole read agrees", () => {
    assert.equal(edit(() => {})(), VALID_SNAPSHOT);
    assert.equal(Hospital.fromSnapshot(editWhole(() => {})()).toSnapshot(), VALID_SNAPSHOT);
    assert.equal(Hospital.fromSnapshot(editV2(() => {})()).toSnapshot(), Hospital.fromSnapshot(goldenSnapshot(2)).toSnapshot());
  });
  const NOT_SNAPSHOTS = [
    ["a boxed String of the text", () => new String(VALID_SNAPSHOT)],
    ["the parsed object", () => JSON.parse(VALID_SNAPSHOT)],
    ["an object with toString", () => ({ toString: () => VALID_SNAPSHOT })],
    ["a Hospital", () => smallHospital()],
    ["an ArrayBuffer of the bytes", () => new TextEncoder().encode(VALID_SNAPSHOT).buffer],
    ["a DataView of the bytes", () => new DataView(new TextEncoder().encode(VALID_SNAPSHOT).buffer)],
    ["a Uint16Array of the text", () => Uint16Array.from(VALID_SNAPSHOT, (c) => c.charCodeAt(0))],
    ["an array of the bytes", () => [...new TextEncoder().encode(VALID_SNAPSHOT)]],
    ["a Proxy of a Uint8Array of the bytes", () => new Proxy(new TextEncoder().encode(VALID_SNAPSHOT), {})],
    ["a Uint8Array whose buffer was transferred", () => {
      const bytes = new TextEncoder().encode(VALID_SNAPSHOT);
      structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
      return bytes;
    }],
  ];
  for (const [label, make] of NOT_SNAPSHOTS) {
    test(`not a text or bytes: ${label}`, () => {
      expectRefused(`fromSnapshot(${label})`, M("fromSnapshot"), () => [make()], { field: "snapshot" }, { checkMutation: !/Hospital|Proxy|transferred/.test(label) });
    });
  }
  describe("bytes: any Uint8Array of the UTF-8 text loads as the text does, and none of its own code runs", () => {
    const BYTES = [
      ["toSnapshotBytes()", () => smallHospital().toSnapshotBytes()],
      ["a Uint8Array of the text", () => new TextEncoder().encode(VALID_SNAPSHOT)],
      ["a Buffer of the text", () => Buffer.from(VALID_SNAPSHOT)],
      ["a view into a larger buffer", () => {
        const text = new TextEncoder().encode(`xx${VALID_SNAPSHOT}yy`);
        return text.subarray(2, text.length - 2);
      }],
      ["a Uint8Array over a SharedArrayBuffer", () => {
        const text = new TextEncoder().encode(VALID_SNAPSHOT);
        const shared = new Uint8Array(new SharedArrayBuffer(text.length));
        shared.set(text);
        return shared;
      }],
      ["a subclass whose methods and getters throw", () => {
        class Sneaky extends Uint8Array {
          get length() { throw new Error("length read"); }
          subarray() { throw new Error("subarray called"); }
          indexOf() { throw new Error("indexOf called"); }
          slice() { throw new Error("slice called"); }
          static get [Symbol.species]() { throw new Error("species read"); }
        }
        const text = new TextEncoder().encode(VALID_SNAPSHOT);
        const bytes = new Sneaky(text.length);
        Uint8Array.prototype.set.call(bytes, text);
        return bytes;
      }],
      ["a frozen-prototype Uint8Array with an own toString", () => Object.assign(new TextEncoder().encode(VALID_SNAPSHOT), { toString: () => { throw new Error("toString"); } })],
    ];
    for (const [label, make] of BYTES) {
      test(label, () => {
        const bytes = make();
        const restored = Hospital.fromSnapshot(bytes);
        assert.equal(restored.toSnapshot(), VALID_SNAPSHOT);
        assert.deepEqual(restored.toSnapshotBytes(), new TextEncoder().encode(VALID_SNAPSHOT));
      });
    }
    test("bytes that are not UTF-8 are INVALID_SNAPSHOT, never replaced", () => {
      const text = new TextEncoder().encode(VALID_SNAPSHOT);
      const at = text.indexOf(0x41); // the "A" of "Dr. Ada": inside doctors[0]
      for (const [label, bad] of [["a lone continuation byte", [0x80]], ["a truncated sequence", [0xe2, 0x82]], ["an overlong NUL", [0xc0, 0x80]], ["an encoded surrogate", [0xed, 0xa0, 0x80]], ["0xFF", [0xff]]]) {
        const bytes = new Uint8Array([...text.subarray(0, at), ...bad, ...text.subarray(at)]);
        expectRefused(`fromSnapshot(bytes with ${label})`, M("fromSnapshot"), () => [bytes], { code: "INVALID_SNAPSHOT", path: anyPath });
      }
    });
  });
  // A text edit that must find its target, so that a format change cannot turn the row into a valid snapshot.
  const replaced = (text, from, to) => {
    assert.ok(text.includes(from), `the snapshot no longer contains ${from}`);
    return text.replace(from, to);
  };
  const MALFORMED = [
    ["empty", () => "", ""],
    ["whitespace", () => " \n\t ", ""],
    ["an unclosed object", () => "{", anyPath],
    ["null", () => "null", ""],
    ["an array", () => "[]", ""],
    ["a number", () => "1", ""],
    ["a string", () => '"dr-schedule"', ""],
    ["a byte-order mark first", () => `\uFEFF${VALID_SNAPSHOT}`, ""],
    ["trailing garbage", () => `${VALID_SNAPSHOT}x`, anyPath],
    ["trailing garbage on a line of its own", () => `${VALID_SNAPSHOT}\nx`, anyPath],
    ["a second document", () => `${VALID_SNAPSHOT}${VALID_SNAPSHOT}`, anyPath],
    ["a second document on a line of its own", () => `${VALID_SNAPSHOT}\n${VALID_SNAPSHOT}`, anyPath],
    ["a NUL after the document", () => `${VALID_SNAPSHOT}\u0000`, anyPath],
    ["cut after the header", () => VALID_SNAPSHOT.slice(0, VALID_SNAPSHOT.indexOf("\n") + 1), ""],
    ["cut before its last line", () => VALID_SNAPSHOT.slice(0, VALID_SNAPSHOT.lastIndexOf("\n")), ""],
    ["a doctor line without its comma", () => replaced(edit((s) => s.doctors.push({ ...s.doctors[0], id: "d2" }))(), "\n,{", "\n{"), "doctors[1]"],
    ["a row split over two lines", () => replaced(VALID_SNAPSHOT, '"A","2019', '"A",\n"2019'), anyPath],
    ["100,000 nested arrays", () => "[".repeat(100_000), ""],
    ["100,000 nested arrays, closed", () => "[".repeat(100_000) + "]".repeat(100_000), ""],
    ["100,000 nested objects", () => '{"a":'.repeat(100_000), anyPath],
    ["a 1000-deep value in an unknown field", () => VALID_SNAPSHOT.replace('{"format":"dr-schedule","version":4,', `{"format":"dr-schedule","version":4,"x":${"[".repeat(1000)}${"]".repeat(1000)},`), "x"],
    ["a 1000-deep value as a doctor", edit((s) => { s.doctors.push(nested(1000, "array")); }), within("doctors[1]")],
    ["a 1000-deep value as a location", edit((s) => { s.doctors[0].locations.push(nested(1000, "array")); }), within("doctors[0].locations[2]")],
    ["a 1000-deep value as a row", edit((s) => { s.appointments.push(nested(1000, "array")); }), within("appointments[2]")],
    ["a 1000-deep value as a row's extras", edit((s) => { s.appointments[0][ROW.extras] = nested(1000, "object"); }), within("appointments[0]")],
    ["10 MB of garbage", () => HUGE, ""],
    ["1 MB of an unclosed string", () => `"${BIG}`, anyPath],
    ["a 10 MB doctor name", edit((s) => { s.doctors[0].name = HUGE; }), "doctors[0].name"],
    ["a 1 MB location", edit((s) => { s.doctors[0].locations[0] = BIG; }), "doctors[0].locations[0]"],
    ["a 1 MB appointment start", edit((s) => { s.appointments[0][ROW.start] = BIG; }), "appointments[0].start"],
    ["a 1 MB unknown key", edit((s) => { s[BIG] = 1; }), anyPath],
    ["a 1 MB line of whitespace", () => replaced(VALID_SNAPSHOT, '],"appointments":[', `${" ".repeat(1 << 20)}],"appointments":[`), anyPath],
    ["an escaped lone surrogate in a name", () => VALID_SNAPSHOT.replace('"Dr. Ada"', '"Dr. \\ud800Ada"'), "doctors[0].name"],
    ["an own __proto__ key in a doctor", () => VALID_SNAPSHOT.replace('{"id":"d1"', '{"__proto__":{"polluted":true},"id":"d1"'), "doctors[0].__proto__"],
    ["a constructor key at the top", () => VALID_SNAPSHOT.replace('"revision"', '"constructor":{},"revision"'), "constructor"],
    ["a constructor key, read whole", editWhole((s) => { s.constructor = {}; }), "constructor"],
    ["format misspelt", edit((s) => { s.format = "dr_schedule"; }), "format"],
    ["format missing", edit((s) => { delete s.format; }), "format"],
    ["version as a string", edit((s) => { s.version = "1"; }), "version"],
    ["version 0", edit((s) => { s.version = 0; }), "version"],
    ["version 1.5", edit((s) => { s.version = 1.5; }), "version"],
    ["version -1", edit((s) => { s.version = -1; }), "version"],
    ["version 1e400", () => replaced(VALID_SNAPSHOT, '"version":4,', '"version":1e400,'), "version"],
    ["revision 2^53", () => VALID_SNAPSHOT.replace(/"revision":\d+/, '"revision":9007199254740992'), "revision"],
    ["revision -1", edit((s) => { s.revision = -1; }), "revision"],
    ["revision 1.5", edit((s) => { s.revision = 1.5; }), "revision"],
    ["revision null", edit((s) => { s.revision = null; }), "revision"],
    ["revision missing", edit((s) => { delete s.revision; }), oneOf("", "revision")],
    ["nextIds.doctor 0", edit((s) => { s.nextIds.doctor = 0; }), "nextIds.doctor"],
    ["nextIds.appointment 2^64", () => VALID_SNAPSHOT.replace(/"appointment":\d+\}/, '"appointment":18446744073709551616}'), "nextIds.appointment"],
    ["lastNow not a date-time", edit((s) => { s.lastNow = "yesterday"; }), "lastNow"],
    ["options as an array", edit((s) => { s.options = [15, 15, null]; }), "options"],
    ["slotMinutes 7", edit((s) => { s.options.slotMinutes = 7; }), "options.slotMinutes"],
    ["maxSnapshotBytes below 16 KiB", edit((s) => { s.options.maxSnapshotBytes = 1000; }), "options.maxSnapshotBytes"],
    ["maxSnapshotBytes above 256 MiB", edit((s) => { s.options.maxSnapshotBytes = 2 ** 40; }), "options.maxSnapshotBytes"],
    ["an unknown option", edit((s) => { s.options.tick = 1; }), "options.tick"],
    ["doctors as an object", edit((s) => { s.doctors = { 0: s.doctors[0] }; }), "doctors"],
    ["a doctor as an array", edit((s) => { s.doctors[0] = Object.values(s.doctors[0]); }), "doctors[0]"],
    ["a duplicate doctor id", edit((s) => { s.doctors.push({ ...s.doctors[0] }); }), "doctors[1].id"],
    ["a control character in a name", edit((s) => { s.doctors[0].name = "Dr.\u0000Ada"; }), "doctors[0].name"],
    ["101 locations", edit((s) => { s.doctors[0].locations = Array.from({ length: 101 }, (_, i) => `L${i}`); }), "doctors[0].locations"],
    ["101 schedule rules", edit((s) => { s.doctors[0].schedule = Array.from({ length: 101 }, () => ({ days: ["fri"], start: "09:00", end: "17:00" })); }), "doctors[0].schedule"],
    ["an appointment as an object", edit((s) => { s.appointments[0] = { id: "a1" }; }), "appointments[0]"],
    ["a row of 6 items", edit((s) => { s.appointments[1] = s.appointments[1].slice(0, 6); }), "appointments[1]"],
    ["a row of 9 items", edit((s) => { s.appointments[0].push({}); }), "appointments[0]"],
    ["a row's extras as an array", edit((s) => { s.appointments[0][ROW.extras] = []; }), "appointments[0]"],
    ["an unknown field in a row's extras", edit((s) => { s.appointments[0][ROW.extras].colour = "red"; }), "appointments[0].colour"],
    ["an appointment of an unknown doctor", edit((s) => { s.appointments[0][ROW.doctorId] = "d9"; }), "appointments[0].doctorId"],
    ["a duration that is not a number", edit((s) => { s.appointments[0][ROW.durationMinutes] = "15"; }), "appointments[0].durationMinutes"],
    ["a duration longer than a day", edit((s) => { s.appointments[1][ROW.durationMinutes] = 1500 * 15; }), "appointments[1].durationMinutes"],
    ["an appointment whose end is not start + duration (version 2)", editV2((s) => { s.appointments[0].end = "2019-02-06T09:30"; }), "appointments[0].end"],
    ["an expired appointment in version 2", editV2((s) => { s.appointments[0].status = "expired"; }), "appointments[0].status"],
    ["two overlapping booked appointments", edit((s) => { s.appointments[1][ROW.status] = "booked"; s.appointments[1][ROW.start] = "2019-02-01T11:00"; }), "appointments[1].start"],
    ["an appointment at year 10000", edit((s) => { s.appointments[0][ROW.start] = "10000-01-01T00:00"; }), "appointments[0].start"],
    ["an appointment in year 0", edit((s) => { s.appointments[0][ROW.start] = "0000-12-31T11:00"; }), "appointments[0].start"],
    ["a booked appointment with a cancelReason", edit((s) => { s.appointments[0][ROW.extras].cancelReason = "x"; }), "appointments[0].cancelReason"],
    ["a booked appointment with a holdExpires", edit((s) => { s.appointments[0][ROW.extras].holdExpires = "2019-01-31T09:00"; }), "appointments[0].holdExpires"],
    ["an expired appointment without a holdExpires", edit((s) => { s.appointments[1][ROW.status] = "expired"; }), "appointments[1].holdExpires"],
    ["a held appointment that lapsed by lastNow", edit((s) => { s.lastNow = "2019-01-31T10:00"; s.appointments[0][ROW.status] = "held"; s.appointments[0][ROW.extras].holdExpires = "2019-01-31T09:00"; }), "appointments[0].holdExpires"],
    ["an expired appointment that has not lapsed by lastNow", edit((s) => { s.lastNow = "2019-01-31T08:00"; s.appointments[1][ROW.status] = "expired"; s.appointments[1][ROW.extras] = { holdExpires: "2019-01-31T09:00" }; }), "appointments[1].holdExpires"],
    ["a status of null", edit((s) => { s.appointments[0][ROW.status] = null; }), "appointments[0].status"],
    ["a status of gone", edit((s) => { s.appointments[0][ROW.status] = "gone"; }), "appointments[0].status"],
    ["a duplicate appointment id", edit((s) => { s.appointments[1][ROW.id] = "a1"; }), "appointments[1].id"],
    ["a duplicate requestId", edit((s) => { s.appointments[1][ROW.extras] = { requestId: "r1" }; }), "appointments[1].requestId"],
    ["requested without a requestId", edit((s) => { s.appointments[1][ROW.extras] = { requested: { location: "B", start: "2019-02-01T12:00", durationMinutes: 15 } }; }), "appointments[1].requested"],
    ["notes with a NUL", edit((s) => { s.appointments[0][ROW.extras].notes = "a\u0000b"; }), "appointments[0].notes"],
    ["metadata that is not an object", edit((s) => { s.appointments[0][ROW.extras].metadata = [1]; }), within("appointments[0].metadata")],
    ["metadata nested 5 levels", edit((s) => { s.appointments[0][ROW.extras].metadata = { a: { b: { c: { d: { e: 1 } } } } }; }), within("appointments[0].metadata")],
    ["101 moves in rescheduledFrom", edit((s) => { s.appointments[0][ROW.extras].rescheduledFrom = Array.from({ length: 101 }, () => ({ location: "A", start: "2019-02-01T09:00", end: "2019-02-01T09:15" })); }), "appointments[0].rescheduledFrom"],
  ];
  for (const [label, make, path] of MALFORMED) {
    test(`malformed: ${label}`, () => {
      expectRefused(`fromSnapshot(${label})`, M("fromSnapshot"), () => [make()], { code: "INVALID_SNAPSHOT", path });
      assert.equal({}.polluted, undefined, "Object.prototype was polluted");
    });
    if (typeof make() === "string" && make().length < 1_000_000) {
      test(`malformed, as bytes: ${label}`, () => {
        const bytes = new TextEncoder().encode(make());
        expectRefused(`fromSnapshot(bytes of ${label})`, M("fromSnapshot"), () => [bytes], { code: "INVALID_SNAPSHOT", path }, { checkMutation: false });
      });
    }
  }
  test("a newer version is UNSUPPORTED_VERSION, whatever else it holds", () => {
    for (const version of [5, 6, 2 ** 31, 2 ** 53 - 1]) {
      const error = expectRefused(`version ${version}`, M("fromSnapshot"), () => [JSON.stringify({ format: "dr-schedule", version, anything: [1, 2, 3] })], { code: "UNSUPPORTED_VERSION" });
      assert.equal(error.details.version, version);
      assert.equal(error.details.supportedVersion, 4);
    }
  });
  test("10 MB of whitespace around a valid snapshot loads it", () => {
    const pad = " ".repeat(10 * 1024 * 1024);
    // Before the document, the text no longer begins as the package writes it: it is read whole.
    assert.equal(Hospital.fromSnapshot(`${pad}${VALID_SNAPSHOT}\n${pad}`).toSnapshot(), VALID_SNAPSHOT);
    // After it, line by line.
    assert.equal(Hospital.fromSnapshot(`${VALID_SNAPSHOT}\n${pad}\n${pad}`).toSnapshot(), VALID_SNAPSHOT);
  });
  test("the same JSON in another layout loads (pretty-printed, with version first)", () => {
    const object = parsed();
    for (const text of [JSON.stringify(object, null, 2), editWhole(() => {})(), JSON.stringify(object, null, "\t")]) {
      assert.equal(Hospital.fromSnapshot(text).toSnapshot(), VALID_SNAPSHOT);
    }
  });
  test("the same JSON in one line, as JSON.stringify(JSON.parse(snapshot)) writes it, loads", () => {
    assert.equal(Hospital.fromSnapshot(JSON.stringify(parsed())).toSnapshot(), VALID_SNAPSHOT);
  });
  test("id counters of 2^53 - 1 load, and the hospital's next snapshot loads too", () => {
    const snapshot = parsed();
    snapshot.nextIds = { doctor: 2 ** 53 - 1, appointment: 2 ** 53 - 1 };
    const h = Hospital.fromSnapshot(snapshotText(snapshot));
    // Assigning the last id must either be refused as a HospitalError or leave a loadable state.
    const added = attempt(() => h.addDoctor({ name: "Dr. Last", locations: ["A"], schedule: [] }));
    if (!added.ok) assertHospitalError(added.error, { codes: ["INVALID_INPUT"] }, "the last doctor id");
    const booked = attempt(() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T15:00" }));
    if (!booked.ok) assertHospitalError(booked.error, { codes: ["INVALID_INPUT"] }, "the last appointment id");
    const reloaded = attempt(() => Hospital.fromSnapshot(h.toSnapshot()));
    assert.ok(reloaded.ok, `its own snapshot does not load: ${reloaded.ok ? "" : describeError(reloaded.error)}`);
  });
  test("a revision of 2^53 - 1 loads, and the next mutation is HOSPITAL_FULL, losing nothing", () => {
    const h = Hospital.fromSnapshot(VALID_SNAPSHOT.replace(/"revision":\d+/, '"revision":9007199254740991'));
    assert.equal(h.revision, 2 ** 53 - 1);
    const before = h.toSnapshot();
    const result = attempt(() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T15:00" }));
    assert.ok(!result.ok, "a mutation past revision 2^53 - 1");
    assertHospitalError(result.error, { code: "HOSPITAL_FULL" }, "revision overflow");
    assert.deepEqual(result.error.details, { limitOf: "revision", current: 2 ** 53 - 1, limit: 2 ** 53 - 1 });
    assertUnchanged(h, before, 2 ** 53 - 1, "revision overflow");
    const reloaded = attempt(() => Hospital.fromSnapshot(before));
    assert.ok(reloaded.ok, `its own snapshot does not load: ${reloaded.ok ? "" : describeError(reloaded.error)}`);
  });
  test("maxSnapshotBytes: a snapshot over its own limit is HOSPITAL_FULL, and loads with a higher limit", () => {
    const h = new Hospital();
    h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" }] });
    for (let day = 4; day <= 8; day += 1) h.book({ doctorId: "d1", location: "A", start: `2019-02-0${day}T09:00`, notes: "n".repeat(2000) });
    assert.ok(h.snapshotBytes > 10_000);
    const over = JSON.parse(h.toSnapshot());
    over.options.maxSnapshotBytes = 16 * 1024;
    for (let day = 11; day <= 15; day += 1) over.appointments.push([`x${day}`, "d1", "A", `2019-02-${day}T09:00`, 15, "booked", null, { notes: "n".repeat(2000) }]);
    const text = snapshotText(over);
    assert.ok(text.length > 16 * 1024, `${text.length} bytes`);
    const error = expectRefused("fromSnapshot(over its maxSnapshotBytes)", M("fromSnapshot"), () => [text], { code: "HOSPITAL_FULL" });
    assert.equal(error.details.limitOf, "snapshotBytes");
    assert.equal(error.details.limit, 16 * 1024);
    assert.ok(error.details.current > 16 * 1024);
    assert.match(error.message, /maxSnapshotBytes/);
    const loaded = Hospital.fromSnapshot(text, { maxSnapshotBytes: 64 * 1024 });
    assert.equal(loaded.options.maxSnapshotBytes, 64 * 1024);
    assert.equal(loaded.appointmentCount, 10);
    assert.equal(loaded.toSnapshot(), text.replace('"maxSnapshotBytes":16384', '"maxSnapshotBytes":65536'));
    // Loaded over its own limit (with a higher one given, the limit is that), nothing grows it
    // past the limit; shrinking always works.
    assert.equal(loaded.cancel("x11").status, "cancelled");
  });
});

// ---------------------------------------------------------------------------------------------
// Receivers, re-entrancy, returned values, the environment
// ---------------------------------------------------------------------------------------------

describe("every method on something that is not a live Hospital", () => {
  const receivers = () => {
    const freed = new Hospital();
    freed.free();
    return [
      ["a plain object", {}],
      ["null", null],
      ["undefined", undefined],
      ["a number", 42],
      ["Object.create(Hospital.prototype)", Object.create(Hospital.prototype)],
      ["a freed Hospital", freed],
      ["a Hospital's prototype", Hospital.prototype],
    ];
  };
  const instanceMethods = Object.keys(METHODS).filter((name) => name !== "constructor" && name !== "fromSnapshot");
  const GETTERS = ["revision", "doctorCount", "appointmentCount", "snapshotBytes", "options", "actor"];
  for (const name of [...instanceMethods, ...GETTERS, "actor (set)"]) {
    test(`${name}`, () => {
      for (const [label, receiver] of receivers()) {
        const call =
          name === "actor (set)"
            ? () => Reflect.set(Hospital.prototype, "actor", "key_1", receiver)
            : GETTERS.includes(name)
              ? () => Reflect.get(Hospital.prototype, name, receiver)
              : () => Hospital.prototype[name].apply(receiver, METHODS[name].valid());
        const outcome = attempt(call);
        assert.ok(!outcome.ok, `${name} on ${label} returned ${preview(outcome.value)}`);
        assertHospitalError(outcome.error, { field: "this" }, `${name} on ${label}`);
      }
    });
  }
  test("free() twice, and free() on a non-Hospital, are harmless", () => {
    const h = new Hospital();
    h.free();
    h.free();
    attempt(() => Hospital.prototype.free.call({}));
    const other = smallHospital();
    assertKeepsWorking(other, "after stray frees");
  });
  test("assigning revision does not change it; nor do the other read-only getters change", () => {
    const h = smallHospital();
    const before = { revision: h.revision, doctorCount: h.doctorCount, appointmentCount: h.appointmentCount, snapshotBytes: h.snapshotBytes, options: h.options };
    for (const name of Object.keys(before)) {
      attempt(() => {
        h[name] = 99;
      });
    }
    assert.deepEqual({ revision: h.revision, doctorCount: h.doctorCount, appointmentCount: h.appointmentCount, snapshotBytes: h.snapshotBytes, options: h.options }, before);
    // The options object is a copy.
    h.options.slotMinutes = 5;
    assert.equal(h.options.slotMinutes, 15);
  });
  test("[Symbol.dispose] is free()", () => {
    assert.equal(Hospital.prototype[Symbol.dispose], Hospital.prototype.free);
    const h = smallHospital();
    h[Symbol.dispose]();
    assertHospitalError(attempt(() => h.listDoctors()).error, { field: "this" }, "after [Symbol.dispose]()");
  });
});

describe("re-entrant calls from a getter while the hospital reads its argument", () => {
  const CALLS = [
    ["book on the same hospital", (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T13:00" })],
    ["toSnapshot on the same hospital", (h) => h.toSnapshot()],
    ["toSnapshotBytes on the same hospital", (h) => h.toSnapshotBytes()],
    ["the revision of the same hospital", (h) => h.revision],
    ["snapshotBytes of the same hospital", (h) => h.snapshotBytes],
    ["setting the actor of the same hospital", (h) => { h.actor = "sneaky"; }],
    ["listDoctors on the same hospital", (h) => h.listDoctors()],
    ["updateAppointment on the same hospital", (h) => h.updateAppointment("a1", { notes: "sneaky" })],
    ["findAppointments on the same hospital", (h) => h.findAppointments({ patient: "p1" })],
    ["fromSnapshot of the same hospital's bytes", (h) => Hospital.fromSnapshot(h.toSnapshotBytes())],
  ];
  for (const [label, inner] of CALLS) {
    test(label, () => {
      const h = smallHospital();
      const before = h.toSnapshot();
      let innerOutcome;
      const doctor = {
        name: "Dr. Re",
        get locations() {
          innerOutcome = attempt(() => inner(h));
          return ["A"];
        },
        schedule: [],
      };
      const outer = attempt(() => h.addDoctor(doctor));
      assert.ok(innerOutcome, "the getter ran");
      // The inner call may be refused (the hospital is busy), but as a HospitalError.
      if (!innerOutcome.ok) assert.equal(innerOutcome.error?.name, "HospitalError", `the re-entrant ${label} threw ${describeError(innerOutcome.error)}`);
      if (outer.ok) assert.equal(outer.value.name, "Dr. Re");
      else {
        assertHospitalError(outer.error, { field: "locations" }, "the outer addDoctor");
        assert.equal(h.toSnapshot(), before);
      }
      assertKeepsWorking(h, `after a re-entrant ${label}`);
    });
  }
  test("free() on the same hospital from inside a getter", () => {
    const h = smallHospital();
    let freeOutcome;
    const outer = attempt(() =>
      h.addDoctor({
        name: "Dr. Re",
        get locations() {
          freeOutcome = attempt(() => h.free());
          return ["A"];
        },
        schedule: [],
      }),
    );
    assert.ok(freeOutcome, "the getter ran");
    if (!freeOutcome.ok) {
      // free() refused: it must say so as a HospitalError, and the hospital must stay usable.
      assert.equal(freeOutcome.error.name, "HospitalError", `free() threw ${describeError(freeOutcome.error)}`);
      assertKeepsWorking(h, "after a refused free()");
    } else {
      // free() took effect: every later call is INVALID_INPUT this, nothing worse.
      assertHospitalError(attempt(() => h.listDoctors()).error, { field: "this" }, "after free()");
    }
    if (!outer.ok) assert.equal(outer.error.name, "HospitalError", describeError(outer.error));
  });
  test("calls on another hospital from inside a getter work", () => {
    const h = smallHospital();
    const other = smallHospital();
    const doctor = h.addDoctor({
      name: "Dr. Re",
      get locations() {
        other.book({ doctorId: "d1", location: "A", start: "2019-02-01T13:00" });
        return [other.toSnapshot().length > 0 ? "A" : "B"];
      },
      schedule: [],
    });
    assert.deepEqual(doctor.locations, ["A"]);
    assert.equal(other.getAppointment("a3").start, "2019-02-01T13:00");
  });
  test("getters that create and load hospitals (the arguments' scratch memory) while an argument is read", () => {
    const h = smallHospital();
    const loaded = [];
    const busy = () => {
      const fresh = new Hospital({ slotMinutes: 30 });
      loaded.push(Hospital.fromSnapshot(VALID_SNAPSHOT).toSnapshot() === VALID_SNAPSHOT, Hospital.fromSnapshot(smallHospital().toSnapshotBytes()).revision, fresh.options.slotMinutes);
      fresh.free();
    };
    const booked = h.book({
      doctorId: "d1",
      location: "A",
      get start() {
        busy();
        return "2019-02-01T13:00";
      },
      notes: "x".repeat(100),
      metadata: {
        get tag() {
          busy();
          return "é".repeat(50);
        },
      },
    });
    assert.deepEqual([booked.start, booked.notes, booked.metadata], ["2019-02-01T13:00", "x".repeat(100), { tag: "é".repeat(50) }]);
    const restored = Hospital.fromSnapshot(h.toSnapshot(), {
      get maxSnapshotBytes() {
        busy();
        return 1 << 20;
      },
    });
    assert.equal(restored.toSnapshot(), h.toSnapshot());
    assert.deepEqual(loaded, [true, 4, 30, true, 4, 30, true, 4, 30]);
  });
});

describe("returned values are copies: mutating them changes nothing", () => {
  test("doctors, appointments, lists and slots", () => {
    const h = smallHospital();
    const before = h.toSnapshot();
    const doctor = h.getDoctor("d1");
    doctor.name = "Mallory";
    doctor.locations.push("Z");
    doctor.schedule[0].days.push("sat");
    const listed = h.listDoctors();
    listed[0].id = "d9";
    listed.pop();
    const appointment = h.getAppointment("a1");
    appointment.status = "cancelled";
    appointment.start = "2019-02-01T09:00";
    h.appointments("d1", { status: "all" })[0].status = "cancelled";
    h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01" }).length = 0;
    assert.equal(h.toSnapshot(), before);
    assert.equal(h.getDoctor("d1").name, "Dr. Ada");
    assert.equal(h.getAppointment("a1").status, "booked");
    assertKeepsWorking(h, "after mutating results");
  });
  test("results are plain JSON data", () => {
    const h = smallHospital();
    for (const value of [h.getDoctor("d1"), h.getAppointment("a1"), h.listDoctors(), h.appointments("d1"), h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01" })]) {
      assert.deepEqual(JSON.parse(JSON.stringify(value)), value);
    }
  });
});

describe("a polluted Object.prototype does not leak into inputs", () => {
  test("inherited enumerable keys are not read as fields", () => {
    const keys = ["slotMinutes", "extra", "cancelAppointments", "reason", "id", "patient"];
    try {
      for (const key of keys) Object.prototype[key] = key === "slotMinutes" ? 7 : "polluted";
      const h = new Hospital({});
      assert.equal(JSON.parse(h.toSnapshot()).options.slotMinutes, 15);
      const doctor = h.addDoctor({ name: "Dr. P", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
      assert.equal(doctor.id, "d1");
      const appointment = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" });
      assert.equal(Object.hasOwn(appointment, "patient"), false);
      const cancelled = h.cancel(appointment.id, {});
      assert.equal(Object.hasOwn(cancelled, "cancelReason"), false);
    } finally {
      for (const key of keys) delete Object.prototype[key];
    }
  });
});
