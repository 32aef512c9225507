'use strict';
// An OCPP 2.1 station against the central system of lib/: strict ocpp-rpc stations, raw ws
// for the RPC framework's CALLRESULTERROR and SEND.
const assert = require('assert');
const lib = require('../dist/lib');
const { startSystem: startSystemOf, station, rawClient, closeAllClients, waitFor, until, boot201 } = require('./support');

const V21 = 'ocpp2.1';

// A 2.1 station from support.js is strict with validators made from the official 2.1 schemas
// under the names ocpp-rpc's strict mode looks for (see strict21Validator there).
function station21(url, id, protocols = [V21]) {
  return station(url, id, protocols);
}

/** support's central system with all three versions, its warnings and errors kept. */
async function startSystem(options = {}) {
  const warnings = [];
  const log = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  return { ...(await startSystemOf({ versions: ['ocpp1.6', 'ocpp2.0.1', V21], log, ...options })), warnings };
}

const now = () => new Date().toISOString();

describe('an OCPP 2.1 station', function () {
  let sys;
  afterEach(async function () {
    await closeAllClients();
    if (sys) await sys.cs.close();
    sys = null;
  });

  it('boots, reports status, runs a transaction with meter values, and its channels follow', async function () {
    sys = await startSystem({ heartbeatInterval: 90 });
    const cp = await station21(sys.url, 'CP21');
    assert.strictEqual(cp.protocol, V21);
    const boot = await cp.call('BootNotification', boot201);
    assert.strictEqual(boot.status, 'Accepted');
    assert.strictEqual(boot.interval, 90);
    assert.deepStrictEqual(
      await cp.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 }),
      {},
    );
    const transactions = [];
    sys.cs.on('transaction', (t) => transactions.push(t));
    const started = await cp.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: '2026-12-01T10:00:00.000Z',
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'tx-21', chargingState: 'Charging' },
      idToken: { idToken: 'TAG21', type: 'ISO14443' },
      evse: { id: 1, connectorId: 1 },
      meterValue: [
        {
          timestamp: '2026-12-01T10:00:00.000Z',
          sampledValue: [
            { value: 1.5, measurand: 'Energy.Active.Import.Register', context: 'Transaction.Begin', unitOfMeasure: { unit: 'kWh' } },
          ],
        },
      ],
    });
    assert.strictEqual(started.idTokenInfo.status, 'Accepted');
    await cp.call('TransactionEvent', {
      eventType: 'Updated',
      timestamp: '2026-12-01T10:05:00.000Z',
      triggerReason: 'MeterValuePeriodic',
      seqNo: 1,
      transactionInfo: { transactionId: 'tx-21', chargingState: 'Charging' },
      meterValue: [
        {
          timestamp: '2026-12-01T10:05:00.000Z',
          sampledValue: [
            { value: 2000, measurand: 'Energy.Active.Import.Register' },
            { value: 11, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } },
            { value: 16, measurand: 'Current.Import', phase: 'L1' },
            { value: 15.5, measurand: 'Current.Import', phase: 'L2' },
            { value: 15, measurand: 'Current.Import', phase: 'L3' },
          ],
        },
      ],
    });
    const values = sys.cs.valuesOf('CP21');
    const read = (connector, channel) => lib.channelValue(values, connector, channel);
    assert.strictEqual(read(1, 'status'), 'Charging');
    assert.strictEqual(read(1, 'energy'), 2000);
    assert.strictEqual(read(1, 'power'), 11000);
    assert.deepStrictEqual(read(1, 'current'), [16, 15.5, 15]);
    assert.deepStrictEqual(read(1, 'transaction'), { id: 'tx-21', idTag: 'TAG21', start: '2026-12-01T10:00:00.000Z', meterStart: 1500 });
    assert.strictEqual(read(0, 'power'), 11000, 'the station total');
    assert.deepStrictEqual(
      sys.cs.registry.openTransactions('CP21').map((t) => t.id),
      ['tx-21'],
    );
    const rec = sys.cs.registry.get('CP21');
    assert.strictEqual(rec.version, V21);
    assert.strictEqual(rec.properties.vendor, 'VendorZ');
    assert.strictEqual(rec.connectors['1'].stationStatus, 'Occupied');
    assert.deepStrictEqual(rec.connectors['1'].connectorIds, [1]);
    assert.deepStrictEqual(
      transactions.map((t) => [t.kind, t.transactionId, t.connector, t.version]),
      [
        ['started', 'tx-21', 1, V21],
        ['updated', 'tx-21', null, V21],
      ],
    );
    assert.deepStrictEqual(transactions[0].energyReadings, [
      { context: 'Transaction.Begin', value: 1500, timestamp: '2026-12-01T10:00:00.000Z' },
    ]);

    await cp.call('TransactionEvent', {
      eventType: 'Ended',
      timestamp: '2026-12-01T10:30:00.000Z',
      triggerReason: 'StopAuthorized',
      seqNo: 2,
      transactionInfo: { transactionId: 'tx-21', stoppedReason: 'Local' },
    });
    assert.strictEqual(read(1, 'transaction'), null);
    assert.strictEqual(read(1, 'power'), 0);
    assert.deepStrictEqual(sys.cs.registry.openTransactions('CP21'), []);
    assert.strictEqual(transactions[2].stopReason, 'Local');
    // the 2.1 session, built by the same tracker as 2.0.1's
    const [session] = await sys.cs.querySessions({ from: null, to: null, station: 'CP21', limit: null });
    assert.strictEqual(session.transactionId, 'tx-21');
    assert.strictEqual(session.status, 'completed');
    assert.strictEqual(session.meterStart, 1500);
    assert.strictEqual(session.meterStop, 2000);
    assert.strictEqual(session.stopReason, 'Local');
  });

  it('takes every write channel as the exact 2.1 command', async function () {
    sys = await startSystem();
    const cp = await station21(sys.url, 'W21');
    const received = [];
    const answer = {
      SetChargingProfile: 'Accepted',
      ClearChargingProfile: 'Accepted',
      ChangeAvailability: 'Scheduled',
      RequestStartTransaction: 'Accepted',
      RequestStopTransaction: 'Rejected',
      Reset: 'Accepted',
      UnlockConnector: 'Unlocked',
    };
    for (const [action, status] of Object.entries(answer)) {
      cp.handle(action, ({ params }) => {
        received.push({ action, params });
        return { status };
      });
    }
    await cp.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: now(),
      triggerReason: 'CablePluggedIn',
      seqNo: 0,
      transactionInfo: { transactionId: 'tx-w' },
      evse: { id: 2, connectorId: 1 },
    });
    const NOW = new Date('2026-12-01T12:00:30.250Z');
    const write = async (channel, connector, value, ctx = {}) => {
      const cmd = lib.buildWrite(V21, channel, connector, value, { values: sys.cs.valuesOf('W21'), now: NOW, remoteStartId: 77, ...ctx });
      const outcome = await sys.cs.command('W21', cmd.action, cmd.payload);
      return lib.interpretResult(V21, cmd.action, outcome.payload);
    };
    assert.deepStrictEqual(await write('currentLimit', 1, 16), { accepted: true, status: 'Accepted' });
    assert.deepStrictEqual(await write('powerLimit', 0, 11000), { accepted: true, status: 'Accepted' });
    assert.deepStrictEqual(await write('currentLimit', 1, null), { accepted: true, status: 'Accepted' });
    assert.deepStrictEqual(await write('available', 1, false), { accepted: true, status: 'Scheduled' });
    assert.deepStrictEqual(await write('charging', 1, true, { idTag: 'RFID-1' }), { accepted: true, status: 'Accepted' });
    assert.deepStrictEqual(await write('charging', 2, false), { accepted: false, status: 'Rejected' });
    assert.deepStrictEqual(await write('reset', 0, 'hard'), { accepted: true, status: 'Accepted' });
    assert.deepStrictEqual(await write('unlock', 1, true), { accepted: true, status: 'Unlocked' });
    assert.deepStrictEqual(received, [
      {
        action: 'SetChargingProfile',
        params: {
          evseId: 1,
          chargingProfile: {
            id: 7001,
            stackLevel: 0,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Relative',
            chargingSchedule: [{ id: 7001, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }],
          },
        },
      },
      {
        action: 'SetChargingProfile',
        params: {
          evseId: 0,
          chargingProfile: {
            id: 8000,
            stackLevel: 1,
            chargingProfilePurpose: 'ChargingStationMaxProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: [
              {
                id: 8000,
                startSchedule: '2026-11-30T12:00:30.000Z',
                chargingRateUnit: 'W',
                chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }],
              },
            ],
          },
        },
      },
      { action: 'ClearChargingProfile', params: { chargingProfileId: 7001 } },
      { action: 'ChangeAvailability', params: { operationalStatus: 'Inoperative', evse: { id: 1 } } },
      { action: 'RequestStartTransaction', params: { evseId: 1, idToken: { idToken: 'RFID-1', type: 'Central' }, remoteStartId: 77 } },
      { action: 'RequestStopTransaction', params: { transactionId: 'tx-w' } },
      { action: 'Reset', params: { type: 'Immediate' } },
      { action: 'UnlockConnector', params: { evseId: 1, connectorId: 1 } },
    ]);
  });

  it('gets a valid answer to the CALLs 2.1 added', async function () {
    sys = await startSystem();
    const cp = await station21(sys.url, 'NEW21');
    // the strict station refuses any answer its official schema does not allow
    assert.deepStrictEqual(await cp.call('NotifyDERAlarm', { controlType: 'FreqDroop', timestamp: now() }), {});
    assert.deepStrictEqual(await cp.call('NotifyPriorityCharging', { transactionId: 'tx-p', activated: true }), {});
    assert.deepStrictEqual(
      await cp.call('NotifySettlement', { pspRef: 'psp-1', status: 'Settled', settlementAmount: 12.5, settlementTime: now() }),
      {},
    );
    assert.deepStrictEqual(
      await cp.call('BatterySwap', {
        eventType: 'BatteryIn',
        requestId: 1,
        idToken: { idToken: 'B', type: 'ISO14443' },
        batteryData: [{ evseId: 1, serialNumber: 'BAT-1', soC: 80, soH: 95 }],
      }),
      {},
    );
    assert.strictEqual((await cp.call('PullDynamicScheduleUpdate', { chargingProfileId: 3 })).status, 'Rejected');
    assert.strictEqual(
      (
        await cp.call('OpenPeriodicEventStream', {
          constantStreamData: { id: 1, variableMonitoringId: 2, params: { interval: 10, values: 5 } },
        })
      ).status,
      'Rejected',
    );
    assert.deepStrictEqual(await cp.call('VatNumberValidation', { vatNumber: 'DE123456789' }), {
      vatNumber: 'DE123456789',
      status: 'Rejected',
    });
    const hash = { hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: '01' };
    const chain = await cp.call('GetCertificateChainStatus', {
      certificateStatusRequests: [{ certificateHashData: hash, source: 'OCSP', urls: ['http://ocsp.example'] }],
    });
    assert.deepStrictEqual(
      chain.certificateStatus.map((s) => [s.status, s.source, s.certificateHashData]),
      [['Failed', 'OCSP', hash]],
    );
  });

  it('handles a SEND without answering it, and refuses SEND and CALLRESULTERROR in 1.6 and 2.0.1', async function () {
    sys = await startSystem();
    const ws = await rawClient(`${sys.url}/SEND21`, [V21]);
    const told = waitFor(sys.cs, 'station', (e) => e.topic === 'NotifyPeriodicEventStream');
    ws.send(JSON.stringify([6, 's-1', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: now(), data: [{ t: 0, v: '230.1' }] }]));
    const event = await told;
    assert.strictEqual(event.version, V21);
    assert.strictEqual(event.payload.data[0].v, '230.1');
    // an invalid SEND is dropped and logged, not answered
    ws.send(JSON.stringify([6, 's-2', 'NotifyPeriodicEventStream', { id: 'one' }]));
    ws.send(JSON.stringify([2, 'c-1', 'Heartbeat', {}]));
    const first = await ws.nextJson();
    assert.deepStrictEqual([first[0], first[1]], [3, 'c-1'], "the first answer is the Heartbeat's: no SEND was answered");
    await until(() => sys.warnings.some((w) => /invalid NotifyPeriodicEventStream/.test(w)), 'warning about the invalid SEND');

    for (const [version, code] of [
      ['ocpp1.6', 'FormationViolation'],
      ['ocpp2.0.1', 'MessageTypeNotSupported'],
    ]) {
      const old = await rawClient(`${sys.url}/OLD-${version}`, [version]);
      old.send(JSON.stringify([6, 's-3', 'Heartbeat', {}]));
      assert.deepStrictEqual((await old.nextJson()).slice(0, 3), [4, 's-3', code]);
      old.send(JSON.stringify([5, 'r-3', 'FormatViolation', 'no', {}]));
      assert.deepStrictEqual((await old.nextJson()).slice(0, 3), [4, 'r-3', code]);
    }
  });

  it('answers an invalid CALLRESULT with CALLRESULTERROR, and takes one from the station without answering', async function () {
    sys = await startSystem();
    const ws = await rawClient(`${sys.url}/RE21`, [V21]);
    const pending = sys.cs.command('RE21', 'Reset', { type: 'OnIdle' });
    const call = await ws.nextJson();
    assert.deepStrictEqual([call[0], call[2]], [2, 'Reset']);
    ws.send(JSON.stringify([3, call[1], { status: 'Maybe' }]));
    const resultError = await ws.nextJson();
    assert.deepStrictEqual(resultError.slice(0, 3), [5, call[1], 'PropertyConstraintViolation']);
    await assert.rejects(pending, (err) => err.code === 'invalidPayload');

    const conn = sys.cs.endpoint.connections.get('RE21');
    const heard = waitFor(conn, 'resultError');
    ws.send(JSON.stringify([5, 'hb-9', 'FormatViolation', 'could not read the answer', {}]));
    assert.strictEqual((await heard).id, 'hb-9');
    ws.send(JSON.stringify([2, 'c-2', 'Heartbeat', {}]));
    assert.deepStrictEqual((await ws.nextJson()).slice(0, 2), [3, 'c-2'], 'the CALLRESULTERROR got no answer');
    assert.ok(sys.warnings.some((w) => /could not process the answer to its message hb-9/.test(w)));
  });

  it("negotiates among three versions in the station's order", async function () {
    sys = await startSystem();
    const offers = [
      [[V21, 'ocpp1.6', 'ocpp2.0.1'], V21],
      [['ocpp2.0.1', V21, 'ocpp1.6'], 'ocpp2.0.1'],
      [['ocpp1.6', V21], 'ocpp1.6'],
    ];
    let n = 0;
    for (const [offered, chosen] of offers) {
      const ws = await rawClient(`${sys.url}/NEG-${n++}`, offered);
      assert.strictEqual(ws.protocol, chosen, `offered ${offered.join(', ')}`);
      ws.close();
    }
    assert.strictEqual(lib.negotiateVersion(['ocpp2.0.1', V21, 'ocpp1.6'], ['ocpp1.6', V21]), V21);
    assert.strictEqual(lib.negotiateVersion(['ocpp2.0.1'], ['ocpp1.6', V21]), null);
  });
});

describe('the OCPP 2.1 adapter', function () {
  it('knows all 91 actions of the official schemas, by direction', function () {
    const p = lib.profileOf(V21);
    const all = new Set([...p.stationActions, ...p.centralActions]);
    assert.strictEqual(all.size, 91);
    const official = new Set(require('ocpp-rpc/lib/schemas/ocpp2_1.json').map((s) => s.$id.replace(/^urn:|Request$|Response$/g, '')));
    assert.deepStrictEqual([...all].sort(), [...official].sort());
    for (const a of all) assert.ok(lib.hasAction(V21, a), a);
    // 2.1 keeps every action of 2.0.1 in the same direction
    const p201 = lib.profileOf('ocpp2.0.1');
    for (const a of p201.stationActions) assert.ok(p.stationActions.includes(a), a);
    for (const a of p201.centralActions) assert.ok(p.centralActions.includes(a), a);
  });

  it('has an automatic reply valid against the official schema for every CALL a 2.1 station can send', function () {
    const p = lib.profileOf(V21);
    for (const action of p.stationActions) {
      if (action === 'NotifyPeriodicEventStream') {
        assert.strictEqual(lib.schemaOf(V21, action, 'response'), undefined, 'a SEND has no answer');
        continue;
      }
      // the request as the schema requires it at least, so replies that echo a request are checked too
      const request = lib.payloadTemplate(V21, action);
      assert.strictEqual(lib.checkPayload(V21, action, 'request', request), null, `template of ${action}`);
      for (const unknownIdTags of ['accept', 'reject']) {
        const reply = lib.automaticReply(V21, action, request, { heartbeatInterval: 300, unknownIdTags, now: new Date() });
        assert.ok(reply, `${action} has no automatic reply`);
        assert.strictEqual(lib.checkPayload(V21, action, 'response', reply), null, `${action}: ${JSON.stringify(reply)}`);
      }
    }
  });
});
