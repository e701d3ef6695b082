// Keys, roles and limits of the REST server (issue 15), through HTTP: every route against every
// role, what a key of another server or hospital gets, revocation and rotation, the operator
// credential, the per-key rate and the brute-force limit, and key secrets in no log line, stored
// row or answer.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { API_ROUTES } from "../../service/api.mjs";
import { DEFAULT_RATE_LIMITS } from "../../service/gateway.mjs";
import { OPERATOR, STORE, UNLIMITED, client, expectError, makeKey, onlyFor, request, startInProcess, startProcess, stopAll, tempDb } from "./harness.mjs";

after(stopAll);

const SAMPLE = { id: "1", doctorId: "1" };

/** Every route and method of the table, with sample path parameters. */
function everyOperation() {
  const operations = [];
  for (const route of API_ROUTES) {
    for (const [method, op] of Object.entries(route.methods)) {
      const path = route.path.replace(/:([A-Za-z]+)/g, (_, name) => {
        if (route.path.startsWith("/v1/keys")) return "kzzzzzzzzzzzzzzz";
        if (route.path.startsWith("/v1/appointments")) return "a999";
        return SAMPLE[name];
      });
      operations.push({ method, path, op });
    }
  }
  return operations;
}

describe("roles", () => {
  test("every route against every role: no key 401, a role too weak 403, the route's role gets through", async () => {
    const server = await startInProcess();
    const byRole = {};
    for (const role of ["read", "book", "admin"]) byRole[role] = await makeKey(server.url, [role], role);
    const operations = everyOperation();
    assert.ok(operations.length >= 25, `${operations.length} operations`);
    for (const { method, path, op } of operations) {
      const body = method === "GET" ? undefined : {};
      const anonymous = await request(server.url, method, path, { body, auth: false });
      if (op.role === "public") {
        assert.equal(anonymous.status, 200, `${method} ${path} needs no key`);
        continue;
      }
      const error = expectError(assert, anonymous, 401, "UNAUTHENTICATED");
      assert.equal(error.details.reason, "missing");
      assert.equal(anonymous.headers["www-authenticate"], 'Bearer realm="dr-schedule"');
      for (const [role, key] of Object.entries(byRole)) {
        const res = await request(server.url, method, path, { body, headers: { authorization: `Bearer ${key}` } });
        if (op.byTime && role === op.role) {
          // Cancelling by time needs read too: a book-only key may act only on its own bookings.
          expectError(assert, res, 403, "FORBIDDEN");
        } else if (role === op.role) {
          assert.ok(res.status !== 401 && res.status !== 403, `${method} ${path} with ${role}: ${res.status} ${res.text}`);
        } else {
          const refused = expectError(assert, res, 403, "FORBIDDEN");
          assert.equal(refused.details.role, op.role, `${method} ${path}`);
          assert.deepEqual(refused.details.roles, [role]);
        }
      }
    }
  });

  test("a book-only key books, and is not told which appointment is in its way", async () => {
    const server = await startInProcess();
    const checkout = client(server.url);
    const key = await makeKey(server.url, ["book"], "checkout");
    const as = { headers: { authorization: `Bearer ${key}` } };
    const booking = { doctorId: "1", location: "1 Main St", start: "2019-02-01T11:00", patient: "p-1" };
    const first = await checkout.post("/v1/appointments", { ...booking, requestId: "cart-1" }, as);
    assert.equal(first.status, 201);
    // Its ids are unguessable, and a retry of its request gets the same one.
    assert.match(first.body.id, /^a[a-z]{16}$/);
    const retry = await checkout.post("/v1/appointments", { ...booking, requestId: "cart-1" }, as);
    assert.equal(retry.status, 200);
    assert.equal(retry.body.id, first.body.id);
    // It acts only on those: an id of the hospital's own sequence is, to it, no appointment.
    const frontDesk = await checkout.post("/v1/appointments", { ...booking, start: "2019-02-01T12:00", patient: "p-3" });
    assert.match(frontDesk.body.id, /^a\d+$/);
    for (const action of ["cancel", "confirm", "reschedule"]) {
      expectError(assert, await checkout.post(`/v1/appointments/${frontDesk.body.id}/${action}`, { start: "2019-02-01T13:00", now: "2019-01-01T00:00" }, as), 404, "APPOINTMENT_NOT_FOUND");
    }
    expectError(assert, await checkout.patch(`/v1/appointments/${frontDesk.body.id}`, { notes: "x" }, as), 404, "APPOINTMENT_NOT_FOUND");
    expectError(assert, await checkout.delete("/appointment", { doctor_id: 1, date: "2019-02-01", time: "12:00" }, as), 403, "FORBIDDEN");
    assert.equal((await checkout.get(`/v1/appointments/${frontDesk.body.id}`)).body.status, "booked");
    const taken = expectError(assert, await checkout.post("/v1/appointments", { ...booking, patient: "p-2" }, as), 409, "SLOT_TAKEN");
    assert.ok(!JSON.stringify(taken).includes(first.body.id), JSON.stringify(taken));
    expectError(assert, await checkout.get(`/v1/appointments/${first.body.id}`, undefined, as), 403, "FORBIDDEN");
    // A key with read is told (it may read the appointment anyway).
    const full = expectError(assert, await checkout.post("/v1/appointments", { ...booking, patient: "p-2" }), 409, "SLOT_TAKEN");
    assert.equal(full.details.conflictingAppointmentId, first.body.id);
    // Its own booking it can change and cancel.
    assert.equal((await checkout.patch(`/v1/appointments/${first.body.id}`, { notes: "gift wrap" }, as)).status, 200);
    assert.equal((await checkout.post(`/v1/appointments/${first.body.id}/cancel`, undefined, as)).status, 200);
  });
});

describe("keys that are not this hospital's", () => {
  test("unknown, malformed, another server's, another hospital's, revoked and rotated keys", async () => {
    const a = await startInProcess();
    const b = await startInProcess();
    const invalid = async (url, authorization, reason, status = 401, code = "UNAUTHENTICATED") => {
      const res = await request(url, "GET", "/v1/doctors", { headers: { authorization } });
      const error = expectError(assert, res, status, code);
      if (status === 401) {
        assert.equal(error.details.reason, reason, authorization);
        assert.equal(res.headers["www-authenticate"], 'Bearer realm="dr-schedule", error="invalid_token"');
      }
      return error;
    };
    // A's key on B (both hospitals are "demo", in two databases): unknown there, on every route,
    // and B is unchanged.
    const before = (await request(b.url, "GET", "/health")).body;
    for (const { method, path, op } of everyOperation()) {
      if (op.role === "public") continue;
      const res = await request(b.url, method, path, { body: method === "GET" ? undefined : {}, headers: { authorization: `Bearer ${a.key}` } });
      expectError(assert, res, 401, "UNAUTHENTICATED");
    }
    assert.deepEqual((await request(b.url, "GET", "/health")).body, before);
    await invalid(a.url, `Bearer ${a.key.slice(0, -2)}${a.key.endsWith("xx") ? "yy" : "xx"}`, "unknown");
    await invalid(a.url, `Basic ${Buffer.from("user:pass").toString("base64")}`, "malformed");
    await invalid(a.url, "Bearer drs_demo_short", "malformed");
    // A key naming another hospital: the answer a hospital that does not exist gets.
    const other = a.key.replace(/^drs_demo_/, "drs_north_");
    await invalid(a.url, `Bearer ${other}`, undefined, 404, "HOSPITAL_NOT_FOUND");

    // Revoked: fails at once; rotated: the old secret fails, the new one works.
    const admin = client(a.url);
    const temp = await makeKey(a.url, ["read"], "temp");
    const tempId = temp.split("_")[2];
    assert.equal((await request(a.url, "GET", "/v1/doctors", { headers: { authorization: `Bearer ${temp}` } })).status, 200);
    const revoked = await admin.delete(`/v1/keys/${tempId}`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.ok(revoked.body.revoked);
    await invalid(a.url, `Bearer ${temp}`, "unknown");
    expectError(assert, await admin.post(`/v1/keys/${tempId}/rotate`), 409, "KEY_REVOKED");
    const reader = await makeKey(a.url, ["read"], "reader");
    const readerId = reader.split("_")[2];
    const rotated = await admin.post(`/v1/keys/${readerId}/rotate`);
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.body.key, reader);
    assert.ok(rotated.body.key.startsWith(`drs_demo_${readerId}_`));
    await invalid(a.url, `Bearer ${reader}`, "unknown");
    assert.equal((await request(a.url, "GET", "/v1/doctors", { headers: { authorization: `Bearer ${rotated.body.key}` } })).status, 200);
    // Listed without secrets or hashes.
    const listed = await admin.get("/v1/keys");
    assert.equal(listed.status, 200);
    assert.equal(listed.body.length, 3, "the tests' key, temp and reader");
    for (const key of listed.body) for (const hidden of ["key", "hash", "salt"]) assert.ok(!Object.hasOwn(key, hidden));
    expectError(assert, await admin.get("/v1/keys/kzzzzzzzzzzzzzzz"), 404, "KEY_NOT_FOUND");
  });

  test("the operator credential: keys routes only; a wrong one is 401", async () => {
    const server = await startInProcess();
    const operator = { authorization: `Bearer ${OPERATOR}` };
    expectError(assert, await request(server.url, "GET", "/v1/doctors", { headers: operator }), 403, "FORBIDDEN");
    expectError(assert, await request(server.url, "POST", "/appointment", { body: {}, headers: operator }), 403, "FORBIDDEN");
    assert.equal((await request(server.url, "GET", "/v1/keys", { headers: operator })).status, 200);
    const wrong = await request(server.url, "GET", "/v1/keys", { headers: { authorization: `Bearer dro_${"x".repeat(43)}` } });
    expectError(assert, wrong, 401, "UNAUTHENTICATED");
    const made = await request(server.url, "POST", "/v1/keys", { body: { roles: ["admin"] }, headers: operator });
    assert.equal(made.body.createdBy, "operator");
    expectError(assert, await request(server.url, "POST", "/v1/keys", { body: { roles: ["root"] }, headers: operator }), 400, "INVALID_INPUT");
    expectError(assert, await request(server.url, "POST", "/v1/keys", { body: { roles: ["read"], label: "x".repeat(201) }, headers: operator }), 400, "INVALID_INPUT");
  });
});

describe("rate limits", () => {
  test("a brute force of unknown keys from one address ends in 429 with Retry-After; a valid key from another address keeps working", async () => {
    const server = await startInProcess({ gatewayOptions: { rateLimits: { key: UNLIMITED.key, failures: DEFAULT_RATE_LIMITS.failures } } });
    const statuses = [];
    let limited;
    for (let i = 0; i < DEFAULT_RATE_LIMITS.failures.burst + 10; i++) {
      const guess = `drs_demo_k${"abcdefghijklmno"}_${Buffer.from(String(i).padStart(32, "0")).toString("base64url").slice(0, 43)}`;
      const res = await request(server.url, "GET", "/v1/doctors", { headers: { authorization: `Bearer ${guess}` } });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      // Meanwhile a client at another address is served.
      if (i % 5 === 0) assert.equal((await request(server.url, "GET", "/v1/doctors", { localAddress: "127.0.0.2" })).status, 200);
    }
    assert.deepEqual(statuses.slice(0, DEFAULT_RATE_LIMITS.failures.burst), Array(DEFAULT_RATE_LIMITS.failures.burst).fill(401));
    assert.ok(statuses.slice(DEFAULT_RATE_LIMITS.failures.burst).every((s) => s === 429), statuses.join(","));
    expectError(assert, limited, 429, "RATE_LIMITED");
    assert.ok(Number(limited.headers["retry-after"]) >= 1);
    // The limited address is refused even with a valid key until it has waited.
    expectError(assert, await request(server.url, "GET", "/v1/doctors"), 429, "RATE_LIMITED");
  });

  test("each key has its own token bucket", async () => {
    const server = await startInProcess({ gatewayOptions: { rateLimits: { key: { perSecond: 1, burst: 3 }, failures: UNLIMITED.failures } } });
    const other = await makeKey(server.url, ["read"]);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await request(server.url, "GET", "/v1/doctors")).status);
    // makeKey's request did not count: the operator credential is not a key.
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const limited = expectError(assert, await request(server.url, "GET", "/v1/doctors"), 429, "RATE_LIMITED");
    assert.ok(limited.details.retryAfterSeconds >= 1);
    assert.equal((await request(server.url, "GET", "/v1/doctors", { headers: { authorization: `Bearer ${other}` } })).status, 200);
  });
});

describe("secrets", () => {
  test("no key secret in any log line, answer but its making, or stored byte", { timeout: 30_000 }, async () => {
    const db = tempDb();
    const proc = await startProcess({ db });
    const api = client(proc.url);
    assert.ok(proc.key, `the harness made a key: ${proc.output()}`);
    const made = [proc.key];
    for (const roles of [["read"], ["book"], ["admin", "read"]]) made.push(await makeKey(proc.url, roles));
    assert.ok(made.every((key) => typeof key === "string"), String(made));
    const answers = [];
    for (const key of made) {
      const as = { headers: { authorization: `Bearer ${key}` } };
      answers.push(await api.post("/v1/appointments", { doctorId: "1", location: "1 Main St", start: "2019-02-01T11:00" }, as));
      answers.push(await api.get("/v1/keys", undefined, as));
      answers.push(await api.get("/v1/doctors/nobody", undefined, as));
    }
    const last = made.at(-1).split("_")[2];
    answers.push(await api.post(`/v1/keys/${last}/rotate`));
    answers.push(await api.delete(`/v1/keys/${last}`));
    made.push(answers.at(-2).body.key);
    await proc.stop();
    const secrets = made.map((key) => key.split("_").slice(3).join("_"));
    const texts = { log: proc.output(), answers: JSON.stringify(answers.filter((a) => a !== answers.at(-2)).map((a) => a.body)) };
    if (STORE === "sqlite") {
      const dir = dirname(db);
      texts.files = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(dir, e.name)).toString("latin1")).join("\n");
      assert.ok(texts.files.length > 10_000, "the database files were read");
    }
    for (const [where, text] of Object.entries(texts)) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `a key's secret is in the ${where}`);
    }
    assert.ok(!texts.log.includes(OPERATOR), "the operator credential is in the log");
  });

  test("the database holds only hashes", onlyFor("sqlite"), async () => {
    const server = await startInProcess();
    const key = await makeKey(server.url, ["read"]);
    const rows = await server.store.read((view) => view.loadKeys());
    const row = rows.rows.find((r) => key.includes(`_${r.id}_`));
    assert.match(row.hash, /^[0-9a-f]{64}$/);
    // The secret is everything after the id (base64url, which may hold "_").
    const secret = key.split("_").slice(3).join("_");
    assert.equal(secret.length, 43);
    assert.ok(!JSON.stringify(rows).includes(secret));
  });
});
