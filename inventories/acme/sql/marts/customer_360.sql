-- Mart: everything the business knows about a customer, one row each.
create temporary table order_totals as
select
    customer_id,
    count(*) as order_count,
    sum(total_amount) as lifetime_value,
    max(ordered_at) as last_ordered_at
from staging.orders
where status = 'paid'
group by customer_id;

create or replace table marts.customer_360 as
with ticket_stats as (
    select requester_email, count(*) as ticket_count, avg(satisfaction_score) as avg_csat
    from staging.tickets
    group by requester_email
)
select
    c.customer_id,
    c.email,
    c.first_name,
    c.last_name,
    c.phone,
    c.date_of_birth,
    c.marketing_opt_in,
    coalesce(o.order_count, 0) as order_count,
    o.lifetime_value,
    o.last_ordered_at,
    s.ticket_count,
    s.avg_csat
from staging.customers c
left join order_totals o on o.customer_id = c.customer_id
left join ticket_stats s on s.requester_email = c.email;
