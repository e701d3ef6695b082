// The REST API of dr-schedule, free of any transport and any storage: a request goes in as a
// plain object, a response comes out as a plain object. hospital-service.mjs runs it against a
// stored hospital, for the node:http server (../server) and the Durable Object (../worker)
// alike. This module therefore imports nothing.
//
//   handle(hospital, { method, path, query, headers, body, basePath }) → { status, body, headers? }
//
// - `path` is the URL path as it came on the wire (percent-encoded); `query` is a
//   URLSearchParams or a plain object of strings (or arrays of strings); `body` is the parsed
//   JSON value, or undefined when the request had none. `headers` is accepted and unused.
//   `basePath` (default "") is the prefix the path was served under (the Worker's
//   `/hospitals/{name}`), which `Location` headers repeat.
// - The response `body` is a JSON-compatible value (or undefined); `headers` holds the extra
//   response headers some answers need (`allow` on 405, `location` on 201).
// - A failure of the hospital (a HospitalError) becomes `{ error: { code, message, details } }`
//   with the status of STATUS_BY_CODE; anything else thrown by the hospital is rethrown, for the
//   caller to treat as an internal error.
//
// Two APIs share the hospital: the seed's (the REST server this project replaces: snake_case,
// 200 on success, location_id = 1-based index into the doctor's locations) and v1, which
// mirrors the JS API of the package one to one in camelCase.

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
  // database); the server log says what and how to recover.
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

function isHospitalError(error) {
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
  return (h, request) => {
    try {
      return handler(h, request);
    } catch (error) {
      const field = error?.details?.field;
      if (isHospitalError(error) && error.code === "INVALID_INPUT" && (field === "id" || field === "doctorId")) {
        throw new ApiError("INVALID_INPUT", error.message, { ...error.details, field: "doctor_id" });
      }
      throw error;
    }
  };
}

function seedBook(h, { body }) {
  const input = requireObject(body);
  onlyFields(input, ["doctor_id", "location_id", "date", "time"]);
  const doctorId = seedDoctorId(input);
  const index = seedLocationIndex(input);
  const start = seedStart(input);
  const location = seedLocation(h.getDoctor(doctorId), index);
  return ok(h.book({ doctorId, location, start }));
}

function seedAppointments(h, { params }) {
  // The seed listed booked appointments; holds (made through v1) are not bookings yet.
  return ok(h.appointments(params.doctorId, { status: "booked" }));
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

function seedChangeOptions(query) {
  const params = queryParams(query, ["cancel_appointments"]);
  return defined({ cancelAppointments: queryBoolean(params, "cancel_appointments") });
}

// ---------------------------------------------------------------------------------------------
// v1: the JS API one to one.

function doctorLocation(basePath, doctor) {
  return `${basePath}/v1/doctors/${encodeURIComponent(doctor.id)}`;
}

function v1ChangeOptions(query) {
  const params = queryParams(query, ["cancelAppointments"]);
  return defined({ cancelAppointments: queryBoolean(params, "cancelAppointments") });
}

/** Books (`book`) or holds (`hold`): 201 with the appointment, or 200 for a known requestId. */
function v1Create(method) {
  return (h, { body, basePath }) => {
    const before = h.revision;
    const appointment = h[method](requireObject(body));
    // A requestId seen before returns the appointment it created and changes nothing: 200, not 201.
    const created = h.revision !== before;
    return {
      status: created ? 201 : 200,
      body: appointment,
      headers: { location: `${basePath}/v1/appointments/${encodeURIComponent(appointment.id)}` },
    };
  };
}

function v1AppointmentList(h, { params, query }) {
  const q = queryParams(query, ["from", "to", "status", "now"]);
  return ok(h.appointments(params.id, defined({ from: q.from, to: q.to, status: q.status, now: q.now })));
}

function v1Slots(h, { params, query }) {
  const q = queryParams(query, ["from", "to", "durationMinutes", "location", "limit", "now"]);
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
function v1FindSlots(h, { query }) {
  const q = queryParams(query, ["from", "to", "durationMinutes", "location", "doctorIds", "limit", "now"]);
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
function v1Explain(h, { params, query }) {
  const q = queryParams(query, ["location", "start", "durationMinutes", "now", "patient"]);
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

function ok(body) {
  return { status: 200, body };
}

function noQuery(handler) {
  return (h, request) => {
    queryParams(request.query, []);
    return handler(h, request);
  };
}

// ---------------------------------------------------------------------------------------------
// Routes. A `:name` segment is a percent-decoded path parameter. GET never mutates; every other
// method may (the store runs those in a write transaction).

const ROUTES = [
  { path: "/health", GET: noQuery((h) => ok({ ok: true, revision: h.revision, doctors: h.listDoctors().length })) },

  // The seed API (the Node server's only: `seed: true`).
  { seed: true, path: "/appointment", POST: noQuery(seedFields(seedBook)), DELETE: noQuery(seedFields(seedCancel)) },
  { seed: true, path: "/appointments", DELETE: noQuery(seedFields(seedCancel)) },
  { seed: true, path: "/appointments/:doctorId", GET: noQuery(seedFields(seedAppointments)) },
  { seed: true, path: "/doctors", GET: noQuery((h) => ok(h.listDoctors())) },
  { seed: true, path: "/doctor", POST: noQuery((h, { body }) => ok(h.addDoctor(seedDoctorBody(body)))) },
  {
    seed: true,
    path: "/doctor/:id",
    GET: noQuery((h, { params }) => ok(h.getDoctor(params.id))),
    PUT: (h, { params, query, body }) => ok(h.updateDoctor(params.id, requireObject(body), seedChangeOptions(query))),
    DELETE: (h, { params, query }) => ok(h.removeDoctor(params.id, seedChangeOptions(query))),
  },

  // v1.
  {
    path: "/v1/doctors",
    GET: noQuery((h) => ok(h.listDoctors())),
    POST: noQuery((h, { body, basePath }) => {
      const doctor = h.addDoctor(requireObject(body));
      return { status: 201, body: doctor, headers: { location: doctorLocation(basePath, doctor) } };
    }),
  },
  {
    path: "/v1/doctors/:id",
    GET: noQuery((h, { params }) => ok(h.getDoctor(params.id))),
    PATCH: (h, { params, query, body }) => ok(h.updateDoctor(params.id, requireObject(body), v1ChangeOptions(query))),
    DELETE: (h, { params, query }) => ok(h.removeDoctor(params.id, v1ChangeOptions(query))),
  },
  { path: "/v1/doctors/:id/appointments", GET: v1AppointmentList },
  { path: "/v1/doctors/:id/slots", GET: v1Slots },
  { path: "/v1/doctors/:id/explain", GET: v1Explain },
  { path: "/v1/slots", GET: v1FindSlots },
  { path: "/v1/appointments", POST: noQuery(v1Create("book")) },
  { path: "/v1/holds", POST: noQuery(v1Create("hold")) },
  { path: "/v1/appointments/:id", GET: noQuery((h, { params }) => ok(h.getAppointment(params.id))) },
  {
    path: "/v1/appointments/:id/cancel",
    POST: noQuery((h, { params, body }) => ok(h.cancel(params.id, requireObject(body, { optional: true })))),
  },
  { path: "/v1/appointments/:id/confirm", POST: noQuery((h, { params, body }) => ok(h.confirm(params.id, requireObject(body)))) },
  { path: "/v1/appointments/:id/reschedule", POST: noQuery((h, { params, body }) => ok(h.reschedule(params.id, requireObject(body)))) },
].map((route) => ({
  segments: route.path.split("/").slice(1),
  seed: route.seed === true,
  methods: Object.fromEntries(Object.entries(route).filter(([key]) => key !== "path" && key !== "seed")),
}));

/**
 * Finds the route of a request. Returns `{ handler, params, mutates }`, or `{ error }` with the
 * 404/405/400 response when there is none. Transports call it before reading a body, so an
 * unknown route is answered without parsing anything. With `seedApi: false` (the Worker) the
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
    if (!Object.hasOwn(route.methods, method)) {
      const allow = Object.keys(route.methods).join(", ");
      return {
        error: errorResponse("METHOD_NOT_ALLOWED", `${method} is not allowed on ${path} (allowed: ${allow})`, { allow }, { allow }),
      };
    }
    return { handler: route.methods[method], params, mutates: method !== "GET" };
  }
  return { error: errorResponse("ROUTE_NOT_FOUND", `no route ${path}`, { path }) };
}

/** Whether the request would run a mutating handler (false for unknown routes and methods). */
export function isMutation(request) {
  return resolve(request).mutates === true;
}

/**
 * Runs the handler of a resolved `route` on `hospital`. Returns `{ response }`, and `suspect:
 * true` when the answer means the hospital in memory can no longer be trusted (INSTANCE_FAILED:
 * the WebAssembly instance trapped), or `{ error }` for anything thrown that is neither this
 * API's refusal nor a HospitalError: the engine or this code failed unexpectedly, so the caller
 * must treat memory as suspect as well. A HospitalError is otherwise an answer like any other:
 * the engine changes nothing on a failed call.
 */
export function execute(hospital, route, request) {
  try {
    const response = route.handler(hospital, { params: route.params, query: request.query, body: request.body, basePath: request.basePath ?? "" });
    return { response };
  } catch (error) {
    if (error instanceof ApiError) return { response: errorResponse(error.code, error.message, error.details, error.headers) };
    if (isHospitalError(error)) {
      return { response: errorResponse(error.code, error.message, error.details ?? {}), suspect: error.code === "INSTANCE_FAILED" };
    }
    return { error };
  }
}

/** Answers one request against `hospital`. See the top of the file. */
export function handle(hospital, request, options = {}) {
  const route = resolve(request, options);
  if (route.error) return route.error;
  const result = execute(hospital, route, request);
  if (result.error !== undefined) throw result.error;
  return result.response;
}
