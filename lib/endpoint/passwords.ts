import { randomBytes, scrypt, timingSafeEqual } from 'crypto';

// scrypt cost: N=2^14, r=8, p=1 (about 16 MiB and some tens of ms per check).
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** A salted scrypt hash: `scrypt$N$r$p$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Compares in constant time; false for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (!(n > 1) || !(r > 0) || !(p > 0) || expected.length !== KEY_LENGTH) return false;
  const key = await derive(password, salt, n, r, p);
  return timingSafeEqual(key, expected);
}

/**
 * Slows down repeated authentication failures from one address: no delay for the first
 * few, then doubling up to `maxDelayMs`; forgotten after `forgetMs` without failures.
 */
export class FailedAuthThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(
    private readonly freeAttempts = 3,
    private readonly baseDelayMs = 250,
    // Under Node-RED's 5 s limit for an upgrade nobody answers, so a slowed station still gets its 401.
    private readonly maxDelayMs = 4000,
    private readonly forgetMs = 15 * 60 * 1000,
  ) {}

  delayFor(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (!entry) return 0;
    if (now - entry.last > this.forgetMs) {
      this.failures.delete(address);
      return 0;
    }
    const over = entry.count - this.freeAttempts;
    if (over < 0) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(over, 16));
  }

  failed(address: string, now = Date.now()): void {
    const entry = this.failures.get(address);
    if (entry) {
      entry.count += 1;
      entry.last = now;
    } else {
      if (this.failures.size > 10000) this.prune(now);
      this.failures.set(address, { count: 1, last: now });
    }
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }

  private prune(now: number): void {
    for (const [address, entry] of this.failures) {
      if (now - entry.last > this.forgetMs) this.failures.delete(address);
    }
  }
}
