'use strict';
// Sessions in Node-RED: ocpp-in's sessionStarted / sessionEnded, and the sessions admin API
// (JSON, CSV, Node-RED's read permission).
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const bcrypt = require('bcryptjs');
const { helper, useRuntime, inbox, interfaceConfig, loadFlow } = require('./runtime');
const { station, closeAllClients, boot16 } = require('./support');
const { startNodeRed, stopNodeRed, installInto } = require('./nodered-process');

const ALL = [require('../dist/nodes/ocpp-interface.js'), require('../dist/nodes/ocpp-in.js')];

const iface = interfaceConfig;

const load = (flow) => loadFlow(ALL, flow);

const CSV_HEADER = 'id,station,connector,transactionId,idTag,start,stop,meterStart,meterStop,energy,duration,stopReason,status';

describe('sessions in Node-RED', function () {
  this.timeout(30000);
  const runtime = useRuntime('ocpp-sessions-nr-');

  it('ocpp-in emits sessionStarted and sessionEnded only where its actions list them, with the record and msg.ocpp', async function () {
    await load([
      iface(),
      {
        id: 'sessions',
        type: 'ocpp-in',
        interface: 'if1',
        station: '',
        actions: ['sessionStarted', 'sessionEnded'],
        reply: 'auto',
        wires: [['out1']],
      },
      { id: 'ended', type: 'ocpp-in', interface: 'if1', station: 'CP1', actions: ['sessionEnded'], reply: 'auto', wires: [['out2']] },
      { id: 'all', type: 'ocpp-in', interface: 'if1', station: '', actions: [], reply: 'auto', wires: [['out3']] },
      { id: 'out1', type: 'helper' },
      { id: 'out2', type: 'helper' },
      { id: 'out3', type: 'helper' },
    ]);
    const sessions = inbox('out1');
    const ended = inbox('out2');
    const all = inbox('out3');
    const cp = await station(runtime.sharedUrl(), 'CP1', ['ocpp1.6']);
    await cp.call('BootNotification', boot16);
    const { transactionId } = await cp.call('StartTransaction', {
      connectorId: 1,
      idTag: '=TAG',
      meterStart: 100,
      timestamp: '2026-11-30T10:00:00Z',
    });
    const started = await sessions.next('sessionStarted');
    assert.strictEqual(started.topic, 'sessionStarted');
    assert.deepStrictEqual(started.ocpp, {
      interface: 'if1',
      station: 'CP1',
      version: 'ocpp1.6',
      action: 'sessionStarted',
      messageId: null,
    });
    const record = {
      id: started.payload.id,
      station: 'CP1',
      connector: 1,
      transactionId,
      idTag: '=TAG',
      start: '2026-11-30T10:00:00.000Z',
      stop: null,
      meterStart: 100,
      meterStop: null,
      energy: null,
      duration: null,
      stopReason: null,
      status: 'active',
    };
    assert.deepStrictEqual(started.payload, record);
    await cp.call('StopTransaction', { transactionId, meterStop: 2600, timestamp: '2026-11-30T10:45:00Z', reason: 'Remote' });
    const done = {
      ...record,
      stop: '2026-11-30T10:45:00.000Z',
      meterStop: 2600,
      energy: 2500,
      duration: 2700,
      stopReason: 'Remote',
      status: 'completed',
    };
    const endedMsg = await sessions.next('sessionEnded');
    assert.deepStrictEqual([endedMsg.topic, endedMsg.payload], ['sessionEnded', done]);
    const onlyEnded = await ended.next('sessionEnded of CP1');
    assert.deepStrictEqual([onlyEnded.topic, onlyEnded.payload], ['sessionEnded', done]);
    assert.strictEqual(ended.items.length, 0);
    // an empty action list means every CALL and connection event, not the session events
    const topics = [];
    while (all.items.length) topics.push(all.items.shift().topic);
    assert.deepStrictEqual(topics, ['connected', 'BootNotification', 'StartTransaction', 'StopTransaction']);

    const json = await helper.request().get('/ocpp-interface/if1/sessions').expect(200);
    assert.deepStrictEqual(json.body, [done]);
    const csv = await helper
      .request()
      .get('/ocpp-interface/if1/sessions?format=csv&from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z')
      .expect(200);
    assert.match(csv.headers['content-type'], /^text\/csv/);
    assert.strictEqual(
      csv.text,
      `${CSV_HEADER}\r\n${done.id},CP1,1,${transactionId},'=TAG,2026-11-30T10:00:00.000Z,2026-11-30T10:45:00.000Z,100,2600,2500,2700,Remote,completed\r\n`,
    );
    const outside = await helper.request().get('/ocpp-interface/if1/sessions?format=csv&from=2026-12-01T00:00:00Z').expect(200);
    assert.strictEqual(outside.text, `${CSV_HEADER}\r\n`);
    assert.deepStrictEqual((await helper.request().get('/ocpp-interface/if1/sessions?station=CP2').expect(200)).body, []);
    await helper.request().get('/ocpp-interface/if1/sessions?from=yesterday').expect(400);
    await helper.request().get('/ocpp-interface/nope/sessions').expect(404);
    // kept under the user directory beside the registry, named by the interface only
    assert.deepStrictEqual(fs.readdirSync(path.join(runtime.userDir, 'ocpp-interface', 'if1.sessions')), ['2026-11.jsonl']);
  });
});

describe("the sessions admin API with Node-RED's permissions", function () {
  this.timeout(60000);
  let userDir;
  let nr;
  let port;

  before(async function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-sessions-admin-'));
    installInto(userDir);
    fs.writeFileSync(
      path.join(userDir, 'flows.json'),
      JSON.stringify([{ id: 'tab1', type: 'tab', label: 'Flow 1' }, iface({ id: 'iface1' })]),
    );
    const hash = bcrypt.hashSync('password1', 8);
    nr = startNodeRed(userDir, {
      adminAuth: { type: 'credentials', users: [{ username: 'viewer', password: hash, permissions: 'read' }] },
    });
    port = await nr.ready;
  });
  after(async function () {
    await closeAllClients();
    await stopNodeRed(nr && nr.child);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('refuses anonymous requests and answers a read-only user', async function () {
    const base = `http://127.0.0.1:${port}`;
    assert.strictEqual((await fetch(`${base}/ocpp-interface/iface1/sessions`)).status, 401);
    const login = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=node-red-admin&grant_type=password&scope=read&username=viewer&password=password1',
    });
    const token = (await login.json()).access_token;
    const end = Date.now() + 10000;
    let res;
    while (
      (res = await fetch(`${base}/ocpp-interface/iface1/sessions?format=csv`, { headers: { authorization: `Bearer ${token}` } })).status ===
      404
    ) {
      if (Date.now() > end) throw new Error('the interface was not deployed');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.strictEqual(res.status, 200);
    assert.strictEqual(await res.text(), `${CSV_HEADER}\r\n`);
  });
});
