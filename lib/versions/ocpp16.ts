import { VersionProfile } from './types';

/** OCPP 1.6J with the security extension (Improved security for OCPP 1.6-J). */
export const OCPP16: VersionProfile = {
  version: 'ocpp1.6',
  schemaExport: 'Ocpp16Schemas',
  stationActions: [
    'Authorize', 'BootNotification', 'DataTransfer', 'DiagnosticsStatusNotification',
    'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StartTransaction',
    'StatusNotification', 'StopTransaction',
    'LogStatusNotification', 'SecurityEventNotification', 'SignCertificate',
    'SignedFirmwareStatusNotification',
  ],
  centralActions: [
    'CancelReservation', 'ChangeAvailability', 'ChangeConfiguration', 'ClearCache',
    'ClearChargingProfile', 'DataTransfer', 'GetCompositeSchedule', 'GetConfiguration',
    'GetDiagnostics', 'GetLocalListVersion', 'RemoteStartTransaction', 'RemoteStopTransaction',
    'ReserveNow', 'Reset', 'SendLocalList', 'SetChargingProfile', 'TriggerMessage',
    'UnlockConnector', 'UpdateFirmware',
    'CertificateSigned', 'DeleteCertificate', 'ExtendedTriggerMessage',
    'GetInstalledCertificateIds', 'GetLog', 'InstallCertificate', 'SignedUpdateFirmware',
  ],
  errors: {
    formation: 'FormationViolation',
    format: 'FormationViolation',
    property: 'PropertyConstraintViolation',
    occurrence: 'OccurenceConstraintViolation',
    type: 'TypeConstraintViolation',
    messageType: 'FormationViolation',
    notImplemented: 'NotImplemented',
    notSupported: 'NotSupported',
    internal: 'InternalError',
    generic: 'GenericError',
  },
  errorCodes: [
    'NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError',
    'FormationViolation', 'PropertyConstraintViolation', 'OccurenceConstraintViolation',
    'TypeConstraintViolation', 'GenericError',
  ],
  decimalStrings: [{ array: 'sampledValue', property: 'value' }],
};
