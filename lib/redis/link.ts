import { EventEmitter } from 'events';
import Redis from 'ioredis';
import { Logger, silentLogger } from '../rpc/logger';

export interface RedisLinkOptions {
  /** `redis://host:port[/db]`. */
  url: string;
  password?: string;
  /** Prefix of every key and channel, e.g. `ocpp-interface:<config node id>:`. */
  prefix: string;
  /** How long a command may take before Redis counts as unreachable (default COMMAND_TIMEOUT_MS). */
  commandTimeoutMs?: number;
  log?: Logger;
}

/** Longest pause between two attempts to reach Redis again. */
const RECONNECT_MAX_MS = 2000;

/**
 * How long a command may wait for Redis's answer. A Redis that stops answering while its
 * connection stays open (a network partition, an overloaded or stopped server) would
 * otherwise keep every answer waiting that needs it, with the link still `ready`.
 */
export const COMMAND_TIMEOUT_MS = 2500;

/** How often the link checks with a PING that Redis still answers. */
const HEALTH_PING_MS = 1000;

/** A PING's timeout that fires this much later than due is not taken as Redis's silence. */
const LATE_TIMEOUT_MS = 200;

/**
 * The connections of one interface to Redis: one for commands, one for subscriptions.
 * Commands fail at once while Redis is unreachable (no offline queue: callers keep their
 * own pending writes and retry on `up`), and after `commandTimeoutMs` when Redis does not
 * answer. Reconnects by itself. A PING every second tells whether Redis answers: one that
 * times out counts as `down` although the connection is open, the next one answered as `up`.
 *
 * Events: `up` (ready again), `down` (lost), `closed` (closed by its owner).
 */
export class RedisLink extends EventEmitter {
  readonly client: Redis;
  readonly subscriber: Redis;
  readonly prefix: string;
  readonly commandTimeoutMs: number;
  private wasUp = false;
  private closed = false;
  /** The connection is open but Redis did not answer the last health PING in time. */
  private stalled = false;
  private pinging = false;
  private readonly healthTimer: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(options: RedisLinkOptions) {
    super();
    this.prefix = options.prefix;
    this.log = options.log ?? silentLogger;
    this.commandTimeoutMs = options.commandTimeoutMs && options.commandTimeoutMs > 0 ? options.commandTimeoutMs : COMMAND_TIMEOUT_MS;
    const common = {
      password: options.password || undefined,
      retryStrategy: (times: number) => Math.min(times * 100, RECONNECT_MAX_MS),
      connectTimeout: 5000,
    };
    this.client = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: this.commandTimeoutMs,
    });
    // Subscriptions are queued until connected and renewed after every reconnect.
    this.subscriber = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
    this.client.on('ready', () => this.setUp(true));
    this.client.on('close', () => {
      this.stalled = false;
      this.setUp(false);
    });
    let lastError = '';
    const onError = (err: Error) => {
      if (err.message !== lastError) this.log.warn(`Redis: ${err.message}`);
      lastError = err.message;
    };
    this.client.on('error', onError);
    this.subscriber.on('error', () => undefined);
    this.client.on('ready', () => {
      lastError = '';
    });
    this.healthTimer = setInterval(() => this.checkHealth(), HEALTH_PING_MS);
    this.healthTimer.unref();
  }

  get up(): boolean {
    return this.client.status === 'ready' && !this.stalled;
  }

  /** Resolves once Redis answers (at once when it does already), or once the link is closed (see isClosed). */
  whenUp(): Promise<void> {
    if (this.up || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.removeListener('up', done);
        this.removeListener('closed', done);
        resolve();
      };
      this.once('up', done);
      this.once('closed', done);
    });
  }

  /** One PING at a time: a timeout marks the link down, an answer up again. */
  private checkHealth(): void {
    if (this.pinging || this.closed || this.client.status !== 'ready') return;
    this.pinging = true;
    const sentAt = Date.now();
    this.client.ping().then(
      () => {
        this.pinging = false;
        if (!this.stalled) return;
        this.stalled = false;
        this.log.info('Redis: answers again');
        this.setUp(this.client.status === 'ready');
      },
      (err: Error) => {
        this.pinging = false;
        if (this.stalled || this.client.status !== 'ready') return;
        // A timeout that fired late says nothing: this process was busy, and Redis's answer may be waiting unread.
        if (Date.now() - sentAt > this.commandTimeoutMs + LATE_TIMEOUT_MS) return;
        this.stalled = true;
        this.log.warn(`Redis: ${err.message}: no answer within ${this.commandTimeoutMs / 1000} s, counted as unreachable`);
        this.setUp(false);
      },
    );
  }

  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  private setUp(up: boolean): void {
    if (up === this.wasUp || this.closed) return;
    this.wasUp = up;
    this.emit(up ? 'up' : 'down');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.healthTimer);
    this.emit('closed');
    // QUIT only where Redis answers: one sent to a connection that is not ready would wait for it forever
    const end = (redis: Redis) =>
      redis.status === 'ready' && !this.stalled
        ? redis.quit().then(
            () => undefined,
            () => redis.disconnect(),
          )
        : Promise.resolve(redis.disconnect());
    await Promise.all([end(this.client), end(this.subscriber)]);
  }
}
