'use strict';
// Test certificates made with @peculiar/x509 (the library the interface signs with): CAs,
// a server certificate for 127.0.0.1, station client certificates and CSRs.
const { webcrypto } = require('crypto');
require('reflect-metadata');
const x509 = require('@peculiar/x509');

const crypto = webcrypto;
const EC = { name: 'ECDSA', namedCurve: 'P-256' };
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' };
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY = 24 * 60 * 60 * 1000;

function keyPair(algorithm = EC) {
  return crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
}

async function keyPem(privateKey) {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', privateKey), 'PRIVATE KEY');
}

/** A self-signed CA: `{ cert, keys, pem, keyPem }`, valid `days` from now. `rsa: true` for an RSA CA. */
async function makeCa(name = 'Test CA', { rsa = false, days = 1000 } = {}) {
  const keys = await keyPair(rsa ? RSA : EC);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name: `CN=${name}`,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + days * DAY),
      keys,
      signingAlgorithm: rsa ? RSA : ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { cert, keys, pem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey), rsa };
}

/** A leaf certificate signed by `ca`: `{ pem, keyPem }`. */
async function makeLeaf(
  ca,
  cn,
  { server = false, notBefore = new Date(Date.now() - DAY), notAfter = new Date(Date.now() + 7 * DAY) } = {},
) {
  const keys = await keyPair();
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([server ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
  ];
  if (server) extensions.push(new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]));
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
        .toString('hex')
        .replace(/^./, '1'),
      subject: `CN=${cn}`,
      issuer: ca.cert.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: ca.rsa ? RSA : ECDSA_SHA256,
      extensions,
    },
    crypto,
  );
  return { cert, pem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** A station's CSR (PEM) for subject `name` ('CN=CP1, O=Org'), with its key pair and PEM private key. */
async function makeCsr(name) {
  const keys = await keyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: ECDSA_SHA256 }, crypto);
  return { csr, pem: csr.toString('pem'), keys, keyPem: await keyPem(keys.privateKey) };
}

/** The same CSR with one bit of its signature flipped: still well-formed, no longer valid. */
function breakSignature(csr) {
  const der = Buffer.from(csr.rawData);
  der[der.length - 1] ^= 0x01;
  return x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
}

module.exports = { x509, crypto, makeCa, makeLeaf, makeCsr, breakSignature, DAY };
