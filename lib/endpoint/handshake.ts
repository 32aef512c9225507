import { OcppVersion, isVersion } from '../versions';

export const MAX_STATION_ID_LENGTH = 48;

/** C0 control characters and DEL: never part of a station id. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * A valid station id: 1-48 characters, no ':', no '/' and no control character. Ids are
 * only ever keys, never parts of a path, so '.' and '..' are valid ids like any other.
 */
export function isValidStationId(id: unknown): id is string {
  return (
    typeof id === 'string' &&
    id.length >= 1 &&
    id.length <= MAX_STATION_ID_LENGTH &&
    !id.includes(':') &&
    !id.includes('/') &&
    !CONTROL_CHARACTER.test(id)
  );
}

/**
 * The station id from a request path: the one segment after `basePath/`, percent-decoded,
 * valid by isValidStationId. Null for anything else.
 */
export function stationIdFromPath(pathname: string, basePath: string): string | null {
  const prefix = basePath.endsWith('/') ? basePath : basePath + '/';
  if (!pathname.startsWith(prefix)) return null;
  const raw = pathname.slice(prefix.length);
  if (raw.length === 0 || raw.includes('/')) return null;
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return isValidStationId(id) ? id : null;
}

/** The subprotocols a station offers, in its order (Sec-WebSocket-Protocol may repeat). */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  if (!header) return [];
  const text = Array.isArray(header) ? header.join(',') : header;
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** The OCPP version a subprotocol names, without regard to case and to a trailing `J` (`OCPP1.6J` is `ocpp1.6`). */
export function versionOfProtocol(protocol: string): OcppVersion | null {
  const lower = protocol.toLowerCase();
  const name = lower.endsWith('j') ? lower.slice(0, -1) : lower;
  return isVersion(name) ? name : null;
}

/**
 * The first subprotocol in the station's order that is approved here, with the station's
 * own spelling (the handshake answers with it), or null.
 */
export function matchProtocol(
  offered: readonly string[],
  approved: readonly OcppVersion[],
): { version: OcppVersion; protocol: string } | null {
  for (const protocol of offered) {
    const version = versionOfProtocol(protocol);
    if (version !== null && approved.includes(version)) return { version, protocol };
  }
  return null;
}

/** The first subprotocol in the station's order that is approved here, or null. */
export function negotiateVersion(offered: readonly string[], approved: readonly OcppVersion[]): OcppVersion | null {
  return matchProtocol(offered, approved)?.version ?? null;
}

export interface BasicCredentials {
  username: string;
  password: string;
}

/** HTTP Basic credentials per RFC 7617 (scheme case-insensitive, user-id up to the first ':'). */
export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  if (!header) return null;
  const m = /^\s*basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
