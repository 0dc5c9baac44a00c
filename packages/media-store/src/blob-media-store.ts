import { Readable } from 'node:stream';
import { RestError } from '@azure/storage-blob';
import { BlobContainer, type BlobContainerOptions } from './blob-container';
import { assertMediaObjectPrefix, isMediaObjectName, type ListedObject, type MediaStore, type StoredObject, type StoredObjectInfo } from './media-store';

/** Where the Blob adapter connects (managed identity in Azure, Azurite's connection string in CI and locally). */
export type BlobMediaStoreOptions = BlobContainerOptions;

/** Blocks in flight and their size for a streamed upload: bounded memory whatever the object's size. */
const UPLOAD_BUFFER_BYTES = 4 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 2;

/**
 * Keeps media as block blobs in one container (Azure Blob Storage, or Azurite). A put sends the blob with
 * `If-None-Match: *`, so a name that exists is left alone (409/412 means another writer stored the same bytes).
 * The blob's Content-Type and Cache-Control are set as its properties, so Front Door serves them as they are.
 */
export class BlobMediaStore implements MediaStore {
  private readonly container: BlobContainer;

  constructor(options: BlobMediaStoreOptions) {
    this.container = new BlobContainer(options);
  }

  async put(name: string, body: Readable | Buffer, options: { contentType: string; cacheControl?: string }): Promise<StoredObjectInfo> {
    const blob = this.blobOf(name);
    await this.container.ensureExists();
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

  async *list(prefix = ''): AsyncIterable<ListedObject> {
    assertMediaObjectPrefix(prefix);
    try {
      for await (const blob of this.container.client.listBlobsFlat(prefix === '' ? {} : { prefix })) {
        // Blobs the port could not have written (put by hand) are not its objects: get and delete would refuse them.
        if (isMediaObjectName(blob.name)) yield { name: blob.name, lastModified: blob.properties.lastModified };
      }
    } catch (error) {
      // No container yet: nothing stored.
      if (!isNotFound(error)) throw error;
    }
  }

  async ping(): Promise<boolean> {
    try {
      await (await this.container.ensureExists()).getProperties();
      return true;
    } catch {
      return false;
    }
  }

  private blobOf(name: string) {
    if (!isMediaObjectName(name)) throw new RangeError(`not a media object name: ${JSON.stringify(name)}`);
    return this.container.client.getBlockBlobClient(name);
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
