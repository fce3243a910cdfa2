from . import mrp
from . import workcalendar
from . import vendors
from . import release
