from . import mrp
from . import workcalendar
