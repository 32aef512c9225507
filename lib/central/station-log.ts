/**
 * The commissioning view's memory: per station its last frames in both directions, in
 * memory only, with one bound for the whole interface. The frames' bytes are copied into
 * one ring buffer per interface, so keeping them holds no string alive: the frame text
 * dies young as it would without a log, and the garbage collector never copies or scans it.
 * When the ring is full, the oldest frames of any station are overwritten first.
 */

/** Frames kept per station. */
export const LOG_FRAMES_PER_STATION = 200;
/** A frame is kept with at most this many characters. */
export const LOG_FRAME_CHARS = 4096;
/** Default size of one interface's ring of frame bytes. */
export const LOG_BUDGET_BYTES = 16 * 1024 * 1024;
/** The smallest ring: one frame of LOG_FRAME_CHARS, each a 4-byte UTF-8 sequence, always fits. */
const MIN_BUDGET_BYTES = 4 * LOG_FRAME_CHARS;
/** One entry of bookkeeping per this many bytes of ring: frames are rarely smaller. */
const BYTES_PER_ENTRY = 128;

export interface LogEntry {
  time: string;
  direction: 'in' | 'out';
  frame: string;
}

/** One station's entries: a ring of sequence numbers into the interface's entries, oldest first. */
export class StationLog {
  seqs = new Float64Array(8);
  head = 0;
  count = 0;

  push(seq: number): void {
    if (this.count === this.seqs.length) {
      if (this.count === LOG_FRAMES_PER_STATION) {
        // full: the oldest is replaced
        this.seqs[this.head] = seq;
        this.head = (this.head + 1) % this.seqs.length;
        return;
      }
      const grown = new Float64Array(Math.min(LOG_FRAMES_PER_STATION, this.seqs.length * 2));
      for (let i = 0; i < this.count; i++) grown[i] = this.seqs[(this.head + i) % this.seqs.length];
      this.seqs = grown;
      this.head = 0;
    }
    this.seqs[(this.head + this.count) % this.seqs.length] = seq;
    this.count++;
  }
}

/**
 * The logs of one interface: a ring of frame bytes (allocated at the first frame) and, per
 * entry, where its bytes start, their length, its time and direction. An entry is valid
 * while its bytes are not overwritten; each station keeps the sequence numbers of its last
 * LOG_FRAMES_PER_STATION entries.
 */
export class StationLogs {
  private readonly logs = new Map<string, StationLog>();
  private readonly capacity: number;
  private readonly maxEntries: number;
  private bytes: Buffer | null = null;
  private starts: Float64Array | null = null;
  private lengths: Uint32Array | null = null;
  private times: Float64Array | null = null;
  private outs: Uint8Array | null = null;
  /** Sequence number of the next entry, and of the oldest still valid. */
  private nextSeq = 0;
  private oldestSeq = 0;
  /** Where the next frame's bytes go, counted from the start (never wraps). */
  private writeAt = 0;
  private used = 0;

  constructor(budgetBytes = LOG_BUDGET_BYTES) {
    this.capacity = Math.max(MIN_BUDGET_BYTES, Math.floor(budgetBytes));
    this.maxEntries = Math.max(64, Math.floor(this.capacity / BYTES_PER_ENTRY));
  }

  /** Bytes of frames the logs hold now; never more than the budget. */
  get size(): number {
    return this.used;
  }

  /** The log of one station, created on first use; hold on to it to add without a lookup. */
  logOf(station: string): StationLog {
    let log = this.logs.get(station);
    if (!log) this.logs.set(station, (log = new StationLog()));
    return log;
  }

  add(station: string, direction: 'in' | 'out', frame: string | Buffer, time = Date.now()): void {
    this.addTo(this.logOf(station), direction, frame, time);
  }

  /** Keeps a frame: a Buffer as received (UTF-8), or a string. */
  addTo(log: StationLog, direction: 'in' | 'out', frame: string | Buffer, time: number): void {
    if (!this.bytes) this.allocate();
    let data = frame;
    // Cut at LOG_FRAME_CHARS characters; a frame of at most that many bytes has no more characters.
    if (data.length > LOG_FRAME_CHARS) {
      const text = typeof data === 'string' ? data : data.toString('utf8');
      data = text.length > LOG_FRAME_CHARS ? text.slice(0, LOG_FRAME_CHARS) : text;
    }
    // room for the text's UTF-8 without measuring it first (at most 3 bytes per UTF-16 unit)
    const room = typeof data === 'string' ? data.length * 3 : data.length;
    let at = this.writeAt;
    const offset = at % this.capacity;
    // A frame never wraps: the rest of the ring is skipped instead.
    if (offset + room > this.capacity) at += this.capacity - offset;
    this.evictBefore(at + room - this.capacity);
    if (this.nextSeq - this.oldestSeq >= this.maxEntries) this.evictOne();
    const physical = at % this.capacity;
    let length: number;
    if (typeof data === 'string') {
      length = (this.bytes as Buffer & { utf8Write(s: string, offset: number, length: number): number }).utf8Write(data, physical, room);
    } else {
      this.bytes!.set(data, physical);
      length = data.length;
    }
    const slot = this.nextSeq % this.maxEntries;
    this.starts![slot] = at;
    this.lengths![slot] = length;
    this.times![slot] = time;
    this.outs![slot] = direction === 'out' ? 1 : 0;
    this.writeAt = at + length;
    this.used += length;
    log.push(this.nextSeq++);
  }

  /** The station's frames, oldest first. */
  entriesOf(station: string): LogEntry[] {
    const log = this.logs.get(station);
    const out: LogEntry[] = [];
    if (!log || !this.bytes) return out;
    for (let i = 0; i < log.count; i++) {
      const seq = log.seqs[(log.head + i) % log.seqs.length];
      if (seq < this.oldestSeq) continue;
      const slot = seq % this.maxEntries;
      const start = this.starts![slot] % this.capacity;
      out.push({
        time: new Date(this.times![slot]).toISOString(),
        direction: this.outs![slot] ? 'out' : 'in',
        frame: this.bytes.toString('utf8', start, start + this.lengths![slot]),
      });
    }
    return out;
  }

  /** Forgets a station's log (the station was removed); its bytes are overwritten in turn. */
  forget(station: string): void {
    this.logs.delete(station);
  }

  private allocate(): void {
    this.bytes = Buffer.alloc(this.capacity);
    this.starts = new Float64Array(this.maxEntries);
    this.lengths = new Uint32Array(this.maxEntries);
    this.times = new Float64Array(this.maxEntries);
    this.outs = new Uint8Array(this.maxEntries);
  }

  /** Drops every entry whose bytes start before `position` (they are about to be overwritten). */
  private evictBefore(position: number): void {
    while (this.oldestSeq < this.nextSeq && this.starts![this.oldestSeq % this.maxEntries] < position) this.evictOne();
  }

  private evictOne(): void {
    this.used -= this.lengths![this.oldestSeq % this.maxEntries];
    this.oldestSeq++;
  }
}
