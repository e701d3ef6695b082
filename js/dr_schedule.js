// The `Hospital` class every entry of the package exports (node.js, browser.js, workerd.js,
// deno.js load the .wasm their runtime's way, then re-export this).
//
// Each method reads its arguments here (input.js: every getter and Proxy trap runs now, before
// the engine is entered), writes them to wasm memory and calls one method of the engine's
// binding (src/hospital.rs), which writes the result as numbers (output.js builds the objects)
// or, for the rare large shapes (doctors, change records), as JSON text. Every failure is a
// HospitalError; a trap of the instance is INSTANCE_FAILED (instance.js).
import { HospitalError, invalidInput } from "./errors.js";
import {
  bindings,
  beginArguments,
  currentGeneration,
  engineError,
  failure,
  listRows,
  memoryBytes,
  memoryNumbers,
  put,
  singleRow,
  units,
} from "./instance.js";
import {
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
import { ROW, appointment, dateTime, doctorStrings } from "./output.js";

export { HospitalError };

// ---------------------------------------------------------------------------------------------
// The argument objects of the frequent calls, field by field: [reader, required]. The engine
// states each shape once in Rust (src/… requests.rs, queries.rs); the tests compare these lists
// with it and with the TypeScript types.

const STATUS_FILTERS = ["active", "booked", "held", "cancelled", "expired", "all"];

const BOOK = fieldsOf({
  doctorId: [readString, true],
  location: [readString, true],
  start: [readDateTime, true],
  durationMinutes: [readU32, false],
  patient: [readString, false],
  id: [readString, false],
  requestId: [readString, false],
  now: [readDateTime, false],
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
});
const RESCHEDULE = fieldsOf({
  start: [readDateTime, true],
  location: [readString, false],
  durationMinutes: [readU32, false],
  now: [readDateTime, false],
});
const CONFIRM = fieldsOf({ now: [readDateTime, true] });
const CANCEL = fieldsOf({ reason: [readString, false] });
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

/** The number the engine reads as "absent" for an optional number. */
const ABSENT = -1;
function number(value) {
  return value === undefined ? ABSENT : value;
}
function flag(value) {
  return value === undefined ? ABSENT : value ? 1 : 0;
}

/** Rows per call when the engine lists appointments for a call without a `limit`. */
const CHUNK = 1024;

// ---------------------------------------------------------------------------------------------
// Hospitals and the engine objects behind them

/** The engine object behind each Hospital, with the instance it lives in and its caches. */
const inner = new WeakMap();

/**
 * Frees the engine object of a Hospital that was garbage collected without `free()`: the memory
 * of a forgotten hospital comes back.
 */
const forgotten =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry((entry) => {
        if (entry.generation === currentGeneration() && entry.raw !== null) {
          try {
            entry.raw.free();
          } catch {
            // Nothing to do: the memory is lost with the instance.
          }
        }
      })
    : null;

function adopt(hospital, raw) {
  // The registry holds `entry`, never `hospital`, so it does not keep the hospital alive.
  const entry = { raw, generation: currentGeneration(), busy: false, doctors: doctorStrings() };
  inner.set(hospital, entry);
  forgotten?.register(hospital, entry, entry);
  return hospital;
}

/** The engine object of `hospital`, now busy with a call; throws if it is not a live Hospital. */
function enter(hospital) {
  const entry = inner.get(hospital);
  if (entry === undefined) {
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

function extrasOf(entry) {
  return (seq) => JSON.parse(entry.raw.appointmentExtras(seq));
}

/** The appointment the last call wrote to the single-result row. */
function single(entry) {
  return appointment(memoryNumbers(), memoryBytes(), singleRow(), entry.doctors, extrasOf(entry));
}

/** JSON text the engine returned, or its error. */
function parsed(text) {
  if (text === undefined) throw engineError();
  return JSON.parse(text);
}

/** Writes a cold argument as JSON text; returns its length and the problems met. */
function putJson(value, name) {
  if (value === undefined || value === null) return { length: ABSENT, problems: [] };
  const { text, problems } = jsonText(value, name);
  beginArguments(text.length);
  return { length: put(text), problems };
}

function rethrow(error, problems) {
  throw failure(withProblem(error, problems));
}

/**
 * A hospital: doctors with locations and weekly hours, and their appointments, held in memory
 * inside the WebAssembly instance. Persist it with `toSnapshot()` / `toSnapshotBytes()` (and
 * `changesSince`), restore it with `Hospital.fromSnapshot()`.
 */
export class Hospital {
  /** Creates an empty hospital; a bad option throws INVALID_INPUT. */
  constructor(options = undefined) {
    let problems = [];
    let raw;
    try {
      const json = putJson(options, "options");
      problems = json.problems;
      raw = bindings.RawHospital.create(json.length);
    } catch (error) {
      rethrow(error, problems);
    }
    if (raw === undefined) rethrow(engineError(), problems);
    adopt(this, raw);
  }

  /**
   * Rebuilds a hospital from `toSnapshot()` text or `toSnapshotBytes()` bytes. All or nothing:
   * INVALID_SNAPSHOT (with `details.path`) or UNSUPPORTED_VERSION instead of a half-loaded one.
   * `options.maxSnapshotBytes` raises the size limit for a snapshot written under a higher one.
   */
  static fromSnapshot(snapshot, options = undefined) {
    const [maxSnapshotBytes] = readFields(options, "options", LOAD, true);
    let raw;
    try {
      raw = loadSnapshot(snapshot, number(maxSnapshotBytes));
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

  /** How many doctors the hospital has (without listing them). */
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

  /** Adds a doctor and returns it, with its id assigned if none was given. */
  addDoctor(doctor) {
    const entry = enter(this);
    let problems = [];
    try {
      if (doctor === undefined) throw invalidInput("doctor", "is missing");
      const json = putJson(doctor, "doctor");
      problems = json.problems;
      return parsed(entry.raw.addDoctor(json.length));
    } catch (error) {
      rethrow(error, problems);
    } finally {
      entry.busy = false;
    }
    return undefined;
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
      const [cancelAppointments] = readFields(options, "options", CHANGE, true);
      if (patch === undefined) throw invalidInput("patch", "is missing");
      const { text, problems: found } = jsonText(patch, "patch");
      problems = found;
      beginArguments(id.length + text.length);
      return parsed(entry.raw.updateDoctor(put(id), put(text), flag(cancelAppointments)));
    } catch (error) {
      rethrow(error, problems);
    } finally {
      entry.busy = false;
    }
    return undefined;
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
    try {
      const f = readFields(request, "request", BOOK);
      beginArguments(units(f[0]) + units(f[1]) + units(f[2]) + units(f[4]) + units(f[5]) + units(f[6]) + units(f[7]));
      const status = entry.raw.book(put(f[0]), put(f[1]), put(f[2]), number(f[3]), put(f[4]), put(f[5]), put(f[6]), put(f[7]));
      if (status < 0) throw engineError();
      return single(entry);
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Holds a time until `now + ttlMinutes`; checked like `book`. */
  hold(request) {
    const entry = enter(this);
    try {
      const f = readFields(request, "request", HOLD);
      beginArguments(units(f[0]) + units(f[1]) + units(f[2]) + units(f[4]) + units(f[5]) + units(f[6]) + units(f[7]));
      const status = entry.raw.hold(put(f[0]), put(f[1]), put(f[2]), number(f[3]), put(f[4]), put(f[5]), put(f[6]), put(f[7]), f[8]);
      if (status < 0) throw engineError();
      return single(entry);
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Turns a live hold into a booking. */
  confirm(appointmentId, options) {
    const entry = enter(this);
    try {
      readString(appointmentId, "appointmentId");
      if (options === undefined || options === null) throw invalidInput("options", "is missing: confirm needs { now }, the current time");
      const [now] = readFields(options, "options", CONFIRM);
      beginArguments(appointmentId.length + now.length);
      const status = entry.raw.confirm(put(appointmentId), put(now));
      if (status < 0) throw engineError();
      return single(entry);
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Moves a booked or held appointment, atomically. */
  reschedule(appointmentId, request) {
    const entry = enter(this);
    try {
      readString(appointmentId, "appointmentId");
      const f = readFields(request, "request", RESCHEDULE);
      beginArguments(appointmentId.length + units(f[0]) + units(f[1]) + units(f[3]));
      const status = entry.raw.reschedule(put(appointmentId), put(f[0]), put(f[1]), number(f[2]), put(f[3]));
      if (status < 0) throw engineError();
      return single(entry);
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** The appointment with this id, whatever its status; APPOINTMENT_NOT_FOUND otherwise. */
  getAppointment(id) {
    const entry = enter(this);
    try {
      readString(id, "id");
      beginArguments(id.length);
      if (entry.raw.getAppointment(put(id)) < 0) throw engineError();
      return single(entry);
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** Cancels a booked or held appointment; it stays, with `status: "cancelled"`. */
  cancel(appointmentId, options = undefined) {
    const entry = enter(this);
    try {
      readString(appointmentId, "appointmentId");
      const [reason] = readFields(options, "options", CANCEL, true);
      beginArguments(appointmentId.length + units(reason));
      if (entry.raw.cancel(put(appointmentId), put(reason)) < 0) throw engineError();
      return single(entry);
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** A doctor's appointments starting in the window, by start then booking order. */
  appointments(doctorId, options = undefined) {
    const entry = enter(this);
    try {
      readString(doctorId, "doctorId");
      const [from, to, status, now, limit, after] = readFields(options, "options", LIST, true);
      const wanted = limit === undefined ? Infinity : limit;
      const list = [];
      let afterStart = ABSENT;
      let afterSeq = ABSENT;
      let afterId = after;
      while (list.length < wanted) {
        const max = Math.min(CHUNK, wanted - list.length);
        beginArguments(doctorId.length + units(from) + units(to) + units(now) + units(afterId));
        const count = entry.raw.appointments(put(doctorId), put(from), put(to), number(status), put(now), put(afterId), afterStart, afterSeq, max);
        if (count < 0) throw engineError();
        const rows = memoryNumbers();
        const bytes = memoryBytes();
        const base = listRows();
        for (let i = 0; i < count; i++) list.push(appointment(rows, bytes, base + i * ROW, entry.doctors, extrasOf(entry)));
        if (count < max) break;
        afterId = undefined;
        afterStart = rows[base + (count - 1) * ROW + 11];
        afterSeq = rows[base + (count - 1) * ROW + 23];
      }
      return list;
    } catch (error) {
      throw failure(error);
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
      for (let i = 0; i < count; i++) slots[i] = dateTime(rows[base + i]);
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
      if (query === undefined) throw invalidInput("query", "is missing");
      const json = putJson(query, "query");
      problems = json.problems;
      const count = entry.raw.findSlots(json.length);
      if (count < 0) throw engineError();
      const rows = memoryNumbers();
      const bytes = memoryBytes();
      const base = listRows();
      const found = new Array(count);
      for (let i = 0; i < count; i++) found[i] = foundSlot(entry.doctors, rows, bytes, base + i * FOUND_ROW);
      return found;
    } catch (error) {
      rethrow(error, problems);
    } finally {
      entry.busy = false;
    }
    return undefined;
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

  /** The whole hospital as JSON text, deterministic. */
  toSnapshot() {
    const entry = enter(this);
    try {
      return snapshotOut(entry, (bytes) => snapshotDecoder.decode(bytes));
    } catch (error) {
      throw failure(error);
    } finally {
      entry.busy = false;
    }
  }

  /** The whole hospital as UTF-8 bytes of the same JSON text. */
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

  /** Replays change records of a hospital in the same state; all or nothing. */
  applyChanges(changes) {
    const entry = enter(this);
    let problems = [];
    try {
      if (changes === undefined) throw invalidInput("changes", "is missing");
      const json = putJson(changes, "changes");
      problems = json.problems;
      const revision = entry.raw.applyChanges(json.length);
      if (revision < 0) throw engineError();
      return revision;
    } catch (error) {
      rethrow(error, problems);
    } finally {
      entry.busy = false;
    }
    return undefined;
  }

  /** Frees the hospital's memory now instead of when it is garbage collected. */
  free() {
    const entry = inner.get(this);
    if (entry === undefined) return;
    if (entry.busy) {
      throw new HospitalError("INVALID_INPUT", "invalid call: free() while this Hospital is busy with another call", {});
    }
    inner.delete(this);
    forgotten?.unregister(entry);
    if (entry.generation === currentGeneration() && entry.raw !== null) {
      const raw = entry.raw;
      entry.raw = null;
      try {
        raw.free();
      } catch (error) {
        throw failure(error);
      }
    }
  }
}

if (typeof Symbol.dispose === "symbol") Hospital.prototype[Symbol.dispose] = Hospital.prototype.free;

const LOAD = fieldsOf({ maxSnapshotBytes: [readCounter, false] });

// ---------------------------------------------------------------------------------------------
// Snapshots

const snapshotDecoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** The snapshot the engine writes, handed to `take` as a view of wasm memory, then released. */
function snapshotOut(entry, take) {
  const length = entry.raw.toSnapshot();
  if (length < 0) throw engineError();
  try {
    const at = bindings.snapshotPtr();
    return take(memoryBytes().subarray(at, at + length));
  } finally {
    bindings.releaseSnapshot();
  }
}

/** Loads a snapshot, text or bytes, in pieces of whole lines so that it is never copied whole. */
function loadSnapshot(snapshot, maxSnapshotBytes) {
  const isText = typeof snapshot === "string";
  if (!isText && !(snapshot instanceof Uint8Array)) {
    throw invalidInput("snapshot", `expected the text of toSnapshot() or the bytes of toSnapshotBytes() (a Uint8Array), not ${describeSnapshot(snapshot)}`);
  }
  const loader = bindings.RawLoader.begin(maxSnapshotBytes, isText ? snapshot.length : snapshot.length);
  if (loader === undefined) throw engineError();
  try {
    const length = snapshot.length;
    let offset = 0;
    while (offset < length) {
      // A piece ends after a newline (the format puts one record per line), or is the rest.
      let end = Math.min(length, offset + PIECE);
      if (end < length) {
        const newline = isText ? snapshot.lastIndexOf("\n", end - 1) : snapshot.lastIndexOf(10, end - 1);
        end = newline >= offset ? newline + 1 : isText ? findNewline(snapshot, end) : findByte(snapshot, end);
      }
      const pieceLength = isText ? writeText(snapshot, offset, end) : writeBytes(snapshot, offset, end);
      if (loader.feed(pieceLength) < 0) throw engineError();
      offset = end;
    }
    const raw = loader.finish();
    if (raw === undefined) throw engineError();
    return raw;
  } finally {
    loader.free();
  }
}

/** Bytes (or UTF-16 units) fed to the loader per call, give or take a line. */
const PIECE = 1 << 20;

function findNewline(text, from) {
  const at = text.indexOf("\n", from);
  return at < 0 ? text.length : at + 1;
}

function findByte(bytes, from) {
  const at = bytes.indexOf(10, from);
  return at < 0 ? bytes.length : at + 1;
}

function writeText(text, start, end) {
  const piece = text.slice(start, end);
  if (!piece.isWellFormed()) {
    throw new HospitalError("INVALID_SNAPSHOT", "invalid snapshot: holds a lone surrogate (half a UTF-16 pair)", { path: "" });
  }
  beginArguments(piece.length);
  return encoder.encodeInto(piece, memoryBytes().subarray(scratchStart(), scratchStart() + piece.length * 3)).written;
}

function writeBytes(bytes, start, end) {
  beginArguments(Math.ceil((end - start) / 3));
  memoryBytes().set(bytes.subarray(start, end), scratchStart());
  return end - start;
}

function scratchStart() {
  return bindings.scratchPtr();
}

function describeSnapshot(value) {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value?.constructor?.name ?? "an object";
}

// ---------------------------------------------------------------------------------------------
// findSlots rows

const FOUND_ROW = 8;

function foundSlot(doctors, rows, bytes, at) {
  const key = rows[at];
  const stamp = rows[at + 1];
  let doctor = doctors[key];
  if (doctor === undefined || doctor.stamp !== stamp) {
    doctor = { stamp, id: textAt(bytes, rows[at + 2], rows[at + 3]), places: [] };
    doctors[key] = doctor;
  }
  const place = rows[at + 4];
  let location = doctor.places[place];
  if (location === undefined) location = doctor.places[place] = textAt(bytes, rows[at + 5], rows[at + 6]);
  return { doctorId: doctor.id, location, start: dateTime(rows[at + 7]) };
}

const textDecoder = new TextDecoder();
function textAt(bytes, ptr, len) {
  return textDecoder.decode(bytes.subarray(ptr, ptr + len));
}
