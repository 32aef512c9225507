import { VersionProfile } from './types';

/** OCPP 2.0.1 (FINAL), JSON over WebSocket. */
export const OCPP201: VersionProfile = {
  version: 'ocpp2.0.1',
  schemaExport: 'Ocpp20Schemas',
  stationActions: [
    'Authorize', 'BootNotification', 'ClearedChargingLimit', 'DataTransfer',
    'FirmwareStatusNotification', 'Get15118EVCertificate', 'GetCertificateStatus',
    'Heartbeat', 'LogStatusNotification', 'MeterValues', 'NotifyChargingLimit',
    'NotifyCustomerInformation', 'NotifyDisplayMessages', 'NotifyEVChargingNeeds',
    'NotifyEVChargingSchedule', 'NotifyEvent', 'NotifyMonitoringReport', 'NotifyReport',
    'PublishFirmwareStatusNotification', 'ReportChargingProfiles', 'ReservationStatusUpdate',
    'SecurityEventNotification', 'SignCertificate', 'StatusNotification', 'TransactionEvent',
  ],
  centralActions: [
    'CancelReservation', 'CertificateSigned', 'ChangeAvailability', 'ClearCache',
    'ClearChargingProfile', 'ClearDisplayMessage', 'ClearVariableMonitoring', 'CostUpdated',
    'CustomerInformation', 'DataTransfer', 'DeleteCertificate', 'GetBaseReport',
    'GetChargingProfiles', 'GetCompositeSchedule', 'GetDisplayMessages',
    'GetInstalledCertificateIds', 'GetLocalListVersion', 'GetLog', 'GetMonitoringReport',
    'GetReport', 'GetTransactionStatus', 'GetVariables', 'InstallCertificate',
    'PublishFirmware', 'RequestStartTransaction', 'RequestStopTransaction', 'ReserveNow',
    'Reset', 'SendLocalList', 'SetChargingProfile', 'SetDisplayMessage', 'SetMonitoringBase',
    'SetMonitoringLevel', 'SetNetworkProfile', 'SetVariableMonitoring', 'SetVariables',
    'TriggerMessage', 'UnlockConnector', 'UnpublishFirmware', 'UpdateFirmware',
  ],
  errors: {
    formation: 'RpcFrameworkError',
    format: 'FormatViolation',
    property: 'PropertyConstraintViolation',
    occurrence: 'OccurrenceConstraintViolation',
    type: 'TypeConstraintViolation',
    messageType: 'MessageTypeNotSupported',
    notImplemented: 'NotImplemented',
    notSupported: 'NotSupported',
    internal: 'InternalError',
    generic: 'GenericError',
  },
  errorCodes: [
    'FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported',
    'NotImplemented', 'NotSupported', 'OccurrenceConstraintViolation',
    'PropertyConstraintViolation', 'ProtocolError', 'RpcFrameworkError', 'SecurityError',
    'TypeConstraintViolation',
  ],
  decimalStrings: [],
};
