'use strict';
// A strict-mode validator for ocpp-rpc stations speaking OCPP 2.1, shared by the simulator and
// the tests.
//
// ocpp-rpc 2.2.1 bundles OCA's 2.1 schemas with the ids "urn:<Action>Request" /
// "urn:<Action>Response", but its strict mode looks them up as "urn:<Action>.req" / ".conf", so
// every strict 2.1 call would fail with "schema missing". This validator is made with ocpp-rpc's
// own createValidator from the same official schemas, under the names it looks for. Pass it as
// `strictModeValidators: [strict21Validator()]`.

const { createValidator } = require('ocpp-rpc');

let validator = null;

function strict21Validator() {
  if (!validator) {
    const official = require('ocpp-rpc/lib/schemas/ocpp2_1.json');
    const renamed = official.map((schema) => {
      const name = schema.$id.replace(/^urn:/, '');
      const id = /Response$/.test(name) ? `urn:${name.slice(0, -8)}.conf` : `urn:${name.replace(/Request$/, '')}.req`;
      return { ...schema, $id: id };
    });
    validator = createValidator('ocpp2.1', renamed);
  }
  return validator;
}

module.exports = { strict21Validator };
