/**
 * The toolkit the version adapters use to change a station's state: meter readings in
 * channel units, connector access with change tracking, and plain-JSON helpers. Knows no
 * version: each adapter passes its own way of reading a sampledValue.
 */
import { ConnectorValues, MeterQuantity, ReadChannel, StationValues } from './model';

// ---- meter readings -------------------------------------------------------------------

export interface Measurand {
  quantity: MeterQuantity;
  /** Factor to the channel's unit, per unit the station may use. */
  units: ReadonlyMap<string, number>;
  /** Unit assumed when the station names none (the schema's "Wh" default only fits energy). */
  defaultUnit: string;
}

const ENERGY: Measurand = {
  quantity: 'energy',
  units: new Map([
    ['Wh', 1],
    ['kWh', 1000],
  ]),
  defaultUnit: 'Wh',
};
const POWER: Measurand = {
  quantity: 'power',
  units: new Map([
    ['W', 1],
    ['kW', 1000],
  ]),
  defaultUnit: 'W',
};
const CURRENT: Measurand = { quantity: 'current', units: new Map([['A', 1]]), defaultUnit: 'A' };

/**
 * The measurands the channels use. The names come straight from JSON.parse, as strings V8
 * has neither interned nor hashed: comparing them with the three names (their lengths
 * differ, so at most one is compared character by character) is cheaper than hashing them
 * for a lookup, and no name can reach Object.prototype. Unit maps are looked up by short
 * names, which JSON.parse interns.
 */
function measurandOf(name: string): Measurand | undefined {
  switch (name) {
    case 'Energy.Active.Import.Register':
      return ENERGY;
    case 'Power.Active.Import':
      return POWER;
    case 'Current.Import':
      return CURRENT;
    default:
      return undefined;
  }
}

const DEFAULT_MEASURAND = 'Energy.Active.Import.Register';

/** Phase → index in the `current` array; N and line-to-line readings are not used. */
const PHASE_INDEX: ReadonlyMap<string, number> = new Map([
  ['L1', 0],
  ['L1-N', 0],
  ['L2', 1],
  ['L2-N', 1],
  ['L3', 2],
  ['L3-N', 2],
]);

export interface Reading {
  timestamp?: string;
  context?: string;
  power?: number;
  energy?: number;
  current?: number[];
}

/** Drops binary floating-point noise such as 12.345 kWh → 12345.000000000002 Wh. */
/** Drops binary floating-point noise such as 12.345 kWh → 12345.000000000002 Wh. */
export function tidy(x: number): number {
  return Number.isInteger(x) ? x : Number(x.toPrecision(15));
}

/** Reads one sampledValue of a version's shape as a number in the measurand's channel unit. */
export type MeterReader = MeterReaders['read'];

/** A version's reader takes its own sampledValue type: as a method, its parameter may narrow `object`. */
interface MeterReaders {
  read(sv: object, m: Measurand): number | undefined;
}

/** The parts of a meterValue entry and its sampled values that every version shares. */
interface MeterEntry {
  timestamp?: unknown;
  sampledValue?: unknown;
}
interface SampleHeader {
  measurand?: string;
  location?: string;
  context?: unknown;
  phase?: string;
}

/** Told about meter readings that are not plain decimal numbers. */
export interface ReadingNotes {
  /** A 1.6 reading written with a decimal comma (`"7,2"`), read as a point. */
  decimalComma(measurand: string): void;
  /** A reading that cannot be read as a number: its channel is not updated. */
  unreadable(measurand: string, value: unknown): void;
}

/** The notes of the observation under way (observing is synchronous). */
let notes: ReadingNotes | null = null;

/** Who hears about odd readings until the next call; null: nobody. */
export function setReadingNotes(readingNotes: ReadingNotes | null): void {
  notes = readingNotes;
}

/** A sampled value written with a decimal comma was read as a point. */
export function noteDecimalComma(sv: { measurand?: string }): void {
  if (notes) notes.decimalComma(sv.measurand ?? DEFAULT_MEASURAND);
}

/**
 * A sampled value in the channel's unit: `raw` in `unit` (the measurand's default when
 * none is named) times 10^`multiplier`. Undefined for a unit the channel cannot use.
 */
export function scaledReading(
  raw: unknown,
  unit: unknown,
  multiplier: number,
  m: Measurand,
  sv: { measurand?: string; value?: unknown },
): number | undefined {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    if (notes) notes.unreadable(sv.measurand ?? DEFAULT_MEASURAND, sv.value);
    return undefined;
  }
  const factor = m.units.get(unit === undefined ? m.defaultUnit : String(unit));
  if (factor === undefined) return undefined;
  if (factor === 1 && multiplier === 0) return raw;
  // dividing by 10^n is exact where multiplying by 10^-n is not
  const scaled = multiplier < 0 ? (raw * factor) / 10 ** -multiplier : raw * factor * 10 ** multiplier;
  return tidy(scaled);
}

/** Reads one meterValue entry: unphased totals win, else the phases are summed. */
function readingOf(read: MeterReader, entry: MeterEntry): Reading {
  const reading: Reading = {};
  if (typeof entry.timestamp === 'string') reading.timestamp = entry.timestamp;
  let energy: number | undefined;
  let power: number | undefined;
  let current: number | undefined;
  // per-phase readings are rarer than totals: their arrays are made when the first one comes
  let energyPhases: number[] | undefined;
  let powerPhases: number[] | undefined;
  let currentPhases: number[] | undefined;
  const samples = Array.isArray(entry.sampledValue) ? entry.sampledValue : [];
  for (let i = 0; i < samples.length; i++) {
    const sv = samples[i] as SampleHeader | null;
    if (!sv || typeof sv !== 'object') continue;
    const m = sv.measurand === undefined ? ENERGY : measurandOf(sv.measurand);
    if (!m || sv.location === 'EV') continue;
    const value = read(sv, m);
    if (value === undefined) continue;
    if (typeof sv.context === 'string' && reading.context === undefined) reading.context = sv.context;
    if (sv.phase === undefined) {
      if (m.quantity === 'energy') energy = value;
      else if (m.quantity === 'power') power = value;
      else current = value;
    } else {
      const phase = PHASE_INDEX.get(sv.phase);
      if (phase === undefined) continue;
      if (m.quantity === 'energy') (energyPhases ||= [])[phase] = value;
      else if (m.quantity === 'power') (powerPhases ||= [])[phase] = value;
      else (currentPhases ||= [])[phase] = value;
    }
  }
  if (power !== undefined) reading.power = power;
  else if (powerPhases) reading.power = sumOf(powerPhases);
  if (energy !== undefined) reading.energy = energy;
  else if (energyPhases) reading.energy = sumOf(energyPhases);
  if (currentPhases) reading.current = densePhases(currentPhases);
  else if (current !== undefined) reading.current = [current];
  return reading;
}

/** Per-phase currents up to the highest phase reported; a phase not reported counts as 0. */
function densePhases(phases: number[]): number[] {
  const out = new Array<number>(phases.length);
  for (let i = 0; i < phases.length; i++) out[i] = phases[i] ?? 0;
  return out;
}

/** The sum of per-phase readings; a phase not reported counts as 0. */
function sumOf(phases: number[]): number {
  let sum = 0;
  for (let i = 0; i < phases.length; i++) sum += phases[i] ?? 0;
  return tidy(sum);
}

/**
 * Stores a reading where it differs from the one kept: the kept values live as long as the
 * station, and an unchanged meter (a station idle between sessions) then leaves them untouched.
 */
export function setQuantity(c: ConnectorValues, q: MeterQuantity, value: number | number[]): void {
  if (!deepEqual((c as Record<MeterQuantity, unknown>)[q], value)) (c as Record<MeterQuantity, unknown>)[q] = value;
  if (!Array.isArray(c.measured)) c.measured = [];
  if (!c.measured.includes(q)) c.measured.push(q);
}

export function timeOf(iso: string | undefined): number {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
}

/** Applies meterValue entries oldest first, so the newest reading of each quantity stays. */
export function applyMeterValues(c: ConnectorValues, read: MeterReader, meterValue: unknown): Reading[] {
  if (!Array.isArray(meterValue)) return [];
  const readings: Reading[] = [];
  for (let i = 0; i < meterValue.length; i++) {
    const e = meterValue[i];
    if (e && typeof e === 'object') readings.push(readingOf(read, e));
  }
  if (readings.length > 1) readings.sort((a, b) => timeOf(a.timestamp) - timeOf(b.timestamp));
  for (const r of readings) {
    if (r.energy !== undefined) setQuantity(c, 'energy', r.energy);
    if (r.power !== undefined) setQuantity(c, 'power', r.power);
    if (r.current !== undefined) setQuantity(c, 'current', r.current);
    if (r.timestamp && r.timestamp !== c.updated && (r.energy !== undefined || r.power !== undefined || r.current !== undefined))
      c.updated = r.timestamp;
  }
  return readings;
}

/** A finished transaction draws nothing: power and phase currents drop to 0 where known. */
export function stopDrawing(c: ConnectorValues): void {
  if (c.power !== undefined) c.power = 0;
  if (Array.isArray(c.current)) c.current = c.current.map(() => 0);
}
// ---- helpers ---------------------------------------------------------------------------

export function isId(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 0;
}

/**
 * Every connector a handler changes is reached through here: during an observation the
 * connector's observed channels are copied on first access, so only touched connectors
 * are compared afterwards.
 */
export function connectorOf(values: StationValues, id: number): ConnectorValues {
  const key = String(id);
  let c = values.connectors[key];
  if (!c || typeof c !== 'object') c = values.connectors[key] = {};
  if (touched !== null && !touched.has(key)) touched.set(key, observedOf(c));
  return c;
}

export function connectorWithTransaction(values: StationValues, id: string | number): number | undefined {
  for (const [key, c] of Object.entries(values.connectors)) {
    if (c && c.transaction && c.transaction.id === id && isId(Number(key))) return Number(key);
  }
  return undefined;
}
// The observed channels: status, power, energy, current, transaction.

/** Equality of plain JSON data; a property holding undefined counts as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const arrayA = Array.isArray(a);
  if (arrayA !== Array.isArray(b)) return false;
  if (arrayA) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    if (!deepEqual(x[k], y[k])) return false;
    count++;
  }
  for (const k in y) if (y[k] !== undefined) count--;
  return count === 0;
}

/** A deep copy of plain JSON data (channel values are small: numbers, arrays, flat objects). */
export function copy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copy) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v as object)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = copy(x);
  }
  return out as T;
}

export type Observed = Partial<Record<ReadChannel, unknown>>;

/** The connectors reached during the observation in progress, with their channels before it. */
let touched: Map<string, Observed> | null = null;
/** The one map `touched` points to, emptied after each observation. */
const scratch = new Map<string, Observed>();

/** Starts tracking the connectors reached through connectorOf; returns their channels before. */
export function beginObservation(): Map<string, Observed> {
  touched = scratch;
  return scratch;
}

export function endObservation(): void {
  touched = null;
  scratch.clear();
}

// The channels are read by name, not in a loop over their names: a fixed property access
// stays fast where a computed one over five names does not.
function observedOf(c: ConnectorValues): Observed {
  return {
    status: copy(c.status),
    power: copy(c.power),
    energy: copy(c.energy),
    current: copy(c.current),
    transaction: copy(c.transaction),
  };
}
