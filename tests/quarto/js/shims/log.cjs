// Quarto's deno_ral/log.ts: warnings and errors go to stderr, where the harness shows them.
const write = (level) => (...args) => process.stderr.write(`[${level}] ${args.map(String).join(" ")}\n`);
module.exports = require("./partial.cjs")("deno_ral/log.ts", {
  debug: () => {}, info: write("info"), warning: write("warning"), error: write("error"),
  critical: write("critical"),
});
