"""The CRM's business thresholds, written into bundle.json's expressions and flows by build.py.

In an installed app they live where a shop changes them: the literal numbers in the lifecycle
and tier formulas, the segments and the journey triggers (docs/crm.md lists each place)."""

SLEEPING_DAYS = 60          # no order for more than this: 沉睡
AT_RISK_DAYS = 90           # 流失预警; also when the churn-warning journey starts
LOST_DAYS = 180             # 流失
SECOND_ORDER_DAYS = 30      # the second-order push starts this long after the first order
CROSS_SELL_DAYS = 30
REPLENISH_LEAD_DAYS = 7     # remind this many days before a consumable runs out
HIGH_VALUE_SPEND = 1000     # total spent that makes a customer high-value
TIER_SILVER, TIER_GOLD, TIER_DIAMOND = 2000, 5000, 10000
HOLDOUT_PERCENT = 10
CAP_MESSAGES, CAP_WINDOW = 2, "7d"   # marketing frequency cap per customer
MEASURE_WINDOW = "7d"       # orders within this window after a touch count as conversions
POINTS_PER_YUAN = 1
POINTS_VALID_MONTHS = 12
POINTS_REMINDER_DAYS = 30
SLA_REMINDER_HOURS = 2
UNHAPPY_RATING = 2
RFM_CRON = "30 2 * * *"     # nightly, workspace time zone
