import fs from 'fs';
import path from 'path';
import readline from 'readline';
import { writeFileAtomic } from '../registry/atomic-file';
import { Logger, silentLogger } from '../rpc/logger';

/** One charge: what the interface knows about one transaction (README "Sessions"). */
export interface SessionRecord {
  id: string;
  station: string;
  connector: number | null;
  /** As the station sent or received it: a number in 1.6, a string in 2.0.1. */
  transactionId: number | string;
  idTag: string | null;
  /** ISO times, from the station's timestamps. */
  start: string | null;
  stop: string | null;
  /** Wh */
  meterStart: number | null;
  meterStop: number | null;
  energy: number | null;
  /** s */
  duration: number | null;
  stopReason: string | null;
  status: 'active' | 'completed' | 'incomplete';
}

export interface SessionQuery {
  /** Start at or after this time (ISO or ms). */
  from?: string | number | null;
  /** Start before this time. */
  to?: string | number | null;
  station?: string | null;
  /** At most this many, the newest. */
  limit?: number | null;
}

/**
 * Where session records are kept. Every change of a session is handed over as the record's new
 * full version; `put` resolves once that version is durable. A record's place in time is its
 * start (its stop where the start is unknown).
 */
export interface SessionStore {
  /**
   * Opens the store (repairs what a crash left, drops expired records); resolves with the
   * sessions still active and the `recent` ones that ended last (to recognise a repeated end).
   */
  open(recent?: number): Promise<SessionRecord[]>;
  /** Stores a new version of a record; `previous` is the version stored before, if any. */
  put(record: SessionRecord, previous?: SessionRecord | null): Promise<void>;
  /** Records whose start lies in [from, to), newest first. */
  query(query: SessionQuery): Promise<SessionRecord[]>;
  /** Drops expired records and old versions. */
  compact(): Promise<void>;
  close(): Promise<void>;
  /**
   * A store shared by several instances: one station's active sessions and its `recent` last
   * ended ones as stored now, for an instance that takes the station over.
   */
  station?(station: string, recent?: number): Promise<StationSessions>;
}

export interface StationSessions {
  active: SessionRecord[];
  ended: SessionRecord[];
}

/** Default retention of session records, in days. */
export const DEFAULT_SESSION_RETENTION_DAYS = 400;

const DAY_MS = 24 * 60 * 60 * 1000;
const NEWLINE = 0x0a;
const SEGMENT_NAME = /^(\d{4}-\d{2})\.jsonl$/;

/** The time that places a record: its start, else its stop. */
export function sessionTime(r: SessionRecord): number | null {
  const t = Date.parse((r.start ?? r.stop) as string);
  return Number.isFinite(t) ? t : null;
}

function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The first millisecond after the month `YYYY-MM`. */
function monthEnd(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return Date.UTC(y, m, 1);
}

function monthStart(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return Date.UTC(y, m - 1, 1);
}

function timeOf(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const t = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

/** Newest first; records without any time last. */
function newestFirst(a: SessionRecord, b: SessionRecord): number {
  return (sessionTime(b) ?? -Infinity) - (sessionTime(a) ?? -Infinity);
}

function matches(r: SessionRecord, from: number | null, to: number | null, station: string | null): boolean {
  if (station && r.station !== station) return false;
  const t = sessionTime(r);
  if (t === null) return from === null && to === null;
  return (from === null || t >= from) && (to === null || t < to);
}

interface PendingLine {
  segment: string;
  line: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface SegmentScan {
  records: Map<string, SessionRecord>;
  lines: number;
  torn: number;
  endsWithNewline: boolean;
}

export interface FileSessionStoreOptions {
  /** Days a record is kept (by its start); default 400. */
  retentionDays?: number;
  log?: Logger;
  /** The clock, for retention. */
  now?: () => number;
}

/**
 * Session records in a folder of its own, one JSON-lines file per month of the sessions' start
 * (`2026-12.jsonl`). Every change appends the record's full new version as one line (a later
 * line for the same id wins) and is fsynced before `put` resolves; appends arriving meanwhile
 * share the next write and fsync. A line a crash cut short is not valid JSON: it is skipped, and
 * the file is rewritten at the next open so that the next record starts on a fresh line. Reading
 * a range streams only the months it covers. Compaction (at open and daily) rewrites a month
 * atomically with only the last version of each record, and drops records older than the retention.
 */
export class FileSessionStore implements SessionStore {
  private readonly retentionMs: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly handles = new Map<string, fs.promises.FileHandle>();
  private pending: PendingLine[] = [];
  private flushScheduled = false;
  /** Writes, rewrites and closing, one at a time. */
  private chain: Promise<void> = Promise.resolve();
  /** Months appended to since their last compaction. */
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly dir: string,
    options: FileSessionStoreOptions = {},
  ) {
    const days = Number(options.retentionDays);
    this.retentionMs = (Number.isFinite(days) && days > 0 ? days : DEFAULT_SESSION_RETENTION_DAYS) * DAY_MS;
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  async open(recent = 0): Promise<SessionRecord[]> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const active: SessionRecord[] = [];
    let ended: SessionRecord[] = [];
    await this.serially(async () => {
      const cutoff = this.now() - this.retentionMs;
      for (const month of await this.months()) {
        if (monthEnd(month) <= cutoff) {
          await fs.promises.rm(this.file(month), { force: true });
          continue;
        }
        const scan = await this.scan(month);
        if (scan.torn) this.log.warn(`sessions ${month}: ${scan.torn} torn record(s) skipped (left by a crash while writing)`);
        const expired = monthStart(month) < cutoff && hasExpired(scan.records, cutoff);
        if (scan.torn || !scan.endsWithNewline || scan.lines > scan.records.size || expired)
          await this.rewrite(month, scan.records, cutoff);
        for (const r of scan.records.values()) {
          if ((sessionTime(r) ?? Infinity) < cutoff) continue;
          if (r.status === 'active') active.push(r);
          else if (recent > 0) ended.push(r);
        }
        // months come oldest first: the newest ended ones are those of the last months
        if (ended.length > 2 * recent) ended = ended.sort(newestFirst).slice(0, recent);
      }
    });
    ended = ended.sort(newestFirst).slice(0, recent);
    this.timer = setInterval(() => {
      this.compact().catch((err: Error) => this.log.error(`sessions compaction failed: ${err.message}`));
    }, DAY_MS);
    this.timer.unref();
    return active.concat(ended);
  }

  put(record: SessionRecord, previous?: SessionRecord | null): Promise<void> {
    if (this.closed) return Promise.reject(new Error('session store closed'));
    const segment = this.segmentOf(record);
    const before = previous ? this.segmentOf(previous) : segment;
    return new Promise<void>((resolve, reject) => {
      // A record that moves to another month leaves a marker that removes it from the old one.
      if (before !== segment)
        this.pending.push({
          segment: before,
          line: JSON.stringify({ id: record.id, removed: true }) + '\n',
          resolve: () => undefined,
          reject: () => undefined,
        });
      this.pending.push({ segment, line: JSON.stringify(record) + '\n', resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        void this.serially(() => this.flush());
      }
    });
  }

  async query(query: SessionQuery): Promise<SessionRecord[]> {
    const from = timeOf(query.from);
    const to = timeOf(query.to);
    const station = query.station || null;
    const limit = query.limit && query.limit > 0 ? query.limit : Infinity;
    const out: SessionRecord[] = [];
    const months = (await this.months()).reverse();
    for (const month of months) {
      if (from !== null && monthEnd(month) <= from) continue;
      if (to !== null && monthStart(month) >= to) continue;
      const { records } = await this.scan(month);
      const found: SessionRecord[] = [];
      for (const r of records.values()) if (matches(r, from, to, station)) found.push(r);
      found.sort(newestFirst);
      for (const r of found) {
        out.push(r);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  compact(): Promise<void> {
    return this.serially(async () => {
      const cutoff = this.now() - this.retentionMs;
      for (const month of await this.months()) {
        if (monthEnd(month) <= cutoff) {
          await this.closeHandle(month);
          await fs.promises.rm(this.file(month), { force: true });
          this.dirty.delete(month);
        } else if (this.dirty.has(month) || monthStart(month) < cutoff) {
          const scan = await this.scan(month);
          if (this.dirty.has(month) || hasExpired(scan.records, cutoff)) await this.rewrite(month, scan.records, cutoff);
        }
      }
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.serially(async () => {
      this.closed = true;
      for (const month of [...this.handles.keys()]) await this.closeHandle(month);
    });
  }

  private segmentOf(r: SessionRecord): string {
    return monthOf(sessionTime(r) ?? this.now());
  }

  private file(month: string): string {
    return path.join(this.dir, `${month}.jsonl`);
  }

  private async months(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const months: string[] = [];
    for (const name of names) {
      const m = SEGMENT_NAME.exec(name);
      if (m) months.push(m[1]);
    }
    return months.sort();
  }

  private serially(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Writes every line waiting, one write and one fsync per month file, then tells their callers. */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushScheduled = false;
    const bySegment = new Map<string, string[]>();
    for (const p of batch) {
      let lines = bySegment.get(p.segment);
      if (!lines) bySegment.set(p.segment, (lines = []));
      lines.push(p.line);
    }
    try {
      for (const [segment, lines] of bySegment) {
        const handle = await this.handleFor(segment);
        await handle.write(lines.join(''));
        await handle.datasync();
        this.dirty.add(segment);
      }
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
      return;
    }
    for (const p of batch) p.resolve();
  }

  private async handleFor(month: string): Promise<fs.promises.FileHandle> {
    let handle = this.handles.get(month);
    if (handle) return handle;
    const file = this.file(month);
    const existed = fs.existsSync(file);
    handle = await fs.promises.open(file, 'a', 0o600);
    this.handles.set(month, handle);
    if (!existed) await syncDirectory(this.dir);
    return handle;
  }

  private async closeHandle(month: string): Promise<void> {
    const handle = this.handles.get(month);
    this.handles.delete(month);
    await handle?.close();
  }

  /** Reads one month file line by line: the last version of each record, and what a crash left. */
  private async scan(month: string): Promise<SegmentScan> {
    const records = new Map<string, SessionRecord>();
    const result: SegmentScan = { records, lines: 0, torn: 0, endsWithNewline: true };
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.file(month), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result;
      throw err;
    }
    // Read through the handle: a rewrite that renames a new file over this one meanwhile does not mix the two.
    const size = (await handle.stat()).size;
    if (size === 0) {
      await handle.close();
      return result;
    }
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    result.endsWithNewline = last[0] === NEWLINE;
    // Only what was there when the scan began: a line being appended meanwhile is not half read.
    const stream = handle.createReadStream({ encoding: 'utf8', start: 0, end: size - 1, autoClose: true });
    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      result.lines++;
      let value: { id?: unknown; removed?: unknown } | null;
      try {
        value = JSON.parse(line) as { id?: unknown; removed?: unknown } | null;
      } catch {
        result.torn++;
        continue;
      }
      if (!value || typeof value !== 'object' || typeof value.id !== 'string') {
        result.torn++;
        continue;
      }
      if (value.removed === true) {
        records.delete(value.id);
        continue;
      }
      // re-inserted so that the file order stays the order of the last change
      records.delete(value.id);
      records.set(value.id, value as unknown as SessionRecord);
    }
    return result;
  }

  /** Replaces a month file by the last version of each record still within the retention. */
  private async rewrite(month: string, records: Map<string, SessionRecord>, cutoff: number): Promise<void> {
    const kept: string[] = [];
    for (const r of records.values()) if ((sessionTime(r) ?? Infinity) >= cutoff) kept.push(JSON.stringify(r) + '\n');
    await this.closeHandle(month);
    if (kept.length === 0) {
      await fs.promises.rm(this.file(month), { force: true });
    } else {
      await writeFileAtomic(this.file(month), chunks(kept, 500));
    }
    this.dirty.delete(month);
  }
}

function hasExpired(records: Map<string, SessionRecord>, cutoff: number): boolean {
  for (const r of records.values()) if ((sessionTime(r) ?? Infinity) < cutoff) return true;
  return false;
}

/** Lines joined a slice at a time, so that no single string holds a whole month. */
function chunks(lines: string[], size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += size) out.push(lines.slice(i, i + size).join(''));
  return out;
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory.
  } finally {
    await handle?.close();
  }
}

/** Session records in memory only: for an interface without a user directory. */
export class MemorySessionStore implements SessionStore {
  private readonly records = new Map<string, SessionRecord>();

  async open(recent = 0): Promise<SessionRecord[]> {
    const all = [...this.records.values()];
    return all
      .filter((r) => r.status === 'active')
      .concat(
        all
          .filter((r) => r.status !== 'active')
          .sort(newestFirst)
          .slice(0, recent),
      );
  }

  async put(record: SessionRecord): Promise<void> {
    this.records.set(record.id, { ...record });
  }

  async query(query: SessionQuery): Promise<SessionRecord[]> {
    const from = timeOf(query.from);
    const to = timeOf(query.to);
    const found = [...this.records.values()].filter((r) => matches(r, from, to, query.station || null)).sort(newestFirst);
    return query.limit && query.limit > 0 ? found.slice(0, query.limit) : found;
  }

  async compact(): Promise<void> {}

  async close(): Promise<void> {}
}
