// What `npm install dr-schedule` gets: exactly the files a user needs, an exports map whose
// conditions name an entry for every runtime (each entry a file of the package), a package.json
// that names no repository that does not exist, and the package's own README, which names no file
// of the repository the package does not hold. (The runtimes themselves load it in runtimes/.)
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

test("npm pack holds exactly the entries, the class and its modules, the bindings, one .wasm, the types and the docs", () => {
  assert.deepEqual(packedFiles(), [
    "LICENSE",
    "README.md",
    "browser.js",
    "deno.js",
    "dr_schedule.d.ts",
    "dr_schedule.js",
    "dr_schedule_bindings.js",
    "dr_schedule_bindings_bg.wasm",
    "errors.js",
    "exports.js",
    "input.js",
    "instance.js",
    "node.js",
    "output.js",
    "package.json",
    "workerd.js",
    "zones.js",
  ]);
  // Every module the package's modules import is in it.
  const packed = new Set(packedFiles());
  for (const file of packed) {
    if (!file.endsWith(".js")) continue;
    for (const [, target] of readFileSync(`${pkgDir}${file}`, "utf8").matchAll(/^(?:import|export)\b[^"'\n]*["']\.\/([^"']+)["']/gm)) {
      assert.ok(packed.has(target), `${file} imports ./${target}, which is not in the package`);
    }
  }
});

test("package.json names no repository (there is none to name) and no file it does not ship", () => {
  assert.equal(Object.hasOwn(manifest, "repository"), false, JSON.stringify(manifest.repository));
  assert.doesNotMatch(JSON.stringify(manifest), /github\.com/);
  assert.deepEqual(Object.keys(manifest).sort(), ["description", "engines", "exports", "files", "keywords", "license", "main", "name", "type", "types", "version"]);
});

test("the package's README is its own: written for users, naming no file of the repository", () => {
  const readme = readFileSync(`${pkgDir}README.md`, "utf8");
  assert.equal(readme, readFileSync(new URL("../../../js/README.md", import.meta.url), "utf8"));
  for (const path of ["scripts/", "js-example/", "start.sh", "test.sh", "tests/", "crates/", "src/", "docs/", "tools/", "fuzz/", "BENCHMARKS.md", "Cargo.toml", ".ci/"]) {
    assert.ok(!readme.includes(path), `the package README names ${path}, which the package does not hold`);
  }
  assert.doesNotMatch(readme, /github\.com\/dr-schedule/);
  for (const section of ["## Install", "## Errors", "## Persisting a hospital", "## Limits"]) assert.ok(readme.includes(section), `no ${section}`);
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
    assert.match(code, /^export \{ Hospital, HospitalError \} from "\.\/dr_schedule\.js";$/m, entry);
    assert.match(code, /"\.\/dr_schedule_bindings_bg\.wasm"/, entry);
    assert.match(code, /from "\.\/dr_schedule_bindings\.js";$/m, entry);
  }
});
