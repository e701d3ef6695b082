// The compactor thread (compactor.mjs). It keeps its own store connection and its own Hospital,
// loaded on the first compaction and then kept up to date from the change table (or from the
// newest snapshot when that is cheaper, the service's rule), and on each request:
//   1. asks the store whether a snapshot is due (compactionState, the rule of compaction.mjs);
//   2. takes the compaction lease where the store has one (PostgreSQL: one compactor per
//      database at a time, across processes and machines);
//   3. catches its Hospital up to the head, in one read transaction, and takes the snapshot of
//      that committed revision: `toSnapshot()` blocks this thread only;
//   4. stores it in chunks, publishes it if it is still the newest, and prunes (compaction.mjs).
// For SQLite it also checkpoints the WAL every `checkpointEveryMs` (store.mjs, `checkpoint()`):
// the request thread's connection never checkpoints (`checkpoints: "external"`).
import { parentPort, workerData } from "node:worker_threads";
import { compactionDue, compactNow } from "../service/compaction.mjs";
import { HospitalService } from "../service/hospital-service.mjs";
import { openStore } from "./stores.mjs";

const { storage, compaction, maxSnapshotBytes, checkpointEveryMs = 1000 } = workerData;
const log = (text) => parentPort.postMessage({ type: "log", text });
const quiet = { info: () => {}, warn: () => {}, error: (message, error) => log(`compactor: ${message} ${error?.message ?? ""}`) };

const store = await openStore(storage, { checkpoints: "external" });
let service = null;

async function compact() {
  const state = await store.compactionState();
  if (!compactionDue(state, compaction)) return state;
  const leased = store.tryCompactionLease ? await store.tryCompactionLease() : true;
  if (!leased) return state;
  try {
    if (service === null) service = await new HospitalService({ store, compaction: false, seedApi: false, maxSnapshotBytes, log: quiet }).open();
    const started = performance.now();
    // A read of the queue: the service catches up (rows or snapshot) first, then this runs on
    // committed state; the snapshot is taken on this thread.
    const result = await service.read((h) => {
      if (h === null) throw new Error("the compactor cannot load the hospital");
      return compactNow(store, h, compaction);
    });
    const done = await result;
    if (done.published) {
      log(
        `compaction: snapshot of revision ${done.revision} (${done.bytes} bytes, ${done.chunks} chunks) in ${(performance.now() - started).toFixed(0)} ms ` +
          `(toSnapshot ${done.snapshotMs.toFixed(0)} ms); change rows up to revision ${done.previous} dropped`,
      );
    }
  } finally {
    if (store.releaseCompactionLease) await store.releaseCompactionLease();
  }
  return store.compactionState();
}

let busy = Promise.resolve();
parentPort.on("message", (message) => {
  if (message.type !== "compact") return;
  busy = busy.then(async () => {
    try {
      parentPort.postMessage({ type: "done", id: message.id, state: await compact() });
    } catch (error) {
      parentPort.postMessage({ type: "error", id: message.id, message: error?.message ?? String(error), stack: error?.stack });
    }
  });
});

if (storage.kind === "sqlite" && checkpointEveryMs > 0) {
  setInterval(() => {
    busy = busy.then(async () => {
      try {
        await store.checkpoint();
      } catch {
        // A checkpoint that cannot run now (the file is busy or gone) runs on the next tick.
      }
    });
  }, checkpointEveryMs);
}
