import { acknowledged, currentTime, replyTable, status } from '../replies';
import { REPLY_ROWS_201 } from '../ocpp201/replies';
import type { Reply } from '../types';

interface CertificateStatusRequest {
  certificateHashData: Record<string, unknown>;
  source: string;
}

/** The revocation status of each certificate asked about: unknown to a central system without OCSP access. */
const certificateChainStatus: Reply = (r, ctx) => {
  const asked = Array.isArray(r.certificateStatusRequests) ? (r.certificateStatusRequests as CertificateStatusRequest[]) : [];
  const nextUpdate = currentTime(ctx);
  return {
    certificateStatus: asked.map((q) => ({ certificateHashData: q.certificateHashData, source: q.source, status: 'Failed', nextUpdate })),
  };
};

/** 2.1's answers: 2.0.1's, and one for each CALL 2.1 added. */
export const REPLIES_21 = replyTable([
  ...REPLY_ROWS_201,
  ['GetCertificateChainStatus', certificateChainStatus],
  // No periodic event streams are kept, no dynamic schedule is offered, no VAT number checked.
  ['OpenPeriodicEventStream', status('Rejected')],
  ['PullDynamicScheduleUpdate', status('Rejected')],
  ['VatNumberValidation', (r) => ({ vatNumber: r.vatNumber, status: 'Rejected' })],
  ...acknowledged([
    'BatterySwap',
    'ClosePeriodicEventStream',
    'NotifyDERAlarm',
    'NotifyDERStartStop',
    'NotifyPriorityCharging',
    'NotifySettlement',
    'ReportDERControl',
  ]),
]);
