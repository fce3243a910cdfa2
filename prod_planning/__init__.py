from . import models
from . import report
from . import services
from . import wizards
