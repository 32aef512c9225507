/**
 * Turns a write to a channel into the OCPP command of the station's version: the value is
 * checked and worked out here, the command itself is the version adapter's.
 */
import { ChannelCommands, OcppVersion, profileOf, WriteCommand } from '../versions';
import { isReadChannel, isWriteChannel, READ_CHANNELS, StationValues, TransactionValue, WRITE_CHANNELS } from './model';

export type ChannelErrorCode = 'invalidValue' | 'readOnly' | 'unknownChannel';

/** A write that cannot become a command; `code` reaches a catch node as msg.error.code. */
export class ChannelError extends Error {
  readonly code: ChannelErrorCode;

  constructor(code: ChannelErrorCode, message: string) {
    super(message);
    this.name = 'ChannelError';
    this.code = code;
  }
}

export interface WriteContext {
  values: StationValues;
  /** Id tag for a remote start (`msg.idTag` or the node's setting). */
  idTag?: string;
  /** 2.x RequestStartTransaction needs one; the station echoes it in TransactionEvent. */
  remoteStartId?: number;
  /** Clock for the start of station-wide limits; defaults to now. */
  now?: Date;
}

export type { WriteCommand };

export interface WriteResult {
  accepted: boolean;
  status: string;
}

/** Answer for a write that needs no command (e.g. stop with no transaction running). */
export interface WriteNoop {
  noop: { accepted: false; status: string };
}

export type LimitChannel = 'currentLimit' | 'powerLimit';

/**
 * Charging profile ids: base + connector, so a new limit replaces the previous one of the
 * same channel and connector, and null can clear exactly it.
 */
export const PROFILE_ID_BASE: Readonly<Record<LimitChannel, number>> = { currentLimit: 7000, powerLimit: 8000 };

/**
 * Stack levels. Each channel has its own, because 2.0.1 forbids two profiles with the same
 * purpose, stack level and EVSE. currentLimit is on 0, which every station supports; when
 * both are set, powerLimit (higher level) prevails until it is cleared.
 */
export const PROFILE_STACK_LEVEL: Readonly<Record<LimitChannel, number>> = { currentLimit: 0, powerLimit: 1 };

/** Highest connector number a limit can address (profile ids must not overlap). */
export const MAX_LIMIT_CONNECTOR = 999;

/** How far back station-wide (Absolute) limits start, so a station whose clock lags applies them at once. */
const SCHEDULE_LEAD_MS = 24 * 3600 * 1000;

export function profileIdFor(channel: LimitChannel, connector: number): number {
  return PROFILE_ID_BASE[channel] + connector;
}

function invalid(message: string): ChannelError {
  return new ChannelError('invalidValue', message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function toLimit(channel: LimitChannel, value: unknown): number {
  const unit = channel === 'currentLimit' ? 'A' : 'W';
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) {
    throw invalid(`${channel} must be a number of ${unit} (0 or more), or null to clear it; got ${describe(value)}`);
  }
  // both versions take at most one decimal
  return Math.round(n * 10) / 10;
}

function toBoolean(channel: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(`${channel} must be true or false; got ${describe(value)}`);
  return value;
}

function scheduleStart(now: Date | undefined): string {
  const t = (now ? now.getTime() : Date.now()) - SCHEDULE_LEAD_MS;
  return new Date(Math.floor(t / 1000) * 1000).toISOString();
}

/**
 * currentLimit / powerLimit as SetChargingProfile. Connector > 0: TxDefaultProfile, kind
 * Relative (applies from the start of every transaction, running or future, and needs no
 * agreement on the clock). Connector 0: the station maximum, kind Absolute with a start in
 * the past, because 2.0.1 rejects a Relative ChargingStationMaxProfile (K01.FR.38) and a
 * station maximum has no transaction to be relative to.
 */
function limitCommand(commands: ChannelCommands, channel: LimitChannel, connector: number, value: unknown, now?: Date): WriteCommand {
  if (connector > MAX_LIMIT_CONNECTOR) throw invalid(`${channel} works for connectors 0 to ${MAX_LIMIT_CONNECTOR}; got ${connector}`);
  const profileId = profileIdFor(channel, connector);
  if (value === null) return commands.clearLimit(profileId);
  return commands.setLimit({
    connector,
    profileId,
    stackLevel: PROFILE_STACK_LEVEL[channel],
    station: connector === 0,
    unit: channel === 'currentLimit' ? 'A' : 'W',
    limit: toLimit(channel, value),
    startSchedule: scheduleStart(now),
  });
}

/** The transaction a stop applies to: the connector's, or for connector 0 the only one running. */
function runningTransaction(commands: ChannelCommands, values: StationValues, connector: number): TransactionValue | undefined {
  const fits = (t: TransactionValue | null | undefined): t is TransactionValue => !!t && commands.isTransactionId(t.id);
  const connectors = values && values.connectors ? values.connectors : {};
  if (connector > 0) {
    const c = connectors[String(connector)];
    return c && fits(c.transaction) ? c.transaction : undefined;
  }
  const running = Object.entries(connectors).filter(([key, c]) => key !== '0' && c && fits(c.transaction));
  if (running.length > 1) {
    const list = running.map(([key]) => key).join(', ');
    throw invalid(`charging false on connector 0: transactions are running on connectors ${list}; set the connector to stop one of them`);
  }
  return running.length ? running[0][1].transaction! : undefined;
}

function chargingCommand(
  version: OcppVersion,
  commands: ChannelCommands,
  connector: number,
  value: unknown,
  ctx: WriteContext,
): WriteCommand | WriteNoop {
  if (!toBoolean('charging', value)) {
    const tx = runningTransaction(commands, ctx.values, connector);
    if (!tx) return { noop: { accepted: false, status: 'NoTransaction' } };
    return commands.remoteStop(tx.id);
  }
  const idTag = ctx.idTag;
  const max = commands.idTagMaxLength;
  if (typeof idTag !== 'string' || idTag === '') {
    throw invalid('charging true needs an id tag: set msg.idTag or the id tag of the node');
  }
  if (idTag.length > max) throw invalid(`id tag ${JSON.stringify(idTag)} is longer than the ${max} characters ${version} allows`);
  const remoteStartId = Number.isInteger(ctx.remoteStartId) ? ctx.remoteStartId! : Math.floor(Date.now() / 1000) % 2147483647;
  return commands.remoteStart(connector, idTag, remoteStartId);
}

/**
 * The command for a write to a channel of one connector (0 = the whole station), or a
 * `noop` answer when nothing needs sending. Throws ChannelError for a read-only or unknown
 * channel and for a value the channel cannot take.
 */
export function buildWrite(
  version: OcppVersion,
  channel: string,
  connector: number,
  value: unknown,
  ctx: WriteContext,
): WriteCommand | WriteNoop {
  if (isReadChannel(channel)) {
    throw new ChannelError('readOnly', `channel "${channel}" is read-only; writable channels: ${WRITE_CHANNELS.join(', ')}`);
  }
  if (!isWriteChannel(channel)) {
    throw new ChannelError(
      'unknownChannel',
      `unknown channel ${describe(channel)}; channels: ${[...READ_CHANNELS, ...WRITE_CHANNELS].join(', ')}`,
    );
  }
  if (!Number.isInteger(connector) || connector < 0)
    throw invalid(`connector must be 0 (the whole station) or an EVSE/connector number; got ${describe(connector)}`);
  const commands = profileOf(version).commands;
  switch (channel) {
    case 'currentLimit':
    case 'powerLimit':
      return limitCommand(commands, channel, connector, value, ctx && ctx.now);

    case 'available':
      return commands.setAvailable(connector, toBoolean(channel, value));

    case 'charging':
      return chargingCommand(version, commands, connector, value, ctx || { values: { connectors: {} } });

    case 'reset': {
      const kind = typeof value === 'string' ? value.toLowerCase() : undefined;
      if (kind !== 'soft' && kind !== 'hard') throw invalid(`reset must be "soft" or "hard"; got ${describe(value)}`);
      const reset = commands.reset(connector, kind === 'hard');
      if ('refused' in reset) throw invalid(reset.refused);
      return reset;
    }

    case 'unlock':
      if (connector === 0) throw invalid('unlock needs a connector number (1 or more), not 0');
      return commands.unlock(connector);
  }
  throw new ChannelError('unknownChannel', `unknown channel ${describe(channel)}`);
}

/** Station answers that mean the write took effect (or will). */
export const ACCEPTED_STATUSES: readonly string[] = ['Accepted', 'Unlocked', 'Scheduled'];

/** The channel's output for a station's answer to a write command. */
export function interpretResult(_version: OcppVersion, _action: string, response: unknown): WriteResult {
  const status =
    response && typeof response === 'object' && typeof (response as { status?: unknown }).status === 'string'
      ? (response as { status: string }).status
      : 'NoStatus';
  return { accepted: ACCEPTED_STATUSES.includes(status), status };
}
