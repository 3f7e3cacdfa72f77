from celery import shared_task

from . import services


@shared_task
def run_replenishment():
    """Celery beat: find low stock, alert, draft transfers and purchase orders."""
    result = services.run_replenishment()
    return {"low": result["low"], "transfers": len(result["transfers"]),
            "purchase_orders": len(result["purchase_orders"]), "alerts": result["alerts"]}


@shared_task
def release_expired_reservations():
    """Celery beat: give back stock held past its expiry (unpaid prepaid orders)."""
    return len(services.release_expired_reservations())
