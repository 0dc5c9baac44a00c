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
const local = load(localDir);

/** App ids allowed in scopes: the services the chart deploys with a sidecar. */
const chartAppIds = [AppIds.auth, AppIds.catalog, AppIds.cart, AppIds.order];

/**
 * Who consumes each topic today. Dapr apps subscribe through Dapr (their code's `eventBus.subscribe` and the
 * declarative Subscription must agree); the Functions read Service Bus directly (their own subscription, Bicep).
 * Topics with no consumer yet are listed with the reason, so that adding one is a conscious change.
 */
const consumers: Record<string, { dapr: string[]; serviceBus: string[]; noConsumerYet?: string; broadcast?: boolean }> = {
  [Topics.products]: { dapr: [], serviceBus: ['functions'] },
  [Topics.orders]: { dapr: [AppIds.cart], serviceBus: ['functions'] },
  [Topics.catalogSync]: { dapr: [AppIds.catalog], serviceBus: [] },
  [Topics.inventory]: { dapr: [], serviceBus: [], noConsumerYet: 'inventory.* are published for stock alerts and replenishment, which no job consumes yet' },
  [Topics.users]: { dapr: [], serviceBus: [], noConsumerYet: 'user.registered is published for a welcome e-mail, which no notification sends yet' },
  [Topics.analytics]: { dapr: [AppIds.order], serviceBus: [] },
  [Topics.carts]: { dapr: [], serviceBus: ['functions'] },
  [Topics.audit]: { dapr: [AppIds.auth], serviceBus: [] },
  [Topics.apiKeys]: { dapr: [AppIds.catalog], serviceBus: [], broadcast: true },
  [Topics.catalogCache]: { dapr: [AppIds.catalog], serviceBus: [], broadcast: true },
};

describe('dapr-components', () => {
  test.each([
    ['azure', azure],
    ['local', local],
  ])('when the %s components are applied, then every component name the code uses exists, each scoped to chart app ids', (_env, docs) => {
    const components = docs.filter((d) => d.doc.kind === 'Component').map((d) => d.doc);
    expect(components.map((c) => c.metadata.name).sort()).toEqual(Object.values(Components).sort());
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

  test('when the scopes of the rendered components are listed, then they are every app of the chart that uses Dapr building blocks', () => {
    for (const doc of renderedForAks) expect([...(doc.scopes ?? [])].sort()).toEqual([...chartAppIds].sort());
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
    ['azure', azure],
    ['local', local],
  ])('when events are consumed (%s), then every topic has a subscriber or a stated reason, and Dapr subscriptions dead-letter to <topic>.deadletter', (_env, docs) => {
    const subscriptions = docs.filter((d) => d.doc.kind === 'Subscription').map((d) => d.doc);
    expect(Object.keys(consumers).sort()).toEqual(Object.values(Topics).sort());
    for (const [topic, consumer] of Object.entries(consumers)) {
      const declared = subscriptions.filter((s) => s.spec.topic === topic).flatMap((s) => s.scopes ?? []);
      expect(declared.sort()).toEqual([...consumer.dapr].sort());
      expect(consumer.dapr.length + consumer.serviceBus.length > 0 || Boolean(consumer.noConsumerYet)).toBe(true);
    }
    for (const s of subscriptions) {
      expect(s.apiVersion).toBe('dapr.io/v2alpha1');
      // Broadcast topics (every replica gets every event) are on their own component; the rest share the one pub/sub.
      expect(s.spec.pubsubname).toBe(consumers[s.spec.topic].broadcast ? Components.broadcastPubsub : Components.pubsub);
      expect(s.spec.deadLetterTopic).toBe(deadLetterTopicOf(s.spec.topic));
      expect(s.scopes).toHaveLength(1);
    }
  });

  test('when a declarative subscription and the app programmatic one coexist, then they name the same topic, route and dead-letter topic', async () => {
    for (const s of azure.filter((d) => d.doc.kind === 'Subscription').map((d) => d.doc)) {
      const broadcast = s.spec.pubsubname === Components.broadcastPubsub;
      const bus = new DaprEventBus({
        source: s.scopes![0],
        daprHost: '127.0.0.1',
        daprHttpPort: 3500,
        ...(broadcast ? { pubsubName: Components.broadcastPubsub, routePrefix: '/dapr/broadcast' } : {}),
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

  test.each([...azure, ...local].map((d) => [`${d.file} ${d.doc.kind}/${d.doc.metadata.name}`, d.doc] as const))('when %s is applied, then it matches its CRD', (_title, doc) => {
    const validate = validatorOf(doc.kind, doc.apiVersion);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
  });
});
