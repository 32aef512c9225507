import { EventEmitter } from 'events';
import fs from 'fs';
import type { ConnectorState, StationState } from '../channels/model';
import { Logger, silentLogger } from '../rpc/logger';
import { OcppVersion } from '../versions';
import { writeFileAtomic } from './atomic-file';
import type { RegistryStore } from './store';

/** What a station told about itself (BootNotification and later messages). */
export interface StationProperties {
  vendor?: string;
  model?: string;
  serialNumber?: string;
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
  iccid?: string;
  imsi?: string;
  meterType?: string;
  meterSerialNumber?: string;
}

/**
 * One station as the registry keeps it. Its state (StationState) is the one place for its
 * connectors/EVSEs: by connector number (1.6 connectorId, 2.x evseId), "0" the station
 * itself, each with the station's own status word, its channel values and its open
 * transaction.
 */
export interface StationRecord extends StationState {
  id: string;
  addedBy: 'auto' | 'manual';
  firstSeen: string | null;
  lastSeen: string | null;
  version: OcppVersion | null;
  properties: StationProperties;
  connectors: Record<string, ConnectorState>;
  passwordHash?: string;
  /** Messages accepted after lenient repairs, by kind of repair. */
  repairs?: Record<string, number>;
  /** Frames refused with a CALLERROR. */
  refused?: number;
}

export interface OpenTransaction {
  id: string | number;
  station: string;
  connector: number;
  idTag: string | null;
  start: string;
  meterStart: number | null;
}

export interface RejectedAttempt {
  id: string | null;
  address: string;
  time: string;
  reason: string;
}

/** The file's format: 2 keeps each station's state in one place; 1 (read, migrated) kept it twice. */
const FORMAT = 2;

interface RegistryFile {
  format: typeof FORMAT;
  stations: Record<string, StationRecord>;
  /** Highest 1.6 transaction id that may have been handed out (a reserved block's end). */
  transactionIdReserved: number;
  /** The recently rejected connection attempts, newest first. */
  rejected?: RejectedAttempt[];
}

/** Format 1: the registry's connectors beside the channel values, and the open transactions apart. */
interface RegistryFileV1 {
  format: 1;
  stations: Record<
    string,
    Omit<StationRecord, 'connectors'> & {
      connectors?: Record<string, { status?: string; errorCode?: string; connectors?: number[]; updated?: string }>;
      values?: { connectors?: Record<string, ConnectorState> };
    }
  >;
  transactionIdReserved: number;
  transactions?: OpenTransaction[];
  rejected?: RejectedAttempt[];
}

type StationRecordV1 = RegistryFileV1['stations'][string];

/** Keys only a connector of one state has; a format-1 connector had status, errorCode, connectors, updated. */
const STATE_KEYS = ['stationStatus', 'connectorIds', 'reported', 'power', 'energy', 'current', 'transaction', 'measured'];

/** A record kept before the state was one: channel values apart, or connectors with none of the state's keys. */
function isFormat1(record: StationRecord | StationRecordV1): record is StationRecordV1 {
  if ('values' in record) return true;
  return Object.values(record.connectors ?? {}).some(
    (c) =>
      c &&
      typeof c === 'object' &&
      Object.keys(c).length > 0 &&
      !STATE_KEYS.some((k) => k in c) &&
      ('status' in c || 'errorCode' in c || 'connectors' in c),
  );
}

/**
 * One station's record as one state: a format-1 record's two connector lists merged, and
 * open transactions kept apart (format 1, or a store's list) put on their connectors. A
 * record already in one state is returned with its transactions added where missing.
 */
export function upgradeRecord(
  id: string,
  old: StationRecord | StationRecordV1,
  transactions: readonly OpenTransaction[] = [],
): StationRecord {
  const { connectors: registered, values, ...rest } = old as StationRecordV1;
  let connectors: Record<string, ConnectorState>;
  if (!isFormat1(old)) {
    connectors = (registered as Record<string, ConnectorState>) || {};
  } else {
    connectors = {};
    for (const [key, c] of Object.entries(values?.connectors ?? {})) connectors[key] = { ...c };
    for (const [key, r] of Object.entries(registered ?? {})) {
      const c = (connectors[key] ||= {});
      if (r.status !== undefined) c.stationStatus = r.status;
      if (r.errorCode !== undefined) c.errorCode = r.errorCode;
      if (r.connectors !== undefined) c.connectorIds = r.connectors;
      if (c.updated === undefined && r.updated !== undefined) c.updated = r.updated;
    }
  }
  for (const tx of transactions) {
    if (!Number.isInteger(tx.connector)) continue;
    const c = (connectors[String(tx.connector)] ||= {});
    if (!c.transaction) c.transaction = { id: tx.id, idTag: tx.idTag, start: tx.start, meterStart: tx.meterStart };
  }
  return { ...(rest as Omit<StationRecord, 'connectors'>), id, connectors };
}

/** A format-1 file's contents as format 2: each station's two connector lists and its open transactions merged. */
export function migrateRegistryFile(old: RegistryFileV1): RegistryFile {
  const stations: Record<string, StationRecord> = {};
  for (const [id, v1] of Object.entries(old.stations)) {
    stations[id] = upgradeRecord(
      id,
      v1,
      (old.transactions ?? []).filter((tx) => tx.station === id),
    );
  }
  return { format: FORMAT, stations, transactionIdReserved: old.transactionIdReserved, rejected: old.rejected };
}

/** 1.6 transaction ids are reserved in blocks so that a crash can never hand out an id twice. */
const TRANSACTION_ID_BLOCK = 100;
const REJECTED_KEPT = 50;
/** Stations written per turn of the event loop when saving (about 0.7 ms of work). */
const SERIALISE_SLICE = 250;
/** A store write that failed is tried again after this long (and whenever the store is back). */
const STORE_RETRY_MS = 1000;

/**
 * The stations of one interface, their recognised properties and state (connectors, last
 * values, open transactions), and the 1.6 transaction-id counter; persisted atomically to
 * one file.
 * Station ids are only ever keys in that file, never parts of a path.
 *
 * Events: `changed` (station id or null).
 */
export class StationRegistry extends EventEmitter {
  private stations = new Map<string, StationRecord>();
  private nextTransactionId = 1;
  /** The highest id any allocation may use: what the next save writes. */
  private reservedUpTo = 0;
  /** The reservation the file on disk holds. */
  private durableUpTo = 0;
  private reservationSave: Promise<void> | null = null;
  private reservationTarget = 0;
  private readonly rejectedList: RejectedAttempt[] = [];
  private additionsAndRemovals = 0;
  private saveTimer: NodeJS.Timeout | null = null;
  private saveDue = Infinity;
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;
  /** With a store: the stations (and the rejected list) changed since they were last written. */
  private readonly dirtyStations = new Set<string>();
  private rejectedDirty = false;
  /** With a store: the stations among dirtyStations with a change more than channel values (saved soon, not later). */
  private readonly notable = new Set<string>();
  private retryTimer: NodeJS.Timeout | null = null;
  /** With a store: the highest 1.6 transaction id this registry has seen. */
  private highestTransactionId = 0;

  /**
   * `file` null and no `store`: kept in memory only. With a `store` (README: Several
   * Node-RED instances) each changed station is written on its own, never the whole registry.
   *
   * Events: `changed` (station id or null), `stored` (station id or null, once written to the
   * store; second argument `coarse`: true when only changes saved later, such as channel values, were written).
   */
  constructor(
    readonly file: string | null,
    private readonly log: Logger = silentLogger,
    private readonly saveDelayMs = 500,
    readonly store: RegistryStore | null = null,
  ) {
    super();
  }

  /** With a store: fills the registry from it; rejects (and may be called again) while it cannot be reached. */
  async loadFromStore(): Promise<void> {
    if (!this.store) return;
    const snapshot = await this.store.load();
    const byStation = new Map<string, OpenTransaction[]>();
    for (const tx of snapshot.transactions) {
      if (typeof tx.id === 'number' && tx.id > this.highestTransactionId) this.highestTransactionId = tx.id;
      const list = byStation.get(tx.station);
      if (list) list.push(tx);
      else byStation.set(tx.station, [tx]);
    }
    // records stored before the state was one (format 1) are upgraded as they are read
    for (const record of snapshot.stations) {
      if (!this.dirtyStations.has(record.id)) this.stations.set(record.id, upgradeRecord(record.id, record, byStation.get(record.id)));
    }
    if (!this.rejectedDirty) this.rejectedList.splice(0, this.rejectedList.length, ...snapshot.rejected.slice(0, REJECTED_KEPT));
    this.additionsAndRemovals++;
  }

  /**
   * With a store: takes the station's record as stored now (another instance may have
   * changed it); a station with changes of its own not yet written keeps them.
   * `keep` names the fields taken from the store into a record kept in place.
   */
  async refresh(id: string, keep?: readonly (keyof StationRecord)[]): Promise<StationRecord | undefined> {
    if (!this.store) return this.stations.get(id);
    const stored = await this.store.readStation(id);
    const local = this.stations.get(id);
    if (this.dirtyStations.has(id)) return local;
    if (!stored) {
      if (local) {
        this.stations.delete(id);
        this.additionsAndRemovals++;
        this.emit('changed', id);
      }
      return undefined;
    }
    if (local && keep) {
      for (const field of keep) (local as unknown as Record<string, unknown>)[field] = stored.record[field];
      return local;
    }
    this.stations.set(id, upgradeRecord(id, stored.record, stored.transactions));
    this.additionsAndRemovals++;
    this.emit('changed', id);
    return this.stations.get(id);
  }

  /** With a store: the rejected list as stored now. */
  async refreshRejected(): Promise<void> {
    if (!this.store || this.rejectedDirty) return;
    const list = await this.store.readRejected();
    this.rejectedList.splice(0, this.rejectedList.length, ...list.slice(0, REJECTED_KEPT));
  }

  /** With a store: writes one station now if it has changes pending. */
  async flushStation(id: string): Promise<void> {
    if (!this.store || !this.dirtyStations.has(id)) return;
    this.dirtyStations.delete(id);
    try {
      await this.store.writeStation(id, this.stations.get(id) ?? null, this.openTransactions(id));
    } catch (err) {
      this.dirtyStations.add(id);
      throw err;
    }
  }

  /**
   * With a store that is back after an outage: where it came back empty (restarted without
   * its data), everything this registry holds is written again, and the transaction-id
   * counter is raised past every id seen here; then whatever is pending is written.
   */
  async restoreStore(isHeld: (id: string) => boolean): Promise<void> {
    if (!this.store) return;
    if (!(await this.store.holdsRegistry()) && this.stations.size) {
      this.log.warn(`the station store came back empty; writing the ${this.stations.size} stations known here again`);
      const store = this.store;
      const writes: Promise<void>[] = [];
      // a station held here is written as this instance has it; any other only where no instance holding it wrote it first
      for (const id of this.stations.keys()) {
        if (isHeld(id)) this.dirtyStations.add(id);
        else if (!this.dirtyStations.has(id))
          writes.push(store.writeStationIfAbsent(id, this.stations.get(id) as StationRecord, this.openTransactions(id)));
      }
      await Promise.all(writes);
      this.rejectedDirty = true;
    }
    for (const tx of this.openTransactions()) {
      if (typeof tx.id === 'number' && tx.id > this.highestTransactionId) this.highestTransactionId = tx.id;
    }
    if (this.highestTransactionId) await this.store.raiseTransactionId(this.highestTransactionId);
    await this.save();
  }

  /** Changes not yet written to the store (0 for the file store). */
  get pendingWrites(): number {
    return this.dirtyStations.size + (this.rejectedDirty ? 1 : 0);
  }

  /**
   * Loads the file if there is one. A file that cannot be read is moved aside (never
   * overwritten) and reported; the registry then starts empty.
   */
  load(): void {
    if (!this.file || !fs.existsSync(this.file)) return;
    let data: RegistryFile;
    try {
      const read = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      if (!read || (read.format !== 1 && read.format !== FORMAT) || typeof read.stations !== 'object')
        throw new Error('not a station registry file');
      data = read.format === 1 ? migrateRegistryFile(read) : read;
    } catch (err) {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      try {
        fs.renameSync(this.file, aside);
      } catch {
        // Left where it is; still not overwritten until the next change is saved.
      }
      this.log.error(`station registry ${this.file} could not be read (${(err as Error).message}); kept as ${aside}, starting empty`);
      return;
    }
    for (const [id, record] of Object.entries(data.stations)) this.stations.set(id, { ...record, id, connectors: record.connectors || {} });
    if (Array.isArray(data.rejected)) this.rejectedList.push(...data.rejected.slice(0, REJECTED_KEPT));
    this.reservedUpTo = Math.max(0, Math.ceil(Number(data.transactionIdReserved) || 0));
    this.durableUpTo = this.reservedUpTo;
    this.nextTransactionId = this.reservedUpTo + 1;
  }

  get size(): number {
    return this.stations.size;
  }

  get(id: string): StationRecord | undefined {
    return this.stations.get(id);
  }

  has(id: string): boolean {
    return this.stations.has(id);
  }

  list(): StationRecord[] {
    return [...this.stations.values()];
  }

  /** Counts the stations added and removed: a record looked up earlier is still current while it stays the same. */
  get generation(): number {
    return this.additionsAndRemovals;
  }

  /** Adds a station, or returns the existing one. */
  add(id: string, addedBy: 'auto' | 'manual'): StationRecord {
    let record = this.stations.get(id);
    if (!record) {
      record = { id, addedBy, firstSeen: null, lastSeen: null, version: null, properties: {}, connectors: {} };
      this.stations.set(id, record);
      this.additionsAndRemovals++;
      const i = this.rejectedList.findIndex((r) => r.id === id);
      if (i >= 0) this.rejectedList.splice(i, 1);
      this.changed(id);
    }
    return record;
  }

  remove(id: string): boolean {
    const removed = this.stations.delete(id);
    if (removed) {
      this.additionsAndRemovals++;
      this.changed(id);
    }
    return removed;
  }

  /**
   * Call after changing a record in place; the file is written within `withinMs`
   * (default: soon). Frequent, less precious changes (meter values) pass a longer time,
   * so that many stations cause one write now and then, not one per message.
   */
  changed(id: string | null, withinMs = this.saveDelayMs): void {
    this.dirty = true;
    if (this.store) {
      if (id === null) this.rejectedDirty = true;
      else {
        this.dirtyStations.add(id);
        if (withinMs <= this.saveDelayMs) this.notable.add(id);
      }
    }
    this.emit('changed', id);
    if (!this.file && !this.store) return;
    const due = Date.now() + withinMs;
    if (this.saveTimer && due >= this.saveDue) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveDue = due;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.saveDue = Infinity;
      this.save().catch(() => undefined);
    }, withinMs);
    this.saveTimer.unref();
  }

  rejected(): RejectedAttempt[] {
    return this.rejectedList.slice();
  }

  recordRejected(attempt: RejectedAttempt): void {
    const i = attempt.id === null ? -1 : this.rejectedList.findIndex((r) => r.id === attempt.id);
    if (i >= 0) this.rejectedList.splice(i, 1);
    this.rejectedList.unshift(attempt);
    if (this.rejectedList.length > REJECTED_KEPT) this.rejectedList.length = REJECTED_KEPT;
    this.changed(null);
  }

  /**
   * A new 1.6 transaction id, never handed out before, also across restarts and crashes:
   * it resolves only once the registry file on disk reserves the id, so an id a station
   * has received is always below the reservation a restart begins after. Ids come from
   * blocks; the next block is reserved in the background while half of the current one is
   * left, so most allocations need not wait for the disk. Rejects when the file cannot be
   * written (the id is then not used).
   */
  async allocateTransactionId(): Promise<number> {
    if (this.store) {
      const given = await this.store.nextTransactionId();
      if (given > this.highestTransactionId) this.highestTransactionId = given;
      return given;
    }
    const id = this.nextTransactionId++;
    if (!this.file) return id;
    while (id > this.durableUpTo) {
      if (id > this.reservedUpTo) this.reservedUpTo = id + TRANSACTION_ID_BLOCK - 1;
      await this.saveReservation();
    }
    if (this.durableUpTo - id < TRANSACTION_ID_BLOCK / 2 && this.reservedUpTo === this.durableUpTo) {
      this.reservedUpTo = this.durableUpTo + TRANSACTION_ID_BLOCK;
      this.saveReservation().catch(() => undefined);
    }
    return id;
  }

  /** One save for every allocation waiting on the reservation; a later raise starts another. */
  private saveReservation(): Promise<void> {
    if (this.reservationSave && this.reservationTarget >= this.reservedUpTo) return this.reservationSave;
    this.reservationTarget = this.reservedUpTo;
    const saving = this.save().finally(() => {
      if (this.reservationSave === saving) this.reservationSave = null;
    });
    this.reservationSave = saving;
    return saving;
  }

  /** The transactions running at the stations, as their state has them (all stations, or one). */
  openTransactions(station?: string): OpenTransaction[] {
    const out: OpenTransaction[] = [];
    const records = station === undefined ? this.stations.values() : [this.stations.get(station)];
    for (const record of records) {
      if (!record) continue;
      for (const [key, c] of Object.entries(record.connectors)) {
        const tx = c && c.transaction;
        if (tx)
          out.push({ id: tx.id, station: record.id, connector: Number(key), idTag: tx.idTag, start: tx.start, meterStart: tx.meterStart });
      }
    }
    return out;
  }

  /** Writes now (after any write under way); resolves when the file is on disk. */
  save(): Promise<void> {
    if (this.store) return this.saveToStore(this.store);
    if (!this.file) return Promise.resolve();
    const file = this.file;
    // after the previous write, whether it succeeded or not: one failure must not stop every later save
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        this.dirty = false;
        try {
          const reserved = this.reservedUpTo;
          await writeFileAtomic(file, await this.serialise(reserved));
          if (reserved > this.durableUpTo) this.durableUpTo = reserved;
        } catch (err) {
          this.dirty = true;
          this.log.error(`station registry could not be saved to ${file}: ${(err as Error).message}`);
          throw err;
        }
      });
    return this.saving;
  }

  /**
   * Writes every station changed since its last write, one store write each (after any
   * write under way). What fails stays pending and is tried again.
   */
  private saveToStore(store: RegistryStore): Promise<void> {
    const run = this.saving
      .catch(() => undefined)
      .then(async () => {
        this.dirty = false;
        const ids = [...this.dirtyStations];
        this.dirtyStations.clear();
        const notable = new Set(this.notable);
        this.notable.clear();
        const rejected = this.rejectedDirty;
        this.rejectedDirty = false;
        const byStation = new Map<string, OpenTransaction[]>();
        if (ids.length) {
          for (const tx of this.openTransactions()) {
            const list = byStation.get(tx.station);
            if (list) list.push(tx);
            else byStation.set(tx.station, [tx]);
          }
        }
        let failure: Error | null = null;
        const writes = ids.map((id) =>
          store.writeStation(id, this.stations.get(id) ?? null, byStation.get(id) ?? []).then(
            () => this.emit('stored', id, !notable.has(id)),
            (err: Error) => {
              // a change made meanwhile is pending already; either way it is written again
              this.dirtyStations.add(id);
              if (notable.has(id)) this.notable.add(id);
              failure = err;
            },
          ),
        );
        if (rejected) {
          writes.push(
            store.writeRejected(this.rejectedList.slice()).then(
              () => this.emit('stored', null),
              (err: Error) => {
                this.rejectedDirty = true;
                failure = err;
              },
            ),
          );
        }
        await Promise.all(writes);
        if (failure) {
          this.dirty = true;
          this.retryLater();
          throw failure;
        }
      });
    this.saving = run;
    return run;
  }

  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.save().catch(() => undefined);
    }, STORE_RETRY_MS);
    this.retryTimer.unref();
  }

  /**
   * The file's text, in chunks: together the same JSON as one JSON.stringify of a
   * RegistryFile, but the stations are written a slice at a time with the event loop free in
   * between. With 10,000 stations the file is about 5 MB, and stringifying it in one go
   * would hold every other station and flow for some 30 ms. A station changed meanwhile
   * marks the registry dirty again, so its newer state is written by the next save.
   */
  private async serialise(reserved: number): Promise<string[]> {
    // one chunk of text per slice: written one after another, never joined into one string
    const chunks: string[] = [];
    let slice: string[] = [];
    for (const [id, record] of this.stations) {
      slice.push(`${JSON.stringify(id)}:${JSON.stringify(record)}`);
      if (slice.length === SERIALISE_SLICE) {
        chunks.push((chunks.length ? ',' : '') + slice.join(','));
        slice = [];
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (slice.length) chunks.push((chunks.length ? ',' : '') + slice.join(','));
    const rest = JSON.stringify({ transactionIdReserved: reserved, rejected: this.rejectedList });
    return [`{"format":${FORMAT},"stations":{`, ...chunks, `},${rest.slice(1)}`];
  }

  /** Saves pending changes and stops the timer; for close. */
  async flush(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.saveDue = Infinity;
    if (this.dirty) await this.save().catch(() => undefined);
    else await this.saving.catch(() => undefined);
  }
}
