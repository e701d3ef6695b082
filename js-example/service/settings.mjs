// Settings from an environment, read the same way by the Node server (process.env) and the
// Worker (its `vars`): every variable is checked, and a wrong one is refused with its name, what
// it must be and what it was, never silently replaced by a default.
//
//   readSettings(env, { snapshotEvery: integer("DR_SCHEDULE_SNAPSHOT_EVERY", 1000, 1, 1e9), … })
//     → { snapshotEvery: 1000, … }  or throws SettingsError listing every bad variable

export class SettingsError extends Error {
  constructor(problems) {
    super(problems.join("; "));
    this.name = "SettingsError";
    this.problems = problems;
  }
}

/** An unset variable, or one set to the empty string, takes the default. */
function raw(env, name) {
  const value = env?.[name];
  if (value === undefined || value === null || value === "") return undefined;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
}

/** An integer from `min` to `max`, in plain decimal digits. */
export function integer(name, fallback, min, max) {
  return {
    name,
    read(text) {
      if (typeof text !== "string" || !/^[0-9]{1,16}$/.test(text) || Number(text) < min || Number(text) > max) {
        throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
      }
      return Number(text);
    },
    fallback,
  };
}

/** Any non-empty string. */
export function string(name, fallback) {
  return {
    name,
    read(text) {
      if (typeof text !== "string") throw new Error(`${name} must be a string`);
      return text;
    },
    fallback,
  };
}

/** `1`/`true`/`yes` or `0`/`false`/`no`. */
export function boolean(name, fallback = false) {
  return {
    name,
    read(text) {
      const value = String(text).toLowerCase();
      if (["1", "true", "yes"].includes(value)) return true;
      if (["0", "false", "no"].includes(value)) return false;
      throw new Error(`${name} must be 1 or 0 (true or false), got ${JSON.stringify(text)}`);
    },
    fallback,
  };
}

/** A comma-separated list of non-empty items (spaces around items ignored). */
export function list(name, fallback, { item = /^.+$/, what = "items" } = {}) {
  return {
    name,
    read(text) {
      const items = String(text)
        .split(",")
        .map((s) => s.trim());
      const bad = items.find((s) => !item.test(s));
      if (bad !== undefined) throw new Error(`${name} must be a comma-separated list of ${what}, got ${JSON.stringify(bad)} in ${JSON.stringify(text)}`);
      return items;
    },
    fallback,
  };
}

/**
 * Reads every setting of `spec` (key → one of the readers above) from `env`. A `fallback` that
 * is a function is called with the settings read so far (for defaults that depend on another).
 */
export function readSettings(env, spec) {
  const settings = {};
  const problems = [];
  for (const [key, setting] of Object.entries(spec)) {
    const text = raw(env, setting.name);
    if (text === undefined) {
      settings[key] = typeof setting.fallback === "function" ? setting.fallback(settings) : setting.fallback;
      continue;
    }
    try {
      settings[key] = setting.read(text);
    } catch (error) {
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
