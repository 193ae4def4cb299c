// Marks the page as having JavaScript, and GOV.UK Frontend as supported (ES modules), before
// the body is painted, so components render in their enhanced state without a flash.
// A file rather than an inline <script>: the Content-Security-Policy allows script only from
// this site (config/settings/base.py). Loaded as a classic, blocking script at the top of
// <body>: `document.body` exists there, and nothing is painted until it has run.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
