import type { KpiDefinition } from '@workbench/plugin-sdk';
import { MAX_COHORT_MONTHS } from './kpi-standard-params';

export const PLUGIN_NAME = 'kpi-standard';

/** Input tables this plugin reads from `KpiInput.tables`, and their columns. */
export const SPEND_TABLE = { name: 'marketing_spend', channel: 'channel', period: 'period', spend: 'spend' } as const;
export const SURVEY_TABLE = { name: 'survey', customerId: 'customer_id', csat: 'csat', nps: 'nps' } as const;

const WINDOW =
  'the measurement window (the last windowDays days before the reference date, or the whole history when windowDays is not set)';
const ORDERS =
  'Orders are distinct order ids among purchase lines (return lines are not orders); when the data has no order ids, distinct purchase days of the customer.';

/** Prefix of the cohort KPI keys: `cohort_retention_m1` … `cohort_retention_m12`. */
export const COHORT_KPI_PREFIX = 'cohort_retention_m';

const cohortDefinitions: KpiDefinition[] = Array.from({ length: MAX_COHORT_MONTHS }, (_, i) => ({
  key: `${COHORT_KPI_PREFIX}${i + 1}`,
  title: `Cohort retention, month ${i + 1}`,
  unit: 'share of cohort customers',
  higherIsBetter: true,
  definition: `Customers are grouped into cohorts by the calendar month (UTC) of their first purchase. Of the customers whose month ${i + 1} after acquisition is complete before the reference date, the share who purchased in that month (all eligible cohorts pooled, i.e. the cohort-size-weighted average of row ${i + 1} of the cohort retention matrix).`,
}));

export const KPI_DEFINITIONS: KpiDefinition[] = [
  {
    key: 'customers',
    title: 'Customers',
    unit: 'customers',
    higherIsBetter: true,
    definition: 'Number of customers in the segment (rows of the run).',
  },
  {
    key: 'customer_share',
    title: 'Share of customers',
    unit: 'share of customers',
    higherIsBetter: true,
    definition: "The segment's customers divided by all customers of the run (a census figure, no interval).",
  },
  {
    key: 'orders',
    title: 'Orders',
    unit: 'orders',
    higherIsBetter: true,
    definition: `Orders placed in ${WINDOW}. ${ORDERS}`,
  },
  {
    key: 'revenue',
    title: 'Revenue',
    unit: 'currency units',
    higherIsBetter: true,
    definition: `Sum of all transaction amounts in ${WINDOW}; returns and cancellations are negative and net against it.`,
  },
  {
    key: 'revenue_share',
    title: 'Share of revenue',
    unit: 'share of revenue',
    higherIsBetter: true,
    definition:
      "The segment's net revenue divided by the net revenue of all customers in the same window (a census figure, no interval).",
  },
  {
    key: 'average_order_value',
    title: 'Average order value',
    unit: 'currency units per order',
    higherIsBetter: true,
    definition: `Net revenue divided by orders, both in ${WINDOW}. Interval: percentile bootstrap over customers (ratio of resampled sums).`,
  },
  {
    key: 'purchase_frequency',
    title: 'Purchase frequency',
    unit: 'orders per customer',
    higherIsBetter: true,
    definition: `Orders in ${WINDOW} divided by the segment's customers (customers without an order count as 0). Interval: percentile bootstrap over customers.`,
  },
  {
    key: 'recency_days',
    title: 'Recency',
    unit: 'days',
    higherIsBetter: false,
    definition:
      'Mean over the customers with a purchase before the reference date of the days between the day (UTC) of their last purchase and the reference day (the RFM recency_days definition).',
  },
  {
    key: 'historical_clv',
    title: 'Historical customer value',
    unit: 'currency units per customer',
    higherIsBetter: true,
    definition: `Net revenue in ${WINDOW} per customer of the segment; when the marginRate param is set, margin (revenue × marginRate) per customer. Interval: percentile bootstrap over customers.`,
  },
  {
    key: 'repeat_purchase_rate',
    title: 'Repeat-purchase rate',
    unit: 'share of purchasing customers',
    higherIsBetter: true,
    definition: `Of the customers with at least one order in ${WINDOW}, the share with two or more orders. Interval: Wilson score.`,
  },
  {
    key: 'retention_rate',
    title: 'Retention rate',
    unit: 'share of previously active customers',
    higherIsBetter: true,
    definition:
      'With w = activeDays (default 90): of the customers who purchased in the previous window [ref − 2w, ref − w), the share who purchased again in the current window [ref − w, ref). Returns are not purchases. Interval: Wilson score.',
  },
  {
    key: 'churn_rate',
    title: 'Churn rate',
    unit: 'share of previously active customers',
    higherIsBetter: false,
    definition:
      '1 − retention rate: of the customers who purchased in [ref − 2w, ref − w) (w = activeDays), the share with no purchase in [ref − w, ref). Interval: Wilson score.',
  },
  ...cohortDefinitions,
  {
    key: 'cac',
    title: 'Customer acquisition cost',
    unit: 'currency units per acquired customer',
    higherIsBetter: false,
    definition:
      "Marketing spend attributed to the segment divided by its customers acquired in the periods the spend table covers. Table marketing_spend (channel, period 'YYYY-MM', spend) is joined to each customer's acquisition channel and signup month (params channelFeature, signupFeature); the spend of a (channel, month) cell is split over the customers acquired in that cell, so a segment gets spend × its share of the cell. Customers of channels without spend in a covered month count as acquired at zero cost (blended CAC).",
  },
  {
    key: 'csat_mean',
    title: 'Mean satisfaction (CSAT)',
    unit: 'points (1–5)',
    higherIsBetter: true,
    definition:
      "Mean of the survey table's csat answers (1–5) of the segment's customers, one value per response. Interval: normal approximation (mean ± z·s/√n).",
  },
  {
    key: 'csat_satisfied_share',
    title: 'Satisfied customers (CSAT 4–5)',
    unit: 'share of responses',
    higherIsBetter: true,
    definition: 'Share of csat responses of 4 or 5. Interval: Wilson score.',
  },
  {
    key: 'nps',
    title: 'Net promoter score',
    unit: 'NPS points (−100 to 100)',
    higherIsBetter: true,
    definition:
      "100 × (share of nps answers 9–10 − share of answers 0–6) over the segment's survey responses. Interval: Wald, normal approximation of the difference of two multinomial shares, clipped to [−100, 100].",
  },
];

/** The unit of a KPI key, as the manifest declares it. */
export function unitOf(key: string): string {
  const definition = KPI_DEFINITIONS.find((d) => d.key === key);
  if (!definition) throw new Error(`kpi '${key}' is not declared in the manifest`);
  return definition.unit;
}
