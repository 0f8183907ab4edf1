import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalCdf } from './distributions.ts';
import { seededRandom } from './random.ts';

describe('seeded random numbers', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 5 }, () => a.uniform());
    assert.deepEqual(
      first,
      Array.from({ length: 5 }, () => b.uniform()),
    );
    assert.notDeepEqual(
      first,
      Array.from({ length: 5 }, () => c.uniform()),
    );
  });

  it('uniforms lie in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = seededRandom(1);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      assert.ok(u >= 0 && u < 1);
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    // Standard error of the mean is √(1/12/n) ≈ 0.00065; allow 5 of them.
    assert.ok(Math.abs(mean - 0.5) < 0.0033, `mean ${mean}`);
    assert.ok(Math.abs(sumSq / n - mean * mean - 1 / 12) < 0.002);
  });

  it('normal draws match the normal distribution (Kolmogorov–Smirnov distance)', () => {
    const r = seededRandom(7);
    const n = 20_000;
    const draws = Float64Array.from({ length: n }, () => r.normal(10, 2)).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf((draws[i] - 10) / 2);
      d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
    }
    // The 1% critical value of the KS statistic is about 1.63/√n.
    assert.ok(d < 1.63 / Math.sqrt(n), `KS distance ${d}`);
  });
});
