// The entry for Node.js and Bun, for `import` and `require` alike: reads the .wasm next to this
// file and instantiates it synchronously. No top-level await, so that `require("dr-schedule")`
// loads this ES module (require of ES modules: Node.js 20.19 and 22.12 onwards).
import { readFileSync } from "node:fs";
import { initSync } from "./dr_schedule_bindings.js";

export { Hospital, HospitalError } from "./dr_schedule.js";

initSync({ module: readFileSync(new URL("./dr_schedule_bindings_bg.wasm", import.meta.url)) });
