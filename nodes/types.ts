import type { Node, NodeDef } from 'node-red';
import type { CentralSystem } from '../lib';

/** What the interface reports to the nodes that use it. */
export type InterfaceState =
  | { state: 'starting' }
  | { state: 'listening'; connected: number }
  | { state: 'deactivated' }
  | { state: 'error'; message: string };

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
  heartbeatInterval?: string | number;
  callTimeout?: string | number;
  unknownIdTags?: 'accept' | 'reject';
}

export interface InterfaceNode extends Node {
  system: CentralSystem;
  state: InterfaceState;
  register(user: InterfaceUser): void;
  deregister(user: InterfaceUser): void;
}

/** Node-RED's conventional status for an interface state, optionally with the node's own text when live. */
export function statusFor(state: InterfaceState, liveText?: string): { fill: 'green' | 'yellow' | 'red' | 'grey'; shape: 'dot' | 'ring'; text: string } {
  switch (state.state) {
    case 'starting':
      return { fill: 'yellow', shape: 'ring', text: 'starting' };
    case 'deactivated':
      return { fill: 'grey', shape: 'ring', text: 'deactivated' };
    case 'error':
      return { fill: 'red', shape: 'ring', text: state.message };
    case 'listening':
      return { fill: 'green', shape: 'dot', text: liveText ?? `${state.connected} connected` };
  }
}
