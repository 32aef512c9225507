#!/usr/bin/env node
// `npm run test:matrix`: every test file that runs Node-RED, on the other Node-RED and Node.js
// versions the README names (`npm test` covers the dev dependency). Each version is installed
// from the npm registry into a cache folder, Node.js binaries included (the node-<os>-<cpu>
// packages), and selected by the variables test/node-red-under-test.js reads.
// Prints one line per version and `N passed, N failed` last; exits non-zero if any failed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawn } = require('child_process');

const root = path.resolve(__dirname, '..');
const cache = path.resolve(process.env.OCPP_TEST_CACHE || path.join(os.homedir(), '.cache', 'node-red-contrib-ocpp-interface'));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// `nodeRed`: the version (empty: the dev dependency); `mocha`: the Node.js that runs the tests
// and the helper's in-process Node-RED (empty: the one running this script); `spawned`: the one
// for spawned Node-RED processes (empty: the same).
const MATRIX = [
  // Mocha needs Node 20; Node-RED processes show the package also runs on Node 18.
  { nodeRed: '3.1.15', mocha: '', spawned: '18' },
  // Node-RED 5 needs Node 22.9 or later.
  { nodeRed: '5', mocha: '22', spawned: '' },
  // The dev dependency on the current Node.js LTS.
  { nodeRed: '', mocha: '24', spawned: '' },
];

function install(folder, spec) {
  const dir = path.join(cache, folder);
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(NPM, ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', spec], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

function nodeBinary(major) {
  if (!major) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = install(`node-${major}`, `${pkg}@${major}`);
  const bin = path.join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!fs.existsSync(bin)) throw new Error(`${pkg}@${major} has no ${bin}`);
  return bin;
}

const versionOf = (bin) => execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');

/** The test files that start Node-RED, in the helper or as a process. */
function nodeRedTests() {
  const dir = path.join(root, 'test');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .filter((f) => /require\('\.\/(runtime|nodered-process|node-red-under-test)'\)/.test(fs.readFileSync(path.join(dir, f), 'utf8')))
    .map((f) => path.join('test', f));
}

function runMocha(bin, files, env) {
  const { timeout } = JSON.parse(fs.readFileSync(path.join(root, '.mocharc.json'), 'utf8'));
  const mocha = require.resolve('mocha/bin/mocha.js', { paths: [root] });
  return new Promise((resolve) => {
    const child = spawn(bin, [mocha, '--no-config', '--timeout', String(timeout), '--exit', '--reporter', 'spec', ...files], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code, signal) => {
      const count = (word) => Number((out.match(new RegExp(`^ +(\\d+) ${word}`, 'm')) || [0, 0])[1]);
      resolve({ code: code ?? signal, passed: count('passing'), failed: count('failing'), pending: count('pending') });
    });
  });
}

async function main() {
  const files = nodeRedTests();
  const results = [];
  for (const entry of MATRIX) {
    const started = Date.now();
    let label = `Node-RED ${entry.nodeRed || '(dev dependency)'}`;
    let result;
    try {
      const nodeRedDir = entry.nodeRed
        ? path.join(install(`node-red-${entry.nodeRed}`, `node-red@${entry.nodeRed}`), 'node_modules', 'node-red')
        : path.dirname(require.resolve('node-red/package.json', { paths: [root] }));
      const mocha = nodeBinary(entry.mocha);
      const spawned = entry.spawned ? nodeBinary(entry.spawned) : mocha;
      label = `Node-RED ${require(path.join(nodeRedDir, 'package.json')).version} on Node ${versionOf(mocha)}`;
      if (spawned !== mocha) label += ` (Node-RED processes on Node ${versionOf(spawned)})`;
      console.log(`\n=== ${label}: ${files.length} test files`);
      const env = { ...process.env, OCPP_TEST_NODE_RED: nodeRedDir, OCPP_TEST_NODE: spawned };
      // Whatever the tests start by name (npm, node) runs on the same Node.js as mocha.
      env.PATH = `${path.dirname(mocha)}${path.delimiter}${env.PATH}`;
      result = await runMocha(mocha, files, env);
    } catch (err) {
      console.error(`${label}: ${err.message}`);
      result = { code: 1, passed: 0, failed: 0, pending: 0, error: err.message };
    }
    result.ok = result.code === 0 && result.failed === 0 && result.passed > 0;
    result.label = label;
    result.seconds = Math.round((Date.now() - started) / 1000);
    results.push(result);
  }
  console.log('\n=== test matrix');
  for (const r of results) {
    const state = r.ok ? 'ok    ' : 'FAILED';
    const why = r.error
      ? `: ${r.error}`
      : r.ok
        ? ''
        : r.passed === 0
          ? ': no test ran'
          : r.failed === 0
            ? `: mocha exited with ${r.code}`
            : '';
    console.log(`${state} ${r.label}: ${r.passed} passed, ${r.failed} failed, ${r.pending} pending (${r.seconds} s)${why}`);
  }
  const sum = (key) => results.reduce((n, r) => n + r[key], 0);
  console.log(`${sum('passed')} passed, ${sum('failed')} failed`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

main();
