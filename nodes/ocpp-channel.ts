import type { NodeAPI, NodeDef, NodeMessage } from 'node-red';
import {
  buildWrite,
  ChannelEvent,
  clusterFault,
  channelValue,
  interpretResult,
  isReadChannel,
  isWriteChannel,
  ReadChannel,
  RpcError,
  StationValues,
} from '../lib';
import { InterfaceNode, InterfaceState, InterfaceUser, StatusText, statusFor, statusText } from './types';
import { keepErrorCodes, reportError } from './report-error';

interface ChannelConfig extends NodeDef {
  interface: string;
  station?: string;
  connector?: string | number;
  channel: string;
  idTag?: string;
}

interface ChannelMessage extends NodeMessage {
  ocpp?: Record<string, unknown> & { station?: string };
  idTag?: unknown;
  stale?: boolean;
}

function shortText(value: unknown, t: StatusText): string {
  if (value === undefined) return t('unknown');
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > 32 ? text.slice(0, 29) + '...' : text;
}

export = function register(RED: NodeAPI): void {
  keepErrorCodes(RED);
  function OcppChannelNode(this: InterfaceUser, config: ChannelConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = statusText(RED, 'ocpp-channel');
    const iface = RED.nodes.getNode(config.interface) as InterfaceNode | null;
    const channel = config.channel;
    const connector = Number(config.connector) > 0 ? Math.floor(Number(config.connector)) : 0;
    const station = (config.station || '').trim();
    const reading = isReadChannel(channel);
    let lastWrite: string | null = null;

    if (!iface || !iface.system) {
      node.status({ fill: 'red', shape: 'ring', text: t('noInterface') });
      node.interfaceChanged = () => undefined;
      return;
    }
    if (!reading && !isWriteChannel(channel)) {
      node.status({ fill: 'red', shape: 'ring', text: t('unknownChannel') });
      node.error(RED._('ocpp-channel.errors.unknownChannel', { channel: JSON.stringify(channel) }));
    }
    const system = iface.system;

    const current = (id: string): { value: unknown; stale: boolean } => {
      const live = !system.deactivated && system.isConnected(id);
      if (channel === 'connected') return { value: system.deactivated ? undefined : live, stale: system.deactivated };
      return { value: channelValue(system.valuesOf(id) as StationValues | undefined, connector, channel as ReadChannel), stale: !live };
    };
    const message = (id: string, value: unknown, stale: boolean): ChannelMessage => {
      const msg: ChannelMessage = {
        topic: channel,
        payload: value,
        ocpp: { interface: iface.id, station: id, version: system.versionOf(id), action: null, messageId: null, connector, channel },
      };
      if (stale) msg.stale = true;
      return msg;
    };

    node.interfaceChanged = (state: InterfaceState) => {
      if (state.state !== 'listening' || !station) {
        node.status(statusFor(state, t, station ? undefined : t('noStation')));
        return;
      }
      if (reading) {
        const { value, stale } = current(station);
        const text = shortText(value, t);
        node.status({ fill: stale ? 'grey' : 'green', shape: stale ? 'ring' : 'dot', text: stale ? t('stale', { value: text }) : text });
      } else {
        node.status({
          fill: system.isConnected(station) ? 'green' : 'grey',
          shape: 'dot',
          text: lastWrite ?? (system.isConnected(station) ? 'node-red:common.status.connected' : 'node-red:common.status.disconnected'),
        });
      }
    };
    const refresh = () => node.interfaceChanged(iface.state);

    const onChannel = (event: ChannelEvent) => {
      // A read channel with no station set reports every station's changes.
      if (station ? event.station !== station : !reading) return;
      if (!reading) {
        if (event.channel === 'connected') refresh();
        return;
      }
      if (event.channel === 'connected' && channel !== 'connected') {
        if (station) refresh();
        return;
      }
      if (event.channel !== channel || event.connector !== connector) return;
      const { stale } = current(event.station);
      node.send(message(event.station, event.value, stale));
      if (station) refresh();
    };
    system.on('channel', onChannel);
    iface.register(node);

    node.on('input', (msg: ChannelMessage, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      const id = station || (typeof msg.ocpp?.station === 'string' ? msg.ocpp.station : '');
      if (!id) {
        reportError(done, new RpcError('unknownStation', RED._('ocpp-channel.errors.noStation')));
        return;
      }
      if (reading) {
        const { value, stale } = current(id);
        if (value !== undefined) send(Object.assign(msg, message(id, value, stale)));
        done();
        return;
      }
      if (system.deactivated) {
        reportError(done, new RpcError('deactivated', RED._('ocpp-channel.errors.deactivated')));
        return;
      }
      const version = system.versionOf(id);
      if (!version) {
        reportError(
          done,
          new RpcError(
            system.registry.has(id) ? 'notConnected' : 'unknownStation',
            system.registry.has(id)
              ? RED._('ocpp-channel.errors.notConnected', { station: id })
              : RED._('ocpp-channel.errors.unknownStation', { station: JSON.stringify(id) }),
          ),
        );
        return;
      }
      let write;
      try {
        const idTag = typeof msg.idTag === 'string' && msg.idTag ? msg.idTag : config.idTag || undefined;
        write = buildWrite(version, channel, connector, msg.payload, {
          values: (system.valuesOf(id) as StationValues | undefined) ?? { connectors: {} },
          idTag,
          remoteStartId: system.nextRemoteStartId(),
        });
      } catch (err) {
        reportError(done, err as Error);
        return;
      }
      if ('noop' in write) {
        send(Object.assign(msg, message(id, write.noop, false)));
        done();
        return;
      }
      const { action, payload } = write;
      system.command(id, action, payload).then(
        (outcome) => {
          const result = interpretResult(version, action, outcome.payload);
          lastWrite = t('written', { value: shortText(msg.payload, t), status: result.status });
          refresh();
          const out = Object.assign(msg, message(id, result, false));
          out.ocpp = { ...out.ocpp, action, messageId: outcome.messageId, durationMs: Math.round(outcome.durationMs * 1000) / 1000 };
          send(out);
          done();
        },
        (err: RpcError) => {
          // a write routed to another instance: why it could not get there, in the user's language
          const fault = clusterFault(err);
          if (fault)
            err = new RpcError(
              err.code,
              fault === 'holderGone'
                ? RED._('ocpp-channel.errors.holderGone', { station: id })
                : RED._('ocpp-channel.errors.redisUnreachable', { station: id }),
              err.details,
            );
          node.status({ fill: 'red', shape: 'ring', text: t('failed', { channel, code: err.code }) });
          reportError(done, err);
        },
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      system.removeListener('channel', onChannel);
      iface.deregister(node);
      done();
    });
  }
  RED.nodes.registerType('ocpp-channel', OcppChannelNode as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
