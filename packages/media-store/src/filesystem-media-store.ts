import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertMediaObjectPrefix, isMediaObjectName, type ListedObject, type MediaStore, type StoredObject, type StoredObjectInfo } from './media-store';

/** The suffix of an object's metadata file beside its bytes. */
const SIDECAR_SUFFIX = '.meta.json';

/** A put's temporary bytes (`<name>.<uuid>.tmp`), which a listing must not mistake for an object. */
const TEMPORARY_FILE = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

interface SidecarMetadata {
  contentType: string;
  cacheControl: string | null;
}

/**
 * Keeps media as files under one folder (the embedded `npm start`). Each object is its bytes plus a small
 * `<name>.meta.json` beside them. A put writes temporary files and then hard-links them under the name, which fails
 * when the name exists: concurrent puts of one name leave one complete object, never a mix.
 */
export class FilesystemMediaStore implements MediaStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(name: string, body: Readable | Buffer, options: { contentType: string; cacheControl?: string }): Promise<StoredObjectInfo> {
    const target = this.pathOf(name);
    const existing = await this.stat(name);
    if (existing) {
      if (!Buffer.isBuffer(body)) body.resume();
      return existing;
    }
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.tmp`;
    const temporaryMetadata = `${temporary}${SIDECAR_SUFFIX}`;
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(temporary, { flags: 'wx' }));
      const metadata: SidecarMetadata = { contentType: options.contentType, cacheControl: options.cacheControl ?? null };
      await writeFile(temporaryMetadata, JSON.stringify(metadata), { flag: 'wx' });
      // Both files are claimed by a hard link, which fails when the name exists: the first writer's metadata and bytes
      // stay, a later writer of the same name changes neither. The metadata goes first, so a reader that finds the
      // bytes always finds what they are.
      await linkUnlessPresent(temporaryMetadata, `${target}${SIDECAR_SUFFIX}`);
      await linkUnlessPresent(temporary, target);
    } finally {
      await Promise.all([rm(temporary, { force: true }), rm(temporaryMetadata, { force: true })]);
    }
    const stored = await this.stat(name);
    if (!stored) throw new Error(`the media object ${name} vanished while it was written`);
    return stored;
  }

  async get(name: string): Promise<StoredObject | null> {
    const info = await this.stat(name);
    if (!info) return null;
    return { ...info, body: createReadStream(this.pathOf(name)) };
  }

  async stat(name: string): Promise<StoredObjectInfo | null> {
    const target = this.pathOf(name);
    try {
      const [file, metadataText] = await Promise.all([stat(target), readFile(`${target}${SIDECAR_SUFFIX}`, 'utf8')]);
      if (!file.isFile()) return null;
      const metadata = JSON.parse(metadataText) as SidecarMetadata;
      return { name, contentType: metadata.contentType, cacheControl: metadata.cacheControl, size: file.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    const target = this.pathOf(name);
    await rm(target, { force: true });
    await rm(`${target}${SIDECAR_SUFFIX}`, { force: true });
  }

  async *list(prefix = ''): AsyncIterable<ListedObject> {
    assertMediaObjectPrefix(prefix);
    // Only the folder the prefix names is walked (`<imageId>/` is one small folder), not the whole store.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    for await (const object of this.objectsUnder(folder === '' ? this.root : this.pathOf(folder))) {
      if (object.name.startsWith(prefix)) yield object;
    }
  }

  async ping(): Promise<boolean> {
    try {
      await mkdir(this.root, { recursive: true });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The objects in a folder and below it. A file is an object when its sidecar is beside it (a put links the sidecar
   * first and a delete removes it last), so a sidecar is never listed as an object of its own, nor are a put's
   * temporary files.
   */
  private async *objectsUnder(folder: string): AsyncIterable<ListedObject> {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    const files = new Set(entries.filter((entry) => entry.isFile()).map((entry) => entry.name));
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        yield* this.objectsUnder(full);
        continue;
      }
      if (!entry.isFile() || !files.has(`${entry.name}${SIDECAR_SUFFIX}`) || TEMPORARY_FILE.test(entry.name)) continue;
      const name = path.relative(this.root, full).split(path.sep).join('/');
      if (!isMediaObjectName(name)) continue;
      try {
        yield { name, lastModified: (await stat(full)).mtime };
      } catch (error) {
        // Deleted since the folder was read: not there any more.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /** The file of a name; a name that could leave the folder is refused before any file is touched. */
  private pathOf(name: string): string {
    if (!isMediaObjectName(name)) throw new RangeError(`not a media object name: ${JSON.stringify(name)}`);
    const target = path.resolve(this.root, name);
    if (!target.startsWith(this.root + path.sep)) throw new RangeError(`media object name escapes the folder: ${JSON.stringify(name)}`);
    return target;
  }
}

/** Links `source` under `target` unless something is there already (another writer of the same name won). */
async function linkUnlessPresent(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
