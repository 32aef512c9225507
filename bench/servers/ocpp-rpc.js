'use strict';
// (c) ocpp-rpc RPCServer in strict mode: validates both directions against the official schemas, as we do.

const { RPCServer } = require('ocpp-rpc');
const { serve, countSettled, REMOTE_START } = require('./harness');

const clients = new Map();
let server;

serve({
  async start(port) {
    server = new RPCServer({ protocols: ['ocpp1.6', 'ocpp2.0.1'], strictMode: true, callTimeoutMs: 30000, pingIntervalMs: 30000 });
    server.on('client', (client) => {
      clients.set(client.identity, client);
      client.once('close', () => {
        if (clients.get(client.identity) === client) clients.delete(client.identity);
      });
      client.handle('BootNotification', () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }));
      client.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
      client.handle('MeterValues', () => ({}));
    });
    await server.listen(port, '127.0.0.1');
  },
  fanout(ids) {
    return countSettled(
      ids.map((id) => {
        const client = clients.get(id);
        return client ? client.call('RemoteStartTransaction', REMOTE_START) : Promise.reject(new Error('not connected'));
      }),
    );
  },
  stop() {
    return server.close({ force: true });
  },
});
