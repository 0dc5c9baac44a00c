import { Readable } from 'node:stream';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, RestError, type ContainerClient } from '@azure/storage-blob';
import { isMediaObjectName, type MediaStore, type StoredObject, type StoredObjectInfo } from './media-store';

/**
 * Where the Blob adapter connects: an account URL with a token credential (the service's managed identity in Azure,
 * never an account key), or a connection string (Azurite's public development account, in CI and locally).
 */
export type BlobMediaStoreOptions = { container: string } & ({ accountUrl: string; credential?: TokenCredential } | { connectionString: string });

/** Blocks in flight and their size for a streamed upload: bounded memory whatever the object's size. */
const UPLOAD_BUFFER_BYTES = 4 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 2;

/**
 * Keeps media as block blobs in one container (Azure Blob Storage, or Azurite). A put sends the blob with
 * `If-None-Match: *`, so a name that exists is left alone (409/412 means another writer stored the same bytes).
 * The blob's Content-Type and Cache-Control are set as its properties, so Front Door serves them as they are.
 */
export class BlobMediaStore implements MediaStore {
  private readonly container: ContainerClient;
  private containerReady?: Promise<unknown>;

  constructor(options: BlobMediaStoreOptions) {
    const service =
      'connectionString' in options
        ? BlobServiceClient.fromConnectionString(options.connectionString)
        : new BlobServiceClient(options.accountUrl, options.credential ?? new DefaultAzureCredential());
    this.container = service.getContainerClient(options.container);
  }

  async put(name: string, body: Readable | Buffer, options: { contentType: string; cacheControl?: string }): Promise<StoredObjectInfo> {
    const blob = this.blobOf(name);
    await this.ensureContainer();
    const headers = { blobContentType: options.contentType, ...(options.cacheControl ? { blobCacheControl: options.cacheControl } : {}) };
    const conditions = { conditions: { ifNoneMatch: '*' } };
    try {
      if (Buffer.isBuffer(body)) await blob.uploadData(body, { blobHTTPHeaders: headers, ...conditions });
      else await blob.uploadStream(body, UPLOAD_BUFFER_BYTES, UPLOAD_CONCURRENCY, { blobHTTPHeaders: headers, ...conditions });
    } catch (error) {
      if (!isAlreadyThere(error)) throw error;
      if (!Buffer.isBuffer(body)) body.resume();
    }
    const stored = await this.stat(name);
    if (!stored) throw new Error(`the media object ${name} vanished while it was written`);
    return stored;
  }

  async get(name: string): Promise<StoredObject | null> {
    try {
      const download = await this.blobOf(name).download();
      const stream = download.readableStreamBody;
      if (!stream) return null;
      return {
        name,
        contentType: download.contentType ?? 'application/octet-stream',
        cacheControl: download.cacheControl ?? null,
        size: download.contentLength ?? 0,
        body: stream instanceof Readable ? stream : Readable.from(stream as AsyncIterable<Buffer>),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async stat(name: string): Promise<StoredObjectInfo | null> {
    try {
      const properties = await this.blobOf(name).getProperties();
      return { name, contentType: properties.contentType ?? 'application/octet-stream', cacheControl: properties.cacheControl ?? null, size: properties.contentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await this.blobOf(name).deleteIfExists();
    } catch (error) {
      // No container yet: nothing to delete.
      if (!isNotFound(error)) throw error;
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.ensureContainer();
      await this.container.getProperties();
      return true;
    } catch {
      return false;
    }
  }

  private blobOf(name: string) {
    if (!isMediaObjectName(name)) throw new RangeError(`not a media object name: ${JSON.stringify(name)}`);
    return this.container.getBlockBlobClient(name);
  }

  private async ensureContainer(): Promise<void> {
    // A failed creation is retried on the next call rather than remembered.
    this.containerReady ??= this.container.createIfNotExists().catch((error: unknown) => {
      this.containerReady = undefined;
      throw error;
    });
    await this.containerReady;
  }
}

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** The conditional put lost to an object already under the name (412 Precondition Failed, or 409 BlobAlreadyExists). */
function isAlreadyThere(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412;
}
