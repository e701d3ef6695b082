// A tiny static file server for the Chromium tests (node:http): serves directories at URL
// prefixes, the .wasm as application/wasm so that the browser compiles it while it downloads.
import http from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
};

/** The file under one of `mounts` (URL prefix → directory) that a URL path names, or null. */
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
    const file = resolve(root, `.${sep}${decoded.slice(prefix.length)}`);
    if (file !== root && !file.startsWith(root + sep)) return null;
    return file;
  }
  return null;
}

/** An http.Server serving `mounts` (URL prefix → directory), GET only; call listen() on it. */
export function createStaticServer(mounts) {
  return http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    const file = req.method === "GET" ? fileFor(mounts, pathname) : null;
    let stat = null;
    try {
      stat = file === null ? null : statSync(file);
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
    });
    createReadStream(file).pipe(res);
  });
}
