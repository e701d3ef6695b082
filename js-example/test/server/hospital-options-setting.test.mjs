// DR_SCHEDULE_HOSPITAL_OPTIONS, the options of the one hospital of server/main.mjs (README, the
// settings table): the first start in a place makes an empty hospital with them instead of the
// demo hospital; options the package refuses stop the server at start, naming the variable and
// the option; a database that holds a hospital keeps its own options (a log line says the setting
// is ignored when they differ); a restart keeps the zone. SQLite, or PostgreSQL in its run.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { client, expectError, onlyFor, outputMatching, startProcess, stopAll, tempDb, STORE } from "./harness.mjs";

after(stopAll);

const NEW_YORK = JSON.stringify({ timeZone: "America/New_York", defaultDurationMinutes: 30 });
const doctor = { id: "night", name: "Dr. Night", locations: ["Main St"], schedule: [{ days: ["sun"], start: "00:00", end: "06:00" }] };

describe(`DR_SCHEDULE_HOSPITAL_OPTIONS (${STORE})`, { timeout: 60_000 }, () => {
  test("options the package refuses stop the server at start, naming the variable and the option", async () => {
    for (const [text, words] of [
      ['{"timeZone":"Mars/Olympus"}', /DR_SCHEDULE_HOSPITAL_OPTIONS is refused by the package: INVALID_INPUT .*Mars\/Olympus.*\(field timeZone\)/],
      ['{"slotMinutes":7}', /\(field slotMinutes\)/],
      ["[1]", /\(field options\)/],
      ["{timeZone: UTC}", /DR_SCHEDULE_HOSPITAL_OPTIONS must be a JSON object/],
    ]) {
      await assert.rejects(startProcess({ db: tempDb(), env: { DR_SCHEDULE_HOSPITAL_OPTIONS: text } }), (error) => {
        assert.match(error.message, /server exited \(1\) before listening/);
        assert.match(error.message, words);
        return true;
      });
    }
  });

  test("a new database: an empty hospital with the options, not the demo; a restart keeps the zone; other options later are ignored with a log line", async () => {
    const db = tempDb();
    let proc = await startProcess({ db, env: { DR_SCHEDULE_HOSPITAL_OPTIONS: NEW_YORK } });
    let api = client(proc.url);
    const options = (await api.get("/v1/options")).body;
    assert.deepEqual([options.timeZone, options.defaultDurationMinutes], ["America/New_York", 30]);
    assert.deepEqual((await api.get("/v1/doctors")).body, [], "no demo doctors");
    assert.equal((await api.post("/v1/doctors", doctor)).status, 201);
    const booked = await api.post("/v1/appointments", { doctorId: "night", location: "Main St", start: "2025-11-02T01:30:00-05:00", now: "2025-10-01T12:00:00Z" });
    assert.equal(booked.status, 201, booked.text);
    assert.equal(booked.body.startUtc, "2025-11-02T06:30:00Z");
    const fhir = await api.get("/v1/doctors/night/fhir?from=2025-11-02&to=2025-11-02");
    assert.equal(fhir.status, 200, fhir.text);
    assert.doesNotMatch(proc.output(), /DR_SCHEDULE_HOSPITAL_OPTIONS/);

    // The same options again: nothing to say. None: the stored hospital's are kept.
    for (const env of [{ DR_SCHEDULE_HOSPITAL_OPTIONS: NEW_YORK }, {}]) {
      await proc.stop();
      proc = await startProcess({ db, env });
      api = client(proc.url);
      assert.equal((await api.get("/v1/options")).body.timeZone, "America/New_York");
      assert.deepEqual((await api.get(`/v1/appointments/${booked.body.id}`)).body, booked.body);
      assert.doesNotMatch(proc.output(), /DR_SCHEDULE_HOSPITAL_OPTIONS/);
    }
    // Others: the hospital keeps its own, and the log says the setting is ignored, and for what.
    await proc.stop();
    proc = await startProcess({ db, env: { DR_SCHEDULE_HOSPITAL_OPTIONS: JSON.stringify({ timeZone: "Europe/Paris", defaultDurationMinutes: 30 }) } });
    const output = await outputMatching(proc, /DR_SCHEDULE_HOSPITAL_OPTIONS is ignored/);
    assert.match(output, /DR_SCHEDULE_HOSPITAL_OPTIONS is ignored: .* whose options stay \{"timeZone":"America\/New_York"\}/);
    assert.equal((await client(proc.url).get("/v1/options")).body.timeZone, "America/New_York");
    expectError(assert, await client(proc.url).post("/v1/appointments", { doctorId: "night", location: "Main St", start: "2025-03-09T02:30" }), 422, "NONEXISTENT_TIME");
  });

  test("a database with the demo hospital keeps it, floating; the log says the options are ignored", async () => {
    const db = tempDb();
    let proc = await startProcess({ db });
    await proc.stop();
    proc = await startProcess({ db, env: { DR_SCHEDULE_HOSPITAL_OPTIONS: NEW_YORK } });
    assert.match(await outputMatching(proc, /DR_SCHEDULE_HOSPITAL_OPTIONS is ignored/), /whose options stay \{"timeZone":null,"defaultDurationMinutes":15\}/);
    const api = client(proc.url);
    assert.equal((await api.get("/v1/options")).body.timeZone, null);
    assert.equal((await api.get("/v1/doctors")).body.length, 2);
  });

  test("DR_SCHEDULE_NEW_DATABASE: a missing database is started anew with the options", onlyFor("sqlite"), async () => {
    const db = tempDb();
    let proc = await startProcess({ db, env: { DR_SCHEDULE_HOSPITAL_OPTIONS: NEW_YORK } });
    await proc.stop();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${db}${suffix}`, { force: true });
    proc = await startProcess({ db, env: { DR_SCHEDULE_HOSPITAL_OPTIONS: NEW_YORK, DR_SCHEDULE_NEW_DATABASE: "1" } });
    const options = (await client(proc.url).get("/v1/options")).body;
    assert.deepEqual([options.timeZone, options.defaultDurationMinutes], ["America/New_York", 30]);
  });
});
