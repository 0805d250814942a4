// Benchmark (7), the child side (run with --expose-gc): wasm memory and RSS
// after 10^5 and after 10^6 validations of the corpus (bytes and strings),
// printed as JSON.
import { validate, __memoryBytesForTests } from "healthie-webhooks";
import { loadCorpus } from "./corpus.mjs";

const { bodies } = loadCorpus();
const inputs = bodies.flatMap((b) => [Buffer.from(b), b]);
let done = 0;
let valid = 0;
function run(until) {
  for (; done < until; done++) if (validate(inputs[done % inputs.length]).valid) valid++;
}
function sample() {
  globalThis.gc();
  return { validations: done, wasmBytes: __memoryBytesForTests(), rssBytes: process.memoryUsage().rss };
}
run(100_000);
const after1e5 = sample();
run(1_000_000);
const after1e6 = sample();
process.stdout.write(JSON.stringify({ after1e5, after1e6, allValid: valid === done }));
