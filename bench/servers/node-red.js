'use strict';
// (b) Our package inside a real Node-RED runtime: one `ocpp-interface` on its own port, one
// `ocpp-in` (automatic replies); fan-out through an `ocpp-command` node when the package has it.
// With BENCH_REDIS_URL the interface has `store: redis` there; `route` sends commands one
// station at a time through the ocpp-command node and answers their latencies.

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const { serve, REMOTE_START } = require('./harness');
const { Samples } = require('../stats');

const REDIS_URL = process.env.BENCH_REDIS_URL || '';

const ROOT = path.join(__dirname, '..', '..');
const IFACE = 'bench-interface';
const COMMAND = 'bench-command';

/** True when package.json declares the node type and its compiled file exists. */
function packageHas(type) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const file = pkg['node-red'] && pkg['node-red'].nodes && pkg['node-red'].nodes[type];
  return !!file && fs.existsSync(path.join(ROOT, file));
}

function flows(port, withCommand) {
  const tab = 'bench-flow';
  const nodes = [
    { id: tab, type: 'tab', label: 'bench' },
    {
      id: IFACE,
      type: 'ocpp-interface',
      name: 'bench',
      versions: ['ocpp1.6', 'ocpp2.0.1'],
      autoApprove: true,
      port: String(port),
      path: '/ocpp',
      security: 'none',
      heartbeatInterval: 300,
      callTimeout: 30,
      unknownIdTags: 'accept',
      deactivated: false,
      ...(REDIS_URL ? { store: 'redis', redisUrl: REDIS_URL } : {}),
    },
    { id: 'bench-in', type: 'ocpp-in', z: tab, interface: IFACE, station: '', actions: [], reply: 'auto', wires: [[]] },
  ];
  if (withCommand) {
    // Answers and errors end in function nodes that count them through the global context.
    nodes.push(
      {
        id: COMMAND,
        type: 'ocpp-command',
        z: tab,
        interface: IFACE,
        station: '',
        action: 'RemoteStartTransaction',
        timeout: '',
        wires: [['bench-answered']],
      },
      { id: 'bench-answered', type: 'function', z: tab, func: "global.get('bench').answered(msg);\nreturn null;", outputs: 1, wires: [[]] },
      { id: 'bench-catch', type: 'catch', z: tab, scope: [COMMAND], uncaught: false, wires: [['bench-failed']] },
      { id: 'bench-failed', type: 'function', z: tab, func: "global.get('bench').failed(msg);\nreturn null;", outputs: 1, wires: [[]] },
    );
  }
  return nodes;
}

let RED;
let httpServer;
let userDir;
let withCommand = false;
const counter = { answered: 0, failed: 0, expected: 0, done: null };
/** Commands sent by `route`, by their message's benchId: the time sent and what to call when settled. */
const routed = new Map();
const bench = {
  answered(msg) {
    if (settleRouted(msg, true)) return;
    counter.answered++;
    check();
  },
  failed(msg) {
    if (settleRouted(msg, false)) return;
    counter.failed++;
    check();
  },
};

function settleRouted(msg, ok) {
  const entry = msg && msg.benchId !== undefined ? routed.get(msg.benchId) : undefined;
  if (!entry) return false;
  routed.delete(msg.benchId);
  entry.done(ok, performance.now() - entry.t0, ok ? null : (msg.error && msg.error.message) || 'failed');
  return true;
}

let nextRouted = 0;
/** `count` commands to `station` through the ocpp-command node, at most `concurrency` in flight; their latencies. */
async function route({ station, count, concurrency = 1 }) {
  const node = RED.nodes.getNode(COMMAND);
  const samples = new Samples();
  let failed = 0;
  let lastError = null;
  let sent = 0;
  const t0 = performance.now();
  const one = () =>
    new Promise((resolve) => {
      const benchId = ++nextRouted;
      routed.set(benchId, {
        t0: performance.now(),
        done: (ok, ms, error) => {
          if (ok) samples.add(ms);
          else {
            failed++;
            lastError = error;
          }
          resolve();
        },
      });
      node.receive({ topic: 'RemoteStartTransaction', payload: { ...REMOTE_START }, ocpp: { station }, benchId });
    });
  const worker = async () => {
    while (sent < count) {
      sent++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const ms = performance.now() - t0;
  return {
    count,
    concurrency,
    failed,
    lastError,
    ms,
    perSecond: (count / ms) * 1000,
    p50Ms: samples.quantile(0.5),
    p99Ms: samples.quantile(0.99),
    maxMs: samples.quantile(1),
  };
}

/** Waits until the deployed interface listens; fails with its status otherwise. */
async function listening(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const iface = RED.nodes.getNode(IFACE);
    const state = iface && iface.state ? iface.state.state : 'not deployed';
    if (state === 'listening') return;
    if (state === 'error' || Date.now() > deadline) {
      throw new Error(`the ocpp-interface is ${state}${iface && iface.state && iface.state.message ? `: ${iface.state.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function check() {
  if (counter.done && counter.answered + counter.failed >= counter.expected) {
    const done = counter.done;
    counter.done = null;
    done({ answered: counter.answered, failed: counter.failed, via: 'ocpp-command node' });
  }
}

serve({
  async start(port) {
    for (const type of ['ocpp-interface', 'ocpp-in']) {
      if (!packageHas(type))
        throw new Error(`the package has no ${type} node yet (package.json "node-red" section and dist/nodes): run \`npm run build\``);
    }
    withCommand = packageHas('ocpp-command');
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-bench-nr-'));
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows(port, withCommand)));
    RED = require('node-red');
    httpServer = http.createServer();
    RED.init(httpServer, {
      userDir,
      flowFile: 'flows.json',
      credentialSecret: false,
      uiHost: '127.0.0.1',
      uiPort: 0,
      httpAdminRoot: '/admin',
      httpNodeRoot: '/',
      disableEditor: true,
      nodesDir: [ROOT],
      functionGlobalContext: { bench },
      logging: { console: { level: 'warn', metrics: false, audit: false } },
      telemetry: { enabled: false },
      editorTheme: { projects: { enabled: false } },
      externalModules: { autoInstall: false, palette: { allowInstall: false } },
    });
    await new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(0, '127.0.0.1', resolve);
    });
    await RED.start();
    const missing = ['ocpp-interface', 'ocpp-in', ...(withCommand ? ['ocpp-command'] : [])].filter((t) => !RED.nodes.getType(t));
    if (missing.length) throw new Error(`Node-RED did not load ${missing.join(', ')} from ${ROOT}`);
    await listening(60000);
  },
  fanout(ids) {
    if (!withCommand) {
      // Without the node, the same command through the interface's CentralSystem.
      const iface = RED.nodes.getNode(IFACE);
      return Promise.allSettled(ids.map((id) => iface.system.command(id, 'RemoteStartTransaction', REMOTE_START))).then((o) => {
        const answered = o.filter((x) => x.status === 'fulfilled').length;
        return { answered, failed: o.length - answered, via: 'interface (no ocpp-command node)' };
      });
    }
    const node = RED.nodes.getNode(COMMAND);
    return new Promise((resolve) => {
      counter.answered = 0;
      counter.failed = 0;
      counter.expected = ids.length;
      counter.done = resolve;
      for (const id of ids) node.receive({ topic: 'RemoteStartTransaction', payload: { ...REMOTE_START }, ocpp: { station: id } });
      check();
    });
  },
  commands: {
    route: (msg) => route(msg),
    /** Resolves once the interface knows that `station` is held (here or by another instance). */
    async held({ station, timeoutMs = 10000 }) {
      const iface = RED.nodes.getNode(IFACE);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = (await iface.system.stationTable()).find((x) => x.id === station);
        if (s && s.connected) return { instance: s.instance || null };
        if (Date.now() > deadline) throw new Error(`station ${station} not held after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  },
  async stop() {
    try {
      await RED.stop();
    } finally {
      httpServer.close();
      fs.rmSync(userDir, { recursive: true, force: true });
    }
  },
});
