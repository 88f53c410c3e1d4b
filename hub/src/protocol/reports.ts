/**
 * Morning briefings (早会) and daily / weekly / monthly reports (日报 / 周报 / 月报).
 *
 * REST (all under /api/reports; bots, dispatchers, station heads and admins, within their
 * command scope; residents and other roles get 403):
 * - `GET  /api/reports?unitId=&kind=&before=&limit=` → `{ ok, reports: ReportListItem[] }`, newest first.
 * - `POST /api/reports` body `ReportRequest` → `{ ok, report: ReportDocument, created }`: builds the
 *   report (or returns the one already stored for that unit, kind and period: 201 when built now, 200 when it existed).
 * - `GET  /api/reports/:id?lang=zh-CN|en` → `{ ok, report: ReportDocument }`, its text in that language.
 * - `POST /api/reports/:id/regenerate?lang=` (people, not bots) → `{ ok, report }`: 重新生成, rebuilds the
 *   stored report of that period from the store as it is now, replacing its figures and text
 *   (summaries are written again by a bot); audited as `report.regenerate`. At most once a minute
 *   per report (`rate_limited`); a rebuild racing another gets `conflict`.
 * - `GET  /api/reports/:id/sources` → `{ ok, messages: ReportSourceMessage[] }`: the group messages
 *   the report's summary sentences cite (`?ids=a,b` narrows to some of them).
 * - `GET  /api/reports/:id/conversations` (bots) → `{ ok, conversations: ReportConversation[] }`:
 *   the busiest grid conversations of the period, for the summariser.
 * - `PUT  /api/reports/:id/summaries` (bots) body `ReportSummariesBody` → `{ ok, report, stored }`:
 *   the first bot to write wins; every cited id must be a message of the report's conversations.
 * - `POST /api/reports/:id/post-claim` (bots) → `{ ok, claimed, report }`: exactly one bot posts it.
 * - `POST /api/reports/:id/posted` (bots) body `{ groupId, seq }` → `{ ok, report }`.
 * - `GET  /api/reports/due` (bots) → `{ ok, due: DueReport[] }`: the latest scheduled period of
 *   each kind per station / branch, whether stored and posted (a restarted bot catches up once).
 * - `GET  /api/reports/settings/:unitId`, `PUT …` body `ReportSettingsBody` → `{ ok, settings }`:
 *   the station's briefing time and time zone (station heads and admins change them).
 *
 * Socket: bots receive `report:created` when a person asked for a report over REST, so the
 * bot can add the conversation summaries.
 */
export const REPORT_KINDS = ['briefing', 'daily', 'weekly', 'monthly'] as const;

/**
 * Languages a report's text (headings, sentences, focus items) is rendered in for its reader:
 * `GET /api/reports/:id?lang=en`. Stored and posted in Chinese; data and quoted messages stay as written.
 */
export const REPORT_LANGS = ['zh-CN', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];
export type ReportKind = (typeof REPORT_KINDS)[number];

/** Units a report may cover. Briefings are per station; reports per station and per branch. */
export const REPORT_UNIT_KINDS = ['station', 'branch', 'city'] as const;
export type ReportUnitKind = (typeof REPORT_UNIT_KINDS)[number];

/**
 * Ask for a report. `unitId` (a station or branch) or `via` (the `/briefing` command message a
 * bot saw in a command-room group: the hub checks its sender's role) must be given.
 * `period`: omitted → a briefing covers the 24 h up to now (or up to the command message), a
 * report the last completed day / week / month; `YYYY-MM-DD` → the period holding that local date
 * (it must be over).
 */
export interface ReportRequest {
  kind: ReportKind;
  unitId?: string | undefined;
  via?: { groupId: string; seq: number } | undefined;
  period?: string | undefined;
  /** Scheduled runs of the bots give the exact period start they are due for (see /due). */
  periodStart?: number | undefined;
}

/** One sentence of a report; `sources` are the ids of the group messages it was drawn from. */
export interface ReportSentence {
  text: string;
  sources: string[];
}

export const REPORT_SECTION_KEYS = [
  'incidents',
  'notable',
  'orders',
  'overdue',
  'hotline',
  'groups',
  'conversations',
  'duty',
  'focus',
  'units',
  'people',
] as const;
export type ReportSectionKey = (typeof REPORT_SECTION_KEYS)[number];

export interface ReportSection {
  key: ReportSectionKey;
  /** Heading in Chinese, e.g. 警情、指令、所长热线. */
  title: string;
  sentences: ReportSentence[];
}

/** A count with its change on the previous period (环比) and the same period last year (同比). */
export interface Trend {
  current: number;
  /** null: no data that far back. */
  previous: number | null;
  lastYear: number | null;
  /** Percent change, one decimal; null where it cannot be computed (shown as "—"). */
  changePct: number | null;
  yearPct: number | null;
}

/** One local date's incidents by category (see {@link IncidentFigures.daily}). */
export interface IncidentDay {
  /** Local date YYYY-MM-DD in the report's time zone. */
  date: string;
  byCategory: Record<string, number>;
}

export interface IncidentFigures {
  total: Trend;
  byCategory: ({ category: string } & Trend)[];
  /**
   * Incidents per local date (the report's time zone, by reported time), every date the period
   * touches in order, zeros included. A day, week or month gives its whole dates; a briefing's
   * 24 hours usually give two partial dates (from the briefing time to midnight, and on to the
   * briefing time). `byCategory` has a key for each category counted in the period (absent in
   * reports stored before this field existed).
   */
  daily?: IncidentDay[];
  /** Criminal incidents and ones not yet closed, one line each. */
  notable: {
    id: string;
    number: string;
    category: string;
    place: string;
    summary: string;
    status: string;
    reportedAt: number;
  }[];
}

export interface OverdueItem {
  orderId: string;
  title: string;
  userId: string;
  name: string;
  unitName: string;
  /** ack: not signed for (未签收); complete: not finished (未办结). */
  stage: 'ack' | 'complete';
  dueAt: number;
}

/** 在不在、干不干、优不优: one person's orders over the period. */
export interface PersonOrderFigures {
  userId: string;
  name: string;
  unitName: string;
  assigned: number;
  acknowledged: number;
  acknowledgedOnTime: number;
  completed: number;
  completedOnTime: number;
  overdue: number;
}

export interface OrderFigures {
  issued: Trend;
  /** Recipient assignments of the orders issued in the period. */
  assignments: number;
  /**
   * Assignments whose receipt had reached at least delivered (送达) / read (已读) by the period's
   * end (an acknowledged one counts as both). Absent in reports stored before these fields existed.
   */
  delivered?: number;
  read?: number;
  acknowledged: number;
  acknowledgedOnTime: number;
  completed: number;
  completedOnTime: number;
  /** Assignments past a deadline at the period's end, over every active order of the unit. */
  overdue: number;
  overdueList: OverdueItem[];
  people: PersonOrderFigures[];
}

/** The hotline's figures as its module reports them, or why they are missing. */
export type HotlineSection =
  { available: false; reason: string } | { available: true; figures: Record<string, unknown> };

export interface GroupFigures {
  messages: Trend;
  activeGroups: number;
  /** Matters registered before the period's end and still open or in progress. */
  openMatters: number;
  newMatters: number;
  newDisputes: number;
  /** Most discussed terms (filled in by the summarising bot). */
  topics: { term: string; count: number }[];
  busiest: { groupId: string; name: string; messages: number }[];
}

export interface UnitBreakdown {
  unitId: string;
  name: string;
  kind: string;
  incidents: number;
  assignments: number;
  acknowledgedOnTime: number;
  completedOnTime: number;
  overdue: number;
  messages: number;
  openMatters: number;
}

export interface ReportFigures {
  incidents: IncidentFigures;
  orders: OrderFigures;
  hotline: HotlineSection;
  groups: GroupFigures;
  onDuty: { userId: string; name: string; role: string; unitName: string }[];
  units: UnitBreakdown[];
  /**
   * 今日重点: drawn by stated rules (`rule`) from what is open or late; `text` in the reader's
   * language, from `facts` (what the rule found; absent in reports stored before they were kept).
   */
  focus: { text: string; rule: string; facts?: Record<string, unknown> }[];
}

/** A stored report: figures as JSON plus the sections rendered from them. */
export interface ReportDocument {
  id: string;
  kind: ReportKind;
  unit: { id: string; name: string; kind: ReportUnitKind };
  /** [periodStart, periodEnd) in UTC ms; cut in `timeZone`. */
  periodStart: number;
  periodEnd: number;
  timeZone: string;
  /** schedule: produced by a bot at the set time; request: asked for by a person. */
  trigger: 'schedule' | 'request';
  requestedBy: { id: string; name: string } | null;
  generatedAt: number;
  figures: ReportFigures;
  sections: ReportSection[];
  /** Whether the conversation summaries have been added (by a bot's summariser). */
  summarised: boolean;
  posted: { groupId: string; seq: number; at: number } | null;
}

export interface ReportListItem {
  id: string;
  kind: ReportKind;
  unit: { id: string; name: string; kind: ReportUnitKind };
  periodStart: number;
  periodEnd: number;
  /** The zone the period is cut in and its times are shown in (the station's report time zone). */
  timeZone: string;
  generatedAt: number;
  trigger: 'schedule' | 'request';
  posted: boolean;
}

/** A message a summary sentence cites, for the viewer to open. */
export interface ReportSourceMessage {
  id: string;
  groupId: string;
  groupName: string;
  seq: number;
  sender: { id: string; name: string };
  text: string;
  createdAt: number;
}

/** A busy conversation of the period, handed to the summariser. */
export interface ReportConversation {
  groupId: string;
  name: string;
  /** Display names of the conversation's members (past ones too): not topics (热议话题). */
  people: string[];
  messages: {
    id: string;
    groupId: string;
    seq: number;
    senderId: string;
    senderName: string;
    text: string;
    createdAt: number;
  }[];
}

/** PUT /api/reports/:id/summaries: the summariser's sentences per conversation, and the period's topics. */
export interface ReportSummariesBody {
  conversations: { groupId: string; sentences: ReportSentence[] }[];
  topics: { term: string; count: number }[];
}

/** A scheduled report whose time has come, per unit and kind (the latest period only). */
export interface DueReport {
  kind: ReportKind;
  unitId: string;
  periodStart: number;
  periodEnd: number;
  /** The unit's command-room group the bot posts into (null: none). */
  groupId: string | null;
  reportId: string | null;
  posted: boolean;
}

/** PUT /api/reports/settings/:unitId: the briefing time `HH:MM` in an IANA time zone. */
export interface ReportSettingsBody {
  briefingTime: string;
  timeZone: string;
}

export interface ReportSettings {
  unitId: string;
  briefingTime: string;
  timeZone: string;
}

/** The commands a bot answers in a command-room group. */
export const REPORT_COMMANDS = { briefing: '/briefing', report: '/report' } as const;

/** How the last line of a bot's report digest starts: the path of the report's page follows. */
const REPORT_LINK_LABEL = '查看完整报表：';
const REPORT_LINK = /\n查看完整报表：\/reports\/([0-9A-Za-z_-]{1,64})$/u;

/**
 * The last line of a bot's report digest in a command room: the report page's path. Any client
 * can read it as text; the web shows it as a card that opens the charted report.
 */
export function reportLinkLine(reportId: string): string {
  return `${REPORT_LINK_LABEL}/reports/${reportId}`;
}

/** The report a digest message links to and the digest without its link line, or null for any other text. */
export function reportLinkOf(text: string): { reportId: string; body: string } | null {
  const m = REPORT_LINK.exec(text);
  return m ? { reportId: m[1]!, body: text.slice(0, m.index) } : null;
}
