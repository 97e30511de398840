-- hotline_backup: a restored copy does not write its backups over the original's
-- (PBX, campaigns, SMS providers and webhooks: the other add-ons' neutralize.sql)
UPDATE db_backup
   SET hotline_backup = false
 WHERE hotline_backup;
