'use strict';
// node bench/inprocess.js [--calls N]
//
// Our per-call cost without sockets, kernel or load generator: N stations' WebSockets are
// stand-ins that hand frames straight to the connection, so only JavaScript is measured.
// (a) the CentralSystem of dist/lib (automatic replies, validation, channel values) against
// the floor: a handler that only parses and answers, as bench/servers/ws-floor.js does.
// Both get the same frames (Heartbeat and the ~310-byte MeterValues, alternating), in the
// same process, five rounds each, alternating; medians are printed.

const { EventEmitter } = require('events');
const path = require('path');
const { median } = require('./stats');

const lib = require(path.join(__dirname, '..', 'dist', 'lib'));
const { StationConnection } = require(path.join(__dirname, '..', 'dist', 'lib', 'rpc', 'connection'));

const STATIONS = 2000;
const argv = process.argv.slice(2);
const CALLS = argv[0] === '--calls' ? Number(argv[1]) : 1000000;

const METER_VALUES = JSON.stringify({
  connectorId: 1,
  transactionId: 1,
  meterValue: [
    {
      timestamp: '2025-01-01T12:00:00.000Z',
      sampledValue: [
        { value: '12345.6', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
        { value: '7360', measurand: 'Power.Active.Import', unit: 'W' },
        { value: '32.0', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
      ],
    },
  ],
});

/** A stand-in for an open `ws` WebSocket: frames go in by emit('message'), replies are counted. */
function fakeSocket(counter) {
  const s = new EventEmitter();
  s.OPEN = 1;
  s.CONNECTING = 0;
  s.readyState = 1;
  s.send = () => {
    counter.sent++;
  };
  return s;
}

function libSockets(counter) {
  const cs = new lib.CentralSystem({
    versions: ['ocpp1.6'],
    autoApprove: true,
    security: 'none',
    heartbeatInterval: 300,
    callTimeout: 30,
    unknownIdTags: 'accept',
    path: '/ocpp',
    registryFile: null,
    pingIntervalMs: 30000,
  });
  const sockets = [];
  for (let i = 0; i < STATIONS; i++) {
    const s = fakeSocket(counter);
    const conn = new StationConnection(s, `S${i}`, 'ocpp1.6', '127.0.0.1', {});
    // what the endpoint does for an accepted handshake
    cs.endpoint.connections.set(conn.id, conn);
    cs['connected'](conn);
    sockets.push(s);
  }
  return sockets;
}

function floorSockets(counter) {
  const sockets = [];
  for (let i = 0; i < STATIONS; i++) {
    const s = fakeSocket(counter);
    s.on('message', (data) => {
      let frame;
      try {
        frame = JSON.parse(data);
      } catch {
        return;
      }
      if (frame[0] !== 2) return;
      const reply = frame[2] === 'Heartbeat' ? { currentTime: new Date().toISOString() } : {};
      s.send(JSON.stringify([3, frame[1], reply]));
    });
    sockets.push(s);
  }
  return sockets;
}

let nextId = 0;
function drive(sockets, calls) {
  for (let k = 0; k < calls; k++) {
    const frame = k & 1 ? `[2,"${++nextId}","Heartbeat",{}]` : `[2,"${++nextId}","MeterValues",${METER_VALUES}]`;
    sockets[k % sockets.length].emit('message', Buffer.from(frame), false);
  }
}

function timed(sockets, counter, calls) {
  const before = counter.sent;
  const t0 = process.hrtime.bigint();
  drive(sockets, calls);
  const ns = Number(process.hrtime.bigint() - t0);
  if (counter.sent - before !== calls) throw new Error(`${calls} calls, ${counter.sent - before} answers`);
  return ns / 1000 / calls;
}

const ours = { sent: 0 };
const floor = { sent: 0 };
const a = libSockets(ours);
const d = floorSockets(floor);
drive(a, 200000);
drive(d, 200000);
const usA = [];
const usD = [];
for (let round = 0; round < 5; round++) {
  usA.push(timed(a, ours, CALLS));
  usD.push(timed(d, floor, CALLS));
}
const ma = median(usA);
const md = median(usD);
console.log(`in-process, ${STATIONS} stations, ${CALLS} calls per round, medians of 5 rounds (driver included in both):`);
console.log(`  (a) lib/ CentralSystem   ${ma.toFixed(2)} µs per call`);
console.log(`  floor: parse and answer  ${md.toFixed(2)} µs per call`);
console.log(`  lib/ adds                ${(ma - md).toFixed(2)} µs per call`);
process.exit(0);
