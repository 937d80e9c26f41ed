import {
  Benchmark,
  CapPer,
  Comparator,
  CoverageMode,
  FundPeriod,
  IndicatorUnit,
  JurisdictionKind,
  Payer,
  RecipientKind,
  RuleKind,
  StackingRule,
  TargetKind,
} from '../../generated/prisma/enums.js';
import { builder } from '../builder.js';

export const JurisdictionKindEnum = builder.enumType(JurisdictionKind, { name: 'JurisdictionKind' });
export const RecipientKindEnum = builder.enumType(RecipientKind, {
  name: 'RecipientKind',
  description:
    'Who may receive a reward: 企业, 组织/单位, 行业协会, 园区, 实验室, 团体, 个人, or a county government (县).',
});
export const StackingRuleEnum = builder.enumType(StackingRule, {
  name: 'StackingRule',
  description: 'How rewards for one project combine: they add, or only the best single one applies (按最优一项执行).',
});
export const FundPeriodEnum = builder.enumType(FundPeriod, { name: 'FundPeriod' });
export const CoverageModeEnum = builder.enumType(CoverageMode, { name: 'CoverageMode' });
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
export const CapPerEnum = builder.enumType(CapPer, { name: 'CapPer' });
export const TargetKindEnum = builder.enumType(TargetKind, {
  name: 'TargetKind',
  description:
    'REACH a value by a deadline; hold a FLOOR every period (稳定在…以上); ANNUAL_ADDITIONS per year; a STOCK in force; a CUMULATIVE total; RELATIVE to a benchmark (达到或高于全省平均值).',
});
export const ComparatorEnum = builder.enumType(Comparator, { name: 'Comparator' });
export const BenchmarkEnum = builder.enumType(Benchmark, { name: 'Benchmark' });
export const IndicatorUnitEnum = builder.enumType(IndicatorUnit, { name: 'IndicatorUnit' });
