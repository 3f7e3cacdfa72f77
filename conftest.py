import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from customers.models import Tier
from oms.celery import app as celery_app
from oms.regions import Region
from tests.factories import (
    PASSWORD, AddressFactory, CompanyFactory, PriceListFactory, PriceListItemFactory, ProductFactory, StaffFactory,
    TaxRateFactory, WarehouseFactory, dealer_user, stock_of,
)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request as a Chinese-speaking user (or
    with a Chinese Accept-Language) activates Chinese for the thread, and a test that calls
    services directly afterwards must not inherit it, whatever order the tests run in."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def staff_user(db):
    """staff_user("finance") -> a console user with that role."""

    def make(role="sales", **kwargs):
        return StaffFactory(staff_role=role, **kwargs)

    return make


@pytest.fixture
def dealer(db):
    """dealer(company=None, role="buyer") -> a portal user of that company."""
    return dealer_user


@pytest.fixture
def shop(db):
    """Two warehouses (East and South), three priced products with stock, a Gold customer in
    the East with a complete ship-to address, and staff for the workflow."""
    sh = WarehouseFactory(code="SH", region=Region.EAST, priority=10)
    gz = WarehouseFactory(code="GZ", region=Region.SOUTH, priority=20)
    plist = PriceListFactory(code="CNY-GOLD", name="Gold", tier=Tier.GOLD)
    TaxRateFactory(rate=Decimal("13"))
    products = {}
    for sku, price, pack in (("VALVE", "100.00", 1), ("PIPE", "20.00", 10), ("TAPE", "2.00", 1)):
        products[sku] = ProductFactory(sku=sku, pack_size=pack)
        PriceListItemFactory(price_list=plist, product=products[sku], unit_price=Decimal(price))
    company = CompanyFactory(tier=Tier.GOLD, region=Region.EAST, price_list=plist, credit_limit=Decimal("50000"))
    address = AddressFactory(company=company, region=Region.EAST, is_default=True)
    return {
        "sh": sh, "gz": gz, "products": products, "company": company, "address": address, "plist": plist,
        "sales": StaffFactory(staff_role="sales"), "manager": StaffFactory(staff_role="sales_manager"),
        "finance": StaffFactory(staff_role="finance"), "warehouse": StaffFactory(staff_role="warehouse"),
        "stock_of": stock_of,
    }


ROOT = Path(__file__).resolve().parent


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A real Celery worker process on Redis, consuming this test's own queues (the default
    one and the reports one). Yields {"mail_dir", "proc"}; tasks queued meanwhile go to it."""
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the worker test: REDIS_URL is empty (is redis-server installed?)")
        pytest.skip("no Redis here (embedded mode): the real-worker round trip needs REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    reports_queue = f"{queue}-reports"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "oms.settings",
        "DJANGO_DEBUG": "true",
        "OMS_TESTING": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DATABASE_POOL": "false",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "CELERY_REPORTS_QUEUE": reports_queue,
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    cmd = [sys.executable, "-m", "celery", "-A", "oms", "worker", "--pool=solo", "-Q", f"{queue},{reports_queue}",
           "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_default_queue, conf.task_routes)
    conf.task_always_eager = False
    conf.task_default_queue = queue
    conf.task_routes = {"reports.tasks.*": {"queue": reports_queue}}
    _forget_celery_routes()
    try:
        yield {"mail_dir": tmp_path / "mail", "proc": proc}
    finally:
        conf.task_always_eager, conf.task_default_queue, conf.task_routes = saved
        _forget_celery_routes()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _forget_celery_routes():
    """Celery caches its routing table at the first send; rebuild it from conf.task_routes."""
    celery_app.amqp._rtable = None
    celery_app.amqp.__dict__.pop("router", None)
