import type { SessionRecord } from './session-store';

/** The columns of the sessions CSV, in the record's order. */
export const SESSION_COLUMNS: readonly (keyof SessionRecord)[] = [
  'id',
  'station',
  'connector',
  'transactionId',
  'idTag',
  'start',
  'stop',
  'meterStart',
  'meterStop',
  'energy',
  'duration',
  'stopReason',
  'status',
];

/** Characters a spreadsheet takes as the start of a formula. */
const FORMULA_START = new Set(['=', '+', '-', '@']);
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: empty for null, prefixed with `'` where it would start a formula, quoted where needed (RFC 4180). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (text && FORMULA_START.has(text[0])) text = "'" + text;
  return NEEDS_QUOTES.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

/** Session records as CSV: a header line, then one line per record, CRLF line ends. */
export function sessionsCsv(records: readonly SessionRecord[]): string {
  const lines = [SESSION_COLUMNS.join(',')];
  for (const r of records) lines.push(SESSION_COLUMNS.map((c) => csvCell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}
