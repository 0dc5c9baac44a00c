import { AppIds } from '@shop/contracts';
import { createBuildingBlocks, runServiceMain } from '@shop/service-runtime';
import { loadOrderConfig } from './config';
import { startOrderService } from './composition';

void runServiceMain({
  appId: AppIds.order,
  loadConfig: () => loadOrderConfig(process.env),
  start: async (config, logger) => {
    const blocks = await createBuildingBlocks(config, { appId: AppIds.order, logger });
    return startOrderService({ config, logger, blocks });
  },
});
