'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { X509Certificate: NodeCertificate, createPublicKey } = require('crypto');
const { CentralSystem, CertificateAuthority } = require('../dist/lib');
const {
  freePort,
  startSystem: startSystemOf,
  station,
  handshakeStatus,
  closeAllClients,
  waitFor,
  delay,
  boot16,
  boot201,
} = require('./support');
const { x509, crypto, makeCa, makeLeaf, makeCsr, breakSignature, DAY } = require('./pki');
const { helper, useRuntime, inbox, interfaceConfig, loadFlow } = require('./runtime');

function recordingLog() {
  const log = { warnings: [], infos: [], errors: [] };
  log.debug = () => {};
  log.info = (m) => log.infos.push(m);
  log.warn = (m) => log.warnings.push(m);
  log.error = (m) => log.errors.push(m);
  return log;
}

/** support's central system, with a log that keeps what it was told. */
async function startSystem(options = {}, listen = {}) {
  const log = recordingLog();
  return { ...(await startSystemOf({ log, ...options }, listen)), log };
}

/** The certificates of a PEM chain, leaf first. */
function chainOf(pem) {
  return x509.PemConverter.decode(pem).map((der) => new x509.X509Certificate(der));
}

/** A station that answers CertificateSigned with `status` and hands over what it received. */
function certificateReceiver(cp, status = 'Accepted') {
  const received = [];
  cp.handle('CertificateSigned', ({ params }) => {
    received.push(params);
    return { status };
  });
  return received;
}

async function until(condition, what, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

describe('security profile 3 and station certificates', function () {
  let ca;
  let otherCa;
  let server;
  let cp1;
  let cp1Expired;
  let cp1OtherCa;
  let other;
  let sys = null;

  before(async function () {
    ca = await makeCa('Station CA');
    otherCa = await makeCa('Someone else');
    server = await makeLeaf(ca, '127.0.0.1', { server: true });
    cp1 = await makeLeaf(ca, 'CP1');
    cp1Expired = await makeLeaf(ca, 'CP1', { notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) });
    cp1OtherCa = await makeLeaf(otherCa, 'CP1');
    other = await makeLeaf(ca, 'OTHER');
  });

  afterEach(async function () {
    await closeAllClients();
    if (sys) await sys.cs.close();
    sys = null;
  });

  const tlsOf = () => ({ cert: server.pem, key: server.keyPem, ca: ca.pem });
  const withCertificate = (leaf) => ({ wsOpts: { ca: ca.pem, ...(leaf ? { cert: leaf.pem, key: leaf.keyPem } : {}) } });
  const profile3 = (options = {}) =>
    startSystem({ clientCertificates: 'required', ...options }, { tls: tlsOf(), clientCertificates: true });

  /** A refused TLS handshake: the connection fails before HTTP, and no station is let in. */
  async function assertTlsRefused(url, id, extra, known = false) {
    const events = [];
    sys.cs.on('station', (e) => events.push(e.topic));
    await assert.rejects(station(url, id, ['ocpp1.6'], extra), (err) => typeof err.code !== 'number');
    await delay(50);
    assert.deepStrictEqual(events, []);
    assert.strictEqual(sys.cs.isConnected(id), false);
    assert.strictEqual(sys.cs.registry.has(id), known);
  }

  describe('clientCertificates: required (TLS with client certificates)', function () {
    it('accepts a station whose certificate the CA signed and whose CN is its id', async function () {
      sys = await profile3();
      const cp = await station(`${sys.url}`, 'CP1', ['ocpp1.6'], withCertificate(cp1));
      assert.strictEqual((await cp.call('BootNotification', boot16)).status, 'Accepted');
      assert.strictEqual(sys.cs.isConnected('CP1'), true);
    });

    it("refuses in the TLS handshake a station without a certificate, with another CA's, or with an expired one", async function () {
      sys = await profile3();
      await assertTlsRefused(sys.url, 'CP1', withCertificate(null));
      await assertTlsRefused(sys.url, 'CP1', withCertificate(cp1OtherCa));
      await assertTlsRefused(sys.url, 'CP1', withCertificate(cp1Expired));
    });

    it('answers HTTP 401 with a warning naming both when the CN is not the station id', async function () {
      sys = await profile3();
      const rejected = waitFor(sys.cs, 'station', (e) => e.topic === 'rejected');
      assert.strictEqual(await handshakeStatus(sys.url, 'CP1', ['ocpp1.6'], withCertificate(other)), 401);
      assert.strictEqual((await rejected).payload.reason, 'client certificate CN is not the station id');
      const warning = sys.log.warnings.find((w) => w.includes('CP1') && w.includes('"OTHER"'));
      assert.ok(warning, `a warning naming CP1 and OTHER, got ${JSON.stringify(sys.log.warnings)}`);
      // the certificate's own id is let in
      assert.strictEqual(await handshakeStatus(sys.url, 'OTHER', ['ocpp1.6'], withCertificate(other)), 101);
    });

    it('combines with security: basic (certificate and password both needed)', async function () {
      sys = await profile3({ security: 'basic', autoApprove: false });
      await sys.cs.approve('CP1', 'secret-1');
      assert.strictEqual(await handshakeStatus(sys.url, 'CP1', ['ocpp1.6'], { ...withCertificate(cp1), password: 'secret-1' }), 101);
      assert.strictEqual(await handshakeStatus(sys.url, 'CP1', ['ocpp1.6'], { ...withCertificate(cp1), password: 'wrong' }), 401);
      assert.strictEqual(await handshakeStatus(sys.url, 'CP1', ['ocpp1.6'], withCertificate(cp1)), 401);
      await assertTlsRefused(sys.url, 'CP1', { ...withCertificate(null), password: 'secret-1' }, true);
    });

    it('refuses to listen without a CA to check client certificates against', async function () {
      const cs = new CentralSystem({
        versions: ['ocpp1.6'],
        autoApprove: true,
        security: 'none',
        heartbeatInterval: 300,
        callTimeout: 5,
        unknownIdTags: 'accept',
        path: '/ocpp',
        registryFile: null,
        clientCertificates: 'required',
      });
      await assert.rejects(
        cs.listen({ port: await freePort(), host: '127.0.0.1', tls: { cert: server.pem, key: server.keyPem }, clientCertificates: true }),
        /client certificates need TLS with a CA certificate/,
      );
      await assert.rejects(cs.listen({ port: await freePort(), host: '127.0.0.1', clientCertificates: true }), /need TLS/);
      await cs.close();
    });
  });

  describe('SignCertificate with a signing CA', function () {
    /** Checks a delivered chain: the CA signed it, it carries the CSR's key, it is a TLS client certificate. */
    async function assertSignedChain(chainPem, signer, csr, cn) {
      const chain = chainOf(chainPem);
      assert.strictEqual(chain.length, 2, 'station certificate, then the CA');
      const [leaf, issuer] = chain;
      assert.strictEqual(issuer.toString('pem'), signer.cert.toString('pem'));
      assert.ok(await leaf.verify({ publicKey: signer.cert.publicKey, signatureOnly: true }, crypto), 'signed by the CA');
      // Independent check with Node's own X.509 parser.
      const node = new NodeCertificate(Buffer.from(leaf.rawData));
      assert.ok(node.verify(createPublicKey(signer.pem)), 'Node verifies the signature too');
      assert.ok(node.checkIssued(new NodeCertificate(signer.pem)));
      assert.deepStrictEqual(Buffer.from(leaf.publicKey.rawData), Buffer.from(csr.csr.publicKey.rawData), "the CSR's public key");
      assert.deepStrictEqual(leaf.subjectName.getField('CN'), [cn]);
      const built = await new x509.X509ChainBuilder({ certificates: [signer.cert] }).build(leaf, crypto);
      assert.strictEqual(built.length, 2);
      const ku = leaf.getExtension(x509.KeyUsagesExtension);
      assert.strictEqual(ku.usages, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
      assert.deepStrictEqual([...leaf.getExtension(x509.ExtendedKeyUsageExtension).usages], [x509.ExtendedKeyUsage.clientAuth]);
      assert.strictEqual(leaf.getExtension(x509.BasicConstraintsExtension).ca, false);
      const days = (leaf.notAfter - leaf.notBefore) / DAY;
      assert.ok(days > 365 && days < 365.1, `valid ${days} days`);
      assert.ok(leaf.notBefore < new Date() && leaf.notBefore > new Date(Date.now() - 2 * 3600e3));
      assert.match(leaf.serialNumber, /^[4-7][0-9a-f]{31}$/);
      return leaf;
    }

    it("1.6: answers Accepted, sends the signed chain with CertificateSigned, and reports the station's answer", async function () {
      const authority = new CertificateAuthority(ca.pem, ca.keyPem);
      sys = await startSystem({ security: 'basic', certificateAuthority: authority });
      const cp = await station(sys.url, 'CP16', ['ocpp1.6'], { password: 'station-pw' });
      const received = certificateReceiver(cp);
      const outcome = waitFor(sys.cs, 'station', (e) => e.topic === 'CertificateSigned');
      const csr = await makeCsr('CN=CP16, O=Test Org');
      assert.deepStrictEqual(await cp.call('SignCertificate', { csr: csr.pem }), { status: 'Accepted' });
      const event = await outcome;
      assert.deepStrictEqual(event.payload, { status: 'Accepted' });
      assert.strictEqual(event.outcome.error, null);
      assert.strictEqual(event.station, 'CP16');
      assert.strictEqual(typeof event.messageId, 'string');
      assert.strictEqual(received.length, 1);
      assert.deepStrictEqual(Object.keys(received[0]), ['certificateChain']);
      const leaf = await assertSignedChain(received[0].certificateChain, ca, csr, 'CP16');
      assert.deepStrictEqual(leaf.subjectName.getField('O'), ['Test Org'], "the CSR's subject is kept");
      assert.ok(sys.log.infos.some((m) => m.includes('CP16') && m.includes('CertificateSigned: Accepted')));
    });

    it('2.0.1 with an RSA CA: the signed certificate opens a profile-3 connection', async function () {
      const rsaCa = await makeCa('RSA Station CA', { rsa: true });
      const rsaServer = await makeLeaf(rsaCa, '127.0.0.1', { server: true });
      const authority = new CertificateAuthority(rsaCa.pem, rsaCa.keyPem);
      sys = await startSystem(
        { certificateAuthority: authority, clientCertificates: 'required' },
        { tls: { cert: rsaServer.pem, key: rsaServer.keyPem, ca: rsaCa.pem }, clientCertificates: true },
      );
      // Today's certificate, from the same CA, to connect and ask for a new one.
      const current = await makeLeaf(rsaCa, 'CP201');
      const cp = await station(sys.url, 'CP201', ['ocpp2.0.1'], { wsOpts: { ca: rsaCa.pem, cert: current.pem, key: current.keyPem } });
      assert.strictEqual((await cp.call('BootNotification', boot201)).status, 'Accepted');
      const received = certificateReceiver(cp);
      const csr = await makeCsr('CN=CP201');
      assert.deepStrictEqual(await cp.call('SignCertificate', { csr: csr.pem, certificateType: 'ChargingStationCertificate' }), {
        status: 'Accepted',
      });
      await until(() => received.length === 1, 'CertificateSigned');
      assert.strictEqual(received[0].certificateType, 'ChargingStationCertificate');
      await assertSignedChain(received[0].certificateChain, rsaCa, csr, 'CP201');
      await cp.close();
      const renewed = await station(sys.url, 'CP201', ['ocpp2.0.1'], {
        wsOpts: { ca: rsaCa.pem, cert: chainOf(received[0].certificateChain)[0].toString('pem'), key: csr.keyPem },
      });
      assert.strictEqual((await renewed.call('Heartbeat', {})).currentTime.length > 0, true);
    });

    describe('a CSR that fails the checks is answered Rejected, with no certificate and a warning', function () {
      const cases = [
        {
          what: 'a CN other than the station id',
          csr: async () => (await makeCsr('CN=SOMEONE-ELSE')).pem,
          warning: /CN "SOMEONE-ELSE" is not the station id "CPX"/,
        },
        { what: 'a broken signature', csr: async () => breakSignature((await makeCsr('CN=CPX')).csr), warning: /signature is not valid/ },
        { what: 'no CN at all', csr: async () => (await makeCsr('O=No Name')).pem, warning: /0 CNs/ },
        { what: 'text that is no CSR', csr: async () => 'not a certificate request', warning: /cannot be read/ },
      ];
      for (const c of cases) {
        for (const version of ['ocpp1.6', 'ocpp2.0.1']) {
          it(`${c.what} (${version})`, async function () {
            sys = await startSystem({ security: 'basic', certificateAuthority: new CertificateAuthority(ca.pem, ca.keyPem) });
            const cp = await station(sys.url, 'CPX', [version], { password: 'station-pw' });
            const received = certificateReceiver(cp);
            const answer = await cp.call('SignCertificate', { csr: await c.csr() });
            assert.strictEqual(answer.status, 'Rejected');
            if (version === 'ocpp2.0.1') {
              assert.strictEqual(answer.statusInfo.reasonCode, 'InvalidCSR');
              assert.match(answer.statusInfo.additionalInfo, c.warning);
            } else {
              assert.deepStrictEqual(answer, { status: 'Rejected' });
            }
            assert.ok(
              sys.log.warnings.some((w) => w.includes('CPX') && c.warning.test(w)),
              JSON.stringify(sys.log.warnings),
            );
            await delay(300);
            assert.deepStrictEqual(received, []);
          });
        }
      }
    });

    it('signs nothing where connections are not authenticated (no password, no client certificate)', async function () {
      sys = await startSystem({ security: 'none', certificateAuthority: new CertificateAuthority(ca.pem, ca.keyPem) });
      for (const version of ['ocpp1.6', 'ocpp2.0.1']) {
        const cp = await station(sys.url, `ANON-${version}`, [version]);
        const received = certificateReceiver(cp);
        const answer = await cp.call('SignCertificate', { csr: (await makeCsr(`CN=ANON-${version}`)).pem });
        assert.strictEqual(answer.status, 'Rejected', version);
        if (version === 'ocpp2.0.1') assert.strictEqual(answer.statusInfo.reasonCode, 'NotAuthenticated');
        await delay(200);
        assert.deepStrictEqual(received, [], `${version}: no certificate was sent`);
      }
      assert.ok(sys.log.warnings.some((w) => w.includes('ANON-ocpp1.6') && /not authenticated/.test(w)));
    });

    it('does not sign V2G certificate requests: Rejected, with a warning', async function () {
      sys = await startSystem({ security: 'basic', certificateAuthority: new CertificateAuthority(ca.pem, ca.keyPem) });
      const cp = await station(sys.url, 'CPV', ['ocpp2.0.1'], { password: 'station-pw' });
      const received = certificateReceiver(cp);
      const csr = await makeCsr('CN=CPV');
      const answer = await cp.call('SignCertificate', { csr: csr.pem, certificateType: 'V2GCertificate' });
      assert.strictEqual(answer.status, 'Rejected');
      assert.strictEqual(answer.statusInfo.reasonCode, 'NotSupported');
      assert.ok(sys.log.warnings.some((w) => w.includes('CPV') && w.includes('V2G')));
      await delay(300);
      assert.deepStrictEqual(received, []);
    });

    it('logs and reports a station that refuses the certificate', async function () {
      sys = await startSystem({ security: 'basic', certificateAuthority: new CertificateAuthority(ca.pem, ca.keyPem) });
      const cp = await station(sys.url, 'CPR', ['ocpp2.0.1'], { password: 'station-pw' });
      certificateReceiver(cp, 'Rejected');
      const outcome = waitFor(sys.cs, 'station', (e) => e.topic === 'CertificateSigned');
      assert.strictEqual((await cp.call('SignCertificate', { csr: (await makeCsr('CN=CPR')).pem })).status, 'Accepted');
      assert.deepStrictEqual((await outcome).payload, { status: 'Rejected' });
      assert.ok(sys.log.warnings.some((w) => w === 'station CPR answered CertificateSigned: Rejected'));
    });

    it('gives up on CertificateSigned after callTimeout, logged and reported as timeout', async function () {
      sys = await startSystem({ security: 'basic', certificateAuthority: new CertificateAuthority(ca.pem, ca.keyPem), callTimeout: 1 });
      const cp = await station(sys.url, 'CPT', ['ocpp1.6'], { password: 'station-pw' });
      cp.handle('CertificateSigned', () => new Promise(() => {}));
      const outcome = waitFor(sys.cs, 'station', (e) => e.topic === 'CertificateSigned', 5000);
      assert.strictEqual((await cp.call('SignCertificate', { csr: (await makeCsr('CN=CPT')).pem })).status, 'Accepted');
      const event = await outcome;
      assert.strictEqual(event.outcome.error.code, 'timeout');
      assert.ok(event.outcome.durationMs >= 900, `gave up after ${event.outcome.durationMs} ms`);
      assert.ok(sys.log.warnings.some((w) => w.startsWith('CertificateSigned to station CPT failed')));
    });

    it('without a signing CA, SignCertificate stays Rejected', async function () {
      sys = await startSystem();
      const cp = await station(sys.url, 'CPN', ['ocpp1.6']);
      const received = certificateReceiver(cp);
      assert.deepStrictEqual(await cp.call('SignCertificate', { csr: (await makeCsr('CN=CPN')).pem }), { status: 'Rejected' });
      await delay(200);
      assert.deepStrictEqual(received, []);
    });

    it("never signs past the CA's own end", async function () {
      const shortCa = await makeCa('Short-lived CA', { days: 30 });
      const authority = new CertificateAuthority(shortCa.pem, shortCa.keyPem);
      const csr = await makeCsr('CN=CPS');
      const check = await authority.checkRequest(csr.pem, 'CPS');
      assert.strictEqual(check.ok, true);
      const issued = await authority.issue(check.request);
      assert.strictEqual(issued.notAfter.getTime(), shortCa.cert.notAfter.getTime());
      assert.strictEqual(new x509.X509Certificate(issued.certificate).notAfter.getTime(), shortCa.cert.notAfter.getTime());
    });

    it('refuses a signing CA that is not a CA, or whose key does not match', async function () {
      const leaf = await makeLeaf(ca, 'CP1');
      assert.throws(() => new CertificateAuthority(leaf.pem, leaf.keyPem), /not a CA certificate/);
      assert.throws(() => new CertificateAuthority(ca.pem, otherCa.keyPem), /does not belong to the CA certificate/);
      assert.throws(() => new CertificateAuthority('', ca.keyPem), /no PEM certificate/);
    });
  });
});

describe('security in Node-RED (ocpp-interface with tls-config nodes)', function () {
  const runtime = useRuntime('ocpp-sec-');
  const ALL = [
    require('../dist/nodes/ocpp-interface.js'),
    require('../dist/nodes/ocpp-in.js'),
    require('../dist/nodes/ocpp-response.js'),
    require('@node-red/nodes/core/function/10-function.js'),
    require('@node-red/nodes/core/network/05-tls.js'),
  ];
  let ca;
  let server;

  before(async function () {
    ca = await makeCa('Node-RED Station CA');
    server = await makeLeaf(ca, '127.0.0.1', { server: true });
  });

  function files() {
    const dir = path.join(runtime.userDir, 'pki');
    fs.mkdirSync(dir, { recursive: true });
    const write = (name, text) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    return {
      ca: {
        id: 'ca1',
        type: 'tls-config',
        cert: write('ca.pem', ca.pem),
        key: write('ca-key.pem', ca.keyPem),
        ca: '',
        verifyservercert: false,
      },
      server: {
        id: 'srv1',
        type: 'tls-config',
        cert: write('server.pem', server.pem),
        key: write('server-key.pem', server.keyPem),
        ca: write('ca.pem', ca.pem),
        verifyservercert: false,
      },
    };
  }
  const iface = interfaceConfig;
  const load = (flow) => loadFlow(ALL, flow);

  it('profile 3 on an own port: a station with its certificate connects over wss://', async function () {
    const port = await freePort();
    const f = files();
    await load([iface({ port: String(port), tls: 'srv1', clientCertificates: 'required' }), f.server]);
    await until(() => helper.getNode('if1').state.state === 'listening', 'the interface to listen');
    const leaf = await makeLeaf(ca, 'CP1');
    const cp = await station(`wss://127.0.0.1:${port}/ocpp`, 'CP1', ['ocpp1.6'], {
      wsOpts: { ca: ca.pem, cert: leaf.pem, key: leaf.keyPem },
    });
    assert.strictEqual((await cp.call('BootNotification', boot16)).status, 'Accepted');
    await assert.rejects(station(`wss://127.0.0.1:${port}/ocpp`, 'CP2', ['ocpp1.6'], { wsOpts: { ca: ca.pem } }));
  });

  it('profile 3 without an own port or without TLS: an error status, nothing listens', async function () {
    await load([iface({ clientCertificates: 'required' })]);
    assert.deepStrictEqual(helper.getNode('if1').state, { state: 'error', message: 'profile 3 needs port and TLS' });
    await assert.rejects(station(runtime.sharedUrl(), 'CP1'));
    await helper.unload();
    const port = await freePort();
    await load([iface({ port: String(port), clientCertificates: 'required' })]);
    assert.strictEqual(helper.getNode('if1').state.state, 'error');
    await assert.rejects(station(`ws://127.0.0.1:${port}/ocpp`, 'CP1'));
  });

  it('signingCa: the signed certificate reaches the station, and ocpp-in listing CertificateSigned emits its answer', async function () {
    const f = files();
    await load([
      iface({ signingCa: 'ca1', security: 'basic' }),
      f.ca,
      { id: 'in1', type: 'ocpp-in', interface: 'if1', station: '', actions: ['CertificateSigned'], reply: 'auto', wires: [['out']] },
      { id: 'all', type: 'ocpp-in', interface: 'if1', station: '', actions: [], reply: 'auto', wires: [['everything']] },
      { id: 'out', type: 'helper' },
      { id: 'everything', type: 'helper' },
    ]);
    const out = inbox('out');
    const everything = inbox('everything');
    const cp = await station(runtime.sharedUrl(), 'CP7', ['ocpp2.0.1'], { password: 'station-pw' });
    const received = certificateReceiver(cp);
    const csr = await makeCsr('CN=CP7');
    assert.deepStrictEqual(await cp.call('SignCertificate', { csr: csr.pem }), { status: 'Accepted' });
    const msg = await out.next('the CertificateSigned answer');
    assert.strictEqual(msg.topic, 'CertificateSigned');
    assert.deepStrictEqual(msg.payload, { status: 'Accepted' });
    assert.strictEqual(msg.ocpp.station, 'CP7');
    assert.strictEqual(msg.ocpp.action, 'CertificateSigned');
    assert.strictEqual(typeof msg.ocpp.durationMs, 'number');
    assert.strictEqual(received.length, 1);
    const leaf = chainOf(received[0].certificateChain)[0];
    assert.ok(await leaf.verify({ publicKey: ca.cert.publicKey, signatureOnly: true }, crypto));
    // the node listening to everything saw the CALL, not the command's outcome
    await delay(200);
    assert.deepStrictEqual(
      everything.items.map((m) => m.topic),
      ['connected', 'SignCertificate'],
    );
  });

  it('a flow with reply "flow" for SignCertificate takes over: its answer is sent, nothing is signed', async function () {
    const f = files();
    await load([
      iface({ signingCa: 'ca1', security: 'basic' }),
      f.ca,
      { id: 'in1', type: 'ocpp-in', interface: 'if1', station: '', actions: ['SignCertificate'], reply: 'flow', wires: [['decide']] },
      { id: 'decide', type: 'function', func: 'msg.payload = { status: "Rejected" }; return msg;', wires: [['resp']] },
      { id: 'resp', type: 'ocpp-response' },
    ]);
    const cp = await station(runtime.sharedUrl(), 'CP8', ['ocpp1.6'], { password: 'station-pw' });
    const received = certificateReceiver(cp);
    const csr = await makeCsr('CN=CP8');
    assert.deepStrictEqual(await cp.call('SignCertificate', { csr: csr.pem }), { status: 'Rejected' });
    await delay(400);
    assert.deepStrictEqual(received, []);
  });

  it('a signingCa that is no CA: an error logged, SignCertificate Rejected', async function () {
    const f = files();
    await load([iface({ signingCa: 'srv1', security: 'basic' }), f.server]);
    const errors = helper
      .log()
      .args.filter((a) => a[0].level === helper.log().ERROR)
      .map((a) => String(a[0].msg));
    assert.ok(
      errors.some((m) => /signing CA cannot be used.*"CN=127\.0\.0\.1" is not a CA certificate/.test(m)),
      JSON.stringify(errors),
    );
    const cp = await station(runtime.sharedUrl(), 'CP9', ['ocpp1.6'], { password: 'station-pw' });
    assert.deepStrictEqual(await cp.call('SignCertificate', { csr: (await makeCsr('CN=CP9')).pem }), { status: 'Rejected' });
  });
});
