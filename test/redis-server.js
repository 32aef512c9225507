'use strict';
// A real redis-server for the tests: loopback, a free port, nothing written to disk, stopped afterwards.
const fs = require('fs');
const { spawn } = require('child_process');
const { freePort } = require('./support');

const REDIS_SERVER = '/usr/bin/redis-server';

function redisAvailable() {
  return fs.existsSync(REDIS_SERVER);
}

/** Starts redis-server on `port` (a free one when omitted), with `extra` arguments; resolves with { port, url, pid, stop(), kill() }. */
async function startRedis(port, extra = []) {
  port = port || (await freePort());
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
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
  const stopWith = (signal) =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { port, url: `redis://127.0.0.1:${port}`, pid: child.pid, stop: () => stopWith('SIGTERM'), kill: () => stopWith('SIGKILL') };
}

module.exports = { redisAvailable, startRedis };
