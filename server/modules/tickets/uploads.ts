/**
 * Stored files, shared by ticket attachments and contract attachments (the signed PDF): an upload
 * is streamed to a temporary file while hashing (refused past `maxBytes`), its type is decided by
 * its content (upload-policy.ts), then it is moved under `<filesDir>/<yyyy>/<mm>/<uuid>` and read
 * back as a stream with download headers that never let a browser run it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../../platform/errors';
import { classifyUpload, sanitizeFilename } from './upload-policy';

const SNIFF_BYTES = 4100;

/** An upload streamed to a temporary file, not yet attached to anything. */
export interface ReceivedFile {
  tmpPath: string;
  size: number;
  sha256: string;
  /** The first bytes, for sniffing the type. */
  head: Buffer;
}

/** Where uploads are streamed before they are checked and stored: housekeeping cleans it. */
export const uploadTmpDir = (filesDir: string) => path.join(filesDir, 'tmp');

/** Streams to a temporary file, keeping the first bytes for sniffing and a running SHA-256. */
export async function receiveUpload(stream: Readable & { truncated?: boolean }, options: { filesDir: string; maxBytes: number }): Promise<ReceivedFile> {
  const tmpDir = uploadTmpDir(options.filesDir);
  await fs.promises.mkdir(tmpDir, { recursive: true });
  const tmpPath = path.join(tmpDir, crypto.randomUUID());
  const hash = crypto.createHash('sha256');
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      if (headLength < SNIFF_BYTES) {
        headChunks.push(chunk.subarray(0, SNIFF_BYTES - headLength));
        headLength += Math.min(chunk.length, SNIFF_BYTES - headLength);
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(stream, tap, fs.createWriteStream(tmpPath));
  } catch (error) {
    await fs.promises.rm(tmpPath, { force: true });
    throw error;
  }
  if (stream.truncated) {
    await fs.promises.rm(tmpPath, { force: true });
    const maxMb = Math.round(options.maxBytes / 1048576);
    throw new AppError('attachment.too_large', `The file is larger than ${maxMb} MB`, { maxMb });
  }
  return { tmpPath, size, sha256: hash.digest('hex'), head: Buffer.concat(headChunks) };
}

/** The safe display name and the content type decided from the bytes; a refused file throws its keyed 415. */
export async function checkUpload(filename: string, received: ReceivedFile): Promise<{ filename: string; contentType: string }> {
  const safeName = sanitizeFilename(filename);
  const detected = await fileTypeFromBuffer(received.head);
  const verdict = classifyUpload(detected?.mime, safeName, received.head);
  if (!verdict.ok) throw new AppError(verdict.key, verdict.reason, verdict.params);
  return { filename: safeName, contentType: verdict.contentType };
}

/** A fresh storage key (relative to the files folder) for a file stored at `now`. */
export function newStorageKey(now: Date): string {
  return path.posix.join(String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), crypto.randomUUID());
}

/** Moves a received file to its storage key; returns the absolute path (to remove it again if the write fails). */
export async function placeUpload(filesDir: string, received: ReceivedFile, storageKey: string): Promise<string> {
  const destination = path.join(filesDir, storageKey);
  await fs.promises.mkdir(path.dirname(destination), { recursive: true });
  await fs.promises.rename(received.tmpPath, destination);
  return destination;
}

/** A stored file's bytes, or 404 `attachment.file_missing` when the data folder lost it. */
export async function openStoredFile(filesDir: string, storageKey: string) {
  const filePath = path.join(filesDir, storageKey);
  try {
    await fs.promises.access(filePath);
  } catch {
    throw new AppError('attachment.file_missing', 'The attachment file is missing from storage; restore the data folder from backup');
  }
  return fs.createReadStream(filePath);
}

/** Removes a received file that will not be stored (safe when it is already gone). */
export async function discardUpload(received: ReceivedFile) {
  await fs.promises.rm(received.tmpPath, { force: true });
}

/** Removes a stored file (safe when it is already gone). */
export async function removeStoredFile(filesDir: string, storageKey: string) {
  await fs.promises.rm(path.join(filesDir, storageKey), { force: true });
}

/** The download headers of a stored file: typed, never sniffed or run, the name in ASCII and in UTF-8. */
export function downloadHeaders(file: { filename: string; contentType: string; size: number }, inline = false): Record<string, string> {
  const ascii = file.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return {
    'content-type': file.contentType,
    'content-length': String(file.size),
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, max-age=0',
  };
}
