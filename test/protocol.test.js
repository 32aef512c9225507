'use strict';
const assert = require('assert');
const http = require('http');
const lib = require('../dist/lib');
const {
  freePort,
  startSystem,
  station,
  handshakeStatus,
  rawClient,
  closeAllClients,
  waitFor,
  delay,
  until,
  boot16,
  boot201,
} = require('./support');

const { OcppEndpoint } = lib;

describe('protocol core (lib/, no Node-RED)', function () {
  let sys;
  afterEach(async function () {
    await closeAllClients();
    if (sys) await sys.cs.close();
    sys = null;
  });

  describe('a 1.6 station served by the automatic replies', function () {
    it('boots, beats, reports status and gets unique transaction ids', async function () {
      sys = await startSystem({ heartbeatInterval: 120 });
      const cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      assert.strictEqual(cp.protocol, 'ocpp1.6');
      const boot = await cp.call('BootNotification', boot16);
      assert.strictEqual(boot.status, 'Accepted');
      assert.strictEqual(boot.interval, 120);
      assert.ok(Math.abs(Date.parse(boot.currentTime) - Date.now()) < 5000);
      const hb = await cp.call('Heartbeat', {});
      assert.ok(Date.parse(hb.currentTime) > 0);
      assert.deepStrictEqual(await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }), {});
      const auth = await cp.call('Authorize', { idTag: 'TAG1' });
      assert.strictEqual(auth.idTagInfo.status, 'Accepted');
      const t1 = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TAG1', meterStart: 100, timestamp: new Date().toISOString() });
      const t2 = await cp.call('StartTransaction', { connectorId: 2, idTag: 'TAG1', meterStart: 5, timestamp: new Date().toISOString() });
      assert.ok(Number.isInteger(t1.transactionId) && Number.isInteger(t2.transactionId));
      assert.notStrictEqual(t1.transactionId, t2.transactionId);
      assert.deepStrictEqual(
        sys.cs.registry
          .openTransactions('CP16')
          .map((t) => t.id)
          .sort(),
        [t1.transactionId, t2.transactionId].sort(),
      );
      await cp.call('StopTransaction', { transactionId: t1.transactionId, meterStop: 900, timestamp: new Date().toISOString() });
      assert.deepStrictEqual(
        sys.cs.registry.openTransactions('CP16').map((t) => t.id),
        [t2.transactionId],
      );
      const dt = await cp.call('DataTransfer', { vendorId: 'acme' });
      assert.strictEqual(dt.status, 'UnknownVendorId');
      const rec = sys.cs.registry.get('CP16');
      assert.strictEqual(rec.properties.vendor, 'VendorX');
      assert.strictEqual(rec.properties.firmwareVersion, '1.2.3');
      assert.strictEqual(rec.connectors['1'].stationStatus, 'Available');
      assert.strictEqual(rec.connectors['1'].transaction, null, 'the stopped transaction is gone from the state');
      assert.strictEqual(rec.connectors['2'].transaction.id, t2.transactionId);
    });

    it('sends a whole number of seconds as heartbeat interval, whatever it was given', async function () {
      sys = await startSystem({ heartbeatInterval: 12.5 });
      const cp = await station(sys.url, 'HB', ['ocpp1.6']);
      assert.strictEqual((await cp.call('BootNotification', boot16)).interval, 13);
    });

    it('rejects unknown id tags when told to', async function () {
      sys = await startSystem({ unknownIdTags: 'reject' });
      const cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      assert.strictEqual((await cp.call('Authorize', { idTag: 'X' })).idTagInfo.status, 'Invalid');
    });

    it('accepts the id tag of its own remote start even when unknown tags are rejected', async function () {
      sys = await startSystem({ unknownIdTags: 'reject' });
      const cp = await station(sys.url, 'RS', ['ocpp1.6']);
      cp.handle('RemoteStartTransaction', () => ({ status: 'Accepted' }));
      await sys.cs.command('RS', 'RemoteStartTransaction', { connectorId: 1, idTag: 'FROM-CSMS' });
      const started = await cp.call('StartTransaction', {
        connectorId: 1,
        idTag: 'FROM-CSMS',
        meterStart: 0,
        timestamp: new Date().toISOString(),
      });
      assert.strictEqual(started.idTagInfo.status, 'Accepted');
      const other = await cp.call('StartTransaction', {
        connectorId: 2,
        idTag: 'STRANGER',
        meterStart: 0,
        timestamp: new Date().toISOString(),
      });
      assert.strictEqual(other.idTagInfo.status, 'Invalid');
      const elsewhere = await station(sys.url, 'RS2', ['ocpp1.6']);
      assert.strictEqual((await elsewhere.call('Authorize', { idTag: 'FROM-CSMS' })).idTagInfo.status, 'Invalid');
    });

    it('answers the security extension messages', async function () {
      sys = await startSystem();
      const cp = await station(sys.url, 'CPSEC', ['ocpp1.6']);
      assert.deepStrictEqual(
        await cp.call('SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: new Date().toISOString() }),
        {},
      );
      assert.strictEqual((await cp.call('SignCertificate', { csr: 'x' })).status, 'Rejected');
    });
  });

  describe('a 2.0.1 station served by the automatic replies', function () {
    it('boots and runs a transaction', async function () {
      sys = await startSystem({ heartbeatInterval: 60 });
      const cp = await station(sys.url, 'CP201', ['ocpp2.0.1']);
      assert.strictEqual(cp.protocol, 'ocpp2.0.1');
      const boot = await cp.call('BootNotification', boot201);
      assert.strictEqual(boot.status, 'Accepted');
      assert.strictEqual(boot.interval, 60);
      await cp.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
      const started = await cp.call('TransactionEvent', {
        eventType: 'Started',
        timestamp: new Date().toISOString(),
        triggerReason: 'Authorized',
        seqNo: 0,
        transactionInfo: { transactionId: 'tx-1', chargingState: 'Charging' },
        idToken: { idToken: 'TAG', type: 'ISO14443' },
        evse: { id: 1, connectorId: 1 },
      });
      assert.strictEqual(started.idTokenInfo.status, 'Accepted');
      assert.deepStrictEqual(
        sys.cs.registry.openTransactions('CP201').map((t) => t.id),
        ['tx-1'],
      );
      await cp.call('TransactionEvent', {
        eventType: 'Ended',
        timestamp: new Date().toISOString(),
        triggerReason: 'StopAuthorized',
        seqNo: 1,
        transactionInfo: { transactionId: 'tx-1' },
      });
      assert.deepStrictEqual(sys.cs.registry.openTransactions('CP201'), []);
      assert.deepStrictEqual(
        await cp.call('NotifyReport', {
          requestId: 1,
          generatedAt: new Date().toISOString(),
          seqNo: 0,
          reportData: [
            {
              component: { name: 'Connector', evse: { id: 2, connectorId: 1 } },
              variable: { name: 'AvailabilityState' },
              variableAttribute: [{ value: 'Available' }],
            },
          ],
        }),
        {},
      );
      const rec = sys.cs.registry.get('CP201');
      assert.strictEqual(rec.properties.model, 'Model201');
      assert.deepStrictEqual(Object.keys(rec.connectors).sort(), ['1', '2']);
      assert.strictEqual(rec.connectors['1'].stationStatus, 'Occupied', "the station's own word");
      assert.strictEqual(rec.connectors['1'].status, 'Finishing', 'the channel value, in the same place');
    });
  });

  describe('commands from the central system', function () {
    it('are answered in both versions and report their duration', async function () {
      sys = await startSystem();
      const cp16 = await station(sys.url, 'A', ['ocpp1.6']);
      cp16.handle('Reset', ({ params }) => ({ status: params.type === 'Soft' ? 'Accepted' : 'Rejected' }));
      const cp201 = await station(sys.url, 'B', ['ocpp2.0.1']);
      cp201.handle('Reset', () => ({ status: 'Scheduled' }));
      const r16 = await sys.cs.command('A', 'Reset', { type: 'Soft' });
      assert.deepStrictEqual(r16.payload, { status: 'Accepted' });
      assert.ok(r16.durationMs >= 0 && r16.durationMs < 5000);
      const r201 = await sys.cs.command('B', 'Reset', { type: 'OnIdle' });
      assert.deepStrictEqual(r201.payload, { status: 'Scheduled' });
    });

    it('to one station go one at a time, in order', async function () {
      sys = await startSystem();
      const cp = await station(sys.url, 'A', ['ocpp1.6']);
      const seen = [];
      let inHandler = 0;
      let overlap = false;
      cp.handle('ChangeConfiguration', async ({ params }) => {
        inHandler += 1;
        if (inHandler > 1) overlap = true;
        seen.push(params.key);
        await delay(params.key === 'first' ? 150 : 5);
        inHandler -= 1;
        return { status: 'Accepted' };
      });
      const results = await Promise.all(
        ['first', 'second', 'third'].map((key) => sys.cs.command('A', 'ChangeConfiguration', { key, value: '1' })),
      );
      assert.deepStrictEqual(seen, ['first', 'second', 'third']);
      assert.strictEqual(overlap, false, 'a second CALL was sent before the first was answered');
      assert.ok(results.every((r) => r.payload.status === 'Accepted'));
    });

    it('fail at once with notConnected when the station disconnects', async function () {
      sys = await startSystem({ callTimeout: 20 });
      const cp = await station(sys.url, 'A', ['ocpp1.6']);
      cp.handle('GetConfiguration', () => new Promise(() => {}));
      const started = Date.now();
      // Outcomes caught at once: both reject while the station closes, before they are awaited.
      const outcomes = [sys.cs.command('A', 'GetConfiguration', {}), sys.cs.command('A', 'GetConfiguration', {})].map((p) =>
        p.then(
          () => null,
          (err) => err,
        ),
      );
      await delay(100);
      await cp.close({ force: true });
      for (const err of await Promise.all(outcomes)) assert.strictEqual(err && err.code, 'notConnected');
      assert.ok(Date.now() - started < 3000);
    });

    it('report every error code a flow can catch', async function () {
      sys = await startSystem({ callTimeout: 1 });
      const cp = await station(sys.url, 'A', ['ocpp1.6']);
      cp.handle('Reset', () => {
        throw Object.assign(new Error('nope'), { rpcErrorCode: 'NotSupported' });
      });
      cp.handle('ClearCache', () => new Promise(() => {}));
      await assert.rejects(sys.cs.command('nobody', 'Reset', { type: 'Soft' }), { code: 'unknownStation' });
      await assert.rejects(sys.cs.command('A', 'RequestStartTransaction', {}), { code: 'unknownAction' });
      await assert.rejects(sys.cs.command('A', 'BootNotification', {}), { code: 'unknownAction' });
      await assert.rejects(
        sys.cs.command('A', 'Reset', { type: 'Gentle' }),
        (err) => err.code === 'invalidPayload' && /type/.test(err.message),
      );
      await assert.rejects(sys.cs.command('A', 'ClearCache', {}), { code: 'timeout' });
      await assert.rejects(
        sys.cs.command('A', 'Reset', { type: 'Hard' }),
        (err) => err.code === 'callError' && err.details.errorCode === 'NotSupported',
      );
      await cp.close({ force: true });
      await until(() => !sys.cs.isConnected('A'), 'the station to disconnect');
      await assert.rejects(sys.cs.command('A', 'Reset', { type: 'Soft' }), { code: 'notConnected' });
    });
  });

  describe('the handshake', function () {
    it("chooses the first approved version in the station's order", async function () {
      sys = await startSystem();
      const a = await station(sys.url, 'A', ['ocpp2.0.1', 'ocpp1.6']);
      assert.strictEqual(a.protocol, 'ocpp2.0.1');
      const b = await station(sys.url, 'B', ['ocpp1.6', 'ocpp2.0.1']);
      assert.strictEqual(b.protocol, 'ocpp1.6');
      await sys.cs.close();
      sys = await startSystem({ versions: ['ocpp1.6'] });
      const c = await station(sys.url, 'C', ['ocpp2.0.1', 'ocpp1.6']);
      assert.strictEqual(c.protocol, 'ocpp1.6');
    });

    it('refuses stations offering no approved version, with HTTP 400', async function () {
      sys = await startSystem({ versions: ['ocpp2.0.1'] });
      const rejected = waitFor(sys.cs, 'station', (e) => e.topic === 'rejected');
      assert.strictEqual(await handshakeStatus(sys.url, 'OLD', ['ocpp1.6']), 400);
      const ev = await rejected;
      assert.strictEqual(ev.payload.id, 'OLD');
      assert.match(ev.payload.reason, /ocpp1\.6/);
      await assert.rejects(rawClient(`${sys.url}/NOPROTO`, []), { status: 400 });
    });

    it('refuses invalid station ids with HTTP 400', async function () {
      sys = await startSystem();
      for (const bad of ['a'.repeat(49), 'CP%3A1', 'CP%2F1', '%E0%A4%A']) {
        await assert.rejects(rawClient(`${sys.url}/${bad}`), { status: 400 }, bad);
      }
      const ok = await rawClient(`${sys.url}/${encodeURIComponent('Wallbox 7 ü')}`);
      await until(() => sys.cs.isConnected('Wallbox 7 ü'), 'the station to be connected');
      ok.close();
      assert.strictEqual(await handshakeStatus(sys.url, 'a'.repeat(48)), 101);
    });

    it('answers 404 to an unknown station when auto-approve is off, and records the attempt', async function () {
      sys = await startSystem({ autoApprove: false });
      assert.strictEqual(await handshakeStatus(sys.url, 'STRANGER'), 404);
      const rejected = sys.cs.registry.rejected();
      assert.strictEqual(rejected[0].id, 'STRANGER');
      assert.strictEqual(rejected[0].address, '127.0.0.1');
      await sys.cs.approve('STRANGER');
      assert.strictEqual(await handshakeStatus(sys.url, 'STRANGER'), 101);
      assert.strictEqual(sys.cs.registry.rejected().length, 0);
    });

    it('checks HTTP Basic credentials: 401, trust on first use, wrong password', async function () {
      sys = await startSystem({ security: 'basic' });
      assert.strictEqual(await handshakeStatus(sys.url, 'S1'), 401);
      assert.strictEqual(await handshakeStatus(sys.url, 'S1', ['ocpp1.6'], { password: 'first-secret' }), 101);
      assert.match(sys.cs.registry.get('S1').passwordHash, /^scrypt\$/);
      assert.strictEqual(await handshakeStatus(sys.url, 'S1', ['ocpp1.6'], { password: 'guess' }), 401);
      assert.strictEqual(await handshakeStatus(sys.url, 'S1', ['ocpp1.6'], { password: 'first-secret' }), 101);
      const other = Buffer.from('S2:first-secret').toString('base64');
      await assert.rejects(rawClient(`${sys.url}/S1`, ['ocpp1.6'], { headers: { authorization: `Basic ${other}` } }), { status: 401 });
    });

    it('disconnects a removed station, and a message still under way does not bring it back', async function () {
      sys = await startSystem();
      const ws = await rawClient(`${sys.url}/GONE`);
      await until(() => sys.cs.isConnected('GONE'), 'the station to be connected');
      const removed = sys.cs.remove('GONE');
      ws.send('[2,"late","Heartbeat",{}]');
      assert.strictEqual(await removed, true);
      assert.strictEqual((await ws.closed).code, 1008);
      await delay(50);
      assert.strictEqual(sys.cs.registry.has('GONE'), false);
    });

    it('tells call listeners of a connection about every call, also those answered automatically', async function () {
      sys = await startSystem();
      const seen = [];
      sys.cs.endpoint.on('connected', (conn) => conn.on('call', (call) => seen.push([call.action, call.answered])));
      const cp = await station(sys.url, 'LISTENED', ['ocpp1.6']);
      const reply = await cp.call('Heartbeat', {});
      assert.ok(reply.currentTime);
      assert.deepStrictEqual(seen, [['Heartbeat', true]]);
    });

    it('lets a station that connects again replace its old connection', async function () {
      sys = await startSystem();
      const first = await rawClient(`${sys.url}/DUP`);
      const second = await station(sys.url, 'DUP', ['ocpp1.6']);
      const closed = await first.closed;
      assert.strictEqual(closed.code, 1000);
      assert.strictEqual(sys.cs.connectedCount, 1);
      assert.strictEqual((await second.call('Heartbeat', {})).currentTime.length > 0, true);
    });
  });

  describe('malformed input from a station', function () {
    const cases = [
      ['not JSON', 'hello', { 'ocpp1.6': ['-1', 'FormationViolation'], 'ocpp2.0.1': ['-1', 'RpcFrameworkError'] }],
      ['not an array', '{"a":1}', { 'ocpp1.6': ['-1', 'FormationViolation'], 'ocpp2.0.1': ['-1', 'RpcFrameworkError'] }],
      [
        'an id over 36 characters',
        JSON.stringify([2, 'x'.repeat(37), 'Heartbeat', {}]),
        { 'ocpp1.6': ['-1', 'FormationViolation'], 'ocpp2.0.1': ['-1', 'RpcFrameworkError'] },
      ],
      [
        'an unknown message type',
        '[7,"m1","Heartbeat",{}]',
        { 'ocpp1.6': ['m1', 'FormationViolation'], 'ocpp2.0.1': ['m1', 'MessageTypeNotSupported'] },
      ],
      [
        'a CALL without payload',
        '[2,"m2","Heartbeat"]',
        { 'ocpp1.6': ['m2', 'FormationViolation'], 'ocpp2.0.1': ['m2', 'RpcFrameworkError'] },
      ],
      ['an unknown action', '[2,"m3","MakeCoffee",{}]', { 'ocpp1.6': ['m3', 'NotImplemented'], 'ocpp2.0.1': ['m3', 'NotImplemented'] }],
      [
        'a central-system action',
        '[2,"m4","Reset",{"type":"Hard"}]',
        { 'ocpp1.6': ['m4', 'NotSupported'], 'ocpp2.0.1': ['m4', 'NotSupported'] },
      ],
      [
        'a missing required field',
        { 'ocpp1.6': '[2,"m5","Authorize",{}]', 'ocpp2.0.1': '[2,"m5","Authorize",{}]' },
        { 'ocpp1.6': ['m5', 'OccurenceConstraintViolation'], 'ocpp2.0.1': ['m5', 'OccurrenceConstraintViolation'] },
      ],
      [
        'a field of the wrong type',
        { 'ocpp1.6': '[2,"m6","Authorize",{"idTag":5}]', 'ocpp2.0.1': '[2,"m6","Authorize",{"idToken":{"idToken":5,"type":"Central"}}]' },
        { 'ocpp1.6': ['m6', 'TypeConstraintViolation'], 'ocpp2.0.1': ['m6', 'TypeConstraintViolation'] },
      ],
      [
        'a value outside its constraints',
        {
          'ocpp1.6': `[2,"m7","Authorize",{"idTag":"${'x'.repeat(21)}"}]`,
          'ocpp2.0.1': '[2,"m7","Authorize",{"idToken":{"idToken":"a","type":"Banana"}}]',
        },
        { 'ocpp1.6': ['m7', 'PropertyConstraintViolation'], 'ocpp2.0.1': ['m7', 'PropertyConstraintViolation'] },
      ],
      [
        'an unexpected property',
        { 'ocpp1.6': '[2,"m8","Heartbeat",{"x":1}]', 'ocpp2.0.1': '[2,"m8","Heartbeat",{"x":1}]' },
        { 'ocpp1.6': ['m8', 'FormationViolation'], 'ocpp2.0.1': ['m8', 'FormatViolation'] },
        'repaired when lenient',
      ],
    ];
    for (const [version, validation] of [
      ['ocpp1.6', 'strict'],
      ['ocpp2.0.1', 'strict'],
      ['ocpp1.6', 'lenient'],
      ['ocpp2.0.1', 'lenient'],
    ]) {
      it(`gets the ${version} CALLERROR for each case (validation ${validation}), and the station stays served`, async function () {
        sys = await startSystem({ validation });
        const ws = await rawClient(`${sys.url}/RAW`, [version]);
        for (const [what, frame, expected, lenientRepair] of cases) {
          ws.send(typeof frame === 'string' ? frame : frame[version]);
          const reply = await ws.nextJson();
          if (lenientRepair && validation === 'lenient') {
            assert.deepStrictEqual(reply.slice(0, 2), [3, expected[version][0]], `${what}: not accepted`);
            continue;
          }
          assert.strictEqual(reply[0], 4, `${what}: not a CALLERROR`);
          assert.strictEqual(reply[1], expected[version][0], `${what}: message id`);
          assert.strictEqual(reply[2], expected[version][1], `${what}: error code`);
          assert.strictEqual(typeof reply[3], 'string');
          assert.deepStrictEqual(typeof reply[4], 'object');
        }
        // An answer to an unknown id is ignored: nothing comes back and the connection stays.
        ws.send('[3,"never-sent",{}]');
        ws.send('[4,"never-sent","GenericError","",{}]');
        ws.send('[2,"hb","Heartbeat",{}]');
        const hb = await ws.nextJson();
        assert.strictEqual(hb[0], 3);
        assert.strictEqual(hb[1], 'hb');
        const good = await station(sys.url, 'GOOD', [version]);
        assert.ok((await good.call('Heartbeat', {})).currentTime);
      });
    }

    it('survives a storm of random frames from many stations, and still serves a good one', async function () {
      sys = await startSystem();
      const errors = [];
      const onUncaught = (e) => errors.push(e);
      process.on('uncaughtException', onUncaught);
      let seed = 42;
      const rnd = (n) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const atoms = [
        '2',
        '3',
        '4',
        '7',
        '-1',
        '"x"',
        '"Heartbeat"',
        '"Authorize"',
        '"StartTransaction"',
        '{}',
        '[]',
        'null',
        'true',
        '{"idTag":"A"}',
        '{"idTag":5}',
        '"' + 'y'.repeat(40) + '"',
        '1e309',
        '"\\u0000"',
        '{"__proto__":{"a":1}}',
      ];
      const frame = () => {
        if (rnd(10) === 0) return Buffer.from(Array.from({ length: rnd(64) }, () => rnd(256))).toString('latin1');
        return `[${Array.from({ length: rnd(6) }, () => atoms[rnd(atoms.length)]).join(',')}]`;
      };
      const clients = await Promise.all(['ocpp1.6', 'ocpp2.0.1', 'ocpp1.6'].map((v, i) => rawClient(`${sys.url}/FUZZ${i}`, [v])));
      const answers = [];
      for (const c of clients) c.on('message', (m) => answers.push(JSON.parse(m.toString())));
      for (let i = 0; i < 300; i++) clients[i % clients.length].send(frame());
      await delay(300);
      process.removeListener('uncaughtException', onUncaught);
      // Every answer is a well-formed CALLRESULT or CALLERROR with a code of its version.
      assert.ok(answers.length > 100, `only ${answers.length} answers to 300 frames`);
      for (const a of answers) {
        assert.ok(Array.isArray(a) && (a[0] === 3 || (a[0] === 4 && typeof a[2] === 'string' && a.length === 5)), JSON.stringify(a));
      }
      const good = await station(sys.url, 'GOOD', ['ocpp2.0.1']);
      assert.strictEqual((await good.call('BootNotification', boot201)).status, 'Accepted');
      assert.deepStrictEqual(errors, []);
      assert.ok(sys.cs.isConnected('GOOD'));
    });

    it('logs at most ten warnings a minute about one misbehaving station', async function () {
      const warnings = [];
      sys = await startSystem({ log: { debug() {}, info() {}, error() {}, warn: (m) => warnings.push(m) } });
      const ws = await rawClient(`${sys.url}/NOISY`);
      for (let i = 0; i < 50; i++) ws.send('not json');
      for (let i = 0; i < 50; i++) await ws.next();
      assert.strictEqual(warnings.filter((w) => w.includes('NOISY')).length, 10);
      const other = await rawClient(`${sys.url}/QUIET`);
      other.send('not json');
      await other.next();
      assert.strictEqual(warnings.filter((w) => w.includes('QUIET')).length, 1, 'another station has its own budget');
    });

    it('closes the connection with 1009 for a frame over 1 MiB, without disturbing others', async function () {
      sys = await startSystem();
      const other = await station(sys.url, 'OTHER', ['ocpp1.6']);
      const ws = await rawClient(`${sys.url}/BIG`);
      ws.send(JSON.stringify([2, 'big', 'DataTransfer', { vendorId: 'v', data: 'x'.repeat(1024 * 1024) }]));
      const closed = await ws.closed;
      assert.strictEqual(closed.code, 1009);
      assert.ok((await other.call('Heartbeat', {})).currentTime);
    });

    it('closes connections that stop answering pings', async function () {
      sys = await startSystem({ pingIntervalMs: 150 });
      const ws = await rawClient(`${sys.url}/SILENT`);
      await until(() => sys.cs.isConnected('SILENT'), 'the station to be connected');
      const gone = waitFor(sys.cs, 'station', (e) => e.topic === 'disconnected' && e.station === 'SILENT', 3000);
      ws._socket.pause(); // reads nothing more, so answers no ping
      await gone;
      ws.terminate();
    });
  });

  describe('endpoints sharing an HTTP server, and own ports', function () {
    it('serves two paths on one server, refuses a path twice, and frees everything on close', async function () {
      const port = await freePort();
      const server = http.createServer((req, res) => res.end('node-red'));
      await new Promise((r) => server.listen(port, '127.0.0.1', r));
      try {
        const a = new OcppEndpoint({ path: '/ocpp-a', versions: ['ocpp1.6'] });
        const b = new OcppEndpoint({ path: '/ocpp-b', versions: ['ocpp2.0.1'] });
        a.attach(server);
        b.attach(server);
        assert.throws(() => new OcppEndpoint({ path: '/ocpp-a/', versions: ['ocpp1.6'] }).attach(server), { code: 'EADDRINUSE' });
        a.on('connected', (c) => c.on('call', (call) => call.reply({ currentTime: new Date().toISOString() })));
        const cp = await station(`ws://127.0.0.1:${port}/ocpp-a`, 'X', ['ocpp1.6']);
        assert.ok((await cp.call('Heartbeat', {})).currentTime);
        assert.strictEqual(await handshakeStatus(`ws://127.0.0.1:${port}/ocpp-b`, 'Y', ['ocpp1.6']), 400);
        await a.close();
        assert.strictEqual(a.connections.size, 0);
        const again = new OcppEndpoint({ path: '/ocpp-a', versions: ['ocpp1.6'] });
        again.attach(server);
        await again.close();
        await b.close();
        const body = await new Promise((r) =>
          http.get(`http://127.0.0.1:${port}/`, (res) => {
            let d = '';
            res.on('data', (c) => {
              d += c;
            });
            res.on('end', () => r(d));
          }),
        );
        assert.strictEqual(body, 'node-red');
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    });

    it('reports a port in use clearly and releases its own port on close', async function () {
      const any = new OcppEndpoint({ path: '/ocpp', versions: ['ocpp1.6'] });
      await any.listen({ port: 0, host: '127.0.0.1' });
      assert.ok(any.port > 0, 'port 0 gives the port actually bound');
      await any.close();
      const port = await freePort();
      const a = new OcppEndpoint({ path: '/ocpp', versions: ['ocpp1.6'] });
      await a.listen({ port, host: '127.0.0.1' });
      const b = new OcppEndpoint({ path: '/ocpp', versions: ['ocpp1.6'] });
      await assert.rejects(b.listen({ port, host: '127.0.0.1' }), (err) => err.code === 'EADDRINUSE' && /already in use/.test(err.message));
      await rawClient(`ws://127.0.0.1:${port}/ocpp/C`);
      await a.close();
      const c = new OcppEndpoint({ path: '/ocpp', versions: ['ocpp1.6'] });
      await c.listen({ port, host: '127.0.0.1' });
      await c.close();
    });
  });

  describe('passwords', function () {
    it('are stored as salted scrypt hashes and checked', async function () {
      const h1 = await lib.hashPassword('secret');
      const h2 = await lib.hashPassword('secret');
      assert.notStrictEqual(h1, h2);
      assert.ok(!h1.includes('secret'));
      assert.strictEqual(await lib.verifyPassword('secret', h1), true);
      assert.strictEqual(await lib.verifyPassword('Secret', h1), false);
      assert.strictEqual(await lib.verifyPassword('secret', 'garbage'), false);
    });
  });

  describe('official schemas', function () {
    it('know every action of both versions and compile once', function () {
      for (const version of ['ocpp1.6', 'ocpp2.0.1']) {
        const p = lib.profileOf(version);
        for (const a of [...p.stationActions, ...p.centralActions]) assert.ok(lib.hasAction(version, a), `${version} ${a}`);
        assert.strictEqual(lib.validatorOf(version, 'Heartbeat', 'request'), lib.validatorOf(version, 'Heartbeat', 'request'));
      }
    });

    it('accept every automatic reply', function () {
      for (const version of ['ocpp1.6', 'ocpp2.0.1']) {
        for (const action of lib.profileOf(version).stationActions) {
          for (const unknownIdTags of ['accept', 'reject']) {
            const request =
              action === 'TransactionEvent'
                ? { idToken: { idToken: 'x', type: 'Central' } }
                : action === 'StopTransaction'
                  ? { idTag: 'x' }
                  : {};
            const reply = lib.automaticReply(version, action, request, {
              heartbeatInterval: 300,
              unknownIdTags,
              transactionId: 7,
              now: new Date(),
            });
            assert.ok(reply, `${version} ${action} has no automatic reply`);
            assert.strictEqual(lib.checkPayload(version, action, 'response', reply), null, `${version} ${action}`);
          }
        }
      }
    });

    it('check date-time exactly as ajv-formats does, on edge cases and 200,000 random mutations', function () {
      const { isDateTime } = require('../dist/lib/schema/date-time');
      const reference = require('ajv-formats/dist/formats').fullFormats['date-time'].validate;
      const cases = {
        '2024-02-29T23:59:60Z': true,
        '2023-02-29T10:00:00Z': false,
        '1900-02-29T00:00:00Z': false,
        '2000-02-29T00:00:00Z': true,
        '2020-01-01t00:00:00.123z': true,
        '2020-12-31 23:59:59+01:00': true,
        '2020-01-01T00:00:00+0100': true,
        '2020-01-01T00:00:00+01': true,
        '2020-12-31T23:59:60-00:30': false,
        '2020-01-01T00:00:00': false,
        '2020-01-01T00:00:00.Z': false,
        '2020-01-01T00:00:00+01:': false,
        '2020-13-01T00:00:00Z': false,
        '2020-01-01T24:00:00Z': false,
        '2020-01-01T00:60:00Z': false,
        '2020-01-01T00:00:00+24:00': false,
        '': false,
        '2020-01-01\u00a000:00:00Z': true,
        '2020-01-01T00:00:00ZZ': false,
        '2020-1-01T00:00:00Z': false,
      };
      for (const [s, expected] of Object.entries(cases)) {
        assert.strictEqual(reference(s), expected, `reference on ${JSON.stringify(s)}`);
        assert.strictEqual(isDateTime(s), expected, JSON.stringify(s));
      }
      // a fixed-seed generator, so a failure can be replayed
      let seed = 12345;
      const rnd = (k) => (seed = (seed * 1103515245 + 12345) % 2147483648) % k;
      const seeds = Object.keys(cases).filter(Boolean);
      const alphabet = '0123456789-:.TtZz+ \u00a0x';
      const differ = [];
      for (let i = 0; i < 200000 && differ.length < 5; i++) {
        let s = seeds[rnd(seeds.length)];
        for (let j = rnd(4); j >= 0; j--) {
          const at = rnd(s.length + 1);
          const ch = alphabet[rnd(alphabet.length)];
          const op = rnd(3);
          s =
            op === 0
              ? s.slice(0, at) + ch + s.slice(at + 1)
              : op === 1
                ? s.slice(0, at) + ch + s.slice(at)
                : s.slice(0, at) + s.slice(at + 1);
        }
        if (isDateTime(s) !== reference(s)) differ.push(s);
      }
      assert.deepStrictEqual(differ, []);
      assert.strictEqual(
        lib.checkPayload('ocpp1.6', 'Heartbeat', 'response', { currentTime: '2020-02-30T00:00:00Z' }).code,
        'PropertyConstraintViolation',
      );
    });
  });
});
