// Under load many messages fall in one millisecond: the time is formatted once per millisecond.
let lastMs = -1;
let lastIso = '';

/** The current time as an ISO 8601 string (UTC, milliseconds). */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
