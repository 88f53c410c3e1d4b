import type { IncidentCategory, IncidentSource, OrderPriority } from '../protocol/index.ts';

/**
 * What the command room writes in a month (incident register, orders and their feedback), modelled
 * on the station reports in /work/shared/seeds. `{p}` is a place, `{c}` a community.
 */

export const STREETS = [
  '长春路',
  '友好街',
  '中山路',
  '天山路',
  '人民路',
  '建设街',
  '团结路',
  '海港路',
  '青泥街',
  '民主街',
  '桃源街',
  '孔雀河路',
];

export const PLACES = [
  '{s}{n}号楼下',
  '{s}与{t}交叉口',
  '{s}{n}号便利店',
  '{c}东门',
  '{c}{n}号楼',
  '{s}农贸市场',
  '{s}公交站',
  '{c}小广场',
  '{s}{n}号网吧',
  '{s}地下停车场',
];

/** Share of each kind in a year of a city station (domain.md: criminal 52, public order 470, assistance 760, …). */
export const INCIDENT_WEIGHTS: Record<IncidentCategory, number> = {
  criminal: 52,
  public_order: 470,
  assistance: 760,
  traffic: 380,
  dispute: 420,
  other: 118,
};

export const SOURCE_WEIGHTS: Record<IncidentSource, number> = { call_110: 70, walk_in: 14, patrol: 12, other: 4 };

export const INCIDENT_SUMMARIES: Record<IncidentCategory, string[]> = {
  criminal: [
    '报警人称电动车停放在{p}被盗，车辆为白色雅迪，价值约三千元。',
    '报警人称接到自称“客服”的电话，被诱导转账两万元后发现被骗。',
    '报警人称家中被盗，门锁有撬压痕迹，丢失现金及金首饰若干。',
    '报警人称在{p}手机被扒窃，嫌疑人为一名穿黑色外套的年轻男子。',
  ],
  public_order: [
    '{p}有人酒后滋事，与店主发生推搡，现场有围观群众。',
    '{p}夜间有人聚集喧哗，噪音扰民，群众多次反映。',
    '{p}有人散发小广告并与制止的保安发生口角。',
    '{p}两名男子因停车问题发生冲突，一人面部轻微擦伤。',
    '{p}有人燃放烟花爆竹，存在安全隐患。',
  ],
  assistance: [
    '一名七旬老人在{p}迷路，无法说清住址，请求帮助寻找家人。',
    '报警人称孩子放学后未按时回家，联系不上，请求协助查找。',
    '{p}有人被困电梯，请求救助。',
    '报警人称钥匙锁在屋内，家中有婴儿无人照看，请求帮助开锁。',
    '群众在{p}捡到钱包一个，内有身份证及现金，请求寻找失主。',
    '{p}一名男子醉酒倒地，呼之不应，请求救助。',
  ],
  traffic: [
    '{p}两车剐蹭，双方对责任认定有争议，道路部分拥堵。',
    '{p}一辆货车违停堵住消防通道。',
    '{p}电动车与行人相撞，行人腿部受伤，已呼叫120。',
    '{p}信号灯故障，早高峰车辆拥堵。',
  ],
  dispute: [
    '{p}楼上楼下因漏水问题发生纠纷，双方情绪激动。',
    '{p}商户与顾客因退货问题发生争执。',
    '{p}邻里因楼道堆放杂物发生口角。',
    '{p}房东与租户因押金退还问题发生纠纷。',
    '{p}业主与物业因停车收费发生争执。',
  ],
  other: [
    '{p}下水井盖缺失，存在安全隐患，请求处置。',
    '{p}有流浪犬追咬路人。',
    '群众来所咨询户籍迁移办理流程。',
    '{p}路灯损坏，夜间照明不足，群众担心安全。',
  ],
};

export const CALLERS = [
  '王先生',
  '李女士',
  '张先生',
  '刘女士',
  '陈先生',
  '赵女士',
  '孙先生',
  '周女士',
  '吴先生',
  '郑女士',
];

export interface OrderLine {
  title: string;
  body: string;
  priority: OrderPriority;
  /** Send it to the case squad (案件) rather than the community officers. */
  cases?: boolean;
  feedback: string[];
}

/** Orders of the morning meeting and of incidents (研判问题、对症决策、警令输出). */
export const ORDER_LINES: OrderLine[] = [
  {
    title: '{c}电动车被盗警情上升，加强夜间巡逻',
    body: '近一周{c}电动车被盗警情上升，请社区民警、辅警于20时至次日2时加强巡逻，重点盯防车棚和地下停车场，并走访物业调取监控。',
    priority: 'routine',
    feedback: [
      '已开展夜间巡逻两次，走访物业三家，调取监控线索一条。',
      '已完成巡逻并张贴防盗提示，车棚加装照明已协调物业落实。',
    ],
  },
  {
    title: '开展反电诈入户宣传',
    body: '请各社区民警、辅警本周内对辖区老年人家庭开展反电诈入户宣传，发放宣传材料，指导安装国家反诈中心APP。',
    priority: 'routine',
    feedback: ['已入户宣传46户，指导安装反诈APP31人。', '已完成辖区老年人家庭走访，发放宣传材料120份。'],
  },
  {
    title: '核查{c}出租房屋登记',
    body: '请对{c}新增出租房屋逐户核查，落实流动人口登记，发现未登记的当场补录并告知房东义务。',
    priority: 'routine',
    feedback: ['已核查出租屋18户，补录流动人口7人。', '核查完毕，发现两户未登记已补录，并向房东送达告知书。'],
  },
  {
    title: '{p}纠纷回访',
    body: '前日{p}邻里纠纷已初步调解，请社区民警会同调解员回访，了解协议履行情况，防止矛盾反弹。',
    priority: 'routine',
    feedback: ['已回访，双方按协议履行，情绪稳定。', '已回访，漏水已维修完毕，双方表示满意。'],
  },
  {
    title: '学校上下学时段护学岗',
    body: '请社区警务中队安排民警、辅警于7:20-8:00、16:30-17:30在辖区小学门口设护学岗，疏导交通。',
    priority: 'routine',
    feedback: ['护学岗已按时到岗，疏导车辆约60台次。', '已完成护学岗执勤，秩序良好。'],
  },
  {
    title: '{p}电信诈骗案件线索核查',
    body: '受害人被骗转账两万元，请案件打处中队调取转账记录，核查收款账户，同步开展止付冻结。',
    priority: 'urgent',
    cases: true,
    feedback: ['已调取流水并完成止付，涉案账户已上报研判。', '已对接银行完成冻结，受害人笔录已制作。'],
  },
  {
    title: '{p}盗窃案现场勘查',
    body: '{p}入室盗窃，请案件打处中队即刻到场勘查，提取痕迹物证，走访周边调取监控。',
    priority: 'urgent',
    cases: true,
    feedback: ['已勘查现场，提取指纹两枚，调取监控三处，已立案侦查。', '现场勘查完毕，已锁定嫌疑人活动轨迹。'],
  },
  {
    title: '{p}老人走失，立即查找',
    body: '一名七旬老人走失，穿灰色外套，患阿尔茨海默病。请附近民警、辅警立即查找，视频岗同步追踪。',
    priority: 'flash',
    feedback: ['已在公交站找到老人，已送回家中。', '已协助家属找到老人，身体无碍。'],
  },
  {
    title: '{p}群体聚集，立即到场处置',
    body: '{p}有十余人聚集讨要工资，请在岗民警立即到场，稳控情绪，疏导交通，防止事态扩大。',
    priority: 'flash',
    feedback: ['已到场劝离，已联系劳动监察部门介入。', '现场已平稳，双方约定明日协商。'],
  },
  {
    title: '重点人员走访',
    body: '请社区民警本周内完成辖区重点关注人员走访，了解近况，做好记录。',
    priority: 'routine',
    feedback: ['已走访5人，情况稳定，记录已录入。', '已完成走访，未发现异常。'],
  },
  {
    title: '消防安全检查',
    body: '请对辖区小旅馆、网吧、出租屋开展消防安全检查，重点检查电动车入户充电和消防通道堵塞。',
    priority: 'routine',
    feedback: ['检查场所12家，责令整改3家。', '已检查完毕，清理楼道电动车9台。'],
  },
  {
    title: '{p}交通事故现场处置',
    body: '{p}电动车与行人相撞，请就近民警立即到场，保护现场，协助120救治并疏导交通。',
    priority: 'urgent',
    feedback: ['已到场，伤者已送医，已移交交警处理。', '现场处置完毕，道路已恢复通行。'],
  },
];

export const CANCEL_REASONS = ['情况已由其他警力处置', '报警人称已自行解决', '重复派发'];
export const RETURN_REASONS = ['当日轮休，请改派', '正在处置其他警情，无法到场'];
