#!/bin/sh
# sluice-nightly: take tonight's encrypted dump under $SLUICE_PARENT, then prune old ones.
# Run by sluice-nightly.service (or cron) under flock(1), so two runs never overlap.
# Credentials come from the defaults file, never from this command line.
set -eu
parent=${SLUICE_PARENT:-/var/backups/sluice}
dir="$parent/$(date -u +%Y-%m-%dT%H%M%SZ)"
sluice dump --defaults-file "${SLUICE_DEFAULTS_FILE:-/etc/sluice/backup.cnf}" -o "$dir" \
    -t "${SLUICE_THREADS:-4}" --compress zstd \
    --encrypt-recipients-file "${SLUICE_RECIPIENTS_FILE:-/etc/sluice/recipients.txt}"
sluice prune "$parent" --keep-daily 7 --keep-weekly 5 --keep-monthly 12
