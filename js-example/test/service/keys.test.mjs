// A hospital's API keys through the service, on real stores (SQLite, or PostgreSQL when the
// harness says so), two processes' services on one database: keys stored as hashes beside the
// hospital, made and revoked through the keys routes, a revocation seen at once by the other
// process, a new key recognised there too, the key's id as the actor of its changes, and its
// secret in no stored row, snapshot or change record.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { HospitalService } from "../../service/hospital-service.mjs";
import { keyMaterial, webDigest } from "../../service/auth.mjs";
import { memoryLog, nthSlot, openTestStore, roundTheClock, stopAll, tempDb } from "../server/harness.mjs";

after(stopAll);

const services = [];
after(async () => {
  for (const service of services) await service.close();
});

async function serviceOn(db, storeOptions = {}) {
  const store = await openTestStore(db, storeOptions);
  const service = await new HospitalService({ store, log: memoryLog() }).open();
  services.push(service);
  return { store, service };
}

/** The principal a gateway would give the service for `token` (a `drs_…` key), or null. */
async function principalFor(service, token) {
  const keyId = token.split("_")[2];
  const hash = await webDigest(token);
  const found = await service.authenticate(keyId, hash);
  return found === null ? null : { keyId, hash, keyring: found.keyring, mayRead: found.row.roles.includes("read") };
}

const get = (path) => ({ method: "GET", path, query: new URLSearchParams() });
const post = (path, body, extra = {}) => ({ method: "POST", path, query: new URLSearchParams(), body, ...extra });

test("keys: made and revoked in one process, seen at once in another; the actor is the key's id; no secret is stored", async () => {
  const db = tempDb();
  const first = await keyMaterial("demo", undefined, webDigest);
  const adminRow = { id: first.id, hash: first.hash, roles: ["read", "book", "admin"], label: "first", salt: first.salt, created: "2030-01-01T00:00:00.000Z", createdBy: null, revoked: null, revokedBy: null, rotated: null };
  const a = await serviceOn(db, { keys: [adminRow] });
  const b = await serviceOn(db);
  await a.service.write((h) => h.addDoctor(roundTheClock("rt")));

  const admin = await principalFor(a.service, first.token);
  assert.ok(admin, "the first admin key stored with the database verifies");
  assert.equal(await principalFor(a.service, `${first.token.slice(0, -1)}${first.token.endsWith("A") ? "B" : "A"}`), null, "a wrong secret does not");

  // Without a key, the keys routes do nothing.
  const anonymous = await a.service.handle(get("/v1/keys"));
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.error.code, "UNAUTHENTICATED");
  assert.match(anonymous.headers["www-authenticate"], /^Bearer /);

  // A book-only key, made by the admin in process A.
  const material = await keyMaterial("demo", undefined, webDigest);
  const made = await a.service.handle(post("/v1/keys", { roles: ["book"], label: "checkout" }, { newKey: material }), undefined, admin);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.key, material.token, "the key is shown once, in this answer");
  assert.equal(made.body.createdBy, first.id);
  assert.deepEqual(made.body.roles, ["book"]);
  for (const hidden of ["hash", "salt"]) assert.ok(!Object.hasOwn(made.body, hidden), hidden);

  // Process B knows it without a restart, and its changes carry its id.
  const checkout = await principalFor(b.service, material.token);
  assert.ok(checkout, "process B verifies a key process A made");
  assert.equal(checkout.mayRead, false);
  const before = b.service.revision;
  const booked = await b.service.handle(post("/v1/appointments", { doctorId: "rt", location: "X", start: nthSlot(1), patient: "p1" }), undefined, checkout);
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  const changes = await a.service.read((h) => h.changesSince(before));
  assert.equal(changes.length, 1);
  assert.equal(changes[0].actor, material.id);

  // A key without `read` is not told which appointment is in its way.
  const taken = await b.service.handle(post("/v1/appointments", { doctorId: "rt", location: "Y", start: nthSlot(1), patient: "p2" }), undefined, checkout);
  assert.equal(taken.status, 409);
  assert.equal(taken.body.error.code, "SLOT_TAKEN");
  assert.ok(!JSON.stringify(taken.body).includes(booked.body.id), JSON.stringify(taken.body));

  // Listed by the admin, without secrets; revoked in A, it fails at once in B.
  const listed = await a.service.handle(get("/v1/keys"), undefined, admin);
  assert.deepEqual(listed.body.map((k) => k.id), [first.id, material.id]);
  assert.ok(!JSON.stringify(listed.body).includes(material.hash));
  const revoked = await a.service.handle({ method: "DELETE", path: `/v1/keys/${material.id}`, query: new URLSearchParams() }, undefined, admin);
  assert.equal(revoked.status, 200);
  assert.equal(revoked.body.revokedBy, first.id);
  const late = await b.service.handle(post("/v1/appointments", { doctorId: "rt", location: "X", start: nthSlot(2) }), undefined, checkout);
  assert.equal(late.status, 401, "the principal B verified before the revocation fails in B's next batch");
  assert.equal(late.body.error.details.reason, "revoked");
  assert.equal(await principalFor(b.service, material.token), null);

  // Rotating gives a new secret: the old one fails, the new one verifies, in both processes.
  const rotation = await keyMaterial("demo", first.id, webDigest);
  const rotated = await a.service.handle(post(`/v1/keys/${first.id}/rotate`, undefined, { newKey: rotation }), undefined, admin);
  assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
  // B may still verify the old secret against the keys it last read; the batch re-checks it.
  const stale = await principalFor(b.service, first.token);
  if (stale !== null) assert.equal((await b.service.handle(get("/v1/keys"), undefined, stale)).status, 401);
  assert.equal(await principalFor(b.service, first.token), null);
  assert.ok(await principalFor(b.service, rotation.token));
  const again = await a.service.handle(post(`/v1/keys/${material.id}/rotate`, undefined, { newKey: await keyMaterial("demo", material.id, webDigest) }), undefined, await principalFor(a.service, rotation.token));
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, "KEY_REVOKED");

  // No secret anywhere in what is stored: key rows, snapshot, change records.
  const stored = await a.store.read(async (view) => ({ keys: await view.loadKeys(), changes: await view.changesAfter(0), snapshot: await view.loadSnapshot() }));
  const text = JSON.stringify(stored.keys) + JSON.stringify(stored.changes) + Buffer.from(stored.snapshot.bytes).toString("utf8");
  const snapshotNow = await a.service.read((h) => h.toSnapshot());
  for (const token of [first.token, material.token, rotation.token]) {
    const secret = token.split("_").slice(3).join("_");
    assert.ok(!text.includes(secret), "a key's secret is stored");
    assert.ok(!snapshotNow.includes(secret), "a key's secret is in the snapshot");
  }
  assert.equal(stored.keys.rows.length, 2);
  assert.equal(stored.keys.version, 1 + 3, "one for the first key, then a make, a revoke and a rotate");
});

test("a hospital stores at most maxKeys keys, revoked ones included: then 409 TOO_MANY_KEYS, nothing stored", async () => {
  const db = tempDb();
  const first = await keyMaterial("demo", undefined, webDigest);
  const adminRow = { id: first.id, hash: first.hash, roles: ["admin"], label: null, salt: first.salt, created: "2030-01-01T00:00:00.000Z", createdBy: null, revoked: null, revokedBy: null, rotated: null };
  const store = await openTestStore(db, { keys: [adminRow] });
  const service = await new HospitalService({ store, log: memoryLog(), maxKeys: 4 }).open();
  services.push(service);
  const admin = await principalFor(service, first.token);
  const newKey = () => keyMaterial("demo", undefined, webDigest);
  const make = (material) => service.handle(post("/v1/keys", { roles: ["read"] }, { newKey: material }), undefined, admin);
  // Made in one batch: the limit counts the keys the batch itself adds. The materials first (their
  // digests finish in any order), so that the fourth request is the fourth one queued.
  const materials = [];
  for (let i = 0; i < 4; i++) materials.push(await newKey());
  const answers = await Promise.all(materials.map(make));
  assert.deepEqual(answers.map((a) => a.status), [201, 201, 201, 409]);
  assert.equal(answers[3].body.error.code, "TOO_MANY_KEYS");
  assert.deepEqual(answers[3].body.error.details, { limit: 4 });
  const revoked = await service.handle({ method: "DELETE", path: `/v1/keys/${answers[0].body.id}`, query: new URLSearchParams() }, undefined, admin);
  assert.equal(revoked.status, 200);
  assert.equal((await make(await newKey())).status, 409, "a revoked key still counts");
  const stored = await store.read((view) => view.loadKeys());
  assert.equal(stored.rows.length, 4);
});
