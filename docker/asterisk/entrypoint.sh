#!/bin/sh
# Install the hotline configuration over the image's defaults, put the AMI secret from
# the environment into manager.conf, then run Asterisk in the foreground.
set -eu
cp /etc/asterisk/hotline/manager.conf /etc/asterisk/hotline/extensions.conf \
   /etc/asterisk/hotline/queues.conf /etc/asterisk/hotline/asterisk.conf /etc/asterisk/
# Odoo's queue file: seeded once, then written by Odoo over AMI (UpdateConfig)
[ -f /etc/asterisk/queues_hotline.conf ] || \
  cp /etc/asterisk/hotline/queues_hotline.conf /etc/asterisk/queues_hotline.conf
# the fax spool (shared asterisk-spool volume): ReceiveFAX writes in/, Odoo's
# connector writes the faxes to send into out/ (another user: world-writable)
mkdir -p /var/spool/asterisk/fax/in /var/spool/asterisk/fax/out
chmod 1777 /var/spool/asterisk/fax/out
sed -i "s/@AMI_SECRET@/${ASTERISK_AMI_SECRET}/" /etc/asterisk/manager.conf
exec asterisk -f -vvv
