// The time-zone oracle (issue 12): at every change of the clocks from 2000 to 2037 of every zone
// this runtime's Intl knows (`Intl.supportedValuesOf("timeZone")`), the engine's offsets and its
// gap and overlap decisions must be the ones `Intl.DateTimeFormat` gives. The whole table, not a
// sample.
//
// The oracle finds each change on its own (a reading a day, then to the minute by bisection) from
// Intl's offsets, independently of js/zones.js (a reading a week). For each change, a hospital in
// that zone, with a doctor who works around the clock, lists its free 15-minute slots
// (`findSlots`) from 4 hours before the change to 4 hours after it, as instants. The oracle
// builds the same list from Intl alone: every wall-clock quarter-hour with each instant whose
// wall clock it is. They must agree slot for slot: the wall clock, its instant (`startUtc`, so
// the offset), the offset written where the wall clock happens twice, and no slot at a time the
// clocks skip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Hospital } from "dr-schedule";

const MINUTE = 60_000;
const DAY_MINUTES = 1440;
const FIRST = Date.UTC(2000, 0, 1) / MINUTE;
const END = Date.UTC(2038, 0, 1) / MINUTE;
const AROUND = 4 * 60;
const SLOT = 15;
const ALL_DAYS = [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "00:00", end: "24:00" }];

/** The offset (minutes east of UTC) of `zone` at a minute since the epoch, from Intl. */
function offsetOf(zone) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    era: "short",
  });
  return (minute) => {
    const parts = {};
    for (const { type, value } of format.formatToParts(minute * MINUTE)) parts[type] = value;
    const year = parts.era === "BC" || parts.era === "B" ? 1 - Number(parts.year) : Number(parts.year);
    const wall = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) / MINUTE;
    return Math.round((wall - minute) * 60) / 60;
  };
}

/** The changes of `zone` from 2000 to 2037, from Intl: [{ at (minute), before, after }]. */
function changesOf(offset) {
  const changes = [];
  let at = FIRST;
  let current = offset(at);
  while (at < END) {
    const next = Math.min(at + DAY_MINUTES, END);
    const then = offset(next);
    if (then !== current) {
      let low = at;
      let high = next;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (offset(middle) === current) low = middle;
        else high = middle;
      }
      const after = offset(high);
      changes.push({ at: high, before: current, after });
      current = after;
      at = high;
    } else {
      at = next;
    }
  }
  return changes;
}

const pad = (n) => String(n).padStart(2, "0");
/** `YYYY-MM-DDTHH:MM` of a minute counted from the epoch (a wall clock or UTC). */
const minuteText = (minute) => new Date(minute * MINUTE).toISOString().slice(0, 16);
const instantText = (minute) => `${minuteText(minute)}:00Z`;
const offsetText = (offset) => `${offset < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;

/** The free slots the oracle expects in [from, to) (instants): as findSlots writes them. */
function expectedSlots(offset, from, to, offsets) {
  const found = [];
  const lowWall = from + Math.min(...offsets) - SLOT;
  const highWall = to + Math.max(...offsets) + SLOT;
  for (let wall = Math.ceil(lowWall / SLOT) * SLOT; wall < highWall; wall += SLOT) {
    const instants = [...new Set(offsets)].map((o) => wall - o).filter((t) => offset(t) === wall - t);
    const unique = [...new Set(instants)].sort((a, b) => a - b);
    for (const t of unique) {
      // A slot lasts 15 real minutes, all of them inside the window.
      if (t < from || t + SLOT > to) continue;
      found.push({ t, wall, offset: wall - t, twice: unique.length > 1 });
    }
  }
  found.sort((a, b) => a.t - b.t);
  return found.map(({ t, wall, offset: o, twice }) => ({
    start: twice ? `${minuteText(wall)}:00${offsetText(o)}` : minuteText(wall),
    startUtc: instantText(t),
  }));
}

const zones = Intl.supportedValuesOf("timeZone");

test("the oracle's table is not empty: Intl knows zones, and New York changes its clocks", () => {
  assert.ok(zones.length > 300, `${zones.length} zones`);
  const ny = changesOf(offsetOf("America/New_York"));
  assert.equal(ny.length, 76);
  assert.deepEqual(ny.filter((c) => c.at >= Date.UTC(2025, 0, 1) / MINUTE && c.at < Date.UTC(2026, 0, 1) / MINUTE), [
    { at: Date.UTC(2025, 2, 9, 7) / MINUTE, before: -300, after: -240 },
    { at: Date.UTC(2025, 10, 2, 6) / MINUTE, before: -240, after: -300 },
  ]);
});

test("every change of the clocks 2000-2037 of every zone: offsets, gaps and overlaps as Intl says", (t) => {
  let checked = 0;
  let zonesWithChanges = 0;
  const problems = [];
  for (const zone of zones) {
    const offset = offsetOf(zone);
    const changes = changesOf(offset);
    let h;
    try {
      h = new Hospital({ slotMinutes: SLOT, defaultDurationMinutes: SLOT, timeZone: zone });
    } catch (error) {
      problems.push(`${zone}: new Hospital: ${error.message}`);
      continue;
    }
    try {
      h.addDoctor({ id: "d", name: "Dr. Round-the-clock", locations: ["here"], schedule: ALL_DAYS });
      // Between changes, the offset the zone has (a day in the middle of 2000 and of 2037).
      for (const t of [Date.UTC(2000, 5, 15, 12) / MINUTE, Date.UTC(2037, 5, 15, 12) / MINUTE]) {
        const got = h.findSlots({ from: instantText(t), to: instantText(t + SLOT), limit: 1 });
        const want = expectedSlots(offset, t, t + SLOT, [offset(t)]);
        if (JSON.stringify(got.map(({ start, startUtc }) => ({ start, startUtc }))) !== JSON.stringify(want)) {
          problems.push(`${zone} at ${instantText(t)}: engine ${JSON.stringify(got)}, Intl ${JSON.stringify(want)}`);
        }
      }
      if (changes.length > 0) zonesWithChanges += 1;
      for (const change of changes) {
        const from = change.at - AROUND;
        const to = change.at + AROUND;
        const got = h.findSlots({ from: instantText(from), to: instantText(to), limit: 1000 }).map(({ start, startUtc }) => ({ start, startUtc }));
        const want = expectedSlots(offset, from, to, [change.before, change.after]);
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          const wrong = want.findIndex((w, i) => JSON.stringify(w) !== JSON.stringify(got[i]));
          problems.push(
            `${zone}, change at ${instantText(change.at)} (${change.before} -> ${change.after}): slot ${wrong}: engine ${JSON.stringify(got[wrong])}, Intl ${JSON.stringify(want[wrong])}`,
          );
        }
        checked += 1;
      }
    } finally {
      h.free();
    }
  }
  t.diagnostic(`${checked} changes of the clocks in ${zonesWithChanges} of ${zones.length} zones`);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} disagreements`);
  assert.ok(zonesWithChanges > 100, `${zonesWithChanges} zones change their clocks`);
  assert.ok(checked > 5_000, `${checked} changes checked`);
});
