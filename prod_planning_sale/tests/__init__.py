from . import test_sale_promise
