'use strict';
// The short version of `npm run fuzz`: hostile frames against a real Node-RED child process
// while a strict station keeps sending Heartbeats.
const assert = require('assert');
const { fuzz, print } = require('../bench/fuzz');

describe('hostile frames from many stations against a real Node-RED (short fuzz run)', function () {
  this.timeout(120000);
  let report;
  let printed = '';

  before(async function () {
    report = await fuzz({ frames: 1000, connections: 10, seed: 20261201, duration: 60, log: () => {} });
    print(
      report,
      (line) => {
        printed += line + '\n';
      },
      5,
    );
  });

  it('keeps Node-RED running', function () {
    assert.strictEqual(report.nodeRedExit, null, `Node-RED exited\n${printed}`);
    assert.deepStrictEqual(report.failures, [], printed);
  });

  it('sends every frame from every connection', function () {
    assert.ok(report.stats.frames >= 1000, printed);
    assert.ok(report.stats.connections >= 10, printed);
    assert.ok(Object.keys(report.stats.byKind).length >= 20, `only ${Object.keys(report.stats.byKind).join(', ')}`);
  });

  it('answers each frame with the code the Protocol rules prescribe', function () {
    assert.deepStrictEqual(report.mismatches.slice(0, 5), [], printed);
  });

  it('serves the strict station throughout', function () {
    const good = report.stats.good;
    assert.ok(good.sent > 0, printed);
    assert.deepStrictEqual(good.failures, [], printed);
    assert.strictEqual(good.answered, good.sent, printed);
  });
});
