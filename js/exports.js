// Calendar exports of a hospital: iCalendar (RFC 5545) for one doctor over a window, and a FHIR R4
// Bundle (Schedule, Slot, Appointment) over a window. The engine lists the appointments and free
// slots (fast: rows of numbers, a chunk at a time); the text is written here, in JavaScript, so
// that the .wasm stays within its size budget.
import { invalidInput } from "./errors.js";
import { offsetReader } from "./zones.js";

// ---------------------------------------------------------------------------------------------
// iCalendar

const CRLF = "\r\n";
const utf8 = new TextEncoder();

/** TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks. */
export function escapeText(text) {
  return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, "\\n");
}

/** A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence. */
export function fold(line) {
  if (utf8.encode(line).length <= 75) return line;
  const parts = [];
  let current = "";
  let octets = 0;
  let limit = 75;
  for (const char of line) {
    const size = utf8.encode(char).length;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = 74; // the leading space of a continuation line counts
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

/** `20251102T053000Z` of `2025-11-02T05:30:00Z`; `20250309T013000` of a floating `2025-03-09T01:30`. */
function icalDateTime(text) {
  const digits = `${text.slice(0, 4)}${text.slice(5, 7)}${text.slice(8, 10)}T${text.slice(11, 13)}${text.slice(14, 16)}00`;
  return text.endsWith("Z") ? `${digits}Z` : digits;
}

const ICAL_STATUS = { booked: "CONFIRMED", held: "TENTATIVE", cancelled: "CANCELLED", expired: "CANCELLED" };

/**
 * How many times the appointment changed in a way a calendar must see (RFC 5545 SEQUENCE): one
 * per reschedule, one for its cancellation (or its lapse, for a hold).
 */
export function sequenceOf(appointment) {
  const moves = appointment.rescheduledFrom?.length ?? 0;
  return moves + (appointment.status === "cancelled" || appointment.status === "expired" ? 1 : 0);
}

/** The VCALENDAR text of `appointments` (as the hospital returns them). */
export function iCalendar(appointments, { zoned, domain, name }) {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//dr-schedule//dr-schedule//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"];
  if (name !== undefined) lines.push(`X-WR-CALNAME:${escapeText(name)}`);
  for (const a of appointments) {
    const start = zoned ? a.startUtc : a.start;
    const end = zoned ? a.endUtc : a.end;
    // DTSTAMP is UTC: the last change's time (`updatedAt`); a floating hospital's is read as UTC.
    const stamp = a.updatedAt ?? a.createdAt ?? start;
    lines.push(
      "BEGIN:VEVENT",
      `UID:${a.id}@${domain}`,
      `DTSTAMP:${icalDateTime(stamp.endsWith("Z") ? stamp : `${stamp}:00Z`)}`,
      `DTSTART:${icalDateTime(start)}`,
      `DTEND:${icalDateTime(end)}`,
      `SEQUENCE:${sequenceOf(a)}`,
      `STATUS:${ICAL_STATUS[a.status]}`,
      `SUMMARY:${escapeText(a.patient === undefined ? "Appointment" : `Appointment: ${a.patient}`)}`,
      `LOCATION:${escapeText(a.location)}`,
    );
    if (a.notes !== undefined) lines.push(`DESCRIPTION:${escapeText(a.notes)}`);
    if (a.cancelReason !== undefined) lines.push(`COMMENT:${escapeText(a.cancelReason)}`);
    if (a.createdAt !== undefined) lines.push(`CREATED:${icalDateTime(a.createdAt.endsWith("Z") ? a.createdAt : `${a.createdAt}:00Z`)}`);
    lines.push("END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join(CRLF) + CRLF;
}

// ---------------------------------------------------------------------------------------------
// FHIR R4

/**
 * A FHIR id (`[A-Za-z0-9\-.]{1,64}`) for one of the hospital's ids, at most `room` characters
 * long: a character FHIR ids cannot hold (`_`, `:`) and `-` itself are written as `-` and two hex
 * digits, so that two ids never meet; one that is then longer than `room` is shortened by
 * `fitId`, so that two ids never meet there either.
 */
export function fhirId(id, room = FHIR_ID_MAX) {
  return fitId(id.replace(/[^A-Za-z0-9.]/g, (c) => `-${c.charCodeAt(0).toString(16).padStart(2, "0")}`), room);
}

/** The longest FHIR id. */
const FHIR_ID_MAX = 64;

/** Hex digits of the SHA-256 that stand for the part of a long id that is cut off: 96 bits. */
const DIGEST_DIGITS = 24;

/**
 * `text` (FHIR id characters) in at most `room` characters, distinct for distinct texts: as it is
 * when it fits and holds no `--`, otherwise its start, `--` and 96 bits of its SHA-256. An escaped
 * id never holds `--` (every `-` is followed by two hex digits), so a shortened id can never be
 * taken for one kept whole, and two shortened ones meet only if their digests do.
 */
export function fitId(text, room) {
  if (text.length <= room && !text.includes("--")) return text;
  return `${text.slice(0, room - DIGEST_DIGITS - 2)}--${sha256Hex(text).slice(0, DIGEST_DIGITS)}`;
}

// SHA-256 (FIPS 180-4) of an ASCII string, synchronous, for fitId: WebCrypto's digest is
// asynchronous, and the export is not.
const ROUND_CONSTANTS = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const rotate = (x, n) => (x >>> n) | (x << (32 - n));

/** The SHA-256 of an ASCII string, as 64 hex digits. */
export function sha256Hex(text) {
  const blocks = Math.ceil((text.length + 9) / 64);
  const words = new Uint32Array(blocks * 16);
  for (let i = 0; i < text.length; i++) words[i >> 2] |= (text.charCodeAt(i) & 0xff) << (24 - (i % 4) * 8);
  words[text.length >> 2] |= 0x80 << (24 - (text.length % 4) * 8);
  words[words.length - 1] = text.length * 8;
  const hash = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  for (let block = 0; block < words.length; block += 16) {
    for (let t = 0; t < 64; t++) {
      if (t < 16) w[t] = words[block + t];
      else {
        const s0 = rotate(w[t - 15], 7) ^ rotate(w[t - 15], 18) ^ (w[t - 15] >>> 3);
        const s1 = rotate(w[t - 2], 17) ^ rotate(w[t - 2], 19) ^ (w[t - 2] >>> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
      }
    }
    let [a, b, c, d, e, f, g, h] = hash;
    for (let t = 0; t < 64; t++) {
      const t1 = (h + (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) + ((e & f) ^ (~e & g)) + ROUND_CONSTANTS[t] + w[t]) >>> 0;
      const t2 = ((rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    for (const [i, value] of [a, b, c, d, e, f, g, h].entries()) hash[i] += value;
  }
  return Array.from(hash, (word) => word.toString(16).padStart(8, "0")).join("");
}

/** Appointment.status of each of the hospital's statuses (written down in the README). */
export const FHIR_STATUS = { booked: "booked", held: "pending", cancelled: "cancelled", expired: "cancelled" };

/** The instant (UTC) of a wall clock as the hospital writes it, in `zone`. */
function instantOf(wall, zone, readers) {
  if (wall.length > 16) return new Date(wall).toISOString().replace(/\.000Z$/, "Z");
  let offset = readers.get(zone);
  if (offset === undefined) {
    offset = offsetReader(zone);
    readers.set(zone, offset);
  }
  const minute = Date.parse(`${wall}Z`) / 60_000;
  // The offset in force at that wall clock: one of those around it that maps back to it.
  for (const guess of [offset(minute - 1440), offset(minute + 1440)]) {
    const utc = minute - guess;
    if (offset(utc) === guess) return new Date(utc * 60_000).toISOString().replace(/\.000Z$/, "Z");
  }
  return new Date((minute - offset(minute)) * 60_000).toISOString().replace(/\.000Z$/, "Z");
}

const plusMinutes = (instant, minutes) => new Date(Date.parse(instant) + minutes * 60_000).toISOString().replace(/\.000Z$/, "Z");

/**
 * The Bundle (type "collection") of `doctors`' Schedules (one per doctor and location), Slots
 * (free and busy) and Appointments over [from, to).
 */
export function fhirBundle({ doctors, appointmentsOf, freeSlotsOf, zoneOf, from, to, timeZone, duration }) {
  const entry = [];
  const readers = new Map();
  // A date stays a date; a wall clock becomes its instant (a FHIR dateTime with a time has a zone).
  const horizon = (bound) => (bound.length === 16 ? instantOf(bound, timeZone, readers) : bound);
  const planningHorizon = { start: horizon(from), end: horizon(to) };
  for (const doctor of doctors) {
    const practitioner = { reference: `Practitioner/${fhirId(doctor.id)}`, display: doctor.name };
    const scheduleIds = new Map();
    doctor.locations.forEach((location, i) => {
      // `-` and the location's index (fewer than 100 per doctor): found again after the last `-`.
      const id = `${fhirId(doctor.id, FHIR_ID_MAX - 3)}-${i}`;
      scheduleIds.set(location, id);
      entry.push({
        resource: {
          resourceType: "Schedule",
          id,
          active: true,
          actor: [practitioner, { display: location }],
          planningHorizon,
          comment: `${doctor.name} at ${location}`,
        },
      });
      for (const start of freeSlotsOf(doctor.id, location)) {
        const startUtc = instantOf(start, zoneOf(location), readers);
        entry.push({
          resource: {
            resourceType: "Slot",
            // The Schedule's id and the start to the minute (`-f20251102T0630`: the last 15 characters).
            id: `${fitId(id, FHIR_ID_MAX - 15)}-f${startUtc.replace(/[-:]/g, "").slice(0, 13)}`,
            schedule: { reference: `Schedule/${id}` },
            status: "free",
            start: startUtc,
            end: plusMinutes(startUtc, duration),
          },
        });
      }
    });
    for (const a of appointmentsOf(doctor.id)) {
      const live = a.status === "booked" || a.status === "held";
      const slotId = `${fhirId(a.id, FHIR_ID_MAX - 5)}-slot`;
      if (live) {
        entry.push({
          resource: {
            resourceType: "Slot",
            id: slotId,
            schedule: { reference: `Schedule/${scheduleIds.get(a.location)}` },
            status: a.status === "held" ? "busy-tentative" : "busy",
            start: a.startUtc,
            end: a.endUtc,
          },
        });
      }
      const participant = [{ actor: practitioner, status: "accepted" }];
      if (a.patient !== undefined) participant.push({ actor: { identifier: { value: a.patient }, display: a.patient }, status: "accepted" });
      const appointment = {
        resourceType: "Appointment",
        id: fhirId(a.id),
        status: FHIR_STATUS[a.status],
        start: a.startUtc,
        end: a.endUtc,
        minutesDuration: a.durationMinutes,
        participant,
      };
      if (live) appointment.slot = [{ reference: `Slot/${slotId}` }];
      if (a.createdAt !== undefined) appointment.created = a.createdAt;
      if (a.notes !== undefined) appointment.comment = a.notes;
      if (a.cancelReason !== undefined) appointment.cancelationReason = { text: a.cancelReason };
      entry.push({ resource: appointment });
    }
  }
  return { resourceType: "Bundle", type: "collection", entry };
}

/** INVALID_INPUT: FHIR times are instants, which a hospital without a time zone does not have. */
export function needsZone() {
  return invalidInput("timeZone", "is not set: FHIR times are instants, and this hospital keeps floating wall-clock times (create it with a timeZone)");
}
