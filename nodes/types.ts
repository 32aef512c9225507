import type { Node, NodeDef } from 'node-red';
import type { CentralSystem } from '../lib';

/** What the interface reports to the nodes that use it. */
export type InterfaceState =
  { state: 'starting' } | { state: 'listening'; connected: number } | { state: 'deactivated' } | { state: 'error'; message: string };

/** A flow node that uses an interface: it is told whenever the interface's state changes. */
export interface InterfaceUser extends Node {
  interfaceChanged(state: InterfaceState): void;
}

export interface InterfaceConfig extends NodeDef {
  comment?: string;
  deactivated?: boolean;
  versions?: string[];
  autoApprove?: boolean;
  port?: string | number;
  path?: string;
  tls?: string;
  security?: 'none' | 'basic';
  clientCertificates?: 'off' | 'required';
  signingCa?: string;
  heartbeatInterval?: string | number;
  callTimeout?: string | number;
  unknownIdTags?: 'accept' | 'reject';
  store?: 'file' | 'redis';
  redisUrl?: string;
  /** Days session records are kept. */
  sessionRetention?: string | number;
  validation?: 'lenient' | 'strict';
  assumeVersion?: string;
}

export interface InterfaceNode extends Node {
  system: CentralSystem;
  state: InterfaceState;
  register(user: InterfaceUser): void;
  deregister(user: InterfaceUser): void;
}

/** Looks up `<node type>.status.<key>` in the node's message catalogue. */
export type StatusText = (key: string, params?: Record<string, string | number>) => string;

/** A StatusText for one node type, from the RED._ of its module. */
export function statusText(RED: { _: (key: string, params?: Record<string, string | number>) => string }, type: string): StatusText {
  return (key, params) => RED._(`${type}.status.${key}`, params);
}

/** Node-RED's conventional status for an interface state, optionally with the node's own text when live. */
export function statusFor(
  state: InterfaceState,
  t: StatusText,
  liveText?: string,
): { fill: 'green' | 'yellow' | 'red' | 'grey'; shape: 'dot' | 'ring'; text: string } {
  switch (state.state) {
    case 'starting':
      return { fill: 'yellow', shape: 'ring', text: t('starting') };
    case 'deactivated':
      return { fill: 'grey', shape: 'ring', text: t('deactivated') };
    case 'error':
      return { fill: 'red', shape: 'ring', text: state.message };
    case 'listening':
      return { fill: 'green', shape: 'dot', text: liveText ?? t('connected', { count: state.connected }) };
  }
}
