import type { RegistrySnapshot, RegistryStore } from '../registry/store';
import type { OpenTransaction, RejectedAttempt, StationRecord } from '../registry/station-registry';
import { RedisLink } from './link';

/**
 * The registry in Redis, under the interface's prefix: hash `stations` (field: station id,
 * value: its record as JSON), hash `transactions` (field: station id, value: its open
 * transactions), string `rejected` (JSON list, newest first), counter `transaction-id` (INCR).
 * A station's change is one MULTI of its two fields; nothing rewrites the whole registry. The
 * rejected list is merged into the stored one by a script, so that attempts recorded by two
 * instances at the same time are both kept.
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
    await this.link.client.eval(MERGE_REJECTED_SCRIPT, 2, this.rejectedKey, this.stationsKey, JSON.stringify(list), String(REJECTED_KEPT));
  }

  async readRejected(): Promise<RejectedAttempt[]> {
    const text = await this.link.client.get(this.rejectedKey);
    const list = text === null ? null : parse<RejectedAttempt[]>(text);
    return Array.isArray(list) ? list : [];
  }

  async nextTransactionId(): Promise<number> {
    // at once, not after the command timeout, while Redis is known not to answer
    if (!this.link.up) throw new Error('Redis is unreachable');
    return this.link.client.incr(this.counterKey);
  }

  async raiseTransactionId(id: number): Promise<void> {
    await this.link.client.eval(RAISE_SCRIPT, 1, this.counterKey, String(id));
  }

  async holdsRegistry(): Promise<boolean> {
    return (await this.link.client.exists(this.stationsKey, this.counterKey)) > 0;
  }
}

/** As many rejected attempts as the registry keeps. */
const REJECTED_KEPT = 50;

/**
 * The stored rejected list and the given one as one: per station id the latest attempt (an
 * attempt without id by its address and time), none of a station that is in the registry by
 * now, newest first, at most ARGV[2].
 */
const MERGE_REJECTED_SCRIPT = `
local function decode(text)
  if not text then return {} end
  local ok, value = pcall(cjson.decode, text)
  if ok and type(value) == 'table' then return value end
  return {}
end
local byKey = {}
local keys = {}
local function take(list)
  for _, e in ipairs(list) do
    if type(e) == 'table' and type(e.time) == 'string' then
      local key
      if type(e.id) == 'string' then key = 'id:' .. e.id else key = 'at:' .. tostring(e.address) .. '|' .. e.time end
      local known = byKey[key]
      if not known then
        byKey[key] = e
        keys[#keys + 1] = key
      elseif e.time > known.time then
        byKey[key] = e
      end
    end
  end
end
take(decode(redis.call('get', KEYS[1])))
take(decode(ARGV[1]))
local out = {}
for _, key in ipairs(keys) do
  local e = byKey[key]
  if type(e.id) ~= 'string' or redis.call('hexists', KEYS[2], e.id) == 0 then out[#out + 1] = e end
end
table.sort(out, function(a, b) return a.time > b.time end)
local kept = tonumber(ARGV[2])
while #out > kept do table.remove(out) end
if #out == 0 then redis.call('set', KEYS[1], '[]') else redis.call('set', KEYS[1], cjson.encode(out)) end
return #out
`;

const RAISE_SCRIPT =
  "if (tonumber(redis.call('get', KEYS[1])) or 0) < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) end return 0";

function parse<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
