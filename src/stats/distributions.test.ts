// Known values from R / SciPy (qnorm, qt, qchisq, pgamma, pbeta, pt), to 1e-10 relative or better.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  betaInc,
  betaQuantile,
  chiSquareQuantile,
  exactPoissonLimits,
  gammaP,
  gammaQ,
  gammaQuantile,
  lnGamma,
  normalCdf,
  normalQuantile,
  tCdf,
  tQuantile,
} from './distributions.ts';
import { assertClose } from './test-helpers.ts';

describe('normalQuantile (AS 241)', () => {
  const known: [number, number][] = [
    [1e-300, -37.0470962993612],
    [1e-20, -9.262340089798409],
    [1e-10, -6.361340902404056],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400545],
    [0.05, -1.6448536269514729],
    [0.3, -0.5244005127080409],
    [0.8, 0.8416212335729143],
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
    [0.999999999999, 7.0344869100478356],
  ];
  for (const [p, z] of known) {
    it(`qnorm(${p}) = ${z}`, () => assertClose(normalQuantile(p), z, 1e-13));
  }
  it('is 0 at 0.5, infinite at the ends, and inverts normalCdf', () => {
    assert.equal(normalQuantile(0.5), 0);
    assert.equal(normalQuantile(0), Number.NEGATIVE_INFINITY);
    assert.equal(normalQuantile(1), Number.POSITIVE_INFINITY);
    for (const p of [1e-8, 0.01, 0.2, 0.6, 0.99]) assertClose(normalCdf(normalQuantile(p)), p, 1e-12);
  });
  it('rejects probabilities outside [0, 1]', () => {
    assert.throws(() => normalQuantile(1.5), RangeError);
    assert.throws(() => normalQuantile(Number.NaN), RangeError);
  });
});

describe('tQuantile', () => {
  const known: [number, number, number][] = [
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 3, 3.1824463052837078],
    [0.975, 5, 2.5705818356363146],
    [0.975, 10, 2.228138851986274],
    [0.975, 30, 2.0422724563012378],
    [0.975, 100, 1.9839715185235518],
    [0.975, 1000, 1.9623390808264083],
    [0.999, 1, 318.30883898555015],
    [0.999, 4, 7.173182219782307],
    [0.999, 10, 4.143700494046589],
    [0.999, 60, 3.23170912602436],
    [0.6, 7, 0.2631668613520229],
    [0.025, 12, -2.1788128296672293],
    [0.9995, 2.5, 18.277893528131457],
    [0.999999, 3, 103.29946777942898],
  ];
  for (const [p, df, t] of known) {
    it(`qt(${p}, ${df}) = ${t}`, () => assertClose(tQuantile(p, df), t, 1e-10));
  }
  it('tends to the normal quantile as df grows, and is symmetric', () => {
    assertClose(tQuantile(0.975, 1e9), normalQuantile(0.975), 1e-8);
    assert.equal(tQuantile(0.975, Number.POSITIVE_INFINITY), normalQuantile(0.975));
    assert.equal(tQuantile(0.5, 7), 0);
    assertClose(-tQuantile(0.1, 6), tQuantile(0.9, 6), 1e-14);
  });
  it('inverts tCdf', () => {
    for (const df of [1, 2, 3.5, 9, 40]) {
      for (const p of [0.001, 0.05, 0.4, 0.7, 0.995]) assertClose(tCdf(tQuantile(p, df), df), p, 1e-11);
    }
  });
  it('rejects bad degrees of freedom', () => assert.throws(() => tQuantile(0.9, 0), RangeError));
});

describe('tCdf', () => {
  const known: [number, number, number][] = [
    [2, 5, 0.9490302605850708],
    [-1.5, 3, 0.11529193262241147],
    [0.3, 30, 0.6168769473578236],
    [10, 2, 0.9950737714883372],
  ];
  for (const [t, df, p] of known) it(`pt(${t}, ${df}) = ${p}`, () => assertClose(tCdf(t, df), p, 1e-12));
});

describe('gamma and chi-square', () => {
  it('lnGamma matches factorials and Γ(1/2) = √π', () => {
    assertClose(lnGamma(1), 0, 1e-14);
    assertClose(lnGamma(10), Math.log(362880), 1e-14);
    assertClose(lnGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    assertClose(lnGamma(171), 706.5730622457874, 1e-14);
  });
  const p: [number, number, number][] = [
    [0.5, 0.1, 0.34527915398142317],
    [1, 1, 0.6321205588285577],
    [5, 3, 0.18473675547622787],
    [10, 15, 0.9301463393005901],
    [100, 90, 0.15822098918643007],
    [0.1, 5, 0.9998560610341533],
  ];
  for (const [a, x, value] of p) {
    it(`P(${a}, ${x}) = ${value}`, () => {
      assertClose(gammaP(a, x), value, 1e-12);
      assertClose(gammaQ(a, x), 1 - value, 1e-9);
    });
  }
  const chi: [number, number, number][] = [
    [0.025, 2, 0.05063561596857975],
    [0.975, 2, 7.377758908227871],
    [0.001, 20, 5.92104074548752],
    [0.999, 22, 48.26794229083518],
    [0.5, 1, 0.454936423119572],
    [0.025, 0.5, 5.273202591259991e-7],
    [0.975, 200, 241.05789550631093],
    [0.001, 2000, 1810.2415818699533],
  ];
  for (const [prob, df, x] of chi) {
    it(`qchisq(${prob}, ${df}) = ${x}`, () => assertClose(chiSquareQuantile(prob, df), x, 1e-10));
  }
  it('gammaQuantile inverts gammaP', () => {
    for (const a of [0.3, 1, 4.5, 30, 900]) {
      for (const prob of [1e-6, 0.025, 0.5, 0.975, 0.999]) assertClose(gammaP(a, gammaQuantile(prob, a)), prob, 1e-10);
    }
  });
  it('exact Poisson limits: 0 events give [0, 3.689] at 95%; 1 event [0.0253, 5.572]', () => {
    const zero = exactPoissonLimits(0, 0.95);
    assert.equal(zero.lower, 0);
    assertClose(zero.upper, 3.6888794541139354, 1e-12);
    const one = exactPoissonLimits(1, 0.95);
    assertClose(one.lower, 0.025317807984289786, 1e-10);
    assertClose(one.upper, 5.571643390938898, 1e-10);
  });
});

describe('incomplete beta', () => {
  const known: [number, number, number, number][] = [
    [0.5, 0.5, 0.3, 0.36901011956554536],
    [2, 3, 0.4, 0.5247999999999999],
    [10, 0.5, 0.9, 0.15164090963470994],
    [50, 60, 0.45, 0.4642352914306031],
    [0.5, 30, 0.01, 0.560665631094749],
  ];
  for (const [a, b, x, value] of known) {
    it(`I_${x}(${a}, ${b}) = ${value}`, () => {
      assertClose(betaInc(x, a, b), value, 1e-12);
      assertClose(betaQuantile(value, a, b), x, 1e-10);
    });
  }
});
