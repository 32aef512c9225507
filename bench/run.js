'use strict';
// Usage: npm run bench [-- options]
//   --quick            a run under a minute (N=200, D=1 s)
//   --stations N       stations (default 2000; 10000 works with the hard open-files limit >= 10200)
//   --duration S       seconds of closed loop and of open loop each (default 10)
//   --rate R           open-loop calls/s in total (default 2000)
//   --reps K           repetitions, each server once per repetition (default 3)
//   --servers asbcd    which servers: a lib/ (validation lenient), s lib/ with validation strict,
//                      b Node-RED, c ocpp-rpc strict, d bare ws
//   --quiet-wait S     before each run, wait up to S s for other processes to go quiet (default 20, quick 0)
//   --concurrency C    handshakes in flight while booting (default 200)
//   --out FILE         where the JSON goes (default bench/results/bench-<date>.json)
//   --node-flags "F"   extra flags for every server process alike, e.g. "--no-allocation-site-pretenuring"
//   --store redis      also (b) with `store: redis` (a redis-server the bench starts, no persistence)
//                      beside (b) with the file store, and the latency of a command routed between
//                      two Node-RED instances
//   --baseline DIR     also (o): server (a) run on the build in DIR (a checkout of another commit,
//                      built, with its node_modules), to compare two versions of lib/ in one run
//
// Measures the servers one after another in the same run, each in a child process of its
// own, against one load generator process (bench/load.js). See bench/README.md.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { median } = require('./stats');
const { freePort, request, spawnNode, stopChild, waitForPort, waitMessage } = require('./children');
const { startRedis } = require('./redis');

const SERVERS = {
  a: { label: '(a) lib/', file: 'lib.js', needs: ['dist/lib/index.js'] },
  s: { label: '(a) lib/ strict', file: 'lib.js', args: ['strict'], needs: ['dist/lib/index.js'] },
  b: { label: '(b) Node-RED', file: 'node-red.js', needs: ['dist/lib/index.js'] },
  r: { label: '(b) Node-RED, Redis', file: 'node-red.js', needs: ['dist/lib/index.js'], redis: true },
  c: { label: '(c) ocpp-rpc strict', file: 'ocpp-rpc.js', needs: [] },
  d: { label: '(d) bare ws', file: 'ws-floor.js', needs: [] },
  // args and needs filled in from --baseline
  o: { label: '(o) lib/ baseline', file: 'lib.js', args: [], needs: [] },
};

const ROOT = path.join(__dirname, '..');

function parseArgs(argv) {
  const opts = {
    quick: false,
    stations: null,
    duration: null,
    rate: null,
    reps: 3,
    servers: 'asbcd',
    concurrency: 200,
    out: null,
    quietWait: null,
    nodeFlags: [],
    store: 'file',
    baseline: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--quick':
        opts.quick = true;
        break;
      case '--stations':
      case '-n':
        opts.stations = positiveInt(value(), arg);
        break;
      case '--duration':
      case '-d':
        opts.duration = positiveNumber(value(), arg);
        break;
      case '--rate':
      case '-r':
        opts.rate = positiveNumber(value(), arg);
        break;
      case '--reps':
        opts.reps = positiveInt(value(), arg);
        break;
      case '--servers':
        opts.servers = value().replace(/[^a-dso]/g, '');
        break;
      case '--concurrency':
        opts.concurrency = positiveInt(value(), arg);
        break;
      case '--out':
        opts.out = value();
        break;
      case '--quiet-wait':
        opts.quietWait = Number(value());
        break;
      case '--node-flags':
        opts.nodeFlags = value().split(/\s+/).filter(Boolean);
        break;
      case '--baseline':
        opts.baseline = path.resolve(value());
        break;
      case '--store':
        opts.store = value();
        if (opts.store !== 'file' && opts.store !== 'redis') throw new Error('--store is file or redis');
        break;
      case '--help':
      case '-h':
        console.log(
          fs
            .readFileSync(__filename, 'utf8')
            .split('\n')
            .slice(1)
            .filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('//')))
            .map((l) => l.replace(/^\/\/ ?/, ''))
            .join('\n'),
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  const quick = opts.quick;
  opts.stations ??= quick ? 200 : 2000;
  opts.duration ??= quick ? 1 : 10;
  opts.rate ??= 2000;
  opts.quietWait ??= quick ? 0 : 20;
  opts.servers = [...new Set(opts.servers.split(''))];
  if (!opts.servers.length) throw new Error('--servers: none of a, s, b, c, d');
  // (b) with Redis always runs beside (b) with the file store
  if (opts.store === 'redis') opts.servers = [...new Set([...opts.servers, 'b'])].concat('r');
  if (opts.baseline) {
    const dist = fs.existsSync(path.join(opts.baseline, 'dist', 'lib', 'index.js')) ? path.join(opts.baseline, 'dist') : opts.baseline;
    if (!fs.existsSync(path.join(dist, 'lib', 'index.js'))) throw new Error(`--baseline: no built lib/ in ${opts.baseline}`);
    SERVERS.o.args = ['lenient', dist];
    opts.servers = [...new Set([...opts.servers, 'a', 'o'])];
  }
  return opts;
}

function positiveInt(v, name) {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

function positiveNumber(v, name) {
  const n = Number(v);
  if (!(n > 0)) throw new Error(`${name} must be a positive number`);
  return n;
}

/** Open-files limits of this process (Linux), or null. */
function fdLimits() {
  try {
    const line = fs
      .readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line
      .trim()
      .split(/\s+/)
      .slice(3, 5)
      .map((x) => (x === 'unlimited' ? Infinity : Number(x)));
    return { soft, hard };
  } catch {
    return null;
  }
}

/** Machine-wide CPU counters (Linux /proc/stat), to tell how busy the rest of the machine was. */
function procStat() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
    const busy = user + nice + system + irq + softirq + (steal || 0);
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

function busyCores(from, to) {
  if (!from || !to || to.total === from.total) return null;
  return ((to.busy - from.busy) / (to.total - from.total)) * os.cpus().length;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * On a shared machine: waits (at most `maxSeconds`) until other processes use less than
 * `threshold` cores, so that a run does not start in the middle of someone's test suite.
 */
async function waitForQuiet(maxSeconds, threshold = 0.3) {
  const t0 = Date.now();
  if (!(maxSeconds > 0)) return { waited: 0, cores: null };
  for (;;) {
    const from = procStat();
    await sleep(500);
    const cores = busyCores(from, procStat());
    const waited = (Date.now() - t0) / 1000;
    if (cores === null || cores <= threshold || waited >= maxSeconds) return { waited, cores };
  }
}

/** One server, one generator, all phases. */
async function runOnce(key, opts, rep, redis) {
  const spec = SERVERS[key];
  const port = await freePort();
  const prefix = `CP${rep}${key}-`;
  if (spec.redis) await redis.flush();
  const server = spawnNode(
    ['--expose-gc', ...opts.nodeFlags, path.join(__dirname, 'servers', spec.file), String(port), prefix, ...(spec.args || [])],
    spec.label,
    spec.redis ? { BENCH_REDIS_URL: redis.url } : {},
  );
  let generator = null;
  try {
    await waitMessage(server, 'ready', 120000);
    await waitForPort(port, 30000, server);
    const idle = (await request(server, { cmd: 'sample', gc: true })).sample;
    const samples = { idle };
    const machine = {};
    const bootTimeoutMs = 30000 + opts.stations * 20;
    generator = spawnNode(
      [
        path.join(__dirname, 'load.js'),
        JSON.stringify({
          url: `ws://127.0.0.1:${port}/ocpp/`,
          stations: opts.stations,
          prefix,
          durationMs: opts.duration * 1000,
          rate: opts.rate,
          concurrency: opts.concurrency,
          bootTimeoutMs,
        }),
      ],
      'load generator',
    );
    generator.on('message', async (msg) => {
      if (msg.type !== 'mark') return;
      machine[msg.phase] = procStat();
      const reply = { ack: `mark:${msg.phase}` };
      try {
        samples[msg.phase] = (await request(server, { cmd: 'sample', gc: msg.phase === 'booted' })).sample;
        if (msg.phase === 'fanout') {
          reply.result = (await request(server, { cmd: 'fanout', prefix, count: opts.stations }, 120000)).result;
          samples.fanoutEnd = (await request(server, { cmd: 'sample' })).sample;
        }
      } catch (err) {
        reply.error = err.message;
        console.error(err.message);
      }
      if (generator.connected) generator.send(reply);
    });
    const limitMs = bootTimeoutMs + 2 * opts.duration * 1000 + 180000;
    const { result } = await waitMessage(generator, 'result', limitMs);
    return summarise(key, rep, result, samples, machine);
  } finally {
    if (generator) await stopChild(generator);
    await stopChild(server);
  }
}

function cpuMs(from, to) {
  return (to.cpu.user - from.cpu.user + to.cpu.system - from.cpu.system) / 1000;
}

function summarise(key, rep, gen, s, machine) {
  const closedWallMs = s.closedEnd.at - s.closed.at;
  const serverClosedCpu = cpuMs(s.closed, s.closedEnd);
  const serverCores = serverClosedCpu / closedWallMs;
  const generatorCores = gen.closed.generatorCpuPercent / 100;
  const machineCores = busyCores(machine.closed, machine.closedEnd);
  return {
    server: key,
    rep,
    booted: gen.booted,
    stations: gen.stations,
    connectFailures: gen.connectFailures,
    connectionsPerSecond: gen.connectionsPerSecond,
    closedCallsPerSecond: gen.closed.callsPerSecond,
    closedP50Ms: gen.closed.p50,
    closedP99Ms: gen.closed.p99,
    openP50Ms: gen.open.p50,
    openP99Ms: gen.open.p99,
    openAchievedRate: gen.open.achievedRate,
    openMaxLagMs: gen.open.maxLagMs,
    rssPerConnectionKiB: gen.booted ? (s.booted.rss - s.idle.rss) / gen.booted / 1024 : null,
    rssIdleMiB: s.idle.rss / 1048576,
    rssBootedMiB: s.booted.rss / 1048576,
    rssAfterLoadMiB: s.openEnd.rss / 1048576,
    cpuMsPer1000Calls: gen.closed.calls ? (serverClosedCpu / gen.closed.calls) * 1000 : null,
    cpuSystemMsPer1000Calls: gen.closed.calls ? ((s.closedEnd.cpu.system - s.closed.cpu.system) / 1000 / gen.closed.calls) * 1000 : null,
    serverCpuPercent: serverCores * 100,
    generatorCpuPercent: gen.closed.generatorCpuPercent,
    generatorOpenCpuPercent: gen.open.generatorCpuPercent,
    foreignCores: machineCores === null ? null : Math.max(0, machineCores - serverCores - generatorCores),
    closedGcPercent: (100 * s.closedEnd.gc.totalMs) / closedWallMs,
    closedGcMaxMs: s.closedEnd.gc.maxMs,
    openGcMaxMs: s.openEnd.gc.maxMs,
    openGcCount: s.openEnd.gc.count,
    fanoutMs: gen.fanout.ms ?? null,
    fanoutAnswered: gen.fanout.answered ?? null,
    fanoutFailed: gen.fanout.failed ?? null,
    fanoutVia: gen.fanout.via ?? null,
    fanoutAnsweredByStations: gen.fanout.answeredByStations,
    callErrors: gen.callErrors,
    unexpected: gen.unexpected,
  };
}

// What the table shows, in order: [field, heading, decimals]
const ROWS = [
  ['booted', 'stations booted', 0],
  ['connectionsPerSecond', 'connections/s (boot N)', 0],
  ['closedCallsPerSecond', 'closed loop calls/s', 0],
  ['closedCallsRange', '  lowest–highest run', null],
  ['closedP50Ms', 'closed loop p50 ms', 2],
  ['closedP99Ms', 'closed loop p99 ms', 2],
  ['openP99Ms', 'open loop p99 ms @ R/s', 2],
  ['openP50Ms', 'open loop p50 ms @ R/s', 2],
  ['openGcMaxMs', 'longest GC pause ms (open loop)', 1],
  ['rssPerConnectionKiB', 'server RSS KiB/connection', 1],
  ['cpuMsPer1000Calls', 'server CPU ms/1000 calls', 1],
  ['cpuSystemMsPer1000Calls', '  of which in the kernel', 1],
  ['fanoutMs', 'fan-out to N stations ms', 0],
  ['serverCpuPercent', 'server CPU % (closed loop)', 0],
  ['closedGcPercent', 'server GC % of time (closed loop)', 1],
  ['generatorCpuPercent', 'generator CPU % (closed loop)', 0],
  ['foreignCores', 'other load, cores (closed loop)', 2],
];

function medians(runs) {
  const out = {};
  for (const [field, , decimals] of ROWS) if (decimals !== null) out[field] = median(runs.map((r) => r[field]));
  out.openAchievedRate = median(runs.map((r) => r.openAchievedRate));
  const calls = runs.map((r) => r.closedCallsPerSecond);
  out.closedCallsRange = `${fmt(Math.min(...calls), 0)}–${fmt(Math.max(...calls), 0)}`;
  return out;
}

function fmt(v, decimals) {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function table(keys, med) {
  const head = ['median of runs', ...keys.map((k) => SERVERS[k].label)];
  const rows = ROWS.map(([field, title, decimals]) => [title, ...keys.map((k) => (med[k] ? fmt(med[k][field], decimals) : 'failed'))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  return [
    line(head),
    '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|',
    ...rows.map(line),
  ].join('\n');
}

function ratios(med, opts) {
  const a = med.a,
    b = med.b,
    c = med.c,
    d = med.d,
    s = med.s;
  const lines = [];
  // With a baseline build (o), a ratio of (a) is also shown as (o) has it in the same run:
  // whether a change kept the ratio where it was on this machine.
  const o = med.o;
  const ratio = (name, x, y, field, op, target) => {
    if (!x || !y || !x[field] || !y[field]) return lines.push({ name, value: null, target: `${op} ${target}×`, met: null });
    const value = x[field] / y[field];
    const line = { name, value, target: `${op} ${target}×`, met: op === '≥' ? value >= target : value <= target };
    if (x === a && (y === c || y === d) && o && o[field]) {
      line.baseline = o[field] / y[field];
      line.kept = op === '≥' ? value >= line.baseline : value <= line.baseline;
    }
    lines.push(line);
  };
  ratio('(a)/(c) closed-loop calls/s', a, c, 'closedCallsPerSecond', '≥', 1.5);
  ratio('(a)/(c) RSS per connection', a, c, 'rssPerConnectionKiB', '≤', 0.6);
  ratio('(b)/(c) closed-loop calls/s', b, c, 'closedCallsPerSecond', '≥', 1.2);
  // issue 6 asked for 0.75; issue 12 for the 0.8 it had reached then
  ratio('(a)/(d) closed-loop calls/s', a, d, 'closedCallsPerSecond', '≥', 0.8);
  // Valid traffic pays nothing for lenient validation: (a) is lenient, (s) the same with strict.
  ratio('(a) lenient / strict calls/s', a, s, 'closedCallsPerSecond', '≥', 0.97);
  ratio('(b)/(c) connections/s', b, c, 'connectionsPerSecond', '≥', 1);
  if (med.r) ratio('(b) Redis/(b) file closed-loop calls/s', med.r, b, 'closedCallsPerSecond', '≥', 0.8);
  // Not targets. Calls per server CPU-second depends less on what else the machine runs; the
  // baseline build (o), on the same machine in the same run, shows where the ratios "were".
  for (const [name, x, y, field] of [
    ['(o)/(c) closed-loop calls/s', o, c, 'closedCallsPerSecond'],
    ['(o)/(d) closed-loop calls/s', o, d, 'closedCallsPerSecond'],
    ['(a)/(o) closed-loop calls/s', a, o, 'closedCallsPerSecond'],
    ['(a)/(o) calls per server CPU-second', o, a, 'cpuMsPer1000Calls'],
    ['(a)/(c) calls per server CPU-second', c, a, 'cpuMsPer1000Calls'],
    ['(a) lenient / strict calls per CPU-second', s, a, 'cpuMsPer1000Calls'],
    ['(b)/(c) calls per server CPU-second', c, b, 'cpuMsPer1000Calls'],
  ]) {
    if (x && y && x[field] && y[field]) lines.push({ name, value: x[field] / y[field], target: '(information)', met: null });
  }
  const big = opts.stations >= 10000;
  lines.push({
    name: `(a) open-loop p99 @ ${opts.rate}/s vs (c)`,
    value: a && c && a.openP99Ms !== null && c.openP99Ms !== null ? a.openP99Ms / c.openP99Ms : null,
    detail: a && c ? `${fmt(a.openP99Ms, 2)} ms vs ${fmt(c.openP99Ms, 2)} ms` : '',
    target: '≤ 1×' + (big ? '' : ' (judged at N=10000)'),
    met: a && c && a.openP99Ms !== null && c.openP99Ms !== null ? a.openP99Ms <= c.openP99Ms : null,
  });
  lines.push({
    name: `(a) stations connected and booted`,
    value: null,
    detail: a ? `${fmt(a.booted, 0)} of ${opts.stations}` : '',
    target: '10000 of 10000' + (big ? '' : ' (needs --stations 10000)'),
    met: big && a ? a.booted >= 10000 : null,
  });
  return lines;
}

function printRatios(lines) {
  const out = [];
  for (const l of lines) {
    const value = l.value === null ? '' : `${l.value.toFixed(2)}×`;
    const detail = [value, l.detail].filter(Boolean).join('  ') || 'n/a';
    let verdict = l.target === '(information)' ? '' : l.met === null ? 'not judged' : l.met ? 'met' : 'NOT met';
    if (l.baseline !== undefined) verdict += `; (o) ${l.baseline.toFixed(2)}×: ${l.kept ? 'kept' : 'FELL'}`;
    out.push(`${l.name.padEnd(40)} ${detail.padEnd(30)} target ${l.target.padEnd(34)} ${verdict}`);
  }
  return out.join('\n');
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0] ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 1073741824),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/**
 * Two Node-RED instances with `store: redis` on one interface, a strict ocpp-rpc station on
 * each; commands issued on A through its ocpp-command node to the station on B (routed over
 * Redis), and for comparison to the station on A itself.
 */
async function routedCommands(redis, opts) {
  await redis.flush();
  const { RPCClient } = require('ocpp-rpc');
  const members = [];
  const clients = [];
  const sequential = opts.quick ? 200 : 500;
  const concurrent = opts.quick ? 500 : 2000;
  try {
    for (const name of ['A', 'B']) {
      const port = await freePort();
      const child = spawnNode(
        [path.join(__dirname, 'servers', 'node-red.js'), String(port), 'ROUTE-'],
        `(b) Node-RED, Redis, instance ${name}`,
        { BENCH_REDIS_URL: redis.url },
      );
      members.push({ child, port });
    }
    for (const m of members) {
      await waitMessage(m.child, 'ready', 120000);
      await waitForPort(m.port, 30000, m.child);
    }
    for (const [i, name] of ['ROUTE-A', 'ROUTE-B'].entries()) {
      const client = new RPCClient({
        endpoint: `ws://127.0.0.1:${members[i].port}/ocpp`,
        identity: name,
        protocols: ['ocpp1.6'],
        strictMode: true,
        reconnect: false,
      });
      client.handle('RemoteStartTransaction', () => ({ status: 'Accepted' }));
      await client.connect();
      clients.push(client);
      await client.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'Sim-1' });
    }
    const [a] = members;
    await request(a.child, { cmd: 'held', station: 'ROUTE-B' }, 15000);
    const route = async (station, count, concurrency) =>
      (await request(a.child, { cmd: 'route', station, count, concurrency }, 120000)).result;
    // a short warm-up on both paths, not counted
    await route('ROUTE-A', 50, 1);
    await route('ROUTE-B', 50, 1);
    return {
      local: await route('ROUTE-A', sequential, 1),
      routed: await route('ROUTE-B', sequential, 1),
      routedConcurrent: await route('ROUTE-B', concurrent, 50),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close({ force: true }).catch(() => undefined)));
    for (const m of members) await stopChild(m.child);
  }
}

function printRouting(r) {
  const line = (title, x) =>
    `${title.padEnd(50)} ${fmt(x.count, 0).padStart(5)} commands  ${fmt(x.perSecond, 0).padStart(6)}/s  ` +
    `p50 ${fmt(x.p50Ms, 2)} ms  p99 ${fmt(x.p99Ms, 2)} ms  max ${fmt(x.maxMs, 2)} ms${x.failed ? `  FAILED ${x.failed} (${x.lastError})` : ''}`;
  return [
    '',
    'ocpp-command on instance A (store: redis), RemoteStartTransaction:',
    line('  to a station on A (not routed), one at a time', r.local),
    line('  to a station on B (routed), one at a time', r.routed),
    line(`  to a station on B (routed), ${r.routedConcurrent.concurrency} in flight`, r.routedConcurrent),
  ].join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const key of opts.servers) {
    for (const file of SERVERS[key].needs) {
      if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
    }
  }
  const limits = fdLimits();
  if (limits && opts.stations + 200 > limits.hard) {
    console.warn(
      `warning: ${opts.stations} stations need about ${opts.stations + 200} open files per process, the hard limit is ${limits.hard}; raise it (ulimit -Hn, as root) or expect failed connections`,
    );
  }
  const info = machineInfo();
  console.log(
    `OCPP-J bench: N=${opts.stations} stations, D=${opts.duration} s, R=${opts.rate} calls/s, ${opts.reps} repetitions, servers ${opts.servers.join(',')}`,
  );
  console.log(
    `machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, ${info.os}, node ${info.node}; load average before: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  const started = Date.now();
  const runs = [];
  const failures = [];
  const redis = opts.store === 'redis' ? await startRedis() : null;
  let routing = null;
  try {
    for (let rep = 0; rep < opts.reps; rep++) {
      // Each repetition starts with another server, so none always runs first or last.
      const order = opts.servers.map((_, i) => opts.servers[(i + rep) % opts.servers.length]);
      for (const key of order) {
        const quiet = await waitForQuiet(opts.quietWait);
        const t0 = Date.now();
        try {
          const run = await runOnce(key, opts, rep, redis);
          run.quietWaitSeconds = quiet.waited;
          runs.push(run);
          console.log(
            `  rep ${rep + 1} ${SERVERS[key].label.padEnd(20)} ${fmt(run.closedCallsPerSecond, 0).padStart(7)} calls/s  p99 ${fmt(run.closedP99Ms, 2)} ms  ` +
              `booted ${run.booted}/${run.stations}  server ${fmt(run.serverCpuPercent, 0)} % / generator ${fmt(run.generatorCpuPercent, 0)} % CPU  ` +
              `other load ${fmt(run.foreignCores, 2)} cores  (${((Date.now() - t0) / 1000).toFixed(1)} s` +
              `${quiet.waited >= 1 ? `, waited ${quiet.waited.toFixed(0)} s for a quiet machine` : ''})`,
          );
          if (run.callErrors || run.unexpected || run.connectFailures || run.fanoutFailed) {
            console.log(
              `        call errors ${run.callErrors}, unexpected frames ${run.unexpected}, failed connections ${run.connectFailures}, failed commands ${run.fanoutFailed}`,
            );
          }
        } catch (err) {
          failures.push({ server: key, rep, error: err.message });
          console.log(
            `  rep ${rep + 1} ${SERVERS[key].label.padEnd(20)} FAILED: ${err.message.split('\n').slice(0, 12).join('\n        ')}`,
          );
        }
      }
    }

    if (redis) {
      await waitForQuiet(opts.quietWait);
      try {
        routing = await routedCommands(redis, opts);
      } catch (err) {
        failures.push({ server: 'routing', error: err.message });
        console.log(`  routed commands FAILED: ${err.message.split('\n').slice(0, 12).join('\n        ')}`);
      }
    }
  } finally {
    if (redis) await redis.stop();
  }

  const med = {};
  for (const key of opts.servers) {
    const mine = runs.filter((r) => r.server === key);
    if (mine.length) med[key] = medians(mine);
  }
  const generatorBound = runs.filter((r) => r.generatorCpuPercent >= 85);
  const lines = ratios(med, opts);
  console.log('');
  console.log(
    `N=${opts.stations}, D=${opts.duration} s, R=${opts.rate}/s, medians of ${opts.reps} runs; ${info.cpu}, ${info.cores} cores, node ${info.node}` +
      (opts.nodeFlags.length ? `; servers run with ${opts.nodeFlags.join(' ')}` : ''),
  );
  console.log(table(opts.servers, med));
  console.log('');
  if (generatorBound.length) {
    console.log(
      `note: the load generator used ≥ 85 % of a core in ${generatorBound.length} of ${runs.length} closed-loop runs (${[...new Set(generatorBound.map((r) => r.server))].join(', ')}): there it may be the bottleneck.`,
    );
  }
  const noisy = runs.filter((r) => r.foreignCores !== null && r.foreignCores > 0.25);
  if (noisy.length) {
    console.log(`note: other processes used > 0.25 cores during ${noisy.length} of ${runs.length} closed-loop runs: compare with care.`);
  }
  console.log(printRatios(lines));
  if (routing) console.log(printRouting(routing));

  const total = (Date.now() - started) / 1000;
  console.log(
    `\n${runs.length} runs, ${failures.length} failed, ${total.toFixed(0)} s; load average after: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = opts.out || path.join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}${opts.quick ? '-quick' : ''}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        options: opts,
        machine: info,
        seconds: total,
        versions: { ws: packageVersion('ws'), 'ocpp-rpc': packageVersion('ocpp-rpc'), 'node-red': packageVersion('node-red') },
        labels: Object.fromEntries(opts.servers.map((k) => [k, SERVERS[k].label])),
        medians: med,
        ratios: lines,
        routing,
        runs,
        failures,
      },
      null,
      2,
    ),
  );
  console.log(`results: ${path.relative(ROOT, file)}`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
