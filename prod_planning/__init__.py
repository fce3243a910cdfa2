from . import models
from . import services
from . import report
from . import wizards
