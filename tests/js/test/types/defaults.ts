// The types under the compiler's defaults (no `lib`, no `target`, no `module`: TypeScript 5
// targets ES5 and resolves like Node 10, through `types`; TypeScript 7 has its own), without
// @types/node: `free()` and `Symbol.dispose` work whatever the consumer's lib.
import { Hospital, HospitalError } from "dr-schedule";

const h = new Hospital({ maxSnapshotBytes: 1 << 20 });
const bytes: Uint8Array = h.toSnapshotBytes();
const copy: Hospital = Hospital.fromSnapshot(bytes);
copy[Symbol.dispose]();
let code = "";
try {
  h.getAppointment("a404");
} catch (e) {
  if (e instanceof HospitalError) code = e.code;
}
h.free();
export { code };
