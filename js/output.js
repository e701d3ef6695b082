// Results, built from numbers: the engine writes each appointment or slot as a row of numbers
// (and pointers to the strings it holds) into an area of wasm memory, and this module builds the
// plain objects the API returns. No JSON text crosses for them: a date-time is formatted here
// (through a cache, since a hospital's starts repeat), a doctor's id and locations are decoded
// once per version of the doctor, the other strings straight from wasm memory.

/** The numbers of one appointment row; `ROW` of them per appointment (see src/output.rs). */
export const ROW = 24;
/** Where each number of a row is (the binding writes them in this order). */
const FLAGS = 0;
const ID_NUMBER = 1;
const ID_PTR = 2;
const ID_LEN = 3;
const DOCTOR_KEY = 4;
const DOCTOR_STAMP = 5;
const DOCTOR_PTR = 6;
const DOCTOR_LEN = 7;
const PLACE = 8;
const PLACE_PTR = 9;
const PLACE_LEN = 10;
const START = 11;
const DURATION = 12;
const STATUS = 13;
const PATIENT_PTR = 14;
const PATIENT_LEN = 15;
const REQUEST_PTR = 16;
const REQUEST_LEN = 17;
const HOLD_EXPIRES = 18;
const REASON_PTR = 19;
const REASON_LEN = 20;
const NOTES_PTR = 21;
const NOTES_LEN = 22;
const SEQ = 23;

/** Which optional parts an appointment has (bits of FLAGS). */
const HAS_PATIENT = 1;
const HAS_REQUEST_ID = 2;
const HAS_HOLD_EXPIRES = 4;
const HAS_RESCHEDULED_FROM = 8;
const HAS_CANCEL_REASON = 16;
const HAS_NOTES = 32;
const HAS_METADATA = 64;

const STATUSES = ["booked", "held", "cancelled", "expired"];

// ---------------------------------------------------------------------------------------------
// Strings from wasm memory

const utf8 = new TextDecoder();

/** The UTF-8 string of `len` bytes at `ptr` in `bytes` (wasm memory). */
export function text(bytes, ptr, len) {
  if (len > 24) return utf8.decode(bytes.subarray(ptr, ptr + len));
  let out = "";
  for (let i = ptr, end = ptr + len; i < end; i++) {
    const c = bytes[i];
    if (c > 127) return utf8.decode(bytes.subarray(ptr, ptr + len));
    out += String.fromCharCode(c);
  }
  return out;
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
 * The engine counts minutes from 0001-01-01T00:00 minus a day (day 1 is 0001-01-01, as chrono's
 * `num_days_from_ce`); JS dates count milliseconds from 1970-01-01 (day 719163).
 */
const UNIX_EPOCH_DAY = 719_163;

/** `YYYY-MM-DD` of a day number, for years 0001 to 9999. */
function dateText(day) {
  const iso = new Date((day - UNIX_EPOCH_DAY) * 86_400_000).toISOString();
  // Years 0001-9999 print as YYYY-MM-DDT…; nothing else reaches here.
  return iso.slice(0, 10);
}

/** `YYYY-MM-DDTHH:MM` of a minute number. */
export function dateTime(minute) {
  const slot = minute & (CACHE_SIZE - 1);
  if (cachedMinute[slot] === minute) return cachedText[slot];
  const day = Math.floor(minute / MINUTES_PER_DAY);
  const formatted = `${dateText(day)}T${CLOCK[minute - day * MINUTES_PER_DAY]}`;
  cachedMinute[slot] = minute;
  cachedText[slot] = formatted;
  return formatted;
}

// ---------------------------------------------------------------------------------------------
// Appointments

/**
 * Per hospital: its doctors' ids and locations as JS strings, by doctor key, valid while the
 * doctor's stamp (which changes on every update) is the same.
 */
export function doctorStrings() {
  return [];
}

function doctorOf(doctors, row, bytes, at) {
  const key = row[at + DOCTOR_KEY];
  const stamp = row[at + DOCTOR_STAMP];
  let doctor = doctors[key];
  if (doctor === undefined || doctor.stamp !== stamp) {
    doctor = { stamp, id: text(bytes, row[at + DOCTOR_PTR], row[at + DOCTOR_LEN]), places: [] };
    doctors[key] = doctor;
  }
  return doctor;
}

/**
 * The appointment of the row at `at` in `row` (a Float64Array over wasm memory), as the API
 * returns it. `extras(seq)` returns `{ rescheduledFrom, metadata }` for the rare appointment that
 * has either (JSON the engine writes).
 */
export function appointment(row, bytes, at, doctors, extras) {
  const flags = row[at + FLAGS];
  const doctor = doctorOf(doctors, row, bytes, at);
  const place = row[at + PLACE];
  let location = doctor.places[place];
  if (location === undefined) location = doctor.places[place] = text(bytes, row[at + PLACE_PTR], row[at + PLACE_LEN]);
  const number = row[at + ID_NUMBER];
  const start = row[at + START];
  const duration = row[at + DURATION];
  const result = {
    id: number > 0 ? `a${number}` : text(bytes, row[at + ID_PTR], row[at + ID_LEN]),
    doctorId: doctor.id,
    location,
    start: dateTime(start),
    end: dateTime(start + duration),
    durationMinutes: duration,
  };
  if (flags & HAS_PATIENT) result.patient = text(bytes, row[at + PATIENT_PTR], row[at + PATIENT_LEN]);
  if (flags & HAS_REQUEST_ID) result.requestId = text(bytes, row[at + REQUEST_PTR], row[at + REQUEST_LEN]);
  result.status = STATUSES[row[at + STATUS]];
  if (flags & HAS_HOLD_EXPIRES) result.holdExpires = dateTime(row[at + HOLD_EXPIRES]);
  const more = flags & (HAS_RESCHEDULED_FROM | HAS_METADATA) ? extras(row[at + SEQ]) : undefined;
  if (flags & HAS_RESCHEDULED_FROM) result.rescheduledFrom = more.rescheduledFrom;
  if (flags & HAS_CANCEL_REASON) result.cancelReason = text(bytes, row[at + REASON_PTR], row[at + REASON_LEN]);
  if (flags & HAS_NOTES) result.notes = text(bytes, row[at + NOTES_PTR], row[at + NOTES_LEN]);
  if (flags & HAS_METADATA) result.metadata = more.metadata;
  return result;
}
