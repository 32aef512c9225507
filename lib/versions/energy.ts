/** What the sessions read from a version's meter values: the energy register, in Wh. */
import type { EnergyReading } from '../sessions/session-tracker';

const ENERGY_REGISTER = 'Energy.Active.Import.Register';

/** Unit factors to Wh. */
export const TO_WH: Readonly<Record<string, number>> = { Wh: 1, kWh: 1000 };

interface SampledEnergy {
  measurand?: string;
  phase?: string;
  context?: string;
}

/**
 * The Energy.Active.Import.Register readings of meter values (totals only, not per phase),
 * in Wh; `wh` reads one sampled value in the version's shape (undefined: not readable).
 */
export function energyReadings<S extends SampledEnergy>(
  meterValues: readonly { timestamp: string; sampledValue: readonly S[] }[] | undefined,
  wh: (sv: S) => number | undefined,
): EnergyReading[] {
  const out: EnergyReading[] = [];
  if (!Array.isArray(meterValues)) return out;
  for (const mv of meterValues) {
    for (const sv of mv.sampledValue ?? []) {
      if ((sv.measurand ?? ENERGY_REGISTER) !== ENERGY_REGISTER || sv.phase) continue;
      const value = wh(sv);
      // rounded to the mWh so that 7.2 kWh is 7200 Wh, not 7200.000000000001
      if (value !== undefined)
        out.push({ context: sv.context ?? 'Sample.Periodic', value: Math.round(value * 1000) / 1000, timestamp: mv.timestamp });
    }
  }
  return out;
}
