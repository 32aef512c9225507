import type { NodeAPI, NodeMessage } from 'node-red';

// Node-RED 4 and later copy an error's `code` into the catch node's `msg.error`; 3.1 copies
// only message, source, stack and cause. There a runtime hook adds the code of the error
// being reported: Node-RED hands an error to the catch nodes synchronously inside `done(err)`,
// so the error in flight is the one `reportError` holds.

interface CodedError extends Error {
  code?: unknown;
}

interface CatchDelivery {
  msg: NodeMessage & { error?: { message?: unknown; code?: unknown } };
  destination: { node?: { type?: string } };
}

interface RuntimeHooks {
  has(id: string): boolean;
  add(id: string, handler: (event: CatchDelivery) => void): void;
}

const HOOK = 'onReceive.ocppInterfaceErrorCode';
let inFlight: CodedError | null = null;

function addCode(event: CatchDelivery): void {
  if (inFlight === null || event.destination.node?.type !== 'catch') return;
  const error = event.msg.error;
  if (error && error.code === undefined && error.message === String(inFlight)) error.code = inFlight.code;
}

/** Makes `reportError`'s codes reach catch nodes on runtimes that do not copy them (Node-RED 3). */
export function keepErrorCodes(RED: NodeAPI): void {
  const version = (RED as unknown as { version?: () => string }).version;
  const hooks = (RED as unknown as { hooks?: RuntimeHooks }).hooks;
  if (typeof version !== 'function' || parseInt(version(), 10) >= 4 || !hooks || hooks.has(HOOK)) return;
  hooks.add(HOOK, addCode);
}

/** Ends a message's handling with `err`; its `code` reaches the catch node as `msg.error.code`. */
export function reportError(done: (err?: Error) => void, err: CodedError): void {
  if (err.code === undefined) {
    done(err);
    return;
  }
  inFlight = err;
  try {
    done(err);
  } finally {
    inFlight = null;
  }
}
