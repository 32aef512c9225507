export * from './versions';
export * from './schema/validators';
export * from './schema/templates';
export * from './rpc/errors';
export * from './rpc/frames';
export * from './rpc/logger';
export * from './rpc/call-queue';
export {
  StationConnection,
  IncomingCall,
  CallOutcome,
  ConnectionOptions,
  RefusedFrame,
  FrameTap,
  REFUSED_FRAME_CHARS,
} from './rpc/connection';
export * from './endpoint/handshake';
export * from './endpoint/passwords';
export * from './endpoint/auth-throttle';
export * from './endpoint/endpoint';
export * from './registry/atomic-file';
export * from './registry/station-registry';
export * from './registry/store';
export * from './central/automatic-replies';
export * from './central/central-system';
export * from './central/station-log';
export * from './schema/repair';
export * from './channels';
export * from './security/certificates';
export * from './security/messages';
export * from './sessions';
export { clusterFault, ClusterFault, STORE_UNAVAILABLE_REASON } from './redis/cluster';
