import type { ErrorCodes } from './types';

/** The CALLERROR codes every OCPP-J version spells alike; each adapter adds the ones it spells its own way. */
export const COMMON_ERRORS: Omit<ErrorCodes, 'formation' | 'format' | 'occurrence' | 'messageType'> = {
  property: 'PropertyConstraintViolation',
  type: 'TypeConstraintViolation',
  notImplemented: 'NotImplemented',
  notSupported: 'NotSupported',
  internal: 'InternalError',
  generic: 'GenericError',
};
