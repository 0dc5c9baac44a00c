import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendsRequired, decideBackendSuite } from './backend-requirement';

const repositoryRoot = join(__dirname, '..', '..', '..');

describe('backendsRequired', () => {
  it.each(['1', 'true', 'YES', ' 1 '])('when REQUIRE_BACKENDS is %p, then backends are required', (value) => {
    expect(backendsRequired({ REQUIRE_BACKENDS: value })).toBe(true);
  });

  it.each([undefined, '', '0', 'false', 'no'])('when REQUIRE_BACKENDS is %p, then they are not', (value) => {
    expect(backendsRequired({ REQUIRE_BACKENDS: value })).toBe(false);
  });
});

describe('decideBackendSuite', () => {
  const missing = 'DATABASE_URL is not set, so no PostgreSQL server to test against';

  it('when nothing is missing, then the suite runs, required or not', () => {
    expect(decideBackendSuite(undefined, {})).toEqual({ action: 'run' });
    expect(decideBackendSuite(undefined, { REQUIRE_BACKENDS: '1' })).toEqual({ action: 'run' });
  });

  it('when the backend is missing and not required, then the suite is skipped with the reason', () => {
    expect(decideBackendSuite(missing, {})).toEqual({ action: 'skip', reason: missing });
    expect(decideBackendSuite(missing, { REQUIRE_BACKENDS: '0' })).toEqual({ action: 'skip', reason: missing });
  });

  it('when the backend is missing and REQUIRE_BACKENDS=1, then the suite fails with a message naming both variables', () => {
    const decision = decideBackendSuite(missing, { REQUIRE_BACKENDS: '1' });
    expect(decision.action).toBe('fail');
    expect(decision.action === 'fail' && decision.message).toMatch(/^REQUIRE_BACKENDS=1 forbids skipping this suite, but DATABASE_URL is not set/);
  });
});

/** The bits of Jest's `--json` report these checks read. */
interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: Array<{ assertionResults: Array<{ status: string; ancestorTitles: string[]; failureMessages: string[] }> }>;
}

/**
 * The real thing end to end: Jest in a child process runs a suite that needs PostgreSQL, with DATABASE_URL unset,
 * and we read its verdict and exit code. The suite lives in a scratch folder so the main run never collects it.
 */
describe('a suite that needs PostgreSQL, run by Jest without DATABASE_URL', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'require-backends-'));
    writeFileSync(
      join(scratch, 'needs-postgres.fixture.ts'),
      [
        `import { describeWithBackend } from ${JSON.stringify(join(__dirname, 'index'))};`,
        `describeWithBackend('postgres', 'orders on PostgreSQL', (url) => {`,
        `  it('is given the server it needs', () => expect(url).toMatch(/^postgres/));`,
        `});`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(scratch, 'jest.config.json'),
      JSON.stringify({
        rootDir: scratch,
        testMatch: ['<rootDir>/*.fixture.ts'],
        testEnvironment: 'node',
        transform: { '^.+\\.ts$': [require.resolve('ts-jest'), { tsconfig: join(repositoryRoot, 'tsconfig.jest.json') }] },
      }),
    );
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Runs the scratch suite; resolves with Jest's exit code and its JSON report. */
  const runJest = (extraEnv: Record<string, string>) =>
    new Promise<{ exitCode: number; report: JestReport }>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
      delete env.DATABASE_URL;
      if (!('REQUIRE_BACKENDS' in extraEnv)) delete env.REQUIRE_BACKENDS;
      execFile(
        process.execPath,
        [join(repositoryRoot, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', join(scratch, 'jest.config.json'), '--json', '--silent'],
        { cwd: scratch, env, timeout: 60_000 },
        (error, stdout, stderr) => {
          const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          try {
            resolve({ exitCode, report: JSON.parse(stdout) as JestReport });
          } catch {
            reject(new Error(`jest printed no report (exit ${exitCode}):\n${stderr}`));
          }
        },
      );
    });

  it('when REQUIRE_BACKENDS is unset, then the suite is skipped with the reason and the run passes; when it is 1, the run fails naming DATABASE_URL', async () => {
    const [relaxed, strict] = await Promise.all([runJest({}), runJest({ REQUIRE_BACKENDS: '1' })]);

    expect(relaxed.exitCode).toBe(0);
    expect(relaxed.report).toMatchObject({ numPassedTests: 0, numFailedTests: 0, numPendingTests: 1 });
    const [skipped] = relaxed.report.testResults[0].assertionResults;
    expect(skipped.ancestorTitles).toEqual(['orders on PostgreSQL [skipped: DATABASE_URL is not set, so no PostgreSQL server to test against]']);

    expect(strict.exitCode).toBe(1);
    expect(strict.report).toMatchObject({ numPassedTests: 0, numFailedTests: 1, numPendingTests: 0 });
    const [failed] = strict.report.testResults[0].assertionResults;
    expect(failed.ancestorTitles).toEqual(['orders on PostgreSQL']);
    expect(failed.failureMessages.join('\n')).toMatch(/REQUIRE_BACKENDS=1 forbids skipping this suite, but DATABASE_URL is not set/);
  }, 60_000);
});
