import type { ReportDocument } from '@fengqiao/hub/protocol';
import type { MessageParams } from '../i18n/locale.svelte.ts';
import type { MessageKey } from '../i18n/zh-cn.ts';
import { categoryLabel } from './report-labels.ts';
import {
  countText,
  durationText,
  hotlineView,
  incidentTrend,
  pctText,
  periodSlug,
  periodText,
  share,
  shareText,
} from './report-view.ts';

/** Words a message id in the language the export is written in (the app's `t`). */
export type Translate = (key: MessageKey, params?: MessageParams) => string;

/** Escapes what would break a Markdown table cell or start markup. */
function cell(text: string | number): string {
  return String(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(head: string[], rows: (string | number)[][]): string[] {
  if (rows.length === 0) return [];
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ];
}

/**
 * A briefing or report as Markdown: title and period, the summary sections sentence by sentence
 * (each cited sentence with its source message ids), then the figures as tables. Headings and
 * column names follow `t`'s language; the summary is the hub's text as it stands.
 */
export function reportMarkdown(doc: ReportDocument, t: Translate, lang: 'zh-CN' | 'en'): string {
  const f = doc.figures;
  const time = (ms: number) =>
    new Intl.DateTimeFormat(lang, {
      timeZone: doc.timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
      hourCycle: 'h23',
    }).format(ms);
  const out: string[] = [];
  out.push(`# ${doc.unit.name} · ${t(`reports.kind.${doc.kind}`)}`, '');
  out.push(`- ${t('reports.md.period')}: ${periodText(doc, lang)} (${doc.timeZone})`);
  out.push(
    `- ${t('reports.md.generated')}: ${time(doc.generatedAt)}${doc.requestedBy ? ` · ${t('reports.view.requested_by', { name: doc.requestedBy.name })}` : ` · ${t('reports.view.scheduled')}`}`,
  );
  out.push('');

  out.push(`## ${t('reports.view.summary')}`, '');
  for (const s of doc.sections) {
    out.push(`### ${s.title}`, '');
    for (const x of s.sentences)
      out.push(`- ${x.text}${x.sources.length ? ` (${t('reports.md.sources')}: ${x.sources.join(', ')})` : ''}`);
    out.push('');
  }

  out.push(`## ${t('reports.md.figures')}`, '');
  out.push(`### ${t('reports.incidents.title')}`, '');
  const trendRow = (
    label: string,
    x: {
      current: number;
      previous: number | null;
      changePct: number | null;
      lastYear: number | null;
      yearPct: number | null;
    },
  ) => [label, x.current, countText(x.previous), pctText(x.changePct), countText(x.lastYear), pctText(x.yearPct)];
  out.push(
    ...table(
      [
        t('reports.col.category'),
        t('reports.col.current'),
        t('reports.col.previous'),
        t('reports.col.change'),
        t('reports.col.last_year'),
        t('reports.col.year'),
      ],
      [
        trendRow(t('reports.incidents.total'), f.incidents.total),
        ...f.incidents.byCategory.map((c) => trendRow(categoryLabel(c.category, t), c)),
      ],
    ),
  );
  const perDay = incidentTrend(f.incidents);
  if (perDay) {
    out.push(`### ${t('reports.incidents.trend')}`, '');
    out.push(
      ...table(
        [t('reports.col.date'), t('reports.col.total'), ...perDay.categories.map((c) => categoryLabel(c, t))],
        perDay.days.map((d) => [d.date, d.total, ...d.counts]),
      ),
    );
  }
  if (f.incidents.notable.length) {
    out.push(`### ${t('reports.notable.title')}`, '');
    out.push(
      ...table(
        [
          t('reports.col.number'),
          t('reports.col.category'),
          t('reports.col.place'),
          t('reports.col.summary'),
          t('reports.col.reported'),
        ],
        f.incidents.notable.map((i) => [
          i.number,
          categoryLabel(i.category, t),
          i.place,
          i.summary,
          time(i.reportedAt),
        ]),
      ),
    );
  }

  const o = f.orders;
  out.push(`### ${t('reports.orders.title')}`, '');
  out.push(
    ...table(
      [
        t('reports.orders.issued'),
        t('reports.orders.assignments'),
        ...(o.delivered === undefined ? [] : [t('reports.orders.delivered')]),
        ...(o.read === undefined ? [] : [t('reports.orders.read')]),
        t('reports.orders.acknowledged'),
        t('reports.orders.ack_on_time'),
        t('reports.orders.completed'),
        t('reports.orders.done_on_time'),
        t('reports.orders.overdue'),
      ],
      [
        [
          o.issued.current,
          o.assignments,
          ...(o.delivered === undefined ? [] : [o.delivered]),
          ...(o.read === undefined ? [] : [o.read]),
          o.acknowledged,
          `${o.acknowledgedOnTime} (${shareText(share(o.acknowledgedOnTime, o.assignments))})`,
          o.completed,
          `${o.completedOnTime} (${shareText(share(o.completedOnTime, o.assignments))})`,
          o.overdue,
        ],
      ],
    ),
  );
  if (o.overdueList.length) {
    out.push(`### ${t('reports.overdue.title')}`, '');
    out.push(
      ...table(
        [
          t('reports.col.person'),
          t('reports.col.unit'),
          t('reports.col.stage'),
          t('reports.col.order'),
          t('reports.col.due'),
        ],
        o.overdueList.map((x) => [x.name, x.unitName, t(`reports.overdue.stage.${x.stage}`), x.title, time(x.dueAt)]),
      ),
    );
  }

  out.push(`### ${t('reports.hotline.title')}`, '');
  const h = hotlineView(f.hotline);
  if (h === null) out.push(t('reports.hotline.unavailable'), '');
  else
    out.push(
      ...table(
        [
          t('reports.hotline.total'),
          t('reports.hotline.answered'),
          t('reports.hotline.overdue'),
          t('reports.hotline.median'),
          t('reports.hotline.p90'),
          t('reports.hotline.satisfaction'),
        ],
        [
          [
            h.total,
            h.answered,
            h.overdue,
            durationText(h.medianMs, lang),
            durationText(h.p90Ms, lang),
            h.average === null ? '—' : `${h.average.toFixed(1)} (${shareText(h.satisfiedShare)})`,
          ],
        ],
      ),
      `${t('reports.hotline.chart')}:`,
      '',
      ...table(
        h.bands.map((b) => t(`reports.hotline.band.${b.key}`)),
        [h.bands.map((b) => b.count)],
      ),
    );

  const g = f.groups;
  out.push(`### ${t('reports.groups.title')}`, '');
  out.push(
    ...table(
      [
        t('reports.groups.messages'),
        t('reports.col.change'),
        t('reports.groups.active'),
        t('reports.groups.open_matters'),
        t('reports.groups.new_matters'),
        t('reports.groups.new_disputes'),
      ],
      [[g.messages.current, pctText(g.messages.changePct), g.activeGroups, g.openMatters, g.newMatters, g.newDisputes]],
    ),
  );
  if (g.topics.length)
    out.push(`${t('reports.groups.topics')}: ${g.topics.map((x) => `${x.term} (${x.count})`).join(', ')}`, '');

  out.push(`### ${t('reports.duty.title')}`, '');
  out.push(f.onDuty.length ? f.onDuty.map((p) => `${p.name} (${p.unitName})`).join(', ') : t('reports.duty.none'), '');
  out.push(`### ${t(doc.kind === 'briefing' ? 'reports.focus.title' : 'reports.focus.title_period')}`, '');
  if (f.focus.length) out.push(...f.focus.map((x, i) => `${i + 1}. ${x.text}`), '');
  else out.push(t('reports.focus.none'), '');

  if (doc.kind !== 'briefing') {
    if (f.units.length) {
      out.push(`### ${t('reports.units.title')}`, '');
      out.push(
        ...table(
          [
            t('reports.col.unit'),
            t('reports.col.incidents'),
            t('reports.orders.assignments'),
            t('reports.orders.ack_on_time'),
            t('reports.orders.done_on_time'),
            t('reports.orders.overdue'),
            t('reports.groups.messages'),
            t('reports.groups.open_matters'),
          ],
          f.units.map((u) => [
            u.name,
            u.incidents,
            u.assignments,
            u.acknowledgedOnTime,
            u.completedOnTime,
            u.overdue,
            u.messages,
            u.openMatters,
          ]),
        ),
      );
    }
    if (o.people.length) {
      out.push(`### ${t('reports.people.title')}`, '');
      out.push(
        ...table(
          [
            t('reports.col.person'),
            t('reports.col.unit'),
            t('reports.people.assigned'),
            t('reports.orders.ack_on_time'),
            t('reports.orders.completed'),
            t('reports.orders.done_on_time'),
            t('reports.orders.overdue'),
          ],
          o.people.map((p) => [
            p.name,
            p.unitName,
            p.assigned,
            p.acknowledgedOnTime,
            p.completed,
            p.completedOnTime,
            p.overdue,
          ]),
        ),
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The download's file name: kind, unit and the period it covers ("daily-桃源派出所-2026-11-22.md", see {@link periodSlug}). */
export function reportFileName(
  doc: Pick<ReportDocument, 'kind' | 'unit' | 'periodStart' | 'periodEnd' | 'timeZone'>,
  ext: 'md' | 'json',
): string {
  const unit = doc.unit.name.replace(/[\\/:*?"<>|\s]+/g, '_');
  return `${doc.kind}-${unit}-${periodSlug(doc)}.${ext}`;
}

/** The figures download: the report's identity and period with its figures, as pretty JSON. */
export function reportFiguresJson(doc: ReportDocument): string {
  const { id, kind, unit, periodStart, periodEnd, timeZone, generatedAt, figures } = doc;
  return `${JSON.stringify({ id, kind, unit, periodStart, periodEnd, timeZone, generatedAt, figures }, null, 2)}\n`;
}
