// The members of Deno's global that the bundled Quarto code calls on the conformance path, on
// node. Any other member throws, naming itself, so that a new use shows up in a test failure.
import fs from "node:fs";
import process from "node:process";

const known = {
  env: { get: (name) => process.env[name], toObject: () => ({ ...process.env }) },
  build: { os: "linux" },
  noColor: true,
  readTextFileSync: (p) => fs.readFileSync(p, "utf-8"),
  writeTextFileSync: (p, text) => fs.writeFileSync(p, text),
  writeFileSync: (p, data) => fs.writeFileSync(p, data),
};

globalThis.Deno = new Proxy(known, {
  get(target, key) {
    if (key in target) return target[key];
    if (typeof key === "symbol") return undefined;
    throw new Error(`Deno.${key} is not shimmed in the conformance bundle`);
  },
});
