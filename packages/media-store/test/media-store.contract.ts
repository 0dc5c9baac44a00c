import { randomBytes, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { MediaStore } from '../src';

/** Reads a stream to its end. */
async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function nameOf(bytes: Buffer, suffix: string): string {
  return `${createHash('sha256').update(bytes).digest('hex')}/${suffix}`;
}

const immutable = 'public, max-age=31536000, immutable';

/** Every object a listing yields, sorted by name. */
async function listed(store: MediaStore, prefix?: string): Promise<Array<{ name: string; lastModified: Date }>> {
  const objects: Array<{ name: string; lastModified: Date }> = [];
  for await (const object of store.list(prefix)) objects.push(object);
  return objects.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The behaviour every MediaStore adapter has: the filesystem folder, Azurite and Azure Blob Storage alike.
 * `makeStore` gives a store over an empty location.
 */
export function mediaStoreContract(makeStore: () => Promise<MediaStore> | MediaStore): void {
  let store: MediaStore;
  beforeEach(async () => {
    store = await makeStore();
  });

  it('when an object is put from a buffer, then get returns its bytes, content type and cache control, and stat its size', async () => {
    const bytes = randomBytes(10_000);
    const name = nameOf(bytes, '640.webp');
    const stored = await store.put(name, bytes, { contentType: 'image/webp', cacheControl: immutable });
    expect(stored).toEqual({ name, contentType: 'image/webp', cacheControl: immutable, size: bytes.length });
    await expect(store.stat(name)).resolves.toEqual(stored);
    const object = await store.get(name);
    expect(object).not.toBeNull();
    expect({ ...object!, body: undefined }).toEqual({ ...stored, body: undefined });
    expect((await bytesOf(object!.body)).equals(bytes)).toBe(true);
  });

  it('when an object larger than one upload block is put from a stream of small chunks, then it reads back byte for byte', async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 123);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, index) => bytes.subarray(index * 65_536, (index + 1) * 65_536));
    const name = nameOf(bytes, 'original');
    const stored = await store.put(name, Readable.from(chunks), { contentType: 'image/png' });
    expect(stored.size).toBe(bytes.length);
    expect(stored.cacheControl).toBeNull();
    const object = await store.get(name);
    expect(createHash('sha256').update(await bytesOf(object!.body)).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('when a name that exists is put again, then the first object stays as it was (names are immutable) and the answer describes it', async () => {
    const first = randomBytes(2000);
    const name = nameOf(first, '320.jpeg');
    await store.put(name, first, { contentType: 'image/jpeg', cacheControl: immutable });
    const again = await store.put(name, Readable.from([randomBytes(3000)]), { contentType: 'image/png' });
    expect(again).toEqual({ name, contentType: 'image/jpeg', cacheControl: immutable, size: first.length });
    expect((await bytesOf((await store.get(name))!.body)).equals(first)).toBe(true);
  });

  it('when the same name is put by several writers at once, then every put resolves and one whole object is stored', async () => {
    const bytes = randomBytes(300_000);
    const name = nameOf(bytes, '1280.avif');
    const results = await Promise.all(Array.from({ length: 6 }, () => store.put(name, Readable.from([bytes.subarray(0, 150_000), bytes.subarray(150_000)]), { contentType: 'image/avif' })));
    for (const result of results) expect(result.size).toBe(bytes.length);
    expect((await bytesOf((await store.get(name))!.body)).equals(bytes)).toBe(true);
  });

  it('when writers of one name race with different content types, then every answer describes the one object stored', async () => {
    const bytes = randomBytes(50_000);
    const name = nameOf(bytes, 'original');
    const types = ['image/png', 'image/jpeg', 'image/webp', 'image/avif'];
    const results = await Promise.all(types.map((contentType) => store.put(name, Readable.from([bytes]), { contentType })));
    const stored = await store.stat(name);
    expect(types).toContain(stored!.contentType);
    for (const result of results) expect(result).toEqual(stored);
  });

  it('when a name was never put, then get and stat answer null, and deleting it is no error', async () => {
    const name = nameOf(randomBytes(16), 'original');
    await expect(store.get(name)).resolves.toBeNull();
    await expect(store.stat(name)).resolves.toBeNull();
    await expect(store.delete(name)).resolves.toBeUndefined();
  });

  it('when an object is deleted, then it is gone', async () => {
    const bytes = randomBytes(500);
    const name = nameOf(bytes, '320.webp');
    await store.put(name, bytes, { contentType: 'image/webp' });
    await store.delete(name);
    await expect(store.stat(name)).resolves.toBeNull();
  });

  it('when nothing was ever put, then the listing is empty, with or without a prefix', async () => {
    await expect(listed(store)).resolves.toEqual([]);
    await expect(listed(store, `${'b'.repeat(64)}/`)).resolves.toEqual([]);
  });

  it('when objects are put under two image folders, then the listing names each object once with when it was stored, and a prefix lists only its folder', async () => {
    const [first, second] = [randomBytes(400), randomBytes(400)];
    const before = Date.now();
    const firstNames = [nameOf(first, '320.webp'), nameOf(first, '640.webp'), nameOf(first, '640.jpeg')];
    const secondNames = [nameOf(second, '320.avif')];
    for (const name of [...firstNames, ...secondNames]) await store.put(name, Readable.from([first]), { contentType: 'image/webp', cacheControl: immutable });
    const after = Date.now();

    const everything = await listed(store);
    // Only the objects: no metadata beside them, no temporary files.
    expect(everything.map((object) => object.name)).toEqual([...firstNames, ...secondNames].sort());
    for (const object of everything) {
      expect(Number.isFinite(object.lastModified.getTime())).toBe(true);
      // Blob Storage keeps whole seconds; clocks of the emulator and the test may differ by a little.
      expect(object.lastModified.getTime()).toBeGreaterThanOrEqual(before - 5000);
      expect(object.lastModified.getTime()).toBeLessThanOrEqual(after + 5000);
    }
    const folder = firstNames[0].split('/')[0];
    expect((await listed(store, `${folder}/`)).map((object) => object.name)).toEqual([...firstNames].sort());
    expect((await listed(store, `${folder}/640.`)).map((object) => object.name)).toEqual([firstNames[1], firstNames[2]].sort());
    expect((await listed(store, folder.slice(0, 10))).map((object) => object.name)).toEqual([...firstNames].sort());
  });

  it('when an object is deleted, then the listing no longer names it', async () => {
    const bytes = randomBytes(300);
    const [kept, deleted] = [nameOf(bytes, '320.jpeg'), nameOf(bytes, '640.jpeg')];
    await store.put(kept, bytes, { contentType: 'image/jpeg' });
    await store.put(deleted, bytes, { contentType: 'image/jpeg' });
    await store.delete(deleted);
    expect((await listed(store)).map((object) => object.name)).toEqual([kept]);
  });

  it.each(['../', '/absolute', 'a/../', 'UPPER/', 'a b'])('when the listing prefix is %p, then the listing refuses it', async (prefix) => {
    await expect(listed(store, prefix)).rejects.toThrow(/name/);
  });

  it.each(['../escape', '/absolute', 'a/../../b', 'UPPER', 'a b', 'a\\b', ''])('when the name is %p, then every operation refuses it and nothing is written', async (name) => {
    await expect(store.put(name, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(/name/);
    await expect(store.get(name)).rejects.toThrow(/name/);
    await expect(store.stat(name)).rejects.toThrow(/name/);
  });

  it('when the store is asked whether it answers, then it says yes', async () => {
    await expect(store.ping()).resolves.toBe(true);
  });
}
