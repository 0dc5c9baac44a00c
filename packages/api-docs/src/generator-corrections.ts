import { z } from 'zod';
import type { OpenApiDocument } from './openapi-document';

/** A JSON value of the document, walked by the corrections. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The flags zod-to-openapi leaves at the end of a pattern (it strips the slashes of `String(regex)`, so `/^a$/u`
 * becomes `^a$/u`). An escaped slash before them is part of the pattern.
 */
const trailingRegexFlags = /(?<!\\)\/([dgimsuvy]+)$/;

/**
 * Fixes two misreadings of the generator, in place:
 * - a regex with flags yields a pattern with `/flags` appended: the flags are cut off (JSON Schema patterns are
 *   Unicode-aware already; any other flag is kept in `x-regex-flags`, since a pattern cannot carry it);
 * - a parameter whose schema coerces (`z.coerce.number()` accepts null as 0) is typed nullable: a query, path or
 *   header value is a string, never null, so `null` leaves its type;
 * - a string parameter parsed into a number has the number as its default: the default is written as the string.
 */
export function correctGeneratedDocument(document: OpenApiDocument): OpenApiDocument {
  correctPatterns(document as unknown as Json);
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem)) {
      if (!operation || typeof operation !== 'object' || !('parameters' in operation)) continue;
      const parameters = (operation as { parameters?: Array<{ schema?: { type?: unknown; default?: unknown } }> }).parameters ?? [];
      for (const parameter of parameters) {
        const schema = parameter.schema;
        if (!schema) continue;
        if (Array.isArray(schema.type) && schema.type.includes('null')) {
          const rest = schema.type.filter((t) => t !== 'null');
          schema.type = rest.length === 1 ? rest[0] : rest;
        }
        // `z.string().transform(Number).pipe(...).default(20)`: the default is the parsed value, the parameter a string.
        if (schema.type === 'string' && (typeof schema.default === 'number' || typeof schema.default === 'boolean')) schema.default = String(schema.default);
      }
    }
  }
  return document;
}

function correctPatterns(value: Json): void {
  if (Array.isArray(value)) {
    value.forEach(correctPatterns);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const pattern = value.pattern;
  if (typeof pattern === 'string') {
    const flags = trailingRegexFlags.exec(pattern)?.[1];
    if (flags) {
      value.pattern = pattern.slice(0, -(flags.length + 1));
      const meaningful = flags.replace(/[dguy]/g, '');
      if (meaningful) value['x-regex-flags'] = meaningful;
    }
  }
  for (const [key, child] of Object.entries(value)) {
    // A property named `pattern` inside `properties` is a schema, not a pattern: recurse into it as any other.
    if (key !== 'pattern' || typeof child !== 'string') correctPatterns(child);
  }
}

/** What the generator writes for `z.json()`: any JSON value. */
const anyJsonValue = { description: 'Any JSON value', type: ['string', 'number', 'boolean', 'null', 'array', 'object'] };

/** The JSON types of the union `z.json()` is made of. */
const jsonUnionTypes = ['array', 'boolean', 'null', 'number', 'record', 'string'].join();

/** A zod schema as the walk sees it: its definition, and for a lazy schema the schema it stands for. */
interface WalkedSchema {
  _zod: { def: Record<string, unknown> & { type: string; options?: WalkedSchema[] }; innerType?: WalkedSchema };
}

function isSchema(value: unknown): value is WalkedSchema {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/** True for the lazy schema of `z.json()`: a lazy union of string, number, boolean, null, an array and a record. */
function isJsonValueSchema(schema: WalkedSchema): boolean {
  if (schema._zod.def.type !== 'lazy') return false;
  const options = schema._zod.innerType?._zod.def.options;
  return Array.isArray(options) && options.map((option) => option._zod.def.type).sort().join() === jsonUnionTypes;
}

/**
 * zod-to-openapi follows `z.json()` (a lazy schema that contains itself) forever unless the lazy schema has an id
 * given through its own `.openapi()`, which contracts cannot call (they import zod only). Every `z.json()` reached
 * from `roots` gets metadata with a `type` instead, which the generator writes as it is: any JSON value.
 */
export function describeJsonValues(roots: unknown): void {
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!isSchema(value)) {
      Object.values(value).forEach(visit);
      return;
    }
    if (isJsonValueSchema(value)) {
      if (!z.globalRegistry.has(value as unknown as z.ZodType)) z.globalRegistry.add(value as unknown as z.ZodType, anyJsonValue);
      return;
    }
    // The definition holds the schemas this one is made of (shape, element, options, inner type, pipe ends...).
    Object.values(value._zod.def).forEach(visit);
    if (value._zod.def.type === 'lazy') visit(value._zod.innerType);
  };
  visit(roots);
}
