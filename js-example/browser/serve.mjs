#!/usr/bin/env node
// A tiny static file server for the browser example (node:http, no framework):
//
//   node browser/serve.mjs        then open http://127.0.0.1:8080/   (PORT, HOST to change)
//
// It serves this directory at / and the dr-schedule package, as js-example installs it, at
// /modules/dr-schedule/, where the page's import map points. The .wasm goes out as
// application/wasm, so that the browser compiles it while it downloads.
import http from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
};

export const browserDir = fileURLToPath(new URL(".", import.meta.url));
export const installedPackage = fileURLToPath(new URL("../node_modules/dr-schedule/", import.meta.url));

/**
 * The file under one of `mounts` (URL prefix → directory) that a URL path names, or null. Never
 * a file outside the mounted directories.
 */
function fileFor(mounts, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  for (const [prefix, dir] of Object.entries(mounts).sort(([a], [b]) => b.length - a.length)) {
    if (!decoded.startsWith(prefix)) continue;
    const root = resolve(dir);
    const file = resolve(root, `.${sep}${decoded.slice(prefix.length) || "index.html"}`);
    if (file !== root && !file.startsWith(root + sep)) return null;
    return file;
  }
  return null;
}

/**
 * An http.Server serving `mounts`: by default this directory at / and the package at
 * /modules/dr-schedule/. GET and HEAD only.
 */
export function createStaticServer(mounts = { "/": browserDir, "/modules/dr-schedule/": installedPackage }) {
  return http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    let file = fileFor(mounts, pathname);
    let stat = null;
    try {
      stat = file === null ? null : statSync(file);
      if (stat?.isDirectory()) {
        file = join(file, "index.html");
        stat = statSync(file);
      }
    } catch {
      stat = null;
    }
    if ((stat === null || !stat.isFile()) && pathname === "/favicon.ico") {
      res.writeHead(204).end(); // no icon, and no 404 in the console for it
      return;
    }
    if (stat === null || !stat.isFile()) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": stat.size,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? "127.0.0.1";
  const server = createStaticServer();
  server.listen(port, host, () => console.log(`[dr-schedule] the browser example at http://${host}:${server.address().port}/`));
  process.on("SIGINT", () => server.close(() => process.exit(0)));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
