// A plain-JavaScript implementation of the dr-schedule contract (the README's API, booking
// rules 0-6 in order and errors: the same error codes and details, the same snapshot format),
// written the way a competent Node developer would: Maps for ids, one sorted array of booked and
// held appointments per doctor with binary search for the overlap check, a sorted array of holds
// by expiry, strict validation of every input. It exists only as the baseline of bench/bench.mjs;
// tests/js/test/bench-contract.test.mjs runs the same table of calls against it and the package
// so that the comparison is fair.
//
// Implemented: the options (with minNoticeMinutes, horizonDays, preventPatientOverlap), doctors
// with weekly schedules, book, hold, confirm, reschedule, cancel, getAppointment, appointments,
// availableSlots, findSlots, the hospital clock (`now`; lapsed holds ignored, and marked
// expired, kept as history, by the first successful call that moves the clock past them), rule 0
// against what the first request asked for, createdAt and updatedAt (the `now` of the calls), snapshots
// (format version 4 written, in its line layout; versions 1 to 4 read), maxSnapshotBytes (kept, not enforced).
// Not implemented (the benchmark does not use them): doctors' `overrides`, `timeOff` and rule
// `locations` (refused as unknown fields), `explain`, changesSince / applyChanges (the
// benchmark reports those rows for the package only).

const MINUTES_PER_DAY = 1440;
const MAX_ID_LEN = 64;
const MAX_NAME_LEN = 200;
const MAX_LOCATION_LEN = 200;
const MAX_PATIENT_LEN = 200;
const MAX_REQUEST_ID_LEN = 128;
const MAX_REASON_LEN = 500;
const MAX_TIME_ZONE_LEN = 64;
const MAX_LOCATIONS = 100;
const MAX_RULES = 100;
const MAX_DOCTORS = 10_000;
const MAX_APPOINTMENTS = 2_000_000;
const MAX_SLOT_WINDOW_DAYS = 366;
const MAX_SNAPSHOT_BYTES = 512 << 20;
const DEFAULT_MAX_SNAPSHOT_BYTES = 128 << 20;
const MIN_MAX_SNAPSHOT_BYTES = 16 << 10;
const MAX_MAX_SNAPSHOT_BYTES = 256 << 20;
const MAX_RESCHEDULES = 100;
const MAX_HOLD_MINUTES = 7 * 1440;
const MAX_NOTICE_MINUTES = 366 * 1440;
const MAX_HORIZON_DAYS = 3660;
const MAX_FIND_WINDOW_DAYS = 31;
const MAX_FIND_LIMIT = 1000;
const MAX_FIND_DOCTORS = 1000;
const MAX_COUNTER = 2 ** 53 - 1;
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

// ----- errors -----

function hospitalError(code, message, details) {
  const error = new Error(message);
  error.name = "HospitalError";
  error.code = code;
  error.details = details;
  return error;
}
// A hospital-wide limit names no field: its details are {} (as the package's).
const invalid = (field, reason) =>
  hospitalError("INVALID_INPUT", field ? `invalid ${field}: ${reason}` : `invalid input: ${reason}`, field ? { field } : {});
const doctorNotFound = (doctorId) => hospitalError("DOCTOR_NOT_FOUND", `no doctor with id ${JSON.stringify(doctorId)}`, { doctorId });
const appointmentNotFound = (appointmentId) =>
  hospitalError("APPOINTMENT_NOT_FOUND", `no appointment with id ${JSON.stringify(appointmentId)}`, { appointmentId });
const duplicateId = (what, id) => hospitalError("DUPLICATE_ID", `a ${what} with id ${JSON.stringify(id)} already exists`, { id });
const offGrid = (field, slotMinutes) =>
  hospitalError("OFF_GRID", `${field} is not on the ${slotMinutes}-minute slot grid`, { field, slotMinutes });
const alreadyCancelled = (appointmentId) =>
  hospitalError("ALREADY_CANCELLED", `appointment ${JSON.stringify(appointmentId)} is already cancelled`, { appointmentId });
const holdExpired = (appointmentId, holdExpires) =>
  hospitalError("HOLD_EXPIRED", `the hold on appointment ${JSON.stringify(appointmentId)} lapsed at ${holdExpires}`, { appointmentId, holdExpires });
const notHeld = (appointmentId) => hospitalError("NOT_HELD", `appointment ${JSON.stringify(appointmentId)} is not a hold`, { appointmentId });

// ----- time: minutes since 1970-01-01T00:00, local wall clock -----

function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
function civilFromDays(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}
const END_OF_RANGE = daysFromCivil(10000, 1, 1) * MINUTES_PER_DAY;
const weekdayOf = (minutes) => (((Math.floor(minutes / MINUTES_PER_DAY) + 3) % 7) + 7) % 7; // 0 = mon
const minuteOfDay = (minutes) => ((minutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const CLOCK_RE = /^(\d{2}):(\d{2})$/;

function dayOf(y, mo, d) {
  if (y === 0 || mo < 1 || mo > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d > lengths[mo - 1] ? null : daysFromCivil(y, mo, d);
}
/** `YYYY-MM-DDTHH:MM` to minutes, or null. */
function parseDateTime(text) {
  const m = DATE_TIME_RE.exec(text);
  if (m === null) return null;
  const day = dayOf(+m[1], +m[2], +m[3]);
  const hh = +m[4];
  const mm = +m[5];
  if (day === null || hh > 23 || mm > 59) return null;
  return day * MINUTES_PER_DAY + hh * 60 + mm;
}
/** A window bound: a bare date means its midnight (`from`) or the next one (`to`). */
function parseBound(text, isTo) {
  if (text.length === 10) {
    const m = DATE_RE.exec(text);
    const day = m === null ? null : dayOf(+m[1], +m[2], +m[3]);
    return day === null ? null : (day + (isTo ? 1 : 0)) * MINUTES_PER_DAY;
  }
  return parseDateTime(text);
}
function parseClock(text) {
  const m = CLOCK_RE.exec(text);
  if (m === null) return null;
  const hh = +m[1];
  const mm = +m[2];
  if ((hh < 24 && mm < 60) || (hh === 24 && mm === 0)) return hh * 60 + mm;
  return null;
}
const pad2 = (n) => (n < 10 ? "0" : "") + n;
function formatDateTime(minutes) {
  const [y, m, d] = civilFromDays(Math.floor(minutes / MINUTES_PER_DAY));
  const mod = minuteOfDay(minutes);
  return `${String(y).padStart(4, "0")}-${pad2(m)}-${pad2(d)}T${pad2(Math.floor(mod / 60))}:${pad2(mod % 60)}`;
}

// ----- input checking (types first, in the order the object lists its keys; then missing
// fields in declaration order; then the content rules) -----

const NOT_NULL = "not null";
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const STRING = (v) => typeof v === "string";
const U32 = (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const BOOL = (v) => typeof v === "boolean";

/**
 * Reads `value` as an object with the fields of `spec` ({ key: [check, required] }). Returns a
 * plain copy with absent optional fields left out. `name` names the whole value in errors.
 * `required` is true, false (optional: `null` counts as absent) or NOT_NULL (optional, but
 * `null` is checked like any value: serde's `#[serde(default)]` on a non-`Option` field).
 */
function readObject(value, name, spec, prefix = "") {
  if (!isObject(value)) throw invalid(prefix || name, "expected an object");
  const out = {};
  for (const key of Object.keys(value)) {
    const field = prefix ? `${prefix}.${key}` : key;
    const entry = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (entry === undefined) throw invalid(field, `unknown field \`${key}\``);
    const v = value[key];
    if (v === undefined || (v === null && entry[1] === false)) continue;
    out[key] = entry[0](v, field);
  }
  for (const key of Object.keys(spec)) {
    if (spec[key][1] === true && !(key in out)) throw invalid(prefix ? `${prefix}.${key}` : key, `missing field \`${key}\``);
  }
  return out;
}
const read = (check, what) => (v, field) => {
  if (!check(v)) throw invalid(field, `expected ${what}`);
  return v;
};
const str = read(STRING, "a string");
const u32 = read(U32, "an integer from 0 to 4294967295");
const bool = read(BOOL, "a boolean");
function strict(v, field) {
  str(v, field);
  if (!v.isWellFormed()) throw invalid(field, "contains a lone surrogate");
  return v;
}
function dateTime(v, field) {
  strict(v, field);
  const minutes = parseDateTime(v);
  if (minutes === null) throw invalid(field, `${JSON.stringify(v)} is not a date-time of the form YYYY-MM-DDTHH:MM`);
  return v;
}
function clock(v, field) {
  strict(v, field);
  if (parseClock(v) === null) throw invalid(field, `${JSON.stringify(v)} is not a time of day of the form HH:MM`);
  return v;
}
const arrayOf = (item) => (v, field) => {
  if (!Array.isArray(v)) throw invalid(field, "expected an array");
  return v.map((x, i) => item(x, `${field}[${i}]`));
};
function weekday(v, field) {
  if (!WEEKDAYS.includes(v)) throw invalid(field, `unknown variant, expected one of ${WEEKDAYS.join(", ")}`);
  return v;
}
const RULE = { days: [arrayOf(weekday), true], start: [clock, true], end: [clock, true] };
function rule(v, field) {
  const r = readObject(v, field, RULE, field);
  return { days: r.days, start: r.start, end: r.end };
}
const locationsSpec = arrayOf(strict);
const scheduleSpec = arrayOf(rule);

const utf8Length = (s) => Buffer.byteLength(s, "utf8");
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Rust's `str::trim` (Unicode White_Space): unlike JS's `trim`, it keeps U+FEFF.
const BLANK = /^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;
function checkText(field, value, max) {
  if (BLANK.test(value)) throw invalid(field, "must not be empty");
  if (utf8Length(value) > max) throw invalid(field, `is longer than ${max} bytes`);
  if (CONTROL.test(value)) throw invalid(field, "must not contain control characters");
}
function checkLookupId(field, value) {
  if (value.length > MAX_ID_LEN && utf8Length(value) > MAX_ID_LEN) throw invalid(field, `ids are at most ${MAX_ID_LEN} bytes`);
}
const ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
function checkId(field, value) {
  if (!ID_RE.test(value)) throw invalid(field, "must be 1 to 64 of A-Z, a-z, 0-9, '_', '-', '.' and ':'");
}
function checkLocations(locations) {
  if (locations.length === 0) throw invalid("locations", "a doctor needs at least one location");
  if (locations.length > MAX_LOCATIONS) throw invalid("locations", `the limit is ${MAX_LOCATIONS}`);
  const seen = new Set();
  locations.forEach((location, i) => {
    checkText(`locations[${i}]`, location, MAX_LOCATION_LEN);
    if (seen.has(location)) throw invalid(`locations[${i}]`, "is listed twice");
    seen.add(location);
  });
}
function checkSchedule(schedule) {
  if (schedule.length > MAX_RULES) throw invalid("schedule", `the limit is ${MAX_RULES}`);
  schedule.forEach((r, i) => {
    if (r.days.length === 0) throw invalid(`schedule[${i}].days`, "must name at least one day");
    r.days.forEach((d, j) => {
      if (r.days.indexOf(d) < j) throw invalid(`schedule[${i}].days[${j}]`, "is listed twice");
    });
    if (parseClock(r.start) >= parseClock(r.end)) throw invalid(`schedule[${i}].end`, "is not after start");
  });
}
function checkProfile(doctor) {
  checkText("name", doctor.name, MAX_NAME_LEN);
  checkLocations(doctor.locations);
  checkSchedule(doctor.schedule);
}

/** Per weekday (0 = mon), the merged [open, close) blocks in minutes. */
function weeklyHours(schedule) {
  return WEEKDAYS.map((day) => {
    const ranges = schedule
      .filter((r) => r.days.includes(day))
      .map((r) => [parseClock(r.start), parseClock(r.end)])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const blocks = [];
    for (const [start, end] of ranges) {
      const last = blocks[blocks.length - 1];
      if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
      else blocks.push([start, end]);
    }
    return blocks;
  });
}
function hoursContain(hours, start, end) {
  const from = minuteOfDay(start);
  const to = from + (end - start);
  for (const [open, close] of hours[weekdayOf(start)]) if (open <= from && to <= close) return true;
  return false;
}

/** The doctor's open blocks on the date of `minute`, at each location, by start (as workingHours). */
function dayBlocks(state, minute) {
  const day = Math.floor(minute / MINUTES_PER_DAY);
  const date = formatDateTime(day * MINUTES_PER_DAY).slice(0, 10);
  const blocks = [];
  for (const [open, close] of state.hours[weekdayOf(minute)]) {
    for (const location of state.doctor.locations) {
      blocks.push({ date, location, start: formatDateTime(day * MINUTES_PER_DAY + open), end: formatDateTime(day * MINUTES_PER_DAY + close) });
    }
  }
  return blocks;
}

const copyDoctor = (d) => ({
  id: d.id,
  name: d.name,
  locations: d.locations.slice(),
  schedule: d.schedule.map((r) => ({ days: r.days.slice(), start: r.start, end: r.end })),
});

function publicAppointment(a) {
  const out = {
    id: a.id,
    doctorId: a.doctorId,
    location: a.location,
    start: a.start,
    end: a.end,
    durationMinutes: a.durationMinutes,
  };
  if (a.patient !== undefined) out.patient = a.patient;
  if (a.requestId !== undefined) out.requestId = a.requestId;
  out.status = a.status;
  if (a.holdExpires !== undefined) out.holdExpires = a.holdExpires;
  if (a.rescheduledFrom !== undefined) out.rescheduledFrom = a.rescheduledFrom.map((p) => ({ location: p.location, start: p.start, end: p.end }));
  if (a.cancelReason !== undefined) out.cancelReason = a.cancelReason;
  if (a.createdAt !== undefined) out.createdAt = a.createdAt;
  if (a.updatedAt !== undefined) out.updatedAt = a.updatedAt;
  return out;
}

/** An appointment as a row of a version 4 snapshot (version 3's, with createdAt and updatedAt). */
function appointmentRow(a) {
  const row = [a.id, a.doctorId, a.location, a.start, a.durationMinutes, a.status, a.patient ?? null];
  const extras = {};
  if (a.requestId !== undefined) extras.requestId = a.requestId;
  if (a.holdExpires !== undefined) extras.holdExpires = a.holdExpires;
  if (a.rescheduledFrom !== undefined) extras.rescheduledFrom = a.rescheduledFrom.map((p) => ({ location: p.location, start: p.start, end: p.end }));
  if (a.cancelReason !== undefined) extras.cancelReason = a.cancelReason;
  if (a.requested !== undefined) {
    const q = a.requested;
    extras.requested = {
      ...(q.held ? { held: true } : {}),
      location: q.location,
      start: formatDateTime(q.s),
      durationMinutes: q.durationMinutes,
      ...(q.patient !== undefined ? { patient: q.patient } : {}),
    };
  }
  if (a.createdAt !== undefined) extras.createdAt = a.createdAt;
  if (a.updatedAt !== undefined) extras.updatedAt = a.updatedAt;
  if (Object.keys(extras).length > 0) row.push(extras);
  return JSON.stringify(row);
}

/** What the request that created `a` asked for (booking rule 0). */
function requested(a) {
  return a.requested ?? { held: a.status === "held" || a.status === "expired", location: a.location, s: a.s, durationMinutes: a.durationMinutes, patient: a.patient };
}

/** `a` about to change what rule 0 compares: keeps what its request asked for. */
function keepRequest(a) {
  if (a.requestId !== undefined && a.requested === undefined) a.requested = requested(a);
}

// ----- sorted arrays -----

/** First index in `list` (sorted by .s, then .seq) whose key is >= (s, seq). */
function lowerBound(list, s, seq = -1) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = list[mid];
    if (x.s < s || (x.s === s && x.seq < seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function insertSorted(list, a) {
  list.splice(lowerBound(list, a.s, a.seq), 0, a);
}
function removeSorted(list, a) {
  const i = lowerBound(list, a.s, a.seq);
  if (list[i] === a) list.splice(i, 1);
}
/** The holds, sorted by (expiry, seq). */
function holdIndex(list, x, seq) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const h = list[mid];
    if (h.x < x || (h.x === x && h.seq < seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** Whether an active appointment still takes its time at `clock` (null: unknown, so a hold does). */
const isLive = (a, clock) => a.x === undefined || clock === null || clock < a.x;
/**
 * The latest-starting live appointment in `active` (sorted by start, never overlapping)
 * overlapping [s, e), other than `skip`, if any: walk back from the last one starting before
 * `e` while they end after `s`.
 */
function overlapping(active, s, e, clock, skip) {
  for (let i = lowerBound(active, e) - 1; i >= 0; i--) {
    const a = active[i];
    if (a.e <= s) return undefined;
    if (a !== skip && isLive(a, clock)) return a;
  }
  return undefined;
}
const roundUp = (minute, step) => Math.ceil(minute / step) * step;

const OPTIONS = {
  slotMinutes: [u32, false],
  defaultDurationMinutes: [u32, false],
  timeZone: [strict, false],
  minNoticeMinutes: [u32, false],
  horizonDays: [u32, false],
  preventPatientOverlap: [bool, false],
  maxSnapshotBytes: [u32, false],
};
const NEW_DOCTOR = { id: [strict, false], name: [strict, true], locations: [locationsSpec, true], schedule: [scheduleSpec, true] };
const PATCH = { name: [strict, false], locations: [locationsSpec, false], schedule: [scheduleSpec, false] };
const CHANGE_OPTIONS = { cancelAppointments: [bool, false] };
const BOOK = {
  doctorId: [strict, true],
  location: [strict, true],
  start: [dateTime, true],
  durationMinutes: [u32, false],
  patient: [strict, false],
  id: [strict, false],
  requestId: [strict, false],
  now: [dateTime, false],
};
const HOLD = {
  doctorId: [strict, true],
  location: [strict, true],
  start: [dateTime, true],
  durationMinutes: [u32, false],
  patient: [strict, false],
  id: [strict, false],
  requestId: [strict, false],
  now: [dateTime, true],
  ttlMinutes: [u32, true],
};
const CONFIRM = { now: [dateTime, true] };
const RESCHEDULE = { start: [dateTime, true], location: [strict, false], durationMinutes: [u32, false], now: [dateTime, false] };
const STATUSES = ["active", "booked", "held", "cancelled", "expired", "all"];
const STATUS = (v, field) => {
  if (!STATUSES.includes(v)) throw invalid(field, "unknown variant");
  return v;
};
const QUERY = { from: [strict, false], to: [strict, false], status: [STATUS, false], now: [dateTime, false] };
const SLOT_QUERY = {
  from: [strict, true],
  to: [strict, true],
  durationMinutes: [u32, false],
  location: [strict, false],
  limit: [u32, false],
  now: [dateTime, false],
};
const FIND_QUERY = {
  location: [strict, false],
  doctorIds: [arrayOf(strict), false],
  from: [strict, true],
  to: [strict, true],
  durationMinutes: [u32, false],
  limit: [u32, true],
  now: [dateTime, false],
};
const CANCEL = { reason: [strict, false], now: [dateTime, false] };

function validateOptions(o) {
  const slot = o.slotMinutes;
  if (slot === 0 || MINUTES_PER_DAY % slot !== 0) throw invalid("slotMinutes", `${slot} does not divide a day`);
  const d = o.defaultDurationMinutes;
  if (d === 0 || d % slot !== 0 || d > MINUTES_PER_DAY) throw invalid("defaultDurationMinutes", "is not a positive multiple of slotMinutes up to 1440");
  const z = o.timeZone;
  if (z !== null && (z === "" || z.length > MAX_TIME_ZONE_LEN || !/^[A-Za-z0-9/_+-]+$/.test(z))) {
    throw invalid("timeZone", "is not an IANA time zone name");
  }
  if (o.minNoticeMinutes !== null && o.minNoticeMinutes > MAX_NOTICE_MINUTES) throw invalid("minNoticeMinutes", `is more than ${MAX_NOTICE_MINUTES}`);
  if (o.horizonDays !== null && (o.horizonDays === 0 || o.horizonDays > MAX_HORIZON_DAYS)) {
    throw invalid("horizonDays", `is not between 1 and ${MAX_HORIZON_DAYS}`);
  }
  const m = o.maxSnapshotBytes;
  if (m < MIN_MAX_SNAPSHOT_BYTES || m > MAX_MAX_SNAPSHOT_BYTES) {
    throw invalid("maxSnapshotBytes", `${m} is not between ${MIN_MAX_SNAPSHOT_BYTES} and ${MAX_MAX_SNAPSHOT_BYTES}`);
  }
}
/** The options as a snapshot writes them: the time rules only when they are on. */
function optionsText(o) {
  const out = { slotMinutes: o.slotMinutes, defaultDurationMinutes: o.defaultDurationMinutes, timeZone: o.timeZone };
  if (o.minNoticeMinutes !== null) out.minNoticeMinutes = o.minNoticeMinutes;
  if (o.horizonDays !== null) out.horizonDays = o.horizonDays;
  if (o.preventPatientOverlap) out.preventPatientOverlap = true;
  out.maxSnapshotBytes = o.maxSnapshotBytes;
  return out;
}
function readOptional(value, name, spec) {
  return value === undefined || value === null ? {} : readObject(value, name, spec);
}
function readId(value, field) {
  return strict(value, field);
}
function parseWindow(from, to) {
  let f;
  let t;
  if (from !== undefined) {
    f = parseBound(from, false);
    if (f === null) throw invalid("from", `${JSON.stringify(from)} is neither a date nor a date-time`);
  }
  if (to !== undefined) {
    t = parseBound(to, true);
    if (t === null) throw invalid("to", `${JSON.stringify(to)} is neither a date nor a date-time`);
  }
  if (f !== undefined && t !== undefined && t < f) throw invalid("to", "is before from");
  return [f, t];
}
/** A search window [from, to) of at most `maxDays` days. */
function searchWindow(from, to, maxDays) {
  const [f, t] = parseWindow(from, to);
  if (t - f > maxDays * MINUTES_PER_DAY) throw invalid("to", `the window may span at most ${maxDays} days`);
  return [f, t];
}
const optionalTime = (text) => (text === undefined ? undefined : parseDateTime(text));

/**
 * The free starts of one doctor on one day (`day` is a day number) inside `search`, in order,
 * each passed to `found`: every grid start whose whole interval fits a block of the day's
 * hours, ends by the window's end, starts by the horizon and misses every live appointment.
 */
function daySlots(state, day, search, found) {
  const { slot, duration } = search;
  const midnight = day * MINUTES_PER_DAY;
  const earliest = Math.max(search.from - midnight, 0);
  const windowEnd = search.to - midnight;
  const latestStart = search.latestStart === null ? MINUTES_PER_DAY : search.latestStart - midnight;
  const active = state.active;
  const dayEnd = midnight + MINUTES_PER_DAY;
  // Appointments never cross midnight: only today's can be in the way.
  let k = lowerBound(active, midnight);
  for (const [open, closeOfBlock] of state.hours[weekdayOf(midnight)]) {
    const close = Math.min(closeOfBlock, windowEnd);
    let minute = roundUp(Math.max(open, earliest), slot);
    while (minute + duration <= close && minute <= latestStart) {
      const start = midnight + minute;
      const end = start + duration;
      while (k < active.length && active[k].s < dayEnd && (active[k].e <= start || !isLive(active[k], search.clock))) k++;
      const next = k < active.length && active[k].s < dayEnd ? active[k] : undefined;
      if (next !== undefined && next.s < end) {
        minute = roundUp(next.e - midnight, slot);
      } else {
        found(start);
        minute += slot;
      }
    }
  }
}
/** The search window capped so that every slot ends before 10000-01-01, as the package does. */
const lastSearchMinute = END_OF_RANGE - 1;

export class Hospital {
  #options;
  #revision = 0;
  /**
   * id → { doctor, hours, number (insertion order), active: booked and held appointments sorted
   * by start (they never overlap), cancelled: cancelled and expired ones, sorted by (start, seq) }
   */
  #doctors = new Map();
  #doctorNumber = 0;
  /** id → internal appointment, in booking order */
  #appointments = new Map();
  #requests = new Map();
  #seq = 0;
  #nextDoctor = 1;
  #nextAppointment = 1;
  /** The latest `now` a successful call passed (minutes), or null. */
  #clock = null;
  /** Holds not yet expired, sorted by (expiry, seq), so that lapsed ones expire in order. */
  #holds = [];
  /** patient → their booked and held appointments sorted by start (with preventPatientOverlap). */
  #patients = new Map();

  constructor(options) {
    const o = readOptional(options, "options", OPTIONS);
    const slot = o.slotMinutes ?? 15;
    this.#options = {
      slotMinutes: slot,
      defaultDurationMinutes: o.defaultDurationMinutes ?? Math.ceil(15 / Math.max(slot, 1)) * slot,
      timeZone: o.timeZone ?? null,
      minNoticeMinutes: o.minNoticeMinutes ?? null,
      horizonDays: o.horizonDays ?? null,
      preventPatientOverlap: o.preventPatientOverlap ?? false,
      maxSnapshotBytes: o.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES,
    };
    validateOptions(this.#options);
  }

  get revision() {
    return this.#revision;
  }

  // ----- doctors -----

  addDoctor(input) {
    const d = readObject(input, "doctor", NEW_DOCTOR);
    if (d.id !== undefined) checkId("id", d.id);
    const doctor = { id: d.id ?? "", name: d.name, locations: d.locations, schedule: d.schedule };
    checkProfile(doctor);
    if (this.#doctors.size >= MAX_DOCTORS) throw invalid("", `the hospital already has ${MAX_DOCTORS} doctors`);
    let next;
    if (doctor.id === "") {
      [doctor.id, next] = this.#freeId("d", this.#nextDoctor, this.#doctors);
    } else if (this.#doctors.has(doctor.id)) {
      throw duplicateId("doctor", doctor.id);
    }
    if (next !== undefined) this.#nextDoctor = next;
    this.#insertDoctor(doctor);
    this.#revision += 1;
    return copyDoctor(doctor);
  }

  getDoctor(id) {
    readId(id, "id");
    checkLookupId("id", id);
    return copyDoctor(this.#findDoctor(id).doctor);
  }

  listDoctors() {
    return Array.from(this.#doctors.values(), (state) => copyDoctor(state.doctor));
  }

  updateDoctor(id, patch, options) {
    readId(id, "id");
    const p = readObject(patch, "patch", PATCH);
    const o = readOptional(options, "options", CHANGE_OPTIONS);
    checkLookupId("id", id);
    if (p.name !== undefined) checkText("name", p.name, MAX_NAME_LEN);
    if (p.locations !== undefined) checkLocations(p.locations);
    if (p.schedule !== undefined) checkSchedule(p.schedule);
    const state = this.#findDoctor(id);
    const doctor = {
      id,
      name: p.name ?? state.doctor.name,
      locations: p.locations ?? state.doctor.locations,
      schedule: p.schedule ?? state.doctor.schedule,
    };
    const hours = weeklyHours(doctor.schedule);
    // Holds count while they are in the calendar, lapsed or not (as in the package).
    const orphans = state.active.filter((a) => !doctor.locations.includes(a.location) || !hoursContain(hours, a.s, a.e));
    if (orphans.length > 0 && o.cancelAppointments !== true) {
      throw hospitalError("HAS_APPOINTMENTS", `doctor ${JSON.stringify(id)} has booked appointments in the way`, {
        doctorId: id,
        appointmentIds: orphans.map((a) => a.id),
      });
    }
    for (const a of orphans) this.#cancelInternal(a, "doctor updated");
    state.doctor = doctor;
    state.hours = hours;
    this.#revision += 1;
    return copyDoctor(doctor);
  }

  removeDoctor(id, options) {
    readId(id, "id");
    const o = readOptional(options, "options", CHANGE_OPTIONS);
    checkLookupId("id", id);
    const state = this.#findDoctor(id);
    if (state.active.length > 0 && o.cancelAppointments !== true) {
      throw hospitalError("HAS_APPOINTMENTS", `doctor ${JSON.stringify(id)} has booked appointments`, {
        doctorId: id,
        appointmentIds: state.active.map((a) => a.id),
      });
    }
    for (const a of state.active) {
      if (a.x !== undefined) this.#holds.splice(holdIndex(this.#holds, a.x, a.seq), 1);
      if (this.#options.preventPatientOverlap && a.patient !== undefined) this.#unindexPatient(a);
    }
    for (const list of [state.active, state.cancelled]) {
      for (const a of list) {
        this.#appointments.delete(a.id);
        if (a.requestId !== undefined) this.#requests.delete(a.requestId);
      }
    }
    this.#doctors.delete(id);
    this.#revision += 1;
    return copyDoctor(state.doctor);
  }

  // ----- appointments -----

  book(request) {
    return this.#create(readObject(request, "request", BOOK), undefined);
  }

  hold(request) {
    const r = readObject(request, "request", HOLD);
    return this.#create(r, r.ttlMinutes);
  }

  confirm(appointmentId, options) {
    readId(appointmentId, "appointmentId");
    const o = readObject(options, "options", CONFIRM);
    checkLookupId("appointmentId", appointmentId);
    const now = parseDateTime(o.now);
    const a = this.#appointments.get(appointmentId);
    if (a === undefined) throw appointmentNotFound(appointmentId);
    if (a.status === "cancelled") throw alreadyCancelled(appointmentId);
    if (a.status === "expired") throw holdExpired(appointmentId, a.holdExpires);
    if (a.status !== "held") throw notHeld(appointmentId);
    if (this.#clockAt(now) >= a.x) throw holdExpired(appointmentId, a.holdExpires);
    this.#advanceClock(now);
    // It keeps its place in the doctor's and the patient's calendars: only the hold goes.
    this.#holds.splice(holdIndex(this.#holds, a.x, a.seq), 1);
    keepRequest(a);
    a.status = "booked";
    a.x = undefined;
    a.holdExpires = undefined;
    a.updatedAt = formatDateTime(now);
    this.#revision += 1;
    return publicAppointment(a);
  }

  reschedule(appointmentId, request) {
    readId(appointmentId, "appointmentId");
    const r = readObject(request, "request", RESCHEDULE);
    checkLookupId("appointmentId", appointmentId);
    if (r.location !== undefined) checkText("location", r.location, MAX_LOCATION_LEN);
    const now = optionalTime(r.now);
    this.#checkNowGiven(now);
    const clock = this.#clockAt(now);
    const a = this.#appointments.get(appointmentId);
    if (a === undefined) throw appointmentNotFound(appointmentId);
    if (a.status === "cancelled") throw alreadyCancelled(appointmentId);
    if (a.status === "expired" || !isLive(a, clock)) throw holdExpired(appointmentId, a.holdExpires);
    const location = r.location ?? a.location;
    const duration = r.durationMinutes ?? a.durationMinutes;
    const s = parseDateTime(r.start);
    if (location === a.location && s === a.s && duration === a.durationMinutes) return publicAppointment(a);
    if (a.rescheduledFrom !== undefined && a.rescheduledFrom.length >= MAX_RESCHEDULES) {
      throw invalid("appointmentId", `appointment ${JSON.stringify(appointmentId)} was rescheduled ${MAX_RESCHEDULES} times, the most it records`);
    }
    const state = this.#findDoctor(a.doctorId);
    const e = this.#checkProposal(state, location, s, duration, a.patient, now, clock, a);
    this.#advanceClock(now);
    const patientIndexed = this.#options.preventPatientOverlap && a.patient !== undefined;
    removeSorted(state.active, a);
    if (patientIndexed) this.#unindexPatient(a);
    keepRequest(a);
    (a.rescheduledFrom ??= []).push({ location: a.location, start: a.start, end: a.end });
    a.location = location;
    a.start = formatDateTime(s);
    a.end = formatDateTime(e);
    a.durationMinutes = duration;
    a.s = s;
    a.e = e;
    if (now !== undefined) a.updatedAt = formatDateTime(now);
    insertSorted(state.active, a);
    if (patientIndexed) this.#indexPatient(a);
    this.#revision += 1;
    return publicAppointment(a);
  }

  getAppointment(id) {
    readId(id, "id");
    checkLookupId("id", id);
    const a = this.#appointments.get(id);
    if (a === undefined) throw appointmentNotFound(id);
    return publicAppointment(a);
  }

  appointments(doctorId, options) {
    readId(doctorId, "doctorId");
    const q = readOptional(options, "options", QUERY);
    checkLookupId("doctorId", doctorId);
    const [from, to] = parseWindow(q.from, q.to);
    const state = this.#findDoctor(doctorId);
    const clock = this.#clockAt(optionalTime(q.now));
    const slice = (list) => {
      const lo = from === undefined ? 0 : lowerBound(list, from);
      const hi = to === undefined ? list.length : lowerBound(list, to);
      return list.slice(lo, hi);
    };
    const status = q.status ?? "active";
    const lapsed = (a) => a.x !== undefined && !isLive(a, clock);
    let found;
    if (status === "booked") found = slice(state.active).filter((a) => a.x === undefined);
    else if (status === "held") found = slice(state.active).filter((a) => a.x !== undefined && isLive(a, clock));
    else if (status === "active") found = this.#holds.length === 0 ? slice(state.active) : slice(state.active).filter((a) => isLive(a, clock));
    else if (status === "cancelled") found = slice(state.cancelled).filter((a) => a.status === "cancelled");
    else {
      // expired (marked so, or lapsed by `now`), or all.
      const history = status === "all" ? slice(state.cancelled) : slice(state.cancelled).filter((a) => a.status === "expired");
      found = (status === "all" ? slice(state.active) : slice(state.active).filter(lapsed)).concat(history);
      found.sort((x, y) => x.s - y.s || x.seq - y.seq);
    }
    return found.map(publicAppointment);
  }

  cancel(appointmentId, options) {
    readId(appointmentId, "appointmentId");
    const o = readOptional(options, "options", CANCEL);
    checkLookupId("appointmentId", appointmentId);
    if (o.reason !== undefined) checkText("reason", o.reason, MAX_REASON_LEN);
    const a = this.#appointments.get(appointmentId);
    if (a === undefined) throw appointmentNotFound(appointmentId);
    if (a.status === "cancelled") throw alreadyCancelled(appointmentId);
    if (a.status === "expired") throw holdExpired(appointmentId, a.holdExpires);
    const now = optionalTime(o.now);
    this.#cancelInternal(a, o.reason);
    if (now !== undefined) a.updatedAt = formatDateTime(now);
    this.#revision += 1;
    return publicAppointment(a);
  }

  availableSlots(doctorId, options) {
    readId(doctorId, "doctorId");
    const q = readObject(options, "options", SLOT_QUERY);
    checkLookupId("doctorId", doctorId);
    if (q.location !== undefined) checkText("location", q.location, MAX_LOCATION_LEN);
    const [from, to] = searchWindow(q.from, q.to, MAX_SLOT_WINDOW_DAYS);
    const now = optionalTime(q.now);
    this.#checkNowGiven(now);
    const state = this.#findDoctor(doctorId);
    if (q.location !== undefined && !state.doctor.locations.includes(q.location)) {
      throw hospitalError("LOCATION_NOT_SERVED", "the doctor does not work there", { doctorId, location: q.location });
    }
    const search = this.#slotSearch(q.durationMinutes, from, to, now);
    const limit = q.limit ?? Infinity;
    const slots = [];
    if (limit === 0) return slots;
    const lastDay = Math.floor((search.to - 1) / MINUTES_PER_DAY);
    const push = (start) => slots.push(formatDateTime(start));
    for (let day = Math.floor(search.from / MINUTES_PER_DAY); day <= lastDay && search.from < search.to; day++) {
      daySlots(state, day, search, push);
      if (slots.length >= limit) {
        slots.length = limit;
        return slots;
      }
    }
    return slots;
  }

  findSlots(query) {
    const q = readObject(query, "query", FIND_QUERY);
    if (q.location !== undefined) checkText("location", q.location, MAX_LOCATION_LEN);
    if (q.doctorIds !== undefined) {
      if (q.doctorIds.length > MAX_FIND_DOCTORS) throw invalid("doctorIds", `${q.doctorIds.length} ids; the limit is ${MAX_FIND_DOCTORS}`);
      q.doctorIds.forEach((id, i) => checkLookupId(`doctorIds[${i}]`, id));
    }
    if (q.limit === 0 || q.limit > MAX_FIND_LIMIT) throw invalid("limit", `${q.limit} is not between 1 and ${MAX_FIND_LIMIT}`);
    const [from, to] = searchWindow(q.from, q.to, MAX_FIND_WINDOW_DAYS);
    const now = optionalTime(q.now);
    this.#checkNowGiven(now);
    let states;
    if (q.doctorIds === undefined) states = Array.from(this.#doctors.values());
    else {
      // Each named doctor once, in the order they were added.
      states = Array.from(new Set(q.doctorIds.map((id) => this.#findDoctor(id))));
      states.sort((x, y) => x.number - y.number);
    }
    const search = this.#slotSearch(q.durationMinutes, from, to, now);
    // Who works at the location (or anywhere), and the location their slots name: the one asked
    // for, or their first (with weekly schedules only, every location has the same hours).
    const doctors = [];
    const locations = [];
    for (const state of states) {
      if (q.location === undefined) {
        doctors.push(state);
        locations.push(state.doctor.locations[0]);
      } else if (state.doctor.locations.includes(q.location)) {
        doctors.push(state);
        locations.push(q.location);
      }
    }
    const limit = q.limit;
    const found = [];
    let dayStart = search.from;
    const today = [];
    while (dayStart < search.to && found.length < limit) {
      const day = Math.floor(dayStart / MINUTES_PER_DAY);
      const nextMidnight = Math.min((day + 1) * MINUTES_PER_DAY, search.to);
      const daySearch = { ...search, from: dayStart, to: nextMidnight };
      // Every doctor's free starts today as [start, doctor index]; a stable sort by start keeps
      // the doctors in the order they were added within one start.
      today.length = 0;
      for (let d = 0; d < doctors.length; d++) daySlots(doctors[d], day, daySearch, (start) => today.push([start, d]));
      today.sort((x, y) => x[0] - y[0]);
      const date = formatDateTime(day * MINUTES_PER_DAY).slice(0, 11);
      for (let i = 0; i < today.length && found.length < limit; i++) {
        const [start, d] = today[i];
        const minute = start - day * MINUTES_PER_DAY;
        found.push({ doctorId: doctors[d].doctor.id, location: locations[d], start: date + pad2(Math.floor(minute / 60)) + ":" + pad2(minute % 60) });
      }
      dayStart = nextMidnight;
    }
    return found;
  }

  // ----- snapshots -----

  /** Format version 4: a header line, a line per doctor, a line per appointment (a row). */
  toSnapshot() {
    const clock = this.#clock === null ? "null" : JSON.stringify(formatDateTime(this.#clock));
    const head =
      `{"format":"dr-schedule","version":4,"revision":${this.#revision},"options":${JSON.stringify(optionsText(this.#options))},` +
      `"nextIds":{"doctor":${this.#nextDoctor},"appointment":${this.#nextAppointment}},"lastNow":${clock},"doctors":[`;
    const lines = (items) => (items.length === 0 ? "" : `${items.join("\n,")}\n`);
    const doctors = Array.from(this.#doctors.values(), (state) => JSON.stringify(state.doctor));
    const rows = Array.from(this.#appointments.values(), appointmentRow);
    return `${head}\n${lines(doctors)}],"appointments":[\n${lines(rows)}]}`;
  }

  static fromSnapshot(json) {
    if (typeof json !== "string") throw invalid("json", "expected a string");
    const bad = (path, reason) => hospitalError("INVALID_SNAPSHOT", `invalid snapshot at ${path}: ${reason}`, { path });
    if (json.length > MAX_SNAPSHOT_BYTES) throw bad("", "too large");
    let value;
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw bad("", error.message);
    }
    if (!isObject(value)) throw bad("", "expected an object");
    if (typeof value.format !== "string") throw bad("format", "expected a string");
    if (!U32(value.version) && !Number.isInteger(value.version)) throw bad("version", "expected an integer");
    if (value.format !== "dr-schedule") throw bad("format", "is not \"dr-schedule\"");
    if (value.version === 0) throw bad("version", "versions start at 1");
    if (value.version > 4) {
      throw hospitalError("UNSUPPORTED_VERSION", `snapshot version ${value.version} is newer than 4`, { version: value.version, supportedVersion: 4 });
    }
    const at = (prefix, fn) => {
      try {
        return fn();
      } catch (error) {
        if (error.code === "INVALID_SNAPSHOT") throw error;
        const field = error.details?.field ?? "";
        throw bad(prefix && field ? `${prefix}.${field}` : prefix || field, error.message);
      }
    };
    const COUNTER = (v, f) => {
      if (!Number.isInteger(v) || v < 0) throw invalid(f, "expected a non-negative integer");
      return v;
    };
    const SNAPSHOT_OPTIONS = {
      slotMinutes: [u32, true],
      defaultDurationMinutes: [u32, true],
      timeZone: [strict, false],
      minNoticeMinutes: [u32, false],
      horizonDays: [u32, false],
      preventPatientOverlap: [bool, NOT_NULL],
      maxSnapshotBytes: [u32, value.version >= 3],
    };
    const SNAPSHOT = {
      format: [str, true],
      version: [COUNTER, true],
      revision: [COUNTER, true],
      options: [(v, f) => readObject(v, f, SNAPSHOT_OPTIONS, f), true],
      doctors: [arrayOf((v, f) => v), true],
      appointments: [arrayOf((v, f) => v), true],
      nextIds: [(v, f) => readObject(v, f, { doctor: [COUNTER, true], appointment: [COUNTER, true] }, f), true],
      // Read as given: absent and null differ (see below).
      lastNow: [(v, f) => (v === null ? v : dateTime(v, f)), NOT_NULL],
    };
    const snap = at("", () => readObject(value, "", SNAPSHOT));
    // Version 2 records the latest `now` (or null); version 1 has no such field.
    if (value.version === 1 && "lastNow" in snap) throw bad("lastNow", "version 1 snapshots have no lastNow");
    if (value.version >= 2 && !("lastNow" in snap)) throw bad("lastNow", "missing: version 2 records the latest now it was given, or null");
    const options = {
      timeZone: null,
      minNoticeMinutes: null,
      horizonDays: null,
      preventPatientOverlap: false,
      maxSnapshotBytes: DEFAULT_MAX_SNAPSHOT_BYTES,
      ...snap.options,
    };
    at("options", () => validateOptions(options));
    const h = new Hospital({
      slotMinutes: options.slotMinutes,
      defaultDurationMinutes: options.defaultDurationMinutes,
      timeZone: options.timeZone ?? undefined,
      minNoticeMinutes: options.minNoticeMinutes ?? undefined,
      horizonDays: options.horizonDays ?? undefined,
      preventPatientOverlap: options.preventPatientOverlap,
      maxSnapshotBytes: options.maxSnapshotBytes,
    });
    h.#clock = snap.lastNow == null ? null : parseDateTime(snap.lastNow);
    const DOCTOR = { id: [strict, true], name: [strict, true], locations: [locationsSpec, true], schedule: [scheduleSpec, true] };
    snap.doctors.forEach((d, i) => at(`doctors[${i}]`, () => h.#restoreDoctor(readObject(d, "", DOCTOR))));
    const PREVIOUS = { location: [strict, true], start: [dateTime, true], end: [dateTime, true] };
    const APPOINTMENT = {
      id: [strict, true],
      doctorId: [strict, true],
      location: [strict, true],
      start: [dateTime, true],
      end: [dateTime, true],
      durationMinutes: [u32, true],
      patient: [strict, false],
      requestId: [strict, false],
      status: [(v, f) => (v === "booked" || v === "held" || v === "cancelled" || (value.version >= 3 && v === "expired") ? v : STATUS(null, f)), true],
      holdExpires: [dateTime, false],
      rescheduledFrom: [arrayOf((v, f) => readObject(v, f, PREVIOUS, f)), NOT_NULL],
      cancelReason: [strict, false],
      ...(value.version >= 4 ? { createdAt: [dateTime, false], updatedAt: [dateTime, false] } : {}),
    };
    const REQUESTED = { held: [bool, NOT_NULL], location: [strict, true], start: [dateTime, true], durationMinutes: [u32, true], patient: [strict, false] };
    const EXTRAS = {
      requestId: APPOINTMENT.requestId,
      holdExpires: APPOINTMENT.holdExpires,
      rescheduledFrom: APPOINTMENT.rescheduledFrom,
      cancelReason: APPOINTMENT.cancelReason,
      requested: [(v, f) => readObject(v, f, REQUESTED, f), false],
      ...(value.version >= 4 ? { createdAt: [dateTime, false], updatedAt: [dateTime, false] } : {}),
    };
    const ROW = ["id", "doctorId", "location", "start", "durationMinutes", "status", "patient"];
    /** A version 3 row as the appointment object versions 1 and 2 write. */
    const fromRow = (row) => {
      if (!Array.isArray(row) || row.length < 7 || row.length > 8) throw invalid("", "expected an appointment row of 7 or 8 items");
      const a = {};
      ROW.forEach((name, k) => {
        if (row[k] !== null || name !== "patient") a[name] = row[k];
      });
      const extras = row.length === 8 ? readObject(row[7], "", EXTRAS) : {};
      const { requested, ...rest } = extras;
      Object.assign(a, rest);
      const s = parseDateTime(dateTime(a.start, "start"));
      a.end = formatDateTime(s + u32(a.durationMinutes, "durationMinutes"));
      return [readObject(a, "", APPOINTMENT), requested];
    };
    snap.appointments.forEach((a, i) =>
      at(`appointments[${i}]`, () => {
        if (value.version < 3) return h.#restoreAppointment(readObject(a, "", APPOINTMENT));
        const [appointment, requested] = fromRow(a);
        h.#restoreAppointment(appointment, requested);
      }),
    );
    for (const [path, counter] of [["revision", snap.revision], ["nextIds.doctor", snap.nextIds.doctor], ["nextIds.appointment", snap.nextIds.appointment]]) {
      if (counter > MAX_COUNTER) throw bad(path, "is above 2^53 - 1");
    }
    if (snap.nextIds.doctor === 0) throw bad("nextIds.doctor", "counters start at 1");
    if (snap.nextIds.appointment === 0) throw bad("nextIds.appointment", "counters start at 1");
    h.#revision = snap.revision;
    h.#nextDoctor = snap.nextIds.doctor;
    h.#nextAppointment = snap.nextIds.appointment;
    return h;
  }

  // ----- internals -----

  #restoreDoctor(doctor) {
    checkId("id", doctor.id);
    checkProfile(doctor);
    if (this.#doctors.size >= MAX_DOCTORS) throw invalid("", "too many doctors");
    if (this.#doctors.has(doctor.id)) throw invalid("id", "duplicate id");
    this.#insertDoctor(doctor);
  }

  #restoreAppointment(r, requestedFields) {
    checkLookupId("doctorId", r.doctorId);
    checkText("location", r.location, MAX_LOCATION_LEN);
    if (r.patient !== undefined) checkText("patient", r.patient, MAX_PATIENT_LEN);
    checkId("id", r.id);
    if (r.requestId !== undefined) checkText("requestId", r.requestId, MAX_REQUEST_ID_LEN);
    if (r.cancelReason !== undefined) {
      if (r.status !== "cancelled") throw invalid("cancelReason", "only a cancelled appointment has one");
      checkText("cancelReason", r.cancelReason, MAX_REASON_LEN);
    }
    const held = r.status === "held";
    const expired = r.status === "expired";
    const x = optionalTime(r.holdExpires);
    if ((held || expired) && x === undefined) throw invalid("holdExpires", "a hold needs one");
    if (!held && !expired && x !== undefined) throw invalid("holdExpires", "only a hold has one");
    if (held && this.#clock !== null && x <= this.#clock) throw invalid("holdExpires", "the hold lapsed by the snapshot's lastNow: it should be expired");
    if (expired && (this.#clock === null || x > this.#clock)) throw invalid("holdExpires", "an expired hold lapsed by the snapshot's lastNow");
    if (requestedFields !== undefined && r.requestId === undefined) throw invalid("requested", "only an appointment with a requestId has one");
    const trace = r.rescheduledFrom ?? [];
    if (trace.length > MAX_RESCHEDULES) throw invalid("rescheduledFrom", `the limit is ${MAX_RESCHEDULES}`);
    trace.forEach((p, i) => {
      checkText(`rescheduledFrom[${i}].location`, p.location, MAX_LOCATION_LEN);
      if (parseDateTime(p.end) <= parseDateTime(p.start)) throw invalid(`rescheduledFrom[${i}].end`, "is not after start");
    });
    if (this.#appointments.size >= MAX_APPOINTMENTS) throw invalid("", "too many appointments");
    if (this.#appointments.has(r.id)) throw invalid("id", "duplicate id");
    if (r.requestId !== undefined && this.#requests.has(r.requestId)) throw invalid("requestId", "reused");
    const state = this.#doctors.get(r.doctorId);
    if (state === undefined) throw invalid("doctorId", "unknown doctor");
    const s = parseDateTime(r.start);
    let e;
    if (r.status !== "cancelled" && r.status !== "expired") {
      try {
        e = this.#checkProposal(state, r.location, s, r.durationMinutes, r.patient, undefined, this.#clock, undefined);
      } catch (error) {
        throw invalid(error.details.field ?? (error.code === "LOCATION_NOT_SERVED" ? "location" : "start"), error.message);
      }
    } else {
      e = this.#checkGrid(s, r.durationMinutes);
    }
    if (e !== parseDateTime(r.end)) throw invalid("end", "is not start + durationMinutes");
    this.#insertAppointment(state, {
      id: r.id,
      doctorId: r.doctorId,
      location: r.location,
      start: r.start,
      end: r.end,
      durationMinutes: r.durationMinutes,
      patient: r.patient,
      requestId: r.requestId,
      status: r.status,
      holdExpires: r.holdExpires,
      rescheduledFrom: r.rescheduledFrom?.length ? r.rescheduledFrom : undefined,
      cancelReason: r.cancelReason,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      requested:
        requestedFields === undefined
          ? undefined
          : {
              held: requestedFields.held ?? false,
              location: requestedFields.location,
              s: parseDateTime(requestedFields.start),
              durationMinutes: requestedFields.durationMinutes,
              patient: requestedFields.patient,
            },
      s,
      e,
      x: held ? x : undefined,
      seq: 0,
    });
  }

  /** Books (`ttl` undefined) or holds an appointment: `book` and `hold`. */
  #create(r, ttl) {
    checkLookupId("doctorId", r.doctorId);
    checkText("location", r.location, MAX_LOCATION_LEN);
    if (r.patient !== undefined) checkText("patient", r.patient, MAX_PATIENT_LEN);
    if (r.id !== undefined) checkId("id", r.id);
    if (r.requestId !== undefined) checkText("requestId", r.requestId, MAX_REQUEST_ID_LEN);
    if (ttl !== undefined && (ttl === 0 || ttl > MAX_HOLD_MINUTES)) throw invalid("ttlMinutes", `is not between 1 and ${MAX_HOLD_MINUTES}`);
    const now = optionalTime(r.now);
    this.#checkNowGiven(now);
    const duration = r.durationMinutes ?? this.#options.defaultDurationMinutes;
    const clock = this.#clockAt(now);
    const s = parseDateTime(r.start);
    // Rule 0: a request id seen before answers with its appointment, as it is now, if the
    // request is the one first made with it (whatever happened to the appointment since).
    if (r.requestId !== undefined) {
      const existing = this.#requests.get(r.requestId);
      if (existing !== undefined) {
        const asked = requested(existing);
        const same =
          existing.doctorId === r.doctorId &&
          asked.held === (ttl !== undefined) &&
          asked.location === r.location &&
          asked.s === s &&
          asked.durationMinutes === duration &&
          asked.patient === r.patient &&
          (r.id === undefined || r.id === existing.id);
        if (same) return publicAppointment(existing);
        throw hospitalError("REQUEST_ID_REUSED", `requestId ${JSON.stringify(r.requestId)} was used for a different request`, {
          requestId: r.requestId,
          appointmentId: existing.id,
        });
      }
    }
    if (r.id !== undefined && this.#appointments.has(r.id)) throw duplicateId("appointment", r.id);
    // Rules 1 to 6.
    const state = this.#findDoctor(r.doctorId);
    const e = this.#checkProposal(state, r.location, s, duration, r.patient, now, clock, undefined);
    let x;
    if (ttl !== undefined) {
      x = now + ttl;
      if (x >= END_OF_RANGE) throw invalid("ttlMinutes", "the hold would lapse after the year 9999");
      if (clock !== null && x <= clock) throw invalid("ttlMinutes", "the hold would lapse before the latest now seen");
    }
    if (this.#appointments.size >= MAX_APPOINTMENTS) throw invalid("", `the hospital already has ${MAX_APPOINTMENTS} appointments`);
    let id = r.id;
    let next;
    if (id === undefined) [id, next] = this.#freeId("a", this.#nextAppointment, this.#appointments);
    // Every check has passed.
    this.#advanceClock(now);
    if (next !== undefined) this.#nextAppointment = next;
    const a = {
      id,
      doctorId: r.doctorId,
      location: r.location,
      start: r.start,
      end: formatDateTime(e),
      durationMinutes: duration,
      patient: r.patient,
      requestId: r.requestId,
      status: x === undefined ? "booked" : "held",
      holdExpires: x === undefined ? undefined : formatDateTime(x),
      rescheduledFrom: undefined,
      cancelReason: undefined,
      createdAt: now === undefined ? undefined : formatDateTime(now),
      updatedAt: now === undefined ? undefined : formatDateTime(now),
      requested: undefined,
      s,
      e,
      x,
      seq: 0,
    };
    this.#insertAppointment(state, a);
    this.#revision += 1;
    return publicAppointment(a);
  }

  /** The time against which holds lapse for a call passing `now`: the later of it and the clock. */
  #clockAt(now) {
    if (now === undefined) return this.#clock;
    return this.#clock === null || now > this.#clock ? now : this.#clock;
  }

  /** Moves the clock to `now` if later and marks the holds lapsed by then expired (successful calls only). */
  #advanceClock(now) {
    const clock = this.#clockAt(now);
    this.#clock = clock;
    if (clock === null) return;
    const holds = this.#holds;
    let n = 0;
    while (n < holds.length && holds[n].x <= clock) n++;
    if (n === 0) return;
    for (const a of holds.splice(0, n)) {
      const state = this.#doctors.get(a.doctorId);
      removeSorted(state.active, a);
      if (this.#options.preventPatientOverlap && a.patient !== undefined) this.#unindexPatient(a);
      a.status = "expired";
      a.x = undefined;
      insertSorted(state.cancelled, a);
    }
  }

  #checkNowGiven(now) {
    if (now === undefined && (this.#options.minNoticeMinutes !== null || this.#options.horizonDays !== null)) {
      throw invalid("now", "is required: this hospital has a minimum notice or a booking horizon");
    }
  }

  /** The earliest start the minimum notice allows at `now` (on the grid), or null. */
  #earliestStart(now) {
    if (this.#options.minNoticeMinutes === null) return null;
    const earliest = now + this.#options.minNoticeMinutes;
    const pastGrid = minuteOfDay(earliest) % this.#options.slotMinutes;
    return pastGrid === 0 ? earliest : earliest + this.#options.slotMinutes - pastGrid;
  }

  /** The latest start the horizon allows at `now` (on the grid), or null. */
  #latestStart(now) {
    if (this.#options.horizonDays === null) return null;
    const latest = now + this.#options.horizonDays * MINUTES_PER_DAY;
    return latest - (minuteOfDay(latest) % this.#options.slotMinutes);
  }

  /** What a slot search looks for: `duration` (default when undefined; on the grid) in [from, to). */
  #slotSearch(durationMinutes, from, to, now) {
    const slot = this.#options.slotMinutes;
    const duration = durationMinutes ?? this.#options.defaultDurationMinutes;
    if (duration === 0 || duration % slot !== 0) throw offGrid("durationMinutes", slot);
    let latestStart = null;
    if (now !== undefined) {
      const earliest = this.#earliestStart(now);
      if (earliest !== null) from = Math.max(from, earliest);
      latestStart = this.#latestStart(now);
    }
    return { slot, duration, from, to: Math.min(to, lastSearchMinute), latestStart, clock: this.#clockAt(now) };
  }

  #findDoctor(id) {
    const state = this.#doctors.get(id);
    if (state === undefined) throw doctorNotFound(id);
    return state;
  }

  #freeId(prefix, counter, taken) {
    while (counter < MAX_COUNTER) {
      const id = prefix + counter;
      counter += 1;
      if (!taken.has(id)) return [id, counter];
    }
    throw invalid("id", "no id is left to assign; give one explicitly");
  }

  #checkGrid(s, duration) {
    const slot = this.#options.slotMinutes;
    if (minuteOfDay(s) % slot !== 0) throw offGrid("start", slot);
    if (duration === 0 || duration % slot !== 0) throw offGrid("durationMinutes", slot);
    return s + duration;
  }

  /**
   * Rules 1 (location) to 6 for an appointment of `state`'s doctor at [s, s + duration), the
   * first broken one thrown; `moving` (reschedule) does not count against itself. Returns the end.
   */
  #checkProposal(state, location, s, duration, patient, now, clock, moving) {
    const doctorId = state.doctor.id;
    if (!state.doctor.locations.includes(location)) {
      throw hospitalError("LOCATION_NOT_SERVED", `doctor ${JSON.stringify(doctorId)} does not work at ${JSON.stringify(location)}`, { doctorId, location });
    }
    const e = this.#checkGrid(s, duration);
    if (!(e - s <= MINUTES_PER_DAY && e < END_OF_RANGE && hoursContain(state.hours, s, e))) {
      throw hospitalError("OUTSIDE_HOURS", `not inside doctor ${JSON.stringify(doctorId)}'s hours`, { doctorId, hours: dayBlocks(state, s) });
    }
    const conflict = overlapping(state.active, s, e, clock, moving);
    if (conflict !== undefined) {
      throw hospitalError("SLOT_TAKEN", `the time overlaps appointment ${JSON.stringify(conflict.id)}`, {
        conflictingAppointmentId: conflict.id,
      });
    }
    if (now !== undefined) {
      const earliest = this.#earliestStart(now);
      if (earliest !== null && s < earliest) {
        const details = s < now ? { reason: "inThePast", earliestStart: formatDateTime(earliest) } : { earliestStart: formatDateTime(earliest) };
        throw hospitalError("TOO_SOON", `${formatDateTime(s)} is too soon`, details);
      }
      const latest = this.#latestStart(now);
      if (latest !== null && s > latest) {
        throw hospitalError("BEYOND_HORIZON", `${formatDateTime(s)} is beyond the booking horizon`, { latestStart: formatDateTime(latest) });
      }
    }
    if (patient !== undefined && this.#options.preventPatientOverlap) {
      const calendar = this.#patients.get(patient);
      const busy = calendar === undefined ? undefined : overlapping(calendar, s, e, clock, moving);
      if (busy !== undefined) {
        throw hospitalError("PATIENT_BUSY", `patient ${JSON.stringify(patient)} already has an overlapping appointment`, {
          patient,
          conflictingAppointmentId: busy.id,
        });
      }
    }
    return e;
  }

  #insertDoctor(doctor) {
    doctor = copyDoctor(doctor);
    this.#doctors.set(doctor.id, { doctor, hours: weeklyHours(doctor.schedule), number: this.#doctorNumber++, active: [], cancelled: [] });
  }

  #insertAppointment(state, a) {
    a.seq = this.#seq++;
    if (a.status === "cancelled" || a.status === "expired") insertSorted(state.cancelled, a);
    else {
      insertSorted(state.active, a);
      if (a.x !== undefined) this.#holds.splice(holdIndex(this.#holds, a.x, a.seq), 0, a);
      if (this.#options.preventPatientOverlap && a.patient !== undefined) this.#indexPatient(a);
    }
    this.#appointments.set(a.id, a);
    if (a.requestId !== undefined) this.#requests.set(a.requestId, a);
  }

  #indexPatient(a) {
    let calendar = this.#patients.get(a.patient);
    if (calendar === undefined) this.#patients.set(a.patient, (calendar = []));
    insertSorted(calendar, a);
  }

  #unindexPatient(a) {
    const calendar = this.#patients.get(a.patient);
    if (calendar === undefined) return;
    removeSorted(calendar, a);
    if (calendar.length === 0) this.#patients.delete(a.patient);
  }

  /** Cancels a booked or held appointment: it stays, and its time is free. */
  #cancelInternal(a, reason) {
    const state = this.#doctors.get(a.doctorId);
    removeSorted(state.active, a);
    if (a.x !== undefined) this.#holds.splice(holdIndex(this.#holds, a.x, a.seq), 1);
    if (this.#options.preventPatientOverlap && a.patient !== undefined) this.#unindexPatient(a);
    if (a.status === "held") keepRequest(a);
    a.status = "cancelled";
    a.x = undefined;
    a.holdExpires = undefined;
    a.cancelReason = reason;
    insertSorted(state.cancelled, a);
  }
}
