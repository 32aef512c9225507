'use strict';
// npm run fuzz: hostile frames from many raw WebSocket connections against a real Node-RED
// child process with this package installed, while a strict ocpp-rpc station sends a
// Heartbeat every 200 ms. Fails when Node-RED exits, when the good station misses an
// answer, or when an answer differs from what README's Protocol rules prescribe.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs } = require('util');
const { isUtf8 } = require('buffer');
const WebSocket = require('ws');
const { RPCClient } = require('ocpp-rpc');
const { startNodeRed, stopNodeRed, installInto } = require('../test/nodered-process');
const { generate, check, answersExpected, hash } = require('./fuzz-frames');

const DEFAULTS = {
  frames: 20000,
  connections: 50,
  seed: null, // null: a new one each run, printed for the replay
  duration: 100, // s: sending stops then, whatever the count
  versions: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'],
  validation: 'lenient',
  answerTimeout: 5000, // ms for one frame's answer
  heartbeatMs: 200,
  log: console.log,
  package: null, // a built package directory to install (an unpacked `npm pack`); null: this one
  interrupted: () => false, // true: stop sending now (Ctrl-C), clean up, report what was done
};

const IFACE = 'fuzz-iface';
const OCPP_PATH = '/ocpp';
// Station ids that name properties of every JavaScript object: the registry must not care.
const SPECIAL_IDS = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'prototype', 'valueOf', 'Ladesäule-🔌', '__defineGetter__'];
const GOOD = [
  { id: 'FUZZ-GOOD-16', version: 'ocpp1.6', boot: { chargePointVendor: 'Good', chargePointModel: 'G1' } },
  { id: 'FUZZ-GOOD-201', version: 'ocpp2.0.1', boot: { reason: 'PowerUp', chargingStation: { model: 'G2', vendorName: 'Good' } } },
];

/** Two ocpp-in nodes on the interface, one of them wired to two nodes: each CALL is copied for them. */
function flow(versions, validation) {
  const tab = 'fuzz-tab';
  return [
    { id: tab, type: 'tab', label: 'fuzz' },
    {
      id: IFACE,
      type: 'ocpp-interface',
      name: 'fuzz',
      versions,
      autoApprove: true,
      port: '',
      path: OCPP_PATH,
      tls: '',
      security: 'none',
      heartbeatInterval: 300,
      callTimeout: 30,
      unknownIdTags: 'accept',
      validation,
      deactivated: false,
    },
    {
      id: 'fuzz-in-all',
      type: 'ocpp-in',
      z: tab,
      interface: IFACE,
      station: '',
      actions: [],
      reply: 'auto',
      wires: [['fuzz-fn', 'fuzz-debug']],
    },
    {
      id: 'fuzz-fn',
      type: 'function',
      z: tab,
      func: "context.set('n', (context.get('n') || 0) + 1);\nmsg.seen = Object.keys(msg.payload || {}).length;\nreturn msg;",
      outputs: 1,
      wires: [[]],
    },
    {
      id: 'fuzz-debug',
      type: 'debug',
      z: tab,
      active: true,
      tosidebar: true,
      console: false,
      complete: 'true',
      targetType: 'full',
      wires: [],
    },
    { id: 'fuzz-in-second', type: 'ocpp-in', z: tab, interface: IFACE, station: '', actions: [], reply: 'auto', wires: [[]] },
    {
      id: 'fuzz-in-events',
      type: 'ocpp-in',
      z: tab,
      interface: IFACE,
      station: '',
      actions: ['connected', 'disconnected', 'rejected', 'invalid', 'frame'],
      reply: 'auto',
      wires: [['fuzz-fn']],
    },
  ];
}

function stationIdFor(seed, conn) {
  if (conn % 8 === 7 && conn >> 3 < SPECIAL_IDS.length) return SPECIAL_IDS[conn >> 3];
  return `FZ-${seed}-${conn}`;
}

/** Resident memory of a process in MB (Linux), null elsewhere. */
function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

function excerpt(data, max = 160) {
  const text = Buffer.isBuffer(data)
    ? `<${data.length} bytes ${data.subarray(0, 40).toString('hex')}${data.length > 40 ? '…' : ''}>`
    : JSON.stringify(data);
  return text.length > max ? `${text.slice(0, max)}… (${data.length} chars)` : text;
}

/** Opens one raw station connection; resolves null when the handshake is refused. */
function openSocket(url, protocol) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, [protocol], { perMessageDeflate: false, handshakeTimeout: 10000 });
    const fail = (why) => {
      ws.removeAllListeners('open');
      ws.on('error', () => {});
      ws.terminate();
      resolve({ ws: null, why });
    };
    ws.once('open', () => resolve({ ws, why: null }));
    ws.once('unexpected-response', (req, res) => fail(`HTTP ${res.statusCode}`));
    ws.once('error', (err) => fail(err.message));
  });
}

/** True when the interface accepts `protocol` in the handshake (ocpp2.1 only where the package has it). */
async function approves(base, protocol) {
  const { ws } = await openSocket(`${base}/FZ-PROBE-${protocol.replace(/\W/g, '')}`, protocol);
  if (!ws) return false;
  const ok = ws.protocol === protocol;
  ws.terminate();
  return ok;
}

class HostileConnection {
  constructor(ctx, conn, version) {
    this.ctx = ctx;
    this.conn = conn;
    this.version = version;
    this.stationId = stationIdFor(ctx.seed, conn);
    this.url = `${ctx.base}/${encodeURIComponent(this.stationId)}`;
    this.ws = null;
    this.waiter = null;
    this.pastIds = new Set();
    this.index = 0;
    this.connected = false;
  }

  async connect() {
    const { ws, why } = await openSocket(this.url, this.version);
    if (!ws) return why;
    this.ctx.stats.connections++;
    this.connected = true;
    this.ws = ws;
    ws.on('error', () => {}); // a reset is seen as a close 1006
    ws.on('message', (data, isBinary) => this.received(data, isBinary));
    ws.once('close', (code) => {
      if (this.ws !== ws) return; // closed by this side at the end
      this.ws = null;
      if (this.waiter) this.waiter.onClose(code);
    });
    return null;
  }

  received(data, isBinary) {
    let a;
    try {
      const frame = JSON.parse(data.toString());
      if (!Array.isArray(frame) || isBinary) throw new Error('not an OCPP frame');
      a = { type: frame[0], id: frame[1], code: frame[0] === 4 ? frame[2] : undefined };
    } catch {
      this.ctx.failure(this, null, `the central system sent something that is not an OCPP-J text frame: ${excerpt(data.toString())}`);
      return;
    }
    // A CALL from the central system (a command) is no answer to anything sent here.
    if (a.type === 2) {
      this.ctx.stats.serverCalls++;
      return;
    }
    if (this.waiter) this.waiter.onAnswer(a);
    else this.late(a);
  }

  late(a) {
    this.ctx.stats.late++;
    this.ctx.failure(
      this,
      null,
      `an answer that came after its frame was done: ${a.type === 4 ? `CALLERROR ${a.code}` : `type ${a.type}`} id ${JSON.stringify(a.id)}`,
    );
  }

  /** Sends one entry's frames and collects what comes back. */
  exchange(entry) {
    const need = answersExpected(entry.expect);
    const ids = new Set([entry.id, entry.expect.id].filter((x) => x !== undefined));
    const sentinelId = need === null ? `s${this.index.toString(36)}-${this.conn}` : null;
    const got = { answers: [], closed: null, timedOut: false, sentinel: null };
    const ws = this.ws;
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiter = null;
        for (const id of ids) this.pastIds.add(id);
        resolve(got);
      };
      this.waiter = {
        onAnswer: (a) => {
          if (sentinelId !== null && a.id === sentinelId) got.sentinel = a;
          else if (ids.has(a.id) || a.id === '-1' || !this.pastIds.has(a.id)) got.answers.push(a);
          else return this.late(a);
          if (need === null ? got.sentinel !== null : got.answers.length >= need) finish();
        },
        onClose: (code) => {
          got.closed = code;
          finish();
        },
      };
      const timer = setTimeout(() => {
        got.timedOut = true;
        finish();
      }, this.ctx.answerTimeout);
      for (const frame of entry.frames) {
        if (frame.fragments) {
          frame.fragments.forEach((part, i) => ws.send(part, { binary: false, fin: i === frame.fragments.length - 1 }, () => {}));
        } else {
          ws.send(frame.data, { binary: !!frame.binary }, () => {});
        }
        this.ctx.stats.frames++;
      }
      if (sentinelId !== null) {
        ws.send(JSON.stringify([2, sentinelId, 'Heartbeat', {}]), () => {});
        this.ctx.stats.sentinels++;
      }
    });
  }

  async run(quota) {
    const ctx = this.ctx;
    let sent = 0;
    while (sent < quota && !ctx.stopping()) {
      if (!this.ws) {
        const refused = await this.connect();
        if (refused) {
          await delay(500);
          if (!ctx.stopping()) ctx.failure(this, null, `the handshake was refused: ${refused}`);
          return;
        }
      }
      const entry = generate(ctx.seed, this.conn, this.index, this.version);
      const got = await this.exchange(entry);
      // An abnormal close may be Node-RED going down: let its exit be seen before judging the frame.
      if (got.closed === 1006) await delay(500);
      sent += entry.frames.length;
      ctx.record(this, entry, got);
      this.index++;
    }
    if (this.ws) {
      this.ws.close();
      this.ws = null;
    }
  }
}

/** The strict station that must be served throughout: Heartbeat every `heartbeatMs`. */
async function goodStation(ctx, spec) {
  const client = new RPCClient({
    endpoint: ctx.base,
    identity: spec.id,
    protocols: [spec.version],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 10000,
  });
  const good = ctx.stats.good;
  let stopping = false;
  let timer = null;
  client.on('close', () => {
    if (stopping) return;
    good.failures.push(`${spec.id} was disconnected`);
    clearInterval(timer);
  });
  await client.connect();
  await client.call('BootNotification', spec.boot);
  const pending = new Set();
  timer = setInterval(() => {
    const started = performance.now();
    good.sent++;
    const p = client
      .call('Heartbeat', {})
      .then(
        () => {
          good.answered++;
          good.latencies.push(performance.now() - started);
        },
        (err) => {
          good.failures.push(`${spec.id}: Heartbeat ${good.sent}: ${err.message}`);
        },
      )
      .finally(() => pending.delete(p));
    pending.add(p);
  }, ctx.heartbeatMs);
  return async () => {
    clearInterval(timer);
    await Promise.all(pending);
    stopping = true;
    await client.close({ force: true }).catch(() => {});
  };
}

async function waitForInterface(port, nr) {
  const end = Date.now() + 30000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/ocpp-interface/${IFACE}/stations`).catch(() => null);
    if (res && res.status === 200) return;
    if (Date.now() > end) throw new Error(`the interface was not deployed within 30 s\n${nr.logs().slice(-4000)}`);
    await delay(100);
  }
}

/**
 * Runs the fuzzer; resolves with a report ({ ok, ... }). Never leaves its Node-RED child or
 * its temporary directory behind.
 */
async function fuzz(options = {}) {
  const opts = { ...DEFAULTS, ...options };
  const seed = opts.seed === null || opts.seed === undefined ? Date.now() % 1e9 : Number(opts.seed);
  const log = opts.log;
  const stats = {
    frames: 0,
    sentinels: 0,
    connections: 0,
    entries: 0,
    late: 0,
    serverCalls: 0,
    results: 0,
    errors: {},
    noAnswer: 0,
    closes: {},
    timedOut: 0,
    byKind: {},
    good: { sent: 0, answered: 0, failures: [], latencies: [] },
  };
  const failures = [];
  const mismatches = [];
  const report = {
    ok: false,
    seed,
    options: { frames: opts.frames, connections: opts.connections, duration: opts.duration, validation: opts.validation },
    stats,
    failures,
    mismatches,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-fuzz-'));
  let nr = null;
  let nodeRedExit = null;
  let stoppingNodeRed = false;
  const stopGood = [];
  const conns = [];
  const started = Date.now();
  try {
    installInto(dir, opts.package ? path.resolve(opts.package) : undefined);
    fs.writeFileSync(path.join(dir, 'flows.json'), JSON.stringify(flow(opts.versions, opts.validation)));
    nr = startNodeRed(dir);
    const port = await nr.ready;
    nr.child.once('exit', (code, signal) => {
      if (!stoppingNodeRed && !opts.interrupted()) nodeRedExit = { code, signal };
    });
    await waitForInterface(port, nr);
    const base = `ws://127.0.0.1:${port}${OCPP_PATH}`;
    const versions = [];
    for (const v of opts.versions) {
      if (await approves(base, v)) versions.push(v);
      else if (v !== 'ocpp2.1') throw new Error(`the interface does not approve ${v}`);
    }
    report.versions = versions;
    log(
      `fuzz: seed ${seed}, ${opts.frames} frames over ${opts.connections} connections, ${versions.join(', ')}` +
        `${opts.versions.includes('ocpp2.1') && !versions.includes('ocpp2.1') ? ' (ocpp2.1: not approved by the interface, left out)' : ''}, validation ${opts.validation}, Node-RED pid ${nr.child.pid}`,
    );

    const deadline = started + opts.duration * 1000;
    const ctx = {
      seed,
      base,
      stats,
      answerTimeout: opts.answerTimeout,
      heartbeatMs: opts.heartbeatMs,
      stopping: () => nodeRedExit !== null || Date.now() > deadline || opts.interrupted(),
      failure(c, entry, what) {
        failures.push({
          conn: c.conn,
          index: entry ? c.index : null,
          station: c.stationId,
          version: c.version,
          kind: entry ? entry.kind : null,
          what,
          frame: entry ? excerpt(entry.frames[0].data) : null,
        });
      },
      record(c, entry, got) {
        stats.entries++;
        const k = stats.byKind[entry.kind] || (stats.byKind[entry.kind] = { frames: 0, mismatches: 0 });
        k.frames += entry.frames.length;
        for (const a of got.answers) {
          if (a.type === 3) stats.results++;
          else if (a.type === 4) stats.errors[a.code] = (stats.errors[a.code] || 0) + 1;
        }
        if (!got.answers.length && got.closed === null) stats.noAnswer++;
        if (got.closed !== null) stats.closes[got.closed] = (stats.closes[got.closed] || 0) + 1;
        if (got.timedOut) stats.timedOut++;
        const judged = nodeRedExit === null && !opts.interrupted();
        let what = judged ? check(entry.expect, got) : null;
        if (!what && judged && answersExpected(entry.expect) === null && got.closed === null) {
          if (!got.sentinel) what = 'the connection was not served after this frame: no answer to the next Heartbeat';
          else if (got.sentinel.type !== 3) what = `the next Heartbeat was answered with CALLERROR ${got.sentinel.code}`;
        }
        if (what) {
          k.mismatches++;
          mismatches.push({
            conn: c.conn,
            index: c.index,
            station: c.stationId,
            version: c.version,
            kind: entry.kind,
            what,
            frame: excerpt(entry.frames[0].data),
          });
        }
      },
    };

    report.rssBefore = rssMb(nr.child.pid);
    for (const spec of GOOD.filter((g) => versions.includes(g.version))) stopGood.push(await goodStation(ctx, spec));
    const perConn = Math.floor(opts.frames / opts.connections);
    const extra = opts.frames % opts.connections;
    for (let c = 0; c < opts.connections; c++) conns.push(new HostileConnection(ctx, c, versions[c % versions.length]));
    await Promise.all(conns.map((c, i) => c.run(perConn + (i < extra ? 1 : 0))));
    report.stoppedByDuration = nodeRedExit === null && Date.now() > deadline && stats.frames < opts.frames;
    // One more round for the good station after the last hostile frame.
    if (nodeRedExit === null) await delay(opts.heartbeatMs * 2 + 50);
    while (stopGood.length) await stopGood.pop()();
    report.durationMs = Date.now() - started;
    report.rssAfter = nodeRedExit === null ? rssMb(nr.child.pid) : null;

    if (nodeRedExit === null && !opts.interrupted()) {
      // Auto-approve put every station that connected into the registry, odd ids included.
      const res = await fetch(`http://127.0.0.1:${port}/ocpp-interface/${IFACE}/stations`).catch((err) => ({ status: err.message }));
      if (res.status !== 200) {
        failures.push({ what: `Node-RED's admin API answered ${res.status} after the run` });
      } else {
        const listed = new Set((await res.json()).map((st) => st.id));
        for (const c of conns) {
          if (c.connected && !listed.has(c.stationId))
            failures.push({ what: `station ${JSON.stringify(c.stationId)} connected but is not in the registry` });
        }
      }
      // What the editor reads about hostile stations must still be served.
      const admin = `http://127.0.0.1:${port}/ocpp-interface/${IFACE}`;
      const reads = [
        '/rejected',
        '/sessions',
        '/sessions?format=csv',
        ...conns
          .filter((c) => c.connected && (c.conn < 2 || SPECIAL_IDS.includes(c.stationId)))
          .map((c) => `/stations/${encodeURIComponent(c.stationId)}/log`),
      ];
      // A route this version of the package does not have yet answers 404 for the good station too.
      const absent = new Set();
      for (const url of ['/sessions', `/stations/${GOOD[0].id}/log`]) {
        const r = await fetch(admin + url).catch(() => null);
        if (r && r.status === 404) absent.add(url.split('/')[1]);
      }
      for (const url of reads) {
        const r = await fetch(admin + url).catch((err) => ({ status: err.message }));
        if (r.status === 404 && absent.has(url.split(/[/?]/)[1])) continue;
        if (r.status !== 200) failures.push({ what: `GET ${url} of the admin API answered ${r.status} after the run` });
        else if (!/csv/.test(url))
          await r.json().catch((err) => failures.push({ what: `GET ${url} of the admin API answered no JSON: ${err.message}` }));
        else await r.text();
      }
    }
  } catch (err) {
    failures.push({ what: `the fuzzer could not run: ${err.stack || err.message}` });
  } finally {
    while (stopGood.length)
      await stopGood
        .pop()()
        .catch(() => {});
    stoppingNodeRed = true;
    if (nr && nr.child) await stopNodeRed(nr.child);
    report.nodeRedLog = nr ? nr.logs() : '';
    // Errors Node-RED logged: an exception a wall caught is still a fault worth seeing.
    report.errorsLogged = report.nodeRedLog.split('\n').filter((l) => /\[error\]|Uncaught|RangeError/.test(l));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const good = stats.good;
  good.latencies.sort((a, b) => a - b);
  good.p50 = percentile(good.latencies, 50);
  good.p99 = percentile(good.latencies, 99);
  good.max = good.latencies.length ? good.latencies[good.latencies.length - 1] : null;
  report.nodeRedExit = nodeRedExit;
  report.interrupted = opts.interrupted();
  report.ok =
    !report.interrupted &&
    nodeRedExit === null &&
    failures.length === 0 &&
    mismatches.length === 0 &&
    good.failures.length === 0 &&
    good.answered === good.sent &&
    good.sent > 0;
  return report;
}

const fmt = (n) => n.toLocaleString('en-US');
const ms = (v) => (v === null ? '-' : `${v.toFixed(1)} ms`);

function print(report, log = console.log, showMax = 10) {
  const s = report.stats;
  log('');
  log(
    `frames sent         ${fmt(s.frames)} hostile (+ ${fmt(s.sentinels)} Heartbeats to check the connection is still served) over ${fmt(s.connections)} connections in ${((report.durationMs || 0) / 1000).toFixed(1)} s${report.stoppedByDuration ? ' (stopped by --duration)' : ''}`,
  );
  log('answers');
  log(`  ${'CALLRESULT'.padEnd(40)} ${fmt(s.results).padStart(7)}`);
  for (const [code, n] of Object.entries(s.errors).sort((a, b) => b[1] - a[1]))
    log(`  ${('CALLERROR ' + code).padEnd(40)} ${fmt(n).padStart(7)}`);
  log(`  ${'no answer'.padEnd(40)} ${fmt(s.noAnswer).padStart(7)}`);
  for (const [code, n] of Object.entries(s.closes)) log(`  ${('connection closed ' + code).padEnd(40)} ${fmt(n).padStart(7)}`);
  log('frames by kind (mismatches)');
  const kinds = Object.entries(s.byKind).sort((a, b) => a[0].localeCompare(b[0]));
  for (let i = 0; i < kinds.length; i += 4) {
    log(
      '  ' +
        kinds
          .slice(i, i + 4)
          .map(([k, v]) => `${k} ${fmt(v.frames)}${v.mismatches ? ` (${v.mismatches})` : ''}`.padEnd(26))
          .join(''),
    );
  }
  const g = s.good;
  log(
    `good station        ${fmt(g.sent)} Heartbeats, ${fmt(g.answered)} answered, ${g.failures.length} failures; latency p50 ${ms(g.p50)}, p99 ${ms(g.p99)}, max ${ms(g.max)}`,
  );
  for (const f of g.failures.slice(0, showMax)) log(`  ${f}`);
  const rss =
    report.rssBefore && report.rssAfter
      ? `, RSS ${report.rssBefore.toFixed(0)} MB before the frames, ${report.rssAfter.toFixed(0)} MB after`
      : '';
  log(
    `Node-RED            ${report.nodeRedExit ? `EXITED (code ${report.nodeRedExit.code}, signal ${report.nodeRedExit.signal})` : `running until the end${rss}`}`,
  );
  if (report.errorsLogged.length) {
    log(`Node-RED errors     ${report.errorsLogged.length} logged, the first:`);
    for (const l of report.errorsLogged.slice(0, 3)) log(`  ${l.slice(0, 300)}`);
  }
  if (report.nodeRedExit)
    log(
      report.nodeRedLog
        .slice(-3000)
        .split('\n')
        .map((l) => `  | ${l}`)
        .join('\n'),
    );
  const replay = (m) =>
    m.index === null ? '' : `\n      replay: node bench/fuzz.js --seed ${report.seed} --show ${m.conn}:${m.index}:${m.version}`;
  if (report.mismatches.length) {
    log(`mismatches          ${report.mismatches.length} (answers other than the Protocol rules prescribe)`);
    for (const m of report.mismatches.slice(0, showMax))
      log(
        `  connection ${m.conn} (${m.station}, ${m.version}) frame ${m.index} [${m.kind}]: ${m.what}\n      frame: ${m.frame}${replay(m)}`,
      );
  }
  if (report.failures.length) {
    log(`failures            ${report.failures.length}`);
    for (const f of report.failures.slice(0, showMax))
      log(`  ${f.conn !== undefined ? `connection ${f.conn} (${f.station}): ` : ''}${f.what}`);
  }
  if (report.interrupted) log('interrupted');
  log(report.ok ? 'PASS' : `FAIL (replay this run with --seed ${report.seed})`);
}

const HELP = `Usage: node bench/fuzz.js [options]
  --frames N          hostile frames in all (default ${DEFAULTS.frames})
  --connections N     hostile connections at once (default ${DEFAULTS.connections})
  --seed S            seed of the frames (default: a new one, printed)
  --duration S        stop sending after S seconds (default ${DEFAULTS.duration})
  --versions LIST     comma-separated (default ${DEFAULTS.versions.join(',')}; ocpp2.1 only where the interface approves it)
  --validation MODE   lenient or strict (default ${DEFAULTS.validation})
  --answer-timeout MS time one frame's answer may take (default ${DEFAULTS.answerTimeout})
  --package DIR       install this built package instead of the one in this directory
  --show C:K[:V]      print frame K of connection C (version V, default ocpp2.0.1) of --seed and what it must get; sends nothing`;

async function main() {
  const { values } = parseArgs({
    options: {
      frames: { type: 'string' },
      connections: { type: 'string' },
      seed: { type: 'string' },
      duration: { type: 'string' },
      versions: { type: 'string' },
      validation: { type: 'string' },
      'answer-timeout': { type: 'string' },
      show: { type: 'string' },
      package: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.show) {
    const [c, k, v = 'ocpp2.0.1'] = values.show.split(':');
    const e = generate(Number(values.seed || 0), Number(c), Number(k), v);
    console.log(JSON.stringify({ kind: e.kind, expect: e.expect }, null, 2));
    for (const f of e.frames) {
      const raw =
        Buffer.isBuffer(f.data) && (f.binary || !isUtf8(f.data))
          ? `${f.binary ? 'binary' : 'text (invalid UTF-8)'}, hex: ${f.data.toString('hex')}`
          : f.data.toString();
      console.log(raw.length > 4000 ? `${raw.slice(0, 4000)}… (${raw.length} characters in all)` : raw);
    }
    return 0;
  }
  const num = (v, name) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const options = {};
  if (values.frames) options.frames = num(values.frames, 'frames');
  if (values.connections) options.connections = num(values.connections, 'connections');
  if (values.seed !== undefined) options.seed = Number(values.seed);
  if (values.duration) options.duration = num(values.duration, 'duration');
  if (values.versions)
    options.versions = values.versions
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  if (values.validation) options.validation = values.validation;
  if (values.package) options.package = values.package;
  if (values['answer-timeout']) options.answerTimeout = num(values['answer-timeout'], 'answer-timeout');
  let interrupted = false;
  // Ctrl-C reaches the Node-RED child as well; the run stops, cleans up and reports.
  process.once('SIGINT', () => {
    interrupted = true;
  });
  options.interrupted = () => interrupted;
  const report = await fuzz(options);
  print(report);
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err.message);
      process.exitCode = 2;
    },
  );
}

module.exports = { fuzz, print, DEFAULTS, hash };
