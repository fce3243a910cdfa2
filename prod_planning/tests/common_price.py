"""Shared setup of the raw-material price tests (built on ProdPlanningCase)."""

import contextlib
import dataclasses
import datetime
import ipaddress
import os
import ssl
import tempfile
import threading
import time
from datetime import timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import odoo
from odoo import Command, fields
from odoo.tests.common import _super_send

from .common import ProdPlanningCase

FEED_TIMEOUT = 0.5


class PriceCase(ProdPlanningCase):
    """Raw materials in several units, a second currency and a commodity index."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Observation = cls.env["prod.planning.price.observation"]
        cls.today = fields.Date.context_today(cls.Observation)
        cls.uom_meter = cls.env.ref("uom.product_uom_meter")
        cls.uom_ton = cls.env.ref("uom.product_uom_ton")
        cls.uom_gram = cls.env.ref("uom.product_uom_gram")
        cls.categ_raw = cls.env["product.category"].create({"name": "Test Raw"})
        cls.categ_metal = cls.env["product.category"].create({"name": "Test Metals", "parent_id": cls.categ_raw.id})
        cls.categ_other = cls.env["product.category"].create({"name": "Test Other"})
        cls.steel = cls._create_raw_material("Test Steel Sheet", "T-STEEL", cls.categ_metal, 1.0, uom=cls.uom_kg)
        cls.tube = cls._create_raw_material("Test Steel Tube", "T-TUBE", cls.categ_metal, 4.0, uom=cls.uom_meter)
        cls.screw = cls._create_raw_material("Test Screw", "T-SCREW", cls.categ_raw, 0.05, purchase_uom=cls.uom_dozen)
        cls.paint = cls._create_raw_material("Test Paint", "T-PAINT", cls.categ_other, 3.0, uom=cls.uom_kg)
        cls.company_currency = cls.company.currency_id
        cls.other_currency = cls.env.ref("base.EUR" if cls.company_currency.name != "EUR" else "base.USD")
        cls.other_currency.active = True
        # One unit of the other currency is worth 2 company units, at all dates.
        cls.env["res.currency.rate"].search(
            [("currency_id", "=", cls.other_currency.id), ("company_id", "in", [False, cls.company.id])]
        ).unlink()
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.other_currency.id,
                "company_id": cls.company.id,
                "name": "2000-01-01",
                "rate": 0.5 * cls.company_currency.with_company(cls.company).rate,
            }
        )
        cls.steel_index = cls.env["prod.planning.price.index"].create(
            {
                "name": "Test Steel Index",
                "code": "T-IDX-STEEL",
                "uom_id": cls.uom_ton.id,
                "currency_id": cls.company_currency.id,
            }
        )

    @classmethod
    def _create_raw_material(cls, name, code, categ, cost, **values):
        """A bought product with its internal reference, category and cost."""
        return cls._create_product(name, default_code=code, categ_id=categ.id, standard_price=cost, **values)

    @classmethod
    def _days_ago(cls, days):
        return cls.today - datetime.timedelta(days=days)

    @classmethod
    def _observe(cls, product, price, days_ago=0, partner=None, **values):
        """A price observation through the ORM (source 'manual' by default)."""
        vals = {
            "product_id": product.id,
            "price": price,
            "date": cls._days_ago(days_ago),
            "source": "manual",
            "partner_id": partner.id if partner else False,
        }
        vals.update(values)
        return cls.env["prod.planning.price.observation"].create(vals)

    @classmethod
    def _link_index(cls, index, product, factor):
        return cls.env["prod.planning.price.index.product"].create(
            {"index_id": index.id, "product_id": product.id, "factor": factor}
        )

    @classmethod
    def _create_rule(cls, **values):
        vals = {
            "name": "Test rule",
            "scope": "category",
            "categ_id": cls.categ_raw.id,
            "rule_type": "previous",
            "threshold_percent": 10,
            "direction": "up",
            "lookback_days": 0,
            "user_id": cls.planner.id,
        }
        vals.update(values)
        return cls.env["prod.planning.price.alert.rule"].create(vals)

    @classmethod
    def _create_purchase(cls, vendor, lines, currency=None):
        """lines: list of (product, qty, price) or (product, qty, price, uom)."""
        order_lines = []
        for product, qty, price, *uom in lines:
            order_lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "product_qty": qty,
                        "price_unit": price,
                        "product_uom_id": (uom[0] if uom else cls._purchase_uom(product)).id,
                    }
                )
            )
        return cls.env["purchase.order"].create(
            {"partner_id": vendor.id, "currency_id": (currency or cls.company_currency).id, "order_line": order_lines}
        )

    def _observations(self, product, **domain_values):
        domain = [("product_id", "=", product.id)]
        domain += [(key, "=", value) for key, value in domain_values.items()]
        return self.Observation.search(domain)


@dataclasses.dataclass
class FeedRoute:
    """What the test feed server answers on one path."""

    body: bytes | str = b""
    content_type: str = "application/json"
    status: int = 200
    reason: str | None = None  # the HTTP reason phrase; None: the standard one
    delay: float = 0  # seconds before answering
    drip: float = 0  # seconds between the body's bytes, sent one by one
    drip_head: float = 0  # the same for the status line and headers
    headers: dict = dataclasses.field(default_factory=dict)
    with_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    required_header: tuple = ()  # (name, value) the request must carry, else 401
    delivered: list = dataclasses.field(default_factory=list)  # per answer: whether it was sent whole
    answered: threading.Event = dataclasses.field(default_factory=threading.Event)


class PriceFeedHandler(BaseHTTPRequestHandler):
    routes = {}  # path -> FeedRoute
    requests_seen = []  # (Host header, path, headers)

    def do_GET(self):
        self.requests_seen.append((self.headers.get("Host", ""), self.path, dict(self.headers)))
        route = self.routes.get(urlsplit(self.path).path) or FeedRoute("not found", "text/plain", 404)
        status, body = route.status, route.body
        if route.required_header and self.headers.get(route.required_header[0]) != route.required_header[1]:
            status, body = 401, "missing key"
        data = body.encode() if isinstance(body, str) else body
        if route.delay:
            time.sleep(route.delay)
        head = [f"HTTP/1.0 {status} {route.reason or HTTPStatus(status).phrase}"]
        head.append(f"Content-Type: {route.content_type}")
        if route.with_length:
            head.append(f"Content-Length: {len(data)}")
        head += [f"{name}: {value}" for name, value in route.headers.items()]
        parts = [(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"), route.drip_head), (data, route.drip)]
        sent = 0
        # After a timeout the client is gone: writing then fails, harmlessly.
        with contextlib.suppress(OSError):
            for part, drip in parts:
                if not drip:
                    sent += self.wfile.write(part)
                    continue
                for index in range(len(part)):
                    sent += self.wfile.write(part[index : index + 1])
                    time.sleep(drip)
        route.delivered.append(sent == len(parts[0][0]) + len(data))
        route.answered.set()

    def log_message(self, format, *args):
        pass


def _write_self_signed_certificate(directory):
    """A certificate for 127.0.0.1 and localhost, and its key: paths of the PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as cert_file:
        cert_file.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as key_file:
        key_file.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return cert_path, key_path


class PriceFeedCase(PriceCase):
    """Feeds fetched with requests from real HTTP and HTTPS servers on
    127.0.0.1, run in threads of the test process; nothing of requests is
    mocked. Odoo's harness only lets requests to localhost through; this class
    keeps the feeds' own short timeouts (the harness would raise them to 10 s)
    and allows 127.0.0.1 in the feeds' allowed hosts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        directory = tempfile.TemporaryDirectory()
        cls.addClassCleanup(directory.cleanup)
        cert_path, key_path = _write_self_signed_certificate(directory.name)
        # requests verifies the HTTPS server against this bundle.
        cls.startClassPatcher(patch.dict(os.environ, {"REQUESTS_CA_BUNDLE": cert_path}))
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert_path, key_path)
        cls.base_url = cls._start_feed_server("http")
        cls.https_url = cls._start_feed_server("https", tls)
        cls.routes = {}
        PriceFeedHandler.routes = cls.routes
        cls.env["ir.config_parameter"].set_param("prod_planning.feed_allowed_hosts", "127.0.0.1")
        cls.Feed = cls.env["prod.planning.price.feed"]

    @classmethod
    def _start_feed_server(cls, scheme, tls=None):
        server = ThreadingHTTPServer(("127.0.0.1", 0), PriceFeedHandler)
        server.daemon_threads = True
        if tls:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        cls.addClassCleanup(server.server_close)
        cls.addClassCleanup(server.shutdown)
        return f"{scheme}://127.0.0.1:{server.server_address[1]}"

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Keep the feed's own timeout for our local servers.
        if urlsplit(r.url).hostname in ("127.0.0.1", "localhost"):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def setUp(self):
        super().setUp()
        PriceFeedHandler.requests_seen.clear()

    def _feed(self, path, payload_format="json", base_url=None, **values):
        """A feed of the test server's ``path``, due, with the codes STL
        (steel), SCR (screws per dozen), TUBE and STL-IDX (steel index)."""
        vals = {
            "name": f"Feed {path}",
            "url": (base_url or self.base_url) + path,
            "payload_format": payload_format,
            "timeout": FEED_TIMEOUT,
            "next_run": fields.Datetime.now() - timedelta(minutes=1),
            "line_ids": [
                Command.create({"code": "STL", "product_id": self.steel.id}),
                Command.create({"code": "SCR", "product_id": self.screw.id, "uom_id": self.uom_dozen.id}),
                Command.create({"code": "TUBE", "product_id": self.tube.id}),
                Command.create({"code": "STL-IDX", "index_id": self.steel_index.id}),
            ],
        }
        if payload_format == "json":
            vals.update(
                json_path="data.prices", field_code="sku", field_price="value", field_date="day", field_currency="ccy"
            )
        else:
            vals["csv_delimiter"] = ";"
        vals.update(values)
        return self.Feed.create(vals)

    def _failure_messages(self, feed):
        return feed.message_ids.filtered(lambda m: m.subject == "Price feed failure").mapped("body")

    def _run_feed_cron(self, killed=False, **context):
        """Run the feeds' scheduled action in a cursor of its own, as a cron
        worker does, and commit it; ``killed``: roll it back instead, as when
        the worker is killed at limit_time_real before the end."""
        # The test cursor needs the running test, which pytest-odoo may leave
        # unset for the first test of a session (Odoo's loading resets it).
        with patch.object(odoo.modules.module, "current_test", self), self.enter_registry_test_mode():
            cron_cr = self.registry.cursor()
            try:
                self.Feed.with_env(self.env(cr=cron_cr)).with_context(**context)._cron_fetch_due_feeds()
                if killed:
                    cron_cr.rollback()
                else:
                    cron_cr.commit()
            finally:
                cron_cr.close()
