// The options a new hospital is created with: the object `new Hospital(options)` takes
// (`timeZone`, `locationTimeZones`, `slotMinutes`, …), given as the body of the operator's
// `PUT /hospitals/{name}` (the Node server of many hospitals, the Worker) or as the Node server's
// DR_SCHEDULE_HOSPITAL_OPTIONS (its one hospital, on the first start). The package is the judge:
// whatever it refuses is refused here with its own code and details, never re-checked by a copy
// of its rules that could drift from them.
import { Hospital } from "dr-schedule";
import { errorResponse, isHospitalError } from "./api.mjs";

/**
 * The options of a request body as `{ options }` (undefined: no body, today's hospital without
 * options), or `{ error }`: the package's HospitalError as a 400 answer (`INVALID_INPUT`, with
 * `details.field` naming the option). Anything else the package throws is not the client's
 * fault and is thrown on.
 */
export function hospitalOptionsOf(body) {
  if (body === undefined) return { options: undefined };
  try {
    checkHospitalOptions(body);
  } catch (error) {
    if (!isHospitalError(error)) throw error;
    return { error: errorResponse(error.code, error.message, error.details ?? {}) };
  }
  return { options: body };
}

/** Throws the package's HospitalError when `new Hospital(options)` refuses `options`. */
export function checkHospitalOptions(options) {
  new Hospital(options).free();
}

/**
 * A function that makes the empty hospital of `options` (the `seed` of the stores): the zones
 * the options name are registered by the package before the hospital is made, and again
 * whenever its snapshot is loaded.
 */
export function emptyHospital(options) {
  return () => new Hospital(options);
}

/** The snapshot (bytes) of an empty hospital with `options`: what a store that has no `seed` function stores first. */
export function emptySnapshot(options) {
  const h = new Hospital(options);
  try {
    return h.toSnapshotBytes();
  } finally {
    h.free();
  }
}

/** The read-back options of a hospital made with `options` (defaults filled in): comparable with `hospital.options`. */
export function normalOptions(options) {
  const h = new Hospital(options);
  try {
    return h.options;
  } finally {
    h.free();
  }
}

/**
 * The names of the options `given` sets whose value differs from the hospital's `stored` options
 * (`hospital.options`), both read as the package fills them in: `[]` when the hospital has them.
 */
export function differingOptions(given, stored) {
  if (given === null || typeof given !== "object") return [];
  const wanted = normalOptions(given);
  return Object.keys(given).filter((name) => JSON.stringify(wanted[name] ?? null) !== JSON.stringify(stored[name] ?? null));
}
