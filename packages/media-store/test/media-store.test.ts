import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeNeedingBackend, eventually } from '@shop/testing';
import { BlobMediaStore, FilesystemMediaStore } from '../src';
import { azuriteAvailability, startAzurite, type RunningAzurite } from './azurite';
import { mediaStoreContract } from './media-store.contract';

describe('FilesystemMediaStore', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
  const makeFolder = () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'media-store-'));
    folders.push(folder);
    return folder;
  };

  mediaStoreContract(() => new FilesystemMediaStore(makeFolder()));

  it('when a streamed put fails half way, then nothing is visible under the name and no temporary file is left', async () => {
    const folder = makeFolder();
    const store = new FilesystemMediaStore(folder);
    const name = `${'a'.repeat(64)}/original`;
    const failing = new (await import('node:stream')).Readable({
      read() {
        this.push(Buffer.alloc(1000, 1));
        this.destroy(new Error('the upload was cut off'));
      },
    });
    await expect(store.put(name, failing, { contentType: 'image/png' })).rejects.toThrow(/cut off/);
    await expect(store.stat(name)).resolves.toBeNull();
    expect(readdirSync(path.join(folder, 'a'.repeat(64))).filter((file) => file.includes('.tmp'))).toEqual([]);
  });
});

describeNeedingBackend('BlobMediaStore on a real Azurite blob endpoint', azuriteAvailability(), (executable) => {
  let azurite: RunningAzurite;
  beforeAll(async () => {
    azurite = await startAzurite(executable);
    const probe = new BlobMediaStore({ connectionString: azurite.connectionString, container: 'probe' });
    await eventually(() => probe.ping(), 15_000, 50);
  }, 20_000);
  afterAll(async () => {
    await azurite?.stop();
  });

  // A container per test: each starts on an empty store, as the filesystem adapter's folder does.
  mediaStoreContract(() => new BlobMediaStore({ connectionString: azurite.connectionString, container: `media-${randomUUID().slice(0, 8)}` }));
});
