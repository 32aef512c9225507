/**
 * The JSON Schema "date-time" format (RFC 3339 section 5.6, time zone required), checked
 * character by character: every MeterValues, StatusNotification and TransactionEvent carries
 * at least one, so this runs on most messages. It accepts exactly what ajv-formats' full
 * "date-time" accepts (`t` or a space as separator, `z` in either case, a zone offset whose
 * colon and minutes may be left out, a leap second only at 23:59 UTC).
 */

const SPACE = /^\s$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The value of `n` decimal digits from `at`, or -1 when one of them is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1; // NaN past the end
    v = v * 10 + c;
  }
  return v;
}

export function isDateTime(s: string): boolean {
  // YYYY-MM-DD?hh:mm:ss is 19 characters; a zone needs at least one more
  if (s.length < 20) return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month])) return false;
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 116 && sep !== 32 && !SPACE.test(s.charAt(10))) return false;
  const hr = digits(s, 11, 2);
  const min = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (hr < 0 || min < 0 || sec < 0 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    // a fraction: at least one digit
    const start = ++i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === start) return false;
  }
  let tzSign = 1;
  let tzH = 0;
  let tzM = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    if (i + 1 !== s.length) return false;
  } else if (z === 43 || z === 45) {
    tzSign = z === 45 ? -1 : 1;
    tzH = digits(s, i + 1, 2);
    if (tzH < 0) return false;
    const rest = s.length - (i + 3);
    if (rest === 2) tzM = digits(s, i + 3, 2);
    else if (rest === 3 && s.charCodeAt(i + 3) === 58) tzM = digits(s, i + 4, 2);
    else if (rest !== 0) return false;
    if (tzM < 0 || tzH > 23 || tzM > 59) return false;
  } else {
    return false;
  }
  if (hr <= 23 && min <= 59 && sec <= 59) return true;
  // a leap second: 23:59:60 UTC (the hour and minute are only checked in UTC, as ajv-formats does)
  if (sec > 60) return false;
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1);
}
