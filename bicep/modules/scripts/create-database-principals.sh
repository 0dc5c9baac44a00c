#!/bin/bash
# Run by the database-principals deployment script inside the VNet, signed in as its identity (an Entra
# administrator of the server). For each "<role> <object id> <database>" line of DATABASE_PRINCIPALS: create the
# Entra principal when it is missing, then grant it ALL on its database (enough: each service creates and owns a
# schema of its own name at its first migration). Safe to run again.
set -euo pipefail

# The Azure CLI image has no PostgreSQL client; its package feed has one.
command -v psql >/dev/null || tdnf install -y postgresql >/dev/null

# An Entra token is the password; the server has no password authentication at all.
PGPASSWORD="$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)"
export PGPASSWORD PGSSLMODE=require PGDATABASE=postgres

while read -r role object_id database; do
  [ -n "$role" ] || continue
  psql -v ON_ERROR_STOP=1 -v role="$role" -v oid="$object_id" -v db="$database" <<'SQL'
SELECT pgaadauth_create_principal_with_oid(:'role', :'oid', 'service', false, false)
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role');
GRANT ALL ON DATABASE :"db" TO :"role";
SQL
  echo "principal $role ($object_id) may use $database"
done <<< "$DATABASE_PRINCIPALS"
