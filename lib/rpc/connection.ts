import { EventEmitter } from 'events';
import type { WebSocket, RawData } from 'ws';
import { repairPayload, RepairKind } from '../schema/repair';
import { checkPayload, complaintOf, hasAction, schemaOf, stationRequestValidator } from '../schema/validators';
import { isCentralAction, OcppVersion, profileOf, VersionProfile } from '../versions';
import { CallQueue } from './call-queue';
import { RpcError } from './errors';
import {
  CALL,
  CALLERROR,
  CALLRESULT,
  CALLRESULTERROR,
  encodeCall,
  encodeError,
  encodeResult,
  FrameError,
  parseFrame,
  SEND,
} from './frames';
import { Logger, silentLogger } from './logger';
import { messageIds } from './message-id';

/** The station's answer to a CALL the central system sent. */
export interface CallOutcome {
  payload: Record<string, unknown>;
  messageId: string;
  durationMs: number;
}

const WARNINGS_PER_MINUTE = 10;
/** A refused frame is reported with at most this much of its text. */
export const REFUSED_FRAME_CHARS = 4096;

interface PendingCall {
  id: string;
  action: string;
  frame: string;
  timeoutMs: number;
  sentAt: number;
  timer: NodeJS.Timeout | null;
  resolve(outcome: CallOutcome): void;
  reject(err: Error): void;
}

export interface ConnectionOptions {
  /** Commands waiting behind the outstanding one; more are refused with `queueFull`. */
  queueLimit?: number;
  /** `lenient` (default): the known deviations of real wallboxes are repaired; `strict`: refused. */
  validation?: 'lenient' | 'strict';
  log?: Logger;
}

/** A frame of the station's that was refused with a CALLERROR. */
export interface RefusedFrame {
  code: string;
  description: string;
  /** The frame as received. */
  frame: string;
}

/**
 * Sees every frame of a connection, in both directions, in order. An object with two methods
 * rather than a callback: the connection calls it twice per message, and one class
 * implementing it keeps those calls monomorphic.
 */
export interface FrameTap {
  /** A frame received at `at` (ms): its text, and its bytes when it came in one piece (else null). */
  received(text: string, bytes: Buffer | null, at: number): void;
  /** A frame sent at `at` (ms). */
  sent(frame: string, at: number): void;
}

/**
 * A CALL received from a station. Exactly one answer goes back: `reply` (validated
 * against the official response schema) or `fail` (a CALLERROR). A SEND (`unconfirmed`,
 * OCPP 2.1) is handled the same way, but nothing goes back.
 */
export class IncomingCall {
  answered = false;
  /** Time (ms) the CALL arrived. */
  readonly receivedAt: number;

  constructor(
    readonly connection: StationConnection,
    readonly messageId: string,
    readonly action: string,
    readonly payload: Record<string, unknown>,
    readonly unconfirmed = false,
  ) {
    this.receivedAt = connection.lastMessageAt;
  }

  /**
   * Answers with a CALLRESULT. An invalid payload is not sent: the station gets InternalError
   * and this throws `invalidPayload`. `prevalidated`: the caller's payload is valid by
   * construction (the automatic replies, each checked against its schema by the tests).
   */
  reply(payload: unknown, prevalidated = false): void {
    this.claim();
    if (this.unconfirmed) return;
    const complaint = prevalidated ? null : checkPayload(this.connection.version, this.action, 'response', payload);
    if (complaint) {
      this.connection.sendRaw(
        encodeError(this.messageId, this.connection.profile.errors.internal, 'The central system produced an invalid response', {}),
      );
      throw new RpcError('invalidPayload', `invalid ${this.action} response for ${this.connection.version}: ${complaint.description}`, {
        complaint: complaint.description,
        keyword: complaint.details.keyword,
      });
    }
    this.connection.sendRaw(encodeResult(this.messageId, payload));
  }

  /** Answers with a CALLERROR; a code the version does not define becomes GenericError. */
  fail(code: string, description = '', details: Record<string, unknown> = {}): void {
    this.claim();
    if (this.unconfirmed) return;
    const profile = this.connection.profile;
    const known = profile.errorCodes.includes(code) ? code : profile.errors.generic;
    this.connection.sendRaw(encodeError(this.messageId, known, String(description), details));
  }

  /** Told once when the call is answered, by whatever path. */
  onAnswered: (() => void) | null = null;
  /** Its answer is decided and on its way (sent once what it tells is stored): no fault may answer it otherwise. */
  decided = false;

  private claim(): void {
    if (this.answered) throw new RpcError('alreadyAnswered', `${this.action} ${this.messageId} has already been answered`);
    this.answered = true;
    this.connection.settleIncoming(this.messageId);
    const told = this.onAnswered;
    this.onAnswered = null;
    if (told) told();
  }
}

interface ConnectionEvents {
  call: [call: IncomingCall];
  resultError: [frame: { id: string; code: string; description: string }];
  repaired: [action: string, kinds: RepairKind[]];
  refused: [refused: RefusedFrame];
  close: [code: number, reason: string];
}

/**
 * One station's OCPP-J session over an open WebSocket: framing, validation of both
 * directions, one outstanding outgoing CALL with a bounded queue behind it.
 *
 * Events: `call` (IncomingCall), `resultError` (a CALLRESULTERROR frame, 2.1), `close` (code:
 * number, reason: string), `repaired` (action, kinds) for a CALL or SEND accepted after lenient
 * repairs, `refused` (RefusedFrame) for a frame answered with a CALLERROR.
 */
export class StationConnection extends EventEmitter<ConnectionEvents> {
  readonly profile: VersionProfile;
  readonly connectedAt = new Date();
  /** Cleared by each keep-alive round, set again by a pong or any message. */
  alive = true;
  closed = false;
  /** Time (ms) of the last message or pong, for "last seen". */
  lastMessageAt = Date.now();
  /** Set by the owner to see every frame (the station log); null: nobody looks. */
  tap: FrameTap | null = null;

  private callHandler: ((call: IncomingCall) => void) | null = null;
  private inflight: PendingCall | null = null;
  private readonly queue: CallQueue<PendingCall>;
  private readonly unanswered = new Set<string>();
  /** The CALL being handled right now, so that a fault while handling it can still answer it. */
  private pendingCall: IncomingCall | null = null;
  private readonly log: Logger;
  private readonly lenient: boolean;
  private warnWindowStart = 0;
  private warnings = 0;
  private suppressed = 0;

  constructor(
    readonly socket: WebSocket,
    readonly id: string,
    readonly version: OcppVersion,
    readonly address: string,
    options: ConnectionOptions = {},
  ) {
    super();
    this.profile = profileOf(version);
    this.queue = new CallQueue(options.queueLimit ?? 100);
    this.log = options.log ?? silentLogger;
    this.lenient = options.validation !== 'strict';
    socket.on('message', (data: RawData) => this.receive(data));
    socket.on('pong', () => {
      this.alive = true;
      this.lastMessageAt = Date.now();
    });
    socket.on('close', (code: number, reason: Buffer) => this.closedBy(code, reason.toString()));
    socket.on('error', (err: Error) => this.warn(`station ${this.id}: ${err.message}`));
  }

  /**
   * Sends a CALL and resolves with the station's answer. Validates first; refuses when
   * closed; queues behind the outstanding CALL.
   */
  call(action: string, payload: unknown, timeoutMs: number): Promise<CallOutcome> {
    if (this.closed) return Promise.reject(new RpcError('notConnected', `station ${this.id} is not connected`));
    if (!isCentralAction(this.version, action)) {
      return Promise.reject(
        new RpcError('unknownAction', `${action} is not a command of ${this.version}`, { action, version: this.version }),
      );
    }
    const complaint = checkPayload(this.version, action, 'request', payload);
    if (complaint) {
      return Promise.reject(
        new RpcError('invalidPayload', `invalid ${action} payload for ${this.version}: ${complaint.description}`, {
          complaint: complaint.description,
          keyword: complaint.details.keyword,
        }),
      );
    }
    return new Promise<CallOutcome>((resolve, reject) => {
      const id = messageIds.next();
      const pending: PendingCall = {
        id,
        action,
        frame: encodeCall(id, action, payload),
        timeoutMs,
        sentAt: 0,
        timer: null,
        resolve,
        reject,
      };
      if (this.inflight) {
        if (!this.queue.push(pending)) {
          reject(new RpcError('queueFull', `station ${this.id} has ${this.queue.limit} commands waiting already`));
        }
      } else {
        this.dispatch(pending);
      }
    });
  }

  /**
   * The one handler of the owner (the central system) that answers this station's CALLs:
   * called first and directly; `call` listeners are then told of the call as well.
   */
  handleCalls(handler: (call: IncomingCall) => void): void {
    this.callHandler = handler;
  }

  /** Closes the WebSocket (normal closure unless told otherwise). */
  close(code = 1000, reason = ''): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
      // A peer that never answers the close handshake is cut off.
      const timer = setTimeout(() => this.socket.terminate(), 2000);
      timer.unref();
      this.socket.once('close', () => clearTimeout(timer));
    }
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** @internal Sends a frame if the socket is still open; false otherwise. */
  sendRaw(frame: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    // sent while a CALL is handled, in the turn it arrived: its arrival time, without reading the clock again
    if (this.tap !== null) this.tap.sent(frame, this.pendingCall !== null ? this.lastMessageAt : Date.now());
    this.socket.send(frame);
    return true;
  }

  /** @internal */
  settleIncoming(messageId: string): void {
    if (this.unanswered.size) this.unanswered.delete(messageId);
  }

  /** A warning about this station, at most WARNINGS_PER_MINUTE a minute: a misbehaving station cannot flood the log. */
  warn(message: string): void {
    const now = Date.now();
    if (now - this.warnWindowStart >= 60000) {
      if (this.suppressed) this.log.warn(`station ${this.id}: ${this.suppressed} more warnings in the last minute were not logged`);
      this.warnWindowStart = now;
      this.warnings = 0;
      this.suppressed = 0;
    }
    if (this.warnings < WARNINGS_PER_MINUTE) {
      this.warnings++;
      this.log.warn(message);
    } else {
      this.suppressed++;
    }
  }

  private dispatch(pending: PendingCall): void {
    this.inflight = pending;
    pending.sentAt = performance.now();
    pending.timer = setTimeout(() => this.expire(pending), pending.timeoutMs);
    if (!this.sendRaw(pending.frame)) {
      this.finish(pending);
      pending.reject(new RpcError('notConnected', `station ${this.id} is not connected`));
    }
  }

  private expire(pending: PendingCall): void {
    if (this.inflight !== pending) return;
    pending.timer = null;
    this.finish(pending);
    pending.reject(
      new RpcError('timeout', `station ${this.id} did not answer ${pending.action} within ${pending.timeoutMs / 1000} s`, {
        action: pending.action,
        messageId: pending.id,
      }),
    );
  }

  /** Clears the outstanding CALL and sends the next one waiting. */
  private finish(pending: PendingCall): void {
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = null;
    if (this.inflight === pending) this.inflight = null;
    if (!this.inflight && !this.closed) {
      const next = this.queue.shift();
      if (next) this.dispatch(next);
    }
  }

  private receive(data: RawData): void {
    this.alive = true;
    this.lastMessageAt = Date.now();
    const text = typeof data === 'string' ? data : data.toString();
    if (this.tap !== null) this.tap.received(text, Buffer.isBuffer(data) ? data : null, this.lastMessageAt);
    let frame;
    try {
      frame = parseFrame(text, this.profile.extraMessageTypes);
    } catch (err) {
      this.refuseFrame(err as FrameError, text);
      return;
    }
    // Nothing one frame causes may escape to the socket's event loop: that would stop the
    // whole process, and with it every other station.
    try {
      switch (frame.type) {
        case CALL:
          this.receiveCall(frame.id, frame.action, frame.payload, text);
          break;
        case CALLRESULT:
          this.receiveAnswer(frame.id, frame.payload, null);
          break;
        case CALLERROR:
          this.receiveAnswer(frame.id, null, frame);
          break;
        case SEND:
          this.receiveSend(frame.id, frame.action, frame.payload);
          break;
        case CALLRESULTERROR:
          // The station could not process a CALLRESULT of ours: nothing is waiting for it, so it is told.
          this.warn(`station ${this.id} could not process the answer to its message ${frame.id}: ${frame.code} ${frame.description}`);
          this.emit('resultError', frame);
      }
    } catch (err) {
      this.handlingFailed(frame.type === CALL ? frame : null, err);
    }
    this.pendingCall = null;
  }

  private refuseFrame(e: FrameError, text: string): void {
    const errors = this.profile.errors;
    const code = e.kind === 'messageType' ? errors.messageType : e.kind === 'depth' ? errors.format : errors.formation;
    // Only CALLs (or what cannot be told apart) are answered; a broken answer or SEND is not.
    const type = /^\s*\[\s*(\d)\s*,/.exec(text);
    const unanswered = type !== null && this.getsNoAnswer(Number(type[1]));
    this.warn(`station ${this.id} sent an unreadable message (${e.message})${unanswered ? '' : `, answered ${code}`}`);
    if (e.kind === 'messageType' || !unanswered) {
      this.sendRaw(encodeError(e.id, code, e.message, {}));
      this.emitRefused(code, e.message, text);
      return;
    }
    // A broken answer to the command under way fails it now rather than at its timeout.
    const pending = this.inflight;
    if (pending && pending.id === e.id) {
      this.finish(pending);
      pending.reject(
        new RpcError('invalidPayload', `station ${this.id} answered ${pending.action} with an unreadable message: ${e.message}`, {
          complaint: e.message,
          durationMs: performance.now() - pending.sentAt,
        }),
      );
    }
  }

  /** A fault while handling a frame: logged; a CALL still unanswered gets InternalError. */
  private handlingFailed(call: { id: string; action: string } | null, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.log.error(`station ${this.id}: handling ${call ? `${call.action} ${call.id}` : 'an answer'} failed: ${message}`);
    if (!call) return;
    const pending = this.pendingCall?.messageId === call.id ? this.pendingCall : null;
    if (pending) {
      if (pending.answered || pending.decided) return;
      try {
        pending.fail(this.profile.errors.internal, 'the central system could not handle this message');
      } catch {
        // already answered meanwhile
      }
    } else {
      // the fault came before the call was handed on: nothing has answered it
      this.sendRaw(encodeError(call.id, this.profile.errors.internal, 'the central system could not handle this message', {}));
    }
  }

  /** Message types that are never answered: results, errors, and in 2.1 also CALLRESULTERROR and SEND. */
  private getsNoAnswer(type: number): boolean {
    return type === CALLRESULT || type === CALLERROR || this.profile.extraMessageTypes.has(type);
  }

  /** A SEND (OCPP 2.1): handled like a CALL when valid, else dropped and logged; never answered. */
  private receiveSend(messageId: string, action: string, payload: Record<string, unknown>): void {
    const validate = stationRequestValidator(this.version, action);
    if (!validate) {
      this.warn(`station ${this.id} sent ${action} as SEND, which is not an action it sends: ignored`);
      return;
    }
    if (!validate(payload)) {
      const complaint = complaintOf(this.version, validate.errors![0]);
      const kinds = this.lenient ? repairPayload(this.version, schemaOf(this.version, action, 'request')!, payload) : [];
      if (kinds.length === 0 || !validate(payload)) {
        this.warn(`station ${this.id} sent an invalid ${action} (${complaint.description}): ignored`);
        return;
      }
      this.emit('repaired', action, kinds);
    }
    const call = new IncomingCall(this, messageId, action, payload, true);
    if (this.callHandler) this.callHandler(call);
    if (this.listenerCount('call') !== 0) this.emit('call', call);
  }

  private receiveCall(messageId: string, action: string, payload: Record<string, unknown>, text: string): void {
    const errors = this.profile.errors;
    if (this.unanswered.size && this.unanswered.has(messageId)) {
      this.sendRaw(encodeError(messageId, errors.generic, `message id ${messageId} is still being answered`, {}));
      return;
    }
    // One lookup for the common case: an action stations send, with its compiled validator.
    const validate = stationRequestValidator(this.version, action);
    if (!validate) {
      if (!hasAction(this.version, action)) {
        this.refuse(messageId, errors.notImplemented, `${action} is not an action of ${this.version}`, text);
      } else {
        this.refuse(messageId, errors.notSupported, `${action} is not sent by a charging station`, text);
      }
      return;
    }
    if (!validate(payload)) {
      // What strict validation answers; lenient validation answers the same when repairs do not help.
      const complaint = complaintOf(this.version, validate.errors![0]);
      const kinds = this.lenient ? repairPayload(this.version, schemaOf(this.version, action, 'request')!, payload) : [];
      if (kinds.length === 0 || !validate(payload)) {
        this.refuse(messageId, complaint.code, complaint.description, text, action);
        return;
      }
      this.emit('repaired', action, kinds);
    }
    const call = new IncomingCall(this, messageId, action, payload);
    this.pendingCall = call;
    if (this.callHandler) {
      this.callHandler(call);
      // listeners still see every call, answered or not
      if (this.listenerCount('call') !== 0) this.emit('call', call);
    } else {
      this.emit('call', call);
    }
    if (call.answered) return;
    if (!this.callHandler && this.listenerCount('call') === 0) {
      call.fail(errors.notImplemented, 'no handler');
      return;
    }
    // Still being answered (by a flow): a second CALL with this id is refused meanwhile.
    this.unanswered.add(messageId);
  }

  /** Answers a CALL with a CALLERROR for what the station sent, and tells about it. */
  private refuse(messageId: string, code: string, description: string, text: string, action?: string): void {
    this.sendRaw(encodeError(messageId, code, description, {}));
    this.warn(`station ${this.id}: ${action ? action + ' ' : ''}refused with ${code}: ${description}`);
    this.emitRefused(code, description, text);
  }

  private emitRefused(code: string, description: string, text: string): void {
    if (this.listenerCount('refused') === 0) return;
    const frame = text.length > REFUSED_FRAME_CHARS ? text.slice(0, REFUSED_FRAME_CHARS) : text;
    this.emit('refused', {
      code,
      description: description.length > 255 ? description.slice(0, 252) + '...' : description,
      frame,
    } satisfies RefusedFrame);
  }

  private receiveAnswer(
    messageId: string,
    payload: Record<string, unknown> | null,
    error: { code: string; description: string; details: Record<string, unknown> } | null,
  ): void {
    const pending = this.inflight;
    if (!pending || pending.id !== messageId) {
      this.warn(`station ${this.id} answered unknown message id ${messageId}: ignored`);
      return;
    }
    this.finish(pending);
    const durationMs = performance.now() - pending.sentAt;
    if (error) {
      pending.reject(
        new RpcError('callError', `station ${this.id} answered ${pending.action} with ${error.code}: ${error.description}`, {
          errorCode: error.code,
          errorDescription: error.description,
          errorDetails: error.details,
          durationMs,
        }),
      );
      return;
    }
    const complaint = checkPayload(this.version, pending.action, 'response', payload);
    if (complaint) {
      // Where the version defines it, the station learns that its answer could not be processed.
      if (this.profile.extraMessageTypes.has(CALLRESULTERROR)) {
        this.sendRaw(encodeError(messageId, complaint.code, complaint.description, {}, CALLRESULTERROR));
      }
      pending.reject(
        new RpcError('invalidPayload', `station ${this.id} answered ${pending.action} with an invalid payload: ${complaint.description}`, {
          complaint: complaint.description,
          payload,
          durationMs,
        }),
      );
      return;
    }
    pending.resolve({ payload: payload!, messageId, durationMs });
  }

  private closedBy(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const failure = () => new RpcError('notConnected', `station ${this.id} disconnected`);
    const waiting = this.queue.drain();
    const current = this.inflight;
    if (current) {
      if (current.timer) clearTimeout(current.timer);
      this.inflight = null;
      current.reject(failure());
    }
    for (const pending of waiting) pending.reject(failure());
    this.unanswered.clear();
    this.emit('close', code, reason);
  }
}
