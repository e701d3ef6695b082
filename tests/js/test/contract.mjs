// The Hospital class as JavaScript sees it, call by call (the README's "API", "Errors" and "What
// it promises"): plain objects with camelCase keys and no unset fields, real arrays, every
// failure a HospitalError (`instanceof`, `name`, `code`, a plain `details`) that changes nothing
// and leaves the object working; each error code from each call that can throw it; the argument
// checks (types, unknown fields, arrays for objects, `__proto__`, values JSON cannot say, deep
// nesting, Proxies whose traps throw); frozen inputs; inputs never mutated.
//
// It imports nothing, so that every runtime runs it on the Hospital and HospitalError it loaded:
// Node (contract.test.mjs), Chromium (runtimes/contract.html), Deno and Bun
// (runtimes/runtimes.test.mjs). Each check returns nothing or throws an Error that says what
// went wrong.

// 2019-02-04 is a Monday, 2019-02-05 a Tuesday, 2019-02-06 a Wednesday.

/** Dr. Ada: Mon 09:00-17:00 (two touching rules), Tue 09:00-12:00, at two locations. */
const ADA = () => ({
  id: "ada",
  name: "Dr. Ada Lovelace",
  locations: ["1 Main St", "9 Elm Ave"],
  schedule: [
    { days: ["mon", "tue"], start: "09:00", end: "12:00" },
    { days: ["mon"], start: "12:00", end: "17:00" },
  ],
});

// ---------------------------------------------------------------------------------------------
// Assertions, without node:assert (this module runs in browsers and workers too)

function fail(message) {
  throw new Error(message);
}

function show(value) {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return String(value);
  }
}

function equal(actual, expected, what = "") {
  if (!Object.is(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** `value` as JSON text with the keys of every object sorted. */
function canonical(value) {
  return JSON.stringify(value, (key, item) =>
    item !== null && typeof item === "object" && !Array.isArray(item) ? Object.fromEntries(Object.keys(item).sort().map((k) => [k, item[k]])) : item,
  );
}

/** Equal as JSON data (arrays in order, object keys in any order). */
function same(actual, expected, what = "") {
  if (canonical(actual) !== canonical(expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

function ok(condition, what) {
  if (!condition) fail(what);
}

/** A plain object (prototype Object.prototype) with exactly these keys, in any order. */
function plainObject(value, keys, what = "") {
  ok(value !== null && typeof value === "object" && !Array.isArray(value), `${what}: not an object: ${show(value)}`);
  equal(Object.getPrototypeOf(value), Object.prototype, `${what}: prototype`);
  same(Object.keys(value).sort(), [...keys].sort(), `${what}: keys`);
}

/** A real array (Array.isArray, Array.prototype). */
function realArray(value, what = "") {
  ok(Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype, `${what}: not an array: ${show(value)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The harness: a failing call is a HospitalError, changes nothing, and the hospital keeps working

function thrown(fn, what = "the call") {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return fail(`${what}: expected a thrown HospitalError, the call succeeded`);
}

/** The checks of a HospitalError with `code`; returns its details. */
function hospitalError(api, error, code, what = "") {
  ok(typeof error !== "string", `${what}: a string was thrown: ${error}`);
  ok(error instanceof Error, `${what}: not instanceof Error: ${show(error)}`);
  ok(error instanceof api.HospitalError, `${what}: not instanceof HospitalError: ${error}`);
  equal(error.name, "HospitalError", `${what}: name (${error.message})`);
  ok(typeof error.message === "string" && error.message.trim() !== "", `${what}: an empty message`);
  equal(error.code, code, `${what}: code (${error.message}, details ${show(error.details)})`);
  // In JavaScript's words (fixture.mjs, RUST_WORDS; this module imports nothing).
  const rust = /\b(?:[ui](?:8|16|32|64|128|size)|f32|f64|sequence|variant|struct|tuple|newtype|serde|Option|Vec|Box|bool|char)\b/.exec(error.message);
  ok(rust === null, `${what}: the message uses the Rust word "${rust?.[0]}": ${error.message}`);
  const details = error.details;
  ok(details !== null && typeof details === "object" && !Array.isArray(details), `${what}: details is not an object: ${show(details)}`);
  return details;
}

/** `details.field` of an INVALID_INPUT error; it is the only detail. */
function invalidField(api, error, what = "") {
  const details = hospitalError(api, error, "INVALID_INPUT", what);
  plainObject(details, ["field"], `${what}: details`);
  return details.field;
}

/** A read and two mutations succeed, each mutation bumping the revision by one. */
function stillWorks(h) {
  realArray(h.listDoctors(), "listDoctors");
  h.toSnapshot();
  const revision = h.revision;
  const doctor = h.addDoctor({ name: "Probe", locations: ["Probe St"], schedule: [{ days: ["sun"], start: "00:00", end: "24:00" }] });
  h.removeDoctor(doctor.id);
  equal(h.revision, revision + 2, "the revision after a probe");
}

/** Runs `call(h)`, which must fail with `code`, change nothing, and leave `h` working. */
function failsCleanly(api, h, code, call, what = code) {
  const before = h.toSnapshot();
  const revision = h.revision;
  const error = thrown(() => call(h), what);
  hospitalError(api, error, code, what);
  equal(h.toSnapshot(), before, `${what}: a failed call changed the state`);
  equal(h.revision, revision, `${what}: a failed call bumped the revision`);
  stillWorks(h);
  return error;
}

/** Like failsCleanly for INVALID_INPUT; returns details.field. */
function invalidInput(api, h, call, what = "INVALID_INPUT") {
  return invalidField(api, failsCleanly(api, h, "INVALID_INPUT", call, what), what);
}

function withAda(api, options = undefined) {
  const h = new api.Hospital(options);
  h.addDoctor(ADA());
  return h;
}

/** Books Dr. Ada at 1 Main St with the given fields. */
function book(h, fields) {
  return h.book({ doctorId: "ada", location: "1 Main St", ...fields });
}

/** A snapshot object written back in the layout the package writes (see fixture.mjs). */
function snapshotText(snapshot) {
  const { doctors, appointments, ...header } = snapshot;
  const lines = [`${JSON.stringify(header).slice(0, -1)},"doctors":[`];
  doctors.forEach((doctor, i) => lines.push(`${i > 0 ? "," : ""}${JSON.stringify(doctor)}`));
  lines.push('],"appointments":[');
  appointments.forEach((row, i) => lines.push(`${i > 0 ? "," : ""}${JSON.stringify(row)}`));
  lines.push("]}");
  return lines.join("\n");
}

function deepFreeze(value) {
  if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) deepFreeze(value[key]);
    Object.freeze(value);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// The checks: [name, (api) => void], api = { Hospital, HospitalError }

export const CHECKS = [];
const check = (name, fn, todo = undefined) => CHECKS.push({ name, fn, todo });

// ----- constructor and options -----

check("the constructor without options uses the defaults", ({ Hospital }) => {
  const h = new Hospital();
  equal(h.revision, 0);
  same(h.listDoctors(), []);
  same(JSON.parse(h.toSnapshot()).options, { slotMinutes: 15, defaultDurationMinutes: 15, timeZone: null, maxSnapshotBytes: 134217728 });
});

check("the constructor treats undefined, null and {} as the defaults", ({ Hospital }) => {
  const defaults = new Hospital().toSnapshot();
  for (const options of [undefined, null, {}]) equal(new Hospital(options).toSnapshot(), defaults, show(options));
});

check("the constructor's options are used", (api) => {
  const options = { slotMinutes: 30, defaultDurationMinutes: 60, timeZone: "America/New_York" };
  const before = show(options);
  const h = new api.Hospital(options);
  equal(show(options), before, "options were mutated");
  same(JSON.parse(h.toSnapshot()).options, { ...options, maxSnapshotBytes: 134217728 });
  h.addDoctor(ADA());
  // The default duration applies to a booking that names none.
  const appointment = book(h, { start: "2019-02-04T10:30" });
  equal(appointment.durationMinutes, 60);
  equal(appointment.end, "2019-02-04T11:30");
  // The 30-minute grid applies.
  const error = failsCleanly(api, h, "OFF_GRID", (x) => book(x, { start: "2019-02-04T09:15" }));
  equal(error.details.slotMinutes, 30);
});

check("slotMinutes 0 is INVALID_INPUT, not a division by zero", (api) => {
  equal(invalidField(api, thrown(() => new api.Hospital({ slotMinutes: 0 }))), "slotMinutes");
  equal(invalidField(api, thrown(() => new api.Hospital({ slotMinutes: 0, defaultDurationMinutes: 15 }))), "slotMinutes");
});

check("a null time zone is accepted", ({ Hospital }) => {
  equal(JSON.parse(new Hospital({ timeZone: null }).toSnapshot()).options.timeZone, null);
});

check("bad options are refused, never replaced by a default", (api) => {
  for (const [options, field] of [
    [{ slotMinutes: 7 }, "slotMinutes"],
    [{ slotMinutes: "15" }, "slotMinutes"],
    [{ slotMinutes: 15.5 }, "slotMinutes"],
    [{ defaultDurationMinutes: 10 }, "defaultDurationMinutes"],
    [{ timeZone: "New York" }, "timeZone"],
    [{ slotMinute: 15 }, "slotMinute"],
    [{ maxSnapshotBytes: 1 }, "maxSnapshotBytes"],
    ["fifteen", "options"],
    [15, "options"],
    [[30, 60, null], "options"],
  ]) {
    equal(invalidField(api, thrown(() => new api.Hospital(options))), field, show(options));
  }
});

// ----- doctors -----

check("addDoctor returns a plain doctor, a copy, and counts as a mutation", ({ Hospital }) => {
  const h = new Hospital();
  const input = ADA();
  const before = show(input);
  const doctor = h.addDoctor(input);
  equal(show(input), before, "the input was mutated");
  ok(doctor !== input, "returned the input object itself");
  plainObject(doctor, ["id", "name", "locations", "schedule"], "doctor");
  equal(doctor.id, "ada");
  equal(doctor.name, "Dr. Ada Lovelace");
  same(realArray(doctor.locations), ["1 Main St", "9 Elm Ave"]);
  realArray(doctor.schedule);
  equal(doctor.schedule.length, 2);
  for (const rule of doctor.schedule) plainObject(rule, ["days", "start", "end"], "rule");
  same(doctor.schedule[0].days, ["mon", "tue"]);
  equal(doctor.schedule[0].start, "09:00");
  equal(doctor.schedule[1].end, "17:00");
  equal(h.revision, 1);
});

check("addDoctor assigns an id when there is none; 24:00 closes a day", ({ Hospital }) => {
  const h = new Hospital();
  const doctor = { name: "Dr. Grace", locations: ["A"], schedule: [] };
  const first = h.addDoctor(doctor).id;
  const second = h.addDoctor(doctor).id;
  ok(first !== "" && second !== "" && first !== second, `ids ${first} and ${second}`);
  equal(h.getDoctor(first).name, "Dr. Grace");
  const late = h.addDoctor({ name: "Dr. Night", locations: ["A"], schedule: [{ days: ["sat"], start: "20:00", end: "24:00" }] });
  equal(late.schedule[0].end, "24:00");
});

check("getDoctor, and listDoctors in insertion order; reads are no mutations", ({ Hospital }) => {
  const h = new Hospital();
  for (const id of ["zed", "amy", "max"]) h.addDoctor({ id, name: `Dr. ${id}`, locations: ["A"], schedule: [] });
  const list = realArray(h.listDoctors());
  same(list.map((d) => d.id), ["zed", "amy", "max"]);
  for (const doctor of list) {
    plainObject(doctor, ["id", "name", "locations", "schedule"], "listed");
    realArray(doctor.schedule);
  }
  const amy = h.getDoctor("amy");
  plainObject(amy, ["id", "name", "locations", "schedule"], "amy");
  equal(amy.name, "Dr. amy");
  equal(h.revision, 3);
});

check("returned objects are copies", (api) => {
  const h = withAda(api);
  const doctor = h.getDoctor("ada");
  doctor.name = "Mallory";
  doctor.locations.push("Anywhere");
  const again = h.getDoctor("ada");
  equal(again.name, "Dr. Ada Lovelace");
  equal(again.locations.length, 2);
  const appointment = book(h, { start: "2019-02-04T10:00" });
  appointment.status = "cancelled";
  equal(h.getAppointment(appointment.id).status, "booked");
});

check("updateDoctor replaces only the fields it names; options may be absent, null or {}", (api) => {
  const h = withAda(api);
  const patch = { name: "Dr. Ada King" };
  const before = show(patch);
  const doctor = h.updateDoctor("ada", patch);
  equal(show(patch), before, "the patch was mutated");
  plainObject(doctor, ["id", "name", "locations", "schedule"], "doctor");
  equal(doctor.name, "Dr. Ada King");
  equal(doctor.id, "ada");
  same(doctor.locations, ["1 Main St", "9 Elm Ave"]);
  equal(doctor.schedule.length, 2);
  equal(h.revision, 2);
  for (const options of [undefined, null, {}, { cancelAppointments: false }]) {
    same(h.updateDoctor("ada", { locations: ["3 Oak Rd"] }, options).locations, ["3 Oak Rd"], show(options));
  }
  equal(h.getDoctor("ada").name, "Dr. Ada King");
  equal(h.revision, 6);
});

check("updateDoctor with cancelAppointments cancels exactly those in the way", (api) => {
  const h = withAda(api);
  book(h, { id: "early", start: "2019-02-04T10:00" });
  book(h, { id: "late", start: "2019-02-04T14:00" });
  book(h, { id: "tue", start: "2019-02-05T09:00" });
  const patch = { schedule: [{ days: ["mon"], start: "09:00", end: "12:00" }] };
  const options = { cancelAppointments: true };
  const before = show([patch, options]);
  equal(h.updateDoctor("ada", patch, options).schedule.length, 1);
  equal(show([patch, options]), before, "the arguments were mutated");
  same(["early", "late", "tue"].map((id) => h.getAppointment(id).status), ["booked", "cancelled", "cancelled"]);
  equal(h.getAppointment("late").cancelReason, "doctor updated");
});

check("removeDoctor returns the doctor and drops their history", (api) => {
  const h = withAda(api);
  book(h, { id: "a-1", start: "2019-02-04T10:00" });
  const removed = h.removeDoctor("ada", { cancelAppointments: true });
  plainObject(removed, ["id", "name", "locations", "schedule"], "removed");
  equal(removed.id, "ada");
  same(h.listDoctors(), []);
  failsCleanly(api, h, "DOCTOR_NOT_FOUND", (x) => x.getDoctor("ada"));
  failsCleanly(api, h, "APPOINTMENT_NOT_FOUND", (x) => x.getAppointment("a-1"));
  // Without appointments, the options may be absent.
  const other = withAda(api);
  for (const options of [undefined, null]) {
    other.removeDoctor("ada", options);
    other.addDoctor(ADA());
  }
  other.removeDoctor("ada");
});

// ----- appointments -----

check("book returns a plain appointment without unset fields", (api) => {
  const h = withAda(api);
  const request = { doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:00" };
  const before = show(request);
  const appointment = h.book(request);
  equal(show(request), before, "the request was mutated");
  // patient, requestId, cancelReason, notes and metadata are absent, not null or undefined.
  plainObject(appointment, ["id", "doctorId", "location", "start", "end", "durationMinutes", "status"], "appointment");
  ok(!("patient" in appointment), "a patient key");
  same([appointment.doctorId, appointment.location, appointment.start, appointment.end, appointment.durationMinutes, appointment.status], ["ada", "1 Main St", "2019-02-04T10:00", "2019-02-04T10:15", 15, "booked"]);
  ok(appointment.id !== "", "an empty id");
  equal(h.revision, 2);
});

check("book with every field", (api) => {
  const h = withAda(api);
  const appointment = h.book({ doctorId: "ada", location: "9 Elm Ave", start: "2019-02-04T16:15", durationMinutes: 45, patient: "p-42", id: "appt-1", requestId: "req-1", notes: "first visit\nbring the x-rays", metadata: { visit: "new", tags: ["a", 1, true, null] } });
  plainObject(appointment, ["id", "doctorId", "location", "start", "end", "durationMinutes", "patient", "requestId", "status", "notes", "metadata"], "appointment");
  same([appointment.id, appointment.patient, appointment.requestId, appointment.notes], ["appt-1", "p-42", "req-1", "first visit\nbring the x-rays"]);
  same(appointment.metadata, { visit: "new", tags: ["a", 1, true, null] });
  // Ends exactly at closing time.
  equal(appointment.end, "2019-02-04T17:00");
  equal(appointment.durationMinutes, 45);
  same(h.getAppointment("appt-1"), appointment);
});

check("a known requestId replays without a mutation, returning the appointment as it is now", (api) => {
  const h = withAda(api);
  const request = { doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:00", requestId: "r1", patient: "p" };
  const first = h.book(request);
  const revision = h.revision;
  same(h.book(request), first);
  equal(h.revision, revision, "a replay is not a mutation");
  equal(h.appointments("ada").length, 1);
  h.cancel(first.id);
  const replay = h.book(request);
  equal(replay.status, "cancelled");
  equal(replay.id, first.id);
});

check("appointments lists by start, then booking order, with windows and status", (api) => {
  const h = withAda(api);
  book(h, { id: "b", start: "2019-02-04T11:00" });
  book(h, { id: "a", start: "2019-02-04T10:00" });
  book(h, { id: "c", start: "2019-02-05T09:00" });
  book(h, { id: "x", start: "2019-02-04T09:00" });
  h.cancel("x");
  book(h, { id: "y", start: "2019-02-04T09:00" });
  const ids = (list) => realArray(list).map((a) => (ok("doctorId" in a, "no doctorId"), a.id));
  // Default: active ones, all time, by start.
  for (const options of [undefined, null, {}]) same(ids(h.appointments("ada", options)), ["y", "a", "b", "c"], show(options));
  // The same start: booking order.
  same(ids(h.appointments("ada", { status: "all" })), ["x", "y", "a", "b", "c"]);
  same(ids(h.appointments("ada", { status: "cancelled" })), ["x"]);
  // A bare date `to` includes that whole day; a date-time `from` is itself.
  const query = { from: "2019-02-04T10:00", to: "2019-02-04" };
  const before = show(query);
  same(ids(h.appointments("ada", query)), ["a", "b"]);
  equal(show(query), before, "the query was mutated");
  // [from, to): an appointment starting at `to` is out.
  same(ids(h.appointments("ada", { from: "2019-02-04", to: "2019-02-04T11:00" })), ["y", "a"]);
  same(ids(h.appointments("ada", { from: "2019-02-06" })), []);
  // Pages: `limit`, then `after` the last one seen.
  same(ids(h.appointments("ada", { status: "all", limit: 2 })), ["x", "y"]);
  same(ids(h.appointments("ada", { status: "all", limit: 2, after: "y" })), ["a", "b"]);
  same(ids(h.appointments("ada", { status: "all", limit: 2, after: "b" })), ["c"]);
});

check("cancel keeps the appointment and frees its time", (api) => {
  const h = withAda(api);
  const { id } = book(h, { start: "2019-02-04T10:00" });
  const options = { reason: "patient called" };
  const before = show(options);
  const cancelled = h.cancel(id, options);
  equal(show(options), before, "the options were mutated");
  plainObject(cancelled, ["id", "doctorId", "location", "start", "end", "durationMinutes", "status", "cancelReason"], "cancelled");
  equal(cancelled.status, "cancelled");
  equal(cancelled.cancelReason, "patient called");
  equal(h.getAppointment(id).status, "cancelled");
  // Its time is free again.
  book(h, { start: "2019-02-04T10:00" });
  // Without a reason, no cancelReason key.
  for (const options of [undefined, null, {}]) {
    const other = book(h, { start: "2019-02-04T11:00" });
    ok(!("cancelReason" in h.cancel(other.id, options)), show(options));
  }
});

check("availableSlots returns an array of slot starts", ({ Hospital }) => {
  const h = new Hospital();
  h.addDoctor({ id: "d", name: "Dr. D", locations: ["A", "B"], schedule: [{ days: ["mon"], start: "09:00", end: "10:00" }] });
  h.book({ doctorId: "d", location: "B", start: "2019-02-04T09:15" });
  const slots = (query) => {
    const before = show(query);
    const result = realArray(h.availableSlots("d", query));
    equal(show(query), before, "the query was mutated");
    return result;
  };
  same(slots({ from: "2019-02-04", to: "2019-02-04" }), ["2019-02-04T09:00", "2019-02-04T09:30", "2019-02-04T09:45"]);
  same(slots({ from: "2019-02-04", to: "2019-02-04", durationMinutes: 30 }), ["2019-02-04T09:30"]);
  same(slots({ from: "2019-02-04", to: "2019-02-04", limit: 2 }), ["2019-02-04T09:00", "2019-02-04T09:30"]);
  // The other location: the doctor is busy everywhere at once.
  same(slots({ from: "2019-02-04", to: "2019-02-04", location: "A" }), ["2019-02-04T09:00", "2019-02-04T09:30", "2019-02-04T09:45"]);
  // A window from an off-grid time to a date-time: whole intervals inside it only.
  same(slots({ from: "2019-02-04T09:40", to: "2019-02-11T09:30" }), ["2019-02-04T09:45", "2019-02-11T09:00", "2019-02-11T09:15"]);
  same(slots({ from: "2019-02-05", to: "2019-02-09" }), []);
  same(slots({ from: "2019-02-04", to: "2019-02-04", limit: 0 }), []);
});

// ----- snapshots and revision -----

check("toSnapshot and fromSnapshot round-trip; the restored hospital assigns the same ids", (api) => {
  const h = new api.Hospital({ timeZone: "Europe/Paris" });
  h.addDoctor(ADA());
  book(h, { start: "2019-02-04T10:00", patient: "p-1", requestId: "r-1" });
  h.cancel(book(h, { start: "2019-02-04T11:00" }).id, { reason: "moved" });
  const text = h.toSnapshot();
  const value = JSON.parse(text);
  equal(value.format, "dr-schedule");
  equal(value.version, 4);
  equal(value.revision, h.revision);
  equal(value.doctors.length, 1);
  equal(value.appointments.length, 2);
  // Deterministic, and fromSnapshot(s).toSnapshot() === s, from text or bytes.
  equal(h.toSnapshot(), text);
  const restored = api.Hospital.fromSnapshot(text);
  ok(restored instanceof api.Hospital, "fromSnapshot did not return a Hospital");
  equal(restored.toSnapshot(), text);
  equal(api.Hospital.fromSnapshot(h.toSnapshotBytes()).toSnapshot(), text);
  equal(restored.revision, h.revision);
  same(restored.listDoctors(), h.listDoctors());
  same(restored.appointments("ada", { status: "all" }), h.appointments("ada", { status: "all" }));
  const doctor = { name: "Dr. New", locations: ["A"], schedule: [] };
  equal(restored.addDoctor(doctor).id, h.addDoctor(doctor).id);
  equal(restored.toSnapshot(), h.toSnapshot());
});

check("revision counts successful mutations only", (api) => {
  const h = new api.Hospital();
  equal(h.revision, 0);
  h.addDoctor(ADA());
  equal(h.revision, 1);
  h.updateDoctor("ada", { name: "Dr. A" });
  equal(h.revision, 2);
  const { id } = book(h, { start: "2019-02-04T10:00" });
  equal(h.revision, 3);
  h.updateAppointment(id, { notes: "n" });
  equal(h.revision, 4);
  h.cancel(id);
  equal(h.revision, 5);
  // Reads.
  h.getDoctor("ada");
  h.listDoctors();
  h.getAppointment(id);
  h.appointments("ada");
  h.findAppointments({ doctorId: "ada" });
  h.availableSlots("ada", { from: "2019-02-04", to: "2019-02-05" });
  h.workingHours("ada", { from: "2019-02-04", to: "2019-02-05" });
  h.toSnapshot();
  h.toSnapshotBytes();
  equal(h.revision, 5);
  h.removeDoctor("ada");
  equal(h.revision, 6);
  equal(api.Hospital.fromSnapshot(h.toSnapshot()).revision, 6);
});

// ----- error codes, each from the calls that can throw it -----

check("INVALID_INPUT", (api) => {
  const h = withAda(api);
  equal(invalidInput(api, h, (x) => book(x, { start: "2019-02-30T10:00" })), "start");
  equal(invalidInput(api, h, (x) => x.addDoctor({ name: "  ", locations: ["A"], schedule: [] })), "name");
});

check("DOCTOR_NOT_FOUND from every call that takes a doctor id", (api) => {
  const h = withAda(api);
  for (const call of [
    (x) => x.getDoctor("nobody"),
    (x) => x.updateDoctor("nobody", { name: "X" }),
    (x) => x.removeDoctor("nobody"),
    (x) => x.appointments("nobody"),
    (x) => x.availableSlots("nobody", { from: "2019-02-04", to: "2019-02-04" }),
    (x) => x.workingHours("nobody", { from: "2019-02-04", to: "2019-02-04" }),
    (x) => x.findAppointments({ doctorId: "nobody" }),
    (x) => x.book({ doctorId: "nobody", location: "1 Main St", start: "2019-02-04T10:00" }),
  ]) {
    equal(failsCleanly(api, h, "DOCTOR_NOT_FOUND", call).details.doctorId, "nobody", String(call));
  }
});

check("APPOINTMENT_NOT_FOUND from every call that takes an appointment id", (api) => {
  const h = withAda(api);
  for (const call of [
    (x) => x.getAppointment("a-404"),
    (x) => x.cancel("a-404"),
    (x) => x.confirm("a-404", { now: "2019-02-01T09:00" }),
    (x) => x.reschedule("a-404", { start: "2019-02-04T10:00" }),
    (x) => x.updateAppointment("a-404", { notes: "x" }),
  ]) {
    same(failsCleanly(api, h, "APPOINTMENT_NOT_FOUND", call).details, { appointmentId: "a-404" }, String(call));
  }
});

check("DUPLICATE_ID", (api) => {
  const h = withAda(api);
  equal(failsCleanly(api, h, "DUPLICATE_ID", (x) => x.addDoctor(ADA())).details.id, "ada");
  book(h, { id: "appt", start: "2019-02-04T10:00" });
  equal(failsCleanly(api, h, "DUPLICATE_ID", (x) => book(x, { start: "2019-02-04T11:00", id: "appt" })).details.id, "appt");
});

check("LOCATION_NOT_SERVED: locations match exactly", (api) => {
  const h = withAda(api);
  same(failsCleanly(api, h, "LOCATION_NOT_SERVED", (x) => x.book({ doctorId: "ada", location: "1 main st", start: "2019-02-04T10:00" })).details, { doctorId: "ada", location: "1 main st" });
  equal(failsCleanly(api, h, "LOCATION_NOT_SERVED", (x) => x.availableSlots("ada", { from: "2019-02-04", to: "2019-02-04", location: "Nowhere" })).details.location, "Nowhere");
});

check("OFF_GRID for the start and the duration", (api) => {
  const h = withAda(api);
  same(failsCleanly(api, h, "OFF_GRID", (x) => book(x, { start: "2019-02-04T10:05" })).details, { field: "start", slotMinutes: 15 });
  for (const durationMinutes of [20, 0]) {
    same(failsCleanly(api, h, "OFF_GRID", (x) => book(x, { start: "2019-02-04T10:00", durationMinutes })).details, { field: "durationMinutes", slotMinutes: 15 });
  }
  equal(failsCleanly(api, h, "OFF_GRID", (x) => x.availableSlots("ada", { from: "2019-02-04", to: "2019-02-04", durationMinutes: 20 })).details.field, "durationMinutes");
});

check("OUTSIDE_HOURS; touching rules are one block; ending at closing time is fine", (api) => {
  const h = withAda(api);
  // Tuesday's closing time (may not start at it), Wednesday (no hours), before opening.
  for (const start of ["2019-02-05T12:00", "2019-02-06T10:00", "2019-02-04T08:45"]) {
    equal(failsCleanly(api, h, "OUTSIDE_HOURS", (x) => book(x, { start })).details.doctorId, "ada", start);
  }
  // Runs past closing time.
  failsCleanly(api, h, "OUTSIDE_HOURS", (x) => book(x, { start: "2019-02-04T16:45", durationMinutes: 30 }));
  book(h, { start: "2019-02-05T11:45" });
  book(h, { start: "2019-02-04T11:30", durationMinutes: 60 });
});

check("SLOT_TAKEN at another location; back to back is fine", (api) => {
  const h = withAda(api);
  equal(book(h, { id: "first", start: "2019-02-04T10:00", durationMinutes: 30 }).id, "first");
  const details = failsCleanly(api, h, "SLOT_TAKEN", (x) => x.book({ doctorId: "ada", location: "9 Elm Ave", start: "2019-02-04T10:15" })).details;
  plainObject(details, ["conflictingAppointmentId"], "details");
  equal(details.conflictingAppointmentId, "first");
  h.book({ doctorId: "ada", location: "9 Elm Ave", start: "2019-02-04T10:30" });
});

check("ALREADY_CANCELLED", (api) => {
  const h = withAda(api);
  book(h, { id: "a-1", start: "2019-02-04T10:00" });
  h.cancel("a-1");
  same(failsCleanly(api, h, "ALREADY_CANCELLED", (x) => x.cancel("a-1", { reason: "again" })).details, { appointmentId: "a-1" });
});

check("REQUEST_ID_REUSED for any difference", (api) => {
  const h = withAda(api);
  const first = book(h, { start: "2019-02-04T10:00", requestId: "r-1", patient: "p" });
  for (const different of [
    { start: "2019-02-04T10:30", requestId: "r-1", patient: "p" },
    { start: "2019-02-04T10:00", requestId: "r-1", patient: "q" },
    { start: "2019-02-04T10:00", requestId: "r-1", patient: "p", durationMinutes: 30 },
    { start: "2019-02-04T10:00", requestId: "r-1" },
  ]) {
    same(failsCleanly(api, h, "REQUEST_ID_REUSED", (x) => book(x, different)).details, { requestId: "r-1", appointmentId: first.id }, show(different));
  }
});

check("HAS_APPOINTMENTS names the appointments in the way, by start", (api) => {
  const h = withAda(api);
  book(h, { id: "early", start: "2019-02-04T10:00" });
  book(h, { id: "tue", start: "2019-02-05T09:00" });
  book(h, { id: "late", start: "2019-02-04T14:00" });
  h.book({ doctorId: "ada", location: "9 Elm Ave", id: "elm", start: "2019-02-04T15:00" });
  const ids = (error) => (equal(error.details.doctorId, "ada"), realArray(error.details.appointmentIds));
  // New hours that leave Monday afternoon and Tuesday out.
  same(ids(failsCleanly(api, h, "HAS_APPOINTMENTS", (x) => x.updateDoctor("ada", { schedule: [{ days: ["mon"], start: "09:00", end: "12:00" }] }))), ["late", "elm", "tue"]);
  // Dropping a location.
  same(ids(failsCleanly(api, h, "HAS_APPOINTMENTS", (x) => x.updateDoctor("ada", { locations: ["1 Main St"] }, { cancelAppointments: false }))), ["elm"]);
  // Removing the doctor: every booked appointment.
  same(ids(failsCleanly(api, h, "HAS_APPOINTMENTS", (x) => x.removeDoctor("ada"))), ["early", "late", "elm", "tue"]);
});

check("INVALID_SNAPSHOT names the path of the first problem", (api) => {
  const h = withAda(api);
  book(h, { id: "a-1", start: "2019-02-04T10:00" });
  book(h, { id: "a-2", start: "2019-02-04T11:00" });
  const good = h.toSnapshot();
  const edited = (edit) => {
    const value = JSON.parse(good);
    edit(value);
    return snapshotText(value);
  };
  for (const [text, path] of [
    [edited((v) => (v.appointments[0][3] = "2019-02-04T10:05")), "appointments[0].start"],
    // Two booked appointments at the same time.
    [edited((v) => (v.appointments[1][3] = "2019-02-04T10:00")), "appointments[1].start"],
    [edited((v) => (v.doctors[0].color = "blue")), "doctors[0].color"],
    [edited((v) => (v.appointments[1][1] = "nobody")), "appointments[1].doctorId"],
    [edited((v) => (v.format = "other")), "format"],
  ]) {
    equal(failsCleanly(api, h, "INVALID_SNAPSHOT", () => api.Hospital.fromSnapshot(text)).details.path, path, text);
  }
  // Not JSON at all, or not an object: a path is still given (the root, "").
  for (const text of ["", "{", "[]", "null", "42", '{"format":"dr-schedule"}']) {
    equal(typeof failsCleanly(api, h, "INVALID_SNAPSHOT", () => api.Hospital.fromSnapshot(text)).details.path, "string", text);
  }
});

check("UNSUPPORTED_VERSION", (api) => {
  const h = withAda(api);
  const value = JSON.parse(h.toSnapshot());
  value.version = 5;
  same(failsCleanly(api, h, "UNSUPPORTED_VERSION", () => api.Hospital.fromSnapshot(snapshotText(value))).details, { version: 5, supportedVersion: 4 });
});

check("TOO_SOON and BEYOND_HORIZON; without now, INVALID_INPUT naming it", (api) => {
  const h = withAda(api, { minNoticeMinutes: 60, horizonDays: 2 });
  const ask = (start, now) => ({ doctorId: "ada", location: "1 Main St", start, now });
  same(failsCleanly(api, h, "TOO_SOON", (x) => x.book(ask("2019-02-04T10:45", "2019-02-04T10:00"))).details, { earliestStart: "2019-02-04T11:00" });
  equal(failsCleanly(api, h, "TOO_SOON", (x) => x.book(ask("2019-02-04T09:00", "2019-02-04T10:00"))).details.reason, "inThePast");
  equal(failsCleanly(api, h, "BEYOND_HORIZON", (x) => x.book(ask("2019-02-05T09:00", "2019-02-01T10:00"))).details.latestStart, "2019-02-03T10:00");
  equal(invalidInput(api, h, (x) => book(x, { start: "2019-02-04T11:00" })), "now");
  h.book(ask("2019-02-04T11:00", "2019-02-04T10:00"));
});

check("PATIENT_BUSY", (api) => {
  const h = withAda(api, { preventPatientOverlap: true });
  h.addDoctor({ ...ADA(), id: "bea" });
  const first = book(h, { start: "2019-02-04T10:00", patient: "p-1" });
  const details = failsCleanly(api, h, "PATIENT_BUSY", (x) => x.book({ doctorId: "bea", location: "9 Elm Ave", start: "2019-02-04T10:00", patient: "p-1" })).details;
  plainObject(details, ["conflictingAppointmentId", "patient"], "details");
  equal(details.conflictingAppointmentId, first.id);
});

check("holds, confirm, HOLD_EXPIRED and NOT_HELD", (api) => {
  const h = withAda(api);
  const held = h.hold({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:00", now: "2019-02-01T08:00", ttlMinutes: 10 });
  equal(held.status, "held");
  equal(held.holdExpires, "2019-02-01T08:10");
  equal(failsCleanly(api, h, "HOLD_EXPIRED", (x) => x.confirm(held.id, { now: "2019-02-01T08:10" })).details.holdExpires, "2019-02-01T08:10");
  const booked = h.confirm(held.id, { now: "2019-02-01T08:09" });
  equal(booked.status, "booked");
  ok(!("holdExpires" in booked), "a booking with holdExpires");
  same(failsCleanly(api, h, "NOT_HELD", (x) => x.confirm(held.id, { now: "2019-02-01T08:09" })).details, { appointmentId: held.id });
  // now is required, and nothing unknown is accepted.
  equal(invalidInput(api, h, (x) => x.confirm(held.id, {})), "now");
  equal(invalidInput(api, h, (x) => x.hold({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T11:00", now: "2019-02-01T08:00", ttl: 10 })), "ttl");
});

check("HOSPITAL_FULL: nothing grows a hospital past its maxSnapshotBytes", (api) => {
  const h = new api.Hospital({ maxSnapshotBytes: 16 * 1024 });
  h.addDoctor(ADA());
  const big = { name: "Dr. Big", locations: Array.from({ length: 100 }, (_, i) => `${i}`.padStart(200, "L")), schedule: [] };
  const details = failsCleanly(api, h, "HOSPITAL_FULL", (x) => x.addDoctor(big)).details;
  plainObject(details, ["limitOf", "current", "requested", "limit"], "details");
  same([details.limitOf, details.current, details.limit], ["snapshotBytes", h.snapshotBytes, 16 * 1024]);
  ok(details.current + details.requested > details.limit, show(details));
});

check("reschedule, findSlots and explain return plain values", (api) => {
  const h = withAda(api);
  const { id } = book(h, { start: "2019-02-04T10:00" });
  const moved = h.reschedule(id, { start: "2019-02-04T10:15" });
  const trace = realArray(moved.rescheduledFrom);
  equal(trace.length, 1);
  plainObject(trace[0], ["end", "location", "start"], "trace");
  ok(!("reason" in failsCleanly(api, h, "OUTSIDE_HOURS", (x) => x.reschedule(id, { start: "2019-02-05T12:00" })).details), "a reason for the weekly hours");
  const found = realArray(h.findSlots({ from: "2019-02-04", to: "2019-02-04", limit: 2 }));
  equal(found.length, 2);
  plainObject(found[0], ["doctorId", "location", "start"], "found");
  equal(found[0].start, "2019-02-04T09:00");
  const problems = realArray(h.explain({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:20" }));
  same(problems.map((p) => p.code), ["OFF_GRID", "SLOT_TAKEN"]);
  plainObject(problems[0], ["code", "details", "message"], "problem");
  same(h.explain({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T11:00" }), []);
  equal(invalidInput(api, h, (x) => x.findSlots({ from: "2019-02-04", to: "2019-02-04", limit: 0 })), "limit");
});

check("updateAppointment, findAppointments and workingHours return plain values", (api) => {
  const h = withAda(api);
  const { id } = book(h, { start: "2019-02-04T10:00", patient: "p-1" });
  const updated = h.updateAppointment(id, { notes: "n", metadata: { k: [1] } });
  plainObject(updated, ["id", "doctorId", "location", "start", "end", "durationMinutes", "patient", "status", "notes", "metadata"], "updated");
  plainObject(updated.metadata, ["k"], "metadata");
  realArray(updated.metadata.k);
  const found = realArray(h.findAppointments({ patient: "p-1" }));
  same(found, [updated]);
  const blocks = realArray(h.workingHours("ada", { from: "2019-02-04", to: "2019-02-05", location: "1 Main St" }));
  same(blocks, [
    { date: "2019-02-04", location: "1 Main St", start: "2019-02-04T09:00", end: "2019-02-04T17:00" },
    { date: "2019-02-05", location: "1 Main St", start: "2019-02-05T09:00", end: "2019-02-05T12:00" },
  ]);
  for (const block of blocks) plainObject(block, ["date", "location", "start", "end"], "block");
});

check(
  "a snapshot version beyond 2^53 is INVALID_SNAPSHOT at version, never a detail JS cannot hold",
  (api) => {
    const h = withAda(api);
    const text = h.toSnapshot().replace('"version":4', '"version":18446744073709551615');
    equal(failsCleanly(api, h, "INVALID_SNAPSHOT", () => api.Hospital.fromSnapshot(text)).details.path, "version");
  },
);

check("snapshot counters at the end of their range are refused, never wrapped", (api) => {
  for (const [from, to, path] of [
    ['"revision":1', '"revision":18446744073709551615', "revision"],
    ['"doctor":1', '"doctor":18446744073709551615', "nextIds.doctor"],
    ['"revision":1', '"revision":9007199254740993', "revision"],
  ]) {
    const h = withAda(api);
    const text = h.toSnapshot().replace(from, to);
    ok(text !== h.toSnapshot(), `the edit ${to} did not apply`);
    equal(failsCleanly(api, h, "INVALID_SNAPSHOT", () => api.Hospital.fromSnapshot(text)).details.path, path, to);
  }
});

// ----- reading arguments -----

check("numbers and other non-strings for string ids", (api) => {
  const h = withAda(api);
  book(h, { id: "a-1", start: "2019-02-04T10:00" });
  const slots = () => ({ from: "2019-02-04", to: "2019-02-04" });
  for (const [call, field] of [
    [(x) => x.getDoctor(42), "id"],
    [(x) => x.getDoctor(undefined), "id"],
    [(x) => x.getDoctor(null), "id"],
    [(x) => x.getDoctor(["ada"]), "id"],
    [(x) => x.updateDoctor(42, {}), "id"],
    [(x) => x.removeDoctor(true), "id"],
    [(x) => x.getAppointment(42), "id"],
    [(x) => x.appointments(42), "doctorId"],
    [(x) => x.cancel(42), "appointmentId"],
    [(x) => x.updateAppointment(42, {}), "appointmentId"],
    [(x) => x.availableSlots(42, slots()), "doctorId"],
    [(x) => x.workingHours(42, slots()), "doctorId"],
    [() => api.Hospital.fromSnapshot(42), "snapshot"],
    [() => api.Hospital.fromSnapshot(undefined), "snapshot"],
    // Inside objects.
    [(x) => x.addDoctor({ id: 7, name: "Dr. B", locations: ["A"], schedule: [] }), "id"],
    [(x) => x.book({ doctorId: 1, location: "1 Main St", start: "2019-02-04T11:00" }), "doctorId"],
    [(x) => x.book({ doctorId: "ada", location: ["1 Main St"], start: "2019-02-04T11:00" }), "location"],
    [(x) => x.addDoctor({ name: "Dr. B", locations: ["A", 2], schedule: [] }), "locations[1]"],
  ]) {
    equal(invalidInput(api, h, call, String(call)), field, String(call));
  }
});

check("bad numbers for durationMinutes, limit and slotMinutes; null means absent", (api) => {
  const h = withAda(api);
  for (const value of ["30", 15.5, NaN, Infinity, -Infinity, -15, 1e300, 4_294_967_296 + 15, true, [30], { minutes: 30 }]) {
    const request = { doctorId: "ada", location: "1 Main St", start: "2019-02-04T11:00", durationMinutes: value };
    const before = show(request);
    equal(invalidInput(api, h, (x) => x.book(request), show(value)), "durationMinutes", show(value));
    equal(show(request), before, "the request was mutated");
  }
  equal(withAda(api).book({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T11:00", durationMinutes: null }).durationMinutes, 15);
  for (const value of [NaN, -15, "15"]) {
    equal(invalidInput(api, h, (x) => x.availableSlots("ada", { from: "2019-02-04", to: "2019-02-04", limit: value })), "limit", show(value));
    equal(invalidField(api, thrown(() => new api.Hospital({ slotMinutes: value }))), "slotMinutes", show(value));
  }
});

check("null and undefined for required arguments and fields", (api) => {
  const h = withAda(api);
  for (const missing of [null, undefined]) {
    equal(invalidInput(api, h, (x) => x.addDoctor(missing)), "doctor");
    equal(invalidInput(api, h, (x) => x.book(missing)), "request");
    equal(invalidInput(api, h, (x) => x.updateDoctor("ada", missing)), "patch");
    equal(invalidInput(api, h, (x) => x.availableSlots("ada", missing)), "options");
    equal(invalidInput(api, h, (x) => x.updateAppointment("a1", missing)), "patch");
    equal(invalidInput(api, h, (x) => x.findAppointments(missing)), "query");
    equal(invalidInput(api, h, (x) => x.workingHours("ada", missing)), "query");
    equal(invalidInput(api, h, (x) => x.confirm("a1", missing)), "options");
  }
  equal(invalidInput(api, h, (x) => book(x, { start: null })), "start");
  equal(invalidInput(api, h, (x) => x.addDoctor({ name: null, locations: ["A"], schedule: [] })), "name");
  equal(invalidInput(api, h, (x) => x.availableSlots("ada", { from: "2019-02-04", to: null })), "to");
});

check("a missing required field is named in details.field", (api) => {
  const h = withAda(api);
  equal(invalidInput(api, h, (x) => x.book({ doctorId: "ada", location: "1 Main St" })), "start");
  equal(invalidInput(api, h, (x) => x.addDoctor({ name: "Dr. B", schedule: [] })), "locations");
  equal(invalidInput(api, h, (x) => x.addDoctor({ name: "Dr. B", locations: ["A"], schedule: [{ days: ["mon"], start: "09:00" }] })), "schedule[0].end");
  equal(invalidInput(api, h, (x) => x.availableSlots("ada", { from: "2019-02-04" })), "to");
  equal(invalidInput(api, h, (x) => x.workingHours("ada", { to: "2019-02-04" })), "from");
});

check("unknown fields are refused with their path", (api) => {
  const h = withAda(api);
  book(h, { id: "a-1", start: "2019-02-04T10:00" });
  for (const [call, field] of [
    [(x) => book(x, { start: "2019-02-04T11:00", color: "red" }), "color"],
    [(x) => book(x, { start: "2019-02-04T11:00", duration: 30 }), "duration"],
    [(x) => x.addDoctor({ name: "Dr. B", locations: ["A"], schedule: [{ days: ["mon"], start: "09:00", end: "17:00", lunch: "12:00" }] }), "schedule[0].lunch"],
    [(x) => x.addDoctor({ name: "Dr. B", locations: ["A"], schedule: [], specialty: "x" }), "specialty"],
    // The id is not part of a patch.
    [(x) => x.updateDoctor("ada", { id: "other" }), "id"],
    [(x) => x.updateDoctor("ada", {}, { cancel: true }), "cancel"],
    [(x) => x.removeDoctor("ada", { force: true }), "force"],
    [(x) => x.appointments("ada", { statuses: "all" }), "statuses"],
    [(x) => x.cancel("a-1", { why: "x" }), "why"],
    [(x) => x.availableSlots("ada", { from: "2019-02-04", to: "2019-02-04", max: 3 }), "max"],
    [(x) => x.updateAppointment("a-1", { status: "booked" }), "status"],
    [(x) => x.findAppointments({ patient: "p", sort: "start" }), "sort"],
    [(x) => x.workingHours("ada", { from: "2019-02-04", to: "2019-02-04", doctorId: "ada" }), "doctorId"],
  ]) {
    equal(invalidInput(api, h, call, String(call)), field, String(call));
  }
  equal(invalidField(api, thrown(() => new api.Hospital({ slotMinutes: 15, tz: "UTC" }))), "tz");
});

check("wrong values inside schedule rules name their path", (api) => {
  const h = new api.Hospital();
  const doctor = (schedule) => ({ name: "Dr. B", locations: ["A"], schedule });
  for (const [schedule, field] of [
    [[{ days: ["monday"], start: "09:00", end: "17:00" }], "schedule[0].days[0]"],
    [[{ days: ["mon", 3], start: "09:00", end: "17:00" }], "schedule[0].days[1]"],
    [[{ days: ["mon", "mon"], start: "09:00", end: "17:00" }], "schedule[0].days[1]"],
    [[{ days: [], start: "09:00", end: "17:00" }], "schedule[0].days"],
    [[{ days: ["mon"], start: "09:00", end: "17:00" }, { days: ["tue"], start: "9:00", end: "17:00" }], "schedule[1].start"],
    [[{ days: ["mon"], start: "09:00", end: "24:01" }], "schedule[0].end"],
    [[{ days: ["mon"], start: "17:00", end: "09:00" }], "schedule[0].end"],
    [[{ days: "mon", start: "09:00", end: "17:00" }], "schedule[0].days"],
    [["mon 09:00-17:00"], "schedule[0]"],
    [{ mon: ["09:00", "17:00"] }, "schedule"],
  ]) {
    const input = doctor(schedule);
    const before = show(input);
    equal(invalidInput(api, h, (x) => x.addDoctor(input), show(schedule)), field, show(schedule));
    equal(show(input), before, "the input was mutated");
  }
  // A hole in a sparse array is undefined: not a weekday.
  const input = doctor([{ days: ["mon"], start: "09:00", end: "17:00" }]);
  input.schedule[0].days.length = 3;
  equal(invalidInput(api, h, (x) => x.addDoctor(input)), "schedule[0].days[1]");
});

check("arrays are not accepted in place of objects", (api) => {
  const h = withAda(api);
  book(h, { id: "x", start: "2019-02-04T10:00" });
  for (const [call, field] of [
    [(x) => x.addDoctor(["d-9", "Dr. Array", ["A"], []]), "doctor"],
    [(x) => x.addDoctor({ name: "Dr. B", locations: ["A"], schedule: [[["mon"], "09:00", "17:00"]] }), "schedule[0]"],
    [(x) => x.book(["ada", "1 Main St", "2019-02-04T11:00"]), "request"],
    [(x) => x.cancel("x", ["a reason"]), "options"],
    [(x) => x.updateAppointment("x", ["a note"]), "patch"],
    [(x) => x.findAppointments(["p"]), "query"],
  ]) {
    equal(invalidInput(api, h, call, String(call)), field, String(call));
  }
});

check("__proto__ keys from JSON.parse are unknown fields, and pollute nothing", (api) => {
  const h = withAda(api);
  const input = JSON.parse('{"name":"Dr. B","locations":["A"],"schedule":[],"__proto__":{"id":"injected"}}');
  const before = show(input);
  equal(invalidInput(api, h, (x) => x.addDoctor(input)), "__proto__");
  equal(show(input), before);
  equal(invalidInput(api, h, (x) => x.addDoctor(JSON.parse('{"name":"Dr. B","locations":["A"],"schedule":[{"days":["mon"],"start":"09:00","end":"17:00","__proto__":{"end":"24:00"}}]}'))), "schedule[0].__proto__");
  equal(invalidInput(api, h, (x) => x.book(JSON.parse('{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00","__proto__":{"id":"x"}}'))), "__proto__");
  equal(invalidField(api, thrown(() => new api.Hospital(JSON.parse('{"__proto__":{"slotMinutes":7}}')))), "__proto__");
  equal({}.id, undefined);
  equal({}.slotMinutes, undefined);
});

check("values JSON cannot say are refused with their path", (api) => {
  const h = withAda(api);
  const doctor = () => ({ name: "Dr. B", locations: ["A"], schedule: [] });
  const request = () => ({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T11:00" });
  function named() {
    return "Dr. F";
  }
  for (const [input, field] of [
    [{ ...doctor(), name: named }, "name"],
    [{ ...doctor(), name: 7n }, "name"],
    [{ ...doctor(), name: Symbol.for("x") }, "name"],
    [{ ...doctor(), locations: [named] }, "locations[0]"],
    [named, "doctor"],
    ["Dr. Ada", "doctor"],
    [1, "doctor"],
    [true, "doctor"],
  ]) {
    equal(invalidInput(api, h, (x) => x.addDoctor(input), show(input)), field, show(input));
  }
  // A Date is not a time string: times cross as strings.
  equal(invalidInput(api, h, (x) => x.book({ ...request(), start: new Date(2019, 1, 4, 11, 0) })), "start");
  // A getter that throws.
  const throwing = Object.defineProperty(doctor(), "name", { get() { throw new Error("getter"); }, enumerable: true });
  equal(invalidInput(api, h, (x) => x.addDoctor(throwing)), "name");
  // A function as options.
  equal(invalidInput(api, h, (x) => x.appointments("ada", named)), "options");
  // In metadata too.
  equal(invalidInput(api, h, (x) => x.book({ ...request(), metadata: { at: new Date(0) } })), "metadata.at");
  equal(invalidInput(api, h, (x) => x.book({ ...request(), metadata: { n: NaN } })), "metadata.n");
});

check("deep nesting is refused without overflowing the stack", (api) => {
  const h = withAda(api);
  for (const depth of [20, 100_000]) {
    let nested = [];
    for (let i = 0; i < depth; i += 1) nested = [nested];
    const field = invalidInput(api, h, (x) => x.addDoctor({ name: "Dr. B", locations: ["A"], schedule: nested }));
    ok(field.startsWith("schedule[0]"), `field ${field}`);
    // Deep objects under an unknown key, too.
    let object = {};
    for (let i = 0; i < depth; i += 1) object = { a: object };
    const unknown = invalidInput(api, h, (x) => book(x, { start: "2019-02-04T11:00", extra: object }));
    ok(unknown.startsWith("extra"), `field ${unknown}`);
  }
  // The nesting real inputs need is fine.
  h.updateDoctor("ada", { schedule: [{ days: ["mon"], start: "09:00", end: "17:00" }] });
});

check("other invalid values name their field", (api) => {
  const h = withAda(api);
  book(h, { id: "a-1", start: "2019-02-04T10:00" });
  for (const [call, field] of [
    [(x) => x.addDoctor({ name: "", locations: ["A"], schedule: [] }), "name"],
    [(x) => x.addDoctor({ name: "B", locations: [], schedule: [] }), "locations"],
    [(x) => x.addDoctor({ id: "a b", name: "B", locations: ["A"], schedule: [] }), "id"],
    [(x) => x.addDoctor({ id: "", name: "B", locations: ["A"], schedule: [] }), "id"],
    [(x) => book(x, { start: "2019-02-04 11:00" }), "start"],
    [(x) => book(x, { start: "2019-02-04" }), "start"],
    [(x) => book(x, { start: "2019-02-04T11:00", patient: "" }), "patient"],
    [(x) => x.appointments("ada", { status: "open" }), "status"],
    [(x) => x.appointments("ada", { from: "yesterday" }), "from"],
    [(x) => x.appointments("ada", { from: "2019-02-05", to: "2019-02-04T10:00" }), "to"],
    [(x) => x.availableSlots("ada", { from: "2019-01-01", to: "2021-01-01" }), "to"],
    [(x) => x.cancel("a-1", { reason: "" }), "reason"],
    [(x) => x.updateDoctor("ada", { name: "X" }, true), "options"],
    [(x) => x.removeDoctor("ada", { cancelAppointments: "yes" }), "cancelAppointments"],
  ]) {
    equal(invalidInput(api, h, call, String(call)), field, String(call));
  }
});

check("no input is mutated, and frozen inputs work", (api) => {
  const inputs = [];
  const keep = (value) => {
    inputs.push([value, show(value)]);
    return deepFreeze(value);
  };
  const h = new api.Hospital(keep({ slotMinutes: 15 }));
  h.addDoctor(keep(ADA()));
  h.updateDoctor("ada", keep({ name: "Dr. A", locations: ["1 Main St", "9 Elm Ave"] }), keep({ cancelAppointments: true }));
  h.book(keep({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:00", id: "a-1", requestId: "r", patient: "p", metadata: { tags: ["x"] } }));
  h.updateAppointment("a-1", keep({ metadata: { tags: ["y", { z: 1 }] } }));
  h.appointments("ada", keep({ from: "2019-02-04", status: "all" }));
  h.findAppointments(keep({ patient: "p", status: "all" }));
  h.availableSlots("ada", keep({ from: "2019-02-04", to: "2019-02-04", limit: 3 }));
  h.workingHours("ada", keep({ from: "2019-02-04", to: "2019-02-04" }));
  h.cancel("a-1", keep({ reason: "r" }));
  // Failing calls do not touch their input either.
  thrown(() => h.book(keep({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:05" })));
  thrown(() => h.addDoctor(keep({ name: "B", locations: ["A"], schedule: [{ days: ["mon"], start: "9", end: "10:00" }] })));
  h.removeDoctor("ada", keep({ cancelAppointments: true }));
  for (const [input, text] of inputs) {
    ok(Object.isFrozen(input), "not frozen");
    equal(show(input), text, "a frozen input changed");
  }
  // And unfrozen inputs are left exactly as they were.
  const other = new api.Hospital();
  const doctor = ADA();
  const patch = { schedule: [{ days: ["mon"], start: "09:00", end: "10:00" }] };
  const request = { doctorId: "ada", location: "1 Main St", start: "2019-02-04T09:00" };
  const texts = show([doctor, patch, request]);
  other.addDoctor(doctor);
  other.book(request);
  other.updateDoctor("ada", patch);
  thrown(() => other.book(request));
  equal(show([doctor, patch, request]), texts);
});

// ----- the class as a caller holds it -----

check("the class: its name, fromSnapshot, every documented method, number getters", ({ Hospital }) => {
  equal(Hospital.name, "Hospital");
  equal(typeof Hospital.fromSnapshot, "function");
  const h = new Hospital();
  ok(h instanceof Hospital && h instanceof Object, "not an instance");
  for (const method of ["addDoctor", "getDoctor", "listDoctors", "updateDoctor", "removeDoctor", "book", "hold", "confirm", "reschedule", "cancel", "updateAppointment", "getAppointment", "appointments", "findAppointments", "availableSlots", "findSlots", "explain", "workingHours", "toSnapshot", "toSnapshotBytes", "changesSince", "applyChanges", "free"]) {
    equal(typeof h[method], "function", method);
  }
  equal(h[Symbol.dispose], h.free);
  for (const getter of ["revision", "doctorCount", "appointmentCount", "snapshotBytes"]) {
    equal(typeof h[getter], "number", getter);
  }
  equal(h.revision, 0);
  equal(h.actor, null);
});

check("missing arguments are undefined: HospitalErrors naming them", (api) => {
  const h = new api.Hospital();
  h.addDoctor(ADA());
  hospitalError(api, thrown(() => h.getDoctor("nobody")), "DOCTOR_NOT_FOUND");
  equal(invalidField(api, thrown(() => h.getDoctor())), "id");
  equal(invalidField(api, thrown(() => h.availableSlots("ada"))), "options");
  equal(invalidField(api, thrown(() => h.addDoctor())), "doctor");
  hospitalError(api, thrown(() => api.Hospital.fromSnapshot("{")), "INVALID_SNAPSHOT");
  equal(invalidField(api, thrown(() => new api.Hospital({ slotMinutes: 7 }))), "slotMinutes");
  h.book({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:00", id: "a" });
  equal(hospitalError(api, thrown(() => h.book({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:00" })), "SLOT_TAKEN").conflictingAppointmentId, "a");
  equal(h.revision, 2);
  stillWorks(h);
});

check("Proxies whose traps throw, and revoked Proxies, are HospitalErrors; the object keeps working", (api) => {
  const h = new api.Hospital();
  h.addDoctor(ADA());
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  for (const [method, input] of [
    ["addDoctor", new Proxy({}, { ownKeys() { throw new Error("ownKeys trap"); } })],
    ["book", revoked.proxy],
    ["book", new Proxy({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:00" }, { get() { throw new Error("get trap"); } })],
    ["addDoctor", { name: "Dr. B", locations: ["A"], schedule: new Proxy([], { get() { throw new Error("get trap"); } }) }],
    ["updateAppointment", new Proxy({}, { getPrototypeOf() { throw new Error("getPrototypeOf trap"); } })],
  ]) {
    const error = thrown(() => h[method](input), method);
    hospitalError(api, error, "INVALID_INPUT", method);
    realArray(h.listDoctors(), "listDoctors after a trap threw");
    stillWorks(h);
  }
});

// ---------------------------------------------------------------------------------------------
// Time zones and daylight saving (issue 12), in every runtime: the zones come from its own Intl.

/** A hospital in `timeZone` whose doctor "d" works on Sundays, 00:00-06:00 there, at "A". */
function sundayDoctor(api, timeZone, options = {}) {
  const h = new api.Hospital({ slotMinutes: 15, defaultDurationMinutes: 15, timeZone, ...options });
  h.addDoctor({ id: "d", name: "Dr. Night", locations: ["A"], schedule: [{ days: ["sun"], start: "00:00", end: "06:00" }] });
  return h;
}

const at = (start, extra = {}) => ({ doctorId: "d", location: "A", start, ...extra });

check("New York, 2025-03-09, clocks forward: no slot, no booking at 02:00-02:59; real durations, notice and holds", (api) => {
  const h = sundayDoctor(api, "America/New_York");
  same(h.availableSlots("d", { from: "2025-03-09T01:30", to: "2025-03-09T03:30" }), [
    "2025-03-09T01:30", "2025-03-09T01:45", "2025-03-09T03:00", "2025-03-09T03:15",
  ], "slots");
  const gap = failsCleanly(api, h, "NONEXISTENT_TIME", (x) => x.book(at("2025-03-09T02:30")));
  same(gap.details, { field: "start", timeZone: "America/New_York", nearestStarts: ["2025-03-09T01:45:00-05:00", "2025-03-09T03:00:00-04:00"] }, "NONEXISTENT_TIME details");
  // 01:30 "for 60 minutes" lasts 60 real minutes: it ends at 03:30 on the wall clock.
  const hour = h.book(at("2025-03-09T01:30", { durationMinutes: 60 }));
  same([hour.start, hour.end, hour.startUtc, hour.endUtc], ["2025-03-09T01:30", "2025-03-09T03:30", "2025-03-09T06:30:00Z", "2025-03-09T07:30:00Z"], "a 60-minute appointment");
  // A 10-minute hold taken at 01:55 is still live 5 real minutes later (03:00 EDT).
  const held = h.hold(at("2025-03-09T05:00", { now: "2025-03-09T01:55", ttlMinutes: 10 }));
  equal(held.holdExpires, "2025-03-09T07:05:00Z", "holdExpires");
  equal(h.confirm(held.id, { now: "2025-03-09T03:00" }).status, "booked", "confirmed 5 real minutes later");
  // 120 minutes' notice at 01:00 EST: the earliest start is 04:00 EDT, 120 real minutes later.
  const notice = sundayDoctor(api, "America/New_York", { minNoticeMinutes: 120 });
  failsCleanly(api, notice, "TOO_SOON", (x) => x.book(at("2025-03-09T03:00", { now: "2025-03-09T01:00" })));
  equal(notice.book(at("2025-03-09T04:00", { now: "2025-03-09T01:00" })).startUtc, "2025-03-09T08:00:00Z", "04:00 EDT");
});

check("New York, 2025-11-02, clocks back: 01:00-01:59 twice, each with its offset; ambiguous without one", (api) => {
  const h = sundayDoctor(api, "America/New_York");
  same(h.availableSlots("d", { from: "2025-11-02T00:45", to: "2025-11-02T02:15" }), [
    "2025-11-02T00:45",
    "2025-11-02T01:00:00-04:00", "2025-11-02T01:15:00-04:00", "2025-11-02T01:30:00-04:00", "2025-11-02T01:45:00-04:00",
    "2025-11-02T01:00:00-05:00", "2025-11-02T01:15:00-05:00", "2025-11-02T01:30:00-05:00", "2025-11-02T01:45:00-05:00",
    "2025-11-02T02:00",
  ], "slots");
  const twice = failsCleanly(api, h, "AMBIGUOUS_TIME", (x) => x.book(at("2025-11-02T01:30")));
  same(twice.details, { field: "start", timeZone: "America/New_York", starts: ["2025-11-02T01:30:00-04:00", "2025-11-02T01:30:00-05:00"] }, "AMBIGUOUS_TIME details");
  // 01:00 EDT for 60 minutes ends at 01:00 EST: 60 real minutes, not 120.
  const first = h.book(at("2025-11-02T01:00:00-04:00", { durationMinutes: 60 }));
  same([first.start, first.end, first.startUtc, first.endUtc], ["2025-11-02T01:00", "2025-11-02T01:00", "2025-11-02T05:00:00Z", "2025-11-02T06:00:00Z"], "the first 01:00-02:00");
  // The second 01:00-02:00 is free: every real quarter-hour can be booked.
  const second = h.book(at("2025-11-02T01:00:00-05:00", { durationMinutes: 60 }));
  equal(second.startUtc, "2025-11-02T06:00:00Z", "the second 01:00");
  // An instant (Date) says which one too.
  equal(h.book(at(new Date(Date.UTC(2025, 10, 2, 7)))).start, "2025-11-02T02:00", "a Date");
  // A hold taken at 01:50 EDT for 10 minutes lapses at 01:00 EST.
  const held = h.hold(at("2025-11-02T03:00", { now: "2025-11-02T01:50:00-04:00", ttlMinutes: 10 }));
  equal(held.holdExpires, "2025-11-02T06:00:00Z", "holdExpires");
  failsCleanly(api, h, "HOLD_EXPIRED", (x) => x.confirm(held.id, { now: "2025-11-02T01:30:00-05:00" }));
});

check("Australia/Sydney (southern hemisphere): forward in October, back in April", (api) => {
  const h = sundayDoctor(api, "Australia/Sydney");
  same(failsCleanly(api, h, "NONEXISTENT_TIME", (x) => x.book(at("2025-10-05T02:30"))).details.nearestStarts, ["2025-10-05T01:45:00+10:00", "2025-10-05T03:00:00+11:00"], "October");
  same(failsCleanly(api, h, "AMBIGUOUS_TIME", (x) => x.book(at("2025-04-06T02:30"))).details.starts, ["2025-04-06T02:30:00+11:00", "2025-04-06T02:30:00+10:00"], "April");
  equal(h.book(at("2025-04-06T02:30:00+10:00")).startUtc, "2025-04-05T16:30:00Z", "the second 02:30");
});

check("Australia/Lord_Howe: a 30-minute change of the clocks", (api) => {
  const h = sundayDoctor(api, "Australia/Lord_Howe");
  same(h.availableSlots("d", { from: "2025-10-05T01:30", to: "2025-10-05T03:00" }), ["2025-10-05T01:30", "2025-10-05T01:45", "2025-10-05T02:30", "2025-10-05T02:45"], "October");
  same(failsCleanly(api, h, "NONEXISTENT_TIME", (x) => x.book(at("2025-10-05T02:15"))).details.nearestStarts, ["2025-10-05T01:45:00+10:30", "2025-10-05T02:30:00+11:00"], "the gap");
  same(h.availableSlots("d", { from: "2025-04-06T01:15", to: "2025-04-06T02:15" }), [
    "2025-04-06T01:15", "2025-04-06T01:30:00+11:00", "2025-04-06T01:45:00+11:00", "2025-04-06T01:30:00+10:30", "2025-04-06T01:45:00+10:30", "2025-04-06T02:00",
  ], "April");
  same(failsCleanly(api, h, "AMBIGUOUS_TIME", (x) => x.book(at("2025-04-06T01:30"))).details.starts, ["2025-04-06T01:30:00+11:00", "2025-04-06T01:30:00+10:30"], "the repeated half hour");
});

check("America/Sao_Paulo: no daylight saving since 2019, the rules before still apply to 2018", (api) => {
  const h = sundayDoctor(api, "America/Sao_Paulo");
  const booked = h.book(at("2025-11-02T00:30"));
  same([booked.start, booked.startUtc], ["2025-11-02T00:30", "2025-11-02T03:30:00Z"], "2025, at -03:00 all year");
  same(failsCleanly(api, h, "NONEXISTENT_TIME", (x) => x.book(at("2018-11-04T00:30"))).details.nearestStarts, ["2018-11-03T23:45:00-03:00", "2018-11-04T01:00:00-02:00"], "2018");
  equal(h.availableSlots("d", { from: "2018-11-04", to: "2018-11-04" })[0], "2018-11-04T01:00", "the first slot of 2018-11-04");
});

check("a zoned hospital round-trips through its snapshot and change records", (api) => {
  const h = sundayDoctor(api, "America/New_York", { locationTimeZones: { B: "America/Chicago" } });
  h.updateDoctor("d", { locations: ["A", "B"] });
  h.book(at("2025-11-02T01:30:00-05:00", { now: new Date(Date.UTC(2025, 9, 1)) }));
  h.book({ doctorId: "d", location: "B", start: "2025-11-02T03:00", now: "2025-10-01T00:00:00Z" });
  const text = h.toSnapshot();
  equal(api.Hospital.fromSnapshot(text).toSnapshot(), text, "fromSnapshot(s).toSnapshot()");
  const replayed = new api.Hospital({ slotMinutes: 15, defaultDurationMinutes: 15, timeZone: "America/New_York", locationTimeZones: { B: "America/Chicago" } });
  replayed.applyChanges(h.changesSince(0));
  equal(replayed.toSnapshot(), text, "replayed");
  same(h.options.locationTimeZones, { B: "America/Chicago" }, "options");
  equal(h.getAppointment("a2").startUtc, "2025-11-02T09:00:00Z", "03:00 in Chicago");
});

/**
 * Runs every check on `api` ({ Hospital, HospitalError }, however the runtime loaded them) and
 * returns, by name, the checks that failed (with why) and the known failures (`todo`) that did
 * or did not fail.
 */
export function runContract(api) {
  const result = { passed: 0, failed: [], todo: [] };
  for (const { name, fn, todo } of CHECKS) {
    let error;
    try {
      fn(api);
    } catch (thrownError) {
      error = thrownError;
    }
    if (todo !== undefined) result.todo.push({ name, failed: error !== undefined });
    else if (error === undefined) result.passed += 1;
    else result.failed.push({ name, message: String(error?.stack ?? error) });
  }
  return result;
}
