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

  it('when the package is imported and in-memory adapters are used, then neither node-redis nor the Dapr SDK is loaded', () => {
    const blocks = require('../src') as typeof import('../src');
    new blocks.InMemoryEventBus({ source: 'catalog' });
    new blocks.InMemoryStateStore();
    new blocks.HttpServiceInvoker({ services: {} });
    expect(mockLoaded).toEqual([]);
  });

  it('when a Dapr adapter is built, then the Dapr SDK is loaded then (and node-redis still is not)', () => {
    const blocks = require('../src') as typeof import('../src');
    new blocks.DaprStateStore({ daprHttpPort: 1 });
    new blocks.DaprEventBus({ source: 'catalog', daprHttpPort: 1 });
    // The SDK requires its own index internally, so it may be counted more than once.
    expect(new Set(mockLoaded)).toEqual(new Set(['@dapr/dapr']));
  });
});
