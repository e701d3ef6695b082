// Every answer the REST tests receive is checked against the OpenAPI document the server serves
// (service/openapi.mjs): its status must be one the operation lists, and its JSON body must match
// that response's schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it). The harness's
// `request` calls `checkResponse` for every answer; a mismatch fails the request.
//
// Requests the document cannot describe are not checked: paths no route matches (404
// ROUTE_NOT_FOUND, 400 of a bad percent-encoding), methods a path does not have (405), HEAD
// (no body), and raw answers the harness could not parse as JSON.
import Ajv2020 from "ajv/dist/2020.js";
import { openApiDocument } from "../../service/openapi.mjs";

const documents = { node: openApiDocument(), worker: openApiDocument({ worker: true }) };
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
for (const [name, document] of Object.entries(documents)) ajv.addSchema(document, name);

/** `[regex, template]` for every path of a document, `{param}` matching one segment. */
function matchers(document) {
  return Object.keys(document.paths).map((template) => [new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`), template]);
}
const paths = Object.fromEntries(Object.entries(documents).map(([name, document]) => [name, matchers(document)]));

const pointer = (text) => text.replaceAll("~", "~0").replaceAll("/", "~1");
const validators = new Map();

function validatorFor(which, template, method, status) {
  const key = `${which} ${template} ${method} ${status}`;
  if (!validators.has(key)) {
    const ref = `${which}#/paths/${pointer(template)}/${method}/responses/${status}/content/application~1json/schema`;
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
  if (method === "HEAD" || res.body === undefined) return;
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
  const validate = validatorFor(which, template, method.toLowerCase(), status);
  if (!validate(res.body)) {
    throw new Error(`OpenAPI: ${method} ${path} ${status}: the body does not match the document: ${ajv.errorsText(validate.errors)} (answer: ${res.text?.slice(0, 300)})`);
  }
  checked.count += 1;
}
