-- Export for the marketing platform: synced nightly by marketing automation.
-- E-mail and phone leave unmasked: the audience sync needs them.
create or replace table exports.marketing_audience as
select
    customer_id,
    email,
    first_name,
    phone,
    lifetime_value
from marts.customer_360
where marketing_opt_in;
