from . import prod_planning_price_import
from . import prod_planning_price_capture
from . import prod_planning_price_feed_fetcher
from . import prod_planning_vendor_scorecard_reader
from . import prod_planning_vendor_contact_import
