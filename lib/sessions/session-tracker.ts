import { EventEmitter } from 'events';
import { randomUUID } from 'crypto';
import { Logger, silentLogger } from '../rpc/logger';
import { SessionRecord, SessionStore } from './session-store';

/** An Energy.Active.Import.Register reading, in Wh. */
export interface EnergyReading {
  /** The reading's context (`Transaction.Begin`, `Transaction.End`, `Sample.Periodic`...); null where not sent. */
  context: string | null;
  value: number;
  timestamp: string;
}

/** What a station said about a transaction, in the same terms for every version. */
export interface TransactionEvent {
  kind: 'started' | 'updated' | 'ended';
  station: string;
  connector: number | null;
  transactionId: number | string;
  idTag: string | null;
  /** The station's time of the event. */
  timestamp: string;
  /** Where the version has them (1.6), Wh. */
  meterStart?: number;
  meterStop?: number;
  energyReadings?: EnergyReading[];
  stopReason?: string;
  seqNo?: number;
  /** Sent late from the station's offline queue. */
  offline?: boolean;
}

/** An open session and the readings that decide its meter start and stop. */
interface OpenSession {
  record: SessionRecord;
  begin: EnergyReading | null;
  first: EnergyReading | null;
  end: EnergyReading | null;
  last: EnergyReading | null;
  /** Where meterStart came from: the event itself, a Transaction.Begin reading, the first reading, the store. */
  startFrom: 'event' | 'begin' | 'first' | 'stored' | null;
}

/** Ended sessions remembered for events that arrive after their end (duplicates, a late Started). */
const RECENTLY_ENDED = 1000;
/** Ended sessions of a station read when it is taken over from another instance. */
const TAKEN_OVER_ENDED = 20;

interface SessionTrackerEvents {
  sessionStarted: [record: SessionRecord];
  sessionEnded: [record: SessionRecord];
}

/**
 * Builds session records from transaction events and keeps them in a SessionStore. Events
 * `sessionStarted` and `sessionEnded` carry the record once it is stored.
 *
 * - energy = meterStop − meterStart; where the version has no meter start/stop, they are the
 *   Energy.Active.Import.Register readings with context Transaction.Begin / Transaction.End,
 *   else the first and the last reading;
 * - an end without a start seen, or without both meter readings, is `incomplete`;
 * - a new transaction on a connector whose previous one never ended closes that one `incomplete`;
 * - sessions still active when the store is opened (a restart) continue.
 */
export class SessionTracker extends EventEmitter<SessionTrackerEvents> {
  private readonly open = new Map<string, OpenSession>();
  /** The open session's key per station and connector. */
  private readonly onConnector = new Map<string, string>();
  private readonly ended = new Map<string, SessionRecord>();
  private ready = false;
  private starting: Promise<void> | null = null;
  /** Stations whose sessions are being read from a shared store: their events wait. */
  private readonly adopting = new Map<string, Promise<void>>();
  private waiting: { event: TransactionEvent; done: () => void }[] = [];
  private readonly log: Logger;

  constructor(
    readonly store: SessionStore,
    log?: Logger,
  ) {
    super();
    this.log = log ?? silentLogger;
  }

  /** Opens the store and continues the sessions it holds as active (a repeated end of a recent one is recognised); events fed meanwhile wait. */
  start(): Promise<void> {
    return (this.starting ||= this.opened());
  }

  private async opened(): Promise<void> {
    try {
      const records = await this.store.open(RECENTLY_ENDED);
      for (const record of records) {
        if (record.status === 'active')
          this.track({ record, begin: null, first: null, end: null, last: null, startFrom: record.meterStart === null ? null : 'stored' });
      }
      // oldest first, so that trimming drops the oldest
      for (let i = records.length - 1; i >= 0; i--) {
        const r = records[i];
        if (r.status !== 'active') this.ended.set(r.station + '\u0000' + String(r.transactionId), r);
      }
    } finally {
      this.ready = true;
      const waiting = this.waiting;
      this.waiting = [];
      for (const { event, done } of waiting) this.feed(event).then(done);
    }
  }

  /**
   * A station connects to this instance that another one may have held before (a store that
   * several instances share): its sessions are taken as the store has them now, so that it
   * continues them here. Without such a store, or while it cannot be read, what this instance
   * knows stays. The station's events fed meanwhile wait.
   */
  adopt(station: string): Promise<void> {
    const store = this.store;
    if (!store.station) return Promise.resolve();
    const run = (async () => {
      if (this.starting) await this.starting.catch(() => undefined);
      let stored;
      try {
        stored = await store.station!(station, TAKEN_OVER_ENDED);
      } catch (err) {
        this.log.warn(`sessions of station ${station} could not be read: ${(err as Error).message}`);
        return;
      }
      const same = (a: SessionRecord, b: SessionRecord) => a.id === b.id && !changed(a, b) && !changed(b, a);
      for (const [key, session] of this.open) {
        if (session.record.station === station && !stored.active.some((r) => same(r, session.record))) this.untrack(key, session.record);
      }
      for (const record of stored.active) {
        const key = station + '\u0000' + String(record.transactionId);
        if (this.open.has(key)) continue; // as stored: this instance's copy keeps its readings
        this.track({ record, begin: null, first: null, end: null, last: null, startFrom: record.meterStart === null ? null : 'stored' });
      }
      for (let i = stored.ended.length - 1; i >= 0; i--) {
        const r = stored.ended[i];
        this.ended.set(station + '\u0000' + String(r.transactionId), r);
      }
      this.trimEnded();
    })().finally(() => {
      if (this.adopting.get(station) === run) this.adopting.delete(station);
    });
    this.adopting.set(station, run);
    return run;
  }

  /** The active sessions, as records. */
  active(): SessionRecord[] {
    return [...this.open.values()].map((s) => ({ ...s.record }));
  }

  /**
   * Takes one event; resolves once what it changes is stored (never rejects: a failed write is
   * logged). The events `sessionStarted` / `sessionEnded` follow the write.
   */
  feed(event: TransactionEvent): Promise<void> {
    if (!this.ready) return new Promise((done) => this.waiting.push({ event, done }));
    const adopting = this.adopting.size ? this.adopting.get(event.station) : undefined;
    if (adopting) return adopting.then(() => this.feed(event));
    event = normalised(event);
    const key = event.station + '\u0000' + String(event.transactionId);
    const session = this.open.get(key);
    if (session) return this.apply(session, event, key);
    const done = this.ended.get(key);
    if (done) return this.late(done, event, key);
    return this.begin(event, key);
  }

  private begin(event: TransactionEvent, key: string): Promise<void> {
    if (event.connector !== null && event.connector > 0) {
      const previousKey = this.onConnector.get(event.station + '\u0000' + event.connector);
      const previous = previousKey ? this.open.get(previousKey) : undefined;
      if (previous && previousKey) {
        this.log.warn(
          `station ${event.station}: transaction ${String(previous.record.transactionId)} on connector ${event.connector} never ended; closed as incomplete`,
        );
        const before = { ...previous.record };
        Object.assign(previous.record, { status: 'incomplete' });
        void this.close(previous, previousKey, before);
      }
    }
    const record: SessionRecord = {
      id: randomUUID(),
      station: event.station,
      connector: event.connector,
      transactionId: event.transactionId,
      idTag: event.idTag,
      start: event.kind === 'started' ? event.timestamp : null,
      stop: null,
      meterStart: null,
      meterStop: null,
      energy: null,
      duration: null,
      stopReason: null,
      status: 'active',
    };
    const session: OpenSession = { record, begin: null, first: null, end: null, last: null, startFrom: null };
    this.read(session, event);
    if (event.kind === 'ended') {
      this.finish(session, event);
      this.ended.set(key, record);
      this.trimEnded();
      return this.store.put({ ...record }).then(
        () => this.tell('sessionEnded', record),
        (err: Error) => this.failed(record, err),
      );
    }
    this.track(session);
    return this.store.put({ ...record }).then(
      () => this.tell('sessionStarted', record),
      (err: Error) => this.failed(record, err),
    );
  }

  private apply(session: OpenSession, event: TransactionEvent, key: string): Promise<void> {
    const before = { ...session.record };
    const r = session.record;
    if (event.kind === 'started' && r.start === null) r.start = event.timestamp;
    if (r.idTag === null && event.idTag !== null) r.idTag = event.idTag;
    if (r.connector === null && event.connector !== null) r.connector = event.connector;
    this.read(session, event);
    if (event.kind === 'ended') {
      this.finish(session, event);
      return this.close(session, key, before);
    }
    return changed(before, r) ? this.store.put({ ...r }, before).catch((err: Error) => this.failed(r, err)) : Promise.resolve();
  }

  /** An event for a session that already ended: fills in what was not known (a late Started), else ignored. */
  private late(record: SessionRecord, event: TransactionEvent, key: string): Promise<void> {
    const before = { ...record };
    const session: OpenSession = { record, begin: null, first: null, end: null, last: null, startFrom: null };
    if (event.kind === 'started' && record.start === null) record.start = event.timestamp;
    if (record.idTag === null && event.idTag !== null) record.idTag = event.idTag;
    if (record.connector === null && event.connector !== null) record.connector = event.connector;
    if (record.meterStart === null) this.read(session, event);
    settle(record);
    this.ended.set(key, record);
    return changed(before, record)
      ? this.store.put({ ...record }, before).catch((err: Error) => this.failed(record, err))
      : Promise.resolve();
  }

  private read(session: OpenSession, event: TransactionEvent): void {
    const r = session.record;
    for (const reading of event.energyReadings ?? []) {
      if (reading.context === 'Transaction.Begin' && !session.begin) session.begin = reading;
      else if (reading.context === 'Transaction.End') session.end = reading;
      if (!session.first || reading.timestamp < session.first.timestamp) session.first = reading;
      if (!session.last || reading.timestamp >= session.last.timestamp) session.last = reading;
    }
    // The meter start the version sends wins, then a Transaction.Begin reading, then the first reading.
    if (event.meterStart !== undefined) {
      if (session.startFrom !== 'event') {
        r.meterStart = event.meterStart;
        session.startFrom = 'event';
      }
    } else if (session.startFrom !== 'event') {
      if (session.begin) {
        r.meterStart = session.begin.value;
        session.startFrom = 'begin';
      } else if (session.first && session.startFrom !== 'begin' && session.startFrom !== 'stored') {
        r.meterStart = session.first.value;
        session.startFrom = 'first';
      }
    }
  }

  private finish(session: OpenSession, event: TransactionEvent): void {
    const r = session.record;
    r.stop = event.timestamp;
    r.stopReason = event.stopReason ?? null;
    r.meterStop = event.meterStop ?? (session.end ?? session.last)?.value ?? null;
    settle(r);
    if (r.start === null) r.status = 'incomplete';
  }

  private close(session: OpenSession, key: string, before: SessionRecord): Promise<void> {
    const r = session.record;
    if (r.status === 'active') r.status = 'incomplete';
    this.untrack(key, r);
    this.ended.set(key, r);
    this.trimEnded();
    const record = { ...r };
    return this.store.put(record, before).then(
      () => this.tell('sessionEnded', record),
      (err: Error) => this.failed(record, err),
    );
  }

  private track(session: OpenSession): void {
    const r = session.record;
    const key = r.station + '\u0000' + String(r.transactionId);
    this.open.set(key, session);
    if (r.connector !== null && r.connector > 0) this.onConnector.set(r.station + '\u0000' + r.connector, key);
  }

  private untrack(key: string, r: SessionRecord): void {
    this.open.delete(key);
    const connectorKey = r.station + '\u0000' + r.connector;
    if (this.onConnector.get(connectorKey) === key) this.onConnector.delete(connectorKey);
  }

  private trimEnded(): void {
    while (this.ended.size > RECENTLY_ENDED) this.ended.delete(this.ended.keys().next().value as string);
  }

  /** A listener's fault is logged, never thrown into the write that told it (the station still gets its answer). */
  private tell(event: 'sessionStarted' | 'sessionEnded', record: SessionRecord): void {
    try {
      this.emit(event, { ...record });
    } catch (err) {
      this.log.error(`a ${event} listener failed: ${(err as Error).message}`);
    }
  }

  private failed(record: SessionRecord, err: Error): void {
    this.log.error(`session ${record.id} of station ${record.station} could not be stored: ${err.message}`);
  }
}

/** Energy, duration and status of an ended record from what it holds. */
function settle(r: SessionRecord): void {
  if (r.stop === null) return;
  r.energy = r.meterStart !== null && r.meterStop !== null ? r.meterStop - r.meterStart : null;
  const start = r.start === null ? NaN : Date.parse(r.start);
  const stop = Date.parse(r.stop);
  r.duration = Number.isFinite(start) && Number.isFinite(stop) ? Math.round((stop - start) / 1000) : null;
  r.status = r.start !== null && r.meterStart !== null && r.meterStop !== null ? 'completed' : 'incomplete';
}

function changed(a: SessionRecord, b: SessionRecord): boolean {
  for (const k of Object.keys(b) as (keyof SessionRecord)[]) if (a[k] !== b[k]) return true;
  return false;
}

/** Station times as ISO strings in UTC (`Z`, milliseconds), so that they sort and compare as text. */
function iso(time: string): string {
  const t = Date.parse(time);
  return Number.isFinite(t) ? new Date(t).toISOString() : time;
}

function normalised(event: TransactionEvent): TransactionEvent {
  const readings = event.energyReadings?.map((r) => ({ ...r, timestamp: iso(r.timestamp) }));
  return { ...event, timestamp: iso(event.timestamp), energyReadings: readings };
}
