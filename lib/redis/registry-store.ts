import type { RegistrySnapshot, RegistryStore } from '../registry/store';
import type { OpenTransaction, RejectedAttempt, StationRecord } from '../registry/station-registry';
import { RedisLink } from './link';

/**
 * The registry in Redis, under the interface's prefix: hash `stations` (field: station id,
 * value: its record as JSON), hash `transactions` (field: station id, value: its open
 * transactions), string `rejected` (JSON list), counter `transaction-id` (INCR). A station's
 * change is one MULTI of its two fields; nothing rewrites the whole registry.
 */
export class RedisRegistryStore implements RegistryStore {
  private readonly stationsKey: string;
  private readonly transactionsKey: string;
  private readonly rejectedKey: string;
  private readonly counterKey: string;

  constructor(private readonly link: RedisLink) {
    this.stationsKey = link.key('stations');
    this.transactionsKey = link.key('transactions');
    this.rejectedKey = link.key('rejected');
    this.counterKey = link.key('transaction-id');
  }

  async load(): Promise<RegistrySnapshot> {
    const [stations, transactions, rejected] = await Promise.all([
      this.link.client.hgetall(this.stationsKey),
      this.link.client.hgetall(this.transactionsKey),
      this.readRejected(),
    ]);
    const out: RegistrySnapshot = { stations: [], transactions: [], rejected };
    for (const [id, text] of Object.entries(stations)) {
      const record = parse<StationRecord>(text);
      if (record) out.stations.push({ ...record, id });
    }
    for (const [id, text] of Object.entries(transactions)) {
      if (stations[id] === undefined) continue;
      out.transactions.push(...(parse<OpenTransaction[]>(text) ?? []));
    }
    return out;
  }

  async readStation(id: string): Promise<{ record: StationRecord; transactions: OpenTransaction[] } | null> {
    const [record, transactions] = await Promise.all([
      this.link.client.hget(this.stationsKey, id),
      this.link.client.hget(this.transactionsKey, id),
    ]);
    const parsed = record === null ? null : parse<StationRecord>(record);
    if (!parsed) return null;
    return { record: { ...parsed, id }, transactions: (transactions && parse<OpenTransaction[]>(transactions)) || [] };
  }

  async writeStation(id: string, record: StationRecord | null, transactions: OpenTransaction[]): Promise<void> {
    const multi = this.link.client.multi();
    if (record === null) {
      multi.hdel(this.stationsKey, id).hdel(this.transactionsKey, id);
    } else {
      multi.hset(this.stationsKey, id, JSON.stringify(record));
      if (transactions.length) multi.hset(this.transactionsKey, id, JSON.stringify(transactions));
      else multi.hdel(this.transactionsKey, id);
    }
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async writeStationIfAbsent(id: string, record: StationRecord, transactions: OpenTransaction[]): Promise<void> {
    const multi = this.link.client.multi().hsetnx(this.stationsKey, id, JSON.stringify(record));
    if (transactions.length) multi.hsetnx(this.transactionsKey, id, JSON.stringify(transactions));
    await multi.exec();
  }

  async writeRejected(list: RejectedAttempt[]): Promise<void> {
    await this.link.client.set(this.rejectedKey, JSON.stringify(list));
  }

  async readRejected(): Promise<RejectedAttempt[]> {
    const text = await this.link.client.get(this.rejectedKey);
    const list = text === null ? null : parse<RejectedAttempt[]>(text);
    return Array.isArray(list) ? list : [];
  }

  async nextTransactionId(): Promise<number> {
    return this.link.client.incr(this.counterKey);
  }

  async raiseTransactionId(id: number): Promise<void> {
    await this.link.client.eval(RAISE_SCRIPT, 1, this.counterKey, String(id));
  }

  async holdsRegistry(): Promise<boolean> {
    return (await this.link.client.exists(this.stationsKey, this.counterKey)) > 0;
  }
}

const RAISE_SCRIPT = "if (tonumber(redis.call('get', KEYS[1])) or 0) < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) end return 0";

function parse<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
