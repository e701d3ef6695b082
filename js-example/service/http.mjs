// The HTTP conventions of both servers, written once: what a request must carry before anything
// reaches a hospital, how its body is read, and what every response looks like. No transport
// here either: the node:http server (../server/http.mjs) and the Durable Object
// (../worker/hospital-object.mjs) hand over plain values (a method, the request target as it
// came on the wire, lower-case header names) and write back what these functions return.
//
// In order, before a body is read (precheck):
//   1. Host (Node only; the Worker's host is its deployment's): present, once, and one of the
//      configured names, which also closes DNS rebinding: 400 INVALID_HOST.
//   2. Not a browser request made for a page of another origin: `Sec-Fetch-Site`, when sent,
//      must be `same-origin` or `none` (typed by the user), and `Origin`, when sent, must be
//      this server's own origin: 403 CROSS_SITE_REQUEST. Clients that are not browsers send
//      neither and are not affected.
//   3. A declared Content-Length over the body limit: 413 PAYLOAD_TOO_LARGE.
//   4. The route: 404 ROUTE_NOT_FOUND, 405 METHOD_NOT_ALLOWED (with Allow).
//   5. A state-changing request (any method but GET, HEAD, OPTIONS) carries
//      `Content-Type: application/json` even with an empty body: 415 UNSUPPORTED_MEDIA_TYPE.
//      A browser can send a cross-site POST without a preflight only with a form's types
//      (text/plain, application/x-www-form-urlencoded, multipart/form-data) or none at all
//      (sendBeacon, `fetch` in no-cors mode), so none of those can change anything.
// Then the body (parseBody): at most the limit, UTF-8, well-formed JSON: 413, 415, 400.
import { errorResponse, resolve } from "./api.mjs";

/** The largest request body accepted by default: 64 KiB. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Methods that never change anything; every other method needs a JSON Content-Type. */
export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The headers of every response, before the answer's own (`allow`, `location`, `retry-after`). */
export const RESPONSE_HEADERS = Object.freeze({
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
});

/**
 * `{ status, headers, payload }` of a plain response, ready for any transport to write. A
 * transport answering HEAD sends the headers (Content-Length included: the payload's) and not
 * the payload.
 */
export function serialize({ status, body, text, headers }) {
  // `text`: an answer that is not JSON (its own content-type in `headers`).
  const payload = text !== undefined ? text : body === undefined ? "" : JSON.stringify(body);
  return { status, headers: { ...RESPONSE_HEADERS, ...headers }, payload };
}

/** `application/json` or `application/…+json`, with no charset or charset=utf-8. */
export function isJsonContentType(value) {
  if (typeof value !== "string") return false;
  const [type, ...params] = value.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json" && !/^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type)) return false;
  return params.every((param) => {
    const [name, raw = ""] = param.split("=", 2).map((s) => s.trim());
    return name !== "charset" || raw.replace(/^"(.*)"$/, "$1") === "utf-8";
  });
}

/** The 413 answer for a body over `limit` bytes. */
export function tooLarge(limit, headers = undefined) {
  return errorResponse("PAYLOAD_TOO_LARGE", `the request body exceeds ${limit} bytes`, { limit }, headers);
}

function unsupportedMediaType(contentType, why) {
  return errorResponse("UNSUPPORTED_MEDIA_TYPE", `${why} must be application/json (utf-8), not ${contentType ?? "untyped"}`, {
    contentType: contentType ?? null,
  });
}

/**
 * The path and query of a request target (`/v1/doctors?x=1`), split as strings: the path is
 * never re-parsed as a URL, so `//evil.example/…` stays a path (and no route has an empty
 * segment) instead of becoming a host.
 */
export function splitTarget(target) {
  const text = typeof target === "string" ? target : "";
  const q = text.indexOf("?");
  return { path: q === -1 ? text : text.slice(0, q), query: new URLSearchParams(q === -1 ? "" : text.slice(q + 1)) };
}

const HOSPITAL_PATH = /^\/hospitals\/([^/]*)(\/.*)?$/;
const HOSPITAL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The Worker's URL convention, `/hospitals/{name}/…`: `{ name, path, basePath }` (`path` being
 * what follows the name, a path of the API), or `{ error }`. Plain string work on the path as it
 * came; an empty segment after the name (`/hospitals/x//evil.example/v1/doctors`) is refused.
 */
export function hospitalPath(path) {
  const match = HOSPITAL_PATH.exec(path);
  if (match === null || match[2] === undefined) {
    return { error: errorResponse("ROUTE_NOT_FOUND", `no route ${path} (try /hospitals/{name}/v1/doctors)`, { path }) };
  }
  const [, name, rest] = match;
  if (!HOSPITAL_NAME.test(name)) return { error: errorResponse("INVALID_INPUT", "hospital: 1 to 64 of A-Z a-z 0-9 _ . -", { field: "hospital" }) };
  if (rest.split("/").slice(1).includes("")) return { error: errorResponse("ROUTE_NOT_FOUND", `no route ${rest}`, { path: rest }) };
  return { name, path: rest, basePath: `/hospitals/${name}` };
}

/** `host` or `host:port` → { name, port } (lower case; IPv6 in brackets), or null if malformed. */
export function parseHost(value) {
  if (typeof value !== "string") return null;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::([0-9]{1,5}))?$/.exec(value.trim().toLowerCase());
  return m === null ? null : { name: m[1], port: m[2] };
}

/** The names a server listening on `host` answers to by default: the loopback names and `host`. */
export function defaultAllowedHosts(host) {
  const names = ["localhost", "127.0.0.1", "[::1]"];
  const own = parseHost(host?.includes(":") && !host.startsWith("[") ? `[${host}]` : host);
  // 0.0.0.0 and :: are not names a client can use; whoever listens there sets the names.
  if (own !== null && !["0.0.0.0", "[::]"].includes(own.name) && !names.includes(own.name)) names.push(own.name);
  return names;
}

/**
 * Whether a Host header value is allowed by `allowed`: entries are names (any port),
 * `name:port` (that port only) or `*` (any host).
 */
export function hostAllowed(value, allowed) {
  if (allowed.includes("*")) return true;
  const host = parseHost(value);
  if (host === null) return false;
  return allowed.some((entry) => {
    const want = parseHost(entry);
    return want !== null && want.name === host.name && (want.port === undefined || want.port === (host.port ?? "80"));
  });
}

function crossSite(message, details) {
  return errorResponse("CROSS_SITE_REQUEST", `${message}: a page of another origin cannot use this API`, details);
}

/**
 * 403 for a request a browser sends on behalf of a page of another origin, or null. `headers`
 * has lower-case names. `Origin` must name this server's own origin (its scheme is not checked:
 * a TLS proxy may sit in front); `null` (a sandboxed or file page) is refused.
 */
export function crossSiteCheck(headers) {
  const site = headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return crossSite(`Sec-Fetch-Site is ${JSON.stringify(site)}`, { header: "sec-fetch-site", value: String(site) });
  }
  const origin = headers.origin;
  if (origin === undefined) return null;
  let originHost = null;
  try {
    const url = new URL(origin); // a header value, not our path: parsing it is the point
    if ((url.protocol === "http:" || url.protocol === "https:") && url.origin === origin.toLowerCase().replace(/\/$/, "")) originHost = url.host;
  } catch {
    // not a URL: refused below
  }
  const host = headers.host;
  if (originHost === null || typeof host !== "string" || originHost !== host.trim().toLowerCase()) {
    return crossSite(`Origin ${JSON.stringify(String(origin))} is not this server's`, { header: "origin", value: String(origin) });
  }
  return null;
}

/**
 * Everything that is checked before a body is read (see the top of the file). `request` is
 * `{ method, path, headers }` with lower-case header names; `options`: `allowedHosts` (omit to
 * skip the Host check), `bodyLimit`, `seedApi`. Returns `{ error }` or `{ route }`.
 */
export function precheck(request, { allowedHosts, bodyLimit = DEFAULT_BODY_LIMIT, seedApi = true } = {}) {
  const { method, headers } = request;
  if (allowedHosts !== undefined) {
    const host = headers.host;
    if (typeof host !== "string" || host === "" || host.includes(",")) {
      return { error: errorResponse("INVALID_HOST", "the request needs exactly one Host header", { host: host ?? null }) };
    }
    if (!hostAllowed(host, allowedHosts)) {
      return { error: errorResponse("INVALID_HOST", `this server does not answer to the host ${JSON.stringify(host)}`, { host }) };
    }
  }
  const refused = crossSiteCheck(headers);
  if (refused !== null) return { error: refused };
  const declared = headers["content-length"];
  if (declared !== undefined && Number(declared) > bodyLimit) return { error: tooLarge(bodyLimit) };
  const route = resolve(request, { seedApi });
  if (route.error) return { error: route.error };
  if (!SAFE_METHODS.has(method) && !isJsonContentType(headers["content-type"])) {
    return { error: unsupportedMediaType(headers["content-type"], `the Content-Type of a ${method} request, even without a body,`) };
  }
  return { route };
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * The body of a request as api.mjs takes it: `{ body }` (undefined when there were no bytes),
 * or `{ error }`, the 415 or 400 response to send instead. `bytes` is a Uint8Array (a Buffer is
 * one); `contentType` the request's Content-Type header, if any.
 */
export function parseBody(bytes, contentType) {
  if (bytes.length === 0) return { body: undefined };
  if (!isJsonContentType(contentType)) return { error: unsupportedMediaType(contentType, "a request body") };
  let text;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { error: errorResponse("INVALID_INPUT", "body: not valid UTF-8", { field: "body" }) };
  }
  try {
    return { body: JSON.parse(text) };
  } catch (error) {
    return { error: errorResponse("INVALID_INPUT", `body: malformed JSON (${error.message})`, { field: "body" }) };
  }
}
