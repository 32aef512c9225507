import { OCPP16 } from './ocpp16';
import { OCPP201 } from './ocpp201';
import { OCPP21 } from './ocpp21';
import { OcppVersion, VersionAdapter } from './types';

export * from './types';
export { OCPP16, STATUS_FROM_16 } from './ocpp16';
export { OCPP201, EVSE_STATUS_PRIORITY, evseConnectorStatus, STATUS_FROM_201, statusFrom201 } from './ocpp201';
export { OCPP21 } from './ocpp21';

/** Every version this package speaks, oldest first: the editor lists them in this order. */
const ADAPTERS: readonly VersionAdapter[] = [OCPP16, OCPP201, OCPP21];

export const SUPPORTED_VERSIONS: readonly OcppVersion[] = ADAPTERS.map((a) => a.version);

const BY_VERSION = new Map<string, VersionAdapter>(ADAPTERS.map((a) => [a.version, a]));

export function isVersion(value: unknown): value is OcppVersion {
  return typeof value === 'string' && BY_VERSION.has(value);
}

/** The adapter of a version: everything in which it differs from the others. */
export function profileOf(version: OcppVersion): VersionAdapter {
  return BY_VERSION.get(version)!;
}

const STATION_ACTIONS = new Map(ADAPTERS.map((a) => [a.version, new Set(a.stationActions)]));
const CENTRAL_ACTIONS = new Map(ADAPTERS.map((a) => [a.version, new Set(a.centralActions)]));

/** A CALL a charging station sends in this version. */
export function isStationAction(version: OcppVersion, action: string): boolean {
  return STATION_ACTIONS.get(version)!.has(action);
}

/** A CALL the central system sends in this version. */
export function isCentralAction(version: OcppVersion, action: string): boolean {
  return CENTRAL_ACTIONS.get(version)!.has(action);
}

/** For the editor: each version's name and actions by direction, in the order of SUPPORTED_VERSIONS. */
export function versionCatalogue(): Record<string, { label: string; station: readonly string[]; central: readonly string[] }> {
  const out: Record<string, { label: string; station: readonly string[]; central: readonly string[] }> = {};
  for (const a of ADAPTERS) out[a.version] = { label: a.label, station: a.stationActions, central: a.centralActions };
  return out;
}
