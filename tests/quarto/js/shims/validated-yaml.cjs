// Quarto's src/core/schema/validated-yaml.ts validates against schemas compiled into
// resources/editor/tools/yaml (not in the source tree); here the file is parsed, not validated.
const fs = require("node:fs");
const yaml = require("js-yaml");
module.exports = require("./partial.cjs")("core/schema/validated-yaml.ts", {
  readAndValidateYamlFromFile: async (file) => yaml.load(fs.readFileSync(file, "utf-8")) ?? {},
});
