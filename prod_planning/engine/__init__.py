from . import mrp
from . import workcalendar
from . import vendors
