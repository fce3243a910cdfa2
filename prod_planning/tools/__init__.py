from . import rpc_arguments
