#!/usr/bin/env node
// The floor under the REST server's numbers on this machine (bench.mjs's `--floor`): the same
// client and request stream against a node:http server that parses the JSON body and answers a
// fixed appointment, with no engine and no storage, in a process of its own. No server built on
// node:http can answer this stream faster here; with `--fsync`, it also fsyncs a file per
// answer batch (what a durable acknowledgement costs at the least).
import { fdatasyncSync, openSync, rmSync, writeSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const fsync = process.argv.includes("--fsync");
const answer = JSON.stringify({ id: "a1", doctorId: "1", location: "A", start: "2040-01-01T00:00", end: "2040-01-01T00:15", durationMinutes: 15, status: "booked" });
// A preallocated 4 MiB ring, written over like a WAL that is reused: fdatasync flushes data only.
const RING = 4 * 1024 * 1024;
const fd = fsync ? openSync(join(tmpdir(), `dr-schedule-floor-${process.pid}`), "w") : null;
if (fd !== null) {
  writeSync(fd, Buffer.alloc(RING));
  fdatasyncSync(fd);
}
let offset = 0;
let pending = [];
let scheduled = false;
function flush() {
  scheduled = false;
  const batch = pending;
  pending = [];
  if (fd !== null) {
    const bytes = Buffer.alloc(300 * batch.length, 120);
    if (offset + bytes.length > RING) offset = 0;
    writeSync(fd, bytes, 0, bytes.length, offset);
    offset += bytes.length;
    fdatasyncSync(fd);
  }
  for (const res of batch) res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(answer) }).end(answer);
}
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    JSON.parse(Buffer.concat(chunks).toString("utf8"));
    pending.push(res);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`[dr-schedule] listening on http://127.0.0.1:${server.address().port} (floor${fsync ? ", fsync" : ""})`));
process.on("SIGTERM", () => {
  if (fd !== null) rmSync(join(tmpdir(), `dr-schedule-floor-${process.pid}`), { force: true });
  process.exit(0);
});
