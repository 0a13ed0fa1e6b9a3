// Quarto's deno_ral/path.ts on node: the POSIX functions of node:path under Deno std's names.
const path = require("node:path").posix;
module.exports = require("./partial.cjs")("deno_ral/path.ts", {
  basename: path.basename, dirname: path.dirname, extname: path.extname, isAbsolute: path.isAbsolute,
  join: path.join, normalize: path.normalize, relative: path.relative, resolve: path.resolve,
  parse: path.parse, format: path.format, SEPARATOR: path.sep, SEP: path.sep, posix: path,
  fromFileUrl: (url) => new URL(url).pathname,
  toFileUrl: (p) => new URL("file://" + p),
});
