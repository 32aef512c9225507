import type { NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { clusterFault, RpcError } from '../lib';
import { InterfaceNode, InterfaceState, InterfaceUser, statusFor, statusText } from './types';
import { keepErrorCodes, reportError } from './report-error';

interface CommandConfig extends NodeDef {
  interface: string;
  station?: string;
  action?: string;
  timeout?: string | number;
}

interface CommandMessage extends NodeMessage {
  ocpp?: Record<string, unknown> & { station?: string };
}

export = function register(RED: NodeAPI): void {
  keepErrorCodes(RED);
  function OcppCommandNode(this: InterfaceUser, config: CommandConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = statusText(RED, 'ocpp-command');
    const iface = RED.nodes.getNode(config.interface) as InterfaceNode | null;
    const timeout = Number(config.timeout) > 0 ? Number(config.timeout) : undefined;
    let lastResult: string | null = null;

    node.interfaceChanged = (state: InterfaceState) => node.status(statusFor(state, t, lastResult ?? undefined));
    if (!iface || !iface.system) {
      node.status({ fill: 'red', shape: 'ring', text: t('noInterface') });
    } else {
      iface.register(node);
    }

    node.on('input', (msg: CommandMessage, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      if (!iface || !iface.system) {
        done(new Error(RED._('ocpp-command.errors.noInterface')));
        return;
      }
      const station = config.station || (typeof msg.ocpp?.station === 'string' ? msg.ocpp.station : '');
      const action = config.action || (typeof msg.topic === 'string' ? msg.topic : '');
      if (!station) {
        reportError(done, new RpcError('unknownStation', RED._('ocpp-command.errors.noStation')));
        return;
      }
      if (!action) {
        reportError(done, new RpcError('unknownAction', RED._('ocpp-command.errors.noAction')));
        return;
      }
      const payload = msg.payload === undefined || msg.payload === null || msg.payload === '' ? {} : msg.payload;
      node.status({ fill: 'yellow', shape: 'ring', text: t('sending', { action, station }) });
      iface.system.command(station, action, payload, timeout).then(
        (outcome) => {
          const status = outcome.payload.status;
          lastResult = typeof status === 'string' ? t('done', { action, status }) : t('answered', { action });
          node.status({ fill: 'green', shape: 'dot', text: lastResult });
          msg.payload = outcome.payload;
          msg.ocpp = {
            interface: iface.id,
            station,
            version: iface.system.versionOf(station),
            action,
            messageId: outcome.messageId,
            durationMs: Math.round(outcome.durationMs * 1000) / 1000,
          };
          send(msg);
          done();
        },
        (err: RpcError) => {
          // a command routed to another instance: why it could not get there, in the user's language
          const fault = clusterFault(err);
          if (fault)
            err = new RpcError(
              err.code,
              fault === 'holderGone'
                ? RED._('ocpp-command.errors.holderGone', { station })
                : RED._('ocpp-command.errors.redisUnreachable', { station }),
              err.details,
            );
          lastResult = null;
          node.status(
            err.code === 'deactivated'
              ? statusFor({ state: 'deactivated' }, t)
              : { fill: 'red', shape: 'ring', text: t('failed', { action, code: err.code }) },
          );
          reportError(done, err);
        },
      );
    });
    node.on('close', (_removed: boolean, done: () => void) => {
      iface?.deregister(node);
      done();
    });
  }
  RED.nodes.registerType('ocpp-command', OcppCommandNode as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
