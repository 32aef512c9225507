'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { helper, useRuntime, inbox: collect, interfaceConfig, loadFlow } = require('./runtime');
const { coreNode } = require('./node-red-under-test');
const lib = require('../dist/lib');
const { freePort, station, handshakeStatus, rawClient, delay, until, boot16, boot201 } = require('./support');

const interfaceNode = require('../dist/nodes/ocpp-interface.js');
const inNode = require('../dist/nodes/ocpp-in.js');
const responseNode = require('../dist/nodes/ocpp-response.js');
const commandNode = require('../dist/nodes/ocpp-command.js');
const channelNode = require('../dist/nodes/ocpp-channel.js');
const catchNode = coreNode('common/25-catch.js');
const functionNode = coreNode('function/10-function.js');
const tlsNode = coreNode('network/05-tls.js');
const ALL = [interfaceNode, inNode, responseNode, commandNode, channelNode, catchNode, functionNode, tlsNode];

const iface = interfaceConfig;

const load = (flow) => loadFlow(ALL, flow);

describe('Node-RED nodes', function () {
  const runtime = useRuntime('ocpp-nr-');
  const { sharedUrl } = runtime;

  describe("ocpp-interface on Node-RED's own server with ocpp-in (auto replies)", function () {
    it('accepts a 1.6 station at the URL, answers, recognises and lists it', async function () {
      await load([
        iface(),
        { id: 'in1', type: 'ocpp-in', interface: 'if1', station: '', actions: [], reply: 'auto', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]);
      const out = collect('out');
      const cp = await station(sharedUrl(), 'CP001', ['ocpp1.6']);
      const connected = await out.next();
      assert.strictEqual(connected.topic, 'connected');
      assert.deepStrictEqual(connected.payload, { id: 'CP001', version: 'ocpp1.6', address: '127.0.0.1' });
      const boot = await cp.call('BootNotification', boot16);
      assert.strictEqual(boot.status, 'Accepted');
      assert.strictEqual(boot.interval, 300);
      const msg = await out.next();
      assert.strictEqual(msg.topic, 'BootNotification');
      assert.deepStrictEqual(msg.payload, boot16);
      assert.deepStrictEqual(Object.keys(msg.ocpp).sort(), ['action', 'interface', 'messageId', 'station', 'version']);
      assert.strictEqual(msg.ocpp.interface, 'if1');
      assert.strictEqual(msg.ocpp.station, 'CP001');
      assert.strictEqual(msg.ocpp.version, 'ocpp1.6');
      const res = await helper.request().get('/ocpp-interface/if1/stations').expect(200);
      assert.strictEqual(res.body.length, 1);
      const s = res.body[0];
      assert.strictEqual(s.id, 'CP001');
      assert.strictEqual(s.connected, true);
      assert.strictEqual(s.vendor, 'VendorX');
      assert.strictEqual(s.model, 'ModelY');
      assert.strictEqual(s.firmwareVersion, '1.2.3');
      assert.strictEqual(s.addedBy, 'auto');
      for (const key of ['version', 'serialNumber', 'connectors', 'firstSeen', 'lastSeen']) assert.ok(key in s, key);
      await helper.request().get('/ocpp-interface/nope/stations').expect(404);
    });

    it('filters by station and actions and emits connection events', async function () {
      await load([
        iface(),
        {
          id: 'in1',
          type: 'ocpp-in',
          interface: 'if1',
          station: 'B',
          actions: ['Heartbeat', 'disconnected'],
          reply: 'auto',
          wires: [['out']],
        },
        { id: 'out', type: 'helper' },
      ]);
      const out = collect('out');
      const a = await station(sharedUrl(), 'A', ['ocpp2.0.1']);
      const b = await station(sharedUrl(), 'B', ['ocpp2.0.1']);
      await a.call('Heartbeat', {});
      await b.call('BootNotification', boot201);
      await b.call('Heartbeat', {});
      const hb = await out.next();
      assert.strictEqual(hb.topic, 'Heartbeat');
      assert.strictEqual(hb.ocpp.station, 'B');
      await b.close();
      const gone = await out.next();
      assert.strictEqual(gone.topic, 'disconnected');
      assert.strictEqual(out.items.length, 0);
    });
  });

  describe('Automatically approve new charging stations: off', function () {
    it('refuses unknown stations with 404, lists them, and lets the admin approve them', async function () {
      await load([
        iface({ autoApprove: false }),
        { id: 'in1', type: 'ocpp-in', interface: 'if1', actions: ['rejected'], reply: 'auto', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]);
      const out = collect('out');
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'NEW1'), 404);
      const ev = await out.next();
      assert.strictEqual(ev.topic, 'rejected');
      assert.strictEqual(ev.payload.id, 'NEW1');
      const rejected = await helper.request().get('/ocpp-interface/if1/rejected').expect(200);
      assert.strictEqual(rejected.body[0].id, 'NEW1');
      assert.strictEqual(rejected.body[0].reason, 'unknown station');
      assert.ok(rejected.body[0].time && rejected.body[0].address);
      const added = await helper.request().post('/ocpp-interface/if1/stations').send({ id: 'NEW1' }).expect(200);
      assert.strictEqual(added.body.addedBy, 'manual');
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'NEW1'), 101);
      await helper.request().post('/ocpp-interface/if1/stations').send({ id: 'bad:id' }).expect(400);
      await helper.request().delete('/ocpp-interface/if1/stations/NEW1').expect(200);
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'NEW1'), 404);
      await helper.request().delete('/ocpp-interface/if1/stations/NEW1').expect(404);
    });
  });

  describe('security basic', function () {
    it('trusts the first password, refuses a wrong one, and takes a password set by the admin', async function () {
      await load([iface({ security: 'basic' })]);
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'S1'), 401);
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'S1', ['ocpp1.6'], { password: 'tofu-pass' }), 101);
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'S1', ['ocpp1.6'], { password: 'other' }), 401);
      await helper.request().post('/ocpp-interface/if1/stations').send({ id: 'S1', password: 'new-pass' }).expect(200);
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'S1', ['ocpp1.6'], { password: 'tofu-pass' }), 401);
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'S1', ['ocpp1.6'], { password: 'new-pass' }), 101);
      const file = fs.readFileSync(path.join(runtime.userDir, 'ocpp-interface', 'if1.json'), 'utf8');
      assert.ok(!file.includes('new-pass') && !file.includes('tofu-pass'), 'a password is stored in clear text');
    });
  });

  describe('httpNodeRoot', function () {
    it("puts the shared path under Node-RED's httpNodeRoot", async function () {
      helper.settings({ userDir: runtime.userDir, httpNodeRoot: '/api/' });
      await load([iface()]);
      assert.strictEqual(await handshakeStatus(`${helper.url().replace('http', 'ws')}/api/ocpp`, 'ROOTED'), 101);
      assert.strictEqual(helper.getNode('if1').system.endpoint.basePath, '/api/ocpp');
    });

    it('shares the server at the root when HTTP nodes are disabled (httpNodeRoot false)', async function () {
      helper.settings({ userDir: runtime.userDir, httpNodeRoot: false });
      await load([iface()]);
      assert.strictEqual(helper.getNode('if1').system.endpoint.basePath, '/ocpp');
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'NOHTTP'), 101);
    });
  });

  describe('Approved versions', function () {
    it('refuses a station offering only an unapproved version', async function () {
      await load([iface({ versions: ['ocpp2.0.1'] })]);
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'OLD', ['ocpp1.6']), 400);
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'NEWER', ['ocpp1.6', 'ocpp2.0.1']), 101);
    });
  });

  describe('own port and TLS', function () {
    it('listens on its own port, with wss:// when a tls-config is set', async function () {
      // The certificate lives in the test's user directory, removed after each test.
      const dir = path.join(runtime.userDir, 'tls');
      fs.mkdirSync(dir);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      const port = await freePort();
      await load([
        iface({ port: String(port), tls: 'tls1' }),
        {
          id: 'tls1',
          type: 'tls-config',
          cert: path.join(dir, 'cert.pem'),
          key: path.join(dir, 'key.pem'),
          ca: '',
          verifyservercert: false,
        },
      ]);
      await until(() => helper.getNode('if1') && helper.getNode('if1').state.state === 'listening', 'the interface to listen');
      const ca = fs.readFileSync(path.join(dir, 'cert.pem'));
      const cp = await station(`wss://127.0.0.1:${port}/ocpp`, 'TLS1', ['ocpp1.6'], { wsOpts: { ca } });
      assert.strictEqual((await cp.call('BootNotification', boot16)).status, 'Accepted');
      await assert.rejects(rawClient(`ws://127.0.0.1:${port}/ocpp/PLAIN`));
    });

    it('reports a port in use in its status instead of crashing, and frees its port on every redeploy', async function () {
      const port = await freePort();
      const flow = [
        iface({ port: String(port) }),
        iface({ id: 'if2', port: String(port) }),
        { id: 'c1', type: 'ocpp-command', interface: 'if1', station: 'X', action: 'Reset', wires: [[]] },
        { id: 'c2', type: 'ocpp-command', interface: 'if2', station: 'X', action: 'Reset', wires: [[]] },
      ];
      await load(flow);
      await until(() => ['if1', 'if2'].every((id) => helper.getNode(id).state.state !== 'starting'), 'both interfaces to start');
      const states = ['if1', 'if2'].map((id) => helper.getNode(id).state);
      assert.strictEqual(states.filter((s) => s.state === 'listening').length, 1);
      const failed = states.find((s) => s.state === 'error');
      assert.match(failed.message, new RegExp(`port ${port} in use`));
      for (let i = 0; i < 20; i++) {
        await helper.unload();
        await load([iface({ port: String(port) })]);
        await until(() => helper.getNode('if1').state.state !== 'starting', 'the interface to start');
        assert.strictEqual(helper.getNode('if1').state.state, 'listening', `deploy ${i + 1}`);
      }
      const cp = await station(`ws://127.0.0.1:${port}/ocpp`, 'AFTER', ['ocpp1.6']);
      assert.ok((await cp.call('Heartbeat', {})).currentTime);
    });
  });

  describe('Deactivated', function () {
    it('answers 503 on the shared server, fails commands with code deactivated, and shows grey status', async function () {
      await load([
        iface({ deactivated: true }),
        { id: 'cmd', type: 'ocpp-command', interface: 'if1', station: 'CP', action: 'Reset', wires: [['out']] },
        { id: 'ch', type: 'ocpp-channel', interface: 'if1', station: 'CP', connector: 0, channel: 'connected', wires: [['out']] },
        { id: 'catcher', type: 'catch', scope: ['cmd'], wires: [['caught']] },
        { id: 'out', type: 'helper' },
        { id: 'caught', type: 'helper' },
      ]);
      const caught = collect('caught');
      assert.strictEqual(await handshakeStatus(sharedUrl(), 'CP'), 503);
      const statuses = [];
      helper.getNode('cmd').status = (s) => statuses.push(s);
      assert.strictEqual(helper.getNode('if1').state.state, 'deactivated');
      helper.getNode('cmd').receive({ payload: { type: 'Soft' } });
      const err = await caught.next();
      assert.strictEqual(err.error.code, 'deactivated');
      assert.match(err.error.message, /interface deactivated/);
      assert.strictEqual(statuses.pop().fill, 'grey');
    });

    it('does not listen on its own port', async function () {
      const port = await freePort();
      await load([iface({ deactivated: true, port: String(port) })]);
      await assert.rejects(rawClient(`ws://127.0.0.1:${port}/ocpp/CP`), (err) => err.code === 'ECONNREFUSED');
    });
  });

  describe('ocpp-in with reply "flow" and ocpp-response', function () {
    const flow = (fn) => [
      iface({ callTimeout: 1 }),
      { id: 'in1', type: 'ocpp-in', interface: 'if1', station: '', actions: ['Authorize'], reply: 'flow', wires: [['fn', 'seen']] },
      { id: 'fn', type: 'function', func: fn, outputs: 1, wires: [['resp']] },
      { id: 'resp', type: 'ocpp-response', wires: [] },
      { id: 'catcher', type: 'catch', scope: null, wires: [['caught']] },
      { id: 'seen', type: 'helper' },
      { id: 'caught', type: 'helper' },
    ];

    it('lets the flow decide, in both versions', async function () {
      await load(
        flow(`const tag = msg.payload.idTag || msg.payload.idToken.idToken;
        const status = tag === 'GOOD' ? 'Accepted' : 'Blocked';
        msg.payload = msg.ocpp.version === 'ocpp1.6' ? { idTagInfo: { status } } : { idTokenInfo: { status } };
        return msg;`),
      );
      const cp16 = await station(sharedUrl(), 'A16', ['ocpp1.6']);
      const cp201 = await station(sharedUrl(), 'A201', ['ocpp2.0.1']);
      assert.strictEqual((await cp16.call('Authorize', { idTag: 'GOOD' })).idTagInfo.status, 'Accepted');
      assert.strictEqual((await cp16.call('Authorize', { idTag: 'BAD' })).idTagInfo.status, 'Blocked');
      assert.strictEqual(
        (await cp201.call('Authorize', { idToken: { idToken: 'GOOD', type: 'ISO14443' } })).idTokenInfo.status,
        'Accepted',
      );
      // Other actions are still answered automatically.
      assert.ok((await cp16.call('Heartbeat', {})).currentTime);
    });

    it("does not send an invalid reply: the station gets InternalError and a catch node the schema's complaint", async function () {
      await load(flow(`msg.payload = { idTagInfo: { status: 'Maybe' } }; return msg;`));
      const caught = collect('caught');
      const cp = await station(sharedUrl(), 'A', ['ocpp1.6']);
      await assert.rejects(cp.call('Authorize', { idTag: 'X' }), (err) => err.rpcErrorCode === 'InternalError');
      const err = await caught.next();
      assert.strictEqual(err.error.code, 'invalidPayload');
      assert.match(err.error.message, /status/);
    });

    it('answers with a CALLERROR from msg.ocpp.error', async function () {
      await load(flow(`msg.ocpp.error = { code: 'SecurityError', description: 'not here' }; return msg;`));
      const cp = await station(sharedUrl(), 'A', ['ocpp1.6']);
      await assert.rejects(
        cp.call('Authorize', { idTag: 'X' }),
        (err) => err.rpcErrorCode === 'SecurityError' && /not here/.test(err.message),
      );
    });

    it('answers InternalError when the flow does not reply in time, and reports it', async function () {
      await load(flow('return null;'));
      const caught = collect('caught');
      const cp = await station(sharedUrl(), 'A', ['ocpp1.6']);
      const started = Date.now();
      await assert.rejects(cp.call('Authorize', { idTag: 'X' }), (err) => err.rpcErrorCode === 'InternalError');
      assert.ok(Date.now() - started >= 900);
      const err = await caught.next();
      assert.match(err.error.message, /no reply to Authorize from A within 1 s/);
    });

    it('records what the station sent, not what the flow changed in msg.payload', async function () {
      await load([
        iface(),
        { id: 'in1', type: 'ocpp-in', interface: 'if1', station: '', actions: ['StatusNotification'], reply: 'flow', wires: [['fn']] },
        {
          id: 'fn',
          type: 'function',
          func: "msg.payload.status = 'Faulted'; msg.payload = {}; return msg;",
          outputs: 1,
          wires: [['resp']],
        },
        { id: 'in2', type: 'ocpp-in', interface: 'if1', station: '', actions: ['StatusNotification'], reply: 'auto', wires: [['seen']] },
        { id: 'resp', type: 'ocpp-response', wires: [] },
        { id: 'seen', type: 'helper' },
      ]);
      const seen = collect('seen');
      const cp = await station(sharedUrl(), 'MUT', ['ocpp1.6']);
      assert.deepStrictEqual(await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }), {});
      assert.strictEqual(helper.getNode('if1').system.registry.get('MUT').connectors['1'].status, 'Available');
      assert.strictEqual((await seen.next()).payload.status, 'Available');
    });

    it('claims nothing for a flow-reply node that listens to connection events only', async function () {
      const f = flow(`msg.payload = { idTagInfo: { status: 'Accepted' } }; return msg;`);
      f.push({ id: 'ev', type: 'ocpp-in', interface: 'if1', station: '', actions: ['connected'], reply: 'flow', wires: [[]] });
      await load(f);
      const cp = await station(sharedUrl(), 'A', ['ocpp1.6']);
      assert.strictEqual((await cp.call('Authorize', { idTag: 'X' })).idTagInfo.status, 'Accepted');
      const log = helper.log().args.map((a) => JSON.stringify(a[0]));
      assert.ok(!log.some((l) => /already replies by flow/.test(l)), 'an events-only node must not claim replies');
    });

    it('marks a second flow-reply node for the same action and station as an error', async function () {
      const f = flow('return msg;');
      f.push({
        id: 'in2',
        type: 'ocpp-in',
        interface: 'if1',
        station: 'A',
        actions: ['Authorize', 'Heartbeat'],
        reply: 'flow',
        wires: [[]],
      });
      const statuses = [];
      await load(f);
      const in2 = helper.getNode('in2');
      // The conflict is detected at start; its status was set then, so check what it holds now.
      in2.status = (s) => statuses.push(s);
      in2.interfaceChanged(helper.getNode('if1').state);
      assert.strictEqual(statuses.length, 0, 'a conflicting node must keep its error status');
      const log = helper.log().args.map((a) => JSON.stringify(a[0]));
      assert.ok(
        log.some((l) => /already replies by flow/.test(l)),
        'no error logged for the duplicate',
      );
    });
  });

  describe('ocpp-command', function () {
    const flow = (cmd) => [
      iface({ callTimeout: 1 }),
      { id: 'cmd', type: 'ocpp-command', interface: 'if1', station: '', action: '', timeout: '', wires: [['out']], ...cmd },
      { id: 'catcher', type: 'catch', scope: ['cmd'], wires: [['caught']] },
      { id: 'out', type: 'helper' },
      { id: 'caught', type: 'helper' },
    ];

    it('takes empty properties from the message, set ones from the node, and reports durationMs', async function () {
      await load(flow({ action: 'Reset' }));
      const out = collect('out');
      const cp = await station(sharedUrl(), 'CP', ['ocpp2.0.1']);
      const received = [];
      cp.handle('Reset', ({ params }) => {
        received.push(params);
        return { status: 'Accepted' };
      });
      helper.getNode('cmd').receive({ topic: 'GetVariables', payload: { type: 'Immediate' }, ocpp: { station: 'CP' } });
      const msg = await out.next();
      assert.deepStrictEqual(received, [{ type: 'Immediate' }]);
      assert.deepStrictEqual(msg.payload, { status: 'Accepted' });
      assert.strictEqual(msg.ocpp.action, 'Reset');
      assert.strictEqual(msg.ocpp.station, 'CP');
      assert.strictEqual(msg.ocpp.version, 'ocpp2.0.1');
      assert.ok(typeof msg.ocpp.durationMs === 'number' && msg.ocpp.durationMs >= 0);
      assert.ok(typeof msg.ocpp.messageId === 'string' && msg.ocpp.messageId.length <= 36);
    });

    it('reaches a catch node with every error code', async function () {
      await load(flow({}));
      const caught = collect('caught');
      const cp = await station(sharedUrl(), 'CP', ['ocpp1.6']);
      cp.handle('Reset', () => {
        throw Object.assign(new Error('busy'), { rpcErrorCode: 'GenericError' });
      });
      cp.handle('ClearCache', () => new Promise(() => {}));
      const cases = [
        [{ topic: 'Reset', payload: { type: 'Soft' }, ocpp: { station: 'NOBODY' } }, 'unknownStation'],
        [{ topic: 'RequestStartTransaction', payload: {}, ocpp: { station: 'CP' } }, 'unknownAction'],
        [{ topic: 'Reset', payload: { type: 'Later' }, ocpp: { station: 'CP' } }, 'invalidPayload'],
        [{ topic: 'ClearCache', payload: {}, ocpp: { station: 'CP' } }, 'timeout'],
        [{ topic: 'Reset', payload: { type: 'Soft' }, ocpp: { station: 'CP' } }, 'callError'],
      ];
      for (const [msg, code] of cases) {
        helper.getNode('cmd').receive(msg);
        const err = await caught.next(`error ${code}`, 4000);
        assert.strictEqual(err.error.code, code, err.error.message);
      }
      await cp.close({ force: true });
      await until(() => !helper.getNode('if1').system.isConnected('CP'), 'the station to disconnect');
      helper.getNode('cmd').receive({ topic: 'Reset', payload: { type: 'Soft' }, ocpp: { station: 'CP' } });
      assert.strictEqual((await caught.next()).error.code, 'notConnected');
    });

    it('sends commands to one station one at a time, in order, and fails pending ones on disconnect', async function () {
      await load(flow({ action: 'ChangeConfiguration', station: 'CP', timeout: '10' }));
      const out = collect('out');
      const caught = collect('caught');
      const cp = await station(sharedUrl(), 'CP', ['ocpp1.6']);
      const seen = [];
      cp.handle('ChangeConfiguration', async ({ params }) => {
        seen.push(params.key);
        await delay(30);
        return { status: 'Accepted' };
      });
      for (const key of ['k1', 'k2', 'k3']) helper.getNode('cmd').receive({ payload: { key, value: 'v' } });
      for (let i = 0; i < 3; i++) await out.next();
      assert.deepStrictEqual(seen, ['k1', 'k2', 'k3']);
      cp.handle('ChangeConfiguration', () => new Promise(() => {}));
      helper.getNode('cmd').receive({ payload: { key: 'k4', value: 'v' } });
      helper.getNode('cmd').receive({ payload: { key: 'k5', value: 'v' } });
      await delay(50);
      await cp.close({ force: true });
      assert.strictEqual((await caught.next(undefined, 2000)).error.code, 'notConnected');
      assert.strictEqual((await caught.next(undefined, 2000)).error.code, 'notConnected');
    });
  });

  describe('station registry persistence', function () {
    it('survives a restart with the same user dir and never reuses a 1.6 transaction id', async function () {
      const port = await freePort();
      await load([iface({ port: String(port) })]);
      await until(() => helper.getNode('if1').state.state === 'listening', 'listening');
      let cp = await station(`ws://127.0.0.1:${port}/ocpp`, 'P1', ['ocpp1.6']);
      await cp.call('BootNotification', boot16);
      const t1 = await cp.call('StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: new Date().toISOString() });
      await cp.close();
      await helper.unload();
      await load([iface({ port: String(port), autoApprove: false })]);
      await until(() => helper.getNode('if1').state.state === 'listening', 'listening');
      const rec = helper.getNode('if1').system.registry.get('P1');
      assert.strictEqual(rec.properties.vendor, 'VendorX');
      assert.deepStrictEqual(
        helper
          .getNode('if1')
          .system.registry.openTransactions('P1')
          .map((t) => t.id),
        [t1.transactionId],
      );
      // The rejected list survives too: an attempt refused now is still listed after the next restart.
      assert.strictEqual(await handshakeStatus(`ws://127.0.0.1:${port}/ocpp`, 'LATE', ['ocpp1.6']), 404);
      await helper.unload();
      await load([iface({ port: String(port), autoApprove: false })]);
      await until(() => helper.getNode('if1').state.state === 'listening', 'listening');
      assert.deepStrictEqual(
        helper
          .getNode('if1')
          .system.registry.rejected()
          .map((r) => r.id),
        ['LATE'],
      );
      cp = await station(`ws://127.0.0.1:${port}/ocpp`, 'P1', ['ocpp1.6']);
      const t2 = await cp.call('StartTransaction', { connectorId: 2, idTag: 'T', meterStart: 0, timestamp: new Date().toISOString() });
      assert.ok(t2.transactionId > t1.transactionId, `id ${t2.transactionId} after ${t1.transactionId}`);
    });

    it('writes a large registry a slice at a time, as exactly the JSON of the whole', async function () {
      const file = path.join(runtime.userDir, 'big.json');
      const reg = new lib.StationRegistry(file);
      for (let i = 0; i < 1200; i++) {
        const rec = reg.add(i === 7 ? 'id "quoted" \\ ünïcode' : `CP-${i}`, i % 2 ? 'auto' : 'manual');
        rec.properties.vendor = 'V';
        rec.connectors = { 1: { status: 'Charging', energy: i, current: [i, 0, 1] } };
      }
      reg.get('CP-1').connectors['1'].transaction = { id: 5, idTag: 'T', start: '2024-05-02T10:00:00Z', meterStart: 0 };
      reg.recordRejected({ id: 'NOPE', address: '127.0.0.1', time: '2024-05-02T10:00:00Z', reason: 'unknown station' });
      const id = await reg.allocateTransactionId();
      // The last station notes whether other work got a turn before it was written.
      let immediateRan = false;
      let ranBeforeLast = null;
      reg.get('CP-1199').toJSON = function () {
        if (ranBeforeLast === null) ranBeforeLast = immediateRan;
        const plain = { ...this };
        delete plain.toJSON;
        return plain;
      };
      // what the file must hold, built the straightforward way
      const expected = JSON.stringify({
        format: 2,
        stations: Object.fromEntries(reg.list().map((r) => [r.id, r])),
        transactionIdReserved: reg['reservedUpTo'],
        rejected: reg.rejected(),
      });
      ranBeforeLast = null;
      const saved = reg.save();
      setImmediate(() => {
        immediateRan = true;
      });
      await saved;
      assert.strictEqual(ranBeforeLast, true, 'other work got a turn while the stations were being written');
      assert.strictEqual(fs.readFileSync(file, 'utf8'), expected);
      const again = new lib.StationRegistry(file);
      again.load();
      assert.strictEqual(again.size, 1200);
      assert.deepStrictEqual(again.get('CP-999').connectors, { 1: { status: 'Charging', energy: 999, current: [999, 0, 1] } });
      assert.deepStrictEqual(again.openTransactions('CP-1'), [
        { id: 5, station: 'CP-1', connector: 1, idTag: 'T', start: '2024-05-02T10:00:00Z', meterStart: 0 },
      ]);
      assert.ok((await again.allocateTransactionId()) > id);
    });

    it('reads a registry file of the previous format, where connectors and values were kept apart, and writes it as one state', async function () {
      const file = path.join(runtime.userDir, 'old.json');
      fs.writeFileSync(
        file,
        JSON.stringify({
          format: 1,
          stations: {
            OLD16: {
              id: 'OLD16',
              addedBy: 'manual',
              firstSeen: '2024-05-01T00:00:00.000Z',
              lastSeen: '2024-05-02T00:00:00.000Z',
              version: 'ocpp1.6',
              properties: { vendor: 'V' },
              connectors: { 1: { status: 'Charging', errorCode: 'NoError', updated: '2024-05-02T09:00:00Z' } },
              values: {
                connectors: {
                  1: {
                    status: 'Charging',
                    energy: 1200,
                    measured: ['energy'],
                    updated: '2024-05-02T09:30:00Z',
                    transaction: { id: 41, idTag: 'T', start: '2024-05-02T09:00:00Z', meterStart: 1000 },
                  },
                },
              },
            },
            OLD201: {
              id: 'OLD201',
              addedBy: 'auto',
              firstSeen: null,
              lastSeen: null,
              version: 'ocpp2.0.1',
              properties: {},
              connectors: { 2: { status: 'Occupied', connectors: [1], updated: '2024-05-02T09:00:00Z' } },
            },
          },
          transactionIdReserved: 100,
          transactions: [
            { id: 41, station: 'OLD16', connector: 1, idTag: 'T', start: '2024-05-02T09:00:00Z', meterStart: 1000 },
            { id: 'tx-9', station: 'OLD201', connector: 2, idTag: null, start: '2024-05-02T09:05:00Z', meterStart: null },
          ],
          rejected: [{ id: 'NOPE', address: '127.0.0.1', time: '2024-05-02T10:00:00Z', reason: 'unknown station' }],
        }),
      );
      const reg = new lib.StationRegistry(file);
      reg.load();
      assert.deepStrictEqual(reg.get('OLD16').connectors, {
        1: {
          status: 'Charging',
          energy: 1200,
          measured: ['energy'],
          updated: '2024-05-02T09:30:00Z',
          transaction: { id: 41, idTag: 'T', start: '2024-05-02T09:00:00Z', meterStart: 1000 },
          stationStatus: 'Charging',
          errorCode: 'NoError',
        },
      });
      assert.deepStrictEqual(reg.get('OLD201').connectors, {
        2: {
          stationStatus: 'Occupied',
          connectorIds: [1],
          updated: '2024-05-02T09:00:00Z',
          transaction: { id: 'tx-9', idTag: null, start: '2024-05-02T09:05:00Z', meterStart: null },
        },
      });
      assert.deepStrictEqual(
        reg.openTransactions().map((t) => t.id),
        [41, 'tx-9'],
      );
      assert.deepStrictEqual(
        reg.rejected().map((r) => r.id),
        ['NOPE'],
      );
      assert.strictEqual(await reg.allocateTransactionId(), 101, 'the reserved ids stay used');
      await reg.save();
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.strictEqual(saved.format, 2);
      assert.strictEqual(saved.transactions, undefined);
      assert.strictEqual(saved.stations.OLD16.values, undefined);
      const again = new lib.StationRegistry(file);
      again.load();
      assert.deepStrictEqual(again.list(), reg.list());
    });

    it('upgrades a record stored before the state was one (as a store hands it over), and leaves a current one as it is', function () {
      const old = {
        id: 'R1',
        addedBy: 'auto',
        firstSeen: null,
        lastSeen: null,
        version: 'ocpp2.0.1',
        properties: {},
        connectors: { 1: { status: 'Occupied', connectors: [1, 2], updated: '2024-05-02T09:00:00Z' } },
      };
      const tx = { id: 'tx-1', station: 'R1', connector: 1, idTag: 'T', start: '2024-05-02T09:01:00Z', meterStart: null };
      const upgraded = lib.upgradeRecord('R1', old, [tx]);
      assert.deepStrictEqual(upgraded.connectors, {
        1: {
          stationStatus: 'Occupied',
          connectorIds: [1, 2],
          updated: '2024-05-02T09:00:00Z',
          transaction: { id: 'tx-1', idTag: 'T', start: '2024-05-02T09:01:00Z', meterStart: null },
        },
      });
      // a current record: a 2.x EVSE whose status came from NotifyEvent only has no station word, and stays as it is
      const current = {
        ...old,
        connectors: { 1: { status: 'Preparing', reported: { connectors: { 1: 'Occupied' } }, updated: '2024-05-02T09:00:00Z' } },
      };
      assert.deepStrictEqual(lib.upgradeRecord('R1', current, []).connectors, current.connectors);
      assert.deepStrictEqual(lib.upgradeRecord('R1', upgraded, [tx]), upgraded, 'upgrading twice changes nothing');
    });

    it('keeps the old file when a write is interrupted before the rename, and sets a corrupt file aside', async function () {
      const userDir = runtime.userDir;
      const file = path.join(userDir, 'reg.json');
      const reg = new lib.StationRegistry(file);
      reg.add('KEEP', 'manual');
      await reg.save();
      const before = fs.readFileSync(file, 'utf8');
      const rename = lib.fileSystem.rename;
      lib.fileSystem.rename = async () => {
        throw new Error('simulated crash before rename');
      };
      try {
        reg.add('LOST', 'manual');
        await assert.rejects(reg.save(), /simulated crash/);
      } finally {
        lib.fileSystem.rename = rename;
      }
      assert.strictEqual(fs.readFileSync(file, 'utf8'), before);
      assert.deepStrictEqual(
        fs.readdirSync(userDir).filter((f) => f.includes('reg.json')),
        ['reg.json'],
        'a temp file was left behind',
      );
      fs.writeFileSync(file, '{"format":1,"stations":{"half');
      const errors = [];
      const again = new lib.StationRegistry(file, { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) });
      again.load();
      assert.strictEqual(again.size, 0);
      assert.match(errors[0], /could not be read/);
      assert.ok(fs.readdirSync(userDir).some((f) => f.startsWith('reg.json.corrupt-')));
    });
  });
});
