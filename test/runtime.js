'use strict';
// The Node-RED runtime of node-red-node-test-helper as the node tests use it: a started
// server and a fresh user directory per test, and the messages reaching a node as a queue.
const fs = require('fs');
const os = require('os');
const path = require('path');
const helper = require('node-red-node-test-helper');
const { closeAllClients } = require('./support');
const { NODE_RED_MAIN } = require('./node-red-under-test');

helper.init(NODE_RED_MAIN);
// The helper builds the node API without two members a running Node-RED gives every node
// module: `hooks` and `version`. Added from the runtime itself, so nodes see what they see
// in Node-RED.
{
  const RED = require(NODE_RED_MAIN);
  const registryUtil = helper._registryUtil;
  const createNodeApi = registryUtil.createNodeApi;
  registryUtil.createNodeApi = (...args) =>
    Object.assign(createNodeApi.apply(registryUtil, args), { hooks: RED.hooks, version: RED.version });
}

// node-red-node-test-helper hands every node module a RED._ that returns the key itself. Our
// nodes get the real lookup instead, in en-US, from the catalogues the build copies into
// dist/nodes/locales, under the namespace Node-RED gives them (<module>/<node file>).
const { i18n } = require('@node-red/util');
const PKG = require('../package.json');
const NODE_FILES = new Map(Object.entries(PKG['node-red'].nodes).map(([type, file]) => [require.resolve(path.join('..', file)), type]));
i18n.init({ lang: 'en-US' });
const catalogues = Promise.all(
  [...NODE_FILES.values()].map((type) =>
    i18n.registerMessageCatalog(`${PKG.name}/${type}`, path.join(__dirname, '..', 'dist', 'nodes', 'locales'), `${type}.json`),
  ),
);
const translated = new Map();
function withCatalogue(fn) {
  const file = Object.keys(require.cache).find((f) => require.cache[f].exports === fn && NODE_FILES.has(f));
  if (!file) return fn;
  if (!translated.has(fn)) {
    const ns = `${PKG.name}/${NODE_FILES.get(file)}`;
    translated.set(fn, (red) => fn(Object.assign(Object.create(red), { _: (key, params) => i18n._(`${ns}:${key}`, params) })));
  }
  return translated.get(fn);
}
const load = helper.load.bind(helper);
helper.load = function (nodes, flow, credentials, cb) {
  const list = (Array.isArray(nodes) ? nodes : [nodes]).map(withCatalogue);
  return catalogues.then(() => load(list, flow, credentials, cb));
};

/** Registers beforeEach/afterEach around every test of the calling describe. */
function useRuntime(prefix) {
  const state = { userDir: null };
  beforeEach(async function () {
    state.userDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    helper.settings({ userDir: state.userDir });
    await helper.startServer();
  });
  afterEach(async function () {
    await closeAllClients();
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    fs.rmSync(state.userDir, { recursive: true, force: true });
  });
  return {
    get userDir() {
      return state.userDir;
    },
    /** The station URL of an interface on Node-RED's own server at /ocpp. */
    sharedUrl: () => `${helper.url().replace('http', 'ws')}/ocpp`,
  };
}

/** Messages arriving at node `id` of the running flow, as a queue to await. */
function inbox(id) {
  const items = [];
  const waiters = [];
  helper.getNode(id).on('input', (msg) => {
    const w = waiters.shift();
    if (w) w(msg);
    else items.push(msg);
  });
  return {
    items,
    next(what = `a message at ${id}`, timeoutMs = 4000) {
      if (items.length) return Promise.resolve(items.shift());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${what} never arrived`)), timeoutMs);
        waiters.push((m) => {
          clearTimeout(t);
          resolve(m);
        });
      });
    },
  };
}

/** An ocpp-interface node for a test flow: id `if1` on Node-RED's own server at /ocpp, both versions, auto-approve; `extra` wins. */
function interfaceConfig(extra = {}) {
  return {
    id: 'if1',
    type: 'ocpp-interface',
    name: 'Site',
    versions: ['ocpp1.6', 'ocpp2.0.1'],
    autoApprove: true,
    port: '',
    path: '/ocpp',
    security: 'none',
    heartbeatInterval: 300,
    callTimeout: 5,
    unknownIdTags: 'accept',
    deactivated: false,
    ...extra,
  };
}

/** helper.load as a promise: resolves once the flow is started. */
function loadFlow(nodes, flow) {
  return new Promise((resolve, reject) => {
    try {
      helper.load(nodes, flow, () => resolve());
    } catch (err) {
      reject(err);
    }
  });
}

module.exports = { helper, useRuntime, inbox, interfaceConfig, loadFlow };
