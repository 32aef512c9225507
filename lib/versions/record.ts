/** Helpers the adapters' recognition shares: a station record filled from what it sent. */
import type { ConnectorState } from '../channels/model';
import type { StationProperties, StationRecord } from '../registry/station-registry';

/** Sets one recognised property; true when it changed. */
export function setProperty(record: StationRecord, key: keyof StationProperties, value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || record.properties[key] === value) return false;
  record.properties[key] = value;
  return true;
}

/** Sets several recognised properties at once; true when any changed. */
export function setProperties(record: StationRecord, values: Partial<Record<keyof StationProperties, unknown>>): boolean {
  let changed = false;
  for (const key of Object.keys(values) as (keyof StationProperties)[]) changed = setProperty(record, key, values[key]) || changed;
  return changed;
}

/** The state of connector (1.6) / EVSE (2.x) `n`, created when first named. */
export function connectorState(record: StationRecord, n: number): ConnectorState {
  const key = String(n);
  return (record.connectors[key] ||= {});
}

/** Records a connector id seen on an EVSE (2.x); true when it was new. */
export function addConnectorId(c: ConnectorState, id: unknown): boolean {
  if (typeof id !== 'number') return false;
  const list = (c.connectorIds ||= []);
  if (list.includes(id)) return false;
  list.push(id);
  list.sort((a, b) => a - b);
  return true;
}
