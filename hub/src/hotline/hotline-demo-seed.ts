import type { Insertable, Kysely } from 'kysely';
import { addMembers, openConversation } from '../conversations/conversation-members.ts';
import { appendHistory } from '../conversations/message-log.ts';
import { activePeople, stationHeads, unitsOfKind } from '../org/org-queries.ts';
import { newId } from '../ids.ts';
import type { HotlineCategory, HotlineStatus } from '../protocol/index.ts';
import type { Database, HotlineThreadTable } from '../store/schema.ts';
import { subjectOf } from './hotline-views.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

interface DemoThread {
  category: HotlineCategory;
  status: HotlineStatus;
  /** How long ago the resident wrote. */
  ago: number;
  place?: string;
  /** Alternating resident / staff turns, starting with the resident; minutes after the opening. */
  turns: [minutes: number, text: string][];
  handoff?: { department: string; reason: string };
  rating?: { score: number; comment: string };
}

/** Threads modelled on what residents write to a station head (domain.md: 咨询、求助、意见建议、投诉、纠纷). */
const THREADS: DemoThread[] = [
  {
    category: 'help',
    status: 'open',
    ago: 20 * MIN,
    place: '长春路12号楼下',
    turns: [
      [
        0,
        '所长您好，我家老人今天早上出门买菜到现在还没回来，电话也打不通，老人有轻度老年痴呆，穿灰色外套，请帮忙找一找。',
      ],
    ],
  },
  {
    category: 'consultation',
    status: 'open',
    ago: 3 * HOUR,
    turns: [[0, '请问办理居住证需要带哪些材料？我在桃源社区租房，租房合同是去年签的，还需要房东到场吗？']],
  },
  {
    category: 'dispute',
    status: 'in_progress',
    ago: 26 * HOUR,
    place: '友好社区7号楼',
    turns: [
      [0, '楼上邻居装修，晚上十点还在电钻，沟通了几次都不听，孩子要中考，实在没办法了。'],
      [25, '您好，您反映的情况已收到。已安排社区民警明天上午联合调解员上门，约双方当面协商施工时间。'],
      [30, '好的，谢谢所长，明天上午我在家。'],
    ],
  },
  {
    category: 'complaint',
    status: 'handed_off',
    ago: 2 * 24 * HOUR,
    place: '海港社区南门',
    turns: [
      [0, '小区南门外的烧烤摊每天占道经营到凌晨，油烟和噪音很大，投诉过好几次了。'],
      [
        40,
        '您好，占道经营和油烟问题属于城管部门职责，我们已将情况转交区城市管理局，并会跟踪处理结果。夜间噪音如扰民可随时拨打110。',
      ],
    ],
    handoff: { department: '区城市管理局', reason: '占道经营与油烟问题属城管职责，已转交并跟踪处理结果。' },
  },
  {
    category: 'suggestion',
    status: 'resolved',
    ago: 4 * 24 * HOUR,
    place: '桃源社区东侧路口',
    turns: [
      [0, '建议在小学门口路口上下学时段增派巡逻力量，接送孩子的车太多，很不安全。'],
      [50, '感谢您的建议。自下周一起，社区警务中队在上下学时段安排民警和辅警在该路口护学岗执勤。'],
      [3 * 24 * 60, '这几天路口有民警值守了，秩序好多了，谢谢！'],
    ],
    rating: { score: 5, comment: '回复及时，措施落实到位' },
  },
];

/** The station's canned replies (常用回复) to start from. */
const CANNED: [title: string, text: string][] = [
  ['已受理', '您好，您反映的问题已收到并受理，我们将尽快核实处理，处理结果会在这里回复您。'],
  ['转交说明', '您好，您反映的问题属于其他部门职责，我们已转交相关部门处理，并会跟踪办理结果。'],
  ['回访', '您好，之前反映的问题现在解决了吗？如还有困难，请随时在这里告诉我们。'],
  ['紧急情况', '如遇正在发生的违法犯罪或紧急危险，请立即拨打110报警。'],
];

/**
 * A few hotline threads for the first station, so the head's inbox is not empty on first start:
 * one waiting and urgent, one overdue, one under way, one handed to another department, one
 * resolved and rated; and the station's first canned replies. Stored through the same tables as live threads (conversation + messages).
 */
export async function seedHotlineDemo(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const [station] = await unitsOfKind(db, ['station']);
  if (!station) return 0;
  const [head] = await stationHeads(db, station.id);
  // The station's newest residents, newest first.
  const residents = (await activePeople(db, { roles: ['resident'], within: station.path }))
    .slice(-THREADS.length)
    .reverse();
  if (!head || residents.length < THREADS.length) return 0;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('hotline_canned')
      .values(
        CANNED.map(([title, text]) => ({
          id: newId(),
          station_id: station.id,
          title,
          text,
          created_by: head.id,
          updated_at: now,
        })),
      )
      .execute();
    for (const [i, d] of THREADS.entries()) {
      const id = newId();
      const residentId = residents[i]!.id;
      const created = now - d.ago;
      const at = (m: number) => created + m * MIN;
      const answered = d.turns.length > 1 ? at(d.turns[1]![0]) : null;
      const last = at(d.turns[d.turns.length - 1]![0]);
      await openConversation(trx, { id, kind: 'hotline', name: 'hotline', at: created });
      await addMembers(trx, id, [residentId, head.id], { at: created });
      const row: Insertable<HotlineThreadTable> = {
        id,
        station_id: station.id,
        resident_id: residentId,
        client_id: `demo-${i}`,
        category: d.category,
        status: d.status,
        subject: subjectOf(d.turns[0]![1]),
        place: d.place ?? null,
        created_at: created,
        due_at: created + HOUR,
        first_answered_at: answered,
        assignee_id: null,
        handoff_department: d.handoff?.department ?? null,
        handoff_reason: d.handoff?.reason ?? null,
        handoff_at: d.handoff ? answered : null,
        handoff_by: d.handoff ? head.id : null,
        resolution_summary: d.status === 'resolved' ? d.turns[1]![1] : null,
        resolved_at: d.status === 'resolved' ? last : null,
        resolved_by: d.status === 'resolved' ? head.id : null,
        rating_score: d.rating?.score ?? null,
        rating_comment: d.rating?.comment ?? null,
        rated_at: d.rating ? last : null,
        overdue_flagged_at: answered === null && d.ago > HOUR ? created + HOUR : null,
        staff_read_seq: d.turns.length > 1 ? d.turns.length : 0,
        staff_read_at: d.turns.length > 1 ? last : null,
        follow_up_at: null,
        follow_up_note: null,
        follow_up_done_at: null,
        updated_at: last,
      };
      await trx.insertInto('hotline_threads').values(row).execute();
      await appendHistory(
        trx,
        id,
        d.turns.map(([m, text], k) => ({
          senderId: k % 2 === 0 ? residentId : head.id,
          clientId: `demo-hotline-${i}-${k}`,
          text,
          at: at(m),
        })),
      );
    }
  });
  return THREADS.length;
}
