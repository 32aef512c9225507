'use strict';
// (a) Our protocol layer alone: CentralSystem from dist/lib, automatic replies. A third
// argument `strict` runs it with validation strict (the default is lenient); a fourth names
// another build's dist folder to run instead (run.js --baseline).

const path = require('path');
const { serve, countSettled, REMOTE_START } = require('./harness');

const dist = process.argv[5] || path.join(__dirname, '..', '..', 'dist');
const { CentralSystem, precompile } = require(path.join(dist, 'lib'));

let cs;
const validation = process.argv[4] === 'strict' ? 'strict' : 'lenient';

serve({
  async start(port) {
    precompile();
    cs = new CentralSystem({
      versions: ['ocpp1.6', 'ocpp2.0.1'],
      autoApprove: true,
      security: 'none',
      heartbeatInterval: 300,
      callTimeout: 30,
      unknownIdTags: 'accept',
      path: '/ocpp',
      registryFile: null,
      pingIntervalMs: 30000,
      validation,
    });
    await cs.listen({ port, host: '127.0.0.1' });
  },
  fanout(ids) {
    return countSettled(ids.map((id) => cs.command(id, 'RemoteStartTransaction', REMOTE_START)));
  },
  stop() {
    return cs.close();
  },
});
