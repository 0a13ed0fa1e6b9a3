// Quarto's src/core/jupyter/kernels.ts asks `jupyter kernelspec list --json` through Deno's
// process API; here the harness asks the same of jupyter_client and passes the list in
// (globalThis.__quartoKernelspecs, {name: {name, language, display_name, path}}).
const specs = () => new Map(Object.entries(globalThis.__quartoKernelspecs ?? {}));
module.exports = require("./partial.cjs")("core/jupyter/kernels.ts", {
  isJupyterKernelspec: (x) => !!x && typeof x === "object" && typeof x.name === "string" &&
    typeof x.language === "string" && typeof x.display_name === "string",
  jupyterKernelspecs: async () => specs(),
  jupyterKernelspec: async (name) => specs().get(name),
  jupyterKernelspecForLanguage: async (language) =>
    [...specs().values()].find((s) => s.language.toLowerCase() === language.toLowerCase()),
});
