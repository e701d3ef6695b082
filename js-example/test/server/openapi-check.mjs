// Every answer the REST tests receive is checked against the OpenAPI document the server serves
// (service/openapi.mjs): its status must be one the operation lists, its Content-Type the one
// the document gives that answer (when the caller passes the headers), and its body (parsed
// JSON, or the text of any other media type, such as text/calendar) must match that response's schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it). The harness's
// `request` calls `checkResponse` for every answer; a mismatch fails the request.
//
// Requests the document cannot describe are not checked: paths no route matches (404
// ROUTE_NOT_FOUND, 400 of a bad percent-encoding), methods a path does not have (405), HEAD
// (no body), and raw answers the harness could neither parse as JSON nor read as text.
import Ajv2020 from "ajv/dist/2020.js";
import { openApiDocument } from "../../service/openapi.mjs";

// The Node server's document with its many-hospitals routes: a superset of the one-hospital one.
const documents = { node: openApiDocument({ tenants: true }), worker: openApiDocument({ worker: true }) };
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
for (const [name, document] of Object.entries(documents)) ajv.addSchema(document, name);

/** `[regex, template]` for every path of a document, `{param}` matching one segment. */
function matchers(document) {
  return Object.keys(document.paths).map((template) => [new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`), template]);
}
const paths = Object.fromEntries(Object.entries(documents).map(([name, document]) => [name, matchers(document)]));

const pointer = (text) => text.replaceAll("~", "~0").replaceAll("/", "~1");
const validators = new Map();

function validatorFor(which, template, method, status, mediaType) {
  const key = `${which} ${template} ${method} ${status} ${mediaType}`;
  if (!validators.has(key)) {
    const ref = `${which}#/paths/${pointer(template)}/${method}/responses/${status}/content/${pointer(mediaType)}/schema`;
    validators.set(key, ajv.compile({ $ref: ref }));
  }
  return validators.get(key);
}

/** How many answers were checked (a test asserts the suite checked some). */
export const checked = { count: 0 };

/**
 * Throws if `res` ({ status, body, text }) is not what the document says `method path` answers.
 * `which` is "node" or "worker".
 */
export function checkResponse(method, target, res, which = "node") {
  if (method === "HEAD" || (res.body === undefined && !res.text)) return;
  const path = target.split("?")[0];
  if (/[^A-Za-z0-9/_.:~%-]/.test(path)) return;
  const found = paths[which].find(([regex]) => regex.test(path));
  if (found === undefined) return;
  const [, template] = found;
  const operation = documents[which].paths[template][method.toLowerCase()];
  if (operation === undefined) return;
  const status = String(res.status);
  if (operation.responses[status] === undefined) {
    throw new Error(`OpenAPI: ${method} ${template} does not list status ${status} (answer: ${res.text?.slice(0, 300)})`);
  }
  // The media type the document gives that answer (one per response); a JSON one is checked
  // against the parsed body, any other against the text. The answer's Content-Type, when the
  // caller passes its headers, must be that type.
  const [mediaType] = Object.keys(operation.responses[status].content ?? {});
  if (mediaType === undefined) return;
  const served = res.headers?.["content-type"] ?? (typeof res.headers?.get === "function" ? res.headers.get("content-type") : undefined);
  if (served !== undefined && served !== null && served.split(";")[0].trim().toLowerCase() !== mediaType) {
    throw new Error(`OpenAPI: ${method} ${path} ${status}: served as ${served}, documented as ${mediaType}`);
  }
  const json = mediaType === "application/json" || mediaType.endsWith("+json");
  if (json && res.body === undefined) return;
  const validate = validatorFor(which, template, method.toLowerCase(), status, mediaType);
  if (!validate(json ? res.body : res.text)) {
    throw new Error(`OpenAPI: ${method} ${path} ${status}: the body does not match the document: ${ajv.errorsText(validate.errors)} (answer: ${res.text?.slice(0, 300)})`);
  }
  checked.count += 1;
}
