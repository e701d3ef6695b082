// What `npm install dr-schedule` gets: exactly the files a user needs, and an exports map whose
// conditions name an entry for every runtime, each entry a file of the package. (The runtimes
// themselves load it in runtimes/.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const pkgDir = fileURLToPath(new URL("../../../pkg/", import.meta.url));
const manifest = JSON.parse(readFileSync(`${pkgDir}package.json`, "utf8"));

function packedFiles() {
  const stdout = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: pkgDir, encoding: "utf8" });
  const [result] = JSON.parse(stdout);
  return result.files.map((file) => file.path).sort();
}

test("npm pack holds exactly the entries, the shared class, the bindings, one .wasm, the types and the docs", () => {
  assert.deepEqual(packedFiles(), [
    "LICENSE",
    "README.md",
    "browser.js",
    "deno.js",
    "dr_schedule.d.ts",
    "dr_schedule.js",
    "dr_schedule_bindings.js",
    "dr_schedule_bindings_bg.wasm",
    "node.js",
    "package.json",
    "workerd.js",
  ]);
});

test("the exports map picks an entry per runtime, with the types first", () => {
  const root = manifest.exports["."];
  assert.deepEqual(Object.keys(root), ["types", "workerd", "deno", "node", "browser", "worker", "default"]);
  assert.deepEqual(root, {
    types: "./dr_schedule.d.ts",
    workerd: "./workerd.js",
    deno: "./deno.js",
    node: "./node.js",
    browser: "./browser.js",
    worker: "./workerd.js",
    default: "./browser.js",
  });
  assert.equal(manifest.type, "module");
  const packed = new Set(packedFiles());
  for (const target of [...Object.values(root), `./${manifest.main}`, `./${manifest.types}`]) {
    assert.ok(packed.has(target.slice(2)), `${target} is not in the package`);
  }
});

test("every entry re-exports the one guarded class and loads the one .wasm", () => {
  for (const entry of ["node.js", "browser.js", "workerd.js", "deno.js"]) {
    const code = readFileSync(`${pkgDir}${entry}`, "utf8");
    assert.match(code, /^export \{ Hospital \} from "\.\/dr_schedule\.js";$/m, entry);
    assert.match(code, /"\.\/dr_schedule_bindings_bg\.wasm"/, entry);
    assert.match(code, /from "\.\/dr_schedule_bindings\.js";$/m, entry);
  }
});
