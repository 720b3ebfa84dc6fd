// What the server gets of the `aurelis` settings section: everything except the keys that only
// the client reads (how to start the server, tracing). Sent as initializationOptions and as the
// answer to `workspace/configuration`; pure so unit and protocol tests use the same code.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const SECTION = "aurelis";
/** Sub-sections of `aurelis.*` that configure the extension, never the server. */
export const CLIENT_ONLY = ["server", "trace"] as const;

/** A plain-JSON copy (VS Code's configuration objects carry methods and proxies). */
export function toJson(value: unknown): Json {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as Json;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `aurelis` section as the server should see it. */
export function serverSettings(section: unknown): JsonObject {
  const copy = toJson(section);
  if (!isObject(copy)) return {};
  for (const key of CLIENT_ONLY) delete copy[key];
  return copy;
}

/** What VS Code's `WorkspaceConfiguration.inspect` reports for one key (the subset we use). */
export interface Inspection {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * Only the values the user set (folder > workspace > user), nested, without client-only keys.
 * Defaults are left out on purpose: the server applies its own, and a default sent from here
 * would override the folder's `[tool.aurelis]` in pyproject.toml (a lower-precedence source).
 */
export function explicitSettings(keys: readonly string[], inspect: (key: string) => Inspection | undefined): JsonObject {
  const root: JsonObject = {};
  for (const key of keys) {
    const parts = key.split(".");
    if (parts[0] !== SECTION || parts.length < 2 || (CLIENT_ONLY as readonly string[]).includes(parts[1])) continue;
    const i = inspect(parts.slice(1).join("."));
    const value = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    if (value === undefined) continue;
    let node = root;
    for (const part of parts.slice(1, -1)) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as JsonObject;
    }
    node[parts[parts.length - 1]] = toJson(value);
  }
  return root;
}

export interface ConfigurationItem {
  section?: string;
  scopeUri?: string;
}

/** Reads a settings section (dotted, e.g. `aurelis` or `aurelis.index`) for a scope. */
export type SettingsReader = (section: string | undefined, scopeUri: string | undefined) => unknown;

/** The answer to `workspace/configuration`: one value per item, client-only keys removed. */
export function configurationAnswer(items: readonly ConfigurationItem[], read: SettingsReader): Json[] {
  return items.map((item) => {
    const value = read(item.section, item.scopeUri);
    if (item.section === SECTION) return serverSettings(value);
    return toJson(value);
  });
}

/** Manifest `contributes.configuration.properties` entry (the subset we use). */
export interface SettingContribution {
  type?: string | string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
}

/**
 * The nested `aurelis` section VS Code builds from the contributed defaults
 * (`aurelis.index.enabled` → `{index: {enabled: ...}}`).
 */
export function defaultsFromContributions(properties: Record<string, SettingContribution>): JsonObject {
  const root: JsonObject = {};
  for (const [key, contribution] of Object.entries(properties)) {
    const parts = key.split(".");
    if (parts[0] !== SECTION || parts.length < 2) continue;
    let node = root;
    for (const part of parts.slice(1, -1)) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as JsonObject;
    }
    node[parts[parts.length - 1]] = toJson(contribution.default);
  }
  return root;
}
