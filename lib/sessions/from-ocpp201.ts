import type { EnergyReading, TransactionEvent } from './session-tracker';

interface MeterValue201 {
  timestamp: string;
  sampledValue: { value: number; context?: string; measurand?: string; phase?: string; unitOfMeasure?: { unit?: string; multiplier?: number } }[];
}

const ENERGY_REGISTER = 'Energy.Active.Import.Register';
/** Unit factors to Wh. */
const TO_WH: Record<string, number> = { Wh: 1, kWh: 1000 };
const KINDS: Record<string, TransactionEvent['kind']> = { Started: 'started', Updated: 'updated', Ended: 'ended' };

/** The Energy.Active.Import.Register readings of 2.0.1 meter values (totals only, not per phase), in Wh. */
export function energyReadings201(meterValues: MeterValue201[] | undefined): EnergyReading[] {
  const out: EnergyReading[] = [];
  if (!Array.isArray(meterValues)) return out;
  for (const mv of meterValues) {
    for (const sv of mv.sampledValue ?? []) {
      if ((sv.measurand ?? ENERGY_REGISTER) !== ENERGY_REGISTER || sv.phase) continue;
      const factor = TO_WH[sv.unitOfMeasure?.unit ?? 'Wh'];
      if (factor === undefined || typeof sv.value !== 'number') continue;
      const multiplier = sv.unitOfMeasure?.multiplier ?? 0;
      // rounded to the mWh so that 7.2 kWh is 7200 Wh, not 7200.000000000001
      const value = Math.round(sv.value * factor * 10 ** multiplier * 1000) / 1000;
      out.push({ context: sv.context ?? 'Sample.Periodic', value, timestamp: mv.timestamp });
    }
  }
  return out;
}

/** The transaction event of an answered 2.0.1 TransactionEvent CALL; null for every other action. */
export function transactionEvent201(station: string, action: string, req: Record<string, any>): TransactionEvent | null {
  if (action !== 'TransactionEvent') return null;
  const kind = KINDS[req.eventType];
  const transactionId = req.transactionInfo?.transactionId;
  if (!kind || typeof transactionId !== 'string') return null;
  const event: TransactionEvent = { kind, station, connector: req.evse?.id ?? null, transactionId, idTag: req.idToken?.idToken ?? null,
    timestamp: req.timestamp, energyReadings: energyReadings201(req.meterValue), seqNo: req.seqNo, offline: req.offline === true };
  // OCPP 2.0.1: stoppedReason may only be left out when it is Local.
  if (kind === 'ended') event.stopReason = req.transactionInfo?.stoppedReason ?? 'Local';
  return event;
}
