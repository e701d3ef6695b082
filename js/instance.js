// The WebAssembly instance behind every Hospital: views of its memory, the scratch area where
// arguments are written, and recovery from a trap.
//
// A trap (an out-of-memory abort, a bug) leaves the instance's memory in an unknown state, so no
// object living in it may be used again as if nothing happened. Every call goes through `guard`:
// when the instance traps, the bindings are re-instantiated (wasm-bindgen's reset-state
// function, a fresh memory), the call throws INSTANCE_FAILED, and every later call on a Hospital
// created before the trap throws INSTANCE_FAILED too (its `generation` is older). New Hospitals
// work as before.
import * as bindings from "./dr_schedule_bindings.js";
import { fromEngine, instanceFailed } from "./errors.js";

export { bindings };

/** The instance the living objects belong to; +1 after each trap. */
let generation = 0;
/** Views of the current instance's memory; rebuilt after it grows (its buffer is then detached). */
let memory = null;
let bytes = new Uint8Array(0);
let numbers = new Float64Array(0);
/** The scratch area arguments are written to, in wasm memory. */
let scratchAt = 0;
let scratchSize = 0;
/** Where the engine writes a single result row (a fixed address per instance). */
let rowAt = 0;

export function currentGeneration() {
  return generation;
}

function attach() {
  memory = bindings.wasmMemory();
  rowAt = bindings.rowPtr() >>> 3;
  scratchAt = bindings.scratchPtr();
  scratchSize = bindings.scratchSize();
  bytes = new Uint8Array(memory.buffer);
  numbers = new Float64Array(memory.buffer);
}

/** Current views of wasm memory: `bytes` (Uint8Array) and `numbers` (Float64Array). */
export function memoryBytes() {
  // `length`, not `byteLength`: both are 0 once the buffer is detached, and `length` costs V8 a
  // third of what `byteLength` does (a call returning an appointment asks for both views).
  if (bytes.length === 0) refresh();
  return bytes;
}

export function memoryNumbers() {
  if (numbers.length === 0) refresh();
  return numbers;
}

function refresh() {
  if (memory === null) attach();
  bytes = new Uint8Array(memory.buffer);
  numbers = new Float64Array(memory.buffer);
}

/** The index in `memoryNumbers()` of the single-result row. */
export function singleRow() {
  if (memory === null) attach();
  return rowAt;
}

/** The index in `memoryNumbers()` of the list the last call wrote. */
export function listRows() {
  return bindings.listPtr() >>> 3;
}

/**
 * Where the parts of the last call's rows are (output.js, `appointment`): `text()` a byte
 * address, `trace()` an index in `memoryNumbers()`.
 */
export const rowParts = Object.freeze({
  text: () => bindings.textPtr(),
  trace: () => bindings.tracePtr() >>> 3,
});

// ---------------------------------------------------------------------------------------------
// Writing arguments

let cursor = 0;
const encoder = new TextEncoder();

/** Starts writing the arguments of a call, which will take at most `units` UTF-16 units of text. */
export function beginArguments(units) {
  if (memory === null) attach();
  // A UTF-16 unit takes at most 3 bytes of UTF-8.
  if (units * 3 > scratchSize) {
    scratchAt = bindings.scratchReserve(units * 3);
    scratchSize = bindings.scratchSize();
    refresh();
  } else if (bytes.length === 0) {
    refresh();
  }
  cursor = scratchAt;
}

/** Writes a string argument; returns its length in UTF-8 bytes, or -1 for `undefined`. */
export function put(text) {
  if (text === undefined) return -1;
  const start = cursor;
  const length = text.length;
  if (length > 32) {
    cursor += encoder.encodeInto(text, bytes.subarray(start, scratchAt + scratchSize)).written;
    return cursor - start;
  }
  // Short strings (ids, dates) byte by byte while they are ASCII, in locals (the module's
  // variables would be loaded and stored on every byte).
  const view = bytes;
  let at = start;
  let i = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) break;
    view[at++] = c;
  }
  if (i < length) at += encoder.encodeInto(text.slice(i), view.subarray(at, scratchAt + scratchSize)).written;
  cursor = at;
  return at - start;
}

/** The length of `text` in UTF-16 units, 0 for `undefined` (for `beginArguments`). */
export function units(text) {
  return text === undefined ? 0 : text.length;
}

// ---------------------------------------------------------------------------------------------
// Calls

/** The engine's error of the call that just failed. */
export function engineError() {
  return fromEngine(bindings.takeError());
}

/**
 * A trap, or a stack overflow in the middle of a call, as opposed to a HospitalError or a result
 * too large for a JS string (a RangeError too, but the instance is intact).
 */
function isInstanceFailure(error) {
  return error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(String(error.message)));
}

/**
 * What a call that threw `error` throws: the error itself, or, if the instance trapped,
 * INSTANCE_FAILED after re-instantiating the module.
 */
export function failure(error) {
  if (!isInstanceFailure(error)) return error;
  generation += 1;
  bindings.__wbg_reset_state();
  memory = null;
  bytes = new Uint8Array(0);
  numbers = new Float64Array(0);
  return instanceFailed(error);
}
