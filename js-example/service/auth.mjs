// Who may call what: API keys, the operator credential, roles and rate limits, written once for
// the Node server and the Durable Object. No transport and no storage here, and no module
// imports: the only platform API used is `crypto.getRandomValues` (Node and workerd both have
// it); hashing is passed in (`digest`), synchronous in Node (node:crypto) and asynchronous in
// workerd (crypto.subtle).
//
// Keys. `drs_<hospital>_<keyId>_<secret>`: the hospital it belongs to, its id (`k` and 15 lower-
// case letters, the `actor` of every change it makes) and 32 random bytes (256 bits) in base64url.
// The hospital and the id are in the clear so that a key can be looked up without a search; only
// SHA-256 of the whole key is stored, and it is compared in constant time. A plain SHA-256 is
// enough for a secret of 256 random bits (nothing to guess from, nothing to precompute); a slow
// password hash would only slow every request. The key itself is shown once, when it is made.
//
// Roles. A key holds one or more of `read` (every GET route), `book` (book, hold, confirm,
// reschedule, cancel, update appointments) and `admin` (doctors and keys). They do not include
// each other: a web checkout's key can be `book` alone and then reads nothing, not even the
// appointments of other patients; a front desk's is `read` and `book`.
//
// The operator credential (`dro_…`, or any string of 32 characters or more that the operator
// sets) creates and deletes hospitals, each with its first admin key; it is not a key of any
// hospital.

export const ROLES = Object.freeze(["read", "book", "admin"]);

const HOSPITAL = "[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?";
/** A hospital name: 1 to 32 of a-z 0-9 and `-`, not starting or ending with `-` (a DNS label, a file name, a schema suffix). */
export const HOSPITAL_NAME = new RegExp(`^${HOSPITAL}$`);
const KEY = new RegExp(`^drs_(${HOSPITAL})_(k[a-z]{15})_([A-Za-z0-9_-]{43})$`);
const OPERATOR = /^dro_[A-Za-z0-9_-]{43}$/;
/** The shortest operator credential an operator may set. */
export const OPERATOR_MIN_LENGTH = 32;
/** Key ids as they appear in paths. */
export const KEY_ID = /^k[a-z]{15}$/;
/** A key's label: free text for people. */
export const MAX_LABEL_BYTES = 200;
/** The most keys a hospital stores, revoked ones included (they stay, with who revoked them). */
export const MAX_KEYS = 10_000;

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

function randomBytes(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

function base64url(bytes) {
  let text = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text += BASE64URL[(value >>> bits) & 63];
    }
  }
  if (bits > 0) text += BASE64URL[(value << (6 - bits)) & 63];
  return text;
}

/** `n` lower-case letters from `bytes` (one byte each; the bias of byte % 26 is immaterial here). */
function letters(bytes, n) {
  let text = "";
  for (let i = 0; i < n; i++) text += LETTERS[bytes[i] % 26];
  return text;
}

/** A new random secret: 32 bytes in base64url (43 characters, 256 bits). */
export function newSecret() {
  return base64url(randomBytes(32));
}

/** A new operator credential, `dro_…`. */
export function newOperatorCredential() {
  return `dro_${newSecret()}`;
}

/** A new key id: `k` and 15 letters (70 bits: unique per hospital, never a secret). */
export function newKeyId() {
  return `k${letters(randomBytes(15), 15)}`;
}

/**
 * An appointment id no one can guess: `a` and 16 letters (75 bits). Only letters, so that it never
 * reads as a sequential id (`a` and digits, which the engine numbers densely).
 */
export function randomAppointmentId() {
  return `a${letters(pooledRandomBytes(16), 16)}`;
}

/**
 * Random bytes for appointment ids, drawn 4 KiB at a time: one getRandomValues per 256 ids
 * instead of one per id (3-5 µs each in Node, a tenth of a booking's CPU). Each byte is handed
 * out once. Filled on first use: workerd allows no randomness at a module's top level.
 */
const idPool = { bytes: new Uint8Array(4096), at: 4096 };

function pooledRandomBytes(n) {
  if (idPool.at + n > idPool.bytes.length) {
    crypto.getRandomValues(idPool.bytes);
    idPool.at = 0;
  }
  const start = idPool.at;
  idPool.at += n;
  return idPool.bytes.subarray(start, start + n);
}

/**
 * The id of the appointment a request with `requestId` creates, from the key's salt: the same for
 * every retry of that request by that key (the package compares a retry with the request, id
 * included), different for another key, and unguessable without the salt, which only the store
 * holds. `digest(text)` → hex.
 */
export async function derivedAppointmentId(salt, requestId, digest) {
  const hex = await digest(`${salt}\n${requestId}`);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return `a${letters(bytes, 16)}`;
}

/** Hex SHA-256 of a string, through WebCrypto (asynchronous): the default `digest`. */
export async function webDigest(text) {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const byte of hash) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Whether two strings are equal, in time that depends only on their length. */
export function constantTimeEqual(a, b) {
  if (typeof a !== "string" || typeof b !== "string" || a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * What the Authorization header carries: null (none), `{ kind: "key", hospital, keyId, token }`,
 * `{ kind: "operator", token }` (a `dro_` credential, or any other bearer token that is not a
 * key: only the operator's check can accept it) or `{ kind: "malformed" }` (not `Bearer …`).
 */
export function parseAuthorization(value) {
  if (value === undefined || value === null || value === "") return null;
  const m = typeof value === "string" ? /^Bearer +([\x21-\x7e]{1,512})$/i.exec(value.trim()) : null;
  if (m === null) return { kind: "malformed" };
  const token = m[1];
  const key = KEY.exec(token);
  if (key !== null) return { kind: "key", hospital: key[1], keyId: key[2], token };
  if (token.startsWith("drs_")) return { kind: "malformed" };
  return { kind: "operator", token };
}

/** Whether `token` is an operator credential this deployment can be given (its own format, or long enough). */
export function validOperatorCredential(token) {
  return typeof token === "string" && (OPERATOR.test(token) || (/^[\x21-\x7e]+$/.test(token) && token.length >= OPERATOR_MIN_LENGTH));
}

/**
 * The operator's check: `verify(token)` resolves true for the configured credential. Only its
 * hash is kept in memory.
 */
export async function operatorCheck(credential, digest) {
  const expected = await digest(credential);
  return async (token) => constantTimeEqual(await digest(token), expected);
}

// ---------------------------------------------------------------------------------------------
// Keys as stored: `{ id, hash, roles: ["read", …], label, salt, created, createdBy, revoked,
// revokedBy, rotated }` (times as RFC 3339 text, absent ones null). The stores keep these rows in
// a `keys` table beside the hospital's; `version` counts the changes to them, so that a process
// sees another's revocation at its next batch.

/**
 * The random parts of a key of `hospital`: its id (new, or `keyId` when a key is rotated), the key
 * itself (`token`, shown once), its hash and a new salt.
 */
export async function keyMaterial(hospital, keyId, digest) {
  const id = keyId ?? newKeyId();
  const token = `drs_${hospital}_${id}_${newSecret()}`;
  return { id, token, hash: await digest(token), salt: newSecret() };
}

/** What the API shows of a key: never its hash or salt. */
export function publicKey(row) {
  const view = { id: row.id, roles: row.roles, label: row.label, created: row.created, createdBy: row.createdBy };
  if (row.rotated !== null) view.rotated = row.rotated;
  if (row.revoked !== null) {
    view.revoked = row.revoked;
    view.revokedBy = row.revokedBy;
  }
  return view;
}

/** The keys of one hospital at one version. Immutable: a change makes a new Keyring. */
export class Keyring {
  /** @param rows keys as stored; @param version the stores' count of key changes */
  constructor(rows = [], version = 0) {
    this.version = version;
    this.rows = rows;
    this.byId = new Map(rows.map((row) => [row.id, row]));
  }

  /** The live key with this id whose hash is `hash`, or null (unknown, revoked, wrong secret). */
  verify(keyId, hash) {
    const row = this.byId.get(keyId);
    if (row === undefined || row.revoked !== null) return null;
    return constantTimeEqual(row.hash, hash) ? row : null;
  }

  /** This keyring with `rows` added or replaced (by id), at `version`. */
  with(rows, version) {
    const byId = new Map(this.byId);
    for (const row of rows) byId.set(row.id, row);
    return new Keyring([...byId.values()], version);
  }
}

/** The roles of a request body's `roles`: a non-empty array of distinct known roles, or throws a message. */
export function checkRoles(roles) {
  if (!Array.isArray(roles) || roles.length === 0 || roles.length > ROLES.length) return `must be a non-empty array of ${ROLES.map((r) => `"${r}"`).join(", ")}`;
  for (const role of roles) if (!ROLES.includes(role)) return `${JSON.stringify(role)} is not a role (${ROLES.join(", ")})`;
  if (new Set(roles).size !== roles.length) return "names a role twice";
  return null;
}

// ---------------------------------------------------------------------------------------------
// Rate limits.

/**
 * Token buckets by name (a key, a client address): each holds up to `burst` tokens and gains
 * `perSecond` a second. At most `maxEntries` buckets are kept: past that, full ones (which say
 * nothing a new bucket would not) are dropped first, then the least recently used.
 */
export class RateLimiter {
  #perSecond;
  #burst;
  #maxEntries;
  #now;
  #buckets = new Map();

  constructor({ perSecond, burst, maxEntries = 100_000, now = Date.now }) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError(`bad rate limit ${perSecond}/s, burst ${burst}`);
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  #bucket(name) {
    const now = this.#now();
    let bucket = this.#buckets.get(name);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxEntries) this.#prune(now);
      bucket = { tokens: this.#burst, at: now };
    } else {
      bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond);
      bucket.at = now;
      this.#buckets.delete(name);
    }
    // Re-inserted: the map's order is the order of last use.
    this.#buckets.set(name, bucket);
    return bucket;
  }

  #prune(now) {
    for (const [name, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond >= this.#burst) this.#buckets.delete(name);
    }
    while (this.#buckets.size >= this.#maxEntries) this.#buckets.delete(this.#buckets.keys().next().value);
  }

  /** Takes a token: 0 if there was one, else the whole seconds until there is (for Retry-After). */
  take(name) {
    const bucket = this.#bucket(name);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.#wait(bucket);
  }

  /** 0 if `name` has a token left (none is taken), else the seconds until it has. */
  peek(name) {
    const bucket = this.#buckets.get(name);
    if (bucket === undefined) return 0;
    const tokens = Math.min(this.#burst, bucket.tokens + ((this.#now() - bucket.at) / 1000) * this.#perSecond);
    return tokens >= 1 ? 0 : this.#wait({ tokens });
  }

  #wait(bucket) {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perSecond));
  }
}
