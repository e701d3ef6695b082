// Time-zone rules from the runtime's Intl. The engine has no time-zone database (there is no
// room for one in the .wasm): it receives each zone as data, its UTC offset on 1973-01-01 and
// every change of it until 2100, and decides from that alone what a wall-clock time means. This
// module reads that data from `Intl.DateTimeFormat` (every runtime the package supports ships
// full ICU), once per zone per process.
//
// The data: `first;t1,o1;t2,o2;…`, offsets in minutes east of UTC, each `t` the minute (since
// 1970-01-01T00:00Z) from which the offset `o` holds. The offsets are sampled every day and a
// change is then found to the minute by bisection. Two changes within one day that cancel out
// would be missed; two within a week do happen (America/Boa_Vista kept summer time for one week
// of October 2000). The package's tests check every change from 2000 to 2037 of every zone
// against Intl directly (tests/js/test/zones-oracle.test.mjs).

/** The years the data covers (the engine's FIRST_ZONE_YEAR and LAST_ZONE_YEAR). */
export const FIRST_ZONE_YEAR = 1973;
export const LAST_ZONE_YEAR = 2099;

const MINUTE = 60_000;
const STEP_MINUTES = 1440;
const FIRST_MINUTE = Date.UTC(FIRST_ZONE_YEAR, 0, 1) / MINUTE;
const END_MINUTE = Date.UTC(LAST_ZONE_YEAR + 1, 0, 1) / MINUTE;
/** What an IANA name looks like (no offsets such as "+05:00", which some runtimes also accept). */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** Zone data by name; `null` for a name this runtime does not know. */
const cache = new Map();

/**
 * A function from a minute (since 1970-01-01T00:00Z) to the zone's offset at it, in minutes
 * east of UTC; `undefined` if this runtime does not know the zone.
 */
export function offsetReader(name) {
  let format;
  try {
    format = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "longOffset" });
  } catch {
    return undefined;
  }
  return (minute) => {
    const text = format.format(minute * MINUTE);
    const match = /GMT(?:([+\-\u2212])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/.exec(text);
    if (match === null) throw new Error(`unexpected offset text ${JSON.stringify(text)}`);
    if (match[1] === undefined) return 0;
    const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0) + Number(match[4] ?? 0) / 60;
    return match[1] === "+" ? minutes : -minutes;
  };
}

/**
 * The data of the zone `name` (see above), or `undefined` when this runtime does not know it (or
 * it is not an IANA-style name). Cached per process.
 */
export function zoneData(name) {
  if (typeof name !== "string" || !ZONE_NAME.test(name)) return undefined;
  if (cache.has(name)) return cache.get(name) ?? undefined;
  const offset = offsetReader(name);
  let data = null;
  if (offset !== undefined) {
    try {
      data = changes(offset);
    } catch {
      data = null;
    }
  }
  cache.set(name, data);
  return data ?? undefined;
}

/** The data from an offset function, or null if an offset is not a whole number of minutes. */
function changes(offset) {
  let at = FIRST_MINUTE;
  let current = offset(at);
  const parts = [String(current)];
  while (at < END_MINUTE) {
    const next = Math.min(at + STEP_MINUTES, END_MINUTE);
    const then = offset(next);
    if (then === current) {
      at = next;
      continue;
    }
    // offset(low) is current, offset(high) is not: the change is at high, to the minute.
    let low = at;
    let high = next;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (offset(middle) === current) low = middle;
      else high = middle;
    }
    current = offset(high);
    parts.push(`${high},${current}`);
    at = high;
  }
  return parts.every((part) => !/\./.test(part)) ? parts.join(";") : null;
}
