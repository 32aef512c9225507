'use strict';
// Editor test: a real Node-RED (child process) with this package installed in its user
// directory, the editor opened in headless Chromium (playwright-core), and the
// ocpp-interface config dialog checked against the README's "The OCPP interface" section.
// Skipped when /usr/bin/chromium is missing (CI installs it).
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { station, handshakeStatus, rawClient, closeAllClients } = require('./support');
const { PKG_ROOT, startNodeRed, stopNodeRed, httpStatus, installInto } = require('./nodered-process');
const lib = require('../dist/lib');

const CHROMIUM = '/usr/bin/chromium';

// Station-provided strings with markup. 2.0.1 limits: model 20, vendorName 50, firmwareVersion 50.
const MODEL = '<b>x</b><i>y</i>';
const VENDOR = '<img src=x onerror="window.__xss=1">';
const FIRMWARE = '<svg onload="window.__xss=2">';

// The interface and station rows a flow node's dialog opens with, the name row it ends with.
function sharedRows(page) {
  return page.evaluate(() => {
    const labels = $('#dialog-form .form-row > label[for]')
      .map(function () {
        return [[$(this).attr('for'), $(this).text().trim()]];
      })
      .get();
    return {
      first: labels.slice(0, 2),
      last: labels[labels.length - 1],
      placeholders: [$('#node-input-station').attr('placeholder'), $('#node-input-name').attr('placeholder')],
      interfaceSelect: $('select#node-input-interface').length === 1,
      stationList: $('#node-input-station').attr('list'),
      // resources/ocpp-editor.css; 100px is Node-RED's own width
      labelWidth: getComputedStyle($('label[for="node-input-interface"]')[0]).width,
    };
  });
}

describe('editor (headless Chromium)', function () {
  this.timeout(60000);

  let userDir;
  let nr;
  let port;
  let browser;
  let page;
  let cs;
  const problems = []; // console errors and page errors

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(`      editor test SKIPPED: ${CHROMIUM} is missing (apt-get install chromium)`);
      this.skip();
    }
    assert.ok(fs.existsSync(path.join(PKG_ROOT, 'dist/nodes/ocpp-interface.html')), 'dist/ is missing: run npm run build');

    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-editor-'));
    installInto(userDir);
    fs.writeFileSync(
      path.join(userDir, 'flows.json'),
      JSON.stringify(
        [
          { id: 'tab1', type: 'tab', label: 'Flow 1' },
          {
            id: 'iface1',
            type: 'ocpp-interface',
            name: 'Site',
            comment: '',
            deactivated: false,
            versions: ['ocpp1.6', 'ocpp2.0.1'],
            autoApprove: true,
            port: '',
            path: '/ocpp',
            security: 'none',
            heartbeatInterval: 300,
            callTimeout: 30,
            unknownIdTags: 'accept',
          },
          {
            id: 'iface2',
            type: 'ocpp-interface',
            name: 'Locked',
            comment: '',
            deactivated: false,
            versions: ['ocpp1.6'],
            autoApprove: false,
            port: '',
            path: '/locked',
            security: 'basic',
            heartbeatInterval: 300,
            callTimeout: 30,
            unknownIdTags: 'accept',
          },
          { id: 'tls1', type: 'tls-config', name: 'server certificate', cert: '', key: '', ca: '', verifyservercert: false },
        ],
        null,
        2,
      ),
    );

    nr = startNodeRed(userDir);
    port = await nr.ready;
    if (process.env.EDITOR_TEST_DEBUG) setTimeout(() => console.log(nr.logs()), 500);

    // RED.start() can resolve before the flows are running: wait until the interface serves its API.
    const end = Date.now() + 15000;
    for (;;) {
      const status = await httpStatus(`http://127.0.0.1:${port}/ocpp-interface/iface1/stations`);
      if (status === 200) break;
      if (Date.now() > end) throw new Error(`the ocpp-interface did not start (last status ${status})\n${nr.logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // A 2.0.1 station (ocpp-rpc appends the identity: ws://127.0.0.1:<port>/ocpp/CPX) whose strings
    // carry markup; strict mode keeps them within the schema.
    cs = await station(`ws://127.0.0.1:${port}/ocpp`, 'CPX', ['ocpp2.0.1']);
    const res = await cs.call('BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: VENDOR, model: MODEL, serialNumber: 'SN-X', firmwareVersion: FIRMWARE },
    });
    assert.strictEqual(res.status, 'Accepted');

    const { chromium } = require('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const loc = msg.location() || {};
      const where = loc.url || '';
      if (/favicon\.ico/.test(where) || /favicon\.ico/.test(msg.text())) return;
      // Network noise from outside this test (no internet here): not our package's fault.
      if (/^Failed to load resource/.test(msg.text()) && where && !where.startsWith(`http://127.0.0.1:${port}/`)) return;
      problems.push(`console.error: ${msg.text()} (${where}:${loc.lineNumber})`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${(err && err.stack) || err}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      d.dismiss().catch(() => {});
    });

    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
    await page.waitForFunction(
      () => window.RED && RED.nodes && RED.nodes.getType && RED.nodes.getType('ocpp-interface') && RED.nodes.node('iface1'),
      null,
      { timeout: 30000 },
    );
  });

  after(async function () {
    await closeAllClients();
    if (browser) await browser.close().catch(() => {});
    await stopNodeRed(nr && nr.child);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('shows ocpp-in, ocpp-response, ocpp-command and ocpp-channel in the OCPP palette category', async function () {
    const types = ['ocpp-in', 'ocpp-response', 'ocpp-command', 'ocpp-channel'];
    const info = await page.evaluate(
      (types) =>
        types.map((t) => {
          const def = RED.nodes.getType(t);
          const el = document.querySelector(`.red-ui-palette-node[data-palette-type="${t}"]`);
          const container = el && el.closest('.red-ui-palette-category');
          return { t, category: def && def.category, inPalette: !!el, container: container && container.id };
        }),
      types,
    );
    for (const i of info) {
      assert.strictEqual(i.category, 'OCPP', `${i.t} category`);
      assert.ok(i.inPalette, `${i.t} is in the palette`);
      assert.match(String(i.container), /^red-ui-palette-container-ocpp$/i, `${i.t} palette section`);
    }
    assert.strictEqual(await page.evaluate(() => RED.nodes.getType('ocpp-interface').category), 'config');
  });

  it("opens the ocpp-interface dialog with the fields in the README's order", async function () {
    await page.evaluate(() => RED.editor.editConfig('', 'ocpp-interface', 'iface1'));
    await page.waitForSelector('#node-config-input-ocpp-id', { state: 'visible' });
    await page.waitForFunction(() => $('#node-config-input-ocpp-id').val() !== '');

    const id = await page.inputValue('#node-config-input-ocpp-id');
    assert.ok(id.includes('iface1') && id.includes('OCPP-J'), `Id field: ${id}`);
    assert.strictEqual(await page.getAttribute('#node-config-input-ocpp-id', 'readonly'), '');
    assert.strictEqual(await page.inputValue('#node-config-input-name'), 'Site');

    // README, The OCPP interface: Id, Name, Comment, Deactivated, Approved versions, Automatically approve, URL.
    const order = [
      '#node-config-input-ocpp-id',
      '#node-config-input-name',
      '#node-config-input-comment',
      '#node-config-input-deactivated',
      '#node-config-input-version-16',
      '#node-config-input-autoApprove',
      '#node-config-input-url',
    ];
    const rows = await page.evaluate(
      (order) =>
        order.map((sel) => {
          const el = document.querySelector(sel);
          if (!el) return { sel, missing: true };
          const row = el.closest('.form-row');
          const r = row.getBoundingClientRect();
          return { sel, top: r.top, height: r.height, visible: r.height > 0 };
        }),
      order,
    );
    for (const r of rows) {
      assert.ok(!r.missing, `${r.sel} exists`);
      assert.ok(r.visible, `${r.sel} is visible on the first tab`);
    }
    for (let i = 1; i < rows.length; i++) {
      assert.ok(
        rows[i].top >= rows[i - 1].top + rows[i - 1].height - 1,
        `${rows[i].sel} (y=${rows[i].top}) is below ${rows[i - 1].sel} (y=${rows[i - 1].top})`,
      );
    }
    // The version checkboxes come from the runtime (all three) and share the Approved versions row.
    const versions = await page.evaluate(() =>
      [...document.querySelectorAll('#node-config-ocpp-versions input[type=checkbox]')].map((el) => ({
        value: el.value,
        label: el.parentElement.textContent,
        row: el.closest('.form-row') === document.querySelector('#node-config-input-version-16').closest('.form-row'),
      })),
    );
    assert.deepStrictEqual(versions, [
      { value: 'ocpp1.6', label: 'OCPP 1.6', row: true },
      { value: 'ocpp2.0.1', label: 'OCPP 2.0.1', row: true },
      { value: 'ocpp2.1', label: 'OCPP 2.1', row: true },
    ]);
    assert.ok(await page.isChecked('#node-config-input-version-16'));
    assert.ok(await page.isChecked('#node-config-input-version-201'));
    assert.ok(!(await page.isChecked('#node-config-input-version-21')), 'not approved in this flow');
    assert.ok(await page.isChecked('#node-config-input-autoApprove'));
    assert.ok(!(await page.isChecked('#node-config-input-deactivated')));
    // README, Connecting a wallbox: the editor warns while auto-approve is on (switch it off once set up).
    assert.ok(await page.isVisible('#node-config-ocpp-autoapprove-warning'), 'auto-approve warning shown');
  });

  it('derives the URL: shared server, then an own port', async function () {
    assert.strictEqual(await page.inputValue('#node-config-input-url'), `ws://127.0.0.1:${port}/ocpp/`);
    assert.strictEqual(await page.getAttribute('#node-config-input-url', 'readonly'), '');
    await page.evaluate(() => $('#node-config-input-port').val('19999').trigger('input').trigger('change'));
    assert.strictEqual(await page.inputValue('#node-config-input-url'), 'ws://127.0.0.1:19999/ocpp/');
    await page.evaluate(() => $('#node-config-input-port').val('').trigger('input').trigger('change'));
    assert.strictEqual(await page.inputValue('#node-config-input-url'), `ws://127.0.0.1:${port}/ocpp/`);
  });

  it('refuses client certificates (profile 3) without an own port and TLS, and shows wss:// with them', async function () {
    const state = () =>
      page.evaluate(() => {
        const def = RED.nodes.getType('ocpp-interface');
        const props = { port: $('#node-config-input-port').val(), tls: $('#node-config-input-tls').val() };
        return {
          valid: def.defaults.clientCertificates.validate.call(props, $('#node-config-input-clientCertificates').val()) === true,
          marked: $('#node-config-input-clientCertificates').hasClass('input-error'),
          // the Connection tab may be hidden: its own display is what the dialog toggles
          message: $('#node-config-ocpp-client-certificates-error').css('display') !== 'none',
          profiles: $('#node-config-ocpp-client-certificates-tip').text(),
          url: $('#node-config-input-url').val(),
        };
      });
    await page.evaluate(() => $('#node-config-input-clientCertificates').val('required').trigger('change'));
    let s = await state();
    assert.strictEqual(s.valid, false, 'required on the shared server is invalid');
    assert.ok(s.marked && s.message, JSON.stringify(s));
    assert.match(s.profiles, /1 = HTTP Basic auth without TLS; 2 = TLS \(wss:\/\/\)/);
    await page.evaluate(() => $('#node-config-input-port').val('19999').trigger('input').trigger('change'));
    s = await state();
    assert.strictEqual(s.valid, false, 'required without TLS is invalid');
    assert.ok(s.marked && s.message);
    assert.strictEqual(s.url, 'ws://127.0.0.1:19999/ocpp/');
    await page.evaluate(() => $('#node-config-input-tls').val('tls1').trigger('change'));
    s = await state();
    assert.strictEqual(s.valid, true, JSON.stringify(s));
    assert.ok(!s.marked && !s.message, JSON.stringify(s));
    assert.strictEqual(s.url, 'wss://127.0.0.1:19999/ocpp/');
    await page.evaluate(() => {
      $('#node-config-input-clientCertificates').val('off').trigger('change');
      $('#node-config-input-tls').val('_ADD_').trigger('change');
      $('#node-config-input-port').val('').trigger('input').trigger('change');
    });
    assert.strictEqual((await state()).url, `ws://127.0.0.1:${port}/ocpp/`);
  });

  const versionState = () =>
    page.evaluate(() => {
      const def = RED.nodes.getType('ocpp-interface');
      const value = $('#node-config-input-versions').val();
      return {
        value,
        valid: def.defaults.versions.validate.call(RED.nodes.node('iface1'), value) === true,
        groupError: $('#node-config-ocpp-versions').hasClass('input-error'),
        selectError: $('#node-config-input-versions').hasClass('input-error'),
        message: $('#node-config-ocpp-versions-error').is(':visible'),
      };
    });

  it('marks "no approved version" in the dialog, and accepts one again', async function () {
    await page.uncheck('#node-config-input-version-16');
    await page.uncheck('#node-config-input-version-201');
    let s = await versionState();
    assert.deepStrictEqual(s.value, []);
    assert.strictEqual(s.valid, false, 'the versions validator refuses none');
    assert.ok(s.groupError, 'checkbox group marked as error');
    assert.ok(s.message, 'error text shown');

    await page.check('#node-config-input-version-201');
    s = await versionState();
    assert.deepStrictEqual(s.value, ['ocpp2.0.1']);
    assert.strictEqual(s.valid, true);
    assert.ok(!s.groupError && !s.selectError && !s.message, JSON.stringify(s));
    await page.check('#node-config-input-version-21');
    s = await versionState();
    assert.deepStrictEqual(s.value, ['ocpp2.0.1', 'ocpp2.1'], 'OCPP 2.1 approvable');
    assert.strictEqual(s.valid, true);
    await page.uncheck('#node-config-input-version-21');
    await page.check('#node-config-input-version-16');
  });

  it('lets Node-RED itself treat a node with no approved version as invalid', async function () {
    // Node-RED's own verdict (what marks the node invalid in the workspace and warns on deploy).
    const nodeValid = (versions) =>
      page.evaluate((versions) => {
        const n = RED.nodes.node('iface1');
        const saved = n.versions;
        n.versions = versions;
        RED.editor.validateNode(n);
        const valid = n.valid;
        n.versions = saved;
        RED.editor.validateNode(n);
        return valid;
      }, versions);
    const hint =
      ' (Node-RED coerces a string returned by a one-argument validate(v) to true: a validator ' +
      'that returns a message must be declared validate(v, opt))';
    assert.strictEqual(await nodeValid(['ocpp1.6']), true, 'one version is valid');
    await page.uncheck('#node-config-input-version-16');
    await page.uncheck('#node-config-input-version-201');
    const s = await versionState();
    await page.check('#node-config-input-version-16');
    await page.check('#node-config-input-version-201');
    assert.ok(s.selectError, 'editor validation marks #node-config-input-versions with input-error' + hint);
    assert.strictEqual(await nodeValid([]), false, 'RED.editor.validateNode: no version must be invalid' + hint);
  });

  it('lists the connected station with its strings as literal text', async function () {
    await page.click('#red-ui-tab-ocpp-interface-tab-stations a.red-ui-tab-label');
    const row = '#node-config-ocpp-stations .ocpp-station-row[data-station="CPX"]';
    await page.waitForSelector(row, { timeout: 10000 });
    const info = await page.evaluate((row) => {
      const tr = document.querySelector(row);
      const cell = (c) => tr.querySelector(c) && tr.querySelector(c).textContent;
      return {
        connected: tr.querySelector('.ocpp-station-connected').getAttribute('data-connected'),
        version: cell('.ocpp-station-version'),
        vendor: cell('.ocpp-station-vendor'),
        model: cell('.ocpp-station-model'),
        firmware: cell('.ocpp-station-firmware'),
        markup: document.querySelectorAll(
          '#node-config-ocpp-stations img, #node-config-ocpp-stations svg, #node-config-ocpp-stations b, #node-config-ocpp-stations i:not(.fa)',
        ).length,
      };
    }, row);
    assert.strictEqual(info.connected, 'true');
    assert.strictEqual(info.version, 'ocpp2.0.1');
    assert.strictEqual(info.model, MODEL);
    assert.strictEqual(info.vendor, VENDOR);
    assert.strictEqual(info.firmware, FIRMWARE);
    assert.strictEqual(info.markup, 0, 'no element created from station strings');
    await page.waitForTimeout(200); // give a would-be onerror a chance
    assert.strictEqual(await page.evaluate(() => window.__xss), undefined);
  });

  it('shows the latest sessions with their strings as literal text, filters by station and downloads the CSV', async function () {
    const cs = await station(`ws://127.0.0.1:${port}/ocpp`, 'CPS', ['ocpp2.0.1']);
    const tx = (eventType, seqNo, timestamp, value, context, extra = {}) =>
      cs.call('TransactionEvent', {
        eventType,
        timestamp,
        seqNo,
        triggerReason: 'Authorized',
        transactionInfo: { transactionId: 'ed-1' },
        evse: { id: 1 },
        meterValue: [{ timestamp, sampledValue: [{ value, context, measurand: 'Energy.Active.Import.Register' }] }],
        ...extra,
      });
    await tx('Started', 0, '2026-11-30T10:00:00Z', 1000, 'Transaction.Begin', { idToken: { idToken: '=x<b>y</b>', type: 'Central' } });
    await tx('Ended', 1, '2026-11-30T10:30:00Z', 8250, 'Transaction.End');
    // a click while the tray still lays out its tabs may be lost: clicked again until the tab shows
    for (let i = 0; ; i++) {
      await page.click('#red-ui-tab-ocpp-interface-tab-sessions a.red-ui-tab-label');
      if (
        await page.waitForSelector('#ocpp-interface-tab-sessions', { state: 'visible', timeout: 1000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (i === 5) throw new Error('the Sessions tab did not open');
    }
    const row = '#node-config-ocpp-sessions .ocpp-session-row';
    await page.waitForSelector(row, { timeout: 10000 });
    const cells = await page.evaluate(
      (row) =>
        [...document.querySelectorAll(row)].map((tr) => ({
          station: tr.querySelector('.ocpp-session-station').textContent,
          idTag: tr.querySelector('.ocpp-session-idtag').textContent,
          energy: tr.querySelector('.ocpp-session-energy').textContent,
          duration: tr.querySelector('.ocpp-session-duration').textContent,
          status: tr.querySelector('.ocpp-session-status').textContent,
          markup: tr.querySelectorAll('b').length,
        })),
      row,
    );
    assert.deepStrictEqual(cells, [
      { station: 'CPS', idTag: '=x<b>y</b>', energy: '7.25 kWh', duration: '30 min', status: 'completed', markup: 0 },
    ]);
    await page.fill('#node-config-ocpp-sessions-station', 'CPX');
    await page.click('#node-config-ocpp-sessions-refresh');
    await page.waitForSelector('#node-config-ocpp-sessions .ocpp-empty-row', { timeout: 10000 });
    await page.fill('#node-config-ocpp-sessions-station', '');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#node-config-ocpp-sessions-csv')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const lines = csv.split('\r\n');
    assert.strictEqual(
      lines[0],
      'id,station,connector,transactionId,idTag,start,stop,meterStart,meterStop,energy,duration,stopReason,status',
    );
    assert.match(
      lines[1],
      /^[0-9a-f-]{36},CPS,1,ed-1,'=x<b>y<\/b>,2026-11-30T10:00:00.000Z,2026-11-30T10:30:00.000Z,1000,8250,7250,1800,Local,completed$/,
    );
    await cs.close({ force: true });
  });

  it("opens a station's log from the table: its boot sequence, newest at the bottom, refreshed while open, escaped", async function () {
    const logRow = 'tr.ocpp-station-log-row[data-station="CPX"]';
    for (let i = 0; ; i++) {
      await page.click('#red-ui-tab-ocpp-interface-tab-stations a.red-ui-tab-label');
      if (
        await page.waitForSelector('#ocpp-interface-tab-stations', { state: 'visible', timeout: 1000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (i === 5) throw new Error('the Stations tab did not open');
    }
    await page.click('#node-config-ocpp-stations .ocpp-station-row[data-station="CPX"] .ocpp-station-log');
    await page.waitForSelector(`${logRow} .ocpp-log-entry`, { timeout: 10000 });
    const entries = () =>
      page.evaluate(
        (logRow) =>
          [...document.querySelectorAll(`${logRow} .ocpp-log-entry`)].map((e) => ({
            direction: e.getAttribute('data-direction'),
            frame: e.querySelector('.ocpp-log-frame').textContent,
          })),
        logRow,
      );
    let shown = await entries();
    assert.deepStrictEqual(
      shown.slice(0, 2).map((e) => e.direction),
      ['in', 'out'],
    );
    assert.strictEqual(JSON.parse(shown[0].frame)[2], 'BootNotification');
    assert.strictEqual(JSON.parse(shown[0].frame)[3].chargingStation.vendorName, VENDOR, "the station's markup is shown as text");
    assert.strictEqual(JSON.parse(shown[1].frame)[2].status, 'Accepted');
    // a new exchange appears at the bottom while the log is open
    await cs.call('Heartbeat', {});
    await page.waitForFunction(
      (logRow) => {
        const all = document.querySelectorAll(`${logRow} .ocpp-log-entry .ocpp-log-frame`);
        return all.length >= 4 && all[all.length - 2].textContent.includes('"Heartbeat"');
      },
      logRow,
      { timeout: 10000 },
    );
    shown = await entries();
    assert.strictEqual(shown[shown.length - 1].direction, 'out');
    const box = await page.evaluate((logRow) => {
      const el = document.querySelector(`${logRow} .ocpp-log-frames`);
      return el.scrollHeight - el.scrollTop - el.clientHeight;
    }, logRow);
    assert.ok(box < 20, 'scrolled to the newest frame');
    assert.strictEqual(
      await page.evaluate(
        (logRow) => document.querySelectorAll(`${logRow} img, ${logRow} svg, ${logRow} b:not(:first-child)`).length,
        logRow,
      ),
      0,
    );
    // a station with a repaired and a refused frame: counts and the refused frame, as text
    const raw = await rawClient(`ws://127.0.0.1:${port}/ocpp/RAWX`, ['ocpp1.6']);
    raw.send(
      JSON.stringify([
        2,
        'r1',
        'StatusNotification',
        { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: '2026-12-01T10:00:00' },
      ]),
    );
    assert.strictEqual((await raw.nextJson())[0], 3);
    const refusedFrame = JSON.stringify([
      2,
      'r2',
      'StatusNotification',
      { connectorId: 1, errorCode: 'NoError', status: '<img src=x onerror="window.__xss=3">' },
    ]);
    raw.send(refusedFrame);
    assert.strictEqual((await raw.nextJson())[2], 'PropertyConstraintViolation');
    await page.click('#node-config-ocpp-refresh');
    await page.waitForSelector('#node-config-ocpp-stations .ocpp-station-row[data-station="RAWX"] .ocpp-station-log', { timeout: 10000 });
    await page.click('#node-config-ocpp-stations .ocpp-station-row[data-station="RAWX"] .ocpp-station-log');
    const rawRow = 'tr.ocpp-station-log-row[data-station="RAWX"]';
    await page.waitForSelector(`${rawRow} pre.ocpp-log-refused-frame`, { timeout: 10000 });
    assert.strictEqual(await page.textContent(`${rawRow} pre.ocpp-log-refused-frame`), refusedFrame);
    assert.match(await page.textContent(`${rawRow} .ocpp-log-refused`), /PropertyConstraintViolation/);
    assert.match(await page.textContent(`${rawRow} .ocpp-log-repairs`), /times without zone: 1/);
    assert.strictEqual(await page.$$eval(`${logRow}`, (r) => r.length), 0, 'one log open at a time');
    await page.waitForTimeout(200);
    assert.strictEqual(await page.evaluate(() => window.__xss), undefined);
    assert.strictEqual(await page.evaluate((rawRow) => document.querySelectorAll(`${rawRow} img`).length, rawRow), 0);
    raw.close();
  });

  it('closes the dialog without console or page errors', async function () {
    await page.click('#node-config-dialog-cancel');
    await page.waitForSelector('#node-config-input-ocpp-id', { state: 'detached' });
    await page.waitForTimeout(200);
    assert.deepStrictEqual(problems, []);
  });
  for (const [type, props, field] of [
    ['ocpp-in', { station: '', actions: ['Authorize', 'connected'], reply: 'flow' }, '#node-input-actions-list'],
    ['ocpp-response', {}, '#node-input-name'],
    ['ocpp-command', { station: 'CPX', action: 'Reset', timeout: '' }, '#node-input-action'],
    ['ocpp-channel', { station: 'CPX', connector: '1', channel: 'charging', idTag: 'TAG' }, '#node-input-channel'],
  ]) {
    it(`opens and saves an ${type} dialog, and shows its help`, async function () {
      const id = await page.evaluate(
        ({ type, props }) => {
          const def = RED.nodes.getType(type);
          const node = {
            id: RED.nodes.id(),
            type,
            z: RED.workspaces.active(),
            x: 200,
            y: 200,
            _def: def,
            wires: [],
            changed: true,
            dirty: true,
          };
          for (const [k, v] of Object.entries(def.defaults))
            node[k] = v.value === undefined ? undefined : JSON.parse(JSON.stringify(v.value));
          if ('interface' in def.defaults) node.interface = 'iface1';
          Object.assign(node, props);
          if (def.outputs) node.wires = [[]];
          node.inputs = def.inputs;
          node.outputs = def.outputs;
          RED.nodes.add(node);
          RED.view.redraw(true);
          RED.editor.edit(node);
          return node.id;
        },
        { type, props },
      );
      await page.waitForSelector(field, { state: 'attached', timeout: 10000 });
      await page.waitForTimeout(300); // lists filled from the admin API
      if (type !== 'ocpp-response') {
        // The rows every flow node's dialog shares (resources/ocpp-editor.js), in its own catalogue's words.
        const texts = JSON.parse(fs.readFileSync(path.join(PKG_ROOT, 'nodes/locales/en-US', `${type}.json`), 'utf8'))[type];
        assert.deepStrictEqual(await sharedRows(page), {
          first: [
            ['node-input-interface', texts.label.interface],
            ['node-input-station', texts.label.station],
          ],
          last: ['node-input-name', texts.label.name],
          placeholders: [texts.placeholder.station, texts.placeholder.name],
          interfaceSelect: true,
          stationList: 'node-input-station-list',
          labelWidth: '110px',
        });
      }
      await page.click('#node-dialog-ok');
      await page.waitForSelector(field, { state: 'detached', timeout: 10000 });
      const saved = await page.evaluate((id) => {
        const n = RED.nodes.node(id);
        return {
          valid: n.valid,
          props: { station: n.station, action: n.action, channel: n.channel, actions: n.actions, reply: n.reply, idTag: n.idTag },
        };
      }, id);
      assert.strictEqual(saved.valid, true, `${type} saved as invalid: ${JSON.stringify(saved.props)}`);
      for (const [k, v] of Object.entries(props)) {
        const got = Array.isArray(v) ? [...saved.props[k]].sort() : saved.props[k];
        if (k in saved.props) assert.deepStrictEqual(got, Array.isArray(v) ? [...v].sort() : v, `${type}.${k} not kept`);
      }
      await page.evaluate((type) => RED.sidebar.help.show(type), type);
      const help = await page
        .waitForFunction(
          () => {
            const el = document.querySelector('.red-ui-sidebar-help-stack .red-ui-help') || document.querySelector('.red-ui-help');
            return el && /Inputs|Outputs/.test(el.textContent) && /Details/.test(el.textContent) ? el.textContent : false;
          },
          null,
          { timeout: 5000 },
        )
        .then((h) => h.jsonValue())
        .catch(async () =>
          page.evaluate(() => [...document.querySelectorAll('.red-ui-help')].map((e) => e.textContent.slice(0, 200)).join(' || ')),
        );
      assert.ok(/Inputs|Outputs/.test(help), `help for ${type} not shown: ${help}`);
      // The help shown is this node's: its first sentence, from the help file.
      const source = fs.readFileSync(path.join(PKG_ROOT, 'nodes/locales/en-US', `${type}.html`), 'utf8');
      const first = /<p>([^<]{20,}?)[<.]/.exec(source)[1].replace(/\s+/g, ' ').trim();
      assert.ok(help.replace(/\s+/g, ' ').includes(first), `help for ${type} does not show "${first}"`);
      assert.match(help, /Details/, `${type} help has no Details section`);
      assert.deepStrictEqual(problems, []);
    });
  }

  it('offers in ocpp-command the commands of every version the runtime speaks, grouped by the versions that have them', async function () {
    const id = await page.evaluate(() => {
      const def = RED.nodes.getType('ocpp-command');
      const node = {
        id: RED.nodes.id(),
        type: 'ocpp-command',
        z: RED.workspaces.active(),
        x: 300,
        y: 300,
        _def: def,
        wires: [[]],
        interface: 'iface1',
        station: '',
        action: '',
        timeout: '',
        name: '',
        inputs: 1,
        outputs: 1,
        changed: true,
        dirty: true,
      };
      RED.nodes.add(node);
      RED.editor.edit(node);
      return node.id;
    });
    await page.waitForSelector('#node-input-action optgroup', { state: 'attached', timeout: 10000 });
    const groups = await page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('#node-input-action optgroup')].map((g) => [
          g.label,
          [...g.querySelectorAll('option')].map((o) => o.value),
        ]),
      ),
    );
    const groupOf = (action) => Object.keys(groups).find((label) => groups[label].includes(action));
    assert.strictEqual(groupOf('Reset'), 'Every version');
    assert.strictEqual(groupOf('RemoteStartTransaction'), 'OCPP 1.6 only');
    assert.strictEqual(groupOf('RequestStartTransaction'), 'OCPP 2.0.1, 2.1 only');
    for (const action of ['RequestBatterySwap', 'SetDERControl', 'UsePriorityCharging', 'AFRRSignal'])
      assert.strictEqual(groupOf(action), 'OCPP 2.1 only', action);
    const offered = Object.values(groups).flat();
    const expected = new Set(['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'].flatMap((v) => lib.profileOf(v).centralActions));
    assert.deepStrictEqual([...new Set(offered)].sort(), [...expected].sort());
    await page.click('#node-dialog-cancel');
    await page.evaluate((id) => RED.nodes.remove(id), id);
    assert.deepStrictEqual(problems, []);
  });

  it('approves a rejected station, adds one with a password, changes it and removes it, all from the dialog', async function () {
    const url = `ws://127.0.0.1:${port}/locked`;
    assert.strictEqual(await handshakeStatus(url, 'NEWBIE', ['ocpp1.6'], { password: 'pw-one' }), 404);
    await page.evaluate(() => RED.editor.editConfig('', 'ocpp-interface', 'iface2'));
    await page.waitForSelector('#node-config-input-ocpp-id', { state: 'visible' });
    await page.click('#red-ui-tab-ocpp-interface-tab-stations a.red-ui-tab-label');
    // approve the rejected station in one click: it then connects (trust on first use of its password)
    await page.click('#node-config-ocpp-rejected tr.ocpp-rejected-row[data-station="NEWBIE"] .ocpp-rejected-approve');
    await page.waitForSelector('#node-config-ocpp-stations .ocpp-station-row[data-station="NEWBIE"]', { timeout: 10000 });
    assert.strictEqual(await handshakeStatus(url, 'NEWBIE', ['ocpp1.6'], { password: 'pw-one' }), 101);
    // add a station with a password
    await page.fill('#node-config-ocpp-add-id', 'ADDED');
    await page.fill('#node-config-ocpp-add-password', 'pw-two');
    await page.click('#node-config-ocpp-add');
    await page.waitForSelector('#node-config-ocpp-stations .ocpp-station-row[data-station="ADDED"]', { timeout: 10000 });
    assert.strictEqual(await handshakeStatus(url, 'ADDED', ['ocpp1.6'], { password: 'wrong' }), 401);
    assert.strictEqual(await handshakeStatus(url, 'ADDED', ['ocpp1.6'], { password: 'pw-two' }), 101);
    // set a new password
    await page.click('#node-config-ocpp-stations .ocpp-station-row[data-station="ADDED"] .ocpp-station-password');
    await page.fill('tr.ocpp-station-password-row[data-station="ADDED"] .ocpp-station-password-input', 'pw-three');
    await page.click('tr.ocpp-station-password-row[data-station="ADDED"] .ocpp-station-password-save');
    const end = Date.now() + 5000;
    while ((await handshakeStatus(url, 'ADDED', ['ocpp1.6'], { password: 'pw-three' })) !== 101) {
      assert.ok(Date.now() < end, 'the new password was not taken');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.strictEqual(await handshakeStatus(url, 'ADDED', ['ocpp1.6'], { password: 'pw-two' }), 401);
    // remove it
    await page.click('#node-config-ocpp-stations .ocpp-station-row[data-station="ADDED"] .ocpp-station-remove');
    await page.waitForSelector('#node-config-ocpp-stations .ocpp-station-row[data-station="ADDED"]', { state: 'detached', timeout: 10000 });
    assert.strictEqual(await handshakeStatus(url, 'ADDED', ['ocpp1.6'], { password: 'pw-three' }), 404);
    await page.click('#node-config-dialog-cancel');
    await page.waitForSelector('#node-config-input-ocpp-id', { state: 'detached' });
    assert.deepStrictEqual(problems, []);
  });
  describe('in German (Chromium with --lang=de, locale de-DE)', function () {
    const de = (type) => JSON.parse(fs.readFileSync(path.join(PKG_ROOT, 'nodes/locales/de', `${type}.json`), 'utf8'))[type];
    let german;
    let gpage;

    before(async function () {
      const { chromium } = require('playwright-core');
      german = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--lang=de',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      const context = await german.newContext({
        locale: 'de-DE',
        extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9' },
        viewport: { width: 1600, height: 1000 },
      });
      gpage = await context.newPage();
      gpage.on('pageerror', (err) => problems.push(`pageerror (de): ${(err && err.stack) || err}`));
      await gpage.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
      await gpage.waitForFunction(
        () => window.RED && RED.nodes && RED.nodes.getType && RED.nodes.getType('ocpp-interface') && RED.nodes.node('iface1'),
        null,
        { timeout: 30000 },
      );
    });
    after(async function () {
      if (german) await german.close().catch(() => {});
    });

    it('shows the ocpp-interface dialog with German labels, tabs and table headers', async function () {
      const texts = de('ocpp-interface');
      assert.strictEqual(await gpage.evaluate(() => navigator.language), 'de-DE');
      await gpage.evaluate(() => RED.editor.editConfig('', 'ocpp-interface', 'iface1'));
      await gpage.waitForSelector('#node-config-input-ocpp-id', { state: 'visible' });
      const seen = await gpage.evaluate(() => ({
        autoApprove: $('label[for="node-config-input-autoApprove"] span').text(),
        versions: $('#node-config-ocpp-versions').closest('.form-row').find('label').first().text().trim(),
        comment: $('#node-config-input-comment').attr('placeholder'),
        tabs: $('#node-config-ocpp-interface-tabs .red-ui-tab-label')
          .map(function () {
            return $(this).text().trim();
          })
          .get(),
        headers: $('#node-config-ocpp-stations thead th')
          .map(function () {
            return $(this).text();
          })
          .get()
          .filter((x) => x),
        port: $('#node-config-input-port').attr('placeholder'),
      }));
      assert.strictEqual(seen.autoApprove, texts.label.autoApprove);
      assert.strictEqual(seen.autoApprove, 'Neue Ladestationen automatisch zulassen');
      assert.strictEqual(seen.versions, texts.label.versions);
      assert.strictEqual(seen.comment, texts.placeholder.comment);
      assert.strictEqual(seen.port, texts.placeholder.port);
      assert.deepStrictEqual(seen.tabs, [texts.tabs.interface, texts.tabs.connection, texts.tabs.stations, texts.tabs.sessions]);
      assert.deepStrictEqual(
        seen.headers,
        ['station', 'connected', 'version', 'vendor', 'model', 'firmware', 'lastSeen'].map((k) => texts.stations[k]),
      );
      // A text set from script (t()), not from data-i18n: the error under no approved version.
      await gpage.uncheck('#node-config-input-version-16');
      await gpage.uncheck('#node-config-input-version-201');
      assert.strictEqual(await gpage.textContent('#node-config-ocpp-versions-error'), texts.errors.versions);
      const message = await gpage.evaluate(() =>
        RED.nodes.getType('ocpp-interface').defaults.versions.validate.call(RED.nodes.node('iface1'), [], {}),
      );
      assert.strictEqual(message, texts.errors.versions);
      await gpage.check('#node-config-input-version-16');
      await gpage.check('#node-config-input-version-201');
      await gpage.click('#node-config-dialog-cancel');
      await gpage.waitForSelector('#node-config-input-ocpp-id', { state: 'detached' });
    });

    it("labels the rows every flow node's dialog shares in German (ocpp-channel)", async function () {
      const texts = de('ocpp-channel');
      await gpage.evaluate(() => {
        const def = RED.nodes.getType('ocpp-channel');
        const node = {
          id: RED.nodes.id(),
          type: 'ocpp-channel',
          z: RED.workspaces.active(),
          x: 300,
          y: 300,
          _def: def,
          wires: [[]],
          inputs: 1,
          outputs: 1,
        };
        for (const [k, v] of Object.entries(def.defaults)) node[k] = v.value;
        node.interface = 'iface1';
        RED.nodes.add(node);
        RED.editor.edit(node);
      });
      await gpage.waitForSelector('#node-input-channel', { state: 'attached', timeout: 10000 });
      assert.deepStrictEqual(await sharedRows(gpage), {
        first: [
          ['node-input-interface', texts.label.interface],
          ['node-input-station', texts.label.station],
        ],
        last: ['node-input-name', texts.label.name],
        placeholders: [texts.placeholder.station, texts.placeholder.name],
        interfaceSelect: true,
        stationList: 'node-input-station-list',
        labelWidth: '110px',
      });
      assert.strictEqual(texts.label.station, 'Ladestation');
      // The dialog's own style refines the shared one.
      assert.strictEqual(await gpage.evaluate(() => getComputedStyle($('#node-input-connector')[0]).width), '180px');
      await gpage.click('#node-dialog-cancel');
      await gpage.waitForSelector('#node-input-channel', { state: 'detached', timeout: 10000 });
    });

    it('shows German help for ocpp-in and a German palette label for the interface', async function () {
      await gpage.evaluate(() => RED.sidebar.help.show('ocpp-in'));
      const help = await gpage
        .waitForFunction(
          () => {
            const el = document.querySelector('.red-ui-sidebar-help-stack .red-ui-help') || document.querySelector('.red-ui-help');
            return el && /Ausgaben/.test(el.textContent) && /Details/.test(el.textContent) ? el.textContent : false;
          },
          null,
          { timeout: 5000 },
        )
        .then((h) => h.jsonValue());
      const source = fs.readFileSync(path.join(PKG_ROOT, 'nodes/locales/de/ocpp-in.html'), 'utf8');
      const first = /<p>([^<]{20,}?)[<.]/.exec(source)[1].replace(/\s+/g, ' ').trim();
      assert.ok(help.replace(/\s+/g, ' ').includes(first), `the German help does not show "${first}"`);
      assert.match(help, /Referenzen/);
      assert.strictEqual(await gpage.evaluate(() => RED.nodes.node('iface1')._def.label.call({})), de('ocpp-interface').label.node);
      assert.deepStrictEqual(problems, []);
    });
  });
});
