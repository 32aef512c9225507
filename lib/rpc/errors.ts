/** Codes of the errors the layer above sees; the Node-RED nodes pass them on unchanged. */
export type RpcErrorCode =
  | 'deactivated'
  | 'unknownStation'
  | 'notConnected'
  | 'unknownAction'
  | 'invalidPayload'
  | 'timeout'
  | 'callError'
  | 'queueFull'
  | 'alreadyAnswered';

/** An error with a machine-readable `code` (Node-RED copies it to a catch node's msg.error.code). */
export class RpcError extends Error {
  readonly code: RpcErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: RpcErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    if (details) this.details = details;
  }
}
