'use strict';
// Usage: npm run bench:sessions [-- --sessions N --months M]
//
// How long reading one month of sessions takes out of N stored ones (default 100,000 over
// 13 months), and the memory it needs: the store's range read (FileSessionStore.query) and the
// admin HTTP route GET /ocpp-interface/:id/sessions (JSON and CSV) in a real Node-RED.
// Each measurement runs in a child process of its own, so its memory figures are its own.
// See bench/README.md.

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { fork } = require('child_process');

const ROOT = path.join(__dirname, '..');
const IFACE = 'bench-interface';
const REPEAT = 5;

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const mb = (bytes) => (bytes / 1048576).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Samples the heap every millisecond while `task` runs: its peak above the heap before. */
async function measure(task) {
  global.gc();
  const before = process.memoryUsage();
  let peak = before.heapUsed;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 1);
  const t0 = process.hrtime.bigint();
  const result = await task();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { result, ms, heapPeakMb: mb(peak - before.heapUsed), rssMb: mb(process.memoryUsage().rss) };
}

/** N completed sessions, their starts spread evenly over `months` months that end with November 2026. */
async function generate(dir, n, months) {
  const { FileSessionStore } = require(path.join(ROOT, 'dist/lib'));
  const store = new FileSessionStore(dir, { retentionDays: 100000 });
  await store.open();
  const end = Date.UTC(2026, 11, 1);
  const begin = Date.UTC(2026, 11 - months, 1);
  const step = (end - begin) / n;
  const BATCH = 2000;
  for (let i = 0; i < n; i += BATCH) {
    const puts = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) {
      const start = begin + j * step;
      const duration = 1800 + (j % 7) * 600;
      const meterStart = j * 10;
      const energy = 5000 + (j % 11) * 1000;
      puts.push(
        store.put({
          id: `00000000-0000-4000-8000-${String(j).padStart(12, '0')}`,
          station: `CP${String(j % 500).padStart(4, '0')}`,
          connector: 1 + (j % 2),
          transactionId: j + 1,
          idTag: `TAG${j % 2000}`,
          start: new Date(start).toISOString(),
          stop: new Date(start + duration * 1000).toISOString(),
          meterStart,
          meterStop: meterStart + energy,
          energy,
          duration,
          stopReason: 'EVDisconnected',
          status: 'completed',
        }),
      );
    }
    await Promise.all(puts);
  }
  await store.close();
}

async function storeChild(dir) {
  const { FileSessionStore } = require(path.join(ROOT, 'dist/lib'));
  const store = new FileSessionStore(dir, { retentionDays: 100000 });
  const opened = await measure(() => store.open());
  const runs = [];
  for (let i = 0; i < REPEAT; i++)
    runs.push(await measure(() => store.query({ from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' })));
  const latest = await measure(() => store.query({ limit: 50 }));
  await store.close();
  process.send({
    open: { ms: opened.ms, heapPeakMb: opened.heapPeakMb },
    month: {
      sessions: runs[0].result.length,
      ms: median(runs.map((r) => r.ms)),
      heapPeakMb: runs[runs.length - 1].heapPeakMb,
      rssMb: runs[runs.length - 1].rssMb,
    },
    latest: { ms: latest.ms, heapPeakMb: latest.heapPeakMb },
  });
}

function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http
      .get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
        let bytes = 0;
        res.on('data', (d) => {
          bytes += d.length;
        });
        res.on('end', () => resolve({ status: res.statusCode, bytes, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      })
      .on('error', reject);
  });
}

async function httpChild(dir) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-bench-sessions-nr-'));
  try {
    fs.mkdirSync(path.join(userDir, 'ocpp-interface'));
    fs.cpSync(dir, path.join(userDir, 'ocpp-interface', `${IFACE}.sessions`), { recursive: true });
    fs.writeFileSync(
      path.join(userDir, 'flows.json'),
      JSON.stringify([
        {
          id: IFACE,
          type: 'ocpp-interface',
          name: 'bench',
          versions: ['ocpp1.6', 'ocpp2.0.1'],
          autoApprove: true,
          port: '',
          path: '/ocpp',
          security: 'none',
          heartbeatInterval: 300,
          callTimeout: 30,
          unknownIdTags: 'accept',
          sessionRetention: 100000,
          deactivated: false,
        },
      ]),
    );
    const RED = require('node-red');
    const server = http.createServer((req, res) => RED.httpAdmin(req, res));
    RED.init(server, {
      userDir,
      flowFile: 'flows.json',
      credentialSecret: false,
      httpAdminRoot: '/',
      httpNodeRoot: '/',
      disableEditor: true,
      nodesDir: [ROOT],
      logging: { console: { level: 'warn', metrics: false, audit: false } },
      telemetry: { enabled: false },
      editorTheme: { projects: { enabled: false } },
      externalModules: { autoInstall: false, palette: { allowInstall: false } },
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    await RED.start();
    const port = server.address().port;
    const base = `/ocpp-interface/${IFACE}/sessions`;
    const deadline = Date.now() + 60000;
    while ((await get(port, `${base}?limit=1`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('the interface did not answer');
      await new Promise((r) => setTimeout(r, 50));
    }
    const month = `${base}?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z`;
    const out = {};
    for (const [label, url] of [
      ['json', month],
      ['csv', `${month}&format=csv`],
    ]) {
      const runs = [];
      for (let i = 0; i < REPEAT; i++) runs.push(await measure(() => get(port, url)));
      out[label] = {
        status: runs[0].result.status,
        bytes: runs[0].result.bytes,
        ms: median(runs.map((r) => r.ms)),
        heapPeakMb: runs[runs.length - 1].heapPeakMb,
        rssMb: runs[runs.length - 1].rssMb,
      };
    }
    await RED.stop();
    server.close();
    process.send(out);
  } finally {
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

function child(mode, dir) {
  return new Promise((resolve, reject) => {
    const c = fork(__filename, [`--child-${mode}`, dir], { execArgv: ['--expose-gc'] });
    c.once('message', resolve);
    c.once('exit', (code) => {
      if (code) reject(new Error(`${mode} measurement exited with ${code}`));
    });
  });
}

async function main() {
  const n = arg('sessions', 100000);
  const months = arg('months', 13);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-bench-sessions-'));
  try {
    const t0 = Date.now();
    await generate(dir, n, months);
    const bytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
    console.log(
      `${n} sessions over ${months} months written in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${fs.readdirSync(dir).length} month files, ${mb(bytes)} MB`,
    );
    const s = await child('store', dir);
    console.log(`store open (scan of every month, compaction check): ${s.open.ms.toFixed(0)} ms, heap peak +${s.open.heapPeakMb} MB`);
    console.log(
      `store range read, October 2026 (${s.month.sessions} sessions): ${s.month.ms.toFixed(1)} ms (median of ${REPEAT}), heap peak +${s.month.heapPeakMb} MB, RSS ${s.month.rssMb} MB`,
    );
    console.log(`store latest 50: ${s.latest.ms.toFixed(1)} ms, heap peak +${s.latest.heapPeakMb} MB`);
    const h = await child('http', dir);
    for (const [label, r] of Object.entries(h)) {
      console.log(
        `HTTP GET one month as ${label}: ${r.status}, ${mb(r.bytes)} MB, ${r.ms.toFixed(1)} ms (median of ${REPEAT}), Node-RED heap peak +${r.heapPeakMb} MB, RSS ${r.rssMb} MB`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child-store'))
  storeChild(process.argv[process.argv.indexOf('--child-store') + 1]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
else if (process.argv.includes('--child-http'))
  httpChild(process.argv[process.argv.indexOf('--child-http') + 1]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
