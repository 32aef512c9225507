'use strict';
// What store: redis keeps in Redis (README: Several Node-RED instances), with a real
// redis-server: session records (ranges read a page at a time, the per-station index,
// retention, the active sessions at open, writes made while Redis was away), the rejected
// list written by two instances at once, and a routed command still waiting when its
// interface closes.
const assert = require('assert');
const { RedisLink } = require('../dist/lib/redis/link');
const { RedisSessionStore } = require('../dist/lib/redis/session-store');
const { RedisRegistryStore } = require('../dist/lib/redis/registry-store');
const { StationCluster } = require('../dist/lib/redis/cluster');
const { redisAvailable, startRedis } = require('./redis-server');
const { delay } = require('./support');

/** Resolves once the async `condition()` is true; fails after `timeoutMs`. */
async function until(condition, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${condition}`);
    await delay(50);
  }
}

const rec = (id, station, start, status = 'completed') => ({
  id,
  station,
  connector: 1,
  transactionId: id,
  idTag: null,
  start,
  stop: status === 'active' ? null : start,
  meterStart: 0,
  meterStop: status === 'active' ? null : 1,
  energy: status === 'active' ? null : 1,
  duration: 0,
  stopReason: null,
  status,
});

describe('session records in Redis', function () {
  this.timeout(30000);
  let redis;
  let link;
  let n = 0;
  const stores = [];
  const store = (options) => {
    const s = new RedisSessionStore(link, options);
    stores.push(s);
    return s;
  };

  before(async function () {
    if (!redisAvailable()) {
      console.log('      redis-server is not installed (/usr/bin/redis-server): skipped');
      this.skip();
    }
    redis = await startRedis();
  });
  beforeEach(async function () {
    link = new RedisLink({ url: redis.url, prefix: `test-sessions-${++n}:` });
    await link.whenUp();
  });
  afterEach(async function () {
    for (const s of stores.splice(0)) await s.close();
    if (link) await link.close();
  });
  after(async function () {
    if (redis) await redis.stop();
  });

  it('gives the sessions whose start lies in [from, to), optionally of one station, newest first, read in pages', async function () {
    const s = store({ pageSize: 2 });
    await s.open();
    const all = [
      rec('a', 'X', '2026-09-30T23:59:59.999Z'),
      rec('b', 'Y', '2026-10-01T00:00:00.000Z'),
      rec('c', 'X', '2026-10-15T00:00:00.000Z'),
      rec('d', 'X', '2026-10-31T23:59:59.999Z'),
      rec('e', 'X', '2026-11-01T00:00:00.000Z'),
      { ...rec('f', 'X', null, 'active'), stop: null },
    ];
    await Promise.all(all.map((r) => s.put(r)));
    const ids = async (q) => (await s.query(q)).map((r) => r.id);
    assert.deepStrictEqual(await ids({ from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }), ['d', 'c', 'b']);
    assert.deepStrictEqual(await ids({ from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', station: 'X' }), ['d', 'c']);
    assert.deepStrictEqual(await ids({ to: '2026-10-15T00:00:00Z' }), ['b', 'a']);
    assert.deepStrictEqual(await ids({ limit: 2 }), ['e', 'd']);
    assert.deepStrictEqual(await ids({ limit: 3, station: 'X' }), ['e', 'd', 'c']);
    // a record without any time only without bounds, last
    assert.deepStrictEqual(await ids({}), ['e', 'd', 'c', 'b', 'a', 'f']);
    // a new version replaces the old one, also in the station's index
    await s.put({ ...rec('c', 'X', '2026-08-01T00:00:00.000Z') });
    assert.deepStrictEqual(await ids({ station: 'X' }), ['e', 'd', 'a', 'c', 'f']);
  });

  it("restores the active sessions and the recent ended ones at open, and one station's for a takeover", async function () {
    const s = store();
    await s.open();
    await s.put(rec('a1', 'X', '2026-11-01T10:00:00.000Z', 'active'));
    await s.put(rec('a2', 'Y', '2026-11-02T10:00:00.000Z', 'active'));
    for (let i = 0; i < 5; i++) await s.put(rec(`e${i}`, 'X', `2026-11-0${i + 1}T12:00:00.000Z`));
    await s.put(rec('a2', 'Y', '2026-11-02T10:00:00.000Z')); // a2 ended
    const other = store();
    const opened = await other.open(3);
    assert.deepStrictEqual(
      opened.map((r) => r.id),
      ['a1', 'e4', 'e3', 'e2'],
    );
    const x = await other.station('X', 2);
    assert.deepStrictEqual([x.active.map((r) => r.id), x.ended.map((r) => r.id)], [['a1'], ['e4', 'e3']]);
    assert.deepStrictEqual((await other.station('Y', 5)).active, []);
  });

  it('drops records older than the retention, from every index', async function () {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const s = store({ retentionDays: 30, now: () => now, pageSize: 2 });
    await s.open();
    for (const r of [
      rec('old1', 'X', '2026-10-15T00:00:00Z'),
      rec('old2', 'Y', '2026-10-16T00:00:00Z'),
      { ...rec('old3', 'X', '2026-10-17T00:00:00Z', 'active') },
      rec('edge', 'X', '2026-11-01T00:00:00Z'),
      rec('new', 'X', '2026-11-20T00:00:00Z'),
    ])
      await s.put(r);
    await s.compact();
    assert.deepStrictEqual(
      (await s.query({})).map((r) => r.id),
      ['new', 'edge'],
    );
    assert.deepStrictEqual(
      (await s.query({ station: 'Y' })).map((r) => r.id),
      [],
    );
    assert.deepStrictEqual((await s.station('X')).active, []);
    now = Date.parse('2026-12-05T00:00:00Z');
    await s.compact();
    assert.deepStrictEqual(
      (await s.query({ station: 'X' })).map((r) => r.id),
      ['new'],
    );
    assert.strictEqual(await link.client.hlen(link.key('sessions')), 1);
  });

  it('keeps a change made while Redis is away and writes it once Redis is back', async function () {
    const s = store();
    await s.open();
    await s.put(rec('before', 'X', '2026-11-01T00:00:00Z', 'active'));
    const port = redis.port;
    await redis.kill();
    await until(() => !link.up, 5000);
    await assert.rejects(s.put(rec('before', 'X', '2026-11-01T00:00:00Z')));
    await assert.rejects(s.put(rec('during', 'X', '2026-11-02T00:00:00Z')));
    redis = await startRedis(port); // empty: no persistence
    await until(async () => link.up && (await s.query({})).length === 2, 10000);
    const records = await s.query({});
    assert.deepStrictEqual(
      records.map((r) => [r.id, r.status]),
      [
        ['during', 'completed'],
        ['before', 'completed'],
      ],
    );
  });
});

describe('the registry and the cluster in Redis', function () {
  this.timeout(30000);
  let redis;
  const links = [];
  let n = 0;
  const link = async (prefix) => {
    const l = new RedisLink({ url: redis.url, prefix });
    links.push(l);
    await l.whenUp();
    return l;
  };

  before(async function () {
    if (!redisAvailable()) this.skip();
    redis = await startRedis();
  });
  afterEach(async function () {
    for (const l of links.splice(0)) await l.close();
  });
  after(async function () {
    if (redis) await redis.stop();
  });

  it('keeps the attempts two instances add to the rejected list at the same time, newest first, none of an approved station', async function () {
    const prefix = `test-registry-${++n}:`;
    const [a, b] = [new RedisRegistryStore(await link(prefix)), new RedisRegistryStore(await link(prefix))];
    const at = (s) => `2026-12-01T10:00:${s}.000Z`;
    const attempt = (id, s) => ({ id, address: '127.0.0.1', time: at(s), reason: 'unknown station' });
    await a.writeRejected([attempt('X', '01')]);
    // each instance writes the list as it knows it, at the same time
    await Promise.all([a.writeRejected([attempt('A1', '03'), attempt('X', '01')]), b.writeRejected([attempt('B1', '02')])]);
    assert.deepStrictEqual(
      (await a.readRejected()).map((r) => r.id),
      ['A1', 'B1', 'X'],
    );
    // the same station again: its latest attempt only; an attempt without id is kept as it is
    await b.writeRejected([attempt('X', '05'), { id: null, address: '10.0.0.1', time: at('04'), reason: 'no station id' }]);
    assert.deepStrictEqual(
      (await b.readRejected()).map((r) => [r.id, r.time]),
      [
        ['X', at('05')],
        [null, at('04')],
        ['A1', at('03')],
        ['B1', at('02')],
      ],
    );
    // approved meanwhile (in the registry): no longer listed
    await a.writeStation(
      'A1',
      { id: 'A1', addedBy: 'manual', firstSeen: null, lastSeen: null, version: null, properties: {}, connectors: {} },
      [],
    );
    await a.writeRejected([]);
    assert.deepStrictEqual(
      (await a.readRejected()).map((r) => r.id),
      ['X', null, 'B1'],
    );
    // at most 50
    await a.writeRejected(Array.from({ length: 60 }, (_, i) => attempt(`M${i}`, String(10 + (i % 50)).padStart(2, '0'))));
    assert.strictEqual((await b.readRejected()).length, 50);
  });

  it('answers a routed command still waiting when its interface closes with notConnected', async function () {
    const prefix = `test-cluster-${++n}:`;
    const handlers = (command) => ({ command, release: async () => undefined, changed: () => undefined });
    const holder = new StationCluster(
      await link(prefix),
      handlers(() => new Promise(() => {})),
    ); // the station never answers
    const caller = new StationCluster(
      await link(prefix),
      handlers(async () => {
        throw new Error('not here');
      }),
    );
    await holder.start();
    await caller.start();
    holder.hold('S1');
    await until(async () => (await caller.holders(['S1']))[0] === holder.instanceId, 5000);
    const answer = caller.forward('S1', 'ClearCache', {}, 20000);
    await delay(200);
    const t0 = Date.now();
    await caller.close();
    await assert.rejects(answer, (err) => err.code === 'notConnected');
    assert.ok(Date.now() - t0 < 2000, 'answered at once, not after the timeout');
    await holder.close();
  });
});
