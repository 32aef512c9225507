import { randomBytes } from 'crypto';

/**
 * Message ids for outgoing CALLs: a random per-process prefix and a counter in base 36.
 * Unique for the life of the process (and, by the prefix, across restarts), far under
 * 36 characters, and cheap: no random bytes per message.
 */
export class MessageIdSource {
  private readonly prefix = randomBytes(6).toString('hex');
  private counter = 0;

  next(): string {
    this.counter += 1;
    return this.prefix + '-' + this.counter.toString(36);
  }
}

export const messageIds = new MessageIdSource();
