import type {
  ReportFigures,
  ReportKind,
  ReportSection,
  ReportSentence,
  ReportSummariesBody,
  Trend,
} from '../protocol/index.ts';
import { CATEGORY_ZH, INCIDENT_STATUS_ZH, countText, durationText, pctText } from './report-labels.ts';

const line = (text: string, sources: string[] = []): ReportSentence => ({ text, sources });
const trendText = (t: Trend) =>
  `环比 ${pctText(t.changePct)}（上期 ${countText(t.previous)}），同比 ${pctText(t.yearPct)}（去年同期 ${countText(t.lastYear)}）`;
const share = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 1000) / 10}%`);

/**
 * The sections of a briefing or report, in Chinese, rendered from its figures (and the
 * summariser's cited sentences once a bot has added them). Web and bots show these as they are.
 */
export function renderSections(
  kind: ReportKind,
  f: ReportFigures,
  summaries: ReportSummariesBody | null,
  groupNames: Map<string, string>,
): ReportSection[] {
  const sections: ReportSection[] = [];
  const inc = f.incidents;
  sections.push({
    key: 'incidents',
    title: '警情',
    sentences: [
      line(`接报警情 ${inc.total.current} 起，${trendText(inc.total)}。`),
      ...inc.byCategory.map((c) => line(`${CATEGORY_ZH[c.category] ?? c.category} ${c.current} 起，${trendText(c)}。`)),
    ],
  });
  sections.push({
    key: 'notable',
    title: '重点警情',
    sentences: inc.notable.length
      ? inc.notable.map((i) =>
          line(
            `【${CATEGORY_ZH[i.category] ?? i.category}】${i.number} ${i.place}：${i.summary}（${INCIDENT_STATUS_ZH[i.status] ?? i.status}）`,
          ),
        )
      : [line('无。')],
  });
  const o = f.orders;
  sections.push({
    key: 'orders',
    title: '指令',
    sentences: [
      line(`下发指令 ${o.issued.current} 条，${trendText(o.issued)}。`),
      line(
        `涉及 ${o.assignments} 人次：签收 ${o.acknowledged}（按时 ${o.acknowledgedOnTime}，按时签收率 ${share(o.acknowledgedOnTime, o.assignments)}），办结 ${o.completed}（按时 ${o.completedOnTime}），超时 ${o.overdue}。`,
      ),
    ],
  });
  sections.push({
    key: 'overdue',
    title: '盯办',
    sentences: o.overdueList.length
      ? o.overdueList.map((x) =>
          line(`${x.name}（${x.unitName}）${x.stage === 'ack' ? '未签收' : '未办结'}《${x.title}》`),
        )
      : [line('无超时指令。')],
  });
  sections.push({ key: 'hotline', title: '所长热线', sentences: [line(hotlineText(f.hotline))] });
  const g = f.groups;
  const topics = summaries?.topics ?? g.topics;
  sections.push({
    key: 'groups',
    title: '网格群',
    sentences: [
      line(
        `群消息 ${g.messages.current} 条（环比 ${pctText(g.messages.changePct)}），活跃群 ${g.activeGroups} 个；在办事项 ${g.openMatters} 件，新登记 ${g.newMatters} 件，其中新增纠纷 ${g.newDisputes} 件。`,
      ),
      ...(topics.length ? [line(`热议话题：${topics.map((t) => `${t.term}（${t.count}）`).join('、')}。`)] : []),
    ],
  });
  sections.push({
    key: 'conversations',
    title: '热点会话摘要',
    sentences: conversationSentences(g.busiest, summaries, groupNames),
  });
  sections.push({
    key: 'duty',
    title: kind === 'briefing' ? '今日在岗' : '当前在岗',
    sentences: [
      line(f.onDuty.length ? f.onDuty.map((p) => `${p.name}（${p.unitName}）`).join('、') : '暂无在岗登记。'),
    ],
  });
  sections.push({
    key: 'focus',
    title: kind === 'briefing' ? '今日重点' : '重点关注',
    sentences: f.focus.length ? f.focus.map((x) => line(x.text)) : [line('无待办重点。')],
  });
  if (kind !== 'briefing') {
    sections.push({
      key: 'units',
      title: '分单位',
      sentences: f.units.map((u) =>
        line(
          `${u.name}：警情 ${u.incidents}，指令 ${u.assignments} 人次（按时签收 ${u.acknowledgedOnTime}，按时办结 ${u.completedOnTime}，超时 ${u.overdue}），群消息 ${u.messages}，在办事项 ${u.openMatters}`,
        ),
      ),
    });
    sections.push({
      key: 'people',
      title: '个人指令（在不在、干不干、优不优）',
      sentences: o.people.length
        ? o.people.map((p) =>
            line(
              `${p.name}（${p.unitName}）：接收 ${p.assigned}，按时签收 ${p.acknowledgedOnTime}，办结 ${p.completed}（按时 ${p.completedOnTime}），超时 ${p.overdue}`,
            ),
          )
        : [line('本期无指令。')],
    });
  }
  return sections;
}

function hotlineText(h: ReportFigures['hotline']): string {
  if (!h.available) return '所长热线数据暂不可用。';
  const f = h.figures as {
    total?: number;
    answered?: number;
    overdue?: number;
    timeToFirstAnswer?: { medianMs?: number | null; p90Ms?: number | null };
    satisfaction?: { ratings?: number; average?: number | null; satisfiedShare?: number };
  };
  const total = Number(f.total ?? 0);
  const unanswered = total - Number(f.answered ?? 0);
  const s = f.satisfaction;
  const satisfaction =
    s && s.ratings
      ? `满意度 ${s.average?.toFixed(1) ?? '—'} 分（满意率 ${Math.round((s.satisfiedShare ?? 0) * 100)}%，${s.ratings} 条评价）`
      : '满意度 —（无评价）';
  return `新增 ${total} 条，未答复 ${unanswered} 条，超时 ${Number(f.overdue ?? 0)} 条；首次答复用时中位 ${durationText(f.timeToFirstAnswer?.medianMs)}，P90 ${durationText(f.timeToFirstAnswer?.p90Ms)}；${satisfaction}。`;
}

function conversationSentences(
  busiest: ReportFigures['groups']['busiest'],
  summaries: ReportSummariesBody | null,
  names: Map<string, string>,
): ReportSentence[] {
  if (busiest.length === 0) return [line('本期群内无消息。')];
  if (!summaries) return [line(`摘要生成中：${busiest.map((b) => `${b.name}（${b.messages} 条）`).join('、')}。`)];
  const out: ReportSentence[] = [];
  for (const c of summaries.conversations) {
    const name = names.get(c.groupId) ?? '';
    c.sentences.forEach((s, i) => out.push({ text: i === 0 ? `${name}：${s.text}` : s.text, sources: s.sources }));
  }
  return out.length ? out : [line('无可摘要的内容。')];
}
