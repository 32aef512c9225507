/** Limits and pace of the failed-login throttle; every value can be set, for tests as for operators. */
export interface ThrottleOptions {
  /** Failures from one address before attempts are slowed down. */
  freeAttempts?: number;
  /** Delay before the first slowed attempt; it doubles with every further failure. */
  baseDelayMs?: number;
  /** Longest delay. Under Node-RED's 5 s limit for an upgrade nobody answers, so a slowed station still gets its 401. */
  maxDelayMs?: number;
  /** Time without failures after which an address starts afresh. */
  forgetMs?: number;
  /** Attempts for one station from one address that may wait for their turn; more are refused at once (HTTP 429). */
  maxWaiting?: number;
  /** Attempts from one address, for all stations together, that may wait; more are refused at once (HTTP 429). */
  maxWaitingPerAddress?: number;
}

export const THROTTLE_DEFAULTS: Required<ThrottleOptions> = {
  freeAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  forgetMs: 15 * 60 * 1000,
  maxWaiting: 20,
  maxWaitingPerAddress: 200,
};

/** The outcome of one login attempt, reported back to the throttle before the station is answered. */
export type AttemptOutcome = 'failed' | 'succeeded' | 'abandoned';

/** An admitted attempt: `finish` must be called exactly once, before the answer is sent. */
export interface AttemptTurn {
  finish(outcome: AttemptOutcome): void;
}

interface AddressState {
  failures: number;
  lastFailure: number;
  /** Attempts being checked now. */
  running: number;
  /** Attempts waiting for their turn, oldest first. */
  waiting: (() => void)[];
}

/**
 * Slows down guessing a station's password from one address. The count is kept per
 * address and station id: a guesser slows down the station it guesses at, not the other
 * stations behind the same NAT, proxy or load balancer. Every attempt counts before it is
 * answered: an attempt holds its turn until its outcome is reported, so attempts in
 * parallel cannot all pass before the first failure is known. While fewer than
 * `freeAttempts` failures are counted, that many attempts may be checked at once; after that
 * one at a time, each after a delay that doubles with every failure. Only time without
 * failures clears the count, not a successful login (which anyone can make for a new
 * station id while stations are approved automatically). Attempts beyond `maxWaiting` per
 * station, or `maxWaitingPerAddress` in all, get `null` at once, so an address cannot hold an
 * unbounded number of sockets open.
 */
export class FailedAuthThrottle {
  private readonly options: Required<ThrottleOptions>;
  private readonly addresses = new Map<string, AddressState>();
  /** Attempts waiting per address, over all its station ids. */
  private readonly waitingByAddress = new Map<string, number>();

  constructor(
    options: ThrottleOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...THROTTLE_DEFAULTS, ...options };
  }

  /**
   * Waits for the attempt's turn and its delay; resolves with the turn, or with `null` when
   * too many attempts from this address are waiting already (answer 429).
   * `stillWanted` is asked when the turn comes: a socket closed meanwhile gives its turn up at once.
   */
  admit(address: string, station: string, stillWanted: () => boolean = () => true): Promise<AttemptTurn | null> {
    const key = keyOf(address, station);
    const state = this.stateOf(key);
    if (this.mayStart(state) && state.waiting.length === 0) return this.start(key, state, stillWanted);
    const waitingHere = this.waitingByAddress.get(address) ?? 0;
    if (state.waiting.length >= this.options.maxWaiting || waitingHere >= this.options.maxWaitingPerAddress) {
      this.release(key, state);
      return Promise.resolve(null);
    }
    this.waitingByAddress.set(address, waitingHere + 1);
    return new Promise<AttemptTurn | null>((resolve) => {
      state.waiting.push(() => {
        const left = (this.waitingByAddress.get(address) ?? 1) - 1;
        if (left > 0) this.waitingByAddress.set(address, left);
        else this.waitingByAddress.delete(address);
        resolve(this.start(key, state, stillWanted));
      });
    });
  }

  /** The delay the next slowed attempt for this station from this address would wait (0 while free attempts are left). */
  delayFor(address: string, station: string): number {
    const state = this.addresses.get(keyOf(address, station));
    if (!state) return 0;
    this.forgetIfQuiet(state);
    return this.delayAfter(state.failures);
  }

  /** Failures counted for this station from this address (0 once forgotten). */
  failuresOf(address: string, station: string): number {
    const state = this.addresses.get(keyOf(address, station));
    if (!state) return 0;
    this.forgetIfQuiet(state);
    return state.failures;
  }

  private stateOf(key: string): AddressState {
    let state = this.addresses.get(key);
    if (!state) {
      if (this.addresses.size >= 10000) this.prune();
      state = { failures: 0, lastFailure: 0, running: 0, waiting: [] };
      this.addresses.set(key, state);
    }
    this.forgetIfQuiet(state);
    return state;
  }

  private forgetIfQuiet(state: AddressState): void {
    if (state.failures > 0 && this.now() - state.lastFailure > this.options.forgetMs) state.failures = 0;
  }

  /** Below the free attempts, as many checks as are left free may run together; after that, one. */
  private mayStart(state: AddressState): boolean {
    const parallel = Math.max(1, this.options.freeAttempts - state.failures);
    return state.running < parallel;
  }

  private delayAfter(failures: number): number {
    const over = failures - this.options.freeAttempts;
    if (over < 0) return 0;
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(over, 16));
  }

  private async start(key: string, state: AddressState, stillWanted: () => boolean): Promise<AttemptTurn | null> {
    state.running++;
    const delay = this.delayAfter(state.failures);
    if (delay > 0 && stillWanted()) await new Promise((resolve) => setTimeout(resolve, delay));
    let finished = false;
    return {
      finish: (outcome: AttemptOutcome) => {
        if (finished) return;
        finished = true;
        state.running--;
        if (outcome === 'failed') {
          state.failures++;
          state.lastFailure = this.now();
        }
        this.next(key, state);
      },
    };
  }

  private next(key: string, state: AddressState): void {
    while (state.waiting.length > 0 && this.mayStart(state)) state.waiting.shift()!();
    this.release(key, state);
  }

  /** An entry with nothing running, waiting or counted is dropped. */
  private release(key: string, state: AddressState): void {
    if (state.running === 0 && state.waiting.length === 0 && state.failures === 0) this.addresses.delete(key);
  }

  private prune(): void {
    for (const [address, state] of this.addresses) {
      this.forgetIfQuiet(state);
      if (state.running === 0 && state.waiting.length === 0 && state.failures === 0) this.addresses.delete(address);
    }
  }
}

function keyOf(address: string, station: string): string {
  return address + '\u0000' + station;
}
