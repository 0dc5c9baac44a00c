import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { imageUploadFieldsSchema, type ImageUploadFields } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { parseOrThrow } from '@shop/platform';
import { IMAGE_SNIFF_BYTES } from '../domain/product-image';

/** An image upload spooled to a temporary file: where it is, its SHA-256, its first bytes and the form's fields. */
export interface ReceivedImage {
  file: string;
  sha256: string;
  size: number;
  head: Buffer;
  fields: ImageUploadFields;
}

/** Room for the multipart framing and the small fields beside the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Reads a `multipart/form-data` upload with one `file` part into a temporary file, hashing it on the way, and runs
 * `work` on it; the file is removed afterwards whatever happens. Memory stays bounded: the part streams to disk, and
 * past `maxBytes` nothing more is kept (413). The part's file name and Content-Type are ignored: what the bytes are
 * is judged from the bytes.
 */
export async function withReceivedImage<T>(req: Request, limits: { maxBytes: number }, work: (upload: ReceivedImage) => Promise<T>): Promise<T> {
  if (!req.is('multipart/form-data')) {
    throw new AppError('unsupported_media_type', `Expected multipart/form-data with a "file" part, got ${req.headers['content-type'] ?? 'no Content-Type'}`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge(limits.maxBytes);
  const directory = await mkdtemp(path.join(tmpdir(), 'catalog-upload-'));
  try {
    const upload = await receive(req, path.join(directory, 'upload'), limits.maxBytes);
    return await work(upload);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `An image may have at most ${maxBytes} bytes`, { extensions: { maxBytes } });
}

/** Parses the request into `target`; rejects with a problem when the form is not one image upload. */
function receive(req: Request, target: string, maxBytes: number): Promise<ReceivedImage> {
  return new Promise<ReceivedImage>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // fileSize one past the limit: a part that reaches it is too large (busboy truncates it there and says so).
      parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes + 1, files: 1, fields: 4, fieldSize: 2048, parts: 6 } });
    } catch (error) {
      reject(new AppError('invalid', 'The multipart body has no boundary', { cause: error }));
      return;
    }
    const fields: Record<string, string> = {};
    let spooled: Promise<{ sha256: string; size: number; head: Buffer; truncated: boolean }> | undefined;
    let failure: AppError | undefined;
    const fail = (error: AppError) => {
      failure ??= error;
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(AppError.fromIssues([{ path: [name], message: 'is too long' }], 'body'));
      else fields[name] = value;
    });
    parser.on('file', (name, stream) => {
      if (name !== 'file' || spooled) {
        fail(AppError.fromIssues([{ path: [name], message: 'is not a field of an image upload (one "file" part)' }], 'body'));
        stream.resume();
        return;
      }
      spooled = spool(stream, target);
      // Rejections are read where the promise is awaited; this only keeps an early one from going unhandled.
      spooled.catch(() => undefined);
    });
    parser.on('filesLimit', () => fail(AppError.fromIssues([{ path: ['file'], message: 'must be sent once' }], 'body')));
    parser.on('fieldsLimit', () => fail(AppError.fromIssues([{ path: [], message: 'has too many fields' }], 'body')));
    parser.on('partsLimit', () => fail(AppError.fromIssues([{ path: [], message: 'has too many parts' }], 'body')));
    parser.on('error', (error: unknown) => {
      req.unpipe(parser);
      req.resume();
      reject(new AppError('invalid', 'The multipart body is malformed', { cause: error }));
    });
    parser.on('close', () => {
      void (async () => {
        if (failure) throw failure;
        if (!spooled) throw AppError.fromIssues([{ path: ['file'], message: 'is required (a multipart part named "file")' }], 'body');
        const file = await spooled;
        if (file.truncated) throw tooLarge(maxBytes);
        if (file.size === 0) throw AppError.fromIssues([{ path: ['file'], message: 'is empty' }], 'body');
        const parsedFields = parseOrThrow(imageUploadFieldsSchema, fields, 'body');
        return { file: target, sha256: file.sha256, size: file.size, head: file.head, fields: parsedFields };
      })().then(resolve, reject);
    });
    // A client that goes away mid-upload: no 'close' would come from the parser, so the request's own ends it.
    req.once('close', () => {
      if (req.complete) return;
      req.unpipe(parser);
      parser.destroy();
      reject(new AppError('invalid', 'The upload was cut off before its end'));
    });
    req.pipe(parser);
  });
}

/** Streams one part to `target`, hashing it and keeping its first bytes. */
async function spool(stream: Readable & { truncated?: boolean }, target: string): Promise<{ sha256: string; size: number; head: Buffer; truncated: boolean }> {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const observe = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      if (head.length < IMAGE_SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, IMAGE_SNIFF_BYTES - head.length)]);
      callback(null, chunk);
    },
  });
  await pipeline(stream, observe, createWriteStream(target, { flags: 'wx' }));
  return { sha256: hash.digest('hex'), size, head, truncated: stream.truncated === true };
}
