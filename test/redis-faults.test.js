'use strict';
// Faults of store: redis at the level of lib/ (README: Several Node-RED instances), with a real
// redis-server: a Redis that stops answering while its connection stays open, a handshake that
// never becomes a WebSocket, what one instance's writes cost the others, and an interface
// closed while Redis is unreachable.
const assert = require('assert');
const http = require('http');
const { spawn } = require('child_process');
const Redis = require('ioredis');
const { redisAvailable, startRedis } = require('./redis-server');
const { startSystem, station, handshakeStatus, closeAllClients, delay, until, waitFor } = require('./support');

let interfaces = 0;

/** A CentralSystem on `redis` (the interface `id`, shared by every system given the same one), once it has loaded the registry. */
async function system(redis, id, options = {}) {
  const { cs } = await startSystem({ versions: ['ocpp1.6'], store: 'redis', redisUrl: redis.url, interfaceId: id, ...options });
  await until(() => cs.storeAvailable, 'the registry loaded from Redis', 10000);
  return cs;
}

const urlOf = (cs) => `ws://127.0.0.1:${cs.endpoint.port}/ocpp`;
const start16 = (client) =>
  client.call('StartTransaction', { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: new Date().toISOString() });

describe('store: redis faults (lib/, real redis-server)', function () {
  this.timeout(60000);
  let redis;
  const systems = [];
  const make = async (...args) => {
    const cs = await system(...args);
    systems.push(cs);
    return cs;
  };

  before(async function () {
    if (!redisAvailable()) {
      console.log('      redis-server is not installed (/usr/bin/redis-server): skipped');
      this.skip();
    }
    redis = await startRedis();
  });
  afterEach(async function () {
    try {
      process.kill(redis.pid, 'SIGCONT');
    } catch {
      /* gone */
    }
    await closeAllClients();
    await Promise.all(systems.splice(0).map((cs) => cs.close()));
  });
  after(async function () {
    if (redis) await redis.stop();
  });

  it('counts a Redis that stops answering on an open connection as unreachable (503, InternalError, status), and recovers when it answers again', async function () {
    const cs = await make(redis, `stall-${++interfaces}`, { security: 'basic' });
    const password = { password: 'a-station-password' };
    const client = await station(urlOf(cs), 'ST1', ['ocpp1.6'], password);
    await client.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.strictEqual(typeof (await start16(client)).transactionId, 'number');
    const down = waitFor(cs, 'status', () => !cs.storeAvailable, 15000);
    process.kill(redis.pid, 'SIGSTOP');
    // a handshake while nobody knows yet that Redis is silent: its waits on Redis end (and with them its turn of the login throttle)
    const early = Date.now();
    const reconnected = await station(urlOf(cs), 'ST1', ['ocpp1.6'], password); // replaces the first connection
    assert.ok(Date.now() - early < 25000, `the handshake took ${Date.now() - early} ms`);
    await down;
    // each within the command timeout at the latest, not never
    const t0 = Date.now();
    await assert.rejects(start16(reconnected), (err) => err.rpcErrorCode === 'InternalError');
    assert.strictEqual(await handshakeStatus(urlOf(cs), 'NEWCOMER', ['ocpp1.6'], { password: 'another-password' }), 503);
    // a station known here still connects and is answered
    const again = await station(urlOf(cs), 'ST1', ['ocpp1.6'], password);
    assert.strictEqual((await again.call('Heartbeat', {})).currentTime !== undefined, true);
    assert.ok(Date.now() - t0 < 10000, `answers took ${Date.now() - t0} ms`);
    const up = waitFor(cs, 'status', () => cs.storeAvailable, 15000);
    process.kill(redis.pid, 'SIGCONT');
    await up;
    assert.strictEqual(typeof (await start16(again)).transactionId, 'number');
    assert.strictEqual(await handshakeStatus(urlOf(cs), 'NEWCOMER', ['ocpp1.6'], { password: 'another-password' }), 101);
  });

  it('takes no presence for a handshake whose upgrade never happens (bad Sec-WebSocket-Key)', async function () {
    const id = `upgrade-${++interfaces}`;
    const cluster = { presenceTtlMs: 1000, refreshMs: 200 };
    const a = await make(redis, id, { cluster });
    const b = await make(redis, id, { cluster });
    const status = await new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: a.endpoint.port,
        path: '/ocpp/BADKEY',
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'not a key',
          'Sec-WebSocket-Protocol': 'ocpp1.6',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        reject(new Error('upgraded with a bad key'));
      });
      req.on('error', reject);
      req.end();
    });
    assert.strictEqual(status, 400);
    // a station that does connect, for comparison
    await station(urlOf(a), 'GOOD');
    await delay(2500); // beyond the presence's time to live, with refreshes in between
    const table = Object.fromEntries((await b.stationTable()).map((s) => [s.id, s]));
    assert.strictEqual(table.GOOD.connected, true);
    assert.strictEqual(table.GOOD.instance, a.cluster.instanceId);
    if (table.BADKEY) {
      assert.strictEqual(table.BADKEY.connected, false);
      assert.strictEqual(table.BADKEY.instance, null);
    }
    await assert.rejects(b.command('BADKEY', 'ClearCache', {}), (err) => err.code === 'notConnected' || err.code === 'unknownStation');
  });

  it('costs the other instances neither reads nor status updates for channel values written elsewhere; they read changed records when needed', async function () {
    const id = `quiet-${++interfaces}`;
    const a = await make(redis, id);
    const b = await make(redis, id);
    const N = 20;
    const clients = [];
    for (let i = 0; i < N; i++) {
      const client = await station(urlOf(a), `Q${i}`);
      await client.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
      clients.push(client);
    }
    await until(() => b.registry.size === N, 'B knowing every station', 10000);
    // counted on B from here: status events and the records it reads from Redis
    let statuses = 0;
    let reads = 0;
    b.on('status', () => statuses++);
    const client = b.link.client;
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command, ...rest) => {
      if (/^(hget|hgetall|hmget)$/i.test(command.name)) reads++;
      return send(command, ...rest);
    };
    // every station id announced (one by one or together) on the changes channel
    const listener = new Redis(redis.url);
    const announced = new Set();
    await listener.subscribe(`ocpp-interface:${id}:changes`);
    listener.on('message', (_channel, text) => {
      const m = JSON.parse(text);
      for (const s of m.stations || [m.station]) announced.add(s);
    });
    try {
      for (let k = 1; k <= 5; k++) {
        for (const c of clients) {
          await c.call('MeterValues', {
            connectorId: 1,
            meterValue: [
              {
                timestamp: new Date().toISOString(),
                sampledValue: [{ value: String(k * 1000), measurand: 'Energy.Active.Import.Register' }],
              },
            ],
          });
        }
      }
      await until(() => announced.size === N, 'the meter values of every station written and announced', 20000);
      await delay(500);
      assert.strictEqual(statuses, 0, 'status events on B');
      assert.strictEqual(reads, 0, 'records read by B');
      // a change that matters is seen on B's station table, read then
      await clients[0].call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
      await until(() => announced.size === N && b.stale.has('Q0'), 'B told of the status change', 10000).catch(() => undefined);
      await assert.doesNotReject(async () => {
        const end = Date.now() + 10000;
        for (;;) {
          const row = (await b.stationTable()).find((s) => s.id === 'Q0');
          if (row.connectors.some((c) => c.id === 1 && c.status === 'Charging')) return;
          if (Date.now() > end) throw new Error("B's table never showed the status change");
          await delay(100);
        }
      });
      assert.ok(reads > 0, 'B read the changed records for its table');
      assert.strictEqual(statuses, 0, 'status events on B');
    } finally {
      listener.disconnect();
    }
  });

  it('ends an interface closed while Redis is unreachable: close resolves and nothing keeps reconnecting', async function () {
    const script = `
      const { CentralSystem } = require(${JSON.stringify(require.resolve('../dist/lib/central/central-system'))});
      const cs = new CentralSystem({ versions: ['ocpp1.6'], autoApprove: true, security: 'none', heartbeatInterval: 300, callTimeout: 5,
        unknownIdTags: 'accept', path: '/ocpp', registryFile: null, store: 'redis', redisUrl: 'redis://127.0.0.1:1', interfaceId: 'gone' });
      setTimeout(() => cs.close().then(() => process.stdout.write('closed\\n')), 500);
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still running after 15 s');
      }, 15000);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    assert.strictEqual(out.trim(), 'closed');
    assert.strictEqual(code, 0);
  });
});
