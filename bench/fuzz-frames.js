'use strict';
// The hostile frames of the fuzzer and what the interface must answer to each (README,
// Protocol rules). Every frame is a pure function of (seed, connection, index), so any one
// of them can be generated again on its own to replay a failure.

/** The CALLERROR codes the Protocol rules prescribe, per version. */
const CODES = {
  'ocpp1.6': {
    formation: 'FormationViolation',
    format: 'FormationViolation',
    messageType: 'FormationViolation',
    schema: ['FormationViolation', 'PropertyConstraintViolation', 'OccurenceConstraintViolation', 'TypeConstraintViolation'],
  },
  'ocpp2.0.1': {
    formation: 'RpcFrameworkError',
    format: 'FormatViolation',
    messageType: 'MessageTypeNotSupported',
    schema: ['FormatViolation', 'PropertyConstraintViolation', 'OccurrenceConstraintViolation', 'TypeConstraintViolation'],
  },
};
CODES['ocpp2.1'] = CODES['ocpp2.0.1'];

/** Deeper than the interface's limit of 64 levels by a wide margin, so no off-by-one decides. */
const DEEP_LEVELS = [100, 1000, 2000, 10000];
/** Well under the limit, wrappers included: such payloads are valid and must be answered normally. */
const SHALLOW_MAX = 40;
const HUGE_NUMBERS = [
  '1e308',
  '-1e308',
  '1e999',
  '-1e999',
  '123456789012345678901234567890',
  '1e-400',
  '9007199254740993',
  '-0',
  '0.30000000000000004',
];
const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
const WRONG_VALUES = [
  '1',
  '-1',
  '1e308',
  '""',
  'null',
  'true',
  '[]',
  '{}',
  '[{}]',
  '{"__proto__":{"x":1}}',
  '"' + 'x'.repeat(600) + '"',
  '"\\ud800"',
];
const MAX_FRAME_BYTES = 1024 * 1024;
// A text the receiving side may take for an answer ([3, or [4,): broken ones are not answered.
const LOOKS_LIKE_ANSWER = /^\s*\[\s*[34]\s*,/;

/** xmur3-style string hash to 32 bits. */
function hash(text) {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

function nest(levels, kind) {
  return kind === 'array' ? '['.repeat(levels) + ']'.repeat(levels) : '{"a":'.repeat(levels) + '{}' + '}'.repeat(levels);
}

const NOW = '2026-12-01T12:00:00.000Z';

/** Valid payloads per version: the bases that mutations start from. */
function validPayloads(version) {
  if (version === 'ocpp1.6') {
    return {
      Heartbeat: {},
      BootNotification: { chargePointVendor: 'Fuzz', chargePointModel: 'F1' },
      StatusNotification: { connectorId: 1, errorCode: 'NoError', status: 'Available' },
      Authorize: { idTag: 'FUZZ1' },
      MeterValues: {
        connectorId: 1,
        meterValue: [{ timestamp: NOW, sampledValue: [{ value: '1200', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
      },
      DataTransfer: { vendorId: 'fuzz', messageId: 'x', data: 'hello' },
      StartTransaction: { connectorId: 1, idTag: 'FUZZ1', meterStart: 0, timestamp: NOW },
    };
  }
  return {
    Heartbeat: {},
    BootNotification: { reason: 'PowerUp', chargingStation: { model: 'F1', vendorName: 'Fuzz' } },
    StatusNotification: { timestamp: NOW, connectorStatus: 'Available', evseId: 1, connectorId: 1 },
    Authorize: { idToken: { idToken: 'FUZZ1', type: 'ISO14443' } },
    MeterValues: {
      evseId: 1,
      meterValue: [{ timestamp: NOW, sampledValue: [{ value: 1200, measurand: 'Energy.Active.Import.Register' }] }],
    },
    DataTransfer: { vendorId: 'fuzz', data: { a: [1, 'b', null] } },
    TransactionEvent: {
      eventType: 'Updated',
      timestamp: NOW,
      triggerReason: 'MeterValuePeriodic',
      seqNo: 1,
      transactionInfo: { transactionId: 'FZ-T1' },
    },
  };
}

/** Actions only the central system sends, per version: a station that sends one gets NotSupported. */
const CENTRAL_ONLY = {
  'ocpp1.6': ['RemoteStartTransaction', 'Reset', 'GetConfiguration'],
  'ocpp2.0.1': ['RequestStartTransaction', 'Reset', 'GetVariables'],
  'ocpp2.1': ['RequestStartTransaction', 'Reset', 'GetVariables'],
};

function randomText(r, length) {
  let s = '';
  for (let i = 0; i < length; i++) {
    const roll = r.next();
    let cp = roll < 0.6 ? 32 + r.int(95) : roll < 0.8 ? r.int(32) : roll < 0.95 ? 0x80 + r.int(0x700) : 0x1f300 + r.int(0x300);
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41;
    s += String.fromCodePoint(cp);
  }
  return s;
}

function randomBytes(r, length) {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = r.int(256);
  return b;
}

function frameText(type, id, action, payload) {
  return `[${type},${JSON.stringify(id)},${JSON.stringify(action)},${payload}]`;
}

/** Every frame kind with its weight (out of ~100). */
const KINDS = [
  ['notJson', 6],
  ['binary', 4],
  ['invalidUtf8', 2],
  ['notArray', 4],
  ['wrongType', 5],
  ['badId', 7],
  ['badAction', 4],
  ['badPayload', 4],
  ['wrongLength', 4],
  ['unknownType', 5],
  ['unknownAction', 7],
  ['centralAction', 2],
  ['deep', 8],
  ['shallow', 4],
  ['hugeNumber', 5],
  ['protoKeys', 5],
  ['duplicateId', 3],
  ['unknownAnswer', 5],
  ['brokenAnswer', 3],
  ['schemaViolation', 10],
  ['valid', 5],
  ['oddValidId', 2],
  ['fragmented', 2],
  ['oversize', 0.3],
];
const TOTAL_WEIGHT = KINDS.reduce((s, [, w]) => s + w, 0);

function pickKind(r) {
  let x = r.next() * TOTAL_WEIGHT;
  for (const [kind, w] of KINDS) {
    if ((x -= w) < 0) return kind;
  }
  return KINDS[0][0];
}

let overLong = null;
function oversizeFrame(id) {
  if (!overLong) overLong = 'x'.repeat(MAX_FRAME_BYTES + 64);
  return frameText(2, id, 'DataTransfer', `{"vendorId":"fuzz","data":"${overLong}"}`);
}

function mutate(r, value, depth = 0) {
  const keys = Object.keys(value);
  const roll = r.int(5);
  const out = Array.isArray(value) ? value.slice() : { ...value };
  if (roll === 0 && keys.length) {
    delete out[r.pick(keys)];
    return out;
  }
  if (roll === 1 || !keys.length) {
    out[r.pick(['fuzz', 'Extra', 'x-y'])] = r.pick([1, 'a', null, {}]);
    return out;
  }
  const key = r.pick(keys);
  if (roll === 2 && depth < 3 && value[key] && typeof value[key] === 'object') {
    out[key] = mutate(r, value[key], depth + 1);
    return out;
  }
  if (roll === 3 && typeof value[key] === 'string') {
    out[key] = r.pick(['Bogus', '', 'y'.repeat(1000), value[key].toLowerCase(), '2026-13-45T99:99:99Z']);
    return out;
  }
  out[key] = JSON.parse(r.pick(WRONG_VALUES));
  return out;
}

//

/**
 * The entry number `index` of connection `conn`: { kind, id, frames: [{ data, binary?, fragments? }],
 * expect }. A pure function of its arguments. `expect.kind`, checked against what came back:
 * - `error`: one CALLERROR with `id` and a code from `codes`
 * - `result`: one CALLRESULT with `id`
 * - `answer`: one answer with `id`: a CALLRESULT, or a CALLERROR with a code from `codes`
 * - `none`: no answer
 * - `noneOrError`: no answer, or a CALLERROR with a code from `codes` and id `id`
 * - `closeOrError`: the connection closed with `close`, or a CALLERROR as for `error`
 * - `close`: the connection closed with `close`
 * - `any`: anything but a crash
 * `count` (default 1) is how many answers `error`/`result`/`answer` expect. Where the answer
 * may be nothing, the runner sends a valid Heartbeat after the frame, which must be answered.
 */
function generate(seed, conn, index, version) {
  const r = prng(hash(`${seed}:${conn}:${index}`));
  const codes = CODES[version];
  const id = `f${index.toString(36)}-${r.int(1e9).toString(36)}`;
  const kind = pickKind(r);
  const payloads = validPayloads(version);
  const heartbeat = frameText(2, id, 'Heartbeat', '{}');
  const text = (data) => ({ data });
  const entry = (frames, expect) => ({ kind, id, frames, expect });
  const formation = (frame, frameId) => {
    if (LOOKS_LIKE_ANSWER.test(frame)) return entry([text(frame)], { kind: 'noneOrError', codes: [codes.formation], id: frameId });
    return entry([text(frame)], { kind: 'error', codes: [codes.formation], id: frameId });
  };

  switch (kind) {
    case 'notJson': {
      let t = r.pick([
        () => randomText(r, 1 + r.int(200)),
        () => '\uFEFF' + heartbeat,
        () => heartbeat.slice(0, 1 + r.int(heartbeat.length - 2)),
        () => heartbeat + ']',
        () => "[2,'" + id + "','Heartbeat',{}]",
        () => '[2,"' + id + '","Heartbeat",{},]',
        () => '[2,"' + id + '","Heartbeat",{"a":NaN}]',
        () => '',
      ])();
      try {
        JSON.parse(t);
        t = '#' + t;
      } catch {
        /* not JSON, as wanted */
      }
      return formation(t, '-1');
    }
    case 'binary': {
      const data = r.chance(0.5) ? randomBytes(r, 1 + r.int(300)) : Buffer.from(heartbeat);
      return entry([{ data, binary: true }], { kind: 'any' });
    }
    case 'invalidUtf8': {
      const bad = Buffer.from(r.pick(['ff', 'c328', 'a0a1', 'e28228', 'f0288cbc', 'eda080', 'f8a1a1a1a1']), 'hex');
      const data = Buffer.concat([Buffer.from(`[2,"${id}","DataTransfer",{"vendorId":"`), bad, Buffer.from('"}]')]);
      return entry([{ data, binary: false }], { kind: 'closeOrError', close: [1007], codes: [codes.formation], id: '-1' });
    }
    case 'notArray': {
      const t = r.pick([
        '{}',
        '{"0":2,"1":"' + id + '"}',
        '2',
        '"[2]"',
        'null',
        'true',
        '1e999',
        '-0',
        HUGE_NUMBERS[r.int(HUGE_NUMBERS.length)],
        '"' + 'z'.repeat(r.int(5000)) + '"',
      ]);
      return formation(t, '-1');
    }
    case 'wrongType': {
      const type = r.pick(['"2"', 'null', '{}', '[2]', 'true', '"CALL"', '[]']);
      return formation(`[${type},"${id}","Heartbeat",{}]`, id);
    }
    case 'badId': {
      const bad = r.pick([
        '1',
        'null',
        '{}',
        '[]',
        '""',
        'true',
        '1e308',
        '-1',
        JSON.stringify('x'.repeat(37)),
        JSON.stringify('y'.repeat(10000)),
        '{"__proto__":"x"}',
        '["' + id + '"]',
      ]);
      return formation(`[2,${bad},"Heartbeat",{}]`, '-1');
    }
    case 'badAction': {
      const bad = r.pick(['1', 'null', '{}', '[]', '""', 'true', '["Heartbeat"]', '{"toString":"Heartbeat"}', nest(3000, 'array')]);
      // A deep action may be refused by the depth limit (format) or as a frame (formation) first.
      const expect = bad.length > 1000 ? [codes.formation, codes.format] : [codes.formation];
      return entry([text(`[2,"${id}",${bad},{}]`)], { kind: 'error', codes: expect, id });
    }
    case 'badPayload': {
      const bad = r.pick(['null', '[]', '"x"', '1', 'true', '[{}]', '1e999']);
      return formation(`[2,"${id}","Heartbeat",${bad}]`, id);
    }
    case 'wrongLength': {
      const t = r.pick([`[2,"${id}","Heartbeat"]`, `[2,"${id}","Heartbeat",{},{}]`, `[2,"${id}"]`, `[2,"${id}","Heartbeat",{},null,1]`]);
      return formation(t, id);
    }
    case 'unknownType': {
      const types =
        version === 'ocpp2.1'
          ? ['0', '1', '7', '99', '-2', '2.5', '1e308', '1e999', '-1e999']
          : ['0', '1', '5', '6', '7', '99', '-2', '2.5', '1e308', '1e999', '-1e999'];
      if (version === 'ocpp2.1' && r.chance(0.2)) {
        // CALLRESULTERROR and SEND are OCPP 2.1 message types: no crash is all that is fixed here.
        return entry([text(`[${r.pick(['5', '6'])},"${id}","Heartbeat",{}]`)], { kind: 'any' });
      }
      return entry([text(`[${r.pick(types)},"${id}","Heartbeat",{}]`)], { kind: 'error', codes: [codes.messageType], id });
    }
    case 'unknownAction': {
      const action = r.pick([
        ...PROTO_NAMES,
        'heartbeat',
        'Heartbeat ',
        'FooBar',
        'Heart\u0000beat',
        randomText(r, 1 + r.int(40)),
        'X'.repeat(5000),
      ]);
      if (Object.keys(payloads).includes(action)) return entry([text(heartbeat)], { kind: 'result', id });
      return entry([text(frameText(2, id, action, '{}'))], { kind: 'error', codes: ['NotImplemented'], id });
    }
    case 'centralAction':
      return entry([text(frameText(2, id, r.pick(CENTRAL_ONLY[version]), '{}'))], { kind: 'error', codes: ['NotSupported'], id });
    case 'deep': {
      const levels = r.pick(DEEP_LEVELS);
      const inner = nest(levels, r.chance(0.8) ? 'object' : 'array');
      const where = r.int(4);
      let t;
      if (version === 'ocpp1.6') {
        t =
          where < 2
            ? frameText(2, id, 'DataTransfer', `{"vendorId":"x","data":${inner}}`)
            : frameText(2, id, 'Heartbeat', `{"deep":${inner}}`);
      } else {
        t =
          where < 2
            ? frameText(2, id, 'Heartbeat', `{"customData":{"vendorId":"x","deep":${inner}}}`)
            : frameText(2, id, 'DataTransfer', `{"vendorId":"x","data":${inner}}`);
      }
      if (where === 3 && r.chance(0.3)) {
        // The id cannot be read: then the answer names "-1".
        return entry([text(t.replace(`"${id}"`, '17'))], { kind: 'error', codes: [codes.format, codes.formation], id: '-1' });
      }
      return entry([text(t)], { kind: 'error', codes: [codes.format], id });
    }
    case 'shallow': {
      const inner = nest(1 + r.int(SHALLOW_MAX - 4), r.chance(0.8) ? 'object' : 'array');
      if (version === 'ocpp1.6')
        return entry([text(frameText(2, id, 'DataTransfer', `{"vendorId":"x","data":${JSON.stringify(inner)}}`))], { kind: 'result', id });
      return entry([text(frameText(2, id, 'Heartbeat', `{"customData":{"vendorId":"x","deep":${inner}}}`))], { kind: 'result', id });
    }
    case 'hugeNumber': {
      const n = r.pick(HUGE_NUMBERS);
      const t = r.pick(
        version === 'ocpp1.6'
          ? [
              `{"connectorId":${n},"errorCode":"NoError","status":"Available"}`,
              `{"connectorId":1,"meterValue":[{"timestamp":"${NOW}","sampledValue":[{"value":"${n}"}]}]}`,
              `{"connectorId":${n},"meterValue":[{"timestamp":"${NOW}","sampledValue":[{"value":${n}}]}]}`,
              `{"vendorId":"x","data":${n}}`,
            ]
          : [
              `{"timestamp":"${NOW}","connectorStatus":"Available","evseId":${n},"connectorId":${n}}`,
              `{"evseId":1,"meterValue":[{"timestamp":"${NOW}","sampledValue":[{"value":${n}}]}]}`,
              `{"customData":{"vendorId":"x","n":${n}}}`,
              `{"vendorId":"x","data":${n}}`,
            ],
      );
      const action =
        t.includes('errorCode') || t.includes('connectorStatus')
          ? 'StatusNotification'
          : t.includes('meterValue')
            ? 'MeterValues'
            : t.includes('customData')
              ? 'Heartbeat'
              : 'DataTransfer';
      return entry([text(frameText(2, id, action, t))], { kind: 'answer', codes: codes.schema, id });
    }
    case 'protoKeys': {
      const key = r.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']);
      const value = r.pick([`{"polluted":true}`, `{"prototype":{"polluted":true}}`, '"x"', '1', 'null']);
      const actions = Object.keys(payloads);
      const action = r.pick(actions);
      const base = JSON.stringify(payloads[action]);
      const into = r.int(3);
      let p;
      if (into === 0) p = `{"${key}":${value}}`;
      else if (into === 1 && base !== '{}') p = base.slice(0, -1) + `,"${key}":${value}}`;
      else p = version === 'ocpp1.6' ? `{"${key}":${value},"vendorId":"x"}` : `{"customData":{"vendorId":"x","${key}":${value}}}`;
      const a = into === 2 ? (version === 'ocpp1.6' ? 'DataTransfer' : 'Heartbeat') : action;
      return entry([text(frameText(2, id, a, p))], { kind: 'answer', codes: codes.schema, id });
    }
    case 'duplicateId':
      // The second may be answered, or refused while the first is still being answered.
      return entry([text(heartbeat), text(heartbeat)], { kind: 'answer', codes: ['GenericError'], id, count: 2 });
    case 'unknownAnswer': {
      const t = r.pick([
        `[3,"${id}",{}]`,
        `[3,"${id}",{"currentTime":"${NOW}"}]`,
        '[3,"-1",{}]',
        `[4,"${id}","GenericError","",{}]`,
        `[4,"${id}","NotACode","${'d'.repeat(300)}",{}]`,
        `[4,"${id}","InternalError","x"]`,
        `[3,"${id}",{"__proto__":{"polluted":true}}]`,
        `[3,"${id}",${nest(r.pick(DEEP_LEVELS), 'object')}]`,
        `[4,"${id}","GenericError","",{"deep":${nest(r.pick(DEEP_LEVELS), 'object')}}]`,
      ]);
      // A deep one may be refused as malformed; a plain one is ignored.
      if (t.length > 1000) return entry([text(t)], { kind: 'noneOrError', codes: [codes.format, codes.formation], id });
      return entry([text(t)], { kind: 'none' });
    }
    case 'brokenAnswer': {
      const t = r.pick([
        `[3,"${id}"]`,
        `[3,"${id}",null]`,
        '[3,7,{}]',
        `[4,"${id}",5,"",{}]`,
        '[4]',
        `[3,"${id}",[]]`,
        `[4,"${id}","GenericError",{},{}]`,
        `[3,"${id}",{},{}]`,
      ]);
      return entry([text(t)], { kind: 'noneOrError', codes: [codes.formation], id: /^\[[34],7/.test(t) || t === '[4]' ? '-1' : id });
    }
    case 'schemaViolation': {
      const action = r.pick(Object.keys(payloads));
      const p = mutate(r, payloads[action]);
      return entry([text(frameText(2, id, action, JSON.stringify(p)))], { kind: 'answer', codes: codes.schema, id });
    }
    case 'valid': {
      const action = r.pick(Object.keys(payloads).filter((a) => a !== 'StartTransaction'));
      return entry([text(frameText(2, id, action, JSON.stringify(payloads[action])))], { kind: 'result', id });
    }
    case 'oddValidId': {
      const odd = r.pick(['\u0000', '\uD83D\uDD0C'.repeat(18), '__proto__', 'constructor', '-1', ' ', 'x'.repeat(36), '"', '\\']);
      return entry([text(frameText(2, odd, 'Heartbeat', '{}'))], { kind: 'result', id: odd });
    }
    case 'fragmented': {
      const cut1 = 1 + r.int(heartbeat.length - 2);
      const cut2 = cut1 + r.int(heartbeat.length - cut1);
      return entry([{ data: heartbeat, fragments: [heartbeat.slice(0, cut1), heartbeat.slice(cut1, cut2), heartbeat.slice(cut2)] }], {
        kind: 'result',
        id,
      });
    }
    case 'oversize':
      return entry([text(oversizeFrame(id))], { kind: 'close', close: [1009] });
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

/** How many answers an expectation waits for before the entry is done; null: wait for the sentinel. */
function answersExpected(expect) {
  if (expect.kind === 'error' || expect.kind === 'result' || expect.kind === 'answer') return expect.count || 1;
  return null;
}

/**
 * Checks what came back for one entry. `got` = { answers: [{ type, id, code }], closed: code|null,
 * timedOut }. Returns null when it is as expected, else what differs.
 */
function check(expect, got) {
  const show = (a) =>
    a.type === 4
      ? `CALLERROR ${a.code} id ${JSON.stringify(a.id)}`
      : a.type === 3
        ? `CALLRESULT id ${JSON.stringify(a.id)}`
        : `type ${a.type}`;
  const answers = got.answers;
  const isError = (a) => a.type === 4 && expect.codes.includes(a.code) && a.id === expect.id;
  const described = answers.map(show).join(', ') || (got.closed !== null ? `close ${got.closed}` : 'no answer');
  if (expect.kind === 'any') return null;
  const unexpectedClose = got.closed !== null && !(expect.kind === 'close' || expect.kind === 'closeOrError');
  if (unexpectedClose) return `connection closed (${got.closed}) after ${answers.length ? described : 'no answer'}`;
  switch (expect.kind) {
    case 'error':
    case 'result':
    case 'answer': {
      const n = expect.count || 1;
      if (answers.length !== n) return `${n} answer(s) expected, got ${described}`;
      for (const a of answers) {
        if (a.id !== expect.id) return `answer for id ${JSON.stringify(expect.id)} expected, got ${described}`;
        if (expect.kind === 'result' && a.type !== 3) return `CALLRESULT expected, got ${described}`;
        if (expect.kind === 'error' && !isError(a)) return `CALLERROR ${expect.codes.join('/')} expected, got ${described}`;
        if (expect.kind === 'answer' && a.type === 4 && !expect.codes.includes(a.code))
          return `CALLRESULT or CALLERROR ${expect.codes.join('/')} expected, got ${described}`;
        if (a.type !== 3 && a.type !== 4) return `an answer expected, got ${described}`;
      }
      return null;
    }
    case 'none':
      return answers.length ? `no answer expected, got ${described}` : null;
    case 'noneOrError':
      return answers.length === 0 || (answers.length === 1 && isError(answers[0]))
        ? null
        : `no answer or CALLERROR ${expect.codes.join('/')} id ${JSON.stringify(expect.id)} expected, got ${described}`;
    case 'close':
      return expect.close.includes(got.closed) ? null : `close ${expect.close.join('/')} expected, got ${described}`;
    case 'closeOrError':
      if (expect.close.includes(got.closed) && answers.length === 0) return null;
      return answers.length === 1 && isError(answers[0])
        ? null
        : `close ${expect.close.join('/')} or CALLERROR ${expect.codes.join('/')} expected, got ${described}`;
    case 'any':
      return null;
    default:
      return `unknown expectation ${expect.kind}`;
  }
}

module.exports = { CODES, KINDS, generate, check, answersExpected, prng, hash };
