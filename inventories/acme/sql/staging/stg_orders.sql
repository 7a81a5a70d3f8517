-- Staging: orders with their payments; card data stays behind.
create or replace table staging.orders as
select
    o.id as order_id,
    o.contact_id as customer_id,
    o.total_amount,
    o.currency,
    o.status,
    o.ordered_at,
    p.card_brand
from raw.orders o
left join raw.payments p on p.order_id = o.id;
