import { OcppVersion, profileOf, SigningRequest } from '../versions';

/**
 * The payloads of SignCertificate and CertificateSigned: their shape per version is the
 * version adapter's (lib/versions/<version>/certificates.ts).
 */

/** `ChargingStationCertificate`, or another use (2.0.1 `V2GCertificate`; later versions may add more). */
export type CertificateUse = string;

export type { SigningRequest };

/** What a station's SignCertificate asks for (1.6 can only ask for its own certificate). */
export function readSignCertificate(version: OcppVersion, payload: Record<string, unknown>): SigningRequest {
  return profileOf(version).certificates.readSignCertificate(payload);
}

/** The answer to SignCertificate; a reason code and text only where the version has a place for them. */
export function signCertificateResponse(
  version: OcppVersion,
  accepted: boolean,
  reasonCode?: string,
  info?: string,
): Record<string, unknown> {
  return profileOf(version).certificates.signCertificateResponse(accepted, reasonCode, info);
}

/** The CertificateSigned command that delivers a signed chain. */
export function certificateSigned(version: OcppVersion, chain: string, use: CertificateUse): Record<string, unknown> {
  return profileOf(version).certificates.certificateSigned(chain, use);
}
