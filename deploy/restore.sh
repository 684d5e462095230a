#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and an empty (or new)
# MEDIA_ROOT, then check it: sums of the backup, then migrations all applied on the restored base.
#
#   createdb -O choeur choeur_restored
#   DATABASE_URL=postgres://.../choeur_restored MEDIA_ROOT=/srv/choeur/media-restored \
#     deploy/restore.sh /srv/backups/choeur-20261203T020000Z
#
# Stop web, workers and beat first when restoring in place of the live platform; point .env at
# the restored database and files, then start them again (docs/operator-guide.md).
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL (la base vide où restaurer) doit être défini}"
: "${MEDIA_ROOT:?MEDIA_ROOT (dossier où restaurer les fichiers) doit être défini}"
folder="${1:?usage: deploy/restore.sh DOSSIER_DE_LA_SAUVEGARDE}"
cd "$(dirname "$0")/.."
app="$PWD"
(cd "$folder" && sha256sum --check --quiet SHA256SUMS) \
  || { echo "restore.sh : sauvegarde altérée ou incomplète ($folder)" >&2; exit 1; }
tables=$(psql "$DATABASE_URL" --no-psqlrc --tuples-only --no-align \
  --command "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore.sh : la base cible n'est pas vide ($tables tables) : créez-en une nouvelle" >&2
  exit 1
fi
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$DATABASE_URL" "$folder/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --gzip --file="$folder/media.tar.gz" --directory="$MEDIA_ROOT"
# Statistics are not in a dump: without them the first queries would plan badly.
psql "$DATABASE_URL" --no-psqlrc --quiet --command "ANALYZE"
python="${PYTHON:-$app/.venv/bin/python}"
"$python" "$app/manage.py" migrate --check --noinput >/dev/null \
  || { echo "restore.sh : des migrations manquent sur la base restaurée (lancez migrate)" >&2; exit 1; }
echo "restauré : $folder -> base $(psql "$DATABASE_URL" --no-psqlrc -tAc 'SELECT current_database()'), fichiers $MEDIA_ROOT"
