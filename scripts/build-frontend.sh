#!/usr/bin/env bash
# Builds the vendored front end into static/vendor/ from the npm packages in package.json:
# GOV.UK Frontend compiled with the Hub's styles, its JavaScript and assets, and GOV.UK's
# accessible-autocomplete (static/js/organisation-autocomplete.js enhances organisation selects).
set -euo pipefail
cd "$(dirname "$0")/.."
{ [ -d node_modules/govuk-frontend ] && [ -d node_modules/accessible-autocomplete ]; } || npm ci --no-audit --no-fund
dist=node_modules/govuk-frontend/dist/govuk
mkdir -p static/vendor/govuk
node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
  static/src/hub.scss static/vendor/hub.css
# Without its .map beside it, the sourceMappingURL comment breaks Django's manifest storage.
sed 's#//\# sourceMappingURL=.*$##' "$dist/govuk-frontend.min.js" >static/vendor/govuk/govuk-frontend.min.js
autocomplete=node_modules/accessible-autocomplete/dist
mkdir -p static/vendor/accessible-autocomplete
for file in accessible-autocomplete.min.js accessible-autocomplete.min.css; do
  sed -e 's#//\# sourceMappingURL=.*$##' -e 's#/\*\# sourceMappingURL=.*\*/##' "$autocomplete/$file" \
    >"static/vendor/accessible-autocomplete/$file"
done
printf 'accessible-autocomplete %s, MIT licence, (c) Crown copyright. Built by scripts/build-frontend.sh.\n' \
  "$(node -p "require('./node_modules/accessible-autocomplete/package.json').version")" \
  >static/vendor/accessible-autocomplete/VERSION.txt
# The footer's crest (reserved for GOV.UK) is the one image the CSS refers to; we never use it.
sed -i 's#url("/static/vendor/govuk/assets/images/govuk-crest.svg")#none#g' static/vendor/hub.css
# GOV.UK Frontend's assets (the GDS Transport font, crown and crest images) are reserved for
# services on GOV.UK, so none are copied: the compiled CSS uses a system font stack.
version=$(node -p "require('./node_modules/govuk-frontend/package.json').version")
printf 'GOV.UK Frontend %s, MIT licence, (c) Crown copyright. Built by scripts/build-frontend.sh.\n' \
  "$version" >static/vendor/govuk/VERSION.txt
echo "front end built: static/vendor/hub.css ($(wc -c <static/vendor/hub.css) bytes)"
