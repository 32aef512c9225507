'use strict';
// The importable example flows, run in a real Node-RED runtime and driven by strict ocpp-rpc stations;
// and the station simulator behind `npm run simulate`.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { helper, useRuntime, inbox } = require('./runtime');
const lib = require('../dist/lib');
const { freePort, station, waitFor, until, delay, boot16, boot201 } = require('./support');

const EXAMPLES = path.join(__dirname, '..', 'examples');
const { coreNode: core } = require('./node-red-under-test');
const NODES = [
  require('../dist/nodes/ocpp-interface.js'),
  require('../dist/nodes/ocpp-in.js'),
  require('../dist/nodes/ocpp-response.js'),
  require('../dist/nodes/ocpp-command.js'),
  require('../dist/nodes/ocpp-channel.js'),
  core('common/20-inject.js'),
  core('common/21-debug.js'),
  core('common/25-catch.js'),
  core('common/90-comment.js'),
  core('function/10-function.js'),
  core('function/15-change.js'),
  core('storage/10-file.js'),
];

function readExample(file) {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
}

/** Loads an example as Node-RED would deploy it, its interface on a port of its own so the test needs no shared server. */
async function loadExample(file, port) {
  const flow = readExample(file);
  const iface = flow.find((n) => n.type === 'ocpp-interface');
  iface.port = String(port);
  const tabs = [...new Set(flow.filter((n) => n.z).map((n) => n.z))].map((id) => ({ id, type: 'tab', label: file }));
  await helper.load(NODES, [...tabs, ...flow]);
  await until(() => helper.getNode(iface.id).state.state === 'listening', `the interface of "${file}" to listen on port ${port}`);
  return {
    url: `ws://127.0.0.1:${port}/ocpp`,
    /** The id of the node of `type` named `name` (names are what a user sees in the editor). */
    id(type, name) {
      const node = flow.find((n) => n.type === type && (name === undefined || n.name === name));
      assert.ok(node, `"${file}" has no ${type} node${name === undefined ? '' : ` named "${name}"`}`);
      return node.id;
    },
  };
}

/** ocpp-rpc hands out objects without a prototype; compare them as plain JSON. */
const plain = (value) => JSON.parse(JSON.stringify(value));

/** Records what a station is asked to do, answering with `answer`. */
function recordCalls(cp, action, answer) {
  const calls = [];
  cp.handle(action, ({ params }) => {
    calls.push(plain(params));
    return typeof answer === 'function' ? answer(params) : answer;
  });
  return calls;
}

const clickInject = (id) => helper.getNode(id).receive({});
const now = () => new Date().toISOString();

describe('example flows', function () {
  let port;
  // every example uses the same interface id: a fresh user dir per test gives each an empty station registry
  useRuntime('ocpp-examples-');
  beforeEach(async function () {
    port = await freePort();
  });

  it("every example imports: an array with one ocpp-interface on Node-RED's own server at /ocpp, both versions, auto-approve, and a comment", function () {
    const files = fs
      .readdirSync(EXAMPLES)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.deepStrictEqual(files, [
      '01 Monitor all stations.json',
      '02 RFID authorisation by flow.json',
      '03 Remote start and stop.json',
      '04 Load management.json',
      '05 Charging park dashboard.json',
      '06 Monthly billing export.json',
    ]);
    let shared;
    for (const file of files) {
      const flow = readExample(file);
      assert.ok(Array.isArray(flow), `${file} is not an array of nodes`);
      const ifaces = flow.filter((n) => n.type === 'ocpp-interface');
      assert.strictEqual(ifaces.length, 1, `${file}: one interface`);
      const iface = ifaces[0];
      assert.strictEqual(iface.port, '', `${file}: shares Node-RED's port`);
      assert.strictEqual(iface.path, '/ocpp');
      assert.strictEqual(iface.autoApprove, true);
      assert.deepStrictEqual(iface.versions, ['ocpp1.6', 'ocpp2.0.1']);
      // the same interface in every example, so importing several of them reuses it instead of clashing on /ocpp
      shared = shared || iface;
      assert.deepStrictEqual(iface, shared, `${file}: the interface differs from the other examples'`);
      assert.ok(
        flow.some((n) => n.type === 'comment' && n.info),
        `${file}: no comment explains it`,
      );
      const ids = new Set(flow.map((n) => n.id));
      assert.strictEqual(ids.size, flow.length, `${file}: duplicate node ids`);
      for (const n of flow) {
        for (const out of n.wires || [])
          for (const target of out) assert.ok(ids.has(target), `${file}: ${n.id} is wired to a missing node ${target}`);
        if (n.interface !== undefined) assert.strictEqual(n.interface, iface.id, `${file}: ${n.type} ${n.id} uses another interface`);
      }
    }
  });

  it('05 Charging park dashboard brings its dashboard config and talks to stations only through channels', function () {
    const flow = readExample('05 Charging park dashboard.json');
    const types = new Set(flow.map((n) => n.type));
    for (const type of ['ui-base', 'ui-page', 'ui-group', 'ui-theme']) assert.ok(types.has(type), `no ${type} node`);
    assert.deepStrictEqual([...types].filter((t) => t.startsWith('ocpp-')).sort(), ['ocpp-channel', 'ocpp-interface']);
    const channels = flow.filter((n) => n.type === 'ocpp-channel');
    assert.deepStrictEqual(
      channels.filter((n) => n.station !== ''),
      [],
      'every channel serves every station',
    );
    assert.deepStrictEqual(channels.map((n) => n.channel).sort(), ['charging', 'connected', 'currentLimit', 'energy', 'power', 'status']);
    const page = flow.find((n) => n.type === 'ui-page');
    assert.strictEqual(flow.find((n) => n.id === page.ui).path, '/dashboard');
    for (const n of flow.filter((w) => w.type.startsWith('ui-') && w.group)) {
      const inPage = flow.some((g) => g.id === n.group && g.type === 'ui-group' && g.page === page.id);
      assert.ok(inPage, `${n.type} ${n.id} is not in a group of the page`);
    }
  });

  describe('01 Monitor all stations', function () {
    it('shows connections and every message of 1.6 and 2.0.1 stations in the debug sidebar', async function () {
      const ex = await loadExample('01 Monitor all stations.json', port);
      const debug = inbox(ex.id('debug'));

      const a = await station(ex.url, 'CP001', ['ocpp1.6']);
      const connected = await debug.next('the connection of CP001');
      assert.strictEqual(connected.topic, 'connected');
      assert.strictEqual(connected.ocpp.station, 'CP001');
      const answer = await a.call('BootNotification', boot16);
      assert.strictEqual(answer.status, 'Accepted');
      const bootMsg = await debug.next('the BootNotification of CP001');
      assert.strictEqual(bootMsg.topic, 'BootNotification');
      assert.deepStrictEqual(bootMsg.payload, boot16);
      assert.strictEqual(bootMsg.ocpp.version, 'ocpp1.6');

      const b = await station(ex.url, 'CP002', ['ocpp2.0.1']);
      assert.strictEqual((await debug.next('the connection of CP002')).ocpp.station, 'CP002');
      await b.call('BootNotification', boot201);
      await b.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
      const boot2 = await debug.next('the BootNotification of CP002');
      assert.deepStrictEqual([boot2.topic, boot2.ocpp.station, boot2.ocpp.version], ['BootNotification', 'CP002', 'ocpp2.0.1']);
      const status = await debug.next('the StatusNotification of CP002');
      assert.strictEqual(status.topic, 'StatusNotification');
      assert.strictEqual(status.payload.connectorStatus, 'Available');
    });
  });

  describe('02 RFID authorisation by flow', function () {
    it('accepts the cards on the allow list and refuses others, for a 1.6 station', async function () {
      const ex = await loadExample('02 RFID authorisation by flow.json', port);
      const decisions = inbox(ex.id('debug', 'decisions'));
      const cp = await station(ex.url, 'CP001', ['ocpp1.6']);
      await cp.call('BootNotification', boot16);
      assert.deepStrictEqual(plain(await cp.call('Authorize', { idTag: 'TAG-ALLOWED' })), { idTagInfo: { status: 'Accepted' } });
      assert.deepStrictEqual(
        plain(await cp.call('Authorize', { idTag: '04a2b3c4' })),
        { idTagInfo: { status: 'Accepted' } },
        'card numbers are compared without regard to case',
      );
      assert.deepStrictEqual(plain(await cp.call('Authorize', { idTag: 'STRANGER' })), { idTagInfo: { status: 'Invalid' } });
      const first = await decisions.next('the first decision');
      assert.strictEqual(first.topic, 'CP001: TAG-ALLOWED');
      assert.deepStrictEqual(plain(first.payload), { idTagInfo: { status: 'Accepted' } });
    });

    it('answers a 2.0.1 station in its own format', async function () {
      const ex = await loadExample('02 RFID authorisation by flow.json', port);
      const cp = await station(ex.url, 'CP201', ['ocpp2.0.1']);
      await cp.call('BootNotification', boot201);
      assert.deepStrictEqual(plain(await cp.call('Authorize', { idToken: { idToken: '04A2B3C4', type: 'ISO14443' } })), {
        idTokenInfo: { status: 'Accepted' },
      });
      assert.deepStrictEqual(plain(await cp.call('Authorize', { idToken: { idToken: 'DEADBEEF', type: 'ISO14443' } })), {
        idTokenInfo: { status: 'Invalid' },
      });
    });
  });

  describe('03 Remote start and stop', function () {
    it('starts and stops a 1.6 station with commands and with the charging channel', async function () {
      const ex = await loadExample('03 Remote start and stop.json', port);
      const answers = inbox(ex.id('debug', 'answers'));
      const errors = inbox(ex.id('debug', 'errors (msg.error.code)'));
      const cp = await station(ex.url, 'CP001', ['ocpp1.6']);
      const starts = recordCalls(cp, 'RemoteStartTransaction', { status: 'Accepted' });
      const stops = recordCalls(cp, 'RemoteStopTransaction', { status: 'Accepted' });
      await cp.call('BootNotification', boot16);
      await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });

      clickInject(ex.id('inject', 'RemoteStartTransaction'));
      const started = await answers.next('the answer to RemoteStartTransaction');
      assert.deepStrictEqual(starts, [{ connectorId: 1, idTag: 'REMOTE' }]);
      assert.deepStrictEqual(started.payload, { status: 'Accepted' });
      assert.strictEqual(started.ocpp.action, 'RemoteStartTransaction');

      const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: 'REMOTE', meterStart: 1000, timestamp: now() });
      await delay(200);
      assert.deepStrictEqual(stops, [], 'a transaction that starts is not stopped by itself');
      clickInject(ex.id('inject', 'RemoteStopTransaction'));
      const stopped = await answers.next('the answer to RemoteStopTransaction');
      assert.deepStrictEqual(stops, [{ transactionId }], 'the stop names the running transaction');
      assert.deepStrictEqual(stopped.payload, { status: 'Accepted' });

      clickInject(ex.id('inject', 'start charging'));
      const channelStart = await answers.next("the charging channel's start result");
      assert.deepStrictEqual(starts[1], { connectorId: 1, idTag: 'REMOTE' });
      assert.deepStrictEqual(channelStart.payload, { accepted: true, status: 'Accepted' });
      clickInject(ex.id('inject', 'stop charging'));
      const channelStop = await answers.next("the charging channel's stop result");
      assert.deepStrictEqual(stops[1], { transactionId });
      assert.deepStrictEqual(channelStop.payload, { accepted: true, status: 'Accepted' });

      // the 2.0.1 row on a 1.6 station
      clickInject(ex.id('inject', 'RequestStartTransaction'));
      const error = await errors.next("the catch node's error for a 2.0.1 command to a 1.6 station");
      assert.strictEqual(error.error.code, 'unknownAction');
      assert.strictEqual(starts.length, 2, 'nothing more was sent to the station');
    });

    it('starts and stops a 2.0.1 station with commands and with the charging channel', async function () {
      const ex = await loadExample('03 Remote start and stop.json', port);
      const answers = inbox(ex.id('debug', 'answers'));
      const cp = await station(ex.url, 'CP001', ['ocpp2.0.1']);
      const starts = recordCalls(cp, 'RequestStartTransaction', { status: 'Accepted' });
      const stops = recordCalls(cp, 'RequestStopTransaction', { status: 'Accepted' });
      await cp.call('BootNotification', boot201);

      clickInject(ex.id('inject', 'RequestStartTransaction'));
      assert.deepStrictEqual((await answers.next('the answer to RequestStartTransaction')).payload, { status: 'Accepted' });
      assert.deepStrictEqual(starts, [{ evseId: 1, idToken: { idToken: 'REMOTE', type: 'Central' }, remoteStartId: 1 }]);

      await cp.call('TransactionEvent', {
        eventType: 'Started',
        timestamp: now(),
        triggerReason: 'RemoteStart',
        seqNo: 0,
        transactionInfo: { transactionId: 'tx-42', chargingState: 'Charging', remoteStartId: 1 },
        idToken: { idToken: 'REMOTE', type: 'Central' },
        evse: { id: 1, connectorId: 1 },
      });
      clickInject(ex.id('inject', 'RequestStopTransaction'));
      assert.deepStrictEqual((await answers.next('the answer to RequestStopTransaction')).payload, { status: 'Accepted' });
      assert.deepStrictEqual(stops, [{ transactionId: 'tx-42' }]);

      clickInject(ex.id('inject', 'stop charging'));
      assert.deepStrictEqual((await answers.next("the charging channel's stop result")).payload, { accepted: true, status: 'Accepted' });
      assert.deepStrictEqual(stops[1], { transactionId: 'tx-42' });
      clickInject(ex.id('inject', 'start charging'));
      assert.deepStrictEqual((await answers.next("the charging channel's start result")).payload, { accepted: true, status: 'Accepted' });
      assert.strictEqual(starts[1].evseId, 1);
      assert.deepStrictEqual(starts[1].idToken, { idToken: 'REMOTE', type: 'Central' });
      assert.ok(Number.isInteger(starts[1].remoteStartId));
    });

    it('sends no stop when no transaction is running, and says so', async function () {
      const ex = await loadExample('03 Remote start and stop.json', port);
      const cp = await station(ex.url, 'CP001', ['ocpp1.6']);
      const stops = recordCalls(cp, 'RemoteStopTransaction', { status: 'Accepted' });
      await cp.call('BootNotification', boot16);
      const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: 'REMOTE', meterStart: 0, timestamp: now() });
      await cp.call('StopTransaction', { transactionId, meterStop: 10, timestamp: now() });
      const fn = helper.getNode(ex.id('function'));
      const warned = waitFor(fn, 'call:warn');
      clickInject(ex.id('inject', 'RemoteStopTransaction'));
      const call = await warned;
      assert.match(String(call.args[0]), /no transaction is running on CP001/);
      await delay(200);
      assert.deepStrictEqual(stops, []);
    });

    it('reports a station that is not there to the catch node with its code', async function () {
      const ex = await loadExample('03 Remote start and stop.json', port);
      const errors = inbox(ex.id('debug', 'errors (msg.error.code)'));
      clickInject(ex.id('inject', 'RemoteStartTransaction'));
      assert.strictEqual((await errors.next('the error for a station never seen')).error.code, 'unknownStation');
      const cp = await station(ex.url, 'CP001', ['ocpp1.6']);
      await cp.call('BootNotification', boot16);
      await cp.close();
      await until(() => !helper.getNode(ex.id('ocpp-interface')).system.isConnected('CP001'), 'CP001 to be gone');
      clickInject(ex.id('inject', 'start charging'));
      assert.strictEqual((await errors.next('the error for a disconnected station')).error.code, 'notConnected');
    });
  });

  describe('04 Load management', function () {
    const limitOf = (p) =>
      p.csChargingProfiles
        ? p.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit
        : p.chargingProfile.chargingSchedule[0].chargingSchedulePeriod[0].limit;
    const last = (list) => limitOf(list[list.length - 1]);

    async function start(file) {
      const ex = await loadExample(file, port);
      const fn = helper.getNode(ex.id('function'));
      // the 32 A inject runs once at start
      await until(() => fn.context().flow.get('siteLimit') === 32, 'the site limit of 32 A');
      return ex;
    }
    async function station16(ex, id) {
      const cp = await station(ex.url, id, ['ocpp1.6']);
      cp.limits = recordCalls(cp, 'SetChargingProfile', { status: 'Accepted' });
      await cp.call('BootNotification', boot16);
      cp.status = (status) => cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status });
      return cp;
    }
    async function station201(ex, id) {
      const cp = await station(ex.url, id, ['ocpp2.0.1']);
      cp.limits = recordCalls(cp, 'SetChargingProfile', { status: 'Accepted' });
      await cp.call('BootNotification', boot201);
      await cp.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
      let seqNo = 0;
      cp.transaction = (eventType, chargingState) =>
        cp.call('TransactionEvent', {
          eventType,
          timestamp: now(),
          triggerReason: 'ChargingStateChanged',
          seqNo: seqNo++,
          transactionInfo: { transactionId: `${id}-tx`, chargingState },
          evse: { id: 1, connectorId: 1 },
        });
      return cp;
    }

    it('shares 32 A between a 1.6 and a 2.0.1 station as they start and stop charging', async function () {
      const ex = await start('04 Load management.json');
      const results = inbox(ex.id('debug', 'limits set'));
      const a = await station16(ex, 'CP-A');
      await a.status('Available');
      await delay(200);
      assert.deepStrictEqual(a.limits, [], 'no limit for a station that does not charge');

      await a.status('Charging');
      await until(() => a.limits.length === 1, 'the first limit of CP-A');
      assert.deepStrictEqual(a.limits[0].connectorId, 0);
      assert.strictEqual(a.limits[0].csChargingProfiles.chargingProfilePurpose, 'ChargePointMaxProfile');
      assert.strictEqual(a.limits[0].csChargingProfiles.chargingSchedule.chargingRateUnit, 'A');
      assert.strictEqual(last(a.limits), 32);
      const result = await results.next('the result of the first limit');
      assert.strictEqual(result.ocpp.station, 'CP-A');
      assert.deepStrictEqual(result.payload, { accepted: true, status: 'Accepted' });

      const b = await station201(ex, 'CP-B');
      await b.transaction('Started', 'Charging');
      await until(() => b.limits.length === 1 && a.limits.length === 2, 'the limits for two charging stations');
      assert.strictEqual(b.limits[0].evseId, 0);
      assert.strictEqual(b.limits[0].chargingProfile.chargingProfilePurpose, 'ChargingStationMaxProfile');
      assert.deepStrictEqual([last(a.limits), last(b.limits)], [16, 16]);

      // CP-A's car is done: its share goes to CP-B, CP-A waits at 6 A for the next car
      await a.status('Finishing');
      await until(() => a.limits.length === 3 && b.limits.length === 2, 'the limits after CP-A stopped');
      assert.deepStrictEqual([last(a.limits), last(b.limits)], [6, 32]);

      clickInject(ex.id('inject', 'site limit 16 A'));
      await until(() => b.limits.length === 3, "CP-B's limit under the new site limit");
      assert.strictEqual(last(b.limits), 16);

      await a.status('Charging');
      await until(() => a.limits.length === 4 && b.limits.length === 4, 'the limits for two stations under 16 A');
      assert.deepStrictEqual([last(a.limits), last(b.limits)], [8, 8]);
      await delay(200);
      assert.deepStrictEqual([a.limits.length, b.limits.length], [4, 4], 'a limit is only sent when it changes');
    });

    it('charges the first stations at 6 A when the limit is too small for all, and pauses the last', async function () {
      const ex = await start('04 Load management.json');
      clickInject(ex.id('inject', 'site limit 16 A'));
      const stations = [];
      for (const id of ['CP-1', 'CP-2', 'CP-3']) {
        const cp = await station16(ex, id);
        await cp.status('Charging');
        await until(() => cp.limits.length >= 1, `a limit for ${id}`);
        stations.push(cp);
      }
      await until(
        () => stations[0].limits.length >= 2 && stations[1].limits.length >= 1 && stations[2].limits.length >= 1,
        'limits for three',
      );
      await delay(100);
      assert.deepStrictEqual(
        stations.map((cp) => last(cp.limits)),
        [8, 8, 0],
      );
    });

    it('gives the share of a station that goes offline to the others', async function () {
      const ex = await start('04 Load management.json');
      const a = await station16(ex, 'CP-A');
      await a.status('Charging');
      const b = await station16(ex, 'CP-B');
      await b.status('Charging');
      await until(() => a.limits.length === 2 && b.limits.length === 1, 'the limits for two');
      assert.deepStrictEqual([last(a.limits), last(b.limits)], [16, 16]);
      await b.close();
      await until(() => a.limits.length === 3, "CP-A's limit after CP-B went offline");
      assert.strictEqual(last(a.limits), 32);
    });
  });

  describe('06 Monthly billing export', function () {
    let dir;
    afterEach(function () {
      delete process.env.OCPP_BILLING_DIR;
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });
    const previousMonth = () => {
      const today = new Date();
      return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    };
    const exported = async (month) => {
      const billing = path.join(dir, `billing-${month}.csv`);
      await until(() => fs.existsSync(billing) && fs.readFileSync(billing, 'utf8').length > 0, 'the billing CSV');
      return fs.readFileSync(billing, 'utf8');
    };

    it("sums the previous month's ended sessions per id tag into a CSV file, kWh with two decimals", async function () {
      dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'ocpp-billing-'));
      process.env.OCPP_BILLING_DIR = dir;
      const ex = await loadExample('06 Monthly billing export.json', port);
      const month = previousMonth();
      const day = (d, h) => `${month}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00.000Z`;

      const a = await station(ex.url, 'CP16', ['ocpp1.6']);
      const charge16 = async (idTag, start, stop, meterStart, meterStop) => {
        const { transactionId } = await a.call('StartTransaction', { connectorId: 1, idTag, meterStart, timestamp: start });
        await a.call('StopTransaction', { transactionId, meterStop, timestamp: stop });
      };
      await charge16('A1', day(3, 8), day(3, 10), 1000, 8250);
      await charge16('A1', day(20, 8), day(20, 9), 8250, 9484);
      await charge16('A1', now(), now(), 9484, 20000); // this month: not in the export
      const b = await station(ex.url, 'CS201', ['ocpp2.0.1']);
      const energy = (timestamp, value, context) => [
        { timestamp, sampledValue: [{ value, context, measurand: 'Energy.Active.Import.Register' }] },
      ];
      await b.call('TransactionEvent', {
        eventType: 'Started',
        timestamp: day(5, 18),
        triggerReason: 'Authorized',
        seqNo: 0,
        evse: { id: 1 },
        idToken: { idToken: '=B2', type: 'ISO14443' },
        transactionInfo: { transactionId: 'b-1' },
        meterValue: energy(day(5, 18), 500, 'Transaction.Begin'),
      });
      await b.call('TransactionEvent', {
        eventType: 'Ended',
        timestamp: day(5, 20),
        triggerReason: 'EVCommunicationLost',
        seqNo: 1,
        transactionInfo: { transactionId: 'b-1' },
        meterValue: energy(day(5, 20), 5506.5, 'Transaction.End'),
      });
      // an end without a start and without a meter reading: counted, but no energy
      await b.call('TransactionEvent', {
        eventType: 'Ended',
        timestamp: day(6, 1),
        triggerReason: 'StopAuthorized',
        seqNo: 7,
        evse: { id: 1 },
        idToken: { idToken: 'C3', type: 'ISO14443' },
        transactionInfo: { transactionId: 'b-2' },
      });

      const lines = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
      await until(() => lines(path.join(dir, `sessions-${month}.jsonl`)).length === 4, "four sessions in the month's file");
      await until(
        () => lines(path.join(dir, `sessions-${new Date().toISOString().slice(0, 7)}.jsonl`)).length === 1,
        "one session in this month's file",
      );
      clickInject(ex.id('inject', 'export now'));
      assert.strictEqual(
        await exported(month),
        [
          'month,idTag,sessions,kWh,sessionsWithoutEnergy',
          `${month},'=B2,1,5.01,0`,
          `${month},A1,2,8.48,0`,
          `${month},C3,1,0.00,1`,
          '',
        ].join('\r\n'),
      );
    });

    it('writes the header alone for a month without sessions', async function () {
      dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'ocpp-billing-'));
      process.env.OCPP_BILLING_DIR = dir;
      const ex = await loadExample('06 Monthly billing export.json', port);
      clickInject(ex.id('inject', 'export now'));
      assert.strictEqual(await exported(previousMonth()), 'month,idTag,sessions,kWh,sessionsWithoutEnergy\r\n');
    });
  });
});

describe('npm run simulate: the station simulator', function () {
  const script = path.join(__dirname, '..', 'scripts', 'simulate.js');
  let system;
  let child;
  let output;

  async function startSimulator(version, id) {
    const port = await freePort();
    system = new lib.CentralSystem({
      versions: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'],
      autoApprove: true,
      security: 'none',
      heartbeatInterval: 60,
      callTimeout: 5,
      unknownIdTags: 'accept',
      path: '/ocpp',
      registryFile: null,
    });
    await system.listen({ port, host: '127.0.0.1' });
    const booted = waitFor(system, 'station', (e) => e.topic === 'BootNotification' && e.station === id, 10000);
    output = '';
    child = spawn(
      process.execPath,
      [script, `ws://127.0.0.1:${port}/ocpp`, '--version', version, '--id', id, '--meter-interval', '0.3', '--max-current', '16'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    return booted;
  }
  const values = (id) => (system.valuesOf(id) || { connectors: {} }).connectors;
  const seen = (what, condition) => until(condition, `${what}; the simulator said:\n${output}`, 8000);

  afterEach(async function () {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    child = null;
    if (system) await system.close();
    system = null;
  });

  it('boots as a 1.6 station, charges on a remote start, follows a current limit and stops', async function () {
    const boot = await startSimulator('1.6', 'SIM16');
    assert.strictEqual(boot.version, 'ocpp1.6');
    assert.strictEqual(boot.payload.chargePointModel, 'Simulator');
    await seen('connector 1 Available', () => values('SIM16')['1'] && values('SIM16')['1'].status === 'Available');

    const start = await system.command('SIM16', 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE' });
    assert.strictEqual(start.payload.status, 'Accepted');
    await seen(
      'charging at 16 A on three phases',
      () => values('SIM16')['1'].status === 'Charging' && values('SIM16')['1'].power === 16 * 230 * 3,
    );
    const tx = values('SIM16')['1'].transaction;
    assert.strictEqual(tx.idTag, 'REMOTE');

    const limit = lib.buildWrite('ocpp1.6', 'currentLimit', 0, 10, { values: { connectors: {} } });
    assert.strictEqual((await system.command('SIM16', limit.action, limit.payload)).payload.status, 'Accepted');
    await seen('power at the 10 A limit', () => values('SIM16')['1'].power === 10 * 230 * 3);
    assert.deepStrictEqual(values('SIM16')['1'].current, [10, 10, 10]);

    assert.strictEqual((await system.command('SIM16', 'RemoteStopTransaction', { transactionId: tx.id })).payload.status, 'Accepted');
    await seen('the transaction to end', () => values('SIM16')['1'].transaction === null);
    assert.ok(values('SIM16')['1'].energy > 0, 'it has charged some energy');
    assert.match(output, /-> BootNotification .* <- \{"status":"Accepted"/, 'each exchange is logged on one line');

    const gone = waitFor(system, 'station', (e) => e.topic === 'disconnected' && e.station === 'SIM16');
    child.kill('SIGTERM');
    const [code] = await Promise.all([new Promise((resolve) => child.once('exit', resolve)), gone]);
    assert.strictEqual(code, 0);
  });

  for (const [version, id] of [
    ['2.0.1', 'SIM201'],
    ['2.1', 'SIM21'],
  ]) {
    it(`boots as a ${version} station and reports a remotely started transaction with TransactionEvent`, async function () {
      await simulate2x(version, id);
    });
  }

  async function simulate2x(version, id) {
    const boot = await startSimulator(version, id);
    assert.strictEqual(boot.version, `ocpp${version}`);
    assert.strictEqual(boot.payload.reason, 'PowerUp');
    await seen('EVSE 1 Available', () => values(id)['1'] && values(id)['1'].status === 'Available');
    const start = await system.command(id, 'RequestStartTransaction', {
      evseId: 1,
      idToken: { idToken: 'REMOTE', type: 'Central' },
      remoteStartId: 7,
    });
    assert.strictEqual(start.payload.status, 'Accepted');
    await seen('charging', () => values(id)['1'] && values(id)['1'].status === 'Charging' && values(id)['1'].power > 0);
    const tx = values(id)['1'].transaction;
    assert.strictEqual(tx.idTag, 'REMOTE');
    assert.strictEqual((await system.command(id, 'RequestStopTransaction', { transactionId: tx.id })).payload.status, 'Accepted');
    await seen('the transaction to end', () => values(id)['1'].transaction === null);
    child.kill('SIGTERM');
    assert.strictEqual(await new Promise((resolve) => child.once('exit', resolve)), 0);
  }
});
