// Runs a test worker in workerd through Miniflare, the way `wrangler dev` would run it.
//
// Wrangler bundles a worker; Miniflare alone resolves only relative imports. So this module
// lists the worker's modules itself: it follows static imports from the main module, resolves
// `dr-schedule` through the package's exports map with wrangler's conditions (workerd, worker,
// browser), and hands the package's .wasm over as a CompiledWasm module, as wrangler does.
// (js-example/test/worker/miniflare.mjs does the same for the Durable Object example.)
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
/** The package as tests/js installs it (a symlink to ../../pkg; the link's path keeps names short). */
export const installedPackage = fileURLToPath(new URL("../../node_modules/dr-schedule/", import.meta.url));

/** The Workers compatibility date the test workers run with. */
const COMPATIBILITY_DATE = "2026-04-26";

const WRANGLER_CONDITIONS = new Set(["workerd", "worker", "browser", "import", "default"]);

/** The file the package's exports map gives for `.` under wrangler's conditions. */
function packageEntry(packageDir) {
  let target = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).exports["."];
  while (typeof target === "object" && target !== null) {
    const key = Object.keys(target).find((condition) => WRANGLER_CONDITIONS.has(condition));
    if (key === undefined) throw new Error(`${packageDir}: no export for wrangler's conditions`);
    target = target[key];
  }
  return join(packageDir, target);
}

// Static imports and re-exports at the start of a line: `import x from "…"`, `import source x
// from "…"`, `import { a, b } from "…"`, `import * as x from "…"`, `export { x } from "…"`,
// `import "…"`. That is all the test workers and the package use.
const IMPORT =
  /^(?:import|export)\s+(?:(?:source\s+)?(?:[\w$]+|\*\s+as\s+[\w$]+|\*|\{[^}]*\})(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?\s+from\s+)?["']([^"']+)["']/gm;

/**
 * Miniflare's `modules` for the worker whose main module is `mainPath`, named relative to the
 * repository; `packageDir` is the dr-schedule package that `import … from "dr-schedule"` gets.
 */
function workerModules(mainPath, packageDir) {
  const modules = [];
  const seen = new Set();
  const name = (path) => relative(repoRoot, path).split("\\").join("/");
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    if (path.endsWith(".wasm")) {
      modules.push({ type: "CompiledWasm", path });
      return;
    }
    const code = readFileSync(path, "utf8");
    modules.push({ type: "ESModule", path });
    for (const [, specifier] of code.matchAll(IMPORT)) {
      if (specifier.startsWith("cloudflare:")) continue;
      if (specifier.startsWith("./") || specifier.startsWith("../")) {
        visit(resolve(dirname(path), specifier));
      } else if (specifier === "dr-schedule") {
        // workerd looks a bare specifier up next to the importing module: give it a module of
        // that name which re-exports the entry.
        const entry = packageEntry(packageDir);
        const alias = join(dirname(path), "dr-schedule");
        if (!seen.has(alias)) {
          seen.add(alias);
          const target = relative(dirname(alias), entry).split("\\").join("/");
          modules.push({ type: "ESModule", path: alias, contents: `export * from ${JSON.stringify(target.startsWith(".") ? target : `./${target}`)};\n` });
        }
        visit(entry);
      } else {
        throw new Error(`${name(path)}: cannot resolve ${JSON.stringify(specifier)} for workerd`);
      }
    }
  };
  visit(mainPath);
  return modules;
}

/** A Miniflare running a test worker (no bindings) whose main module is `mainPath`. */
export function testWorker(mainPath, { packageDir = installedPackage } = {}) {
  return new Miniflare({
    modulesRoot: repoRoot,
    modules: workerModules(mainPath, packageDir),
    compatibilityDate: COMPATIBILITY_DATE,
  });
}
