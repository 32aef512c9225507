/** What the sessions read from a version's meter values: the energy register, in Wh. */
import type { EnergyReading } from '../sessions/session-tracker';

export const ENERGY_REGISTER = 'Energy.Active.Import.Register';

/** Unit factors to Wh. */
export const TO_WH: Readonly<Record<string, number>> = { Wh: 1, kWh: 1000 };

/** A register reading in Wh, rounded to the mWh so that 7.2 kWh is 7200 Wh, not 7200.000000000001. */
export function energyReading(context: string | undefined, wh: number, timestamp: string): EnergyReading {
  return { context: context ?? 'Sample.Periodic', value: Math.round(wh * 1000) / 1000, timestamp };
}
