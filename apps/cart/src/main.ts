import { AppIds } from '@shop/contracts';
import { createBuildingBlocks, runServiceMain } from '@shop/service-runtime';
import { startCartService } from './composition';
import { loadCartConfig } from './config';

void runServiceMain({
  appId: AppIds.cart,
  loadConfig: () => loadCartConfig(process.env),
  start: async (config, logger) => {
    const blocks = await createBuildingBlocks(config, { appId: AppIds.cart, logger });
    return startCartService({ config, logger, blocks });
  },
});
