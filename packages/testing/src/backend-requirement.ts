/**
 * The variable that turns a missing backend (a PostgreSQL or Redis server, Chromium, Azurite) from a skipped suite
 * into a failed one. `.ci/run` sets it, so CI cannot go green by skipping what it was meant to test.
 */
export const RequireBackendsVariable = 'REQUIRE_BACKENDS';

/** Whether the environment demands every backend: REQUIRE_BACKENDS set to 1, true or yes. */
export function backendsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[RequireBackendsVariable]?.trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}

/** What becomes of a suite that needs a backend: it runs, it is skipped with the reason, or it fails with the message. */
export type BackendSuiteDecision = { action: 'run' } | { action: 'skip'; reason: string } | { action: 'fail'; message: string };

/**
 * Decides a suite's fate from what it lacks (`missing`: why it cannot run, naming the variable to set; undefined
 * when nothing is missing) and the environment.
 */
export function decideBackendSuite(missing: string | undefined, env: NodeJS.ProcessEnv = process.env): BackendSuiteDecision {
  if (missing === undefined) return { action: 'run' };
  if (!backendsRequired(env)) return { action: 'skip', reason: missing };
  return {
    action: 'fail',
    message: `${RequireBackendsVariable}=${env[RequireBackendsVariable]} forbids skipping this suite, but ${missing}. Provide the backend, or unset ${RequireBackendsVariable} to let the suite skip.`,
  };
}

/** What a suite needs, found or not: the thing itself (a URL, an executable's path), or why it is missing. */
export type BackendAvailability<T> = { found: T } | { missing: string };

/**
 * `describe` for a suite that needs a backend. When it is found, `body` runs with it. When it is missing the suite
 * is skipped and its title carries the reason (the skip reporter lists it), or, under REQUIRE_BACKENDS=1, a test in
 * its place fails with that reason, so the run cannot pass without the suite.
 */
export function describeNeedingBackend<T>(title: string, availability: BackendAvailability<T>, body: (found: T) => void, needs = 'its backend'): void {
  if ('found' in availability) {
    describe(title, () => body(availability.found));
    return;
  }
  const decision = decideBackendSuite(availability.missing);
  if (decision.action === 'fail') {
    describe(title, () => {
      it(`needs ${needs}`, () => {
        throw new Error(decision.message);
      });
    });
    return;
  }
  describe.skip(`${title} [skipped: ${availability.missing}]`, () => {
    it(`needs ${needs}`, () => undefined);
  });
}
