import {
  reportDigest,
  type DueReport,
  type GroupView,
  type MessageView,
  type ReportDocument,
  type ReportSummariesBody,
} from '@fengqiao/hub/protocol';
import { nameForms, nameMask, topTopics, type Summariser } from './summarise/index.ts';
import { parseCommand, USAGE } from './commands.ts';
import { HubApiError, type ReportApi } from './hub-api.ts';
import type { BotSocket } from './hub-client.ts';

/** Where the bot says what it did (a pino child in the process): ids and counts only, never message text. */
export interface BotLog {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

const SUMMARY_SENTENCES = 3;
const TOPICS = 8;
/** Commands older than this, seen on catch-up after a reconnect, are not answered any more. */
const COMMAND_FRESH_MS = 10 * 60_000;

/**
 * The briefing and report bot over one signed-in connection: answers `/briefing` and `/report …`
 * in command-room groups, posts what the schedule says is due, and adds summaries (with their
 * cited message ids) to reports people asked for on the web. The hub decides who may ask and
 * counts every figure; the bot summarises conversations and posts. Every post goes through the
 * hub's post claim and a client id derived from the report, so two bot processes never post
 * the same report twice.
 */
export function createReportBot(deps: {
  socket: BotSocket;
  api: ReportApi;
  summariser: Summariser;
  botUserId: string;
  log: BotLog;
  now?: () => number;
}) {
  const { socket, api, summariser, log } = deps;
  const now = deps.now ?? Date.now;
  const commandRooms = new Set<string>();
  const cursors = new Map<string, number>();
  const pending = new Set<Promise<unknown>>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => {});
    return p;
  };

  async function send(groupId: string, clientId: string, text: string, replyToSeq?: number): Promise<MessageView> {
    const res = await socket.emitWithAck('message:send', {
      groupId,
      clientId,
      text,
      ...(replyToSeq ? { replyToSeq } : {}),
    });
    if (!res.ok) throw new Error(`message refused: ${res.error.code}`);
    return res.message;
  }

  /** Adds the conversation summaries once (the hub keeps the first bot's). */
  async function summarise(report: ReportDocument): Promise<ReportDocument> {
    if (report.summarised) return report;
    const conversations = await api.conversations(report.id);
    // 热议话题 are what people talk about, never who: members' and speakers' names are cut out first.
    const mask = nameMask(
      nameForms(conversations.flatMap((c) => [...(c.people ?? []), ...c.messages.map((m) => m.senderName)])),
    );
    const body: ReportSummariesBody = {
      conversations: [],
      topics: topTopics(
        conversations.flatMap((c) => c.messages.map((m) => ({ ...m, text: mask(m.text) }))),
        TOPICS,
      ),
    };
    for (const c of conversations) {
      if (c.messages.length === 0) continue;
      const summary = await summariser.summarise(c.messages, { maxSentences: SUMMARY_SENTENCES });
      const sentences = summary.sentences
        .filter((s) => s.sources.length > 0)
        .map((s) => ({ text: s.text.slice(0, 500), sources: s.sources.slice(0, 20) }));
      body.conversations.push({ groupId: c.groupId, sentences });
    }
    const out = await api.storeSummaries(report.id, body);
    log.info(
      { reportId: report.id, conversations: body.conversations.length, stored: out.stored },
      'report summarised',
    );
    return out.report;
  }

  /** Posts a report's digest into a group unless another bot has it; returns the message's seq or null. */
  async function publish(report: ReportDocument, groupId: string, replyToSeq?: number): Promise<number | null> {
    if (report.posted) return null;
    const claim = await api.claimPost(report.id);
    if (!claim.claimed) return null;
    const full = await summarise(claim.report);
    // Derived from the report: a retry, or another process of this bot, gets the stored message back.
    const m = await send(groupId, `report-${report.id}-0`, reportDigest(full), replyToSeq);
    await api.markPosted(report.id, { groupId, seq: m.seq });
    log.info({ reportId: report.id, kind: report.kind, groupId }, 'report posted');
    return m.seq;
  }

  /** Answers one command message in a command room. */
  async function onCommand(m: MessageView): Promise<void> {
    const cmd = parseCommand(m.text);
    if (!cmd) return;
    const reply = (text: string) => send(m.groupId, `reply-${m.id}`, text, m.seq);
    if (cmd.type === 'usage') return void (await reply(USAGE));
    if (cmd.type === 'unknown_kind') return void (await reply(`未知的报告类型「${cmd.given}」。${USAGE}`));
    try {
      const { report } = await api.request({ kind: cmd.kind, via: { groupId: m.groupId, seq: m.seq } });
      const seq = await publish(report, m.groupId, m.seq);
      if (seq === null && report.posted)
        await reply(`该${cmd.kind === 'briefing' ? '简报' : '报告'}已发布，见第 ${report.posted.seq} 条消息。`);
    } catch (err) {
      if (!(err instanceof HubApiError)) throw err;
      const why =
        err.code === 'forbidden'
          ? '您没有生成报告的权限（仅指挥调度、所长可用）。'
          : err.code === 'validation_failed'
            ? `无法生成：${err.message}`
            : `生成失败（${err.code}）。`;
      await reply(why);
      log.info({ messageId: m.id, code: err.code }, 'report command refused');
    }
  }

  function onMessage(m: MessageView): void {
    cursors.set(m.groupId, Math.max(cursors.get(m.groupId) ?? 0, m.seq));
    if (m.sender.id === deps.botUserId || !commandRooms.has(m.groupId) || m.status !== 'ok') return;
    if (!m.text.startsWith('/')) return;
    track(onCommand(m)).catch((err: unknown) => log.warn({ messageId: m.id, err }, 'report command failed'));
  }

  async function refreshGroups(): Promise<void> {
    const res = await socket.emitWithAck('group:list', {});
    if (!res.ok) throw new Error(`group list refused: ${res.error.code}`);
    const rooms = res.groups.filter((g: GroupView) => g.kind === 'command_room');
    commandRooms.clear();
    for (const g of rooms) {
      commandRooms.add(g.id);
      if (!cursors.has(g.id)) cursors.set(g.id, g.lastSeq);
    }
  }

  /** After a reconnect: fetch what was said meanwhile and answer the commands that are still fresh. */
  async function catchUp(): Promise<void> {
    await refreshGroups();
    const res = await socket.emitWithAck('group:sync', {
      cursors: Object.fromEntries([...cursors].filter(([g]) => commandRooms.has(g))),
    });
    if (!res.ok) return;
    for (const m of res.messages)
      if (now() - m.createdAt < COMMAND_FRESH_MS) onMessage(m);
      else cursors.set(m.groupId, Math.max(cursors.get(m.groupId) ?? 0, m.seq));
  }

  const onReportCreated = ({ reportId }: { reportId: string }) => {
    track(api.get(reportId).then(summarise)).catch((err: unknown) => log.warn({ reportId, err }, 'summarising failed'));
  };
  let connectedOnce = false;
  const onConnect = () => {
    if (!connectedOnce) return;
    track(catchUp()).catch((err: unknown) => log.warn({ err }, 'catch-up failed'));
  };

  return {
    /** Starts listening; resolves once the command rooms are known. */
    async start(): Promise<void> {
      socket.on('message:created', onMessage);
      socket.on('report:created', onReportCreated);
      socket.on('group:changed', () => void refreshGroups().catch(() => {}));
      socket.on('connect', onConnect);
      await refreshGroups();
      connectedOnce = true;
    },

    /**
     * One pass of the schedule: produce and post every due report not yet posted. A bot that was
     * down produces each missed report once (the hub lists only the latest period of each kind).
     */
    async runSchedule(): Promise<{ posted: number }> {
      const due: DueReport[] = await api.due();
      let posted = 0;
      for (const d of due) {
        if (d.posted || !d.groupId) continue;
        try {
          const { report } = await api.request({ kind: d.kind, unitId: d.unitId, periodStart: d.periodStart });
          if ((await publish(report, d.groupId)) !== null) posted++;
        } catch (err) {
          log.warn({ kind: d.kind, unitId: d.unitId, err }, 'scheduled report failed');
        }
      }
      return { posted };
    },

    /** Resolves when every command and summary in progress has finished (tests, shutdown). */
    async idle(): Promise<void> {
      while (pending.size) await Promise.allSettled([...pending]);
    },

    stop(): void {
      socket.off('message:created', onMessage);
      socket.off('report:created', onReportCreated);
      socket.off('connect', onConnect);
      socket.close();
    },
  };
}
export type ReportBot = ReturnType<typeof createReportBot>;
