// In programs/, outside test/ (whose every module `node --test test/` runs): Node 20 cannot parse it.
// `using`: the hospital is freed at the end of its block, in the runtimes that have the syntax
// (Deno and Bun; Node 20 has Symbol.dispose but not the syntax: types.test.mjs runs TypeScript's
// output there). Prints what happened, as JSON.
import { Hospital, HospitalError } from "dr-schedule";

let kept;
let inside;
{
  using h = new Hospital();
  h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [] });
  inside = h.doctorCount;
  kept = h;
}
let after;
try {
  after = kept.doctorCount;
} catch (error) {
  after = `${error instanceof HospitalError} ${error.code} ${JSON.stringify(error.details)}`;
}
console.log(JSON.stringify({ inside, after }));
