import { categorical, createFeatureFrame, numeric } from '@workbench/plugin-sdk';
import { contentHash, decodeFrame, encodeFrame } from './frame-codec';

describe('frame codec', () => {
  const frame = createFeatureFrame(['a', 'b', 'c'], {
    spend: numeric([1.5, NaN, -3]),
    country: categorical(['UK', '', 'FR']),
    visits: numeric([1, 2, 3]),
  });

  it('round-trips ids, numeric values (NaN included) and categories', () => {
    const back = decodeFrame(encodeFrame(frame));
    expect(back.ids).toEqual(['a', 'b', 'c']);
    expect(back.columns.spend.kind === 'numeric' && Array.from(back.columns.spend.values)).toEqual([1.5, NaN, -3]);
    expect(back.columns.country).toEqual(frame.columns.country);
    expect(Object.keys(back.columns)).toEqual(['spend', 'country', 'visits']);
  });

  it('hashes equal content equally and different content differently', () => {
    const same = createFeatureFrame(['a', 'b', 'c'], { ...frame.columns });
    const other = createFeatureFrame(['a', 'b', 'c'], { ...frame.columns, visits: numeric([1, 2, 4]) });
    expect(contentHash(encodeFrame(same))).toBe(contentHash(encodeFrame(frame)));
    expect(contentHash(encodeFrame(other))).not.toBe(contentHash(encodeFrame(frame)));
  });

  it('refuses bytes that are not a frame', () => {
    expect(() => decodeFrame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow('not a workbench frame');
  });
});
