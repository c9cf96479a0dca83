// Property tests sample a random part of an endless input space. A developer's quick tier takes a third of the
// samples so `vitest --project unit` stays fast; CI (CI=true) and KSPRAY_PROPERTY_RUNS=full take them all.
const full = process.env.CI === 'true' || process.env.KSPRAY_PROPERTY_RUNS === 'full';

export const propertyRuns = (n: number): number => (full ? n : Math.ceil(n / 3));
