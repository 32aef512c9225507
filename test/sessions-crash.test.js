'use strict';
// kill -9 of a central system while stations run transactions: nothing a station was answered
// is missing from the sessions afterwards, and open sessions continue in the next process.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { freePort, station, closeAllClients, delay } = require('./support');
const { FileSessionStore } = require('../dist/lib');

const CHILD = `
'use strict';
const { CentralSystem } = require(process.env.LIB);
const dir = process.env.DIR;
const cs = new CentralSystem({ versions: ['ocpp1.6', 'ocpp2.0.1'], autoApprove: true, security: 'none', heartbeatInterval: 300,
  callTimeout: 5, unknownIdTags: 'accept', path: '/ocpp', registryFile: dir + '/iface.json', sessionsDir: dir + '/iface.sessions',
  log: { debug() {}, info() {}, warn: (m) => console.error(m), error: (m) => console.error(m) } });
cs.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  .then(() => cs.querySessions({ limit: 1 }))
  .then(() => process.stdout.write('READY\\n'));
`;

function startChild(script, dir, port) {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, LIB: path.resolve(__dirname, '../dist/lib'), DIR: dir, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const ready = new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('central system did not start\n' + err)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('READY')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      reject(new Error(`central system exited (${code ?? signal})\n${err}`));
    });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, ready, exited, stderr: () => err };
}

describe('a central system killed (kill -9) while sessions are written', function () {
  this.timeout(120000);
  let dir;
  let running = null;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-sessions-crash-'));
  });
  after(async function () {
    await closeAllClients();
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses no session change a station was answered, over many rounds and random kill moments', async function () {
    const script = path.join(dir, 'central.js');
    fs.writeFileSync(script, CHILD);
    const ROUNDS = 12;
    /** What the stations were told, by `station/transactionId`: started (meterStart) and ended (meterStop). */
    const answered = new Map();
    /** A station's transaction whose start was answered and that has not ended yet, carried into the next round. */
    const open = new Map();
    const pendingStop = new Map();
    let serial = 0;
    let meter = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const port = await freePort();
      running = startChild(script, dir, port);
      await running.ready;
      const url = `ws://127.0.0.1:${port}/ocpp`;
      let stop = false;
      const worker = async (id, version) => {
        let cp;
        try {
          cp = await station(url, id, [version], { callTimeoutMs: 3000 });
        } catch {
          return;
        }
        while (!stop) {
          const key = open.get(id);
          try {
            if (key) {
              // A stop that got no answer is sent again as it was, as a station's queue does.
              let stopCall = pendingStop.get(id);
              if (!stopCall) {
                const { transactionId } = answered.get(key);
                const meterStop = ++meter * 10;
                const timestamp = new Date().toISOString();
                stopCall =
                  version === 'ocpp1.6'
                    ? { meterStop, action: 'StopTransaction', payload: { transactionId, meterStop, timestamp } }
                    : {
                        meterStop,
                        action: 'TransactionEvent',
                        payload: {
                          eventType: 'Ended',
                          timestamp,
                          triggerReason: 'StopAuthorized',
                          seqNo: 1,
                          transactionInfo: { transactionId },
                          meterValue: [{ timestamp, sampledValue: [{ value: meterStop, context: 'Transaction.End' }] }],
                        },
                      };
                pendingStop.set(id, stopCall);
              }
              await cp.call(stopCall.action, stopCall.payload);
              answered.get(key).meterStop = stopCall.meterStop;
              answered.get(key).endRound = round;
              pendingStop.delete(id);
              open.delete(id);
            } else {
              const meterStart = ++meter * 10;
              const timestamp = new Date().toISOString();
              let transactionId;
              if (version === 'ocpp1.6') {
                transactionId = (await cp.call('StartTransaction', { connectorId: 1, idTag: 'T', meterStart, timestamp })).transactionId;
              } else {
                transactionId = `tx-${++serial}`;
                await cp.call('TransactionEvent', {
                  eventType: 'Started',
                  timestamp,
                  triggerReason: 'Authorized',
                  seqNo: 0,
                  evse: { id: 1 },
                  transactionInfo: { transactionId },
                  meterValue: [{ timestamp, sampledValue: [{ value: meterStart, context: 'Transaction.Begin' }] }],
                });
              }
              const k = `${id}/${transactionId}`;
              answered.set(k, { station: id, transactionId, meterStart, meterStop: null, startRound: round, endRound: null });
              open.set(id, k);
            }
          } catch {
            return; // the central system is gone
          }
        }
      };
      const workers = [
        ['A16', 'ocpp1.6'],
        ['B16', 'ocpp1.6'],
        ['C201', 'ocpp2.0.1'],
        ['D201', 'ocpp2.0.1'],
      ].map(([id, v]) => worker(id, v));
      await delay(50 + Math.floor(Math.random() * 400));
      running.child.kill('SIGKILL');
      await running.exited;
      stop = true;
      await Promise.all(workers);
      await closeAllClients();
    }

    const store = new FileSessionStore(path.join(dir, 'iface.sessions'));
    await store.open();
    const records = await store.query({});
    await store.close();
    const byKey = new Map(records.map((r) => [`${r.station}/${r.transactionId}`, r]));
    assert.ok(answered.size > ROUNDS * 4, `only ${answered.size} transactions were answered`);
    let continued = 0;
    for (const [key, told] of answered) {
      const r = byKey.get(key);
      assert.ok(r, `transaction ${key}, answered to its station, has no session record`);
      assert.strictEqual(r.meterStart, told.meterStart, key);
      if (told.meterStop !== null) {
        if (told.endRound > told.startRound) continued++;
        assert.strictEqual(r.status, 'completed', key);
        assert.strictEqual(r.meterStop, told.meterStop, key);
        assert.strictEqual(r.energy, told.meterStop - told.meterStart, key);
      }
    }
    // Ends answered in a later process than their start: those sessions continued across a crash.
    assert.ok(continued > 0, 'no session continued across a crash');
    // every file ends on a whole line once opened again
    for (const name of fs.readdirSync(path.join(dir, 'iface.sessions'))) {
      const text = fs.readFileSync(path.join(dir, 'iface.sessions', name), 'utf8');
      assert.ok(text.endsWith('\n'), name);
      for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
    }
  });
});
