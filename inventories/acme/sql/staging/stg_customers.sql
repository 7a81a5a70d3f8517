-- Staging: one row per CRM contact, e-mail normalised.
create or replace table staging.customers as
select
    c.id as customer_id,
    lower(trim(c.email)) as email,
    c.first_name,
    c.last_name,
    c.phone,
    c.date_of_birth,
    c.marketing_opt_in,
    c.created_at
from raw.crm_contacts c;
