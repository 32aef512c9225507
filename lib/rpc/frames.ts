/**
 * OCPP-J framing: CALL [2,id,action,payload], CALLRESULT [3,id,payload], CALLERROR
 * [4,id,code,description,details]; where the version defines them (OCPP 2.1 Part 4),
 * CALLRESULTERROR [5,id,code,description,details] and SEND [6,id,action,payload].
 */

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;
export const CALLRESULTERROR = 5;
export const SEND = 6;

/** Message ids are strings of at most 36 characters (OCPP-J 4.1.3). */
export const MAX_MESSAGE_ID_LENGTH = 36;

/**
 * Deepest nesting of objects and arrays a payload may have. Deeper payloads are refused
 * before anything walks them: copies, comparisons and serialisation in this package and in
 * Node-RED recurse, and a few thousand levels exhaust the stack.
 */
export const MAX_PAYLOAD_DEPTH = 64;
/** The frame's own array is one level more than its payload. */
const MAX_FRAME_DEPTH = MAX_PAYLOAD_DEPTH + 1;

const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

export interface CallFrame {
  type: 2;
  id: string;
  action: string;
  payload: Record<string, unknown>;
}
export interface ResultFrame {
  type: 3;
  id: string;
  payload: Record<string, unknown>;
}
export interface ErrorFrame {
  type: 4;
  id: string;
  code: string;
  description: string;
  details: Record<string, unknown>;
}
/** The receiver of a CALLRESULT could not process it. */
export interface ResultErrorFrame {
  type: 5;
  id: string;
  code: string;
  description: string;
  details: Record<string, unknown>;
}
/** A message that gets no answer. */
export interface SendFrame {
  type: 6;
  id: string;
  action: string;
  payload: Record<string, unknown>;
}
export type Frame = CallFrame | ResultFrame | ErrorFrame | ResultErrorFrame | SendFrame;

const NO_EXTRA_TYPES: ReadonlySet<number> = new Set();

/**
 * Why a frame could not be read. `kind` decides the CALLERROR code: `formation` for
 * anything structurally wrong, `messageType` for an unknown message type number, `depth`
 * for a payload nested deeper than MAX_PAYLOAD_DEPTH (the version's format violation).
 * `id` is the frame's message id where it could be read, else "-1".
 */
export class FrameError extends Error {
  constructor(
    readonly kind: 'formation' | 'messageType' | 'depth',
    readonly id: string,
    message: string,
    readonly messageType?: number,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True when the JSON text nests objects and arrays deeper than `limit`, found by one pass
 * over the characters (no recursion, no parse). Text with fewer than `limit + 1` opening
 * brackets in all cannot nest that deep: two native searches settle the common case.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let openers = 0;
  for (let i = text.indexOf('{'); i !== -1 && openers <= limit; i = text.indexOf('{', i + 1)) openers++;
  for (let i = text.indexOf('['); i !== -1 && openers <= limit; i = text.indexOf('[', i + 1)) openers++;
  if (openers <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** The message id of a frame whose payload cannot be accepted, where it can be read; else "-1". */
function readableIdOf(data: unknown): string {
  const id = Array.isArray(data) ? data[1] : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_MESSAGE_ID_LENGTH ? id : '-1';
}

/**
 * Parses one text frame; throws FrameError, never anything else. `extraTypes`: the message
 * types beyond 2, 3 and 4 that the connection's version defines (its adapter says which).
 */
export function parseFrame(text: string, extraTypes: ReadonlySet<number> = NO_EXTRA_TYPES): Frame {
  let data: unknown;
  try {
    // V8's JSON.parse does not recurse, so it reads even a too deeply nested frame safely.
    data = JSON.parse(text);
  } catch {
    throw new FrameError('formation', '-1', 'message is not valid JSON');
  }
  if (nestsDeeperThan(text, MAX_FRAME_DEPTH)) {
    throw new FrameError('depth', readableIdOf(data), `payload is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  }
  if (!Array.isArray(data)) throw new FrameError('formation', '-1', 'message is not a JSON array');
  const type = data[0];
  const id = data[1];
  const readableId = typeof id === 'string' && id.length > 0 && id.length <= MAX_MESSAGE_ID_LENGTH;
  if (typeof type !== 'number') throw new FrameError('formation', readableId ? id : '-1', 'message type is not a number');
  if (!readableId) {
    throw new FrameError(
      'formation',
      '-1',
      typeof id === 'string' && id.length > 0
        ? `message id is longer than ${MAX_MESSAGE_ID_LENGTH} characters`
        : 'message id is not a non-empty string',
    );
  }
  switch (type) {
    case CALL:
      checkCall(data, id, 'CALL');
      return { type: CALL, id, action: data[2], payload: data[3] };
    case CALLRESULT:
      if (data.length !== 3) throw new FrameError('formation', id, `CALLRESULT must have 3 elements, has ${data.length}`);
      if (!isObject(data[2])) throw new FrameError('formation', id, 'CALLRESULT payload is not a JSON object');
      return { type: CALLRESULT, id, payload: data[2] };
    case CALLERROR:
      checkError(data, id, 'CALLERROR');
      return { type: CALLERROR, id, code: data[2], description: data[3], details: (data[4] as Record<string, unknown>) || {} };
    case CALLRESULTERROR:
      if (!extraTypes.has(CALLRESULTERROR)) break;
      checkError(data, id, 'CALLRESULTERROR');
      return { type: CALLRESULTERROR, id, code: data[2], description: data[3], details: (data[4] as Record<string, unknown>) || {} };
    case SEND:
      if (!extraTypes.has(SEND)) break;
      checkCall(data, id, 'SEND');
      return { type: SEND, id, action: data[2], payload: data[3] };
  }
  throw new FrameError('messageType', id, `message type ${type} is not supported`, type);
}

/** CALL and SEND: [type, id, action, payload]. */
function checkCall(data: unknown[], id: string, name: string): asserts data is [number, string, string, Record<string, unknown>] {
  if (data.length !== 4) throw new FrameError('formation', id, `${name} must have 4 elements, has ${data.length}`);
  if (typeof data[2] !== 'string' || data[2].length === 0)
    throw new FrameError('formation', id, `${name} action is not a non-empty string`);
  if (!isObject(data[3])) throw new FrameError('formation', id, `${name} payload is not a JSON object`);
}

/** CALLERROR and CALLRESULTERROR: [type, id, code, description, details?]. */
function checkError(data: unknown[], id: string, name: string): asserts data is [number, string, string, string, Record<string, unknown>?] {
  if (data.length !== 5 && data.length !== 4) throw new FrameError('formation', id, `${name} must have 5 elements, has ${data.length}`);
  if (typeof data[2] !== 'string') throw new FrameError('formation', id, `${name} code is not a string`);
  if (typeof data[3] !== 'string') throw new FrameError('formation', id, `${name} description is not a string`);
  if (data.length === 5 && !isObject(data[4])) throw new FrameError('formation', id, `${name} details is not a JSON object`);
}

// One JSON.stringify of the whole frame: a flat string, cheaper than joining the parts.
export function encodeCall(id: string, action: string, payload: unknown): string {
  return JSON.stringify([CALL, id, action, payload]);
}

export function encodeResult(id: string, payload: unknown): string {
  return JSON.stringify([CALLRESULT, id, payload]);
}

/** OCPP limits the description to 255 characters in 2.x; every version gets the same cut. */
export function encodeError(
  id: string,
  code: string,
  description: string,
  details: unknown = {},
  type: typeof CALLERROR | typeof CALLRESULTERROR = CALLERROR,
): string {
  const text = description.length > 255 ? description.slice(0, 252) + '...' : description;
  return JSON.stringify([type, id, code, text, details ?? {}]);
}
