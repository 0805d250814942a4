// Runs the package's contract cases inside workerd, through the package's
// `workerd` entry (the .wasm imported as a compiled module, as in Workers).
import * as api from "../../../pkg/workerd.mjs";
import { runCases, webCryptoEnv } from "../cases.mjs";

export default {
  async fetch(request) {
    const examples = await request.json();
    const results = await runCases(api, { ...webCryptoEnv, examples });
    return Response.json(results);
  },
};
