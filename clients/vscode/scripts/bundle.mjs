// One CommonJS file for the .vsix: the extension plus vscode-languageclient, so the package
// needs no node_modules (vsce runs with --no-dependencies, which also keeps it offline).
// Afterwards the bundle is checked to require nothing but `vscode` and Node built-ins: anything
// else would be missing at run time from a package built without dependencies.
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { build } from "esbuild";

const outfile = "dist/extension.js";
await build({
  entryPoints: ["src/extension.ts"],
  bundle: true,
  outfile,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  sourcemap: false,
  minify: true,
  logLevel: "warning",
});

const allowed = new Set(["vscode", ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const required = [...readFileSync(outfile, "utf8").matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
const stray = [...new Set(required.filter((m) => !allowed.has(m)))];
if (stray.length > 0) {
  console.error(`${outfile} requires modules that are not bundled: ${stray.join(", ")}`);
  process.exit(1);
}
if (!required.includes("vscode")) {
  console.error(`${outfile} does not use the vscode API: the entry point is wrong`);
  process.exit(1);
}
