/**
 * Ticket attachments: streamed to the data folder while hashing, typed by content, recorded with
 * a timeline event; read back only by someone who may see the ticket (customers: public ones).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import type { Attachment } from '../../../common/api';
import type { Db } from '../../db/client';
import { attachments, tickets } from '../../db/schema';
import { isCustomer, type Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, notFound } from '../../platform/errors';
import type { Audit } from '../audit';
import { addEvent } from './events';
import { createTicketCommands, type TicketCommands } from './command';
import { visibleTo } from './repository';
import { classifyUpload, sanitizeFilename } from './upload-policy';
import { receiveUpload, uploadTmpDir, type ReceivedFile } from './uploads';

type AttachmentRow = typeof attachments.$inferSelect;

const toDto = (row: AttachmentRow): Attachment => ({
  id: row.id,
  ticketId: row.ticketId,
  filename: row.filename,
  contentType: row.contentType,
  size: row.size,
  public: row.public,
  createdAt: row.createdAt.toISOString(),
  url: `/api/attachments/${row.id}`,
});

export { uploadTmpDir, type ReceivedFile } from './uploads';

export function createAttachmentService(deps: {
  db: Db;
  clock: Clock;
  audit: Audit;
  filesDir: string;
  maxBytes: number;
  /** The one ticket write path; plain when not given (tests). */
  commands?: TicketCommands;
}) {
  const { db, clock, audit, filesDir } = deps;
  const commands = deps.commands ?? createTicketCommands({ db, clock });

  /** Streams to a temporary file, keeping the first bytes for sniffing and a running SHA-256 (uploads.ts). */
  const receive = (stream: Readable & { truncated?: boolean }): Promise<ReceivedFile> => receiveUpload(stream, { filesDir, maxBytes: deps.maxBytes });

  return {
    /** The temporary folder uploads stream into (housekeeping cleans what a crash left there). */
    tmpDir: uploadTmpDir(filesDir),

    receive,

    /** Removes a received file that will not be stored (safe when it is already gone). */
    async discard(received: ReceivedFile) {
      await fs.promises.rm(received.tmpPath, { force: true });
    },

    /**
     * Checks a received file and attaches it to the ticket; the temporary file is gone afterwards
     * either way. `public` is what the request said, once all of it was read (field order does
     * not matter): customers' uploads are always public, staff's internal unless marked public.
     */
    async store(actor: Actor, ticketId: string, file: { filename: string; received: ReceivedFile; public: boolean | undefined }): Promise<Attachment> {
      const { received } = file;
      let target: string | undefined;
      try {
        if (isCustomer(actor) && file.public === false) {
          throw new AppError('attachment.customer_public_only', 'Customers can only add attachments visible to both sides');
        }
        const isPublic = isCustomer(actor) || file.public === true;
        const filename = sanitizeFilename(file.filename);
        const detected = await fileTypeFromBuffer(received.head);
        const verdict = classifyUpload(detected?.mime, filename, received.head);
        if (!verdict.ok) throw new AppError(verdict.key, verdict.reason, verdict.params);
        const now = clock.now();
        const storageKey = path.posix.join(String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), crypto.randomUUID());
        const destination = path.join(filesDir, storageKey);
        target = destination;
        const row = await commands.change(actor, ticketId, async (write) => {
          const { tx, now } = write;
          await fs.promises.mkdir(path.dirname(destination), { recursive: true });
          await fs.promises.rename(received.tmpPath, destination);
          const [inserted] = await tx
            .insert(attachments)
            .values({
              ticketId,
              filename,
              contentType: verdict.contentType,
              size: received.size,
              sha256: received.sha256,
              storageKey,
              public: isPublic,
              uploadedById: actor.id,
              createdAt: now,
            })
            .returning();
          const eventId = await addEvent(tx, ticketId, actor.id, now, {
            kind: 'attachment',
            public: isPublic,
            data: { attachmentId: inserted!.id, filename, size: received.size, contentType: verdict.contentType },
          });
          await tx.update(attachments).set({ eventId }).where(eq(attachments.id, inserted!.id));
          write.emit('ticket.attachment_added', { attachmentId: inserted!.id, filename, public: isPublic });
          await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'attachment', inserted!.id, 'uploaded', null, {
            ticketId,
            filename,
            size: received.size,
            sha256: received.sha256,
          });
          return inserted!;
        });
        return toDto(row);
      } catch (error) {
        // Whatever failed, no orphan file stays behind (the rename may or may not have happened).
        await fs.promises.rm(received.tmpPath, { force: true });
        if (target) await fs.promises.rm(target, { force: true });
        throw error;
      }
    },

    async list(actor: Actor, ticketId: string): Promise<Attachment[]> {
      const [ticket] = await db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, ticketId), visibleTo(actor)));
      if (!ticket) throw notFound('ticket.not_found', 'Ticket');
      const rows = await db
        .select()
        .from(attachments)
        .where(and(eq(attachments.ticketId, ticketId), isCustomer(actor) ? eq(attachments.public, true) : undefined))
        .orderBy(attachments.createdAt);
      return rows.map(toDto);
    },

    /** The attachment and a stream of its bytes, if the actor may see its ticket (and, for customers, it is public). */
    async open(actor: Actor, attachmentId: string) {
      const [row] = await db
        .select({ attachment: attachments })
        .from(attachments)
        .innerJoin(tickets, eq(tickets.id, attachments.ticketId))
        .where(and(eq(attachments.id, attachmentId), visibleTo(actor), isCustomer(actor) ? eq(attachments.public, true) : undefined));
      if (!row) throw notFound('attachment.not_found', 'Attachment');
      const filePath = path.join(filesDir, row.attachment.storageKey);
      try {
        await fs.promises.access(filePath);
      } catch {
        throw new AppError('attachment.file_missing', 'The attachment file is missing from storage; restore the data folder from backup');
      }
      return { attachment: toDto(row.attachment), stream: fs.createReadStream(filePath) };
    },
  };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
