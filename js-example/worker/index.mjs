// A Cloudflare Worker serving the v1 JSON API of dr-schedule for any number of hospitals, one
// Durable Object each (hospital-object.mjs):
//
//   /hospitals/{name}/v1/...   the v1 API of that hospital (README, "The v1 API")
//   /hospitals/{name}/health   {"ok":true,"revision":…,"doctors":…}
//
// `idFromName(name)` gives every hospital its own object, which Cloudflare places and keeps
// consistent; a new name starts an empty hospital. Deploy with `wrangler deploy` (wrangler.json).
import { errorResponse } from "../server/api.mjs";
import { toResponse } from "./http.mjs";

export { HospitalObject } from "./hospital-object.mjs";

const HOSPITAL_PATH = /^\/hospitals\/([^/]*)(\/.*)?$/;
const HOSPITAL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const match = HOSPITAL_PATH.exec(url.pathname);
    if (match === null || match[2] === undefined) {
      return toResponse(errorResponse("ROUTE_NOT_FOUND", `no route ${url.pathname} (try /hospitals/{name}/v1/doctors)`, { path: url.pathname }));
    }
    const [, name, rest] = match;
    if (!HOSPITAL_NAME.test(name)) {
      return toResponse(errorResponse("INVALID_INPUT", "hospital: 1 to 64 of A-Z a-z 0-9 _ . -", { field: "hospital" }));
    }
    const hospital = env.HOSPITALS.get(env.HOSPITALS.idFromName(name));
    return hospital.fetch(new Request(new URL(`${rest}${url.search}`, url.origin), request));
  }
};
