#!/usr/bin/env node
// The whole build: one tsc run, then the editor files copied beside the built nodes.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

// From scratch: a module that was moved (versions/ocpp16.ts → versions/ocpp16/index.ts) must not
// leave its old build behind, where require('./ocpp16') would still find it first.
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });

function copyEditorFiles(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(dst, { recursive: true });
      copyEditorFiles(src, dst);
    } else if (/\.(html|json)$/.test(entry.name)) {
      fs.copyFileSync(src, dst);
    }
  }
}
fs.mkdirSync(path.join(dist, 'nodes'), { recursive: true });
copyEditorFiles(path.join(root, 'nodes'), path.join(dist, 'nodes'));

// Node-RED looks for icons in an icons/ folder beside each node's .js file.
const icons = path.join(dist, 'nodes', 'icons');
fs.mkdirSync(icons, { recursive: true });
for (const name of fs.readdirSync(path.join(root, 'icons'))) fs.copyFileSync(path.join(root, 'icons', name), path.join(icons, name));
