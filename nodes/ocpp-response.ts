import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { RpcError } from '../lib';
import { InterfaceNode } from './types';

interface OcppMessage extends NodeMessage {
  ocpp?: { interface?: string; station?: string; action?: string; messageId?: string; error?: { code?: string; description?: string; details?: Record<string, unknown> } };
}

export = function register(RED: NodeAPI): void {
  function OcppResponseNode(this: Node, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.on('input', (msg: OcppMessage, _send: unknown, done: (err?: Error) => void) => {
      const o = msg.ocpp;
      if (!o || !o.interface || !o.station || !o.messageId) {
        done(new Error('msg.ocpp is missing: ocpp-response answers messages from an ocpp-in node with reply "flow"'));
        return;
      }
      const iface = RED.nodes.getNode(o.interface) as InterfaceNode | null;
      const call = iface?.system?.awaitingReply(o.station, o.messageId);
      if (!call) {
        done(new Error(`no ${o.action || 'CALL'} from ${o.station} is waiting for this reply (answered already, timed out, or the station disconnected)`));
        return;
      }
      if (o.error) {
        const code = String(o.error.code || 'GenericError');
        call.fail(code, String(o.error.description ?? ''), o.error.details || {});
        node.status({ fill: 'yellow', shape: 'dot', text: `${call.action}: ${code}` });
        done();
        return;
      }
      const payload = msg.payload;
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        call.fail(call.incoming.connection.profile.errors.internal, 'The central system produced an invalid response');
        node.status({ fill: 'red', shape: 'ring', text: 'invalid payload' });
        done(new RpcError('invalidPayload', `msg.payload must be the ${call.action} response object`));
        return;
      }
      call.reply(payload as Record<string, unknown>).then(() => {
        node.status({ fill: 'green', shape: 'dot', text: `${call.action} answered` });
        done();
      }, (err: Error) => {
        node.status({ fill: 'red', shape: 'ring', text: 'invalid payload' });
        done(err);
      });
    });
  }
  RED.nodes.registerType('ocpp-response', OcppResponseNode as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
