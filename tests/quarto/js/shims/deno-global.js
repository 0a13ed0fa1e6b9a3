// The few members of Deno's global that the bundled Quarto code calls on our path, on node.
// Any other member throws, naming itself, so that the docs can list what runs.
import fs from "node:fs";
import process from "node:process";

const known = {
  env: {
    get: (name) => process.env[name],
    toObject: () => ({ ...process.env }),
    has: (name) => name in process.env,
  },
  build: { os: "linux", arch: "x86_64" },
  noColor: true,
  cwd: () => process.cwd(),
  readTextFileSync: (p) => fs.readFileSync(p, "utf-8"),
  readFileSync: (p) => new Uint8Array(fs.readFileSync(p)),
  writeTextFileSync: (p, text) => fs.writeFileSync(p, text),
  writeFileSync: (p, data) => fs.writeFileSync(p, data),
  mkdirSync: (p, opts) => fs.mkdirSync(p, opts),
  statSync: (p) => {
    const s = fs.statSync(p);
    return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtime: s.mtime };
  },
  errors: { NotFound: class NotFound extends Error {}, AlreadyExists: class AlreadyExists extends Error {} },
};

globalThis.Deno = new Proxy(known, {
  get(target, key) {
    if (key in target) return target[key];
    if (typeof key === "symbol") return undefined;
    throw new Error(`Deno.${key} is not shimmed in the conformance bundle`);
  },
});
