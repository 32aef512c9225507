'use strict';
// The package as a user gets it: `npm pack`, installed into a fresh Node-RED user
// directory, a flow written with the README's names, a strict station connecting.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { station, closeAllClients, boot16 } = require('./support');
const { PKG_ROOT, PKG_NAME, startNodeRed, stopNodeRed } = require('./nodered-process');

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the packed package in a fresh Node-RED user directory', function () {
  this.timeout(180000);
  let dir;
  let nr;
  let port;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-pack-'));
    // --ignore-scripts: dist/ is already built by `npm test`, and rebuilding it here would race the other tests.
    const out = execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: PKG_ROOT, encoding: 'utf8' });
    const packed = JSON.parse(out)[0];
    this.files = packed.files.map((f) => f.path);
    const userDir = path.join(dir, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', version: '0.0.1', private: true }));
    execFileSync(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=dev', path.join(dir, packed.filename)], {
      cwd: userDir,
      stdio: 'ignore',
    });
    assert.ok(!fs.lstatSync(path.join(userDir, 'node_modules', PKG_NAME)).isSymbolicLink());
    fs.writeFileSync(
      path.join(userDir, 'flows.json'),
      JSON.stringify([
        { id: 'tab1', type: 'tab', label: 'Flow 1' },
        {
          id: 'iface',
          type: 'ocpp-interface',
          name: 'Depot',
          comment: 'packed',
          deactivated: false,
          versions: ['ocpp1.6', 'ocpp2.0.1'],
          autoApprove: true,
          port: '',
          path: '/ocpp',
          tls: '',
          security: 'none',
          heartbeatInterval: 77,
          callTimeout: 30,
          unknownIdTags: 'accept',
        },
        { id: 'in', z: 'tab1', type: 'ocpp-in', interface: 'iface', station: '', actions: ['Authorize'], reply: 'flow', wires: [['fn']] },
        {
          id: 'fn',
          z: 'tab1',
          type: 'function',
          func: "msg.payload = { idTagInfo: { status: msg.payload.idTag === 'OK' ? 'Accepted' : 'Blocked' } }; return msg;",
          outputs: 1,
          wires: [['resp']],
        },
        { id: 'resp', z: 'tab1', type: 'ocpp-response', wires: [] },
        { id: 'cmd', z: 'tab1', type: 'ocpp-command', interface: 'iface', station: '', action: '', timeout: '', wires: [[]] },
        { id: 'ch', z: 'tab1', type: 'ocpp-channel', interface: 'iface', station: 'PACK1', connector: 1, channel: 'status', wires: [[]] },
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
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ships the built nodes with their editor files, help, icons and examples, and no sources or tests', function () {
    const files = this.files;
    for (const node of ['ocpp-interface', 'ocpp-in', 'ocpp-response', 'ocpp-command', 'ocpp-channel']) {
      for (const f of [
        `dist/nodes/${node}.js`,
        `dist/nodes/${node}.html`,
        `dist/nodes/locales/en-US/${node}.json`,
        `dist/nodes/locales/en-US/${node}.html`,
      ]) {
        assert.ok(files.includes(f), `${f} is not in the package`);
      }
    }
    assert.ok(
      files.some((f) => /^dist\/nodes\/icons\/.+\.svg$/.test(f)),
      'no icons beside the nodes',
    );
    assert.ok(files.filter((f) => f.startsWith('examples/')).length >= 4, 'examples missing');
    assert.ok(files.includes('LICENSE') && files.includes('README.md'));
    for (const f of ['resources/ocpp-editor.js', 'resources/ocpp-editor.css', 'resources/ocpp-interface-dialog.js']) {
      assert.ok(files.includes(f), `the editor file ${f} is not shipped`);
    }
    assert.ok(
      !files.some((f) => /^(test|bench|lib|nodes|scripts)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
      'sources or tests are shipped',
    );
  });

  it('registers every node under OCPP, serves its icons and lists its examples', async function () {
    const nodes = await (await fetch(`http://127.0.0.1:${port}/nodes`, { headers: { accept: 'application/json' } })).json();
    const ours = nodes.filter((n) => n.module === PKG_NAME);
    assert.deepStrictEqual(ours.flatMap((n) => n.types).sort(), [
      'ocpp-channel',
      'ocpp-command',
      'ocpp-in',
      'ocpp-interface',
      'ocpp-response',
    ]);
    assert.ok(
      ours.every((n) => n.enabled && !n.err),
      JSON.stringify(ours.map((n) => n.err)),
    );
    assert.strictEqual((await fetch(`http://127.0.0.1:${port}/icons/${PKG_NAME}/ocpp-charger.svg`)).status, 200);
    assert.strictEqual((await fetch(`http://127.0.0.1:${port}/resources/${PKG_NAME}/ocpp-editor.js`)).status, 200);
    const examples = await (
      await fetch(`http://127.0.0.1:${port}/library/examples/flows/${PKG_NAME}/01%20Monitor%20all%20stations`)
    ).json();
    assert.ok(
      examples.some((n) => n.type === 'ocpp-interface'),
      'example 1 has no interface',
    );
  });

  it('serves a strict station on the URL and lets the flow answer', async function () {
    const cp = await station(`ws://127.0.0.1:${port}/ocpp`, 'PACK1', ['ocpp1.6']);
    const boot = await cp.call('BootNotification', boot16);
    assert.strictEqual(boot.status, 'Accepted');
    assert.strictEqual(boot.interval, 77);
    assert.strictEqual((await cp.call('Authorize', { idTag: 'OK' })).idTagInfo.status, 'Accepted');
    assert.strictEqual((await cp.call('Authorize', { idTag: 'NO' })).idTagInfo.status, 'Blocked');
    const file = path.join(dir, 'user', 'ocpp-interface', 'iface.json');
    const end = Date.now() + 5000;
    while (!fs.existsSync(file) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(file), 'the station registry was not written under the user directory');
  });

  it("shows every node's status, translated from its message catalogue", async function () {
    const WebSocket = require('ws');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/comms`);
    const statuses = {};
    await new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ subscribe: 'status/#' })));
      ws.on('message', (m) => {
        for (const { topic, data } of [].concat(JSON.parse(m.toString()))) statuses[topic.slice('status/'.length)] = data;
        if (statuses.in && statuses.cmd && statuses.ch) resolve();
      });
    });
    ws.close();
    // The strict station of the previous test is still connected.
    assert.deepStrictEqual(statuses.in, { text: '1 connected', fill: 'green', shape: 'dot' });
    assert.strictEqual(statuses.cmd.fill, 'green');
    assert.match(statuses.ch.text, /^\S/);
    for (const s of Object.values(statuses)) assert.ok(!/\.status\./.test(s.text), `untranslated status ${s.text}`);
  });
});
