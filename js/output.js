// Results, built from numbers: the engine writes each appointment or found slot as a row of
// numbers (and addresses of the strings it holds) into wasm memory (src/binding/rows.rs), and
// this module builds the plain objects the API returns. No JSON crosses for them but their
// metadata (a JSON value of any shape): a date-time is formatted here through a cache (a
// hospital's starts repeat), a doctor's id and a location are decoded once per doctor and
// location (the rows carry stable numbers for them), the other strings straight from wasm
// memory; a rescheduling trace comes as numbers beside the rows (the call's parts).

/** The position of each number in an appointment row (as src/binding/rows.rs writes them). */
export const ROW = 33;
const FLAGS = 0;
const ID_NUMBER = 1;
const ID_PTR = 2;
const ID_LEN = 3;
const DOCTOR_KEY = 4;
const DOCTOR_STAMP = 5;
const DOCTOR_PTR = 6;
const DOCTOR_LEN = 7;
const PLACE = 8;
const PLACE_STAMP = 9;
const PLACE_PTR = 10;
const PLACE_LEN = 11;
const START = 12;
const DURATION = 13;
const STATUS = 14;
const PATIENT_PTR = 15;
const PATIENT_LEN = 16;
const REQUEST_PTR = 17;
const REQUEST_LEN = 18;
const HOLD_EXPIRES = 19;
const REASON_PTR = 20;
const REASON_LEN = 21;
const NOTES_PTR = 22;
const NOTES_LEN = 23;
const METADATA_OFFSET = 24;
const METADATA_LEN = 25;
const END = 26;
const START_UTC = 27;
const END_UTC = 28;
const CREATED_AT = 29;
const UPDATED_AT = 30;
const TRACE_AT = 31;
const TRACE_COUNT = 32;

/** The names of the positions above, in order: a test compares them with the engine's. */
export const LAYOUT = [
  "flags", "idNumber", "idPtr", "idLen", "doctorKey", "doctorStamp", "doctorPtr", "doctorLen",
  "place", "placeStamp", "placePtr", "placeLen", "start", "duration", "status", "patientPtr",
  "patientLen", "requestPtr", "requestLen", "holdExpires", "reasonPtr", "reasonLen", "notesPtr",
  "notesLen", "metadataOffset", "metadataLen", "end", "startUtc", "endUtc", "createdAt", "updatedAt",
  "traceAt", "traceCount",
];

/** An entry of a rescheduling trace, in the call's trace numbers (from `traceAt`, `traceCount` of them). */
export const TRACE_ENTRY = 6;
export const TRACE_LAYOUT = ["locationOffset", "locationLen", "start", "end", "startUtc", "endUtc"];

/** A found slot's row. */
export const FOUND_ROW = 11;
export const FOUND_LAYOUT = ["doctorKey", "doctorStamp", "doctorPtr", "doctorLen", "place", "placeStamp", "placePtr", "placeLen", "start", "offset", "startUtc"];

/** Which optional parts an appointment has (bits of FLAGS). */
const HAS_PATIENT = 1;
const HAS_REQUEST_ID = 2;
const HAS_HOLD_EXPIRES = 4;
const HAS_RESCHEDULED_FROM = 8;
const HAS_CANCEL_REASON = 16;
const HAS_NOTES = 32;
const HAS_METADATA = 64;
const HAS_CREATED_AT = 128;
const HAS_UPDATED_AT = 256;
/** A hospital with a time zone: startUtc and endUtc are set; holdExpires, createdAt and updatedAt are instants. */
const ZONED = 512;

const STATUSES = ["booked", "held", "cancelled", "expired"];

// ---------------------------------------------------------------------------------------------
// Strings from wasm memory

const utf8 = new TextDecoder();

/**
 * The UTF-8 string of `len` bytes at `ptr` in `bytes` (a view of wasm memory). Short ASCII
 * strings (ids, patients) are built with one `String.fromCharCode` call of their bytes, about a
 * quarter of what a `TextDecoder` call or a loop of `+=` costs for them.
 */
export function text(bytes, ptr, len) {
  if (len > 12) return utf8.decode(bytes.subarray(ptr, ptr + len));
  const b = bytes;
  const p = ptr;
  let s;
  switch (len) {
    case 0: return "";
    case 1: s = String.fromCharCode(b[p]); break;
    case 2: s = String.fromCharCode(b[p], b[p + 1]); break;
    case 3: s = String.fromCharCode(b[p], b[p + 1], b[p + 2]); break;
    case 4: s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]); break;
    case 5: s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4]); break;
    case 6: s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5]); break;
    case 7: s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6]); break;
    case 8: s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7]); break;
    case 9: s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8]); break;
    case 10: s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9]); break;
    case 11: s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9], b[p + 10]); break;
    default: s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11]);
  }
  // Bytes above 127 are UTF-8 sequences, not Latin-1 characters: decode those properly.
  for (let i = 0; i < len; i++) if (s.charCodeAt(i) > 127) return utf8.decode(b.subarray(p, p + len));
  return s;
}

// ---------------------------------------------------------------------------------------------
// Date-times

const MINUTES_PER_DAY = 1440;
/** "00:00" … "23:59". */
const CLOCK = Array.from({ length: MINUTES_PER_DAY }, (_, m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
/** A direct-mapped cache of formatted date-times, by minute. */
const CACHE_SIZE = 16_384;
const cachedMinute = new Float64Array(CACHE_SIZE).fill(NaN);
const cachedText = new Array(CACHE_SIZE).fill("");

/**
 * The engine counts minutes from 0001-01-01T00:00 minus a day (day 1 is 0001-01-01); JS dates
 * count milliseconds from 1970-01-01 (day 719,163).
 */
const UNIX_EPOCH_DAY = 719_163;

/** `YYYY-MM-DDTHH:MM` of an engine minute (years 0001 to 9999). */
export function dateTime(minute) {
  const slot = minute & (CACHE_SIZE - 1);
  if (cachedMinute[slot] === minute) return cachedText[slot];
  const day = Math.floor(minute / MINUTES_PER_DAY);
  const date = new Date((day - UNIX_EPOCH_DAY) * 86_400_000).toISOString().slice(0, 10);
  const formatted = `${date}T${CLOCK[minute - day * MINUTES_PER_DAY]}`;
  cachedMinute[slot] = minute;
  cachedText[slot] = formatted;
  return formatted;
}

// ---------------------------------------------------------------------------------------------
// Appointments and found slots

/** `YYYY-MM-DDTHH:MM:00Z` of an engine minute counted in UTC (an instant). */
export function instant(minute) {
  return `${dateTime(minute)}:00Z`;
}

/**
 * A wall clock shown with its offset (minutes east of UTC), `2025-11-02T01:30:00-04:00`, where
 * the wall clock alone would not say which instant it is; NaN: the wall clock alone.
 */
export function placed(minute, offset) {
  if (offset !== offset) return dateTime(minute);
  const size = Math.abs(offset);
  const hours = String(Math.floor(size / 60)).padStart(2, "0");
  const minutes = String(size % 60).padStart(2, "0");
  return `${dateTime(minute)}:00${offset < 0 ? "-" : "+"}${hours}:${minutes}`;
}

/**
 * A hospital's decoded doctor ids and locations: by the engine's number for each, checked by
 * its stamp (a number is reused only with another stamp).
 */
export function nameCache() {
  return { doctors: [], places: [] };
}

function cached(list, key, stamp, bytes, ptr, len) {
  const entry = list[key];
  if (entry !== undefined && entry.stamp === stamp) return entry.name;
  const name = text(bytes, ptr, len);
  list[key] = { stamp, name };
  return name;
}

/**
 * The appointment in `rows` (a Float64Array of wasm memory) at `at`, as the API returns it;
 * `parts` says where the rows' parts are, asked only when a row has one: `parts.text()` the
 * byte address of their text, `parts.trace()` the index in `rows` of their trace numbers;
 * `knownId`, when given, is the appointment's id (the caller looked it up by it).
 */
export function appointment(rows, bytes, at, names, parts, knownId = undefined) {
  const flags = rows[at + FLAGS];
  const number = rows[at + ID_NUMBER];
  const start = rows[at + START];
  const duration = rows[at + DURATION];
  const id = knownId ?? (number > 0 ? "a" + number : text(bytes, rows[at + ID_PTR], rows[at + ID_LEN]));
  const doctorId = cached(names.doctors, rows[at + DOCTOR_KEY], rows[at + DOCTOR_STAMP], bytes, rows[at + DOCTOR_PTR], rows[at + DOCTOR_LEN]);
  const location = cached(names.places, rows[at + PLACE], rows[at + PLACE_STAMP], bytes, rows[at + PLACE_PTR], rows[at + PLACE_LEN]);
  const status = STATUSES[rows[at + STATUS]];
  // The usual appointments, a patient or not and nothing else, as one literal each: adding
  // properties one by one would walk V8 through a new hidden class for each.
  if (flags & ZONED) return zonedAppointment(rows, bytes, at, flags, id, doctorId, location, status, parts);
  if (flags === HAS_PATIENT) {
    const patient = text(bytes, rows[at + PATIENT_PTR], rows[at + PATIENT_LEN]);
    return { id, doctorId, location, start: dateTime(start), end: dateTime(start + duration), durationMinutes: duration, patient, status };
  }
  if (flags === 0) {
    return { id, doctorId, location, start: dateTime(start), end: dateTime(start + duration), durationMinutes: duration, status };
  }
  // What `reschedule` usually returns: moved, a patient or not, nothing else.
  if ((flags | HAS_PATIENT) === (HAS_PATIENT | HAS_RESCHEDULED_FROM)) {
    const moved = rescheduledFrom(rows, bytes, at, parts);
    if (flags === HAS_RESCHEDULED_FROM) {
      return { id, doctorId, location, start: dateTime(start), end: dateTime(start + duration), durationMinutes: duration, status, rescheduledFrom: moved };
    }
    const patient = text(bytes, rows[at + PATIENT_PTR], rows[at + PATIENT_LEN]);
    return { id, doctorId, location, start: dateTime(start), end: dateTime(start + duration), durationMinutes: duration, patient, status, rescheduledFrom: moved };
  }
  return withParts({ id, doctorId, location, start: dateTime(start), end: dateTime(start + duration), durationMinutes: duration }, rows, bytes, at, flags, status, parts, dateTime);
}

/** An appointment of a hospital with a time zone: wall clocks there, and instants in UTC. */
function zonedAppointment(rows, bytes, at, flags, id, doctorId, location, status, parts) {
  const head = {
    id,
    doctorId,
    location,
    start: dateTime(rows[at + START]),
    end: dateTime(rows[at + END]),
    startUtc: instant(rows[at + START_UTC]),
    endUtc: instant(rows[at + END_UTC]),
    durationMinutes: rows[at + DURATION],
  };
  return withParts(head, rows, bytes, at, flags, status, parts, instant);
}

/**
 * `result` (an appointment's id, doctor, location and times) with its status and the optional
 * parts its flags name, in the API's order; `moment` writes the hold's expiry and the timestamps
 * (wall clock in a floating hospital, UTC instants in a zoned one).
 */
function withParts(result, rows, bytes, at, flags, status, parts, moment) {
  if (flags & HAS_PATIENT) result.patient = text(bytes, rows[at + PATIENT_PTR], rows[at + PATIENT_LEN]);
  if (flags & HAS_REQUEST_ID) result.requestId = text(bytes, rows[at + REQUEST_PTR], rows[at + REQUEST_LEN]);
  result.status = status;
  if (flags & HAS_HOLD_EXPIRES) result.holdExpires = moment(rows[at + HOLD_EXPIRES]);
  if (flags & HAS_RESCHEDULED_FROM) result.rescheduledFrom = rescheduledFrom(rows, bytes, at, parts);
  if (flags & HAS_CANCEL_REASON) result.cancelReason = text(bytes, rows[at + REASON_PTR], rows[at + REASON_LEN]);
  if (flags & HAS_NOTES) result.notes = text(bytes, rows[at + NOTES_PTR], rows[at + NOTES_LEN]);
  if (flags & HAS_METADATA) result.metadata = JSON.parse(text(bytes, parts.text() + rows[at + METADATA_OFFSET], rows[at + METADATA_LEN]));
  if (flags & HAS_CREATED_AT) result.createdAt = moment(rows[at + CREATED_AT]);
  if (flags & HAS_UPDATED_AT) result.updatedAt = moment(rows[at + UPDATED_AT]);
  return result;
}

/**
 * The rescheduling trace of the appointment in `rows` at `at`, oldest first: each earlier time's
 * location, its wall clocks and, in a hospital with a time zone (its instants are not NaN), the
 * instants in UTC.
 */
function rescheduledFrom(rows, bytes, at, parts) {
  const count = rows[at + TRACE_COUNT];
  const textAt = parts.text();
  let entry = parts.trace() + rows[at + TRACE_AT];
  const trace = [];
  for (let i = 0; i < count; i++, entry += TRACE_ENTRY) {
    const location = text(bytes, textAt + rows[entry], rows[entry + 1]);
    const start = dateTime(rows[entry + 2]);
    const end = dateTime(rows[entry + 3]);
    const startUtc = rows[entry + 4];
    // One literal per shape, as for the appointments.
    trace.push(startUtc === startUtc ? { location, start, end, startUtc: instant(startUtc), endUtc: instant(rows[entry + 5]) } : { location, start, end });
  }
  return trace;
}

/** The found slot in `rows` at `at`, as `findSlots` returns it. */
export function foundSlot(rows, bytes, at, names) {
  const doctorId = cached(names.doctors, rows[at], rows[at + 1], bytes, rows[at + 2], rows[at + 3]);
  const location = cached(names.places, rows[at + 4], rows[at + 5], bytes, rows[at + 6], rows[at + 7]);
  const start = placed(rows[at + 8], rows[at + 9]);
  const utc = rows[at + 10];
  // One literal per shape (a spread of a temporary object cost findSlots a tenth of its time);
  // NaN: a hospital without a time zone, whose slots have no instant.
  return utc === utc ? { doctorId, location, start, startUtc: instant(utc) } : { doctorId, location, start };
}
