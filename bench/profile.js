'use strict';
// node bench/profile.js [--server a|b|c|d|o] [--baseline DIR] [--phase closed|boot] [--stations N] [--duration S] [--interval µs] [--file x.cpuprofile]
//
// Runs one server under `node --cpu-prof` through boot and the closed loop, then lists
// where its CPU went during the closed loop only (or, with --phase boot, while the N stations
// connected and booted): by area, and the hot functions of our
// lib/ (mapped back to the .ts sources). With --file it only analyses an existing profile.

const fs = require('fs');
const path = require('path');
const { SourceMap } = require('module');
const { freePort, request, spawnNode, stopChild, waitForPort, waitMessage } = require('./children');

const ROOT = path.join(__dirname, '..');
const SERVER_FILES = { a: 'lib.js', b: 'node-red.js', c: 'ocpp-rpc.js', d: 'ws-floor.js', o: 'lib.js' };

function parseArgs(argv) {
  const opts = { server: 'a', phase: 'closed', stations: 2000, duration: 10, interval: 250, file: null, top: 20, baseline: null };
  for (let i = 0; i < argv.length; i++) {
    const v = () => argv[++i];
    switch (argv[i]) {
      case '--server':
        opts.server = v();
        break;
      case '--phase':
        opts.phase = v();
        break;
      case '--stations':
        opts.stations = Number(v());
        break;
      case '--duration':
        opts.duration = Number(v());
        break;
      case '--interval':
        opts.interval = Number(v());
        break;
      case '--file':
        opts.file = v();
        break;
      case '--baseline':
        opts.baseline = path.resolve(v(), 'dist');
        break;
      case '--top':
        opts.top = Number(v());
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (!SERVER_FILES[opts.server]) throw new Error('--server: one of a, b, c, d, o');
  if (opts.server === 'o' && !opts.baseline) throw new Error('--server o needs --baseline DIR (another build)');
  if (opts.phase !== 'closed' && opts.phase !== 'boot') throw new Error('--phase: closed or boot');
  return opts;
}

/** Profiles the server; returns the profile file and the closed loop's window (µs, monotonic). */
async function record(opts) {
  const dir = path.join(__dirname, 'results', 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  const name = `${opts.server}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
  const port = await freePort();
  const prefix = 'CPP-';
  const server = spawnNode(
    [
      `--cpu-prof`,
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-name=${name}`,
      `--cpu-prof-interval=${opts.interval}`,
      path.join(__dirname, 'servers', SERVER_FILES[opts.server]),
      String(port),
      prefix,
      ...(opts.server === 'o' ? ['lenient', opts.baseline] : []),
    ],
    `server ${opts.server}`,
  );
  let generator = null;
  let calls;
  const marks = {};
  try {
    await waitMessage(server, 'ready', 120000);
    await waitForPort(port, 30000);
    generator = spawnNode(
      [
        path.join(__dirname, 'load.js'),
        JSON.stringify({
          url: `ws://127.0.0.1:${port}/ocpp/`,
          stations: opts.stations,
          prefix,
          durationMs: opts.duration * 1000,
          rate: 1,
          concurrency: 200,
          bootTimeoutMs: 30000 + opts.stations * 20,
          closedOnly: true,
        }),
      ],
      'load generator',
    );
    generator.on('message', async (msg) => {
      if (msg.type !== 'mark') return;
      marks[msg.phase] = (await request(server, { cmd: 'sample' })).sample;
      generator.send({ ack: `mark:${msg.phase}` });
    });
    const { result } = await waitMessage(generator, 'result', 120000 + opts.duration * 1000 + opts.stations * 20);
    calls = opts.phase === 'boot' ? result.booted : result.closed.calls;
    console.log(
      `profiled server ${opts.server}: ${result.booted} stations, closed loop ${Math.round(result.closed.callsPerSecond)} calls/s ` +
        `(${result.closed.calls} calls, generator ${Math.round(result.closed.generatorCpuPercent)} % CPU)`,
    );
  } finally {
    if (generator) await stopChild(generator);
    await stopChild(server);
  }
  const [from, to] = opts.phase === 'boot' ? [marks.boot, marks.booted] : [marks.closed, marks.closedEnd];
  return { file: path.join(dir, name), window: from && to ? [from.mono, to.mono] : null, calls };
}

const maps = new Map();
/** Maps a position in dist/lib/*.js to its lib/*.ts source, via the emitted source map. */
function original(url, line, column) {
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  if (!maps.has(file)) {
    let map = null;
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(file + '.map', 'utf8')));
    } catch {
      // no map: the .js position is shown
    }
    maps.set(file, map);
  }
  const map = maps.get(file);
  const entry = map && map.findEntry(line, column);
  if (entry && entry.originalSource) {
    const src = path.resolve(path.dirname(file), entry.originalSource.replace(/^file:\/\//, ''));
    return `${path.relative(ROOT, src)}:${entry.originalLine + 1}`;
  }
  return `${path.relative(ROOT, file)}:${line + 1}`;
}

function areaOf(frame) {
  const { url, functionName } = frame;
  if (!url) {
    if (/^\(.*\)$/.test(functionName)) return functionName;
    return /^validate\d*$/.test(functionName) ? 'compiled schema validators (ajv)' : 'other (no file)';
  }
  if (url.includes('/dist/lib/')) return 'our lib/';
  if (url.includes('/dist/nodes/')) return 'our nodes/';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1].startsWith('@node-red/') || m[1] === 'node-red' ? 'node-red runtime' : m[1];
  if (url.startsWith('node:')) return 'node core (JS)';
  return path.relative(ROOT, url.replace(/^file:\/\//, ''));
}

function describe(frame) {
  const name = frame.functionName || '(anonymous)';
  if (frame.url.includes('/dist/')) return `${original(frame.url, frame.lineNumber, frame.columnNumber)} ${name}`;
  if (!frame.url) return name;
  const where = frame.url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '');
  return `${name} (${where}:${frame.lineNumber + 1})`;
}

function analyse(file, window, top, calls) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const key = (n) => `${n.callFrame.functionName}|${n.callFrame.url}|${n.callFrame.lineNumber}|${n.callFrame.columnNumber}`;
  const self = new Map();
  const inclusive = new Map();
  const areas = new Map();
  const frames = new Map();
  let t = prof.startTime;
  let counted = 0;
  let idle = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i];
    if (window && (t < window[0] || t > window[1])) continue;
    const leaf = nodes.get(prof.samples[i]);
    if (leaf.callFrame.functionName === '(idle)') {
      idle++;
      continue;
    }
    counted++;
    const k = key(leaf);
    frames.set(k, leaf.callFrame);
    self.set(k, (self.get(k) || 0) + 1);
    const area = areaOf(leaf.callFrame);
    areas.set(area, (areas.get(area) || 0) + 1);
    const seen = new Set();
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
      const n = nodes.get(id);
      const kk = key(n);
      if (seen.has(kk)) continue;
      seen.add(kk);
      frames.set(kk, n.callFrame);
      inclusive.set(kk, (inclusive.get(kk) || 0) + 1);
    }
  }
  // With the number of calls: also µs per call (busy samples × sampling interval / calls).
  const interval = prof.samples.length > 1 ? (prof.endTime - prof.startTime) / prof.samples.length : 0;
  const pct = (x) =>
    `${((100 * x) / counted).toFixed(1).padStart(5)} %` + (calls ? `${((x * interval) / calls).toFixed(2).padStart(7)} µs/call` : '');
  const out = [];
  out.push(
    `${counted} busy samples in the ${window ? 'measured window' : 'whole profile'} (${idle} idle left out); % of busy samples` +
      (calls ? `; ${calls} calls (or stations booted), ${((counted * interval) / calls).toFixed(1)} µs busy per call (or station)` : ''),
  );
  out.push('\nself time by area:');
  for (const [area, n] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, 12)) out.push(`  ${pct(n)}  ${area}`);
  out.push(`\ntop ${top} functions by self time:`);
  for (const [k, n] of [...self].sort((x, y) => y[1] - x[1]).slice(0, top))
    out.push(`  ${pct(n)}  ${describe(frames.get(k))}  [${areaOf(frames.get(k))}]`);
  const ours = (k) => frames.get(k).url.includes('/dist/lib/') || frames.get(k).url.includes('/dist/nodes/');
  out.push('\nour code, by self time:');
  for (const [k, n] of [...self]
    .filter(([k]) => ours(k))
    .sort((x, y) => y[1] - x[1])
    .slice(0, top))
    out.push(`  ${pct(n)}  ${describe(frames.get(k))}`);
  out.push('\nour code, by inclusive time (self + what it calls):');
  for (const [k, n] of [...inclusive]
    .filter(([k]) => ours(k))
    .sort((x, y) => y[1] - x[1])
    .slice(0, top))
    out.push(`  ${pct(n)}  ${describe(frames.get(k))}`);
  return out.join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let file = opts.file;
  let window = null;
  let calls = null;
  if (!file) ({ file, window, calls } = await record(opts));
  console.log(`profile: ${path.relative(ROOT, file)}`);
  console.log(analyse(file, window, opts.top, calls));
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exit(1);
});
