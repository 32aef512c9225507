'use strict';
// Hostile stations and crashing hosts: nesting that would exhaust the stack, faults while
// handling a frame, transaction ids after kill -9, the failed-login throttle, control
// characters in station ids.
const assert = require('assert');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const WebSocket = require('ws');
const lib = require('../dist/lib');
const { freePort, startSystem, station, rawClient, closeAllClients, delay, until } = require('./support');
const { helper, useRuntime, inbox } = require('./runtime');

/** An object nested `depth` levels: { a: { a: ... { a: 1 } } }, built without recursion. */
function nested(depth) {
  return '{"a":'.repeat(depth - 1) + '{"a":1}' + '}'.repeat(depth - 1);
}

describe('hostile stations and crashing hosts', function () {
  describe('a payload nested too deeply', function () {
    let sys;
    afterEach(async function () {
      await closeAllClients();
      if (sys) await sys.cs.close();
      sys = null;
    });

    for (const [version, code] of [
      ['ocpp1.6', 'FormationViolation'],
      ['ocpp2.0.1', 'FormatViolation'],
    ]) {
      it(`is refused with ${code} in ${version} before anything reads it, and the station stays served`, async function () {
        sys = await startSystem();
        const ws = await rawClient(`${sys.url}/DEEP`, [version]);
        const deepData =
          version === 'ocpp1.6'
            ? `[2,"d1","DataTransfer",{"vendorId":"x","data":${JSON.stringify(nested(10000))}}]` // a string: not nesting
            : `[2,"d1","Heartbeat",{"customData":{"vendorId":"x","deep":${nested(10000)}}}]`;
        ws.send(deepData);
        const first = await ws.nextJson();
        // a deep object inside a string is only text: the 1.6 DataTransfer above is valid
        if (version === 'ocpp1.6') assert.strictEqual(first[0], 3, 'nesting inside a string is not nesting');
        else assert.deepStrictEqual(first.slice(0, 3), [4, 'd1', code]);

        const deepCalls =
          version === 'ocpp1.6'
            ? [`[2,"d2","DataTransfer",{"vendorId":"x","data":"y","z":${nested(10000)}}]`, `[2,"d3","Heartbeat",${nested(65)}]`]
            : [`[2,"d2","DataTransfer",{"vendorId":"x","data":${nested(10000)}}]`, `[2,"d3","Heartbeat",${nested(65)}]`];
        for (const frame of deepCalls) {
          ws.send(frame);
          const reply = await ws.nextJson();
          assert.strictEqual(reply[0], 4);
          assert.strictEqual(reply[1], JSON.parse(frame)[1], "the frame's own message id");
          assert.strictEqual(reply[2], code);
          assert.match(reply[3], /nested deeper than 64 levels/);
        }
        // an id that cannot be read: -1
        ws.send(`[2,${nested(100)},"Heartbeat",{}]`);
        assert.deepStrictEqual((await ws.nextJson()).slice(0, 3), [4, '-1', code]);
        // 64 levels of payload are allowed (the schema decides about them)
        const at64 =
          version === 'ocpp1.6'
            ? `[2,"d4","DataTransfer",{"vendorId":"x","data":"y","z":${nested(63)}}]`
            : `[2,"d4","DataTransfer",{"vendorId":"x","data":${nested(63)}}]`;
        ws.send(at64);
        const reply = await ws.nextJson();
        assert.strictEqual(reply[1], 'd4');
        // 2.0.1 customData is open; no 1.6 payload has room for 64 levels, so only its schema may refuse it
        if (version === 'ocpp2.0.1') assert.strictEqual(reply[0], 3);
        else if (reply[0] === 4) assert.doesNotMatch(reply[3], /nested deeper/);
        ws.send('[2,"hb","Heartbeat",{}]');
        assert.deepStrictEqual((await ws.nextJson()).slice(0, 2), [3, 'hb']);
      });
    }

    it('in the answer to a command fails that command at once with invalidPayload', async function () {
      sys = await startSystem();
      const ws = await rawClient(`${sys.url}/DEEPANSWER`, ['ocpp2.0.1']);
      await until(() => sys.cs.isConnected('DEEPANSWER'), 'the station to be connected');
      const started = Date.now();
      const pending = sys.cs.command('DEEPANSWER', 'GetVariables', {
        getVariableData: [{ component: { name: 'X' }, variable: { name: 'Y' } }],
      });
      const call = await ws.nextJson();
      ws.send(`[3,${JSON.stringify(call[1])},{"customData":{"vendorId":"x","deep":${nested(500)}}}]`);
      await assert.rejects(pending, (err) => err.code === 'invalidPayload' && /nested deeper than 64/.test(err.message));
      assert.ok(Date.now() - started < 2000, 'not at the timeout');
    });

    it('is found by one pass over the text, brackets inside strings not counted', function () {
      assert.strictEqual(lib.nestsDeeperThan(nested(64), 64), false);
      assert.strictEqual(lib.nestsDeeperThan(nested(65), 64), true);
      assert.strictEqual(lib.nestsDeeperThan(JSON.stringify({ s: '['.repeat(1000) + '\\"{{{{' }), 64), false);
      assert.strictEqual(lib.nestsDeeperThan('[' + '{"a":['.repeat(40) + ']}'.repeat(40) + ']', 64), true);
      assert.strictEqual(lib.nestsDeeperThan('[1,2,{"a":[]},{"b":{}}]'.repeat(100), 64), false);
    });
  });

  describe('in Node-RED, with two ocpp-in nodes and one wired to two nodes', function () {
    const rt = useRuntime('ocpp-hardening-');
    const nodes = [require('../dist/nodes/ocpp-interface'), require('../dist/nodes/ocpp-in')];

    it('a frame nested 10,000 levels is refused, Node-RED keeps running and every node gets the next message', async function () {
      const flow = [
        { id: 'iface', type: 'ocpp-interface', name: 'i', versions: ['ocpp1.6', 'ocpp2.0.1'], autoApprove: true, path: '/ocpp' },
        { id: 'in1', type: 'ocpp-in', interface: 'iface', actions: [], reply: 'auto', wires: [['h1', 'h2']] },
        { id: 'in2', type: 'ocpp-in', interface: 'iface', actions: [], reply: 'auto', wires: [['h3']] },
        { id: 'h1', type: 'helper' },
        { id: 'h2', type: 'helper' },
        { id: 'h3', type: 'helper' },
      ];
      await helper.load(nodes, flow);
      const boxes = ['h1', 'h2', 'h3'].map(inbox);
      const uncaught = [];
      const onUncaught = (err) => uncaught.push(err);
      process.on('uncaughtException', onUncaught);
      try {
        const ws = await rawClient(`${rt.sharedUrl()}/DEEP201`, ['ocpp2.0.1']);
        ws.send(`[2,"m1","Heartbeat",{"customData":{"vendorId":"x","deep":${nested(10000)}}}]`);
        assert.deepStrictEqual((await ws.nextJson()).slice(0, 3), [4, 'm1', 'FormatViolation']);
        ws.send(`[2,"m2","DataTransfer",{"vendorId":"x","data":${nested(2000)}}]`);
        assert.deepStrictEqual((await ws.nextJson()).slice(0, 3), [4, 'm2', 'FormatViolation']);
        // 60 levels pass and reach every node, each with a copy of its own
        ws.send(`[2,"m3","DataTransfer",{"vendorId":"x","data":${nested(59)}}]`);
        assert.strictEqual((await ws.nextJson())[0], 3);
        const got = [];
        for (const box of boxes) {
          let msg;
          do msg = await box.next();
          while (msg.topic !== 'DataTransfer');
          got.push(msg);
        }
        assert.notStrictEqual(got[0].payload, got[2].payload);
        ws.send('[2,"m4","Heartbeat",{}]');
        assert.deepStrictEqual((await ws.nextJson()).slice(0, 2), [3, 'm4']);
        await delay(50);
        assert.deepStrictEqual(uncaught, []);
      } finally {
        process.removeListener('uncaughtException', onUncaught);
      }
    });
  });

  describe('a fault while handling one frame', function () {
    let sys;
    afterEach(async function () {
      await closeAllClients();
      if (sys) await sys.cs.close();
      sys = null;
    });

    it('is logged, an unanswered CALL gets InternalError, and the station and others stay served', async function () {
      const errors = [];
      sys = await startSystem({ callTimeout: 1, log: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) } });
      const heard = [];
      sys.cs.on('station', (event) => {
        if (event.station === 'FAULTY') heard.push(event.topic);
      });
      const owner = {};
      assert.ok(sys.cs.claimReplies(owner, 'FAULTY', ['Authorize']).ok);
      // a listener that throws, as a flow node's copy of a payload could
      sys.cs.on('station', (event) => {
        if (event.station === 'FAULTY' && ['connected', 'Authorize', 'Heartbeat'].includes(event.topic))
          throw new RangeError('listener failed');
      });
      const ws = await rawClient(`${sys.url}/FAULTY`, ['ocpp1.6']);
      const other = await station(sys.url, 'OTHER', ['ocpp1.6']);
      // claimed by a flow: the faulty listener is passed over, the call waits for its flow until callTimeout
      ws.send('[2,"a1","Authorize",{"idTag":"T"}]');
      assert.deepStrictEqual((await ws.nextJson(3000)).slice(0, 3), [4, 'a1', 'InternalError']);
      // answered automatically before the listener failed: the answer stands, nothing more is sent
      ws.send('[2,"h1","Heartbeat",{}]');
      assert.deepStrictEqual((await ws.nextJson()).slice(0, 2), [3, 'h1']);
      ws.send('[2,"s1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]');
      assert.deepStrictEqual(await ws.nextJson(), [3, 's1', {}]);
      assert.ok((await other.call('Heartbeat', {})).currentTime);
      assert.ok(
        errors.some((m) => /a listener of the station event failed: listener failed/.test(m)),
        errors.join('\n'),
      );
      // the listener after the faulty one still heard everything
      assert.deepStrictEqual(
        heard.filter((t) => t !== 'BootNotification'),
        ['connected', 'Authorize', 'Heartbeat', 'StatusNotification'],
      );
      assert.strictEqual(sys.cs.awaitingReply('FAULTY', 'a1'), undefined, 'no call is left waiting for a flow');
    });
  });

  describe('a fault in the handler of a connection itself', function () {
    it('gets InternalError for the CALL, the station stays connected and served', async function () {
      const port = await freePort();
      const errors = [];
      const endpoint = new lib.OcppEndpoint({
        path: '/ocpp',
        versions: ['ocpp2.0.1'],
        log: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) },
      });
      let calls = 0;
      endpoint.on('connected', (conn) =>
        conn.handleCalls((call) => {
          if (++calls === 1) throw new TypeError('handler failed');
          call.reply({ currentTime: new Date().toISOString() });
        }),
      );
      await endpoint.listen({ port, host: '127.0.0.1' });
      try {
        const ws = await rawClient(`ws://127.0.0.1:${port}/ocpp/WALL`, ['ocpp2.0.1']);
        ws.send('[2,"h1","Heartbeat",{}]');
        assert.deepStrictEqual((await ws.nextJson()).slice(0, 3), [4, 'h1', 'InternalError']);
        ws.send('[2,"h2","Heartbeat",{}]');
        assert.deepStrictEqual((await ws.nextJson()).slice(0, 2), [3, 'h2']);
        assert.ok(
          errors.some((m) => /WALL: handling Heartbeat h1 failed: handler failed/.test(m)),
          errors.join('\n'),
        );
      } finally {
        await closeAllClients();
        await endpoint.close();
      }
    });
  });

  describe('1.6 transaction ids after kill -9', function () {
    this.timeout(120000);
    let dir;
    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-txid-'));
    });
    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    // The central system alone in a child process, its registry in `dir`; prints its port.
    const CHILD = `
      const { CentralSystem } = require(${JSON.stringify(path.resolve(__dirname, '../dist/lib'))});
      const cs = new CentralSystem({ versions: ['ocpp1.6'], autoApprove: true, security: 'none', heartbeatInterval: 300,
        callTimeout: 5, unknownIdTags: 'accept', path: '/ocpp', registryFile: process.argv[1] });
      cs.listen({ port: 0, host: '127.0.0.1' }).then(() => process.stdout.write('PORT ' + cs.endpoint.port + '\\n'));
    `;

    function startChild(file) {
      const child = spawn(process.execPath, ['-e', CHILD, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      return new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /PORT (\d+)/.exec(out);
          if (m) resolve({ child, port: Number(m[1]) });
        });
        child.once('exit', (code) => reject(new Error(`central system exited with ${code} before listening`)));
      });
    }

    it('are never handed out again: 20 concurrent starts, killed at random moments, 15 rounds', async function () {
      const file = path.join(dir, 'registry.json');
      const received = [];
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let round = 0; round < 15; round++) {
        const { child, port } = await startChild(file);
        const exited = new Promise((resolve) => child.once('exit', resolve));
        const sockets = await Promise.all(
          Array.from({ length: 20 }, (_, i) => rawClient(`ws://127.0.0.1:${port}/ocpp/TX${i}`, ['ocpp1.6'])),
        );
        const killAfter = 1 + Math.floor(random() * 19);
        let answers = 0;
        let killed = false;
        const inRound = [];
        await new Promise((resolve) => {
          for (const ws of sockets) {
            ws.on('message', (data) => {
              const frame = JSON.parse(data.toString());
              if (frame[0] !== 3) return;
              inRound.push(frame[2].transactionId);
              if (++answers >= killAfter && !killed) {
                killed = true;
                child.kill('SIGKILL');
                resolve();
              }
            });
          }
          const now = new Date().toISOString();
          for (const [i, ws] of sockets.entries())
            ws.send(JSON.stringify([2, `st${i}`, 'StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: now }]));
        });
        await exited;
        // answers already in this process's socket buffers count as received too
        await delay(20);
        for (const ws of sockets) ws.terminate();
        received.push(...inRound);
      }
      assert.ok(received.length >= 15);
      const seen = new Map();
      for (const id of received) {
        assert.ok(Number.isInteger(id) && id > 0, `transaction id ${id}`);
        assert.ok(!seen.has(id), `transaction id ${id} was handed out twice (${received.length} received)`);
        seen.set(id, true);
      }
    });

    it('wait for the disk only at the start of a reservation, not for every id', async function () {
      const file = path.join(dir, 'registry.json');
      const registry = new lib.StationRegistry(file);
      const writes = [];
      const rename = lib.fileSystem.rename;
      lib.fileSystem.rename = async (from, to) => {
        await rename(from, to);
        writes.push(JSON.parse(fs.readFileSync(to, 'utf8')).transactionIdReserved);
      };
      try {
        const ids = await Promise.all(Array.from({ length: 250 }, () => registry.allocateTransactionId()));
        assert.deepStrictEqual(
          ids,
          Array.from({ length: 250 }, (_, i) => i + 1),
        );
        await registry.flush();
        const reserved = JSON.parse(fs.readFileSync(file, 'utf8')).transactionIdReserved;
        assert.ok(reserved >= 250, `the file reserves ${reserved}`);
        assert.ok(writes.length <= 6, `${writes.length} writes for 250 ids`);
        // after a restart the next id comes after everything that was reserved
        const again = new lib.StationRegistry(file);
        again.load();
        assert.strictEqual(await again.allocateTransactionId(), reserved + 1);
        await again.flush();
      } finally {
        lib.fileSystem.rename = rename;
      }
    });

    it('are not answered when the reservation cannot be written: the station gets InternalError', async function () {
      const errors = [];
      const file = path.join(dir, 'registry.json');
      const sys = await startSystem({
        registryFile: file,
        versions: ['ocpp1.6'],
        log: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) },
      });
      const rename = lib.fileSystem.rename;
      lib.fileSystem.rename = async () => {
        throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      };
      try {
        const ws = await rawClient(`${sys.url}/NOSPACE`, ['ocpp1.6']);
        ws.send(
          JSON.stringify([2, 'st', 'StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: new Date().toISOString() }]),
        );
        assert.deepStrictEqual((await ws.nextJson()).slice(0, 3), [4, 'st', 'InternalError']);
        assert.ok(errors.some((m) => /disk full/.test(m)));
        // the disk comes back: the next start gets an id, and it is reserved on disk
        lib.fileSystem.rename = rename;
        ws.send(
          JSON.stringify([
            2,
            'st2',
            'StartTransaction',
            { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: new Date().toISOString() },
          ]),
        );
        const answer = await ws.nextJson();
        assert.deepStrictEqual(answer.slice(0, 2), [3, 'st2']);
        assert.ok(JSON.parse(fs.readFileSync(file, 'utf8')).transactionIdReserved >= answer[2].transactionId);
      } finally {
        lib.fileSystem.rename = rename;
        await closeAllClients();
        await sys.cs.close();
      }
    });
  });

  describe('the failed-login throttle', function () {
    let sys;
    afterEach(async function () {
      await closeAllClients();
      if (sys) await sys.cs.close();
      sys = null;
    });
    const pace = { freeAttempts: 2, baseDelayMs: 40, maxDelayMs: 160, maxWaiting: 5, forgetMs: 60000 };

    /** One handshake with Basic credentials; resolves with its status and when it was answered. */
    function attempt(url, id, password) {
      return new Promise((resolve) => {
        const ws = new WebSocket(`${url}/${id}`, ['ocpp1.6'], {
          headers: { authorization: `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}` },
        });
        ws.once('open', () => {
          resolve({ status: 101, at: Date.now() });
          ws.terminate();
        });
        ws.once('unexpected-response', (_req, res) => {
          resolve({ status: res.statusCode, at: Date.now() });
          res.destroy();
        });
        ws.once('error', () => resolve({ status: 0, at: Date.now() }));
      });
    }

    it('counts attempts in parallel one after another, and answers 429 beyond what may wait', async function () {
      sys = await startSystem({ security: 'basic', throttle: pace });
      await sys.cs.approve('REAL', 'right');
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 12 }, () => attempt(sys.url, 'REAL', 'wrong')));
      const refused = results.filter((r) => r.status === 429);
      const denied = results.filter((r) => r.status === 401).sort((a, b) => a.at - b.at);
      // two checked at once (free attempts), five waiting their turn, five more refused at once
      assert.strictEqual(refused.length, 5, JSON.stringify(results));
      assert.strictEqual(denied.length, 7);
      for (const r of refused) assert.ok(r.at - started < 500, 'a refused attempt is answered at once');
      // after the free two, each waits its delay after the previous answer: 40, 80, 160, 160, 160 ms
      const delays = [40, 80, 160, 160, 160];
      for (let i = 2; i < denied.length; i++) {
        const gap = denied[i].at - denied[i - 1].at;
        assert.ok(gap >= delays[i - 2] - 5, `attempt ${i + 1} came ${gap} ms after the one before, expected at least ${delays[i - 2]}`);
      }
      assert.ok(denied[6].at - started >= 600 - 10, `seven wrong attempts took only ${denied[6].at - started} ms`);
      assert.strictEqual(sys.cs.endpoint.throttleFailures('127.0.0.1', 'REAL'), 7);
    });

    it('is not reset by a successful login, not even of another station', async function () {
      sys = await startSystem({ security: 'basic', throttle: pace });
      await sys.cs.approve('REAL', 'right');
      for (let i = 0; i < 5; i++) assert.strictEqual((await attempt(sys.url, 'REAL', 'wrong')).status, 401);
      // with auto-approve anyone can log in as a new station, with any password
      assert.strictEqual((await attempt(sys.url, 'NEWCOMER', 'anything')).status, 101);
      assert.strictEqual((await attempt(sys.url, 'REAL', 'right')).status, 101);
      const before = Date.now();
      assert.strictEqual((await attempt(sys.url, 'REAL', 'wrong')).status, 401);
      assert.ok(Date.now() - before >= 155, `the next wrong attempt was answered after ${Date.now() - before} ms`);
      assert.strictEqual(sys.cs.endpoint.throttleFailures('127.0.0.1', 'REAL'), 6);
    });

    it('forgets an address after a quiet time without failures', async function () {
      // four free attempts; a fifth would wait 3 s unless the address was forgotten
      sys = await startSystem({
        security: 'basic',
        throttle: { ...pace, freeAttempts: 4, baseDelayMs: 3000, maxDelayMs: 3000, forgetMs: 300 },
      });
      await sys.cs.approve('REAL', 'right');
      for (let i = 0; i < 4; i++) assert.strictEqual((await attempt(sys.url, 'REAL', 'wrong')).status, 401);
      assert.strictEqual(sys.cs.endpoint.throttleFailures('127.0.0.1', 'REAL'), 4);
      await delay(350);
      assert.strictEqual(sys.cs.endpoint.throttleFailures('127.0.0.1', 'REAL'), 0);
      const before = Date.now();
      assert.strictEqual((await attempt(sys.url, 'REAL', 'wrong')).status, 401);
      assert.ok(Date.now() - before < 2000, `answered after ${Date.now() - before} ms: the address was not forgotten`);
      assert.strictEqual(sys.cs.endpoint.throttleFailures('127.0.0.1', 'REAL'), 1);
    });

    it('slows down only the station guessed at: a reconnect storm of other stations from the same address all get in', async function () {
      sys = await startSystem({ security: 'basic', throttle: pace });
      await sys.cs.approve('REAL', 'right');
      const ids = Array.from({ length: 40 }, (_, i) => `PARK${i}`);
      for (const id of ids) await sys.cs.approve(id, `pw-${id}`);
      for (let i = 0; i < 5; i++) assert.strictEqual((await attempt(sys.url, 'REAL', 'wrong')).status, 401);
      // behind one NAT or proxy: all 40 at once, with the right passwords
      const started = Date.now();
      const results = await Promise.all(ids.map((id) => attempt(sys.url, id, `pw-${id}`)));
      assert.deepStrictEqual(
        results.map((r) => r.status),
        Array(40).fill(101),
      );
      assert.ok(Date.now() - started < 8000, `the storm took ${Date.now() - started} ms`);
      assert.strictEqual(sys.cs.endpoint.throttleFailures('127.0.0.1', 'REAL'), 5);
    });

    it('bounds what one address holds open over all station ids', async function () {
      sys = await startSystem({
        security: 'basic',
        throttle: { ...pace, freeAttempts: 1, maxWaitingPerAddress: 6, baseDelayMs: 300, maxDelayMs: 300 },
      });
      for (let i = 0; i < 4; i++) await sys.cs.approve(`S${i}`, 'right');
      // one failure each: every further attempt for them waits its 300 ms turn
      for (let i = 0; i < 4; i++) assert.strictEqual((await attempt(sys.url, `S${i}`, 'wrong')).status, 401);
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => attempt(sys.url, `S${i % 4}`, 'wrong')));
      const refused = results.filter((r) => r.status === 429).length;
      assert.ok(refused >= 16 - 4 - 6 && refused <= 16 - 4, `${refused} of 16 refused at once`);
    });

    it('holds no turn for stations that need no password', async function () {
      sys = await startSystem({ security: 'none', throttle: pace });
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(sys.url, `OPEN${i}`, 'x')));
      assert.deepStrictEqual(
        results.map((r) => r.status),
        Array(40).fill(101),
      );
    });
  });

  describe('station ids with control characters', function () {
    let sys;
    afterEach(async function () {
      await closeAllClients();
      if (sys) await sys.cs.close();
      sys = null;
    });

    /** A handshake with the path exactly as given (no URL normalisation of dot segments). */
    function upgrade(port, pathname) {
      return new Promise((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port,
          path: pathname,
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
            'Sec-WebSocket-Protocol': 'ocpp1.6',
          },
        });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(res.statusCode);
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.end();
      });
    }

    it('are refused with HTTP 400; "." and ".." stay valid ids that name no file', async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-ids-'));
      try {
        sys = await startSystem({ registryFile: path.join(dir, 'registry.json') });
        for (const bad of ['%00', 'CP%00', '%01', 'CP%0A1', '%0D', '%1F', 'A%7FB', '%09']) {
          assert.strictEqual(await upgrade(sys.port, `/ocpp/${bad}`), 400, bad);
        }
        for (const id of ['.', '..']) {
          assert.strictEqual(await upgrade(sys.port, `/ocpp/${id}`), 101, id);
          await until(() => sys.cs.registry.has(id), `station ${id} in the registry`);
        }
        assert.strictEqual(await upgrade(sys.port, '/ocpp/%2E%2E'), 101);
        await sys.cs.registry.flush();
        assert.deepStrictEqual(
          fs.readdirSync(dir).filter((f) => !f.startsWith('.')),
          ['registry.json'],
        );
        assert.strictEqual(lib.isValidStationId('CP\u0000'), false);
        assert.strictEqual(lib.isValidStationId('CP\u007f'), false);
        assert.strictEqual(lib.isValidStationId('Wallbox ü 7'), true);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

module.exports = { nested };
