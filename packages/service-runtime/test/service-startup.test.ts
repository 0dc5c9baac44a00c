import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InMemoryBroker, InMemoryEventBus } from '@shop/building-blocks';
import { silentLogger } from '@shop/kernel';
import { createHttpApp, createServiceMetrics } from '@shop/platform';
import { PgliteDatabase, type Database } from '@shop/postgres';
import { listenService, openServiceDatabase, startService, type ServiceResources } from '../src/service-startup';

describe('service start-up', () => {
  it('when start-up fails half-way, then what it opened is released last-first and the error is the one thrown', async () => {
    const released: string[] = [];
    const failure = new Error('migration failed');
    await expect(
      startService(async (resources) => {
        resources.add('building blocks', async () => void released.push('building blocks'));
        resources.add('database', async () => {
          released.push('database');
          throw new Error('closing failed too');
        });
        resources.add('relay', async () => void released.push('relay'));
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(released).toEqual(['relay', 'database', 'building blocks']);
  });

  it('when the service is given a database, then it migrates it and leaves closing it to the giver', async () => {
    const given = await PgliteDatabase.open();
    try {
      let migrated: Database | undefined;
      let resources: ServiceResources | undefined;
      const opened = await startService(async (started) => {
        resources = started;
        return openServiceDatabase(
          { appId: 'test', settings: { DATA_DIR: 'unused' }, db: given, migrate: async (db) => void (migrated = db), eventBus: eventBus(), logger: silentLogger },
          started,
        );
      });
      expect(opened.db).toBe(given);
      expect(migrated).toBe(given);
      expect(resources?.all.map((resource) => resource.name)).toEqual(['outbox relay']);
    } finally {
      await given.close();
    }
  });

  it('when the service opens its own database, then stopping it drains, stops the relay and closes the database', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'service-startup-'));
    try {
      let db: Database | undefined;
      const running = await startService(async (resources) => {
        const opened = await openServiceDatabase(
          { appId: 'test', settings: { DATA_DIR: dataDir }, migrate: async () => undefined, eventBus: eventBus(), logger: silentLogger },
          resources,
        );
        db = opened.db;
        opened.relay.start();
        const app = createHttpApp({ service: 'test', logger: silentLogger, metrics: createServiceMetrics('test', { collectProcessMetrics: false }), mountRoutes: () => undefined });
        return listenService(app, { PORT: 0, HOST: '127.0.0.1' }, silentLogger, resources);
      });
      expect(await db?.ping()).toBeUndefined();
      await running.stop();
      await expect(db?.ping()).rejects.toThrow();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

function eventBus(): InMemoryEventBus {
  return new InMemoryEventBus({ source: 'test', broker: new InMemoryBroker() });
}
