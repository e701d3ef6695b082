// Between the Fetch API of workerd and the plain requests and responses of ../service: the
// HTTP conventions themselves are ../service/http.mjs's.
import { serialize } from "../service/http.mjs";

/**
 * A Response from a plain response `{ status, body, headers? }`, to a request of `method`: to
 * HEAD, its headers only, with the Content-Length GET would have.
 */
export function toResponse(response, method = "GET") {
  const { status, headers, payload } = serialize(response);
  if (method === "HEAD") return new Response(null, { status, headers: { ...headers, "content-length": String(utf8.encode(payload).length) } });
  return new Response(payload === "" ? null : payload, { status, headers });
}

const utf8 = new TextEncoder();

/** The request's headers as a plain object with lower-case names (duplicates joined by ", "). */
export function plainHeaders(request) {
  return Object.fromEntries(request.headers);
}

/**
 * How far past the limit a body is still read (and thrown away) before answering 413. An HTTP/1.1
 * client that is still sending when the answer comes and the connection closes sees a reset,
 * not the 413; reading a little more lets the common case (a body somewhat too large) see its
 * answer, while a huge body is never read: past this, the stream is cancelled.
 */
export const DRAIN_BYTES = 1024 * 1024;

/**
 * Cancels the body of a request answered without reading it: right away when it is declared
 * larger than `limit` + DRAIN_BYTES, else after reading and dropping what remains of it.
 */
export async function discardBody(request, limit) {
  if (request.body === null || request.bodyUsed) return;
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (!(declared <= limit + DRAIN_BYTES)) {
    await request.body.cancel("not read").catch(() => {});
    return;
  }
  await drain(request.body.getReader(), DRAIN_BYTES);
}

async function drain(reader, budget) {
  let left = budget;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
      if (left < 0) break;
    }
    await reader.cancel("request body over the limit");
  } catch {
    // the client went away: nothing to drain
  }
}

/**
 * The request body as bytes, or null when it exceeds `limit` bytes: then at most DRAIN_BYTES
 * more are read (and dropped) and the stream is cancelled. A declared Content-Length over the
 * limit is refused before this is called (precheck).
 */
export async function readBody(request, limit) {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await drain(reader, DRAIN_BYTES);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
