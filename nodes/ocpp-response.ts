import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { RpcError } from '../lib';
import { InterfaceNode } from './types';
import { keepErrorCodes, reportError } from './report-error';

interface OcppMessage extends NodeMessage {
  ocpp?: {
    interface?: string;
    station?: string;
    action?: string;
    messageId?: string;
    error?: { code?: string; description?: string; details?: Record<string, unknown> };
  };
}

export = function register(RED: NodeAPI): void {
  keepErrorCodes(RED);
  function OcppResponseNode(this: Node, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.on('input', (msg: OcppMessage, _send: unknown, done: (err?: Error) => void) => {
      const o = msg.ocpp;
      if (!o || !o.interface || !o.station || !o.messageId) {
        done(new Error(RED._('ocpp-response.errors.noCall')));
        return;
      }
      const iface = RED.nodes.getNode(o.interface) as InterfaceNode | null;
      const call = iface?.system?.awaitingReply(o.station, o.messageId);
      if (!call) {
        done(new Error(RED._('ocpp-response.errors.expired', { action: o.action || 'CALL', station: o.station })));
        return;
      }
      if (o.error) {
        const code = String(o.error.code || 'GenericError');
        call.fail(code, String(o.error.description ?? ''), o.error.details || {});
        node.status({ fill: 'yellow', shape: 'dot', text: RED._('ocpp-response.status.callError', { action: call.action, code }) });
        done();
        return;
      }
      const payload = msg.payload;
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        call.fail(call.incoming.connection.profile.errors.internal, 'The central system produced an invalid response');
        node.status({ fill: 'red', shape: 'ring', text: RED._('ocpp-response.status.invalid') });
        reportError(done, new RpcError('invalidPayload', RED._('ocpp-response.errors.notObject', { action: call.action })));
        return;
      }
      call.reply(payload as Record<string, unknown>).then(
        () => {
          node.status({ fill: 'green', shape: 'dot', text: RED._('ocpp-response.status.sent', { action: call.action }) });
          done();
        },
        (err: Error) => {
          node.status({ fill: 'red', shape: 'ring', text: RED._('ocpp-response.status.invalid') });
          reportError(done, err);
        },
      );
    });
  }
  RED.nodes.registerType('ocpp-response', OcppResponseNode as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
