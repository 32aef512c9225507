'use strict';
// node bench/inprocess.js [--calls N] [--rounds K] [--baseline DIR]
//
// Our per-call cost without sockets, kernel or load generator: N stations' WebSockets are
// stand-ins that hand frames straight to the connection, so only JavaScript is measured.
// (a) the CentralSystem of dist/lib (automatic replies, validation, channel values), the same
// with the station log switched off (what the commissioning log costs), and with --baseline
// the CentralSystem of another build (DIR: a checkout of another commit, built, with its
// node_modules), against the floor: a handler that only parses and answers, as
// bench/servers/ws-floor.js does. All get the same frames (Heartbeat and the ~310-byte
// MeterValues, alternating), in the same process, in alternating rounds (default 15 of
// 400,000 calls); medians are printed. On a shared VM this is steadier than the socket bench.

const { EventEmitter } = require('events');
const fs = require('fs');
const path = require('path');
const { median } = require('./stats');

const STATIONS = 2000;
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const CALLS = Number(option('--calls', 400000));
const ROUNDS = Number(option('--rounds', 15));
const baselineDir = option('--baseline', null);

function distOf(dir) {
  const abs = path.resolve(dir);
  const dist = fs.existsSync(path.join(abs, 'dist', 'lib', 'index.js')) ? path.join(abs, 'dist') : abs;
  if (!fs.existsSync(path.join(dist, 'lib', 'index.js'))) throw new Error(`no built lib/ in ${dir}`);
  return dist;
}

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

function libSockets(counter, dist, withLog = true) {
  const lib = require(path.join(dist, 'lib'));
  const { StationConnection } = require(path.join(dist, 'lib', 'rpc', 'connection'));
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
    if (!withLog) conn.tap = null;
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

const here = path.join(__dirname, '..', 'dist');
const servers = [
  { label: '(a) lib/ CentralSystem', dist: here, log: true },
  { label: '    the same, station log off', dist: here, log: false },
];
if (baselineDir)
  servers.push({
    label: `(o) ${path.relative(process.cwd(), distOf(baselineDir)) || distOf(baselineDir)}`,
    dist: distOf(baselineDir),
    log: true,
  });
for (const server of servers) {
  server.counter = { sent: 0 };
  server.sockets = libSockets(server.counter, server.dist, server.log);
  server.us = [];
}
const floor = { label: 'floor: parse and answer', counter: { sent: 0 }, us: [] };
floor.sockets = floorSockets(floor.counter);
const all = [...servers, floor];
for (const x of all) drive(x.sockets, 200000);
for (let round = 0; round < ROUNDS; round++) {
  for (const x of all) x.us.push(timed(x.sockets, x.counter, CALLS));
}
const md = median(floor.us);
console.log(`in-process, ${STATIONS} stations, ${CALLS} calls per round, medians of ${ROUNDS} rounds (driver included in all):`);
for (const x of all) {
  const m = median(x.us);
  const adds = x === floor ? '' : `   adds ${((m - md) * 1000).toFixed(0)} ns to the floor`;
  console.log(`  ${x.label.padEnd(34)} ${(m * 1000).toFixed(0).padStart(5)} ns per call${adds}`);
}
process.exit(0);
