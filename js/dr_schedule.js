// The `Hospital` class every entry of the package exports (node.js, browser.js, workerd.js and
// deno.js load the .wasm their runtime's way, then re-export this module).
//
// Each method reads its arguments here (input.js: every getter and Proxy trap runs now, before
// the engine is entered), writes them into wasm memory, and calls one method of the engine's
// binding (src/binding/hospital.rs), which writes its result as numbers (output.js builds the
// objects) or, for doctors and the other rare shapes, as JSON text. Every failure is a
// HospitalError; a trap of the instance is INSTANCE_FAILED (instance.js).
//
// The mutations and lookups whose refusal is an everyday answer (a taken slot, a lapsed hold)
// throw the engine's error once, after `finally`, instead of inside `try` for `catch` to throw
// again: each unwind through an optimized frame costs about a microsecond, and a refused
// booking went from 7.6 to 4.3 µs without them (stack capture aside).
import { HospitalError, invalidInput } from "./errors.js";
import {
  beginArguments,
  bindings,
  currentGeneration,
  engineError,
  failure,
  listRows,
  memoryBytes,
  memoryNumbers,
  put,
  rowParts,
  singleRow,
  units,
} from "./instance.js";
import {
  describe,
  fieldJsonText,
  fieldsOf,
  jsonText,
  readBoolean,
  readBound,
  readChoice,
  readCounter,
  readDateTime,
  readFields,
  readString,
  readU32,
  withProblem,
} from "./input.js";
import { FOUND_ROW, ROW, appointment, dateTime, foundSlot, nameCache, placed, text } from "./output.js";
import { zoneData } from "./zones.js";
import { fhirBundle, iCalendar, needsZone } from "./exports.js";

export { HospitalError };

// ---------------------------------------------------------------------------------------------
// The argument objects of the frequent calls, field by field: [reader, required]. The engine
// states each shape in Rust (crates/engine/src/requests.rs, queries.rs); the tests compare these
// with the TypeScript types and refuse what the engine refuses.

const STATUS_FILTERS = ["active", "booked", "held", "cancelled", "expired", "all"];

/** A JSON value the engine reads (metadata): any value here, checked there. */
function readAny(value) {
  return value;
}

const BOOK = fieldsOf({
  doctorId: [readString, true],
  location: [readString, true],
  start: [readDateTime, true],
  durationMinutes: [readU32, false],
  patient: [readString, false],
  id: [readString, false],
  requestId: [readString, false],
  now: [readDateTime, false],
  notes: [readString, false],
  metadata: [readAny, false],
});
const HOLD = fieldsOf({
  doctorId: [readString, true],
  location: [readString, true],
  start: [readDateTime, true],
  durationMinutes: [readU32, false],
  patient: [readString, false],
  id: [readString, false],
  requestId: [readString, false],
  now: [readDateTime, true],
  ttlMinutes: [readU32, true],
  notes: [readString, false],
  metadata: [readAny, false],
});
const RESCHEDULE = fieldsOf({
  start: [readDateTime, true],
  location: [readString, false],
  durationMinutes: [readU32, false],
  now: [readDateTime, false],
  notes: [readString, false],
  metadata: [readAny, false],
});
const CONFIRM = fieldsOf({ now: [readDateTime, true] });
const CANCEL = fieldsOf({ reason: [readString, false], now: [readDateTime, false] });
const CHANGE = fieldsOf({ cancelAppointments: [readBoolean, false] });
const LIST = fieldsOf({
  from: [readBound, false],
  to: [readBound, false],
  status: [readChoice(STATUS_FILTERS), false],
  now: [readDateTime, false],
  limit: [readU32, false],
  after: [readString, false],
});
const SLOTS = fieldsOf({
  from: [readBound, true],
  to: [readBound, true],
  durationMinutes: [readU32, false],
  location: [readString, false],
  limit: [readU32, false],
  now: [readDateTime, false],
});
const EXPLAIN = fieldsOf({
  doctorId: [readString, true],
  location: [readString, true],
  start: [readDateTime, true],
  durationMinutes: [readU32, false],
  patient: [readString, false],
  now: [readDateTime, false],
});
const ICALENDAR = fieldsOf({
  from: [readBound, true],
  to: [readBound, true],
  domain: [readString, false],
  name: [readString, false],
});
const FHIR = fieldsOf({
  from: [readBound, true],
  to: [readBound, true],
  doctorId: [readString, false],
  now: [readDateTime, false],
});
const LOAD = fieldsOf({ maxSnapshotBytes: [readCounter, false], timeZone: [readString, false] });

/** What the engine reads as "absent" for an optional number or flag. */
const ABSENT = -1;
function number(value) {
  return value === undefined ? ABSENT : value;
}
function flag(value) {
  return value === undefined ? ABSENT : value ? 1 : 0;
}

/** Rows per engine call when a listing has no `limit` (or a larger one). */
const CHUNK = 1024;

/** Metadata as JSON text, ready to write, with the problems met (see input.js). */
function metadataJson(value) {
  if (value === undefined) return NO_JSON;
  return fieldJsonText(value, "metadata");
}

/**
 * The most appointments a page holds (the engine's `MAX_PAGE`). Listings are fetched from the
 * engine a chunk at a time, so the engine never sees a `limit` larger than a chunk: it is
 * checked here, as the engine checks it.
 */
const MAX_PAGE = 100_000;
function checkPageLimit(limit) {
  if (typeof limit !== "number" || !Number.isInteger(limit)) return;
  if (limit === 0) throw invalidInput("limit", `0 is not between 1 and ${MAX_PAGE}, the most a page holds`);
  if (limit > MAX_PAGE && limit <= 4_294_967_295) throw invalidInput("limit", `${limit} is more than ${MAX_PAGE}, the most a page holds`);
}

/** What `metadataJson` gives for no metadata (shared: nothing changes it). */
const NO_JSON = Object.freeze({ text: undefined, problems: Object.freeze([]) });

// ---------------------------------------------------------------------------------------------
// Hospitals and the engine objects behind them

/** The engine object behind each Hospital, with the instance it lives in and its caches. */
const inner = new WeakMap();

/**
 * Frees the engine object of a Hospital that is garbage collected without `free()`, so that the
 * memory of a forgotten hospital comes back.
 */
const forgotten =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry((entry) => {
        if (entry.generation === currentGeneration() && entry.raw !== null && !entry.busy) {
          const raw = entry.raw;
          entry.raw = null;
          try {
            raw.free();
          } catch {
            // The instance is gone; so is the memory.
          }
        }
      })
    : null;

function adopt(hospital, raw) {
  // The registry holds `entry`, never `hospital`, so it does not keep the hospital alive.
  const entry = { raw, generation: currentGeneration(), busy: false, names: nameCache() };
  inner.set(hospital, entry);
  forgotten?.register(hospital, entry, entry);
  return hospital;
}

/** The engine object of `hospital`, now busy with a call; throws if it is not a live Hospital. */
function enter(hospital) {
  const entry = typeof hospital === "object" && hospital !== null ? inner.get(hospital) : undefined;
  if (entry === undefined || entry.raw === null) {
    throw new HospitalError("INVALID_INPUT", "invalid this: not a Hospital (or freed)", { field: "this" });
  }
  if (entry.generation !== currentGeneration()) {
    throw failure(new WebAssembly.RuntimeError("an earlier call trapped"));
  }
  if (entry.busy) {
    throw new HospitalError(
      "INVALID_INPUT",
      "invalid call: this Hospital is busy with another call (an argument's getter or Proxy called back into it)",
      {},
    );
  }
  entry.busy = true;
  return entry;
}

/** The appointment the last call wrote to the single row (whose id is `knownId`, if given). */
function single(entry, knownId = undefined) {
  return appointment(memoryNumbers(), memoryBytes(), singleRow(), entry.names, rowParts, knownId);
}

/** JSON text the engine returned, parsed, or its error. */
function parsed(text) {
  if (text === undefined) throw engineError();
  return JSON.parse(text);
}

/**
 * Writes a JSON argument alone; returns its length and the problems met, and with `copy` the
 * value as written (see input.js, `jsonText`).
 */
function putJson(value, name, copy = false) {
  if (value === undefined || value === null) return { length: ABSENT, problems: [], copy: undefined };
  const json = jsonText(value, name, copy);
  beginArguments(json.text.length);
  return { length: put(json.text), problems: json.problems, copy: json.copy };
}

/**
 * The doctor `addDoctor` added, from what the engine wrote (src/binding/hospital.rs): when it
 * is the doctor exactly as sent, `sent` (the copy the JS layer made while writing it) with the
 * id first; otherwise the engine's JSON, parsed.
 */
function addedDoctor(sent) {
  const numbers = memoryNumbers();
  const bytes = memoryBytes();
  const at = singleRow();
  const textAt = bindings.textPtr();
  if (numbers[at] !== 1 || sent === undefined) return JSON.parse(text(bytes, textAt, numbers[at + 1]));
  if (Object.hasOwn(sent, "id")) return sent;
  const doctor = { id: text(bytes, textAt + numbers[at + 2], numbers[at + 3]) };
  for (const key of Object.keys(sent)) doctor[key] = sent[key];
  return doctor;
}

/**
 * Writes JSON text given by the caller as one argument. A lone surrogate, which UTF-8 cannot
 * hold, goes as its escape, so that the engine's reader refuses it at its path as it refuses an
 * escaped one (the text is not changed into other valid JSON).
 */
function putJsonText(text) {
  const wellFormed = text.isWellFormed() ? text : text.replace(/\p{Surrogate}/gu, escapedSurrogate);
  beginArguments(wellFormed.length);
  return put(wellFormed);
}

// ---------------------------------------------------------------------------------------------
// Time zones: the engine has no time-zone database; the zones a hospital names are handed to
// the instance first, as zones.js reads them from the runtime's Intl (once per zone and instance).

/** The zones this instance has been given, as `generation:name`. */
const givenZones = new Set();

/** Hands the zones `names` to the instance (those this runtime does not know are left for the engine to refuse). */
function giveZones(names) {
  for (const name of names) {
    if (typeof name !== "string") continue;
    const key = `${currentGeneration()}:${name}`;
    if (givenZones.has(key)) continue;
    const data = zoneData(name);
    if (data === undefined) continue;
    beginArguments(name.length + data.length);
    const nameLength = put(name);
    const dataLength = put(data);
    if (bindings.registerZone(nameLength, dataLength) < 0) throw engineError();
    givenZones.add(key);
  }
}

/** The zones named by options (`timeZone`, `locationTimeZones`) in their JSON text. */
function zonesOfOptions(text) {
  let options;
  try {
    options = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof options !== "object" || options === null) return [];
  const names = [options.timeZone];
  const locations = options.locationTimeZones;
  if (typeof locations === "object" && locations !== null) names.push(...Object.values(locations));
  return names;
}

/** The zones a snapshot's header names (its options come first, on its first line). */
function zonesOfSnapshot(source) {
  const head = typeof source === "string" ? source.slice(0, HEADER_SCAN) : new TextDecoder().decode(source.subarray(0, HEADER_SCAN));
  const names = [];
  for (const match of head.matchAll(/"timeZone"\s*:\s*"([^"\\]{1,64})"/g)) names.push(match[1]);
  for (const match of head.matchAll(/"locationTimeZones"\s*:\s*\{([^}]*)\}/g)) {
    for (const zone of match[1].matchAll(/:\s*"([^"\\]{1,64})"/g)) names.push(zone[1]);
  }
  return names;
}

/** How much of a snapshot's start is searched for the zones it names. */
const HEADER_SCAN = 1 << 16;

/**
 * A list of appointments, fetched `CHUNK` at a time: `call(after, max)` writes the next rows
 * after the appointment `after` (an id) and returns how many.
 */
function listOf(entry, limit, after, call) {
  const wanted = limit === undefined ? Infinity : limit;
  const list = [];
  let next = after;
  while (list.length < wanted) {
    const max = Math.min(CHUNK, wanted - list.length);
    const count = call(next, max);
    if (count < 0) throw engineError();
    const rows = memoryNumbers();
    const bytes = memoryBytes();
    const base = listRows();
    for (let i = 0; i < count; i++) list.push(appointment(rows, bytes, base + i * ROW, entry.names, rowParts));
    if (count < max) break;
    next = list[list.length - 1].id;
  }
  return list;
}

/**
 * A hospital: doctors with locations and weekly hours, and their appointments, held in memory
 * inside the WebAssembly instance. Persist it with `toSnapshot()` or `toSnapshotBytes()` (and
 * `changesSince`), restore it with `Hospital.fromSnapshot()`.
 */
export class Hospital {
  /** Creates an empty hospital; a bad option throws INVALID_INPUT. */
  constructor(options = undefined) {
    let problems = [];
    let raw;
    try {
      let length = ABSENT;
      if (options !== undefined && options !== null) {
        const json = jsonText(options, "options");
        problems = json.problems;
        giveZones(zonesOfOptions(json.text));
        beginArguments(json.text.length);
        length = put(json.text);
      }
      raw = bindings.RawHospital.create(length);
      if (raw === undefined) throw engineError();
    } catch (error) {
      throw failure(withProblem(error, problems));
    }
    adopt(this, raw);
  }

  /**
   * Rebuilds a hospital from `toSnapshot()` text or `toSnapshotBytes()` bytes, of any format
   * version this build reads. All or nothing: INVALID_SNAPSHOT (with `details.path`),
   * UNSUPPORTED_VERSION or HOSPITAL_FULL instead of a half-loaded hospital.
   * `options.maxSnapshotBytes` raises the limit the snapshot states, to load one larger than it.
   */
  static fromSnapshot(snapshot, options = undefined) {
    const [maxSnapshotBytes, timeZone] = readFields(options, "options", LOAD, true);
    if (timeZone !== undefined && zoneData(timeZone) === undefined) {
      throw invalidInput("timeZone", `${JSON.stringify(timeZone)} is not a time zone this runtime knows (an IANA name such as America/New_York)`);
    }
    let raw;
    try {
      raw = loadSnapshot(snapshot, number(maxSnapshotBytes), timeZone);
    } catch (error) {
      throw failure(error);
    }
    return adopt(Object.create(Hospital.prototype), raw);
  }

  /** How many successful mutations the hospital has seen; +1 on each. Kept in snapshots. */
  get revision() {
    const entry = enter(this);
    try {
      return entry.raw.revision();
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** How many doctors the hospital has, without listing them. */
  get doctorCount() {
    const entry = enter(this);
    try {
      return entry.raw.doctorCount();
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** How many appointments the hospital keeps, of every status, without listing them. */
  get appointmentCount() {
    const entry = enter(this);
    try {
      return entry.raw.appointmentCount();
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** How large the snapshot is, at most, in bytes: what `maxSnapshotBytes` limits. */
  get snapshotBytes() {
    const entry = enter(this);
    try {
      return entry.raw.snapshotBytes();
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** The hospital's options, every one of them (defaults filled in). */
  get options() {
    const entry = enter(this);
    try {
      return JSON.parse(entry.raw.options());
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Who is making the changes that follow (recorded in their change records), or null. */
  get actor() {
    const entry = enter(this);
    try {
      return entry.raw.actor() ?? null;
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  set actor(actor) {
    const entry = enter(this);
    try {
      const value = actor === null || actor === undefined ? undefined : readString(actor, "actor");
      beginArguments(units(value));
      if (entry.raw.setActor(put(value)) < 0) throw engineError();
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Adds a doctor and returns it, with its id assigned if none was given. */
  addDoctor(doctor) {
    const entry = enter(this);
    let problems = [];
    try {
      if (doctor === undefined) throw invalidInput("doctor", "is missing: addDoctor needs the doctor, { name, locations, schedule }");
      const json = putJson(doctor, "doctor", true);
      problems = json.problems;
      if (entry.raw.addDoctor(json.length) < 0) throw engineError();
      return addedDoctor(json.copy);
    } catch (error) {
      throw failure(withProblem(error, problems));
    } finally {
      entry.busy = false;
    }
  }

  /** The doctor with this id; DOCTOR_NOT_FOUND otherwise. */
  getDoctor(id) {
    const entry = enter(this);
    try {
      readString(id, "id");
      beginArguments(id.length);
      return parsed(entry.raw.getDoctor(put(id)));
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Every doctor, in the order they were added. */
  listDoctors() {
    const entry = enter(this);
    try {
      return JSON.parse(entry.raw.listDoctors());
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Replaces the fields the patch names; see the README for HAS_APPOINTMENTS. */
  updateDoctor(id, patch, options = undefined) {
    const entry = enter(this);
    let problems = [];
    try {
      readString(id, "id");
      if (patch === undefined) throw invalidInput("patch", "is missing: updateDoctor needs the fields to change");
      const { text, problems: found } = jsonText(patch, "patch");
      problems = found;
      const [cancelAppointments] = readFields(options, "options", CHANGE, true);
      beginArguments(id.length + text.length);
      return parsed(entry.raw.updateDoctor(put(id), put(text), flag(cancelAppointments)));
    } catch (error) {
      throw failure(withProblem(error, problems));
    } finally {
      entry.busy = false;
    }
  }

  /** Removes a doctor with their whole appointment history and returns the doctor. */
  removeDoctor(id, options = undefined) {
    const entry = enter(this);
    try {
      readString(id, "id");
      const [cancelAppointments] = readFields(options, "options", CHANGE, true);
      beginArguments(id.length);
      return parsed(entry.raw.removeDoctor(put(id), flag(cancelAppointments)));
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Books an appointment under the booking rules (README, "Booking rules"). */
  book(request) {
    const entry = enter(this);
    let problems = [];
    let error;
    try {
      const f = readFields(request, "request", BOOK);
      const metadata = metadataJson(f[9]);
      problems = metadata.problems;
      beginArguments(units(f[0]) + units(f[1]) + units(f[2]) + units(f[4]) + units(f[5]) + units(f[6]) + units(f[7]) + units(f[8]) + units(metadata.text));
      const status = entry.raw.book(put(f[0]), put(f[1]), put(f[2]), number(f[3]), put(f[4]), put(f[5]), put(f[6]), put(f[7]), put(f[8]), put(metadata.text));
      if (status >= 0) return single(entry);
      error = engineError();
    } catch (thrown) {
      error = thrown;
    } finally {
      entry.busy = false;
    }
    throw failure(withProblem(error, problems));
  }

  /** Holds a time until `now + ttlMinutes`; checked like `book`. */
  hold(request) {
    const entry = enter(this);
    let problems = [];
    let error;
    try {
      const f = readFields(request, "request", HOLD);
      const metadata = metadataJson(f[10]);
      problems = metadata.problems;
      beginArguments(units(f[0]) + units(f[1]) + units(f[2]) + units(f[4]) + units(f[5]) + units(f[6]) + units(f[7]) + units(f[9]) + units(metadata.text));
      const status = entry.raw.hold(put(f[0]), put(f[1]), put(f[2]), number(f[3]), put(f[4]), put(f[5]), put(f[6]), put(f[7]), f[8], put(f[9]), put(metadata.text));
      if (status >= 0) return single(entry);
      error = engineError();
    } catch (thrown) {
      error = thrown;
    } finally {
      entry.busy = false;
    }
    throw failure(withProblem(error, problems));
  }

  /** Turns a live hold into a booking. */
  confirm(appointmentId, options) {
    const entry = enter(this);
    let error;
    try {
      readString(appointmentId, "appointmentId");
      if (options === undefined || options === null) {
        throw invalidInput("options", "is missing: confirm needs { now }, the current time, to know the hold is still live");
      }
      const [now] = readFields(options, "options", CONFIRM);
      beginArguments(appointmentId.length + now.length);
      if (entry.raw.confirm(put(appointmentId), put(now)) >= 0) return single(entry);
      error = engineError();
    } catch (thrown) {
      error = thrown;
    } finally {
      entry.busy = false;
    }
    throw failure(error);
  }

  /** Moves a booked or held appointment, atomically. */
  reschedule(appointmentId, request) {
    const entry = enter(this);
    let problems = [];
    let error;
    try {
      readString(appointmentId, "appointmentId");
      const f = readFields(request, "request", RESCHEDULE);
      const metadata = metadataJson(f[5]);
      problems = metadata.problems;
      beginArguments(appointmentId.length + units(f[0]) + units(f[1]) + units(f[3]) + units(f[4]) + units(metadata.text));
      const status = entry.raw.reschedule(put(appointmentId), put(f[0]), put(f[1]), number(f[2]), put(f[3]), put(f[4]), put(metadata.text));
      if (status >= 0) return single(entry);
      error = engineError();
    } catch (thrown) {
      error = thrown;
    } finally {
      entry.busy = false;
    }
    throw failure(withProblem(error, problems));
  }

  /** Cancels a booked or held appointment; it stays, with `status: "cancelled"`. */
  cancel(appointmentId, options = undefined) {
    const entry = enter(this);
    let error;
    try {
      readString(appointmentId, "appointmentId");
      const [reason, now] = readFields(options, "options", CANCEL, true);
      beginArguments(appointmentId.length + units(reason) + units(now));
      if (entry.raw.cancel(put(appointmentId), put(reason), put(now)) >= 0) return single(entry);
      error = engineError();
    } catch (thrown) {
      error = thrown;
    } finally {
      entry.busy = false;
    }
    throw failure(error);
  }

  /** Changes an appointment's `patient`, `notes` or `metadata` (`null` clears one). */
  updateAppointment(appointmentId, patch) {
    const entry = enter(this);
    let problems = [];
    let error;
    try {
      readString(appointmentId, "appointmentId");
      if (patch === undefined || patch === null) throw invalidInput("patch", "is missing: updateAppointment needs { patient?, notes?, metadata? }");
      const { text, problems: found } = jsonText(patch, "patch");
      problems = found;
      beginArguments(appointmentId.length + text.length);
      if (entry.raw.updateAppointment(put(appointmentId), put(text)) >= 0) return single(entry);
      error = engineError();
    } catch (thrown) {
      error = thrown;
    } finally {
      entry.busy = false;
    }
    throw failure(withProblem(error, problems));
  }

  /** The appointment with this id, whatever its status; APPOINTMENT_NOT_FOUND otherwise. */
  getAppointment(id) {
    const entry = enter(this);
    let error;
    try {
      readString(id, "id");
      beginArguments(id.length);
      if (entry.raw.getAppointment(put(id)) >= 0) return single(entry, id);
      error = engineError();
    } catch (thrown) {
      error = thrown;
    } finally {
      entry.busy = false;
    }
    throw failure(error);
  }

  /** A doctor's appointments starting in the window, by start then booking order; pages with `limit` and `after`. */
  appointments(doctorId, options = undefined) {
    const entry = enter(this);
    try {
      readString(doctorId, "doctorId");
      const [from, to, status, now, limit, after] = readFields(options, "options", LIST, true);
      checkPageLimit(limit);
      return listOf(entry, limit, after, (next, max) => {
        beginArguments(doctorId.length + units(from) + units(to) + units(now) + units(next));
        return entry.raw.appointments(put(doctorId), put(from), put(to), number(status), put(now), put(next), max);
      });
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Appointments across doctors by patient, location or doctor, by start then booking order. */
  findAppointments(query) {
    const entry = enter(this);
    let problems = [];
    try {
      if (query === undefined || query === null) throw invalidInput("query", "is missing: findAppointments needs { patient?, location?, doctorId?, … }");
      const { text, problems: found } = jsonText(query, "query");
      problems = found;
      // The limit as read (its getter ran once, above); the engine checks it.
      const { limit } = found.length === 0 ? JSON.parse(text) : {};
      if (limit !== 0) checkPageLimit(limit);
      const wanted = Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
      return listOf(entry, wanted, undefined, (next, max) => {
        beginArguments(text.length + units(next));
        return entry.raw.findAppointments(put(text), put(next), max);
      });
    } catch (error) {
      throw failure(withProblem(error, problems));
    } finally {
      entry.busy = false;
    }
  }

  /** Free slot starts for one doctor, earliest first. */
  availableSlots(doctorId, options) {
    const entry = enter(this);
    try {
      readString(doctorId, "doctorId");
      const f = readFields(options, "options", SLOTS);
      beginArguments(doctorId.length + units(f[0]) + units(f[1]) + units(f[3]) + units(f[5]));
      const count = entry.raw.availableSlots(put(doctorId), put(f[0]), put(f[1]), number(f[2]), put(f[3]), number(f[4]), put(f[5]));
      if (count < 0) throw engineError();
      const rows = memoryNumbers();
      const base = listRows();
      const slots = new Array(count);
      if (entry.raw.zoned()) {
        // Two numbers a slot: its wall clock, and its offset where that wall clock happens twice.
        for (let i = 0; i < count; i++) slots[i] = placed(rows[base + 2 * i], rows[base + 2 * i + 1]);
      } else {
        for (let i = 0; i < count; i++) slots[i] = dateTime(rows[base + i]);
      }
      return slots;
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Free slots across doctors, earliest first, then in the order the doctors were added. */
  findSlots(query) {
    const entry = enter(this);
    let problems = [];
    try {
      if (query === undefined) throw invalidInput("query", "is missing: findSlots needs { from, to, limit, … }");
      const json = putJson(query, "query");
      problems = json.problems;
      const count = entry.raw.findSlots(json.length);
      if (count < 0) throw engineError();
      const rows = memoryNumbers();
      const bytes = memoryBytes();
      const base = listRows();
      const found = new Array(count);
      for (let i = 0; i < count; i++) found[i] = foundSlot(rows, bytes, base + i * FOUND_ROW, entry.names);
      return found;
    } catch (error) {
      throw failure(withProblem(error, problems));
    } finally {
      entry.busy = false;
    }
  }

  /**
   * The doctor's appointments over [from, to), every status, as an iCalendar (RFC 5545) text: one
   * VEVENT each, its UID stable (`id@domain`), SEQUENCE one more for each reschedule and for the
   * cancellation, STATUS CONFIRMED (booked), TENTATIVE (held) or CANCELLED (cancelled, expired),
   * DTSTART/DTEND in UTC (floating local times in a hospital without a zone), DTSTAMP from
   * `updatedAt`, LOCATION, escaped and folded at 75 octets, CRLF line ends.
   */
  toICalendar(doctorId, options) {
    readString(doctorId, "doctorId");
    const [from, to, domain, name] = readFields(options, "options", ICALENDAR);
    const { timeZone } = this.options;
    this.getDoctor(doctorId);
    const appointments = this.appointments(doctorId, { from, to, status: "all" });
    return iCalendar(appointments, { zoned: timeZone !== null && timeZone !== undefined, domain: domain ?? "dr-schedule", name });
  }

  /**
   * A FHIR R4 Bundle (type "collection") over [from, to): a Schedule per doctor and location, a
   * Slot per free slot ("free") and per booked or held appointment ("busy", "busy-tentative"),
   * and an Appointment per appointment (status booked → "booked", held → "pending", cancelled
   * and expired → "cancelled"). Times are instants: the hospital needs a `timeZone`.
   */
  toFhirBundle(options) {
    const [from, to, doctorId, now] = readFields(options, "options", FHIR);
    const { timeZone, defaultDurationMinutes, locationTimeZones } = this.options;
    if (timeZone === null || timeZone === undefined) throw needsZone();
    const doctors = doctorId === undefined ? this.listDoctors() : [this.getDoctor(doctorId)];
    return fhirBundle({
      doctors,
      appointmentsOf: (id) => this.appointments(id, { from, to, status: "all" }),
      freeSlotsOf: (id, location) => this.availableSlots(id, { from, to, location, now }),
      zoneOf: (location) => locationTimeZones?.[location] ?? timeZone,
      from,
      to,
      timeZone,
      duration: defaultDurationMinutes,
    });
  }

  /** Every reason this time cannot be booked, in the order of the rules; [] when it can be. */
  explain(request) {
    const entry = enter(this);
    try {
      const f = readFields(request, "request", EXPLAIN);
      beginArguments(units(f[0]) + units(f[1]) + units(f[2]) + units(f[4]) + units(f[5]));
      return parsed(entry.raw.explain(put(f[0]), put(f[1]), put(f[2]), number(f[3]), put(f[4]), put(f[5])));
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** When a doctor works on the dates `from` to `to`: the open blocks per date and location. */
  workingHours(doctorId, query) {
    const entry = enter(this);
    let problems = [];
    try {
      readString(doctorId, "doctorId");
      if (query === undefined || query === null) throw invalidInput("query", "is missing: workingHours needs { from, to, location? }");
      const { text, problems: found } = jsonText(query, "query");
      problems = found;
      beginArguments(doctorId.length + text.length);
      return parsed(entry.raw.workingHours(put(doctorId), put(text)));
    } catch (error) {
      throw failure(withProblem(error, problems));
    } finally {
      entry.busy = false;
    }
  }

  /** The whole hospital as JSON text, deterministic. */
  toSnapshot() {
    const entry = enter(this);
    try {
      return snapshotOut(entry, (bytes) => textDecoder.decode(bytes));
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** The whole hospital as the UTF-8 bytes of the same JSON text. */
  toSnapshotBytes() {
    const entry = enter(this);
    try {
      return snapshotOut(entry, (bytes) => bytes.slice());
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** The change records after `revision`, oldest first. */
  changesSince(revision) {
    const entry = enter(this);
    try {
      return parsed(entry.raw.changesSince(readCounter(revision, "revision")));
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /**
   * Replays change records of a hospital in the same state; all or nothing. `changes` is an
   * array of records, or the JSON text of one (records as stored, read by the engine without
   * building objects first).
   */
  applyChanges(changes) {
    const entry = enter(this);
    let problems = [];
    let error;
    try {
      if (changes === undefined) throw invalidInput("changes", "is missing: applyChanges needs an array of change records");
      let length;
      if (typeof changes === "string") {
        length = putJsonText(changes);
      } else {
        const json = putJson(changes, "changes");
        problems = json.problems;
        length = json.length;
      }
      const revision = entry.raw.applyChanges(length);
      if (revision >= 0) return revision;
      error = engineError();
    } catch (thrown) {
      error = thrown;
    } finally {
      entry.busy = false;
    }
    throw failure(withProblem(error, problems));
  }

  /** Frees the hospital's memory now instead of when it is garbage collected. */
  free() {
    const entry = typeof this === "object" && this !== null ? inner.get(this) : undefined;
    if (entry === undefined) return;
    if (entry.busy) {
      throw new HospitalError("INVALID_INPUT", "invalid call: free() while this Hospital is busy with another call", {});
    }
    inner.delete(this);
    forgotten?.unregister(entry);
    const raw = entry.raw;
    entry.raw = null;
    if (raw !== null && entry.generation === currentGeneration()) {
      try {
        raw.free();
      } catch (error) {
        throw failure(error);
      }
    }
  }
}

if (typeof Symbol.dispose === "symbol") Hospital.prototype[Symbol.dispose] = Hospital.prototype.free;

// Test builds only (the `test-trap` feature): `debugTrap()` traps the instance, as an
// out-of-memory abort or a bug would, so that the tests can prove the recovery above. Release
// builds have no such method, here or in the types.
if (typeof bindings.RawHospital.prototype.debugTrap === "function") {
  Object.defineProperty(Hospital.prototype, "debugTrap", {
    value: function debugTrap() {
      const entry = enter(this);
      try {
        entry.raw.debugTrap();
      } catch (error) {
        throw failure(error);
      } finally {
        entry.busy = false;
      }
    },
    writable: true,
    configurable: true,
  });
}

// ---------------------------------------------------------------------------------------------
// Snapshots

const textDecoder = new TextDecoder("utf-8");
const encoder = new TextEncoder();

/** The snapshot the engine writes, handed to `take` as a view of wasm memory, then released. */
function snapshotOut(entry, take) {
  const length = entry.raw.toSnapshot();
  try {
    const at = bindings.snapshotPtr();
    return take(memoryBytes().subarray(at, at + length));
  } finally {
    bindings.releaseSnapshot();
  }
}

/** Bytes (or UTF-16 units) fed to the loader per call, give or take a line. */
const PIECE = 1 << 20;

/** The intrinsic getters of typed arrays: they run no code of the caller's, and refuse a Proxy. */
const typedArray = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayGetter = (name) => Object.getOwnPropertyDescriptor(typedArray, name).get;
const bufferOf = typedArrayGetter("buffer");
const byteOffsetOf = typedArrayGetter("byteOffset");
const byteLengthOf = typedArrayGetter("byteLength");
const typedArrayKind = Object.getOwnPropertyDescriptor(typedArray, Symbol.toStringTag).get;

/**
 * The snapshot as text, or its bytes as a plain Uint8Array over the same memory (a Buffer or any
 * other Uint8Array, subclass or not: only the intrinsic getters read it, so that none of the
 * caller's code runs while it loads); INVALID_INPUT for anything else.
 */
function snapshotSource(snapshot) {
  if (typeof snapshot === "string") return snapshot;
  if (typedArrayKind.call(snapshot) === "Uint8Array") {
    try {
      return new Uint8Array(bufferOf.call(snapshot), byteOffsetOf.call(snapshot), byteLengthOf.call(snapshot));
    } catch {
      throw invalidInput("snapshot", "a Uint8Array whose memory is gone (its ArrayBuffer was detached or transferred)");
    }
  }
  throw invalidInput("snapshot", `expected the text of toSnapshot() or the bytes of toSnapshotBytes() (a Uint8Array), not ${describe(snapshot)}`);
}

/** Loads a snapshot, text or bytes, in pieces of whole lines, so that it is never copied whole. */
function loadSnapshot(snapshot, maxSnapshotBytes, timeZone) {
  const source = snapshotSource(snapshot);
  const isText = typeof source === "string";
  giveZones([...zonesOfSnapshot(source), timeZone]);
  beginArguments(units(timeZone));
  const loader = bindings.RawLoader.begin(maxSnapshotBytes, put(timeZone));
  if (loader === undefined) throw engineError();
  try {
    const length = source.length;
    let offset = 0;
    while (offset < length) {
      // A piece ends after a line break (the format puts one record per line), or is the rest.
      let end = Math.min(length, offset + PIECE);
      if (end < length) {
        const lineEnd = isText ? source.indexOf("\n", end) : source.indexOf(10, end);
        end = lineEnd < 0 ? length : lineEnd + 1;
      }
      const fed = isText ? writeText(source, offset, end) : writeBytes(source, offset, end);
      if (loader.feed(fed) < 0) throw engineError();
      offset = end;
    }
    const raw = loader.finish();
    if (raw === undefined) throw engineError();
    return raw;
  } finally {
    loader.free();
  }
}

/**
 * `\uXXXX` of a lone surrogate: JSON's own spelling of it, which the engine's reader refuses
 * where it is. After an odd run of backslashes the text was no JSON (a backslash cannot escape
 * it), and the escape would make it JSON: U+FFFD keeps it invalid there.
 */
function escapedSurrogate(unit, offset, text) {
  let backslashes = 0;
  while (offset - backslashes > 0 && text.charCodeAt(offset - backslashes - 1) === 0x5c) backslashes += 1;
  return backslashes % 2 === 1 ? "\ufffd" : `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

function writeText(text, start, end) {
  let piece = text.slice(start, end);
  // UTF-8 cannot hold a lone surrogate (half a UTF-16 pair): written as its escape, it reaches
  // the engine's reader, which refuses it at its path (`doctors[0].name`), as it does an escaped
  // one. /\p{Surrogate}/u matches only lone ones: a pair is one code point.
  if (!piece.isWellFormed()) piece = piece.replace(/\p{Surrogate}/gu, escapedSurrogate);
  beginArguments(piece.length);
  const at = bindings.scratchPtr();
  return encoder.encodeInto(piece, memoryBytes().subarray(at, at + piece.length * 3)).written;
}

function writeBytes(bytes, start, end) {
  beginArguments(Math.ceil((end - start) / 3));
  memoryBytes().set(bytes.subarray(start, end), bindings.scratchPtr());
  return end - start;
}
