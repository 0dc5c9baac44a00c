import { ConfigError, loadConfig, serviceBaseConfigSchema, withConfigRules } from '@shop/platform';
import { appApiTokenSetting, buildingBlocksConfigSchema, buildingBlocksRules } from '@shop/service-runtime';

const schema = serviceBaseConfigSchema
  .extend(buildingBlocksConfigSchema.shape)
  .extend({ APP_API_TOKEN: appApiTokenSetting('guards the internal routes') })
  .apply(withConfigRules(buildingBlocksRules));

const token = 'a-random-token-of-32-characters!';

/** The problems a refused configuration names, or [] when it loads. */
function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(schema, environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('building-block settings', () => {
  it('when a service runs embedded (in-memory building blocks, not production), then it needs no app API token', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ BUILDING_BLOCKS: 'memory' })).toEqual([]);
  });

  it('when a service runs as its own process on Redis or Dapr without APP_API_TOKEN, then it is refused', () => {
    const separateProcesses: Record<string, string>[] = [{ REDIS_URL: 'redis://127.0.0.1:6379' }, { BUILDING_BLOCKS: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }, { BUILDING_BLOCKS: 'dapr' }];
    for (const environment of separateProcesses) {
      expect(problemsOf(environment)).toEqual([expect.stringMatching(/^APP_API_TOKEN: is required outside the one-process embedded mode/)]);
      expect(problemsOf({ ...environment, APP_API_TOKEN: token })).toEqual([]);
    }
  });

  it('when NODE_ENV=production leaves the building blocks to their in-memory default, then BUILDING_BLOCKS and APP_API_TOKEN are both named', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([expect.stringMatching(/^BUILDING_BLOCKS: must be dapr or redis when NODE_ENV=production/), expect.stringMatching(/^APP_API_TOKEN: is required/)]);
    expect(problemsOf({ NODE_ENV: 'production', BUILDING_BLOCKS: 'memory', APP_API_TOKEN: token })).toEqual([expect.stringMatching(/^BUILDING_BLOCKS: /)]);
    expect(problemsOf({ NODE_ENV: 'production', BUILDING_BLOCKS: 'dapr', APP_API_TOKEN: token })).toEqual([]);
  });

  it('when BUILDING_BLOCKS=redis has no REDIS_URL, then REDIS_URL is named', () => {
    expect(problemsOf({ BUILDING_BLOCKS: 'redis', APP_API_TOKEN: token })).toEqual([expect.stringMatching(/^REDIS_URL: is required with BUILDING_BLOCKS=redis/)]);
  });

  it('when the app API token is too short to be a secret, then it is refused without its value being echoed', () => {
    const problems = problemsOf({ BUILDING_BLOCKS: 'dapr', APP_API_TOKEN: 'hunter2' });
    expect(problems).toEqual([expect.stringMatching(/^APP_API_TOKEN: .*<redacted>/)]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
