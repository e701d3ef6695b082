// The Node server's compactor: a worker thread (compactor-worker.mjs) with its own connection to
// the store and its own Hospital (its own wasm instance), so that `toSnapshot()`, which takes
// seconds at 1M appointments and blocks the thread it runs on, never runs on the thread that
// answers requests. The service (../service/hospital-service.mjs) asks it when the change log
// has grown past the threshold of ../service/compaction.mjs; it checks the store itself, follows
// the change table up to the head, writes the snapshot in chunks and prunes, and answers with the
// store's compactionState(). A worker that dies is started again on the next request.
import { Worker } from "node:worker_threads";

export class WorkerCompactor {
  #config;
  #worker = null;
  #pending = new Map();
  #next = 1;
  #log;
  #closed = false;

  /**
   * @param config `{ storage (storageConfig), compaction: { percent, minBytes, chunkBytes, pauseMs },
   *   maxSnapshotBytes (the server's budget, as the service loads with it), checkpointEveryMs }`,
   *   plain data for the thread
   * @param log `{ info, error }`
   */
  constructor(config, log) {
    this.#config = config;
    this.#log = log;
  }

  #start() {
    const worker = new Worker(new URL("./compactor-worker.mjs", import.meta.url), { workerData: this.#config });
    worker.on("message", (message) => {
      if (message.type === "log") {
        this.#log.info(message.text);
        return;
      }
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      if (this.#pending.size === 0) worker.unref();
      if (message.type === "done") pending.resolve(message.state);
      else pending.reject(Object.assign(new Error(message.message), { stack: message.stack }));
    });
    const gone = (why) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      for (const pending of this.#pending.values()) pending.reject(new Error(`the compactor thread ${why}`));
      this.#pending.clear();
      // Started again after a second (it also runs SQLite's checkpoints).
      if (!this.#closed) setTimeout(() => this.start(), 1000).unref();
    };
    worker.on("error", (error) => {
      this.#log.error("the compactor thread failed (it is started again on the next compaction):", error);
      gone("failed");
    });
    worker.on("exit", (code) => gone(`exited (${code})`));
    // The thread keeps the process alive only while a compaction is asked for.
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  /** Asks for a compaction; resolves with the store's compactionState() once it is over. */
  request() {
    if (this.#closed) return Promise.resolve(null);
    const worker = this.#worker ?? this.#start();
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ type: "compact", id });
    });
  }

  /** Starts the thread now (it also checkpoints SQLite's WAL on a timer). */
  start() {
    if (this.#worker === null && !this.#closed) this.#start();
    return this;
  }

  async close() {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    if (worker !== null) await worker.terminate();
  }
}
