#!/usr/bin/env node
// The flow library's checks: `node-red-dev validate` on the package as npm would ship it
// (packed into a temporary folder), fetched by npx, not a dependency of this project.
//
// Two of its checks compare against the flow library's catalogue (catalogue.nodered.org:
// P08 similar package names, N01 node types used elsewhere). node-red-dev stops at the first
// request that fails, so without access to the catalogue nothing after P04 would run.
// With --offline those two requests get an empty catalogue from a stand-in on 127.0.0.1
// instead, so every other check runs; P08 and N01 then say nothing and must be rerun online.
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { execFileSync, spawn } = require('child_process');

const root = path.resolve(__dirname, '..');
const offline = process.argv.includes('--offline');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

async function catalogueStandIn() {
  // node-red-dev's HTTP client (axios 0.21) sends a proxied https request as a plain GET of the full URL.
  const server = http.createServer((req, res) => {
    if (/^https?:\/\/catalogue\.nodered\.org\//.test(req.url)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: 'empty stand-in', modules: [] }));
    } else {
      res.writeHead(502).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-validate-'));
  try {
    execFileSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
    const tgz = execFileSync(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: root })
      .toString()
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['xzf', path.join(dir, tgz), '-C', dir]);
    const env = { ...process.env };
    const server = offline ? await catalogueStandIn() : null;
    if (server) {
      env.https_proxy = `http://127.0.0.1:${server.address().port}`;
      env.NO_PROXY = env.no_proxy = 'registry.npmjs.org,localhost,127.0.0.1';
      console.log('--offline: catalogue.nodered.org answered by an empty stand-in; P08 and N01 are not checked.');
    }
    const code = await new Promise((resolve) => {
      const child = spawn(npx, ['--yes', 'node-red-dev@latest', 'validate', '-p', path.join(dir, 'package')], { env, stdio: 'inherit' });
      child.on('exit', (c) => resolve(c ?? 1));
    });
    if (server) server.close();
    process.exitCode = code;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exit(1);
});
