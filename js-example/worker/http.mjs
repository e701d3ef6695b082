// Between the Fetch API of workerd and the plain requests and responses of ../server/api.mjs.

/** A Response from an api.mjs response `{ status, body, headers? }`. */
export function toResponse({ status, body, headers }) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}

/**
 * The request body as bytes, or null when it exceeds `limit` bytes. Past the limit the rest is
 * read and thrown away, not kept: answering before the client has sent its whole body would
 * reset its connection instead of showing it the 413 (Cloudflare caps the size of request
 * bodies before they reach the worker).
 */
export async function readBody(request, limit) {
  if (request.body === null) return new Uint8Array(0);
  const chunks = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) return null;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
