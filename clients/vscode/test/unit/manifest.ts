// The extension's package.json, read the way VS Code reads it.
import * as fs from "node:fs";
import * as path from "node:path";
import type { SettingContribution } from "../../src/settings";

export const EXTENSION_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface Manifest {
  main: string;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, SettingContribution> };
  };
}

export function manifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(EXTENSION_ROOT, "package.json"), "utf8")) as Manifest;
}
