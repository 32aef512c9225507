import { OCPP16 } from './ocpp16';
import { OCPP201 } from './ocpp201';
import { OcppVersion, VersionProfile } from './types';

export * from './types';
export { OCPP16, OCPP201 };

const PROFILES: Record<OcppVersion, VersionProfile> = { 'ocpp1.6': OCPP16, 'ocpp2.0.1': OCPP201 };

export function profileOf(version: OcppVersion): VersionProfile {
  return PROFILES[version];
}

const STATION_ACTIONS: Record<OcppVersion, ReadonlySet<string>> = {
  'ocpp1.6': new Set(OCPP16.stationActions),
  'ocpp2.0.1': new Set(OCPP201.stationActions),
};
const CENTRAL_ACTIONS: Record<OcppVersion, ReadonlySet<string>> = {
  'ocpp1.6': new Set(OCPP16.centralActions),
  'ocpp2.0.1': new Set(OCPP201.centralActions),
};

/** A CALL a charging station sends in this version. */
export function isStationAction(version: OcppVersion, action: string): boolean {
  return STATION_ACTIONS[version].has(action);
}

/** A CALL the central system sends in this version. */
export function isCentralAction(version: OcppVersion, action: string): boolean {
  return CENTRAL_ACTIONS[version].has(action);
}
