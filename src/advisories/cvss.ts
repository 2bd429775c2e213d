// CVSS scores from vector strings, computed by ae-cvss-calculator (FIRST's formulas for v2.0,
// v3.0, v3.1 and v4.0); checked against the reference vectors in the conformance suite.
import calculator from 'ae-cvss-calculator';

const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = calculator;

type MultiScoreResult = ReturnType<InstanceType<typeof Cvss3P1>['calculateScores']>;

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  vector: string;
  baseScore: number;
  /** v3.x only, when the vector has temporal metrics. */
  temporalScore?: number;
  /** v3.x only, when the vector has environmental metrics; see `environmentalScore`. */
  environmentalScore?: number;
}

// Advisories repeat a few thousand distinct vectors; scoring each once keeps big scans fast.
const memo = new Map<string, CvssScore | undefined>();
const memoLimit = 50_000;

/** Scores a vector; returns undefined for anything that is not a valid CVSS vector. */
export function scoreCvss(vector: string): CvssScore | undefined {
  if (memo.has(vector)) {
    return memo.get(vector);
  }

  const score = computeScore(vector.trim());
  if (memo.size < memoLimit) {
    memo.set(vector, score);
  }

  return score;
}

function computeScore(trimmed: string): CvssScore | undefined {
  try {
    if (trimmed.startsWith('CVSS:4.0/')) {
      return finite('4.0', trimmed, new Cvss4P0(trimmed).calculateScores().overall);
    }

    if (trimmed.startsWith('CVSS:3.')) {
      return scoreV3(trimmed);
    }

    if (/^\(?AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(trimmed)) {
      const bare = trimmed.replace(/^\((.*)\)$/, '$1');
      return finite('2.0', bare, new Cvss2(bare).calculateScores().base);
    }
  } catch {
    return undefined;
  }

  return undefined;
}

function scoreV3(vector: string): CvssScore | undefined {
  const version: CvssVersion = vector.startsWith('CVSS:3.0/') ? '3.0' : '3.1';
  if (version === '3.1' && !vector.startsWith('CVSS:3.1/')) {
    return undefined;
  }

  const make = (text: string): MultiScoreResult =>
    (version === '3.0' ? new Cvss3P0(text) : new Cvss3P1(text)).calculateScores();
  const scores = make(vector);
  const base = finite(version, vector, scores.base);
  if (base === undefined) {
    return undefined;
  }

  return {
    ...base,
    ...(scores.temporal === undefined ? {} : { temporalScore: scores.temporal }),
    ...(scores.environmental === undefined ? {} : { environmentalScore: scores.environmental }),
  };
}

/**
 * The CVSS 3.x environmental score of any v3 vector, also one without environmental metrics.
 * The library scores that group only when one of its metrics is present; per CVSS 3.x §7.3
 * absent modified metrics take base values and CR/IR/AR:M weigh as "X". Not on the matching
 * path: findings are rated on base scores.
 */
export function environmentalScore(vector: string): number | undefined {
  const score = scoreCvss(vector);
  if (score === undefined || score.version === '2.0' || score.version === '4.0') {
    return undefined;
  }

  const full = /\/(CR|IR|AR):/.test(vector) ? vector : `${vector}/CR:M`;
  return (score.version === '3.0' ? new Cvss3P0(full) : new Cvss3P1(full)).calculateScores()
    .environmental;
}

function finite(version: CvssVersion, vector: string, score: number | undefined):
  CvssScore | undefined {
  if (score === undefined || !Number.isFinite(score)) {
    return undefined;
  }

  return { version, vector, baseScore: score };
}
