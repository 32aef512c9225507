import { OcppVersion, profileOf, ReplyContext } from '../versions';

export type { ReplyContext };

/** The automatic answer to a station's CALL, or undefined for an action it cannot send. */
export function automaticReply(
  version: OcppVersion,
  action: string,
  request: Record<string, unknown>,
  ctx: ReplyContext,
): Record<string, unknown> | undefined {
  const reply = profileOf(version).replies.get(action);
  return reply ? reply(request, ctx) : undefined;
}
