import { churnLabelFromPurchaseDays } from './churn-label';

describe('churnLabelFromPurchaseDays', () => {
  // Calibration ends on day 100, the observation window is days 101..130.
  const purchases = [
    [10, 50, 120], // bought in the window: retained
    [20, 90], // nothing after day 100: churned
    Int32Array.from([130, 100]), // day 100 is calibration, day 130 the window's last day: retained
    [101, 140], // first purchase after the calibration end: no features, left out
    [5, 131], // day 131 is past the window: churned
    [], // never bought: left out
  ];

  it('labels a customer churned when no purchase falls in (end, end + horizon]', () => {
    expect(Array.from(churnLabelFromPurchaseDays(purchases, 100, 30).churned)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('marks only customers with a purchase on or before the calibration end as having history', () => {
    expect(Array.from(churnLabelFromPurchaseDays(purchases, 100, 30).hasHistory)).toEqual([1, 1, 1, 0, 1, 0]);
  });

  it('widens the window with the horizon', () => {
    expect(Array.from(churnLabelFromPurchaseDays(purchases, 100, 40).churned)).toEqual([0, 1, 0, 0, 0, 0]);
  });

  it('refuses a horizon that is not a positive whole number of days, and a purchase without a day', () => {
    expect(() => churnLabelFromPurchaseDays(purchases, 100, 0)).toThrow(
      'horizonDays must be a whole number of days, at least 1 (got 0)',
    );
    expect(() => churnLabelFromPurchaseDays(purchases, 100.5, 30)).toThrow(
      'calibrationEndDay must be an integer day number (got 100.5)',
    );
    expect(() => churnLabelFromPurchaseDays([[1, Number.NaN]], 100, 30)).toThrow(
      'purchase 2 of customer 0 has no valid day (got NaN)',
    );
  });
});
