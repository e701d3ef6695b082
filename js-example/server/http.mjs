// The node:http adapter: turns an HTTP request into the plain request of api.mjs, runs it through
// the store (a read or a write transaction), and writes the plain response back.
//
// Before anything reaches the engine: a body over `bodyLimit` bytes is refused with 413, a body
// whose Content-Type is not JSON with 415, a body that is not UTF-8 JSON with 400
// INVALID_INPUT (body.mjs, shared with the Durable Object of ../worker). Unknown routes get 404
// and wrong methods 405 (with Allow) without the body being parsed.
import http from "node:http";
import { errorResponse, handle, resolve } from "./api.mjs";
import { DEFAULT_BODY_LIMIT, parseBody, tooLarge } from "./body.mjs";
import { StoreBusyError } from "./store.mjs";

export { DEFAULT_BODY_LIMIT, isJsonContentType } from "./body.mjs";

/** A 5xx response of the handler: the store treats it as a failure and rebuilds its Hospital. */
class FailedResponse extends Error {
  constructor(response) {
    super(response.body?.error?.message ?? "failed response");
    this.response = response;
  }
}

/**
 * Answers a parsed request through `store`: GET in a read (after catching up with the
 * database), everything else in a write transaction that is committed before this returns.
 */
export function respond(store, request, { logError = defaultLogError } = {}) {
  const route = resolve(request);
  if (route.error) return route.error;
  const run = (hospital) => {
    const response = handle(hospital, request);
    if (response.status >= 500) throw new FailedResponse(response);
    return response;
  };
  try {
    return route.mutates ? store.write(run) : store.read(run);
  } catch (error) {
    if (error instanceof FailedResponse) return error.response;
    if (error instanceof StoreBusyError) return errorResponse("STORE_BUSY", error.message, {}, { "retry-after": "1" });
    logError(error);
    return errorResponse("INTERNAL", "internal error (see the server log); nothing was stored", {});
  }
}

function defaultLogError(error) {
  console.error(`[dr-schedule] ${new Date().toISOString()} internal error:`, error);
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
    const onError = (error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function send(res, response) {
  const payload = response.body === undefined ? "" : JSON.stringify(response.body);
  res.writeHead(response.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...response.headers,
  });
  res.end(payload);
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

/** The request handler; exported for tests that want to mount it on their own server. */
export function createHandler({ store, bodyLimit = DEFAULT_BODY_LIMIT, logError = defaultLogError }) {
  return async function onRequest(req, res) {
    try {
      const target = req.url ?? "";
      const q = target.indexOf("?");
      const request = {
        method: req.method,
        path: q === -1 ? target : target.slice(0, q),
        query: new URLSearchParams(q === -1 ? "" : target.slice(q + 1)),
        headers: req.headers,
        body: undefined,
      };
      const declared = req.headers["content-length"];
      if (declared !== undefined && Number(declared) > bodyLimit) return sendTooLarge(req, res, bodyLimit);
      const route = resolve(request);
      if (route.error) return send(res, route.error);
      const bytes = await readBody(req, bodyLimit);
      if (bytes === null) return sendTooLarge(req, res, bodyLimit);
      const parsed = parseBody(bytes, req.headers["content-type"]);
      if (parsed.error) return send(res, parsed.error);
      request.body = parsed.body;
      return send(res, respond(store, request, { logError }));
    } catch (error) {
      logError(error);
      if (!res.headersSent) send(res, errorResponse("INTERNAL", "internal error (see the server log)", {}));
      else res.destroy();
      return undefined;
    }
  };
}

/** An http.Server serving the API of `store`. */
export function createServer(options) {
  const server = http.createServer(createHandler(options));
  // Bounded: a client that trickles a request is cut off.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}
