'use strict';
// The example "Charging park dashboard" in a real Node-RED (child process) with FlowFuse
// Dashboard 2.0, two strict ocpp-rpc stations (1.6 and 2.0.1), and the dashboard page in
// headless Chromium (playwright-core): the page shows both stations, their live power,
// and its buttons and slider reach the stations.
// Skipped when /usr/bin/chromium is missing (CI installs it).
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { station, closeAllClients, until, boot16, boot201 } = require('./support');
const { PKG_ROOT, startNodeRed, stopNodeRed, httpStatus, installInto } = require('./nodered-process');

const CHROMIUM = '/usr/bin/chromium';
const EXAMPLE = path.join(PKG_ROOT, 'examples', '05 Charging park dashboard.json');
const now = () => new Date().toISOString();
/** ocpp-rpc hands out objects without a prototype; compare them as plain JSON. */
const plain = (value) => JSON.parse(JSON.stringify(value));
const later = (fn) => setTimeout(() => fn().catch((err) => console.error(err)), 10);

/**
 * A 1.6 wallbox with one connector: remote start begins a transaction, remote stop ends it
 * (Finishing until `unplug`); it accepts charging profiles.
 */
async function wallbox16(url, id) {
  const cp = await station(url, id, ['ocpp1.6']);
  cp.calls = [];
  let transactionId = null;
  let meter = 0;
  const status = (s) => cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: s, timestamp: now() });
  const record = (action, answer, then) =>
    cp.handle(action, ({ params }) => {
      cp.calls.push([action, plain(params)]);
      if (then) later(then);
      return answer;
    });
  record('RemoteStartTransaction', { status: 'Accepted' }, async () => {
    await status('Preparing');
    ({ transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: 'DASHBOARD', meterStart: meter, timestamp: now() }));
    await status('Charging');
  });
  record('RemoteStopTransaction', { status: 'Accepted' }, async () => {
    await cp.call('StopTransaction', { transactionId, meterStop: meter, timestamp: now(), reason: 'Remote' });
    transactionId = null;
    await status('Finishing');
  });
  record('SetChargingProfile', { status: 'Accepted' });
  record('ClearChargingProfile', { status: 'Accepted' });
  cp.boot = async () => {
    await cp.call('BootNotification', boot16);
    await status('Available');
  };
  cp.meter = (watts, wh) => {
    meter = wh;
    return cp.call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [
        {
          timestamp: now(),
          sampledValue: [
            { value: String(watts), measurand: 'Power.Active.Import', unit: 'W' },
            { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
          ],
        },
      ],
    });
  };
  cp.transactionId = () => transactionId;
  cp.unplug = () => status('Available');
  return cp;
}

/** A 2.0.1 charging station with one EVSE, reporting its transaction with TransactionEvent. */
async function station201(url, id) {
  const cp = await station(url, id, ['ocpp2.0.1']);
  cp.calls = [];
  let seqNo = 0;
  let tx = null;
  const event = (eventType, triggerReason, chargingState, meterValue) => {
    const started = eventType === 'Started';
    return cp.call('TransactionEvent', {
      eventType,
      timestamp: now(),
      triggerReason,
      seqNo: seqNo++,
      transactionInfo: { transactionId: tx.id, chargingState, ...(started ? { remoteStartId: tx.remoteStartId } : {}) },
      ...(started ? { idToken: tx.idToken, evse: { id: 1, connectorId: 1 } } : {}),
      ...(meterValue ? { meterValue } : {}),
    });
  };
  const connector = (connectorStatus) => cp.call('StatusNotification', { timestamp: now(), connectorStatus, evseId: 1, connectorId: 1 });
  const record = (action, answer, then) =>
    cp.handle(action, ({ params }) => {
      cp.calls.push([action, plain(params)]);
      if (then) later(() => then(params));
      return answer;
    });
  record('RequestStartTransaction', { status: 'Accepted' }, async (params) => {
    tx = { id: `${id}-tx1`, idToken: params.idToken, remoteStartId: params.remoteStartId };
    await connector('Occupied');
    await event('Started', 'RemoteStart', 'Charging');
  });
  // the car stays plugged in (Finishing) until `unplug`
  record('RequestStopTransaction', { status: 'Accepted' }, () => event('Ended', 'RemoteStop', 'EVConnected'));
  record('SetChargingProfile', { status: 'Accepted' });
  cp.boot = async () => {
    await cp.call('BootNotification', boot201);
    await connector('Available');
  };
  cp.meter = (watts, wh) =>
    event('Updated', 'MeterValuePeriodic', 'Charging', [
      {
        timestamp: now(),
        sampledValue: [
          { value: watts, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
          { value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
        ],
      },
    ]);
  cp.transactionId = () => tx && tx.id;
  cp.unplug = () => connector('Available');
  return cp;
}

describe('example 05: the charging park dashboard (headless Chromium)', function () {
  this.timeout(60000);

  let userDir;
  let nr;
  let browser;
  let page;
  let url;
  let chartId;
  const chartPoints = []; // what the page's chart receives over socket.io: [station, kW]
  const problems = []; // console errors and page errors

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(`      dashboard test SKIPPED: ${CHROMIUM} is missing (apt-get install chromium)`);
      this.skip();
    }
    assert.ok(fs.existsSync(path.join(PKG_ROOT, 'dist/nodes/ocpp-channel.js')), 'dist/ is missing: run npm run build');

    // the example as Node-RED's Import > Examples puts it into a tab
    const flow = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
    const tabs = [...new Set(flow.filter((n) => n.z).map((n) => n.z))].map((id) => ({ id, type: 'tab', label: 'Charging park dashboard' }));
    chartId = flow.find((n) => n.type === 'ui-chart').id;
    const ifaceId = flow.find((n) => n.type === 'ocpp-interface').id;
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-dashboard-'));
    installInto(userDir, undefined, ['@flowfuse/node-red-dashboard']);
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify([...tabs, ...flow]));

    nr = startNodeRed(userDir);
    const port = await nr.ready;
    const base = `http://127.0.0.1:${port}`;
    // RED.start() can resolve before the flows run: wait for the interface's API and the dashboard
    const end = Date.now() + 15000;
    for (;;) {
      const [api, dashboard] = await Promise.all([
        httpStatus(`${base}/ocpp-interface/${ifaceId}/stations`),
        httpStatus(`${base}/dashboard/park`),
      ]);
      if (api === 200 && dashboard === 200) break;
      if (Date.now() > end) throw new Error(`the example did not start (interface API ${api}, dashboard ${dashboard})\n${nr.logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    url = `ws://127.0.0.1:${port}/ocpp`;

    const { chromium } = require('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = (msg.location() || {}).url || '';
      // no internet here: a request that leaves this Node-RED is not the example's fault
      if (/^Failed to load resource/.test(msg.text()) && where && !where.startsWith(base)) return;
      problems.push(`console.error: ${msg.text()} (${where})`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${(err && err.stack) || err}`));
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        // socket.io: 42["msg-input:<widget id>", msg]
        const m = /^\d*(\[.*\])$/s.exec(String(payload));
        if (!m) return;
        const [event, msg] = JSON.parse(m[1]);
        if (event === `msg-input:${chartId}` && msg) chartPoints.push([msg.topic, msg.payload]);
      }),
    );
  });

  after(async function () {
    await closeAllClients();
    if (browser) await browser.close().catch(() => {});
    await stopNodeRed(nr && nr.child);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  const card = (id) => page.locator(`.park-station[data-station="${id}"]`);
  /** Waits until the card's element `what` reads `text`, and says what it read instead. */
  async function shows(id, what, text) {
    const el = card(id).locator(`.park-${what}`);
    try {
      await el.filter({ hasText: text }).waitFor({ timeout: 10000 });
    } catch {
      const seen = await el.textContent({ timeout: 1000 }).catch(() => '(nothing)');
      throw new Error(`${id}'s ${what} should read "${text}"; the dashboard shows "${seen && seen.trim()}"`);
    }
  }

  let a;
  let b;

  it('shows every connected station with its status, 1.6 and 2.0.1 alike', async function () {
    a = await wallbox16(url, 'CP-A');
    await a.boot();
    await page.goto(url.replace(/^ws/, 'http').replace(/\/ocpp$/, '/dashboard'), { waitUntil: 'load' });
    await shows('CP-A', 'status', 'Available');
    // a station that connects while the page is open appears by itself
    b = await station201(url, 'CP-B');
    await b.boot();
    await shows('CP-B', 'status', 'Available');
    assert.deepStrictEqual(await page.locator('.park-station').evaluateAll((els) => els.map((e) => e.dataset.station)), ['CP-A', 'CP-B']);
    assert.match(await card('CP-A').textContent(), /ocpp1\.6/);
    assert.match(await card('CP-B').textContent(), /ocpp2\.0\.1/);
  });

  it('starts charging with the start button', async function () {
    await card('CP-A').locator('.park-start').click();
    await shows('CP-A', 'status', 'Charging');
    assert.deepStrictEqual(a.calls[0], ['RemoteStartTransaction', { connectorId: 1, idTag: 'DASHBOARD' }]);
    await shows('CP-A', 'result', 'start: Accepted');

    await card('CP-B').locator('.park-start').click();
    await shows('CP-B', 'status', 'Charging');
    const [action, params] = b.calls[0];
    assert.strictEqual(action, 'RequestStartTransaction');
    assert.deepStrictEqual([params.evseId, params.idToken], [1, { idToken: 'DASHBOARD', type: 'Central' }]);
  });

  it('shows live power and energy as the stations send meter values, and charts them', async function () {
    await a.meter(7400, 1234);
    await shows('CP-A', 'power', '7.40 kW');
    await shows('CP-A', 'energy', '1.23 kWh');
    await a.meter(11000, 2500);
    await shows('CP-A', 'power', '11.00 kW');
    await shows('CP-A', 'energy', '2.50 kWh');
    await b.meter(3680, 500);
    await shows('CP-B', 'power', '3.68 kW');
    await shows('CP-B', 'energy', '0.50 kWh');
    await until(
      () => chartPoints.some(([s, kw]) => s === 'CP-B' && kw === 3.68),
      `the chart to get CP-B's 3.68 kW (it got ${JSON.stringify(chartPoints)})`,
    );
    // the flow repeats each station's power every 15 s: count changes, not points
    const changesOfA = chartPoints
      .filter(([s]) => s === 'CP-A')
      .map(([, kw]) => kw)
      .filter((kw, i, all) => i === 0 || kw !== all[i - 1]);
    assert.deepStrictEqual(changesOfA.slice(-2), [7.4, 11], "the chart follows CP-A's power");
  });

  it('sets and clears a current limit with the slider', async function () {
    const slider = card('CP-A').locator('.park-slider .v-slider-track');
    const box = await slider.boundingBox();
    // the middle of 6..32 A
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await until(() => a.calls.some(([action]) => action === 'SetChargingProfile'), 'CP-A to receive SetChargingProfile');
    const [, profile] = a.calls.find(([action]) => action === 'SetChargingProfile');
    assert.strictEqual(profile.connectorId, 0);
    assert.strictEqual(profile.csChargingProfiles.chargingProfilePurpose, 'ChargePointMaxProfile');
    const limit = profile.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit;
    assert.ok(limit >= 17 && limit <= 21, `a limit near the middle of 6..32 A, got ${limit}`);
    await shows('CP-A', 'limit', `${limit} A`);
    await shows('CP-A', 'result', `limit ${limit} A: Accepted`);
    const thumb = card('CP-A').locator('.park-slider [role="slider"]');
    assert.strictEqual(await thumb.getAttribute('aria-valuenow'), String(limit));

    await card('CP-A').locator('.park-nolimit').click();
    await shows('CP-A', 'limit', 'none');
    assert.strictEqual(a.calls[a.calls.length - 1][0], 'ClearChargingProfile');
    assert.strictEqual(await thumb.getAttribute('aria-valuenow'), '32', 'the slider is back at its top without a limit');
  });

  it('stops a charge with the stop button: the station is asked to stop, and its status follows', async function () {
    const transactionId = a.transactionId();
    await card('CP-A').locator('.park-stop').click();
    await shows('CP-A', 'result', 'stop: Accepted');
    const stops = a.calls.filter(([action]) => action === 'RemoteStopTransaction');
    assert.deepStrictEqual(stops, [['RemoteStopTransaction', { transactionId }]]);
    await shows('CP-A', 'status', 'Finishing');
    await shows('CP-A', 'power', '0.00 kW');
    await a.unplug();
    await shows('CP-A', 'status', 'Available');

    const tx201 = b.transactionId();
    await card('CP-B').locator('.park-stop').click();
    await shows('CP-B', 'status', 'Finishing');
    const requests = b.calls.filter(([action]) => action === 'RequestStopTransaction');
    assert.deepStrictEqual(requests, [['RequestStopTransaction', { transactionId: tx201 }]]);
    await shows('CP-B', 'result', 'stop: Accepted');
    await b.unplug();
    await shows('CP-B', 'status', 'Available');
  });

  it('gives a page opened later the whole park at once', async function () {
    const second = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await second.goto(page.url(), { waitUntil: 'load' });
      const cards = second.locator('.park-station');
      await cards.nth(1).waitFor({ timeout: 10000 });
      const shown = await cards.evaluateAll((els) =>
        els.map((e) => [
          e.dataset.station,
          e.querySelector('.park-status').textContent.trim(),
          e.querySelector('.park-energy').textContent.trim(),
        ]),
      );
      assert.deepStrictEqual(shown, [
        ['CP-A', 'Available', '2.50 kWh'],
        ['CP-B', 'Available', '0.50 kWh'],
      ]);
    } finally {
      await second.close();
    }
  });

  it('opens in the editor with every node and dashboard setting valid', async function () {
    const editor = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      await editor.goto(page.url().replace(/\/dashboard.*$/, '/'), { waitUntil: 'load' });
      await editor.waitForFunction(
        () => window.RED && RED.nodes && RED.nodes.getType('ui-base') && RED.nodes.node('b5a0000000000001'),
        null,
        { timeout: 30000 },
      );
      const invalid = await editor.evaluate(() => {
        const bad = [];
        const check = (n) => {
          if (n.valid === false) bad.push(`${n.type} ${n.id} ${JSON.stringify(n.validationErrors || [])}`);
        };
        RED.nodes.eachNode(check);
        RED.nodes.eachConfig(check);
        return bad;
      });
      assert.deepStrictEqual(invalid, []);
    } finally {
      await editor.close();
    }
  });

  it('shows a station that goes away as offline, and the page had no errors', async function () {
    await b.close();
    await shows('CP-B', 'status', 'Offline');
    assert.ok(await card('CP-B').locator('.park-stop').isDisabled(), 'no stop button for a station that is not there');
    assert.deepStrictEqual(problems, []);
  });
});
