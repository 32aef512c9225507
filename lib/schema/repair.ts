/**
 * Lenient validation: the known deviations of real wallboxes, repaired in place by walking
 * the official schema alongside the payload. Only called for a payload that failed its
 * schema, so valid traffic never pays for it. See README "Connecting real wallboxes".
 */
import { isDateTime } from './date-time';
import { profileOf, OcppVersion } from '../versions';

/** The kinds of repair, as counted in a station's registry record (`repairs`). */
export type RepairKind = 'dateTime' | 'decimalString' | 'decimalComma' | 'unknownProperty' | 'enumCase';

export const REPAIR_KINDS: readonly RepairKind[] = ['dateTime', 'decimalString', 'decimalComma', 'unknownProperty', 'enumCase'];

/** The walk never goes deeper than this; the official schemas are far shallower. */
const MAX_DEPTH = 64;

/** A date-time without zone offset, with `T` or a space: read as UTC. */
const ZONELESS = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;
/** A decimal number written with a comma: `7,2`. */
const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+\s*$/;

interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode | SchemaNode[];
  definitions?: Record<string, SchemaNode>;
}

interface Visit {
  schema: SchemaNode;
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  /** The property that leads here; array items carry the array's name. */
  name: string;
  /** The name of the object holding this value. */
  parentName: string;
  depth: number;
}

const hasOwn = Object.prototype.hasOwnProperty;

function resolve(root: SchemaNode, schema: SchemaNode): SchemaNode {
  // The official files only refer to their own definitions; bounded in case one ever loops.
  for (let i = 0; i < 8 && schema && typeof schema.$ref === 'string'; i++) {
    const m = /^#\/definitions\/(.+)$/.exec(schema.$ref);
    const target = m && root.definitions ? root.definitions[m[1]] : undefined;
    if (!target) return {};
    schema = target;
  }
  return schema || {};
}

function allowsString(schema: SchemaNode): boolean {
  return schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'));
}

/**
 * Repairs `payload` (a request of `action` in `version`) in place where it deviates in one
 * of the known ways, and returns the kinds of repair made (empty: nothing to repair).
 * Iterative and depth-bounded: it follows the schema, never the payload alone.
 */
export function repairPayload(version: OcppVersion, root: object, payload: Record<string, unknown>): RepairKind[] {
  const decimalStrings = profileOf(version).decimalStrings;
  const made = new Set<RepairKind>();
  const stack: Visit[] = [];
  const holder = { payload };
  stack.push({ schema: root as SchemaNode, holder, key: 'payload', name: '', parentName: '', depth: 0 });
  while (stack.length) {
    const visit = stack.pop()!;
    const schema = resolve(root as SchemaNode, visit.schema);
    const container = visit.holder as Record<string | number, unknown>;
    const value = container[visit.key];
    if (typeof value === 'string') {
      if (schema.format === 'date-time' && !isDateTime(value)) {
        const m = ZONELESS.exec(value);
        if (m) {
          container[visit.key] = `${m[1]}T${m[2]}Z`;
          made.add('dateTime');
        }
      }
      if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
        const lower = value.toLowerCase();
        const match = schema.enum.find((e) => typeof e === 'string' && e.toLowerCase() === lower);
        if (match !== undefined) {
          container[visit.key] = match;
          made.add('enumCase');
        }
      }
      if (DECIMAL_COMMA.test(value) && isDecimalString(decimalStrings, visit)) {
        container[visit.key] = value.trim().replace(',', '.');
        made.add('decimalComma');
      }
      continue;
    }
    if (typeof value === 'number') {
      if (Number.isFinite(value) && allowsString(schema) && isDecimalString(decimalStrings, visit)) {
        container[visit.key] = String(value);
        made.add('decimalString');
      }
      continue;
    }
    if (typeof value !== 'object' || value === null || visit.depth >= MAX_DEPTH) continue;
    if (Array.isArray(value)) {
      const items = schema.items;
      if (!items || Array.isArray(items)) continue;
      for (let i = 0; i < value.length; i++) {
        stack.push({ schema: items, holder: value, key: i, name: visit.name, parentName: visit.parentName, depth: visit.depth + 1 });
      }
      continue;
    }
    const object = value as Record<string, unknown>;
    const properties = schema.properties || {};
    for (const key of Object.keys(object)) {
      if (hasOwn.call(properties, key)) {
        stack.push({ schema: properties[key], holder: object, key, name: key, parentName: visit.name, depth: visit.depth + 1 });
      } else if (schema.additionalProperties === false) {
        delete object[key];
        made.add('unknownProperty');
      }
    }
  }
  return made.size ? [...made] : [];
}

function isDecimalString(spots: readonly { array: string; property: string }[], visit: Visit): boolean {
  for (const spot of spots) if (spot.property === visit.name && spot.array === visit.parentName) return true;
  return false;
}
