import type { StationRecord } from '../registry/station-registry';
import { OcppVersion } from '../versions';

type Payload = Record<string, any>;

function set(record: StationRecord, key: keyof StationRecord['properties'], value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || record.properties[key] === value) return false;
  record.properties[key] = value;
  return true;
}

function connector(record: StationRecord, n: number): StationRecord['connectors'][string] {
  const key = String(n);
  return (record.connectors[key] ||= {});
}

/**
 * Fills a station's record from what it sent: properties from BootNotification,
 * connectors/EVSEs and their last status from StatusNotification, and for 2.0.1 the
 * EVSEs named in NotifyReport and TransactionEvent. Returns true when anything changed.
 */
export function recognise(record: StationRecord, version: OcppVersion, action: string, p: Payload): boolean {
  let changed = false;
  if (version === 'ocpp1.6') {
    switch (action) {
      case 'BootNotification':
        changed = set(record, 'vendor', p.chargePointVendor) || changed;
        changed = set(record, 'model', p.chargePointModel) || changed;
        changed = set(record, 'serialNumber', p.chargePointSerialNumber) || changed;
        changed = set(record, 'chargeBoxSerialNumber', p.chargeBoxSerialNumber) || changed;
        changed = set(record, 'firmwareVersion', p.firmwareVersion) || changed;
        changed = set(record, 'iccid', p.iccid) || changed;
        changed = set(record, 'imsi', p.imsi) || changed;
        changed = set(record, 'meterType', p.meterType) || changed;
        changed = set(record, 'meterSerialNumber', p.meterSerialNumber) || changed;
        return changed;
      case 'StatusNotification': {
        const c = connector(record, p.connectorId);
        c.status = p.status;
        c.errorCode = p.errorCode;
        c.updated = p.timestamp || new Date().toISOString();
        return true;
      }
      default:
        return false;
    }
  }
  switch (action) {
    case 'BootNotification': {
      const cs = p.chargingStation || {};
      changed = set(record, 'vendor', cs.vendorName) || changed;
      changed = set(record, 'model', cs.model) || changed;
      changed = set(record, 'serialNumber', cs.serialNumber) || changed;
      changed = set(record, 'firmwareVersion', cs.firmwareVersion) || changed;
      changed = set(record, 'iccid', cs.modem?.iccid) || changed;
      changed = set(record, 'imsi', cs.modem?.imsi) || changed;
      return changed;
    }
    case 'StatusNotification': {
      const c = connector(record, p.evseId);
      c.status = p.connectorStatus;
      c.updated = p.timestamp || new Date().toISOString();
      addConnectorId(c, p.connectorId);
      return true;
    }
    case 'NotifyReport':
      for (const item of (p.reportData || []) as Payload[]) {
        const evse = item.component?.evse;
        if (evse && typeof evse.id === 'number') {
          const before = JSON.stringify(record.connectors[String(evse.id)]);
          const c = connector(record, evse.id);
          addConnectorId(c, evse.connectorId);
          changed = before !== JSON.stringify(c) || changed;
        }
      }
      return changed;
    case 'TransactionEvent': {
      const evse = p.evse;
      if (!evse || typeof evse.id !== 'number') return false;
      const existed = String(evse.id) in record.connectors;
      const c = connector(record, evse.id);
      return addConnectorId(c, evse.connectorId) || !existed;
    }
    default:
      return false;
  }
}

function addConnectorId(c: StationRecord['connectors'][string], id: unknown): boolean {
  if (typeof id !== 'number') return false;
  const list = (c.connectors ||= []);
  if (list.includes(id)) return false;
  list.push(id);
  list.sort((a, b) => a - b);
  return true;
}
