import type { OpenTransaction, RejectedAttempt, StationRecord } from './station-registry';

/** Everything a registry store holds for one interface. */
export interface RegistrySnapshot {
  stations: StationRecord[];
  transactions: OpenTransaction[];
  rejected: RejectedAttempt[];
}

/**
 * Where a registry keeps its stations one by one (README: Several Node-RED instances). The
 * default file store writes the whole registry as one file and lives in StationRegistry
 * itself; a store behind this interface is written station by station, never as a whole.
 */
export interface RegistryStore {
  /** Every station, open transaction and the rejected list; rejects while the store cannot be reached. */
  load(): Promise<RegistrySnapshot>;
  /** One station as stored now (null: not there), with its open transactions. */
  readStation(id: string): Promise<{ record: StationRecord; transactions: OpenTransaction[] } | null>;
  /** One station's record and open transactions in one atomic write; `record` null removes the station. */
  writeStation(id: string, record: StationRecord | null, transactions: OpenTransaction[]): Promise<void>;
  /** As writeStation, but only where the store has no record of the station. */
  writeStationIfAbsent(id: string, record: StationRecord, transactions: OpenTransaction[]): Promise<void>;
  writeRejected(list: RejectedAttempt[]): Promise<void>;
  readRejected(): Promise<RejectedAttempt[]>;
  /** A 1.6 transaction id no caller of this store, on any instance, was given before. */
  nextTransactionId(): Promise<number>;
  /** Raises the counter to at least `id` (a store that came back empty must not hand out ids again). */
  raiseTransactionId(id: number): Promise<void>;
  /** False when the store holds no registry at all (for example a Redis restarted without persistence). */
  holdsRegistry(): Promise<boolean>;
}
