// One CommonJS file for the .vsix: the extension plus vscode-languageclient, so the package
// needs no node_modules (vsce runs with --no-dependencies, which also keeps it offline).
import { build } from "esbuild";

await build({
  entryPoints: ["src/extension.ts"],
  bundle: true,
  outfile: "dist/extension.js",
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  sourcemap: true,
  minify: true,
  logLevel: "warning",
});
