// Runs the hospital worker of ../../worker in workerd through Miniflare, the way `wrangler dev`
// would (configured by its wrangler.json).
//
// Wrangler bundles a worker; Miniflare alone resolves only relative imports. So this module
// lists the worker's modules itself: it follows static imports from the main module, resolves
// `dr-schedule` through the package's exports map with wrangler's conditions (workerd, worker,
// browser), and hands the package's .wasm over as a CompiledWasm module, as wrangler does.
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const workerDir = fileURLToPath(new URL("../../worker/", import.meta.url));
/** The package as js-example installs it (a symlink to ../pkg; the link's path keeps names short). */
export const installedPackage = fileURLToPath(new URL("../../node_modules/dr-schedule/", import.meta.url));

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
// `import "…"`. That is all the worker and the package use.
const IMPORT =
  /^(?:import|export)\s+(?:(?:source\s+)?(?:[\w$]+|\*\s+as\s+[\w$]+|\*|\{[^}]*\})(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?\s+from\s+)?["']([^"']+)["']/gm;

/**
 * Miniflare's `modules` for the worker whose main module is `mainPath`, named relative to
 * `root`; `packageDir` is the dr-schedule package that `import … from "dr-schedule"` gets.
 */
export function workerModules(mainPath, { root = repoRoot, packageDir = installedPackage } = {}) {
  const modules = [];
  const seen = new Set();
  const name = (path) => relative(root, path).split("\\").join("/");
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

/** The hospital worker's configuration, as `wrangler deploy` reads it. */
export const wranglerConfig = JSON.parse(readFileSync(join(workerDir, "wrangler.json"), "utf8"));

/**
 * A Miniflare running the hospital worker of ../../worker as wrangler.json configures it, its
 * Durable Objects stored under `persistDir`; `vars` override wrangler.json's.
 */
export function hospitalWorker({ persistDir, vars = {} }) {
  const sqliteClasses = new Set(wranglerConfig.migrations.flatMap((migration) => migration.new_sqlite_classes ?? []));
  const mf = new Miniflare({
    modulesRoot: repoRoot,
    modules: workerModules(join(workerDir, wranglerConfig.main)),
    compatibilityDate: wranglerConfig.compatibility_date,
    durableObjects: Object.fromEntries(
      wranglerConfig.durable_objects.bindings.map(({ name, class_name }) => [name, { className: class_name, useSQLite: sqliteClasses.has(class_name) }]),
    ),
    durableObjectsPersist: persistDir,
    bindings: { OPERATOR_KEY: OPERATOR, KEY_RATE: "1000000", KEY_BURST: "1000000", ...wranglerConfig.vars, ...vars },
  });
  stores.set(mf, persistDir);
  return mf;
}

/** The operator credential of the workers the tests start (the Worker's OPERATOR_KEY secret). */
export const OPERATOR = "dro_worker-tests-operator-0123456789abcdefghijklmn";
const stores = new WeakMap();
/** The first key of each hospital the tests created, by storage directory and name. */
const firstKeys = new Map();

/**
 * Creates hospital `name` (PUT /hospitals/{name} with the operator credential, and `options`, the
 * hospital's, as its body when given): its first admin key.
 */
export async function createHospital(mf, name, options = undefined) {
  const body = options === undefined ? undefined : JSON.stringify(options);
  const response = await mf.dispatchFetch(`http://worker.test/hospitals/${name}`, { method: "PUT", headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" }, body });
  const answer = await response.json();
  if (response.status !== 201) throw new Error(`PUT /hospitals/${name}: ${response.status} ${JSON.stringify(answer)}`);
  firstKeys.set(`${stores.get(mf)}\0${name}`, answer.key.key);
  return answer.key.key;
}

/**
 * `headers` with the key of the hospital `path` names (`/hospitals/{name}/…`), the hospital
 * created on first use; as they are when they have an Authorization header or the path names none.
 */
export async function withKey(mf, path, headers = {}) {
  const m = /^\/hospitals\/([a-z0-9-]+)\//.exec(path);
  if (m === null || Object.keys(headers).some((h) => h.toLowerCase() === "authorization")) return headers;
  const id = `${stores.get(mf)}\0${m[1]}`;
  const key = firstKeys.get(id) ?? (await createHospital(mf, m[1]));
  return { ...headers, authorization: `Bearer ${key}` };
}
