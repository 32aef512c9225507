import fs from 'fs';
import path from 'path';
import type { NodeAPI } from 'node-red';
import type { Request, Response } from 'express';
import {
  CentralSystem,
  CertificateAuthority,
  DEFAULT_SESSION_RETENTION_DAYS,
  isVersion,
  sessionsCsv,
  OcppVersion,
  payloadTemplate,
  MAX_STATION_ID_LENGTH,
  isValidStationId,
  versionCatalogue,
} from '../lib';
import { InterfaceConfig, InterfaceNode, InterfaceState, InterfaceUser } from './types';

/** The nodes' status texts follow the number of connected stations this often at most. */
const STATUS_EVERY_MS = 100;

function numberOr(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== '' && value !== undefined && value !== null && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The registry file of one interface; only the config node id (sanitised) names it, never a station id. */
function registryFile(userDir: string | undefined, id: string): string | null {
  if (!userDir) return null;
  return path.join(userDir, 'ocpp-interface', `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}

/** The folder of an interface's session records, beside its registry file. */
function sessionsDir(userDir: string | undefined, id: string): string | null {
  if (!userDir) return null;
  return path.join(userDir, 'ocpp-interface', `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.sessions`);
}

/** A query time: empty, or an ISO time / ms; undefined when unreadable. */
function queryTime(value: unknown): string | null | undefined {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') return undefined;
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/** What this node reads from a core `tls-config` node. */
interface TlsConfigNode {
  addTLSOptions(options: { cert?: string | Buffer; key?: string | Buffer; ca?: string | Buffer; passphrase?: string }): void;
}

export = function register(RED: NodeAPI): void {
  /** The signing CA from a tls-config node's certificate and key; null (and an error logged) when unusable. */
  function signingAuthority(node: InterfaceNode, id: string): CertificateAuthority | null {
    const tlsNode = RED.nodes.getNode(id) as unknown as TlsConfigNode | null;
    const pem: { cert?: string | Buffer; key?: string | Buffer; passphrase?: string } = {};
    tlsNode?.addTLSOptions(pem);
    try {
      if (!tlsNode || !pem.cert || !pem.key) throw new Error(RED._('ocpp-interface.errors.signingCaMissing'));
      return new CertificateAuthority(pem.cert.toString(), pem.key.toString(), pem.passphrase);
    } catch (err) {
      node.error(RED._('ocpp-interface.errors.signingCa', { error: (err as Error).message }));
      return null;
    }
  }

  function OcppInterfaceNode(this: InterfaceNode, config: InterfaceConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const users = new Set<InterfaceUser>();
    const versions = (Array.isArray(config.versions) ? config.versions : []).filter(isVersion) as OcppVersion[];
    const ownPort = config.port === '' || config.port === undefined || config.port === null ? null : Number(config.port);
    // httpNodeRoot may be false (HTTP nodes disabled); the server is still there to share.
    const nodeRoot = RED.settings.httpNodeRoot;
    const root = typeof nodeRoot === 'string' ? nodeRoot : '/';
    const httpNodeRoot = (root.startsWith('/') ? root : '/' + root).replace(/\/+$/, '');
    const basePath = (config.path || '/ocpp').startsWith('/') ? config.path || '/ocpp' : '/' + config.path;
    const userDir = RED.settings.userDir as string | undefined;
    const redis = config.store === 'redis';
    const file = redis ? null : registryFile(userDir, node.id);
    if (file && fs.existsSync(path.dirname(file)) === false) fs.mkdirSync(path.dirname(file), { recursive: true });
    const credentials = (node as unknown as { credentials?: { redisPassword?: string } }).credentials;

    const clientCertificates = config.clientCertificates === 'required' ? 'required' : 'off';
    node.system = new CentralSystem({
      versions,
      autoApprove: !!config.autoApprove,
      security: config.security === 'basic' ? 'basic' : 'none',
      clientCertificates,
      certificateAuthority: config.signingCa ? signingAuthority(node, config.signingCa) : null,
      heartbeatInterval: numberOr(config.heartbeatInterval, 300),
      callTimeout: numberOr(config.callTimeout, 30),
      unknownIdTags: config.unknownIdTags === 'reject' ? 'reject' : 'accept',
      validation: config.validation === 'strict' ? 'strict' : 'lenient',
      assumeVersion: isVersion(config.assumeVersion) && versions.includes(config.assumeVersion) ? config.assumeVersion : null,
      path: ownPort === null ? httpNodeRoot + basePath : basePath,
      registryFile: file,
      store: redis ? 'redis' : 'file',
      redisUrl: config.redisUrl || undefined,
      redisPassword: credentials?.redisPassword || undefined,
      interfaceId: node.id,
      sessionsDir: sessionsDir(userDir, node.id),
      sessionRetention: numberOr(config.sessionRetention, DEFAULT_SESSION_RETENTION_DAYS),
      deactivated: !!config.deactivated,
      log: {
        debug: (m) => node.debug(m),
        info: (m) => node.log(m),
        warn: (m) => node.warn(m),
        error: (m) => node.error(m),
      },
    });

    if (config.assumeVersion && !(isVersion(config.assumeVersion) && versions.includes(config.assumeVersion))) {
      node.warn(RED._('ocpp-interface.errors.assumeVersionNotApproved', { version: String(config.assumeVersion) }));
    }

    const setState = (state: InterfaceState) => {
      node.state = state;
      for (const user of users) user.interfaceChanged(state);
    };
    node.register = (user) => {
      users.add(user);
      user.interfaceChanged(node.state);
    };
    node.deregister = (user) => {
      users.delete(user);
    };
    // With store: redis the interface is red while Redis is unreachable, and green again once it is back.
    let storeDown = false;
    const live = (): InterfaceState =>
      storeDown
        ? { state: 'error', message: RED._('ocpp-interface.status.storeUnavailable') }
        : { state: 'listening', connected: node.system.connectedCount };
    const isLive = () => node.state.state === 'listening' || (storeDown && node.state.state === 'error');
    // Status texts follow the station count at most every STATUS_EVERY_MS: in a reconnect storm, one
    // redraw of every node per station (each a catalogue lookup) took a quarter of the handshake-to-booted CPU.
    let statusTimer: NodeJS.Timeout | null = null;
    node.system.on('status', () => {
      const down = !node.system.storeAvailable;
      if (down !== storeDown) {
        const wasLive = isLive();
        storeDown = down;
        if (down) node.warn(RED._('ocpp-interface.status.storeUnavailable'));
        if (wasLive) setState(live());
        return;
      }
      if (statusTimer) return;
      statusTimer = setTimeout(() => {
        statusTimer = null;
        if (isLive()) setState(live());
      }, STATUS_EVERY_MS);
    });

    node.state = { state: 'starting' };
    if (versions.length === 0) {
      setState({ state: 'error', message: RED._('ocpp-interface.status.noVersion') });
      node.error(RED._('ocpp-interface.errors.noVersion'));
    } else if (clientCertificates === 'required' && (ownPort === null || !config.tls)) {
      // Never fall back to a listener without client certificates: that would let in any station.
      setState({ state: 'error', message: RED._('ocpp-interface.status.clientCertificates') });
      node.error(RED._('ocpp-interface.errors.clientCertificates'));
    } else if (ownPort === null) {
      try {
        node.system.attach(RED.server as unknown as import('http').Server);
        storeDown = !node.system.storeAvailable;
        setState(config.deactivated ? { state: 'deactivated' } : live());
      } catch (err) {
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        setState({ state: 'error', message: RED._(inUse ? 'ocpp-interface.status.pathInUse' : 'ocpp-interface.status.error') });
        node.error(RED._('ocpp-interface.errors.serve', { path: httpNodeRoot + basePath, error: (err as Error).message }));
      }
    } else if (config.deactivated) {
      setState({ state: 'deactivated' });
    } else {
      const tlsNode = config.tls ? (RED.nodes.getNode(config.tls) as unknown as { addTLSOptions(o: object): void } | null) : null;
      const tls: Record<string, unknown> | undefined = tlsNode ? {} : undefined;
      if (tlsNode && tls) tlsNode.addTLSOptions(tls);
      node.system.listen({ port: ownPort, tls, clientCertificates: clientCertificates === 'required' }).then(
        () => {
          storeDown = !node.system.storeAvailable;
          setState(live());
        },
        (err: NodeJS.ErrnoException) => {
          const message =
            err.code === 'EADDRINUSE' ? RED._('ocpp-interface.status.portInUse', { port: ownPort }) : RED._('ocpp-interface.status.error');
          setState({ state: 'error', message });
          node.error(RED._('ocpp-interface.errors.listen', { port: ownPort, error: err.message }));
        },
      );
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      if (statusTimer) clearTimeout(statusTimer);
      statusTimer = null;
      node.system.close().then(
        () => done(),
        (err) => {
          node.error(RED._('ocpp-interface.errors.close', { error: (err as Error).message }));
          done();
        },
      );
    });
  }

  RED.nodes.registerType(
    'ocpp-interface',
    OcppInterfaceNode as unknown as Parameters<NodeAPI['nodes']['registerType']>[1],
    {
      credentials: { redisPassword: { type: 'password' } },
    } as unknown as Parameters<NodeAPI['nodes']['registerType']>[2],
  );

  // Admin HTTP API (README: Station registry), under Node-RED's admin root and permissions.
  const read = RED.auth.needsPermission('ocpp-interface.read');
  const write = RED.auth.needsPermission('ocpp-interface.write');
  const interfaceOf = (req: Request, res: Response): InterfaceNode | null => {
    const n = RED.nodes.getNode(String(req.params.id)) as InterfaceNode | null;
    if (!n || n.type !== 'ocpp-interface' || !n.system) {
      res.status(404).json({ error: RED._('ocpp-interface.api.noInterface', { id: String(req.params.id) }) });
      return null;
    }
    return n;
  };

  RED.httpAdmin.get('/ocpp-interface/:id/stations', read, (req, res) => {
    const n = interfaceOf(req, res);
    if (n)
      n.system.stationTable().then(
        (list) => res.json(list),
        (err) => res.status(500).json({ error: (err as Error).message }),
      );
  });
  RED.httpAdmin.post('/ocpp-interface/:id/stations', write, (req, res) => {
    const n = interfaceOf(req, res);
    if (!n) return;
    const body = (req.body || {}) as { id?: unknown; password?: unknown };
    if (!isValidStationId(body.id)) {
      res.status(400).json({ error: RED._('ocpp-interface.api.invalidId', { max: MAX_STATION_ID_LENGTH }) });
      return;
    }
    if (body.password !== undefined && (typeof body.password !== 'string' || body.password.length === 0 || body.password.length > 256)) {
      res.status(400).json({ error: RED._('ocpp-interface.api.invalidPassword', { max: 256 }) });
      return;
    }
    n.system.approve(body.id, body.password as string | undefined).then(
      (record) => res.json(n.system.summary(record)),
      (err) => res.status(500).json({ error: (err as Error).message }),
    );
  });
  RED.httpAdmin.delete('/ocpp-interface/:id/stations/:station', write, (req, res) => {
    const n = interfaceOf(req, res);
    if (!n) return;
    n.system.remove(String(req.params.station)).then(
      (removed) => {
        if (removed) res.json({ removed: req.params.station });
        else res.status(404).json({ error: RED._('ocpp-interface.api.noStation', { station: String(req.params.station) }) });
      },
      (err) => res.status(500).json({ error: (err as Error).message }),
    );
  });
  RED.httpAdmin.get('/ocpp-interface/:id/stations/:station', read, (req, res) => {
    const n = interfaceOf(req, res);
    if (!n) return;
    const record = n.system.registry.get(String(req.params.station));
    if (record) res.json(n.system.summary(record));
    else res.status(404).json({ error: RED._('ocpp-interface.api.noStation', { station: String(req.params.station) }) });
  });
  RED.httpAdmin.get('/ocpp-interface/:id/stations/:station/log', read, (req, res) => {
    const n = interfaceOf(req, res);
    if (!n) return;
    const log = n.system.stationLog(String(req.params.station));
    if (log) res.json(log);
    else res.status(404).json({ error: RED._('ocpp-interface.api.noStation', { station: String(req.params.station) }) });
  });
  RED.httpAdmin.get('/ocpp-interface/:id/rejected', read, (req, res) => {
    const n = interfaceOf(req, res);
    if (n)
      n.system.rejectedList().then(
        (list) => res.json(list),
        (err) => res.status(500).json({ error: (err as Error).message }),
      );
  });
  RED.httpAdmin.get('/ocpp-interface/:id/sessions', read, (req, res) => {
    const n = interfaceOf(req, res);
    if (!n) return;
    const from = queryTime(req.query.from);
    const to = queryTime(req.query.to);
    if (from === undefined || to === undefined) {
      res.status(400).json({ error: RED._('ocpp-interface.api.invalidTime') });
      return;
    }
    const station = typeof req.query.station === 'string' ? req.query.station : null;
    const limit = typeof req.query.limit === 'string' && /^\d+$/.test(req.query.limit) ? Number(req.query.limit) : null;
    n.system.querySessions({ from, to, station, limit }).then(
      (records) => {
        if (req.query.format === 'csv') {
          res.set('Content-Type', 'text/csv; charset=utf-8');
          res.set('Content-Disposition', `attachment; filename="sessions-${String(req.params.id).replace(/[^A-Za-z0-9_.-]/g, '_')}.csv"`);
          res.send(sessionsCsv(records));
        } else {
          res.json(records);
        }
      },
      (err) => res.status(500).json({ error: (err as Error).message }),
    );
  });
  // For the editor: the versions (in order, with their names) and the actions of each, and a payload template per command.
  RED.httpAdmin.get('/ocpp-interface-meta/actions', read, (_req, res) => {
    res.json(versionCatalogue());
  });
  RED.httpAdmin.get('/ocpp-interface-meta/template/:version/:action', read, (req, res) => {
    const version = req.params.version;
    const template = isVersion(version) ? payloadTemplate(version, String(req.params.action)) : undefined;
    if (template) res.json(template);
    else
      res
        .status(404)
        .json({ error: RED._('ocpp-interface.api.noAction', { action: String(req.params.action), version: String(version) }) });
  });
};
