// The transport-free router under random requests: whatever the method, path, query and body,
// handle() answers (never throws) with a documented 2xx/4xx status and the error shape, and the
// hospital's revision moves only on a successful mutation. Deterministic (seeded PRNG), bounded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { STATUS_BY_CODE, handle, isMutation } from "../../service/api.mjs";
import { demoHospital } from "../../server/store.mjs";

function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = [
  "/health", "/appointment", "/appointments", "/appointments/1", "/appointments/2", "/appointments/%zz", "/doctors", "/doctor",
  "/doctor/1", "/doctor/2", "/doctor/d1", "/v1/doctors", "/v1/doctors/1", "/v1/doctors/2", "/v1/doctors/nobody",
  "/v1/doctors/1/appointments", "/v1/doctors/1/slots", "/v1/appointments", "/v1/appointments/a1", "/v1/appointments/a1/cancel",
  "/v1/appointments/a2/cancel", "/", "/v1", "/v1/doctors/", "//", "/v1/doctors/1/slots/x", "",
  "/v1/holds", "/v1/slots", "/v1/doctors/1/explain", "/v1/appointments/a1/confirm", "/v1/appointments/a1/reschedule",
];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const CALLS = [
  ["GET", "/health"], ["POST", "/appointment"], ["POST", "/appointment"], ["DELETE", "/appointment"], ["DELETE", "/appointments"],
  ["GET", "/appointments/1"], ["GET", "/doctors"], ["POST", "/doctor"], ["GET", "/doctor/1"], ["PUT", "/doctor/2"],
  ["DELETE", "/doctor/d1"], ["GET", "/v1/doctors"], ["POST", "/v1/doctors"], ["GET", "/v1/doctors/2"], ["PATCH", "/v1/doctors/1"],
  ["DELETE", "/v1/doctors/d2"], ["POST", "/v1/appointments"], ["POST", "/v1/appointments"], ["GET", "/v1/appointments/a1"],
  ["POST", "/v1/appointments/a1/cancel"], ["POST", "/v1/appointments/a3/cancel"], ["GET", "/v1/doctors/1/appointments"],
  ["GET", "/v1/doctors/2/slots"], ["POST", "/v1/holds"], ["POST", "/v1/holds"], ["POST", "/v1/appointments/a1/confirm"],
  ["POST", "/v1/appointments/a2/confirm"], ["POST", "/v1/appointments/a1/reschedule"], ["POST", "/v1/appointments/a2/reschedule"],
  ["GET", "/v1/slots"], ["GET", "/v1/doctors/1/explain"], ["GET", "/v1/doctors/2/explain"],
];
const QUERIES = [
  "", "from=2019-02-01&to=2019-02-01", "from=2019-02-01&to=2019-02-01&limit=3", "limit=abc", "durationMinutes=30&from=2019-02-04&to=2019-02-08",
  "status=all", "status=cancelled&from=2019-02-01", "cancelAppointments=true", "cancel_appointments=true", "location=1%20Main%20St&from=2019-02-01&to=2019-02-02",
  "x=1", "from=2019-02-30&to=2019-03-01", "limit=1&limit=2", "from=2019-01-01&to=2020-06-01",
  "from=2019-02-01&to=2019-02-08&limit=5", "from=2019-02-01&to=2019-02-01&limit=3&doctorIds=1,2&location=9%20Elm%20Ave",
  "from=2019-02-01&to=2019-02-01&limit=3&now=2019-02-01T10:00", "status=held&now=2019-02-01T09:00", "location=1%20Main%20St&start=2019-02-01T11:00",
  "location=22%20Oak%20Rd&start=2019-02-04T13:00&durationMinutes=30&patient=p1&now=2019-01-31T09:00",
];
const VALUES = [
  undefined, null, 0, -1, 1, 2, 1.5, 1e308, "", "1", "2", "a1", "x".repeat(300), "2019-02-01", "11:00", "2019-02-01T11:00",
  "1 Main St", "9 Elm Ave", "22 Oak Rd", true, [], {}, ["fri"], [{ days: ["fri"], start: "09:00", end: "17:00" }], "\ud800",
];
const FIELDS = [
  "doctor_id", "location_id", "date", "time", "doctorId", "location", "start", "durationMinutes", "patient", "requestId", "id",
  "name", "locations", "schedule", "reason", "__proto__", "constructor", "now", "ttlMinutes", "overrides", "timeOff",
];

function randomBody(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const roll = random();
  if (roll < 0.1) return undefined;
  if (roll < 0.15) return pick(VALUES);
  if (roll < 0.35) return { doctor_id: pick([1, 2, "1"]), location_id: pick([1, 2, 3]), date: pick(["2019-02-01", "2019-02-04", "2019-02-02"]), time: pick(["09:00", "11:00", "11:15", "16:45", "17:00"]) };
  if (roll < 0.45) return { name: "Dr. Random", locations: [pick(["1 Main St", "Q"])], schedule: [{ days: ["fri", "mon"], start: "09:00", end: "17:00" }] };
  if (roll < 0.55) return { doctorId: pick(["1", "2"]), location: pick(["1 Main St", "9 Elm Ave", "22 Oak Rd"]), start: pick(["2019-02-01T09:00", "2019-02-01T11:00", "2019-02-04T13:00"]), durationMinutes: pick([15, 30, 45]), requestId: pick([undefined, "r1", "r2"]) };
  if (roll < 0.62) return { doctorId: pick(["1", "2"]), location: pick(["1 Main St", "9 Elm Ave", "22 Oak Rd"]), start: pick(["2019-02-01T09:00", "2019-02-01T11:00", "2019-02-04T13:00"]), now: pick(["2019-01-31T09:00", "2019-02-01T10:00"]), ttlMinutes: pick([1, 10, 0]) };
  if (roll < 0.68) return { start: pick(["2019-02-01T09:15", "2019-02-04T13:15", "2019-02-01T17:00"]), now: pick([undefined, "2019-01-31T09:05", "2019-02-02T00:00"]), location: pick([undefined, "9 Elm Ave"]) };
  const body = {};
  const n = Math.floor(random() * 5);
  for (let i = 0; i < n; i++) body[pick(FIELDS)] = pick(VALUES);
  return body;
}

test("3000 random requests: always an answer, a known status, the error shape; revision moves only on 2xx writes", (t) => {
  const random = prng(20190201);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const h = demoHospital();
  const statuses = {};
  const known = new Set([200, 201, ...Object.values(STATUS_BY_CODE).filter((s) => s < 500)]);
  for (let i = 0; i < 3000; i++) {
    const [method, path] = random() < 0.8 ? pick(CALLS) : [pick(METHODS), pick(PATHS)];
    const request = { method, path, query: new URLSearchParams(random() < 0.5 ? "" : pick(QUERIES)), headers: {}, body: randomBody(random) };
    const before = h.revision;
    const label = `#${i} ${request.method} ${request.path}?${request.query} ${JSON.stringify(request.body)}`;
    const response = handle(h, request);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    assert.ok(known.has(response.status), `${label} → ${response.status} ${JSON.stringify(response.body)}`);
    if (response.status >= 400) {
      assert.equal(typeof response.body.error.code, "string", label);
      assert.equal(typeof response.body.error.message, "string", label);
      assert.equal(typeof response.body.error.details, "object", label);
      assert.equal(STATUS_BY_CODE[response.body.error.code], response.status, label);
      assert.equal(h.revision, before, `${label}: a failed request changed the revision`);
    } else {
      assert.doesNotThrow(() => JSON.stringify(response.body));
      if (!isMutation(request)) assert.equal(h.revision, before, label);
    }
  }
  // The run exercised successes and failures alike.
  t.diagnostic(`statuses: ${JSON.stringify(statuses)}`);
  for (const status of [200, 201, 400, 404, 405, 409, 422]) assert.ok(statuses[status] > 0, `no ${status} in ${JSON.stringify(statuses)}`);
});
