'use strict';
// A catch node in a real Node-RED process gets ocpp-command's error code as msg.error.code,
// on whichever Node-RED version runs the tests (Node-RED 3 does not copy a code by itself).
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { station, rawClient, closeAllClients, delay, boot16 } = require('./support');
const { startNodeRed, stopNodeRed, installInto } = require('./nodered-process');
const { NODE_RED_VERSION } = require('./node-red-under-test');

describe(`a catch node receives ocpp-command's error code (Node-RED ${NODE_RED_VERSION} in its own process)`, function () {
  this.timeout(60000);
  let userDir;
  let nr;
  let port;

  /** Sends one command through the flow: the answer of the http response after ocpp-command, or the catch node's report. */
  async function command(stationId, action, payload) {
    const res = await fetch(`http://127.0.0.1:${port}/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ station: stationId, action, payload }),
    });
    return { status: res.status, body: await res.json() };
  }

  before(async function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-catch-'));
    installInto(userDir);
    fs.writeFileSync(
      path.join(userDir, 'flows.json'),
      JSON.stringify([
        { id: 'tab1', type: 'tab', label: 'Flow 1' },
        {
          id: 'iface',
          type: 'ocpp-interface',
          name: 'Site',
          versions: ['ocpp1.6'],
          autoApprove: true,
          port: '',
          path: '/ocpp',
          security: 'none',
          heartbeatInterval: 300,
          callTimeout: 30,
          unknownIdTags: 'accept',
          deactivated: false,
        },
        { id: 'req', z: 'tab1', type: 'http in', url: '/command', method: 'post', upload: false, swaggerDoc: '', wires: [['prep']] },
        {
          id: 'prep',
          z: 'tab1',
          type: 'function',
          outputs: 1,
          wires: [['cmd']],
          func: 'msg.ocpp = { station: msg.payload.station }; msg.topic = msg.payload.action; msg.payload = msg.payload.payload; return msg;',
        },
        { id: 'cmd', z: 'tab1', type: 'ocpp-command', interface: 'iface', station: '', action: '', timeout: '1', wires: [['answered']] },
        { id: 'answered', z: 'tab1', type: 'http response', statusCode: '200', headers: {}, wires: [] },
        { id: 'catcher', z: 'tab1', type: 'catch', scope: ['cmd'], uncaught: false, wires: [['report']] },
        {
          id: 'report',
          z: 'tab1',
          type: 'function',
          outputs: 1,
          wires: [['failed']],
          func: 'msg.payload = { code: msg.error.code === undefined ? null : msg.error.code, message: msg.error.message }; return msg;',
        },
        { id: 'failed', z: 'tab1', type: 'http response', statusCode: '500', headers: {}, wires: [] },
      ]),
    );
    nr = startNodeRed(userDir);
    port = await nr.ready;
    const end = Date.now() + 15000;
    while ((await fetch(`http://127.0.0.1:${port}/ocpp-interface/iface/stations`)).status !== 200) {
      if (Date.now() > end) throw new Error(`the interface was not deployed\n${nr.logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async function () {
    await closeAllClients();
    await stopNodeRed(nr && nr.child);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('unknownStation for a station never seen', async function () {
    const { status, body } = await command('NEVER-SEEN', 'Reset', { type: 'Soft' });
    assert.strictEqual(status, 500, JSON.stringify(body));
    assert.strictEqual(body.code, 'unknownStation', body.message);
  });

  it('notConnected for a known station that has gone', async function () {
    const cp = await station(`ws://127.0.0.1:${port}/ocpp`, 'GONE1');
    assert.strictEqual((await cp.call('BootNotification', boot16)).status, 'Accepted');
    await cp.close({ force: true });
    // The central system notices the closed socket a moment after the station does.
    const end = Date.now() + 5000;
    let result = await command('GONE1', 'Reset', { type: 'Soft' });
    while (result.body.code !== 'notConnected' && Date.now() < end) {
      await delay(50);
      result = await command('GONE1', 'Reset', { type: 'Soft' });
    }
    assert.strictEqual(result.status, 500, JSON.stringify(result.body));
    assert.strictEqual(result.body.code, 'notConnected', result.body.message);
  });

  it('timeout for a station that does not answer, and the answer itself from one that does', async function () {
    const silent = await rawClient(`ws://127.0.0.1:${port}/ocpp/SILENT1`);
    const timedOut = await command('SILENT1', 'Reset', { type: 'Soft' });
    assert.strictEqual(timedOut.status, 500, JSON.stringify(timedOut.body));
    assert.strictEqual(timedOut.body.code, 'timeout', timedOut.body.message);
    const call = await silent.nextJson();
    assert.deepStrictEqual([call[0], call[2], call[3]], [2, 'Reset', { type: 'Soft' }]);

    const cp = await station(`ws://127.0.0.1:${port}/ocpp`, 'ANSWERS1');
    cp.handle('Reset', () => ({ status: 'Accepted' }));
    const answered = await command('ANSWERS1', 'Reset', { type: 'Soft' });
    assert.deepStrictEqual(answered, { status: 200, body: { status: 'Accepted' } });
  });
});
