import { collectGarbage } from './collect-garbage';

describe('collectGarbage', () => {
  it('frees an ArrayBuffer nothing references any more and keeps one still referenced', async () => {
    const dead = (() => new WeakRef(new ArrayBuffer(1 << 20)))();
    const alive = new ArrayBuffer(1 << 20);
    const kept = new WeakRef(alive);
    // A WeakRef's target lives to the end of the job that made or read it.
    await new Promise(setImmediate);
    expect(dead.deref()).toBeDefined();
    await new Promise(setImmediate);
    collectGarbage();
    expect(dead.deref()).toBeUndefined();
    expect(kept.deref()).toBe(alive);
    // Again: the function is made once.
    collectGarbage();
  });
});
