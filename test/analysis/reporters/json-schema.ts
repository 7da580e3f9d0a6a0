// A small JSON Schema (draft-04) validator covering the keywords the SARIF 2.1.0 schema uses:
// $ref (local), type, properties, required, additionalProperties, items, minItems, uniqueItems, enum,
// minimum, maximum, pattern, format (uri, uri-reference, date-time), oneOf, anyOf. Test-only.

type Schema = Record<string, unknown>;

export interface SchemaError {
  path: string;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function checkFormat(format: string, value: string): boolean {
  if (format === 'date-time') return !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value);
  if (format === 'uri') return /^[a-z][a-z0-9+.-]*:/i.test(value) && !/\s/.test(value);
  if (format === 'uri-reference') return !/\s/.test(value);
  return true;
}

export function validate(root: Schema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  function resolveRef(ref: string): Schema {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    return ref.slice(2).split('/').reduce<Schema>((node, key) => node[key] as Schema, root);
  }
  function check(schema: Schema, v: unknown, path: string, out: SchemaError[]): void {
    if (typeof schema.$ref === 'string') return check(resolveRef(schema.$ref), v, path, out);
    const fail = (message: string): void => {
      out.push({ path, message });
    };
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!types.some((t) => matchesType(v, t))) return fail(`expected ${types.join('|')}, got ${typeOf(v)}`);
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) fail(`not one of ${JSON.stringify(schema.enum)}`);
    if (typeof v === 'number') {
      if (typeof schema.minimum === 'number' && v < schema.minimum) fail(`below minimum ${schema.minimum}`);
      if (typeof schema.maximum === 'number' && v > schema.maximum) fail(`above maximum ${schema.maximum}`);
    }
    if (typeof v === 'string') {
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v)) fail(`does not match ${schema.pattern}`);
      if (typeof schema.format === 'string' && !checkFormat(schema.format, v)) fail(`not a valid ${schema.format}`);
    }
    if (Array.isArray(v)) {
      if (typeof schema.minItems === 'number' && v.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
      if (schema.uniqueItems === true && new Set(v.map((item) => JSON.stringify(item))).size !== v.length) fail('items are not unique');
      if (schema.items && typeof schema.items === 'object') v.forEach((item, i) => check(schema.items as Schema, item, `${path}/${i}`, out));
    }
    if (typeOf(v) === 'object') {
      const object = v as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in object)) fail(`missing required property "${key}"`);
      for (const [key, item] of Object.entries(object)) {
        if (properties[key]) check(properties[key]!, item, `${path}/${key}`, out);
        else if (schema.additionalProperties === false) fail(`unexpected property "${key}"`);
        else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') check(schema.additionalProperties as Schema, item, `${path}/${key}`, out);
      }
    }
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const options = schema[keyword] as Schema[] | undefined;
      if (!options) continue;
      const passing = options.filter((option) => {
        const sub: SchemaError[] = [];
        check(option, v, path, sub);
        return sub.length === 0;
      }).length;
      if (keyword === 'oneOf' ? passing !== 1 : passing === 0) fail(`${keyword}: ${passing} of ${options.length} alternatives match`);
    }
  }
  check(root, value, '', errors);
  return errors;
}
