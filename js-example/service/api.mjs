// The REST API of dr-schedule, free of any transport and any storage: a request goes in as a
// plain object, a response comes out as a plain object. hospital-service.mjs runs it against a
// stored hospital, for the node:http server (../server) and the Durable Object (../worker)
// alike. This module therefore imports nothing.
//
//   handle(hospital, { method, path, query, body, basePath }) → { status, body, headers? }
//
// - `path` is the URL path of the API as it came on the wire (percent-encoded), after the
//   `/hospitals/{name}` prefix if there was one; `query` is a URLSearchParams or a plain object
//   of strings (or arrays of strings); `body` is the parsed JSON value, or undefined when the
//   request had none. `basePath` (default "") is the prefix the path was served under
//   (`/hospitals/{name}`), which `Location` and `Link` headers repeat.
// - The response `body` is a JSON-compatible value (or undefined), or `text` a string for an
//   answer that is not JSON (the calendar export, its content-type in `headers`); `headers` holds the extra
//   response headers some answers need (`allow` on 405, `location` on 201, `link` on a page that
//   has a next one).
// - A failure of the hospital (a HospitalError) becomes `{ error: { code, message, details } }`
//   with the status of STATUS_BY_CODE; anything else thrown by the hospital is rethrown, for the
//   caller to treat as an internal error.
//
// Two APIs share the hospital: the seed's (the REST server this project replaces: snake_case,
// 200 on success, location_id = 1-based index into the doctor's locations) and v1, which
// mirrors the JS API of the package one to one in camelCase, plus the hospital's keys.
//
// Every operation names the role it needs (auth.mjs: `read`, `book`, `admin`), the query
// parameters it takes and what it answers: the gateway checks the role, and openapi.mjs writes
// the OpenAPI document from the same table, so that the two cannot drift apart.
//
// Lists are pages: `limit` (a default and a maximum per list, LIST_LIMITS) and `after`, the id of
// the last item of the previous page; a page that has a next one says so in a `Link: <…>;
// rel="next"` header, so that the bodies stay the plain arrays the JS API returns (and the seed
// API returned).

/** HTTP status of every error code, the package's and this API's own. */
export const STATUS_BY_CODE = Object.freeze({
  // The request itself is wrong: fix it, do not retry it as is.
  INVALID_INPUT: 400,
  OFF_GRID: 400,
  // An id that does not exist.
  DOCTOR_NOT_FOUND: 404,
  APPOINTMENT_NOT_FOUND: 404,
  // The request is fine but collides with the current state (another booking, an id in use,
  // an appointment that is not, or no longer, a live hold).
  DUPLICATE_ID: 409,
  SLOT_TAKEN: 409,
  PATIENT_BUSY: 409,
  ALREADY_CANCELLED: 409,
  REQUEST_ID_REUSED: 409,
  HAS_APPOINTMENTS: 409,
  NOT_HELD: 409,
  // Not 410: the lapsed hold is still readable (GET answers 200) until a later call drops it.
  HOLD_EXPIRED: 409,
  // Well-formed, but the doctor does not work there or then, or the hospital does not take
  // bookings that soon or that far ahead.
  LOCATION_NOT_SERVED: 422,
  OUTSIDE_HOURS: 422,
  TOO_SOON: 422,
  BEYOND_HORIZON: 422,
  // A wall-clock time the location's zone skips (the spring-forward gap) or repeats (the
  // fall-back hour, given without an offset): details name the nearest valid starts, or both
  // instants the time could mean.
  NONEXISTENT_TIME: 422,
  AMBIGUOUS_TIME: 422,
  // The change would take the hospital past its size budget (maxSnapshotBytes, or the counts
  // that bound it): nothing changed; it can succeed once something is cancelled or removed, or
  // the operator raises the budget. Not 413: the request itself is small.
  HOSPITAL_FULL: 507,
  // Codes no request can cause; if one shows up, the server is at fault.
  INVALID_SNAPSHOT: 500,
  UNSUPPORTED_VERSION: 500,
  CHANGES_UNAVAILABLE: 500,
  REVISION_MISMATCH: 500,
  INSTANCE_FAILED: 500,
  // This API's own codes.
  // No key, or one that is not a key of this hospital (unknown, revoked, rotated, malformed),
  // or a wrong operator credential: 401 with WWW-Authenticate.
  UNAUTHENTICATED: 401,
  // A key whose roles do not include the route's, or the operator credential on a route that is
  // not a keys route.
  FORBIDDEN: 403,
  // A key of another hospital: the answer a hospital that does not exist gets.
  HOSPITAL_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  // Rotating a revoked key.
  KEY_REVOKED: 409,
  // The hospital stores as many keys as it may (revoked ones included).
  TOO_MANY_KEYS: 409,
  // Creating a hospital (the Worker's PUT /hospitals/{name}) that exists.
  HOSPITAL_EXISTS: 409,
  // Too many requests with this key, or too many failed authentications from this address:
  // Retry-After says when to try again.
  RATE_LIMITED: 429,
  // The HTTP request itself is malformed: not HTTP/1.0 or 1.1, a header the parser refuses.
  BAD_REQUEST: 400,
  // No Host header, two of them, or a name this server is not configured to answer to.
  INVALID_HOST: 400,
  // A browser sent it on behalf of a page of another origin (Origin, Sec-Fetch-Site).
  CROSS_SITE_REQUEST: 403,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  // Nothing changed; retry. The database's write lock was not free within the busy timeout.
  STORE_BUSY: 503,
  // The database file was deleted or replaced under the running server: nothing is stored.
  STORE_UNAVAILABLE: 503,
  // The database server cannot be reached or the connection broke (PostgreSQL): nothing was
  // acknowledged; retry.
  STORE_UNREACHABLE: 503,
  // The stored hospital cannot be loaded (a snapshot or change the package refuses, a missing
  // database, a hospital larger than the server's budget); the server log says what and how to
  // recover.
  HOSPITAL_UNAVAILABLE: 503,
  // The server holds as many connections as allowed (in total, or from that client address).
  TOO_MANY_CONNECTIONS: 503,
});

/** The status for an error code; an unknown code (a newer package) counts as the server's fault. */
export function statusFor(code) {
  return Object.hasOwn(STATUS_BY_CODE, code) ? STATUS_BY_CODE[code] : 500;
}

/** An error response: `{ error: { code, message, details } }` with the status of its code. */
export function errorResponse(code, message, details = {}, headers = undefined) {
  const response = { status: statusFor(code), body: { error: { code, message, details } } };
  if (headers !== undefined) response.headers = headers;
  return response;
}

/** 401 with the WWW-Authenticate header a Bearer client expects (`error="invalid_token"` unless no key was sent). */
export function unauthenticated(message, details = {}) {
  const error = details.reason === "missing" ? "" : ', error="invalid_token"';
  return errorResponse("UNAUTHENTICATED", message, details, { "www-authenticate": `Bearer realm="dr-schedule"${error}` });
}

/** A failure this module raises itself (bad query, bad seed body, unknown route). */
class ApiError extends Error {
  constructor(code, message, details = {}, headers = undefined) {
    super(message);
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

function invalid(field, message) {
  return new ApiError("INVALID_INPUT", `${field}: ${message}`, { field });
}

/** Whether `error` is the package's HospitalError (by its name and code: any instance's class). */
export function isHospitalError(error) {
  return error instanceof Error && error.name === "HospitalError" && typeof error.code === "string";
}

// ---------------------------------------------------------------------------------------------
// Input helpers: everything malformed stops here with INVALID_INPUT naming the field.

/** The query as a Map name → [values], whatever shape the transport handed over. */
function queryMap(query) {
  const map = new Map();
  if (query === undefined || query === null) return map;
  const entries = typeof query.entries === "function" && !Array.isArray(query) ? query.entries() : Object.entries(query);
  for (const [name, value] of entries) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item !== "string") throw invalid(name, "a query parameter must be a string");
      if (!map.has(name)) map.set(name, []);
      map.get(name).push(item);
    }
  }
  return map;
}

/** Checks that only `allowed` parameters appear, each at most once; returns name → string. */
function queryParams(query, allowed) {
  const params = {};
  for (const [name, values] of queryMap(query)) {
    if (!allowed.includes(name)) {
      throw invalid(name, `unknown query parameter (allowed: ${allowed.join(", ") || "none"})`);
    }
    if (values.length !== 1) throw invalid(name, "query parameter given more than once");
    params[name] = values[0];
  }
  return params;
}

/** A non-negative integer query value; never lets NaN or "1e3" through to the engine. */
function queryInteger(params, name) {
  const text = params[name];
  if (text === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,8})$/.test(text)) throw invalid(name, `must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function queryBoolean(params, name) {
  const text = params[name];
  if (text === undefined) return undefined;
  if (text !== "true" && text !== "false") throw invalid(name, `must be true or false, got ${JSON.stringify(text)}`);
  return text === "true";
}

/** Copies the defined entries only, so the engine sees absent options as absent. */
function defined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function requireObject(body, { optional = false } = {}) {
  if (body === undefined && optional) return {};
  if (body === undefined) throw invalid("body", "a JSON object body is required");
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw invalid("body", "must be a JSON object");
  return body;
}

function onlyFields(body, allowed) {
  for (const name of Object.keys(body)) {
    if (!allowed.includes(name)) throw invalid(name, `unknown field (allowed: ${allowed.join(", ")})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Pages.

/** The default and the largest `limit` of each kind of list. A doctor may be about 64 KB. */
export const LIST_LIMITS = Object.freeze({
  appointments: Object.freeze({ default: 100, max: 1000 }),
  doctors: Object.freeze({ default: 50, max: 100 }),
  keys: Object.freeze({ default: 100, max: 1000 }),
});

/** The page size a request asks for: its `limit`, or the list's default; 400 past the maximum. */
export function pageLimit(q, kind) {
  const { default: fallback, max } = LIST_LIMITS[kind];
  const limit = queryInteger(q, "limit");
  if (limit === undefined) return fallback;
  if (limit < 1 || limit > max) throw invalid("limit", `must be from 1 to ${max}, got ${limit}`);
  return limit;
}

/**
 * A page of `items`, which holds up to `limit + 1` of them (one more than the page, to know
 * whether there is a next): 200 with at most `limit`, and a `Link` to the next page when there
 * is one, whose `after` is the id of the page's last item.
 */
export function page(items, limit, { basePath = "", path, q }, idOf = (item) => item.id) {
  if (items.length <= limit) return ok(items);
  items.length = limit;
  const next = new URLSearchParams({ ...q, limit: String(limit), after: idOf(items[limit - 1]) });
  return { status: 200, body: items, headers: { link: `<${basePath}${path}?${next}>; rel="next"` } };
}

/** Items of a list the package returns whole (doctors, keys): the page after the item `after`. */
function slicePage(all, limit, after, what) {
  let start = 0;
  if (after !== undefined) {
    const at = all.findIndex((item) => item.id === after);
    if (at === -1) throw invalid("after", `${JSON.stringify(after)} is not ${what} of this hospital`);
    start = at + 1;
  }
  return all.slice(start, start + limit + 1);
}

// ---------------------------------------------------------------------------------------------
// The seed API: snake_case bodies, numeric or string ids, 200 on success.

/** doctor_id as the seed sent it: a number or a string; the hospital's ids are strings. */
function seedDoctorId(body) {
  const value = body.doctor_id;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value !== "") return value;
  throw invalid("doctor_id", "must be a number or a non-empty string");
}

/** location_id: the 1-based index of the address in the doctor's `locations`. */
function seedLocationIndex(body) {
  const value = body.location_id;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  if (typeof value === "string" && /^[1-9][0-9]{0,8}$/.test(value)) return Number(value);
  throw invalid("location_id", "must be a positive integer (the 1-based index in the doctor's locations)");
}

function seedLocation(doctor, index) {
  const location = doctor.locations[index - 1];
  if (location !== undefined) return location;
  throw new ApiError(
    "LOCATION_NOT_SERVED",
    `doctor "${doctor.id}" has ${doctor.locations.length} location(s); location_id ${index} is not one of them`,
    { doctorId: doctor.id, locationId: index },
  );
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` and `HH:MM`, checked here so a bad one is reported as `date` or `time`. */
function seedStart(body) {
  const { date, time } = body;
  const d = typeof date === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (d === null) throw invalid("date", "must be a date YYYY-MM-DD");
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (year < 1 || monthDays === undefined || day < 1 || day > monthDays) throw invalid("date", `no such date ${date}`);
  const t = typeof time === "string" ? /^(\d{2}):(\d{2})$/.exec(time) : null;
  if (t === null || Number(t[1]) > 23 || Number(t[2]) > 59) throw invalid("time", "must be a time HH:MM, 00:00 to 23:59");
  return `${date}T${time}`;
}

/**
 * The engine names the doctor's id `id` or `doctorId`; in the seed's bodies and paths it is
 * `doctor_id`, so an INVALID_INPUT about it says so.
 */
function seedFields(handler) {
  return (h, request, context) => {
    try {
      return handler(h, request, context);
    } catch (error) {
      const field = error?.details?.field;
      if (isHospitalError(error) && error.code === "INVALID_INPUT" && (field === "id" || field === "doctorId")) {
        throw new ApiError("INVALID_INPUT", error.message, { ...error.details, field: "doctor_id" });
      }
      throw error;
    }
  };
}

function seedBook(h, { body, assignedId }) {
  const input = requireObject(body);
  onlyFields(input, ["doctor_id", "location_id", "date", "time"]);
  const doctorId = seedDoctorId(input);
  const index = seedLocationIndex(input);
  const start = seedStart(input);
  const location = seedLocation(h.getDoctor(doctorId), index);
  return ok(h.book(defined({ doctorId, location, start, id: assignedId })));
}

function seedAppointments(h, request) {
  const { params, q } = request;
  const limit = pageLimit(q, "appointments");
  // The seed listed booked appointments; holds (made through v1) are not bookings yet.
  return page(h.appointments(params.doctorId, defined({ status: "booked", limit: limit + 1, after: q.after })), limit, request);
}

/** Cancels the booked appointment of that doctor that starts at that date and time. */
function seedCancel(h, { body }) {
  const input = requireObject(body);
  onlyFields(input, ["doctor_id", "location_id", "date", "time"]);
  const doctorId = seedDoctorId(input);
  const start = seedStart(input);
  const doctor = h.getDoctor(doctorId);
  const location = input.location_id === undefined ? undefined : seedLocation(doctor, seedLocationIndex(input));
  // The window [start, end of that day) holds the doctor's bookings starting at `start` or later.
  const found = h
    .appointments(doctorId, { from: start, to: input.date, status: "booked" })
    .find((a) => a.start === start && (location === undefined || a.location === location));
  if (found === undefined) {
    throw new ApiError("APPOINTMENT_NOT_FOUND", `doctor "${doctorId}" has no booked appointment starting at ${start}`, {
      doctorId,
      start,
    });
  }
  return ok(h.cancel(found.id));
}

function seedDoctorBody(body) {
  const input = requireObject(body);
  if (typeof input.id === "number" && Number.isFinite(input.id)) return { ...input, id: String(input.id) };
  return input;
}

function seedChangeOptions(q) {
  return defined({ cancelAppointments: queryBoolean(q, "cancel_appointments") });
}

// ---------------------------------------------------------------------------------------------
// v1: the JS API one to one.

function doctorList(h, request) {
  const { q } = request;
  const limit = pageLimit(q, "doctors");
  return page(slicePage(h.listDoctors(), limit, q.after, "a doctor"), limit, request);
}

function v1ChangeOptions(q) {
  return defined({ cancelAppointments: queryBoolean(q, "cancelAppointments") });
}

/**
 * Books (`book`) or holds (`hold`): 201 with the appointment, or 200 for a known requestId. The
 * id is the one the gateway assigned (random, or derived from the requestId), unless the body
 * names one.
 */
function v1Create(method) {
  return (h, { body, basePath, assignedId }) => {
    const input = requireObject(body);
    const before = h.revision;
    const appointment = h[method](assignedId === undefined || Object.hasOwn(input, "id") ? input : { ...input, id: assignedId });
    // A requestId seen before returns the appointment it created and changes nothing: 200, not 201.
    const created = h.revision !== before;
    return {
      status: created ? 201 : 200,
      body: appointment,
      headers: { location: `${basePath}/v1/appointments/${encodeURIComponent(appointment.id)}` },
    };
  };
}

function v1AppointmentList(h, request) {
  const { params, q } = request;
  const limit = pageLimit(q, "appointments");
  return page(h.appointments(params.id, defined({ from: q.from, to: q.to, status: q.status, now: q.now, limit: limit + 1, after: q.after })), limit, request);
}

function v1FindAppointments(h, request) {
  const { q } = request;
  const limit = pageLimit(q, "appointments");
  const query = defined({ patient: q.patient, location: q.location, doctorId: q.doctorId, from: q.from, to: q.to, status: q.status, now: q.now, limit: limit + 1, after: q.after });
  return page(h.findAppointments(query), limit, request);
}

function v1Slots(h, { params, q }) {
  const options = defined({
    from: q.from,
    to: q.to,
    durationMinutes: queryInteger(q, "durationMinutes"),
    location: q.location,
    limit: queryInteger(q, "limit"),
    now: q.now,
  });
  return ok(h.availableSlots(params.id, options));
}

/** `findSlots` across doctors; `doctorIds` is a comma-separated list (ids never hold a comma). */
function v1FindSlots(h, { q }) {
  const options = defined({
    from: q.from,
    to: q.to,
    durationMinutes: queryInteger(q, "durationMinutes"),
    location: q.location,
    doctorIds: q.doctorIds === undefined ? undefined : q.doctorIds.split(","),
    limit: queryInteger(q, "limit"),
    now: q.now,
  });
  return ok(h.findSlots(options));
}

/** `explain` for the doctor in the path: the problems with that time, `[]` if it is bookable. */
function v1Explain(h, { params, q }) {
  const request = defined({
    doctorId: params.id,
    location: q.location,
    start: q.start,
    durationMinutes: queryInteger(q, "durationMinutes"),
    now: q.now,
    patient: q.patient,
  });
  return ok(h.explain(request));
}

function v1Hours(h, { params, q }) {
  return ok(h.workingHours(params.id, defined({ from: q.from, to: q.to, location: q.location })));
}

// ---------------------------------------------------------------------------------------------
// Calendar exports: the package's toICalendar and toFhirBundle over a bounded window.

/** The longest window of each export, in days: a year of one doctor's calendar, a month of FHIR slots. */
export const EXPORT_WINDOW_DAYS = Object.freeze({ calendar: 366, fhir: 31 });

/**
 * `from` and `to` of an export: both required, and at most `days` apart by their dates (a date,
 * a date-time and an instant all begin with theirs); the package checks the rest of each.
 */
function exportWindow(q, days) {
  for (const name of ["from", "to"]) {
    if (q[name] === undefined) throw invalid(name, "is required: the export covers [from, to)");
  }
  const day = (name) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(q[name]);
    return m === null ? NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
  };
  const span = day("to") - day("from");
  if (span > days) throw invalid("to", `the window may span at most ${days} days (from ${q.from} to ${q.to} spans ${span})`);
  return { from: q.from, to: q.to };
}

/** The doctor's appointments over the window as an iCalendar (text/calendar) a calendar app subscribes to. */
function v1Calendar(h, { params, q }) {
  const window = exportWindow(q, EXPORT_WINDOW_DAYS.calendar);
  const text = h.toICalendar(params.id, defined({ ...window, name: q.name }));
  return { status: 200, text, headers: { "content-type": "text/calendar; charset=utf-8" } };
}

/** A FHIR R4 Bundle (application/fhir+json) of the doctor's Schedules, Slots and Appointments over the window. */
function v1Fhir(h, { params, q }) {
  const window = exportWindow(q, EXPORT_WINDOW_DAYS.fhir);
  const bundle = h.toFhirBundle(defined({ ...window, doctorId: params.id, now: q.now }));
  return { status: 200, body: bundle, headers: { "content-type": "application/fhir+json; charset=utf-8" } };
}

// ---------------------------------------------------------------------------------------------
// The hospital's keys (auth.mjs), through the batch's key editor (`context.keys`, which
// hospital-service.mjs stores with the batch). The key's random parts (`newKey`) are made by the
// gateway before the request is queued.

function keyRow(context, id) {
  const row = context.keys.get(id);
  if (row === undefined) throw new ApiError("KEY_NOT_FOUND", `no key with id ${JSON.stringify(id)}`, { keyId: id });
  return row;
}

function keyList(h, request, context) {
  const { q } = request;
  const limit = pageLimit(q, "keys");
  return page(slicePage(context.keys.list(), limit, q.after, "a key").map(context.keys.view), limit, request);
}

function keyCreate(h, { body, basePath, newKey }, context) {
  const input = requireObject(body);
  onlyFields(input, ["roles", "label"]);
  const rolesProblem = context.keys.checkRoles(input.roles);
  if (rolesProblem !== null) throw invalid("roles", rolesProblem);
  const label = input.label ?? null;
  if (label !== null && (typeof label !== "string" || label.trim() === "" || new TextEncoder().encode(label).length > context.keys.maxLabelBytes || /[\u0000-\u001f\u007f]/.test(label))) {
    throw invalid("label", `must be a non-blank string of at most ${context.keys.maxLabelBytes} bytes without control characters`);
  }
  if (context.keys.size >= context.keys.maxKeys) {
    throw new ApiError("TOO_MANY_KEYS", `the hospital has ${context.keys.maxKeys} keys, revoked ones included, the most it stores`, { limit: context.keys.maxKeys });
  }
  const row = {
    id: newKey.id,
    hash: newKey.hash,
    roles: input.roles,
    label,
    salt: newKey.salt,
    created: context.now,
    createdBy: context.actor,
    revoked: null,
    revokedBy: null,
    rotated: null,
  };
  context.keys.put(row);
  return { status: 201, body: { ...context.keys.view(row), key: newKey.token }, headers: { location: `${basePath}/v1/keys/${row.id}` } };
}

function keyRevoke(h, { params }, context) {
  const row = keyRow(context, params.id);
  if (row.revoked !== null) return ok(context.keys.view(row));
  const revoked = { ...row, revoked: context.now, revokedBy: context.actor };
  context.keys.put(revoked);
  return ok(context.keys.view(revoked));
}

function keyRotate(h, { params, newKey }, context) {
  const row = keyRow(context, params.id);
  if (row.revoked !== null) throw new ApiError("KEY_REVOKED", `key ${row.id} was revoked; make a new one`, { keyId: row.id });
  const rotated = { ...row, hash: newKey.hash, rotated: context.now };
  context.keys.put(rotated);
  return ok({ ...context.keys.view(rotated), key: newKey.token });
}

function ok(body) {
  return { status: 200, body };
}

// ---------------------------------------------------------------------------------------------
// Query parameters: every one an operation may take, with what it is (openapi.mjs describes
// them from here). `integer` ones are checked here as plain non-negative integers; the others
// go to the engine as the client sent them.

export const QUERY_PARAMETERS = Object.freeze({
  from: { type: "string", description: "start of the window, `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or (in a hospital with a timeZone) an RFC 3339 instant (inclusive)" },
  to: { type: "string", description: "end of the window, `YYYY-MM-DD` (that whole day), `YYYY-MM-DDTHH:MM` or an RFC 3339 instant (exclusive)" },
  status: { type: "string", enum: ["active", "booked", "held", "cancelled", "expired", "all"], description: "which appointments (default `active`: booked and live holds)" },
  now: { type: "string", description: "the client's current time, `YYYY-MM-DDTHH:MM` or an RFC 3339 instant (holds lapse by it; notice and horizon count from it)" },
  limit: { type: "integer", description: "the most items to return" },
  after: { type: "string", description: "the id of the last item of the previous page (the `Link` header's next page has it)" },
  patient: { type: "string", description: "the patient reference" },
  location: { type: "string", description: "a location, exactly as the doctor's" },
  doctorId: { type: "string", description: "a doctor's id" },
  doctorIds: { type: "string", description: "doctor ids, comma-separated" },
  durationMinutes: { type: "integer", description: "the appointment's length (default: the hospital's)" },
  start: { type: "string", description: "the start, `YYYY-MM-DDTHH:MM` (the wall clock at the location) or an RFC 3339 instant" },
  cancelAppointments: { type: "boolean", description: "cancel the booked appointments and live holds the change would leave outside the doctor's hours" },
  cancel_appointments: { type: "boolean", description: "the seed API's name of cancelAppointments" },
  name: { type: "string", description: "the calendar's name (`X-WR-CALNAME`)" },
});

// ---------------------------------------------------------------------------------------------
// Routes. A `:name` segment is a percent-decoded path parameter. Each method's operation:
//   handler(hospital, request, context)   request: { params, q (the checked query), body,
//                                          basePath, path, assignedId, newKey }
//   role        the role a key needs (auth.mjs); GET routes need `read`
//   query       the query parameters it takes (QUERY_PARAMETERS)
//   body        the schema of its body (openapi.mjs's components), `optional` if it may be absent
//   success     [status, schema] of its answer; `list` for a page (with a Link header)
//   assignsId   a key without `read` gets an unguessable appointment id (random, or derived
//               from its requestId), given by the gateway
//   byId        it acts on the appointment in the path: a key without `read` only on ids of
//               that unguessable form (its own bookings)
//   byTime      it acts on whichever booking starts then: a key without `read` may not
//   mintsKey    the gateway makes a key's random parts for it
//   keys        it reads or changes the hospital's keys (runs with the key editor)
//   summary     one line for the OpenAPI document
//   contentType the media type of its success answer when not application/json: the handler
//               answers `{ status, text, headers }` (text/calendar) or a JSON `body` with that
//               content-type header (application/fhir+json)
// GET never mutates; every other method may (the store runs those in a write transaction).

const LIST_QUERY = ["limit", "after"];

const ROUTES = [
  {
    path: "/health",
    GET: { summary: "Whether the hospital is served: its revision and number of doctors (no key needed)", role: "public", handler: (h) => ok({ ok: true, revision: h.revision, doctors: h.doctorCount }), success: [200, "Health"] },
  },

  // The seed API (the Node server's only: `seed: true`).
  {
    seed: true,
    path: "/appointment",
    POST: { summary: "Book (the seed API)", role: "book", assignsId: true, body: "SeedBooking", success: [200, "Appointment"], handler: seedFields(seedBook) },
    DELETE: { summary: "Cancel the booking that starts then (the seed API)", role: "book", byTime: true, body: "SeedCancel", success: [200, "Appointment"], handler: seedFields(seedCancel) },
  },
  { seed: true, path: "/appointments", DELETE: { summary: "Cancel the booking that starts then (the seed API)", role: "book", byTime: true, body: "SeedCancel", success: [200, "Appointment"], handler: seedFields(seedCancel) } },
  {
    seed: true,
    path: "/appointments/:doctorId",
    GET: { summary: "A doctor's booked appointments, by start (the seed API)", query: LIST_QUERY, success: [200, "Appointment", "list"], handler: seedFields(seedAppointments) },
  },
  { seed: true, path: "/doctors", GET: { summary: "The doctors (the seed API)", query: LIST_QUERY, success: [200, "Doctor", "list"], handler: doctorList } },
  {
    seed: true,
    path: "/doctor",
    POST: { summary: "Add a doctor (the seed API)", role: "admin", body: "SeedNewDoctor", success: [200, "Doctor"], handler: (h, { body }) => ok(h.addDoctor(seedDoctorBody(body))) },
  },
  {
    seed: true,
    path: "/doctor/:id",
    GET: { summary: "A doctor (the seed API)", success: [200, "Doctor"], handler: (h, { params }) => ok(h.getDoctor(params.id)) },
    PUT: {
      summary: "Change a doctor (the seed API)",
      role: "admin",
      query: ["cancel_appointments"],
      body: "DoctorPatch",
      success: [200, "Doctor"],
      handler: (h, { params, q, body }) => ok(h.updateDoctor(params.id, requireObject(body), seedChangeOptions(q))),
    },
    DELETE: {
      summary: "Remove a doctor (the seed API)",
      role: "admin",
      query: ["cancel_appointments"],
      success: [200, "Doctor"],
      handler: (h, { params, q }) => ok(h.removeDoctor(params.id, seedChangeOptions(q))),
    },
  },

  // v1.
  {
    path: "/v1/doctors",
    GET: { summary: "The doctors, in the order they were added (listDoctors)", query: LIST_QUERY, success: [200, "Doctor", "list"], handler: doctorList },
    POST: {
      summary: "Add a doctor (addDoctor)",
      role: "admin",
      body: "NewDoctor",
      success: [201, "Doctor"],
      handler: (h, { body, basePath }) => {
        const doctor = h.addDoctor(requireObject(body));
        return { status: 201, body: doctor, headers: { location: `${basePath}/v1/doctors/${encodeURIComponent(doctor.id)}` } };
      },
    },
  },
  {
    path: "/v1/doctors/:id",
    GET: { summary: "A doctor (getDoctor)", success: [200, "Doctor"], handler: (h, { params }) => ok(h.getDoctor(params.id)) },
    PATCH: {
      summary: "Change a doctor (updateDoctor)",
      role: "admin",
      query: ["cancelAppointments"],
      body: "DoctorPatch",
      success: [200, "Doctor"],
      handler: (h, { params, q, body }) => ok(h.updateDoctor(params.id, requireObject(body), v1ChangeOptions(q))),
    },
    DELETE: {
      summary: "Remove a doctor with their appointments (removeDoctor)",
      role: "admin",
      query: ["cancelAppointments"],
      success: [200, "Doctor"],
      handler: (h, { params, q }) => ok(h.removeDoctor(params.id, v1ChangeOptions(q))),
    },
  },
  {
    path: "/v1/doctors/:id/appointments",
    GET: { summary: "A doctor's appointments, by start (appointments)", query: ["from", "to", "status", "now", ...LIST_QUERY], success: [200, "Appointment", "list"], handler: v1AppointmentList },
  },
  {
    path: "/v1/doctors/:id/slots",
    GET: { summary: "A doctor's free slots (availableSlots)", query: ["from", "to", "durationMinutes", "location", "limit", "now"], success: [200, "SlotStarts"], handler: v1Slots },
  },
  {
    path: "/v1/doctors/:id/explain",
    GET: { summary: "Every problem with booking that time (explain)", query: ["location", "start", "durationMinutes", "now", "patient"], success: [200, "Problems"], handler: v1Explain },
  },
  {
    path: "/v1/doctors/:id/hours",
    GET: { summary: "When the doctor works, per date and location (workingHours)", query: ["from", "to", "location"], success: [200, "HoursBlocks"], handler: v1Hours },
  },
  {
    path: "/v1/doctors/:id/calendar.ics",
    GET: {
      summary: `The doctor's appointments over [from, to), every status, as an iCalendar (RFC 5545) a calendar app can subscribe to (toICalendar); at most ${EXPORT_WINDOW_DAYS.calendar} days`,
      query: ["from", "to", "name"],
      contentType: "text/calendar",
      success: [200, "ICalendar"],
      handler: v1Calendar,
    },
  },
  {
    path: "/v1/doctors/:id/fhir",
    GET: {
      summary: `A FHIR R4 Bundle of the doctor's Schedules, free and busy Slots and Appointments over [from, to) (toFhirBundle; the hospital needs a timeZone); at most ${EXPORT_WINDOW_DAYS.fhir} days`,
      query: ["from", "to", "now"],
      contentType: "application/fhir+json",
      success: [200, "FhirBundle"],
      handler: v1Fhir,
    },
  },
  {
    path: "/v1/slots",
    GET: { summary: "Free slots across doctors (findSlots)", query: ["from", "to", "durationMinutes", "location", "doctorIds", "limit", "now"], success: [200, "FoundSlots"], handler: v1FindSlots },
  },
  {
    path: "/v1/appointments",
    GET: {
      summary: "Appointments across doctors by patient, location or doctor (findAppointments)",
      query: ["patient", "location", "doctorId", "from", "to", "status", "now", ...LIST_QUERY],
      success: [200, "Appointment", "list"],
      handler: v1FindAppointments,
    },
    POST: { summary: "Book (book)", role: "book", assignsId: true, body: "BookRequest", success: [201, "Appointment"], handler: v1Create("book") },
  },
  { path: "/v1/holds", POST: { summary: "Hold a time until it lapses (hold)", role: "book", assignsId: true, body: "HoldRequest", success: [201, "Appointment"], handler: v1Create("hold") } },
  {
    path: "/v1/appointments/:id",
    GET: { summary: "An appointment (getAppointment)", success: [200, "Appointment"], handler: (h, { params }) => ok(h.getAppointment(params.id)) },
    PATCH: {
      summary: "Change an appointment's patient, notes or metadata (updateAppointment)",
      role: "book",
      byId: true,
      body: "AppointmentPatch",
      success: [200, "Appointment"],
      handler: (h, { params, body }) => ok(h.updateAppointment(params.id, requireObject(body))),
    },
  },
  {
    path: "/v1/appointments/:id/cancel",
    POST: {
      summary: "Cancel a booking or a hold (cancel)",
      role: "book",
      byId: true,
      body: "CancelOptions",
      optionalBody: true,
      success: [200, "Appointment"],
      handler: (h, { params, body }) => ok(h.cancel(params.id, requireObject(body, { optional: true }))),
    },
  },
  {
    path: "/v1/appointments/:id/confirm",
    POST: { summary: "Turn a hold into a booking (confirm)", role: "book", byId: true, body: "ConfirmOptions", success: [200, "Appointment"], handler: (h, { params, body }) => ok(h.confirm(params.id, requireObject(body))) },
  },
  {
    path: "/v1/appointments/:id/reschedule",
    POST: { summary: "Move a booking or a hold (reschedule)", role: "book", byId: true, body: "RescheduleRequest", success: [200, "Appointment"], handler: (h, { params, body }) => ok(h.reschedule(params.id, requireObject(body))) },
  },
  { path: "/v1/options", GET: { summary: "The hospital's options (set when the operator created it)", success: [200, "Options"], handler: (h) => ok(h.options) } },

  // The hospital's keys.
  {
    path: "/v1/keys",
    GET: { summary: "The hospital's keys, live and revoked, without their secrets", role: "admin", keys: true, query: LIST_QUERY, success: [200, "Key", "list"], handler: keyList },
    POST: { summary: "Make a key; the answer is the only time it is shown", role: "admin", keys: true, mintsKey: true, body: "NewKey", success: [201, "KeyWithSecret"], handler: keyCreate },
  },
  {
    path: "/v1/keys/:id",
    GET: { summary: "A key, without its secret", role: "admin", keys: true, success: [200, "Key"], handler: (h, { params }, context) => ok(context.keys.view(keyRow(context, params.id))) },
    DELETE: { summary: "Revoke a key: it fails at once, in every process", role: "admin", keys: true, success: [200, "Key"], handler: keyRevoke },
  },
  {
    path: "/v1/keys/:id/rotate",
    POST: { summary: "Give a key a new secret (its id, roles and label stay); the old one fails at once", role: "admin", keys: true, mintsKey: true, success: [200, "KeyWithSecret"], handler: keyRotate },
  },
].map((route) => ({
  path: route.path,
  segments: route.path.split("/").slice(1),
  seed: route.seed === true,
  methods: Object.fromEntries(
    Object.entries(route)
      .filter(([key]) => key !== "path" && key !== "seed")
      .map(([method, op]) => [method, Object.freeze({ ...op, role: op.role ?? "read", query: op.query ?? [], mutates: method !== "GET" })]),
  ),
}));

/** Every route: `{ path, seed, methods: { GET: operation, … } }`, for openapi.mjs. */
export const API_ROUTES = ROUTES;

/**
 * Finds the route of a request. Returns `{ op, handler, params, mutates, role }`, or `{ error }`
 * with the 404/405/400 response when there is none. Transports call it before reading a body, so
 * an unknown route is answered without parsing anything. With `seedApi: false` (the Worker) the
 * seed API's routes do not exist.
 */
export function resolve({ method, path }, { seedApi = true } = {}) {
  const segments = typeof path === "string" && path.startsWith("/") ? path.split("/").slice(1) : null;
  if (segments === null) return { error: errorResponse("ROUTE_NOT_FOUND", "no such route", { path: String(path) }) };
  for (const route of ROUTES) {
    if (route.segments.length !== segments.length || (route.seed && !seedApi)) continue;
    const params = {};
    let matches = true;
    for (let i = 0; i < segments.length && matches; i++) {
      const pattern = route.segments[i];
      if (pattern.startsWith(":")) {
        if (segments[i] === "") {
          matches = false;
        } else {
          try {
            params[pattern.slice(1)] = decodeURIComponent(segments[i]);
          } catch {
            const error = invalid("path", `malformed percent-encoding in ${JSON.stringify(segments[i])}`);
            return { error: errorResponse(error.code, error.message, error.details) };
          }
        }
      } else if (pattern !== segments[i]) {
        matches = false;
      }
    }
    if (!matches) continue;
    const op = operationOf(route, method);
    if (op === undefined) return { error: methodNotAllowed(method, path, allowedMethods(route)) };
    return { op, handler: op.handler, params, mutates: op.mutates, role: op.role };
  }
  return { error: errorResponse("ROUTE_NOT_FOUND", `no route ${path}`, { path }) };
}

/**
 * The operation of `method` on `route`, or undefined. HEAD is GET without the body (RFC 9110,
 * 9.3.2): the same checks, role, status and headers, so that a calendar app may ask whether a
 * subscribed `calendar.ics` is there without fetching it; the transports leave the body out.
 */
function operationOf(route, method) {
  if (Object.hasOwn(route.methods, method)) return route.methods[method];
  if (method === "HEAD" && Object.hasOwn(route.methods, "GET")) return route.methods.GET;
  return undefined;
}

/** The methods of a route as its Allow header lists them: HEAD after GET where there is one. */
export function allowedMethods(route) {
  return Object.keys(route.methods).flatMap((method) => (method === "GET" ? ["GET", "HEAD"] : [method]));
}

/** 405 with the Allow header. */
export function methodNotAllowed(method, path, methods) {
  const allow = methods.join(", ");
  return errorResponse("METHOD_NOT_ALLOWED", `${method} is not allowed on ${path} (allowed: ${allow})`, { allow }, { allow });
}

/** Whether the request would run a mutating handler (false for unknown routes and methods). */
export function isMutation(request) {
  return resolve(request).mutates === true;
}

// ---------------------------------------------------------------------------------------------
// What a key that may not read is not told. A booking that collides names the appointment in
// the way, and a requestId used before names the appointment it made: to a key without `read`
// (a web checkout) those would be other patients' appointments, whose ids (random, but now
// known) it could then cancel. Its errors keep their code and say what happened, without them.

const REDACTED_DETAILS = ["conflictingAppointmentId", "appointmentId", "appointmentIds"];
const REDACTED_MESSAGES = {
  SLOT_TAKEN: () => "the time overlaps another appointment",
  PATIENT_BUSY: (d) => `patient ${JSON.stringify(d.patient)} already has an appointment at an overlapping time`,
  REQUEST_ID_REUSED: (d) => `requestId ${JSON.stringify(d.requestId)} was used before for a different request`,
  HAS_APPOINTMENTS: () => "booked appointments or live holds are in the way; pass cancelAppointments=true to cancel them",
};

function redacted(response) {
  const error = response.body?.error;
  if (error === undefined || !REDACTED_DETAILS.some((name) => Object.hasOwn(error.details, name))) return response;
  const details = Object.fromEntries(Object.entries(error.details).filter(([name]) => !REDACTED_DETAILS.includes(name)));
  const message = REDACTED_MESSAGES[error.code]?.(error.details) ?? `${error.code.toLowerCase().replaceAll("_", " ")}`;
  return { ...response, body: { error: { code: error.code, message, details } } };
}

/**
 * Runs the handler of a resolved `route` on `hospital`. `context` is what the service gives a
 * batch: `{ keys, now, actor, mayRead }` (absent for tools and tests: no keys routes then, and
 * nothing redacted). Returns `{ response }`, and `suspect: true` when the answer means the
 * hospital in memory can no longer be trusted (INSTANCE_FAILED: the WebAssembly instance
 * trapped), or `{ error }` for anything thrown that is neither this API's refusal nor a
 * HospitalError: the engine or this code failed unexpectedly, so the caller must treat memory as
 * suspect as well. A HospitalError is otherwise an answer like any other: the engine changes
 * nothing on a failed call.
 */
export function execute(hospital, route, request, context = undefined) {
  let response;
  // The keys routes act for a key (the actor of what they do, the random parts the gateway made):
  // without one, there is no one they could act for.
  if (route.op?.keys === true && (context?.keys == null || context.actor == null || (route.op.mintsKey === true && request.newKey === undefined))) {
    return { response: unauthenticated("the keys routes need an admin key", { reason: "missing" }) };
  }
  try {
    const q = queryParams(request.query, route.op?.query ?? []);
    response = route.handler(
      hospital,
      {
        params: route.params,
        q,
        body: request.body,
        basePath: request.basePath ?? "",
        path: request.path,
        assignedId: request.assignedId,
        newKey: request.newKey,
      },
      context,
    );
  } catch (error) {
    if (error instanceof ApiError) {
      response = errorResponse(error.code, error.message, error.details, error.headers);
    } else if (isHospitalError(error)) {
      response = errorResponse(error.code, error.message, error.details ?? {});
      if (error.code === "INSTANCE_FAILED") return { response, suspect: true };
    } else {
      return { error };
    }
  }
  return { response: context?.mayRead === false && response.status >= 400 ? redacted(response) : response };
}

/** Answers one request against `hospital`. See the top of the file. */
export function handle(hospital, request, options = {}) {
  const route = resolve(request, options);
  if (route.error) return route.error;
  const result = execute(hospital, route, request);
  if (result.error !== undefined) throw result.error;
  return result.response;
}
