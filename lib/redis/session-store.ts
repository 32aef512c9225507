import { Logger, silentLogger } from '../rpc/logger';
import {
  DEFAULT_SESSION_RETENTION_DAYS,
  SessionQuery,
  SessionRecord,
  SessionStore,
  StationSessions,
  sessionTime,
} from '../sessions/session-store';
import { RedisLink } from './link';

export interface RedisSessionStoreOptions {
  /** Days a record is kept (by its start); default 400. */
  retentionDays?: number;
  log?: Logger;
  /** The clock, for retention. */
  now?: () => number;
  /** Records read per round trip when a range is read. */
  pageSize?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_PAGE = 500;

/**
 * Session records in Redis, under the interface's prefix, shared by every instance: hash
 * `sessions` (field: session id, value: the record as JSON), sorted set `sessions:time` (the
 * ids by their time in ms; a record without any time has score -inf), sorted set
 * `sessions:station:<station>` (the same, for one station), set `sessions:active` and set
 * `sessions:active:<station>` (the ids of the active sessions). A change is one MULTI of
 * these. A range is read a page at a time; retention removes by score.
 *
 * A write that fails while Redis is unreachable rejects (the caller logs it) and is kept,
 * its latest version only, to be written once Redis answers again.
 */
export class RedisSessionStore implements SessionStore {
  private readonly recordsKey: string;
  private readonly timeKey: string;
  private readonly activeKey: string;
  private readonly retentionMs: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly pageSize: number;
  /** Versions not written yet (Redis was unreachable), by id. */
  private readonly behind = new Map<string, SessionRecord>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private stopWaiting: () => void = () => undefined;
  private readonly onUp = () => {
    void this.writeBehind();
  };

  constructor(
    private readonly link: RedisLink,
    options: RedisSessionStoreOptions = {},
  ) {
    this.recordsKey = link.key('sessions');
    this.timeKey = link.key('sessions', 'time');
    this.activeKey = link.key('sessions', 'active');
    const days = Number(options.retentionDays);
    this.retentionMs = (Number.isFinite(days) && days > 0 ? days : DEFAULT_SESSION_RETENTION_DAYS) * DAY_MS;
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.pageSize = options.pageSize && options.pageSize > 0 ? options.pageSize : DEFAULT_PAGE;
    link.on('up', this.onUp);
  }

  private stationKey(station: string): string {
    return this.link.key('sessions', 'station', station);
  }

  private stationActiveKey(station: string): string {
    return this.link.key('sessions', 'active', station);
  }

  async open(recent = 0): Promise<SessionRecord[]> {
    // Nothing can be read before Redis answers; closing meanwhile ends the wait.
    await Promise.race([
      this.link.whenUp(),
      new Promise<void>((resolve) => {
        this.stopWaiting = resolve;
        this.link.once('closed', resolve);
      }),
    ]);
    if (this.closed || this.link.isClosed) return [];
    await this.compact();
    const active = await this.records(await this.link.client.smembers(this.activeKey));
    const ended: SessionRecord[] = [];
    if (recent > 0) {
      for (let offset = 0; ended.length < recent; offset += this.pageSize) {
        const ids = await this.link.client.zrevrangebyscore(this.timeKey, '+inf', '-inf', 'LIMIT', offset, this.pageSize);
        for (const r of await this.records(ids)) if (r.status !== 'active' && ended.length < recent) ended.push(r);
        if (ids.length < this.pageSize) break;
      }
    }
    this.timer = setInterval(() => {
      this.compact().catch((err: Error) => this.log.error(`sessions compaction failed: ${err.message}`));
    }, DAY_MS);
    this.timer.unref();
    return active.filter((r) => r.status === 'active').concat(ended);
  }

  async put(record: SessionRecord): Promise<void> {
    if (this.closed) throw new Error('session store closed');
    try {
      await this.write(record);
      this.behind.delete(record.id);
    } catch (err) {
      this.behind.set(record.id, { ...record });
      throw err;
    }
  }

  private async write(record: SessionRecord): Promise<void> {
    const score = sessionTime(record) ?? '-inf';
    const multi = this.link.client
      .multi()
      .hset(this.recordsKey, record.id, JSON.stringify(record))
      .zadd(this.timeKey, score, record.id)
      .zadd(this.stationKey(record.station), score, record.id);
    if (record.status === 'active') multi.sadd(this.activeKey, record.id).sadd(this.stationActiveKey(record.station), record.id);
    else multi.srem(this.activeKey, record.id).srem(this.stationActiveKey(record.station), record.id);
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  /** Writes what could not be written while Redis was away; what fails stays for the next time. */
  private async writeBehind(): Promise<void> {
    if (!this.behind.size) return;
    const records = [...this.behind.values()];
    let written = 0;
    for (const r of records) {
      try {
        await this.write(r);
        if (this.behind.get(r.id) === r) this.behind.delete(r.id);
        written++;
      } catch {
        break;
      }
    }
    if (written) this.log.info(`sessions: ${written} change(s) made while Redis was unreachable written`);
  }

  async query(query: SessionQuery): Promise<SessionRecord[]> {
    const from = timeOf(query.from);
    const to = timeOf(query.to);
    const limit = query.limit && query.limit > 0 ? query.limit : Infinity;
    const key = query.station ? this.stationKey(query.station) : this.timeKey;
    // A record without any time is only part of a query without bounds.
    const max = to === null ? '+inf' : `(${to}`;
    const min = from !== null ? String(from) : to === null ? '-inf' : '(-inf';
    const out: SessionRecord[] = [];
    for (let offset = 0; out.length < limit; offset += this.pageSize) {
      const count = Math.min(this.pageSize, limit - out.length);
      const ids = await this.link.client.zrevrangebyscore(key, max, min, 'LIMIT', offset, count);
      out.push(...(await this.records(ids)));
      if (ids.length < count) break;
    }
    return out;
  }

  /** The active sessions of one station and the `recent` ones that ended last, as Redis has them now. */
  async station(station: string, recent = 0): Promise<StationSessions> {
    const [activeIds, lastIds] = await Promise.all([
      this.link.client.smembers(this.stationActiveKey(station)),
      recent > 0 ? this.link.client.zrevrange(this.stationKey(station), 0, recent - 1) : Promise.resolve([] as string[]),
    ]);
    const active = await this.records(activeIds);
    const ended = (await this.records(lastIds.filter((id) => !activeIds.includes(id)))).filter((r) => r.status !== 'active');
    return { active: active.filter((r) => r.status === 'active'), ended };
  }

  /** Drops the records older than the retention, a page at a time. */
  async compact(): Promise<void> {
    const cutoff = this.now() - this.retentionMs;
    for (;;) {
      const ids = await this.link.client.zrangebyscore(this.timeKey, '(-inf', `(${cutoff}`, 'LIMIT', 0, this.pageSize);
      if (!ids.length) return;
      const texts = await this.link.client.hmget(this.recordsKey, ...ids);
      const multi = this.link.client
        .multi()
        .hdel(this.recordsKey, ...ids)
        .zrem(this.timeKey, ...ids)
        .srem(this.activeKey, ...ids);
      texts.forEach((text, i) => {
        const station = text === null ? null : parse(text)?.station;
        if (typeof station === 'string') multi.zrem(this.stationKey(station), ids[i]).srem(this.stationActiveKey(station), ids[i]);
      });
      const results = await multi.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
      if (ids.length < this.pageSize) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopWaiting();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.link.removeListener('up', this.onUp);
    if (this.behind.size && this.link.up) await this.writeBehind();
    if (this.behind.size) this.log.warn(`sessions: ${this.behind.size} change(s) could not be written to Redis`);
  }

  /** The records of `ids`, in that order, leaving out those no longer there. */
  private async records(ids: string[]): Promise<SessionRecord[]> {
    if (!ids.length) return [];
    const texts = await this.link.client.hmget(this.recordsKey, ...ids);
    const out: SessionRecord[] = [];
    for (const text of texts) {
      const r = text === null ? null : parse(text);
      if (r) out.push(r);
    }
    return out;
  }
}

function timeOf(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const t = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

function parse(text: string): SessionRecord | null {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && typeof value.id === 'string' ? (value as SessionRecord) : null;
  } catch {
    return null;
  }
}
