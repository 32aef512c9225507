'use strict';
const assert = require('assert');
const { helper, useRuntime, inbox: collect } = require('./runtime');
const { coreNode } = require('./node-red-under-test');
const { station, until, boot16, boot201 } = require('./support');

const NODES = [require('../dist/nodes/ocpp-interface.js'), require('../dist/nodes/ocpp-channel.js'), coreNode('common/25-catch.js')];

const now = () => new Date().toISOString();

function flow(channels, ifaceExtra = {}) {
  const nodes = [
    {
      id: 'if1',
      type: 'ocpp-interface',
      versions: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'],
      autoApprove: true,
      port: '',
      path: '/ocpp',
      security: 'none',
      heartbeatInterval: 300,
      callTimeout: 3,
      unknownIdTags: 'accept',
      deactivated: false,
      ...ifaceExtra,
    },
    { id: 'catcher', type: 'catch', scope: null, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
  for (const [id, props] of Object.entries(channels)) {
    nodes.push(
      { id, type: 'ocpp-channel', interface: 'if1', station: 'CP', connector: 1, wires: [[`${id}-out`]], ...props },
      { id: `${id}-out`, type: 'helper' },
    );
  }
  return nodes;
}

const load = (f) => new Promise((resolve) => helper.load(NODES, f, resolve));

describe('ocpp-channel: chargers as version-neutral channels', function () {
  const url = useRuntime('ocpp-ch-').sharedUrl;

  describe('read channels', function () {
    it('1.6: status, power (kW → W), energy (kWh → Wh), current per phase, transaction; stale after disconnect', async function () {
      await load(
        flow({
          st: { channel: 'status' },
          pw: { channel: 'power' },
          en: { channel: 'energy' },
          cu: { channel: 'current' },
          tx: { channel: 'transaction' },
        }),
      );
      const [st, pw, en, cu, tx] = ['st', 'pw', 'en', 'cu', 'tx'].map((id) => collect(`${id}-out`));
      const cp = await station(url(), 'CP', ['ocpp1.6']);
      await cp.call('BootNotification', boot16);
      await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
      assert.strictEqual((await st.next()).payload, 'Charging');
      const start = await cp.call('StartTransaction', {
        connectorId: 1,
        idTag: 'RFID1',
        meterStart: 1000,
        timestamp: '2026-11-25T10:00:00.000Z',
      });
      const txMsg = await tx.next();
      assert.deepStrictEqual(txMsg.payload, {
        id: start.transactionId,
        idTag: 'RFID1',
        start: '2026-11-25T10:00:00.000Z',
        meterStart: 1000,
      });
      await cp.call('MeterValues', {
        connectorId: 1,
        transactionId: start.transactionId,
        meterValue: [
          {
            timestamp: now(),
            sampledValue: [
              { value: '7.4', measurand: 'Power.Active.Import', unit: 'kW' },
              { value: '12.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
              { value: '10.1', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
              { value: '10.2', measurand: 'Current.Import', phase: 'L2', unit: 'A' },
              { value: '10.3', measurand: 'Current.Import', phase: 'L3', unit: 'A' },
            ],
          },
        ],
      });
      assert.strictEqual((await pw.next()).payload, 7400);
      assert.strictEqual((await en.next()).payload, 1000, 'meterStart is the first energy reading');
      const energy = await en.next();
      assert.strictEqual(energy.payload, 12500);
      assert.deepStrictEqual(energy.ocpp, {
        interface: 'if1',
        station: 'CP',
        version: 'ocpp1.6',
        action: null,
        messageId: null,
        connector: 1,
        channel: 'energy',
      });
      assert.strictEqual(energy.stale, undefined);
      assert.deepStrictEqual((await cu.next()).payload, [10.1, 10.2, 10.3]);
      await cp.close({ force: true });
      await until(() => !helper.getNode('if1').system.isConnected('CP'), 'disconnect');
      helper.getNode('pw').receive({});
      const stale = await pw.next();
      assert.strictEqual(stale.payload, 7400);
      assert.strictEqual(stale.stale, true);
    });

    it('2.0.1: connector status and charging state combine into the same status words; multiplier applied', async function () {
      await load(
        flow({
          st: { channel: 'status' },
          pw: { channel: 'power' },
          tx: { channel: 'transaction' },
          con: { channel: 'connected', connector: 0 },
        }),
      );
      const [st, pw, tx, con] = ['st', 'pw', 'tx', 'con'].map((id) => collect(`${id}-out`));
      const cp = await station(url(), 'CP', ['ocpp2.0.1']);
      assert.strictEqual((await con.next()).payload, true);
      await cp.call('BootNotification', boot201);
      await cp.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
      assert.strictEqual((await st.next()).payload, 'Preparing');
      await cp.call('TransactionEvent', {
        eventType: 'Started',
        timestamp: '2026-11-25T11:00:00.000Z',
        triggerReason: 'ChargingStateChanged',
        seqNo: 0,
        transactionInfo: { transactionId: 'T-9', chargingState: 'Charging' },
        idToken: { idToken: 'TOKEN', type: 'ISO14443' },
        evse: { id: 1, connectorId: 1 },
        meterValue: [
          {
            timestamp: now(),
            sampledValue: [{ value: 11, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW', multiplier: 0 } }],
          },
        ],
      });
      assert.strictEqual((await st.next()).payload, 'Charging');
      assert.strictEqual((await pw.next()).payload, 11000);
      const t = (await tx.next()).payload;
      assert.strictEqual(t.id, 'T-9');
      assert.strictEqual(t.idTag, 'TOKEN');
      await cp.call('TransactionEvent', {
        eventType: 'Updated',
        timestamp: now(),
        triggerReason: 'MeterValuePeriodic',
        seqNo: 1,
        transactionInfo: { transactionId: 'T-9' },
        meterValue: [
          {
            timestamp: now(),
            sampledValue: [{ value: 72, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 2 } }],
          },
        ],
      });
      assert.strictEqual((await pw.next()).payload, 7200);
      await cp.close({ force: true });
      assert.strictEqual((await con.next()).payload, false);
    });
  });

  it("reports every station's changes from a read channel with no station set", async function () {
    await load(flow({ any: { channel: 'status', station: '' } }));
    const any = collect('any-out');
    const a = await station(url(), 'A', ['ocpp1.6']);
    const b = await station(url(), 'B', ['ocpp2.0.1']);
    await a.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    await b.call('StatusNotification', { timestamp: now(), connectorStatus: 'Faulted', evseId: 1, connectorId: 1 });
    const first = await any.next();
    const second = await any.next();
    assert.deepStrictEqual([first.ocpp.station, first.payload], ['A', 'Available']);
    assert.deepStrictEqual([second.ocpp.station, second.payload], ['B', 'Faulted']);
    helper.getNode('any').receive({ ocpp: { station: 'B' } });
    assert.strictEqual((await any.next()).payload, 'Faulted');
  });

  describe('write channels', function () {
    async function setup(version, handlers) {
      await load(
        flow({
          cl: { channel: 'currentLimit' },
          pl: { channel: 'powerLimit', connector: 0 },
          av: { channel: 'available' },
          ch: { channel: 'charging', idTag: 'NODE-TAG' },
          rs: { channel: 'reset', connector: 0 },
          ul: { channel: 'unlock' },
        }),
      );
      const cp = await station(url(), 'CP', [version]);
      const received = [];
      for (const [action, answer] of Object.entries(handlers)) {
        cp.handle(action, ({ params }) => {
          received.push([action, params]);
          return typeof answer === 'function' ? answer(params) : answer;
        });
      }
      return { cp, received };
    }

    it('1.6: limits set and cleared with a stable profile id, availability, remote start/stop, reset, unlock', async function () {
      const { cp, received } = await setup('ocpp1.6', {
        SetChargingProfile: { status: 'Accepted' },
        ClearChargingProfile: { status: 'Accepted' },
        ChangeAvailability: { status: 'Scheduled' },
        RemoteStartTransaction: { status: 'Accepted' },
        RemoteStopTransaction: { status: 'Rejected' },
        Reset: { status: 'Accepted' },
        UnlockConnector: { status: 'Unlocked' },
      });
      const out = Object.fromEntries(['cl', 'pl', 'av', 'ch', 'rs', 'ul'].map((id) => [id, collect(`${id}-out`)]));
      helper.getNode('cl').receive({ payload: 16 });
      assert.deepStrictEqual((await out.cl.next()).payload, { accepted: true, status: 'Accepted' });
      assert.deepStrictEqual(received.pop(), [
        'SetChargingProfile',
        {
          connectorId: 1,
          csChargingProfiles: {
            chargingProfileId: 7001,
            stackLevel: 0,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Relative',
            chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
          },
        },
      ]);
      helper.getNode('cl').receive({ payload: 10 });
      await out.cl.next();
      assert.strictEqual(received.pop()[1].csChargingProfiles.chargingProfileId, 7001, 'a new limit must replace the old profile');
      helper.getNode('cl').receive({ payload: null });
      await out.cl.next();
      assert.deepStrictEqual(received.pop(), ['ClearChargingProfile', { id: 7001 }]);
      helper.getNode('pl').receive({ payload: 22000 });
      await out.pl.next();
      const pl = received.pop();
      assert.strictEqual(pl[1].connectorId, 0);
      assert.strictEqual(pl[1].csChargingProfiles.chargingProfilePurpose, 'ChargePointMaxProfile');
      assert.strictEqual(pl[1].csChargingProfiles.chargingSchedule.chargingRateUnit, 'W');
      helper.getNode('av').receive({ payload: false });
      assert.deepStrictEqual((await out.av.next()).payload, { accepted: true, status: 'Scheduled' });
      assert.deepStrictEqual(received.pop(), ['ChangeAvailability', { connectorId: 1, type: 'Inoperative' }]);
      helper.getNode('ch').receive({ payload: true, idTag: 'MSG-TAG' });
      await out.ch.next();
      assert.deepStrictEqual(received.pop(), ['RemoteStartTransaction', { connectorId: 1, idTag: 'MSG-TAG' }]);
      const t = await cp.call('StartTransaction', { connectorId: 1, idTag: 'MSG-TAG', meterStart: 0, timestamp: now() });
      helper.getNode('ch').receive({ payload: false });
      assert.deepStrictEqual((await out.ch.next()).payload, { accepted: false, status: 'Rejected' });
      assert.deepStrictEqual(received.pop(), ['RemoteStopTransaction', { transactionId: t.transactionId }]);
      helper.getNode('rs').receive({ payload: 'soft' });
      await out.rs.next();
      assert.deepStrictEqual(received.pop(), ['Reset', { type: 'Soft' }]);
      helper.getNode('ul').receive({ payload: 1 });
      assert.deepStrictEqual((await out.ul.next()).payload, { accepted: true, status: 'Unlocked' });
      assert.deepStrictEqual(received.pop(), ['UnlockConnector', { connectorId: 1 }]);
    });

    // 2.1 takes 2.0.1's commands: the same test, a 2.1 station
    for (const version of ['ocpp2.0.1', 'ocpp2.1']) {
      it(`${version}: the same channels become the 2.0.1 commands`, async function () {
        const { cp, received } = await setup(version, {
          SetChargingProfile: { status: 'Accepted' },
          ClearChargingProfile: { status: 'Unknown' },
          ChangeAvailability: { status: 'Accepted' },
          RequestStartTransaction: { status: 'Accepted' },
          RequestStopTransaction: { status: 'Accepted' },
          Reset: { status: 'Accepted' },
          UnlockConnector: { status: 'Unlocked' },
        });
        const out = Object.fromEntries(['cl', 'pl', 'av', 'ch', 'rs', 'ul'].map((id) => [id, collect(`${id}-out`)]));
        helper.getNode('cl').receive({ payload: 16 });
        await out.cl.next();
        assert.deepStrictEqual(received.pop(), [
          'SetChargingProfile',
          {
            evseId: 1,
            chargingProfile: {
              id: 7001,
              stackLevel: 0,
              chargingProfilePurpose: 'TxDefaultProfile',
              chargingProfileKind: 'Relative',
              chargingSchedule: [{ id: 7001, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }],
            },
          },
        ]);
        helper.getNode('cl').receive({ payload: null });
        assert.deepStrictEqual((await out.cl.next()).payload, { accepted: false, status: 'Unknown' });
        assert.deepStrictEqual(received.pop(), ['ClearChargingProfile', { chargingProfileId: 7001 }]);
        helper.getNode('pl').receive({ payload: 11000 });
        await out.pl.next();
        assert.strictEqual(received.pop()[1].chargingProfile.chargingProfilePurpose, 'ChargingStationMaxProfile');
        helper.getNode('av').receive({ payload: true });
        await out.av.next();
        assert.deepStrictEqual(received.pop(), ['ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 1 } }]);
        helper.getNode('ch').receive({ payload: true });
        await out.ch.next();
        const start = received.pop();
        assert.strictEqual(start[0], 'RequestStartTransaction');
        assert.strictEqual(start[1].evseId, 1);
        assert.deepStrictEqual(start[1].idToken, { idToken: 'NODE-TAG', type: 'Central' });
        assert.ok(Number.isInteger(start[1].remoteStartId));
        await cp.call('TransactionEvent', {
          eventType: 'Started',
          timestamp: now(),
          triggerReason: 'RemoteStart',
          seqNo: 0,
          transactionInfo: { transactionId: 'R-1', chargingState: 'Charging', remoteStartId: start[1].remoteStartId },
          evse: { id: 1, connectorId: 1 },
        });
        helper.getNode('ch').receive({ payload: false });
        await out.ch.next();
        assert.deepStrictEqual(received.pop(), ['RequestStopTransaction', { transactionId: 'R-1' }]);
        helper.getNode('rs').receive({ payload: 'hard' });
        await out.rs.next();
        assert.deepStrictEqual(received.pop(), ['Reset', { type: 'Immediate' }]);
        helper.getNode('ul').receive({ payload: true });
        await out.ul.next();
        assert.deepStrictEqual(received.pop(), ['UnlockConnector', { evseId: 1, connectorId: 1 }]);
      });
    }

    it('reports bad values and a deactivated interface as catchable errors', async function () {
      await load(flow({ cl: { channel: 'currentLimit' } }));
      const caught = collect('caught');
      await station(url(), 'CP', ['ocpp1.6']);
      helper.getNode('cl').receive({ payload: 'lots' });
      assert.strictEqual((await caught.next()).error.code, 'invalidValue');
      await helper.unload();
      await load(flow({ cl: { channel: 'currentLimit' }, pw: { channel: 'power' } }, { deactivated: true }));
      const caught2 = collect('caught');
      helper.getNode('cl').receive({ payload: 10 });
      const err = await caught2.next();
      assert.strictEqual(err.error.code, 'deactivated');
      assert.match(err.error.message, /interface deactivated/);
    });
  });

  it('keeps the last values across a restart and marks them stale until the station is back', async function () {
    await load(flow({ en: { channel: 'energy' } }));
    const first = collect('en-out');
    const cp = await station(url(), 'CP', ['ocpp1.6']);
    await cp.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: now(), sampledValue: [{ value: '4242' }] }] });
    assert.strictEqual((await first.next()).payload, 4242);
    await cp.close({ force: true });
    await helper.unload();
    await load(flow({ en: { channel: 'energy' } }));
    const en = collect('en-out');
    helper.getNode('en').receive({});
    const msg = await en.next();
    assert.strictEqual(msg.payload, 4242);
    assert.strictEqual(msg.stale, true);
    // Deactivated: the last known value, marked stale; a value never seen: nothing.
    await helper.unload();
    await load(flow({ en: { channel: 'energy' }, tx: { channel: 'transaction' }, con: { channel: 'connected' } }, { deactivated: true }));
    const [en2, tx2, con2] = ['en', 'tx', 'con'].map((id) => collect(`${id}-out`));
    const statuses = [];
    helper.getNode('en').status = (st) => statuses.push(st);
    helper.getNode('en').interfaceChanged(helper.getNode('if1').state);
    assert.strictEqual(statuses.pop().fill, 'grey');
    helper.getNode('en').receive({});
    const deactivated = await en2.next();
    assert.strictEqual(deactivated.payload, 4242);
    assert.strictEqual(deactivated.stale, true);
    helper.getNode('tx').receive({});
    helper.getNode('con').receive({});
    await new Promise((r) => setTimeout(r, 200));
    assert.strictEqual(tx2.items.length + con2.items.length, 0, 'a value that was never known must not be sent');
  });
});
