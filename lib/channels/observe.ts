/**
 * Keeps a station's channel values up to date from the CALLs it sends (1.6 and 2.0.1),
 * and reports which channels changed.
 */
import { isoNow } from '../clock';
import { OcppVersion } from '../versions';
import {
  ChannelName, ChannelStatus, ConnectorValues, MeterQuantity, ReadChannel, Reported201, StationValues, TransactionPhase,
} from './model';

/** Told about meter readings that are not plain decimal numbers. */
export interface ReadingNotes {
  /** A 1.6 reading written with a decimal comma (`"7,2"`), read as a point. */
  decimalComma(measurand: string): void;
  /** A reading that cannot be read as a number: its channel is not updated. */
  unreadable(measurand: string, value: unknown): void;
}

/** The notes of the observeCall under way (observing is synchronous). */
let notes: ReadingNotes | null = null;

/** A 1.6 decimal number with a comma for the point. */
const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+\s*$/;

export interface ChannelUpdate {
  connector: number;
  channel: ChannelName;
  value: unknown;
}

/** 1.6 ChargePointStatus → `status` channel: the channel uses the 1.6 states as they are. */
export const STATUS_FROM_16: Readonly<Record<string, ChannelStatus>> = {
  Available: 'Available',
  Preparing: 'Preparing',
  Charging: 'Charging',
  SuspendedEV: 'SuspendedEV',
  SuspendedEVSE: 'SuspendedEVSE',
  Finishing: 'Finishing',
  Reserved: 'Reserved',
  Unavailable: 'Unavailable',
  Faulted: 'Faulted',
};

/**
 * 2.0.1 → `status` channel. Rows are [connector status, transaction phase, charging state,
 * status]; the first matching row wins. `*` matches anything (also "not reported"),
 * `a|b` either. Phases: see TransactionPhase.
 */
export const STATUS_FROM_201: ReadonlyArray<readonly [string, string, string, ChannelStatus]> = [
  ['Faulted', '*', '*', 'Faulted'],
  ['Unavailable', '*', '*', 'Unavailable'],
  ['Reserved', '*', '*', 'Reserved'],
  ['*', 'started|charged', 'Charging', 'Charging'],
  ['*', 'started|charged', 'SuspendedEV', 'SuspendedEV'],
  ['*', 'started|charged', 'SuspendedEVSE', 'SuspendedEVSE'],
  // running, nothing charged yet: authorised or plugged in, waiting for the other
  ['*', 'started', '*', 'Preparing'],
  // the station names itself when it pauses (SuspendedEVSE), so an unexplained pause is the EV's
  ['*', 'charged', 'EVConnected', 'SuspendedEV'],
  // Idle after charging: EV unplugged, transaction not yet ended
  ['*', 'charged', '*', 'Finishing'],
  ['Available', '*', '*', 'Available'],
  ['*', 'ended', '*', 'Finishing'],
  ['Occupied', 'none', '*', 'Preparing'],
];

/**
 * An EVSE with several connectors shows one status: the first in this order that any of
 * its connectors has (the connector in use, then whether the EVSE can still be used).
 */
export const EVSE_STATUS_PRIORITY: readonly string[] = ['Occupied', 'Reserved', 'Available', 'Unavailable', 'Faulted'];

function matches(pattern: string, value: string | null | undefined): boolean {
  return pattern === '*' || (value != null && pattern.split('|').includes(value));
}

/**
 * The `status` channel value of a 2.0.1 EVSE, from its connector status, the charging
 * state of its transaction and the transaction phase. Undefined when nothing is known.
 */
export function statusFrom201(
  connectorStatus: string | null | undefined,
  chargingState: string | null | undefined,
  phase: TransactionPhase = 'none',
): ChannelStatus | undefined {
  for (const [cs, ph, st, status] of STATUS_FROM_201) {
    if (matches(cs, connectorStatus) && matches(ph, phase) && matches(st, chargingState)) return status;
  }
  return undefined;
}

/** One EVSE status from the statuses of its connectors (see EVSE_STATUS_PRIORITY). */
export function evseConnectorStatus(connectors: Record<string, string> | undefined): string | undefined {
  if (!connectors) return undefined;
  const present = Object.values(connectors);
  return EVSE_STATUS_PRIORITY.find((s) => present.includes(s));
}

// ---- meter readings -------------------------------------------------------------------

interface Measurand {
  quantity: MeterQuantity;
  /** Factor to the channel's unit, per unit the station may use. */
  units: ReadonlyMap<string, number>;
  /** Unit assumed when the station names none (the schema's "Wh" default only fits energy). */
  defaultUnit: string;
}

// Maps, not objects: the keys come straight from JSON.parse (strings V8 has not interned),
// which a Map looks up by hash while an object lookup interns them first; and no key can
// reach Object.prototype.
const MEASURANDS: ReadonlyMap<string, Measurand> = new Map([
  ['Energy.Active.Import.Register', { quantity: 'energy', units: new Map([['Wh', 1], ['kWh', 1000]]), defaultUnit: 'Wh' }],
  ['Power.Active.Import', { quantity: 'power', units: new Map([['W', 1], ['kW', 1000]]), defaultUnit: 'W' }],
  ['Current.Import', { quantity: 'current', units: new Map([['A', 1]]), defaultUnit: 'A' }],
]);

const DEFAULT_MEASURAND = 'Energy.Active.Import.Register';

/** Phase → index in the `current` array; N and line-to-line readings are not used. */
const PHASE_INDEX: ReadonlyMap<string, number> = new Map([['L1', 0], ['L1-N', 0], ['L2', 1], ['L2-N', 1], ['L3', 2], ['L3-N', 2]]);

interface Reading {
  timestamp?: string;
  context?: string;
  power?: number;
  energy?: number;
  current?: number[];
}

/** Drops binary floating-point noise such as 12.345 kWh → 12345.000000000002 Wh. */
function tidy(x: number): number {
  return Number.isInteger(x) ? x : Number(x.toPrecision(15));
}

function sampleValue(version: OcppVersion, sv: any, m: Measurand): number | undefined {
  let raw: number;
  let unit: unknown;
  let multiplier = 0;
  if (version === 'ocpp1.6') {
    // 1.6 sends the value as a string; SignedData is not a number
    if (sv.format === 'SignedData') return undefined;
    let text = sv.value;
    if (typeof text === 'string' && DECIMAL_COMMA.test(text)) {
      text = text.replace(',', '.');
      if (notes) notes.decimalComma(sv.measurand ?? DEFAULT_MEASURAND);
    }
    raw = typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
    unit = sv.unit;
  } else {
    raw = sv.value;
    const uom = sv.unitOfMeasure;
    if (uom && typeof uom === 'object') {
      unit = uom.unit;
      if (Number.isInteger(uom.multiplier)) multiplier = uom.multiplier;
    }
  }
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
function readingOf(version: OcppVersion, entry: any): Reading {
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
    const sv = samples[i];
    if (!sv || typeof sv !== 'object') continue;
    const m = MEASURANDS.get(sv.measurand === undefined ? DEFAULT_MEASURAND : sv.measurand);
    if (!m || sv.location === 'EV') continue;
    const value = sampleValue(version, sv, m);
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
function setQuantity(c: ConnectorValues, q: MeterQuantity, value: number | number[]): void {
  if (!deepEqual((c as Record<MeterQuantity, unknown>)[q], value)) (c as Record<MeterQuantity, unknown>)[q] = value;
  if (!Array.isArray(c.measured)) c.measured = [];
  if (!c.measured.includes(q)) c.measured.push(q);
}

function timeOf(iso: string | undefined): number {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
}

/** Applies meterValue entries oldest first, so the newest reading of each quantity stays. */
function applyMeterValues(c: ConnectorValues, version: OcppVersion, meterValue: unknown): Reading[] {
  if (!Array.isArray(meterValue)) return [];
  const readings: Reading[] = [];
  for (let i = 0; i < meterValue.length; i++) {
    const e = meterValue[i];
    if (e && typeof e === 'object') readings.push(readingOf(version, e));
  }
  if (readings.length > 1) readings.sort((a, b) => timeOf(a.timestamp) - timeOf(b.timestamp));
  for (const r of readings) {
    if (r.energy !== undefined) setQuantity(c, 'energy', r.energy);
    if (r.power !== undefined) setQuantity(c, 'power', r.power);
    if (r.current !== undefined) setQuantity(c, 'current', r.current);
    if (r.timestamp && r.timestamp !== c.updated && (r.energy !== undefined || r.power !== undefined || r.current !== undefined)) c.updated = r.timestamp;
  }
  return readings;
}

/** A finished transaction draws nothing: power and phase currents drop to 0 where known. */
function stopDrawing(c: ConnectorValues): void {
  if (c.power !== undefined) c.power = 0;
  if (Array.isArray(c.current)) c.current = c.current.map(() => 0);
}

// ---- helpers ---------------------------------------------------------------------------

function isId(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 0;
}

/**
 * Every connector a handler changes is reached through here: during an observation the
 * connector's observed channels are copied on first access, so only touched connectors
 * are compared afterwards.
 */
function connectorOf(values: StationValues, id: number): ConnectorValues {
  const key = String(id);
  let c = values.connectors[key];
  if (!c || typeof c !== 'object') c = values.connectors[key] = {};
  if (touched !== null && !touched.has(key)) touched.set(key, observedOf(c));
  return c;
}

function connectorWithTransaction(values: StationValues, id: string | number): number | undefined {
  for (const [key, c] of Object.entries(values.connectors)) {
    if (c && c.transaction && c.transaction.id === id && isId(Number(key))) return Number(key);
  }
  return undefined;
}

type Handler = (values: StationValues, request: any, response: any, receivedAt: string) => void;

// ---- OCPP 1.6 --------------------------------------------------------------------------

const HANDLERS_16: Record<string, Handler> = {
  StatusNotification(values, req, _res, at) {
    const status = STATUS_FROM_16[req.status];
    if (!isId(req.connectorId) || !status) return;
    const c = connectorOf(values, req.connectorId);
    c.status = status;
    c.updated = typeof req.timestamp === 'string' ? req.timestamp : at;
  },

  MeterValues(values, req) {
    if (!isId(req.connectorId)) return;
    applyMeterValues(connectorOf(values, req.connectorId), 'ocpp1.6', req.meterValue);
  },

  StartTransaction(values, req, res, at) {
    if (!isId(req.connectorId) || req.connectorId === 0) return;
    const c = connectorOf(values, req.connectorId);
    const meterStart = Number.isFinite(req.meterStart) ? req.meterStart : null;
    // the transaction exists at the station even when the id tag was refused; it ends with StopTransaction
    if (res && Number.isInteger(res.transactionId)) {
      c.transaction = {
        id: res.transactionId,
        idTag: typeof req.idTag === 'string' ? req.idTag : null,
        start: typeof req.timestamp === 'string' ? req.timestamp : at,
        meterStart,
      };
    }
    if (meterStart !== null) setQuantity(c, 'energy', meterStart);
    c.updated = typeof req.timestamp === 'string' ? req.timestamp : at;
  },

  StopTransaction(values, req, _res, at) {
    const id = connectorWithTransaction(values, req.transactionId);
    if (id === undefined) return;
    const c = connectorOf(values, id);
    applyMeterValues(c, 'ocpp1.6', req.transactionData);
    if (Number.isFinite(req.meterStop)) setQuantity(c, 'energy', req.meterStop);
    c.transaction = null;
    stopDrawing(c);
    c.updated = typeof req.timestamp === 'string' ? req.timestamp : at;
  },
};

// ---- OCPP 2.0.1 ------------------------------------------------------------------------

const CONNECTOR_STATUSES_201 = ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'];

function reportedOf(c: ConnectorValues): Reported201 {
  if (!c.reported || typeof c.reported !== 'object') c.reported = {};
  return c.reported;
}

function refresh201(c: ConnectorValues): void {
  const rep = reportedOf(c);
  const connectorStatus = evseConnectorStatus(rep.connectors);
  // a free connector closes the cycle: the next EV starts from "none"
  if (connectorStatus === 'Available' && (rep.phase === 'ended' || rep.phase === undefined)) rep.phase = 'none';
  const status = statusFrom201(connectorStatus, rep.chargingState, rep.phase || 'none');
  if (status) c.status = status;
}

/** Records a connector status; connectorKey null means every connector of the EVSE. */
function setConnectorStatus201(c: ConnectorValues, connectorKey: string | null, status: string, at: string): void {
  const rep = reportedOf(c);
  if (!rep.connectors || typeof rep.connectors !== 'object') rep.connectors = {};
  const map = rep.connectors;
  if (connectorKey !== null) map[connectorKey] = status;
  else {
    const keys = Object.keys(map);
    for (const k of keys.length ? keys : ['1']) map[k] = status;
  }
  c.updated = at;
  refresh201(c);
}

const HANDLERS_201: Record<string, Handler> = {
  StatusNotification(values, req, _res, at) {
    if (!isId(req.evseId) || !isId(req.connectorId) || !CONNECTOR_STATUSES_201.includes(req.connectorStatus)) return;
    const c = connectorOf(values, req.evseId);
    setConnectorStatus201(c, String(req.connectorId), req.connectorStatus, typeof req.timestamp === 'string' ? req.timestamp : at);
  },

  MeterValues(values, req) {
    if (!isId(req.evseId)) return;
    applyMeterValues(connectorOf(values, req.evseId), 'ocpp2.0.1', req.meterValue);
  },

  TransactionEvent(values, req, _res, at) {
    const info = req.transactionInfo;
    const id = info && info.transactionId;
    if (typeof id !== 'string') return;
    // evse is only required in the first event that knows it; later ones are found by transaction id
    const evseId = req.evse && isId(req.evse.id) ? req.evse.id : connectorWithTransaction(values, id);
    if (evseId === undefined) return;
    const c = connectorOf(values, evseId);
    const rep = reportedOf(c);
    const ended = req.eventType === 'Ended';
    const current = c.transaction && c.transaction.id === id ? c.transaction : null;
    // a late Ended of an earlier transaction must not end the one running now
    if (ended && !current && c.transaction) return;
    const time = typeof req.timestamp === 'string' ? req.timestamp : at;

    let created = false;
    if (!ended && !current) {
      // also for an Updated whose Started we missed: start is then the first event we saw
      c.transaction = { id, idTag: null, start: time, meterStart: null };
      rep.chargingState = null;
      rep.phase = 'started';
      created = true;
    }
    if (typeof info.chargingState === 'string') rep.chargingState = info.chargingState;
    const readings = applyMeterValues(c, 'ocpp2.0.1', req.meterValue);

    if (ended) {
      c.transaction = null;
      rep.phase = evseConnectorStatus(rep.connectors) === 'Available' ? 'none' : 'ended';
      stopDrawing(c);
    } else {
      const tx = c.transaction!;
      const token = req.idToken && req.idToken.idToken;
      // the first token authorises; a later one (e.g. the one that stops it) does not replace it
      if (tx.idTag === null && typeof token === 'string') tx.idTag = token;
      if (created && req.eventType === 'Started') {
        const begin = readings.find((r) => r.energy !== undefined && r.context === 'Transaction.Begin')
          || readings.find((r) => r.energy !== undefined);
        if (begin) tx.meterStart = begin.energy!;
      }
      if (rep.chargingState === 'Charging') rep.phase = 'charged';
      else if (rep.phase !== 'charged') rep.phase = 'started';
    }
    c.updated = time;
    refresh201(c);
  },

  NotifyEvent(values, req, _res, at) {
    if (!Array.isArray(req.eventData)) return;
    for (const ev of req.eventData) {
      if (!ev || !ev.variable || ev.variable.name !== 'AvailabilityState' || !ev.component) continue;
      if (!CONNECTOR_STATUSES_201.includes(ev.actualValue)) continue;
      const time = typeof ev.timestamp === 'string' ? ev.timestamp : at;
      const evse = ev.component.evse;
      switch (ev.component.name) {
        case 'ChargingStation':
          setConnectorStatus201(connectorOf(values, 0), '0', ev.actualValue, time);
          break;
        case 'EVSE':
          if (evse && isId(evse.id)) setConnectorStatus201(connectorOf(values, evse.id), null, ev.actualValue, time);
          break;
        case 'Connector':
          if (evse && isId(evse.id)) {
            const connectorId = isId(evse.connectorId) ? evse.connectorId : 1;
            setConnectorStatus201(connectorOf(values, evse.id), String(connectorId), ev.actualValue, time);
          }
          break;
      }
    }
  },
};

/**
 * MeterValues for connector (EVSE) `id` > 0: the same result as the generic path (updates
 * for connector 0 first, then for `id`; power, energy, current), without copying and
 * comparing every channel. Power and energy are numbers, compared as such; a `current`
 * array can be replaced by several entries of one report and end equal to the one before,
 * so it is compared by value.
 */
function observeMeterValues(values: StationValues, version: OcppVersion, id: number, meterValue: unknown): ChannelUpdate[] {
  const c = connectorOf(values, id);
  const { power, energy, current } = c;
  applyMeterValues(c, version, meterValue);
  if (c.power === power && c.energy === energy && deepEqual(c.current, current)) return [];
  const c0 = values.connectors['0'];
  const power0 = c0?.power;
  const energy0 = c0?.energy;
  const current0 = c0?.current;
  applyStationTotals(values);
  const updates: ChannelUpdate[] = [];
  const total = values.connectors['0'];
  if (total) {
    if (total.power !== power0 && total.power !== undefined) updates.push({ connector: 0, channel: 'power', value: total.power });
    if (total.energy !== energy0 && total.energy !== undefined) updates.push({ connector: 0, channel: 'energy', value: total.energy });
    if (total.current !== undefined && !deepEqual(total.current, current0)) updates.push({ connector: 0, channel: 'current', value: copy(total.current) });
  }
  if (c.power !== power && c.power !== undefined) updates.push({ connector: id, channel: 'power', value: c.power });
  if (c.energy !== energy && c.energy !== undefined) updates.push({ connector: id, channel: 'energy', value: c.energy });
  if (c.current !== undefined && !deepEqual(c.current, current)) updates.push({ connector: id, channel: 'current', value: copy(c.current) });
  return updates;
}

// Looked up by the action name as it came off the wire: a Map hashes it where an object
// would intern it first, and no name can reach Object.prototype.
const HANDLER_MAP_16: ReadonlyMap<string, Handler> = new Map(Object.entries(HANDLERS_16));
const HANDLER_MAP_201: ReadonlyMap<string, Handler> = new Map(Object.entries(HANDLERS_201));

// ---- connector 0 -----------------------------------------------------------------------

/**
 * The whole station's meter values (connector 0). For each of power, energy and current:
 * the station's own connector-0 reading when it has ever sent one (a main meter), otherwise
 * the sum over connectors 1..n that have a value (current summed per phase, an unphased
 * [I] counting as L1). Undefined where no connector has a value.
 */
export function stationTotals(values: StationValues): { power?: number; energy?: number; current?: number[] } {
  const totals: { power?: number; energy?: number; current?: number[] } = {};
  const connectors = values && values.connectors ? values.connectors : {};
  const own = connectors['0'];
  const measured = own && Array.isArray(own.measured) ? own.measured : [];
  for (const q of ['power', 'energy'] as const) {
    if (measured.includes(q)) {
      if (typeof own![q] === 'number') totals[q] = own![q];
      continue;
    }
    let sum: number | undefined;
    let addends = 0;
    for (const key in connectors) {
      const c = connectors[key];
      if (key !== '0' && c && typeof c[q] === 'number') {
        sum = (sum ?? 0) + (c[q] as number);
        addends++;
      }
    }
    // One addend is its own sum: nothing to round.
    if (sum !== undefined) totals[q] = addends > 1 ? tidy(sum) : sum;
  }
  if (measured.includes('current')) {
    if (Array.isArray(own!.current)) totals.current = own!.current.slice();
  } else {
    let sum: number[] | undefined;
    for (const key in connectors) {
      const c = connectors[key];
      if (key === '0' || !c || !Array.isArray(c.current)) continue;
      const current = c.current;
      if (!sum) {
        sum = current.map((v) => (Number.isFinite(v) ? v : 0));
        continue;
      }
      for (let i = 0; i < current.length; i++) sum[i] = tidy((sum[i] ?? 0) + (Number.isFinite(current[i]) ? current[i] : 0));
    }
    if (sum) totals.current = Array.from(sum, (v) => v ?? 0);
  }
  return totals;
}

function applyStationTotals(values: StationValues): void {
  const totals = stationTotals(values);
  const keys = Object.keys(totals) as MeterQuantity[];
  if (!keys.length) return;
  const c0 = connectorOf(values, 0);
  let changed = false;
  for (const q of keys) {
    if (!deepEqual(c0[q], totals[q])) {
      (c0 as Record<MeterQuantity, unknown>)[q] = totals[q];
      changed = true;
    }
  }
  if (changed) {
    // the newest report among the connectors, on the station's own clock
    let latest: string | undefined;
    for (const [key, c] of Object.entries(values.connectors)) {
      if (key !== '0' && c && c.updated && timeOf(c.updated) > timeOf(latest)) latest = c.updated;
    }
    if (latest && timeOf(latest) > timeOf(c0.updated)) c0.updated = latest;
  }
}

// ---- change detection -------------------------------------------------------------------

// The observed channels: status, power, energy, current, transaction.

/** Equality of plain JSON data; a property holding undefined counts as absent. */
function deepEqual(a: unknown, b: unknown): boolean {
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
function copy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copy) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v as object)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = copy(x);
  }
  return out as T;
}

type Observed = Partial<Record<ReadChannel, unknown>>;

/** The connectors reached during the observation in progress, with their channels before it. */
let touched: Map<string, Observed> | null = null;
/** The one map `touched` points to, emptied after each observation. */
const scratch = new Map<string, Observed>();

// The channels are read by name, not in a loop over their names: a fixed property access
// stays fast where a computed one over five names does not.
function observedOf(c: ConnectorValues): Observed {
  return { status: copy(c.status), power: copy(c.power), energy: copy(c.energy), current: copy(c.current), transaction: copy(c.transaction) };
}

function changed(updates: ChannelUpdate[], connector: number, channel: ReadChannel, old: unknown, now: unknown): void {
  if (now !== undefined && !deepEqual(old, now)) updates.push({ connector, channel, value: copy(now) });
}

function changesSince(before: Map<string, Observed>, values: StationValues): ChannelUpdate[] {
  const updates: ChannelUpdate[] = [];
  const keys = before.size === 1 ? before.keys() : [...before.keys()].sort((a, b) => Number(a) - Number(b));
  for (const key of keys) {
    const n = Number(key);
    if (!isId(n) || key !== String(n)) continue;
    const c = values.connectors[key];
    if (!c) continue;
    const old = before.get(key)!;
    changed(updates, n, 'status', old.status, c.status);
    changed(updates, n, 'power', old.power, c.power);
    changed(updates, n, 'energy', old.energy, c.energy);
    changed(updates, n, 'current', old.current, c.current);
    changed(updates, n, 'transaction', old.transaction, c.transaction);
  }
  return updates;
}

/** True when there is something to observe; gives `values` its connectors where it has none. */
function ready(values: StationValues, request: unknown): boolean {
  if (!values || typeof values !== 'object' || !request || typeof request !== 'object') return false;
  if (!values.connectors || typeof values.connectors !== 'object') values.connectors = {};
  return true;
}

/**
 * Updates `values` in place from a CALL the station sent and the reply it got, and returns
 * the channels whose value changed. Actions that carry no channel value change nothing.
 * `receivedAt` stamps reports that carry no time of their own.
 */
export function observeCall(values: StationValues, version: OcppVersion, action: string, request: any, response: any, receivedAt?: string,
  readingNotes: ReadingNotes | null = null): ChannelUpdate[] {
  if (!ready(values, request)) return [];
  notes = readingNotes;
  try {
    return observeEither(values, version, action, request, response, receivedAt);
  } finally {
    notes = null;
  }
}

function observeEither(values: StationValues, version: OcppVersion, action: string, request: any, response: any, receivedAt?: string): ChannelUpdate[] {
  if (action === 'MeterValues') {
    // The most frequent report gets a path of its own that compares only what it can change.
    const id = version === 'ocpp1.6' ? request.connectorId : request.evseId;
    if (isId(id) && id !== 0 && (version === 'ocpp1.6' || version === 'ocpp2.0.1')) return observeMeterValues(values, version, id, request.meterValue);
  }
  return observeAnyCall(values, version, action, request, response, receivedAt);
}

/**
 * @internal observeCall without the MeterValues shortcut: every connector a handler touches
 * is copied before and compared after. Exported for the test that holds the two paths equal.
 */
export function observeAnyCall(values: StationValues, version: OcppVersion, action: string, request: any, response: any, receivedAt?: string): ChannelUpdate[] {
  if (!ready(values, request)) return [];
  const handler = version === 'ocpp1.6' ? HANDLER_MAP_16.get(action) : version === 'ocpp2.0.1' ? HANDLER_MAP_201.get(action) : undefined;
  if (!handler) return [];
  const before = scratch;
  touched = before;
  try {
    handler(values, request, response && typeof response === 'object' ? response : {}, receivedAt ?? isoNow());
    const updates = changesSince(before, values);
    // The station totals follow the meter values: recomputed only when one of them changed.
    if (!updates.some((u) => u.channel === 'power' || u.channel === 'energy' || u.channel === 'current')) return updates;
    applyStationTotals(values);
    return changesSince(before, values);
  } finally {
    touched = null;
    scratch.clear();
  }
}
