'use strict';
const assert = require('assert');
const {
  buildWrite,
  interpretResult,
  observeCall,
  stationTotals,
  emptyStationValues,
  profileIdFor,
  ChannelError,
  CHANNEL_STATUSES,
  channelValue,
} = require('../dist/lib/channels');
const { statusFrom201, STATUS_FROM_201, STATUS_FROM_16 } = require('../dist/lib/versions');
const { checkPayload } = require('../dist/lib/schema/validators');

const V16 = 'ocpp1.6';
const V201 = 'ocpp2.0.1';
const NOW = new Date('2024-05-02T12:00:30.250Z');
const DAY_BEFORE = '2024-05-01T12:00:30.000Z';

function assertValid(version, action, kind, payload) {
  const complaint = checkPayload(version, action, kind, payload);
  assert.strictEqual(
    complaint,
    null,
    `${version} ${action} ${kind} invalid: ${complaint && complaint.description}\n${JSON.stringify(payload)}`,
  );
}

/** Feeds a CALL and its reply, both checked against the official schemas first. */
function call(values, version, action, request, response, receivedAt) {
  assertValid(version, action, 'request', request);
  if (response !== undefined) assertValid(version, action, 'response', response);
  return observeCall(values, version, action, request, response, receivedAt || '2024-05-02T12:00:00Z');
}

function byChannel(updates) {
  const out = {};
  for (const u of updates) out[`${u.connector}.${u.channel}`] = u.value;
  return out;
}

function valuesWithTx(connector, tx) {
  const v = emptyStationValues();
  v.connectors[String(connector)] = { transaction: tx };
  return v;
}

function expectError(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof ChannelError, `not a ChannelError: ${err}`);
    assert.strictEqual(err.code, code);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

// ---------------------------------------------------------------------------------------

describe('writing a channel sends a schema-valid command', function () {
  const tx16 = { id: 42, idTag: 'RFID1', start: '2024-05-02T10:00:00Z', meterStart: 100 };
  const tx201 = { id: 'b9d1f8a4-5c1e-4c3b-9e2a-0d7f3c1a2b3c', idTag: 'RFID1', start: '2024-05-02T10:00:00Z', meterStart: 100 };
  const cases = [
    // currentLimit / powerLimit, 1.6
    [
      V16,
      'currentLimit',
      1,
      16,
      {},
      {
        action: 'SetChargingProfile',
        payload: {
          connectorId: 1,
          csChargingProfiles: {
            chargingProfileId: 7001,
            stackLevel: 0,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Relative',
            chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
          },
        },
      },
    ],
    [
      V16,
      'currentLimit',
      2,
      '10.5',
      {},
      {
        action: 'SetChargingProfile',
        payload: {
          connectorId: 2,
          csChargingProfiles: {
            chargingProfileId: 7002,
            stackLevel: 0,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Relative',
            chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10.5 }] },
          },
        },
      },
    ],
    [
      V16,
      'currentLimit',
      1,
      0,
      {},
      {
        action: 'SetChargingProfile',
        payload: {
          connectorId: 1,
          csChargingProfiles: {
            chargingProfileId: 7001,
            stackLevel: 0,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Relative',
            chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 0 }] },
          },
        },
      },
    ],
    [
      V16,
      'currentLimit',
      0,
      32,
      {},
      {
        action: 'SetChargingProfile',
        payload: {
          connectorId: 0,
          csChargingProfiles: {
            chargingProfileId: 7000,
            stackLevel: 0,
            chargingProfilePurpose: 'ChargePointMaxProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: { startSchedule: DAY_BEFORE, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }] },
          },
        },
      },
    ],
    [
      V16,
      'powerLimit',
      2,
      11000,
      {},
      {
        action: 'SetChargingProfile',
        payload: {
          connectorId: 2,
          csChargingProfiles: {
            chargingProfileId: 8002,
            stackLevel: 1,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Relative',
            chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] },
          },
        },
      },
    ],
    [
      V16,
      'powerLimit',
      0,
      22000,
      {},
      {
        action: 'SetChargingProfile',
        payload: {
          connectorId: 0,
          csChargingProfiles: {
            chargingProfileId: 8000,
            stackLevel: 1,
            chargingProfilePurpose: 'ChargePointMaxProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: {
              startSchedule: DAY_BEFORE,
              chargingRateUnit: 'W',
              chargingSchedulePeriod: [{ startPeriod: 0, limit: 22000 }],
            },
          },
        },
      },
    ],
    [V16, 'currentLimit', 1, null, {}, { action: 'ClearChargingProfile', payload: { id: 7001 } }],
    [V16, 'powerLimit', 0, null, {}, { action: 'ClearChargingProfile', payload: { id: 8000 } }],
    // currentLimit / powerLimit, 2.0.1
    [
      V201,
      'currentLimit',
      1,
      16,
      {},
      {
        action: 'SetChargingProfile',
        payload: {
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
    ],
    [
      V201,
      'currentLimit',
      0,
      63,
      {},
      {
        action: 'SetChargingProfile',
        payload: {
          evseId: 0,
          chargingProfile: {
            id: 7000,
            stackLevel: 0,
            chargingProfilePurpose: 'ChargingStationMaxProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: [
              { id: 7000, startSchedule: DAY_BEFORE, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 63 }] },
            ],
          },
        },
      },
    ],
    [
      V201,
      'powerLimit',
      3,
      7400.04,
      {},
      {
        action: 'SetChargingProfile',
        payload: {
          evseId: 3,
          chargingProfile: {
            id: 8003,
            stackLevel: 1,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Relative',
            chargingSchedule: [{ id: 8003, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] }],
          },
        },
      },
    ],
    [
      V201,
      'powerLimit',
      0,
      50000,
      {},
      {
        action: 'SetChargingProfile',
        payload: {
          evseId: 0,
          chargingProfile: {
            id: 8000,
            stackLevel: 1,
            chargingProfilePurpose: 'ChargingStationMaxProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: [
              { id: 8000, startSchedule: DAY_BEFORE, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 50000 }] },
            ],
          },
        },
      },
    ],
    [V201, 'currentLimit', 1, null, {}, { action: 'ClearChargingProfile', payload: { chargingProfileId: 7001 } }],
    [V201, 'powerLimit', 0, null, {}, { action: 'ClearChargingProfile', payload: { chargingProfileId: 8000 } }],
    // available
    [V16, 'available', 1, false, {}, { action: 'ChangeAvailability', payload: { connectorId: 1, type: 'Inoperative' } }],
    [V16, 'available', 0, true, {}, { action: 'ChangeAvailability', payload: { connectorId: 0, type: 'Operative' } }],
    [V201, 'available', 2, false, {}, { action: 'ChangeAvailability', payload: { operationalStatus: 'Inoperative', evse: { id: 2 } } }],
    [V201, 'available', 0, true, {}, { action: 'ChangeAvailability', payload: { operationalStatus: 'Operative' } }],
    // charging
    [V16, 'charging', 1, true, { idTag: 'NODE-RED' }, { action: 'RemoteStartTransaction', payload: { connectorId: 1, idTag: 'NODE-RED' } }],
    [V16, 'charging', 0, true, { idTag: 'NODE-RED' }, { action: 'RemoteStartTransaction', payload: { idTag: 'NODE-RED' } }],
    [
      V201,
      'charging',
      1,
      true,
      { idTag: 'NODE-RED', remoteStartId: 5 },
      { action: 'RequestStartTransaction', payload: { evseId: 1, idToken: { idToken: 'NODE-RED', type: 'Central' }, remoteStartId: 5 } },
    ],
    [
      V201,
      'charging',
      0,
      true,
      { idTag: 'NODE-RED', remoteStartId: 6 },
      { action: 'RequestStartTransaction', payload: { idToken: { idToken: 'NODE-RED', type: 'Central' }, remoteStartId: 6 } },
    ],
    [V16, 'charging', 2, false, { values: valuesWithTx(2, tx16) }, { action: 'RemoteStopTransaction', payload: { transactionId: 42 } }],
    [V16, 'charging', 0, false, { values: valuesWithTx(2, tx16) }, { action: 'RemoteStopTransaction', payload: { transactionId: 42 } }],
    [
      V201,
      'charging',
      1,
      false,
      { values: valuesWithTx(1, tx201) },
      { action: 'RequestStopTransaction', payload: { transactionId: tx201.id } },
    ],
    [
      V201,
      'charging',
      0,
      false,
      { values: valuesWithTx(1, tx201) },
      { action: 'RequestStopTransaction', payload: { transactionId: tx201.id } },
    ],
    // reset
    [V16, 'reset', 0, 'soft', {}, { action: 'Reset', payload: { type: 'Soft' } }],
    [V16, 'reset', 0, 'hard', {}, { action: 'Reset', payload: { type: 'Hard' } }],
    [V201, 'reset', 0, 'soft', {}, { action: 'Reset', payload: { type: 'OnIdle' } }],
    [V201, 'reset', 0, 'Hard', {}, { action: 'Reset', payload: { type: 'Immediate' } }],
    [V201, 'reset', 2, 'hard', {}, { action: 'Reset', payload: { type: 'Immediate', evseId: 2 } }],
    // unlock (any value)
    [V16, 'unlock', 1, true, {}, { action: 'UnlockConnector', payload: { connectorId: 1 } }],
    [V201, 'unlock', 2, 'now', {}, { action: 'UnlockConnector', payload: { evseId: 2, connectorId: 1 } }],
  ];

  for (const [version, channel, connector, value, ctx, expected] of cases) {
    it(`${version} ${channel}=${JSON.stringify(value)} on connector ${connector} → ${expected.action}`, function () {
      const out = buildWrite(version, channel, connector, value, { values: emptyStationValues(), now: NOW, ...ctx });
      assert.deepStrictEqual(out, expected);
      assertValid(version, out.action, 'request', out.payload);
    });
  }

  it('uses one stable profile id per channel and connector, so a new limit replaces the old', function () {
    const a = buildWrite(V16, 'currentLimit', 1, 16, { values: emptyStationValues() });
    const b = buildWrite(V16, 'currentLimit', 1, 6, { values: emptyStationValues() });
    assert.strictEqual(a.payload.csChargingProfiles.chargingProfileId, b.payload.csChargingProfiles.chargingProfileId);
    assert.strictEqual(profileIdFor('currentLimit', 1), 7001);
    assert.notStrictEqual(profileIdFor('currentLimit', 1), profileIdFor('powerLimit', 1));
    assert.notStrictEqual(profileIdFor('currentLimit', 1), profileIdFor('currentLimit', 2));
  });

  it('gives a station-wide limit a start in the past even without a clock in the context', function () {
    const out = buildWrite(V201, 'currentLimit', 0, 20, { values: emptyStationValues() });
    const start = Date.parse(out.payload.chargingProfile.chargingSchedule[0].startSchedule);
    assert.ok(start < Date.now() - 23 * 3600 * 1000 && start > Date.now() - 25 * 3600 * 1000);
    assertValid(V201, 'SetChargingProfile', 'request', out.payload);
  });

  it('invents a remoteStartId when the glue passes none, still schema-valid', function () {
    const out = buildWrite(V201, 'charging', 1, true, { values: emptyStationValues(), idTag: 'X' });
    assert.ok(Number.isInteger(out.payload.remoteStartId));
    assertValid(V201, 'RequestStartTransaction', 'request', out.payload);
  });
});

describe('stopping charging where nothing is running sends nothing', function () {
  for (const version of [V16, V201]) {
    it(`${version}: answers NoTransaction without a command`, function () {
      const values = emptyStationValues();
      values.connectors['1'] = { status: 'Available', transaction: null };
      assert.deepStrictEqual(buildWrite(version, 'charging', 1, false, { values }), { noop: { accepted: false, status: 'NoTransaction' } });
      assert.deepStrictEqual(buildWrite(version, 'charging', 0, false, { values }), { noop: { accepted: false, status: 'NoTransaction' } });
      assert.deepStrictEqual(buildWrite(version, 'charging', 2, false, { values }), { noop: { accepted: false, status: 'NoTransaction' } });
    });
  }

  it('does not send a 2.0.1 string id to a 1.6 station (values from another version)', function () {
    const values = valuesWithTx(1, { id: 'abc', idTag: null, start: '2024-05-02T10:00:00Z', meterStart: null });
    assert.deepStrictEqual(buildWrite(V16, 'charging', 1, false, { values }), { noop: { accepted: false, status: 'NoTransaction' } });
  });
});

describe('a write the channel cannot take is refused with a clear error', function () {
  const values = emptyStationValues();
  it('read channels are read-only', function () {
    for (const ch of ['connected', 'status', 'power', 'energy', 'current', 'transaction']) {
      expectError(() => buildWrite(V16, ch, 1, 1, { values }), 'readOnly', new RegExp(`"${ch}" is read-only`));
    }
  });
  it('an unknown channel is named in the error', function () {
    expectError(() => buildWrite(V201, 'maxCurrent', 1, 16, { values }), 'unknownChannel', /unknown channel "maxCurrent"/);
  });
  it('limits must be numbers of 0 or more', function () {
    expectError(() => buildWrite(V16, 'currentLimit', 1, 'sixteen', { values }), 'invalidValue', /currentLimit must be a number of A/);
    expectError(() => buildWrite(V16, 'currentLimit', 1, -1, { values }), 'invalidValue', /currentLimit/);
    expectError(() => buildWrite(V201, 'powerLimit', 1, true, { values }), 'invalidValue', /powerLimit must be a number of W/);
    expectError(() => buildWrite(V201, 'powerLimit', 1, undefined, { values }), 'invalidValue', /got nothing/);
    expectError(() => buildWrite(V201, 'powerLimit', 1, Infinity, { values }), 'invalidValue');
    expectError(() => buildWrite(V16, 'currentLimit', 1000, 16, { values }), 'invalidValue', /connectors 0 to 999/);
  });
  it('available and charging take booleans only', function () {
    expectError(() => buildWrite(V16, 'available', 1, 'yes', { values }), 'invalidValue', /available must be true or false/);
    expectError(() => buildWrite(V201, 'charging', 1, 1, { values, idTag: 'A' }), 'invalidValue', /charging must be true or false/);
  });
  it('remote start needs an id tag that fits the version', function () {
    expectError(() => buildWrite(V16, 'charging', 1, true, { values }), 'invalidValue', /needs an id tag/);
    expectError(() => buildWrite(V16, 'charging', 1, true, { values, idTag: 'X'.repeat(21) }), 'invalidValue', /longer than the 20/);
    const ok = buildWrite(V201, 'charging', 1, true, { values, idTag: 'X'.repeat(36), remoteStartId: 1 });
    assertValid(V201, ok.action, 'request', ok.payload);
    expectError(
      () => buildWrite(V201, 'charging', 1, true, { values, idTag: 'X'.repeat(37), remoteStartId: 1 }),
      'invalidValue',
      /longer than the 36/,
    );
  });
  it('stop on connector 0 refuses to guess between several transactions', function () {
    const v = emptyStationValues();
    v.connectors['1'] = { transaction: { id: 1, idTag: 'A', start: '2024-05-02T10:00:00Z', meterStart: 0 } };
    v.connectors['2'] = { transaction: { id: 2, idTag: 'B', start: '2024-05-02T10:00:00Z', meterStart: 0 } };
    expectError(() => buildWrite(V16, 'charging', 0, false, { values: v }), 'invalidValue', /connectors 1, 2/);
    assert.deepStrictEqual(buildWrite(V16, 'charging', 2, false, { values: v }), {
      action: 'RemoteStopTransaction',
      payload: { transactionId: 2 },
    });
  });
  it('reset takes "soft" or "hard"; 1.6 resets only the whole station', function () {
    expectError(() => buildWrite(V16, 'reset', 0, 'reboot', { values }), 'invalidValue', /"soft" or "hard"/);
    expectError(() => buildWrite(V16, 'reset', 1, 'soft', { values }), 'invalidValue', /whole station/);
  });
  it('unlock needs a connector', function () {
    expectError(() => buildWrite(V16, 'unlock', 0, true, { values }), 'invalidValue', /connector number/);
    expectError(() => buildWrite(V201, 'unlock', 0, true, { values }), 'invalidValue', /connector number/);
  });
  it('a connector must be a non-negative integer', function () {
    expectError(() => buildWrite(V16, 'available', -1, true, { values }), 'invalidValue', /connector must be/);
    expectError(() => buildWrite(V16, 'available', 1.5, true, { values }), 'invalidValue', /connector must be/);
  });
});

describe('a write channel outputs whether the station accepted', function () {
  const answers = [
    [V16, 'SetChargingProfile', 'Accepted', true],
    [V16, 'SetChargingProfile', 'NotSupported', false],
    [V16, 'ClearChargingProfile', 'Unknown', false],
    [V16, 'ChangeAvailability', 'Scheduled', true],
    [V16, 'RemoteStartTransaction', 'Rejected', false],
    [V16, 'Reset', 'Accepted', true],
    [V16, 'UnlockConnector', 'Unlocked', true],
    [V16, 'UnlockConnector', 'UnlockFailed', false],
    [V201, 'SetChargingProfile', 'Rejected', false],
    [V201, 'RequestStopTransaction', 'Accepted', true],
    [V201, 'Reset', 'Scheduled', true],
    [V201, 'UnlockConnector', 'OngoingAuthorizedTransaction', false],
    [V201, 'ChangeAvailability', 'Scheduled', true],
  ];
  for (const [version, action, status, accepted] of answers) {
    it(`${version} ${action} ${status} → accepted ${accepted}`, function () {
      const response = { status };
      assertValid(version, action, 'response', response);
      assert.deepStrictEqual(interpretResult(version, action, response), { accepted, status });
    });
  }
  it('an answer without a status is not accepted', function () {
    assert.deepStrictEqual(interpretResult(V16, 'Reset', {}), { accepted: false, status: 'NoStatus' });
    assert.deepStrictEqual(interpretResult(V16, 'Reset', null), { accepted: false, status: 'NoStatus' });
  });
});

// ---------------------------------------------------------------------------------------

function meter16(connectorId, timestamp, samples, transactionId) {
  const req = { connectorId, meterValue: [{ timestamp, sampledValue: samples }] };
  if (transactionId !== undefined) req.transactionId = transactionId;
  return req;
}

describe('a 1.6 station reports its channels', function () {
  it('sets status per connector and for the station (connector 0)', function () {
    const values = emptyStationValues();
    let u = call(values, V16, 'StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' }, {});
    assert.deepStrictEqual(u, [{ connector: 0, channel: 'status', value: 'Available' }]);
    u = call(
      values,
      V16,
      'StatusNotification',
      { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: '2024-05-02T10:00:00.000Z' },
      {},
    );
    assert.deepStrictEqual(u, [{ connector: 1, channel: 'status', value: 'Preparing' }]);
    assert.strictEqual(values.connectors['1'].updated, '2024-05-02T10:00:00.000Z');
    assert.strictEqual(values.connectors['0'].updated, '2024-05-02T12:00:00Z', 'no timestamp: time received');
    assert.strictEqual(channelValue(values, 1, 'status'), 'Preparing');
  });

  it('reports only channels that changed', function () {
    const values = emptyStationValues();
    const req = meter16(1, '2024-05-02T10:00:00Z', [
      { value: '1200', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
      { value: '3680', measurand: 'Power.Active.Import', unit: 'W' },
    ]);
    assert.deepStrictEqual(byChannel(call(values, V16, 'MeterValues', req, {})), {
      '0.energy': 1200,
      '0.power': 3680,
      '1.energy': 1200,
      '1.power': 3680,
    });
    assert.deepStrictEqual(call(values, V16, 'MeterValues', req, {}), [], 'same values again: nothing');
    const req2 = meter16(1, '2024-05-02T10:01:00Z', [
      { value: '1261', unit: 'Wh' },
      { value: '3680', measurand: 'Power.Active.Import', unit: 'W' },
    ]);
    assert.deepStrictEqual(byChannel(call(values, V16, 'MeterValues', req2, {})), { '0.energy': 1261, '1.energy': 1261 });
    assert.deepStrictEqual(call(values, V16, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' }, {}), [
      { connector: 1, channel: 'status', value: 'Charging' },
    ]);
    assert.deepStrictEqual(call(values, V16, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' }, {}), []);
  });

  it('converts kW and kWh to W and Wh, and takes Energy.Active.Import.Register when no measurand is named', function () {
    const a = emptyStationValues();
    const b = emptyStationValues();
    call(
      a,
      V16,
      'MeterValues',
      meter16(1, '2024-05-02T10:00:00Z', [
        { value: '12.345', unit: 'kWh', context: 'Sample.Periodic' },
        { value: '7.36', measurand: 'Power.Active.Import', unit: 'kW' },
      ]),
      {},
    );
    call(
      b,
      V16,
      'MeterValues',
      meter16(1, '2024-05-02T10:00:00Z', [
        { value: '12345', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
        { value: '7360', measurand: 'Power.Active.Import', unit: 'W' },
      ]),
      {},
    );
    assert.strictEqual(a.connectors['1'].energy, 12345);
    assert.strictEqual(a.connectors['1'].power, 7360);
    assert.strictEqual(b.connectors['1'].energy, 12345);
    assert.strictEqual(b.connectors['1'].power, 7360);
    assert.strictEqual(a.connectors['1'].updated, '2024-05-02T10:00:00Z');
  });

  it('reads current per phase, sums phase powers, and ignores other measurands', function () {
    const values = emptyStationValues();
    const u = call(
      values,
      V16,
      'MeterValues',
      meter16(2, '2024-05-02T10:00:00Z', [
        { value: '15.9', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
        { value: '16.1', measurand: 'Current.Import', phase: 'L2', unit: 'A' },
        { value: '15.7', measurand: 'Current.Import', phase: 'L3', unit: 'A' },
        { value: '0.2', measurand: 'Current.Import', phase: 'N', unit: 'A' },
        { value: '3.7', measurand: 'Power.Active.Import', phase: 'L1-N', unit: 'kW' },
        { value: '3.7', measurand: 'Power.Active.Import', phase: 'L2-N', unit: 'kW' },
        { value: '3.6', measurand: 'Power.Active.Import', phase: 'L3-N', unit: 'kW' },
        { value: '230.1', measurand: 'Voltage', phase: 'L1-N', unit: 'V' },
        { value: '16', measurand: 'Current.Offered', unit: 'A' },
        { value: '58', measurand: 'SoC', unit: 'Percent', location: 'EV' },
        { value: '31.5', measurand: 'Temperature', unit: 'Celsius', location: 'Body' },
      ]),
      {},
    );
    assert.deepStrictEqual(byChannel(u), {
      '0.power': 11000,
      '0.current': [15.9, 16.1, 15.7],
      '2.power': 11000,
      '2.current': [15.9, 16.1, 15.7],
    });
  });

  it('turns a single unphased current into a one-element array', function () {
    const values = emptyStationValues();
    call(values, V16, 'MeterValues', meter16(1, '2024-05-02T10:00:00Z', [{ value: '13.2', measurand: 'Current.Import', unit: 'A' }]), {});
    assert.deepStrictEqual(values.connectors['1'].current, [13.2]);
  });

  it('keeps the newest reading when a message holds several, whatever their order', function () {
    const values = emptyStationValues();
    call(
      values,
      V16,
      'MeterValues',
      {
        connectorId: 1,
        meterValue: [
          { timestamp: '2024-05-02T10:02:00Z', sampledValue: [{ value: '1300' }] },
          { timestamp: '2024-05-02T10:01:00Z', sampledValue: [{ value: '1250' }] },
        ],
      },
      {},
    );
    assert.strictEqual(values.connectors['1'].energy, 1300);
    assert.strictEqual(values.connectors['1'].updated, '2024-05-02T10:02:00Z');
  });

  it('follows a transaction from StartTransaction to StopTransaction', function () {
    const values = emptyStationValues();
    let u = call(
      values,
      V16,
      'StartTransaction',
      { connectorId: 1, idTag: '04A1B2C3D4', meterStart: 1520, timestamp: '2024-05-02T10:00:00.000Z' },
      { idTagInfo: { status: 'Accepted' }, transactionId: 17 },
    );
    const tx = { id: 17, idTag: '04A1B2C3D4', start: '2024-05-02T10:00:00.000Z', meterStart: 1520 };
    assert.deepStrictEqual(byChannel(u), { '0.energy': 1520, '1.energy': 1520, '1.transaction': tx });
    assert.deepStrictEqual(channelValue(values, 1, 'transaction'), tx);

    u = call(
      values,
      V16,
      'MeterValues',
      meter16(
        1,
        '2024-05-02T10:30:00Z',
        [
          { value: '5200', context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
          { value: '7.4', context: 'Sample.Periodic', measurand: 'Power.Active.Import', unit: 'kW' },
          { value: '32', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
        ],
        17,
      ),
      {},
    );
    assert.deepStrictEqual(byChannel(u), {
      '0.energy': 5200,
      '0.power': 7400,
      '0.current': [32],
      '1.energy': 5200,
      '1.power': 7400,
      '1.current': [32],
    });

    u = call(
      values,
      V16,
      'StopTransaction',
      {
        transactionId: 17,
        meterStop: 9870,
        timestamp: '2024-05-02T11:00:00.000Z',
        reason: 'Local',
        idTag: '04A1B2C3D4',
        transactionData: [
          {
            timestamp: '2024-05-02T11:00:00.000Z',
            sampledValue: [
              { value: '9.870', context: 'Transaction.End', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
              { value: '7.1', context: 'Transaction.End', measurand: 'Power.Active.Import', unit: 'kW' },
            ],
          },
        ],
      },
      { idTagInfo: { status: 'Accepted' } },
    );
    assert.deepStrictEqual(byChannel(u), {
      '0.energy': 9870,
      '0.power': 0,
      '0.current': [0],
      '1.energy': 9870,
      '1.power': 0,
      '1.current': [0],
      '1.transaction': null,
    });
    assert.strictEqual(values.connectors['1'].updated, '2024-05-02T11:00:00.000Z');
  });

  it('ignores a StopTransaction for a transaction it does not know', function () {
    const values = emptyStationValues();
    call(
      values,
      V16,
      'StartTransaction',
      { connectorId: 1, idTag: 'A', meterStart: 0, timestamp: '2024-05-02T10:00:00Z' },
      { idTagInfo: { status: 'Accepted' }, transactionId: 3 },
    );
    assert.deepStrictEqual(
      call(values, V16, 'StopTransaction', { transactionId: 99, meterStop: 500, timestamp: '2024-05-02T11:00:00Z' }, {}),
      [],
    );
    assert.strictEqual(values.connectors['1'].transaction.id, 3);
  });

  it('reads 1.6 meter value texts alike on the fast path and the careful one: zero, blanks, decimal comma, exponent, words', function () {
    const reading = (value) => {
      const values = emptyStationValues();
      const updates = call(
        values,
        V16,
        'MeterValues',
        {
          connectorId: 1,
          meterValue: [{ timestamp: '2024-05-02T12:00:00Z', sampledValue: [{ value, measurand: 'Power.Active.Import', unit: 'W' }] }],
        },
        {},
      );
      return byChannel(updates)['1.power'];
    };
    assert.strictEqual(reading('7360'), 7360);
    assert.strictEqual(reading(' 7360 '), 7360);
    assert.strictEqual(reading('0'), 0);
    assert.strictEqual(reading('0.0'), 0);
    assert.strictEqual(reading('-12.5'), -12.5);
    assert.strictEqual(reading('7,2'), 7.2);
    assert.strictEqual(reading('1e3'), 1000);
    for (const unreadable of ['', '   ', 'abc', 'Infinity', '7,2,1'])
      assert.strictEqual(reading(unreadable), undefined, JSON.stringify(unreadable));
  });

  it('ignores actions that carry no channel and never throws on odd input', function () {
    const values = emptyStationValues();
    assert.deepStrictEqual(call(values, V16, 'Heartbeat', {}, { currentTime: '2024-05-02T10:00:00Z' }), []);
    assert.deepStrictEqual(observeCall(values, V16, 'MeterValues', null, null), []);
    assert.deepStrictEqual(observeCall(values, V16, 'MeterValues', { connectorId: 'x', meterValue: 5 }, null), []);
    assert.deepStrictEqual(observeCall(values, V16, 'toString', {}, {}), []);
    assert.deepStrictEqual(values, emptyStationValues());
  });

  it('copes with damaged stored values', function () {
    const values = {
      connectors: {
        1: { measured: 'energy', current: 'x', transaction: { id: 9, idTag: null, start: '2024-05-02T10:00:00Z', meterStart: null } },
      },
    };
    const u = call(values, V16, 'StopTransaction', { transactionId: 9, meterStop: 700, timestamp: '2024-05-02T11:00:00Z' }, {});
    assert.deepStrictEqual(byChannel(u), { '0.energy': 700, '1.energy': 700, '1.transaction': null });
    const broken = { connectors: { 2: { reported: { connectors: 'Occupied' } } } };
    call(broken, V201, 'StatusNotification', status201(2, 'Occupied'), {});
    assert.strictEqual(broken.connectors['2'].status, 'Preparing');
    assert.deepStrictEqual(observeCall({}, V16, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }, {}), [
      { connector: 1, channel: 'status', value: 'Available' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------

const TX = 'f4a1c2e0-7b3d-4a5e-9c1f-2b8d6e0a4c11';

function txEvent(eventType, seqNo, extra) {
  return {
    eventType,
    timestamp: `2024-05-02T10:${String(seqNo).padStart(2, '0')}:00.000Z`,
    triggerReason: extra.triggerReason || 'MeterValuePeriodic',
    seqNo,
    transactionInfo: { transactionId: TX, ...(extra.info || {}) },
    ...(extra.evse ? { evse: extra.evse } : {}),
    ...(extra.idToken ? { idToken: extra.idToken } : {}),
    ...(extra.meterValue ? { meterValue: extra.meterValue } : {}),
  };
}

function status201(evseId, connectorStatus, minute = 0) {
  return { timestamp: `2024-05-02T09:${String(minute).padStart(2, '0')}:00.000Z`, connectorStatus, evseId, connectorId: 1 };
}

describe('a 2.0.1 station reports its channels', function () {
  it('applies unitOfMeasure and its multiplier', function () {
    const values = emptyStationValues();
    call(
      values,
      V201,
      'MeterValues',
      {
        evseId: 1,
        meterValue: [
          {
            timestamp: '2024-05-02T10:00:00Z',
            sampledValue: [
              { value: 12.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } },
              { value: 110, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 2 } },
              { value: 161, measurand: 'Current.Import', phase: 'L1', unitOfMeasure: { unit: 'A', multiplier: -1 } },
              { value: 160, measurand: 'Current.Import', phase: 'L2', unitOfMeasure: { unit: 'A', multiplier: -1 } },
              { value: 159, measurand: 'Current.Import', phase: 'L3', unitOfMeasure: { unit: 'A', multiplier: -1 } },
            ],
          },
        ],
      },
      {},
    );
    assert.strictEqual(values.connectors['1'].energy, 12500);
    assert.strictEqual(values.connectors['1'].power, 11000);
    assert.deepStrictEqual(values.connectors['1'].current, [16.1, 16, 15.9]);

    call(
      values,
      V201,
      'MeterValues',
      {
        evseId: 1,
        meterValue: [
          {
            timestamp: '2024-05-02T10:01:00Z',
            sampledValue: [
              { value: 1.2567, unitOfMeasure: { unit: 'kWh', multiplier: 1 } },
              { value: 7.4, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } },
              { value: 230, measurand: 'Voltage', unitOfMeasure: { unit: 'V' } },
            ],
          },
        ],
      },
      {},
    );
    assert.strictEqual(values.connectors['1'].energy, 12567, 'kWh × 10^1 → Wh');
    assert.strictEqual(values.connectors['1'].power, 7400);
  });

  it('reads energy in Wh and power in W when no unit is named', function () {
    const values = emptyStationValues();
    call(
      values,
      V201,
      'MeterValues',
      {
        evseId: 2,
        meterValue: [
          { timestamp: '2024-05-02T10:00:00Z', sampledValue: [{ value: 3456 }, { value: 4200, measurand: 'Power.Active.Import' }] },
        ],
      },
      {},
    );
    assert.strictEqual(values.connectors['2'].energy, 3456);
    assert.strictEqual(values.connectors['2'].power, 4200);
  });

  it('follows plug-in first: Occupied, Started, Charging, suspended, Ended, unplugged', function () {
    const values = emptyStationValues();
    const seen = [];
    const step = (action, req, res) => {
      call(values, V201, action, req, res);
      seen.push(values.connectors['1'].status);
    };
    step('StatusNotification', status201(1, 'Available', 0), {});
    step('StatusNotification', status201(1, 'Occupied', 1), {});
    step(
      'TransactionEvent',
      txEvent('Started', 0, {
        triggerReason: 'CablePluggedIn',
        evse: { id: 1, connectorId: 1 },
        info: { chargingState: 'EVConnected' },
        meterValue: [
          {
            timestamp: '2024-05-02T10:00:00.000Z',
            sampledValue: [
              { value: 1520, context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
            ],
          },
        ],
      }),
      {},
    );
    step('TransactionEvent', txEvent('Updated', 1, { triggerReason: 'Authorized', idToken: { idToken: '04A1B2C3D4', type: 'ISO14443' } }), {
      idTokenInfo: { status: 'Accepted' },
    });
    step('TransactionEvent', txEvent('Updated', 2, { triggerReason: 'ChargingStateChanged', info: { chargingState: 'Charging' } }), {});
    step(
      'TransactionEvent',
      txEvent('Updated', 3, { triggerReason: 'ChargingStateChanged', info: { chargingState: 'SuspendedEVSE' } }),
      {},
    );
    step('TransactionEvent', txEvent('Updated', 4, { triggerReason: 'ChargingStateChanged', info: { chargingState: 'Charging' } }), {});
    step('TransactionEvent', txEvent('Updated', 5, { triggerReason: 'ChargingStateChanged', info: { chargingState: 'SuspendedEV' } }), {});
    step(
      'TransactionEvent',
      txEvent('Ended', 6, {
        triggerReason: 'StopAuthorized',
        info: { chargingState: 'EVConnected', stoppedReason: 'Local' },
        idToken: { idToken: 'FFFF0000', type: 'ISO14443' },
        meterValue: [
          {
            timestamp: '2024-05-02T10:06:00.000Z',
            sampledValue: [{ value: 9.87, context: 'Transaction.End', unitOfMeasure: { unit: 'kWh' } }],
          },
        ],
      }),
      {},
    );
    step('StatusNotification', status201(1, 'Available', 59), {});
    assert.deepStrictEqual(seen, [
      'Available',
      'Preparing',
      'Preparing',
      'Preparing',
      'Charging',
      'SuspendedEVSE',
      'Charging',
      'SuspendedEV',
      'Finishing',
      'Available',
    ]);
    assert.strictEqual(values.connectors['1'].transaction, null);
    assert.strictEqual(values.connectors['1'].energy, 9870);
  });

  it('keeps the transaction as the station has it: string id, first id token, start, meterStart', function () {
    const values = emptyStationValues();
    call(values, V201, 'StatusNotification', status201(1, 'Occupied'), {});
    const u = call(
      values,
      V201,
      'TransactionEvent',
      txEvent('Started', 0, {
        triggerReason: 'Authorized',
        evse: { id: 1, connectorId: 1 },
        idToken: { idToken: '04A1B2C3D4', type: 'ISO14443' },
        info: { chargingState: 'EVConnected' },
        meterValue: [
          {
            timestamp: '2024-05-02T10:00:00.000Z',
            sampledValue: [{ value: 1.52, context: 'Transaction.Begin', unitOfMeasure: { unit: 'kWh' } }],
          },
        ],
      }),
      { idTokenInfo: { status: 'Accepted' } },
    );
    const tx = { id: TX, idTag: '04A1B2C3D4', start: '2024-05-02T10:00:00.000Z', meterStart: 1520 };
    assert.deepStrictEqual(byChannel(u), { '0.energy': 1520, '1.energy': 1520, '1.transaction': tx });
    // a later event without evse is found by its transaction id; another token does not replace the first
    const u2 = call(
      values,
      V201,
      'TransactionEvent',
      txEvent('Updated', 1, {
        idToken: { idToken: 'OTHER', type: 'ISO14443' },
        info: { chargingState: 'Charging' },
        meterValue: [
          {
            timestamp: '2024-05-02T10:01:00.000Z',
            sampledValue: [{ value: 7400, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } }],
          },
        ],
      }),
      {},
    );
    assert.deepStrictEqual(byChannel(u2), { '0.power': 7400, '1.status': 'Charging', '1.power': 7400 });
    assert.deepStrictEqual(values.connectors['1'].transaction, tx);
  });

  it('follows authorise first: Preparing on an Available connector, Finishing once unplugged', function () {
    const values = emptyStationValues();
    call(values, V201, 'StatusNotification', status201(2, 'Available'), {});
    call(
      values,
      V201,
      'TransactionEvent',
      txEvent('Started', 0, {
        triggerReason: 'Authorized',
        evse: { id: 2 },
        idToken: { idToken: 'APP-42', type: 'Central' },
        info: { chargingState: 'Idle' },
      }),
      {},
    );
    assert.strictEqual(values.connectors['2'].status, 'Preparing');
    assert.strictEqual(values.connectors['2'].transaction.idTag, 'APP-42');
    assert.strictEqual(values.connectors['2'].transaction.meterStart, null);
    call(values, V201, 'StatusNotification', status201(2, 'Occupied', 1), {});
    call(
      values,
      V201,
      'TransactionEvent',
      txEvent('Updated', 1, { triggerReason: 'CablePluggedIn', info: { chargingState: 'EVConnected' } }),
      {},
    );
    assert.strictEqual(values.connectors['2'].status, 'Preparing');
    call(
      values,
      V201,
      'TransactionEvent',
      txEvent('Updated', 2, { triggerReason: 'ChargingStateChanged', info: { chargingState: 'Charging' } }),
      {},
    );
    assert.strictEqual(values.connectors['2'].status, 'Charging');
    call(
      values,
      V201,
      'TransactionEvent',
      txEvent('Updated', 3, { triggerReason: 'ChargingStateChanged', info: { chargingState: 'EVConnected' } }),
      {},
    );
    assert.strictEqual(values.connectors['2'].status, 'SuspendedEV', 'charged, then EV connected but not charging');
    call(values, V201, 'StatusNotification', status201(2, 'Available', 4), {});
    call(values, V201, 'TransactionEvent', txEvent('Updated', 4, { triggerReason: 'EVDeparted', info: { chargingState: 'Idle' } }), {});
    assert.strictEqual(values.connectors['2'].status, 'Finishing', 'unplugged, transaction still open');
    call(
      values,
      V201,
      'TransactionEvent',
      txEvent('Ended', 5, { triggerReason: 'EVDeparted', info: { stoppedReason: 'EVDisconnected' } }),
      {},
    );
    assert.strictEqual(values.connectors['2'].status, 'Available');
    call(values, V201, 'StatusNotification', status201(2, 'Occupied', 6), {});
    assert.strictEqual(values.connectors['2'].status, 'Preparing', 'the next EV starts a new cycle');
  });

  it('passes Reserved, Unavailable and Faulted through, also during a transaction', function () {
    const values = emptyStationValues();
    for (const s of ['Reserved', 'Unavailable', 'Faulted', 'Available']) {
      call(values, V201, 'StatusNotification', status201(1, s), {});
      assert.strictEqual(values.connectors['1'].status, s);
    }
    call(values, V201, 'StatusNotification', status201(1, 'Occupied'), {});
    call(values, V201, 'TransactionEvent', txEvent('Started', 0, { evse: { id: 1 }, info: { chargingState: 'Charging' } }), {});
    call(values, V201, 'StatusNotification', status201(1, 'Faulted', 2), {});
    assert.strictEqual(values.connectors['1'].status, 'Faulted');
  });

  it('shows one status for an EVSE with two connectors', function () {
    const values = emptyStationValues();
    call(
      values,
      V201,
      'StatusNotification',
      { timestamp: '2024-05-02T09:00:00Z', connectorStatus: 'Available', evseId: 1, connectorId: 1 },
      {},
    );
    call(
      values,
      V201,
      'StatusNotification',
      { timestamp: '2024-05-02T09:00:00Z', connectorStatus: 'Faulted', evseId: 1, connectorId: 2 },
      {},
    );
    assert.strictEqual(values.connectors['1'].status, 'Available', 'still usable');
    call(
      values,
      V201,
      'StatusNotification',
      { timestamp: '2024-05-02T09:01:00Z', connectorStatus: 'Occupied', evseId: 1, connectorId: 1 },
      {},
    );
    assert.strictEqual(values.connectors['1'].status, 'Preparing');
  });

  it('reads AvailabilityState from NotifyEvent for Connector, EVSE and the station', function () {
    const values = emptyStationValues();
    const ev = (eventId, component, actualValue) => ({
      eventId,
      timestamp: '2024-05-02T09:30:00Z',
      trigger: 'Delta',
      actualValue,
      eventNotificationType: 'HardWiredNotification',
      component,
      variable: { name: 'AvailabilityState' },
    });
    const u = call(
      values,
      V201,
      'NotifyEvent',
      {
        generatedAt: '2024-05-02T09:30:01Z',
        seqNo: 0,
        eventData: [
          ev(1, { name: 'Connector', evse: { id: 1, connectorId: 1 } }, 'Occupied'),
          ev(2, { name: 'EVSE', evse: { id: 2 } }, 'Unavailable'),
          ev(3, { name: 'ChargingStation' }, 'Available'),
          {
            eventId: 4,
            timestamp: '2024-05-02T09:30:00Z',
            trigger: 'Alerting',
            actualValue: 'true',
            eventNotificationType: 'HardWiredNotification',
            component: { name: 'Connector', evse: { id: 1, connectorId: 1 } },
            variable: { name: 'Problem' },
          },
        ],
      },
      {},
    );
    assert.deepStrictEqual(byChannel(u), { '0.status': 'Available', '1.status': 'Preparing', '2.status': 'Unavailable' });
  });

  it('ignores a late Ended of an earlier transaction', function () {
    const values = emptyStationValues();
    call(values, V201, 'StatusNotification', status201(1, 'Occupied'), {});
    call(values, V201, 'TransactionEvent', txEvent('Started', 0, { evse: { id: 1 }, info: { chargingState: 'Charging' } }), {});
    const late = txEvent('Ended', 1, { evse: { id: 1 }, info: {} });
    late.transactionInfo.transactionId = 'older-transaction';
    assert.deepStrictEqual(call(values, V201, 'TransactionEvent', late, {}), []);
    assert.strictEqual(values.connectors['1'].transaction.id, TX);
  });
});

describe('2.0.1 status table', function () {
  const expect = [
    ['Available', null, 'none', 'Available'],
    ['Occupied', null, 'none', 'Preparing'],
    ['Occupied', 'EVConnected', 'started', 'Preparing'],
    ['Occupied', 'Idle', 'started', 'Preparing'],
    ['Available', 'Idle', 'started', 'Preparing'],
    ['Occupied', 'Charging', 'charged', 'Charging'],
    ['Occupied', 'SuspendedEV', 'charged', 'SuspendedEV'],
    ['Occupied', 'SuspendedEVSE', 'started', 'SuspendedEVSE'],
    ['Occupied', 'EVConnected', 'charged', 'SuspendedEV'],
    ['Occupied', 'Idle', 'charged', 'Finishing'],
    ['Available', 'Idle', 'charged', 'Finishing'],
    ['Occupied', 'EVConnected', 'ended', 'Finishing'],
    ['Available', 'EVConnected', 'ended', 'Available'],
    ['Reserved', null, 'none', 'Reserved'],
    ['Unavailable', 'Charging', 'charged', 'Unavailable'],
    ['Faulted', null, 'none', 'Faulted'],
    [undefined, 'Charging', 'charged', 'Charging'],
    [undefined, 'EVConnected', 'ended', 'Finishing'],
    [undefined, null, 'none', undefined],
  ];
  for (const [cs, st, phase, status] of expect) {
    it(`${cs} + ${st} (${phase}) → ${status}`, function () {
      assert.strictEqual(statusFrom201(cs, st, phase), status);
    });
  }
  it('gives only statuses of the 1.6 set', function () {
    for (const row of STATUS_FROM_201) assert.ok(CHANNEL_STATUSES.includes(row[3]), row.join(' '));
    for (const s of Object.values(STATUS_FROM_16)) assert.ok(CHANNEL_STATUSES.includes(s));
  });
});

// ---------------------------------------------------------------------------------------

describe('connector 0 shows the whole station', function () {
  it('sums power, energy and per-phase current over the connectors', function () {
    const values = emptyStationValues();
    call(
      values,
      V16,
      'MeterValues',
      meter16(1, '2024-05-02T10:00:00Z', [
        { value: '1000', unit: 'Wh' },
        { value: '3680', measurand: 'Power.Active.Import', unit: 'W' },
        { value: '16', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
      ]),
      {},
    );
    const u = call(
      values,
      V16,
      'MeterValues',
      meter16(2, '2024-05-02T10:00:10Z', [
        { value: '2.5', unit: 'kWh' },
        { value: '11', measurand: 'Power.Active.Import', unit: 'kW' },
        { value: '16', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
        { value: '16', measurand: 'Current.Import', phase: 'L2', unit: 'A' },
        { value: '15.5', measurand: 'Current.Import', phase: 'L3', unit: 'A' },
      ]),
      {},
    );
    assert.deepStrictEqual(byChannel(u), {
      '0.power': 14680,
      '0.energy': 3500,
      '0.current': [32, 16, 15.5],
      '2.power': 11000,
      '2.energy': 2500,
      '2.current': [16, 16, 15.5],
    });
    assert.deepStrictEqual(stationTotals(values), { power: 14680, energy: 3500, current: [32, 16, 15.5] });
    assert.strictEqual(values.connectors['0'].updated, '2024-05-02T10:00:10Z');
  });

  it("uses the station's own connector-0 meter where it sends one", function () {
    const values = emptyStationValues();
    call(
      values,
      V201,
      'MeterValues',
      {
        evseId: 1,
        meterValue: [
          {
            timestamp: '2024-05-02T10:00:00Z',
            sampledValue: [{ value: 1000 }, { value: 3600, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } }],
          },
        ],
      },
      {},
    );
    assert.strictEqual(values.connectors['0'].energy, 1000);
    // the main meter reports energy only: energy is its own, power stays the sum
    const u = call(
      values,
      V201,
      'MeterValues',
      { evseId: 0, meterValue: [{ timestamp: '2024-05-02T10:00:05Z', sampledValue: [{ value: 5040.2, unitOfMeasure: { unit: 'kWh' } }] }] },
      {},
    );
    assert.deepStrictEqual(byChannel(u), { '0.energy': 5040200 });
    const u2 = call(
      values,
      V201,
      'MeterValues',
      {
        evseId: 1,
        meterValue: [
          {
            timestamp: '2024-05-02T10:01:00Z',
            sampledValue: [{ value: 1100 }, { value: 3700, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } }],
          },
        ],
      },
      {},
    );
    assert.deepStrictEqual(byChannel(u2), { '0.power': 3700, '1.energy': 1100, '1.power': 3700 });
    assert.deepStrictEqual(stationTotals(values), { power: 3700, energy: 5040200 });
  });

  it('has no totals before any connector reports', function () {
    assert.deepStrictEqual(stationTotals(emptyStationValues()), {});
  });
});

describe('channel values survive a restart (JSON)', function () {
  it('continues the same way from reloaded values', function () {
    const values = emptyStationValues();
    call(values, V201, 'StatusNotification', status201(1, 'Occupied'), {});
    call(
      values,
      V201,
      'TransactionEvent',
      txEvent('Started', 0, {
        evse: { id: 1 },
        info: { chargingState: 'Charging' },
        meterValue: [{ timestamp: '2024-05-02T10:00:00.000Z', sampledValue: [{ value: 1500 }] }],
      }),
      {},
    );
    const reloaded = JSON.parse(JSON.stringify(values));
    assert.deepStrictEqual(reloaded, values);
    const next = txEvent('Updated', 1, {
      info: { chargingState: 'SuspendedEV' },
      meterValue: [{ timestamp: '2024-05-02T10:01:00.000Z', sampledValue: [{ value: 1600 }] }],
    });
    const a = call(values, V201, 'TransactionEvent', next, {});
    const b = call(reloaded, V201, 'TransactionEvent', next, {});
    assert.deepStrictEqual(b, a);
    assert.deepStrictEqual(byChannel(a), { '0.energy': 1600, '1.status': 'SuspendedEV', '1.energy': 1600 });
    assert.deepStrictEqual(reloaded, values);
    assert.deepStrictEqual(buildWrite(V201, 'charging', 1, false, { values: reloaded }), {
      action: 'RequestStopTransaction',
      payload: { transactionId: TX },
    });
  });

  it('hands out copies, so a flow changing msg.payload cannot change the stored values', function () {
    const values = emptyStationValues();
    const u = call(
      values,
      V16,
      'StartTransaction',
      { connectorId: 1, idTag: 'A', meterStart: 0, timestamp: '2024-05-02T10:00:00Z' },
      { idTagInfo: { status: 'Accepted' }, transactionId: 5 },
    );
    byChannel(u)['1.transaction'].idTag = 'changed';
    channelValue(values, 1, 'transaction').idTag = 'changed too';
    assert.strictEqual(values.connectors['1'].transaction.idTag, 'A');
  });
});

describe('the MeterValues shortcut', function () {
  it('gives the same updates and values as the generic path, over 3,000 random reports of both versions', function () {
    const { observeAnyCall } = require('../dist/lib/channels');
    let seed = 4242;
    const rnd = (k) => (seed = (seed * 1103515245 + 12345) % 2147483648) % k;
    const pick = (xs) => xs[rnd(xs.length)];
    const measurands = [undefined, 'Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'Voltage'];
    const units = {
      'Energy.Active.Import.Register': ['Wh', 'kWh'],
      'Power.Active.Import': ['W', 'kW'],
      'Current.Import': ['A'],
      Voltage: ['V'],
    };
    const sample = (version) => {
      const measurand = pick(measurands);
      const sv = {};
      const value = pick([0, 7, 7.5, 230, 12345.6, 32]);
      if (version === V16) sv.value = String(value);
      else sv.value = value;
      if (measurand) sv.measurand = measurand;
      const unit = pick([undefined, ...units[measurand || 'Energy.Active.Import.Register']]);
      if (unit) {
        if (version === V16) sv.unit = unit;
        else sv.unitOfMeasure = { unit, ...(rnd(4) === 0 ? { multiplier: pick([-1, 1]) } : {}) };
      }
      if (rnd(3) === 0) sv.phase = pick(['L1', 'L2', 'L3', 'L1-N', 'N']);
      return sv;
    };
    for (const version of [V16, V201]) {
      const fast = emptyStationValues();
      const generic = emptyStationValues();
      let changes = 0;
      for (let i = 0; i < 1500; i++) {
        const meterValue = [];
        for (let e = rnd(2); e >= 0; e--) {
          const entries = [];
          for (let s = rnd(4); s >= 0; s--) entries.push(sample(version));
          meterValue.push({ timestamp: `2024-05-02T10:${String(rnd(60)).padStart(2, '0')}:00Z`, sampledValue: entries });
        }
        const id = 1 + rnd(3);
        const request = version === V16 ? { connectorId: id, meterValue } : { evseId: id, meterValue };
        // now and then the station's main meter (connector 0) reports too: the generic path then
        if (rnd(20) === 0) {
          if (version === V16) request.connectorId = 0;
          else request.evseId = 0;
        }
        assertValid(version, 'MeterValues', 'request', request);
        const a = observeCall(fast, version, 'MeterValues', JSON.parse(JSON.stringify(request)), {}, '2024-05-02T12:00:00Z');
        const b = observeAnyCall(generic, version, 'MeterValues', JSON.parse(JSON.stringify(request)), {}, '2024-05-02T12:00:00Z');
        assert.deepStrictEqual(a, b, `${version} report ${i}: ${JSON.stringify(request)}`);
        assert.deepStrictEqual(fast, generic, `${version} values after report ${i}`);
        changes += a.length;
      }
      assert.ok(changes > 500, `${version}: the reports changed channels ${changes} times`);
    }
  });
});

describe('the MeterValues shortcut, when a report ends where it started', function () {
  it('reports no change when later entries of one report restore the current that was stored', function () {
    const { observeAnyCall } = require('../dist/lib/channels');
    const phase = (p, v) => ({ value: String(v), measurand: 'Current.Import', phase: p, unit: 'A' });
    const start = {
      connectorId: 1,
      meterValue: [{ timestamp: '2024-05-02T10:00:00Z', sampledValue: [phase('L1', 10), phase('L2', 10), phase('L3', 10)] }],
    };
    const report = {
      connectorId: 1,
      meterValue: [
        { timestamp: '2024-05-02T10:01:00Z', sampledValue: [phase('L1', 16)] },
        { timestamp: '2024-05-02T10:02:00Z', sampledValue: [phase('L1', 10), phase('L2', 10), phase('L3', 10)] },
      ],
    };
    assertValid(V16, 'MeterValues', 'request', report);
    const fast = emptyStationValues();
    const generic = emptyStationValues();
    observeCall(fast, V16, 'MeterValues', start, {});
    observeAnyCall(generic, V16, 'MeterValues', start, {});
    assert.deepStrictEqual(observeAnyCall(generic, V16, 'MeterValues', report, {}), []);
    assert.deepStrictEqual(observeCall(fast, V16, 'MeterValues', report, {}), []);
    assert.deepStrictEqual(fast, generic);
    assert.deepStrictEqual(fast.connectors['1'].current, [10, 10, 10]);
  });
});
