'use strict';
// What real wallboxes commonly send, in both validation modes, with raw ws stations: what the
// station receives, what the flows see, what is logged and what is counted.
const assert = require('assert');
const { helper, useRuntime, inbox, interfaceConfig, loadFlow } = require('./runtime');
const lib = require('../dist/lib');
const { rawClient, delay, until, boot16, startSystem, closeAllClients } = require('./support');

const ALL = ['ocpp-interface', 'ocpp-in', 'ocpp-response', 'ocpp-command', 'ocpp-channel'].map((n) => require(`../dist/nodes/${n}.js`));

const NO_ZONE = '2026-12-01T10:00:00';

const load = (flow) => loadFlow(ALL, flow);

function flow(iface) {
  return [
    interfaceConfig(iface),
    { id: 'calls', type: 'ocpp-in', interface: 'if1', station: '', actions: [], reply: 'auto', wires: [['calls-out']] },
    { id: 'calls-out', type: 'helper' },
    { id: 'inv', type: 'ocpp-in', interface: 'if1', station: '', actions: ['invalid'], reply: 'auto', wires: [['inv-out']] },
    { id: 'inv-out', type: 'helper' },
    { id: 'pw', type: 'ocpp-channel', interface: 'if1', station: 'CP', connector: 1, channel: 'power', wires: [['power-out']] },
    { id: 'power-out', type: 'helper' },
  ];
}

/** Node-RED's warnings so far, as text. */
function warnings() {
  return helper
    .log()
    .args.map((a) => a[0])
    .filter((e) => e && e.level === 30)
    .map((e) => String(e.msg));
}

async function summary(id = 'CP') {
  const res = await helper.request().get('/ocpp-interface/if1/stations').expect(200);
  return res.body.find((s) => s.id === id);
}

/** Sends one CALL and returns the station's answer. */
async function call(ws, id, action, payload) {
  const text = JSON.stringify([2, id, action, payload]);
  ws.send(text);
  return { reply: await ws.nextJson(), text };
}

/** The calls the flow saw, without connection events. */
function callsSeen(box) {
  return box.items.filter((m) => m.topic !== 'connected' && m.topic !== 'disconnected');
}

const meter16 = (sampled, timestamp = new Date().toISOString()) => ({
  connectorId: 1,
  meterValue: [{ timestamp, sampledValue: [sampled] }],
});

describe('real wallboxes', function () {
  const { sharedUrl } = useRuntime('ocpp-real-');

  for (const validation of ['lenient', 'strict']) {
    describe(`validation: ${validation}`, function () {
      let calls;
      let invalid;
      let power;
      async function start(extra = {}) {
        await load(flow({ validation, ...extra }));
        calls = inbox('calls-out');
        invalid = inbox('inv-out');
        power = inbox('power-out');
      }

      it('a station that offers no subprotocol: HTTP 400 and a warning naming assumeVersion; accepted as assumeVersion when set', async function () {
        await start();
        await assert.rejects(rawClient(`${sharedUrl()}/CP`, []), (err) => err.status === 400);
        await until(() => warnings().some((w) => w.includes('CP') && w.includes('assumeVersion')), 'a warning naming assumeVersion');
        await helper.unload();
        await start({ assumeVersion: 'ocpp1.6' });
        const ws = await rawClient(`${sharedUrl()}/CP`, []);
        assert.strictEqual(ws.protocol, '', 'no subprotocol is answered to a station that offered none');
        const { reply } = await call(ws, 'b1', 'BootNotification', boot16);
        assert.deepStrictEqual(reply.slice(0, 2), [3, 'b1']);
        assert.strictEqual(reply[2].status, 'Accepted');
        assert.strictEqual((await summary()).version, 'ocpp1.6');
      });

      it("ocpp1.6J, OCPP1.6 and OCPP2.0.1: matched without regard to case and J, answered with the station's spelling", async function () {
        await start();
        for (const [spelling, version, boot] of [
          ['ocpp1.6J', 'ocpp1.6', boot16],
          ['OCPP1.6', 'ocpp1.6', boot16],
          ['OCPP2.0.1', 'ocpp2.0.1', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } }],
        ]) {
          const ws = await rawClient(`${sharedUrl()}/CP`, [spelling]);
          assert.strictEqual(ws.protocol, spelling);
          const { reply } = await call(ws, 'b1', 'BootNotification', boot);
          assert.strictEqual(reply[0], 3, `${spelling}: boot not accepted: ${JSON.stringify(reply)}`);
          assert.strictEqual((await summary()).version, version);
          ws.close();
          await ws.closed;
        }
        // None approved: still refused.
        await helper.unload();
        await start({ versions: ['ocpp2.0.1'] });
        await assert.rejects(rawClient(`${sharedUrl()}/CP`, ['OCPP1.6J']), (err) => err.status === 400);
      });

      it('timestamps without zone in StatusNotification, MeterValues, StartTransaction', async function () {
        await start();
        const ws = await rawClient(`${sharedUrl()}/CP`, ['ocpp1.6']);
        const sent = [
          await call(ws, 's1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: NO_ZONE }),
          await call(
            ws,
            'm1',
            'MeterValues',
            meter16({ value: '1500', measurand: 'Power.Active.Import', unit: 'W' }, NO_ZONE.replace('T', ' ')),
          ),
          await call(ws, 't1', 'StartTransaction', { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: NO_ZONE }),
        ];
        if (validation === 'lenient') {
          for (const { reply } of sent) assert.strictEqual(reply[0], 3, `not accepted: ${JSON.stringify(reply)}`);
          assert.ok(Number.isInteger(sent[2].reply[2].transactionId));
          await until(() => callsSeen(calls).length === 3, 'the three calls at the flow');
          const [status, meter, start] = callsSeen(calls);
          assert.strictEqual(status.payload.timestamp, `${NO_ZONE}Z`, 'the flow sees the time read as UTC');
          assert.strictEqual(meter.payload.meterValue[0].timestamp, `${NO_ZONE}Z`);
          assert.strictEqual(start.payload.timestamp, `${NO_ZONE}Z`);
          assert.strictEqual((await power.next('power')).payload, 1500);
          assert.strictEqual(warnings().filter((w) => w.includes('without zone')).length, 1, 'logged once per station');
          const s = await summary();
          assert.deepStrictEqual(s.repairs, { dateTime: 3 });
          assert.strictEqual(s.refused, 0);
          assert.strictEqual(invalid.items.length, 0);
        } else {
          for (const [i, { reply }] of sent.entries()) {
            assert.deepStrictEqual(reply.slice(0, 3), [4, ['s1', 'm1', 't1'][i], 'PropertyConstraintViolation']);
            assert.match(reply[3], /timestamp/);
          }
          for (const { reply, text } of sent) {
            const msg = await invalid.next('an invalid event');
            assert.strictEqual(msg.topic, 'invalid');
            assert.deepStrictEqual(msg.payload, { code: reply[2], description: reply[3], frame: text });
            assert.strictEqual(msg.ocpp.station, 'CP');
          }
          await delay(100);
          assert.strictEqual(callsSeen(calls).length, 0, 'a refused call reaches no flow');
          assert.strictEqual(power.items.length, 0);
          assert.strictEqual(warnings().filter((w) => w.includes('refused with PropertyConstraintViolation')).length, 3);
          const s = await summary();
          assert.deepStrictEqual(s.repairs, {});
          assert.strictEqual(s.refused, 3);
          assert.strictEqual(s.lastRefused.frame, sent[2].text);
        }
      });

      it('a 1.6 sampled value "7,2" (kW, decimal comma) updates power; an unreadable one is a warning', async function () {
        await start();
        const ws = await rawClient(`${sharedUrl()}/CP`, ['ocpp1.6']);
        const first = await call(ws, 'm1', 'MeterValues', meter16({ value: '7,2', measurand: 'Power.Active.Import', unit: 'kW' }));
        assert.deepStrictEqual(first.reply, [3, 'm1', {}]);
        assert.strictEqual((await power.next('power 7200')).payload, 7200);
        const second = await call(ws, 'm2', 'MeterValues', meter16({ value: '11,05', measurand: 'Power.Active.Import', unit: 'kW' }));
        assert.deepStrictEqual(second.reply, [3, 'm2', {}]);
        assert.strictEqual((await power.next('power 11050')).payload, 11050);
        assert.strictEqual(warnings().filter((w) => w.includes('decimal comma')).length, 1, 'logged once per station');
        assert.deepStrictEqual((await summary()).repairs, { decimalComma: 2 });
        const bad = await call(ws, 'm3', 'MeterValues', meter16({ value: 'n/a', measurand: 'Power.Active.Import', unit: 'kW' }));
        assert.deepStrictEqual(bad.reply, [3, 'm3', {}], 'valid against the schema: acknowledged');
        await until(
          () => warnings().some((w) => w.includes('"n/a"') && w.includes('cannot be read')),
          'a warning for the unreadable reading',
        );
        await delay(50);
        assert.strictEqual(power.items.length, 0, 'power not updated from an unreadable reading');
      });

      it('an extra property the schema lacks', async function () {
        await start();
        const ws = await rawClient(`${sharedUrl()}/CP`, ['ocpp1.6']);
        const { reply, text } = await call(ws, 's1', 'StatusNotification', {
          connectorId: 1,
          errorCode: 'NoError',
          status: 'Available',
          vendorLed: 'green',
        });
        if (validation === 'lenient') {
          assert.deepStrictEqual(reply, [3, 's1', {}]);
          await until(() => callsSeen(calls).length === 1, 'the call at the flow');
          assert.deepStrictEqual(callsSeen(calls)[0].payload, { connectorId: 1, errorCode: 'NoError', status: 'Available' });
          assert.strictEqual(warnings().filter((w) => w.includes('does not define')).length, 1);
          assert.deepStrictEqual((await summary()).repairs, { unknownProperty: 1 });
        } else {
          assert.deepStrictEqual(reply.slice(0, 3), [4, 's1', 'FormationViolation']);
          const msg = await invalid.next();
          assert.deepStrictEqual(msg.payload, { code: 'FormationViolation', description: reply[3], frame: text });
          assert.strictEqual((await summary()).refused, 1);
        }
      });

      it('a 1.6 sampled value sent as a number', async function () {
        await start();
        const ws = await rawClient(`${sharedUrl()}/CP`, ['ocpp1.6']);
        const { reply } = await call(ws, 'm1', 'MeterValues', meter16({ value: 7.2, measurand: 'Power.Active.Import', unit: 'kW' }));
        if (validation === 'lenient') {
          assert.deepStrictEqual(reply, [3, 'm1', {}]);
          assert.strictEqual((await power.next('power')).payload, 7200);
          await until(() => callsSeen(calls).length === 1, 'the call at the flow');
          assert.strictEqual(callsSeen(calls)[0].payload.meterValue[0].sampledValue[0].value, '7.2');
          assert.deepStrictEqual((await summary()).repairs, { decimalString: 1 });
          assert.strictEqual(warnings().filter((w) => w.includes('as a number')).length, 1);
        } else {
          assert.deepStrictEqual(reply.slice(0, 3), [4, 'm1', 'TypeConstraintViolation']);
          assert.strictEqual((await invalid.next()).payload.code, 'TypeConstraintViolation');
          assert.strictEqual(power.items.length, 0);
        }
      });

      it('enumeration values in another case, also in 2.0.1 (schemas with definitions)', async function () {
        await start();
        const ws = await rawClient(`${sharedUrl()}/CP201`, ['ocpp2.0.1']);
        const { reply } = await call(ws, 's1', 'StatusNotification', {
          timestamp: NO_ZONE,
          connectorStatus: 'occupied',
          evseId: 1,
          connectorId: 1,
        });
        if (validation === 'lenient') {
          assert.deepStrictEqual(reply, [3, 's1', {}]);
          await until(() => callsSeen(calls).length === 1, 'the call at the flow');
          assert.deepStrictEqual(callsSeen(calls)[0].payload, {
            timestamp: `${NO_ZONE}Z`,
            connectorStatus: 'Occupied',
            evseId: 1,
            connectorId: 1,
          });
          assert.deepStrictEqual((await summary('CP201')).repairs, { dateTime: 1, enumCase: 1 });
        } else {
          assert.deepStrictEqual(reply.slice(0, 3), [4, 's1', 'PropertyConstraintViolation']);
        }
      });

      it('the same repairs for a 2.1 station, for a CALL and for a SEND (schemas of the 2.1 adapter)', async function () {
        await start({ versions: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] });
        const ws = await rawClient(`${sharedUrl()}/CP21`, ['ocpp2.1']);
        const { reply } = await call(ws, 's1', 'StatusNotification', {
          timestamp: NO_ZONE,
          connectorStatus: 'occupied',
          evseId: 1,
          connectorId: 1,
          vendorNote: 'x',
        });
        // a SEND is never answered; the Heartbeat after it shows that it was read
        ws.send(
          JSON.stringify([6, 'e1', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: NO_ZONE, data: [{ t: 0, v: '230.1' }] }]),
        );
        const beat = await call(ws, 'h1', 'Heartbeat', {});
        assert.deepStrictEqual(beat.reply.slice(0, 2), [3, 'h1'], 'the SEND got no answer');
        if (validation === 'lenient') {
          assert.deepStrictEqual(reply, [3, 's1', {}]);
          await until(() => callsSeen(calls).length === 3, 'the CALL, the SEND and the Heartbeat at the flow');
          const [status, send] = callsSeen(calls);
          assert.deepStrictEqual(status.payload, { timestamp: `${NO_ZONE}Z`, connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
          assert.strictEqual(send.ocpp.action, 'NotifyPeriodicEventStream');
          assert.strictEqual(send.payload.basetime, `${NO_ZONE}Z`);
          assert.deepStrictEqual((await summary('CP21')).repairs, { dateTime: 2, enumCase: 1, unknownProperty: 1 });
        } else {
          assert.strictEqual(reply[0], 4);
          await until(() => callsSeen(calls).length === 1, 'the Heartbeat at the flow');
          assert.strictEqual(
            callsSeen(calls)[0].ocpp.action,
            'Heartbeat',
            'neither the invalid CALL nor the invalid SEND reached the flow',
          );
        }
      });

      it('what repairs cannot help is refused exactly as in strict', async function () {
        await start();
        const ws = await rawClient(`${sharedUrl()}/CP`, ['ocpp1.6']);
        // a zone-less time (repairable) and a status no case makes valid
        const { reply, text } = await call(ws, 's1', 'StatusNotification', {
          connectorId: 1,
          errorCode: 'NoError',
          status: 'Sleeping',
          timestamp: NO_ZONE,
        });
        assert.deepStrictEqual(reply.slice(0, 3), [4, 's1', 'PropertyConstraintViolation']);
        const msg = await invalid.next();
        assert.deepStrictEqual(msg.payload, { code: reply[2], description: reply[3], frame: text });
        const s = await summary();
        assert.strictEqual(s.refused, 1);
        assert.deepStrictEqual(s.repairs, {}, 'a refused message counts no repair');
        await delay(50);
        assert.strictEqual(callsSeen(calls).length, 0);
      });
    });
  }

  describe('frame events and the station log', function () {
    it('emits every frame both ways, whole, to an ocpp-in that names frame; the log API keeps them cut, oldest first', async function () {
      await load([
        ...flow({}),
        { id: 'frames', type: 'ocpp-in', interface: 'if1', station: 'CP', actions: ['frame'], reply: 'auto', wires: [['frames-out']] },
        { id: 'frames-out', type: 'helper' },
      ]);
      const frames = inbox('frames-out');
      const ws = await rawClient(`${sharedUrl()}/CP`, ['ocpp1.6']);
      const boot = await call(ws, 'b1', 'BootNotification', boot16);
      const big = await call(ws, 'd1', 'DataTransfer', { vendorId: 'acme', data: 'x'.repeat(6000) });
      const got = [];
      for (let i = 0; i < 4; i++) got.push((await frames.next('a frame event')).payload);
      assert.deepStrictEqual(
        got.map((p) => p.direction),
        ['in', 'out', 'in', 'out'],
      );
      assert.strictEqual(got[0].frame, boot.text);
      assert.deepStrictEqual(JSON.parse(got[1].frame), boot.reply);
      assert.strictEqual(got[2].frame, big.text, 'a frame event carries the whole frame');
      const other = (await helper.request().get('/ocpp-interface/if1/stations/CP/log').expect(200)).body;
      assert.deepStrictEqual(
        other.map((e) => e.direction),
        ['in', 'out', 'in', 'out'],
      );
      assert.strictEqual(other[0].frame, boot.text);
      assert.strictEqual(other[2].frame, big.text.slice(0, 4096), 'the log cuts a frame at 4,096 characters');
      assert.ok(
        other.every((e, i) => !Number.isNaN(Date.parse(e.time)) && (i === 0 || e.time >= other[i - 1].time)),
        'oldest first, with times',
      );
      await helper.request().get('/ocpp-interface/if1/stations/NOPE/log').expect(404);
      await helper.request().get('/ocpp-interface/nope/stations/CP/log').expect(404);
      assert.strictEqual((await helper.request().get('/ocpp-interface/if1/stations/CP').expect(200)).body.id, 'CP');
    });

    it('keeps the last 200 frames of a station', async function () {
      await load(flow({}));
      const ws = await rawClient(`${sharedUrl()}/CP`, ['ocpp1.6']);
      for (let i = 0; i < 120; i++) await call(ws, `h${i}`, 'Heartbeat', {});
      const log = (await helper.request().get('/ocpp-interface/if1/stations/CP/log').expect(200)).body;
      assert.strictEqual(log.length, 200);
      assert.strictEqual(JSON.parse(log[0].frame)[1], 'h20', 'the oldest frames went first');
      assert.strictEqual(JSON.parse(log[199].frame)[1], 'h119');
      assert.strictEqual(log[199].direction, 'out');
    });
  });
});

describe('frame events and log times (lib/)', function () {
  let sys;
  afterEach(async function () {
    await closeAllClients();
    if (sys) await sys.cs.close();
    sys = null;
  });

  it('follows its frame listeners however they are added and removed', async function () {
    sys = await startSystem();
    const { cs } = sys;
    const seen = [];
    const listener = (f) => seen.push(`${f.direction} ${JSON.parse(f.frame)[1]}`);
    const ws = await rawClient(`${sys.url}/FR`, ['ocpp1.6']);
    const heartbeat = async (id) => {
      ws.send(`[2,"${id}","Heartbeat",{}]`);
      await ws.next();
    };
    await heartbeat('none');
    cs.on('frame', listener);
    await heartbeat('on');
    cs.removeListener('frame', listener);
    await heartbeat('off');
    cs.once('frame', listener);
    await heartbeat('once');
    await heartbeat('after-once');
    cs.on('frame', listener);
    cs.on('frame', listener);
    cs.off('frame', listener);
    await heartbeat('one-left');
    cs.removeAllListeners('frame');
    await heartbeat('all-removed');
    assert.deepStrictEqual(seen, ['in on', 'out on', 'in once', 'in one-left', 'out one-left']);
  });

  it('stamps an automatic reply with the arrival of its CALL, in the log and in currentTime', async function () {
    sys = await startSystem();
    const ws = await rawClient(`${sys.url}/TIMES`, ['ocpp1.6']);
    ws.send('[2,"t1","Heartbeat",{}]');
    const reply = await ws.nextJson();
    const log = sys.cs.stationLog('TIMES');
    const [received, sent] = log.slice(-2);
    assert.deepStrictEqual([received.direction, sent.direction], ['in', 'out']);
    assert.strictEqual(sent.time, received.time);
    assert.strictEqual(reply[2].currentTime, received.time);
    // a command sent later, outside any CALL, gets its own time
    await delay(20);
    const command = sys.cs.command('TIMES', 'ClearCache', {});
    const call = await ws.nextJson();
    ws.send(JSON.stringify([3, call[1], { status: 'Accepted' }]));
    await command;
    const sentLater = sys.cs.stationLog('TIMES').find((e) => e.direction === 'out' && JSON.parse(e.frame)[2] === 'ClearCache');
    assert.ok(Date.parse(sentLater.time) >= Date.parse(received.time) + 20, `${sentLater.time} after ${received.time}`);
  });
});

describe('station logs: the memory bound of an interface', function () {
  it('never holds more than its budget, keeps at most 200 frames a station, and overwrites the oldest of any station first', function () {
    const budget = 200000;
    const logs = new lib.StationLogs(budget);
    const frame = (i) => JSON.stringify([2, String(i), 'Heartbeat', { pad: 'x'.repeat(i % 500), note: 'ä€' }]);
    let max = 0;
    for (let i = 0; i < 20000; i++) {
      logs.add(`S${i % 300}`, i % 2 ? 'out' : 'in', i % 3 ? frame(i) : Buffer.from(frame(i)), 1000 + i);
      max = Math.max(max, logs.size);
    }
    assert.ok(max <= budget, `held ${max} bytes`);
    assert.ok(logs.size > budget * 0.9, 'the budget is used');
    let oldestKept = Infinity;
    for (let s = 0; s < 300; s++) {
      const entries = logs.entriesOf(`S${s}`);
      assert.ok(entries.length <= 200);
      for (const e of entries) {
        const i = Number(JSON.parse(e.frame)[1]);
        assert.strictEqual(e.frame, frame(i), 'a frame comes back as it was given');
        assert.strictEqual(e.direction, i % 2 ? 'out' : 'in');
        assert.strictEqual(e.time, new Date(1000 + i).toISOString());
        oldestKept = Math.min(oldestKept, i);
      }
    }
    assert.strictEqual(logs.entriesOf(`S${19999 % 300}`).pop().frame, frame(19999), 'the newest frame is kept');
    // everything after the oldest kept frame is still there: the oldest went first
    let kept = 0;
    for (let s = 0; s < 300; s++) kept += logs.entriesOf(`S${s}`).length;
    assert.strictEqual(kept, 20000 - oldestKept);
    // One chatty station among quiet ones: it keeps 200, the quiet one keeps its own.
    const mixed = new lib.StationLogs(10 * 1024 * 1024);
    mixed.add('QUIET', 'in', frame(1));
    for (let i = 0; i < 5000; i++) mixed.add('CHATTY', 'in', frame(i));
    assert.strictEqual(mixed.entriesOf('CHATTY').length, 200);
    assert.strictEqual(JSON.parse(mixed.entriesOf('CHATTY')[0].frame)[1], '4800');
    assert.deepStrictEqual(
      mixed.entriesOf('QUIET').map((e) => e.frame),
      [frame(1)],
    );
    mixed.forget('CHATTY');
    assert.deepStrictEqual(mixed.entriesOf('CHATTY'), []);
  });

  it('never shows a removed station its earlier frames, also when one of that id comes back', function () {
    const logs = new lib.StationLogs(64 * 1024);
    logs.add('GONE', 'in', '[2,"1","Heartbeat",{}]', 1000);
    logs.add('STAYS', 'out', '[3,"1",{}]', 1001);
    logs.forget('GONE');
    assert.deepStrictEqual(logs.entriesOf('GONE'), []);
    logs.add('GONE', 'in', Buffer.from('[2,"2","Heartbeat",{}]'), 1002);
    assert.deepStrictEqual(logs.entriesOf('GONE'), [
      { time: new Date(1002).toISOString(), direction: 'in', frame: '[2,"2","Heartbeat",{}]' },
    ]);
    assert.deepStrictEqual(logs.entriesOf('STAYS'), [{ time: new Date(1001).toISOString(), direction: 'out', frame: '[3,"1",{}]' }]);
  });

  it('keeps ASCII and other texts byte for byte, short and long', function () {
    const logs = new lib.StationLogs();
    const texts = ['[3,"a",{}]', '[3,"ä",{"x":"€"}]', '[3,"b",{"d":"' + 'y'.repeat(200) + '"}]', '[3,"c",{"d":"' + '😀'.repeat(50) + '"}]'];
    for (const t of texts) logs.add('S', 'out', t);
    assert.deepStrictEqual(
      logs.entriesOf('S').map((e) => e.frame),
      texts,
    );
  });

  it('cuts a frame at 4,096 characters, also one of multi-byte characters given as bytes', function () {
    const logs = new lib.StationLogs();
    const text = JSON.stringify([2, 'm', 'DataTransfer', { vendorId: 'v', data: '€'.repeat(5000) }]);
    logs.add('S', 'in', Buffer.from(text));
    logs.add('S', 'out', text);
    assert.deepStrictEqual(
      logs.entriesOf('S').map((e) => e.frame),
      [text.slice(0, 4096), text.slice(0, 4096)],
    );
  });

  it('bounds the bookkeeping too, with many tiny frames', function () {
    const logs = new lib.StationLogs(64 * 1024);
    for (let i = 0; i < 100000; i++) logs.add(`S${i % 50}`, 'in', `[${i}]`);
    let kept = 0;
    for (let s = 0; s < 50; s++) kept += logs.entriesOf(`S${s}`).length;
    assert.ok(kept <= (64 * 1024) / 128 && kept > 400, `${kept} entries kept`);
    assert.strictEqual(logs.entriesOf('S49').pop().frame, '[99999]');
  });
});

describe('subprotocol matching (lib/)', function () {
  it("matches every supported version without regard to case and a trailing J, in the station's order", function () {
    for (const version of lib.SUPPORTED_VERSIONS) {
      for (const spelling of [version, version.toUpperCase(), `${version}J`, `${version.toUpperCase()}j`]) {
        assert.deepStrictEqual(lib.matchProtocol([spelling], lib.SUPPORTED_VERSIONS), { version, protocol: spelling });
      }
    }
    assert.deepStrictEqual(lib.matchProtocol(['ocpp1.5', 'OCPP2.0.1J', 'ocpp1.6'], ['ocpp1.6', 'ocpp2.0.1']), {
      version: 'ocpp2.0.1',
      protocol: 'OCPP2.0.1J',
    });
    assert.strictEqual(lib.matchProtocol(['ocpp1.6JJ', 'ocpp1.6x'], ['ocpp1.6']), null);
    assert.strictEqual(lib.matchProtocol(['ocpp1.6J'], ['ocpp2.0.1']), null);
  });
});
