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

const manifest = {
  name: field("name"),
  version: field("version"),
  description: field("description"),
  license: field("license"),
  repository: { type: "git", url: field("repository") },
  keywords,
  main: "dr_schedule.js",
  types: "dr_schedule.d.ts",
  files: [
    "dr_schedule.js",
    "dr_schedule.d.ts",
    "dr_schedule_bindings.js",
    "dr_schedule_bindings.d.ts",
    "dr_schedule_bindings_bg.wasm",
    "dr_schedule_bindings_bg.wasm.d.ts",
    "README.md",
    "LICENSE",
  ],
  engines: { node: ">=18" },
};
process.stdout.write(JSON.stringify(manifest, null, 2) + "\n");
