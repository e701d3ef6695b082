// Request bodies, checked the same way by every transport (the node:http adapter, http.mjs, and
// the Durable Object of ../worker): a JSON media type, UTF-8, well-formed JSON, at most
// DEFAULT_BODY_LIMIT bytes. It imports only api.mjs, so that any runtime can load it.
import { errorResponse } from "./api.mjs";

/** The largest request body accepted by default: 64 KiB. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** `application/json` or `application/…+json`, with no charset or charset=utf-8. */
export function isJsonContentType(value) {
  if (typeof value !== "string") return false;
  const [type, ...params] = value.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json" && !/^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type)) return false;
  return params.every((param) => {
    const [name, raw = ""] = param.split("=", 2).map((s) => s.trim());
    return name !== "charset" || raw.replace(/^"(.*)"$/, "$1") === "utf-8";
  });
}

/** The 413 answer for a body over `limit` bytes. */
export function tooLarge(limit, headers = undefined) {
  return errorResponse("PAYLOAD_TOO_LARGE", `the request body exceeds ${limit} bytes`, { limit }, headers);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * The body of a request as api.mjs takes it: `{ body }` (undefined when there were no bytes),
 * or `{ error }`, the 415 or 400 response to send instead. `bytes` is a Uint8Array (a Buffer is
 * one); `contentType` the request's Content-Type header, if any.
 */
export function parseBody(bytes, contentType) {
  if (bytes.length === 0) return { body: undefined };
  if (!isJsonContentType(contentType)) {
    return {
      error: errorResponse(
        "UNSUPPORTED_MEDIA_TYPE",
        `a request body must be application/json (utf-8), not ${contentType ?? "untyped"}`,
        { contentType: contentType ?? null },
      ),
    };
  }
  let text;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { error: errorResponse("INVALID_INPUT", "body: not valid UTF-8", { field: "body" }) };
  }
  try {
    return { body: JSON.parse(text) };
  } catch (error) {
    return { error: errorResponse("INVALID_INPUT", `body: malformed JSON (${error.message})`, { field: "body" }) };
  }
}
