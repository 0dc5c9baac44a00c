#!/bin/bash
# Run by the storefront-publish deployment script inside the VNet (the web storage account's blob endpoint resolves
# to its private endpoint there), signed in as its identity. Hashed assets first, index.html last: a browser never
# gets an index.html whose assets are not uploaded yet.
set -euo pipefail

work="$(mktemp -d)"
site="$work/site"
mkdir "$site"
curl -fsSL "$ARCHIVE_URL" | tar -xz -C "$site"
test -f "$site/index.html" || { echo "the archive has no index.html at its top level" >&2; exit 1; }
upload_batch() {
  az storage blob upload-batch --auth-mode login --account-name "$WEB_STORAGE_ACCOUNT" -d "$WEB_CONTAINER" \
    --overwrite --only-show-errors "$@"
}

# Vite names every file under assets/ by its content hash: cached for a year, never revalidated.
if [ -d "$site/assets" ]; then
  mv "$site/assets" "$work/assets"
  upload_batch -s "$work/assets" --destination-path assets --content-cache-control 'public, max-age=31536000, immutable'
fi
mv "$site/index.html" "$work/index.html"
upload_batch -s "$site" --content-cache-control 'no-cache'
az storage blob upload --auth-mode login --account-name "$WEB_STORAGE_ACCOUNT" -c "$WEB_CONTAINER" -n index.html \
  -f "$work/index.html" --content-type 'text/html; charset=utf-8' --content-cache-control 'no-cache' --overwrite --only-show-errors
echo "storefront from $ARCHIVE_URL published to $WEB_STORAGE_ACCOUNT/$WEB_CONTAINER"
