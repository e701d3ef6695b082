// The `Hospital` class of the generated bindings, guarded against a trapped WebAssembly
// instance: the one place that wraps the bindings, shared by every runtime's entry (node.js,
// browser.js, workerd.js, deno.js next to this file). Those entries only load and instantiate
// the .wasm their runtime's way, then re-export this class; the bindings' methods work once
// that is done (this module reads only the class's shape while it loads).
//
// A trap (an out-of-memory abort, a bug) leaves the instance's memory in an unknown state; an
// object that lives in it must never be used again as if nothing happened. Every call goes
// through `guard`: when the instance traps, the bindings are re-instantiated (wasm-bindgen's
// reset-state function), the call throws a HospitalError with code INSTANCE_FAILED, and every
// later call on a Hospital created before the trap throws INSTANCE_FAILED too, telling the host
// to reload from its last snapshot. New Hospitals work as before.
//
// A call cannot re-enter the same Hospital (a getter or Proxy trap of an argument calling back
// into it while it is busy): that is refused with a HospitalError instead of the bindings'
// plain "recursive use" Error.
import * as bindings from "./dr_schedule_bindings.js";

/** Which instance of the module the living objects belong to; +1 after each trap. */
let generation = 0;
/** The bindings object behind each Hospital, and the generation it was made in. */
const inner = new WeakMap();

function hospitalError(code, message, details, cause) {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.name = "HospitalError";
  error.code = code;
  error.details = details;
  return error;
}

function instanceFailed(cause) {
  return hospitalError(
    "INSTANCE_FAILED",
    "the WebAssembly instance failed (" +
      String(cause && cause.message) +
      "); this Hospital is gone: create a new one with Hospital.fromSnapshot(your last snapshot)",
    {},
    cause,
  );
}

/**
 * A trap, or a stack overflow in the middle of a call, as opposed to a thrown HospitalError
 * or a result too large for a JS string (a RangeError too, but the instance is intact).
 */
function isInstanceFailure(error) {
  return (
    error instanceof WebAssembly.RuntimeError ||
    (error instanceof RangeError && /call stack/i.test(String(error.message)))
  );
}

function guard(call) {
  try {
    return call();
  } catch (error) {
    if (!isInstanceFailure(error)) throw error;
    generation += 1;
    bindings.__wbg_reset_state();
    throw instanceFailed(error);
  }
}

function entryOf(hospital) {
  const entry = inner.get(hospital);
  if (entry === undefined) {
    throw hospitalError("INVALID_INPUT", "invalid this: not a Hospital (or freed)", { field: "this" });
  }
  if (entry.generation !== generation) {
    throw instanceFailed(new Error("an earlier call trapped"));
  }
  if (entry.busy) {
    throw hospitalError(
      "INVALID_INPUT",
      "invalid call: this Hospital is busy with another call (an argument's getter or Proxy called back into it)",
      {},
    );
  }
  return entry;
}

/** Runs `call(raw)` on the hospital's bindings object, guarded, one call at a time. */
function within(hospital, call) {
  const entry = entryOf(hospital);
  entry.busy = true;
  try {
    return guard(() => call(entry.raw));
  } finally {
    entry.busy = false;
  }
}

function adopt(hospital, raw) {
  inner.set(hospital, { raw, generation, busy: false });
  return hospital;
}

class Hospital {
  constructor(...args) {
    adopt(this, guard(() => new bindings.Hospital(...args)));
  }

  static fromSnapshot(...args) {
    return adopt(Object.create(Hospital.prototype), guard(() => bindings.Hospital.fromSnapshot(...args)));
  }

  get revision() {
    return within(this, (raw) => raw.revision);
  }

  /** Frees the instance memory now instead of waiting for garbage collection. */
  free() {
    const entry = inner.get(this);
    if (entry === undefined) return;
    if (entry.generation === generation) within(this, (raw) => raw.free());
    inner.delete(this);
  }
}

// Every method of the bindings' class, guarded. Listing them from the prototype keeps this
// layer free of per-method code: the bindings stay the single place that defines the API.
for (const name of Object.getOwnPropertyNames(bindings.Hospital.prototype)) {
  const descriptor = Object.getOwnPropertyDescriptor(bindings.Hospital.prototype, name);
  if (name === "constructor" || name.startsWith("__") || name in Hospital.prototype) continue;
  if (typeof descriptor.value !== "function") continue;
  Object.defineProperty(Hospital.prototype, name, {
    ...descriptor,
    value: {
      [name](...args) {
        return within(this, (raw) => raw[name](...args));
      },
    }[name],
  });
}
if (Symbol.dispose) Hospital.prototype[Symbol.dispose] = Hospital.prototype.free;

export { Hospital };
