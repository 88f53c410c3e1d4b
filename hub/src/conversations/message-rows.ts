import type { Kysely } from 'kysely';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ImageMimeType, MessageView, Role } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { AppendInput } from './message-log.ts';

/** Who sends a message, as its event shows them. */
export type MessageSender = MessageView['sender'] & { role: Role };

/** An image a message carries, as its event shows it. */
export type AttachedImage = NonNullable<MessageView['image']>;

/** The columns a new message is written with (status and edit time are fixed for a new one). */
export const MESSAGE_COLUMNS = [
  'id',
  'group_id',
  'seq',
  'sender_id',
  'client_id',
  'text',
  'reply_to_seq',
  'mentions',
  'image_id',
  'created_at',
] as const;

/** A new message's row as it is written. */
export type NewMessageRow = { [column in (typeof MESSAGE_COLUMNS)[number]]: Database['messages'][column] };

/** A quote names an earlier message of the conversation: one below the seq the new message takes. */
export function assertQuotable(input: AppendInput, seq: number): void {
  if (input.replyToSeq != null && input.replyToSeq >= seq) throw errors.invalid('the quoted message does not exist');
}

/** The row of a new message with its seq, under a fresh id (one append or one of a batch). */
export function newMessageRow(input: AppendInput, seq: number, createdAt: number): NewMessageRow {
  return {
    id: newId(),
    group_id: input.groupId,
    seq,
    sender_id: input.senderId,
    client_id: input.clientId,
    text: input.text,
    reply_to_seq: input.replyToSeq ?? null,
    mentions: input.mentions ?? null,
    image_id: input.imageId ?? null,
    created_at: createdAt,
  };
}

/**
 * How a stored message is read and presented: the one select (message, sender, image) and the one
 * mapping to what clients get. The log's reads and the catch-up read share them, so a message looks
 * the same whichever way it reached a client.
 */
export function selectMessages(exec: Kysely<Database>) {
  return exec
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.sender_id')
    .leftJoin('images as i', 'i.id', 'm.image_id')
    .select([
      'm.id',
      'm.group_id',
      'm.seq',
      'm.client_id',
      'm.text',
      'm.reply_to_seq',
      'm.mentions',
      'm.status',
      'm.created_at',
      'm.change_seq',
      'u.id as sender_id',
      'u.name as sender_name',
      'u.role as sender_role',
    ])
    .select(['i.id as image_id', 'i.width as image_width', 'i.height as image_height', 'i.mime as image_mime']);
}

/** A row of {@link selectMessages}. */
export type MessageRow = Awaited<ReturnType<ReturnType<typeof selectMessages>['executeTakeFirstOrThrow']>>;

/** A stored message as clients see it. */
export function toMessageView(r: MessageRow): MessageView {
  const visible = r.status === 'ok';
  const mentions: unknown = visible && r.mentions ? JSON.parse(r.mentions) : [];
  return {
    id: r.id,
    groupId: r.group_id,
    seq: r.seq,
    sender: { id: r.sender_id, name: r.sender_name, role: r.sender_role },
    clientId: r.client_id,
    // A recalled or removed message is a placeholder for everyone: its text never leaves the hub.
    text: visible ? r.text : '',
    replyToSeq: r.reply_to_seq,
    mentions: Array.isArray(mentions) ? (mentions as string[]) : [],
    mentionAll: mentions === 'all',
    image:
      visible && r.image_id
        ? { id: r.image_id, width: r.image_width!, height: r.image_height!, mime: r.image_mime as ImageMimeType }
        : null,
    status: r.status,
    createdAt: r.created_at,
    changeSeq: r.change_seq,
  };
}

/**
 * A message just written, as clients see it, built from its row and what the writer knew of the
 * sender and the image: the write needs no read-back.
 */
export function newMessageView(row: NewMessageRow, sender: MessageSender, image: AttachedImage | null): MessageView {
  return toMessageView({
    ...row,
    status: 'ok',
    change_seq: 0,
    sender_id: sender.id,
    sender_name: sender.name,
    sender_role: sender.role,
    image_id: image?.id ?? null,
    image_width: image?.width ?? null,
    image_height: image?.height ?? null,
    image_mime: image?.mime ?? null,
  });
}
