// A plain-JavaScript implementation of the dr-schedule contract (the README's API, booking rules
// and errors: the booking rules 0-4 in order, the same error codes and details, the same snapshot
// format), written the way a competent Node developer would: Maps for ids, one sorted array of
// booked appointments per doctor with binary search for the overlap check, strict validation of
// every input. It exists only as the baseline of bench/bench.mjs;
// tests/js/test/bench-contract.test.mjs runs the same table of calls against it and the package so
// that the comparison is fair.
//
// Not implemented: changesSince / applyChanges (the benchmark reports them as n/a).

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
const invalid = (field, reason) =>
  hospitalError("INVALID_INPUT", field ? `invalid ${field}: ${reason}` : `invalid input: ${reason}`, { field });
const doctorNotFound = (doctorId) => hospitalError("DOCTOR_NOT_FOUND", `no doctor with id ${JSON.stringify(doctorId)}`, { doctorId });
const appointmentNotFound = (appointmentId) =>
  hospitalError("APPOINTMENT_NOT_FOUND", `no appointment with id ${JSON.stringify(appointmentId)}`, { appointmentId });
const duplicateId = (what, id) => hospitalError("DUPLICATE_ID", `a ${what} with id ${JSON.stringify(id)} already exists`, { id });
const offGrid = (field, slotMinutes) =>
  hospitalError("OFF_GRID", `${field} is not on the ${slotMinutes}-minute slot grid`, { field, slotMinutes });

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

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const STRING = (v) => typeof v === "string";
const U32 = (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const BOOL = (v) => typeof v === "boolean";

/**
 * Reads `value` as an object with the fields of `spec` ({ key: [check, required] }). Returns a
 * plain copy with absent optional fields left out. `name` names the whole value in errors.
 */
function readObject(value, name, spec, prefix = "") {
  if (!isObject(value)) throw invalid(prefix || name, "expected an object");
  const out = {};
  for (const key of Object.keys(value)) {
    const field = prefix ? `${prefix}.${key}` : key;
    const entry = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (entry === undefined) throw invalid(field, `unknown field \`${key}\``);
    const v = value[key];
    if (v === undefined || (v === null && !entry[1])) continue;
    out[key] = entry[0](v, field);
  }
  for (const key of Object.keys(spec)) {
    if (spec[key][1] && !(key in out)) throw invalid(prefix ? `${prefix}.${key}` : key, `missing field \`${key}\``);
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
function checkText(field, value, max) {
  if (value.trim() === "") throw invalid(field, "must not be empty");
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
  if (a.cancelReason !== undefined) out.cancelReason = a.cancelReason;
  return out;
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
/** The booked appointment in `booked` overlapping [s, e), if any. */
function overlapping(booked, s, e) {
  const i = lowerBound(booked, e) - 1; // the last one starting before e
  if (i >= 0 && booked[i].e > s) return booked[i];
  return undefined;
}

const OPTIONS = { slotMinutes: [u32, false], defaultDurationMinutes: [u32, false], timeZone: [strict, false] };
const NEW_DOCTOR = { id: [strict, false], name: [strict, true], locations: [locationsSpec, true], schedule: [scheduleSpec, true] };
const PATCH = { name: [strict, false], locations: [locationsSpec, false], schedule: [scheduleSpec, false] };
const CHANGE_OPTIONS = { cancelAppointments: [bool, false] };
const BOOK = {
  doctorId: [str, true],
  location: [strict, true],
  start: [dateTime, true],
  durationMinutes: [u32, false],
  patient: [strict, false],
  id: [strict, false],
  requestId: [strict, false],
};
const STATUS = (v, field) => {
  if (v !== "booked" && v !== "cancelled" && v !== "all") throw invalid(field, "unknown variant");
  return v;
};
const QUERY = { from: [strict, false], to: [strict, false], status: [STATUS, false] };
const SLOT_QUERY = { from: [strict, true], to: [strict, true], durationMinutes: [u32, false], location: [strict, false], limit: [u32, false] };
const CANCEL = { reason: [strict, false] };

function validateOptions(o) {
  const slot = o.slotMinutes;
  if (slot === 0 || MINUTES_PER_DAY % slot !== 0) throw invalid("slotMinutes", `${slot} does not divide a day`);
  const d = o.defaultDurationMinutes;
  if (d === 0 || d % slot !== 0 || d > MINUTES_PER_DAY) throw invalid("defaultDurationMinutes", "is not a positive multiple of slotMinutes up to 1440");
  const z = o.timeZone;
  if (z !== null && (z === "" || z.length > MAX_TIME_ZONE_LEN || !/^[A-Za-z0-9/_+-]+$/.test(z))) {
    throw invalid("timeZone", "is not an IANA time zone name");
  }
}
function readOptional(value, name, spec) {
  return value === undefined || value === null ? {} : readObject(value, name, spec);
}
function readId(value, field) {
  if (typeof value !== "string") throw invalid(field, "expected a string");
  return value;
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

export class Hospital {
  #options;
  #revision = 0;
  /** id → { doctor, hours, booked: sorted by start, cancelled: sorted by (start, seq) } */
  #doctors = new Map();
  /** id → internal appointment, in booking order */
  #appointments = new Map();
  #requests = new Map();
  #seq = 0;
  #nextDoctor = 1;
  #nextAppointment = 1;

  constructor(options) {
    const o = readOptional(options, "options", OPTIONS);
    const slot = o.slotMinutes ?? 15;
    this.#options = {
      slotMinutes: slot,
      defaultDurationMinutes: o.defaultDurationMinutes ?? Math.ceil(15 / Math.max(slot, 1)) * slot,
      timeZone: o.timeZone ?? null,
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
    const orphans = state.booked.filter((a) => !doctor.locations.includes(a.location) || !hoursContain(hours, a.s, a.e));
    if (orphans.length > 0 && o.cancelAppointments !== true) {
      throw hospitalError("HAS_APPOINTMENTS", `doctor ${JSON.stringify(id)} has booked appointments in the way`, {
        doctorId: id,
        appointmentIds: orphans.map((a) => a.id),
      });
    }
    for (const a of orphans) this.#cancelInternal(state, a, "doctor updated");
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
    if (state.booked.length > 0 && o.cancelAppointments !== true) {
      throw hospitalError("HAS_APPOINTMENTS", `doctor ${JSON.stringify(id)} has booked appointments`, {
        doctorId: id,
        appointmentIds: state.booked.map((a) => a.id),
      });
    }
    for (const list of [state.booked, state.cancelled]) {
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
    const r = readObject(request, "request", BOOK);
    checkLookupId("doctorId", r.doctorId);
    checkText("location", r.location, MAX_LOCATION_LEN);
    if (r.patient !== undefined) checkText("patient", r.patient, MAX_PATIENT_LEN);
    if (r.id !== undefined) checkId("id", r.id);
    if (r.requestId !== undefined) checkText("requestId", r.requestId, MAX_REQUEST_ID_LEN);
    const duration = r.durationMinutes ?? this.#options.defaultDurationMinutes;
    const s = parseDateTime(r.start);
    // Rule 0.
    if (r.requestId !== undefined) {
      const existing = this.#requests.get(r.requestId);
      if (existing !== undefined) {
        const same =
          existing.doctorId === r.doctorId &&
          existing.location === r.location &&
          existing.s === s &&
          existing.durationMinutes === duration &&
          existing.patient === r.patient &&
          (r.id === undefined || r.id === existing.id);
        if (same) return publicAppointment(existing);
        throw hospitalError("REQUEST_ID_REUSED", `requestId ${JSON.stringify(r.requestId)} was used for a different request`, {
          requestId: r.requestId,
          appointmentId: existing.id,
        });
      }
    }
    if (r.id !== undefined && this.#appointments.has(r.id)) throw duplicateId("appointment", r.id);
    // Rules 1 to 4.
    const state = this.#findDoctor(r.doctorId);
    const e = this.#checkRules(state, r.location, s, duration);
    if (this.#appointments.size >= MAX_APPOINTMENTS) throw invalid("", `the hospital already has ${MAX_APPOINTMENTS} appointments`);
    let id = r.id;
    if (id === undefined) {
      let next;
      [id, next] = this.#freeId("a", this.#nextAppointment, this.#appointments);
      this.#nextAppointment = next;
    }
    const a = {
      id,
      doctorId: r.doctorId,
      location: r.location,
      start: r.start,
      end: formatDateTime(e),
      durationMinutes: duration,
      patient: r.patient,
      requestId: r.requestId,
      status: "booked",
      cancelReason: undefined,
      s,
      e,
      seq: 0,
    };
    this.#insertAppointment(state, a);
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
    const slice = (list) => {
      const lo = from === undefined ? 0 : lowerBound(list, from);
      const hi = to === undefined ? list.length : lowerBound(list, to);
      return list.slice(lo, hi);
    };
    const status = q.status ?? "booked";
    let found;
    if (status === "booked") found = slice(state.booked);
    else if (status === "cancelled") found = slice(state.cancelled);
    else {
      found = slice(state.booked).concat(slice(state.cancelled));
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
    if (a.status !== "booked") {
      throw hospitalError("ALREADY_CANCELLED", `appointment ${JSON.stringify(appointmentId)} is already cancelled`, { appointmentId });
    }
    this.#cancelInternal(this.#findDoctor(a.doctorId), a, o.reason);
    this.#revision += 1;
    return publicAppointment(a);
  }

  availableSlots(doctorId, options) {
    readId(doctorId, "doctorId");
    const q = readObject(options, "options", SLOT_QUERY);
    checkLookupId("doctorId", doctorId);
    if (q.location !== undefined) checkText("location", q.location, MAX_LOCATION_LEN);
    const [from, windowTo] = parseWindow(q.from, q.to);
    if (windowTo - from > MAX_SLOT_WINDOW_DAYS * MINUTES_PER_DAY) {
      throw invalid("to", `the window may span at most ${MAX_SLOT_WINDOW_DAYS} days`);
    }
    const state = this.#findDoctor(doctorId);
    if (q.location !== undefined && !state.doctor.locations.includes(q.location)) {
      throw hospitalError("LOCATION_NOT_SERVED", "the doctor does not work there", { doctorId, location: q.location });
    }
    const slot = this.#options.slotMinutes;
    const duration = q.durationMinutes ?? this.#options.defaultDurationMinutes;
    if (duration === 0 || duration % slot !== 0) throw offGrid("durationMinutes", slot);
    const limit = q.limit ?? Infinity;
    const slots = [];
    if (limit === 0 || windowTo <= from) return slots;
    const to = Math.min(windowTo, END_OF_RANGE - 1);
    const booked = state.booked;
    const firstDay = Math.floor(from / MINUTES_PER_DAY);
    let k = lowerBound(booked, firstDay * MINUTES_PER_DAY);
    const lastDay = Math.floor((to - 1) / MINUTES_PER_DAY);
    for (let day = firstDay; day <= lastDay; day++) {
      const midnight = day * MINUTES_PER_DAY;
      const earliest = Math.max(from - midnight, 0);
      for (const [open, closeOfBlock] of state.hours[weekdayOf(midnight)]) {
        const close = Math.min(closeOfBlock, to - midnight, MINUTES_PER_DAY);
        let minute = Math.ceil(Math.max(open, earliest) / slot) * slot;
        while (minute + duration <= close) {
          const start = midnight + minute;
          const end = start + duration;
          while (k < booked.length && booked[k].s < to && booked[k].e <= start) k++;
          const next = k < booked.length && booked[k].s < to ? booked[k] : undefined;
          if (next !== undefined && next.s < end) {
            minute = Math.ceil((next.e - midnight) / slot) * slot;
          } else {
            slots.push(formatDateTime(start));
            if (slots.length >= limit) return slots;
            minute += slot;
          }
        }
      }
    }
    return slots;
  }

  // ----- snapshots -----

  toSnapshot() {
    return JSON.stringify({
      format: "dr-schedule",
      version: 2,
      revision: this.#revision,
      options: this.#options,
      doctors: Array.from(this.#doctors.values(), (s) => s.doctor),
      appointments: Array.from(this.#appointments.values(), publicAppointment),
      nextIds: { doctor: this.#nextDoctor, appointment: this.#nextAppointment },
      lastNow: null,
    });
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
    if (value.version > 2) {
      throw hospitalError("UNSUPPORTED_VERSION", `snapshot version ${value.version} is newer than 2`, { version: value.version, supportedVersion: 2 });
    }
    // Version 2 records the latest `now` (null here: this baseline implements the 0.1 contract,
    // which knows no current time); version 1 has no such field.
    if (value.version === 2 && value.lastNow !== null) throw bad("lastNow", "expected null");
    if (value.version === 1 && "lastNow" in value) throw bad("lastNow", "version 1 snapshots have no lastNow");
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
    const SNAPSHOT = {
      format: [str, true],
      version: [COUNTER, true],
      revision: [COUNTER, true],
      options: [(v, f) => readObject(v, f, { slotMinutes: [u32, true], defaultDurationMinutes: [u32, true], timeZone: [strict, false] }, f), true],
      doctors: [arrayOf((v, f) => v), true],
      appointments: [arrayOf((v, f) => v), true],
      nextIds: [(v, f) => readObject(v, f, { doctor: [COUNTER, true], appointment: [COUNTER, true] }, f), true],
      lastNow: [(v) => v, false],
    };
    const snap = at("", () => readObject(value, "", SNAPSHOT));
    const options = { timeZone: null, ...snap.options };
    at("options", () => validateOptions(options));
    const h = new Hospital({ slotMinutes: options.slotMinutes, defaultDurationMinutes: options.defaultDurationMinutes, timeZone: options.timeZone ?? undefined });
    const DOCTOR = { id: [strict, true], name: [strict, true], locations: [locationsSpec, true], schedule: [scheduleSpec, true] };
    snap.doctors.forEach((d, i) => at(`doctors[${i}]`, () => h.#restoreDoctor(readObject(d, "", DOCTOR))));
    const APPOINTMENT = {
      id: [strict, true],
      doctorId: [str, true],
      location: [strict, true],
      start: [dateTime, true],
      end: [dateTime, true],
      durationMinutes: [u32, true],
      patient: [strict, false],
      requestId: [strict, false],
      status: [(v, f) => (v === "booked" || v === "cancelled" ? v : STATUS(null, f)), true],
      cancelReason: [strict, false],
    };
    snap.appointments.forEach((a, i) => at(`appointments[${i}]`, () => h.#restoreAppointment(readObject(a, "", APPOINTMENT))));
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

  #restoreAppointment(r) {
    checkLookupId("doctorId", r.doctorId);
    checkText("location", r.location, MAX_LOCATION_LEN);
    if (r.patient !== undefined) checkText("patient", r.patient, MAX_PATIENT_LEN);
    checkId("id", r.id);
    if (r.requestId !== undefined) checkText("requestId", r.requestId, MAX_REQUEST_ID_LEN);
    if (r.cancelReason !== undefined) {
      if (r.status === "booked") throw invalid("cancelReason", "only a cancelled appointment has one");
      checkText("cancelReason", r.cancelReason, MAX_REASON_LEN);
    }
    if (this.#appointments.size >= MAX_APPOINTMENTS) throw invalid("", "too many appointments");
    if (this.#appointments.has(r.id)) throw invalid("id", "duplicate id");
    if (r.requestId !== undefined && this.#requests.has(r.requestId)) throw invalid("requestId", "reused");
    const state = this.#doctors.get(r.doctorId);
    if (state === undefined) throw invalid("doctorId", "unknown doctor");
    const s = parseDateTime(r.start);
    let e;
    if (r.status === "booked") {
      try {
        e = this.#checkRules(state, r.location, s, r.durationMinutes);
      } catch (error) {
        throw invalid(error.code === "LOCATION_NOT_SERVED" ? "location" : "start", error.message);
      }
    } else {
      e = this.#checkGrid(s, r.durationMinutes);
    }
    if (e !== parseDateTime(r.end)) throw invalid("end", "is not start + durationMinutes");
    this.#insertAppointment(state, { ...r, s, e, seq: 0 });
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

  /** Rules 1 (location) to 4; returns the end. */
  #checkRules(state, location, s, duration) {
    const doctorId = state.doctor.id;
    if (!state.doctor.locations.includes(location)) {
      throw hospitalError("LOCATION_NOT_SERVED", `doctor ${JSON.stringify(doctorId)} does not work at ${JSON.stringify(location)}`, { doctorId, location });
    }
    const e = this.#checkGrid(s, duration);
    if (!(e - s <= MINUTES_PER_DAY && e < END_OF_RANGE && hoursContain(state.hours, s, e))) {
      throw hospitalError("OUTSIDE_HOURS", `not inside doctor ${JSON.stringify(doctorId)}'s hours`, { doctorId });
    }
    const conflict = overlapping(state.booked, s, e);
    if (conflict !== undefined) {
      throw hospitalError("SLOT_TAKEN", `the time overlaps appointment ${JSON.stringify(conflict.id)}`, {
        conflictingAppointmentId: conflict.id,
      });
    }
    return e;
  }

  #insertDoctor(doctor) {
    doctor = copyDoctor(doctor);
    this.#doctors.set(doctor.id, { doctor, hours: weeklyHours(doctor.schedule), booked: [], cancelled: [] });
  }

  #insertAppointment(state, a) {
    a.seq = this.#seq++;
    if (a.status === "booked") insertSorted(state.booked, a);
    else insertSorted(state.cancelled, a);
    this.#appointments.set(a.id, a);
    if (a.requestId !== undefined) this.#requests.set(a.requestId, a);
  }

  #cancelInternal(state, a, reason) {
    removeSorted(state.booked, a);
    insertSorted(state.cancelled, a);
    a.status = "cancelled";
    a.cancelReason = reason;
  }
}
