// Hoisted above the imports: each factory runs only if its module is actually required.
let mockLoaded: string[] = [];
jest.mock('@dapr/dapr', () => {
  mockLoaded.push('@dapr/dapr');
  return jest.requireActual('@dapr/dapr');
});
jest.mock('redis', () => {
  mockLoaded.push('redis');
  return jest.requireActual('redis');
});

describe('driver loading', () => {
  beforeEach(() => {
    mockLoaded = [];
    jest.resetModules();
  });

  // A fresh import after resetModules (compiled to a require, so the mocks above see what it loads).
  it('when the package is imported and in-memory adapters are used, then neither node-redis nor the Dapr SDK is loaded', async () => {
    const blocks = await import('@shop/building-blocks');
    new blocks.InMemoryEventBus({ source: 'catalog' });
    new blocks.InMemoryStateStore();
    new blocks.HttpServiceInvoker({ services: {} });
    expect(mockLoaded).toEqual([]);
  });

  it('when a Dapr adapter is built, then the Dapr SDK is loaded then (and node-redis still is not)', async () => {
    const blocks = await import('@shop/building-blocks');
    new blocks.DaprStateStore({ daprHttpPort: 1 });
    new blocks.DaprEventBus({ source: 'catalog', daprHttpPort: 1 });
    // The SDK requires its own index internally, so it may be counted more than once.
    expect(new Set(mockLoaded)).toEqual(new Set(['@dapr/dapr']));
  });
});
