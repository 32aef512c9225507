import { EventEmitter } from 'events';
import type { Server } from 'http';
import { StationValues } from '../channels/model';
import { observeWith, ReadingNotes } from '../channels/observe';
import { isoAt } from '../clock';
import { AuthDecision, HandshakeInfo, ListenOptions, OcppEndpoint, RejectedHandshake } from '../endpoint/endpoint';
import { hashPassword, verifyPassword } from '../endpoint/passwords';
import { ThrottleOptions } from '../endpoint/auth-throttle';
import { RpcError } from '../rpc/errors';
import { checkPayload } from '../schema/validators';
import { CallOutcome, FrameTap, IncomingCall, RefusedFrame, StationConnection } from '../rpc/connection';
import { RepairKind } from '../schema/repair';
import { Logger, silentLogger } from '../rpc/logger';
import { StationRecord, StationRegistry } from '../registry/station-registry';
import { OcppVersion } from '../versions';
import { RedisLink } from '../redis/link';
import { RedisRegistryStore } from '../redis/registry-store';
import { RedisSessionStore } from '../redis/session-store';
import { ClusterOptions, STORE_UNAVAILABLE_REASON, StationCluster } from '../redis/cluster';
import { FileSessionStore, MemorySessionStore, SessionQuery, SessionRecord, SessionTracker, TransactionEvent } from '../sessions';
import { CertificateAuthority } from '../security/certificates';
import { certificateSigned, readSignCertificate, signCertificateResponse } from '../security/messages';
import { LogEntry, StationLogs } from './station-log';

export interface CentralSystemOptions {
  versions: OcppVersion[];
  autoApprove: boolean;
  security: 'none' | 'basic';
  /** `required`: security profile 3, the station id must be its client certificate's subject CN. */
  clientCertificates?: 'off' | 'required';
  /** Signs the certificates stations ask for with SignCertificate; none: SignCertificate is answered Rejected. */
  certificateAuthority?: CertificateAuthority | null;
  /** Seconds, sent in BootNotification replies. */
  heartbeatInterval: number;
  /** Seconds to wait for a station's answer, and for a flow's reply. */
  callTimeout: number;
  unknownIdTags: 'accept' | 'reject';
  /** `lenient` (default): known deviations of real wallboxes are repaired and reported; `strict`: refused. */
  validation?: 'lenient' | 'strict';
  /** The version of a station that offers no subprotocol; null: refused. */
  assumeVersion?: OcppVersion | null;
  /** Bytes of frames all station logs of this interface keep together (see StationLogs). */
  logBudget?: number;
  /** Full path prefix (with Node-RED's httpNodeRoot where shared). */
  path: string;
  /** Where the station registry is kept; null: in memory only. */
  registryFile: string | null;
  /** `redis`: registry in Redis, shared with every instance that deploys the same interface (README: Several Node-RED instances). */
  store?: 'file' | 'redis';
  redisUrl?: string;
  redisPassword?: string;
  /** The interface's id (the config node id): names its keys in Redis. */
  interfaceId?: string;
  /** Presence timing of `store: redis` (defaults in the cluster). */
  cluster?: ClusterOptions;
  /** Where the session records are kept (a folder); null: in memory only. */
  sessionsDir?: string | null;
  /** Days session records are kept; default 400. */
  sessionRetention?: number;
  deactivated?: boolean;
  pingIntervalMs?: number;
  queueLimit?: number;
  /** Pace of the failed-login throttle (defaults in THROTTLE_DEFAULTS). */
  throttle?: ThrottleOptions;
  log?: Logger;
}

/** Something a station did, for the flows: a CALL, or a connection event. */
export interface StationEvent {
  /** The action, or `connected` / `disconnected` / `rejected`. */
  topic: string;
  station: string;
  version: OcppVersion | null;
  messageId: string | null;
  payload: Record<string, unknown>;
  /** For a CALL: the handle that answers it (already answered unless a flow claimed it). */
  call: StationCall | null;
  /** For a CALL a flow must answer: the owner that claimed it (see claimReplies). */
  replyOwner: object | null;
  /**
   * Set when the event is the station's answer to a command the interface sent by itself
   * (CertificateSigned): `payload` is the answer, `messageId` the command's. Flows get it
   * only where they name the action.
   */
  outcome?: { durationMs: number | null; error: { code: string; description: string } | null };
}

/** A session that started or ended, for the flows: its record is stored already. */
export interface SessionEvent {
  topic: 'sessionStarted' | 'sessionEnded';
  station: string;
  version: OcppVersion | null;
  record: SessionRecord;
}

export interface ChannelEvent {
  station: string;
  connector: number;
  channel: string;
  value: unknown;
}

/** What a station's CALL told about one of its transactions: the sessions' TransactionEvent and the station's version. */
export interface TransactionChange extends TransactionEvent {
  version: OcppVersion;
}

export interface StationSummary {
  id: string;
  connected: boolean;
  version: OcppVersion | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  connectors: { id: number; status: string | null; errorCode?: string; connectors?: number[]; updated: string | null }[];
  addedBy: 'auto' | 'manual';
  firstSeen: string | null;
  lastSeen: string | null;
  hasPassword: boolean;
  /** `store: redis`: the instance holding the station, or null. */
  instance?: string | null;
  /** Messages accepted after lenient repairs, by kind. */
  repairs: Record<string, number>;
  /** Frames refused with a CALLERROR since the station was added. */
  refused: number;
  /** The last frame refused since the interface started, or null. */
  lastRefused: RefusedEvent | null;
}

/** A station's frame, for the flows that record all traffic. */
export interface FrameEvent {
  station: string;
  version: OcppVersion;
  direction: 'in' | 'out';
  frame: string;
}

/** A frame of a station's that was refused with a CALLERROR. */
export interface RefusedEvent extends RefusedFrame {
  station: string;
  version: OcppVersion;
  time: string;
}

/** Channel values are written to the registry file at most this long after they change. */
const VALUES_SAVE_MS = 5000;

/** Stale records read from Redis at once, at most. */
const STALE_READ_BATCH = 500;

/**
 * No step of a handshake waits for Redis longer than this (beyond the commands' own
 * timeout and the takeover wait): the handshake then goes on with what this instance knows.
 */
const HANDSHAKE_REDIS_MS = 5000;

/** Resolves when `p` settles or after HANDSHAKE_REDIS_MS, whichever is first; never rejects. */
function bounded(p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, HANDSHAKE_REDIS_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The last refused frame of each station is kept with at most this many characters. */
const LAST_REFUSED_CHARS = 1024;

/** What each kind of repair means, for the warning logged the first time a station needs it. */
const REPAIR_TEXT: Record<string, string> = {
  dateTime: 'sends times without zone offset (read as UTC)',
  decimalString: 'sends a meter value as a number instead of a decimal string',
  decimalComma: 'sends meter values with a decimal comma (read as a point)',
  unknownProperty: 'sends properties the schema does not define (dropped)',
  enumCase: "spells enumeration values in another case (the schema's spelling taken)",
};

/** How long a tag sent in a remote start is accepted from that station. */
const REMOTE_START_TAG_MS = 10 * 60 * 1000;

interface ReplyClaim {
  owner: object;
  station: string;
  actions: string[];
}

/** One connection's frames into the station log and, while somebody listens, `frame` events. */
class StationTap implements FrameTap {
  constructor(
    private readonly system: CentralSystem,
    private readonly logs: StationLogs,
    private readonly index: number,
    private readonly station: string,
    private readonly version: OcppVersion,
  ) {}

  received(text: string, bytes: Buffer | null, at: number): void {
    if (bytes !== null) this.logs.addBytes(this.index, false, bytes, at);
    else this.logs.addText(this.index, false, text, at);
    if (this.system.framesWatched) this.told('in', text);
  }

  sent(frame: string, at: number): void {
    this.logs.addText(this.index, true, frame, at);
    if (this.system.framesWatched) this.told('out', frame);
  }

  private told(direction: 'in' | 'out', frame: string): void {
    this.system.emit('frame', { station: this.station, version: this.version, direction, frame } satisfies FrameEvent);
  }
}

/**
 * A CALL from a station as the central system hands it on: answering it (automatically
 * or from a flow) also records what it tells (registry, transactions, channel values).
 */
export class StationCall {
  private timer: NodeJS.Timeout | null = null;
  /** @internal Called once when the call is answered or expires. */
  onSettled: (() => void) | null = null;

  constructor(
    private readonly system: CentralSystem,
    readonly incoming: IncomingCall,
    readonly record: StationRecord,
  ) {}

  get station(): string {
    return this.incoming.connection.id;
  }
  get version(): OcppVersion {
    return this.incoming.connection.version;
  }
  get action(): string {
    return this.incoming.action;
  }
  get messageId(): string {
    return this.incoming.messageId;
  }
  get payload(): Record<string, unknown> {
    return this.incoming.payload;
  }
  get answered(): boolean {
    return this.incoming.answered;
  }

  /** Answers with a CALLRESULT; throws RpcError `invalidPayload` (and sends InternalError) for an invalid one. */
  async reply(payload: Record<string, unknown>): Promise<void> {
    let response = payload;
    // A flow answering 1.6 StartTransaction may leave the id to the interface, which alone keeps them unique.
    if (
      this.incoming.connection.profile.centralTransactionIdAction === this.action &&
      payload &&
      typeof payload === 'object' &&
      payload.transactionId === undefined
    ) {
      let transactionId: number;
      try {
        transactionId = await this.system.registry.allocateTransactionId();
      } catch (err) {
        this.fail(this.incoming.connection.profile.errors.internal, 'no transaction id could be reserved');
        throw err;
      }
      response = { ...payload, transactionId };
    }
    this.replyNow(response);
  }

  /** @internal The synchronous answer, for a payload that needs nothing more. */
  replyNow(payload: Record<string, unknown>, prevalidated = false): void {
    this.stopTimer();
    const extract = this.incoming.connection.profile.transactions.get(this.action);
    const tx = extract ? extract(this.station, this.payload, payload) : null;
    if (tx === null) {
      this.incoming.reply(payload, prevalidated);
      this.system.observe(this, payload);
      return;
    }
    // A transaction's answer goes out once its session change is stored: a crash then loses nothing the station was told.
    if (!prevalidated && checkPayload(this.version, this.action, 'response', payload)) this.incoming.reply(payload); // sends InternalError, throws
    this.incoming.decided = true;
    const send = () => {
      try {
        this.incoming.reply(payload, true);
      } catch (err) {
        this.system.replyFailed(this, err as Error);
      }
    };
    const stored = this.system.observe(this, payload, tx);
    if (stored) stored.then(send, send);
    else send();
  }

  fail(code: string, description?: string, details?: Record<string, unknown>): void {
    this.stopTimer();
    this.incoming.fail(code, description, details);
  }

  /** @internal */
  expireAfter(ms: number, onExpired: () => void): void {
    // however the call gets answered (also by the connection's own fault handling), the wait ends
    this.incoming.onAnswered = () => this.stopTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.stopTimer();
      if (this.answered) return;
      this.incoming.fail(this.incoming.connection.profile.errors.internal, `no reply from the central system's flow within ${ms / 1000} s`);
      onExpired();
    }, ms);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const settled = this.onSettled;
    this.onSettled = null;
    if (settled) settled();
  }
}

interface CentralSystemEvents {
  station: [event: StationEvent];
  replyTimeout: [event: StationEvent];
  channel: [event: ChannelEvent];
  transaction: [event: TransactionChange];
  status: [];
  session: [event: SessionEvent];
  frame: [event: FrameEvent];
  invalid: [event: RefusedEvent];
}

/**
 * One OCPP interface: the endpoint stations connect to, its station registry, the
 * automatic replies and the routing of CALLs to flows. Free of Node-RED.
 *
 * Events: `station` (StationEvent), `channel` (ChannelEvent), `transaction` (TransactionChange),
 * `replyTimeout` (StationEvent), `session` (SessionEvent),
 * `status` () whenever the number of connected stations or the state changes, `frame`
 * (FrameEvent) for every frame of every station, `invalid` (RefusedEvent) for every frame
 * refused; `error` is never emitted.
 */
export class CentralSystem extends EventEmitter<CentralSystemEvents> {
  readonly registry: StationRegistry;
  readonly endpoint: OcppEndpoint;
  /** The charging sessions, built from the transaction CALLs this interface answers. */
  readonly sessions: SessionTracker;
  private readonly sessionsStarted: Promise<void>;
  readonly options: CentralSystemOptions;
  private readonly log: Logger;
  private claims: ReplyClaim[] = [];
  private readonly awaitingFlow = new Map<string, StationCall>();
  private readonly floods = new Map<string, { since: number; count: number }>();
  /** Id tags this central system sent in remote starts, by station: accepted even when unknown tags are not. */
  private readonly remoteStartTags = new Map<string, Map<string, number>>();
  private remoteStartId = Math.floor(Date.now() / 1000) % 1000000;
  private started = false;
  /** Whole seconds, at least 1: the reply is sent unchecked, and the schema wants an integer. */
  private readonly heartbeatInterval: number;
  /** `store: redis`: the connections to Redis and the other instances. */
  readonly cluster: StationCluster | null = null;
  private readonly link: RedisLink | null = null;
  private registryLoaded = true;
  /** Stations another instance took over: their closing here changes nothing stored. */
  private readonly handedOver = new Set<string>();
  /** `store: redis`: stations held elsewhere whose record another instance changed since it was read here. */
  private readonly stale = new Set<string>();
  private closed = false;
  /** The last frames of every station, for the commissioning view. */
  readonly logs: StationLogs;
  private readonly lastRefused = new Map<string, RefusedEvent>();
  /** Kinds of repair already logged, by station: each is logged once per station. */
  private readonly repairsLogged = new Map<string, Set<string>>();
  /** The connection whose CALL is being observed, for the reading notes. */
  private observing: StationConnection | null = null;
  /** @internal Somebody listens to `frame` events: read for every frame, so kept as a flag rather than counted each time. */
  framesWatched = false;
  private decimalCommaSeen = false;
  private readonly readingNotes: ReadingNotes = {
    decimalComma: () => {
      this.decimalCommaSeen = true;
    },
    unreadable: (measurand, value) =>
      this.observing?.warn(
        `station ${this.observing.id}: ${measurand} reading ${JSON.stringify(value).slice(0, 100)} cannot be read as a number: ignored`,
      ),
  };

  constructor(options: CentralSystemOptions) {
    super();
    // Every way of adding or removing a listener passes these two events ('newListener' before
    // adding, 'removeListener' after removing), so the flag follows the listeners.
    const untyped = this as unknown as EventEmitter;
    untyped.on('newListener', (event: string | symbol) => {
      if (event === 'frame') this.framesWatched = true;
    });
    untyped.on('removeListener', (event: string | symbol) => {
      if (event === 'frame') this.framesWatched = this.listenerCount('frame') !== 0;
    });
    this.options = options;
    this.log = options.log ?? silentLogger;
    this.heartbeatInterval = Math.max(1, Math.round(Number(options.heartbeatInterval) || 300));
    if (options.store === 'redis') {
      this.link = new RedisLink({
        url: options.redisUrl || 'redis://127.0.0.1:6379',
        password: options.redisPassword,
        prefix: `ocpp-interface:${options.interfaceId ?? ''}:`,
        log: this.log,
      });
      this.registry = new StationRegistry(null, this.log, undefined, new RedisRegistryStore(this.link));
      this.cluster = new StationCluster(
        this.link,
        {
          command: (station, action, payload, timeoutMs) => this.localCommand(station, action, payload, timeoutMs),
          release: (station) => this.handOver(station),
          changed: (station) => this.changedElsewhere(station),
          resync: () => {
            for (const r of this.registry.list()) this.changedElsewhere(r.id);
            this.changedElsewhere(null);
          },
        },
        { ...options.cluster, log: this.log },
      );
      this.registryLoaded = false;
      this.registry.on('stored', (id: string | null, coarse?: boolean) => this.cluster?.announce(id, coarse === true));
      this.link.on('up', () => {
        if (this.registryLoaded) this.registry.restoreStore((id) => this.endpoint.connections.has(id)).catch(() => undefined);
        this.emit('status');
      });
      this.link.on('down', () => this.emit('status'));
      this.startCluster().catch((err: Error) => {
        if (!this.closed) this.log.error(`Redis: ${err.message}`);
      });
    } else {
      this.registry = new StationRegistry(options.registryFile, this.log);
      this.registry.load();
    }
    this.sessions = new SessionTracker(
      this.link
        ? new RedisSessionStore(this.link, { retentionDays: options.sessionRetention, log: this.log })
        : options.sessionsDir
          ? new FileSessionStore(options.sessionsDir, { retentionDays: options.sessionRetention, log: this.log })
          : new MemorySessionStore(),
      this.log,
    );
    const told = (topic: SessionEvent['topic']) => (record: SessionRecord) =>
      this.emit('session', { topic, station: record.station, version: this.versionOf(record.station), record } satisfies SessionEvent);
    this.sessions.on('sessionStarted', told('sessionStarted'));
    this.sessions.on('sessionEnded', told('sessionEnded'));
    this.sessionsStarted = this.sessions.start().catch((err: Error) => this.log.error(`sessions could not be read: ${err.message}`));
    this.logs = new StationLogs(options.logBudget);
    this.endpoint = new OcppEndpoint({
      path: options.path,
      versions: options.versions,
      assumeVersion: options.assumeVersion ?? null,
      validation: options.validation === 'strict' ? 'strict' : 'lenient',
      authorize: (info) => this.authorize(info),
      checksPasswords: options.security === 'basic',
      throttle: options.throttle,
      pingIntervalMs: options.pingIntervalMs,
      queueLimit: options.queueLimit,
      log: this.log,
    });
    this.endpoint.unavailable = !!options.deactivated;
    this.endpoint.on('connected', (conn: StationConnection) => this.connected(conn));
    this.endpoint.on('disconnected', (conn: StationConnection, code: number, reason: string) => this.disconnected(conn, code, reason));
    this.endpoint.on('rejected', (r: RejectedHandshake) => this.rejected(r));
  }

  /**
   * Every listener runs on its own: one that throws (a flow node's copy of a payload, say) is
   * logged and neither stops the listeners after it nor escapes into a socket handler, timer
   * or promise that emitted the event.
   */
  override emit<K extends keyof CentralSystemEvents>(event: K, ...args: CentralSystemEvents[K]): boolean {
    // channel updates are emitted for every reading, often with nobody listening: no copy of an empty list then
    if (this.listenerCount(event) === 0) return false;
    const listeners = this.rawListeners(event);
    for (const listener of listeners) {
      try {
        (listener as (...a: unknown[]) => void).apply(this, args);
      } catch (err) {
        this.log.error(`a listener of the ${String(event)} event failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return listeners.length > 0;
  }

  get deactivated(): boolean {
    return !!this.options.deactivated;
  }

  /** False while `store: redis` cannot reach Redis (or has not loaded the registry from it yet). */
  get storeAvailable(): boolean {
    return !this.link || (this.link.up && this.registryLoaded);
  }

  /** The registry loaded from Redis, tried again until it is reachable. */
  private async startCluster(): Promise<void> {
    const link = this.link as RedisLink;
    await (this.cluster as StationCluster).start();
    while (!this.closed) {
      await link.whenUp();
      if (this.closed) return;
      try {
        await this.registry.loadFromStore();
        if (this.closed) return;
        this.registryLoaded = true;
        this.emit('status');
        return;
      } catch (err) {
        this.log.warn(`Redis: the station registry could not be loaded (${(err as Error).message}); trying again`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** Another instance takes the station over: what is pending for it is stored, then it is closed here. */
  private async handOver(station: string): Promise<void> {
    if (!this.endpoint.connections.has(station)) return;
    this.handedOver.add(station);
    await this.registry.flushStation(station).catch(() => undefined);
    this.endpoint.disconnect(station, 1000, 'connected to another instance');
  }

  /**
   * Another instance changed a station's record, or the rejected list. The record of a
   * known station held elsewhere is only marked stale and read when it is needed (station
   * table, command): most changes are those of the stations' own messages, and reading each
   * on every instance would cost every instance for every write anywhere.
   */
  private changedElsewhere(station: string | null): void {
    if (station === null) {
      this.registry.refreshRejected().catch(() => undefined);
      return;
    }
    if (!this.endpoint.connections.has(station) && this.registry.has(station)) this.stale.add(station);
    else this.refreshElsewhere(station).catch(() => undefined);
  }

  /** Reads a station's record as another instance wrote it; 'status' only where the station appeared or went. */
  private async refreshElsewhere(station: string): Promise<void> {
    const held = this.endpoint.connections.has(station);
    const known = this.registry.has(station);
    this.stale.delete(station);
    let record: StationRecord | undefined;
    try {
      // For a station held here this instance writes its state; only what an administrator sets elsewhere is taken.
      record = await this.registry.refresh(station, held ? ['passwordHash', 'addedBy'] : undefined);
    } catch {
      if (!held) this.stale.add(station);
      return;
    }
    if (!record && held) this.endpoint.disconnect(station, 1008, 'station removed from the central system');
    if (!!record !== known) this.emit('status');
  }

  /** Reads the stale records, a batch at a time. */
  private async refreshStale(): Promise<void> {
    const ids = [...this.stale];
    for (let i = 0; i < ids.length; i += STALE_READ_BATCH) {
      await Promise.all(ids.slice(i, i + STALE_READ_BATCH).map((id) => this.refreshElsewhere(id)));
    }
  }

  get connectedCount(): number {
    return this.endpoint.connections.size;
  }

  isConnected(station: string): boolean {
    return this.endpoint.connections.has(station);
  }

  /** Shares an HTTP(S) server (also while deactivated: its path then answers 503). */
  attach(server: Server): void {
    this.endpoint.attach(server);
    this.started = true;
  }

  /** Listens on a port of its own; a deactivated interface does not listen at all. */
  async listen(options: ListenOptions): Promise<void> {
    if (this.deactivated) return;
    await this.endpoint.listen(options);
    this.started = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.started) await this.endpoint.close();
    this.started = false;
    await this.registry.flush();
    if (this.cluster) await this.cluster.close();
    if (this.link) await this.link.close();
    await this.sessionsStarted;
    await this.sessions.store.close();
  }

  /** Session records whose start lies in [from, to), newest first. */
  async querySessions(query: SessionQuery): Promise<SessionRecord[]> {
    await this.sessionsStarted;
    return this.sessions.store.query(query);
  }

  /**
   * Claims the flow reply for CALLs of `station` ('' = all) and `actions` ([] = all).
   * Fails (returns the owner already holding it) when it overlaps an existing claim.
   */
  claimReplies(owner: object, station: string, actions: string[]): { ok: true } | { ok: false; holder: object } {
    for (const claim of this.claims) {
      if (claim.owner === owner) continue;
      const stationsOverlap = !claim.station || !station || claim.station === station;
      const actionsOverlap = !claim.actions.length || !actions.length || claim.actions.some((a) => actions.includes(a));
      if (stationsOverlap && actionsOverlap) return { ok: false, holder: claim.owner };
    }
    this.claims.push({ owner, station, actions });
    return { ok: true };
  }

  /** A CALL that waits for its reply from a flow, by station and message id. */
  awaitingReply(station: string, messageId: string): StationCall | undefined {
    return this.awaitingFlow.get(station + '\u0000' + messageId);
  }

  releaseReplies(owner: object): void {
    this.claims = this.claims.filter((c) => c.owner !== owner);
  }

  /** Sends a command and resolves with the station's answer; rejects with an RpcError with one of the codes listed in the README's `ocpp-command` section. */
  command(station: string, action: string, payload: unknown, timeoutSeconds?: number): Promise<CallOutcome> {
    if (this.deactivated) return Promise.reject(new RpcError('deactivated', 'interface deactivated'));
    const seconds = timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds : this.options.callTimeout;
    if (!this.endpoint.connections.has(station)) {
      // a station changed elsewhere is read first: it may have been removed there
      if (this.stale.has(station))
        return this.refreshElsewhere(station).then(() => this.commandElsewhere(station, action, payload, seconds));
      return this.commandElsewhere(station, action, payload, seconds);
    }
    return this.localCommand(station, action, payload, seconds * 1000);
  }

  private commandElsewhere(station: string, action: string, payload: unknown, seconds: number): Promise<CallOutcome> {
    if (!this.registry.has(station)) return Promise.reject(new RpcError('unknownStation', `unknown station ${JSON.stringify(station)}`));
    if (this.cluster) return this.cluster.forward(station, action, payload, seconds * 1000);
    return Promise.reject(new RpcError('notConnected', `station ${station} is not connected`));
  }

  /** A command to a station connected to this instance. */
  private localCommand(station: string, action: string, payload: unknown, timeoutMs: number): Promise<CallOutcome> {
    if (this.deactivated) return Promise.reject(new RpcError('deactivated', 'interface deactivated'));
    const conn = this.endpoint.connections.get(station);
    if (!conn) return Promise.reject(new RpcError('notConnected', `station ${station} is not connected`));
    const tag = conn.profile.remoteStartTag(action, payload);
    if (tag !== null) this.rememberRemoteStart(station, tag);
    return conn.call(action, payload, timeoutMs);
  }

  /** The station table of the whole interface: with `store: redis` every instance's stations, each with the instance holding it. */
  async stationTable(): Promise<StationSummary[]> {
    if (!this.cluster) return this.summaries();
    if (this.stale.size && this.link?.up) await this.refreshStale();
    const list = this.summaries();
    const holders = await this.cluster.holders(list.map((s) => s.id)).catch(() => null);
    const own = this.cluster.instanceId;
    list.forEach((s, i) => {
      const holder = s.connected ? own : holders ? holders[i] : null;
      s.connected = holder !== null;
      s.instance = holder;
    });
    return list;
  }

  /** The recently rejected stations (with `store: redis` as Redis has them now). */
  async rejectedList(): Promise<ReturnType<StationRegistry['rejected']>> {
    if (this.link?.up) await this.registry.refreshRejected().catch(() => undefined);
    return this.registry.rejected();
  }

  /** The negotiated version of a connected (or known) station. */
  versionOf(station: string): OcppVersion | null {
    return this.endpoint.connections.get(station)?.version ?? this.registry.get(station)?.version ?? null;
  }

  /** A fresh remoteStartId for 2.x RequestStartTransaction. */
  nextRemoteStartId(): number {
    this.remoteStartId = (this.remoteStartId % 2147483647) + 1;
    return this.remoteStartId;
  }

  /** Last known channel values of a station (persisted): its state in the registry. */
  valuesOf(station: string): StationValues | undefined {
    return this.registry.get(station);
  }

  summaries(): StationSummary[] {
    return this.registry.list().map((r) => this.summary(r));
  }

  summary(r: StationRecord): StationSummary {
    return {
      id: r.id,
      connected: this.isConnected(r.id),
      version: r.version,
      vendor: r.properties.vendor ?? null,
      model: r.properties.model ?? null,
      serialNumber: r.properties.serialNumber ?? null,
      firmwareVersion: r.properties.firmwareVersion ?? null,
      // the station's totals (connector 0) are listed only where the station reports on it itself
      connectors: Object.entries(r.connectors)
        .filter(([id, c]) => id !== '0' || c.stationStatus !== undefined)
        .map(([id, c]) => ({
          id: Number(id),
          status: c.stationStatus ?? null,
          errorCode: c.errorCode,
          connectors: c.connectorIds,
          updated: c.updated ?? null,
        }))
        .sort((a, b) => a.id - b.id),
      addedBy: r.addedBy,
      firstSeen: r.firstSeen,
      lastSeen: this.lastSeen(r),
      hasPassword: !!r.passwordHash,
      repairs: { ...r.repairs },
      refused: r.refused ?? 0,
      lastRefused: this.lastRefused.get(r.id) ?? null,
    };
  }

  /** A known station's last frames, oldest first; undefined for a station not in the registry. */
  stationLog(station: string): LogEntry[] | undefined {
    if (!this.registry.has(station)) return undefined;
    return this.logs.entriesOf(station);
  }

  /** Last message from the station: live from its connection, else as recorded. */
  private lastSeen(r: StationRecord): string | null {
    const conn = this.endpoint.connections.get(r.id);
    return conn ? new Date(conn.lastMessageAt).toISOString() : r.lastSeen;
  }

  /** Adds or approves a station, optionally setting its password; saved before it resolves. */
  async approve(id: string, password?: string): Promise<StationRecord> {
    const record = this.registry.add(id, 'manual');
    if (password !== undefined) record.passwordHash = await hashPassword(password);
    this.registry.changed(id);
    await this.registry.save().catch(() => undefined);
    this.emit('status');
    return record;
  }

  /** Removes a station and disconnects it. */
  async remove(id: string): Promise<boolean> {
    const removed = this.registry.remove(id);
    this.logs.forget(id);
    this.lastRefused.delete(id);
    this.repairsLogged.delete(id);
    this.endpoint.disconnect(id, 1008, 'station removed from the central system');
    await this.registry.save().catch(() => undefined);
    this.emit('status');
    return removed;
  }

  /**
   * @internal Records what an answered CALL told: registry, state, channels, transactions;
   * for a transaction CALL resolves once its session change is stored.
   */
  observe(call: StationCall, response: Record<string, unknown>, tx: TransactionEvent | null = null): Promise<void> | null {
    const { record, incoming } = call;
    const { action, payload } = incoming;
    const profile = incoming.connection.profile;
    // the open transaction lives on the connector: a transaction CALL changes the record
    const recogniser = profile.recognise.get(action);
    if ((recogniser && recogniser(record, payload)) || profile.transactions.has(action)) this.registry.changed(record.id);
    if (tx && this.listenerCount('transaction')) this.emit('transaction', { ...tx, version: profile.version } satisfies TransactionChange);
    this.observing = incoming.connection;
    const updates = observeWith(profile, record, action, payload, response, isoAt(incoming.receivedAt), this.readingNotes);
    this.observing = null;
    if (this.decimalCommaSeen) {
      this.decimalCommaSeen = false;
      this.repaired(record.id, ['decimalComma']);
    }
    if (updates.length) {
      this.registry.changed(record.id, VALUES_SAVE_MS);
      for (const u of updates)
        this.emit('channel', { station: record.id, connector: u.connector, channel: u.channel, value: u.value } satisfies ChannelEvent);
    }
    return tx ? this.sessions.feed(tx) : null;
  }

  /** @internal */
  replyFailed(call: StationCall, err: Error): void {
    this.log.warn(`reply to ${call.action} from ${call.station} not sent: ${err.message}`);
  }

  private async authorize(info: HandshakeInfo): Promise<AuthDecision> {
    if (this.options.clientCertificates === 'required' && info.certificateCommonName !== info.id) {
      const cn = info.certificateCommonName === null ? 'no single subject CN' : `subject CN ${JSON.stringify(info.certificateCommonName)}`;
      this.log.warn(`station ${info.id} refused: its client certificate has ${cn}, not the station id ${JSON.stringify(info.id)}`);
      return { accept: false, status: 401, reason: 'client certificate CN is not the station id' };
    }
    if (this.cluster) {
      if (!this.storeAvailable) {
        // Without Redis only a station this instance knows (from before) may connect.
        if (!this.registryLoaded || !this.registry.has(info.id)) return { accept: false, status: 503, reason: STORE_UNAVAILABLE_REASON };
      } else {
        await bounded(this.registry.refresh(info.id));
      }
    }
    const decision = await this.authorizeLocally(info);
    if (decision.accept && this.cluster && this.link?.up) {
      // the previous holder hands the station over now; this instance takes its presence once it is connected
      await bounded(this.cluster.takeOver(info.id));
      // what the previous instance stored when it handed the station over
      await bounded(this.registry.refresh(info.id));
      await bounded(this.sessions.adopt(info.id));
    }
    return decision;
  }

  private async authorizeLocally(info: HandshakeInfo): Promise<AuthDecision> {
    let record = this.registry.get(info.id);
    if (!record && !this.options.autoApprove) return { accept: false, status: 404, reason: 'unknown station' };
    if (this.options.security === 'basic') {
      const creds = info.credentials;
      if (!creds) return { accept: false, status: 401, reason: 'credentials required' };
      if (creds.username !== info.id) return { accept: false, status: 401, reason: 'user name is not the station id' };
      if (record?.passwordHash) {
        if (!(await verifyPassword(creds.password, record.passwordHash))) return { accept: false, status: 401, reason: 'wrong password' };
      } else {
        // Trust on first use: the first password an approved station presents is kept.
        const hash = await hashPassword(creds.password);
        record = this.registry.add(info.id, 'auto');
        record.passwordHash = hash;
        this.registry.changed(info.id);
      }
    }
    if (!record) this.registry.add(info.id, 'auto');
    return { accept: true };
  }

  private connected(conn: StationConnection): void {
    const record = this.registry.add(conn.id, 'auto');
    this.cluster?.hold(conn.id);
    this.handedOver.delete(conn.id);
    const now = new Date().toISOString();
    record.firstSeen ||= now;
    record.lastSeen = now;
    record.version = conn.version;
    this.registry.changed(conn.id);
    // shared at once, so that every instance knows the station even if this one dies now
    if (this.cluster) this.registry.save().catch(() => undefined);
    this.watch(conn);
    let current: StationRecord | undefined = record;
    let generation = this.registry.generation;
    conn.handleCalls((incoming: IncomingCall) => {
      // looked up again only when stations were added or removed since
      if (generation !== this.registry.generation) {
        generation = this.registry.generation;
        current = this.registry.get(conn.id);
      }
      this.received(conn, incoming, current);
    });
    this.emitStation('connected', conn.id, conn.version, { id: conn.id, version: conn.version, address: conn.address });
    this.emit('channel', { station: conn.id, connector: 0, channel: 'connected', value: true } satisfies ChannelEvent);
    this.emit('status');
  }

  /** The station log, `frame` events, repairs and refusals of one connection. */
  private watch(conn: StationConnection): void {
    const id = conn.id;
    const version = conn.version;
    const logs = this.logs;
    conn.tap = new StationTap(this, logs, logs.logOf(id).index, id, version);
    conn.on('repaired', (_action: string, kinds: RepairKind[]) => this.repaired(id, kinds));
    conn.on('refused', (refused: RefusedFrame) => {
      // kept for the commissioning view, shorter: one per station, for as long as the interface runs
      const kept = refused.frame.length > LAST_REFUSED_CHARS ? refused.frame.slice(0, LAST_REFUSED_CHARS) : refused.frame;
      const event: RefusedEvent = { ...refused, station: id, version, time: new Date().toISOString() };
      this.lastRefused.set(id, { ...event, frame: kept });
      const record = this.registry.get(id);
      if (record) {
        record.refused = (record.refused ?? 0) + 1;
        this.registry.changed(id, VALUES_SAVE_MS);
      }
      this.emit('invalid', event);
    });
  }

  /** Counts a message's repairs in the station's record; each kind is logged once per station. */
  private repaired(station: string, kinds: readonly string[]): void {
    const record = this.registry.get(station);
    if (!record) return;
    const counts = (record.repairs ||= {});
    let logged = this.repairsLogged.get(station);
    if (!logged) this.repairsLogged.set(station, (logged = new Set()));
    for (const kind of kinds) {
      counts[kind] = (counts[kind] ?? 0) + 1;
      if (!logged.has(kind)) {
        logged.add(kind);
        this.log.warn(
          `station ${station}: ${REPAIR_TEXT[kind] ?? kind} (repaired and accepted; logged once per station, counted in its record)`,
        );
      }
    }
    this.registry.changed(station, VALUES_SAVE_MS);
  }

  private disconnected(conn: StationConnection, code: number, reason: string): void {
    // A station that goes away takes its unanswered calls with it.
    for (const call of this.awaitingFlow.values()) {
      if (call.incoming.connection === conn && !call.answered) call.fail(conn.profile.errors.internal, 'station disconnected');
    }
    if (this.endpoint.connections.has(conn.id)) return; // replaced by a newer connection
    const record = this.registry.get(conn.id);
    if (this.handedOver.delete(conn.id)) {
      // now held by another instance, which writes its record from here on
    } else {
      this.cluster?.release(conn.id);
      if (record) {
        record.lastSeen = new Date(conn.lastMessageAt).toISOString();
        this.registry.changed(conn.id);
      }
    }
    this.emitStation('disconnected', conn.id, conn.version, {
      id: conn.id,
      version: conn.version,
      address: conn.address,
      reason: reason || `code ${code}`,
    });
    this.emit('channel', { station: conn.id, connector: 0, channel: 'connected', value: false } satisfies ChannelEvent);
    this.emit('status');
  }

  private rejected(r: RejectedHandshake): void {
    if (r.status === 429) {
      // answered at once and cheaply: a flood of them must not become a flood of writes and flow messages
      this.tooManyAttempts(r.address);
      return;
    }
    if (r.id !== null && r.status !== 503) {
      this.registry.recordRejected({ id: r.id, address: r.address, time: new Date().toISOString(), reason: r.reason });
    }
    if (r.status === 400 && r.id !== null) this.log.warn(`station ${r.id} refused: ${r.reason}`);
    this.emitStation('rejected', r.id ?? '', null, { id: r.id, version: null, address: r.address, reason: r.reason, status: r.status });
  }

  /** Logs refused login floods once a minute per address, with how many were refused. */
  private tooManyAttempts(address: string): void {
    const now = Date.now();
    const entry = this.floods.get(address);
    if (entry && now - entry.since < 60000) {
      entry.count++;
      return;
    }
    if (entry && entry.count > 0)
      this.log.warn(`${entry.count} more login attempts from ${address} were refused with HTTP 429 in the last minute`);
    else this.log.warn(`too many login attempts from ${address} waiting: further ones are refused with HTTP 429`);
    if (this.floods.size > 1000) this.floods.clear();
    this.floods.set(address, { since: now, count: 0 });
  }

  private received(conn: StationConnection, incoming: IncomingCall, record: StationRecord | undefined): void {
    if (!record) {
      // Removed while still connected (its connection is closing): not added again by a late message.
      incoming.fail(conn.profile.errors.generic, 'station removed from the central system');
      return;
    }
    const call = new StationCall(this, incoming, record);
    if (incoming.unconfirmed) {
      // A SEND: recorded and told to the flows; there is no answer to give.
      call.replyNow({}, true);
      this.answered(call);
      return;
    }
    const claim = this.claims.length ? this.claimFor(conn.id, incoming.action) : undefined;
    if (claim) {
      const event = this.stationEvent(incoming.action, conn.id, conn.version, incoming.payload, call, claim.owner);
      const key = conn.id + '\u0000' + incoming.messageId;
      this.awaitingFlow.set(key, call);
      call.onSettled = () => this.awaitingFlow.delete(key);
      call.expireAfter(this.options.callTimeout * 1000, () => this.emit('replyTimeout', event));
      this.emit('station', event);
      return;
    }
    const ca = this.options.certificateAuthority;
    if (ca && incoming.action === 'SignCertificate') {
      this.signCertificate(call, ca).catch((err: Error) => this.automaticReplyFailed(call, err));
      return;
    }
    if (conn.profile.centralTransactionIdAction === incoming.action) {
      this.registry
        .allocateTransactionId()
        .then((id) => {
          this.answerAutomatically(call, id);
          this.answered(call);
        })
        .catch((err: Error) => this.automaticReplyFailed(call, err));
      return;
    }
    try {
      this.answerAutomatically(call);
    } catch (err) {
      this.automaticReplyFailed(call, err as Error);
      return;
    }
    this.answered(call);
  }

  /**
   * SignCertificate with a signing CA: the CSR is checked before the answer, so that one
   * failing the checks is answered Rejected; an accepted one is signed and delivered
   * with CertificateSigned right after the answer.
   */
  private async signCertificate(call: StationCall, ca: CertificateAuthority): Promise<void> {
    const { station, version } = call;
    const { csr, use } = readSignCertificate(version, call.payload);
    if (use !== 'ChargingStationCertificate') {
      this.log.warn(
        `station ${station} asked to sign a ${use} (ISO 15118): Rejected, the signing CA signs charging station certificates only`,
      );
      call.replyNow(signCertificateResponse(version, false, 'NotSupported', `${use} requests are not signed by this central system`));
      this.answered(call);
      return;
    }
    if (this.options.security !== 'basic' && this.options.clientCertificates !== 'required') {
      // Without a password or a client certificate anyone may connect under this id: a certificate for it would vouch for nobody.
      this.log.warn(
        `station ${station} asked to sign its certificate, but connections to this interface are not authenticated (security none, no client certificates): Rejected`,
      );
      call.replyNow(signCertificateResponse(version, false, 'NotAuthenticated', 'the connection is not authenticated'));
      this.answered(call);
      return;
    }
    const check = await ca.checkRequest(csr, station);
    if (call.answered || call.incoming.connection.closed) return; // the station went away meanwhile
    if (!check.ok) {
      this.log.warn(`station ${station} sent a certificate signing request that was Rejected: ${check.reason}`);
      call.replyNow(signCertificateResponse(version, false, 'InvalidCSR', check.reason));
      this.answered(call);
      return;
    }
    call.replyNow(signCertificateResponse(version, true));
    this.answered(call);
    const issued = await ca.issue(check.request);
    this.log.info(
      `certificate for station ${station} signed (serial ${issued.serialNumber}, valid until ${issued.notAfter.toISOString()}): sending CertificateSigned`,
    );
    const sentAt = Date.now();
    const payload = certificateSigned(version, issued.chain, use);
    this.command(station, 'CertificateSigned', payload)
      .then(
        (outcome) => {
          const status = String(outcome.payload.status);
          if (status === 'Accepted') this.log.info(`station ${station} answered CertificateSigned: Accepted`);
          else this.log.warn(`station ${station} answered CertificateSigned: ${status}`);
          this.emitOutcome(station, version, outcome.messageId, outcome.payload, { durationMs: outcome.durationMs, error: null });
        },
        (err: RpcError) => {
          this.log.warn(`CertificateSigned to station ${station} failed: ${err.message}`);
          this.emitOutcome(
            station,
            version,
            null,
            {},
            { durationMs: Date.now() - sentAt, error: { code: err.code, description: err.message } },
          );
        },
      )
      .catch((err: Error) => this.log.error(`reporting CertificateSigned of station ${station} failed: ${err.message}`));
  }

  private emitOutcome(
    station: string,
    version: OcppVersion,
    messageId: string | null,
    payload: Record<string, unknown>,
    outcome: NonNullable<StationEvent['outcome']>,
  ): void {
    this.emit('station', {
      topic: 'CertificateSigned',
      station,
      version,
      messageId,
      payload,
      call: null,
      replyOwner: null,
      outcome,
    } satisfies StationEvent);
  }

  /** An automatically answered CALL, told to the flows that listen. */
  private answered(call: StationCall): void {
    if (this.listenerCount('station'))
      this.emit('station', this.stationEvent(call.action, call.station, call.version, call.payload, call, null));
  }

  private automaticReplyFailed(call: StationCall, err: Error): void {
    this.log.error(`automatic reply to ${call.action} from ${call.station} failed: ${err.message}`);
    if (!call.answered && !call.incoming.decided)
      call.fail(call.incoming.connection.profile.errors.internal, 'the central system could not answer');
  }

  private claimFor(station: string, action: string): ReplyClaim | undefined {
    for (const c of this.claims) {
      if ((!c.station || c.station === station) && (!c.actions.length || c.actions.includes(action))) return c;
    }
    return undefined;
  }

  private rememberRemoteStart(station: string, tag: string): void {
    let tags = this.remoteStartTags.get(station);
    if (!tags) this.remoteStartTags.set(station, (tags = new Map()));
    const now = Date.now();
    for (const [t, until] of tags) if (until < now) tags.delete(t);
    tags.set(tag, now + REMOTE_START_TAG_MS);
  }

  /** The station's request carries an id tag this central system itself sent in a recent remote start. */
  private isRemoteStartTag(call: StationCall): boolean {
    const tag = call.incoming.connection.profile.requestIdTag(call.payload);
    const station = call.station;
    const until = typeof tag === 'string' ? this.remoteStartTags.get(station)?.get(tag) : undefined;
    return until !== undefined && until >= Date.now();
  }

  /** The automatic reply (README: Automatic replies), synchronous; a 1.6 transaction id is allocated by the caller. */
  private answerAutomatically(call: StationCall, transactionId?: number): void {
    const replyTo = call.incoming.connection.profile.replies.get(call.action);
    const reply = replyTo?.(call.payload, {
      heartbeatInterval: this.heartbeatInterval,
      unknownIdTags: this.options.unknownIdTags === 'accept' || this.isRemoteStartTag(call) ? 'accept' : 'reject',
      transactionId,
      // answered in the same turn as it arrived; a transaction id comes later, from the registry
      receivedAt: transactionId === undefined ? call.incoming.receivedAt : undefined,
    });
    if (!reply) {
      call.fail(call.incoming.connection.profile.errors.notImplemented, `${call.action} is not handled`);
      return;
    }
    call.replyNow(reply, true);
  }

  private stationEvent(
    topic: string,
    station: string,
    version: OcppVersion | null,
    payload: Record<string, unknown>,
    call: StationCall | null,
    replyOwner: object | null,
  ): StationEvent {
    return { topic, station, version, messageId: call ? call.messageId : null, payload, call, replyOwner };
  }

  private emitStation(topic: string, station: string, version: OcppVersion | null, payload: Record<string, unknown>): void {
    this.emit('station', this.stationEvent(topic, station, version, payload, null, null));
  }
}
