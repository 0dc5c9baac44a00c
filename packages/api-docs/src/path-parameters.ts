import { z } from 'zod';

/**
 * Path parameters of a route, by name: the parsing of a path segment is edge-only (it stays in each service's
 * http/ folder, no contract schema names it), so the document describes each parameter here, by what it names.
 */
export function pathParameters(parameters: Record<string, z.ZodType>): z.ZodObject {
  return z.object(parameters);
}

/** A UUID path parameter (the services answer 400 for anything else). */
export function uuidParameter(description: string): z.ZodType<string> {
  return z.uuid().meta({ description });
}

/** A free-text path parameter. */
export function textParameter(description: string): z.ZodType<string> {
  return z.string().min(1).meta({ description });
}
