import type { IncomingMessage, Server } from 'http';
import type { Duplex } from 'stream';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, pathname: string) => void;

/**
 * One 'upgrade' listener per HTTP server, shared by every endpoint attached to it and
 * dispatching by path prefix (the longest wins). Upgrades on other paths are left to
 * the server's other listeners.
 */
class UpgradeRouter {
  private readonly routes = new Map<string, UpgradeHandler>();
  private readonly listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.route(req, socket, head);

  constructor(private readonly server: Server) {
    server.on('upgrade', this.listener);
  }

  add(path: string, handler: UpgradeHandler): void {
    if (this.routes.has(path)) {
      const err = new Error(`path ${path} is already used by another OCPP interface on this server`) as NodeJS.ErrnoException;
      err.code = 'EADDRINUSE';
      throw err;
    }
    this.routes.set(path, handler);
  }

  remove(path: string, handler: UpgradeHandler): void {
    if (this.routes.get(path) === handler) this.routes.delete(path);
    if (this.routes.size === 0) {
      this.server.removeListener('upgrade', this.listener);
      routers.delete(this.server);
    }
  }

  private route(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url || '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    let best: string | null = null;
    for (const path of this.routes.keys()) {
      if (pathname.startsWith(path + '/') && (best === null || path.length > best.length)) best = path;
    }
    if (best !== null) this.routes.get(best)!(req, socket, head, pathname);
  }
}

const routers = new WeakMap<Server, UpgradeRouter>();

export function routeUpgrades(server: Server, path: string, handler: UpgradeHandler): () => void {
  let router = routers.get(server);
  if (!router) {
    router = new UpgradeRouter(server);
    routers.set(server, router);
  }
  router.add(path, handler);
  const r = router;
  return () => r.remove(path, handler);
}
