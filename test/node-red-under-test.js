'use strict';
// The Node-RED the tests run against: this repository's dev dependency, or the installation
// OCPP_TEST_NODE_RED names (the node-red package folder, or an npm prefix holding
// node_modules/node-red). The node tests, the core nodes they load and every spawned
// Node-RED process take it from here, so one variable switches them all. Spawned processes
// run on the Node.js binary OCPP_TEST_NODE names, by default the one running the tests.
const fs = require('fs');
const path = require('path');

const PKG_ROOT = path.resolve(__dirname, '..');

function packageDir() {
  const chosen = process.env.OCPP_TEST_NODE_RED;
  if (!chosen) return path.dirname(require.resolve('node-red/package.json', { paths: [PKG_ROOT] }));
  const dir = path.resolve(chosen);
  for (const candidate of [dir, path.join(dir, 'node_modules', 'node-red')]) {
    if (fs.existsSync(path.join(candidate, 'package.json')) && require(path.join(candidate, 'package.json')).name === 'node-red')
      return candidate;
  }
  throw new Error(`OCPP_TEST_NODE_RED=${chosen} holds no node-red package`);
}

const NODE_RED_DIR = packageDir();
const NODE_RED_VERSION = require(path.join(NODE_RED_DIR, 'package.json')).version;
/** The file `require('node-red')` loads. */
const NODE_RED_MAIN = require.resolve(NODE_RED_DIR);

/** The Node.js binary that runs spawned Node-RED processes. */
const NODE_BINARY = process.env.OCPP_TEST_NODE ? path.resolve(process.env.OCPP_TEST_NODE) : process.execPath;

/** A module of the Node-RED under test, such as '@node-red/nodes/core/common/25-catch.js' or 'express'. */
function resolveFromNodeRed(request) {
  return require.resolve(request, { paths: [NODE_RED_DIR, PKG_ROOT] });
}

/** A core node of the Node-RED under test, by its path under @node-red/nodes/core/. */
function coreNode(file) {
  return require(resolveFromNodeRed(`@node-red/nodes/core/${file}`));
}

module.exports = { NODE_RED_DIR, NODE_RED_VERSION, NODE_RED_MAIN, NODE_BINARY, resolveFromNodeRed, coreNode };
