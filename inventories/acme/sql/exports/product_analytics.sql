-- Export for product analytics: people are pseudonymised before they leave.
create or replace table exports.product_analytics as
select
    sha2(email, 256) as email_hash,
    order_count,
    lifetime_value,
    ticket_count,
    avg_csat,
    date_trunc('month', last_ordered_at) as last_order_month
from marts.customer_360;
