// Helpers for the server tests: temporary databases, servers in this process or in child
// processes (server/main.mjs) on ephemeral loopback ports, and a small HTTP client.
// Every server and process started here is stopped by stopAll(), which each test file calls in
// its `after` hook.
//
// The store under test: SQLite by default; PostgreSQL when DR_SCHEDULE_TEST_DATABASE_URL is set
// (scripts/test.sh starts a server with scripts/postgres.sh and runs the server and service
// tests a second time so). Then tempDb() is a fresh schema of that database, as a URL
// (`?options=-c search_path=…`), and the servers get it as DR_SCHEDULE_DATABASE_URL. Tests of
// what only one store has say so with `onlyFor`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, nodeDigest } from "../../server/http.mjs";
import { openStore } from "../../server/stores.mjs";
import { Gateway } from "../../service/gateway.mjs";
import { HospitalService } from "../../service/hospital-service.mjs";
import { checkResponse } from "./openapi-check.mjs";

/**
 * The operator credential of every server the tests start. Each server, once listening, makes a
 * key with every role through it (POST /v1/keys, as an operator would), and `request` sends
 * that key unless the test sends an Authorization header of its own or `auth: false`.
 */
export const OPERATOR = "dro_tests-operator-credential-0123456789abcdefghijklmnop";
/** Rate limits high enough never to slow a test that is not about them. */
export const UNLIMITED = Object.freeze({ key: { perSecond: 1_000_000, burst: 1_000_000 }, failures: { perSecond: 1_000_000, burst: 1_000_000 } });
const keys = new Map();

/** The key `request` sends to the server at `baseUrl` (null if it could not make one). */
export function keyOf(baseUrl) {
  return keys.get(baseUrl) ?? null;
}

/** Makes a key with `roles` on the server at `baseUrl` through the operator credential: the key, or null (and the answer). */
export async function makeKey(baseUrl, roles = ["read", "book", "admin"], label = "tests") {
  // Its own connection, closed after: a kept-alive one would count against the per-client caps.
  const res = await request(baseUrl, "POST", "/v1/keys", { body: { roles, label }, headers: { authorization: `Bearer ${OPERATOR}`, connection: "close" } });
  return res.status === 201 ? res.body.key : null;
}

async function keyFor(baseUrl) {
  keys.set(baseUrl, await makeKey(baseUrl));
}

/** The PostgreSQL server the tests run against, or null for SQLite. */
export const POSTGRES_URL = process.env.DR_SCHEDULE_TEST_DATABASE_URL || null;
/** "sqlite" or "postgres". */
export const STORE = POSTGRES_URL === null ? "sqlite" : "postgres";

/** Test options for tests (and describes) of one store only: `{ skip }`. */
export function onlyFor(store) {
  return STORE === store ? {} : { skip: `${store} only (this run: ${STORE})` };
}

/** Whether `db` (from tempDb()) names a PostgreSQL database. */
export function isPostgres(db) {
  return /^postgres(ql)?:/.test(db);
}

/** The storage config of stores.mjs for a `db` of tempDb(). */
export function storageFor(db) {
  return isPostgres(db) ? { kind: "postgres", databaseUrl: db } : { kind: "sqlite", db };
}

/** The environment that points a server process at `db`. */
export function dbEnv(db) {
  return isPostgres(db) ? { DR_SCHEDULE_DATABASE_URL: db } : { DR_SCHEDULE_DB: db };
}

let schemas = 0;

/** A URL of `base` whose connections use a fresh schema (created by the store on first use). */
export function freshSchema(base = POSTGRES_URL) {
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=t${process.pid}_${Date.now().toString(36)}_${++schemas}`);
  return url.href;
}

export const MAIN = fileURLToPath(new URL("../../server/main.mjs", import.meta.url));

const cleanups = [];

/** A fresh directory, removed by stopAll(). */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "dr-schedule-server-test-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A new database: a file in a fresh directory (SQLite), or a fresh schema (PostgreSQL). */
export function tempDb() {
  return POSTGRES_URL === null ? join(tempDir(), "test.sqlite") : freshSchema();
}

/** Opens the store of `db` (a tempDb()) with the store's options; closed by stopAll(). */
export async function openTestStore(db, options = {}) {
  const store = await openStore(storageFor(db), options);
  cleanups.push(async () => store.close());
  return store;
}

/** A log that keeps its lines (`lines`) instead of printing them. */
export function memoryLog() {
  const lines = [];
  const add = (level) => (message, error) => lines.push(`${level} ${message}${error === undefined ? "" : ` ${error?.stack ?? error}`}`);
  return { lines, info: add("info"), warn: add("warn"), error: add("error") };
}

/**
 * A server in this process on an ephemeral port: { url, port, store, service, log, close() }.
 * `storeOptions` go to the store's open, `serviceOptions` to the service.
 */
export async function startInProcess({ db = tempDb(), storeOptions = {}, serviceOptions = {}, serverOptions = {}, gatewayOptions = {} } = {}) {
  const store = await openStore(storageFor(db), storeOptions);
  const log = memoryLog();
  const service = await new HospitalService({ store, log, ...serviceOptions }).open();
  const gateway = await Gateway.create({ operator: OPERATOR, rateLimits: UNLIMITED, digest: nodeDigest, ...gatewayOptions });
  const server = createServer({ service, gateway, log, ...serverOptions });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await service.close();
    await store.close();
  };
  cleanups.unshift(close);
  const url = `http://127.0.0.1:${port}`;
  await keyFor(url);
  return { url, port, store, service, log, server, db, close, key: keys.get(url) };
}

/**
 * A server process (node server/main.mjs) on an ephemeral port. Resolves once it logs its
 * listening line: { url, port, child, output(), stop(), kill(signal) }.
 */
export function startProcess({ db, env = {}, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, ...dbEnv(db), PORT: "0", HOST: "127.0.0.1", DR_SCHEDULE_OPERATOR_KEY: OPERATOR, DR_SCHEDULE_KEY_RATE: "1000000", DR_SCHEDULE_KEY_BURST: "1000000", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
    const kill = async (signal = "SIGKILL") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    };
    cleanups.unshift(() => kill("SIGKILL"));
    const timer = setTimeout(() => {
      kill("SIGKILL");
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    let listening = false;
    child.stdout.on("data", () => {
      const m = listening ? null : /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        listening = true;
        clearTimeout(timer);
        const port = Number(m[1]);
        const url = `http://127.0.0.1:${port}`;
        keyFor(url).then(
          () => resolve({ url, port, child, exited, output: () => out, stop: () => kill("SIGTERM"), kill, key: keys.get(url) }),
          (error) => reject(error),
        );
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}

/** Registers a child process started elsewhere, so that stopAll() kills it if it still runs. */
export function track(child) {
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", resolve);
  });
  cleanups.unshift(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  return child;
}

/** Stops every server and process and removes every directory this file created. */
export async function stopAll() {
  while (cleanups.length > 0) await cleanups.shift()();
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * One HTTP request. `body` (any value but undefined) is sent as JSON unless `raw` is given
 * (a string or Buffer sent as is). A request of any method but GET, HEAD and OPTIONS without
 * `raw` says `Content-Type: application/json` even without a body, as the API requires and as
 * a JSON client does. Resolves { status, headers, body (parsed JSON or undefined), text }.
 */
export function request(baseUrl, method, path, { body, raw, headers = {}, timeoutMs = 15_000, auth = true, localAddress = undefined } = {}) {
  const url = new URL(baseUrl); // `path` is sent exactly as given (it may start with "//")
  return new Promise((resolve, reject) => {
    let payload;
    const allHeaders = { ...headers };
    const key = keys.get(baseUrl.replace(/\/$/, ""));
    if (auth && key && !Object.keys(allHeaders).some((h) => h.toLowerCase() === "authorization")) allHeaders.authorization = `Bearer ${key}`;
    const typed = Object.keys(allHeaders).some((h) => h.toLowerCase() === "content-type");
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (raw === undefined && !typed && (body !== undefined || !["GET", "HEAD", "OPTIONS"].includes(method))) {
      allHeaders["content-type"] = "application/json";
    }
    if (payload !== undefined) allHeaders["content-length"] = Buffer.byteLength(payload);
    const req = http.request(
      { host: url.hostname, port: url.port, path, method, headers: allHeaders, ...(localAddress === undefined ? { agent } : { localAddress, agent: false }) },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => {
          let parsed;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const answer = { status: res.statusCode, headers: res.headers, body: parsed, text };
          try {
            checkResponse(method, path, answer);
          } catch (error) {
            reject(error);
            return;
          }
          resolve(answer);
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** A client bound to one server: api.get(path), api.post(path, body), … */
export function client(baseUrl) {
  const call = (method) => (path, body, options = {}) => request(baseUrl, method, path, { ...options, body });
  return { get: call("GET"), post: call("POST"), put: call("PUT"), patch: call("PATCH"), delete: call("DELETE"), url: baseUrl };
}

/**
 * Every item of a list route, page after page: follows each answer's `Link: <…>; rel="next"`
 * until a page has none. `path` may carry a query (its `limit` is the page size). Fails on any
 * status but 200. Resolves { items, pages }.
 */
export async function getAll(api, path, { maxPages = 100_000 } = {}) {
  const items = [];
  let pages = 0;
  for (let next = path; next !== null; ) {
    const res = await api.get(next);
    if (res.status !== 200) throw new Error(`GET ${next}: ${res.status} ${res.text}`);
    items.push(...res.body);
    pages += 1;
    if (pages > maxPages) throw new Error(`GET ${path}: more than ${maxPages} pages`);
    next = /^<([^>]+)>; rel="next"$/.exec(res.headers.link ?? "")?.[1] ?? null;
  }
  return { items, pages };
}

/** Asserts the error shape and returns the error object. */
export function expectError(assert, response, status, code) {
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status} ${response.text}`);
  assert.equal(response.headers["content-type"], "application/json; charset=utf-8");
  assert.equal(typeof response.body?.error?.message, "string", response.text);
  assert.equal(response.body.error.code, code, response.text);
  assert.equal(typeof response.body.error.details, "object");
  return response.body.error;
}

/** A doctor working every day round the clock at locations X and Y (96 slots a day). */
export function roundTheClock(id) {
  return {
    id,
    name: `Dr. ${id}`,
    locations: ["X", "Y"],
    schedule: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "00:00", end: "24:00" }],
  };
}

/** The n-th 15-minute slot from 2030-01-01T00:00, as `YYYY-MM-DDTHH:MM`. */
export function nthSlot(n) {
  const day = new Date(Date.UTC(2030, 0, 1) + Math.floor(n / 96) * 86_400_000).toISOString().slice(0, 10);
  const minutes = (n % 96) * 15;
  return `${day}T${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** Every hospital route answers 503 `code`; /health too, with the reason in its details. */
export async function assertUnavailable(proc, code, reason) {
  const assert = (await import("node:assert/strict")).default;
  const api = client(proc.url);
  for (const [method, path, body] of [
    ["GET", "/v1/doctors"],
    ["GET", "/appointments/1"],
    ["POST", "/v1/appointments", { doctorId: "1", location: "1 Main St", start: "2019-02-01T11:00" }],
    ["POST", "/appointment", { doctor_id: 1, location_id: 1, date: "2019-02-01", time: "11:00" }],
  ]) {
    expectError(assert, await api[method.toLowerCase()](path, body), 503, code);
  }
  const health = await api.get("/health");
  const error = expectError(assert, health, 503, code);
  if (reason !== undefined) assert.equal(error.details.reason, reason);
  assert.doesNotMatch(health.text, /\/tmp|\bat /, "no paths or stacks in answers");
  // Unknown routes are still just unknown.
  expectError(assert, await api.get("/nowhere"), 404, "ROUTE_NOT_FOUND");
  return error;
}
