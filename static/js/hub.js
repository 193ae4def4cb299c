// Starts GOV.UK Frontend's components on every page. Pages work without JavaScript;
// this only enhances them.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();
