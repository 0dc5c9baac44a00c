import { AppIds } from '@shop/contracts';
import { createBuildingBlocks, runServiceMain } from '@shop/service-runtime';
import { startAuthService } from './composition';
import { loadAuthConfig } from './config';

void runServiceMain({
  appId: AppIds.auth,
  loadConfig: () => loadAuthConfig(),
  start: async (config, logger) => {
    const blocks = await createBuildingBlocks(config, { appId: AppIds.auth, logger });
    try {
      return await startAuthService({ config, logger, blocks, closeBlocksOnStop: true });
    } catch (error) {
      await blocks.close();
      throw error;
    }
  },
});
