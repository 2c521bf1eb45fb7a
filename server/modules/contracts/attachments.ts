/**
 * A contract's files (the signed PDF, scans): stored like ticket attachments (tickets/uploads.ts:
 * streamed while hashing, size limit, type decided by content, safe names), added and removed by
 * whoever may change the contract, downloaded by whoever may see it (customer users: their own
 * organisation's contracts).
 */
import type { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import type { ContractDetail } from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import { contractAttachments } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { notFound } from '../../platform/errors';
import type { Audit } from '../audit';
import { checkUpload, discardUpload, newStorageKey, openStoredFile, placeUpload, receiveUpload, removeStoredFile, uploadTmpDir, type ReceivedFile } from '../tickets/uploads';
import { toAttachmentDto, type ContractRow } from './repository';

export type ContractAttachment = ContractDetail['attachments'][number];

export function createContractAttachments(deps: {
  db: Db;
  clock: Clock;
  audit: Audit;
  filesDir: string;
  maxUploadBytes: number;
  visible(tx: Db, actor: Actor, id: string): Promise<ContractRow>;
  writable(tx: Db, actor: Actor, id: string): Promise<ContractRow>;
}) {
  const { db, clock, audit, filesDir } = deps;

  return {
    /** The temporary folder uploads stream into (housekeeping cleans what a crash left there). */
    uploadTmpDir: uploadTmpDir(filesDir),

    receiveAttachment: (stream: Readable & { truncated?: boolean }) => receiveUpload(stream, { filesDir, maxBytes: deps.maxUploadBytes }),

    /** Removes a received file that will not be stored (safe when it is already gone). */
    discardAttachment: (received: ReceivedFile) => discardUpload(received),

    /** Checks a received file and adds it to the contract; no file stays behind when anything fails. */
    async addAttachment(actor: Actor, contractId: string, file: { filename: string; received: ReceivedFile }): Promise<ContractAttachment> {
      let placed: string | undefined;
      try {
        // The contract first: a stranger's upload is a 404 before its type is judged.
        await deps.writable(db, actor, contractId);
        const { filename, contentType } = await checkUpload(file.filename, file.received);
        const now = clock.now();
        const storageKey = newStorageKey(now);
        placed = storageKey;
        await placeUpload(filesDir, file.received, storageKey);
        return await db.transaction(async (tx) => {
          await deps.writable(tx, actor, contractId);
          const [row] = await tx
            .insert(contractAttachments)
            .values({
              contractId,
              filename,
              contentType,
              size: file.received.size,
              sha256: file.received.sha256,
              storageKey,
              uploadedById: actor.id,
              createdAt: now,
            })
            .returning();
          await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'contract_attachment', row!.id, 'uploaded', null, {
            contractId,
            filename,
            size: row!.size,
            sha256: row!.sha256,
          });
          return toAttachmentDto(row!, actor.name);
        });
      } catch (error) {
        if (placed) await removeStoredFile(filesDir, placed);
        throw error;
      }
    },

    /** The file and a stream of its bytes, if the actor may see the contract. */
    async openAttachment(actor: Actor, contractId: string, attachmentId: string) {
      await deps.visible(db, actor, contractId);
      const [row] = await db
        .select()
        .from(contractAttachments)
        .where(and(eq(contractAttachments.id, attachmentId), eq(contractAttachments.contractId, contractId)));
      if (!row) throw notFound('attachment.not_found', 'Attachment');
      return { attachment: row, stream: await openStoredFile(filesDir, row.storageKey) };
    },

    /** Removes the row (audited), then the file once that has committed. */
    async deleteAttachment(actor: Actor, contractId: string, attachmentId: string): Promise<void> {
      const storageKey = await db.transaction(async (tx) => {
        await deps.writable(tx, actor, contractId);
        const [row] = await tx
          .delete(contractAttachments)
          .where(and(eq(contractAttachments.id, attachmentId), eq(contractAttachments.contractId, contractId)))
          .returning();
        if (!row) throw notFound('attachment.not_found', 'Attachment');
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'contract_attachment', row.id, 'deleted', {
          contractId,
          filename: row.filename,
          size: row.size,
          sha256: row.sha256,
        });
        return row.storageKey;
      });
      await removeStoredFile(filesDir, storageKey);
    },
  };
}
