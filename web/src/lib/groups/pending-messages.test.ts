import { describe, expect, it } from 'vitest';
import type { MessageView } from '@fengqiao/hub/protocol';
import type { OutboxEntry } from '../realtime/outbox.svelte.ts';
import type { PendingMessage } from './chat-rows.ts';
import { pendingMessages, type PendingSources } from './pending-messages.ts';

const held = (seq: number, sender: string, clientId: string): MessageView => ({
  id: `m${seq}`,
  groupId: 'g',
  seq,
  sender: { id: sender, name: sender, role: 'resident' },
  clientId,
  text: 't',
  replyToSeq: null,
  mentions: [],
  mentionAll: false,
  image: null,
  status: 'ok',
  createdAt: seq,
  changeSeq: 0,
});

const send = (clientId: string, groupId = 'g', extra: { imageId?: string; replyToSeq?: number } = {}): OutboxEntry => ({
  command: { event: 'message:send', payload: { groupId, clientId, text: `text ${clientId}`, ...extra } },
  queuedAt: 1,
  attempts: 0,
});

const sources = (over: Partial<PendingSources>): PendingSources => ({
  entries: [],
  isSending: () => false,
  online: true,
  failed: [],
  log: [],
  selfId: 'me',
  matterOf: () => undefined,
  ...over,
});

describe('pending messages', () => {
  it('shows queued sends of the group as 待发送 while offline, with their image and quote', () => {
    const out = pendingMessages(
      'g',
      sources({ online: false, entries: [send('a', 'g', { imageId: 'img1', replyToSeq: 3 }), send('b', 'other')] }),
    );
    expect(out).toEqual([
      { clientId: 'a', groupId: 'g', text: 'text a', replyToSeq: 3, imageId: 'img1', status: 'queued', queuedAt: 1 },
    ]);
  });

  it('tells a send on the wire from one waiting out the rate', () => {
    const waiting: OutboxEntry = { ...send('b'), retryAt: 99, lastError: 'rate_limited' };
    const out = pendingMessages('g', sources({ entries: [send('a'), waiting], isSending: (id) => id === 'a' }));
    expect(out.map((p) => [p.clientId, p.status, p.code])).toEqual([
      ['a', 'sending', undefined],
      ['b', 'waiting', 'rate_limited'],
    ]);
  });

  it('drops one whose live copy is already held, so nothing shows twice; another sender with the same client id does not count', () => {
    const out = pendingMessages(
      'g',
      sources({ entries: [send('a'), send('b')], log: [held(1, 'me', 'a'), held(2, 'someone', 'b')] }),
    );
    expect(out.map((p) => p.clientId)).toEqual(['b']);
  });

  it("shows a matter's answer in the group it came from, quoting the original, and refused sends until cleared", () => {
    const answer: OutboxEntry = {
      command: {
        event: 'matter:update',
        payload: { action: 'resolve', matterId: 'mt', clientId: 'r1', answer: '已修复' },
      },
      queuedAt: 2,
      attempts: 1,
    };
    const failed: PendingMessage = {
      clientId: 'f',
      groupId: 'g',
      text: 'x',
      replyToSeq: null,
      imageId: null,
      status: 'failed',
      queuedAt: 3,
      code: 'forbidden',
    };
    const out = pendingMessages(
      'g',
      sources({
        entries: [answer],
        failed: [failed],
        matterOf: (id) => (id === 'mt' ? { groupId: 'g', seq: 7 } : undefined),
      }),
    );
    expect(out.map((p) => [p.clientId, p.text, p.replyToSeq, p.status])).toEqual([
      ['r1', '已修复', 7, 'sending'],
      ['f', 'x', null, 'failed'],
    ]);
    expect(
      pendingMessages('other', sources({ entries: [answer], matterOf: () => ({ groupId: 'g', seq: 7 }) })),
    ).toEqual([]);
  });
});
