'use strict';
// Child processes of the bench: servers and the load generator, with IPC requests.

const { spawn } = require('child_process');
const net = require('net');
const path = require('path');

const ROOT = path.join(__dirname, '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline)
          reject(new Error(`nothing listens on port ${port} after ${timeoutMs / 1000} s${child ? '\n' + child.log() : ''}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/**
 * A node child process with IPC, started through the shell so that it gets the hard
 * open-files limit (N=10000 needs more than many defaults allow).
 */
function spawnNode(args, label, env = {}) {
  const child = spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', process.execPath, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...env },
  });
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.label = label;
  child.log = () => log;
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

let requestId = 0;
function request(child, msg, timeoutMs = 120000) {
  const id = ++requestId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.label}: no answer to ${msg.cmd} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onMessage = (reply) => {
      if (reply.re !== id) return;
      cleanup();
      if (reply.error) reject(new Error(`${child.label}: ${reply.error}`));
      else resolve(reply);
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`${child.label} exited during ${msg.cmd}\n${child.log()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.removeListener('message', onMessage);
      child.removeListener('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    // with a callback a failed send (the child is just exiting) rejects instead of emitting 'error'
    child.send({ ...msg, id }, (err) => {
      if (err) {
        cleanup();
        reject(err);
      }
    });
  });
}

function waitMessage(child, type, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.label}: not ${type} within ${timeoutMs / 1000} s\n${child.log()}`));
    }, timeoutMs);
    const onMessage = (msg) => {
      if (msg.type === type) {
        cleanup();
        resolve(msg);
      } else if (msg.type === 'failed') {
        cleanup();
        reject(new Error(`${child.label}: ${msg.error}\n${child.log()}`));
      }
    };
    const onExit = (code) => {
      cleanup();
      reject(new Error(`${child.label} exited (${code}) before ${type}\n${child.log()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.removeListener('message', onMessage);
      child.removeListener('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (child.connected) await request(child, { cmd: 'stop' }, 8000);
  } catch {
    // killed below
  }
  const exited = await Promise.race([child.exited, new Promise((r) => setTimeout(() => r(null), 3000))]);
  if (!exited) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

module.exports = { freePort, request, spawnNode, stopChild, waitForPort, waitMessage };
