import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import { citedMessages, relayedCommand } from '../conversations/conversation-queries.ts';
import { dispatchScope } from '../org/dispatch-scope.ts';
import { personById, unitById } from '../org/org-queries.ts';
import type {
  ReportDocument,
  ReportFigures,
  ReportKind,
  ReportLang,
  ReportListItem,
  ReportRequest,
  ReportSection,
  ReportSettings,
  ReportSettingsBody,
  ReportSourceMessage,
  ReportUnitKind,
} from '../protocol/index.ts';
import { REPORT_UNIT_KINDS, TIME_WINDOWS } from '../protocol/index.ts';
import { checkWindow } from '../time-window.ts';
import type { Database, ReportTable } from '../store/schema.ts';
import {
  lastCompleted,
  lastYearPeriod,
  latestSlot,
  parseLocalDate,
  periodOf,
  previousPeriod,
  type Period,
} from './local-period.ts';
import { buildFigures, type HotlineFiguresSource } from './report-figures.ts';
import { createReportPublishing, spanOf } from './report-publishing.ts';
import { createReportRegeneration } from './report-regeneration.ts';
import { focusText } from './report-focus.ts';
import { renderSections } from './report-text.ts';
import { createReportSchedule } from './report-schedule.ts';

const DAY = 86_400_000;

/** What the service tells the transport: a person asked for a report, bots may summarise it. */
export interface ReportNotifier {
  reportCreated(reportId: string): void;
}

export interface ReportDefaults {
  briefingTime: string;
  timeZone: string;
}

type Unit = { id: string; name: string; kind: ReportUnitKind; path: string };

/**
 * Briefings and reports, transport-free: who may ask, which period a request means, building the
 * figures once per unit, kind and period (the unique row is the claim), and the cited source
 * messages; what bots do with a report (summaries, posting) is in report-publishing.ts.
 */
export function createReportService(deps: {
  db: Kysely<Database>;
  notify: ReportNotifier;
  defaults: ReportDefaults;
  hotline?: HotlineFiguresSource;
  now?: () => number;
}) {
  const { db, notify, defaults } = deps;
  const now = deps.now ?? Date.now;

  async function unitOf(unitId: string): Promise<Unit> {
    const u = await unitById(db, unitId);
    if (!u) throw errors.notFound('unit');
    if (!(REPORT_UNIT_KINDS as readonly string[]).includes(u.kind))
      throw errors.invalid('reports cover a station, a branch or the city');
    return { id: u.id, name: u.name, path: u.path, kind: u.kind as ReportUnitKind };
  }

  /** Bots see every unit; dispatchers, station heads and admins their command scope; nobody else any. */
  async function authorise(actor: Actor, unit: Unit): Promise<void> {
    if (!can.viewReports(actor)) throw errors.forbidden('reports are for the command room, station heads and bots');
    if (actor.role === 'bot') return;
    const scope = await dispatchScope(db, actor.unitId);
    if (!scope || !unit.path.startsWith(scope.path)) throw errors.forbidden('this unit is outside your command scope');
  }

  async function settingsOf(unitId: string): Promise<ReportSettings> {
    const row = await db
      .selectFrom('report_settings')
      .select(['briefing_time', 'time_zone'])
      .where('unit_id', '=', unitId)
      .executeTakeFirst();
    return {
      unitId,
      briefingTime: row?.briefing_time ?? defaults.briefingTime,
      timeZone: row?.time_zone ?? defaults.timeZone,
    };
  }

  /** A stored report as a reader sees it; `lang` other than Chinese renders its text again from the figures. */
  async function toDocument(r: Selectable<ReportTable>, lang: ReportLang = 'zh-CN'): Promise<ReportDocument> {
    const unit = await unitById(db, r.unit_id);
    if (!unit) throw errors.notFound('unit');
    const by = r.requested_by ? await personById(db, r.requested_by) : undefined;
    return {
      id: r.id,
      kind: r.kind,
      unit: { id: unit.id, name: unit.name, kind: unit.kind as ReportUnitKind },
      periodStart: Number(r.period_start),
      periodEnd: Number(r.period_end),
      timeZone: r.time_zone,
      trigger: r.trigger,
      requestedBy: by ? { id: by.id, name: by.name } : null,
      generatedAt: Number(r.generated_at),
      ...localised(r, lang),
      summarised: r.summarised_at !== null,
      posted:
        r.posted_at !== null && r.posted_group_id !== null
          ? { groupId: r.posted_group_id, seq: Number(r.posted_seq), at: Number(r.posted_at) }
          : null,
    };
  }

  /** Figures and sections in the reader's language; the summaries (quoted messages) as stored. */
  function localised(r: Selectable<ReportTable>, lang: ReportLang) {
    const figures = JSON.parse(r.figures) as ReportFigures;
    const sections = JSON.parse(r.sections) as ReportSection[];
    if (lang === 'zh-CN') return { figures, sections };
    figures.focus = figures.focus.map((x) => ({ ...x, text: focusText(x, lang) }));
    const summaries =
      r.summarised_at === null ? null : (sections.find((s) => s.key === 'conversations')?.sentences ?? []);
    return { figures, sections: renderSections(r.kind, figures, summaries, lang) };
  }

  async function row(id: string) {
    const r = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw errors.notFound('report');
    return r;
  }

  /** A report the actor may see (not_found for a unit outside their scope would hide nothing useful; forbidden says why). */
  async function readable(actor: Actor, id: string) {
    const r = await row(id);
    await authorise(actor, await unitOf(r.unit_id));
    return r;
  }

  /** The `/briefing` message a bot relays: its sender is who asks, its command room's unit what for. */
  async function viaMessage(actor: Actor, via: { groupId: string; seq: number }) {
    if (actor.role !== 'bot') throw errors.forbidden('only bots relay commands from a group');
    const m = await relayedCommand(db, via.groupId, via.seq, actor.id);
    if (!m) throw errors.notFound('message');
    if (m.group_kind !== 'command_room' || !m.unit_id)
      throw errors.invalid('reports are asked for in a command-room group');
    const room = await unitById(db, m.unit_id);
    if (!room) throw errors.notFound('unit');
    if (!room.parent_id) throw errors.invalid('this command room belongs to no unit');
    const requester: Actor = { id: m.sender_id, role: m.sender_role, unitId: m.sender_unit };
    return { requester, unitId: room.parent_id, at: Number(m.created_at) };
  }

  /** Which period a request means; refuses periods that are not over. */
  function periodFor(
    kind: ReportKind,
    req: ReportRequest,
    settings: ReportSettings,
    anchor: number,
    t: number,
  ): Period {
    const tz = settings.timeZone;
    let p: Period;
    if (kind === 'briefing') {
      if (req.periodStart !== undefined) p = { start: req.periodStart, end: req.periodStart + DAY };
      else if (req.period) {
        const slot = latestSlot(settings.briefingTime, parseLocalDate(req.period, tz) + DAY - 1, tz);
        p = { start: slot - DAY, end: slot };
      } else p = { start: anchor - DAY, end: anchor };
    } else {
      const at = req.periodStart ?? (req.period ? parseLocalDate(req.period, tz) : undefined);
      p = at === undefined ? lastCompleted(kind, anchor, tz) : periodOf(kind, at, tz);
      if (req.periodStart !== undefined && p.start !== req.periodStart)
        throw errors.invalid(`periodStart is not the start of a ${kind} period in ${tz}`);
    }
    if (p.end > t) throw errors.invalid('that period is not over yet');
    checkWindow('period', p.start, TIME_WINDOWS.history, t);
    return p;
  }

  /** The figures of a unit's period and the sections rendered from them (no summaries yet). */
  async function build(unit: Unit, kind: ReportKind, period: Period, tz: string) {
    const figures = await buildFigures(
      db,
      {
        unit,
        timeZone: tz,
        period,
        previous: previousPeriod(kind, period, tz),
        lastYear: lastYearPeriod(kind, period, tz),
      },
      deps.hotline,
    );
    return { figures, sections: renderSections(kind, figures, null) };
  }

  async function existing(unitId: string, kind: ReportKind, start: number) {
    return db
      .selectFrom('reports')
      .selectAll()
      .where('unit_id', '=', unitId)
      .where('kind', '=', kind)
      .where('period_start', '=', start)
      .executeTakeFirst();
  }

  const service = {
    /**
     * The report for a unit, kind and period: built now (created) or the one already stored.
     * Concurrent requests for the same period all get the one row that won the insert.
     */
    async request(actor: Actor, req: ReportRequest): Promise<{ report: ReportDocument; created: boolean }> {
      const t = now();
      let requester = actor;
      let unitId = req.unitId;
      let anchor = t;
      if (req.via) {
        const via = await viaMessage(actor, req.via);
        requester = via.requester;
        anchor = via.at;
        if (unitId !== undefined && unitId !== via.unitId)
          throw errors.invalid('unitId does not match the command room of the message');
        unitId = via.unitId;
      }
      const unit = await unitOf(unitId!);
      await authorise(requester, unit);
      if (req.kind === 'briefing' && unit.kind !== 'station') throw errors.invalid('morning briefings are per station');
      if (req.periodStart !== undefined && actor.role !== 'bot')
        throw errors.forbidden('periodStart is for scheduled runs of bots');
      const settings = await settingsOf(unit.id);
      const period = periodFor(req.kind, req, settings, anchor, t);
      const found = await existing(unit.id, req.kind, period.start);
      if (found) return { report: await toDocument(found), created: false };

      const { figures, sections } = await build(unit, req.kind, period, settings.timeZone);
      const id = newId();
      const scheduled = req.periodStart !== undefined;
      const res = await db
        .insertInto('reports')
        .values({
          id,
          unit_id: unit.id,
          kind: req.kind,
          period_start: period.start,
          period_end: period.end,
          time_zone: settings.timeZone,
          trigger: scheduled ? 'schedule' : 'request',
          requested_by: scheduled || requester.role === 'bot' ? null : requester.id,
          figures: JSON.stringify(figures),
          sections: JSON.stringify(sections),
          summarised_at: null,
          generated_at: now(),
          post_claimed_at: null,
          posted_group_id: null,
          posted_seq: null,
          posted_at: null,
        })
        .onConflict((oc) => oc.columns(['unit_id', 'kind', 'period_start']).doNothing())
        .executeTakeFirst();
      const created = Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
      const stored = created ? await row(id) : await existing(unit.id, req.kind, period.start);
      if (!stored) throw errors.conflict('the report was removed while it was being built');
      if (created && actor.role !== 'bot') notify.reportCreated(id);
      return { report: await toDocument(stored), created };
    },

    async get(actor: Actor, id: string, lang?: ReportLang): Promise<ReportDocument> {
      return toDocument(await readable(actor, id), lang);
    },

    /** Reports of the units the actor may see, newest first. */
    async list(
      actor: Actor,
      q: { unitId?: string; kind?: ReportKind; before?: number; limit?: number },
    ): Promise<ReportListItem[]> {
      if (!can.viewReports(actor)) throw errors.forbidden('reports are for the command room, station heads and bots');
      let path = '/';
      if (q.unitId) {
        const unit = await unitOf(q.unitId);
        await authorise(actor, unit);
        path = unit.path;
      } else if (actor.role !== 'bot') {
        const scope = await dispatchScope(db, actor.unitId);
        if (!scope) return [];
        path = scope.path;
      }
      let query = db
        .selectFrom('reports as r')
        .innerJoin('units as u', 'u.id', 'r.unit_id')
        .select([
          'r.id',
          'r.kind',
          'r.period_start',
          'r.period_end',
          'r.time_zone',
          'r.generated_at',
          'r.trigger',
          'r.posted_at',
          'u.id as unit_id',
          'u.name as unit_name',
          'u.kind as unit_kind',
        ])
        .where('u.path', 'like', `${path}%`);
      if (q.unitId) query = query.where('r.unit_id', '=', q.unitId);
      if (q.kind) query = query.where('r.kind', '=', q.kind);
      if (q.before) query = query.where('r.generated_at', '<', q.before);
      const rows = await query
        .orderBy('r.generated_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(q.limit ?? 30)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        unit: { id: r.unit_id, name: r.unit_name, kind: r.unit_kind as ReportUnitKind },
        periodStart: Number(r.period_start),
        periodEnd: Number(r.period_end),
        timeZone: r.time_zone,
        generatedAt: Number(r.generated_at),
        trigger: r.trigger,
        posted: r.posted_at !== null,
      }));
    },

    /** The messages the report's sentences cite (optionally only some of them), for a permitted viewer. */
    async sources(actor: Actor, id: string, only?: string[]): Promise<ReportSourceMessage[]> {
      const r = await readable(actor, id);
      const cited = new Set(
        (JSON.parse(r.sections) as ReportSection[]).flatMap((s) => s.sentences.flatMap((x) => x.sources)),
      );
      const ids = only ? only.filter((x) => cited.has(x)) : [...cited];
      if (only && ids.length !== only.length) throw errors.notFound('cited message');
      if (ids.length === 0) return [];
      const rows = await citedMessages(db, ids);
      return rows.map((m) => ({
        id: m.id,
        groupId: m.group_id,
        groupName: m.group_name,
        seq: Number(m.seq),
        sender: { id: m.sender_id, name: m.sender_name },
        // A message recalled or removed since is a placeholder here too.
        text: m.status === 'ok' ? m.text : '',
        createdAt: Number(m.created_at),
      }));
    },

    ...createReportPublishing({ db, row, toDocument, now }),

    ...createReportRegeneration({
      db,
      readable,
      rebuild: async (r) => build(await unitOf(r.unit_id), r.kind, spanOf(r), r.time_zone),
      toDocument,
      notify,
      now,
    }),

    ...createReportSchedule({ db, settingsOf, now }),

    async settings(actor: Actor, unitId: string): Promise<ReportSettings> {
      await authorise(actor, await unitOf(unitId));
      return settingsOf(unitId);
    },

    /** Station heads and admins set their station's briefing time and time zone. */
    async setSettings(actor: Actor, unitId: string, body: ReportSettingsBody): Promise<ReportSettings> {
      const unit = await unitOf(unitId);
      if (!can.configureReports(actor)) throw errors.forbidden('station heads and admins set the briefing time');
      await authorise(actor, unit);
      const t = now();
      await db
        .insertInto('report_settings')
        .values({
          unit_id: unitId,
          briefing_time: body.briefingTime,
          time_zone: body.timeZone,
          updated_by: actor.id,
          updated_at: t,
        })
        .onConflict((oc) =>
          oc.column('unit_id').doUpdateSet({
            briefing_time: body.briefingTime,
            time_zone: body.timeZone,
            updated_by: actor.id,
            updated_at: t,
          }),
        )
        .execute();
      return settingsOf(unitId);
    },
  };
  return service;
}
export type ReportService = ReturnType<typeof createReportService>;
