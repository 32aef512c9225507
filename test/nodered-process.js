'use strict';
// A real Node-RED in a child process (so it cannot collide with the runtime that
// node-red-node-test-helper keeps in the mocha process), with this package installed
// in its user directory the way a user installs it.
const fs = require('fs');
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');
const { NODE_RED_MAIN, NODE_BINARY, resolveFromNodeRed } = require('./node-red-under-test');

const PKG_ROOT = path.resolve(__dirname, '..');
const PKG_NAME = require('../package.json').name;

// Runs Node-RED in a child process so it cannot collide with the runtime that
// node-red-node-test-helper keeps in the mocha process. Prints READY <port>.
const CHILD = `
'use strict';
const http = require('http');
const express = require(process.env.EXPRESS_PATH);
const RED = require(process.env.NODE_RED_PATH);
const userDir = process.env.USER_DIR;
const app = express();
const server = http.createServer(app);
RED.init(server, Object.assign({
  userDir,
  flowFile: 'flows.json',
  httpAdminRoot: '/',
  httpNodeRoot: '/',
  uiHost: '127.0.0.1',
  logging: { console: { level: 'warn' } },
  editorTheme: { tours: false, palette: { catalogues: [] } },
  telemetry: { enabled: false },
  externalModules: { autoInstall: false },
}, JSON.parse(process.env.EXTRA_SETTINGS || '{}')));
app.use('/', RED.httpAdmin);
app.use('/', RED.httpNode);
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try { await RED.stop(); } catch (err) { console.error(err); }
  server.closeAllConnections && server.closeAllConnections();
  server.close(() => process.exit(code));
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGTERM', () => stop(0));
process.stdin.on('end', () => stop(0)); // the parent went away
process.stdin.resume();
server.listen(0, '127.0.0.1', async () => {
  try {
    await RED.start();
    process.stdout.write('READY ' + server.address().port + '\\n');
  } catch (err) {
    console.error(err);
    stop(1);
  }
});
`;

function startNodeRed(userDir, extraSettings = {}) {
  const script = path.join(userDir, 'start-node-red.js');
  fs.writeFileSync(script, CHILD);
  const child = spawn(NODE_BINARY, [script], {
    cwd: userDir,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      USER_DIR: userDir,
      EXTRA_SETTINGS: JSON.stringify(extraSettings),
      NODE_RED_PATH: NODE_RED_MAIN,
      EXPRESS_PATH: resolveFromNodeRed('express'),
    },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const ready = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`Node-RED did not start within 30 s\n${out}\n${err}`)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`Node-RED exited (${code})\n${out}\n${err}`));
    });
  });
  return { child, ready, logs: () => out + err };
}

function httpStatus(url) {
  return new Promise((resolve) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
      .on('error', (err) => resolve(err.code || 'error'));
  });
}

function stopNodeRed(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode) return resolve();
    const t = setTimeout(() => {
      child.kill('SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Installs the package into `userDir` as a user would have it: node_modules/<name> (a link to
 * `from`) and package.json; `others` are more node modules (names of this repository's dev
 * dependencies, such as the dashboard) linked beside it, so that they load whichever
 * Node-RED runs the user directory.
 */
function installInto(userDir, from = PKG_ROOT, others = []) {
  const dependencies = { [PKG_NAME]: 'file:' + from };
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  fs.symlinkSync(from, path.join(userDir, 'node_modules', PKG_NAME), 'dir');
  for (const name of others) {
    const dir = path.dirname(require.resolve(`${name}/package.json`, { paths: [PKG_ROOT] }));
    fs.mkdirSync(path.dirname(path.join(userDir, 'node_modules', name)), { recursive: true });
    fs.symlinkSync(dir, path.join(userDir, 'node_modules', name), 'dir');
    dependencies[name] = 'file:' + dir;
  }
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify(
      {
        name: 'node-red-project',
        version: '0.0.1',
        private: true,
        dependencies,
      },
      null,
      2,
    ),
  );
}

module.exports = { PKG_ROOT, PKG_NAME, startNodeRed, stopNodeRed, httpStatus, installInto };
