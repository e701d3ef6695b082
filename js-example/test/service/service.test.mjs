// The service layer on its own (no HTTP), on real stores (SQLite files, or PostgreSQL when the
// harness says so): the order of requests when a commit takes time, group commit, what a
// failure rebuilds and what it does not, and the settings reader both servers use.
//
// `slow(store, ms)` is the real store with a delay before each COMMIT: a database on another
// machine answers its commits later, and the service must keep its promises when it does.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hospital } from "dr-schedule";
import { clientKey } from "../../server/http.mjs";
import { HospitalService } from "../../service/hospital-service.mjs";
import { hospitalPath, hostAllowed, parseHost } from "../../service/http.mjs";
import { SettingsError, boolean, integer, list, readSettings, string } from "../../service/settings.mjs";
import { memoryLog, nthSlot, openTestStore, roundTheClock, stopAll, tempDb } from "../server/harness.mjs";

after(stopAll);

const opened = [];
after(async () => {
  for (const { service } of opened) await service.close();
});

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The SQLite store, its commits `ms` later; `commits` counts them, `failNext` fails the next one. */
function slow(store, ms) {
  const wrapper = {
    shared: store.shared,
    commits: 0,
    failNext: false,
    describe: () => store.describe(),
    where: (kind, revision) => store.where(kind, revision),
    read: (fn, options) => store.read(fn, options),
    compactionState: () => store.compactionState(),
    write: (fn, options) =>
      store.write(async (tx) => {
        const result = await fn(tx);
        await delay(ms);
        if (wrapper.failNext) {
          wrapper.failNext = false;
          throw new Error("commit refused (injected)");
        }
        wrapper.commits += 1;
        return result;
      }, options),
    close: () => store.close(),
  };
  return wrapper;
}

async function open({ db = tempDb(), commitMs, ...options } = {}) {
  const real = await openTestStore(db);
  const store = commitMs === undefined ? real : slow(real, commitMs);
  const log = memoryLog();
  const service = await new HospitalService({ store, log, ...options }).open();
  opened.push({ service, store });
  await service.write((h) => h.addDoctor(roundTheClock("rt")));
  return { db, store, service, log };
}

const post = (path, body) => ({ method: "POST", path, body });
const get = (path) => ({ method: "GET", path });
const booking = (n, extra = {}) => post("/v1/appointments", { doctorId: "rt", location: "X", start: nthSlot(n), ...extra });

/** What a fresh process would load from the file. */
async function onDisk(db) {
  const store = await openTestStore(db);
  const service = await new HospitalService({ store, compaction: false }).open();
  try {
    return service.hospital.toSnapshot();
  } finally {
    await service.close();
    await store.close();
  }
}

describe("order and durability with a slow commit", () => {
  test("a read sent during a write's commit answers after the commit, with the write in it", async () => {
    const { service } = await open({ commitMs: 100 });
    const events = [];
    const write = service.handle(booking(0)).then((res) => events.push(`write ${res.status}`));
    await delay(20); // the write's commit is under way; memory already holds the booking
    assert.equal(service.hospital.revision, 4, "memory is ahead of the store during the commit");
    const read = service.handle(get("/v1/doctors/rt/appointments")).then((res) => {
      events.push(`read ${res.body.length}`);
    });
    await Promise.all([write, read]);
    assert.deepEqual(events, ["write 201", "read 1"]);
  });

  test("writes that arrive during a commit are committed together (group commit), each answered after it", async () => {
    const { store, service, db } = await open({ commitMs: 80 });
    const commitsBefore = store.commits;
    const first = service.handle(booking(10));
    await delay(10);
    const answers = await Promise.all([first, ...Array.from({ length: 20 }, (_, i) => service.handle(booking(11 + i, { requestId: `g${i}` })))]);
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(21).fill(201),
    );
    assert.equal(store.commits - commitsBefore, 2, "the first write alone, then the 20 that queued behind it");
    assert.equal(await onDisk(db), service.hospital.toSnapshot());
  });

  test("a failed commit: none of its batch is acknowledged, memory is rebuilt from the store, the next write works", async () => {
    const { store, service, db, log } = await open({ commitMs: 50 });
    const before = await onDisk(db);
    const first = service.handle(booking(40));
    await delay(10);
    store.failNext = true; // the first write's commit fails
    const queued = Array.from({ length: 5 }, (_, i) => service.handle(booking(41 + i)));
    const [failed, ...rest] = await Promise.all([first, ...queued]);
    assert.equal(failed.status, 500);
    assert.equal(failed.body.error.code, "INTERNAL");
    assert.ok(rest.every((r) => r.status === 201), "the batch after it commits normally");
    assert.equal(service.hospital.appointments("rt", { status: "all" }).some((a) => a.start === nthSlot(40)), false);
    assert.match(log.lines.join("\n"), /internal error: Error: commit refused \(injected\)/);
    assert.notEqual(await onDisk(db), before);
    assert.equal(await onDisk(db), service.hospital.toSnapshot());
    // Read it back: the failed one is free, the others are booked.
    assert.equal((await service.handle(booking(40))).status, 201);
  });
});

describe("what a failure rebuilds", () => {
  test("a read that the engine refuses (404, 400, 422) is an answer: nothing is reloaded", async () => {
    const { service } = await open();
    const loads = service.stats.loads;
    for (const [path, status] of [
      ["/v1/doctors/nobody", 404],
      ["/v1/appointments/a999", 404],
      ["/v1/doctors/rt/slots?from=2019-02-30&to=2019-03-01", 400],
      ["/v1/doctors/rt/slots?from=2030-01-01&to=2030-01-01&location=Z", 422],
      ["/appointments/nobody", 404],
    ]) {
      const query = new URLSearchParams(path.split("?")[1] ?? "");
      assert.equal((await service.handle({ method: "GET", path: path.split("?")[0], query })).status, status, path);
    }
    assert.equal(service.stats.loads, loads);
    assert.equal(service.stats.rebuilds, 0);
  });

  test("an exception that is not a HospitalError, in a read: 500 INTERNAL, memory rebuilt, the next read works", async () => {
    const { service, log } = await open();
    const original = Hospital.prototype.listDoctors;
    Hospital.prototype.listDoctors = () => {
      throw new TypeError("a bug");
    };
    let res;
    try {
      res = await service.handle(get("/v1/doctors"));
    } finally {
      Hospital.prototype.listDoctors = original;
    }
    assert.equal(res.status, 500);
    assert.equal(res.body.error.code, "INTERNAL");
    assert.equal(service.stats.rebuilds, 1);
    assert.match(log.lines.join("\n"), /internal error \(the hospital is rebuilt from storage\): TypeError: a bug/);
    assert.equal((await service.handle(get("/v1/doctors"))).body.length, 3);
  });

  test("INSTANCE_FAILED in a write batch: that request is 500 INSTANCE_FAILED, the others of the batch run again and are stored", async () => {
    const { service, db } = await open({ commitMs: 50 });
    const first = service.handle(booking(60));
    await delay(10);
    const original = Hospital.prototype.book;
    let thrown = 0;
    Hospital.prototype.book = function (input) {
      if (input.start === nthSlot(62) && thrown++ === 0) {
        const error = new Error("the WebAssembly instance trapped");
        error.name = "HospitalError";
        error.code = "INSTANCE_FAILED";
        error.details = {};
        throw error;
      }
      return original.call(this, input);
    };
    let answers;
    try {
      answers = await Promise.all([first, ...[61, 62, 63].map((n) => service.handle(booking(n)))]);
    } finally {
      Hospital.prototype.book = original;
    }
    assert.deepEqual(
      answers.map((a) => a.body.error?.code ?? a.status),
      [201, 201, "INSTANCE_FAILED", 201],
    );
    assert.equal(answers[2].status, 500);
    const starts = service.hospital.appointments("rt").map((a) => a.start);
    assert.deepEqual(starts.filter((s) => [60, 61, 62, 63].map(nthSlot).includes(s)), [nthSlot(60), nthSlot(61), nthSlot(63)]);
    assert.equal(await onDisk(db), service.hospital.toSnapshot());
  });
});

describe("helpers both servers use", () => {
  test("readSettings: defaults, every bad variable named, defaults that depend on another", () => {
    const spec = {
      port: integer("PORT", 5000, 0, 65535),
      host: string("HOST", "127.0.0.1"),
      fresh: boolean("FRESH"),
      hosts: list("HOSTS", (s) => [s.host], { item: /^[a-z0-9.:]+$/, what: "names" }),
    };
    assert.deepEqual(readSettings({}, spec), { port: 5000, host: "127.0.0.1", fresh: false, hosts: ["127.0.0.1"] });
    assert.deepEqual(readSettings({ PORT: "0", HOST: "::1", FRESH: "1", HOSTS: "a.example, b.example:8080" }, spec), {
      port: 0,
      host: "::1",
      fresh: true,
      hosts: ["a.example", "b.example:8080"],
    });
    assert.deepEqual(readSettings({ PORT: 80, FRESH: "" }, spec).port, 80); // a Worker var may be a number
    assert.throws(
      () => readSettings({ PORT: "1e3", FRESH: "maybe", HOSTS: "a,,b" }, spec),
      (error) => error instanceof SettingsError && error.problems.length === 3 && /PORT must be an integer from 0 to 65535, got "1e3"/.test(error.message),
    );
  });

  test("Host names, client keys and the Worker's hospital paths", () => {
    assert.deepEqual(parseHost("LocalHost:5000"), { name: "localhost", port: "5000" });
    assert.deepEqual(parseHost("[::1]:80"), { name: "[::1]", port: "80" });
    assert.equal(parseHost("a b"), null);
    assert.ok(hostAllowed("localhost:1234", ["localhost"]));
    assert.ok(!hostAllowed("localhost:1234", ["localhost:5000"]));
    assert.ok(hostAllowed("localhost", ["localhost:80"]));
    assert.ok(hostAllowed("anything.example", ["*"]));
    assert.equal(clientKey("127.0.0.1"), "127.0.0.1");
    assert.equal(clientKey("::ffff:10.0.0.1"), "10.0.0.1");
    assert.equal(clientKey("2001:db8:0:1:aaaa::1"), "2001:db8:0:1::/64");
    assert.equal(clientKey("2001:db8::1"), clientKey("2001:db8:0:0:ffff:1:2:3"));
    assert.deepEqual(hospitalPath("/hospitals/north/v1/doctors"), { name: "north", path: "/v1/doctors", basePath: "/hospitals/north" });
    assert.equal(hospitalPath("/hospitals/x//evil.example/v1/doctors").error.body.error.code, "ROUTE_NOT_FOUND");
    assert.equal(hospitalPath("/hospitals/x/v1//doctors").error.body.error.code, "ROUTE_NOT_FOUND");
    assert.equal(hospitalPath("/hospitals/a%2Fb/v1/doctors").error.body.error.code, "INVALID_INPUT");
  });
});
