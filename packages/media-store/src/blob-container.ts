import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

/**
 * Where a Blob adapter connects: an account URL with a token credential (the service's managed identity in Azure,
 * never an account key), or a connection string (Azurite's public development account, in CI and locally).
 */
export type BlobContainerOptions = { container: string } & ({ accountUrl: string; credential?: TokenCredential } | { connectionString: string });

/**
 * One container of a storage account, created on first use. A failed creation is tried again on the next use rather
 * than remembered, so a store that started while Blob Storage was unreachable recovers by itself.
 */
export class BlobContainer {
  readonly client: ContainerClient;
  private ready?: Promise<unknown>;

  constructor(options: BlobContainerOptions) {
    const service =
      'connectionString' in options
        ? BlobServiceClient.fromConnectionString(options.connectionString)
        : new BlobServiceClient(options.accountUrl, options.credential ?? new DefaultAzureCredential());
    this.client = service.getContainerClient(options.container);
  }

  /** The container, created first if this process has not seen it yet. */
  async ensureExists(): Promise<ContainerClient> {
    this.ready ??= this.client.createIfNotExists().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    return this.client;
  }
}
