/** The version-neutral channels of a station and the values behind them. */

export const READ_CHANNELS = ['connected', 'status', 'power', 'energy', 'current', 'transaction'] as const;
export const WRITE_CHANNELS = ['currentLimit', 'powerLimit', 'available', 'charging', 'reset', 'unlock'] as const;

export type ReadChannel = (typeof READ_CHANNELS)[number];
export type WriteChannel = (typeof WRITE_CHANNELS)[number];
export type ChannelName = ReadChannel | WriteChannel;

/** Values of the `status` channel: the OCPP 1.6 connector states, for both versions. */
export const CHANNEL_STATUSES = [
  'Available',
  'Preparing',
  'Charging',
  'SuspendedEV',
  'SuspendedEVSE',
  'Finishing',
  'Reserved',
  'Unavailable',
  'Faulted',
] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/** Meter quantities a connector can report; connector 0 sums them when it has no meter of its own. */
export type MeterQuantity = 'power' | 'energy' | 'current';

export interface TransactionValue {
  /** As the station has it: an integer in 1.6 (assigned by us), a string in 2.x. */
  id: string | number;
  idTag: string | null;
  /** ISO time the transaction started, as the station reported it. */
  start: string;
  /** Energy register at the start, Wh; null when the station did not say. */
  meterStart: number | null;
}

/** What a 2.x station last reported about an EVSE, kept to derive the 1.6-style status. */
export interface Reported201 {
  /** Last ConnectorStatus per connector id of the EVSE. */
  connectors?: Record<string, string>;
  chargingState?: string | null;
  phase?: TransactionPhase;
}

/**
 * Where an EVSE is in its transaction cycle (2.x): `none` no transaction since the
 * connector was last free, `started` running but no energy yet, `charged` running and
 * it has charged, `ended` ended while the connector is still occupied.
 */
export type TransactionPhase = 'none' | 'started' | 'charged' | 'ended';

export interface ConnectorValues {
  status?: ChannelStatus;
  /** Active import power, W. */
  power?: number;
  /** Active import energy register, Wh. */
  energy?: number;
  /** Current per phase, A: [L1, L2, L3], or [I] for an unphased reading. */
  current?: number[];
  transaction?: TransactionValue | null;
  /** ISO time of the station's last report about this connector. */
  updated?: string;
  /** Quantities this connector's own meter reported (used for connector 0 totals). */
  measured?: MeterQuantity[];
  /** 2.x only: raw reports behind `status`. */
  reported?: Reported201;
}

/**
 * One connector (1.6) or EVSE (2.x) as the registry keeps it: its channel values and what
 * the station last said about it in its own words. Plain JSON.
 */
export interface ConnectorState extends ConnectorValues {
  /** The station's own status word (1.6 ChargePointStatus, 2.x ConnectorStatus). */
  stationStatus?: string;
  /** 1.6: the error code of the last StatusNotification. */
  errorCode?: string;
  /** 2.x: the connector ids seen on this EVSE. */
  connectorIds?: number[];
}

/** Everything known about one station's connectors; key "0" is the whole station. */
export interface StationState {
  connectors: Record<string, ConnectorState>;
}

/** The channels' view of a station's state (the same object). */
export type StationValues = StationState;

export function emptyStationValues(): StationValues {
  return { connectors: {} };
}

export function isReadChannel(name: unknown): name is ReadChannel {
  return (READ_CHANNELS as readonly unknown[]).includes(name);
}

export function isWriteChannel(name: unknown): name is WriteChannel {
  return (WRITE_CHANNELS as readonly unknown[]).includes(name);
}

/**
 * The last known value of a read channel, or undefined when none is known.
 * `connected` is not kept here: the connection state belongs to the interface.
 */
export function channelValue(values: StationValues | undefined, connector: number, channel: ReadChannel): unknown {
  const c = values && values.connectors ? values.connectors[String(connector)] : undefined;
  if (!c || channel === 'connected') return undefined;
  const v = c[channel];
  // a copy: a flow changing msg.payload must not change the stored value
  return v !== null && typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v;
}
