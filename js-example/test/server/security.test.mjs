// Attacks on the Node server over real sockets, each with the headers a browser or an attacker
// sends: cross-site requests (a form, fetch in no-cors mode, sendBeacon) must not change
// anything; Host is checked (DNS rebinding); two Host headers and HTTP/0.9-style request lines
// are refused; slow and idle sockets are capped per client and cut, while other clients are
// served; a client that aborts or times out is one short log line, not an internal error.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { client, expectError, request, startInProcess, startProcess, stopAll, tempDb } from "./harness.mjs";

after(stopAll);

/**
 * Sends `text` as is on a new connection (from `localAddress`, default 127.0.0.1) and collects
 * what comes back until the server closes or `waitMs` passes. Resolves { status, headers, body,
 * raw, closed }.
 */
export function rawRequest(port, text, { localAddress = "127.0.0.1", waitMs = 3000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress }, () => socket.write(text));
    let raw = "";
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      const [head = "", payload = ""] = raw.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
      let body;
      try {
        body = JSON.parse(payload);
      } catch {
        body = undefined;
      }
      resolve({ status: Number(statusLine.split(" ")[1]) || undefined, headers, body, raw, closed });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, waitMs);
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => (raw += chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      closed = true;
      finish();
    });
  });
}

/** A request the way a browser page on http://evil.example sends it to this server. */
function browserHeaders(port, extra = {}) {
  return {
    host: `127.0.0.1:${port}`,
    origin: "http://evil.example",
    "sec-fetch-site": "cross-site",
    "user-agent": "Mozilla/5.0",
    ...extra,
  };
}

function httpText(method, path, headers, body = "") {
  const lines = Object.entries({ ...headers, "content-length": Buffer.byteLength(body), connection: "close" }).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n${body}`;
}

describe("cross-site requests change nothing", () => {
  let server;
  let api;
  let booked;
  before(async () => {
    server = await startInProcess();
    api = client(server.url);
    booked = (await api.post("/v1/appointments", { doctorId: "1", location: "1 Main St", start: "2019-02-01T11:00" })).body;
  });

  test("a form POST, fetch in no-cors mode and sendBeacon from another origin: 403 CROSS_SITE_REQUEST", async () => {
    const cancel = `/v1/appointments/${booked.id}/cancel`;
    const attempts = [
      // <form method=POST action=…> with no fields
      ["form", { "content-type": "application/x-www-form-urlencoded", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" }, ""],
      // fetch(url, { method: "POST", mode: "no-cors" })
      ["no-cors fetch", { "content-type": "text/plain;charset=UTF-8", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "empty" }, ""],
      // navigator.sendBeacon(url)
      ["sendBeacon", { "sec-fetch-mode": "no-cors", "sec-fetch-dest": "empty" }, ""],
      // a page of another port of the same host: same-site, still another origin
      ["same-site", { "content-type": "application/json", "sec-fetch-site": "same-site", origin: "http://127.0.0.1:8080" }, "{}"],
      // an older browser: Origin only
      ["Origin only", { "content-type": "application/json", "sec-fetch-site": undefined }, "{}"],
      // a sandboxed iframe or a file:// page
      ["Origin null", { "content-type": "application/json", origin: "null", "sec-fetch-site": undefined }, "{}"],
    ];
    for (const [what, extra, body] of attempts) {
      const headers = Object.fromEntries(Object.entries(browserHeaders(server.port, extra)).filter(([, v]) => v !== undefined));
      const res = await rawRequest(server.port, httpText("POST", cancel, headers, body));
      assert.equal(res.status, 403, `${what}: ${res.raw}`);
      assert.equal(res.body.error.code, "CROSS_SITE_REQUEST", what);
    }
    assert.equal((await api.get(`/v1/appointments/${booked.id}`)).body.status, "booked");
  });

  test("a state-changing request without Content-Type: application/json is 415, even with no body", async () => {
    const cancel = `/v1/appointments/${booked.id}/cancel`;
    for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const headers = type === undefined ? {} : { "content-type": type };
      const res = await request(server.url, "POST", cancel, { raw: "", headers });
      const error = expectError(assert, res, 415, "UNSUPPORTED_MEDIA_TYPE");
      assert.equal(error.details.contentType, type ?? null);
    }
    for (const [method, path] of [["DELETE", "/v1/doctors/2"], ["DELETE", "/doctor/2"], ["PATCH", "/v1/doctors/2"], ["POST", "/v1/holds"]]) {
      expectError(assert, await request(server.url, method, path, { raw: "" }), 415, "UNSUPPORTED_MEDIA_TYPE");
    }
    assert.equal((await api.get(`/v1/appointments/${booked.id}`)).body.status, "booked");
    assert.equal((await api.get("/v1/doctors/2")).status, 200);
  });

  test("the same requests from a client that is not a browser, or from this origin, work", async () => {
    const other = (await api.post("/v1/appointments", { doctorId: "1", location: "1 Main St", start: "2019-02-01T12:00" })).body;
    const own = { host: `127.0.0.1:${server.port}`, origin: `http://127.0.0.1:${server.port}`, "sec-fetch-site": "same-origin", "content-type": "application/json", authorization: `Bearer ${server.key}` };
    const res = await rawRequest(server.port, httpText("POST", `/v1/appointments/${other.id}/cancel`, own));
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.status, "cancelled");
    // A page the user typed in the address bar: Sec-Fetch-Site none.
    const typed = await rawRequest(server.port, httpText("GET", "/health", { host: `localhost:${server.port}`, "sec-fetch-site": "none" }));
    assert.equal(typed.status, 200);
    // curl and other programs send neither header; an empty cancel with the JSON type is fine.
    const bare = await api.post(`/v1/appointments/${booked.id}/cancel`);
    assert.equal(bare.status, 200, bare.text);
  });
});

describe("Host and the request line", () => {
  let server;
  before(async () => {
    server = await startInProcess();
  });

  test("a Host that is not one of the configured names is 400 INVALID_HOST (DNS rebinding)", async () => {
    for (const host of ["evil.example", `evil.example:${server.port}`, "127.0.0.1.nip.io", "localhost.evil.example", "", "a b"]) {
      const res = await rawRequest(server.port, httpText("GET", "/health", { host }));
      assert.equal(res.status, 400, `${host}: ${res.raw}`);
      assert.equal(res.body.error.code, "INVALID_HOST", `${host}: ${res.raw}`);
    }
    // A rebinding page also carries its own origin, which matches its Host: the Host check is what stops it.
    const rebound = await rawRequest(server.port, httpText("GET", "/v1/doctors", { host: `evil.example:${server.port}`, origin: `http://evil.example:${server.port}`, "sec-fetch-site": "same-origin" }));
    assert.equal(rebound.body.error.code, "INVALID_HOST");
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`, `[::1]:${server.port}`, "localhost"]) {
      const res = await rawRequest(server.port, httpText("GET", "/health", { host }));
      assert.equal(res.status, 200, `${host}: ${res.raw}`);
    }
  });

  test("two Host headers are 400 INVALID_HOST", async () => {
    const res = await rawRequest(server.port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
    assert.equal(res.status, 400, res.raw);
    assert.equal(res.body.error.code, "INVALID_HOST");
    const joined = await rawRequest(server.port, `GET /health HTTP/1.1\r\nHost: localhost, evil.example\r\nConnection: close\r\n\r\n`);
    assert.equal(joined.body.error.code, "INVALID_HOST");
  });

  test("HTTP/0.9-style request lines, other versions and HTTP/1.0 without Host are 400", async () => {
    for (const text of ["GET /health\r\n\r\n", "GET /health HTTP/0.9\r\n\r\n", `GET /health HTTP/2.0\r\nHost: localhost\r\n\r\n`, "GET /health HTTP/1.0\r\n\r\n"]) {
      const res = await rawRequest(server.port, text);
      assert.equal(res.status, 400, `${JSON.stringify(text)}: ${res.raw}`);
      assert.ok(["BAD_REQUEST", "INVALID_HOST"].includes(res.body.error.code), res.raw);
      assert.ok(res.closed, "the connection is closed");
    }
    // A well-formed HTTP/1.0 request with its Host is served.
    assert.equal((await rawRequest(server.port, "GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n")).status, 200);
  });

  test("DR_SCHEDULE_ALLOWED_HOSTS replaces the default names", async () => {
    const proc = await startProcess({ db: tempDb(), env: { DR_SCHEDULE_ALLOWED_HOSTS: "api.example.com, 127.0.0.1:1" } });
    const named = await rawRequest(proc.port, httpText("GET", "/health", { host: "api.example.com" }));
    assert.equal(named.status, 200, named.raw);
    assert.equal((await rawRequest(proc.port, httpText("GET", "/health", { host: `localhost:${proc.port}` }))).body.error.code, "INVALID_HOST");
    // With a port, only that port.
    assert.equal((await rawRequest(proc.port, httpText("GET", "/health", { host: `127.0.0.1:${proc.port}` }))).body.error.code, "INVALID_HOST");
    await proc.stop();
  });
});

describe("connections", () => {
  test("idle and slow sockets from one address: capped per client and cut by the header timeout; others are served", { timeout: 20_000 }, async (t) => {
    const server = await startInProcess({ serverOptions: { maxConnectionsPerClient: 50, headersTimeoutMs: 1000, requestTimeoutMs: 2000 } });
    const opened = [];
    const started = Date.now();
    const open = (localAddress, trickle) =>
      new Promise((resolve) => {
        const socket = net.connect({ port: server.port, host: "127.0.0.1", localAddress }, () => {
          if (trickle) {
            // Headers one line every 300 ms, never finished (slowloris).
            socket.write(`GET /health HTTP/1.1\r\nHost: localhost\r\n`);
            const timer = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), 300);
            socket.on("close", () => clearInterval(timer));
          }
          resolve();
        });
        const record = { socket, data: "", closedAfter: null };
        socket.setEncoding("utf8");
        socket.on("data", (chunk) => (record.data += chunk));
        socket.on("error", () => {});
        socket.on("close", () => (record.closedAfter = Date.now() - started));
        opened.push(record);
      });
    // 400 sockets from 127.0.0.1, half of them trickling headers, half idle.
    for (let i = 0; i < 400; i++) await open("127.0.0.1", i % 2 === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = opened.filter((r) => r.closedAfter !== null);
    assert.equal(refused.length, 350, "everything over the per-client cap is closed at once");
    assert.ok(refused.every((r) => r.data === "" || r.data.startsWith("HTTP/1.1 503")), refused[0]?.data);
    assert.match(refused.find((r) => r.data !== "")?.data ?? "", /TOO_MANY_CONNECTIONS/);

    // A client from another address is served at once, while the 50 are still open.
    const before = Date.now();
    const other = await rawRequest(server.port, httpText("GET", "/health", { host: "localhost" }), { localAddress: "127.0.0.2" });
    assert.equal(other.status, 200, other.raw);
    t.diagnostic(`another client served in ${Date.now() - before} ms with 50 slow sockets open from 127.0.0.1`);
    // From the capped address, a new connection is refused (503) until the slow ones are gone.
    assert.equal((await rawRequest(server.port, httpText("GET", "/health", { host: "localhost" }))).status, 503);

    // The header timeout (1 s, swept every second) cuts the 50, idle and trickling alike, with 408.
    const deadline = Date.now() + 5000;
    while (opened.some((r) => r.closedAfter === null) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const cut = opened.filter((r) => !refused.includes(r));
    assert.equal(cut.length, 50);
    for (const r of cut) {
      assert.ok(r.closedAfter !== null && r.closedAfter < 4000, `cut after ${r.closedAfter} ms`);
      assert.match(r.data, /^HTTP\/1\.1 408 /);
    }
    t.diagnostic(`slow sockets cut after ${Math.max(...cut.map((r) => r.closedAfter))} ms`);
    assert.equal((await rawRequest(server.port, httpText("GET", "/health", { host: "localhost" }))).status, 200);
    // Cut clients are one short line each, never an internal error.
    assert.ok(server.log.lines.every((line) => !line.includes("internal error")), server.log.lines.join("\n"));
  });

  test("at most DR_SCHEDULE_MAX_CONNECTIONS in total", async () => {
    const server = await startInProcess({ serverOptions: { maxConnections: 5 } });
    const sockets = [];
    for (let i = 0; i < 5; i++) {
      sockets.push(await new Promise((resolve) => {
        const s = net.connect({ port: server.port, host: "127.0.0.1", localAddress: `127.0.1.${i + 1}` }, () => resolve(s));
        s.on("error", () => {});
      }));
    }
    const sixth = await rawRequest(server.port, httpText("GET", "/health", { host: "localhost" }), { localAddress: "127.0.1.9" });
    assert.equal(sixth.status, 503);
    assert.equal(sixth.body.error.code, "TOO_MANY_CONNECTIONS");
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await rawRequest(server.port, httpText("GET", "/health", { host: "localhost" }))).status, 200);
  });
});

describe("clients that go away", () => {
  test("an aborted request and a 408 are one short log line each, not an internal error with a stack", { timeout: 20_000 }, async () => {
    const proc = await startProcess({ db: tempDb(), env: { DR_SCHEDULE_HEADERS_TIMEOUT_MS: "500", DR_SCHEDULE_REQUEST_TIMEOUT_MS: "1000" } });
    // The body is announced, half sent, and the client goes away.
    await new Promise((resolve) => {
      const socket = net.connect({ port: proc.port, host: "127.0.0.1" }, () => {
        socket.write(`POST /v1/appointments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${proc.key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"doctorId":`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 200);
      });
      socket.on("error", () => {});
    });
    // The body is announced and never finished: the request timeout answers 408.
    const timedOut = await rawRequest(proc.port, `POST /v1/appointments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${proc.key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`, { waitMs: 5000 });
    assert.equal(timedOut.status, 408, timedOut.raw);
    assert.equal(timedOut.body.error.code, "REQUEST_TIMEOUT");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await request(proc.url, "GET", "/health")).status, 200);
    const lines = proc.output().trim().split("\n").slice(1);
    assert.ok(lines.length >= 2 && lines.length <= 4, lines.join("\n"));
    for (const line of lines) {
      assert.match(line, /^\[dr-schedule\] client 127\.0\.0\.1/);
      assert.doesNotMatch(line, /internal error|\bat /);
    }
  });
});
