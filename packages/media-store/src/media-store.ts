import type { Readable } from 'node:stream';

/** What the store keeps beside an object's bytes. */
export interface StoredObjectInfo {
  /** The object's name: content-addressed, so one name never changes its bytes. */
  name: string;
  contentType: string;
  /** The Cache-Control the object is served with (Blob Storage keeps it as a property, so Front Door serves it as is). */
  cacheControl: string | null;
  /** Size in bytes. */
  size: number;
}

/** An object being read: its description and a stream of its bytes (the caller must consume or destroy it). */
export interface StoredObject extends StoredObjectInfo {
  body: Readable;
}

/** An object as a listing names it: enough to decide whether it is old enough to sweep, without reading it. */
export interface ListedObject {
  name: string;
  /** When the object was stored (its bytes are never rewritten, so this is when it was put). */
  lastModified: Date;
}

/**
 * Where product media lives: immutable objects named by content hash. Writing a name that exists already is a no-op
 * (same name, same bytes), so uploads and seeds are idempotent and a retry never duplicates anything.
 *
 * Adapters: Azure Blob Storage (managed identity in production, Azurite with its well-known development account in CI
 * and locally), and a folder on the local filesystem for the embedded `npm start`.
 */
export interface MediaStore {
  /**
   * Stores `body` under `name` unless an object of that name exists already; a half-written object is never visible
   * under the name. Resolves with what is stored under the name afterwards.
   */
  put(name: string, body: Readable | Buffer, options: { contentType: string; cacheControl?: string }): Promise<StoredObjectInfo>;
  /** The object of that name, or null when there is none. */
  get(name: string): Promise<StoredObject | null>;
  /** The description of the object of that name, or null when there is none (no bytes read). */
  stat(name: string): Promise<StoredObjectInfo | null>;
  /** Removes the object of that name; removing one that is not there is not an error. */
  delete(name: string): Promise<void>;
  /**
   * Every object whose name starts with `prefix` (all of them without one), each once, in no promised order; only
   * objects `get` would find (never an adapter's own metadata or half-written files). A prefix is a name or the start
   * of one (`<imageId>/`); one that no name could start with is refused like a bad name.
   */
  list(prefix?: string): AsyncIterable<ListedObject>;
  /** Whether the store answers (readiness). */
  ping(): Promise<boolean>;
}

/** Names an object may have: lower-case letters, digits, dots, dashes and underscores, with `/` separating folders. */
export const MEDIA_OBJECT_NAME = /^[a-z0-9][a-z0-9._-]{0,127}(\/[a-z0-9][a-z0-9._-]{0,127}){0,3}$/;

/** True when `name` may name an object (no `..`, no absolute paths, nothing a filesystem or blob path would read differently). */
export function isMediaObjectName(name: string): boolean {
  return MEDIA_OBJECT_NAME.test(name) && !name.split('/').some((part) => part === '.' || part === '..' || part.includes('..'));
}

/** True when `prefix` may start a name: empty, or a name with or without a trailing `/` (`<imageId>/`). */
export function isMediaObjectPrefix(prefix: string): boolean {
  return prefix === '' || isMediaObjectName(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

/** Throws the RangeError every operation gives for a prefix no name could start with. */
export function assertMediaObjectPrefix(prefix: string): void {
  if (!isMediaObjectPrefix(prefix)) throw new RangeError(`not a media object name prefix: ${JSON.stringify(prefix)}`);
}
