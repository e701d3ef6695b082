// The load generator of bench.mjs: N clients, each with one keep-alive connection and one request
// in flight, sending prepared requests from a shared list and timing each. A small HTTP/1.1
// client over node:net, so that the client's own cost (on the same 2-core machine as the
// server) stays low and the same for every server it drives: it understands Content-Length
// bodies and `Connection: close` (gunicorn's sync worker closes after every answer, and then the
// client connects again, as any client of it must).
import net from "node:net";

/**
 * `POST path` with a JSON body, as bytes (Host 127.0.0.1: every server here is on loopback), with
 * `key` as its bearer token when given.
 */
export function postRequest(path, body, key = null) {
  const payload = Buffer.from(JSON.stringify(body));
  const auth = key === null ? "" : `Authorization: Bearer ${key}\r\n`;
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), payload]);
}

/** One connection that sends a request and resolves with { status, body } once it is answered. */
class Connection {
  #host;
  #port;
  #socket = null;
  #buffer = Buffer.alloc(0);
  #pending = null;
  #close = false;

  constructor(host, port) {
    this.#host = host;
    this.#port = port;
  }

  #connect() {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.#host, port: this.#port, noDelay: true });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(socket);
      });
      socket.once("error", reject);
      socket.on("data", (chunk) => this.#onData(chunk));
      socket.on("error", (error) => this.#fail(error));
      socket.on("close", () => {
        if (this.#socket === socket) this.#socket = null;
        this.#fail(new Error("connection closed before the answer"));
      });
    });
  }

  #fail(error) {
    const pending = this.#pending;
    this.#pending = null;
    pending?.reject(error);
  }

  #onData(chunk) {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf("\r\n\r\n");
    if (end < 0 || this.#pending === null) return;
    const head = this.#buffer.toString("latin1", 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.#buffer.length < end + 4 + length) return;
    const status = Number(head.slice(9, 12));
    const body = this.#buffer.toString("utf8", end + 4, end + 4 + length);
    this.#close = /\r\nconnection: *close/i.test(head);
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    const pending = this.#pending;
    this.#pending = null;
    pending.resolve({ status, body });
  }

  async send(bytes) {
    if (this.#socket === null || this.#close) {
      this.#socket?.destroy();
      this.#socket = null;
      this.#close = false;
      this.#buffer = Buffer.alloc(0);
      this.#socket = await this.#connect();
    }
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(bytes);
    });
  }

  destroy() {
    this.#socket?.destroy();
  }
}

/**
 * Sends `requests` (an array of request bytes) with `clients` connections, client i to server
 * i % servers.length (each `{ host, port }`), and checks each answer with `accept`
 * (status, body) → boolean. Resolves { ms, latencies (sorted), refused }.
 */
export async function drive(servers, requests, { clients, accept }) {
  let next = 0;
  let refused = 0;
  const latencies = new Float64Array(requests.length);
  let done = 0;
  const connections = Array.from({ length: clients }, (_, i) => new Connection(servers[i % servers.length].host, servers[i % servers.length].port));
  const started = performance.now();
  await Promise.all(
    connections.map(async (connection) => {
      while (next < requests.length) {
        const request = requests[next++];
        const t = performance.now();
        const { status, body } = await connection.send(request);
        latencies[done++] = performance.now() - t;
        if (!accept(status, body)) {
          refused += 1;
          if (refused <= 3) console.error(`[bench] unexpected answer ${status} ${body.slice(0, 200)}`);
        }
      }
    }),
  );
  const ms = performance.now() - started;
  for (const connection of connections) connection.destroy();
  return { ms, latencies: latencies.subarray(0, done).sort(), refused };
}

/** { perSecond, p50, p99, max } of a run of `n` requests. */
export function summarize({ ms, latencies }) {
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { perSecond: (latencies.length / ms) * 1000, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] };
}
