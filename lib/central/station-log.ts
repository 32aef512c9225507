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

/** One station's log: the number its entries carry in the interface's table. */
export class StationLog {
  constructor(readonly index: number) {}
}

/** Per entry, four numbers in one table: where its bytes start, its time, its station's index, length × 2 + out. */
const STRIDE = 4;
/** Texts up to this length are written to the ring character by character when they are ASCII. */
const SHORT_TEXT = 96;

/**
 * The logs of one interface: a ring of frame bytes (allocated at the first frame) and a
 * table of entries, both filled in order: writing a frame touches memory at two running
 * positions and nothing of the station's. An entry is valid while its bytes are not
 * overwritten; a station shows its last LOG_FRAMES_PER_STATION valid entries, found by
 * reading the table from the newest entry back (a request of the commissioning view, rare).
 */
export class StationLogs {
  private readonly logs = new Map<string, StationLog>();
  /** The next station's index; never reused, so a forgotten station's entries stay its own. */
  private nextIndex = 0;
  private readonly capacity: number;
  private readonly maxEntries: number;
  private bytes: (Buffer & { utf8Write(s: string, offset: number, length: number): number }) | null = null;
  private table: Float64Array | null = null;
  /** Sequence number of the next entry, and of the oldest still valid. */
  private nextSeq = 0;
  private oldestSeq = 0;
  /** Table slots of the next and the oldest entry (their sequence numbers modulo maxEntries). */
  private nextSlot = 0;
  private oldestSlot = 0;
  /** Where the next frame's bytes go, counted from the start (never wraps), and that place in the ring. */
  private writeAt = 0;
  private writeOffset = 0;
  private used = 0;

  constructor(budgetBytes = LOG_BUDGET_BYTES) {
    this.capacity = Math.max(MIN_BUDGET_BYTES, Math.floor(budgetBytes));
    this.maxEntries = Math.max(64, Math.floor(this.capacity / BYTES_PER_ENTRY));
  }

  /** Bytes of frames the logs hold now; never more than the budget. */
  get size(): number {
    return this.used;
  }

  /** The log of one station, created on first use; its index is what addText and addBytes take. */
  logOf(station: string): StationLog {
    let log = this.logs.get(station);
    if (!log) this.logs.set(station, (log = new StationLog(this.nextIndex++)));
    return log;
  }

  /** Keeps a frame by station id: a Buffer as received (UTF-8), or a string. */
  add(station: string, direction: 'in' | 'out', frame: string | Buffer, time = Date.now()): void {
    const index = this.logOf(station).index;
    if (typeof frame === 'string') this.addText(index, direction === 'out', frame, time);
    else this.addBytes(index, direction === 'out', frame, time);
  }

  /** Keeps a frame given as text (the frames sent, and those received in pieces). */
  addText(index: number, out: boolean, frame: string, time: number): void {
    const text = frame.length > LOG_FRAME_CHARS ? frame.slice(0, LOG_FRAME_CHARS) : frame;
    // room for the text's UTF-8 without measuring it first (at most 3 bytes per UTF-16 unit)
    const room = text.length * 3;
    const at = this.reserve(room);
    this.record(index, out, at, this.write(text, room), time);
  }

  /** Keeps a frame given as its UTF-8 bytes (the frames received). */
  addBytes(index: number, out: boolean, bytes: Buffer, time: number): void {
    // Cut at LOG_FRAME_CHARS characters; a frame of at most that many bytes has no more characters.
    if (bytes.length > LOG_FRAME_CHARS) {
      this.addText(index, out, bytes.toString('utf8'), time);
      return;
    }
    const at = this.reserve(bytes.length);
    this.bytes!.set(bytes, this.writeOffset);
    this.record(index, out, at, bytes.length, time);
  }

  /** Makes room for `room` bytes at the write position; returns that position (counted from the start). */
  private reserve(room: number): number {
    if (!this.bytes) this.allocate();
    // A frame never wraps: the rest of the ring is skipped instead.
    if (this.writeOffset + room > this.capacity) {
      this.writeAt += this.capacity - this.writeOffset;
      this.writeOffset = 0;
    }
    const at = this.writeAt;
    this.evictBefore(at + room - this.capacity);
    if (this.nextSeq - this.oldestSeq >= this.maxEntries) this.evictOne();
    return at;
  }

  /** The entry for the `length` bytes just written at `at`. */
  private record(index: number, out: boolean, at: number, length: number, time: number): void {
    const t = this.table!;
    const i = this.nextSlot * STRIDE;
    t[i] = at;
    t[i + 1] = time;
    t[i + 2] = index;
    t[i + 3] = out ? length * 2 + 1 : length * 2;
    this.nextSeq++;
    if (++this.nextSlot === this.maxEntries) this.nextSlot = 0;
    this.writeAt = at + length;
    this.writeOffset += length;
    this.used += length;
  }

  /** The station's frames, oldest first. */
  entriesOf(station: string): LogEntry[] {
    const log = this.logs.get(station);
    const out: LogEntry[] = [];
    if (!log || !this.bytes) return out;
    const t = this.table!;
    // newest first, as long as the entries are still in the ring
    let slot = this.nextSlot;
    for (let seq = this.nextSeq - 1; seq >= this.oldestSeq && out.length < LOG_FRAMES_PER_STATION; seq--) {
      slot = slot === 0 ? this.maxEntries - 1 : slot - 1;
      const i = slot * STRIDE;
      if (t[i + 2] !== log.index) continue;
      const start = t[i] % this.capacity;
      const lengthAndOut = t[i + 3];
      const length = Math.floor(lengthAndOut / 2);
      out.push({
        time: new Date(t[i + 1]).toISOString(),
        direction: lengthAndOut % 2 ? 'out' : 'in',
        frame: this.bytes.toString('utf8', start, start + length),
      });
    }
    return out.reverse();
  }

  /** Forgets a station's log (the station was removed); its bytes are overwritten in turn. */
  forget(station: string): void {
    this.logs.delete(station);
  }

  private allocate(): void {
    this.bytes = Buffer.alloc(this.capacity) as Buffer & { utf8Write(s: string, offset: number, length: number): number };
    this.table = new Float64Array(this.maxEntries * STRIDE);
  }

  /**
   * Writes a text as UTF-8 at the write position; returns its length in bytes. Most frames
   * sent are short answers of ASCII characters: they are copied here, which is cheaper than
   * a call into the native encoder.
   */
  private write(text: string, room: number): number {
    const bytes = this.bytes!;
    const at = this.writeOffset;
    if (text.length <= SHORT_TEXT) {
      let i = 0;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 0x7f) break;
        bytes[at + i] = c;
      }
      if (i === text.length) return i;
    }
    return bytes.utf8Write(text, at, room);
  }

  /** Drops every entry whose bytes start before `position` (they are about to be overwritten). */
  private evictBefore(position: number): void {
    while (this.oldestSeq < this.nextSeq && this.table![this.oldestSlot * STRIDE] < position) this.evictOne();
  }

  private evictOne(): void {
    this.used -= Math.floor(this.table![this.oldestSlot * STRIDE + 3] / 2);
    this.oldestSeq++;
    if (++this.oldestSlot === this.maxEntries) this.oldestSlot = 0;
  }
}
