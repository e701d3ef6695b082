// The error every failure of the package throws: a real `Error` subclass, so that
// `error instanceof HospitalError` works, with a stable `code` to branch on and `details` to act
// on. The engine's errors cross the boundary as JSON text ({ code, message, details }) and become
// one of these; the JS layer raises its own for arguments it refuses before the engine is entered.

/** A failure of a `Hospital` call: `code` is stable, `details` holds what is needed to act. */
export class HospitalError extends Error {
  /**
   * @param {string} code a stable code such as "SLOT_TAKEN"
   * @param {string} message a readable sentence for people
   * @param {object} [details] what the caller needs to act (plain data)
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, details = {}, options = undefined) {
    super(message, options);
    this.name = "HospitalError";
    this.code = code;
    this.details = details;
  }
}

/** `INVALID_INPUT` for the argument or field at `field`, with `reason` after the field's name. */
export function invalidInput(field, reason) {
  return new HospitalError("INVALID_INPUT", field === "" ? `invalid input: ${reason}` : `invalid ${field}: ${reason}`, field === "" ? {} : { field });
}

/** The engine's error, from the JSON text the binding hands over. */
export function fromEngine(text) {
  const { code, message, details } = JSON.parse(text);
  return new HospitalError(code, message, details);
}

/** `INSTANCE_FAILED`: the WebAssembly instance trapped; objects created before it are gone. */
export function instanceFailed(cause) {
  return new HospitalError(
    "INSTANCE_FAILED",
    `the WebAssembly instance failed (${String(cause && cause.message)}); this Hospital is gone: ` +
      "create a new one with Hospital.fromSnapshot(your last snapshot)",
    {},
    { cause },
  );
}
