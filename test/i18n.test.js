'use strict';
// The message catalogues: German has exactly the keys and placeholders of English, every key
// the nodes and their dialogs ask for exists, and every node has help in both languages.
const assert = require('assert');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const NODES = path.join(ROOT, 'nodes');
const LOCALES = path.join(NODES, 'locales');
const TYPES = Object.keys(require('../package.json')['node-red'].nodes);
const LANGUAGES = ['en-US', 'de'];
const TYPES_TS = fs.readFileSync(path.join(NODES, 'types.ts'), 'utf8');

/** { 'ocpp-in.label.station': 'Station', ... } */
function flatten(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}
const catalogue = (lang, type) => flatten(JSON.parse(fs.readFileSync(path.join(LOCALES, lang, `${type}.json`), 'utf8')));
const placeholders = (text) => (String(text).match(/__\w+?__|\{\{\s*\w+\s*\}\}/g) || []).sort();

/** The string literals of the first argument of every call of `name(` in `source`. */
function firstArguments(source, name) {
  const found = [];
  const re = new RegExp(`(?:^|[^\\w.$])${name.replace(/[.$]/g, '\\$&')}\\(`, 'g');
  while (re.exec(source)) {
    let depth = 0;
    let i = re.lastIndex;
    const start = i;
    for (; i < source.length; i++) {
      const c = source[i];
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth-- === 0) break;
      } else if (c === ',' && depth === 0) break;
    }
    const arg = source.slice(start, i);
    if (/\$\{/.test(arg)) continue; // a key built at run time (checked where it is built)
    for (const s of arg.match(/'[^']*'|"[^"]*"/g) || []) found.push(s.slice(1, -1));
  }
  return found;
}

describe('message catalogues', function () {
  for (const type of TYPES) {
    it(`${type}: de has exactly the keys and placeholders of en-US`, function () {
      const en = catalogue('en-US', type);
      const de = catalogue('de', type);
      assert.deepStrictEqual(Object.keys(de).sort(), Object.keys(en).sort(), 'de and en-US keys differ');
      for (const [key, text] of Object.entries(en)) {
        assert.ok(typeof text === 'string' && text !== '', `${key} is empty in en-US`);
        assert.ok(typeof de[key] === 'string' && de[key] !== '', `${key} is empty in de`);
        assert.deepStrictEqual(placeholders(de[key]), placeholders(text), `${key}: placeholders differ`);
      }
      assert.deepStrictEqual(
        Object.keys(JSON.parse(fs.readFileSync(path.join(LOCALES, 'en-US', `${type}.json`), 'utf8'))),
        [type],
        'a catalogue holds one section named after its node',
      );
    });

    it(`${type}: every key the runtime code asks for exists in en-US`, function () {
      const en = catalogue('en-US', type);
      const source = fs.readFileSync(path.join(NODES, `${type}.ts`), 'utf8');
      const keys = firstArguments(source, 'RED._').filter((k) => !k.includes(':'));
      // t = statusText(RED, type): `<type>.status.<key>`.
      if (/statusText\(RED, '/.test(source)) keys.push(...firstArguments(source, 't').map((k) => `${type}.status.${k}`));
      // statusFor (nodes/types.ts) looks up its own status keys with the node's t.
      if (/statusFor\(/.test(source)) keys.push(...firstArguments(TYPES_TS, 't').map((k) => `${type}.status.${k}`));
      assert.ok(keys.length > 0, `no catalogue key found in ${type}.ts`);
      for (const key of keys) assert.ok(key in en, `${type}.ts uses ${key}, which en-US lacks`);
      assert.ok(
        !/\b(text|message): '[A-Za-z]/.test(source) && !/new (Rpc)?Error\([^)]*'[a-z ]{4,}'\)/.test(source),
        `${type}.ts still has an English literal as a status or error`,
      );
    });

    it(`${type}: every key the editor dialog asks for exists in en-US`, function () {
      const en = catalogue('en-US', type);
      // The dialog: its .html, and the script of its own in resources/ where it has one.
      const own = path.join(ROOT, 'resources', `${type}-dialog.js`);
      let html = fs.readFileSync(path.join(NODES, `${type}.html`), 'utf8');
      if (fs.existsSync(own)) html += fs.readFileSync(own, 'utf8');
      const keys = [];
      // The rows the shared editor script adds, labelled from the node's catalogue: `type + '.label.name"`.
      if (html.includes(`OcppEditor.addSharedRows("${type}")`)) {
        const shared = fs.readFileSync(path.join(ROOT, 'resources/ocpp-editor.js'), 'utf8');
        const found = [...shared.matchAll(/type\s*\+\s*'\.([a-zA-Z]+\.[a-zA-Z]+)"/g)].map((m) => `${type}.${m[1]}`);
        assert.ok(found.length >= 5, "the shared rows' keys were not found in resources/ocpp-editor.js");
        keys.push(...found);
      }
      for (const [, attr] of html.matchAll(/data-i18n="([^"]+)"/g)) {
        for (const part of attr.split(';')) keys.push(part.replace(/^\[[^\]]+\]/, ''));
      }
      keys.push(...firstArguments(html, 'this._'));
      // t("section.key") prefixes the node type; so do keys handed to helpers that call t.
      const sections = new Set(Object.keys(en).map((k) => k.split('.')[1]));
      for (const s of html.match(/"[a-zA-Z]+\.[a-zA-Z]+"/g) || []) {
        const key = s.slice(1, -1);
        if (sections.has(key.split('.')[0]) && !/^ocpp\d/.test(key)) keys.push(`${type}.${key}`);
      }
      assert.ok(keys.length > 0, `no catalogue key found in ${type}.html`);
      for (const key of keys) assert.ok(key in en, `${type}.html uses ${key}, which en-US lacks`);
    });

    it(`${type}: help in en-US and de, with the same inputs and outputs`, function () {
      const props = (lang) => {
        const html = fs.readFileSync(path.join(LOCALES, lang, `${type}.html`), 'utf8');
        assert.ok(html.includes(`data-help-name="${type}"`), `${lang}/${type}.html has no data-help-name="${type}"`);
        return [...html.matchAll(/<dt[^>]*>\s*(?:<code>)?([^<\s]+)/g)].map((m) => m[1]);
      };
      const [en, de] = LANGUAGES.map(props);
      assert.deepStrictEqual(de, en, 'the help lists different message properties');
      const de_ = fs.readFileSync(path.join(LOCALES, 'de', `${type}.html`), 'utf8');
      assert.match(de_, /<h3>Details<\/h3>/);
      assert.match(de_, /<h3>Referenzen<\/h3>/);
    });
  }
});

describe("editor definitions, as the flow library's validator reads them", function () {
  for (const type of TYPES) {
    it(`${type}: RED.nodes.registerType gets the type and an object literal`, function () {
      const html = fs.readFileSync(path.join(NODES, `${type}.html`), 'utf8');
      const calls = [...html.matchAll(/RED\.nodes\.registerType\(\s*(["'])([^"']+)\1\s*,\s*(\S)/g)];
      assert.deepStrictEqual(
        calls.map((m) => [m[2], m[3]]),
        [[type, '{']],
        'node-red-dev validate parses only an object literal',
      );
    });
  }
});
