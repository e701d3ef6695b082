// The entry for Deno: a source-phase import hands over the .wasm as a compiled
// WebAssembly.Module (Deno 2.4 onwards), which needs no --allow-read permission, unlike reading
// the file.
import source module from "./dr_schedule_bindings_bg.wasm";
import { initSync } from "./dr_schedule_bindings.js";

export { Hospital, HospitalError } from "./dr_schedule.js";

initSync({ module });
