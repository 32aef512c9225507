import { EventEmitter } from 'events';
import Redis from 'ioredis';
import { Logger, silentLogger } from '../rpc/logger';

export interface RedisLinkOptions {
  /** `redis://host:port[/db]`. */
  url: string;
  password?: string;
  /** Prefix of every key and channel, e.g. `ocpp-interface:<config node id>:`. */
  prefix: string;
  log?: Logger;
}

/** Longest pause between two attempts to reach Redis again. */
const RECONNECT_MAX_MS = 2000;

/**
 * The connections of one interface to Redis: one for commands, one for subscriptions.
 * Commands fail at once while Redis is unreachable (no offline queue: callers keep their
 * own pending writes and retry on `up`). Reconnects by itself.
 *
 * Events: `up` (ready again), `down` (lost), `closed` (closed by its owner).
 */
export class RedisLink extends EventEmitter {
  readonly client: Redis;
  readonly subscriber: Redis;
  readonly prefix: string;
  private wasUp = false;
  private closed = false;
  private readonly log: Logger;

  constructor(options: RedisLinkOptions) {
    super();
    this.prefix = options.prefix;
    this.log = options.log ?? silentLogger;
    const common = {
      password: options.password || undefined,
      retryStrategy: (times: number) => Math.min(times * 100, RECONNECT_MAX_MS),
      connectTimeout: 5000,
    };
    this.client = new Redis(options.url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // Subscriptions are queued until connected and renewed after every reconnect.
    this.subscriber = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
    this.client.on('ready', () => this.setUp(true));
    this.client.on('close', () => this.setUp(false));
    let lastError = '';
    const onError = (err: Error) => {
      if (err.message !== lastError) this.log.warn(`Redis: ${err.message}`);
      lastError = err.message;
    };
    this.client.on('error', onError);
    this.subscriber.on('error', () => undefined);
    this.client.on('ready', () => { lastError = ''; });
  }

  get up(): boolean {
    return this.client.status === 'ready';
  }

  /** Resolves once Redis answers (at once when it does already). */
  whenUp(): Promise<void> {
    if (this.up) return Promise.resolve();
    return new Promise((resolve) => this.once('up', resolve));
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
    this.emit('closed');
    await Promise.all([this.client.quit().catch(() => this.client.disconnect()), this.subscriber.quit().catch(() => this.subscriber.disconnect())]);
  }
}
