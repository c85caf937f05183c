/** One feature of a customer in a run's input, beside the mean of their segment and of all customers. */
export interface CustomerFeatureView {
  name: string;
  /** The customer's value: a number, a category's level, or null when missing. */
  value: number | string | null;
  /** Mean over the customer's segment (numeric features; missing values left out). */
  segmentMean: number | null;
  /** Mean over all the run's customers. */
  overallMean: number | null;
  /** The segmentation's params name it as a model feature (`features`). */
  inModel: boolean;
}

/** `GET /runs/:id/customers/:customerId`: a customer's segment in a run and the features that put them there. */
export interface CustomerInRunView {
  customerId: string;
  run: { id: string; segmentation: string; version: number };
  segment: { key: number; label: string };
  score: number | null;
  features: CustomerFeatureView[];
}
