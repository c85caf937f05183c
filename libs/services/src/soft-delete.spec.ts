import { liveWebhookUrl } from './soft-delete';

describe('liveWebhookUrl', () => {
  it("is the row's webhook while the row exists and is not deleted", () => {
    expect(liveWebhookUrl({ id: 'a', webhookUrl: 'http://hook', deletedAt: null })).toBe('http://hook');
    expect(liveWebhookUrl({ id: 'a', webhookUrl: 'http://hook', deletedAt: new Date(), deletedBy: 'ana' })).toBeNull();
    expect(liveWebhookUrl({ id: 'a', webhookUrl: null })).toBeNull();
    expect(liveWebhookUrl({ id: 'a' })).toBeNull();
    expect(liveWebhookUrl(null)).toBeNull();
  });
});
