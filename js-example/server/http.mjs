// The node:http transport of the REST server: sockets in, plain requests to the service
// (../service/hospital-service.mjs) out, under the HTTP conventions of ../service/http.mjs.
// What is Node's own is here:
//
// - Connections: at most `maxConnections` in total and `maxConnectionsPerClient` from one client
//   address (an IPv6 client by its /64); a connection over either cap is answered 503
//   TOO_MANY_CONNECTIONS and closed at once, so one client cannot starve the others.
// - Slow clients: the request headers must arrive within `headersTimeoutMs` and the whole
//   request within `requestTimeoutMs`; idle keep-alive connections close after 5 s. The sweep
//   that enforces both runs every second (Node's default is 30 s).
// - The request line and Host: only HTTP/1.0 and 1.1 (an HTTP/0.9-style line without a version
//   is 400 BAD_REQUEST), and exactly one Host header (node:http keeps the first of two, so the
//   raw headers are counted here). Node's lenient parser (`insecureHTTPParser`) stays off.
// - A client that goes away or times out (an abort, a 408) is a client's failure: one short log
//   line, never an "internal error" with a stack.
import { createHash } from "node:crypto";
import http from "node:http";
import { errorResponse, methodNotAllowed } from "../service/api.mjs";
import { DEFAULT_BODY_LIMIT, crossSiteCheck, defaultAllowedHosts, hospitalPath, hostAllowed, isJsonContentType, parseBody, precheck, serialize, splitTarget, tooLarge } from "../service/http.mjs";
import { HOSPITAL_NAME, publicKey } from "../service/auth.mjs";
import { emptyHospital, hospitalOptionsOf } from "../service/hospital-options.mjs";
import { openApiDocument } from "../service/openapi.mjs";
import { consoleLog } from "../service/hospital-service.mjs";
import { StoreBusyError, StoreUnreachableError } from "../service/storage.mjs";

export { DEFAULT_BODY_LIMIT, isJsonContentType } from "../service/http.mjs";

/**
 * SHA-256 in hex through node:crypto: about 1 µs on this thread, where WebCrypto's (the
 * gateway's default, for workerd) costs 40-60 µs of a round trip to the thread pool per request.
 */
export async function nodeDigest(text) {
  return createHash("sha256").update(text).digest("hex");
}

/** The name of the Node server's hospital, as its keys carry it (`drs_demo_…`). */
export const DEFAULT_HOSPITAL = "demo";

/** The defaults of the connection settings (README, "The REST server"). */
export const CONNECTION_DEFAULTS = Object.freeze({
  maxConnections: 1000,
  maxConnectionsPerClient: 256,
  headersTimeoutMs: 5000,
  requestTimeoutMs: 15_000,
});

/** The request ended (the client closed its connection or Node timed it out) before its body did. */
class ClientGone extends Error {
  constructor(what) {
    super(what);
    this.name = "ClientGone";
  }
}

/** Reads the body into a Buffer, or resolves null as soon as it exceeds `limit` bytes. */
function readBody(req, limit) {
  return new Promise((resolvePromise, reject) => {
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        resolvePromise(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolvePromise(Buffer.concat(chunks, size));
    };
    const onGone = () => {
      cleanup();
      reject(new ClientGone("the connection closed before the request body was complete"));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("close", onGone);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", onGone);
  });
}

/** Writes a plain response; to HEAD, its headers only (with the Content-Length GET would have). */
function send(res, response) {
  const { status, headers, payload } = serialize(response);
  headers["content-length"] = Buffer.byteLength(payload);
  res.writeHead(status, headers);
  res.end(res.req?.method === "HEAD" ? undefined : payload);
}

/** A raw HTTP/1.1 response for a socket with no request object (clientError, refused connections). */
function rawResponse(response) {
  const { status, headers, payload } = serialize(response);
  const reason = http.STATUS_CODES[status] ?? "Error";
  const lines = Object.entries({ ...headers, "content-length": Buffer.byteLength(payload), connection: "close" }).map(([k, v]) => `${k}: ${v}`);
  return `HTTP/1.1 ${status} ${reason}\r\n${lines.join("\r\n")}\r\n\r\n${payload}`;
}

/**
 * 413, then close the connection: the rest of the body is read and thrown away for at most a
 * few seconds (so the client sees the answer rather than a reset), then the socket is destroyed.
 */
function sendTooLarge(req, res, limit) {
  res.shouldKeepAlive = false;
  send(res, tooLarge(limit, { connection: "close" }));
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), 5000);
  timer.unref();
  req.socket.once("close", () => clearTimeout(timer));
}

/** The Host header as sent: its values joined, so that two of them are seen as two. */
function hostHeader(req) {
  const values = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === "host") values.push(req.rawHeaders[i + 1]);
  return values.length === 0 ? undefined : values.join(", ");
}

/** Who a client is for the per-client cap: its IPv4 address, or the /64 of its IPv6 address. */
export function clientKey(address) {
  if (typeof address !== "string") return "unknown";
  if (!address.includes(":") || address.startsWith("::ffff:")) return address.replace(/^::ffff:/, "");
  const [head, tail = ""] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

function clientLabel(req) {
  return `${req.socket?.remoteAddress ?? "?"} ${req.method} ${(req.url ?? "").slice(0, 200)}`;
}

/**
 * The request handler; exported for tests that want to mount it on their own server. `gateway`
 * (../service/gateway.mjs) decides who may call what; `hospital` is the name the hospital's keys
 * carry.
 */
export function createHandler({ service, gateway, tenants = null, hospital = DEFAULT_HOSPITAL, bodyLimit = DEFAULT_BODY_LIMIT, allowedHosts = defaultAllowedHosts("127.0.0.1"), log = consoleLog }) {
  if (gateway === undefined) throw new TypeError("createHandler needs a gateway: every route but /health needs a key");
  const openApi = { status: 200, body: openApiDocument({ tenants: tenants !== null }) };
  return async function onRequest(req, res) {
    if (req.socket.refused) {
      req.socket.destroy();
      return;
    }
    try {
      if (req.httpVersionMajor !== 1) {
        res.shouldKeepAlive = false;
        send(res, errorResponse("BAD_REQUEST", `HTTP/${req.httpVersion} is not served: send HTTP/1.1`, { httpVersion: req.httpVersion }, { connection: "close" }));
        return;
      }
      const { path, query } = splitTarget(req.url);
      const headers = { ...req.headers, host: hostHeader(req) };
      // The API's description: public, the same for everyone, served even when the hospital is not.
      if (path === "/openapi.json") {
        const host = headers.host;
        if (typeof host !== "string" || host.includes(",") || !hostAllowed(host, allowedHosts)) send(res, errorResponse("INVALID_HOST", "the request needs exactly one Host header this server answers to", { host: host ?? null }));
        else if (req.method !== "GET" && req.method !== "HEAD") send(res, methodNotAllowed(req.method, path, ["GET", "HEAD"]));
        else send(res, openApi);
        return;
      }
      if (tenants !== null && path.startsWith("/hospitals/")) {
        await tenantRequest(req, res, { path, query, headers, tenants, gateway, allowedHosts, bodyLimit });
        return;
      }
      const checked = precheck({ method: req.method, path, headers }, { allowedHosts, bodyLimit });
      if (checked.error) {
        if (checked.error.body.error.code === "PAYLOAD_TOO_LARGE") sendTooLarge(req, res, bodyLimit);
        else send(res, checked.error);
        return;
      }
      const authorized = await gateway.authorize({ route: checked.route, authorization: req.headers.authorization, client: clientKey(req.socket.remoteAddress), hospital, service });
      if (authorized.error) {
        send(res, authorized.error);
        return;
      }
      const bytes = await readBody(req, bodyLimit);
      if (bytes === null) {
        sendTooLarge(req, res, bodyLimit);
        return;
      }
      const parsed = parseBody(bytes, req.headers["content-type"]);
      if (parsed.error) {
        send(res, parsed.error);
        return;
      }
      const assignedId = await gateway.appointmentId(checked.route, authorized.principal, parsed.body);
      send(res, await service.handle({ method: req.method, path, query, body: parsed.body, newKey: authorized.newKey, assignedId }, checked.route, authorized.principal));
    } catch (error) {
      if (error instanceof ClientGone || res.destroyed) {
        log.warn(`client ${clientLabel(req)}: ${error instanceof ClientGone ? error.message : "gone before the answer"}`);
        return;
      }
      log.error("internal error:", error);
      if (!res.headersSent) send(res, errorResponse("INTERNAL", "internal error (see the server log)", {}));
      else res.destroy();
    }
  };
}

/** What a hospital that does not exist is to the gateway: one that no key opens. */
const NO_HOSPITAL = Object.freeze({ unavailableResponse: () => null, probe: async () => {}, authenticate: async () => null });

function hospitalNotFound(name) {
  return errorResponse("HOSPITAL_NOT_FOUND", `no hospital ${JSON.stringify(name)}`, {});
}

/** The 503 of a failure to reach the hospitals' database (PostgreSQL) while looking a hospital up, creating or deleting one. */
function storageFailure(error) {
  if (error instanceof StoreUnreachableError) return errorResponse("STORE_UNREACHABLE", "the database cannot be reached; nothing was changed", {}, { "retry-after": "1" });
  if (error instanceof StoreBusyError) return errorResponse("STORE_BUSY", error.message, {}, { "retry-after": "1" });
  return null;
}

/** Whether a hospital's answer says its database is gone or was replaced under this process. */
function databaseGone(response) {
  const error = response.status === 503 ? response.body?.error : undefined;
  return error?.code === "STORE_UNAVAILABLE" || (error?.code === "HOSPITAL_UNAVAILABLE" && error.details?.reason === "databaseMissing");
}

/**
 * A request under /hospitals/{name} of a server with many hospitals (tenants.mjs): the
 * operator's PUT and DELETE of a hospital, or a v1 route of one, as the Worker serves them.
 */
async function tenantRequest(req, res, { path, query, headers, tenants, gateway, allowedHosts, bodyLimit }) {
  const client = clientKey(req.socket.remoteAddress);
  const root = /^\/hospitals\/([^/]+)$/.exec(path);
  if (root !== null) {
    let answer;
    try {
      answer = await manageHospital(req.method, root[1], { headers, client, tenants, gateway, allowedHosts, bodyLimit, body: () => readBody(req, bodyLimit) });
    } catch (error) {
      const response = storageFailure(error);
      if (response === null) throw error;
      answer = { response };
    }
    if (answer.tooLarge) sendTooLarge(req, res, bodyLimit);
    else send(res, answer.response);
    return;
  }
  const target = hospitalPath(path);
  if (target.error) {
    send(res, target.error);
    return;
  }
  const checked = precheck({ method: req.method, path: target.path, headers }, { allowedHosts, bodyLimit, seedApi: false });
  if (checked.error) {
    if (checked.error.body.error.code === "PAYLOAD_TOO_LARGE") sendTooLarge(req, res, bodyLimit);
    else send(res, checked.error);
    return;
  }
  // The body is read once, by whichever call gets that far (null: over the limit).
  let body;
  const readOnce = () => (body ??= readBody(req, bodyLimit));
  for (let attempt = 0; ; attempt++) {
    let held;
    try {
      held = await tenants.acquire(target.name);
    } catch (error) {
      const response = storageFailure(error);
      if (response === null) throw error;
      send(res, response);
      return;
    }
    let answer;
    try {
      answer = await tenantCall(req, { query, checked, target, gateway, client, readOnce, service: held?.service ?? NO_HOSPITAL });
    } finally {
      held?.release();
    }
    // Another process deleted the hospital (or deleted it and created it again) while this one
    // held it, or this one deleted it during the request: closed here, and the request runs once
    // more on what the name is now. The first try acknowledged nothing (503 STORE_UNAVAILABLE).
    if (held != null && attempt === 0 && answer.response !== undefined && databaseGone(answer.response)) {
      await tenants.reopen(target.name, held.service);
      continue;
    }
    if (answer.tooLarge) sendTooLarge(req, res, bodyLimit);
    else send(res, answer.response);
    return;
  }
}

/** One try of a hospital's request: resolves `{ response }` or `{ tooLarge: true }`. */
async function tenantCall(req, { query, checked, target, gateway, client, readOnce, service }) {
  const authorized = await gateway.authorize({ route: checked.route, authorization: req.headers.authorization, client, hospital: target.name, service });
  if (authorized.error) return { response: authorized.error };
  if (service === NO_HOSPITAL) {
    // Only a public route (or the operator) gets here: an empty hospital's health, like the Worker's.
    return { response: checked.route.op.role === "public" ? { status: 200, body: { ok: true, revision: 0, doctors: 0 } } : hospitalNotFound(target.name) };
  }
  const bytes = await readOnce();
  if (bytes === null) return { tooLarge: true };
  const parsed = parseBody(bytes, req.headers["content-type"]);
  if (parsed.error) return { response: parsed.error };
  const assignedId = await gateway.appointmentId(checked.route, authorized.principal, parsed.body);
  return { response: await service.handle({ method: req.method, path: target.path, query, body: parsed.body, basePath: target.basePath, newKey: authorized.newKey, assignedId }, checked.route, authorized.principal) };
}

/**
 * PUT /hospitals/{name}: created with its first key (every role), and with the options of its
 * body, if any (hospital-options.mjs: `timeZone`, `locationTimeZones`, …, as `new Hospital`
 * takes them); DELETE: its database (file or schema) deleted. The operator's. Resolves
 * `{ response }`, or `{ tooLarge: true }` for a body over `bodyLimit` (`body()` reads it: bytes,
 * or null past the limit).
 */
async function manageHospital(method, name, { headers, client, tenants, gateway, allowedHosts, bodyLimit, body }) {
  const host = headers.host;
  if (typeof host !== "string" || host.includes(",") || !hostAllowed(host, allowedHosts)) return { response: errorResponse("INVALID_HOST", "the request needs exactly one Host header this server answers to", { host: host ?? null }) };
  if (method !== "PUT" && method !== "DELETE") return { response: methodNotAllowed(method, `/hospitals/${name}`, ["PUT", "DELETE"]) };
  const crossSite = crossSiteCheck(headers);
  if (crossSite !== null) return { response: crossSite };
  if (Number(headers["content-length"]) > bodyLimit) return { tooLarge: true };
  if (!isJsonContentType(headers["content-type"])) {
    return { response: errorResponse("UNSUPPORTED_MEDIA_TYPE", `the Content-Type of a ${method} request, even without a body, must be application/json (utf-8)`, { contentType: headers["content-type"] ?? null }) };
  }
  const operator = await gateway.operator({ authorization: headers.authorization, client });
  if (operator.error) return { response: operator.error };
  if (!HOSPITAL_NAME.test(name)) return { response: errorResponse("INVALID_INPUT", "hospital: 1 to 32 of a-z 0-9 and -, not starting or ending with -", { field: "hospital" }) };
  if (method === "DELETE") return { response: (await tenants.remove(name)) ? { status: 200, body: { hospital: name, deleted: true } } : hospitalNotFound(name) };
  const bytes = await body();
  if (bytes === null) return { tooLarge: true };
  const parsed = parseBody(bytes, headers["content-type"]);
  if (parsed.error) return { response: parsed.error };
  const given = hospitalOptionsOf(parsed.body);
  if (given.error) return { response: given.error };
  const material = await gateway.newKey(name);
  const row = { id: material.id, hash: material.hash, roles: ["read", "book", "admin"], label: "first admin key", salt: material.salt, created: new Date().toISOString(), createdBy: "operator", revoked: null, revokedBy: null, rotated: null };
  if (!(await tenants.create(name, [row], { seed: emptyHospital(given.options) }))) return { response: errorResponse("HOSPITAL_EXISTS", `hospital ${JSON.stringify(name)} exists`, { hospital: name }) };
  return { response: { status: 201, body: { hospital: name, key: { ...publicKey(row), key: material.token } }, headers: { location: `/hospitals/${name}/v1/keys/${row.id}` } } };
}

/**
 * An http.Server serving `service` (and, with `tenants`, the hospitals of tenants.mjs under
 * /hospitals/{name}). Options: `bodyLimit`, `allowedHosts` (names the Host header
 * may carry; see ../service/http.mjs), `maxConnections`, `maxConnectionsPerClient`,
 * `headersTimeoutMs`, `requestTimeoutMs` (defaults: CONNECTION_DEFAULTS), `log`.
 */
export function createServer(options) {
  const { maxConnections, maxConnectionsPerClient, headersTimeoutMs, requestTimeoutMs } = { ...CONNECTION_DEFAULTS, ...stripUndefined(options) };
  const log = options.log ?? consoleLog;
  const server = http.createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, headersTimeoutMs),
      keepAliveTimeout: 5000,
      insecureHTTPParser: false,
    },
    createHandler({ ...options, log }),
  );

  // Connections per client address, and in total.
  const perClient = new Map();
  let open = 0;
  server.on("connection", (socket) => {
    const key = clientKey(socket.remoteAddress);
    const mine = perClient.get(key) ?? 0;
    if (open >= maxConnections || mine >= maxConnectionsPerClient) {
      socket.refused = true;
      const which = open >= maxConnections ? `${maxConnections} in total` : `${maxConnectionsPerClient} from one client`;
      socket.end(rawResponse(errorResponse("TOO_MANY_CONNECTIONS", `too many connections (${which}); retry later`, {}, { "retry-after": "1" })), () => socket.destroy());
      socket.on("error", () => {});
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    open += 1;
    perClient.set(key, mine + 1);
    socket.once("close", () => {
      open -= 1;
      const left = perClient.get(key) - 1;
      if (left === 0) perClient.delete(key);
      else perClient.set(key, left);
    });
  });

  // A request Node could not parse or that timed out: answered with the error body, one log line.
  server.on("clientError", (error, socket) => {
    if (socket.refused || !socket.writable || socket._httpMessage?.headersSent || error.code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    const timeout = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
    const response = timeout
      ? errorResponse("REQUEST_TIMEOUT", `the request did not arrive in time (headers within ${headersTimeoutMs} ms, the whole request within ${requestTimeoutMs} ms)`, {})
      : errorResponse("BAD_REQUEST", `malformed HTTP request (${error.code ?? "parse error"})`, { reason: String(error.code ?? "") });
    if (error.code !== "HPE_INVALID_EOF_STATE") log.warn(`client ${socket.remoteAddress ?? "?"}: ${timeout ? "request timed out (408)" : `malformed request (${error.code})`}`);
    socket.end(rawResponse(response), () => socket.destroy());
  });
  return server;
}

function stripUndefined(object) {
  return Object.fromEntries(Object.entries(object ?? {}).filter(([, value]) => value !== undefined));
}
