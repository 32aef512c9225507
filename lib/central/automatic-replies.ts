import { isoNow } from '../clock';
import { OcppVersion } from '../versions';

/** What the automatic replies depend on besides the request. */
export interface ReplyContext {
  heartbeatInterval: number;
  unknownIdTags: 'accept' | 'reject';
  /** 1.6 StartTransaction: the id allocated for it. */
  transactionId?: number;
  /** The clock for the replies that carry the current time; default: now. */
  now?: Date;
}

type Reply = (request: Record<string, unknown>, ctx: ReplyContext) => Record<string, unknown>;

const empty: Reply = () => ({});
const currentTime = (ctx: ReplyContext) => (ctx.now ? ctx.now.toISOString() : isoNow());
const idTagInfo16 = (ctx: ReplyContext) => ({ status: ctx.unknownIdTags === 'accept' ? 'Accepted' : 'Invalid' });
const idTokenInfo201 = (ctx: ReplyContext) => ({ status: ctx.unknownIdTags === 'accept' ? 'Accepted' : 'Invalid' });

/** The answer to every CALL a 1.6 station (with the security extension) can send. */
const OCPP16_REPLIES: Record<string, Reply> = {
  Authorize: (_r, ctx) => ({ idTagInfo: idTagInfo16(ctx) }),
  BootNotification: (_r, ctx) => ({ status: 'Accepted', currentTime: currentTime(ctx), interval: ctx.heartbeatInterval }),
  DataTransfer: () => ({ status: 'UnknownVendorId' }),
  DiagnosticsStatusNotification: empty,
  FirmwareStatusNotification: empty,
  Heartbeat: (_r, ctx) => ({ currentTime: currentTime(ctx) }),
  MeterValues: empty,
  StartTransaction: (_r, ctx) => ({ transactionId: ctx.transactionId, idTagInfo: idTagInfo16(ctx) }),
  StatusNotification: empty,
  StopTransaction: (r, ctx) => (r.idTag ? { idTagInfo: idTagInfo16(ctx) } : {}),
  LogStatusNotification: empty,
  SecurityEventNotification: empty,
  // Without a signing CA; with one, the central system checks and signs the CSR itself.
  SignCertificate: () => ({ status: 'Rejected' }),
  SignedFirmwareStatusNotification: empty,
};

/** The answer to every CALL a 2.0.1 station can send. */
const OCPP201_REPLIES: Record<string, Reply> = {
  Authorize: (_r, ctx) => ({ idTokenInfo: idTokenInfo201(ctx) }),
  BootNotification: (_r, ctx) => ({ currentTime: currentTime(ctx), interval: ctx.heartbeatInterval, status: 'Accepted' }),
  ClearedChargingLimit: empty,
  DataTransfer: () => ({ status: 'UnknownVendorId' }),
  FirmwareStatusNotification: empty,
  Get15118EVCertificate: () => ({ status: 'Failed', exiResponse: '' }),
  GetCertificateStatus: () => ({ status: 'Failed' }),
  Heartbeat: (_r, ctx) => ({ currentTime: currentTime(ctx) }),
  LogStatusNotification: empty,
  MeterValues: empty,
  NotifyChargingLimit: empty,
  NotifyCustomerInformation: empty,
  NotifyDisplayMessages: empty,
  // No charging schedule will be computed for the EV's needs.
  NotifyEVChargingNeeds: () => ({ status: 'Rejected' }),
  NotifyEVChargingSchedule: () => ({ status: 'Accepted' }),
  NotifyEvent: empty,
  NotifyMonitoringReport: empty,
  NotifyReport: empty,
  PublishFirmwareStatusNotification: empty,
  ReportChargingProfiles: empty,
  ReservationStatusUpdate: empty,
  SecurityEventNotification: empty,
  SignCertificate: () => ({ status: 'Rejected' }),
  StatusNotification: empty,
  TransactionEvent: (r, ctx) => (r.idToken ? { idTokenInfo: idTokenInfo201(ctx) } : {}),
};

// Looked up by the action name as it came off the wire: a Map hashes it where an object
// would intern it first, and no name can reach Object.prototype.
const REPLIES: Record<OcppVersion, ReadonlyMap<string, Reply>> = {
  'ocpp1.6': new Map(Object.entries(OCPP16_REPLIES)),
  'ocpp2.0.1': new Map(Object.entries(OCPP201_REPLIES)),
};

/** The automatic answer to a station's CALL, or undefined for an action it cannot send. */
export function automaticReply(version: OcppVersion, action: string, request: Record<string, unknown>, ctx: ReplyContext): Record<string, unknown> | undefined {
  const reply = REPLIES[version].get(action);
  return reply ? reply(request, ctx) : undefined;
}

/** Actions whose automatic reply needs a freshly allocated 1.6 transaction id. */
export function needsTransactionId(version: OcppVersion, action: string): boolean {
  return version === 'ocpp1.6' && action === 'StartTransaction';
}
