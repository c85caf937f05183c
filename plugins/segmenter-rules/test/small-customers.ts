import { categorical, createFeatureFrame, numeric, type FeatureFrame } from '@workbench/plugin-sdk';

/**
 * Ten made-up customers whose RFM scores are worked out by hand in `src/rfm.spec.ts`. Recency has a tie
 * inside a quintile (c01, c03), frequency a tie across the 1|2 boundary (c02, c03, c06 all buy once), and
 * monetary a tie inside a quintile (c05, c10).
 */
export const SMALL = {
  ids: ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'],
  recency_days: [5, 40, 5, 200, 90, 12, 300, 60, 25, 150],
  frequency: [12, 1, 1, 6, 3, 1, 2, 3, 8, 4],
  monetary: [2500, 80, 300, 1200, 400, 150, 90, 700, 1800, 400],
  country: [
    'France',
    'United Kingdom',
    'Germany',
    'United Kingdom',
    'France',
    'United Kingdom',
    'Spain',
    'United Kingdom',
    'Germany',
    'United Kingdom',
  ],
};

export function smallCustomersFrame(): FeatureFrame {
  return createFeatureFrame(SMALL.ids, {
    recency_days: numeric(SMALL.recency_days),
    frequency: numeric(SMALL.frequency),
    monetary: numeric(SMALL.monetary),
    country: categorical(SMALL.country),
  });
}
