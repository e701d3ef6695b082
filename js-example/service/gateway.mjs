// Who may call a route, decided once for every transport: after the HTTP checks of http.mjs
// (host, origin, size, route, media type) and before a body is read or anything reaches a
// hospital. No transport and no storage here: a transport hands over the resolved route, the
// request's headers, who the client is, and the service of the hospital the path names.
//
// In order:
//   1. Routes that need no key (`role: "public"`: /health) pass.
//   2. A client address that has failed too often (unknown, malformed or wrong keys) is slowed:
//      429 RATE_LIMITED with Retry-After, before anything else is looked at.
//   3. A hospital that cannot be served answers its 503 (after giving it the chance to load).
//   4. The Authorization header: `Bearer drs_<hospital>_<keyId>_<secret>` (auth.mjs).
//      - none: 401 UNAUTHENTICATED, `WWW-Authenticate: Bearer realm="dr-schedule"`;
//      - malformed, unknown, revoked or rotated, or a wrong secret: 401 with
//        `error="invalid_token"`, and one failure for the client address;
//      - a key of another hospital: 404 HOSPITAL_NOT_FOUND, the answer a hospital that does not
//        exist gets, so that a key learns nothing about other hospitals (and one failure);
//      - the operator credential: only on the keys routes (an operator makes a hospital's first
//        admin key), 403 FORBIDDEN elsewhere.
//   5. The key's own rate (a token bucket per key): 429 RATE_LIMITED with Retry-After.
//   6. The key's roles must include the route's: 403 FORBIDDEN.
// A request that passes gets a principal for the service (which re-checks it per batch, so a
// key revoked meanwhile fails at once) and, for the routes that make a key, its random parts.
import { errorResponse, unauthenticated } from "./api.mjs";
import { RateLimiter, derivedAppointmentId, keyMaterial, operatorCheck, parseAuthorization, randomAppointmentId, validOperatorCredential, webDigest } from "./auth.mjs";

/** The ids a key without `read` is given (auth.mjs, randomAppointmentId), and the only ones it may act on. */
export const UNGUESSABLE_ID = /^a[a-z]{16}$/;

/** Requests per second and burst, per key; failed authentications per second and burst, per client address. */
export const DEFAULT_RATE_LIMITS = Object.freeze({
  key: Object.freeze({ perSecond: 100, burst: 200 }),
  failures: Object.freeze({ perSecond: 1, burst: 20 }),
});

function rateLimited(seconds, why) {
  return errorResponse("RATE_LIMITED", `${why}; retry in ${seconds} s`, { retryAfterSeconds: seconds }, { "retry-after": String(seconds) });
}

export class Gateway {
  #digest;
  #operator;
  #keys;
  #failures;

  /**
   * @param options.operator the operator credential (a string; see auth.mjs), or null: no operator
   * @param options.rateLimits `{ key: { perSecond, burst }, failures: { perSecond, burst } }`
   * @param options.digest `(text) => Promise<hex SHA-256>` (default: WebCrypto)
   * @param options.now the clock of the rate limits (tests)
   */
  static async create({ operator = null, rateLimits = DEFAULT_RATE_LIMITS, digest = webDigest, now = Date.now } = {}) {
    if (operator !== null && !validOperatorCredential(operator)) throw new RangeError("the operator credential must be dro_… or at least 32 printable characters");
    const verify = operator === null ? null : await operatorCheck(operator, digest);
    return new Gateway(verify, { ...DEFAULT_RATE_LIMITS, ...rateLimits }, digest, now);
  }

  constructor(operatorVerify, rateLimits, digest, now) {
    this.#operator = operatorVerify;
    this.#digest = digest;
    this.#keys = new RateLimiter({ ...rateLimits.key, now });
    this.#failures = new RateLimiter({ ...rateLimits.failures, now });
  }

  #failed(client, response) {
    this.#failures.take(client);
    return { error: response };
  }

  /**
   * Whether the Authorization header carries the operator credential: `{ ok: true }` or `{ error }`
   * (401, counted as a failure of `client`; 429 while `client` is slowed). For the routes that
   * only the operator may call (the Worker's PUT and DELETE /hospitals/{name}).
   */
  async operator({ authorization, client }) {
    const wait = this.#failures.peek(client);
    if (wait > 0) return { error: rateLimited(wait, "too many failed authentications from this address") };
    const credential = parseAuthorization(authorization);
    if (credential === null) return { error: unauthenticated("this route needs the operator credential", { reason: "missing" }) };
    if (credential.kind !== "operator" || this.#operator === null || !(await this.#operator(credential.token))) {
      return this.#failed(client, unauthenticated("not the operator credential", { reason: "unknown" }));
    }
    return { ok: true };
  }

  /** The random parts of a new key of `hospital` (for a hospital's first key). */
  newKey(hospital) {
    return keyMaterial(hospital, undefined, this.#digest);
  }

  /**
   * `{ route, authorization, client, hospital, service }`: the route resolve() found, the
   * Authorization header (or undefined), the client address's key (for the failure limit), the
   * hospital's name as keys carry it, and its HospitalService. Resolves `{ error }` (the response
   * to send) or `{ principal, newKey }` for service.handle and the request.
   */
  async authorize({ route, authorization, client, hospital, service }) {
    const op = route.op;
    if (op.role === "public") return { principal: null };
    const wait = this.#failures.peek(client);
    if (wait > 0) return { error: rateLimited(wait, "too many failed authentications from this address") };
    if (service.unavailableResponse() !== null) {
      await service.probe();
      const down = service.unavailableResponse();
      if (down !== null) return { error: down };
    }

    const credential = parseAuthorization(authorization);
    if (credential === null) return { error: unauthenticated("this route needs a key: Authorization: Bearer drs_…", { reason: "missing" }) };
    if (credential.kind === "malformed") return this.#failed(client, unauthenticated("the Authorization header is not Bearer and a key", { reason: "malformed" }));
    if (credential.kind === "operator") {
      if (this.#operator === null || !(await this.#operator(credential.token))) return this.#failed(client, unauthenticated("not a key of this hospital", { reason: "unknown" }));
      if (op.keys !== true) return { error: errorResponse("FORBIDDEN", "the operator credential manages keys; use a key of the hospital for its other routes", { role: op.role }) };
      return { principal: { keyId: "operator", operator: true, mayRead: true }, newKey: op.mintsKey ? await keyMaterial(hospital, route.params.id, this.#digest) : undefined };
    }
    if (credential.hospital !== hospital) return this.#failed(client, errorResponse("HOSPITAL_NOT_FOUND", `no hospital ${JSON.stringify(hospital)}`, {}));

    const hash = await this.#digest(credential.token);
    let found;
    try {
      found = await service.authenticate(credential.keyId, hash);
    } catch (response) {
      // The keys cannot be read: the service's 503.
      return { error: response };
    }
    if (found === null) return this.#failed(client, unauthenticated("not a key of this hospital (unknown, revoked or rotated)", { reason: "unknown" }));
    const rate = this.#keys.take(credential.keyId);
    if (rate > 0) return { error: rateLimited(rate, "too many requests with this key") };
    if (!found.row.roles.includes(op.role)) {
      return { error: errorResponse("FORBIDDEN", `this route needs a key with the role ${JSON.stringify(op.role)}`, { role: op.role, roles: found.row.roles }) };
    }
    const mayRead = found.row.roles.includes("read");
    if (!mayRead) {
      // A key that may not read (a web checkout) acts only on the appointments it made, whose
      // ids it was given and no one can guess: another id is, to it, an id that does not exist.
      if (op.byTime === true) return { error: errorResponse("FORBIDDEN", "a key without the read role cannot cancel by time: cancel by the id it was given", { role: "read", roles: found.row.roles }) };
      if (op.byId === true && !UNGUESSABLE_ID.test(route.params.id)) {
        return { error: errorResponse("APPOINTMENT_NOT_FOUND", `no appointment with id ${JSON.stringify(route.params.id)}`, { appointmentId: route.params.id }) };
      }
    }
    const principal = { keyId: credential.keyId, hash, keyring: found.keyring, mayRead, salt: mayRead ? undefined : found.row.salt };
    return { principal, newKey: op.mintsKey ? await keyMaterial(hospital, route.params.id, this.#digest) : undefined };
  }

  /**
   * The appointment id a request of `principal` that creates one gets (`op.assignsId`), or
   * undefined: for a key without `read`, one no one can guess, derived from its requestId (the
   * same for each retry by that key) or random. Keys that may read get the hospital's own ids.
   */
  async appointmentId(route, principal, body) {
    if (route.op.assignsId !== true || principal?.salt === undefined) return undefined;
    const requestId = body !== null && typeof body === "object" ? body.requestId : undefined;
    return typeof requestId === "string" ? derivedAppointmentId(principal.salt, requestId, this.#digest) : randomAppointmentId();
  }
}
