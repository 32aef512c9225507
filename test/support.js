'use strict';
// Shared test fixtures: free ports on 127.0.0.1, strict ocpp-rpc stations, raw ws clients.
const net = require('net');
const { RPCClient } = require('ocpp-rpc');
const WebSocket = require('ws');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const openClients = new Set();

// ocpp-rpc's strict mode cannot check 2.1 as shipped: a 2.1 station gets a validator made from the
// same official schemas under the names ocpp-rpc looks for (see that file).
const { strict21Validator } = require('../scripts/ocpp21-validator');

/** A charging station: ocpp-rpc in strict mode (every message checked against the official schemas). */
async function station(endpoint, identity, protocols = ['ocpp1.6'], extra = {}) {
  const client = new RPCClient({
    endpoint,
    identity,
    protocols,
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 5000,
    ...(protocols.includes('ocpp2.1') ? { strictModeValidators: [strict21Validator()] } : {}),
    ...extra,
  });
  openClients.add(client);
  await client.connect();
  return client;
}

/** The HTTP status a handshake was refused with, or 101 when it succeeded. */
async function handshakeStatus(endpoint, identity, protocols = ['ocpp1.6'], extra = {}) {
  try {
    const client = await station(endpoint, identity, protocols, extra);
    await client.close({ force: true });
    return 101;
  } catch (err) {
    if (typeof err.code === 'number') return err.code;
    throw err;
  }
}

/** A raw WebSocket, for bytes no well-behaved station would send. */
function rawClient(url, protocols = ['ocpp1.6'], options = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    openClients.add({ close: () => ws.terminate() });
    const inbox = [];
    const waiters = [];
    ws.on('message', (data) => {
      const text = data.toString();
      const w = waiters.shift();
      if (w) w(text);
      else inbox.push(text);
    });
    ws.next = (timeoutMs = 3000) =>
      new Promise((res, rej) => {
        if (inbox.length) return res(inbox.shift());
        const t = setTimeout(() => rej(new Error('no message from the central system')), timeoutMs);
        waiters.push((m) => {
          clearTimeout(t);
          res(m);
        });
      });
    ws.nextJson = async (timeoutMs) => JSON.parse(await ws.next(timeoutMs));
    ws.closed = new Promise((res) => ws.on('close', (code, reason) => res({ code, reason: reason.toString() })));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

async function closeAllClients() {
  const all = [...openClients];
  openClients.clear();
  await Promise.all(all.map((c) => Promise.resolve(c.close({ force: true })).catch(() => {})));
}

function waitFor(emitter, event, predicate = () => true, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      emitter.removeListener(event, on);
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    function on(...args) {
      if (!predicate(...args)) return;
      clearTimeout(t);
      emitter.removeListener(event, on);
      resolve(args.length > 1 ? args : args[0]);
    }
    emitter.on(event, on);
  });
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `condition()` is true; fails after `timeoutMs` naming `what`. */
async function until(condition, what = 'condition', timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

/**
 * A central system of `lib/` alone on a free port: both versions, auto-approve, no registry
 * file, unless `options` say otherwise; `listen` adds to what it listens with (tls).
 */
async function startSystem(options = {}, listen = {}) {
  const port = await freePort();
  const { CentralSystem } = require('../dist/lib'); // the build, loaded by the tests that use it
  const cs = new CentralSystem({
    versions: ['ocpp1.6', 'ocpp2.0.1'],
    autoApprove: true,
    security: 'none',
    heartbeatInterval: 300,
    callTimeout: 5,
    unknownIdTags: 'accept',
    path: '/ocpp',
    registryFile: null,
    ...options,
  });
  await cs.listen({ port, host: '127.0.0.1', ...listen });
  return { cs, port, url: `${listen.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/ocpp` };
}

const boot16 = { chargePointVendor: 'VendorX', chargePointModel: 'ModelY', chargePointSerialNumber: 'SN-1', firmwareVersion: '1.2.3' };
const boot201 = {
  reason: 'PowerUp',
  chargingStation: { vendorName: 'VendorZ', model: 'Model201', serialNumber: 'SN-2', firmwareVersion: '2.0' },
};

module.exports = {
  freePort,
  startSystem,
  station,
  strict21Validator,
  handshakeStatus,
  rawClient,
  closeAllClients,
  waitFor,
  delay,
  until,
  boot16,
  boot201,
};
