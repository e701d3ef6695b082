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
import { DurableObject } from "cloudflare:workers";
import { DEFAULT_BODY_LIMIT, hospitalPath, parseBody, precheck, tooLarge } from "../service/http.mjs";
import { DEFAULT_COMPACT_MIN_BYTES, DEFAULT_COMPACT_PERCENT } from "../service/compaction.mjs";
import { HospitalService } from "../service/hospital-service.mjs";
import { integer, readSettings } from "../service/settings.mjs";
import { discardBody, plainHeaders, readBody, toResponse } from "./http.mjs";
import { DurableStore } from "./storage.mjs";

const SETTINGS = {
  compactPercent: integer("COMPACT_PERCENT", DEFAULT_COMPACT_PERCENT, 1, 100_000),
  compactMinBytes: integer("COMPACT_MIN_BYTES", DEFAULT_COMPACT_MIN_BYTES, 0, 2 ** 40),
  chunkBytes: integer("SNAPSHOT_CHUNK_BYTES", 1024 * 1024, 1, 2_000_000),
};

export class HospitalObject extends DurableObject {
  #service;

  constructor(ctx, env) {
    super(ctx, env);
    const settings = readSettings(env, SETTINGS);
    this.#service = new HospitalService({
      store: new DurableStore(ctx.storage),
      // No threads here: the service compacts between two batches (the same byte rule as the
      // Node server; an edge hospital is small, so toSnapshot() takes milliseconds).
      compaction: { percent: settings.compactPercent, minBytes: settings.compactMinBytes, chunkBytes: settings.chunkBytes },
      seedApi: false,
    });
    // No request reaches the object before its hospital is rebuilt from storage.
    ctx.blockConcurrencyWhile(() => this.#service.open());
  }

  async fetch(request) {
    const url = new URL(request.url);
    const target = hospitalPath(url.pathname);
    if (target.error) return toResponse(target.error);
    const query = url.searchParams;
    // The deployment's own host is the URL's: the origin a page of this worker would send.
    const headers = { ...plainHeaders(request), host: url.host };
    const checked = precheck({ method: request.method, path: target.path, headers }, { bodyLimit: DEFAULT_BODY_LIMIT, seedApi: false });
    if (checked.error) {
      await discardBody(request, DEFAULT_BODY_LIMIT);
      return toResponse(checked.error);
    }
    const bytes = await readBody(request, DEFAULT_BODY_LIMIT);
    if (bytes === null) return toResponse(tooLarge(DEFAULT_BODY_LIMIT));
    const parsed = parseBody(bytes, headers["content-type"]);
    if (parsed.error) return toResponse(parsed.error);
    const apiRequest = { method: request.method, path: target.path, query, headers, body: parsed.body, basePath: target.basePath };
    return toResponse(await this.#service.handle(apiRequest, checked.route));
  }
}
