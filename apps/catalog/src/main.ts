import { AppIds } from '@shop/contracts';
import { createBuildingBlocks, runServiceMain } from '@shop/service-runtime';
import { startCatalogService } from './composition';
import { loadCatalogConfig } from './config';

void runServiceMain({
  appId: AppIds.catalog,
  loadConfig: () => loadCatalogConfig(process.env),
  start: async (config, logger) => {
    const blocks = await createBuildingBlocks(config, { appId: AppIds.catalog, logger });
    return startCatalogService({ config, logger, blocks });
  },
});
