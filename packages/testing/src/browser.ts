import { existsSync } from 'node:fs';
import { describeNeedingBackend, type BackendAvailability } from './backend-requirement';

/** Where the browser tests find Chromium: CHROMIUM_PATH, else Debian's package (which .ci/run installs). */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((path): path is string => !!path);
  return candidates.find((path) => existsSync(path));
}

/**
 * A describe block that runs in a real headless Chromium when one is installed, and otherwise is reported as
 * skipped with the reason, like the suites that need a server (and, like them, fails under REQUIRE_BACKENDS=1).
 * `requirement` is a further prerequisite that is not a backend (a build output): when unmet the suite is skipped
 * whatever REQUIRE_BACKENDS says, since `npm test` builds before it runs the suites.
 */
export function describeWithChromium(title: string, body: (executablePath: string) => void, requirement?: { ok: boolean; reason: string }): void {
  const executablePath = chromiumPath();
  if (executablePath && requirement && !requirement.ok) {
    describe.skip(`${title} [skipped: ${requirement.reason}]`, () => {
      it('needs its prerequisite', () => undefined);
    });
    return;
  }
  const availability: BackendAvailability<string> = executablePath
    ? { found: executablePath }
    : { missing: "there is no Chromium at CHROMIUM_PATH or /usr/bin/chromium (set CHROMIUM_PATH, or install Debian's chromium package as .ci/run does)" };
  describeNeedingBackend(title, availability, body, 'Chromium');
}

/**
 * Chromium's flags for tests on a machine with a closed network: no sandbox (CI runs as root), no GPU, and none of
 * the background connections (updates, sync, safe browsing) that would be refused or time out.
 */
export const chromiumTestFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
