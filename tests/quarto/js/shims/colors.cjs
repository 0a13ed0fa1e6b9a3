// Deno std fmt/colors: no terminal colours in a test (every colour function returns its text).
const plain = (s) => s;
const names = ["bold", "dim", "italic", "underline", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
  "gray", "black", "brightRed", "brightGreen", "brightBlue", "brightYellow", "brightCyan", "brightWhite", "bgRed",
  "bgYellow", "bgBlue", "bgGreen", "bgWhite", "bgBlack", "rgb24", "bgRgb24", "rgb8"];
module.exports = require("./partial.cjs")("fmt/colors", {
  ...Object.fromEntries(names.map((n) => [n, plain])),
  stripColor: (s) => s.replace(/\u001b\[[0-9;]*m/g, ""),
  stripAnsiCode: (s) => s.replace(/\u001b\[[0-9;]*m/g, ""),
  setColorEnabled: () => {},
  getColorEnabled: () => false,
});
