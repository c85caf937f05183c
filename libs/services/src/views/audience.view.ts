import type { AudienceSubscription } from '@workbench/persistence';
import { HIDDEN_WEBHOOK_URL } from './retrain.view';

/** A subscription to a segmentation's audience changes. */
export interface AudienceSubscriptionView {
  id: string;
  segmentation: { id: string; name: string };
  webhookUrl: string;
  chunkSize: number;
  createdBy: string;
  createdAt: Date;
}

export function audienceSubscriptionView(
  s: AudienceSubscription,
  options: { hideWebhookUrl?: boolean } = {},
): AudienceSubscriptionView {
  return {
    id: s.id,
    segmentation: { id: s.segmentation.id, name: s.segmentation.name },
    webhookUrl: options.hideWebhookUrl ? HIDDEN_WEBHOOK_URL : s.webhookUrl,
    chunkSize: s.chunkSize,
    createdBy: s.createdBy,
    createdAt: new Date(s.createdAt),
  };
}
