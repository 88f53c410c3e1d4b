import type { HotlineCategory, MatterCategory } from '../protocol/index.ts';

/**
 * What residents and their grid's staff say in a month: grid group conversations (问题在群内反映、
 * 矛盾在群内解决、结果在群内反馈) and letters to the station head. `{c}` is the community,
 * `{g}` the grid, `{s}` a street.
 */

/** Who speaks a line: a resident, a second resident, the grid worker (网格员), the community officer. */
export type Speaker = 'R' | 'R2' | 'W' | 'O';

export interface ChatScript {
  lines: [Speaker, string][];
  /** The first line raises a matter (登记事项); the staff line at `answer` settles it. */
  matter?: { category: MatterCategory; title: string; answer: number; department?: string };
}

export const CHAT_SCRIPTS: ChatScript[] = [
  {
    lines: [
      ['R', '楼道里又堆满了纸箱和旧家具，晚上走路都得侧着身，万一着火怎么办？'],
      ['W', '收到，我下午去看一下，先联系物业通知住户清理。'],
      ['R2', '3单元也一样，电动车还推进楼道充电。'],
      ['W', '已和物业一起上门，纸箱清走了，电动车已劝导到楼下充电桩充电。'],
      ['R', '辛苦了，干净多了！'],
    ],
    matter: { category: 'safety', title: '楼道堆物及电动车入户充电', answer: 3 },
  },
  {
    lines: [
      ['R', '楼上天天半夜拖椅子、跳绳，说了好几次都没用，能不能帮忙协调一下？'],
      ['O', '您好，我是社区民警，今晚七点我和网格员一起上门，请双方都在家。'],
      ['W', '已约好楼上住户，七点在楼下碰头。'],
      ['O', '已当面调解，楼上答应晚十点后不再跳绳，椅子加装脚垫。有反复随时在群里说。'],
      ['R', '谢谢民警和网格员，今晚安静了。'],
    ],
    matter: { category: 'dispute', title: '楼上夜间噪音扰民', answer: 3 },
  },
  {
    lines: [
      ['R', '小区东门的路灯坏了一个多星期了，晚上黑乎乎的，老人孩子走路不安全。'],
      ['W', '已报给街道城建科，他们说本周内来修。'],
      ['W', '路灯已修好，大家晚上出行注意安全。'],
    ],
    matter: { category: 'safety', title: '小区东门路灯损坏', answer: 2, department: '街道城建科' },
  },
  {
    lines: [
      ['R', '今天在菜市场门口有人推销“保健品”，说能治高血压，还拉老人去听讲座，是不是骗子？'],
      ['O', '提醒大家：凡是免费讲座、送鸡蛋、推销高价保健品的，多半是诈骗套路，请告诉家里老人不要去。'],
      ['R2', '我妈上周就去了，还交了两千块订金。'],
      ['O', '请您带上收据到所里来一趟，或者私信我，我们核实后帮忙追回。'],
    ],
    matter: { category: 'public_order', title: '菜市场门口推销保健品疑似诈骗', answer: 3 },
  },
  {
    lines: [
      ['R', '请问孩子上户口需要准备哪些材料？'],
      ['W', '出生医学证明、父母双方户口本和身份证、结婚证，到所里户籍窗口办理就行。'],
      ['R', '好的，谢谢！'],
    ],
  },
  {
    lines: [
      ['R', '地下车库这两天有辆车一直没熄火，也没人，看着有点奇怪。'],
      ['O', '位置发一下，我让巡逻的同事过去看看。'],
      ['R', 'B区23号车位附近。'],
      ['O', '已核实，车主在车里睡觉，已提醒他注意安全，没事了。'],
    ],
  },
  {
    lines: [
      ['R', '6号楼和7号楼之间总有人乱停车，消防车根本进不来。'],
      ['W', '已拍照报给物业，物业今天贴了告知单。'],
      ['O', '消防通道禁止停车，明天起我们联合物业巡查，屡教不改的通知交警处理。'],
    ],
    matter: { category: 'safety', title: '6号楼消防通道被占', answer: 2 },
  },
  {
    lines: [
      ['R', '我家漏水把楼下淹了，楼下要我赔装修钱，数额太高，谈不拢。'],
      ['W', '我先把双方情况了解一下，明天约调解员一起到社区调解室谈。'],
      ['O', '调解已完成：维修费由楼上承担，楼下放弃其他赔偿，双方已签调解协议。'],
      ['R', '谢谢，问题终于解决了。'],
    ],
    matter: { category: 'dispute', title: '楼上漏水赔偿纠纷', answer: 2 },
  },
  {
    lines: [
      ['R', '小区门口的早餐摊占了人行道，还把油污倒在下水道里。'],
      ['W', '占道经营归城管管，我已经转给街道城管中队了。'],
    ],
    matter: { category: 'other', title: '早餐摊占道经营', answer: 1, department: '街道城管中队' },
  },
  {
    lines: [
      ['R', '我在健身器材旁边捡到一串钥匙，上面有个小熊挂件，谁丢的？'],
      ['R2', '是我家的！在哪里可以拿？'],
      ['W', '钥匙放在社区居委会了，您带上身份证去取就行。'],
      ['R2', '拿到了，太感谢了！'],
    ],
  },
  {
    lines: [
      ['R', '最近老有人敲门说是查燃气的，没穿工作服，我没开门。'],
      ['O', '您做得对。燃气公司上门会提前通知，并出示工作证，请大家遇到此类情况先给物业或我们打电话核实。'],
    ],
  },
  {
    lines: [
      ['R', '我家老人想办一张老年卡，社区能办吗？'],
      ['W', '可以的，带上身份证和一寸照片，工作日上午到居委会办理。'],
    ],
  },
  {
    lines: [
      ['R', '租客搬走了还欠两个月房租，押金也不够扣，联系不上人了怎么办？'],
      ['O', '您可以先整理租房合同和聊天记录，属于民事纠纷，我们可以帮您联系租客协商，协商不成建议走法律途径。'],
      ['O', '已联系上租客，对方同意本周五前补交房租。'],
    ],
    matter: { category: 'dispute', title: '租客拖欠房租', answer: 2 },
  },
  {
    lines: [
      ['R', '晚上九点以后总有几个年轻人在小广场骑摩托炸街，太吵了。'],
      ['O', '已安排夜间巡逻重点盯防，发现一次查处一次。'],
      ['R2', '这两天确实安静多了。'],
    ],
    matter: { category: 'public_order', title: '小广场夜间摩托车炸街', answer: 1 },
  },
];

/** The officer's notices to the whole grid (群公告 style). */
export const NOTICES = [
  '【反诈提醒】凡是自称公检法要求转账到“安全账户”的，都是诈骗！接到可疑电话请拨打96110咨询。',
  '【防盗提醒】近期电动车被盗警情多发，请大家停车入棚、加装车锁，有可疑情况及时在群里反映。',
  '【安全提示】天气转冷，请勿在楼道内为电动车充电，注意用火用电安全。',
  '【通知】本周六上午9点社区民警在居委会门口设点，现场办理居住证、户籍咨询。',
  '【提醒】请各位家长看管好孩子，放学后不要到河边、工地等危险区域玩耍。',
  '【反诈提醒】刷单返利、“网恋”投资都是诈骗，天上不会掉馅饼。',
];

/** Short acknowledgements residents add under a notice. */
export const THANKS = ['收到，谢谢提醒！', '已转给家里老人了。', '好的，辛苦了。', '收到👍'];

export interface HotlineLine {
  category: HotlineCategory;
  opening: string;
  reply: string;
  /** The resident's last word once it is settled. */
  closing?: string;
  handoff?: { department: string; reason: string };
}

export const HOTLINE_LINES: HotlineLine[] = [
  {
    category: 'consultation',
    opening: '所长您好，请问异地身份证可以在咱们所办理吗？需要带什么？',
    reply: '您好，可以异地办理。请带上原身份证（如遗失带户口本）到所户籍窗口，现场采集照片，工作日8:30-17:00。',
    closing: '好的，明天就去，谢谢！',
  },
  {
    category: 'consultation',
    opening: '孩子明年上小学，需要开居住证明，在哪里开？',
    reply: '您好，居住证明由社区居委会出具，如需开具无犯罪记录等证明可到所户籍窗口办理。',
    closing: '明白了，谢谢所长。',
  },
  {
    category: 'help',
    opening: '我的电动车在{s}被盗了，报了警但一直没消息，能帮忙问问进展吗？',
    reply: '您好，已向案件打处中队了解，已调取周边监控，发现嫌疑人线索，有进展会第一时间联系您。',
    closing: '车找回来了，非常感谢！',
  },
  {
    category: 'help',
    opening: '老母亲独居，最近总接到陌生推销电话，担心被骗，能不能派人上门提醒一下？',
    reply: '您好，已安排社区民警本周上门走访，帮老人设置来电拦截并讲解防骗知识。',
    closing: '民警来过了，讲得很细，老人也放心了。',
  },
  {
    category: 'suggestion',
    opening: '建议在{s}路口增设一个监控，那里晚上很黑，经常有人在那里逗留。',
    reply: '感谢您的建议，已报送分局科信部门纳入年度补点计划，近期先安排夜间巡逻覆盖该路口。',
    closing: '好的，谢谢重视。',
  },
  {
    category: 'suggestion',
    opening: '建议所里周末也开放户籍窗口，上班族平时实在抽不出时间。',
    reply: '感谢建议，自下月起每周六上午户籍窗口开放半天，并提供预约服务。',
    closing: '太好了，为你们点赞。',
  },
  {
    category: 'complaint',
    opening: '{s}的KTV每天营业到凌晨三点，音响声音很大，投诉多次没有改善。',
    reply: '您好，已安排民警夜间检查，对该场所负责人进行了警告，要求23点后降低音量，我们将持续巡查。',
    closing: '这几天确实安静了，谢谢。',
  },
  {
    category: 'complaint',
    opening: '小区门口有人长期占道修车，油污满地，影响通行。',
    reply: '您好，占道经营属城管部门职责，已转交街道城管中队处理，我们会跟踪结果。',
    handoff: { department: '街道城管中队', reason: '占道经营属城管职责，已转交并跟踪。' },
  },
  {
    category: 'dispute',
    opening: '和隔壁因为楼道里装鞋柜的事吵了好几次，对方态度很差，请帮忙调解。',
    reply: '您好，已安排社区民警和调解员明天下午上门，请您在家。',
    closing: '调解好了，鞋柜挪走了，谢谢。',
  },
  {
    category: 'dispute',
    opening: '装修公司收了预付款迟迟不开工，也不退钱，怎么办？',
    reply: '您好，此类合同纠纷可向市场监管部门投诉，我们已将情况转交区市场监督管理局，如涉嫌诈骗可来所报案。',
    handoff: { department: '区市场监督管理局', reason: '消费合同纠纷属市场监管职责，已转交。' },
  },
];

export const RATING_COMMENTS: Record<number, string[]> = {
  5: ['回复及时，办事利落', '民警很耐心，非常满意', '问题解决了，感谢所长'],
  4: ['处理得不错，就是等得久了点', '满意，希望继续保持'],
  3: ['问题解决了，但跑了两趟', '一般'],
  2: ['回复太慢了'],
};
