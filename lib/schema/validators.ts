import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import DRAFT06 from 'ajv/dist/refs/json-schema-draft-06.json';
import { isDateTime } from './date-time';
import { isStationAction, OcppVersion, profileOf, SUPPORTED_VERSIONS } from '../versions';

/** Which half of an exchange a payload belongs to. */
export type PayloadKind = 'request' | 'response';

/** Why a payload failed its schema: the version's CALLERROR code and a readable complaint. */
export interface SchemaComplaint {
  code: string;
  description: string;
  details: { path: string; keyword: string; params: Record<string, unknown> };
}

import type { SchemaTable } from '../versions';

interface VersionSchemas {
  ajv: Ajv;
  table: SchemaTable;
  actions: Set<string>;
  requests: Map<string, ValidateFunction>;
  responses: Map<string, ValidateFunction>;
}

const byVersion = new Map<OcppVersion, VersionSchemas>();

function schemasOf(version: OcppVersion): VersionSchemas {
  let entry = byVersion.get(version);
  if (!entry) {
    // strict: false because the official 2.0.1 files carry the non-standard "javaType" keyword.
    // multipleOfPrecision: 1.6 limits are multipleOf 0.1, which exact float division refuses for e.g. 6.6.
    const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, addUsedSchema: false, multipleOfPrecision: 6 });
    ajv.addMetaSchema(DRAFT06);
    addFormats(ajv, ['uri']);
    ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
    const table = profileOf(version).schemas();
    // Index by the action named inside each schema ($id or title), not by the export
    // name: the package exports a few 1.6 security messages under shortened names.
    const byAction: SchemaTable = {};
    for (const key of Object.keys(table)) {
      const m = /^(.*?)(Request|Response)$/.exec(key);
      if (!m) continue;
      const schema = table[key] as { $id?: string; title?: string };
      const own = /([A-Za-z0-9]+?)(?:\.req|\.conf|Request|Response)?$/.exec(schema.$id || schema.title || '');
      const action = own && own[1] ? own[1] : m[1];
      byAction[action + m[2]] = schema;
    }
    // An action has a request; a SEND (2.1) has no response.
    const actions = new Set<string>();
    for (const key of Object.keys(byAction)) {
      const m = /^(.*)Request$/.exec(key);
      if (m) actions.add(m[1]);
    }
    entry = { ajv, table: byAction, actions, requests: new Map(), responses: new Map() };
    byVersion.set(version, entry);
  }
  return entry;
}

/** True when `action` exists in `version` (in either direction). */
export function hasAction(version: OcppVersion, action: string): boolean {
  return schemasOf(version).actions.has(action);
}

/** The official JSON schema of one payload, or undefined for an unknown action. */
export function schemaOf(version: OcppVersion, action: string, kind: PayloadKind): object | undefined {
  const s = schemasOf(version);
  if (!s.actions.has(action)) return undefined;
  return s.table[action + (kind === 'request' ? 'Request' : 'Response')];
}

/** Per version: the request validator of each action a station sends, filled on first use. */
const stationRequests = new Map<OcppVersion, Map<string, ValidateFunction>>();

/**
 * The compiled request validator of an action a charging station sends in `version`, or
 * undefined for any other name (unknown, or sent only by the central system).
 */
export function stationRequestValidator(version: OcppVersion, action: string): ValidateFunction | undefined {
  let table = stationRequests.get(version);
  if (!table) stationRequests.set(version, (table = new Map()));
  let fn = table.get(action);
  if (fn === undefined && isStationAction(version, action)) {
    fn = validatorOf(version, action, 'request');
    if (fn) table.set(action, fn);
  }
  return fn;
}

/**
 * The compiled validator for one payload. Each is compiled on first use and kept for the
 * life of the process: never per message, never per connection.
 */
export function validatorOf(version: OcppVersion, action: string, kind: PayloadKind): ValidateFunction | undefined {
  const s = schemasOf(version);
  const compiled = kind === 'request' ? s.requests : s.responses;
  let fn = compiled.get(action);
  if (!fn) {
    const schema = schemaOf(version, action, kind);
    if (!schema) return undefined;
    fn = s.ajv.compile(schema);
    compiled.set(action, fn);
  }
  return fn;
}

/** Compiles every validator of the given versions now, so the first message pays nothing. */
export function precompile(versions: readonly OcppVersion[] = SUPPORTED_VERSIONS): void {
  for (const version of versions) {
    for (const action of schemasOf(version).actions) {
      validatorOf(version, action, 'request');
      validatorOf(version, action, 'response');
    }
  }
}

const OCCURRENCE = new Set(['required', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'dependencies']);
const PROPERTY = new Set([
  'enum',
  'const',
  'maxLength',
  'minLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'pattern',
  'format',
  'uniqueItems',
]);

/** Maps an ajv error to the version's CALLERROR code, following the OCPP-J definitions of each code. */
export function complaintOf(version: OcppVersion, error: ErrorObject): SchemaComplaint {
  const codes = profileOf(version).errors;
  let code: string;
  if (error.keyword === 'type') code = codes.type;
  else if (OCCURRENCE.has(error.keyword)) code = codes.occurrence;
  else if (PROPERTY.has(error.keyword)) code = codes.property;
  else code = codes.format;
  const where = error.instancePath || '(payload)';
  let what = error.message || error.keyword;
  if (error.keyword === 'additionalProperties')
    what = `must not have property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  else if (error.keyword === 'enum')
    what = `must be one of ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`;
  return {
    code,
    description: `${where} ${what}`,
    details: { path: where, keyword: error.keyword, params: error.params as Record<string, unknown> },
  };
}

/**
 * Checks one payload. Returns null when it is valid, else the complaint; an action the
 * version does not define yields the version's NotImplemented code.
 */
export function checkPayload(version: OcppVersion, action: string, kind: PayloadKind, payload: unknown): SchemaComplaint | null {
  const validate = validatorOf(version, action, kind);
  if (!validate) {
    return {
      code: profileOf(version).errors.notImplemented,
      description: `${action} is not an action of ${version}`,
      details: { path: '', keyword: 'action', params: { action } },
    };
  }
  if (validate(payload)) return null;
  return complaintOf(version, validate.errors![0]);
}
