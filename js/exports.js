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
 * A FHIR id (`[A-Za-z0-9\-.]{1,64}`) for one of the hospital's ids: a character FHIR ids cannot
 * hold (`_`, `:`) and `-` itself are written as `-` and two hex digits, so that two ids never meet.
 */
export function fhirId(id) {
  return id.replace(/[^A-Za-z0-9.]/g, (c) => `-${c.charCodeAt(0).toString(16).padStart(2, "0")}`).slice(0, 64);
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
      const id = `${fhirId(doctor.id)}-${i}`.slice(0, 64);
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
            id: `${id.slice(0, 44)}-f${startUtc.replace(/[-:]/g, "").slice(0, 13)}`,
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
      const slotId = `${fhirId(a.id).slice(0, 58)}-slot`;
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
