import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BlobContainer } from '@shop/media-store';

/** Port: where the batch jobs keep the files they produce. `put` overwrites, so a re-run is idempotent. */
export interface ReportStore {
  /** Writes `content` under `name` (e.g. `daily/2024-03-04.csv`), replacing what was there → where it went. */
  put(name: string, content: string, contentType: string): Promise<string>;
}

/** Options of the Blob adapter: exactly one of an account URL (managed identity) or a connection string (Azurite). */
export type BlobReportStoreOptions = { container: string } & ({ accountUrl: string } | { connectionString: string });

/** Keeps reports as blobs in one container (created on first use). */
export class BlobReportStore implements ReportStore {
  private readonly container: BlobContainer;

  constructor(options: BlobReportStoreOptions) {
    this.container = new BlobContainer(options);
  }

  async put(name: string, content: string, contentType: string): Promise<string> {
    const blob = (await this.container.ensureExists()).getBlockBlobClient(name);
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
