// Prints the package's public types (dr_schedule.d.ts) from the bindings' generated .d.ts.
//
//   node scripts/public-dts.mjs pkg/dr_schedule_bindings.d.ts > pkg/dr_schedule.d.ts
//
// Every entry exports the bindings' `Hospital` class and its types, so those are the public
// types. What wasm-bindgen's `--target web` adds for loading the module (`initSync`, the default
// `init`, `InitInput`, `InitOutput`, which name DOM types such as `Response`) and the
// reset-state function (used only by dr_schedule.js) are not exported by any entry: they are
// cut here, so that the types promise exactly what the entries export.
import { readFileSync } from "node:fs";

const source = readFileSync(process.argv[2], "utf8");
const reset = "export function __wbg_reset_state(): void;\n";
const loaderStart = source.indexOf("\nexport type InitInput");
if (!source.includes(reset) || loaderStart === -1) {
  throw new Error(`${process.argv[2]}: not the --target web --experimental-reset-state-function output this expects`);
}
process.stdout.write(source.slice(0, loaderStart).replace(reset, "").trimEnd() + "\n");
