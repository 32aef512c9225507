import type { NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { REFUSED_FRAME_CHARS, STORE_UNAVAILABLE_REASON } from '../lib';
import type { FrameEvent, RefusedEvent, SessionEvent, StationEvent } from '../lib';
import { InterfaceNode, InterfaceState, InterfaceUser, statusFor, statusText } from './types';

interface InConfig extends NodeDef {
  interface: string;
  station?: string;
  actions?: string[];
  reply?: 'auto' | 'flow';
}

// CertificateSigned: the station's answer to the certificate the interface signed for it;
// invalid: a frame refused; frame: every frame both ways.
const EVENTS = ['connected', 'disconnected', 'rejected', 'CertificateSigned', 'sessionStarted', 'sessionEnded', 'invalid', 'frame'];

export = function register(RED: NodeAPI): void {
  function OcppInNode(this: InterfaceUser, config: InConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = statusText(RED, 'ocpp-in');
    const iface = RED.nodes.getNode(config.interface) as InterfaceNode | null;
    const station = (config.station || '').trim();
    const actions = Array.isArray(config.actions) ? config.actions.filter((a) => typeof a === 'string' && a) : [];
    const byFlow = config.reply === 'flow';
    let conflict: string | null = null;

    if (!iface || !iface.system) {
      node.status({ fill: 'red', shape: 'ring', text: t('noInterface') });
      node.interfaceChanged = () => undefined;
      return;
    }
    const system = iface.system;

    node.interfaceChanged = (state: InterfaceState) => {
      if (conflict) return;
      const live = station
        ? system.isConnected(station)
          ? 'node-red:common.status.connected'
          : 'node-red:common.status.disconnected'
        : undefined;
      node.status(statusFor(state, t, live));
    };

    const callActions = actions.filter((a) => !EVENTS.includes(a));
    // Events need no reply: a flow node listening to events only claims nothing.
    if (byFlow && (actions.length === 0 || callActions.length > 0)) {
      const claim = system.claimReplies(node, station, callActions);
      if (!claim.ok) {
        const holder = claim.holder as { id?: string; name?: string };
        conflict = RED._('ocpp-in.errors.duplicate', {
          holder: holder.name || holder.id || '',
          actions: callActions.join(', ') || RED._('ocpp-in.errors.allActions'),
          station: station || RED._('ocpp-in.errors.allStations'),
        });
        node.error(conflict);
        node.status({ fill: 'red', shape: 'ring', text: t('duplicate') });
      }
    }

    const onStation = (event: StationEvent) => {
      if (station && event.station !== station) return;
      if (actions.length && !actions.includes(event.topic)) return;
      // A command's outcome is no CALL: only for nodes that name it, never to a flow's ocpp-response.
      if (event.outcome && !actions.length) return;
      // A flow-reply node that lost its claim still reports what arrives, but cannot answer it.
      // Each flow gets a payload of its own where the interface still needs the original (a CALL
      // the flow answers is recorded only then) or other ocpp-in nodes get the same event.
      const shared = system.listenerCount('station') > 1 || (event.call !== null && !event.call.answered);
      const msg = {
        topic: event.topic,
        payload: shared ? structuredClone(event.payload) : event.payload,
        ocpp: { interface: iface.id, station: event.station, version: event.version, action: event.topic, messageId: event.messageId },
      } as NodeMessage & { ocpp: Record<string, unknown> };
      if (event.replyOwner === node) msg.ocpp.reply = 'flow';
      // refused with 503 while Redis is unreachable: the reason in the user's language
      if (event.topic === 'rejected' && event.payload.reason === STORE_UNAVAILABLE_REASON) {
        msg.payload = { ...(msg.payload as object), reason: RED._('ocpp-in.errors.storeUnavailable') };
      }
      if (event.outcome) {
        if (event.outcome.durationMs !== null) msg.ocpp.durationMs = Math.round(event.outcome.durationMs * 1000) / 1000;
        if (event.outcome.error) msg.ocpp.error = event.outcome.error;
      }
      node.send(msg);
    };
    const onTimeout = (event: StationEvent) => {
      if (event.replyOwner !== node) return;
      node.error(
        RED._('ocpp-in.errors.replyTimeout', { action: event.topic, station: event.station, seconds: system.options.callTimeout }),
        {
          topic: event.topic,
          payload: event.payload,
          ocpp: { interface: iface.id, station: event.station, version: event.version, action: event.topic, messageId: event.messageId },
        } as NodeMessage,
      );
    };
    // Session events only where the node lists them.
    const onSession = (event: SessionEvent) => {
      if (station && event.station !== station) return;
      if (!actions.includes(event.topic)) return;
      node.send({
        topic: event.topic,
        // each node its own copy where several get the event (the record is flat)
        payload: system.listenerCount('session') > 1 ? { ...event.record } : event.record,
        ocpp: { interface: iface.id, station: event.station, version: event.version, action: event.topic, messageId: null },
      } as NodeMessage);
    };
    system.on('station', onStation);
    system.on('replyTimeout', onTimeout);
    if (actions.includes('sessionStarted') || actions.includes('sessionEnded')) system.on('session', onSession);
    // `invalid` and `frame` come only to a node that names them: most flows want neither.
    const onInvalid = (event: RefusedEvent) => {
      if (station && event.station !== station) return;
      const frame = event.frame.length > REFUSED_FRAME_CHARS ? event.frame.slice(0, REFUSED_FRAME_CHARS) : event.frame;
      node.send({
        topic: 'invalid',
        payload: { code: event.code, description: event.description, frame },
        ocpp: { interface: iface.id, station: event.station, version: event.version, action: 'invalid', messageId: null },
      } as NodeMessage);
    };
    const onFrame = (event: FrameEvent) => {
      if (station && event.station !== station) return;
      node.send({
        topic: 'frame',
        payload: { direction: event.direction, frame: event.frame },
        ocpp: { interface: iface.id, station: event.station, version: event.version, action: 'frame', messageId: null },
      } as NodeMessage);
    };
    const wantsInvalid = actions.includes('invalid');
    const wantsFrame = actions.includes('frame');
    if (wantsInvalid) system.on('invalid', onInvalid);
    if (wantsFrame) system.on('frame', onFrame);
    iface.register(node);

    node.on('close', (_removed: boolean, done: () => void) => {
      system.removeListener('station', onStation);
      system.removeListener('replyTimeout', onTimeout);
      system.removeListener('session', onSession);
      system.removeListener('invalid', onInvalid);
      system.removeListener('frame', onFrame);
      system.releaseReplies(node);
      iface.deregister(node);
      done();
    });
  }
  RED.nodes.registerType('ocpp-in', OcppInNode as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
