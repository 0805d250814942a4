// A CommonJS consumer (`require` through the "node" branch): the same types apply.
import { validate, classify } from "healthie-webhooks";
const r = validate("{}");
const v: boolean = r.valid;
const i = classify("patient.created");
export { v, i };
