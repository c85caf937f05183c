import { gaussianBlobs } from './gaussian-blobs';

describe('gaussianBlobs', () => {
  const options = { rows: 5000, features: 8, clusters: 8, seed: 7 };

  it('has the requested shape', () => {
    const blobs = gaussianBlobs(options);
    expect(blobs.values).toHaveLength(5000 * 8);
    expect(blobs.labels).toHaveLength(5000);
    expect(blobs.centers).toHaveLength(8 * 8);
    expect(new Set(blobs.labels).size).toBe(8);
  });

  it('gives the same data for the same seed and other data for another seed', () => {
    const a = gaussianBlobs(options);
    const b = gaussianBlobs(options);
    const c = gaussianBlobs({ ...options, seed: 8 });
    expect(Buffer.from(b.values.buffer).equals(Buffer.from(a.values.buffer))).toBe(true);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Buffer.from(c.values.buffer).equals(Buffer.from(a.values.buffer))).toBe(false);
  });

  it('scatters each blob around its centre with the requested spread', () => {
    const blobs = gaussianBlobs({ ...options, spread: 2 });
    // Residuals from the true centre: mean ≈ 0 and variance ≈ 4 over 40,000 deviates (5 standard errors of slack).
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < blobs.rows; i++) {
      for (let j = 0; j < blobs.features; j++) {
        const r = blobs.values[i * 8 + j] - blobs.centers[blobs.labels[i] * 8 + j];
        sum += r;
        squares += r * r;
      }
    }
    const m = blobs.rows * blobs.features;
    expect(Math.abs(sum / m)).toBeLessThan(5 * (2 / Math.sqrt(m)));
    expect(Math.abs(squares / m - 4)).toBeLessThan(5 * (4 * Math.sqrt(2 / m)));
  });
});
