// Runs the smoke test on `import { Hospital } from "dr-schedule"` and prints, as JSON, which
// entry the runtime resolved and the transcript. Node, Deno and Bun run this same file.
import { Hospital } from "dr-schedule";
import { smoke } from "./smoke.mjs";

console.log(JSON.stringify({ entry: import.meta.resolve("dr-schedule"), lines: smoke(Hospital) }));
