// The TypeScript types in the generated .d.ts: a strict consumer using every method compiles,
// each misuse fails to compile, and no public signature is `any`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { packageFile } from "./fixture.mjs";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
const typesDir = fileURLToPath(new URL("./types/", import.meta.url));

function compile(...args) {
  return spawnSync(process.execPath, [tsc, ...args], { cwd: typesDir, encoding: "utf8" });
}

test("a strict consumer of every method compiles, through import and through require", () => {
  // tsconfig.json: module resolution nodenext, usage.ts (import) and require.cts (require).
  const result = compile("--project", "tsconfig.json", "--traceResolution");
  assert.equal(result.status, 0, result.stdout + result.stderr);
  // Both find the types through the exports map, not through a fallback.
  const resolved = [...result.stdout.matchAll(/Module name 'dr-schedule' was successfully resolved to '([^']*)'/g)].map((m) => m[1]);
  assert.equal(resolved.length, 2, result.stdout);
  for (const file of resolved) assert.match(file, /\/dr_schedule\.d\.ts$/);
  assert.match(result.stdout, /Resolving in ESM mode with conditions 'import', 'types', 'node'/);
  assert.match(result.stdout, /Resolving in CJS mode with conditions 'require', 'types', 'node'/);
  assert.match(result.stdout, /Matched 'exports' condition 'types'/);
});

test("the strict consumer calls every method of the class", () => {
  const dts = readFileSync(packageFile("dr_schedule.d.ts"), "utf8");
  const body = /export class Hospital \{([\s\S]*?)\n\}/.exec(dts)[1].replace(/\/\*[\s\S]*?\*\//g, "");
  const methods = [...body.matchAll(/^\s+(?:static )?(\w+)\(/gm)].map((m) => m[1]).filter((name) => !["free", "constructor"].includes(name));
  assert.ok(methods.includes("reschedule") && methods.includes("fromSnapshot"), methods.join(", "));
  const usage = readFileSync(`${typesDir}usage.ts`, "utf8");
  const missing = methods.filter((name) => !new RegExp(`\\.${name}\\(`).test(usage));
  assert.deepEqual(missing, [], `usage.ts does not call ${missing.join(", ")}`);
});

// Bundlers (wrangler for workerd, Vite or webpack for a browser) resolve with their own
// conditions; each of them gets the same types.
for (const condition of [undefined, "workerd", "worker", "browser", "deno"]) {
  test(`the consumer compiles with moduleResolution bundler${condition ? `, condition ${condition}` : ""}`, () => {
    const result = compile("--project", "tsconfig.bundler.json", ...(condition ? ["--customConditions", condition] : []));
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
}

test("every misuse fails to compile, on its own line", () => {
  const source = readFileSync(`${typesDir}misuse.ts`, "utf8").split("\n");
  const misuseLines = source.flatMap((text, i) => (text.includes("// misuse:") ? [i + 1] : []));
  // The same settings as tsconfig.json, on misuse.ts alone.
  const checked = compile(
    ...["--strict", "--noEmit", "--target", "es2022", "--lib", "es2022,esnext.disposable"],
    ...["--module", "nodenext", "--moduleResolution", "nodenext", "misuse.ts"],
  );
  assert.notEqual(checked.status, 0);
  const errorLines = new Set([...checked.stdout.matchAll(/misuse\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1])));
  assert.deepEqual([...errorLines].sort((a, b) => a - b), misuseLines, checked.stdout);
});

test("no public signature is any", () => {
  const dts = readFileSync(packageFile("dr_schedule.d.ts"), "utf8");
  const code = dts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  assert.doesNotMatch(code, /\bany\b/);
  assert.match(code, /export class Hospital/);
});
