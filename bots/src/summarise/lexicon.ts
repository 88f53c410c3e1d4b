/**
 * Words of community policing and grid-group life that the ICU dictionary cuts into pieces
 * (网格员 → 网|格|员, 监控 → 监|控). The segmenter keeps these whole, longest first.
 */
export const LEXICON: readonly string[] = `
网格员 网格长 网格群 网格 社区民警 辅警 巡防队员 巡逻队 巡逻队员 派出所 警务室 警务站 指挥室 视频岗 义警 调解员 居委会 物业
消防通道 隔离桩 挪车 挪走 车主 占道 车牌 车位 地下车库 电动车 飞线充电
走失 防走失 防走失手环 阿尔茨海默症 老年痴呆 监控 调取监控
噪音 噪声 扰民 电钻 装修 施工 夜间施工 广场舞
反诈 反诈中心 国家反诈中心 公检法 安全账户 洗钱 止付 紧急止付 验证码 屏幕共享 医保卡 刷单 网贷 冒充 电信诈骗
矛盾纠纷 纠纷 调解 回访 化解 警情 报警 出警 签收 办结
`
  .split(/\s+/)
  .filter(Boolean)
  .sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
