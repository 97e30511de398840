-- hotline_callcenter: a neutralised copy places no calls: PBX connections off,
-- running dialer campaigns (and the dunning campaigns built on them) paused
UPDATE hotline_pbx
   SET active = false;

UPDATE hotline_campaign
   SET state = 'paused'
 WHERE state = 'running';
