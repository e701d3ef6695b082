// The entry for Cloudflare Workers (workerd): a worker may not compile WebAssembly at run time,
// so the .wasm comes in as a module import, compiled when the worker is deployed, and is only
// instantiated here. Wrangler (and miniflare's CompiledWasm rule) hand it over as a
// WebAssembly.Module.
import module from "./dr_schedule_bindings_bg.wasm";
import { initSync } from "./dr_schedule_bindings.js";

export { Hospital, HospitalError } from "./dr_schedule.js";

initSync({ module });
