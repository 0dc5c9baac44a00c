import { MEDIA_PATH_PREFIX, MarketRequest, defaultMarkets } from '@shop/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declarationsOf, loadBicepParser, paramValue, propertyValue, type Declaration } from './bicep-declarations';
import { exampleAksEnvironment, renderShop, renderShopForAks, repoRoot, type KubeObject } from './deploy-support';

// Product media and the market hint at the edge: the media storage account and who may write it, Front Door's /media/*
// route to it, the X-Client-Country rule set on /api/*, and the catalog's media settings in the chart. Read from the
// parsed templates (bicep-declarations.ts); the type checker (bicep.test.ts) proves names and values against Azure's
// schemas. What only Azure proves (the Private Link approval, GeoMatch's accuracy) is in docs/deployment.md.
const bicepDir = join(repoRoot, 'bicep');
const read = (...path: string[]) => readFileSync(join(bicepDir, ...path), 'utf8');

const blobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';
const blobDelegatorRoleId = 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a';
const mediaContainer = MEDIA_PATH_PREFIX.replace(/^\//, '');

let media: Map<string, Declaration>;
let frontDoor: Map<string, Declaration>;
let main: Map<string, Declaration>;

beforeAll(async () => {
  await loadBicepParser();
  media = declarationsOf(read('modules', 'media-storage.bicep'));
  frontDoor = declarationsOf(read('modules', 'front-door.bicep'));
  main = declarationsOf(read('main.bicep'));
});

const declared = (declarations: Map<string, Declaration>, name: string) => {
  const declaration = declarations.get(name);
  if (!declaration) throw new Error(`no declaration ${name}`);
  return declaration;
};
const ofType = (declarations: Map<string, Declaration>, type: string) => [...declarations.values()].filter((d) => d.target.startsWith(`${type}@`));
/** The single-quoted strings of an array property (`key: [ 'a' 'b' ]`) in a declaration's text. */
const stringsOf = (text: string, key: string) => [...(new RegExp(`${key}: \\[([^\\]]*)\\]`).exec(text)?.[1] ?? '').matchAll(/'([^']*)'/g)].map((m) => m[1]);

describe('bicep media storage: the catalog writes product images, Front Door alone reads them', () => {
  test('when the account is created, then it takes no shared keys and no public network traffic, and allows anonymous reads of named blobs only', () => {
    const storage = declared(media, 'storage');
    expect(storage.target).toBe('Microsoft.Storage/storageAccounts@2023-05-01');
    expect(propertyValue(storage.text, 'kind')).toBe("'StorageV2'");
    expect(storage.text).toMatch(/sku: \{\s*name: 'Standard_ZRS'\s*\}/);
    expect(propertyValue(storage.text, 'allowSharedKeyAccess')).toBe('false');
    expect(propertyValue(storage.text, 'publicNetworkAccess')).toBe("'Disabled'");
    expect(storage.text).toMatch(/networkAcls: \{\s*defaultAction: 'Deny'/);
    expect(propertyValue(storage.text, 'minimumTlsVersion')).toBe("'TLS1_2'");
    // Front Door's Private Link reads carry no credentials: anonymous access is on for single blobs of the media
    // container, never listing, and nothing public reaches the account.
    expect(propertyValue(storage.text, 'allowBlobPublicAccess')).toBe('true');
    const containers = ofType(media, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(containers.map((c) => propertyValue(c.text, 'publicAccess'))).toEqual(["'Blob'"]);
    expect(read('modules', 'media-storage.bicep')).not.toMatch(/listKeys|listAccountSas|AccountKey=/);
  });

  test('when PSRule checks the account, then only the media account (by its name prefix) is exempt from the two anonymous-access rules', () => {
    const prefix = /name: take\('(\w+)\$\{/.exec(declared(media, 'storage').text)?.[1];
    const suppression = readFileSync(join(bicepDir, '.ps-rule', 'media-storage.Rule.yaml'), 'utf8');
    expect(prefix).toBe('stmed');
    expect(suppression).toMatch(new RegExp(`if:\\s*name: '\\.'\\s*startsWith: ${prefix}\\n`));
    expect([...suppression.matchAll(/^ {4}- (Azure\.[\w.]+)$/gm)].map((m) => m[1])).toEqual(['Azure.Storage.BlobPublicAccess', 'Azure.Storage.BlobAccessType']);
    expect(read('ps-rule.yaml')).toMatch(/path:\s*- bicep\/\.ps-rule\//);
    // No other account's name starts with it.
    for (const module of ['web-storage', 'functions', 'deployment-scripts']) expect(read('modules', `${module}.bicep`)).not.toContain(`'${prefix}`);
  });

  test(`when images are stored, then they live in the container "${mediaContainer}" (the path prefix of packages/contracts), and the module outputs its name and the blob endpoint`, () => {
    const containers = ofType(media, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(containers).toHaveLength(1);
    expect(propertyValue(containers[0].text, 'name')).toBe('mediaContainerName');
    expect(read('modules', 'media-storage.bicep')).toContain(`var mediaContainerName = '${mediaContainer}'`);
    const source = read('modules', 'media-storage.bicep');
    expect(source).toMatch(/output blobEndpoint string = 'https:\/\/\$\{storage\.name\}\.blob\.\$\{environment\(\)\.suffixes\.storage\}'/);
    expect(source).toMatch(/output containerName string = mediaContainer\.name/);
    expect(source).toMatch(/output name string = storage\.name/);
  });

  test('when the catalog reaches the account, then it goes through a blob private endpoint in the private endpoints subnet and the privatelink.blob zone', () => {
    const endpoint = declared(media, 'blobEndpoint');
    expect(endpoint.target).toBe('private-endpoint.bicep');
    expect(paramValue(endpoint.text, 'groupId')).toBe("'blob'");
    expect(paramValue(endpoint.text, 'targetResourceId')).toBe('storage.id');
    const module = declared(main, 'mediaStorage');
    expect(module.target).toBe('modules/media-storage.bicep');
    expect(paramValue(module.text, 'privateEndpointSubnetId')).toBe('network.outputs.subnetIds.privateEndpoints');
    expect(paramValue(module.text, 'privateDnsZoneId')).toBe('network.outputs.privateDnsZoneIds.blob');
  });

  test('when images go unread for long, then the lifecycle policy moves them to cool by last access (tracked by the blob service), back to hot on a read, and deletes nothing', () => {
    const blobService = declared(media, 'blobService');
    expect(blobService.text).toMatch(/lastAccessTimeTrackingPolicy: \{\s*enable: true/);
    const [policy] = ofType(media, 'Microsoft.Storage/storageAccounts/managementPolicies');
    expect(policy).toBeDefined();
    expect(propertyValue(policy.text, 'parent')).toBe('storage');
    expect(propertyValue(policy.text, 'name')).toBe("'default'");
    expect(stringsOf(policy.text, 'prefixMatch')).toEqual(['${mediaContainerName}/']);
    expect(stringsOf(policy.text, 'blobTypes')).toEqual(['blockBlob']);
    expect(policy.text).toMatch(/tierToCool: \{\s*daysAfterLastAccessTimeGreaterThan: coolAfterDaysWithoutAccess\s*\}/);
    expect(propertyValue(policy.text, 'enableAutoTierToHotFromCool')).toBe('true');
    expect(policy.text).not.toMatch(/\bdelete:|tierToArchive|tierToCold/);
    expect(policy.references).toContain('blobService');
    // The cool tier's 30-day minimum stays below the threshold.
    expect(read('modules', 'media-storage.bicep')).toMatch(/@minValue\(30\)\nparam coolAfterDaysWithoutAccess int = (\d+)/);
  });

  test('when roles are granted, then the catalog identity alone gets Storage Blob Data Contributor on the media container and Storage Blob Delegator on the account', () => {
    const assignments = ofType(media, 'Microsoft.Authorization/roleAssignments');
    const byRole = new Map(assignments.map((a) => [/roleDefinitions', (\w+)\)/.exec(a.text)?.[1], a]));
    expect(assignments).toHaveLength(2);
    const writer = byRole.get('blobDataContributorRoleId')!;
    const delegator = byRole.get('blobDelegatorRoleId')!;
    expect(propertyValue(writer.text, 'scope')).toBe('mediaContainer');
    expect(propertyValue(delegator.text, 'scope')).toBe('storage');
    for (const assignment of [writer, delegator]) {
      expect(propertyValue(assignment.text, 'principalId')).toBe('catalogPrincipalId');
      expect(propertyValue(assignment.text, 'principalType')).toBe("'ServicePrincipal'");
    }
    const source = read('modules', 'media-storage.bicep');
    expect(source).toContain(`var blobDataContributorRoleId = '${blobDataContributorRoleId}'`);
    expect(source).toContain(`var blobDelegatorRoleId = '${blobDelegatorRoleId}'`);
    expect(paramValue(declared(main, 'mediaStorage').text, 'catalogPrincipalId')).toBe("identities.outputs.identities[indexOf(serviceAppIds, 'catalog')].principalId");
  });

  test('when the deployment ends, then main outputs the account name and the blob account URL the chart needs', () => {
    const source = read('main.bicep');
    expect(source).toMatch(/output mediaStorageAccountName string = mediaStorage\.outputs\.name/);
    expect(source).toMatch(/output mediaBlobAccountUrl string = mediaStorage\.outputs\.blobEndpoint/);
  });
});

describe('bicep front door: /media/* from the media container over Private Link', () => {
  test('when Front Door reaches the media account, then it asks for a blob Private Link connection to it, as for the web files', () => {
    const origin = declared(frontDoor, 'mediaOrigin');
    expect(propertyValue(origin.text, 'parent')).toBe('mediaOriginGroup');
    expect(propertyValue(origin.text, 'hostName')).toBe('mediaStorageBlobHostName');
    expect(propertyValue(origin.text, 'originHostHeader')).toBe('mediaStorageBlobHostName');
    expect(propertyValue(origin.text, 'enforceCertificateNameCheck')).toBe('true');
    expect(origin.text).toMatch(/sharedPrivateLinkResource: \{\s*privateLink: \{\s*id: mediaStorageAccountId\s*\}\s*groupId: 'blob'\s*privateLinkLocation: mediaStorageLocation/);
    const module = declared(main, 'frontDoor');
    expect(paramValue(module.text, 'mediaStorageAccountId')).toBe('mediaStorage.outputs.resourceId');
    expect(paramValue(module.text, 'mediaStorageBlobHostName')).toBe('mediaStorage.outputs.blobHostName');
  });

  test('when /media/<hash>/640.webp is requested, then the media route sends it as it is (no origin path) to the media origin group, HTTPS only, cached as the blobs say and not recompressed', () => {
    const route = declared(frontDoor, 'mediaRoute');
    expect(route.text).toMatch(/originGroup: \{\s*id: mediaOriginGroup\.id\s*\}/);
    expect(stringsOf(route.text, 'patternsToMatch')).toEqual([`${MEDIA_PATH_PREFIX}/*`]);
    expect(route.text).not.toMatch(/^\s*originPath:/m);
    expect(stringsOf(route.text, 'supportedProtocols')).toEqual(['Https']);
    expect(propertyValue(route.text, 'forwardingProtocol')).toBe("'HttpsOnly'");
    expect(route.text).toMatch(/cacheConfiguration: \{/);
    expect(route.text).toMatch(/compressionSettings: \{\s*isCompressionEnabled: false/);
    // No rule of its own overrides the blobs' Cache-Control (the caching rule set's 7-day override is not attached).
    expect(route.references).not.toContain('cachingRules');
    expect(route.references).not.toContain('webAppRules');
    expect(declared(frontDoor, 'mediaResponseHeaders').text).not.toMatch(/RouteConfigurationOverride|CacheExpiration/);
  });

  test('when the routes match, then /media/* and /api/* each belong to one route and the storefront has the catch-all /* alone', () => {
    const routes = ofType(frontDoor, 'Microsoft.Cdn/profiles/afdEndpoints/routes');
    const patterns = new Map(routes.map((r) => [r.name, stringsOf(r.text, 'patternsToMatch')]));
    expect(Object.fromEntries(patterns)).toEqual({ apiRoute: ['/api/*'], webRoute: ['/*'], mediaRoute: ['/media/*'] });
    // Front Door picks the most specific pattern; the WAF still covers every path.
    expect(stringsOf(declared(frontDoor, 'securityPolicy').text, 'patternsToMatch')).toEqual(['/*']);
  });
});

describe('bicep front door: X-Client-Country on /api/* is Front Door\'s word, never the client\'s', () => {
  const countryRule = () => declared(frontDoor, 'setClientCountry');
  const deleteRule = () => declared(frontDoor, 'deleteClientCountry');

  test('when a request arrives, then the first rule deletes any X-Client-Country the client sent, with no condition', () => {
    const rule = deleteRule();
    expect(propertyValue(rule.text, 'parent')).toBe('clientCountryRules');
    expect(propertyValue(rule.text, 'order')).toBe('1');
    expect(propertyValue(rule.text, 'matchProcessingBehavior')).toBe("'Continue'");
    expect(rule.text).toMatch(/conditions: \[\]/);
    expect(rule.text).toMatch(/name: 'ModifyRequestHeader'\s*parameters: \{\s*typeName: 'DeliveryRuleHeaderActionParameters'\s*headerAction: 'Delete'\s*headerName: 'X-Client-Country'/);
    expect('X-Client-Country'.toLowerCase()).toBe(MarketRequest.clientCountryHeader);
  });

  test('when Front Door geolocates a client in one of clientCountries, then a rule after the delete overwrites X-Client-Country with that country', () => {
    const rule = countryRule();
    expect(rule.text).toMatch(/^resource setClientCountry '[^']+' = \[\s*for \(country, i\) in clientCountries: \{/);
    expect(propertyValue(rule.text, 'parent')).toBe('clientCountryRules');
    expect(propertyValue(rule.text, 'order')).toBe('i + 2');
    expect(propertyValue(rule.text, 'matchProcessingBehavior')).toBe("'Continue'");
    expect(rule.text).toMatch(/name: 'RemoteAddress'\s*parameters: \{\s*typeName: 'DeliveryRuleRemoteAddressConditionParameters'\s*operator: 'GeoMatch'\s*negateCondition: false\s*matchValues: \[\s*toUpper\(country\)\s*\]/);
    expect(rule.text).toMatch(/name: 'ModifyRequestHeader'\s*parameters: \{\s*typeName: 'DeliveryRuleHeaderActionParameters'\s*headerAction: 'Overwrite'\s*headerName: 'X-Client-Country'\s*value: toUpper\(country\)/);
    expect(rule.references).toContain('deleteClientCountry');
    expect(rule.text).not.toMatch(/ModifyResponseHeader|UrlRewrite|UrlRedirect/);
  });

  test('when the API route runs its rule sets, then the country rule set comes first and every rule of it exists before the route', () => {
    const route = declared(frontDoor, 'apiRoute');
    const ruleSetIds = [...(/ruleSets: \[([\s\S]*?)\n {4}\]/.exec(route.text)?.[1] ?? '').matchAll(/id: (\w+)\.id/g)].map((m) => m[1]);
    expect(ruleSetIds).toEqual(['clientCountryRules', 'cachingRules']);
    expect(route.references).toContain('deleteClientCountry');
    expect(route.references).toContain('setClientCountry');
    expect(declared(frontDoor, 'webRoute').references).not.toContain('clientCountryRules');
    expect(declared(frontDoor, 'mediaRoute').references).not.toContain('clientCountryRules');
  });

  test('when main deploys Front Door, then clientCountries defaults to the countries of the default markets, within the 100 rules a route may hold', () => {
    const source = read('main.bicep');
    const defaults = /param clientCountries string\[\] = \[([\s\S]*?)\n\]/.exec(source)?.[1] ?? '';
    const countries = [...defaults.matchAll(/'([A-Z]{2})'/g)].map((m) => m[1]);
    expect(countries).toEqual(defaultMarkets.flatMap((market) => market.countries));
    expect(paramValue(declared(main, 'frontDoor').text, 'clientCountries')).toBe('clientCountries');
    const limit = Number(/@maxLength\((\d+)\)\nparam clientCountries/.exec(read('modules', 'front-door.bicep'))?.[1]);
    const cachingRules = ofType(frontDoor, 'Microsoft.Cdn/profiles/ruleSets/rules').filter((r) => propertyValue(r.text, 'parent') === 'cachingRules').length;
    expect(limit + 1 + cachingRules).toBeLessThanOrEqual(100);
    expect(countries.length).toBeLessThanOrEqual(limit);
    expect(source).toContain(`@maxLength(${limit})\nparam clientCountries`);
  });
});

describe('chart: the catalog\'s media store', () => {
  const mediaAccountUrl = 'https://stmedshopprod7q3abc.blob.core.windows.net';
  const apis = ['--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor'];
  const configOf = (objects: KubeObject[], service: string) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `shop-${service}`)!.data as Record<string, string>;

  test('when production is rendered with the Bicep output, then catalog alone keeps its images in the blob container media of that account, signed in by workload identity', () => {
    const objects = renderShopForAks(exampleAksEnvironment, [...apis, '--set', `services.catalog.env.MEDIA_BLOB_ACCOUNT_URL=${mediaAccountUrl}`]);
    const catalog = configOf(objects, 'catalog');
    expect(catalog).toEqual(expect.objectContaining({ MEDIA_STORE: 'blob', MEDIA_BLOB_ACCOUNT_URL: mediaAccountUrl, MEDIA_BLOB_CONTAINER: mediaContainer }));
    expect(Object.keys(catalog).filter((key) => /CONNECTION_STRING|ACCOUNT_KEY|SAS/.test(key))).toEqual([]);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'shop-catalog')!;
    expect(deployment.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    for (const service of ['auth', 'cart', 'order']) expect(Object.keys(configOf(objects, service)).filter((key) => key.startsWith('MEDIA_'))).toEqual([]);
  });

  test.each([
    ['a connection string', 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc'],
    ['plain http', 'http://stmedshopprod.blob.core.windows.net'],
    ['an unset Skaffold variable', '<no value>'],
  ])('when MEDIA_BLOB_ACCOUNT_URL is %s, then the render fails on the schema', (_what, value) => {
    expect(() => renderShopForAks(exampleAksEnvironment, [...apis, '--set-string', `services.catalog.env.MEDIA_BLOB_ACCOUNT_URL=${value}`])).toThrow(
      /specifications of the schema[\s\S]*\/services\/catalog\/env\/MEDIA_BLOB_ACCOUNT_URL': '[^']*' does not match pattern/,
    );
  });

  test('when the catalog env carries a storage connection string, then the render fails on the schema', () => {
    expect(() => renderShopForAks(exampleAksEnvironment, [...apis, '--set-string', 'services.catalog.env.MEDIA_BLOB_CONNECTION_STRING=UseDevelopmentStorage=true'])).toThrow(
      /specifications of the schema[\s\S]*\/services\/catalog\/env': 'not' failed/,
    );
  });

  test('when values choose the blob store but name no account or container, then the render fails on the schema', () => {
    expect(() => renderShop('values-dev.yaml', ['--api-versions', 'dapr.io/v1alpha1', '--set', 'services.catalog.env.MEDIA_STORE=blob'])).toThrow(
      /specifications of the schema[\s\S]*\/services\/catalog\/env': missing properties 'MEDIA_BLOB_ACCOUNT_URL', 'MEDIA_BLOB_CONTAINER'/,
    );
  });

  test('when a local cluster is rendered, then catalog keeps images on its /tmp emptyDir, in one replica', () => {
    const objects = renderShop('values-dev.yaml');
    const catalog = configOf(objects, 'catalog');
    expect(catalog).toEqual(expect.objectContaining({ MEDIA_STORE: 'filesystem', MEDIA_DIRECTORY: '/tmp/media' }));
    expect(catalog.MEDIA_BLOB_ACCOUNT_URL).toBeUndefined();
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'shop-catalog')!;
    const app = deployment.spec.template.spec.containers.find((c: { name: string }) => c.name === 'catalog') ?? deployment.spec.template.spec.containers[0];
    expect(app.volumeMounts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'tmp', mountPath: '/tmp' })]));
    const autoscaler = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === 'shop-catalog');
    expect(autoscaler ? autoscaler.spec.maxReplicas : deployment.spec.replicas).toBe(1);
  });
});
