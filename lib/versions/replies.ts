/** Building blocks of the automatic replies (README: Automatic replies) that the adapters share. */
import { isoAt, isoNow } from '../clock';
import type { Reply, ReplyContext } from './types';

export const empty: Reply = () => ({});

export function currentTime(ctx: ReplyContext): string {
  if (ctx.now) return ctx.now.toISOString();
  return ctx.receivedAt === undefined ? isoNow() : isoAt(ctx.receivedAt);
}

/** The authorisation status of an id tag nobody answered for: per `unknownIdTags`. */
export function tagStatus(ctx: ReplyContext): 'Accepted' | 'Invalid' {
  return ctx.unknownIdTags === 'accept' ? 'Accepted' : 'Invalid';
}

export function status<S extends string>(value: S): Reply {
  return () => ({ status: value });
}

/** The actions answered with the empty acknowledgement, as table rows. */
export function acknowledged(actions: readonly string[]): [string, Reply][] {
  return actions.map((a) => [a, empty]);
}

/** The table of replies, looked up by the action name as it came off the wire: a Map hashes it where an object would intern it first, and no name can reach Object.prototype. */
export function replyTable(rows: Record<string, Reply> | [string, Reply][]): ReadonlyMap<string, Reply> {
  return new Map(Array.isArray(rows) ? rows : Object.entries(rows));
}
