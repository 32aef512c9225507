'use strict';
// The part every benchmarked server shares: IPC with bench/run.js, samples of its own
// RSS and CPU, the timed fan-out of one command to every station.

const { performance, PerformanceObserver } = require('perf_hooks');

// GC pauses: total and longest since the previous sample, to explain latency tails.
const gcStats = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcStats.count++;
    gcStats.totalMs += entry.duration;
    if (entry.duration > gcStats.maxMs) gcStats.maxMs = entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sample of this process. With `gc` (node --expose-gc) it collects three times with pauses
 * first: V8 gives heap pages back only on a later collection, so RSS then reflects live memory.
 */
async function sample(gc) {
  const gcSince = { ...gcStats };
  if (gc && global.gc) {
    for (let i = 0; i < 3; i++) {
      global.gc();
      await sleep(100);
    }
  }
  // Forced collections are not the server's own pauses.
  gcStats.count = 0;
  gcStats.totalMs = 0;
  gcStats.maxMs = 0;
  const mem = process.memoryUsage();
  // `mono`: µs on the monotonic clock that --cpu-prof timestamps use too.
  return {
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    cpu: process.cpuUsage(),
    at: performance.now(),
    gc: gcSince,
    mono: Number(process.hrtime.bigint() / 1000n),
  };
}

/**
 * Runs a server under the bench: `start(port)` listens, `fanout(ids)` sends one
 * RemoteStartTransaction to each station and resolves with { answered, failed } once all
 * are answered, `stop()` closes it; `commands` are further requests by name, each answered
 * with what it resolves with.
 */
function serve({ start, fanout, stop, commands = {} }) {
  const port = Number(process.argv[2]);
  process.on('message', async (msg) => {
    try {
      if (msg.cmd === 'sample') {
        process.send({ re: msg.id, sample: await sample(msg.gc) });
      } else if (msg.cmd === 'fanout') {
        const ids = [];
        for (let i = 0; i < msg.count; i++) ids.push(msg.prefix + i);
        const t0 = performance.now();
        const outcome = await fanout(ids);
        process.send({ re: msg.id, result: { ms: performance.now() - t0, ...outcome } });
      } else if (Object.prototype.hasOwnProperty.call(commands, msg.cmd)) {
        process.send({ re: msg.id, result: await commands[msg.cmd](msg) });
      } else if (msg.cmd === 'stop') {
        await Promise.race([stop(), new Promise((r) => setTimeout(r, 5000))]);
        process.send({ re: msg.id }, () => process.exit(0));
      }
    } catch (err) {
      process.send({ re: msg.id, error: err.stack || String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  start(port).then(
    () => process.send({ type: 'ready' }),
    (err) => process.send({ type: 'failed', error: err.stack || String(err) }, () => process.exit(1)),
  );
}

/** Settles every promise; counts fulfilled and rejected. */
async function countSettled(promises) {
  const outcomes = await Promise.allSettled(promises);
  let answered = 0;
  for (const o of outcomes) if (o.status === 'fulfilled') answered++;
  return { answered, failed: outcomes.length - answered };
}

const REMOTE_START = { idTag: 'BENCH', connectorId: 1 };

module.exports = { serve, countSettled, REMOTE_START };
