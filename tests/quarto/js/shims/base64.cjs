// Deno std encoding/base64 on node's Buffer.
const encodeBase64 = (data) => Buffer.from(typeof data === "string" ? data : new Uint8Array(data)).toString("base64");
const decodeBase64 = (text) => new Uint8Array(Buffer.from(text, "base64"));
module.exports = require("./partial.cjs")("encoding/base64", { encodeBase64, decodeBase64 });
