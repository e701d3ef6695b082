// The entry for browsers (and the `default` for any other runtime): fetches the .wasm next to
// this file, resolved from `import.meta.url` so that bundlers see it as an asset, and compiles it
// while it streams in. Importers wait for it through top-level await.
import init from "./dr_schedule_bindings.js";

export { Hospital, HospitalError } from "./dr_schedule.js";

await init({ module_or_path: new URL("./dr_schedule_bindings_bg.wasm", import.meta.url) });
