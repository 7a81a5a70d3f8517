-- Staging: support tickets, chat and call transcripts included.
create or replace table staging.tickets as
select
    t.id as ticket_id,
    lower(t.requester_email) as requester_email,
    t.channel,
    t.subject,
    t.transcript,
    t.satisfaction_score,
    t.created_at
from raw.tickets t;
