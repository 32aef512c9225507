/**
 * The commissioning view's memory: per station its last frames in both directions, in
 * memory only, with one bound for the whole interface. When the interface's logs together
 * exceed their budget, the oldest frames of any station go first.
 */

/** Frames kept per station. */
export const LOG_FRAMES_PER_STATION = 200;
/** A frame is kept with at most this many characters. */
export const LOG_FRAME_CHARS = 4096;
/** Default budget of one interface's logs, in characters of frame text plus bookkeeping. */
export const LOG_BUDGET_CHARS = 16 * 1024 * 1024;
/** What one kept frame costs besides its text (entry object, references, string header), counted in characters. */
const ENTRY_OVERHEAD = 64;

export interface LogEntry {
  time: string;
  direction: 'in' | 'out';
  frame: string;
}

interface Entry {
  time: number;
  out: boolean;
  frame: string;
}

/** One station's frames, oldest first: a queue with its start index. */
class StationLog {
  entries: Entry[] = [];
  start = 0;
  /** Its entries in the interface's arrival order that it already dropped itself (over its own limit). */
  skips = 0;

  get length(): number {
    return this.entries.length - this.start;
  }

  /** Drops the oldest entry; returns its cost. */
  dropOldest(): number {
    const e = this.entries[this.start];
    this.entries[this.start++] = undefined as unknown as Entry;
    if (this.start >= 64 && this.start * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
    return e ? e.frame.length + ENTRY_OVERHEAD : 0;
  }
}

/**
 * The logs of one interface. Every frame added is remembered in one queue of arrival
 * order (which station it belongs to); the budget is enforced by dropping from its head,
 * and the queue itself is bounded too, so neither text nor bookkeeping grows without end.
 */
export class StationLogs {
  private readonly logs = new Map<string, StationLog>();
  /** Owner of each frame added, in arrival order: a ring. */
  private order: (StationLog | undefined)[] = new Array(1024);
  private head = 0;
  private count = 0;
  private used = 0;
  private readonly maxOrder: number;

  constructor(readonly budget = LOG_BUDGET_CHARS) {
    // every kept frame costs at least ENTRY_OVERHEAD, so more than this many can never be live
    this.maxOrder = Math.max(1024, Math.ceil(budget / ENTRY_OVERHEAD));
  }

  /** Characters (text and bookkeeping) the logs hold now; never more than the budget. */
  get size(): number {
    return this.used;
  }

  add(station: string, direction: 'in' | 'out', frame: string, time = Date.now()): void {
    let log = this.logs.get(station);
    if (!log) this.logs.set(station, (log = new StationLog()));
    const text = frame.length > LOG_FRAME_CHARS ? frame.slice(0, LOG_FRAME_CHARS) : frame;
    log.entries.push({ time, out: direction === 'out', frame: text });
    this.used += text.length + ENTRY_OVERHEAD;
    if (log.length > LOG_FRAMES_PER_STATION) {
      this.used -= log.dropOldest();
      log.skips++;
    }
    this.remember(log);
    while ((this.used > this.budget || this.count > this.maxOrder) && this.count > 0) this.evictOldest();
  }

  /** The station's frames, oldest first. */
  entriesOf(station: string): LogEntry[] {
    const log = this.logs.get(station);
    if (!log) return [];
    const out: LogEntry[] = [];
    for (let i = log.start; i < log.entries.length; i++) {
      const e = log.entries[i];
      out.push({ time: new Date(e.time).toISOString(), direction: e.out ? 'out' : 'in', frame: e.frame });
    }
    return out;
  }

  /** Forgets a station's log (the station was removed). */
  forget(station: string): void {
    const log = this.logs.get(station);
    if (!log) return;
    while (log.length) this.used -= log.dropOldest();
    // its places in the arrival order are skipped when they reach the head
    log.skips = Number.MAX_SAFE_INTEGER;
    this.logs.delete(station);
  }

  private remember(log: StationLog): void {
    if (this.count === this.order.length) {
      const grown: (StationLog | undefined)[] = new Array(this.order.length * 2);
      for (let i = 0; i < this.count; i++) grown[i] = this.order[(this.head + i) % this.order.length];
      this.order = grown;
      this.head = 0;
    }
    this.order[(this.head + this.count) % this.order.length] = log;
    this.count++;
  }

  /** The interface's oldest frame goes: its station's oldest, unless that station dropped it already. */
  private evictOldest(): void {
    const log = this.order[this.head]!;
    this.order[this.head] = undefined;
    this.head = (this.head + 1) % this.order.length;
    this.count--;
    if (log.skips > 0) log.skips--;
    else if (log.length) this.used -= log.dropOldest();
  }
}
