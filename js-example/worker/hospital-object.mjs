// One Durable Object per hospital: it keeps the hospital's `Hospital` in memory and answers the
// v1 JSON API of the REST server (../server/api.mjs, the same routes and answers), persisting
// every mutation in its SQLite storage (storage.mjs) before it answers.
//
// Cloudflare runs at most one instance of an object at a time and delivers its requests one
// event at a time. A request's only await is reading its body; from there on it runs
// synchronously (the engine call, then the storage transaction), so no other request of the same
// hospital can interleave with it: two bookings of one slot are decided one after the other, and
// the storage's output gate holds each answer until its write is durable.
import { DurableObject } from "cloudflare:workers";
import { errorResponse, handle, resolve } from "../server/api.mjs";
import { DEFAULT_BODY_LIMIT, parseBody, tooLarge } from "../server/body.mjs";
import { readBody, toResponse } from "./http.mjs";
import { HospitalStorage } from "./storage.mjs";

/** The paths this object serves: the v1 API and /health (not the seed API). */
function served(path) {
  return path === "/health" || path.startsWith("/v1/");
}

/** A positive integer from a `vars` string, or the default when it is absent. */
function positiveInteger(env, name, fallback) {
  const text = env[name];
  if (text === undefined) return fallback;
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

export class HospitalObject extends DurableObject {
  #storage;
  #hospital;

  constructor(ctx, env) {
    super(ctx, env);
    this.#storage = new HospitalStorage(ctx.storage, {
      snapshotEvery: positiveInteger(env, "SNAPSHOT_EVERY", 1000),
      chunkBytes: positiveInteger(env, "SNAPSHOT_CHUNK_BYTES", 1024 * 1024),
    });
    // No request reaches the object before its hospital is rebuilt from storage.
    ctx.blockConcurrencyWhile(async () => {
      this.#hospital = this.#storage.load();
    });
  }

  async fetch(request) {
    const url = new URL(request.url);
    const apiRequest = { method: request.method, path: url.pathname, query: url.searchParams, headers: {}, body: undefined };
    if (!served(url.pathname)) return toResponse(errorResponse("ROUTE_NOT_FOUND", `no route ${url.pathname}`, { path: url.pathname }));
    const route = resolve(apiRequest);
    if (route.error) return toResponse(route.error);
    const bytes = await readBody(request, DEFAULT_BODY_LIMIT);
    if (bytes === null) return toResponse(tooLarge(DEFAULT_BODY_LIMIT));
    const parsed = parseBody(bytes, request.headers.get("content-type") ?? undefined);
    if (parsed.error) return toResponse(parsed.error);
    apiRequest.body = parsed.body;
    return toResponse(this.#answer(apiRequest));
  }

  /** Runs one request on the hospital and stores what it changed; synchronous from start to end. */
  #answer(request) {
    const before = this.#hospital.revision;
    let response;
    try {
      response = handle(this.#hospital, request);
      if (this.#hospital.revision !== before) this.#storage.save(this.#hospital, before);
    } catch (error) {
      // The engine threw something other than a HospitalError, or storage failed: memory may be
      // ahead of storage, so it is rebuilt from storage, which is the truth.
      console.error("[dr-schedule] internal error:", error);
      this.#hospital = this.#storage.load();
      return errorResponse("INTERNAL", "internal error; nothing was stored", {});
    }
    // A 5xx of the engine (INSTANCE_FAILED after a trap) leaves nothing to trust in memory either.
    if (response.status >= 500) this.#hospital = this.#storage.load();
    return response;
  }
}
