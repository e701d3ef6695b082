// Runs the call-by-call contract of ../contract.mjs on `import { Hospital, HospitalError } from
// "dr-schedule"` and prints the result as JSON. Deno and Bun run this file (runtimes.test.mjs).
import { Hospital, HospitalError } from "dr-schedule";
import { runContract } from "../contract.mjs";

console.log(JSON.stringify(runContract({ Hospital, HospitalError })));
