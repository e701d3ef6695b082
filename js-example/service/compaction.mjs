// Compaction: when a snapshot is written, and how, for every store (storage.mjs). The Node
// server runs it in a worker thread (../server/compactor.mjs), the Durable Object between
// requests (hospital-service.mjs, `compaction: "inline"`).
//
// The rule. A snapshot is written when the change log after the newest snapshot has grown to
// `percent` % of that snapshot's size in bytes (default 50 %), and at least `minBytes` (default
// 1 MiB, so that a small hospital is not snapshotted after every few changes). Writing a snapshot
// of S bytes therefore happens once per S × percent / 100 bytes of change records: the amortized
// cost per change is a constant number of bytes (2 per byte logged at 50 %), whatever the size of
// the hospital, and a start (snapshot + the rows after it) reads at most 1.5 × S bytes.
//
// Pruning, the one rule: publishing a snapshot at revision R drops the change rows up to the
// *previous* snapshot's revision, and the older snapshots. The rows since the previous snapshot
// stay, so that a process lagging behind R by less than one generation catches up from the rows
// instead of loading the snapshot; the store holds at most about 2 × percent % of S in rows.
//
// How. The snapshot is stored as chunks of `chunkBytes`, each in a transaction of its own, with a
// pause between them, then published in one small transaction that is conditional on being newer
// than the newest snapshot (two processes' compactors may race; the older one is discarded).
// Pruning and dropping run in steps too. No transaction of a compaction holds a lock for longer
// than one chunk takes to write, so requests interleave with it.

export const DEFAULT_COMPACT_PERCENT = 50;
export const DEFAULT_COMPACT_MIN_BYTES = 1024 * 1024;
/** Change rows deleted per statement when pruning. */
export const PRUNE_STEP = 5000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The log bytes at which a snapshot is due, for a snapshot of `snapshotBytes`. */
export function compactionThreshold(snapshotBytes, { percent = DEFAULT_COMPACT_PERCENT, minBytes = DEFAULT_COMPACT_MIN_BYTES } = {}) {
  return Math.max(minBytes, Math.ceil((snapshotBytes * percent) / 100));
}

/** Whether a store in `state` (store.compactionState()) is due for a snapshot. */
export function compactionDue(state, options) {
  return state.head > state.snapshotRevision && state.logBytes >= compactionThreshold(state.snapshotBytes, options);
}

/**
 * Stores `bytes` as the snapshot of `revision`, publishes it if it is the newest, then prunes by
 * the rule above. Resolves { published, previous, chunks, ms }.
 */
export async function storeSnapshot(store, revision, bytes, { chunkBytes, pauseMs = 0 }) {
  const started = performance.now();
  let chunks = 0;
  try {
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      await store.writeSnapshotChunk(revision, chunks, bytes.subarray(offset, offset + chunkBytes));
      chunks += 1;
      if (pauseMs > 0) await sleep(pauseMs);
    }
    const { published, previous } = await store.publishSnapshot(revision, bytes.length, chunks);
    if (!published) {
      await store.discardSnapshot(revision);
      return { published, previous, chunks, ms: performance.now() - started };
    }
    await store.pruneChanges(previous, PRUNE_STEP);
    await store.dropSnapshotsBefore(revision);
    await store.checkpoint();
    return { published, previous, chunks, ms: performance.now() - started };
  } catch (error) {
    try {
      await store.discardSnapshot(revision);
    } catch {
      // The store is failing; an unpublished chunk is never read, and the next compaction at
      // this revision replaces it.
    }
    throw error;
  }
}

/** A snapshot of `hospital` as it is now, stored by storeSnapshot. O(hospital). */
export async function compactNow(store, hospital, options) {
  const revision = hospital.revision;
  const t = performance.now();
  const bytes = hospital.toSnapshotBytes();
  const snapshotMs = performance.now() - t;
  const result = await storeSnapshot(store, revision, bytes, options);
  return { ...result, revision, bytes: bytes.length, snapshotMs };
}
