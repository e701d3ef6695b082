// Prints pkg/package.json, taking name, version and metadata from Cargo.toml so that they are
// written in one place.
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const field = (name) => {
  const match = new RegExp(`^${name} = "([^"]*)"`, "m").exec(cargo);
  if (!match) throw new Error(`Cargo.toml has no ${name}`);
  return match[1];
};
const keywords = JSON.parse(/^keywords = (\[.*\])$/m.exec(cargo)[1]);

// One entry per way of loading the .wasm; all of them re-export the same guarded class
// (dr_schedule.js) over the same bindings and the same .wasm, so the API, the types and the trap
// guard are identical everywhere. A runtime takes the first condition it knows, in this order:
// - workerd: Cloudflare Workers (wrangler, miniflare) import the .wasm as a module;
// - deno: a source-phase import of the .wasm, no file permission needed;
// - node: Node.js (and Bun, which knows "node") read the file, synchronously, so `require`
//   works too (require of an ES module, Node.js 20.19 / 22.12 onwards);
// - browser: fetch the file next to the module;
// - worker: other worker runtimes that import .wasm as a module, after browser so that bundlers
//   building browser Web Workers (which set both) keep fetching it;
// - default: anything else gets the web-standard fetch.
const exports = {
  ".": {
    types: "./dr_schedule.d.ts",
    workerd: "./workerd.js",
    deno: "./deno.js",
    node: "./node.js",
    browser: "./browser.js",
    worker: "./workerd.js",
    default: "./browser.js",
  },
  "./package.json": "./package.json",
};

const manifest = {
  name: field("name"),
  version: field("version"),
  description: field("description"),
  license: field("license"),
  keywords,
  type: "module",
  exports,
  // For tools that predate `exports`.
  main: "node.js",
  types: "dr_schedule.d.ts",
  files: [
    "dr_schedule.js",
    "errors.js",
    "exports.js",
    "input.js",
    "instance.js",
    "output.js",
    "zones.js",
    "dr_schedule.d.ts",
    "dr_schedule_bindings.js",
    "dr_schedule_bindings_bg.wasm",
    "node.js",
    "browser.js",
    "workerd.js",
    "deno.js",
    "README.md",
    "LICENSE",
  ],
  engines: { node: "^20.19.0 || >=22.12.0" },
};
process.stdout.write(JSON.stringify(manifest, null, 2) + "\n");
