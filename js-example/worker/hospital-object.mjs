// One Durable Object per hospital: the v1 API of the REST server (the same service, routes,
// checks and answers: ../service), its hospital stored in the object's SQLite storage
// (storage.mjs). What differs from the Node server:
//
// - Only the v1 API and /health, under `/hospitals/{name}`; `Location` headers carry that prefix.
// - No Host check: a Worker answers only the hostnames its deployment routes to it, so DNS
//   rebinding cannot reach it; the cross-site checks (Origin, Sec-Fetch-Site, the JSON
//   Content-Type of every state-changing request) apply as in the Node server.
// - No connection caps or header timeouts: Cloudflare's edge owns the sockets.
// - One writer: Cloudflare runs at most one instance of an object, so the service never needs to
//   catch up; its queue still orders the requests, since a request awaits its body.
// - Keys (../service/gateway.mjs, the same checks as the Node server), stored as hashes in the
//   object's storage. A hospital exists once the operator made it: `PUT /hospitals/{name}` with
//   the operator credential (the Worker's OPERATOR_KEY secret) creates it with its first admin
//   key, shown once; `DELETE /hospitals/{name}` deletes everything the object stores. A name
//   that was never created answers as a hospital that no key opens (401, or 404 for a key of
//   another hospital), and stores nothing.
import { DurableObject } from "cloudflare:workers";
import { HOSPITAL_NAME, validOperatorCredential } from "../service/auth.mjs";
import { DEFAULT_COMPACT_MIN_BYTES, DEFAULT_COMPACT_PERCENT } from "../service/compaction.mjs";
import { errorResponse, methodNotAllowed, resolve } from "../service/api.mjs";
import { DEFAULT_RATE_LIMITS, Gateway } from "../service/gateway.mjs";
import { emptySnapshot, hospitalOptionsOf } from "../service/hospital-options.mjs";
import { HospitalService } from "../service/hospital-service.mjs";
import { DEFAULT_BODY_LIMIT, crossSiteCheck, hospitalPath, isJsonContentType, parseBody, precheck, tooLarge } from "../service/http.mjs";
import { integer, readSettings } from "../service/settings.mjs";
import { discardBody, plainHeaders, readBody, toResponse } from "./http.mjs";
import { DurableStore } from "./storage.mjs";

const SETTINGS = {
  compactPercent: integer("COMPACT_PERCENT", DEFAULT_COMPACT_PERCENT, 1, 100_000),
  compactMinBytes: integer("COMPACT_MIN_BYTES", DEFAULT_COMPACT_MIN_BYTES, 0, 2 ** 40),
  chunkBytes: integer("SNAPSHOT_CHUNK_BYTES", 1024 * 1024, 1, 2_000_000),
  operatorKey: {
    name: "OPERATOR_KEY",
    read(text) {
      if (!validOperatorCredential(text)) throw new Error("OPERATOR_KEY must be dro_… or at least 32 printable characters");
      return text;
    },
    fallback: null,
  },
  keyRate: integer("KEY_RATE", DEFAULT_RATE_LIMITS.key.perSecond, 1, 1_000_000),
  keyBurst: integer("KEY_BURST", DEFAULT_RATE_LIMITS.key.burst, 1, 1_000_000),
};

/** `/hospitals/{name}` itself: the operator's routes. */
const HOSPITAL_ROOT = /^\/hospitals\/([^/]+)$/;

/** Every role: a hospital's first key. */
const FIRST_KEY = Object.freeze({ roles: ["read", "book", "admin"], label: "first admin key" });

export class HospitalObject extends DurableObject {
  #service;
  #store;
  #settings;
  #gateway = null;

  constructor(ctx, env) {
    super(ctx, env);
    this.#settings = readSettings(env, SETTINGS);
    this.#service = this.#newService();
    // No request reaches the object before its hospital is rebuilt from storage.
    ctx.blockConcurrencyWhile(async () => {
      await this.#service.open();
      const { operatorKey, keyRate, keyBurst } = this.#settings;
      this.#gateway = await Gateway.create({ operator: operatorKey, rateLimits: { key: { perSecond: keyRate, burst: keyBurst } } });
    });
  }

  /** A service on a new store of the object's storage; `seed`: the snapshot of a hospital being created (DurableStore). */
  #newService(seed = null) {
    const settings = this.#settings;
    this.#store = new DurableStore(this.ctx.storage, { seed });
    return new HospitalService({
      store: this.#store,
      // No threads here: the service compacts between two batches (the same byte rule as the
      // Node server; an edge hospital is small, so toSnapshot() takes milliseconds).
      compaction: { percent: settings.compactPercent, minBytes: settings.compactMinBytes, chunkBytes: settings.chunkBytes },
      seedApi: false,
    });
  }

  async fetch(request) {
    return toResponse(await this.#answer(request), request.method);
  }

  /** The plain response (../service's) to a request. */
  async #answer(request) {
    const url = new URL(request.url);
    // The deployment's own host is the URL's: the origin a page of this worker would send.
    const headers = { ...plainHeaders(request), host: url.host };
    const client = headers["cf-connecting-ip"] ?? "unknown";
    const root = HOSPITAL_ROOT.exec(url.pathname);
    if (root !== null) {
      const answer = await this.#manage(request, root[1], headers, client);
      await discardBody(request, DEFAULT_BODY_LIMIT);
      return answer ?? tooLarge(DEFAULT_BODY_LIMIT);
    }
    const target = hospitalPath(url.pathname);
    if (target.error) return target.error;
    const query = url.searchParams;
    const checked = precheck({ method: request.method, path: target.path, headers }, { bodyLimit: DEFAULT_BODY_LIMIT, seedApi: false });
    if (checked.error) {
      await discardBody(request, DEFAULT_BODY_LIMIT);
      return checked.error;
    }
    const authorized = await this.#gateway.authorize({ route: checked.route, authorization: headers.authorization, client, hospital: target.name, service: this.#service });
    let refused = authorized.error;
    // The operator manages the keys of a hospital it created, and creates none by doing so.
    if (refused === undefined && authorized.principal?.operator === true && !this.#store.exists()) refused = notFound(target.name);
    if (refused !== undefined) {
      await discardBody(request, DEFAULT_BODY_LIMIT);
      return refused;
    }
    const bytes = await readBody(request, DEFAULT_BODY_LIMIT);
    if (bytes === null) return tooLarge(DEFAULT_BODY_LIMIT);
    const parsed = parseBody(bytes, headers["content-type"]);
    if (parsed.error) return parsed.error;
    const assignedId = await this.#gateway.appointmentId(checked.route, authorized.principal, parsed.body);
    const apiRequest = { method: request.method, path: target.path, query, body: parsed.body, basePath: target.basePath, newKey: authorized.newKey, assignedId };
    return this.#service.handle(apiRequest, checked.route, authorized.principal ?? null);
  }

  /**
   * PUT (create, with the first admin key, and with the options of its body, if any:
   * ../service/hospital-options.mjs) and DELETE (everything stored) of the hospital, by the
   * operator. Resolves the answer, or null for a body over the limit.
   */
  async #manage(request, name, headers, client) {
    const method = request.method;
    if (method !== "PUT" && method !== "DELETE") return methodNotAllowed(method, `/hospitals/${name}`, ["PUT", "DELETE"]);
    const crossSite = crossSiteCheck(headers);
    if (crossSite !== null) return crossSite;
    if (Number(headers["content-length"]) > DEFAULT_BODY_LIMIT) return null;
    if (!isJsonContentType(headers["content-type"])) {
      return errorResponse("UNSUPPORTED_MEDIA_TYPE", `the Content-Type of a ${method} request, even without a body, must be application/json (utf-8)`, { contentType: headers["content-type"] ?? null });
    }
    const operator = await this.#gateway.operator({ authorization: headers.authorization, client });
    if (operator.error) return operator.error;
    if (!HOSPITAL_NAME.test(name)) return errorResponse("INVALID_INPUT", "hospital: 1 to 32 of a-z 0-9 and -, not starting or ending with -", { field: "hospital" });
    const exists = this.#store.exists();
    if (method === "DELETE") {
      if (!exists) return notFound(name);
      await this.#service.close();
      await this.#store.deleteAll();
      this.#service = this.#newService();
      await this.#service.open();
      return { status: 200, body: { hospital: name, deleted: true } };
    }
    if (exists) return errorResponse("HOSPITAL_EXISTS", `hospital ${JSON.stringify(name)} exists`, { hospital: name });
    const bytes = await readBody(request, DEFAULT_BODY_LIMIT);
    if (bytes === null) return null;
    const parsed = parseBody(bytes, headers["content-type"]);
    if (parsed.error) return parsed.error;
    const given = hospitalOptionsOf(parsed.body);
    if (given.error) return given.error;
    const newKey = await this.#gateway.newKey(name);
    // Nothing else reaches the object until the hospital and its first key are stored (or not).
    return this.ctx.blockConcurrencyWhile(() => this.#create(name, given.options, newKey));
  }

  /** Creates the hospital: from the empty hospital of `options` (if any), with its first key, stored in one transaction. */
  async #create(name, options, newKey) {
    if (this.#store.exists()) return errorResponse("HOSPITAL_EXISTS", `hospital ${JSON.stringify(name)} exists`, { hospital: name });
    const seeded = options !== undefined;
    if (seeded) {
      // An object stored before keys existed holds a hospital with options of its own.
      if (this.#store.read((view) => view.head()) > 0) {
        return errorResponse("HOSPITAL_EXISTS", `hospital ${JSON.stringify(name)} holds a hospital stored before keys: create it without options to take it over`, { hospital: name });
      }
      await this.#replaceService(emptySnapshot(options));
    }
    const path = "/v1/keys";
    const made = await this.#service.handle(
      { method: "POST", path, query: new URLSearchParams(), body: FIRST_KEY, basePath: `/hospitals/${name}`, newKey },
      resolve({ method: "POST", path }, { seedApi: false }),
      { keyId: "operator", operator: true, mayRead: true },
    );
    if (made.status !== 201) {
      // Nothing was stored: the seed is dropped with its service.
      if (seeded) await this.#replaceService();
      return made;
    }
    return { status: 201, body: { hospital: name, key: made.body }, headers: { location: `/hospitals/${name}/v1/keys/${made.body.id}` } };
  }

  /** Closes the service and opens a new one on the object's storage (and `seed`, the snapshot of a hospital being created). */
  async #replaceService(seed = null) {
    await this.#service.close();
    this.#service = this.#newService(seed);
    await this.#service.open();
  }
}

function notFound(name) {
  return errorResponse("HOSPITAL_NOT_FOUND", `no hospital ${JSON.stringify(name)}`, {});
}
