'use strict';
// A redis-server for `npm run bench -- --store redis`: loopback, a free port, nothing written to disk.

const fs = require('fs');
const { spawn } = require('child_process');
const { freePort } = require('./children');

const REDIS_SERVER = process.env.REDIS_SERVER || '/usr/bin/redis-server';

/** Starts redis-server; resolves with { url, flush(), stop() }. */
async function startRedis() {
  if (!fs.existsSync(REDIS_SERVER))
    throw new Error(`--store redis needs redis-server (${REDIS_SERVER}; Debian: apt-get install redis-server)`);
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`redis-server did not start within 10 s\n${out}`)), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`redis-server exited (${code})\n${out}`));
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  const Redis = require('ioredis');
  return {
    url,
    /** Empties Redis, so that every run starts from the same state. */
    async flush() {
      const client = new Redis(url, { lazyConnect: true });
      try {
        await client.connect();
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

module.exports = { startRedis };
