// A Cloudflare Worker serving the v1 JSON API of dr-schedule for any number of hospitals, one
// Durable Object each (hospital-object.mjs):
//
//   /hospitals/{name}/v1/...   the v1 API of that hospital (README, "The v1 API"), with a key
//   /hospitals/{name}/health   {"ok":true,"revision":…,"doctors":…}
//   PUT, DELETE /hospitals/{name}   the operator creates it (with its first key) or deletes it
//
// `idFromName(name)` gives every hospital its own object, which Cloudflare places and keeps
// consistent; a name the operator never created opens to no key and stores nothing. The path
// is split as a string (../service/http.mjs, hospitalPath) and the request is handed to the
// object as it came: never re-parsed as a URL, so `/hospitals/x//evil.example/v1/doctors` is
// refused instead of being served as `/v1/doctors`. Deploy with `wrangler deploy` (wrangler.json).
import { hospitalPath } from "../service/http.mjs";
import { methodNotAllowed } from "../service/api.mjs";
import { openApiDocument } from "../service/openapi.mjs";
import { toResponse } from "./http.mjs";

export { HospitalObject } from "./hospital-object.mjs";

let openApi = null;

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/openapi.json") {
      const served = request.method === "GET" || request.method === "HEAD";
      return toResponse(served ? { status: 200, body: (openApi ??= openApiDocument({ worker: true })) } : methodNotAllowed(request.method, path, ["GET", "HEAD"]), request.method);
    }
    // PUT and DELETE /hospitals/{name}: the operator creates and deletes hospitals.
    const root = /^\/hospitals\/([^/]+)$/.exec(path);
    const target = root === null ? hospitalPath(path) : { name: root[1] };
    if (target.error) return toResponse(target.error, request.method);
    return env.HOSPITALS.get(env.HOSPITALS.idFromName(target.name)).fetch(request);
  },
};
