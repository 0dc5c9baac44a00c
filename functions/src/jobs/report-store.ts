import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

/** Port: where the batch jobs keep the files they produce. `put` overwrites, so a re-run is idempotent. */
export interface ReportStore {
  /** Writes `content` under `name` (e.g. `daily/2024-03-04.csv`), replacing what was there → where it went. */
  put(name: string, content: string, contentType: string): Promise<string>;
}

/** Options of the Blob adapter: exactly one of an account URL (managed identity) or a connection string (Azurite). */
export type BlobReportStoreOptions = { container: string } & ({ accountUrl: string } | { connectionString: string });

/** Keeps reports as blobs in one container (created on first use). */
export class BlobReportStore implements ReportStore {
  private readonly container: ContainerClient;
  private containerReady?: Promise<unknown>;

  constructor(options: BlobReportStoreOptions) {
    const service =
      'connectionString' in options
        ? BlobServiceClient.fromConnectionString(options.connectionString)
        : new BlobServiceClient(options.accountUrl, new DefaultAzureCredential());
    this.container = service.getContainerClient(options.container);
  }

  async put(name: string, content: string, contentType: string): Promise<string> {
    // A failed creation is retried on the next put rather than remembered.
    this.containerReady ??= this.container.createIfNotExists().catch((error: unknown) => {
      this.containerReady = undefined;
      throw error;
    });
    await this.containerReady;
    const blob = this.container.getBlockBlobClient(name);
    const body = Buffer.from(content, 'utf8');
    await blob.uploadData(body, { blobHTTPHeaders: { blobContentType: contentType } });
    return blob.url;
  }
}

/** Keeps reports as files under a folder (`npm start`); a write is atomic (temp file, then rename). */
export class FolderReportStore implements ReportStore {
  constructor(private readonly root: string) {}

  async put(name: string, content: string): Promise<string> {
    const target = path.resolve(this.root, name);
    if (!target.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`Report name escapes the folder: ${name}`);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.tmp`;
    await writeFile(temporary, content, 'utf8');
    await rename(temporary, target);
    return target;
  }
}
