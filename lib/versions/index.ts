import { OCPP16 } from './ocpp16';
import { OCPP201 } from './ocpp201';
import { OcppVersion, VersionProfile } from './types';

export * from './types';
export { OCPP16, OCPP201 };

const PROFILES: Record<OcppVersion, VersionProfile> = { 'ocpp1.6': OCPP16, 'ocpp2.0.1': OCPP201 };

export function profileOf(version: OcppVersion): VersionProfile {
  return PROFILES[version];
}
