import type { MessageView } from '@fengqiao/hub/protocol';

/** A message for tests: conversation `g`, seq `seq`, plain text, never edited; `over` changes any field. */
export function fixtureMessage(seq: number, over: Partial<MessageView> = {}): MessageView {
  return {
    id: `m${seq}`,
    groupId: 'g',
    seq,
    sender: { id: 'u', name: '肖霞', role: 'resident' },
    clientId: `c${seq}`,
    text: `第${seq}条`,
    replyToSeq: null,
    mentions: [],
    mentionAll: false,
    image: null,
    status: 'ok',
    createdAt: 1_000 * seq,
    changeSeq: 0,
    ...over,
  };
}
