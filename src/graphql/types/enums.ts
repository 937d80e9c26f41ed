import {
  Benchmark,
  CapPer,
  Comparator,
  TargetPer,
  FundPeriod,
  IndicatorUnit,
  JurisdictionKind,
  ObtainedAs,
  Payer,
  RecipientKind,
  RuleKind,
  StackingRule,
  TargetKind,
} from '../../generated/prisma/enums.js';
import { builder } from '../builder.js';

export const JurisdictionKindEnum = builder.enumType(JurisdictionKind, {
  name: 'JurisdictionKind',
  description:
    'A level of government: 省 (PROVINCE), 市 (CITY), 区 (DISTRICT), 县 (COUNTY), 县级市 (COUNTY_CITY), 产业集聚区/开发区 (ZONE).',
});
export const RecipientKindEnum = builder.enumType(RecipientKind, {
  name: 'RecipientKind',
  description:
    'Who may receive a reward: 企业, 组织/单位, 行业协会, 园区, 实验室, 团体, 个人, or a county government (县).',
});
export const StackingRuleEnum = builder.enumType(StackingRule, {
  name: 'StackingRule',
  description: 'How rewards for one project combine: they add, or only the best single one applies (按最优一项执行).',
});
export const FundPeriodEnum = builder.enumType(FundPeriod, {
  name: 'FundPeriod',
  description: 'A fund (专项资金) for each YEAR (每年) or one TOTAL for the policy.',
});
export const RuleKindEnum = builder.enumType(RuleKind, {
  name: 'RuleKind',
  description:
    'The kind of reward rule (see the policy format): fixed, tiered, per unit, percentage, matching, rank, ceiling (最高), unspecified (适当奖励) or non-monetary.',
});
export const PayerEnum = builder.enumType(Payer, {
  name: 'Payer',
  description:
    'Who pays, where the document says: 市财政 (CITY), 受益财政 (BENEFICIARY), 县财政 (COUNTY), the province, the central government.',
});
export const CapPerEnum = builder.enumType(CapPer, {
  name: 'CapPer',
  description:
    'A cap (最高不超过) per ENTERPRISE overall, or per ENTERPRISE_YEAR (年度最高, each calendar year apart).',
});
export const ObtainedAsEnum = builder.enumType(ObtainedAs, {
  name: 'ObtainedAs',
  description:
    "NEW (新获, 首次): the achievement must be obtained inside the policy's window. HELD: the benefit belongs to whoever holds the status, so one obtained earlier and still held counts.",
});
export const TargetKindEnum = builder.enumType(TargetKind, {
  name: 'TargetKind',
  description:
    'REACH a value by a deadline; hold a FLOOR every period (稳定在…以上); ANNUAL_ADDITIONS per year; a STOCK in force; a CUMULATIVE total; RELATIVE to a benchmark (达到或高于全省平均值).',
});
export const ComparatorEnum = builder.enumType(Comparator, {
  name: 'Comparator',
  description:
    'How a value meets its figure, as the sentence says: GTE at least (以上, 不少于, 达到); GT strictly more (超过, 突破: "more than 35" is not met by 35); LTE at most (以内, 不超过; a ceiling, e.g. 杜绝 accidents = 0); LT strictly less (低于).',
});
export const TargetPerEnum = builder.enumType(TargetPer, {
  name: 'TargetPer',
  description:
    "Whose figure a target's value is: SCOPE, the scope's own; EACH_JURISDICTION, each county's and district's own (每个县(市、区)每年至少5个), the scope having none: its progress counts the districts meeting theirs.",
});
export const BenchmarkEnum = builder.enumType(Benchmark, {
  name: 'Benchmark',
  description:
    "What a RELATIVE target is compared with: the province's yearly average (全省平均值) or the national one.",
});
export const IndicatorUnitEnum = builder.enumType(IndicatorUnit, {
  name: 'IndicatorUnit',
  description:
    'PERCENT (%, as numbers: 95 for 95%), COUNT (个/家/项), SCORE (分), YUAN (元), RATIO, DAYS (天), PERSON_TIMES (人次).',
});
