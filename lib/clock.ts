// Under load many messages fall in one millisecond: the time is formatted once per millisecond.
let lastMs = -1;
let lastIso = '';

/** A time (ms since the epoch) as an ISO 8601 string (UTC, milliseconds). */
export function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** The current time as an ISO 8601 string (UTC, milliseconds). */
export function isoNow(): string {
  return isoAt(Date.now());
}
