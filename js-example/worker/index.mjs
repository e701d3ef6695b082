// A Cloudflare Worker serving the v1 JSON API of dr-schedule for any number of hospitals, one
// Durable Object each (hospital-object.mjs):
//
//   /hospitals/{name}/v1/...   the v1 API of that hospital (README, "The v1 API")
//   /hospitals/{name}/health   {"ok":true,"revision":…,"doctors":…}
//
// `idFromName(name)` gives every hospital its own object, which Cloudflare places and keeps
// consistent; a name never written to reads as an empty hospital and stores nothing. The path
// is split as a string (../service/http.mjs, hospitalPath) and the request is handed to the
// object as it came: never re-parsed as a URL, so `/hospitals/x//evil.example/v1/doctors` is
// refused instead of being served as `/v1/doctors`. Deploy with `wrangler deploy` (wrangler.json).
import { hospitalPath } from "../service/http.mjs";
import { toResponse } from "./http.mjs";

export { HospitalObject } from "./hospital-object.mjs";

export default {
  async fetch(request, env) {
    const target = hospitalPath(new URL(request.url).pathname);
    if (target.error) return toResponse(target.error);
    return env.HOSPITALS.get(env.HOSPITALS.idFromName(target.name)).fetch(request);
  },
};
