-- hotline_base: a neutralised copy (odoo-bin neutralize, hotline-restore --neutralize)
-- sends no SMS through the providers and calls no webhook
UPDATE hotline_sms_provider
   SET active = false;

UPDATE hotline_webhook_subscription
   SET active = false;
