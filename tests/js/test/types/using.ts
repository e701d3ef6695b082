// `using`: the hospital is freed at the end of the block. Compiled to ES2022 (where `using`
// becomes calls to Symbol.dispose) and run in Node (types.test.mjs).
import { Hospital } from "dr-schedule";

declare const console: { log(...values: unknown[]): void };

let kept: Hospital | undefined;
{
  using h = new Hospital();
  h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [] });
  kept = h;
  console.log(`inside: ${h.doctorCount}`);
}
try {
  console.log(kept.doctorCount);
} catch (error) {
  console.log(`after: ${(error as { code: string }).code} ${JSON.stringify((error as { details: unknown }).details)}`);
}
