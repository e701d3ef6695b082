// Reading arguments, before the engine is entered: every getter and Proxy trap of an argument
// runs here, once, and nothing of the caller's runs while the engine works.
//
// Two readers, one set of rules (what JSON can say, and no more):
// - `readFields` reads the flat argument objects of the frequent calls (book, hold, reschedule,
//   the query options) field by field into an array, checking each value's type on the way; the
//   binding then passes the values to the engine as plain arguments.
// - `jsonText` writes any other argument (a doctor, a patch, options, change records, metadata)
//   as JSON text for the engine's reader, which knows the shapes: this side only refuses what
//   JSON cannot say, and it does so where the engine would see it (see `SENTINEL`).
//
// The rules, in both: strings are JS strings of at most MAX_STRING_UNITS UTF-16 units without
// lone surrogates; numbers are finite; objects are plain (prototype Object.prototype or null),
// never arrays, Maps, Dates or class instances; own enumerable string keys are read once, in
// `Object.keys` order, and a key whose value is `undefined` counts as absent (as in
// `JSON.stringify`); arrays hold at most MAX_ITEMS items and are refused by their length before
// any item is read; nesting goes at most MAX_DEPTH levels deep. Any exception a getter or a
// Proxy trap throws becomes INVALID_INPUT naming the field. A refusal names the field by its path
// (`schedule[0].start`): the fields of an argument object on their own, the items of an argument
// array under the argument's name (`changes[3].revision`).
import { invalidInput } from "./errors.js";

/** Longest string accepted anywhere, in UTF-16 code units; the engine's own limits are lower. */
export const MAX_STRING_UNITS = 65_536;
/** Longest array accepted anywhere; the engine's own limits are lower but for applyChanges. */
export const MAX_ITEMS = 100_000;
/** Deepest nesting of an argument; the engine's inputs need four levels. */
export const MAX_DEPTH = 16;
/** Longest field path in an error, in UTF-16 code units (the engine keeps 256 bytes). */
const MAX_FIELD_UNITS = 256;

// ---------------------------------------------------------------------------------------------
// Describing values in JavaScript's words

/** "a Date", "an array", "the number 1.5", "NaN": what a message says was given instead. */
export function describe(value) {
  switch (typeof value) {
    case "string":
      return value.length > 40 ? `a string of ${value.length} characters` : `the string ${JSON.stringify(value)}`;
    case "number":
      return Number.isNaN(value) ? "NaN" : Number.isFinite(value) ? `the number ${value === 0 ? 0 : value}` : String(value);
    case "boolean":
      return String(value);
    case "undefined":
      return "undefined";
    case "bigint":
      return "a BigInt";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      break;
  }
  if (value === null) return "null";
  try {
    if (Array.isArray(value)) return "an array";
    const proto = Object.getPrototypeOf(value);
    if (proto === null || proto === Object.prototype) return "an object";
    const name = proto.constructor?.name;
    // new String("x") is no string: say so ("expected a string, not a String object").
    if (name === "String" || name === "Number" || name === "Boolean") return `a ${name} object`;
    if (typeof name === "string" && /^[A-Za-z_$][\w$]{0,39}$/.test(name)) return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
  } catch {
    return "an object that cannot be inspected (a revoked Proxy?)";
  }
  return "an object of another class";
}

/** A field path as errors spell it, cut to a readable length. */
function shortened(path) {
  return path.length <= MAX_FIELD_UNITS ? path : `${path.slice(0, MAX_FIELD_UNITS)}… (${path.length} characters in all)`;
}

/** The path of `key` inside the object at `parent` ("" for an argument object itself). */
function fieldPath(parent, key) {
  return parent === "" ? key : `${parent}.${key}`;
}

/** Whether `value` is a plain object (prototype Object.prototype or null); throws for a revoked Proxy. */
function isPlainObject(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

// ---------------------------------------------------------------------------------------------
// Values

/** A string argument or field: checked as every string is. */
export function readString(value, field) {
  if (typeof value !== "string") throw invalidInput(field, `expected a string, not ${describe(value)}`);
  return checkedString(value, field);
}

function checkedString(value, field) {
  if (value.length > MAX_STRING_UNITS) {
    throw invalidInput(field, `a string of ${value.length} characters; the longest accepted is ${MAX_STRING_UNITS}`);
  }
  if (!value.isWellFormed()) {
    throw invalidInput(field, "holds a lone surrogate (half a UTF-16 pair), which cannot be stored as given");
  }
  return value;
}

const dateValue = Date.prototype.valueOf;
const dateIso = Date.prototype.toISOString;

/** A `Date` as the instant it is (`2025-03-09T14:00:00.000Z`); INVALID_INPUT for an invalid one. */
function instantOf(value, field) {
  let time;
  try {
    time = dateValue.call(value);
  } catch {
    return undefined; // not a real Date
  }
  if (time !== time) throw invalidInput(field, "an invalid Date");
  try {
    return dateIso.call(value);
  } catch {
    throw invalidInput(field, "a Date outside the years 0001 to 9999");
  }
}

/**
 * A date-time field: a wall-clock string like 2025-03-09T09:00, an RFC 3339 instant with `Z` or
 * an offset (its shape is the engine's to check), or a `Date` (the instant it is).
 */
export function readDateTime(value, field) {
  if (typeof value === "object" && value !== null) {
    const iso = instantOf(value, field);
    if (iso !== undefined) return iso;
  }
  if (typeof value !== "string") throw invalidInput(field, `expected a string like 2025-03-09T09:00 or 2025-03-09T14:00:00Z, or a Date, not ${describe(value)}`);
  return checkedString(value, field);
}

/** A window bound: a date (2025-03-09), a date-time (2025-03-09T09:00), an instant or a `Date`. */
export function readBound(value, field) {
  if (typeof value === "object" && value !== null) {
    const iso = instantOf(value, field);
    if (iso !== undefined) return iso;
  }
  if (typeof value !== "string") throw invalidInput(field, `expected a string like 2025-03-09 or 2025-03-09T09:00, or a Date, not ${describe(value)}`);
  return checkedString(value, field);
}

/** A whole number from 0 to 2^32 - 1. */
export function readU32(value, field) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 4_294_967_295) {
    throw invalidInput(field, `expected a whole number from 0 to 4294967295, not ${describe(value)}`);
  }
  return value + 0; // -0 is 0
}

/** A whole number from 0 to 2^53 - 1 (a revision). */
export function readCounter(value, field) {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(field, `expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, not ${describe(value)}`);
  }
  return value + 0;
}

/** true or false. */
export function readBoolean(value, field) {
  if (typeof value !== "boolean") throw invalidInput(field, `expected true or false, not ${describe(value)}`);
  return value;
}

/** One of `choices` (strings); returns its index. */
export function readChoice(choices) {
  const list = choices.map((c) => JSON.stringify(c)).join(", ");
  return (value, field) => {
    const index = typeof value === "string" ? choices.indexOf(value) : -1;
    if (index < 0) throw invalidInput(field, `expected one of ${list}, not ${typeof value === "string" && value.length > 40 ? "a longer string" : describe(value)}`);
    return index;
  };
}

// ---------------------------------------------------------------------------------------------
// Flat argument objects

/**
 * The fields of a flat argument object: `fields` maps each name to `[read, required]`, where
 * `read(value, field)` checks and converts a present value. The order of `fields` is the order of
 * the values `readFields` returns.
 */
export function fieldsOf(fields) {
  const names = Object.keys(fields);
  const index = Object.create(null);
  names.forEach((name, i) => (index[name] = i));
  return {
    names,
    index,
    readers: names.map((name) => fields[name][0]),
    required: names.map((name) => fields[name][1]),
    expected: names.map((n) => JSON.stringify(n)).join(", "),
  };
}

/**
 * Reads the argument object `value` (the parameter `name`) into an array, one slot per field of
 * `spec` (`undefined` for an absent one; `null` counts as absent for an optional field), in the
 * object's own key order: an unknown key, an unreadable value or a value of the wrong type is
 * refused naming that field; then the first missing required field. `undefined` or `null` for
 * the whole object is `{}` when `optional`.
 */
export function readFields(value, name, spec, optional = false) {
  const out = new Array(spec.names.length);
  if ((value === undefined || value === null) && optional) return out;
  let keys;
  try {
    if (!isPlainObject(value)) {
      const what = `expected a plain object with ${spec.expected}, not ${describe(value)}`;
      throw invalidInput(name, what);
    }
    keys = Object.keys(value);
  } catch (error) {
    if (error?.name === "HospitalError") throw error;
    throw invalidInput(name, `could not be read (${describeThrown(error)})`);
  }
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const i = spec.index[key];
    let field;
    try {
      field = value[key];
    } catch (error) {
      throw invalidInput(key === "" ? name : shortened(key), `could not be read (${describeThrown(error)})`);
    }
    // `undefined` is no value (JSON.stringify leaves the key out), whatever the key.
    if (field === undefined) continue;
    if (i === undefined) {
      // Named as the engine names an unknown field; a key "" by the object that holds it.
      const unknown = `unknown field ${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}; expected one of ${spec.expected}`;
      throw invalidInput(key === "" ? name : shortened(key), unknown);
    }
    if (field === null && !spec.required[i]) continue;
    out[i] = spec.readers[i](field, key);
  }
  for (let i = 0; i < spec.names.length; i++) {
    if (spec.required[i] && out[i] === undefined) throw invalidInput(spec.names[i], "is missing (a required field)");
  }
  return out;
}

function describeThrown(error) {
  return error instanceof Error && typeof error.name === "string" ? `its getter or a Proxy trap threw ${error.name}` : "its getter or a Proxy trap threw";
}

// ---------------------------------------------------------------------------------------------
// Any other argument, as JSON text

/**
 * What the engine's reader finds in place of a value that JSON cannot say (NaN, a function, a
 * Date, a string with a lone surrogate, an array too long, nesting too deep, a value whose getter
 * threw): a number JSON can write but no reader can hold. Where the engine expects no value at
 * all (an unknown field) it refuses the field before reading its value, as it would the value
 * itself; where the value is read, the engine reports "number out of range" at the value's path
 * and the binding puts the reason recorded here in its place.
 */
const SENTINEL = "1e999";

/**
 * `value`, the argument `name`, as JSON text, with the problems met on the way: `[path, reason]`
 * for each value replaced by the sentinel, in the order the engine would meet them. With `copy`,
 * also the value as that text says it (`copy`: plain objects and arrays made here, built from the
 * values read for the text, so that no getter runs twice), or `undefined` when there were
 * problems or a key `__proto__`.
 */
export function jsonText(value, name, copy = false) {
  const state = { text: "", problems: [], path: [], name, copy, copyable: copy };
  const copied = walk(value, 0, state);
  return { text: state.text, problems: state.problems, copy: state.copyable && state.problems.length === 0 ? copied : undefined };
}

/**
 * `jsonText` of a field's value (`metadata` of a request) rather than of an argument: the
 * problems met inside it are named under the field (`metadata.tags[0]`).
 */
export function fieldJsonText(value, field) {
  const { text, problems } = jsonText(value, field);
  return { text, problems: problems.map(([path, reason]) => [path === field || path.startsWith(`${field}[`) ? path : `${field}.${path}`, reason]) };
}

/** The path of the value at `path` (a list of keys and indexes) inside the argument `name`. */
function pathText(name, path) {
  let text = "";
  for (const step of path) text = typeof step === "number" ? `${text}[${step}]` : text === "" ? step : `${text}.${step}`;
  // An argument object's fields are named on their own; an argument array's items under its name.
  return shortened(text === "" ? name : typeof path[0] === "number" ? `${name}${text}` : text);
}

/**
 * `JSON.stringify(text)`, five to ten times faster for the short strings of arguments: what
 * needs no escape (no control character, quote, backslash or surrogate) is written as it is.
 */
function quoted(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

function problem(state, reason) {
  state.problems.push([pathText(state.name, state.path), reason]);
  state.text += SENTINEL;
  return undefined;
}

/**
 * Writes `value` to `state.text` (the JSON text, refusing what JSON cannot say: see `jsonText`);
 * returns its copy when `state.copy` is set.
 */
function walk(value, depth, state) {
  switch (typeof value) {
    case "string":
      if (value.length > MAX_STRING_UNITS) {
        return problem(state, `a string of ${value.length} characters; the longest accepted is ${MAX_STRING_UNITS}`);
      }
      if (!value.isWellFormed()) {
        return problem(state, "holds a lone surrogate (half a UTF-16 pair), which cannot be stored as given");
      }
      state.text += quoted(value);
      return value;
    case "number":
      if (!Number.isFinite(value)) return problem(state, `expected a finite number, not ${describe(value)}`);
      state.text += value === 0 ? "0" : String(value);
      return value + 0; // -0 is written 0
    case "boolean":
      state.text += value ? "true" : "false";
      return value;
    case "object":
      if (value === null) {
        state.text += "null";
        return null;
      }
      break;
    default:
      return problem(state, `${describe(value)} is not a JSON value`);
  }
  if (depth >= MAX_DEPTH) return problem(state, `nested more than ${MAX_DEPTH} levels deep`);
  let isArray;
  let keys;
  let length;
  try {
    isArray = Array.isArray(value);
    if (isArray) {
      length = value.length;
    } else {
      if (!isPlainObject(value)) return problem(state, `expected a plain object or an array, not ${describe(value)}`);
      keys = Object.keys(value);
    }
  } catch (error) {
    return problem(state, `could not be read (${describeThrown(error)})`);
  }
  const path = state.path;
  if (isArray) {
    if (typeof length !== "number" || !Number.isSafeInteger(length) || length < 0) {
      return problem(state, "has no valid length");
    }
    if (length > MAX_ITEMS) return problem(state, `an array of ${length} items; the most accepted is ${MAX_ITEMS}`);
    const items = state.copy ? [] : undefined;
    state.text += "[";
    for (let i = 0; i < length; i++) {
      if (i > 0) state.text += ",";
      path.push(i);
      let item;
      let readable = true;
      try {
        item = value[i];
      } catch (error) {
        readable = false;
        problem(state, `could not be read (${describeThrown(error)})`);
      }
      if (readable) {
        if (item === undefined) problem(state, "is undefined (a hole in the array?)");
        else if (items === undefined) walk(item, depth + 1, state);
        else items.push(walk(item, depth + 1, state));
      }
      path.pop();
    }
    state.text += "]";
    return items;
  }
  const fields = state.copy ? {} : undefined;
  state.text += "{";
  let first = true;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    let item;
    let readable = true;
    path.push(key);
    try {
      item = value[key];
    } catch (error) {
      readable = false;
      state.text += `${first ? "" : ","}${quoted(key)}:`;
      problem(state, `could not be read (${describeThrown(error)})`);
      first = false;
    }
    if (readable && item !== undefined) {
      state.text += `${first ? "" : ","}${quoted(key)}:`;
      const copied = walk(item, depth + 1, state);
      // An own `__proto__` cannot be set by assignment; such a value is not copied (never a
      // doctor's: the engine knows no such field).
      if (fields !== undefined) {
        if (key === "__proto__") state.copyable = false;
        else fields[key] = copied;
      }
      first = false;
    }
    path.pop();
  }
  state.text += "}";
  return fields;
}

/**
 * The engine's INVALID_INPUT for a value `jsonText` replaced, with the reason recorded for it;
 * any other error as it is.
 */
export function withProblem(error, problems) {
  if (problems.length === 0 || error?.code !== "INVALID_INPUT" || !/number out of range/.test(error.message)) return error;
  const field = error.details?.field;
  const found = problems.find(([path]) => path === field) ?? problems[0];
  return invalidInput(found[0], found[1]);
}
