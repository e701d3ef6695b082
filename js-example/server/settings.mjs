// The Node server's settings: environment variables, read by ../service/settings.mjs. The
// README's settings table lists each of them (test/server/readme-tables.test.mjs checks it).
import { defaultAllowedHosts } from "../service/http.mjs";
import { DEFAULT_COMPACT_MIN_BYTES, DEFAULT_COMPACT_PERCENT } from "../service/compaction.mjs";
import { DEFAULT_RATE_LIMITS } from "../service/gateway.mjs";
import { validOperatorCredential } from "../service/auth.mjs";
import { boolean, integer, list, string } from "../service/settings.mjs";
import { checkHospitalOptions } from "../service/hospital-options.mjs";
import { CONNECTION_DEFAULTS } from "./http.mjs";
import { TENANT_DEFAULTS } from "./tenants.mjs";
import { HOSPITAL_SCHEMA_PREFIX, SCHEMA_PREFIX } from "./postgres-store.mjs";

export const SETTINGS = {
  db: string("DR_SCHEDULE_DB", "dr-schedule.sqlite"),
  databaseUrl: {
    name: "DR_SCHEDULE_DATABASE_URL",
    read(text) {
      if (!/^postgres(ql)?:\/\/./.test(text)) throw new Error(`DR_SCHEDULE_DATABASE_URL must be a postgres:// or postgresql:// URL, got ${JSON.stringify(text.replace(/:[^:@/]*@/, ":…@"))}`);
      return text;
    },
    fallback: null,
  },
  port: integer("PORT", 5000, 0, 65535),
  host: string("HOST", "127.0.0.1"),
  compactPercent: integer("DR_SCHEDULE_COMPACT_PERCENT", DEFAULT_COMPACT_PERCENT, 1, 100_000),
  compactMinBytes: integer("DR_SCHEDULE_COMPACT_MIN_BYTES", DEFAULT_COMPACT_MIN_BYTES, 0, 2 ** 40),
  newDatabase: boolean("DR_SCHEDULE_NEW_DATABASE", false),
  maxHospitalBytes: integer("DR_SCHEDULE_MAX_HOSPITAL_BYTES", null, 16 * 1024, 256 * 1024 * 1024),
  hospitalOptions: {
    name: "DR_SCHEDULE_HOSPITAL_OPTIONS",
    read: readHospitalOptions,
    fallback: null,
  },
  allowedHosts: list("DR_SCHEDULE_ALLOWED_HOSTS", (s) => defaultAllowedHosts(s.host), {
    item: /^(\*|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?|[A-Za-z0-9.-]+(:[0-9]{1,5})?)$/,
    what: "host names (name, name:port or *)",
  }),
  dataDir: string("DR_SCHEDULE_DATA_DIR", null),
  schemaPrefix: {
    name: "DR_SCHEDULE_SCHEMA_PREFIX",
    read(text) {
      if (!SCHEMA_PREFIX.test(text)) throw new Error(`DR_SCHEDULE_SCHEMA_PREFIX must be 1 to 30 of a-z 0-9 and _, not starting with a digit, got ${JSON.stringify(text)}`);
      return text;
    },
    fallback: HOSPITAL_SCHEMA_PREFIX,
  },
  maxLoadedHospitals: integer("DR_SCHEDULE_MAX_LOADED_HOSPITALS", TENANT_DEFAULTS.maxLoaded, 1, 1_000_000),
  hospitalsBudgetBytes: integer("DR_SCHEDULE_HOSPITALS_BUDGET_BYTES", TENANT_DEFAULTS.budgetBytes, 1, 2 ** 40),
  operatorKey: {
    name: "DR_SCHEDULE_OPERATOR_KEY",
    read(text) {
      if (!validOperatorCredential(text)) throw new Error("DR_SCHEDULE_OPERATOR_KEY must be dro_… or at least 32 printable characters");
      return text;
    },
    fallback: null,
  },
  operatorKeyFile: string("DR_SCHEDULE_OPERATOR_KEY_FILE", null),
  keyRate: integer("DR_SCHEDULE_KEY_RATE", DEFAULT_RATE_LIMITS.key.perSecond, 1, 1_000_000),
  keyBurst: integer("DR_SCHEDULE_KEY_BURST", DEFAULT_RATE_LIMITS.key.burst, 1, 1_000_000),
  maxConnections: integer("DR_SCHEDULE_MAX_CONNECTIONS", CONNECTION_DEFAULTS.maxConnections, 1, 1_000_000),
  maxConnectionsPerClient: integer("DR_SCHEDULE_MAX_CONNECTIONS_PER_CLIENT", CONNECTION_DEFAULTS.maxConnectionsPerClient, 1, 1_000_000),
  headersTimeoutMs: integer("DR_SCHEDULE_HEADERS_TIMEOUT_MS", CONNECTION_DEFAULTS.headersTimeoutMs, 100, 600_000),
  requestTimeoutMs: integer("DR_SCHEDULE_REQUEST_TIMEOUT_MS", CONNECTION_DEFAULTS.requestTimeoutMs, 100, 3_600_000),
};

/**
 * DR_SCHEDULE_HOSPITAL_OPTIONS: the options (JSON text, the object `new Hospital(options)` takes)
 * of the hospital a new database starts with, instead of the demo hospital. The package judges
 * them here, at start, so that a server never runs with options it would refuse later.
 */
function readHospitalOptions(text) {
  let options;
  try {
    options = JSON.parse(text);
  } catch (error) {
    throw new Error(`DR_SCHEDULE_HOSPITAL_OPTIONS must be a JSON object of the hospital's options, such as {"timeZone":"America/New_York"}: ${error.message}`);
  }
  try {
    checkHospitalOptions(options);
  } catch (error) {
    throw new Error(`DR_SCHEDULE_HOSPITAL_OPTIONS is refused by the package: ${error.code ?? error.name} ${error.message}${error.details?.field === undefined ? "" : ` (field ${error.details.field})`}`);
  }
  return options;
}
