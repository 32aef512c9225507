import { createPrivateKey, KeyObject, randomBytes, webcrypto, X509Certificate as NodeCertificate } from 'crypto';
import type { TLSSocket } from 'tls';
import type * as X509 from '@peculiar/x509';

/** Node's WebCrypto, handed to every @peculiar/x509 call: no global provider is set. */
const subtleCrypto = webcrypto as unknown as Crypto;

let library: typeof X509 | null = null;

/**
 * @peculiar/x509, loaded with the Reflect polyfill it needs only once a signing CA is
 * configured: an interface without one neither loads it nor extends the global Reflect.
 */
function x509(): typeof X509 {
  if (!library) {
    require('reflect-metadata');
    library = require('@peculiar/x509') as typeof X509;
  }
  return library;
}

/** A signed station certificate is valid this long (and never past the CA's own end). */
export const STATION_CERTIFICATE_DAYS = 365;
/** Its validity starts this much in the past, for a station whose clock lags. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The subject CN of the client certificate a TLS peer presented, or null (none, or not exactly one CN). */
export function peerCommonName(socket: unknown): string | null {
  const tls = socket as Partial<TLSSocket>;
  if (typeof tls.getPeerCertificate !== 'function') return null;
  const cn = tls.getPeerCertificate()?.subject?.CN as string | string[] | undefined;
  return typeof cn === 'string' ? cn : null;
}

/** The outcome of checking a station's certificate signing request. */
export type RequestCheck = { ok: true; request: X509.Pkcs10CertificateRequest } | { ok: false; reason: string };

export interface IssuedCertificate {
  /** The station's certificate, PEM. */
  certificate: string;
  /** The station's certificate followed by the CA's certificate(s), PEM: what CertificateSigned carries. */
  chain: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * A certificate authority from a PEM certificate (the CA first, any of its issuers after
 * it) and the CA's private key. It checks stations' certificate signing requests and signs
 * TLS client certificates for them.
 */
export class CertificateAuthority {
  private readonly certificates: X509.X509Certificate[];
  private readonly key: KeyObject;
  private readonly notAfter: Date;
  private signingKey: Promise<CryptoKey> | null = null;

  /** Throws an Error saying what is wrong: no certificate, not a CA, key does not match, expired. */
  constructor(certificatePem: string, keyPem: string, passphrase?: string) {
    const lib = x509();
    const blocks = lib.PemConverter.decodeWithHeaders(certificatePem).filter((b) => b.type === 'CERTIFICATE');
    if (blocks.length === 0) throw new Error('no PEM certificate found');
    this.certificates = blocks.map((b) => new lib.X509Certificate(b.rawData));
    const own = new NodeCertificate(Buffer.from(this.certificates[0].rawData));
    if (!own.ca)
      throw new Error(`certificate "${own.subject.replace(/\n/g, ', ')}" is not a CA certificate (basicConstraints CA:TRUE missing)`);
    try {
      this.key = createPrivateKey(passphrase ? { key: keyPem, passphrase } : keyPem);
    } catch (err) {
      throw new Error(`cannot read the CA's private key: ${(err as Error).message}`, { cause: err });
    }
    if (!own.checkPrivateKey(this.key)) throw new Error('the private key does not belong to the CA certificate');
    signatureAlgorithmFor(this.key);
    this.notAfter = this.certificates[0].notAfter;
    if (this.notAfter.getTime() <= Date.now()) throw new Error(`the CA certificate expired on ${this.notAfter.toISOString()}`);
  }

  /** The CA certificate's subject, for messages. */
  get subject(): string {
    return this.certificates[0].subject;
  }

  /** Parses a CSR (PEM, or bare base64) and checks its signature and that its subject CN is exactly `stationId`. */
  async checkRequest(csr: string, stationId: string): Promise<RequestCheck> {
    const lib = x509();
    let request: X509.Pkcs10CertificateRequest;
    try {
      request = new lib.Pkcs10CertificateRequest(csr.trim());
    } catch (err) {
      return { ok: false, reason: `the CSR cannot be read (${(err as Error).message})` };
    }
    let valid: boolean;
    try {
      valid = await request.verify(subtleCrypto);
    } catch (err) {
      return { ok: false, reason: `the CSR's signature cannot be checked (${(err as Error).message})` };
    }
    if (!valid) return { ok: false, reason: "the CSR's signature is not valid" };
    const names = request.subjectName.getField('CN');
    if (names.length !== 1) return { ok: false, reason: `the CSR's subject has ${names.length} CNs, not one` };
    if (names[0] !== stationId) return { ok: false, reason: `the CSR's subject CN "${names[0]}" is not the station id "${stationId}"` };
    return { ok: true, request };
  }

  /** Signs a checked request: a TLS client certificate for the request's subject and public key. */
  async issue(request: X509.Pkcs10CertificateRequest, now = new Date()): Promise<IssuedCertificate> {
    const lib = x509();
    const signingKey = await (this.signingKey ??= importSigningKey(this.key));
    const ca = this.certificates[0];
    const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
    const notAfter = new Date(Math.min(now.getTime() + STATION_CERTIFICATE_DAYS * DAY_MS, this.notAfter.getTime()));
    const serialNumber = randomSerialNumber();
    const publicKey = request.publicKey;
    const certificate = await lib.X509CertificateGenerator.create(
      {
        serialNumber,
        subject: request.subjectName,
        issuer: ca.subjectName,
        notBefore,
        notAfter,
        publicKey,
        signingKey,
        signingAlgorithm: signatureAlgorithmFor(this.key),
        extensions: [
          new lib.BasicConstraintsExtension(false, undefined, true),
          new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature | lib.KeyUsageFlags.keyEncipherment, true),
          new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.clientAuth], false),
          await lib.SubjectKeyIdentifierExtension.create(publicKey, false, subtleCrypto),
          await lib.AuthorityKeyIdentifierExtension.create(ca, false, subtleCrypto),
        ],
      },
      subtleCrypto,
    );
    const pem = certificate.toString('pem');
    const chain = [pem, ...this.certificates.map((c) => c.toString('pem'))].join('\n') + '\n';
    return { certificate: pem, chain, serialNumber, notBefore, notAfter };
  }
}

/** 16 bytes from the CSPRNG, first byte 0x40-0x7F: positive, no leading zero, 126 random bits. */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x3f) | 0x40;
  return bytes.toString('hex');
}

const CURVES: Record<string, { namedCurve: string; hash: string }> = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
  secp521r1: { namedCurve: 'P-521', hash: 'SHA-512' },
};

/** The signature algorithm for a CA key: RSA with SHA-256, or ECDSA on P-256/384/521 with the matching hash. */
function signatureAlgorithmFor(key: KeyObject): RsaHashedImportParams | (EcKeyImportParams & EcdsaParams) {
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const curve = key.asymmetricKeyType === 'ec' ? CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  if (!curve) {
    const kind = key.asymmetricKeyType === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve}` : key.asymmetricKeyType;
    throw new Error(`a CA key of type ${kind} cannot sign here: use RSA or EC P-256, P-384 or P-521`);
  }
  return { name: 'ECDSA', namedCurve: curve.namedCurve, hash: curve.hash };
}

function importSigningKey(key: KeyObject): Promise<CryptoKey> {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  return subtleCrypto.subtle.importKey('pkcs8', der, signatureAlgorithmFor(key), false, ['sign']);
}
