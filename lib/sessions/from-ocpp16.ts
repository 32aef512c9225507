import type { EnergyReading, TransactionEvent } from './session-tracker';

/** 1.6 StopTransaction's transactionData, as far as energy goes. */
interface MeterValue16 {
  timestamp: string;
  sampledValue: { value: string; context?: string; measurand?: string; phase?: string; unit?: string }[];
}

const ENERGY_REGISTER = 'Energy.Active.Import.Register';
/** Unit factors to Wh. */
const TO_WH: Record<string, number> = { Wh: 1, kWh: 1000 };

/** The Energy.Active.Import.Register readings of 1.6 meter values (totals only, not per phase), in Wh. */
export function energyReadings16(meterValues: MeterValue16[] | undefined): EnergyReading[] {
  const out: EnergyReading[] = [];
  if (!Array.isArray(meterValues)) return out;
  for (const mv of meterValues) {
    for (const sv of mv.sampledValue ?? []) {
      if ((sv.measurand ?? ENERGY_REGISTER) !== ENERGY_REGISTER || sv.phase) continue;
      const factor = TO_WH[sv.unit ?? 'Wh'];
      const value = Number(sv.value);
      if (factor === undefined || !Number.isFinite(value)) continue;
      // rounded to the mWh so that 7.2 kWh is 7200 Wh, not 7200.000000000001
      out.push({ context: sv.context ?? 'Sample.Periodic', value: Math.round(value * factor * 1000) / 1000, timestamp: mv.timestamp });
    }
  }
  return out;
}

/**
 * The transaction event an answered 1.6 CALL tells: StartTransaction (its transactionId from the
 * answer) and StopTransaction (with its transactionData); null for every other action.
 */
export function transactionEvent16(station: string, action: string, req: Record<string, any>, res: Record<string, any>): TransactionEvent | null {
  if (action === 'StartTransaction') {
    if (res.transactionId === undefined) return null;
    return { kind: 'started', station, connector: req.connectorId ?? null, transactionId: res.transactionId, idTag: req.idTag ?? null,
      timestamp: req.timestamp, meterStart: req.meterStart };
  }
  if (action === 'StopTransaction') {
    const event: TransactionEvent = { kind: 'ended', station, connector: null, transactionId: req.transactionId, idTag: req.idTag ?? null,
      timestamp: req.timestamp, meterStop: req.meterStop, energyReadings: energyReadings16(req.transactionData),
      // OCPP 1.6: the reason may only be left out when it is Local.
      stopReason: req.reason ?? 'Local' };
    return event;
  }
  return null;
}
