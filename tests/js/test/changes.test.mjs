// Incremental persistence through the package: changesSince after each mutation, a snapshot now
// and then, and snapshot + later changes rebuild the same hospital byte for byte.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Hospital } from "dr-schedule";
import { smallHospital, thrown } from "./fixture.mjs";

test("one change record per mutation, as plain JSON", () => {
  const h = smallHospital();
  const changes = h.changesSince(0);
  assert.deepEqual(
    changes.map((c) => [c.op, c.revision]),
    [
      ["addDoctor", 1],
      ["book", 2],
      ["book", 3],
      ["cancel", 4],
    ],
  );
  assert.deepEqual(changes[1].appointment, h.getAppointment("a1"));
  assert.equal(changes[1].assignedId, true);
  assert.deepEqual(JSON.parse(JSON.stringify(changes)), changes);
  assert.deepEqual(h.changesSince(h.revision), []);
});

test("a store of a snapshot plus change lines rebuilds the hospital byte for byte", () => {
  // What a host does: append each mutation's changes as lines, snapshot every few changes.
  const store = { snapshot: new Hospital().toSnapshot(), lines: [] };
  const h = Hospital.fromSnapshot(store.snapshot);
  const persist = () => {
    const revision = JSON.parse(store.snapshot).revision + store.lines.length;
    for (const change of h.changesSince(revision)) store.lines.push(JSON.stringify(change));
    if (store.lines.length >= 3) {
      store.snapshot = h.toSnapshot();
      store.lines = [];
    }
  };
  h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
  persist();
  for (const start of ["09:00", "09:15", "09:30", "09:45", "10:00"]) {
    h.book({ doctorId: "d1", location: "A", start: `2019-02-01T${start}` });
    persist();
  }
  h.cancel("a2", { reason: "moved" });
  persist();
  const rebuilt = Hospital.fromSnapshot(store.snapshot);
  rebuilt.applyChanges(store.lines.map((line) => JSON.parse(line)));
  assert.equal(rebuilt.toSnapshot(), h.toSnapshot());
  assert.equal(rebuilt.revision, h.revision);
});

test("applyChanges is all or nothing and validates like the calls it replays", () => {
  const source = smallHospital();
  const changes = source.changesSince(0);
  const h = new Hospital();
  const taken = structuredClone(changes);
  taken[2].appointment.start = "2019-02-01T11:00"; // collides with a1
  taken[2].appointment.end = "2019-02-01T11:15";
  const error = thrown(() => h.applyChanges(taken));
  assert.equal(error.code, "SLOT_TAKEN");
  assert.match(error.message, /^changes\[2\]: /);
  assert.equal(h.revision, 0);
  assert.equal(h.toSnapshot(), new Hospital().toSnapshot());
  const malformed = thrown(() => h.applyChanges([{ ...changes[0], doctor: { ...changes[0].doctor, name: 7 } }]));
  assert.equal(malformed.code, "INVALID_INPUT");
  assert.equal(malformed.details.field, "changes[0].doctor.name");
  assert.equal(h.applyChanges(changes), 4);
  assert.equal(h.toSnapshot(), source.toSnapshot());
});

test("applyChanges takes the JSON text of the records too, with the same checks and errors", () => {
  const source = smallHospital();
  const changes = source.changesSince(0);
  const lines = changes.map((change) => JSON.stringify(change));
  const asText = (records) => `[${records.map((record) => JSON.stringify(record)).join(",")}]`;

  // The same refusals at the same paths as the array form, and nothing changed.
  const h = new Hospital();
  const taken = structuredClone(changes);
  taken[2].appointment.start = "2019-02-01T11:00";
  taken[2].appointment.end = "2019-02-01T11:15";
  for (const records of [taken, [{ ...changes[0], doctor: { ...changes[0].doctor, name: 7 } }], [{ ...changes[0], revision: 2 }], [{ ...changes[0], surprise: 1 }]]) {
    const fromArray = thrown(() => new Hospital().applyChanges(records));
    const fromText = thrown(() => h.applyChanges(asText(records)));
    assert.equal(fromText.code, fromArray.code);
    assert.deepEqual(fromText.details, fromArray.details);
    assert.equal(fromText.message, fromArray.message);
  }
  assert.equal(h.revision, 0);

  // Text that is no JSON array of records: INVALID_INPUT, and nothing changed.
  for (const text of ["", "[", "{}", "[1]", "null", `[${lines[0]}]x`, `[${lines[0]},]`, `[${lines[0].replace('"Dr. Ada"', '"Dr. \ud800"')}]`]) {
    const error = thrown(() => h.applyChanges(text));
    assert.equal(error.code, "INVALID_INPUT", JSON.stringify(text));
  }
  assert.equal(h.toSnapshot(), new Hospital().toSnapshot());

  // Lines as stored, joined: the same hospital as the array form, byte for byte.
  assert.equal(h.applyChanges(`[${lines.join(",")}]`), 4);
  assert.equal(h.toSnapshot(), source.toSnapshot());
  assert.equal(h.applyChanges("[]"), 4);
});
