// The OpenAPI 3.1 description of the API, written from the same tables the servers run on
// (api.mjs: the routes with their roles, query parameters, bodies and answers; the status of
// every error code), so that the document cannot drift from what is served. The Node server
// serves it at /openapi.json (seed API included); the Worker at /openapi.json too, its paths
// under /hospitals/{hospital}, with the operator's PUT and DELETE of a hospital.
//
// Every operation lists every error status the server may answer (a 503 can come from any
// route, a 429 from any keyed one), each with the error body whose `code` is one of that
// status's codes: a client can branch on the status and the code without surprises.
import { API_ROUTES, LIST_LIMITS, QUERY_PARAMETERS, STATUS_BY_CODE } from "./api.mjs";

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const dateTime = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$", description: "`YYYY-MM-DDTHH:MM`, the wall clock at the location (or the hospital's)" };
// An input time: a wall clock, or (in a hospital with a timeZone) an RFC 3339 instant.
const moment = {
  type: "string",
  pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:\\d{2})?$",
  description: "`YYYY-MM-DDTHH:MM`, a wall clock; or, in a hospital with a `timeZone`, an RFC 3339 instant (`2025-11-02T06:30:00Z`, `2025-11-02T01:30:00-05:00`)",
};
// An instant in UTC as the package writes it.
const utc = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$", description: "an instant in UTC" };
// A time of no place (a hold's expiry, createdAt, updatedAt): an instant in UTC in a hospital with a timeZone, a floating wall clock without one.
const stamp = { anyOf: [dateTime, utc], description: "an instant in UTC in a hospital with a `timeZone`; the floating wall clock without one" };
// A free slot's start: the wall clock, with its offset where that wall clock happens twice.
const slotStart = {
  type: "string",
  pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:00[+-]\\d{2}:\\d{2})?$",
  description: "`YYYY-MM-DDTHH:MM`, the wall clock; with its offset (`2025-11-02T01:30:00-04:00`) where that wall clock happens twice",
};
const date = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" };
const hhmm = { type: "string", pattern: "^\\d{2}:\\d{2}$" };
const weekday = { enum: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] };
const status = { enum: ["booked", "held", "cancelled", "expired"] };
const metadata = { type: "object", description: "plain JSON of your own: at most 4 KiB, 4 levels, 64 keys or items each" };
const nullable = (schema) => ({ anyOf: [schema, { type: "null" }] });

const ROLES = ["read", "book", "admin"];

const KEY_REQUIRED = ["id", "roles", "label", "created", "createdBy"];
const KEY_PROPERTIES = {
  id: { type: "string", pattern: "^k[a-z]{15}$" },
  roles: { type: "array", items: { enum: ROLES } },
  label: nullable({ type: "string" }),
  created: { type: "string", format: "date-time" },
  createdBy: nullable({ type: "string" }),
  rotated: { type: "string", format: "date-time" },
  revoked: { type: "string", format: "date-time" },
  revokedBy: nullable({ type: "string" }),
};

/** A doctor's fields, in a doctor as stored and as added. */
const DOCTOR_FIELDS = {
  id: { type: "string" },
  name: { type: "string" },
  locations: { type: "array", items: { type: "string" } },
  schedule: { type: "array", items: ref("ScheduleRule") },
  overrides: { type: "array", items: ref("DateOverride") },
  timeOff: { type: "array", items: ref("TimeOff") },
};

const SCHEMAS = {
  Error: {
    type: "object",
    required: ["error"],
    additionalProperties: false,
    properties: {
      error: {
        type: "object",
        required: ["code", "message", "details"],
        additionalProperties: false,
        properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "object" } },
      },
    },
  },
  Health: {
    type: "object",
    required: ["ok", "revision", "doctors"],
    additionalProperties: false,
    properties: { ok: { const: true }, revision: { type: "integer" }, doctors: { type: "integer" } },
  },
  ScheduleRule: {
    type: "object",
    required: ["days", "start", "end"],
    properties: { days: { type: "array", items: weekday }, start: hhmm, end: hhmm, locations: { type: "array", items: { type: "string" } } },
  },
  DateOverride: {
    type: "object",
    required: ["date", "hours"],
    properties: { date, hours: { type: "array", items: { type: "object", required: ["start", "end"], properties: { start: hhmm, end: hhmm } } } },
  },
  TimeOff: { type: "object", required: ["start", "end"], properties: { start: moment, end: moment, reason: { type: "string" } } },
  // A doctor as stored, and as added (its id optional: the hospital assigns one).
  Doctor: { type: "object", required: ["id", "name", "locations", "schedule"], additionalProperties: false, properties: DOCTOR_FIELDS },
  NewDoctor: { type: "object", required: ["name", "locations", "schedule"], properties: DOCTOR_FIELDS },
  DoctorPatch: {
    type: "object",
    properties: {
      name: { type: "string" },
      locations: { type: "array", items: { type: "string" } },
      schedule: { type: "array", items: ref("ScheduleRule") },
      overrides: { type: "array", items: ref("DateOverride") },
      timeOff: { type: "array", items: ref("TimeOff") },
    },
  },
  Appointment: {
    type: "object",
    required: ["id", "doctorId", "location", "start", "end", "durationMinutes", "status"],
    additionalProperties: false,
    properties: {
      id: { type: "string" },
      doctorId: { type: "string" },
      location: { type: "string" },
      start: dateTime,
      end: dateTime,
      startUtc: utc,
      endUtc: utc,
      durationMinutes: { type: "integer" },
      patient: { type: "string" },
      requestId: { type: "string" },
      status,
      holdExpires: stamp,
      rescheduledFrom: { type: "array", items: { type: "object", required: ["location", "start", "end"], properties: { location: { type: "string" }, start: dateTime, end: dateTime } } },
      cancelReason: { type: "string" },
      notes: { type: "string" },
      metadata,
      createdAt: stamp,
      updatedAt: stamp,
    },
  },
  BookRequest: {
    type: "object",
    required: ["doctorId", "location", "start"],
    properties: {
      doctorId: { type: "string" },
      location: { type: "string" },
      start: moment,
      durationMinutes: { type: "integer" },
      patient: { type: "string" },
      id: { type: "string" },
      requestId: { type: "string" },
      now: moment,
      notes: { type: "string" },
      metadata,
    },
  },
  HoldRequest: {
    type: "object",
    required: ["doctorId", "location", "start", "now", "ttlMinutes"],
    properties: {
      doctorId: { type: "string" },
      location: { type: "string" },
      start: moment,
      durationMinutes: { type: "integer" },
      patient: { type: "string" },
      id: { type: "string" },
      requestId: { type: "string" },
      now: moment,
      ttlMinutes: { type: "integer", minimum: 1, maximum: 10080 },
      notes: { type: "string" },
      metadata,
    },
  },
  RescheduleRequest: {
    type: "object",
    required: ["start"],
    properties: { start: moment, location: { type: "string" }, durationMinutes: { type: "integer" }, now: moment, notes: { type: "string" }, metadata },
  },
  AppointmentPatch: {
    type: "object",
    properties: { patient: nullable({ type: "string" }), notes: nullable({ type: "string" }), metadata: nullable(metadata) },
  },
  CancelOptions: { type: "object", properties: { reason: { type: "string" }, now: moment } },
  ConfirmOptions: { type: "object", required: ["now"], properties: { now: moment } },
  SlotStarts: { type: "array", items: slotStart },
  FoundSlots: {
    type: "array",
    items: { type: "object", required: ["doctorId", "location", "start"], additionalProperties: false, properties: { doctorId: { type: "string" }, location: { type: "string" }, start: slotStart, startUtc: utc } },
  },
  Problems: {
    type: "array",
    items: { type: "object", required: ["code", "message", "details"], properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "object" } } },
  },
  HoursBlocks: {
    type: "array",
    items: { type: "object", required: ["date", "location", "start", "end"], additionalProperties: false, properties: { date, location: { type: "string" }, start: dateTime, end: dateTime, startUtc: utc, endUtc: utc } },
  },
  Options: {
    type: "object",
    required: ["slotMinutes", "defaultDurationMinutes", "timeZone", "maxSnapshotBytes"],
    properties: {
      slotMinutes: { type: "integer" },
      defaultDurationMinutes: { type: "integer" },
      timeZone: nullable({ type: "string", description: "the hospital's IANA time zone; null: floating wall-clock times" }),
      locationTimeZones: { type: "object", additionalProperties: { type: "string" }, description: "locations with a zone of their own" },
      minNoticeMinutes: { type: "integer" },
      horizonDays: { type: "integer" },
      preventPatientOverlap: { type: "boolean" },
      maxSnapshotBytes: { type: "integer" },
    },
  },
  HospitalOptions: {
    type: "object",
    additionalProperties: false,
    description: "the options of `new Hospital(options)`, checked by the package (`INVALID_INPUT` naming the option): fixed for the hospital's life",
    properties: {
      slotMinutes: { type: "integer", description: "divides 1440; default 15" },
      defaultDurationMinutes: { type: "integer", description: "a multiple of slotMinutes; default 15" },
      timeZone: nullable({ type: "string", description: "an IANA time zone (`America/New_York`); absent or null: floating wall-clock times" }),
      locationTimeZones: nullable({ type: "object", additionalProperties: { type: "string" }, description: "locations with a zone of their own (needs timeZone)" }),
      minNoticeMinutes: nullable({ type: "integer" }),
      horizonDays: nullable({ type: "integer" }),
      preventPatientOverlap: { type: "boolean" },
      maxSnapshotBytes: { type: "integer", description: "16 KiB to 256 MiB; default 128 MiB" },
    },
  },
  NewKey: {
    type: "object",
    required: ["roles"],
    additionalProperties: false,
    properties: { roles: { type: "array", minItems: 1, uniqueItems: true, items: { enum: ROLES } }, label: { type: "string", maxLength: 200 } },
  },
  Key: { type: "object", required: KEY_REQUIRED, additionalProperties: false, properties: KEY_PROPERTIES },
  KeyWithSecret: {
    type: "object",
    required: [...KEY_REQUIRED, "key"],
    additionalProperties: false,
    properties: { ...KEY_PROPERTIES, key: { type: "string", pattern: "^drs_[a-z0-9-]+_k[a-z]{15}_[A-Za-z0-9_-]{43}$", description: "the key itself: shown here only" } },
  },
  SeedBooking: {
    type: "object",
    required: ["doctor_id", "location_id", "date", "time"],
    additionalProperties: false,
    properties: { doctor_id: { type: ["integer", "string"] }, location_id: { type: "integer", minimum: 1 }, date, time: hhmm },
  },
  SeedCancel: {
    type: "object",
    required: ["doctor_id", "date", "time"],
    additionalProperties: false,
    properties: { doctor_id: { type: ["integer", "string"] }, location_id: { type: "integer", minimum: 1 }, date, time: hhmm },
  },
  SeedNewDoctor: {
    type: "object",
    required: ["name", "locations", "schedule"],
    properties: { id: { type: ["integer", "string"] }, name: { type: "string" }, locations: { type: "array", items: { type: "string" } }, schedule: { type: "array", items: ref("ScheduleRule") } },
  },
  CreatedHospital: {
    type: "object",
    required: ["hospital", "key"],
    additionalProperties: false,
    properties: { hospital: { type: "string" }, key: ref("KeyWithSecret") },
  },
  ICalendar: {
    type: "string",
    pattern: "^BEGIN:VCALENDAR\\r\\n[\\s\\S]*END:VCALENDAR\\r\\n$",
    description: "an iCalendar (RFC 5545): one VEVENT per appointment, UID stable, SEQUENCE up with each reschedule and the cancellation, STATUS CONFIRMED / TENTATIVE (held) / CANCELLED, times in UTC (floating in a hospital without a timeZone); CRLF lines folded at 75 octets",
  },
  FhirBundle: {
    type: "object",
    required: ["resourceType", "type", "entry"],
    description: "a FHIR R4 Bundle of type collection: a Schedule per doctor and location, a Slot per free slot (free) and per booked or held appointment (busy, busy-tentative), an Appointment per appointment (booked → booked, held → pending, cancelled and expired → cancelled)",
    properties: {
      resourceType: { const: "Bundle" },
      type: { const: "collection" },
      entry: {
        type: "array",
        items: {
          type: "object",
          required: ["resource"],
          properties: {
            resource: { type: "object", required: ["resourceType", "id"], properties: { resourceType: { enum: ["Schedule", "Slot", "Appointment"] }, id: { type: "string" } } },
          },
        },
      },
    },
  },
  DeletedHospital: { type: "object", required: ["hospital", "deleted"], additionalProperties: false, properties: { hospital: { type: "string" }, deleted: { const: true } } },
};

/** The codes of each error status, from STATUS_BY_CODE. */
function codesByStatus() {
  const byStatus = new Map();
  for (const [code, s] of Object.entries(STATUS_BY_CODE)) {
    if (!byStatus.has(s)) byStatus.set(s, []);
    byStatus.get(s).push(code);
  }
  return byStatus;
}

const HEADERS = {
  "Retry-After": { description: "seconds to wait before retrying (429, and 503 when retrying helps)", schema: { type: "string" } },
  "WWW-Authenticate": { description: "`Bearer realm=\"dr-schedule\"`, with `error=\"invalid_token\"` when a key was sent (401)", schema: { type: "string" } },
  Allow: { description: "the methods of the path (405)", schema: { type: "string" } },
  Location: { description: "the path of what was created (201)", schema: { type: "string" } },
  Link: { description: "`<…>; rel=\"next\"`: the next page, when there is one", schema: { type: "string" } },
};

function errorResponses(byStatus) {
  const responses = {};
  for (const [s, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const headers = {};
    if (s === 401) headers["WWW-Authenticate"] = { $ref: "#/components/headers/WWW-Authenticate" };
    if (s === 405) headers.Allow = { $ref: "#/components/headers/Allow" };
    if (s === 429 || s === 503) headers["Retry-After"] = { $ref: "#/components/headers/Retry-After" };
    responses[String(s)] = {
      description: `an error: ${codes.map((c) => `\`${c}\``).join(", ")}`,
      headers: Object.keys(headers).length > 0 ? headers : undefined,
      content: { "application/json": { schema: { allOf: [ref("Error")], properties: { error: { properties: { code: { enum: codes } } } } } } },
    };
    if (responses[String(s)].headers === undefined) delete responses[String(s)].headers;
  }
  return responses;
}

/** The path of the OpenAPI document (`:id` → `{id}`) and its path parameters. */
function openApiPath(path) {
  const params = [];
  const text = path.replace(/:([A-Za-z]+)/g, (_, name) => {
    params.push({ name, in: "path", required: true, schema: { type: "string" }, description: "percent-decoded" });
    return `{${name}}`;
  });
  return { text, params };
}

function queryParameter(name, kind) {
  const { type, enum: values, description } = QUERY_PARAMETERS[name];
  const schema = values === undefined ? { type } : { type, enum: values };
  if (name === "limit" && kind !== undefined) {
    schema.minimum = 1;
    schema.maximum = LIST_LIMITS[kind].max;
    schema.default = LIST_LIMITS[kind].default;
  } else if (type === "integer") {
    schema.minimum = 0;
  } else if (type === "boolean") {
    schema.type = "string";
    schema.enum = ["true", "false"];
  }
  return { name, in: "query", required: false, schema, description };
}

/** Which LIST_LIMITS a list operation pages by. */
function listKind(op) {
  if (op.keys) return "keys";
  return op.success[1] === "Doctor" ? "doctors" : "appointments";
}

function operation(method, route, op, { prefix, prefixParams }) {
  const { params } = openApiPath(route.path);
  const [successStatus, schemaName, shape] = op.success;
  const kind = shape === "list" ? listKind(op) : undefined;
  const body = ref(schemaName);
  const successHeaders = {};
  if (successStatus === 201) successHeaders.Location = { $ref: "#/components/headers/Location" };
  if (shape === "list") successHeaders.Link = { $ref: "#/components/headers/Link" };
  const responses = {
    [String(successStatus)]: {
      description: op.summary,
      ...(Object.keys(successHeaders).length > 0 ? { headers: successHeaders } : {}),
      content: { [op.contentType ?? "application/json"]: { schema: shape === "list" ? { type: "array", items: body } : body } },
    },
  };
  // A known requestId answers 200 with the appointment it made before.
  if (op.assignsId && successStatus === 201) responses["200"] = { description: "a requestId seen before: the appointment it made", content: { "application/json": { schema: body } } };
  const result = {
    summary: op.summary,
    // Unique across a document that has a route both bare and under /hospitals/{hospital}.
    operationId: `${method.toLowerCase()}${prefix === "" ? "" : "Hospital"}${route.path.replace(/[/:](\w)/g, (_, c) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "")}`,
    tags: [route.seed ? "seed" : route.path.startsWith("/v1/keys") ? "keys" : "v1"],
    parameters: [...prefixParams, ...params, ...op.query.map((name) => queryParameter(name, name === "limit" ? kind : undefined))],
    security: op.role === "public" ? [] : op.keys ? [{ key: [] }, { operator: [] }] : [{ key: [] }],
    "x-role": op.role,
    responses,
  };
  if (op.body !== undefined) result.requestBody = { required: op.optionalBody !== true, content: { "application/json": { schema: ref(op.body) } } };
  if (result.parameters.length === 0) delete result.parameters;
  return result;
}

/**
 * The OpenAPI document. `worker: true` describes the Worker: the v1 API under
 * /hospitals/{hospital}, with PUT and DELETE /hospitals/{hospital}; otherwise the Node server's
 * routes, the seed API's included, and with `tenants: true` (a server of many hospitals) the
 * Worker's routes besides.
 */
export function openApiDocument({ worker = false, tenants = false } = {}) {
  const byStatus = codesByStatus();
  const hospitalParams = [{ name: "hospital", in: "path", required: true, schema: { type: "string", pattern: "^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$" } }];
  const paths = {};
  const addRoutes = (prefix, prefixParams) => {
    for (const route of API_ROUTES) {
      if (prefix !== "" && route.seed) continue;
      const item = {};
      for (const [method, op] of Object.entries(route.methods)) {
        item[method.toLowerCase()] = operation(method, route, op, { prefix, prefixParams });
        Object.assign(item[method.toLowerCase()].responses, errorResponses(byStatus));
      }
      paths[`${prefix}${openApiPath(route.path).text}`] = item;
    }
  };
  if (!worker) addRoutes("", []);
  if (worker || tenants) addRoutes("/hospitals/{hospital}", hospitalParams);
  if (worker || tenants) {
    const admin = (summary, success, schema) => ({
      summary,
      tags: ["hospitals"],
      parameters: hospitalParams,
      security: [{ operator: [] }],
      "x-role": "operator",
      responses: { [String(success)]: { description: summary, content: { "application/json": { schema: ref(schema) } } }, ...errorResponses(byStatus) },
    });
    paths["/hospitals/{hospital}"] = {
      put: {
        ...admin("Create the hospital, with its first key (every role), shown once", 201, "CreatedHospital"),
        operationId: "putHospital",
        requestBody: { required: false, description: "the hospital's options; no body: the defaults, without a time zone", content: { "application/json": { schema: ref("HospitalOptions") } } },
      },
      delete: { ...admin("Delete the hospital and everything it stores", 200, "DeletedHospital"), operationId: "deleteHospital" },
    };
  }
  paths["/openapi.json"] = {
    get: {
      summary: "This document",
      operationId: "getOpenApi",
      tags: ["meta"],
      security: [],
      "x-role": "public",
      responses: { 200: { description: "the OpenAPI document", content: { "application/json": { schema: { type: "object" } } } }, ...errorResponses(byStatus) },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: worker ? "dr-schedule hospitals (Cloudflare Worker)" : "dr-schedule REST server",
      version: "1.0.0",
      description:
        "Doctors, their hours and appointments. Every route but the public ones needs a key: `Authorization: Bearer drs_…`, " +
        "whose roles (`read`, `book`, `admin`; each operation's `x-role`) must include the route's. " +
        "Lists are pages: `limit` and `after`, and a `Link` header to the next page. Errors are `{ error: { code, message, details } }`.",
    },
    servers: [{ url: worker ? "https://hospitals.example" : "http://localhost:5000" }],
    tags: [
      { name: "v1", description: "the package's JS API, one to one" },
      ...(worker ? [] : [{ name: "seed", description: "the API of the server this project replaces" }]),
      ...(worker || tenants ? [{ name: "hospitals", description: "the operator's" }] : []),
      { name: "keys", description: "the hospital's API keys" },
      { name: "meta", description: "this document" },
    ],
    paths,
    components: {
      schemas: SCHEMAS,
      headers: HEADERS,
      securitySchemes: {
        key: { type: "http", scheme: "bearer", bearerFormat: "drs_<hospital>_<keyId>_<secret>", description: "a key of the hospital, with the roles the operation's x-role names" },
        operator: { type: "http", scheme: "bearer", description: "the operator credential: the keys routes, and the Worker's hospitals" },
      },
    },
  };
}
