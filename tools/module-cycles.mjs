#!/usr/bin/env node
// Lists the dependencies between the engine's source files and fails on any import cycle.
//
//   node tools/module-cycles.mjs [SRC_DIR]        (default: crates/engine/src; no dependencies)
//
// Edges. File A depends on file B when A
//   - declares B as its child module (`mod b;` in a/mod.rs or a.rs),
//   - imports from B (`use crate::b::…`, `use super::…`, `use self::…`, in any nesting of braces),
//   - or names a path into B in code (`crate::b::X`, `super::X`, `super::super::b::X`),
// in code or tests; comments and string literals do not count. A path resolves to the deepest
// module it names that has a file (`super::Hospital` from hospital/holds.rs is hospital/mod.rs;
// code in an inline `mod tests {}` belongs to its file). Paths without `crate`/`super`/`self`
// are other crates, or the file's own children. A path through the crate root's re-exports
// (`crate::Error`) is refused outright: it would hide the module it comes from, so files import
// from the defining module (`crate::error::Error`).
//
// The rule. A module and its own child modules are one unit, seen from outside: the parent
// declares the children and may call into them, and a child may use its parent's private items
// (`use super::Hospital`), the normal Rust pattern, so edges between a module and its
// descendants are not cycles. Every other edge counts at the level where the two files' module
// paths part: `hospital/replay.rs -> changes.rs` is an edge `hospital -> changes` between the
// crate root's children, and `hospital/replay.rs -> hospital/holds.rs` an edge `replay -> holds`
// between hospital's children. A cycle at any level fails: two top-level modules that import
// each other (whichever of their files does it), or two sibling files under hospital/.
//
// Prints every file's edges, then each level's cycles (exit 1) or "no cycles" (exit 0).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const srcDir = process.argv[2] ?? join(root, "crates/engine/src");

/** Every .rs file under `dir`, as paths relative to srcDir with `/` separators. */
function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return name.endsWith(".rs") ? [relative(srcDir, path).split(sep).join("/")] : [];
  });
}

/** A file's module path: lib.rs is [], a.rs and a/mod.rs are ["a"], a/b.rs is ["a", "b"]. */
function modulePathOf(file) {
  const parts = file.replace(/\.rs$/, "").split("/");
  if (parts.at(-1) === "mod" || (parts.length === 1 && parts[0] === "lib")) parts.pop();
  return parts;
}

/**
 * The text with comments and the contents of string and char literals blanked out, newlines
 * kept, so that offsets and line numbers stay those of the file.
 */
function stripped(text) {
  const chars = Array.from(text);
  const out = [];
  const blank = (c) => (c === "\n" ? "\n" : " ");
  let i = 0;
  while (i < chars.length) {
    const c = chars[i];
    const next = chars[i + 1];
    if (c === "/" && next === "/") {
      while (i < chars.length && chars[i] !== "\n") out.push(blank(chars[i++]));
    } else if (c === "/" && next === "*") {
      let depth = 0;
      do {
        if (chars[i] === "/" && chars[i + 1] === "*") {
          depth++;
          out.push("  ");
          i += 2;
        } else if (chars[i] === "*" && chars[i + 1] === "/") {
          depth--;
          out.push("  ");
          i += 2;
        } else {
          out.push(blank(chars[i++]));
        }
      } while (depth > 0 && i < chars.length);
    } else if ((c === "r" || (c === "b" && next === "r")) && /^b?r#*"/.test(chars.slice(i, i + 40).join(""))
      && !/[A-Za-z0-9_]/.test(chars[i - 1] ?? "")) {
      const head = /^b?r(#*)"/.exec(chars.slice(i, i + 40).join(""));
      const end = `"${head[1]}`;
      for (const ch of head[0]) out.push(ch === '"' ? '"' : " "), i++;
      while (i < chars.length && chars.slice(i, i + end.length).join("") !== end) out.push(blank(chars[i++]));
      for (let k = 0; k < end.length && i < chars.length; k++) out.push(chars[i++] === '"' ? '"' : " ");
    } else if (c === '"') {
      out.push('"');
      i++;
      while (i < chars.length && chars[i] !== '"') {
        if (chars[i] === "\\") out.push(" "), i++;
        if (i < chars.length) out.push(blank(chars[i++]));
      }
      if (i < chars.length) out.push('"'), i++;
    } else if (c === "'" && (next === "\\" || chars[i + 2] === "'")) {
      // A char literal ('x', '\n', '\u{1F}'); not a lifetime ('a).
      out.push("'");
      i++;
      while (i < chars.length && chars[i] !== "'") {
        if (chars[i] === "\\") out.push(" "), i++;
        if (i < chars.length) out.push(blank(chars[i++]));
      }
      if (i < chars.length) out.push("'"), i++;
    } else {
      out.push(c);
      i++;
    }
  }
  return out.join("");
}

/** Inline modules (`mod tests { … }`) as { name, start, end } offsets into the stripped text. */
function inlineModules(code) {
  const modules = [];
  const re = /\bmod\s+([A-Za-z_]\w*)\s*\{/g;
  for (let m; (m = re.exec(code)); ) {
    let depth = 0;
    let end = code.length;
    for (let i = m.index + m[0].length - 1; i < code.length; i++) {
      if (code[i] === "{") depth++;
      else if (code[i] === "}" && --depth === 0) {
        end = i;
        break;
      }
    }
    modules.push({ name: m[1], start: m.index, end });
  }
  return modules;
}

/** The paths a use tree names: `a::{b, c::{self, D}}` gives [a,b], [a,c], [a,c,D]. */
function useTreePaths(tree) {
  const tokens = tree.match(/[A-Za-z_]\w*|::|\{|\}|,|\*/g) ?? [];
  let at = 0;
  function parse(prefix) {
    const paths = [];
    let path = [...prefix];
    let grouped = false; // the path went on into braces: it names nothing itself
    const end = () => {
      if (path.length > prefix.length && !grouped) paths.push(path);
    };
    while (at < tokens.length) {
      const token = tokens[at++];
      if (token === "{") {
        paths.push(...parse(path));
        grouped = true;
      } else if (token === "}") {
        end();
        return paths;
      } else if (token === ",") {
        end();
        path = [...prefix];
        grouped = false;
      } else if (token === "as") {
        at++; // the new name
      } else if (token === "self") {
        // `a::{self}` is `a`; a leading `self::` is resolved later.
        if (path.length === 0) path.push("self");
        else paths.push([...path]);
      } else if (token !== "::") {
        path.push(token); // an identifier or `*`
      }
    }
    end();
    return paths;
  }
  return parse([]).filter((path) => path.length > 0);
}

const files = rustFiles(srcDir).sort();
const fileOfModule = new Map(files.map((file) => [modulePathOf(file).join("::"), file]));
const rootFile = fileOfModule.get("");
if (rootFile === undefined) {
  console.error(`module-cycles: no lib.rs in ${srcDir}`);
  process.exit(2);
}

/** The file of the deepest file-backed module that `modulePath` is in. */
function fileOf(modulePath) {
  for (let n = modulePath.length; n >= 0; n--) {
    const file = fileOfModule.get(modulePath.slice(0, n).join("::"));
    if (file !== undefined) return file;
  }
  return rootFile;
}

const edges = []; // { from, to, line, text }
const problems = [];

for (const file of files) {
  const text = readFileSync(join(srcDir, file), "utf8");
  const code = stripped(text);
  const lineOf = (offset) => code.slice(0, offset).split("\n").length;
  const fileModule = modulePathOf(file);
  const inline = inlineModules(code);
  const moduleAt = (offset) => [
    ...fileModule,
    ...inline.filter((m) => m.start < offset && offset < m.end).map((m) => m.name),
  ];
  const isModule = (path) =>
    fileOfModule.has(path.join("::")) ||
    inline.some((m) => [...fileModule, m.name].join("::") === path.join("::"));

  const resolve = (segments, offset, source) => {
    const current = moduleAt(offset);
    let module;
    let rest;
    if (segments[0] === "crate") {
      module = [];
      rest = segments.slice(1);
    } else if (segments[0] === "super" || segments[0] === "self") {
      module = [...current];
      rest = [...segments];
      while (rest[0] === "super" || rest[0] === "self") {
        if (rest.shift() === "super") module.pop();
      }
    } else {
      return; // another crate, or this module's own child
    }
    while (rest.length > 0 && isModule([...module, rest[0]])) module.push(rest.shift());
    if (module.length === 0 && rest.length > 0 && rest[0] !== "*") {
      problems.push(`${file}:${lineOf(offset)}: \`${source}\` imports through the crate root's re-exports; name the module that defines it`);
      return;
    }
    const to = fileOf(module);
    if (to !== file) edges.push({ from: file, to, line: lineOf(offset), text: source });
  };

  // `mod b;`: the parent depends on its child.
  for (const m of code.matchAll(/\bmod\s+([A-Za-z_]\w*)\s*;/g)) {
    const to = fileOfModule.get([...fileModule, m[1]].join("::"));
    if (to !== undefined) edges.push({ from: file, to, line: lineOf(m.index), text: `mod ${m[1]};` });
  }
  // `use …;` statements, then the paths in the rest of the code.
  let rest = code;
  for (const m of code.matchAll(/\buse\s+([^;]+);/g)) {
    for (const path of useTreePaths(m[1])) resolve(path, m.index, `use ${path.join("::")}`);
    rest = rest.slice(0, m.index) + " ".repeat(m[0].length) + rest.slice(m.index + m[0].length);
  }
  for (const m of rest.matchAll(/\b(?:crate|super|self)(?:\s*::\s*(?:[A-Za-z_]\w*))+/g)) {
    const segments = m[0].split("::").map((s) => s.trim());
    if (segments[0] === "self" && segments.length === 1) continue;
    resolve(segments, m.index, segments.join("::"));
  }
}

// ----- print the edges -----

const byFile = new Map();
for (const edge of edges) {
  if (!byFile.has(edge.from)) byFile.set(edge.from, new Set());
  byFile.get(edge.from).add(edge.to);
}
console.log(`module-cycles: ${relative(root, srcDir) || "."}, ${files.length} files`);
for (const file of files) {
  const targets = [...(byFile.get(file) ?? [])].sort();
  console.log(`  ${file} -> ${targets.length > 0 ? targets.join(", ") : "(nothing)"}`);
}

// ----- the levels -----

const levels = new Map(); // level (module path) -> Map(child -> Map(child -> [edges]))
for (const edge of edges) {
  const a = modulePathOf(edge.from);
  const b = modulePathOf(edge.to);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  if (common === a.length || common === b.length) continue; // a module and its descendant
  const level = a.slice(0, common).join("::");
  const [from, to] = [a[common], b[common]];
  if (!levels.has(level)) levels.set(level, new Map());
  const graph = levels.get(level);
  if (!graph.has(from)) graph.set(from, new Map());
  if (!graph.get(from).has(to)) graph.get(from).set(to, []);
  graph.get(from).get(to).push(edge);
}

/** The cycles of a graph: its strongly connected components (Tarjan), one shortest cycle through
 * each of their nodes. */
function cycles(graph) {
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((m) => [...m.keys()])]);
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let counter = 0;
  function connect(v) {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(new Set(component));
    }
  }
  for (const v of [...nodes].sort()) if (!index.has(v)) connect(v);
  const found = new Map();
  for (const component of components) {
    for (const start of [...component].sort()) {
      const cycle = shortestCycle(graph, component, start);
      // The same cycle found from another of its nodes: keep one, starting at its first node.
      const ring = cycle.slice(0, -1);
      const first = ring.indexOf([...ring].sort()[0]);
      const key = [...ring.slice(first), ...ring.slice(0, first)].join(" -> ");
      if (!found.has(key)) found.set(key, cycle);
    }
  }
  return [...found.values()];
}

/** A shortest way from `start` back to itself inside `component`, by breadth-first search. */
function shortestCycle(graph, component, start) {
  {
    const previous = new Map([[start, null]]);
    const queue = [start];
    let last = null;
    while (queue.length > 0 && last === null) {
      const v = queue.shift();
      for (const w of [...(graph.get(v)?.keys() ?? [])].sort()) {
        if (!component.has(w)) continue;
        if (w === start) {
          last = v;
          break;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [];
    for (let v = last; v !== null; v = previous.get(v)) path.unshift(v);
    return [...path, start];
  }
}

let failed = problems.length > 0;
for (const problem of problems) console.error(`module-cycles: ${problem}`);
for (const [level, graph] of [...levels].sort()) {
  for (const cycle of cycles(graph)) {
    failed = true;
    const where = level === "" ? "between top-level modules" : `between the children of ${level}`;
    console.error(`module-cycles: a cycle ${where}: ${cycle.join(" -> ")}`);
    for (let k = 0; k + 1 < cycle.length; k++) {
      for (const edge of graph.get(cycle[k]).get(cycle[k + 1])) {
        console.error(`    ${edge.from}:${edge.line} -> ${edge.to}   (${edge.text})`);
      }
    }
  }
}
if (failed) process.exit(1);
console.log(`no cycles (${edges.length} edges; a module and its own children count as one unit)`);
