import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DaprEventBus } from '@shop/building-blocks';
import { AppIds, Components, Topics, deadLetterTopicOf } from '@shop/contracts';
import { stringify } from 'yaml';
import { describeWhenPresent, exampleAksEnvironment, filesUnder, renderShopForAks, repoRoot, sharedSchemasDir, yamlDocuments, type KubeObject } from './deploy-support';

const azureDir = join(repoRoot, 'dapr-components', 'azure');
const localDir = join(repoRoot, 'dapr-components', 'local', 'resources');
const load = (dir: string) => filesUnder(dir, ['.yaml']).flatMap((file) => yamlDocuments(file).map((doc: KubeObject) => ({ file: relative(repoRoot, file), doc })));
/**
 * On AKS the components that name Azure resources (Service Bus, Redis, Key Vault) are rendered by charts/shop from
 * the Bicep outputs Skaffold passes; the Configuration, Resiliency and Subscriptions name none and stay files.
 */
const renderedForAks = renderShopForAks().filter((o) => o.apiVersion.startsWith('dapr.io/'));
const azure = [...load(azureDir), ...renderedForAks.map((doc) => ({ file: 'charts/shop (rendered for AKS)', doc }))];
/**
 * One region of several (values-region-northeurope.yaml): the chart adds the regional pub/sub and its Subscriptions,
 * and leaves out the cart's cart-orders (the cart reads orders on the regional pub/sub there).
 */
const renderedForRegion = renderShopForAks(exampleAksEnvironment, ['-f', 'charts/shop/values-region-northeurope.yaml', '--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor']).filter((o) =>
  o.apiVersion.startsWith('dapr.io/'),
);
const azureRegional = [...load(azureDir), ...renderedForRegion.map((doc) => ({ file: 'charts/shop (rendered for AKS, region neu)', doc }))];
const local = load(localDir);

/**
 * Components that exist only where the platform runs in several regions: the regional pub/sub (REGION set). With one
 * region, and locally (memory or Redis building blocks), the regional bus is the event bus itself.
 */
const multiRegionComponents: string[] = [Components.regionalPubsub];
const singleRegionComponents = Object.values(Components).filter((name) => !multiRegionComponents.includes(name));

/** App ids allowed in scopes: the services the chart deploys with a sidecar. */
const chartAppIds = [AppIds.auth, AppIds.catalog, AppIds.cart, AppIds.order];

/**
 * Who consumes each topic today. Dapr apps subscribe through Dapr (their code's `eventBus.subscribe` and the
 * declarative Subscription must agree); the Functions read Service Bus directly (their own subscription, Bicep).
 * Topics with no consumer yet are listed with the reason, so that adding one is a conscious change.
 */
const consumers: Record<string, { dapr: string[]; serviceBus: string[]; noConsumerYet?: string; broadcast?: boolean; regional?: string[] }> = {
  // regional: subscribers on the regional pub/sub, in a release with a region code only (one subscription per app and
  // region). There they read the topic on the regional pub/sub instead of shop-pubsub, should they be in dapr too.
  [Topics.products]: { dapr: [], serviceBus: ['functions'], regional: [AppIds.catalog] },
  [Topics.orders]: { dapr: [AppIds.cart], serviceBus: ['functions'], regional: [AppIds.cart] },
  [Topics.catalogSync]: { dapr: [AppIds.catalog], serviceBus: [] },
  [Topics.inventory]: { dapr: [], serviceBus: [], noConsumerYet: 'inventory.* are published for stock alerts and replenishment, which no job consumes yet (with several regions: each region\'s catalog caches)', regional: [AppIds.catalog] },
  [Topics.users]: { dapr: [], serviceBus: [], noConsumerYet: 'user.registered is published for a welcome e-mail, which no notification sends yet' },
  [Topics.analytics]: { dapr: [AppIds.order], serviceBus: [] },
  [Topics.carts]: { dapr: [], serviceBus: ['functions'] },
  [Topics.audit]: { dapr: [AppIds.auth], serviceBus: [] },
  [Topics.apiKeys]: { dapr: [AppIds.catalog], serviceBus: [], broadcast: true },
  [Topics.catalogCache]: { dapr: [AppIds.catalog], serviceBus: [], broadcast: true },
};

describe('dapr-components', () => {
  test.each([
    ['azure', azure, singleRegionComponents],
    ['azure, one region of several', azureRegional, Object.values(Components)],
    ['local', local, singleRegionComponents],
  ])('when the %s components are applied, then every component name the code uses exists, each scoped to chart app ids', (_env, docs, expected) => {
    const components = docs.filter((d) => d.doc.kind === 'Component').map((d) => d.doc);
    expect(components.map((c) => c.metadata.name).sort()).toEqual([...expected].sort());
    // A Configuration is chosen per pod (dapr.io/config) and has no scopes; every other kind must have them.
    for (const doc of docs.map((d) => d.doc).filter((d) => d.kind !== 'Configuration')) {
      expect(doc.scopes?.length).toBeGreaterThan(0);
      for (const scope of doc.scopes ?? []) expect([...chartAppIds, AppIds.functions]).toContain(scope);
    }
  });

  test('when the Azure components authenticate, then it is Entra ID only: no connection string, key or password anywhere', () => {
    const byName = Object.fromEntries(azure.filter((d) => d.doc.kind === 'Component').map((d) => [d.doc.metadata.name, d.doc]));
    const meta = (name: string) => Object.fromEntries((byName[name].spec.metadata as Array<{ name: string; value: string }>).map((m) => [m.name, m.value]));
    expect(byName[Components.pubsub].spec.type).toBe('pubsub.azure.servicebus.topics');
    expect(meta(Components.pubsub)).toMatchObject({ namespaceName: expect.stringMatching(/\.servicebus\.windows\.net$/), disableEntityManagement: 'true' });
    expect(meta(Components.pubsub).consumerID).toBeUndefined();
    expect(byName[Components.stateStore].spec.type).toBe('state.redis');
    expect(meta(Components.stateStore)).toMatchObject({ enableTLS: 'true', useEntraID: 'true', redisHost: expect.stringMatching(/:6380$/) });
    // One consumer group per pod: that is what makes it a broadcast.
    expect(byName[Components.broadcastPubsub].spec.type).toBe('pubsub.redis');
    expect(meta(Components.broadcastPubsub)).toMatchObject({ enableTLS: 'true', useEntraID: 'true', consumerID: '{appID}-{podName}', redisHost: meta(Components.stateStore).redisHost });
    expect(byName[Components.secretStore].spec.type).toBe('secretstores.azure.keyvault');
    expect(meta(Components.secretStore).vaultName).toBeTruthy();
    for (const { doc } of azure) expect(stringify(doc)).not.toMatch(/connectionString|SharedAccessKey|azureClientSecret|redisPassword|accessKey/);
  });

  test('when the Azure components name Azure resources, then the names are the Bicep outputs Skaffold passes, and no file holds one', () => {
    const byName = Object.fromEntries(azure.filter((d) => d.doc.kind === 'Component').map((d) => [d.doc.metadata.name, d]));
    const meta = (name: string) => Object.fromEntries((byName[name].doc.spec.metadata as Array<{ name: string; value: string }>).map((m) => [m.name, m.value]));
    expect(meta(Components.pubsub).namespaceName).toBe(exampleAksEnvironment.SERVICE_BUS_NAMESPACE);
    expect(meta(Components.stateStore).redisHost).toBe(exampleAksEnvironment.REDIS_HOST);
    expect(meta(Components.broadcastPubsub).redisHost).toBe(exampleAksEnvironment.REDIS_HOST);
    expect(meta(Components.secretStore).vaultName).toBe(exampleAksEnvironment.KEY_VAULT_NAME);
    for (const component of Object.values(byName)) expect(component.file).toMatch(/^charts\/shop \(rendered for AKS\)/);
    // What the components were once written with by hand, and would silently differ from Bicep's names. The example
    // outputs of charts/shop/ci (renders without a deployment, never installed) are the one allowed place.
    const exampleValues = join(repoRoot, 'charts', 'shop', 'ci');
    const chartFiles = filesUnder(join(repoRoot, 'charts', 'shop'), ['.yaml']).filter((file) => !file.startsWith(exampleValues));
    const written = [...filesUnder(azureDir, ['.yaml']), ...chartFiles].map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(written).not.toMatch(/[a-z0-9-]+\.(servicebus\.windows\.net|redis\.cache\.windows\.net)|kv-shop-prod/);
  });

  test('when the scopes of the rendered components are listed, then they are every app of the chart that uses Dapr building blocks (the regional pub/sub: the catalog and the cart)', () => {
    for (const doc of renderedForAks.filter((o) => o.kind === 'Component')) expect([...(doc.scopes ?? [])].sort()).toEqual([...chartAppIds].sort());
    for (const doc of renderedForRegion.filter((o) => o.kind === 'Component')) {
      expect({ name: doc.metadata.name, scopes: [...(doc.scopes ?? [])].sort() }).toEqual({ name: doc.metadata.name, scopes: doc.metadata.name === Components.regionalPubsub ? [AppIds.cart, AppIds.catalog].sort() : [...chartAppIds].sort() });
    }
  });

  test('when the chart renders the region-dependent Subscriptions, then cart-orders exists without a region code and not with one', () => {
    const chartSubscriptions = (docs: KubeObject[]) => docs.filter((o) => o.kind === 'Subscription' && o.spec.pubsubname === Components.pubsub).map((o) => o.metadata.name);
    expect(chartSubscriptions(renderedForAks)).toEqual(['cart-orders']);
    expect(chartSubscriptions(renderedForRegion)).toEqual([]);
    // Applied as is to every cluster, so it holds none that depends on the region.
    expect(load(azureDir).filter((d) => d.doc.kind === 'Subscription' && d.doc.scopes?.includes(AppIds.cart))).toEqual([]);
    // Locally (one region, Dapr CLI or a local cluster) the cart keeps its file Subscription.
    expect(local.filter((d) => d.doc.kind === 'Subscription' && d.doc.metadata.name === 'cart-orders').map((d) => d.doc.spec)).toEqual([
      { pubsubname: Components.pubsub, topic: Topics.orders, routes: { default: '/dapr/events/orders' }, deadLetterTopic: deadLetterTopicOf(Topics.orders) },
    ]);
  });

  test('when the regional pub/sub authenticates, then it is shop-pubsub\'s Service Bus with Entra ID and consumerID {appID}-<code>: the subscription of each app in the region', () => {
    const regional = renderedForRegion.find((o) => o.kind === 'Component' && o.metadata.name === Components.regionalPubsub)!;
    const pubsub = renderedForRegion.find((o) => o.kind === 'Component' && o.metadata.name === Components.pubsub)!;
    const meta = Object.fromEntries((regional.spec.metadata as Array<{ name: string; value: string }>).map((m) => [m.name, m.value]));
    expect(regional.spec.type).toBe(pubsub.spec.type);
    expect(meta).toMatchObject({ namespaceName: exampleAksEnvironment.SERVICE_BUS_NAMESPACE, disableEntityManagement: 'true', consumerID: '{appID}-neu' });
    // One group per app and region, never per pod: the replicas of a region compete.
    expect(stringify(regional)).not.toMatch(/connectionString|SharedAccessKey|azureClientSecret|accessKey|\{podName\}|\{uuid\}/);
  });

  test('when the local components run, then they use Redis and a file secret store holding placeholders only', () => {
    const types = Object.fromEntries(local.filter((d) => d.doc.kind === 'Component').map((d) => [d.doc.metadata.name, d.doc.spec.type]));
    expect(types).toEqual({
      [Components.pubsub]: 'pubsub.redis',
      [Components.broadcastPubsub]: 'pubsub.redis',
      [Components.stateStore]: 'state.redis',
      [Components.secretStore]: 'secretstores.local.file',
    });
    const secrets = JSON.parse(readFileSync(join(repoRoot, 'dapr-components', 'local', 'secrets.sample.json'), 'utf8')) as Record<string, string>;
    for (const value of Object.values(secrets)) expect(value === '' || value.startsWith('placeholder')).toBe(true);
  });

  test('when the Dapr CLI runs dapr.yaml, then it starts every service with its port and app id', () => {
    const [run] = yamlDocuments(join(repoRoot, 'dapr-components', 'local', 'dapr.yaml'));
    expect(run.version).toBe(1);
    const apps = run.apps as Array<{ appID: string; appDirPath: string; appPort: number; command: string[] }>;
    expect(apps.map((a) => [a.appID, a.appPort])).toEqual([
      ['auth', 3001],
      ['catalog', 3002],
      ['cart', 3003],
      ['order', 3004],
    ]);
    for (const app of apps) {
      expect(existsSync(join(repoRoot, 'dapr-components', 'local', app.appDirPath, 'package.json'))).toBe(true);
      expect(app.command).toEqual(['node', 'dist/main.js']);
    }
  });

  test.each([
    ['azure', azure, false],
    ['azure, one region of several', azureRegional, true],
    ['local', local, false],
  ])('when events are consumed (%s), then every topic has a subscriber or a stated reason, and Dapr subscriptions dead-letter to <topic>.deadletter', (_env, docs, multiRegion) => {
    const subscriptions = docs.filter((d) => d.doc.kind === 'Subscription').map((d) => d.doc);
    expect(Object.keys(consumers).sort()).toEqual(Object.values(Topics).sort());
    for (const [topic, consumer] of Object.entries(consumers)) {
      const onTopic = subscriptions.filter((s) => s.spec.topic === topic);
      const declared = onTopic.filter((s) => s.spec.pubsubname !== Components.regionalPubsub).flatMap((s) => s.scopes ?? []);
      // With a region code a regional subscriber reads the topic on the regional pub/sub only.
      const onSharedBus = multiRegion ? consumer.dapr.filter((app) => !(consumer.regional ?? []).includes(app)) : consumer.dapr;
      expect({ topic, declared: declared.sort() }).toEqual({ topic, declared: [...onSharedBus].sort() });
      // The regional subscribers exist exactly when the release has a region code.
      const regional = onTopic.filter((s) => s.spec.pubsubname === Components.regionalPubsub).flatMap((s) => s.scopes ?? []);
      expect({ topic, regional: regional.sort() }).toEqual({ topic, regional: multiRegion ? [...(consumer.regional ?? [])].sort() : [] });
      expect(consumer.dapr.length + consumer.serviceBus.length > 0 || Boolean(consumer.noConsumerYet)).toBe(true);
    }
    for (const s of subscriptions) {
      expect(s.apiVersion).toBe('dapr.io/v2alpha1');
      // Broadcast topics (every replica gets every event) are on their own component, regional subscribers on theirs; the rest share the one pub/sub.
      const regional = s.spec.pubsubname === Components.regionalPubsub;
      if (regional) expect(consumers[s.spec.topic].regional).toContain(s.scopes![0]);
      else expect(s.spec.pubsubname).toBe(consumers[s.spec.topic].broadcast ? Components.broadcastPubsub : Components.pubsub);
      expect(s.spec.deadLetterTopic).toBe(deadLetterTopicOf(s.spec.topic));
      expect(s.scopes).toHaveLength(1);
    }
  });

  test('when a declarative subscription and the app programmatic one coexist, then they name the same topic, route and dead-letter topic', async () => {
    // Both releases: the single-region one has the chart's cart-orders, the regional one the regional Subscriptions.
    const subscriptionsOf = (docs: typeof azure) => docs.filter((d) => d.doc.kind === 'Subscription').map((d) => d.doc);
    for (const s of [...subscriptionsOf(azure), ...subscriptionsOf(azureRegional)]) {
      const broadcast = s.spec.pubsubname === Components.broadcastPubsub;
      // The regional bus (@shop/service-runtime with REGION set): the regional component under /dapr/regional.
      const regional = s.spec.pubsubname === Components.regionalPubsub;
      const bus = new DaprEventBus({
        source: s.scopes![0],
        daprHost: '127.0.0.1',
        daprHttpPort: 3500,
        ...(broadcast ? { pubsubName: Components.broadcastPubsub, routePrefix: '/dapr/broadcast' } : {}),
        ...(regional ? { pubsubName: Components.regionalPubsub, routePrefix: '/dapr/regional' } : {}),
      });
      bus.subscribe(s.spec.topic, async () => 'SUCCESS', { group: s.scopes![0] });
      const [programmatic] = bus.programmaticSubscriptions();
      expect({ pubsubname: s.spec.pubsubname, topic: s.spec.topic, route: s.spec.routes.default, deadLetterTopic: s.spec.deadLetterTopic }).toEqual(programmatic);
      await bus.close();
    }
  });

  test('when the chart deploys the apps, then every scope names an app the chart deploys and the sidecars load the Configuration', () => {
    const prod = renderShopForAks();
    const deployed = prod.filter((o) => o.kind === 'Deployment').map((d) => d.spec.template.metadata.annotations['dapr.io/app-id']);
    for (const { doc } of azure) for (const scope of doc.scopes ?? []) if (scope !== AppIds.functions) expect(deployed).toContain(scope);
    const configuration = azure.find((d) => d.doc.kind === 'Configuration')!.doc;
    for (const d of prod.filter((o) => o.kind === 'Deployment')) expect(d.spec.template.metadata.annotations['dapr.io/config']).toBe(configuration.metadata.name);
  });

  test('when deliveries fail, then the resiliency policy retries inbound pub/sub and guards every app and component', () => {
    const resiliency = azure.find((d) => d.doc.kind === 'Resiliency')!.doc;
    expect(Object.keys(resiliency.spec.targets.apps).sort()).toEqual([...chartAppIds].sort());
    expect(resiliency.spec.targets.components[Components.pubsub].inbound.retry).toBeTruthy();
    expect(resiliency.spec.targets.components[Components.stateStore].outbound.retry).toBeTruthy();
  });
});

const crdFiles: Record<string, string> = {
  Component: 'dapr-crd-components.yaml',
  Configuration: 'dapr-crd-configuration.yaml',
  Resiliency: 'dapr-crd-resiliency.yaml',
  Subscription: 'dapr-crd-subscription.yaml',
};

describeWhenPresent(join(sharedSchemasDir, crdFiles.Component), 'dapr-components against the Dapr CRD schemas', () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validatorOf = (kind: string, apiVersion: string) => {
    const [crd] = yamlDocuments(join(sharedSchemasDir, crdFiles[kind]));
    const version = (crd.spec.versions as Array<{ name: string; schema: { openAPIV3Schema: object } }>).find((v) => `dapr.io/${v.name}` === apiVersion);
    if (!version) throw new Error(`${crdFiles[kind]} has no ${apiVersion}`);
    return ajv.compile(version.schema.openAPIV3Schema);
  };

  test.each([...azure, ...renderedForRegion.map((doc) => ({ file: 'charts/shop (rendered for AKS, region neu)', doc })), ...local].map((d) => [`${d.file} ${d.doc.kind}/${d.doc.metadata.name}`, d.doc] as const))('when %s is applied, then it matches its CRD', (_title, doc) => {
    const validate = validatorOf(doc.kind, doc.apiVersion);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
  });
});
