import type { OcppVersion } from '../versions';
import { transactionEvent16 } from './from-ocpp16';
import { transactionEvent201 } from './from-ocpp201';
import type { TransactionEvent } from './session-tracker';

/** The transaction event an answered CALL of a station tells, in the station's version; null for most actions. */
export function transactionEventOf(version: OcppVersion, station: string, action: string,
  req: Record<string, unknown>, res: Record<string, unknown>): TransactionEvent | null {
  return version === 'ocpp1.6' ? transactionEvent16(station, action, req, res) : transactionEvent201(station, action, req);
}
