import type { StationRecord } from '../registry/station-registry';
import { OcppVersion, profileOf } from '../versions';

/**
 * Fills a station's record from what it sent (README: Station registry): what each CALL
 * tells is the version adapter's. Returns true when anything changed.
 */
export function recognise(record: StationRecord, version: OcppVersion, action: string, payload: Record<string, unknown>): boolean {
  const recogniser = profileOf(version).recognise.get(action);
  return recogniser ? recogniser(record, payload) : false;
}
