"""Two integrators import at the same time over RPC: nothing lost, nothing
duplicated (the no-loss check of benchmarks/bench_rpc_load.py, small)."""

from . import rpc_load


def test_two_concurrent_importers_lose_nothing(odoo_server):
    tag = "rpc-load-test"
    workers = rpc_load.drive(odoo_server.odoorpc, clients=2, tag=tag, batches=3, batch_size=200)
    assert [w.role for w in workers] == ["prices", "forecasts"]
    errors = [call for w in workers for call in w.calls if call[2]]
    assert not errors
    check = rpc_load.check_no_loss(odoo_server.odoorpc(), workers, tag)
    assert check["prices"] == (600, 600)
    assert check["forecasts"] == (600, 600)
    assert check["replay_created"] == 0
    stats = rpc_load.summary(workers, 1.0)
    assert stats["import_observations"]["calls"] == 3
    assert stats["import_forecasts (replay)"]["calls"] == 1


def test_two_clients_importing_the_same_forecasts_create_each_once(odoo_server):
    """The same daily forecasts sent by two clients at once: each is created
    once (the loser's request is retried by Odoo and updates them)."""
    before = rpc_load.check_no_loss(odoo_server.odoorpc(), [], "rpc-race")["forecasts"][1]
    workers = rpc_load.drive(
        odoo_server.odoorpc,
        clients=2,
        tag="rpc-race",
        batches=4,
        batch_size=100,
        roles=("forecasts", "forecasts"),
        same_keys=True,
    )
    errors = [call for w in workers for call in w.calls if call[2]]
    assert not errors
    check = rpc_load.check_no_loss(odoo_server.odoorpc(), workers, "rpc-race")
    sent, found = check["forecasts"]
    assert (sent, found - before) == (400, 400)
    assert check["replay_created"] == 0
