// The call-by-call contract of contract.mjs, in Node, on the package as a user imports it. (The
// same checks run in Chromium, Deno and Bun: runtimes/.)
import { test } from "node:test";
import { Hospital, HospitalError } from "dr-schedule";
import { CHECKS } from "./contract.mjs";

for (const { name, fn, todo } of CHECKS) {
  test(name, { todo }, () => fn({ Hospital, HospitalError }));
}
