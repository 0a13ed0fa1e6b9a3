// Bundles Quarto's own TypeScript (entry.ts imports it as "quarto:src/...") with esbuild.
//   node bundle.mjs QUARTO_SOURCE_DIR OUT_FILE
// Writes OUT_FILE (never committed: the harness puts it in a cache dir) and OUT_FILE.json, the
// list of Quarto's files bundled, the files replaced by a shim and the imports left as stubs.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const [source, outfile] = process.argv.slice(2);
const SRC = path.join(path.resolve(source), "src");

// Quarto's Deno-only modules and the shim that stands for each (shims/*.js say what they do).
const SHIMMED_FILES = {
  "deno_ral/path.ts": "path.cjs",
  "deno_ral/fs.ts": "fs.cjs",
  "deno_ral/log.ts": "log.cjs",
  "core/jupyter/kernels.ts": "kernels.cjs",
  "core/schema/validated-yaml.ts": "validated-yaml.cjs",
};
const SHIMMED_SPECIFIERS = { "fmt/colors": "colors.cjs", "encoding/base64": "base64.cjs" };
// Import-map names of Quarto's that are plain npm packages (pinned in ../package.json).
const NPM = { yaml: "js-yaml" };

const stubs = new Set();
const shimmed = new Set();

const quartoPlugin = {
  name: "quarto-source",
  setup(build) {
    build.onResolve({ filter: /^quarto:/ }, (args) => ({ path: path.join(source, args.path.slice(7)) }));
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind === "entry-point" || args.namespace === "stub" || args.pluginData?.npm) return undefined;
      const spec = args.path;
      if (spec.startsWith(".") || spec.startsWith("/")) {
        const abs = path.resolve(args.resolveDir, spec);
        const rel = path.relative(SRC, abs);
        if (SHIMMED_FILES[rel]) {
          shimmed.add(rel);
          return { path: path.join(HERE, "shims", SHIMMED_FILES[rel]) };
        }
        if (fs.existsSync(abs) || !abs.startsWith(SRC)) return undefined;
        stubs.add(rel);
        return { path: rel, namespace: "stub" };
      }
      if (SHIMMED_SPECIFIERS[spec]) {
        shimmed.add(spec);
        return { path: path.join(HERE, "shims", SHIMMED_SPECIFIERS[spec]) };
      }
      if (spec.startsWith("node:")) return undefined;
      const name = NPM[spec] ?? spec;
      const found = await build.resolve(name, { resolveDir: HERE, kind: args.kind, pluginData: { npm: true } })
        .catch(() => null);
      if (found && !found.errors.length) return { path: found.path };
      stubs.add(spec);
      return { path: spec, namespace: "stub" };
    });
    // A stub: any member read is a function that throws, naming the import (none runs on the
    // conformance path: the tests would fail with that message).
    build.onLoad({ filter: /\.json$/, namespace: "stub" }, () => ({ contents: "{}", loader: "json" }));
    build.onLoad({ filter: /.*/, namespace: "stub" }, (args) => ({
      contents: `const fail = (k) => function () { throw new Error(${JSON.stringify(args.path)} + ": " + String(k) + " is not in the conformance bundle"); };
const proto = new Proxy({}, { get: (t, k) => (typeof k === "symbol" || k === "__esModule" || k === "then") ? undefined : fail(k) });
module.exports = Object.create(proto);`,
      loader: "js",
    }));
  },
};

const result = await esbuild.build({
  entryPoints: [path.join(HERE, "entry.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node18",
  outfile,
  plugins: [quartoPlugin],
  metafile: true,
  logLevel: "error",
  banner: {
    js: "// Built at test time from Quarto's source (MIT: see COPYING.md and COPYRIGHT beside it); not a project file.\n" +
      "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
const bundled = Object.keys(result.metafile.inputs)
  .map((p) => path.resolve(p))
  .filter((p) => p.startsWith(SRC))
  .map((p) => path.relative(SRC, p))
  .sort();
fs.writeFileSync(`${outfile}.json`, JSON.stringify({
  bundled, shimmed: [...shimmed].sort(), stubs: [...stubs].sort(),
}, null, 1));
