#!/usr/bin/env node
// `npm start`: a local Node-RED with this package loaded, to try it from a clone.
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const userDir = path.join(root, '.node-red');
const flowFile = path.join(userDir, 'flows.json');
const firstExamples = [
  [path.join(root, 'examples', '01 Monitor all stations.json'), 'Monitor all stations'],
  [path.join(root, 'examples', '05 Charging park dashboard.json'), 'Charging park dashboard'],
];
const port = Number(process.env.PORT || 1880);
// like Node-RED itself: every interface unless HOST says otherwise, so a wallbox on the network can connect
const host = process.env.HOST || undefined;

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}`);
  process.exit(2);
}

/** The newest modification time of the sources the build turns into dist/. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (/\.(ts|html|json)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const built = path.join(root, 'dist', 'nodes', 'ocpp-interface.js');
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const sourcesAt = Math.max(newestSource(path.join(root, 'nodes')), newestSource(path.join(root, 'lib')));
  if (builtAt >= sourcesAt) return;
  console.log(builtAt ? 'Sources changed since the last build: building...' : 'No build yet: building...');
  try {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit', cwd: root });
  } catch {
    console.error('The build failed (see above): fix it, or run npm run build to retry.');
    process.exit(1);
  }
}

/** This computer's IPv4 addresses on the network, for a wallbox's configuration. */
function networkAddresses() {
  if (host && host !== '0.0.0.0' && host !== '::') return [];
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

/** Examples 1 and 5 as the flows of a first start, one tab each; a user's own flows are never overwritten. */
function deployFirstExamples() {
  if (fs.existsSync(flowFile)) return false;
  const flows = [];
  const ids = new Set();
  for (const [file, label] of firstExamples) {
    // the examples share their ocpp-interface: it goes in once
    const nodes = JSON.parse(fs.readFileSync(file, 'utf8')).filter((n) => !ids.has(n.id));
    // examples leave out their tab (the editor imports them into the open one); a flow file needs it
    const tabs = [...new Set(nodes.filter((n) => n.z).map((n) => n.z))].map((id) => ({
      id,
      type: 'tab',
      label,
      disabled: false,
      info: '',
    }));
    for (const n of [...tabs, ...nodes]) ids.add(n.id);
    flows.push(...tabs, ...nodes);
  }
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(flowFile, JSON.stringify(flows, null, 4) + '\n');
  return true;
}

/** The path of the FlowFuse dashboard in the flow file, if it has one. */
function dashboardPath() {
  try {
    const base = JSON.parse(fs.readFileSync(flowFile, 'utf8')).find((n) => n && n.type === 'ui-base');
    return base ? base.path || '/dashboard' : null;
  } catch {
    return null;
  }
}

/** The station URLs of the interfaces in the flow file, for the banner. */
function stationUrls(settings) {
  let nodes;
  try {
    nodes = JSON.parse(fs.readFileSync(flowFile, 'utf8'));
  } catch {
    return [];
  }
  const nodeRoot = String(settings.httpNodeRoot || '/').replace(/\/+$/, '');
  return (Array.isArray(nodes) ? nodes : [])
    .filter((n) => n && n.type === 'ocpp-interface')
    .map((n) => {
      const own = n.port !== '' && n.port !== undefined && n.port !== null;
      const base = (n.path || '/ocpp').startsWith('/') ? n.path || '/ocpp' : '/' + n.path;
      const where = `:${own ? n.port : port}${own ? base : nodeRoot + base}`;
      const scheme = n.tls ? 'wss' : 'ws';
      return {
        name: n.name || n.id,
        url: `${scheme}://localhost${where}`,
        deactivated: !!n.deactivated,
        network: networkAddresses().map((a) => `${scheme}://${a}${where}`),
      };
    });
}

async function main() {
  buildIfNeeded();
  const deployed = deployFirstExamples();

  const express = require('express');
  const RED = require('node-red');

  const settings = {
    userDir,
    flowFile: 'flows.json',
    // the repository is a Node-RED module (package.json "node-red"): loaded like an installed one, examples included
    nodesDir: [root],
    uiPort: port,
    httpAdminRoot: '/',
    httpNodeRoot: '/',
    functionGlobalContext: {},
    logging: { console: { level: process.env.LOG_LEVEL || 'info', metrics: false, audit: false } },
    // straight onto the demo flow: no welcome tour, no consent prompt for update checks (which
    // would also send this computer's Node-RED version to nodered.org). The editor speaks the
    // browser's language, since no `lang` is set here (that setting only fixes the runtime's).
    editorTheme: { projects: { enabled: false }, tours: false },
    telemetry: { enabled: false, updateNotification: false },
    // a local try-out instance: no key to lose for flow credentials (the station passwords live in the registry anyway)
    credentialSecret: false,
  };

  const app = express();
  const server = http.createServer(app);
  RED.init(server, settings);
  app.use(settings.httpAdminRoot, RED.httpAdmin);
  app.use(settings.httpNodeRoot, RED.httpNode);

  const flowsStarted = new Promise((resolve) => {
    RED.events.once('flows:started', resolve);
    setTimeout(resolve, 10000);
  });
  await RED.start();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  await flowsStarted;

  const urls = stationUrls(settings);
  const lines = ['', `Node-RED editor:   http://localhost:${port}/`];
  const dashboard = dashboardPath();
  if (dashboard) lines.push(`Dashboard:         http://localhost:${port}${dashboard}`);
  for (const u of urls) {
    lines.push(`Station URL:       ${u.url}/<stationId>   (${u.name}${u.deactivated ? ', deactivated' : ''})`);
    for (const n of u.network) lines.push(`  from the network: ${n}/<stationId>`);
  }
  lines.push(
    '',
    host
      ? `Listening on ${host}.`
      : 'Node-RED listens on every network interface, without a login (as Node-RED does by default);\n' +
          'HOST=127.0.0.1 npm start keeps it on this computer.',
  );
  if (urls.length) {
    lines.push(
      '',
      'Try a simulated charging station (in another terminal):',
      '',
      `    npm run simulate -- ${urls[0].url} --id CP001`,
      `    npm run simulate -- ${urls[0].url} --id CP002 --version 2.0.1`,
    );
  }
  if (deployed) {
    lines.push(
      '',
      'First start: example 1 "Monitor all stations" is deployed; open the debug sidebar to watch the stations.',
      'Example 5 "Charging park dashboard" too, on a tab of its own: open the dashboard URL above.',
    );
  }
  lines.push('More examples: menu > Import > Examples > node-red-contrib-ocpp-interface. Ctrl-C stops Node-RED.', '');
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(130);
    stopping = true;
    try {
      await RED.stop();
    } finally {
      server.close();
      process.exit(0);
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err.code === 'EADDRINUSE' ? `Port ${port} is in use: set another with PORT=1881 npm start` : err.stack || err.message);
  process.exit(1);
});
