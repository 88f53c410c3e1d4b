import { REPORT_KINDS, type ReportKind } from '@fengqiao/hub/protocol';

/** What a message typed in a command room asks of the report bot. */
export type BotCommand =
  { type: 'report'; kind: ReportKind } | { type: 'unknown_kind'; given: string } | { type: 'usage' };

/** The help line the bot answers with when a command is incomplete or unknown. */
export const USAGE = '可用命令：/briefing（早会简报）、/report daily|weekly|monthly（日报、周报、月报）';

const KIND_ALIASES: Record<string, ReportKind> = { 日报: 'daily', 周报: 'weekly', 月报: 'monthly', 简报: 'briefing' };

/**
 * Reads a command from a message: `/briefing`, `/report daily|weekly|monthly` (or 日报 / 周报 /
 * 月报). Anything not starting with one of the two commands is no command (null).
 */
export function parseCommand(text: string): BotCommand | null {
  const words = text.trim().split(/\s+/);
  const head = words[0]?.toLowerCase();
  if (head === '/briefing') return { type: 'report', kind: 'briefing' };
  if (head !== '/report') return null;
  const arg = words[1]?.toLowerCase();
  if (!arg) return { type: 'usage' };
  const kind = (REPORT_KINDS as readonly string[]).includes(arg) ? (arg as ReportKind) : KIND_ALIASES[arg];
  return kind ? { type: 'report', kind } : { type: 'unknown_kind', given: words[1]!.slice(0, 20) };
}
