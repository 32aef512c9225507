'use strict';
// Load generator: N simulated OCPP 1.6 stations on raw `ws`, driven by bench/run.js over IPC.
// Runs in its own process so that its CPU is not charged to the server under test.

const { performance } = require('perf_hooks');
const WebSocket = require('ws');
const { Samples } = require('./stats');

const cfg = JSON.parse(process.argv[2]);
// cfg: { url, stations, prefix, durationMs, rate, concurrency, bootTimeoutMs, closedOnly }

const BOOT = (i) =>
  JSON.stringify({
    chargePointVendor: 'Bench',
    chargePointModel: 'Sim-1',
    chargePointSerialNumber: `SN-${i}`,
    firmwareVersion: '1.0.0',
  });
// ~310-byte payload: energy register, power and current of a charging session, as wallboxes send them.
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
// Pre-built frames: only the message id is spliced in per call.
const HEARTBEAT_TAIL = '","Heartbeat",{}]';
const METER_TAIL = '","MeterValues",' + METER_VALUES + ']';
const CALL_HEAD = '[2,"';
const ACCEPTED_TAIL = '",{"status":"Accepted"}]';

const QUOTE = 0x22;
const CH_CALL = 0x32; // '2'
const CH_RESULT = 0x33; // '3'
const CH_ERROR = 0x34; // '4'

// A zero mask lets ws skip masking: the client's cost stays out of the measurement.
const zeroMask = (mask) => {
  mask[0] = 0;
  mask[1] = 0;
  mask[2] = 0;
  mask[3] = 0;
};

const stations = [];
let booted = 0;
let connectFailures = 0;
let callErrors = 0;
let unexpected = 0;
let commandsAnswered = 0;

// Closed loop
let closedRunning = false;
let closedDone = 0;
let closedOutstanding = 0;
let onClosedDrained = null;
const closedLatency = new Samples(1 << 20);

// Open loop
const openLatency = new Samples(1 << 16);
let openOutstanding = 0;
let onOpenDrained = null;

class Station {
  constructor(index) {
    this.index = index;
    this.id = `${cfg.prefix}${index}`;
    this.counter = 0;
    this.meter = false;
    this.expected = '';
    this.sentAt = 0;
    this.booted = false;
    this.pending = null; // open loop: message id -> scheduled time
    this.ws = null;
  }

  connect(done) {
    const ws = new WebSocket(cfg.url + encodeURIComponent(this.id), ['ocpp1.6'], {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      generateMask: zeroMask,
      handshakeTimeout: cfg.bootTimeoutMs,
    });
    this.ws = ws;
    let settled = false;
    const settle = (ok) => {
      if (!settled) {
        settled = true;
        done(ok);
      }
    };
    ws.on('open', () => {
      this.expected = this.nextId();
      this.sentAt = performance.now();
      ws.send(CALL_HEAD + this.expected + '","BootNotification",' + BOOT(this.index) + ']');
    });
    ws.on('message', (data) => {
      if (!this.booted) {
        if (data[1] === CH_RESULT && this.idOf(data) === this.expected) {
          this.booted = true;
          this.expected = '';
          booted++;
          settle(true);
        } else {
          unexpected++;
        }
        return;
      }
      this.receive(data);
    });
    ws.on('error', () => settle(false));
    ws.on('close', () => {
      if (!this.booted) settle(false);
      this.booted = false;
    });
  }

  nextId() {
    this.counter++;
    return this.counter.toString(36);
  }

  idOf(data) {
    const end = data.indexOf(QUOTE, 4);
    return end > 4 ? data.toString('latin1', 4, end) : '';
  }

  /** Sends the next CALL of the Heartbeat / MeterValues cycle; returns its message id. */
  sendNext() {
    const id = this.nextId();
    this.meter = !this.meter;
    this.ws.send(CALL_HEAD + id + (this.meter ? METER_TAIL : HEARTBEAT_TAIL));
    return id;
  }

  receive(data) {
    const type = data[1];
    if (type === CH_CALL) {
      // A command from the central system: accepted at once.
      this.ws.send('[3,"' + this.idOf(data) + ACCEPTED_TAIL);
      commandsAnswered++;
      return;
    }
    if (type !== CH_RESULT && type !== CH_ERROR) {
      unexpected++;
      return;
    }
    if (type === CH_ERROR) callErrors++;
    const id = this.idOf(data);
    const now = performance.now();
    if (this.pending !== null) {
      const scheduled = this.pending.get(id);
      if (scheduled === undefined) {
        unexpected++;
        return;
      }
      this.pending.delete(id);
      openLatency.add(now - scheduled);
      if (--openOutstanding === 0 && onOpenDrained) onOpenDrained();
      return;
    }
    if (id !== this.expected) {
      unexpected++;
      return;
    }
    closedLatency.add(now - this.sentAt);
    closedDone++;
    if (closedRunning) {
      this.sentAt = now;
      this.expected = this.sendNext();
    } else {
      this.expected = '';
      if (--closedOutstanding === 0 && onClosedDrained) onClosedDrained();
    }
  }
}

function send(msg) {
  return new Promise((resolve) => {
    const handler = (reply) => {
      if (reply.ack === msg.type + ':' + (msg.phase || '')) {
        process.removeListener('message', handler);
        resolve(reply);
      }
    };
    process.on('message', handler);
    process.send(msg);
  });
}

/** Connects and boots every station, at most `concurrency` handshakes at a time. */
function bootAll() {
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    let finished = 0;
    const timer = setTimeout(() => resolve(), cfg.bootTimeoutMs);
    const launch = () => {
      while (inFlight < cfg.concurrency && next < cfg.stations) {
        const s = new Station(next++);
        stations.push(s);
        inFlight++;
        s.connect((ok) => {
          if (!ok) connectFailures++;
          inFlight--;
          finished++;
          if (finished === cfg.stations) {
            clearTimeout(timer);
            resolve();
          } else {
            launch();
          }
        });
      }
    };
    launch();
  });
}

function closedLoop() {
  return new Promise((resolve) => {
    const live = stations.filter((s) => s.booted);
    closedRunning = true;
    closedDone = 0;
    const t0 = performance.now();
    for (const s of live) {
      s.sentAt = t0;
      s.expected = s.sendNext();
    }
    closedOutstanding = live.length;
    setTimeout(() => {
      const t1 = performance.now();
      const calls = closedDone;
      closedRunning = false;
      const finish = () => resolve({ calls, seconds: (t1 - t0) / 1000 });
      // Wait for the last answers so the open loop starts from an idle server.
      if (closedOutstanding === 0) return finish();
      const giveUp = setTimeout(finish, 10000);
      onClosedDrained = () => {
        clearTimeout(giveUp);
        finish();
      };
    }, cfg.durationMs);
  });
}

function openLoop() {
  return new Promise((resolve) => {
    const live = stations.filter((s) => s.booted);
    for (const s of live) s.pending = new Map();
    const total = Math.round((cfg.rate * cfg.durationMs) / 1000);
    const interval = 1000 / cfg.rate;
    let sent = 0;
    let maxLag = 0;
    let rr = 0;
    const t0 = performance.now();
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      if (due > sent) maxLag = Math.max(maxLag, now - (t0 + sent * interval));
      while (sent < due) {
        if (live.length === 0) break;
        const s = live[rr];
        rr = rr + 1 === live.length ? 0 : rr + 1;
        const scheduled = t0 + sent * interval;
        s.pending.set(s.sendNext(), scheduled);
        openOutstanding++;
        sent++;
      }
      if (sent < total && live.length) {
        setTimeout(tick, 1);
        return;
      }
      const t1 = performance.now();
      const finish = () => {
        for (const s of live) s.pending = null;
        resolve({ calls: sent, seconds: (t1 - t0) / 1000, maxLagMs: maxLag });
      };
      if (openOutstanding === 0) return finish();
      const giveUp = setTimeout(finish, 10000);
      onOpenDrained = () => {
        clearTimeout(giveUp);
        finish();
      };
    };
    tick();
  });
}

function cpuMs(from, to) {
  return (to.user - from.user + to.system - from.system) / 1000;
}

async function main() {
  const cpu0 = process.cpuUsage();
  await send({ type: 'mark', phase: 'boot' });
  const b0 = performance.now();
  await bootAll();
  const bootSeconds = (performance.now() - b0) / 1000;
  const cpu1 = process.cpuUsage();
  await send({ type: 'mark', phase: 'booted', booted });

  await send({ type: 'mark', phase: 'closed' });
  const cpu2 = process.cpuUsage();
  const closed = await closedLoop();
  const cpu3 = process.cpuUsage();
  await send({ type: 'mark', phase: 'closedEnd', calls: closed.calls });

  let open = { calls: 0, seconds: NaN, maxLagMs: null };
  let cpu4 = cpu3;
  let fanout = {};
  const before = commandsAnswered;
  if (!cfg.closedOnly) {
    await send({ type: 'mark', phase: 'open' });
    open = await openLoop();
    cpu4 = process.cpuUsage();
    await send({ type: 'mark', phase: 'openEnd' });
    // Server-initiated commands: run.js asks the server to send one to every station.
    fanout = await send({ type: 'mark', phase: 'fanout' });
  }
  const answeredHere = commandsAnswered - before;

  const result = {
    stations: cfg.stations,
    booted,
    connectFailures,
    bootSeconds,
    connectionsPerSecond: booted / bootSeconds,
    closed: {
      calls: closed.calls,
      seconds: closed.seconds,
      callsPerSecond: closed.calls / closed.seconds,
      p50: closedLatency.quantile(0.5),
      p99: closedLatency.quantile(0.99),
      generatorCpuPercent: (100 * cpuMs(cpu2, cpu3)) / (closed.seconds * 1000),
    },
    open: {
      rate: cfg.rate,
      calls: open.calls,
      seconds: open.seconds,
      achievedRate: open.calls / open.seconds,
      maxLagMs: open.maxLagMs,
      p50: openLatency.quantile(0.5),
      p99: openLatency.quantile(0.99),
      generatorCpuPercent: (100 * cpuMs(cpu3, cpu4)) / (open.seconds * 1000),
    },
    fanout: { ...(fanout.result || {}), answeredByStations: answeredHere },
    generatorBootCpuMs: cpuMs(cpu0, cpu1),
    callErrors,
    unexpected,
  };
  for (const s of stations) if (s.ws) s.ws.terminate();
  process.send({ type: 'result', result }, () => process.exit(0));
}

main().catch((err) => {
  process.send({ type: 'failed', error: err.stack || String(err) }, () => process.exit(1));
});
