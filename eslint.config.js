'use strict';
// ESLint (rules only; the layout is Prettier's, see README "Lint and format"):
// eslint's and typescript-eslint's recommended rules for every source folder.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const html = require('eslint-plugin-html');
const globals = require('globals');

// What the Node-RED editor gives the dialogs' scripts.
const editorGlobals = {
  ...globals.browser,
  RED: 'readonly',
  $: 'readonly',
  jQuery: 'readonly',
  OcppEditor: 'readonly',
  OcppInterfaceDialog: 'readonly',
};

module.exports = tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.node-red/', '.user/', 'bench/results/', 'examples/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a parameter a callback signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Node-RED's idiom for the node inside its constructor's callbacks.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
    },
  },
  {
    files: ['lib/**/*.ts', 'nodes/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      // Loaded on first use only: the X.509 library and its Reflect polyfill (an interface without a signing CA never
      // loads them), and OCPP 2.1's schemas (a process without a 2.1 station never parses them).
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^reflect-metadata$', '^@peculiar/x509$', '^ocpp-rpc/lib/schemas/ocpp2_1\\.json$'] },
      ],
    },
  },
  {
    // The scripts, the benchmark and the tests are CommonJS run by Node.js.
    files: ['scripts/**/*.js', 'bench/**/*.js', 'test/**/*.js', 'eslint.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // A module's own binding (ws's WebSocket, perf_hooks' performance) shadows Node's global on purpose.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  {
    files: ['test/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
  },
  {
    // Functions the browser tests hand to the page (page.evaluate) run inside the editor.
    files: ['test/*.browser.test.js'],
    languageOptions: { globals: { ...globals.node, ...globals.mocha, ...editorGlobals } },
  },
  {
    // Editor code runs in the browser: the shared script and the dialogs' inline scripts.
    files: ['resources/**/*.js'],
    languageOptions: { sourceType: 'script', globals: editorGlobals },
  },
  {
    files: ['nodes/**/*.html'],
    plugins: { html },
    languageOptions: { sourceType: 'script', globals: editorGlobals },
    // Node-RED reads a validator's arity: `function (v, opt)` may return a message, so `opt` stays.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }] },
  },
);
