-- hotline: a restored copy places no calls, sends no SMS and no faxes
-- (read by odoo.modules.neutralize for every installed module)
UPDATE hotline_pbx
   SET active = false;

UPDATE hotline_campaign
   SET state = 'paused'
 WHERE state = 'running';

UPDATE hotline_sms_provider
   SET active = false;

-- a copy does not write its backups over the original's
UPDATE db_backup
   SET hotline_backup = false
 WHERE hotline_backup;
