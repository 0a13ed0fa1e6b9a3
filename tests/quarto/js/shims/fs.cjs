// Quarto's deno_ral/fs.ts on node: the synchronous helpers the jupyter code calls.
const fs = require("node:fs");
const path = require("node:path");

// Deno std's walkSync: the root, then its entries, down to maxDepth (the root is depth 0).
function* walkSync(root, { maxDepth = Infinity } = {}) {
  yield { path: root, name: path.basename(root), isFile: false, isDirectory: true, isSymlink: false };
  if (maxDepth < 1) return;
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) yield* walkSync(p, { maxDepth: maxDepth - 1 });
    else yield { path: p, name: e.name, isFile: e.isFile(), isDirectory: false, isSymlink: e.isSymbolicLink() };
  }
}

module.exports = require("./partial.cjs")("deno_ral/fs.ts", {
  existsSync: (p) => fs.existsSync(p),
  ensureDirSync: (p) => fs.mkdirSync(p, { recursive: true }),
  safeRemoveSync: (p) => fs.rmSync(p, { recursive: true, force: true }),
  walkSync,
});
