/**
 * A minimal ustar writer and reader for backup archives: regular files only, streamed, so an
 * archive of large attachments never sits in memory. Names up to 255 bytes (ustar prefix + name);
 * anything else (links, devices, absolute or `..` paths) is refused when reading, so a crafted
 * archive cannot write outside the folder it is restored into.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** The 512-byte ustar header of a regular file. */
export function tarHeader(name: string, size: number, mtime: Date): Buffer {
  const header = Buffer.alloc(BLOCK, 0);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`Archive entry name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  header.write(base, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);

/** Writes one entry from a buffer or a file on disk (whose size must not change while read). */
export async function writeEntry(out: Writable, name: string, source: Buffer | { file: string; size: number }, mtime = new Date()) {
  const size = Buffer.isBuffer(source) ? source.length : source.size;
  await write(out, tarHeader(name, size, mtime));
  if (Buffer.isBuffer(source)) {
    await write(out, source);
  } else {
    let written = 0;
    for await (const chunk of fs.createReadStream(source.file, { start: 0, end: Math.max(0, size - 1) })) {
      if (size === 0) break;
      written += (chunk as Buffer).length;
      await write(out, chunk as Buffer);
    }
    if (written !== size) throw new Error(`${source.file} changed size while it was archived`);
  }
  await write(out, padding(size));
}

/** The two zero blocks that end an archive. */
export const endOfArchive = (out: Writable) => write(out, Buffer.alloc(BLOCK * 2, 0));

function write(out: Writable, chunk: Buffer): Promise<void> {
  if (chunk.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (out.write(chunk)) resolve();
    else {
      const onDrain = () => {
        out.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        out.off('drain', onDrain);
        reject(error);
      };
      out.once('drain', onDrain);
      out.once('error', onError);
    }
  });
}

/** Pulls exact byte counts from a stream. */
class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private readonly iterator: AsyncIterator<Buffer>;
  constructor(stream: Readable) {
    this.iterator = stream[Symbol.asyncIterator]();
  }
  /** Up to `n` bytes (fewer only at the end of the stream). */
  async read(n: number): Promise<Buffer> {
    while (this.length < n) {
      const next = await this.iterator.next();
      if (next.done) break;
      this.buffered.push(next.value);
      this.length += next.value.length;
    }
    const all = Buffer.concat(this.buffered);
    const taken = all.subarray(0, n);
    const rest = all.subarray(n);
    this.buffered = rest.length ? [rest] : [];
    this.length = rest.length;
    return taken;
  }
}

export interface TarEntryInfo {
  name: string;
  size: number;
}

/**
 * Reads an archive; for each regular file `onEntry` says where to put its bytes: a file path,
 * `'buffer'` (returned in the callback's second call as `data`), or null to skip it.
 */
export async function readTar(
  stream: Readable,
  onEntry: (entry: TarEntryInfo) => string | 'buffer' | null,
  onBuffer: (entry: TarEntryInfo, data: Buffer) => void,
): Promise<void> {
  const reader = new ByteReader(stream);
  for (;;) {
    const header = await reader.read(BLOCK);
    if (header.length < BLOCK) throw new Error('The backup archive is truncated');
    if (header.every((b) => b === 0)) return;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const stored = Number.parseInt(field(148, 8).trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (sum !== stored) throw new Error('The backup archive is damaged (bad header checksum)');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    if (type !== '0' || !isSafeName(name)) throw new Error(`The backup archive holds an entry it should not: ${name}`);
    const target = onEntry({ name, size });
    if (target === 'buffer') {
      const data = await reader.read(size);
      if (data.length < size) throw new Error('The backup archive is truncated');
      onBuffer({ name, size }, data);
    } else {
      if (target) await fs.promises.mkdir(path.dirname(target), { recursive: true });
      const out = target ? fs.createWriteStream(target) : null;
      let left = size;
      while (left > 0) {
        const chunk = await reader.read(Math.min(left, 1024 * 1024));
        if (chunk.length === 0) throw new Error('The backup archive is truncated');
        left -= chunk.length;
        if (out) await write(out, chunk);
      }
      if (out) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    }
    await reader.read(padding(size).length);
  }
}

function isSafeName(name: string): boolean {
  if (!name || name.startsWith('/') || name.includes('\\')) return false;
  return name.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
