import { EventEmitter } from 'events';
import http, { IncomingMessage, Server, STATUS_CODES } from 'http';
import https from 'https';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import type { SecureContextOptions } from 'tls';
import { WebSocket, WebSocketServer } from 'ws';
import { StationConnection } from '../rpc/connection';
import { Logger, silentLogger } from '../rpc/logger';
import { OcppVersion } from '../versions';
import { BasicCredentials, matchProtocol, offeredProtocols, parseBasicAuth, stationIdFromPath } from './handshake';
import { AttemptTurn, FailedAuthThrottle, ThrottleOptions } from './auth-throttle';
import { peerCommonName } from '../security/certificates';
import { routeUpgrades, UpgradeHandler } from './upgrade-router';

/** Largest frame a station may send; larger ones close the connection with 1009. */
export const MAX_FRAME_BYTES = 1024 * 1024;

export interface HandshakeInfo {
  id: string;
  version: OcppVersion;
  address: string;
  offered: string[];
  credentials: BasicCredentials | null;
  /** Subject CN of the client certificate the station presented over TLS, if any. */
  certificateCommonName: string | null;
}

export type AuthDecision = { accept: true } | { accept: false; status: 401 | 403 | 404 | 503; reason: string };

export interface RejectedHandshake {
  id: string | null;
  address: string;
  status: number;
  reason: string;
  offered: string[];
}

export interface EndpointOptions {
  /** Path prefix; stations connect to `<path>/<stationId>`. */
  path: string;
  /** Approved versions, in no particular order (the station's order decides). */
  versions: readonly OcppVersion[];
  /** The version of a station that offers no subprotocol; none: such a station is refused (400). */
  assumeVersion?: OcppVersion | null;
  /** Decides whether a station may connect; default: everybody. */
  authorize?: (info: HandshakeInfo) => AuthDecision | Promise<AuthDecision>;
  /** `authorize` checks passwords: attempts from one address are then paced by a FailedAuthThrottle. */
  checksPasswords?: boolean;
  throttle?: ThrottleOptions;
  /** WebSocket ping interval; a connection that misses a whole interval is closed. 0: no pings. */
  pingIntervalMs?: number;
  maxPayload?: number;
  /** Commands that may wait per station behind the outstanding one. */
  queueLimit?: number;
  /** Validation of what stations send (see StationConnection). */
  validation?: 'lenient' | 'strict';
  log?: Logger;
}

export interface ListenOptions {
  port: number;
  host?: string;
  tls?: SecureContextOptions;
  /** Security profile 3: the TLS handshake demands a client certificate signed by `tls.ca`. */
  clientCertificates?: boolean;
}

interface EndpointEvents {
  connected: [conn: StationConnection];
  disconnected: [conn: StationConnection, code: number, reason: string];
  rejected: [rejected: RejectedHandshake];
}

/**
 * The access point stations connect to: attached to an existing HTTP(S) server at a path,
 * or listening on a port of its own. Events: `connected` (StationConnection),
 * `disconnected` (StationConnection, code, reason), `rejected` (RejectedHandshake).
 */
export class OcppEndpoint extends EventEmitter<EndpointEvents> {
  readonly connections = new Map<string, StationConnection>();
  /** While true, every handshake is answered 503 (a deactivated interface on a shared server). */
  unavailable = false;

  private readonly wss: WebSocketServer;
  private readonly path: string;
  private readonly log: Logger;
  /** Only where passwords are checked; elsewhere a reconnect storm from one address is never queued. */
  private readonly throttle: FailedAuthThrottle | null;
  /** The subprotocol each accepted handshake answers with: the station's own spelling. */
  private readonly protocolOf = new WeakMap<IncomingMessage, string>();
  private server: Server | null = null;
  private ownServer = false;
  private detach: (() => void) | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(private readonly options: EndpointOptions) {
    super();
    this.path = normalisePath(options.path);
    this.log = options.log ?? silentLogger;
    this.throttle = options.checksPasswords ? new FailedAuthThrottle(options.throttle) : null;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayload ?? MAX_FRAME_BYTES,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (_protocols, req) => this.protocolOf.get(req) ?? false,
    });
  }

  /** The path prefix stations connect under. */
  get basePath(): string {
    return this.path;
  }

  /** The port of the listener (own or shared), once listening. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  /** Shares an existing HTTP(S) server (Node-RED's own): handles upgrades under the path only. */
  attach(server: Server): void {
    if (this.server) throw new Error('endpoint is already attached or listening');
    this.detach = routeUpgrades(server, this.path, this.handleUpgrade);
    this.server = server;
    this.startKeepAlive();
  }

  /** Listens on a port of its own, `wss://` when TLS options are given. Rejects on EADDRINUSE and the like. */
  listen(options: ListenOptions): Promise<void> {
    if (this.server) return Promise.reject(new Error('endpoint is already attached or listening'));
    if (options.clientCertificates && !options.tls?.ca)
      return Promise.reject(new Error('client certificates need TLS with a CA certificate'));
    const tls = options.clientCertificates ? { ...options.tls, requestCert: true, rejectUnauthorized: true } : options.tls;
    const server = tls ? https.createServer(tls) : http.createServer();
    server.on('request', (_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'Upgrade' });
      res.end(`OCPP-J endpoint: charging stations connect with WebSocket to ${this.path}/<stationId>\n`);
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    return new Promise((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) => {
        server.removeAllListeners();
        const message = err.code === 'EADDRINUSE' ? `port ${options.port} is already in use` : err.message;
        const error = new Error(message) as NodeJS.ErrnoException;
        error.code = err.code;
        reject(error);
      };
      server.once('error', failed);
      server.listen(options.port, options.host, () => {
        server.removeListener('error', failed);
        server.on('error', (err) => this.log.error(`listener: ${err.message}`));
        this.server = server;
        this.ownServer = true;
        this.detach = routeUpgrades(server, this.path, this.handleUpgrade);
        this.startKeepAlive();
        resolve();
      });
    });
  }

  /** Closes every station connection, frees the port (own listener) or the path (shared); resolves when all is released. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.detach) this.detach();
    this.detach = null;
    const closed = [...this.connections.values()].map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.closed) return resolve();
          conn.once('close', () => resolve());
          conn.close(1001, 'central system going away');
        }),
    );
    await Promise.all(closed);
    this.wss.close();
    const server = this.server;
    this.server = null;
    if (server && this.ownServer) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  /** Failed logins for a station counted from an address by the throttle (0 where passwords are not checked). */
  throttleFailures(address: string, station: string): number {
    return this.throttle?.failuresOf(address, station) ?? 0;
  }

  /** Closes one station's connection, if any. */
  disconnect(id: string, code = 1000, reason = ''): void {
    this.connections.get(id)?.close(code, reason);
  }

  private startKeepAlive(): void {
    const interval = this.options.pingIntervalMs ?? 30000;
    if (interval <= 0) return;
    this.pingTimer = setInterval(() => {
      for (const conn of this.connections.values()) {
        if (!conn.alive) {
          this.log.warn(`station ${conn.id} stopped answering pings: connection closed`);
          conn.terminate();
          continue;
        }
        conn.alive = false;
        try {
          conn.socket.ping();
        } catch {
          conn.terminate();
        }
      }
    }, interval);
    this.pingTimer.unref();
  }

  private readonly handleUpgrade: UpgradeHandler = (req, socket, head, pathname) => {
    socket.on('error', () => socket.destroy());
    this.handshake(req, socket, head, pathname).catch((err) => {
      this.log.error(`handshake failed: ${(err as Error).message}`);
      refuse(socket, 500);
    });
  };

  private async handshake(req: IncomingMessage, socket: Duplex, head: Buffer, pathname: string): Promise<void> {
    const address = req.socket.remoteAddress || '';
    const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
    const reject = (id: string | null, status: number, reason: string, headers?: Record<string, string>) => {
      refuse(socket, status, reason, headers);
      this.tell(() => this.emit('rejected', { id, address, status, reason, offered } satisfies RejectedHandshake));
    };
    if (this.unavailable || this.closing) return reject(null, 503, 'interface deactivated');
    const id = stationIdFromPath(pathname, this.path);
    if (id === null) return reject(null, 400, 'invalid station id in path');
    const match = offered.length ? matchProtocol(offered, this.options.versions) : null;
    const assumed = this.options.assumeVersion;
    const version = match ? match.version : !offered.length && assumed && this.options.versions.includes(assumed) ? assumed : null;
    if (version === null) {
      return reject(
        id,
        400,
        offered.length
          ? `no approved OCPP version offered (${offered.join(', ')})`
          : 'no OCPP version offered (set assumeVersion on the interface to accept such a station)',
      );
    }
    const credentials = parseBasicAuth(req.headers.authorization);
    // Where passwords are checked, every attempt takes its turn and is counted before it is answered.
    let turn: AttemptTurn | null = null;
    if (this.throttle) {
      turn = await this.throttle.admit(address, id, () => !socket.destroyed);
      if (!turn) return reject(id, 429, 'too many login attempts from this address', { 'Retry-After': '10' });
    }
    if (socket.destroyed) {
      turn?.finish('abandoned');
      return;
    }
    let decision: AuthDecision;
    try {
      decision = this.options.authorize
        ? await this.options.authorize({ id, version, address, offered, credentials, certificateCommonName: peerCommonName(req.socket) })
        : { accept: true };
    } catch (err) {
      turn?.finish('abandoned');
      throw err;
    }
    turn?.finish(decision.accept ? 'succeeded' : decision.status === 401 ? 'failed' : 'abandoned');
    if (socket.destroyed) return;
    if (!decision.accept) {
      if (decision.status === 401) return reject(id, 401, decision.reason, { 'WWW-Authenticate': 'Basic realm="OCPP", charset="UTF-8"' });
      return reject(id, decision.status, decision.reason);
    }
    if (match) this.protocolOf.set(req, match.protocol);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, id, version, address));
  }

  private accept(ws: WebSocket, id: string, version: OcppVersion, address: string): void {
    if (this.closing) {
      ws.close(1001, 'central system going away');
      return;
    }
    const conn = new StationConnection(ws, id, version, address, {
      queueLimit: this.options.queueLimit,
      validation: this.options.validation,
      log: this.log,
    });
    const previous = this.connections.get(id);
    this.connections.set(id, conn);
    conn.once('close', (code: number, reason: string) => {
      if (this.connections.get(id) === conn) this.connections.delete(id);
      this.tell(() => this.emit('disconnected', conn, code, reason));
    });
    if (previous) {
      this.log.info(`station ${id} connected again: the previous connection is closed`);
      previous.close(1000, 'replaced by a new connection');
    }
    this.tell(() => this.emit('connected', conn));
  }

  /** Runs the listeners of a connection event; a fault in one is logged, never thrown into the socket's handlers. */
  private tell(emit: () => void): void {
    try {
      emit();
    } catch (err) {
      this.log.error(`a listener of the OCPP endpoint failed: ${(err as Error).message}`);
    }
  }
}

function normalisePath(path: string): string {
  let p = path.startsWith('/') ? path : '/' + path;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p === '/' ? '' : p;
}

function refuse(socket: Duplex, status: number, reason = '', headers: Record<string, string> = {}): void {
  if (socket.destroyed || !socket.writable) return;
  const body = reason ? reason + '\n' : '';
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] || ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.once('finish', () => socket.destroy());
  socket.end(lines.join('\r\n') + '\r\n\r\n' + body);
}
