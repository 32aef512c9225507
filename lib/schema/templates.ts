import { OcppVersion } from '../versions';
import { schemaOf } from './validators';

/** The parts of an official JSON schema a template is built from. */
interface Schema {
  $ref?: string;
  definitions?: Record<string, Schema>;
  enum?: unknown[];
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  minItems?: number;
  minimum?: number;
  format?: string;
}

/**
 * A minimal payload for an action, built from its official schema: the required
 * properties only, each with a placeholder of its type (first enum value, 0, "", now).
 * Shown in the editor as a starting point; not necessarily meaningful to a station.
 */
export function payloadTemplate(version: OcppVersion, action: string): Record<string, unknown> | undefined {
  const root = schemaOf(version, action, 'request') as Schema | undefined;
  if (!root) return undefined;
  return sample(root, root, 0) as Record<string, unknown>;
}

function resolve(schema: Schema, root: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 8 && s && typeof s.$ref === 'string'; i++) {
    const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
    s = m && root.definitions ? root.definitions[m[1]] : {};
  }
  return s || {};
}

function sample(schema: Schema, root: Schema, depth: number): unknown {
  const s = resolve(schema, root);
  if (depth > 10) return null;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required || []) out[key] = sample((s.properties || {})[key] || {}, root, depth + 1);
      return out;
    }
    case 'array': {
      const n = s.minItems || 0;
      return Array.from({ length: n }, () => sample(s.items || {}, root, depth + 1));
    }
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return false;
    case 'string':
      return s.format === 'date-time' ? new Date().toISOString() : '';
    default:
      return null;
  }
}
