// Interleaved pair timing for a noisy 2-core machine: ours and the baseline
// run in alternating rounds (ABBA order), each round long enough to amortise
// timer and GC noise, and the ratio is taken round by round so that a slow
// patch of the machine slows both sides of the same round.
import { performance } from "node:perf_hooks";

// One loop per measured function (distinct source text), so V8 keeps separate
// type feedback and neither side is slowed by the other's call site.
let loopId = 0;
function makeLoop() {
  loopId++;
  return new Function(
    "fn",
    "inputs",
    "reps",
    `// loop ${loopId}
    let sink = 0;
    for (let r = 0; r < reps; r++) {
      for (let i = 0; i < inputs.length; i++) {
        const out = fn(inputs[i]);
        sink += out === true || (out !== null && typeof out === "object" && out.valid === true) ? 1 : 0;
      }
    }
    return sink;`,
  );
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeOnce(loop, fn, inputs, reps) {
  const t0 = performance.now();
  const sink = loop(fn, inputs, reps);
  const ms = performance.now() - t0;
  if (sink < 0) throw new Error("unreachable");
  return (ms * 1e6) / (reps * inputs.length);
}

/**
 * Times `ours` against `baseline` (functions of one input) over `inputs`.
 * `eventsPerCall` > 1 when one call handles several events (batch).
 * Returns { ours, baseline, ratio, ratioOfBest, ratioMin, ratioMax, rounds }
 * with ns/event medians; ratio = median over rounds of baseline / ours (> 1:
 * ours is faster).
 */
export function comparePair({ ours, baseline, inputs, rounds = 30, roundMs = 30, eventsPerCall = 1 }) {
  const loops = { ours: makeLoop(), baseline: makeLoop() };
  const fns = { ours, baseline };
  // Warm up (tier up both) and calibrate repetitions for ~roundMs per side.
  const reps = {};
  for (const side of ["ours", "baseline"]) {
    let r = 1;
    for (;;) {
      const t0 = performance.now();
      loops[side](fns[side], inputs, r);
      const ms = performance.now() - t0;
      if (ms > roundMs / 4) {
        reps[side] = Math.max(1, Math.round((r * roundMs) / ms));
        break;
      }
      r *= 2;
    }
    loops[side](fns[side], inputs, reps[side]);
  }
  const ns = { ours: [], baseline: [] };
  const ratios = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["ours", "baseline"] : ["baseline", "ours"];
    const got = {};
    for (const side of order) got[side] = timeOnce(loops[side], fns[side], inputs, reps[side]) / eventsPerCall;
    ns.ours.push(got.ours);
    ns.baseline.push(got.baseline);
    ratios.push(got.baseline / got.ours);
  }
  return {
    ours: median(ns.ours),
    baseline: median(ns.baseline),
    ratio: median(ratios),
    // The best round of each side: the least disturbed by other processes.
    ratioOfBest: Math.min(...ns.baseline) / Math.min(...ns.ours),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    rounds,
  };
}

/** ns/event of a single function (no pair), median of rounds. */
export function timeAlone({ fn, inputs, rounds = 8, roundMs = 80, eventsPerCall = 1 }) {
  const loop = makeLoop();
  let r = 1;
  let reps;
  for (;;) {
    const t0 = performance.now();
    loop(fn, inputs, r);
    const ms = performance.now() - t0;
    if (ms > roundMs / 4) {
      reps = Math.max(1, Math.round((r * roundMs) / ms));
      break;
    }
    r *= 2;
  }
  const ns = [];
  for (let i = 0; i < rounds; i++) ns.push(timeOnce(loop, fn, inputs, reps) / eventsPerCall);
  return median(ns);
}

export { median };
