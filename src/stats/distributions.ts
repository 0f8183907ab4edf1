// Pure distribution functions for the interval methods. No dependencies: every quantile the
// public health methods need (normal, chi-square/gamma for exact Poisson limits, Student t via the
// incomplete beta) is computed here to close to double precision.

const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

// Lanczos approximation (g = 7, n = 9); relative error about 1e-15 for x > 0.
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 0.000009984369578019572, 1.5056327351493116e-7,
] as const;

/** Natural logarithm of the gamma function, for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma needs x > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the approximation in its accurate range.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

// Modified Lentz continued fraction for the upper tail Q(a, x), used when x >= a + 1.
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

function assertShape(name: string, a: number): void {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`${name} needs a finite shape > 0, got ${a}`);
}

/** Regularised lower incomplete gamma function P(a, x). */
export function gammaP(a: number, x: number): number {
  assertShape('gammaP', a);
  if (Number.isNaN(x)) throw new RangeError('gammaP needs a number x');
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularised upper incomplete gamma function Q(a, x) = 1 - P(a, x), accurate in the upper tail. */
export function gammaQ(a: number, x: number): number {
  assertShape('gammaQ', a);
  if (Number.isNaN(x)) throw new RangeError('gammaQ needs a number x');
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function assertProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} needs a probability in [0, 1], got ${p}`);
}

/**
 * Quantile of the standard gamma distribution (shape a, scale 1): x with P(a, x) = p.
 * Halley iteration from the Wilson–Hilferty starting value (Numerical Recipes 3rd ed., §6.2.1),
 * finished by bisection if the iteration ever stalls.
 */
export function gammaQuantile(p: number, a: number): number {
  assertProbability('gammaQuantile', p);
  assertShape('gammaQuantile', a);
  if (p === 0) return 0;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const a1 = a - 1;
  const gln = lnGamma(a);
  const lna1 = a > 1 ? Math.log(a1) : 0;
  const afac = a > 1 ? Math.exp(a1 * (lna1 - 1) - gln) : 0;
  let x: number;
  if (a > 1) {
    const z = normalQuantile(p);
    x = Math.max(1e-3, a * (1 - 1 / (9 * a) + z / (3 * Math.sqrt(a))) ** 3);
  } else {
    const t = 1 - a * (0.253 + a * 0.12);
    x = p < t ? (p / t) ** (1 / a) : 1 - Math.log(1 - (p - t) / (1 - t));
  }
  for (let j = 0; j < 200; j++) {
    if (x <= 0) return 0;
    // Work on whichever tail is smaller so the error is relative, not absolute.
    const err = p < 0.5 ? gammaP(a, x) - p : 1 - p - gammaQ(a, x);
    const density =
      a > 1 ? afac * Math.exp(-(x - a1) + a1 * (Math.log(x) - lna1)) : Math.exp(-x + a1 * Math.log(x) - gln);
    if (density === 0) break;
    const u = err / density;
    const step = u / (1 - 0.5 * Math.min(1, u * (a1 / x - 1)));
    x -= step;
    if (x <= 0) x = 0.5 * (x + step);
    if (Math.abs(step) <= 1e-14 * x) return x;
  }
  return bisect((v) => gammaP(a, v) - p, 0, Math.max(1, 2 * x, a + 40 * Math.sqrt(a) + 40));
}

/** Quantile of the chi-square distribution with df degrees of freedom. */
export function chiSquareQuantile(p: number, df: number): number {
  return 2 * gammaQuantile(p, df / 2);
}

/**
 * Exact (Garwood) Poisson confidence limits for an observed count, through the chi-square
 * relationship: lower = χ²(α/2, 2O)/2, upper = χ²(1 − α/2, 2O + 2)/2
 * (APHO Technical Guide: Confidence Intervals, 2008; Armitage & Berry).
 */
export function exactPoissonLimits(count: number, confidence: number): { lower: number; upper: number } {
  if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`count must be finite and >= 0, got ${count}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const alpha = 1 - confidence;
  return {
    lower: count === 0 ? 0 : gammaQuantile(alpha / 2, count),
    upper: gammaQuantile(1 - alpha / 2, count + 1),
  };
}

// Lentz continued fraction for the incomplete beta function (Numerical Recipes §6.4).
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/** Regularised incomplete beta function I_x(a, b). */
export function betaInc(x: number, a: number, b: number): number {
  assertShape('betaInc', a);
  assertShape('betaInc', b);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`betaInc needs x in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The continued fraction converges fast only on one side of the mean; use symmetry on the other.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Quantile of the beta distribution: x with I_x(a, b) = p (Halley iteration, bisection fallback). */
export function betaQuantile(p: number, a: number, b: number): number {
  assertProbability('betaQuantile', p);
  assertShape('betaQuantile', a);
  assertShape('betaQuantile', b);
  if (p === 0) return 0;
  if (p === 1) return 1;
  const a1 = a - 1;
  const b1 = b - 1;
  let x: number;
  if (a >= 1 && b >= 1) {
    const z = -normalQuantile(p); // Numerical Recipes' starting value uses the upper-tail deviate
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    x = a / (a + b * Math.exp(2 * w));
  } else {
    const lna = Math.log(a / (a + b));
    const lnb = Math.log(b / (a + b));
    const t = Math.exp(a * lna) / a;
    const u = Math.exp(b * lnb) / b;
    const w = t + u;
    x = p < t / w ? (a * w * p) ** (1 / a) : 1 - (b * w * (1 - p)) ** (1 / b);
  }
  const afac = -lnGamma(a) - lnGamma(b) + lnGamma(a + b);
  for (let j = 0; j < 200; j++) {
    if (x <= 0 || x >= 1) break;
    const err = betaInc(x, a, b) - p;
    const density = Math.exp(a1 * Math.log(x) + b1 * Math.log1p(-x) + afac);
    if (density === 0 || !Number.isFinite(density)) break;
    const u = err / density;
    const step = u / (1 - 0.5 * Math.min(1, u * (a1 / x - b1 / (1 - x))));
    x -= step;
    if (x <= 0) x = 0.5 * (x + step);
    if (x >= 1) x = 0.5 * (x + step + 1);
    if (Math.abs(step) <= 1e-14 * x && j > 0) return x;
  }
  return bisect((v) => betaInc(v, a, b) - p, 0, 1);
}

// Bisection on an increasing function; the last resort when a Newton-type iteration stalls.
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  let low = lo;
  let high = hi;
  while (f(high) < 0) high *= 2;
  // Relative tolerance: exact Poisson and t limits can be far below 1.
  for (let i = 0; i < 2000 && high - low > 1e-15 * high; i++) {
    const mid = 0.5 * (low + high);
    if (f(mid) < 0) low = mid;
    else high = mid;
  }
  return 0.5 * (low + high);
}

// Wichura, Algorithm AS 241 (PPND16), Applied Statistics 37(3):477–484, 1988: about 1e-16 relative.
const AS241_A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087,
  33430.57558358813, 2509.0809287301227,
] as const;
const AS241_B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943,
  5226.495278852854,
] as const;
const AS241_C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506,
  0.022723844989269184, 0.0007745450142783414,
] as const;
const AS241_D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
] as const;
const AS241_E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
] as const;
const AS241_F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 0.000018463183175100548,
  1.421511758316446e-7, 2.0442631033899397e-15,
] as const;

function horner(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * x + coefficients[i];
  return value;
}

/** Standard normal quantile (inverse CDF), Wichura AS 241. */
export function normalQuantile(p: number): number {
  assertProbability('normalQuantile', p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_A, r)) / horner(AS241_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = horner(AS241_C, r) / horner(AS241_D, r);
  } else {
    r -= 5;
    value = horner(AS241_E, r) / horner(AS241_F, r);
  }
  return q < 0 ? -value : value;
}

/** Standard normal CDF, through the incomplete gamma function (erfc(x) = Q(1/2, x²)). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('normalCdf needs a number');
  if (x === 0) return 0.5;
  const tail = 0.5 * gammaQ(0.5, (x * x) / 2);
  return x < 0 ? tail : 1 - tail;
}

function assertDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
}

// P(T > t) for t >= 0, accurate in the far tail.
function tUpperTail(t: number, df: number): number {
  return 0.5 * betaInc(df / (df + t * t), df / 2, 0.5);
}

/** Student t CDF with df degrees of freedom (df may be fractional; Infinity gives the normal). */
export function tCdf(t: number, df: number): number {
  assertDf(df);
  if (Number.isNaN(t)) throw new RangeError('tCdf needs a number');
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail = tUpperTail(Math.abs(t), df);
  return t < 0 ? tail : 1 - tail;
}

function tDensity(t: number, df: number): number {
  return Math.exp(
    lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

// Beyond this, lnGamma(df/2) is so large that the incomplete beta loses digits, while the
// Cornish–Fisher expansion is accurate to far better than 1e-15.
const LARGE_DF = 1e4;

// Cornish–Fisher expansion of the t quantile in powers of 1/df (Abramowitz & Stegun 26.7.5).
function cornishFisherT(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/**
 * Student t quantile. Closed forms for df = 1 and 2; otherwise the incomplete-beta inverse
 * (t² = df(1 − x)/x with x = I⁻¹_{2q}(df/2, 1/2)), polished by Newton steps on the tail probability.
 */
export function tQuantile(p: number, df: number): number {
  assertProbability('tQuantile', p);
  assertDf(df);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (df > LARGE_DF) return cornishFisherT(normalQuantile(p), df);
  const q = Math.min(p, 1 - p); // tail probability
  const sign = p < 0.5 ? -1 : 1;
  let t: number;
  if (df === 1) {
    t = 1 / Math.tan(Math.PI * q);
  } else if (df === 2) {
    t = (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
  } else {
    const x = betaQuantile(2 * q, df / 2, 0.5);
    if (x > 0.5) {
      // t is small: use the complementary parameterisation to avoid cancellation in 1 − x.
      const y = betaQuantile(1 - 2 * q, 0.5, df / 2);
      t = Math.sqrt((df * y) / (1 - y));
    } else {
      t = Math.sqrt((df * (1 - x)) / x);
    }
    for (let i = 0; i < 8; i++) {
      const err = tUpperTail(t, df) - q;
      const step = err / tDensity(t, df);
      if (!Number.isFinite(step)) break;
      const next = t + step;
      if (!(next > 0) || Math.abs(tUpperTail(next, df) - q) > Math.abs(err)) break;
      t = next;
      if (Math.abs(step) <= 1e-15 * t) break;
    }
  }
  return sign * t;
}
