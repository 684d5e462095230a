#!/usr/bin/env bash
# Back up Chœur: the PostgreSQL database (pg_dump, custom format) then the deposited files
# (MEDIA_ROOT), into a new folder of BACKUP_DIR, with the sha256 of each part.
#
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/choeur/media deploy/backup.sh /srv/backups
#
# Runs on a live platform: pg_dump reads one consistent snapshot without blocking anyone, and the
# files are copied AFTER it, so every file the dump references is in the copy (a stored file is
# never modified nor deleted while a row references it; files written after the dump are extra
# and harmless). Prints the folder it made. Restore with deploy/restore.sh.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL (postgres://...) doit être défini}"
: "${MEDIA_ROOT:?MEDIA_ROOT (dossier des fichiers déposés) doit être défini}"
destination="${1:?usage: deploy/backup.sh DOSSIER_DES_SAUVEGARDES}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh : DATABASE_URL n'est pas une base PostgreSQL" >&2; exit 2 ;;
esac
folder="$destination/choeur-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$folder"
umask 077
pg_dump --format=custom --compress=6 --no-owner --no-privileges \
  --file="$folder/database.dump" "$DATABASE_URL"
mkdir -p "$MEDIA_ROOT"
tar --create --gzip --file="$folder/media.tar.gz" --directory="$MEDIA_ROOT" .
(cd "$folder" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$folder"
