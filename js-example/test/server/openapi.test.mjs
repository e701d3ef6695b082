// The OpenAPI 3.1 document (service/openapi.mjs): valid by a real validator, served at
// /openapi.json without a key, complete (every route, role and error code of the tables the
// server runs on), and in force: the harness checks every answer of the REST tests against it
// (openapi-check.mjs), which this file shows refuses what the document does not allow.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import { Hospital } from "dr-schedule";
import { API_ROUTES, STATUS_BY_CODE } from "../../service/api.mjs";
import { openApiDocument } from "../../service/openapi.mjs";
import { checkResponse, checked } from "./openapi-check.mjs";
import { client, expectError, request, startInProcess, stopAll } from "./harness.mjs";

after(stopAll);

test("the documents of the Node server (one hospital or many) and the Worker are valid OpenAPI 3.1; a broken one is not", async () => {
  for (const options of [{}, { tenants: true }, { worker: true }]) {
    const document = openApiDocument(options);
    assert.equal(document.openapi, "3.1.0");
    const result = await new Validator().validate(document);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
  }
  const broken = openApiDocument();
  broken.paths["/v1/doctors"].get.responses = "none";
  assert.equal((await new Validator().validate(broken)).valid, false, "the validator refuses a broken document");
});

test("served at /openapi.json to anyone, GET only; the same document", async () => {
  const server = await startInProcess();
  const res = await request(server.url, "GET", "/openapi.json", { auth: false });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, openApiDocument());
  expectError(assert, await request(server.url, "POST", "/openapi.json", { body: {} }), 405, "METHOD_NOT_ALLOWED");
  expectError(assert, await request(server.url, "GET", "/openapi.json", { headers: { host: "evil.example" } }), 400, "INVALID_HOST");
});

test("every route, role, parameter and error code is in the document, under /hospitals/{hospital} too where a server has many", () => {
  for (const [options, prefix] of [[{}, ""], [{ tenants: true }, ""], [{ tenants: true }, "/hospitals/{hospital}"], [{ worker: true }, "/hospitals/{hospital}"]]) {
    const document = openApiDocument(options);
    assert.equal(Boolean(document.paths["/hospitals/{hospital}"]?.put), Boolean(options.tenants || options.worker), "the operator's PUT of a hospital where there are many");
    for (const route of API_ROUTES) {
      if (prefix !== "" && route.seed) continue;
      const item = document.paths[`${prefix}${route.path.replace(/:([A-Za-z]+)/g, "{$1}")}`];
      assert.ok(item, `${route.path} is in the document`);
      for (const [method, op] of Object.entries(route.methods)) {
        const described = item[method.toLowerCase()];
        assert.ok(described, `${method} ${route.path}`);
        assert.equal(described["x-role"], op.role);
        assert.deepEqual(described.security, op.role === "public" ? [] : op.keys ? [{ key: [] }, { operator: [] }] : [{ key: [] }]);
        for (const name of op.query) assert.ok(described.parameters.some((p) => p.name === name && p.in === "query"), `${method} ${route.path} ?${name}`);
        assert.ok(described.responses[String(op.success[0])], `${method} ${route.path} ${op.success[0]}`);
        for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
          const codes = described.responses[String(status)]?.content["application/json"].schema.properties.error.properties.code.enum;
          assert.ok(codes?.includes(code), `${method} ${route.path}: ${code} under ${status}`);
        }
      }
    }
  }
});

test("the answers of the REST tests are checked against it, and a wrong one is refused", async () => {
  const server = await startInProcess();
  const api = client(server.url);
  const before = checked.count;
  await api.get("/v1/doctors");
  await api.post("/v1/appointments", { doctorId: "1", location: "1 Main St", start: "2019-02-01T11:00" });
  await api.get("/v1/doctors/nobody");
  assert.equal(checked.count, before + 3);
  const appointment = { id: "a1", doctorId: "1", location: "X", start: "2019-02-01T11:00", end: "2019-02-01T11:15", durationMinutes: 15, status: "booked" };
  checkResponse("GET", "/v1/appointments/a1", { status: 200, body: appointment });
  assert.throws(() => checkResponse("GET", "/v1/appointments/a1", { status: 200, body: { ...appointment, status: "gone" } }), /does not match/);
  assert.throws(() => checkResponse("GET", "/v1/appointments/a1", { status: 200, body: { ...appointment, secret: 1 } }), /does not match/);
  assert.throws(() => checkResponse("GET", "/v1/appointments/a1", { status: 201, body: appointment }), /does not list status 201/);
  assert.throws(() => checkResponse("GET", "/v1/appointments/a1", { status: 404, body: { error: { code: "SLOT_TAKEN", message: "", details: {} } } }), /does not match/);
  checkResponse("PUT", "/hospitals/north", { status: 409, body: { error: { code: "HOSPITAL_EXISTS", message: "exists", details: {} } } }, "worker");
});

test("the operator's PUT of a hospital documents its optional body: exactly the options the package takes", () => {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  for (const options of [{ tenants: true }, { worker: true }]) {
    const document = openApiDocument(options);
    const body = document.paths["/hospitals/{hospital}"].put.requestBody;
    assert.equal(body.required, false);
    assert.deepEqual(body.content["application/json"].schema, { $ref: "#/components/schemas/HospitalOptions" });
    const schema = document.components.schemas.HospitalOptions;
    // Every option a hospital reads back (all set here) is described, and nothing else.
    const h = new Hospital({ timeZone: "America/New_York", locationTimeZones: { A: "America/Chicago" }, minNoticeMinutes: 0, horizonDays: 30, preventPatientOverlap: true });
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(h.options).sort());
    const validate = ajv.compile({ ...document, $id: undefined, $ref: "#/components/schemas/HospitalOptions" });
    assert.equal(validate(h.options), true, JSON.stringify(validate.errors));
    h.free();
    assert.equal(validate({ timezone: "UTC" }), false);
  }
});

test("the exports' answers are documented with their own media types, and checked as such", () => {
  for (const worker of [false, true]) {
    const document = openApiDocument({ worker });
    const prefix = worker ? "/hospitals/{hospital}" : "";
    assert.deepEqual(Object.keys(document.paths[`${prefix}/v1/doctors/{id}/calendar.ics`].get.responses["200"].content), ["text/calendar"]);
    assert.deepEqual(Object.keys(document.paths[`${prefix}/v1/doctors/{id}/fhir`].get.responses["200"].content), ["application/fhir+json"]);
    // Their errors are JSON like every other.
    assert.ok(document.paths[`${prefix}/v1/doctors/{id}/fhir`].get.responses["400"].content["application/json"]);
  }
  const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";
  const calendar = "/v1/doctors/d1/calendar.ics?from=2025-11-01&to=2025-11-02";
  checkResponse("GET", calendar, { status: 200, text: ics, headers: { "content-type": "text/calendar; charset=utf-8" } });
  assert.throws(() => checkResponse("GET", calendar, { status: 200, text: ics, headers: { "content-type": "application/json; charset=utf-8" } }), /documented as text\/calendar/);
  assert.throws(() => checkResponse("GET", calendar, { status: 200, text: "hello", headers: { "content-type": "text/calendar" } }), /does not match/);
  const fhir = "/v1/doctors/d1/fhir?from=2025-11-01&to=2025-11-02";
  const bundle = { resourceType: "Bundle", type: "collection", entry: [] };
  checkResponse("GET", fhir, { status: 200, body: bundle, text: JSON.stringify(bundle), headers: { "content-type": "application/fhir+json; charset=utf-8" } });
  assert.throws(() => checkResponse("GET", fhir, { status: 200, body: { ...bundle, type: "searchset" }, headers: { "content-type": "application/fhir+json" } }), /does not match/);
  assert.throws(() => checkResponse("GET", fhir, { status: 200, body: bundle, headers: { "content-type": "application/json" } }), /documented as application\/fhir\+json/);
});
