'use strict';
// Charging sessions: records built from real strict stations' transactions, kept in the
// interface's month files across restarts, crashes and retention, and exported as CSV.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const lib = require('../dist/lib');
const { startSystem: startSystemOf, station, closeAllClients, waitFor, until, boot16, boot201 } = require('./support');

const { FileSessionStore, sessionsCsv } = lib;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** support's central system, with its registry and sessions in `dir`. */
function startSystem(dir, options = {}) {
  return startSystemOf({ registryFile: path.join(dir, 'iface.json'), sessionsDir: path.join(dir, 'iface.sessions'), ...options });
}

/** Every `session` event of the system, in order. */
function sessionEvents(cs) {
  const events = [];
  cs.on('session', (e) => events.push(e));
  return events;
}

/** The records as the store holds them, read from the files by a fresh store. */
async function storedRecords(dir) {
  const store = new FileSessionStore(path.join(dir, 'iface.sessions'));
  await store.open();
  const all = await store.query({});
  await store.close();
  return all;
}

/** A 2.0.1 energy register sample. */
function energy(timestamp, value, context, unitOfMeasure) {
  const sampledValue = { value, measurand: 'Energy.Active.Import.Register' };
  if (context) sampledValue.context = context;
  if (unitOfMeasure) sampledValue.unitOfMeasure = unitOfMeasure;
  return { timestamp, sampledValue: [sampledValue] };
}

describe('charging sessions', function () {
  this.timeout(30000);
  let dir;
  let sys;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-sessions-'));
  });
  afterEach(async function () {
    await closeAllClients();
    if (sys) await sys.cs.close();
    sys = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('a full 1.6 session', function () {
    it('becomes one completed record, told as sessionStarted and sessionEnded, and stored', async function () {
      sys = await startSystem(dir);
      const events = sessionEvents(sys.cs);
      const cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      await cp.call('BootNotification', boot16);
      const started = await cp.call('StartTransaction', {
        connectorId: 1,
        idTag: 'TAG-A',
        meterStart: 1200,
        timestamp: '2026-11-30T10:00:00Z',
      });
      // the record is stored and told before the station has its transaction id
      assert.strictEqual(events.length, 1);
      const id = events[0].record.id;
      assert.match(id, UUID);
      const active = {
        id,
        station: 'CP16',
        connector: 1,
        transactionId: started.transactionId,
        idTag: 'TAG-A',
        start: '2026-11-30T10:00:00.000Z',
        stop: null,
        meterStart: 1200,
        meterStop: null,
        energy: null,
        duration: null,
        stopReason: null,
        status: 'active',
      };
      assert.deepStrictEqual(events[0], { topic: 'sessionStarted', station: 'CP16', version: 'ocpp1.6', record: active });
      assert.deepStrictEqual(await storedRecords(dir), [active]);

      await cp.call('StopTransaction', {
        transactionId: started.transactionId,
        meterStop: 8450,
        timestamp: '2026-11-30T11:30:15Z',
        reason: 'EVDisconnected',
        idTag: 'TAG-A',
      });
      const ended = {
        ...active,
        stop: '2026-11-30T11:30:15.000Z',
        meterStop: 8450,
        energy: 7250,
        duration: 5415,
        stopReason: 'EVDisconnected',
        status: 'completed',
      };
      assert.strictEqual(events.length, 2);
      assert.deepStrictEqual(events[1], { topic: 'sessionEnded', station: 'CP16', version: 'ocpp1.6', record: ended });
      assert.deepStrictEqual(await sys.cs.querySessions({}), [ended]);
      // one line per change, in the month of the start, no station id in any file name
      const files = fs.readdirSync(path.join(dir, 'iface.sessions'));
      assert.deepStrictEqual(files, ['2026-11.jsonl']);
      const lines = fs.readFileSync(path.join(dir, 'iface.sessions', '2026-11.jsonl'), 'utf8').split('\n');
      assert.deepStrictEqual(
        lines.map((l) => l && JSON.parse(l)),
        [active, ended, ''],
      );
      // opening compacts: the last version of each record is left
      assert.deepStrictEqual(await storedRecords(dir), [ended]);
      assert.strictEqual(fs.readFileSync(path.join(dir, 'iface.sessions', '2026-11.jsonl'), 'utf8'), JSON.stringify(ended) + '\n');
    });

    it('takes the reason Local where StopTransaction leaves it out, and kWh readings from transactionData', async function () {
      sys = await startSystem(dir);
      const cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      const ended = waitFor(sys.cs, 'session', (e) => e.topic === 'sessionEnded');
      // Start not seen: the meter start comes from the Transaction.Begin reading, but the record stays incomplete
      await cp.call('StopTransaction', {
        transactionId: 4711,
        meterStop: 20000,
        timestamp: '2026-11-30T12:00:00Z',
        transactionData: [
          { timestamp: '2026-11-30T11:00:00Z', sampledValue: [{ value: '12.5', context: 'Transaction.Begin', unit: 'kWh' }] },
          {
            timestamp: '2026-11-30T12:00:00Z',
            sampledValue: [{ value: '20000', context: 'Transaction.End', measurand: 'Energy.Active.Import.Register' }],
          },
        ],
      });
      const { record } = await ended;
      assert.deepStrictEqual(
        { ...record, id: null },
        {
          id: null,
          station: 'CP16',
          connector: null,
          transactionId: 4711,
          idTag: null,
          start: null,
          stop: '2026-11-30T12:00:00.000Z',
          meterStart: 12500,
          meterStop: 20000,
          energy: 7500,
          duration: null,
          stopReason: 'Local',
          status: 'incomplete',
        },
      );
    });
  });

  describe('a full 2.0.1 session', function () {
    it('takes meter start and stop from the Transaction.Begin / End readings, with units and multipliers in Wh', async function () {
      sys = await startSystem(dir);
      const events = sessionEvents(sys.cs);
      const cs201 = await station(sys.url, 'CS201', ['ocpp2.0.1']);
      await cs201.call('BootNotification', boot201);
      await cs201.call('TransactionEvent', {
        eventType: 'Started',
        timestamp: '2026-11-30T08:00:00.000Z',
        triggerReason: 'CablePluggedIn',
        seqNo: 0,
        transactionInfo: { transactionId: 'tx-1' },
        evse: { id: 2, connectorId: 1 },
        meterValue: [energy('2026-11-30T08:00:00.000Z', 1.5, 'Transaction.Begin', { unit: 'kWh' })],
      });
      assert.strictEqual(events.length, 1);
      const id = events[0].record.id;
      const active = {
        id,
        station: 'CS201',
        connector: 2,
        transactionId: 'tx-1',
        idTag: null,
        start: '2026-11-30T08:00:00.000Z',
        stop: null,
        meterStart: 1500,
        meterStop: null,
        energy: null,
        duration: null,
        stopReason: null,
        status: 'active',
      };
      assert.deepStrictEqual(events[0], { topic: 'sessionStarted', station: 'CS201', version: 'ocpp2.0.1', record: active });
      // the id token arrives with authorisation, readings on the way do not move the meter start
      await cs201.call('TransactionEvent', {
        eventType: 'Updated',
        timestamp: '2026-11-30T08:00:30.000Z',
        triggerReason: 'Authorized',
        seqNo: 1,
        transactionInfo: { transactionId: 'tx-1' },
        idToken: { idToken: 'RFID-7', type: 'ISO14443' },
      });
      await cs201.call('TransactionEvent', {
        eventType: 'Updated',
        timestamp: '2026-11-30T09:00:00.000Z',
        triggerReason: 'MeterValuePeriodic',
        seqNo: 2,
        transactionInfo: { transactionId: 'tx-1' },
        meterValue: [energy('2026-11-30T09:00:00.000Z', 5000, 'Sample.Periodic')],
      });
      assert.deepStrictEqual(await sys.cs.querySessions({}), [{ ...active, idTag: 'RFID-7' }]);
      await cs201.call('TransactionEvent', {
        eventType: 'Ended',
        timestamp: '2026-11-30T10:00:00.000Z',
        triggerReason: 'EVCommunicationLost',
        seqNo: 3,
        transactionInfo: { transactionId: 'tx-1', stoppedReason: 'EVDisconnected' },
        meterValue: [energy('2026-11-30T10:00:00.000Z', 9.7, 'Transaction.End', { unit: 'Wh', multiplier: 3 })],
      });
      const ended = {
        ...active,
        idTag: 'RFID-7',
        stop: '2026-11-30T10:00:00.000Z',
        meterStop: 9700,
        energy: 8200,
        duration: 7200,
        stopReason: 'EVDisconnected',
        status: 'completed',
      };
      assert.deepStrictEqual(
        events.map((e) => e.topic),
        ['sessionStarted', 'sessionEnded'],
      );
      assert.deepStrictEqual(events[1].record, ended);
      assert.deepStrictEqual(await storedRecords(dir), [ended]);
    });

    it('takes the first and the last reading where none has a Begin / End context; none at all: incomplete', async function () {
      sys = await startSystem(dir);
      const cs201 = await station(sys.url, 'CS201', ['ocpp2.0.1']);
      const send = (eventType, seqNo, timestamp, transactionId, extra = {}) =>
        cs201.call('TransactionEvent', {
          eventType,
          timestamp,
          triggerReason: 'MeterValuePeriodic',
          seqNo,
          transactionInfo: { transactionId, ...(extra.info || {}) },
          ...(extra.body || {}),
        });
      await send('Started', 0, '2026-11-30T08:00:00Z', 'a', { body: { evse: { id: 1 } } });
      await send('Updated', 1, '2026-11-30T08:15:00Z', 'a', { body: { meterValue: [energy('2026-11-30T08:15:00Z', 100)] } });
      await send('Updated', 2, '2026-11-30T08:30:00Z', 'a', { body: { meterValue: [energy('2026-11-30T08:30:00Z', 600)] } });
      await send('Ended', 3, '2026-11-30T08:45:00Z', 'a', { body: { meterValue: [energy('2026-11-30T08:45:00Z', 2100)] } });
      await send('Started', 0, '2026-11-30T09:00:00Z', 'b', { body: { evse: { id: 1 } } });
      await send('Ended', 1, '2026-11-30T09:10:00Z', 'b', { info: { stoppedReason: 'Remote' } });
      const [b, a] = await sys.cs.querySessions({});
      assert.deepStrictEqual(
        [a.meterStart, a.meterStop, a.energy, a.duration, a.stopReason, a.status],
        [100, 2100, 2000, 2700, 'Local', 'completed'],
      );
      assert.deepStrictEqual(
        [b.meterStart, b.meterStop, b.energy, b.duration, b.stopReason, b.status],
        [null, null, null, 600, 'Remote', 'incomplete'],
      );
    });
  });

  describe('what real stations do', function () {
    it("a session sent late from the offline queue keeps the station's times", async function () {
      sys = await startSystem(dir);
      const events = sessionEvents(sys.cs);
      const cs201 = await station(sys.url, 'CS201', ['ocpp2.0.1']);
      const offline = (eventType, seqNo, timestamp, extra) =>
        cs201.call('TransactionEvent', {
          eventType,
          timestamp,
          triggerReason: 'MeterValuePeriodic',
          seqNo,
          offline: true,
          transactionInfo: { transactionId: 'off-1' },
          ...extra,
        });
      await offline('Started', 0, '2026-11-29T22:00:00+01:00', {
        evse: { id: 1 },
        idToken: { idToken: 'T9', type: 'ISO14443' },
        meterValue: [energy('2026-11-29T22:00:00+01:00', 40000, 'Transaction.Begin')],
      });
      await offline('Updated', 1, '2026-11-29T22:30:00+01:00', { meterValue: [energy('2026-11-29T22:30:00+01:00', 43000)] });
      await offline('Ended', 2, '2026-11-29T23:00:00+01:00', {
        meterValue: [energy('2026-11-29T23:00:00+01:00', 47000, 'Transaction.End')],
      });
      await until(() => events.length === 2, 'both session events');
      assert.deepStrictEqual(
        { ...events[1].record, id: null },
        {
          id: null,
          station: 'CS201',
          connector: 1,
          transactionId: 'off-1',
          idTag: 'T9',
          start: '2026-11-29T21:00:00.000Z',
          stop: '2026-11-29T22:00:00.000Z',
          meterStart: 40000,
          meterStop: 47000,
          energy: 7000,
          duration: 3600,
          stopReason: 'Local',
          status: 'completed',
        },
      );
      assert.strictEqual(events[0].record.id, events[1].record.id);
    });

    it('an Ended without a Started seen is incomplete with what is known, and a repeated end changes nothing', async function () {
      sys = await startSystem(dir);
      const events = sessionEvents(sys.cs);
      const cs201 = await station(sys.url, 'CS201', ['ocpp2.0.1']);
      const end = {
        eventType: 'Ended',
        timestamp: '2026-11-30T07:00:00Z',
        triggerReason: 'StopAuthorized',
        seqNo: 9,
        evse: { id: 3 },
        idToken: { idToken: 'LATE', type: 'Central' },
        transactionInfo: { transactionId: 'lost', stoppedReason: 'Local' },
        meterValue: [energy('2026-11-30T07:00:00Z', 3000, 'Transaction.End')],
      };
      await cs201.call('TransactionEvent', end);
      await cs201.call('TransactionEvent', end);
      assert.deepStrictEqual(
        events.map((e) => e.topic),
        ['sessionEnded'],
      );
      assert.deepStrictEqual(
        { ...events[0].record, id: null },
        {
          id: null,
          station: 'CS201',
          connector: 3,
          transactionId: 'lost',
          idTag: 'LATE',
          start: null,
          stop: '2026-11-30T07:00:00.000Z',
          meterStart: 3000,
          meterStop: 3000,
          energy: 0,
          duration: null,
          stopReason: 'Local',
          status: 'incomplete',
        },
      );
      assert.strictEqual((await storedRecords(dir)).length, 1);
    });

    it('a station rebooting mid-session ends it after its reboot', async function () {
      sys = await startSystem(dir);
      const events = sessionEvents(sys.cs);
      let cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      await cp.call('BootNotification', boot16);
      const { transactionId } = await cp.call('StartTransaction', {
        connectorId: 1,
        idTag: 'T1',
        meterStart: 0,
        timestamp: '2026-11-30T10:00:00Z',
      });
      await cp.close({ force: true });
      cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      await cp.call('BootNotification', boot16);
      await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Finishing' });
      await cp.call('StopTransaction', { transactionId, meterStop: 3300, timestamp: '2026-11-30T10:20:00Z', reason: 'Reboot' });
      assert.deepStrictEqual(
        events.map((e) => [e.topic, e.record.status, e.record.stopReason, e.record.energy]),
        [
          ['sessionStarted', 'active', null, null],
          ['sessionEnded', 'completed', 'Reboot', 3300],
        ],
      );
    });

    it('a new transaction on a connector whose previous one never ended closes that one incomplete', async function () {
      sys = await startSystem(dir);
      const events = sessionEvents(sys.cs);
      const cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      const first = await cp.call('StartTransaction', { connectorId: 2, idTag: 'T1', meterStart: 100, timestamp: '2026-11-30T10:00:00Z' });
      const other = await cp.call('StartTransaction', { connectorId: 1, idTag: 'T3', meterStart: 7, timestamp: '2026-11-30T10:01:00Z' });
      const second = await cp.call('StartTransaction', { connectorId: 2, idTag: 'T2', meterStart: 900, timestamp: '2026-11-30T11:00:00Z' });
      await until(() => events.length === 4, 'four session events');
      assert.deepStrictEqual(
        events.map((e) => [e.topic, e.record.transactionId, e.record.status]),
        [
          ['sessionStarted', first.transactionId, 'active'],
          ['sessionStarted', other.transactionId, 'active'],
          ['sessionEnded', first.transactionId, 'incomplete'],
          ['sessionStarted', second.transactionId, 'active'],
        ],
      );
      assert.deepStrictEqual(
        { ...events[2].record, id: null },
        {
          id: null,
          station: 'CP16',
          connector: 2,
          transactionId: first.transactionId,
          idTag: 'T1',
          start: '2026-11-30T10:00:00.000Z',
          stop: null,
          meterStart: 100,
          meterStop: null,
          energy: null,
          duration: null,
          stopReason: null,
          status: 'incomplete',
        },
      );
      const stored = await storedRecords(dir);
      assert.deepStrictEqual(
        stored.map((r) => [r.transactionId, r.status]),
        [
          [second.transactionId, 'active'],
          [other.transactionId, 'active'],
          [first.transactionId, 'incomplete'],
        ],
      );
    });

    it('a restart of the interface in the middle of a session continues it (1.6 and 2.0.1)', async function () {
      sys = await startSystem(dir);
      let cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      let cs201 = await station(sys.url, 'CS201', ['ocpp2.0.1']);
      const { transactionId } = await cp.call('StartTransaction', {
        connectorId: 1,
        idTag: 'T1',
        meterStart: 500,
        timestamp: '2026-11-30T10:00:00Z',
      });
      await cs201.call('TransactionEvent', {
        eventType: 'Started',
        timestamp: '2026-11-30T10:05:00Z',
        triggerReason: 'CablePluggedIn',
        seqNo: 0,
        evse: { id: 1 },
        transactionInfo: { transactionId: 'r-1' },
        meterValue: [energy('2026-11-30T10:05:00Z', 2000, 'Transaction.Begin')],
      });
      const before = await sys.cs.querySessions({});
      await closeAllClients();
      await sys.cs.close();
      sys = await startSystem(dir);
      const events = sessionEvents(sys.cs);
      cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      cs201 = await station(sys.url, 'CS201', ['ocpp2.0.1']);
      await cp.call('StopTransaction', { transactionId, meterStop: 1500, timestamp: '2026-11-30T10:30:00Z' });
      await cs201.call('TransactionEvent', {
        eventType: 'Ended',
        timestamp: '2026-11-30T10:35:00Z',
        triggerReason: 'EVCommunicationLost',
        seqNo: 1,
        transactionInfo: { transactionId: 'r-1', stoppedReason: 'EVDisconnected' },
        meterValue: [energy('2026-11-30T10:35:00Z', 2600, 'Transaction.End')],
      });
      assert.deepStrictEqual(
        events.map((e) => e.topic),
        ['sessionEnded', 'sessionEnded'],
      );
      const [r201, r16] = await sys.cs.querySessions({});
      assert.deepStrictEqual(r16, {
        ...before[1],
        stop: '2026-11-30T10:30:00.000Z',
        meterStop: 1500,
        energy: 1000,
        duration: 1800,
        stopReason: 'Local',
        status: 'completed',
      });
      assert.deepStrictEqual(r201, {
        ...before[0],
        stop: '2026-11-30T10:35:00.000Z',
        meterStop: 2600,
        energy: 600,
        duration: 1800,
        stopReason: 'EVDisconnected',
        status: 'completed',
      });
    });
  });

  describe('a session listener that throws', function () {
    it('is logged; the station still gets its answer and the record is stored', async function () {
      const errors = [];
      sys = await startSystem(dir, { log: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) } });
      sys.cs.on('session', () => {
        throw new Error('flow fault');
      });
      const cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      const { transactionId } = await cp.call('StartTransaction', {
        connectorId: 1,
        idTag: 'T',
        meterStart: 0,
        timestamp: '2026-11-30T10:00:00Z',
      });
      assert.ok(Number.isInteger(transactionId));
      assert.deepStrictEqual(errors, ['a listener of the session event failed: flow fault']);
      assert.deepStrictEqual(
        (await sys.cs.querySessions({})).map((r) => [r.transactionId, r.status]),
        [[transactionId, 'active']],
      );
    });
  });

  describe('sessions that cannot be written', function () {
    it('still let the station have its answer, and the failure is logged', async function () {
      const errors = [];
      const blocked = path.join(dir, 'not-a-folder');
      fs.writeFileSync(blocked, 'a file where the sessions folder should be');
      sys = await startSystem(dir, { sessionsDir: blocked, log: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) } });
      const cp = await station(sys.url, 'CP16', ['ocpp1.6']);
      const { transactionId } = await cp.call('StartTransaction', {
        connectorId: 1,
        idTag: 'T',
        meterStart: 0,
        timestamp: '2026-11-30T10:00:00Z',
      });
      assert.ok(Number.isInteger(transactionId));
      await cp.call('StopTransaction', { transactionId, meterStop: 10, timestamp: '2026-11-30T10:10:00Z' });
      assert.ok(
        errors.some((m) => /^sessions could not be read/.test(m)),
        errors.join('\n'),
      );
      assert.ok(
        errors.some((m) => /could not be stored/.test(m)),
        errors.join('\n'),
      );
    });
  });

  describe('reading a range', function () {
    it('gives the sessions whose start lies in [from, to), optionally of one station, newest first', async function () {
      const store = new FileSessionStore(path.join(dir, 's'));
      await store.open();
      const rec = (id, station, start) => ({
        id,
        station,
        connector: 1,
        transactionId: 1,
        idTag: null,
        start,
        stop: null,
        meterStart: null,
        meterStop: null,
        energy: null,
        duration: null,
        stopReason: null,
        status: 'active',
      });
      const all = [
        rec('a', 'X', '2026-09-30T23:59:59.999Z'),
        rec('b', 'Y', '2026-10-01T00:00:00.000Z'),
        rec('c', 'X', '2026-10-15T00:00:00.000Z'),
        rec('d', 'X', '2026-10-31T23:59:59.999Z'),
        rec('e', 'X', '2026-11-01T00:00:00.000Z'),
      ];
      await Promise.all(all.map((r) => store.put(r)));
      const ids = async (q) => (await store.query(q)).map((r) => r.id);
      assert.deepStrictEqual(await ids({ from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }), ['d', 'c', 'b']);
      assert.deepStrictEqual(await ids({ from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', station: 'X' }), ['d', 'c']);
      assert.deepStrictEqual(await ids({ to: '2026-10-15T00:00:00Z' }), ['b', 'a']);
      assert.deepStrictEqual(await ids({ limit: 2 }), ['e', 'd']);
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, 's')).sort(), ['2026-09.jsonl', '2026-10.jsonl', '2026-11.jsonl']);
      await store.close();
    });
  });

  describe('retention', function () {
    it('drops records whose start is older than the retention, at open and by the daily compaction', async function () {
      let now = Date.parse('2026-12-01T00:00:00Z');
      const rec = (id, start) => ({
        id,
        station: 'X',
        connector: 1,
        transactionId: 1,
        idTag: null,
        start,
        stop: start,
        meterStart: 0,
        meterStop: 1,
        energy: 1,
        duration: 0,
        stopReason: 'Local',
        status: 'completed',
      });
      const store = new FileSessionStore(path.join(dir, 's'), { retentionDays: 30, now: () => now });
      await store.open();
      for (const r of [rec('old', '2026-10-15T00:00:00Z'), rec('edge', '2026-11-01T00:00:00Z'), rec('new', '2026-11-20T00:00:00Z')])
        await store.put(r);
      await store.close();
      const reopened = new FileSessionStore(path.join(dir, 's'), { retentionDays: 30, now: () => now });
      await reopened.open();
      assert.deepStrictEqual(
        (await reopened.query({})).map((r) => r.id),
        ['new', 'edge'],
      );
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, 's')), ['2026-11.jsonl']);
      now = Date.parse('2026-12-05T00:00:00Z');
      await reopened.compact();
      assert.deepStrictEqual(
        (await reopened.query({})).map((r) => r.id),
        ['new'],
      );
      await reopened.close();
    });

    it('keeps 400 days by default', async function () {
      const now = Date.parse('2026-12-01T00:00:00Z');
      const rec = (id, start) => ({
        id,
        station: 'X',
        connector: 1,
        transactionId: 1,
        idTag: null,
        start,
        stop: start,
        meterStart: 0,
        meterStop: 1,
        energy: 1,
        duration: 0,
        stopReason: 'Local',
        status: 'completed',
      });
      const store = new FileSessionStore(path.join(dir, 's'), { now: () => now });
      await store.open();
      await store.put(rec('401', new Date(now - 401 * 86400000).toISOString()));
      await store.put(rec('399', new Date(now - 399 * 86400000).toISOString()));
      await store.compact();
      assert.deepStrictEqual(
        (await store.query({})).map((r) => r.id),
        ['399'],
      );
      await store.close();
    });
  });

  describe('a record a crash cut short', function () {
    it('is skipped, everything before it is kept, and the next record starts on a fresh line', async function () {
      const folder = path.join(dir, 's');
      fs.mkdirSync(folder);
      const a = {
        id: 'a',
        station: 'X',
        connector: 1,
        transactionId: 1,
        idTag: null,
        start: '2026-11-02T00:00:00.000Z',
        stop: null,
        meterStart: 0,
        meterStop: null,
        energy: null,
        duration: null,
        stopReason: null,
        status: 'active',
      };
      const b = { ...a, id: 'b', start: '2026-11-03T00:00:00.000Z' };
      const file = path.join(folder, '2026-11.jsonl');
      fs.writeFileSync(
        file,
        JSON.stringify(a) + '\n' + JSON.stringify(b) + '\n' + JSON.stringify({ ...b, status: 'completed' }).slice(0, 60),
      );
      const warnings = [];
      const store = new FileSessionStore(folder, { log: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} } });
      const active = await store.open();
      assert.deepStrictEqual(
        active.map((r) => r.id),
        ['a', 'b'],
      );
      assert.strictEqual(warnings.length, 1);
      assert.match(warnings[0], /1 torn record/);
      const c = { ...a, id: 'c', start: '2026-11-04T00:00:00.000Z' };
      await store.put(c);
      assert.deepStrictEqual(fs.readFileSync(file, 'utf8'), [a, b, c].map((r) => JSON.stringify(r) + '\n').join(''));
      await store.close();
    });
  });

  describe('CSV', function () {
    it("has a header line, ISO times and Wh, and a cell that would start a formula prefixed with '", function () {
      const records = [
        {
          id: 'r1',
          station: 'CP1',
          connector: 1,
          transactionId: 17,
          idTag: '=HYPERLINK("http://x")',
          start: '2026-11-30T10:00:00.000Z',
          stop: '2026-11-30T11:00:00.000Z',
          meterStart: 100,
          meterStop: 7300,
          energy: 7200,
          duration: 3600,
          stopReason: 'Local',
          status: 'completed',
        },
        {
          id: 'r2',
          station: 'CP2',
          connector: null,
          transactionId: 'tx,1',
          idTag: '+1',
          start: null,
          stop: '2026-11-30T09:00:00.000Z',
          meterStart: 500,
          meterStop: 400,
          energy: -100,
          duration: null,
          stopReason: '@SUM(A1)',
          status: 'incomplete',
        },
        {
          id: 'r3',
          station: '-CP',
          connector: 2,
          transactionId: 'a"b',
          idTag: null,
          start: '2026-11-29T10:00:00.000Z',
          stop: null,
          meterStart: null,
          meterStop: null,
          energy: null,
          duration: null,
          stopReason: null,
          status: 'active',
        },
      ];
      assert.strictEqual(
        sessionsCsv(records),
        [
          'id,station,connector,transactionId,idTag,start,stop,meterStart,meterStop,energy,duration,stopReason,status',
          'r1,CP1,1,17,"\'=HYPERLINK(""http://x"")",2026-11-30T10:00:00.000Z,2026-11-30T11:00:00.000Z,100,7300,7200,3600,Local,completed',
          "r2,CP2,,\"tx,1\",'+1,,2026-11-30T09:00:00.000Z,500,400,'-100,,'@SUM(A1),incomplete",
          'r3,\'-CP,2,"a""b",,2026-11-29T10:00:00.000Z,,,,,,,active',
          '',
        ].join('\r\n'),
      );
    });
  });
});
