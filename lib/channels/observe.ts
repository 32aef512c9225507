/**
 * Keeps a station's channel values up to date from the CALLs it sends, and reports which
 * channels changed. What each CALL means is the version adapter's (observe rules); this
 * file applies them and detects the changes.
 */
import { isoNow } from '../clock';
import { ObserveHandler, OcppVersion, profileOf, VersionAdapter } from '../versions';
import { ChannelName, MeterQuantity, ReadChannel, StationValues } from './model';
import {
  applyMeterValues,
  beginObservation,
  connectorOf,
  copy,
  deepEqual,
  endObservation,
  isId,
  MeterReader,
  Observed,
  ReadingNotes,
  setReadingNotes,
  tidy,
  timeOf,
} from './readings';

export type { ReadingNotes } from './readings';

export interface ChannelUpdate {
  connector: number;
  channel: ChannelName;
  value: unknown;
}

/**
 * MeterValues for connector (EVSE) `id` > 0: the same result as the generic path (updates
 * for connector 0 first, then for `id`; power, energy, current), without copying and
 * comparing every channel. Power and energy are numbers, compared as such; a `current`
 * array can be replaced by several entries of one report and end equal to the one before,
 * so it is compared by value.
 */
function observeMeterValues(values: StationValues, read: MeterReader, id: number, meterValue: unknown): ChannelUpdate[] {
  const c = connectorOf(values, id);
  const { power, energy, current } = c;
  applyMeterValues(c, read, meterValue);
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
    if (total.current !== undefined && !deepEqual(total.current, current0))
      updates.push({ connector: 0, channel: 'current', value: copy(total.current) });
  }
  if (c.power !== power && c.power !== undefined) updates.push({ connector: id, channel: 'power', value: c.power });
  if (c.energy !== energy && c.energy !== undefined) updates.push({ connector: id, channel: 'energy', value: c.energy });
  if (c.current !== undefined && !deepEqual(c.current, current))
    updates.push({ connector: id, channel: 'current', value: copy(c.current) });
  return updates;
}

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
export function observeCall(
  values: StationValues,
  version: OcppVersion,
  action: string,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
  receivedAt?: string,
  readingNotes: ReadingNotes | null = null,
): ChannelUpdate[] {
  return observeWith(profileOf(version), values, action, request, response, receivedAt, readingNotes);
}

/** observeCall with the version's adapter at hand (the connection has it), as the central system calls it for every CALL. */
export function observeWith(
  adapter: VersionAdapter,
  values: StationValues,
  action: string,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
  receivedAt?: string,
  readingNotes: ReadingNotes | null = null,
): ChannelUpdate[] {
  if (!ready(values, request)) return [];
  const rules = adapter.observe;
  // The most frequent report gets a path of its own that compares only what it can change.
  const meterConnector = action === 'MeterValues' ? request[rules.meterConnector] : undefined;
  const shortcut = isId(meterConnector) && meterConnector !== 0;
  const handler = shortcut ? undefined : rules.handlers.get(action);
  if (!shortcut && !handler) return [];
  setReadingNotes(readingNotes);
  try {
    return shortcut
      ? observeMeterValues(values, rules.readMeter, meterConnector as number, request.meterValue)
      : observeHandled(values, handler!, request, response, receivedAt);
  } finally {
    setReadingNotes(null);
  }
}

/**
 * @internal observeCall without the MeterValues shortcut: every connector a handler touches
 * is copied before and compared after. Exported for the test that holds the two paths equal.
 */
export function observeAnyCall(
  values: StationValues,
  version: OcppVersion,
  action: string,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
  receivedAt?: string,
): ChannelUpdate[] {
  if (!ready(values, request)) return [];
  const handler = profileOf(version).observe.handlers.get(action);
  return handler ? observeHandled(values, handler, request, response, receivedAt) : [];
}

/** Runs one adapter handler with change tracking: every connector it touches is compared after. */
function observeHandled(
  values: StationValues,
  handler: ObserveHandler,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
  receivedAt?: string,
): ChannelUpdate[] {
  const before = beginObservation();
  try {
    handler(values, request, response && typeof response === 'object' ? response : {}, receivedAt ?? isoNow());
    const updates = changesSince(before, values);
    // The station totals follow the meter values: recomputed only when one of them changed.
    if (!updates.some((u) => u.channel === 'power' || u.channel === 'energy' || u.channel === 'current')) return updates;
    applyStationTotals(values);
    return changesSince(before, values);
  } finally {
    endObservation();
  }
}
