#!/bin/sh
# Imports every Grafana dashboard of observability/grafana/dashboards into the deployment's Azure Managed Grafana,
# in a folder "Shop", overwriting the previous version (the files are the source of truth: edit them, not Grafana).
# ARM cannot create dashboards (they are Grafana data-plane objects), so this runs after `az deployment group create`,
# as a member of the operators' group (Grafana Admin) signed in with `az login`; needs the `amg` CLI extension
# (`az extension add --name amg`). Each dashboard picks its Prometheus data source from a variable, which defaults to
# the managed Prometheus data source the workspace integration creates.
#   scripts/import-dashboards.sh <resource group> <grafana name (Bicep output grafanaName)>
set -eu
resource_group=${1:?usage: scripts/import-dashboards.sh <resource group> <grafana name>}
grafana=${2:?usage: scripts/import-dashboards.sh <resource group> <grafana name>}
dashboards_dir=$(dirname "$0")/../observability/grafana/dashboards
folder=Shop

if ! az grafana folder show -g "$resource_group" -n "$grafana" --folder "$folder" >/dev/null 2>&1; then
  az grafana folder create -g "$resource_group" -n "$grafana" --title "$folder" >/dev/null
fi
for dashboard in "$dashboards_dir"/*.json; do
  az grafana dashboard import -g "$resource_group" -n "$grafana" --folder "$folder" --overwrite true --definition "$dashboard" >/dev/null
  echo "imported $(basename "$dashboard")"
done
