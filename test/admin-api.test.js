'use strict';
// The admin HTTP API in a real Node-RED with adminAuth: permissions and answers as the README's Station registry section describes.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { station, closeAllClients, boot201 } = require('./support');
const { startNodeRed, stopNodeRed, httpStatus, installInto } = require('./nodered-process');

const bcrypt = require('bcryptjs');

async function request(port, method, urlPath, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json';
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: json, text };
}

describe("admin HTTP API with Node-RED's permissions", function () {
  this.timeout(60000);
  let userDir;
  let nr;
  let port;
  let admin;
  let viewer;

  before(async function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-admin-'));
    installInto(userDir);
    fs.writeFileSync(
      path.join(userDir, 'flows.json'),
      JSON.stringify([
        { id: 'tab1', type: 'tab', label: 'Flow 1' },
        {
          id: 'iface1',
          type: 'ocpp-interface',
          name: 'Site',
          versions: ['ocpp1.6', 'ocpp2.0.1'],
          autoApprove: false,
          port: '',
          path: '/ocpp',
          security: 'none',
          heartbeatInterval: 300,
          callTimeout: 30,
          unknownIdTags: 'accept',
          deactivated: false,
        },
      ]),
    );
    const hash = bcrypt.hashSync('password1', 8);
    nr = startNodeRed(userDir, {
      adminAuth: {
        type: 'credentials',
        users: [
          { username: 'admin', password: hash, permissions: '*' },
          { username: 'viewer', password: hash, permissions: 'read' },
        ],
      },
    });
    port = await nr.ready;
    const token = async (username, scope) => {
      const res = await request(port, 'POST', '/auth/token', {
        body: `client_id=node-red-admin&grant_type=password&scope=${scope}&username=${username}&password=password1`,
      });
      assert.strictEqual(res.status, 200, res.text);
      return res.body.access_token;
    };
    admin = await token('admin', '*');
    viewer = await token('viewer', 'read');
    // Flows start shortly after Node-RED reports it has started.
    const end = Date.now() + 10000;
    while ((await request(port, 'GET', '/ocpp-interface/iface1/stations', { token: admin })).status !== 200) {
      if (Date.now() > end) throw new Error('the interface was not deployed');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async function () {
    await closeAllClients();
    await stopNodeRed(nr && nr.child);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('refuses anonymous requests', async function () {
    assert.strictEqual((await request(port, 'GET', '/ocpp-interface/iface1/stations')).status, 401);
    assert.strictEqual((await request(port, 'POST', '/ocpp-interface/iface1/stations', { body: { id: 'X' } })).status, 401);
  });

  it('lets a read-only user read but not change', async function () {
    assert.strictEqual((await request(port, 'GET', '/ocpp-interface/iface1/stations', { token: viewer })).status, 200);
    assert.strictEqual((await request(port, 'GET', '/ocpp-interface/iface1/rejected', { token: viewer })).status, 200);
    // Node-RED answers a missing permission with 401.
    assert.strictEqual((await request(port, 'POST', '/ocpp-interface/iface1/stations', { token: viewer, body: { id: 'X' } })).status, 401);
    assert.strictEqual((await request(port, 'DELETE', '/ocpp-interface/iface1/stations/X', { token: viewer })).status, 401);
    const list = await request(port, 'GET', '/ocpp-interface/iface1/stations', { token: admin });
    assert.ok(!list.body.some((s) => s.id === 'X'), 'a read-only user added a station');
  });

  it("serves a station's log with read permission: oldest first, 404 for an unknown station", async function () {
    const url = `ws://127.0.0.1:${port}/ocpp`;
    const added = await request(port, 'POST', '/ocpp-interface/iface1/stations', { token: admin, body: { id: 'LOG1' } });
    assert.strictEqual(added.status, 200);
    const cp = await station(url, 'LOG1', ['ocpp2.0.1']);
    await cp.call('BootNotification', boot201);
    await cp.call('Heartbeat', {});
    const log = await request(port, 'GET', '/ocpp-interface/iface1/stations/LOG1/log', { token: viewer });
    assert.strictEqual(log.status, 200);
    assert.deepStrictEqual(
      log.body.map((e) => [e.direction, JSON.parse(e.frame)[0]]),
      [
        ['in', 2],
        ['out', 3],
        ['in', 2],
        ['out', 3],
      ],
    );
    assert.strictEqual(JSON.parse(log.body[0].frame)[2], 'BootNotification');
    assert.strictEqual((await request(port, 'GET', '/ocpp-interface/iface1/stations/LOG1/log')).status, 401, 'anonymous');
    assert.strictEqual((await request(port, 'GET', '/ocpp-interface/iface1/stations/NOPE/log', { token: viewer })).status, 404);
    assert.strictEqual((await request(port, 'GET', '/ocpp-interface/nope/stations/LOG1/log', { token: viewer })).status, 404);
    const list = await request(port, 'GET', '/ocpp-interface/iface1/stations', { token: viewer });
    assert.deepStrictEqual(list.body.find((s) => s.id === 'LOG1').repairs, {});
    await cp.close({ force: true });
    assert.strictEqual((await request(port, 'DELETE', '/ocpp-interface/iface1/stations/LOG1', { token: admin })).status, 200);
  });

  it('answers 404 for an interface that is not deployed', async function () {
    assert.strictEqual((await request(port, 'GET', '/ocpp-interface/nope/stations', { token: admin })).status, 404);
    assert.strictEqual((await request(port, 'GET', '/ocpp-interface/nope/rejected', { token: admin })).status, 404);
  });

  it('walks a station from rejected to approved to removed', async function () {
    const url = `ws://127.0.0.1:${port}/ocpp`;
    await assert.rejects(station(url, 'CP<1>', ['ocpp2.0.1']), (err) => err.code === 404);
    const rejected = await request(port, 'GET', '/ocpp-interface/iface1/rejected', { token: admin });
    assert.deepStrictEqual(
      rejected.body.map((r) => r.id),
      ['CP<1>'],
    );
    assert.strictEqual(rejected.body[0].address, '127.0.0.1');
    const added = await request(port, 'POST', '/ocpp-interface/iface1/stations', {
      token: admin,
      body: { id: 'CP<1>', password: 'pw-123' },
    });
    assert.strictEqual(added.status, 200);
    assert.strictEqual(added.body.id, 'CP<1>');
    assert.strictEqual(added.body.addedBy, 'manual');
    assert.ok(!JSON.stringify(added.body).includes('pw-123'));
    const cp = await station(url, 'CP<1>', ['ocpp2.0.1']);
    await cp.call('BootNotification', boot201);
    const list = await request(port, 'GET', '/ocpp-interface/iface1/stations', { token: admin });
    const s = list.body.find((x) => x.id === 'CP<1>');
    assert.strictEqual(s.connected, true);
    assert.strictEqual(s.model, 'Model201');
    assert.strictEqual(s.version, 'ocpp2.0.1');
    assert.strictEqual((await request(port, 'POST', '/ocpp-interface/iface1/stations', { token: admin, body: { id: 'a/b' } })).status, 400);
    const closed = new Promise((resolve) => cp.once('close', resolve));
    const removed = await request(port, 'DELETE', `/ocpp-interface/iface1/stations/${encodeURIComponent('CP<1>')}`, { token: admin });
    assert.strictEqual(removed.status, 200);
    await closed;
    const after = await request(port, 'GET', '/ocpp-interface/iface1/stations', { token: admin });
    assert.deepStrictEqual(
      after.body.map((x) => x.id),
      [],
    );
    assert.strictEqual(await httpStatus(`http://127.0.0.1:${port}/`), 200);
  });
});
