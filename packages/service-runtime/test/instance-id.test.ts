import express from 'express';
import request from 'supertest';
import { broadcastSubscription, regionalSubscription } from '@shop/building-blocks';
import { createBuildingBlocks, instanceIdOf } from '@shop/service-runtime';
import { buildingBlocksConfigSchema } from '@shop/service-runtime';

describe('the instance id of a process', () => {
  it('when INSTANCE_ID is set, then it is the id', () => {
    expect(instanceIdOf({ INSTANCE_ID: 'catalog-7', HOSTNAME: 'pod-1', KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe('catalog-7');
  });

  it('when running in Kubernetes without INSTANCE_ID, then the pod name (HOSTNAME) is the id', () => {
    expect(instanceIdOf({ HOSTNAME: 'catalog-5d9f-abcde', KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe('catalog-5d9f-abcde');
  });

  it('when running outside Kubernetes, then HOSTNAME (shared by the processes of one host) is not used: each call is a new random id', () => {
    const first = instanceIdOf({ HOSTNAME: 'laptop' });
    const second = instanceIdOf({ HOSTNAME: 'laptop' });
    expect(first).not.toBe('laptop');
    expect(first).not.toBe(second);
  });

  it('when building blocks are built for memory and redis, then the broadcast bus is the event bus and the instance id is the configured one', async () => {
    const memory = await createBuildingBlocks(buildingBlocksConfigSchema.parse({ BUILDING_BLOCKS: 'memory', INSTANCE_ID: 'one' }), { appId: 'catalog' });
    const redis = await createBuildingBlocks(buildingBlocksConfigSchema.parse({ BUILDING_BLOCKS: 'redis', REDIS_URL: 'redis://127.0.0.1:1', INSTANCE_ID: 'two' }), { appId: 'catalog' });
    try {
      expect(memory.broadcastBus).toBe(memory.eventBus);
      expect(memory.instanceId).toBe('one');
      expect(redis.broadcastBus).toBe(redis.eventBus);
      expect(redis.instanceId).toBe('two');
    } finally {
      await memory.close();
      await redis.close();
    }
  });

  it('when building blocks are built for dapr, then the broadcast bus is a bus of its own, whose deliveries come under /dapr/broadcast', async () => {
    const dapr = await createBuildingBlocks(buildingBlocksConfigSchema.parse({ BUILDING_BLOCKS: 'dapr' }), { appId: 'catalog' });
    try {
      expect(dapr.broadcastBus).not.toBe(dapr.eventBus);
      const broadcasts: string[] = [];
      const events: string[] = [];
      dapr.broadcastBus.subscribe('catalog-cache', async (event) => (broadcasts.push(event.id), 'SUCCESS'), broadcastSubscription('catalog', dapr.instanceId));
      dapr.eventBus.subscribe('products', async (event) => (events.push(event.id), 'SUCCESS'), { group: 'catalog' });
      await dapr.eventBus.start();
      await dapr.broadcastBus.start();
      const app = express();
      dapr.mountOnApp(app);
      const event = (id: string) => ({ specversion: '1.0', id, source: 'catalog', type: 'catalog.cache_invalidated', time: new Date().toISOString(), datacontenttype: 'application/json', data: {} });
      expect((await request(app).post('/dapr/broadcast/catalog-cache').type('application/cloudevents+json').send(JSON.stringify(event('b-1')))).body).toEqual({ status: 'SUCCESS' });
      expect((await request(app).post('/dapr/events/products').type('application/cloudevents+json').send(JSON.stringify(event('e-1')))).body).toEqual({ status: 'SUCCESS' });
      expect(broadcasts).toEqual(['b-1']);
      expect(events).toEqual(['e-1']);
      // The sidecar learns the event bus's subscriptions; the broadcast ones are declared (dapr-components/).
      expect((await request(app).get('/dapr/subscribe')).body).toEqual([expect.objectContaining({ pubsubname: 'shop-pubsub', topic: 'products' })]);
      // One region: no regional component, the regional bus is the event bus.
      expect(dapr.regionalBus).toBe(dapr.eventBus);
    } finally {
      await dapr.close();
    }
  });

  it('when building blocks are built for dapr with a REGION, then the regional bus is a bus of its own on the regional component, whose deliveries come under /dapr/regional', async () => {
    const dapr = await createBuildingBlocks(buildingBlocksConfigSchema.parse({ BUILDING_BLOCKS: 'dapr', REGION: 'neu' }), { appId: 'catalog' });
    try {
      expect(dapr.region).toBe('neu');
      expect(dapr.regionalBus).not.toBe(dapr.eventBus);
      const regional: string[] = [];
      const events: string[] = [];
      dapr.regionalBus.subscribe('products', async (event) => (regional.push(event.id), 'SUCCESS'), regionalSubscription('catalog', 'neu'));
      dapr.eventBus.subscribe('products', async (event) => (events.push(event.id), 'SUCCESS'), { group: 'catalog' });
      await dapr.eventBus.start();
      await dapr.regionalBus.start();
      const app = express();
      dapr.mountOnApp(app);
      const event = (id: string) => ({ specversion: '1.0', id, source: 'catalog', type: 'product.updated', time: new Date().toISOString(), datacontenttype: 'application/json', data: {} });
      expect((await request(app).post('/dapr/regional/products').type('application/cloudevents+json').send(JSON.stringify(event('r-1')))).body).toEqual({ status: 'SUCCESS' });
      expect((await request(app).post('/dapr/events/products').type('application/cloudevents+json').send(JSON.stringify(event('e-1')))).body).toEqual({ status: 'SUCCESS' });
      expect({ regional, events }).toEqual({ regional: ['r-1'], events: ['e-1'] });
      // Declared by the chart (its consumerID names the region's Service Bus subscription), not announced.
      expect((await request(app).get('/dapr/subscribe')).body).toEqual([expect.objectContaining({ pubsubname: 'shop-pubsub', topic: 'products' })]);
    } finally {
      await dapr.close();
    }
  });

  it('when REGION is not a region code, then the configuration refuses it, and regionalSubscription names the group after the app and the region', () => {
    expect(buildingBlocksConfigSchema.safeParse({ REGION: 'West Europe' }).success).toBe(false);
    expect(regionalSubscription('catalog', 'weu')).toEqual({ group: 'catalog-weu' });
    expect(() => regionalSubscription('catalog', '')).toThrow(TypeError);
  });
});
