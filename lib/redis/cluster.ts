import { randomUUID } from 'crypto';
import { RpcError, RpcErrorCode } from '../rpc/errors';
import type { CallOutcome } from '../rpc/connection';
import { Logger, silentLogger } from '../rpc/logger';
import { RedisLink } from './link';

/** What an instance does when another one asks. */
export interface ClusterHandlers {
  /** Sends a command to a station connected here (never forwarded again). */
  command(station: string, action: string, payload: unknown, timeoutMs: number): Promise<CallOutcome>;
  /** Another instance takes over the station: store what is pending for it and close it here. */
  release(station: string): Promise<void>;
  /** Another instance changed the station's record (null: the rejected list). */
  changed(station: string | null): void;
  /** Subscribed again after Redis was away: changes announced meanwhile were missed, read everything again. */
  resync?(): void;
}

export interface ClusterOptions {
  /** How long a presence key lives unless refreshed. */
  presenceTtlMs?: number;
  /** How often the presence of the stations held here is refreshed. */
  refreshMs?: number;
  /** How long a new holder waits for the old one to hand a station over. */
  takeoverWaitMs?: number;
  log?: Logger;
}

const DEFAULTS = { presenceTtlMs: 15000, refreshMs: 5000, takeoverWaitMs: 2000 };

/** Extra time the caller waits beyond a command's own timeout, for the holder's `timeout` answer to arrive. */
const ANSWER_MARGIN_MS = 1000;

/** Changes of channel values and counters are announced to the other instances at most this often, together. */
const COARSE_ANNOUNCE_MS = 5000;

/** After subscribing again, the time other instances get to write back what Redis lost before everything is read again. */
const RESYNC_DELAY_MS = 1000;

/**
 * Why a command could not be routed, as `details.cluster` of its RpcError: nodes show their
 * own text for it (README: Several Node-RED instances).
 */
export type ClusterFault = 'redisUnreachable' | 'holderGone';

/** The reason a station is refused with HTTP 503 while Redis cannot be reached. */
export const STORE_UNAVAILABLE_REASON = 'station registry unreachable';

/** Deletes a presence key only while it still names this instance. */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

type BusMessage =
  | { t: 'call'; cid: string; from: string; station: string; action: string; payload: unknown; timeoutMs: number }
  | { t: 'release'; cid: string; from: string; station: string }
  | { t: 'result'; cid: string; payload: Record<string, unknown>; messageId: string; durationMs: number }
  | { t: 'done'; cid: string }
  | { t: 'error'; cid: string; code: RpcErrorCode; message: string; details?: Record<string, unknown> };

interface Pending {
  resolve(message: BusMessage): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Several instances on one interface: which instance holds which station (a presence key
 * per station with a TTL, refreshed while connected), commands for a station held
 * elsewhere (published to the holder's channel with a correlation id, answered on the
 * caller's), and takeovers when a station connects to another instance.
 */
export class StationCluster {
  readonly instanceId = randomUUID();
  private readonly held = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly options: Required<Omit<ClusterOptions, 'log'>>;
  private readonly log: Logger;
  private readonly ownChannel: string;
  private readonly changesChannel: string;
  private refreshTimer: NodeJS.Timeout | null = null;
  private nextCid = 0;
  private readonly onMessage = (channel: string, text: string) => this.received(channel, text);
  private readonly onUp = () => this.refresh();
  private subscribedBefore = false;
  private closed = false;
  /** Stations whose less precious changes (channel values) are announced together, with the next batch. */
  private readonly coarse = new Set<string>();
  private coarseTimer: NodeJS.Timeout | null = null;
  private resyncTimer: NodeJS.Timeout | null = null;
  private readonly onSubscriberReady = () => {
    if (!this.subscribedBefore) {
      this.subscribedBefore = true;
      return;
    }
    if (this.resyncTimer || !this.handlers.resync) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = null;
      this.handlers.resync?.();
    }, RESYNC_DELAY_MS);
    this.resyncTimer.unref();
  };

  constructor(
    private readonly link: RedisLink,
    private readonly handlers: ClusterHandlers,
    options: ClusterOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...stripUndefined(options) };
    this.log = options.log ?? silentLogger;
    this.ownChannel = link.key('instance', this.instanceId);
    this.changesChannel = link.key('changes');
  }

  async start(): Promise<void> {
    this.link.subscriber.on('message', this.onMessage);
    this.subscribedBefore = this.link.subscriber.status === 'ready';
    this.link.subscriber.on('ready', this.onSubscriberReady);
    this.link.on('up', this.onUp);
    await this.link.subscriber.subscribe(this.ownChannel, this.changesChannel);
    if (this.closed) return;
    this.refreshTimer = setInterval(() => this.refresh(), this.options.refreshMs);
    this.refreshTimer.unref();
  }

  private presenceKey(station: string): string {
    return this.link.key('presence', station);
  }

  /**
   * The station is about to connect here (its handshake is accepted): where another instance
   * holds it, asks that one to hand it over and waits (at most takeoverWaitMs: a dead
   * instance never answers). Its presence is taken only once it is connected (hold).
   */
  async takeOver(station: string): Promise<void> {
    const previous = await this.link.client.get(this.presenceKey(station));
    if (previous && previous !== this.instanceId) await this.askRelease(previous, station);
  }

  private askRelease(holder: string, station: string): Promise<unknown> {
    return this.request(holder, { t: 'release', cid: '', from: this.instanceId, station }, this.options.takeoverWaitMs).catch(
      () => undefined,
    );
  }

  /**
   * The station is connected here: its presence names this instance from now on. An
   * instance that took it meanwhile (the station connected there at the same time) is asked
   * to let it go.
   */
  hold(station: string): void {
    this.held.add(station);
    if (!this.link.up) return;
    (
      this.link.client.call('SET', this.presenceKey(station), this.instanceId, 'PX', String(this.options.presenceTtlMs), 'GET') as Promise<
        string | null
      >
    ).then(
      (previous) => {
        if (previous && previous !== this.instanceId && this.held.has(station)) return this.askRelease(previous, station);
        return undefined;
      },
      () => undefined,
    );
  }

  /** The station left this instance; its presence goes unless another instance holds it by now. */
  release(station: string): void {
    if (!this.held.delete(station)) return;
    if (this.link.up) this.link.client.eval(RELEASE_SCRIPT, 1, this.presenceKey(station), this.instanceId).catch(() => undefined);
  }

  /** The instance holding each station, or null. */
  async holders(stations: string[]): Promise<(string | null)[]> {
    if (!stations.length) return [];
    return this.link.client.mget(stations.map((s) => this.presenceKey(s)));
  }

  /**
   * Tells the other instances that a station's record (null: the rejected list) changed;
   * `coarse` changes (channel values, counters) are announced together, at most every
   * COARSE_ANNOUNCE_MS, as one message naming every such station.
   */
  announce(station: string | null, coarse = false): void {
    if (!this.link.up) return;
    if (coarse && station !== null) {
      this.coarse.add(station);
      if (!this.coarseTimer) {
        this.coarseTimer = setTimeout(() => this.announceCoarse(), COARSE_ANNOUNCE_MS);
        this.coarseTimer.unref();
      }
      return;
    }
    this.link.client.publish(this.changesChannel, JSON.stringify({ from: this.instanceId, station })).catch(() => undefined);
  }

  private announceCoarse(): void {
    this.coarseTimer = null;
    const stations = [...this.coarse];
    this.coarse.clear();
    if (!stations.length || !this.link.up) return;
    this.link.client.publish(this.changesChannel, JSON.stringify({ from: this.instanceId, stations })).catch(() => undefined);
  }

  /** A command for a station held by another instance; `notConnected` when none holds it. */
  async forward(station: string, action: string, payload: unknown, timeoutMs: number): Promise<CallOutcome> {
    let holder: string | null;
    try {
      holder = await this.link.client.get(this.presenceKey(station));
    } catch (err) {
      throw new RpcError(
        'notConnected',
        `station ${station} cannot be reached: Redis is unreachable (${(err as Error).message})`,
        fault('redisUnreachable'),
      );
    }
    if (!holder || holder === this.instanceId) throw new RpcError('notConnected', `station ${station} is not connected`);
    const answer = await this.request(
      holder,
      { t: 'call', cid: '', from: this.instanceId, station, action, payload, timeoutMs },
      timeoutMs + ANSWER_MARGIN_MS,
    ).catch((err: Error) => {
      throw err instanceof RpcError ? err : new RpcError('timeout', `no answer from station ${station} within ${timeoutMs / 1000} s`);
    });
    if (answer.t === 'result') return { payload: answer.payload, messageId: answer.messageId, durationMs: answer.durationMs };
    if (answer.t === 'error') throw new RpcError(answer.code, answer.message, answer.details);
    throw new RpcError('callError', 'unexpected answer from the instance holding the station');
  }

  private async request(target: string, message: BusMessage, waitMs: number): Promise<BusMessage> {
    const cid = `${this.instanceId}/${++this.nextCid}`;
    (message as { cid: string }).cid = cid;
    const answer = new Promise<BusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(cid);
        reject(new Error('no answer'));
      }, waitMs);
      this.pending.set(cid, { resolve, reject, timer });
    });
    let receivers: number;
    try {
      receivers = await this.link.client.publish(this.link.key('instance', target), JSON.stringify(message));
    } catch (err) {
      this.settle(cid);
      throw new RpcError(
        'notConnected',
        `station ${(message as { station: string }).station} cannot be reached: Redis is unreachable (${(err as Error).message})`,
        fault('redisUnreachable'),
      );
    }
    if (receivers === 0) {
      // The holder is gone (its presence has not expired yet).
      this.settle(cid);
      throw new RpcError(
        'notConnected',
        `station ${(message as { station: string }).station} cannot be reached: the instance holding it is gone`,
        fault('holderGone'),
      );
    }
    return answer;
  }

  private settle(cid: string): Pending | undefined {
    const p = this.pending.get(cid);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(cid);
    }
    return p;
  }

  private received(channel: string, text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (!parsed || typeof parsed !== 'object') return;
    if (channel === this.changesChannel) {
      const change = parsed as { from?: unknown; station?: unknown; stations?: unknown };
      if (change.from === this.instanceId) return;
      if (Array.isArray(change.stations)) {
        for (const station of change.stations) if (typeof station === 'string') this.handlers.changed(station);
      } else {
        this.handlers.changed(typeof change.station === 'string' ? change.station : null);
      }
      return;
    }
    // what instances of this interface publish to one another on its own channel
    const message = parsed as BusMessage;
    if (channel !== this.ownChannel || typeof message.cid !== 'string') return;
    switch (message.t) {
      case 'call':
        this.handlers.command(message.station, message.action, message.payload, message.timeoutMs).then(
          (outcome) =>
            this.reply(message.from, {
              t: 'result',
              cid: message.cid,
              payload: outcome.payload,
              messageId: outcome.messageId,
              durationMs: outcome.durationMs,
            }),
          (err: RpcError) =>
            this.reply(message.from, {
              t: 'error',
              cid: message.cid,
              code: err.code ?? 'callError',
              message: err.message,
              details: err.details,
            }),
        );
        return;
      case 'release':
        // its presence goes at once: the new holder takes it once the station is connected there
        this.release(message.station);
        this.handlers
          .release(message.station)
          .catch((err: Error) => this.log.warn(`handing over ${message.station}: ${err.message}`))
          .then(() => this.reply(message.from, { t: 'done', cid: message.cid }));
        return;
      default:
        this.settle(message.cid)?.resolve(message);
    }
  }

  private reply(target: string, message: BusMessage): void {
    this.link.client.publish(this.link.key('instance', target), JSON.stringify(message)).catch(() => undefined);
  }

  /** Renews the presence of every station held here, in one pipeline. */
  private refresh(): void {
    if (!this.link.up || !this.held.size) return;
    const pipeline = this.link.client.pipeline();
    for (const station of this.held) pipeline.set(this.presenceKey(station), this.instanceId, 'PX', this.options.presenceTtlMs);
    pipeline.exec().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.coarseTimer) clearTimeout(this.coarseTimer);
    this.coarseTimer = null;
    this.announceCoarse();
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    this.link.subscriber.removeListener('message', this.onMessage);
    this.link.subscriber.removeListener('ready', this.onSubscriberReady);
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.resyncTimer = null;
    this.link.removeListener('up', this.onUp);
    // a caller still waiting for another instance gets its answer now
    for (const cid of [...this.pending.keys()])
      this.settle(cid)?.reject(new RpcError('notConnected', 'the interface was closed before the station answered'));
    if (this.link.up && this.held.size) {
      const pipeline = this.link.client.pipeline();
      for (const station of this.held) pipeline.eval(RELEASE_SCRIPT, 1, this.presenceKey(station), this.instanceId);
      await pipeline.exec().catch(() => undefined);
    }
    this.held.clear();
  }
}

function fault(cluster: ClusterFault): Record<string, unknown> {
  return { cluster };
}

/** The cluster fault an error of a routed command names, or null. */
export function clusterFault(err: unknown): ClusterFault | null {
  const value = err instanceof RpcError ? err.details?.cluster : undefined;
  return value === 'redisUnreachable' || value === 'holderGone' ? value : null;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
