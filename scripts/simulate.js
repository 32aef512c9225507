#!/usr/bin/env node
// A simulated charging station (one connector, OCPP 1.6J, 2.0.1 or 2.1) to try flows without a wallbox.
'use strict';
const crypto = require('crypto');

const USAGE = `Usage: npm run simulate -- <url> [options]

A simulated charging station with one connector, to try the OCPP interface and
its example flows without a wallbox. <url> is the interface's URL without the
station id, e.g. ws://localhost:1880/ocpp; the station connects to <url>/<id>.

It boots, reports its status, sends heartbeats at the interval it is given and,
while charging, meter values (power, energy, current per phase). It accepts
remote start/stop, charging profiles (the limit slows the simulated car down),
availability, reset, unlock and trigger requests. Each exchange is logged on one
line: "->" the station calls, "<-" the central system calls.

Options:
  --version 1.6|2.0.1|2.1  OCPP version (default 1.6)
  --id <id>                station id (default CP001)
  --password <secret>      HTTP Basic auth password (interface security "basic")
  --tag <idTag>            present this RFID card after booting: Authorize, and
                           start charging if it is accepted
  --max-current <A>        what the simulated car draws per phase (default 32)
  --meter-interval <s>     seconds between meter values while charging (default 5)
  -h, --help               this text

Ctrl-C ends a running transaction and stops the station.

It is not part of the installed package: run it from a clone of
node-red-contrib-ocpp-interface after "npm install".`;

const VOLTAGE = 230;
const PHASES = 3;
/** Below this current per phase a car cannot charge (IEC 61851). */
const MIN_CURRENT = 6;
const VERSIONS = {
  1.6: 'ocpp1.6',
  'ocpp1.6': 'ocpp1.6',
  '2.0.1': 'ocpp2.0.1',
  'ocpp2.0.1': 'ocpp2.0.1',
  2.1: 'ocpp2.1',
  'ocpp2.1': 'ocpp2.1',
};

function fail(message) {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { version: 'ocpp1.6', id: 'CP001', password: undefined, tag: undefined, maxCurrent: 32, meterInterval: 5 };
  const names = {
    '--version': 'version',
    '--id': 'id',
    '--password': 'password',
    '--tag': 'tag',
    '--max-current': 'maxCurrent',
    '--meter-interval': 'meterInterval',
  };
  let url;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      const key = names[name];
      if (!key) fail(`unknown option ${name}`);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) fail(`${name} needs a value`);
      opts[key] = value;
    } else if (url === undefined) {
      url = arg;
    } else {
      fail(`unexpected argument ${arg}`);
    }
  }
  if (!url) fail('the interface URL is missing');
  if (!/^wss?:\/\/[^/]/.test(url)) fail(`the URL must start with ws:// or wss://, got ${url}`);
  opts.url = url.replace(/\/+$/, '');
  opts.version = VERSIONS[opts.version];
  if (!opts.version) fail('--version must be 1.6, 2.0.1 or 2.1');
  if (!opts.id || opts.id.length > 48 || /[:/]/.test(opts.id)) fail('--id must be 1 to 48 characters without ":" or "/"');
  const maxTag = opts.version === 'ocpp1.6' ? 20 : 36;
  if (opts.tag !== undefined && (opts.tag === '' || opts.tag.length > maxTag))
    fail(`--tag must be 1 to ${maxTag} characters in ${opts.version}`);
  opts.maxCurrent = Number(opts.maxCurrent);
  if (!(opts.maxCurrent >= MIN_CURRENT && opts.maxCurrent <= 80)) fail(`--max-current must be between ${MIN_CURRENT} and 80`);
  opts.meterInterval = Number(opts.meterInterval);
  if (!(opts.meterInterval >= 0.1)) fail('--meter-interval must be a number of seconds');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

let RPCClient;
try {
  ({ RPCClient } = require('ocpp-rpc'));
} catch {
  console.error('The simulator needs ocpp-rpc: run it from a clone of node-red-contrib-ocpp-interface after "npm install".');
  process.exit(1);
}

const v16 = opts.version === 'ocpp1.6';
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const isoNow = () => new Date().toISOString();

function log(text) {
  console.log(`${isoNow().slice(11, 23)} ${opts.id} ${text}`);
}

function brief(value) {
  const text = JSON.stringify(value === undefined ? null : value);
  return text.length > 400 ? text.slice(0, 399) + '…' : text;
}

// ---- the station's state -----------------------------------------------------------------

const state = {
  booted: false,
  /** Connector 1, in the 1.6 vocabulary (2.0.1 reports it as connector status + charging state). */
  status: 'Available',
  operative: true,
  /** ChangeAvailability waiting for the running transaction to end. */
  pendingOperative: null,
  /** Reset waiting for the running transaction to end (2.0.1 OnIdle). */
  pendingReset: false,
  /** { id, idTag, idToken, startMs, seqNo, remoteStartId } */
  tx: null,
  energyWh: 0,
  currentA: 0,
  lastAccumulated: Date.now(),
  /** Charging profiles by id: { id, connector, purpose, stackLevel, kind, recurrency, schedule, receivedAt } */
  profiles: new Map(),
  tagPresented: false,
  /** Sent with the next BootNotification (2.0.1): PowerUp, or RemoteReset after a reset. */
  pendingBootReason: undefined,
  heartbeatInterval: 300,
  limitText: undefined,
};
const timers = { heartbeat: null, meter: null, bootRetry: null, unplug: null };
let stopping = false;
let shuttingDown = false;
let restarting = false;

const client = new RPCClient({
  endpoint: opts.url,
  identity: opts.id,
  protocols: [opts.version],
  strictMode: true,
  // 2.1 speaks as 2.0.1 does in everything this station sends; ocpp-rpc needs help to check it
  ...(opts.version === 'ocpp2.1' ? { strictModeValidators: [require('./ocpp21-validator').strict21Validator()] } : {}),
  reconnect: true,
  callTimeoutMs: 30000,
  ...(opts.password !== undefined ? { password: opts.password } : {}),
});

client.on('callResult', ({ outbound, method, params, result }) => {
  log(`${outbound ? '->' : '<-'} ${method} ${brief(params)}  ${outbound ? '<-' : '->'} ${brief(result)}`);
});
client.on('callError', ({ outbound, method, params, error }) => {
  log(
    `${outbound ? '->' : '<-'} ${method} ${brief(params)}  ${outbound ? '<-' : '->'} ${error.rpcErrorCode || error.name}: ${error.message}`,
  );
});
client.on('strictValidationFailure', ({ outbound, isCall, method, error }) => {
  log(`! ${outbound ? 'sent' : 'received'} an invalid ${method} ${isCall ? 'call' : 'result'}: ${error.message}`);
});
client.on('disconnect', ({ code, reason }) => {
  log(`disconnected (${code}${reason ? ' ' + reason : ''})${stopping || restarting ? '' : ', reconnecting'}`);
  stopTimer('heartbeat');
});
client.on('close', () => {
  // ocpp-rpc gives up reconnecting only in rare cases; keep trying like a real station
  if (!stopping && !restarting && state.booted) {
    state.booted = false;
    connect().catch((err) => log(`! ${err.message}`));
  }
});
client.on('open', () => {
  log(`connected to ${opts.url}/${opts.id} (${client.protocol})`);
  if (!state.booted) {
    boot(state.pendingBootReason || 'PowerUp');
  } else {
    // back after a lost connection: no reboot, just where we are
    startHeartbeat();
    reportAllStatus();
  }
});

/** Sends a CALL; errors are logged (CALLERRORs by the callError event) and give undefined. */
async function send(action, payload) {
  if (client.state !== 1 /* OPEN */) return undefined;
  try {
    return await client.call(action, payload);
  } catch (err) {
    if (!err.rpcErrorCode) log(`-> ${action} failed: ${err.message}`);
    return undefined;
  }
}

function stopTimer(name) {
  clearTimeout(timers[name]);
  clearInterval(timers[name]);
  timers[name] = null;
}

// ---- connecting and booting --------------------------------------------------------------

const HTTP_HINTS = {
  400: 'the interface refused the station id or does not approve this OCPP version',
  401: 'credentials missing or wrong: use --password with the password of this station',
  404: 'unknown station: approve it in the interface, or switch on its automatic approval',
  503: 'the interface is deactivated',
};

async function connect() {
  let wait = 1000;
  while (!stopping) {
    try {
      await client.connect();
      return;
    } catch (err) {
      const why =
        typeof err.code === 'number'
          ? `HTTP ${err.code}${HTTP_HINTS[err.code] ? ': ' + HTTP_HINTS[err.code] : ''}`
          : err.code === 'ECONNREFUSED'
            ? 'nothing listens there (is Node-RED running? npm start)'
            : err.message;
      log(`cannot connect to ${opts.url}/${opts.id}: ${why}; retrying in ${wait / 1000} s`);
      await delay(wait);
      wait = Math.min(wait * 2, 30000);
    }
  }
}

async function boot(reason) {
  stopTimer('bootRetry');
  const payload = v16
    ? {
        chargePointVendor: 'Node-RED OCPP',
        chargePointModel: 'Simulator',
        chargePointSerialNumber: `SIM-${opts.id}`.slice(0, 25),
        firmwareVersion: '1.0.0',
      }
    : {
        reason,
        chargingStation: {
          vendorName: 'Node-RED OCPP',
          model: 'Simulator',
          serialNumber: `SIM-${opts.id}`.slice(0, 25),
          firmwareVersion: '1.0.0',
        },
      };
  const res = await send('BootNotification', payload);
  const interval = res && Number.isInteger(res.interval) && res.interval > 0 ? res.interval : 0;
  if (!res || res.status !== 'Accepted') {
    const again = interval || 10;
    if (res) log(`* boot ${res.status}: trying again in ${again} s`);
    timers.bootRetry = setTimeout(() => boot(reason), again * 1000);
    return;
  }
  state.booted = true;
  state.pendingBootReason = undefined;
  state.heartbeatInterval = interval || 300;
  startHeartbeat();
  await reportAllStatus();
  if (opts.tag && !state.tagPresented) {
    state.tagPresented = true;
    setTimeout(() => presentTag(opts.tag).catch((err) => log(`! ${err.message}`)), 1000);
  }
}

function startHeartbeat() {
  stopTimer('heartbeat');
  timers.heartbeat = setInterval(() => send('Heartbeat', {}), state.heartbeatInterval * 1000);
}

// ---- status ------------------------------------------------------------------------------

/** 1.6 connector status → 2.0.1 connector status. */
function connectorStatus201(status) {
  if (['Available', 'Reserved', 'Unavailable', 'Faulted'].includes(status)) return status;
  return 'Occupied';
}

function statusPayload(connector) {
  const status = connector === 0 ? (state.operative ? 'Available' : 'Unavailable') : state.status;
  return v16
    ? { connectorId: connector, errorCode: 'NoError', status, timestamp: isoNow() }
    : { timestamp: isoNow(), connectorStatus: connectorStatus201(status), evseId: 1, connectorId: 1 };
}

async function reportAllStatus() {
  if (v16) await send('StatusNotification', statusPayload(0));
  await send('StatusNotification', statusPayload(1));
}

async function setStatus(status) {
  const before = state.status;
  if (before === status) return;
  state.status = status;
  // 2.0.1 reports only the connector status here; charging states travel in TransactionEvent
  if (v16 || connectorStatus201(before) !== connectorStatus201(status)) await send('StatusNotification', statusPayload(1));
}

// ---- meter -------------------------------------------------------------------------------

function powerW() {
  return state.currentA * VOLTAGE * PHASES;
}

function accumulate() {
  const now = Date.now();
  state.energyWh += (powerW() * (now - state.lastAccumulated)) / 3600000;
  state.lastAccumulated = now;
}

function sampledValues(context, energyOnly) {
  const entries = [['Energy.Active.Import.Register', Math.round(state.energyWh), 'Wh']];
  if (!energyOnly) {
    entries.push(['Power.Active.Import', Math.round(powerW()), 'W']);
    for (const phase of ['L1', 'L2', 'L3']) entries.push(['Current.Import', Math.round(state.currentA * 10) / 10, 'A', phase]);
  }
  return entries.map(([measurand, value, unit, phase]) => ({
    ...(v16 ? { value: String(value), unit } : { value, unitOfMeasure: { unit } }),
    context,
    measurand,
    location: 'Outlet',
    ...(phase ? { phase } : {}),
  }));
}

function meterValue(context, energyOnly = false) {
  accumulate();
  return [{ timestamp: isoNow(), sampledValue: sampledValues(context, energyOnly) }];
}

async function sendMeterValues(context) {
  if (v16) {
    await send('MeterValues', { connectorId: 1, ...(state.tx ? { transactionId: state.tx.id } : {}), meterValue: meterValue(context) });
  } else if (state.tx) {
    await transactionEvent('Updated', context === 'Trigger' ? 'Trigger' : 'MeterValuePeriodic', { meterValue: meterValue(context) });
  } else {
    await send('MeterValues', { evseId: 1, meterValue: meterValue(context) });
  }
}

// ---- charging profiles -------------------------------------------------------------------

/** The limit of one profile right now, in A per phase; undefined when it does not apply now. */
function profileLimitA(p, now) {
  let start;
  if (p.kind === 'Relative') {
    if (!state.tx) return undefined;
    start = state.tx.startMs;
  } else {
    start = p.schedule.startSchedule ? Date.parse(p.schedule.startSchedule) : p.receivedAt;
  }
  let elapsed = (now - start) / 1000;
  if (p.kind === 'Recurring') {
    const period = p.recurrency === 'Weekly' ? 7 * 86400 : 86400;
    elapsed = ((elapsed % period) + period) % period;
  }
  if (elapsed < 0 || (Number.isFinite(p.schedule.duration) && elapsed > p.schedule.duration)) return undefined;
  let period;
  for (const candidate of p.schedule.chargingSchedulePeriod) {
    if (candidate.startPeriod <= elapsed && (!period || candidate.startPeriod >= period.startPeriod)) period = candidate;
  }
  if (!period) return undefined;
  return p.schedule.chargingRateUnit === 'W' ? period.limit / (VOLTAGE * (period.numberPhases || PHASES)) : period.limit;
}

/** Highest stack level wins within a purpose; the station maximum caps the transaction's limit. */
function limitA() {
  const now = Date.now();
  const best = (purpose) => {
    let top;
    for (const p of state.profiles.values()) {
      if (p.purpose !== purpose) continue;
      const limit = profileLimitA(p, now);
      if (limit !== undefined && (!top || p.stackLevel > top.stackLevel)) top = { stackLevel: p.stackLevel, limit };
    }
    return top ? top.limit : undefined;
  };
  const stationMax = best(v16 ? 'ChargePointMaxProfile' : 'ChargingStationMaxProfile');
  const forTx = (state.tx ? best('TxProfile') : undefined) ?? best('TxDefaultProfile');
  return Math.min(stationMax ?? Infinity, forTx ?? Infinity);
}

/** Sets the car's current from the limits; reports a change of charging state and of power. */
async function applyLimits(reason) {
  if (!state.tx) return;
  accumulate();
  const limit = limitA();
  const target = Math.min(opts.maxCurrent, limit);
  const amps = target >= MIN_CURRENT ? Math.floor(target * 10) / 10 : 0;
  const limitText = Number.isFinite(limit) ? `limit ${Math.round(limit * 10) / 10} A` : 'no limit';
  const limitChanged = limitText !== state.limitText;
  state.limitText = limitText;
  if (amps === state.currentA && ['Charging', 'SuspendedEVSE'].includes(state.status)) {
    if (limitChanged) log(`* ${limitText}: still ${amps > 0 ? `charging at ${amps} A` : 'paused'}`);
    return;
  }
  const changed = amps !== state.currentA;
  state.currentA = amps;
  const status = amps > 0 ? 'Charging' : 'SuspendedEVSE';
  log(`* ${limitText}: ${amps > 0 ? `charging at ${amps} A (${(powerW() / 1000).toFixed(1)} kW)` : 'paused, a car needs at least 6 A'}`);
  if (v16) {
    await setStatus(status);
    if (changed && reason === 'limit') await sendMeterValues('Other');
  } else {
    const wasCharging = state.status;
    state.status = status;
    const trigger = wasCharging !== status ? 'ChargingStateChanged' : 'ChargingRateChanged';
    await transactionEvent('Updated', trigger, changed ? { meterValue: meterValue('Other') } : {});
  }
}

function storeProfile(connector, profile) {
  const purpose = profile.chargingProfilePurpose;
  for (const [id, p] of state.profiles) {
    // a profile with the same id, or the same purpose and stack level on the same connector, is replaced
    if (id === profile.id || (p.purpose === purpose && p.stackLevel === profile.stackLevel && p.connector === connector))
      state.profiles.delete(id);
  }
  const schedule = v16 ? profile.chargingSchedule : profile.chargingSchedule[0];
  state.profiles.set(profile.id, {
    id: profile.id,
    connector,
    purpose,
    stackLevel: profile.stackLevel,
    kind: profile.chargingProfileKind,
    recurrency: profile.recurrencyKind,
    schedule,
    receivedAt: Date.now(),
  });
}

function clearProfiles(match) {
  let removed = false;
  for (const [id, p] of state.profiles) {
    if (match(p)) {
      state.profiles.delete(id);
      removed = true;
    }
  }
  return removed;
}

// ---- transactions ------------------------------------------------------------------------

/** Reasons for ending a transaction, per version: [1.6 reason, 2.0.1 trigger, 2.0.1 stoppedReason]. */
const STOP_REASONS = {
  remote: ['Remote', 'RemoteStop', 'Remote'],
  local: ['Local', 'StopAuthorized', 'Local'],
  deauthorized: ['DeAuthorized', 'Deauthorized', 'DeAuthorized'],
  softReset: ['SoftReset', 'ResetCommand', 'ImmediateReset'],
  hardReset: ['HardReset', 'ResetCommand', 'ImmediateReset'],
  unlock: ['UnlockCommand', 'UnlockCommand', 'Other'],
};

function canStart() {
  return state.booted && !state.tx && state.operative && !state.starting && ['Available', 'Preparing'].includes(state.status);
}

async function transactionEvent(eventType, triggerReason, extra = {}) {
  const tx = state.tx;
  if (!tx) return undefined;
  const chargingState =
    extra.chargingState || (state.currentA > 0 ? 'Charging' : state.status === 'SuspendedEVSE' ? 'SuspendedEVSE' : 'EVConnected');
  return send('TransactionEvent', {
    eventType,
    timestamp: isoNow(),
    triggerReason,
    seqNo: tx.seqNo++,
    transactionInfo: { transactionId: tx.id, chargingState, ...(extra.transactionInfo || {}) },
    ...(extra.idToken ? { idToken: extra.idToken } : {}),
    ...(extra.evse ? { evse: { id: 1, connectorId: 1 } } : {}),
    ...(extra.meterValue ? { meterValue: extra.meterValue } : {}),
  });
}

/** Plugs in and starts charging for an id tag (remote start, or a card the central system accepted). */
async function startTransaction(idTag, how, remoteStartId) {
  if (!canStart()) return;
  state.starting = true;
  try {
    await setStatus('Preparing');
    accumulate();
    if (v16) {
      const res = await send('StartTransaction', { connectorId: 1, idTag, meterStart: Math.round(state.energyWh), timestamp: isoNow() });
      if (!res) return;
      state.tx = { id: res.transactionId, idTag, startMs: Date.now(), seqNo: 0 };
      if (res.idTagInfo.status !== 'Accepted') {
        log(`* id tag ${idTag} refused (${res.idTagInfo.status}): ending the transaction`);
        await stopTransaction('deauthorized');
        return;
      }
    } else {
      const idToken = { idToken: idTag, type: how === 'remote' ? 'Central' : 'ISO14443' };
      state.tx = { id: crypto.randomUUID(), idTag, idToken, startMs: Date.now(), seqNo: 0 };
      const res = await transactionEvent('Started', how === 'remote' ? 'RemoteStart' : 'Authorized', {
        chargingState: 'EVConnected',
        transactionInfo: remoteStartId !== undefined ? { remoteStartId } : {},
        idToken,
        evse: true,
        meterValue: meterValue('Transaction.Begin', true),
      });
      if (res && res.idTokenInfo && res.idTokenInfo.status !== 'Accepted') {
        log(`* id token ${idTag} refused (${res.idTokenInfo.status}): ending the transaction`);
        await stopTransaction('deauthorized');
        return;
      }
    }
    timers.meter = setInterval(() => {
      if (!state.tx) return;
      applyLimits('schedule').then(() => sendMeterValues('Sample.Periodic'));
    }, opts.meterInterval * 1000);
    await applyLimits('start');
  } finally {
    state.starting = false;
  }
}

async function stopTransaction(why) {
  const tx = state.tx;
  if (!tx) return;
  stopTimer('meter');
  const [reason16, trigger201, stopped201] = STOP_REASONS[why];
  accumulate();
  state.currentA = 0;
  state.limitText = undefined;
  if (v16) {
    state.tx = null;
    await send('StopTransaction', {
      transactionId: tx.id,
      meterStop: Math.round(state.energyWh),
      timestamp: isoNow(),
      reason: reason16,
      transactionData: meterValue('Transaction.End', true),
    });
    await setStatus('Finishing');
  } else {
    state.status = 'Finishing';
    await transactionEvent('Ended', trigger201, {
      chargingState: 'EVConnected',
      transactionInfo: { stoppedReason: stopped201 },
      meterValue: meterValue('Transaction.End', true),
    });
    state.tx = null;
  }
  clearProfiles((p) => p.purpose === 'TxProfile');
  log(`* transaction ${tx.id} ended (${why}), ${Math.round(state.energyWh)} Wh on the meter`);
  // the driver unplugs a moment later
  timers.unplug = setTimeout(() => unplugged().catch((err) => log(`! ${err.message}`)), 2000);
}

async function unplugged() {
  if (state.tx || state.starting) return;
  if (state.pendingOperative !== null) {
    state.operative = state.pendingOperative;
    state.pendingOperative = null;
    if (v16) await send('StatusNotification', statusPayload(0));
  }
  await setStatus(state.operative ? 'Available' : 'Unavailable');
  if (state.pendingReset) {
    state.pendingReset = false;
    reboot('soft');
  }
}

async function presentTag(tag) {
  if (!canStart()) {
    log(`* card ${tag} not used: the connector is busy or unavailable`);
    return;
  }
  log(`* card ${tag} presented`);
  const res = v16 ? await send('Authorize', { idTag: tag }) : await send('Authorize', { idToken: { idToken: tag, type: 'ISO14443' } });
  if (!res) return;
  const status = v16 ? res.idTagInfo.status : res.idTokenInfo.status;
  if (status !== 'Accepted') {
    log(`* card ${tag} refused: ${status}`);
    return;
  }
  await startTransaction(tag, 'local');
}

// ---- reset -------------------------------------------------------------------------------

async function reboot(kind) {
  if (restarting) return;
  restarting = true;
  log(`* ${kind} reset: restarting`);
  if (state.tx) await stopTransaction(kind === 'hard' ? 'hardReset' : 'softReset');
  for (const name of Object.keys(timers)) stopTimer(name);
  await client.close({ code: 1000, reason: 'reset' }).catch(() => undefined);
  await delay(1500);
  state.booted = false;
  state.pendingBootReason = 'RemoteReset';
  // the car is gone; a scheduled availability change takes effect with the restart
  if (state.pendingOperative !== null) state.operative = state.pendingOperative;
  state.pendingOperative = null;
  state.pendingReset = false;
  state.status = state.operative ? 'Available' : 'Unavailable';
  state.currentA = 0;
  restarting = false;
  if (!stopping) await connect();
}

// ---- what the central system asks ---------------------------------------------------------

/** Runs `fn` just after the answer has gone out, as a station does. */
function afterReply(fn) {
  setTimeout(
    () =>
      Promise.resolve()
        .then(fn)
        .catch((err) => log(`! ${err.message}`)),
    100,
  );
}

function changeAvailability(operative) {
  if (state.tx && !operative) {
    state.pendingOperative = operative;
    return 'Scheduled';
  }
  state.pendingOperative = null;
  if (state.operative !== operative) {
    state.operative = operative;
    afterReply(async () => {
      if (v16) await send('StatusNotification', statusPayload(0));
      if (!state.tx) await setStatus(operative ? 'Available' : 'Unavailable');
    });
  }
  return 'Accepted';
}

function trigger(requested) {
  const messages = {
    BootNotification: () => boot('Triggered'),
    Heartbeat: () => send('Heartbeat', {}),
    StatusNotification: () => reportAllStatus(),
    MeterValues: () => sendMeterValues('Trigger'),
    FirmwareStatusNotification: () => send('FirmwareStatusNotification', { status: 'Idle' }),
    ...(v16
      ? { DiagnosticsStatusNotification: () => send('DiagnosticsStatusNotification', { status: 'Idle' }) }
      : {
          LogStatusNotification: () => send('LogStatusNotification', { status: 'Idle' }),
          TransactionEvent: () => sendMeterValues('Trigger'),
        }),
  };
  const message = messages[requested];
  if (!message) return 'NotImplemented';
  if (requested === 'TransactionEvent' && !state.tx) return 'Rejected';
  afterReply(message);
  return 'Accepted';
}

const HANDLERS_16 = {
  RemoteStartTransaction({ connectorId, idTag, chargingProfile }) {
    if ((connectorId !== undefined && connectorId !== 1) || !canStart()) return { status: 'Rejected' };
    if (chargingProfile) storeProfile(1, chargingProfile);
    afterReply(() => startTransaction(idTag, 'remote'));
    return { status: 'Accepted' };
  },
  RemoteStopTransaction({ transactionId }) {
    if (!state.tx || state.tx.id !== transactionId) return { status: 'Rejected' };
    afterReply(() => stopTransaction('remote'));
    return { status: 'Accepted' };
  },
  SetChargingProfile({ connectorId, csChargingProfiles }) {
    const profile = { ...csChargingProfiles, id: csChargingProfiles.chargingProfileId };
    if (connectorId > 1 || (profile.chargingProfilePurpose === 'TxProfile' && !state.tx)) return { status: 'Rejected' };
    storeProfile(connectorId, profile);
    afterReply(() => applyLimits('limit'));
    return { status: 'Accepted' };
  },
  ClearChargingProfile({ id, connectorId, chargingProfilePurpose, stackLevel }) {
    const removed = clearProfiles(
      (p) =>
        (id === undefined || p.id === id) &&
        (connectorId === undefined || p.connector === connectorId) &&
        (chargingProfilePurpose === undefined || p.purpose === chargingProfilePurpose) &&
        (stackLevel === undefined || p.stackLevel === stackLevel),
    );
    if (removed) afterReply(() => applyLimits('limit'));
    return { status: removed ? 'Accepted' : 'Unknown' };
  },
  ChangeAvailability({ connectorId, type }) {
    if (connectorId > 1) return { status: 'Rejected' };
    return { status: changeAvailability(type === 'Operative') };
  },
  Reset({ type }) {
    afterReply(() => reboot(type === 'Hard' ? 'hard' : 'soft'));
    return { status: 'Accepted' };
  },
  UnlockConnector({ connectorId }) {
    if (connectorId !== 1) return { status: 'NotSupported' };
    if (state.tx) afterReply(() => stopTransaction('unlock'));
    return { status: 'Unlocked' };
  },
  TriggerMessage({ requestedMessage }) {
    return { status: trigger(requestedMessage) };
  },
  DataTransfer() {
    return { status: 'UnknownVendorId' };
  },
};

const HANDLERS_201 = {
  RequestStartTransaction({ evseId, idToken, remoteStartId, chargingProfile }) {
    if ((evseId !== undefined && evseId !== 1) || !canStart()) return { status: 'Rejected' };
    if (chargingProfile) storeProfile(1, chargingProfile);
    afterReply(() => startTransaction(idToken.idToken, 'remote', remoteStartId));
    return { status: 'Accepted' };
  },
  RequestStopTransaction({ transactionId }) {
    if (!state.tx || state.tx.id !== transactionId) return { status: 'Rejected' };
    afterReply(() => stopTransaction('remote'));
    return { status: 'Accepted' };
  },
  SetChargingProfile({ evseId, chargingProfile }) {
    if (evseId > 1 || (chargingProfile.chargingProfilePurpose === 'TxProfile' && !state.tx)) return { status: 'Rejected' };
    storeProfile(evseId, chargingProfile);
    afterReply(() => applyLimits('limit'));
    return { status: 'Accepted' };
  },
  ClearChargingProfile({ chargingProfileId, chargingProfileCriteria }) {
    const c = chargingProfileCriteria || {};
    const removed = clearProfiles(
      (p) =>
        (chargingProfileId === undefined || p.id === chargingProfileId) &&
        (c.evseId === undefined || p.connector === c.evseId) &&
        (c.chargingProfilePurpose === undefined || p.purpose === c.chargingProfilePurpose) &&
        (c.stackLevel === undefined || p.stackLevel === c.stackLevel),
    );
    if (removed) afterReply(() => applyLimits('limit'));
    return { status: removed ? 'Accepted' : 'Unknown' };
  },
  ChangeAvailability({ operationalStatus, evse }) {
    if (evse && evse.id > 1) return { status: 'Rejected' };
    return { status: changeAvailability(operationalStatus === 'Operative') };
  },
  Reset({ type }) {
    if (type === 'OnIdle' && state.tx) {
      state.pendingReset = true;
      return { status: 'Scheduled' };
    }
    afterReply(() => reboot(type === 'Immediate' ? 'hard' : 'soft'));
    return { status: 'Accepted' };
  },
  UnlockConnector({ evseId, connectorId }) {
    if (evseId !== 1 || connectorId !== 1) return { status: 'UnknownConnector' };
    return { status: state.tx ? 'OngoingAuthorizedTransaction' : 'Unlocked' };
  },
  TriggerMessage({ requestedMessage }) {
    return { status: trigger(requestedMessage) };
  },
  DataTransfer() {
    return { status: 'UnknownVendorId' };
  },
};

for (const [action, handler] of Object.entries(v16 ? HANDLERS_16 : HANDLERS_201)) {
  client.handle(action, ({ params }) => handler(params));
}

// ---- start and stop ----------------------------------------------------------------------

async function shutdown() {
  if (shuttingDown) process.exit(130); // a second Ctrl-C: do not wait
  shuttingDown = true;
  log('* stopping');
  if (state.tx && client.state === 1) {
    await Promise.race([stopTransaction('local'), delay(3000)]);
  }
  stopping = true;
  for (const name of Object.keys(timers)) stopTimer(name);
  await Promise.race([client.close({ code: 1000, reason: 'simulator stopped' }).catch(() => undefined), delay(2000)]);
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

log(`simulated OCPP ${v16 ? '1.6J' : opts.version.slice(4)} station, connecting to ${opts.url}/${opts.id}`);
connect();
