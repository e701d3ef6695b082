// The TypeScript types the package ships (dr_schedule.d.ts), under `tsc --strict` with
// TypeScript 5 and TypeScript 7 (both from npm, pinned in package.json): a strict consumer using
// every method compiles through import and require and under the compiler's defaults (no `lib`,
// no @types/node), `using` compiles and frees the hospital when run, each misuse fails to
// compile, and no public signature is `any`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { packageFile } from "./fixture.mjs";

const typesDir = fileURLToPath(new URL("./types/", import.meta.url));
const outputDir = fileURLToPath(new URL("../test-output/using/", import.meta.url));

/** The two compilers: TypeScript 5 (package `typescript`) and 7 (package `typescript-7`). */
const COMPILERS = [
  ["TypeScript 5", "typescript", /^5\./],
  ["TypeScript 7", "typescript-7", /^7\./],
];

/** A package's directory in node_modules (TypeScript 7's exports map names neither bin/ nor lib/). */
const packageDir = (pkg) => fileURLToPath(new URL(`../node_modules/${pkg}/`, import.meta.url));

for (const [name, pkg, version] of COMPILERS) {
  const tsc = `${packageDir(pkg)}bin/tsc`;
  const compile = (...args) => spawnSync(process.execPath, [tsc, ...args], { cwd: typesDir, encoding: "utf8" });

  test(`${name}: the compiler is the version package.json pins`, () => {
    const pinned = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).devDependencies[pkg];
    const installed = JSON.parse(readFileSync(`${packageDir(pkg)}package.json`, "utf8")).version;
    assert.match(installed, version);
    assert.ok(pinned === installed || pinned === `npm:typescript@${installed}`, `${pkg}: pinned ${pinned}, installed ${installed}`);
    assert.match(compile("--version").stdout, new RegExp(`Version ${installed.replaceAll(".", "\\.")}`));
  });

  test(`${name}: a strict consumer of every method compiles, through import and through require`, () => {
    // tsconfig.json: module resolution nodenext, no @types (types: []), usage.ts (import) and
    // require.cts (require).
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

  test(`${name}: the types compile under the compiler's defaults (no lib, no target, no @types/node)`, () => {
    assert.ok(!existsSync(fileURLToPath(new URL("../node_modules/@types/node", import.meta.url))), "@types/node is installed: it would hide a missing declaration");
    const result = compile("--project", "tsconfig.defaults.json");
    assert.equal(result.status, 0, result.stdout + result.stderr);
    // And with the lib a consumer picks, older or newer than the one that declares Symbol.dispose.
    for (const lib of ["es5", "es2020", "es2022,dom", "esnext"]) {
      const withLib = compile("--project", "tsconfig.defaults.json", "--lib", lib);
      assert.equal(withLib.status, 0, `--lib ${lib}: ${withLib.stdout}${withLib.stderr}`);
    }
  });

  // Bundlers (wrangler for workerd, Vite or webpack for a browser) resolve with their own
  // conditions; each of them gets the same types.
  for (const condition of [undefined, "workerd", "worker", "browser", "deno"]) {
    test(`${name}: the consumer compiles with moduleResolution bundler${condition ? `, condition ${condition}` : ""}`, () => {
      const result = compile("--project", "tsconfig.bundler.json", ...(condition ? ["--customConditions", condition] : []));
      assert.equal(result.status, 0, result.stdout + result.stderr);
    });
  }

  test(`${name}: \`using\` compiles, and the hospital is freed at the end of the block`, () => {
    const result = compile("--project", "tsconfig.using.json", "--outDir", `${outputDir}${pkg}`);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    // Node 20 lacks the syntax; the compiled block calls Symbol.dispose, which the package sets.
    const stdout = execFileSync(process.execPath, [`${outputDir}${pkg}/using.js`], { encoding: "utf8" });
    assert.equal(stdout, 'inside: 1\nafter: INVALID_INPUT {"field":"this"}\n');
  });

  test(`${name}: every misuse fails to compile, on its own line`, () => {
    const source = readFileSync(`${typesDir}misuse.ts`, "utf8").split("\n");
    const misuseLines = source.flatMap((text, i) => (text.includes("// misuse:") ? [i + 1] : []));
    // The settings of tsconfig.json, on misuse.ts alone.
    const checked = compile("--project", "tsconfig.misuse.json");
    assert.notEqual(checked.status, 0);
    const errorLines = new Set([...checked.stdout.matchAll(/misuse\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1])));
    assert.deepEqual([...errorLines].sort((a, b) => a - b), misuseLines, checked.stdout);
  });
}

test("the strict consumer calls every method and reads every getter of the class", () => {
  const dts = readFileSync(packageFile("dr_schedule.d.ts"), "utf8");
  const body = /export class Hospital \{([\s\S]*?)\n\}/.exec(dts)[1].replace(/\/\*[\s\S]*?\*\//g, "");
  const methods = [...body.matchAll(/^\s+(?:static )?(\w+)\(/gm)].map((m) => m[1]).filter((name) => name !== "constructor");
  assert.ok(methods.includes("reschedule") && methods.includes("fromSnapshot") && methods.includes("workingHours"), methods.join(", "));
  const getters = [...body.matchAll(/^\s+(?:readonly )?(\w+): /gm)].map((m) => m[1]);
  assert.deepEqual(getters.sort(), ["actor", "appointmentCount", "doctorCount", "options", "revision", "snapshotBytes"]);
  const usage = readFileSync(`${typesDir}usage.ts`, "utf8");
  const missing = [...methods.filter((name) => !new RegExp(`\\.${name}\\(`).test(usage)), ...getters.filter((name) => !new RegExp(`\\.${name}\\b`).test(usage))];
  assert.deepEqual(missing, [], `usage.ts does not use ${missing.join(", ")}`);
  assert.match(usage, /\[Symbol\.dispose\]\(\)/);
});

test("HospitalError is a class with a code of the HospitalErrorCode union", () => {
  const dts = readFileSync(packageFile("dr_schedule.d.ts"), "utf8");
  assert.match(dts, /export class HospitalError extends Error \{/);
  assert.match(dts, /readonly code: HospitalErrorCode;/);
  assert.match(dts, /export type HospitalErrorCode =/);
});

test("no public signature is any", () => {
  const dts = readFileSync(packageFile("dr_schedule.d.ts"), "utf8");
  const code = dts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  assert.doesNotMatch(code, /\bany\b/);
  assert.match(code, /export class Hospital/);
});
