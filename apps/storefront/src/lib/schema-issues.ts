import type { z } from 'zod';

/** One reason a contract schema refused a value (type only: the schemas themselves load with the pages that use them). */
export type SchemaIssue = z.core.$ZodIssue;

/**
 * The longest length the refusal allows, when the value was too long: the smallest maximum among its `too_big`
 * issues (a schema may bound the raw input and, tighter, the trimmed text). Undefined when length was not the problem.
 */
export function lengthLimitOf(issues: readonly SchemaIssue[]): number | undefined {
  const limits = issues.flatMap((issue) => (issue.code === 'too_big' ? [Number(issue.maximum)] : []));
  return limits.length > 0 ? Math.min(...limits) : undefined;
}
