// A module of which only some members are written: any other member read is a function that
// throws, naming the module and the member (none of them runs on the conformance path, or a test
// fails with that message).
module.exports = function partial(name, members) {
  const fail = (key) => function () {
    throw new Error(`${name}: ${String(key)} is not in the conformance bundle`);
  };
  const rest = new Proxy({}, {
    get: (_, key) => (typeof key === "symbol" || key === "__esModule" || key === "then" ? undefined : fail(key)),
  });
  return Object.assign(Object.create(rest), members);
};
