from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from customers.views import portal as customer_portal
from customers.views import console as customer_console
from inventory.views import console as inventory_console
from inventory.views import portal as inventory_portal
from inventory.views import purchasing as inventory_purchasing
from inventory.views import stock as inventory_stock
from inventory.views import transfers as inventory_transfers
from orders.views import approvals as order_approvals
from orders.views import detail as order_detail
from orders.views import edit as order_edit
from orders.views import entry as order_entry
from orders.views import fulfilment as order_fulfilment
from orders.views import queue as order_queue
from orders.views import sla as order_sla
from reports.views import console as reports_console

from . import views

admin.site.site_header = _("OMS administration")
admin.site.site_title = _("OMS admin")
admin.site.index_title = _("Master data and settings")

console_patterns = (
    [
        path("", reports_console.dashboard, name="home"),
        path("login/", views.ConsoleLoginView.as_view(), name="login"),
        path("logout/", auth_views.LogoutView.as_view(next_page="console:login"), name="logout"),
        path("inbox/", views.console_inbox, name="inbox"),
        path("catalog/products/", inventory_console.product_list, name="product_list"),
        path("catalog/products/<int:pk>/", inventory_console.product_detail, name="product_detail"),
        path("inventory/warehouses/", inventory_console.warehouse_list, name="warehouse_list"),
        path("inventory/stock/", inventory_stock.stock_list, name="stock_list"),
        path("inventory/products/<int:pk>/stock/", inventory_stock.stock_card, name="stock_card"),
        path("inventory/receive/", inventory_stock.stock_receive, name="stock_receive"),
        path("inventory/adjust/", inventory_stock.stock_adjust, name="stock_adjust"),
        path("inventory/count/", inventory_stock.stock_count, name="stock_count"),
        path("inventory/low-stock/", inventory_stock.low_stock, name="low_stock"),
        path("inventory/low-stock/replenish/", inventory_stock.low_stock_replenish, name="low_stock_replenish"),
        path("inventory/transfers/", inventory_transfers.transfer_list, name="transfer_list"),
        path("inventory/transfers/new/", inventory_transfers.transfer_create, name="transfer_create"),
        path("inventory/transfers/<int:pk>/", inventory_transfers.transfer_detail, name="transfer_detail"),
        path("inventory/transfers/<int:pk>/ship/", inventory_transfers.transfer_ship, name="transfer_ship"),
        path("inventory/transfers/<int:pk>/cancel/", inventory_transfers.transfer_cancel, name="transfer_cancel"),
        path("inventory/transfers/<int:pk>/receive/", inventory_transfers.transfer_receive, name="transfer_receive"),
        path("inventory/purchase-orders/", inventory_purchasing.purchase_order_list, name="purchase_order_list"),
        path("inventory/purchase-orders/new/", inventory_purchasing.purchase_order_create, name="purchase_order_create"),
        path("inventory/purchase-orders/<int:pk>/", inventory_purchasing.purchase_order_detail,
             name="purchase_order_detail"),
        path("inventory/purchase-orders/<int:pk>/send/", inventory_purchasing.purchase_order_send,
             name="purchase_order_send"),
        path("inventory/purchase-orders/<int:pk>/cancel/", inventory_purchasing.purchase_order_cancel,
             name="purchase_order_cancel"),
        path("inventory/purchase-orders/<int:pk>/receive/", inventory_purchasing.purchase_order_receive,
             name="purchase_order_receive"),
        path("customers/", customer_console.company_list, name="company_list"),
        path("orders/", order_queue.order_list, name="order_list"),
        path("orders/new/", order_entry.order_create, name="order_create"),
        path("orders/new/addresses/", order_entry.entry_addresses, name="order_entry_addresses"),
        path("orders/new/line/", order_entry.entry_line, name="order_entry_line"),
        path("orders/new/preview/", order_entry.entry_preview, name="order_entry_preview"),
        path("orders/sla/", order_sla.sla_board, name="sla_board"),
        path("orders/<int:pk>/", order_detail.order_detail, name="order_detail"),
        path("orders/<int:pk>/release/", order_detail.order_release, name="order_release"),
        path("orders/<int:pk>/approve/", order_detail.order_approve, name="order_approve"),
        path("orders/<int:pk>/reject/", order_detail.order_reject, name="order_reject"),
        path("orders/<int:pk>/cancel/", order_detail.order_cancel, name="order_cancel"),
        path("orders/<int:pk>/hold/", order_detail.order_hold, name="order_hold"),
        path("orders/<int:pk>/edit/", order_edit.order_edit, name="order_edit"),
        path("orders/<int:pk>/tags/", order_detail.order_tags, name="order_tags"),
        path("orders/<int:pk>/notes/", order_detail.order_note, name="order_note"),
        path("approvals/", order_approvals.approval_list, name="approvals"),
        path("approvals/badge/", order_approvals.approvals_badge, name="approvals_badge"),
        path("fulfilment/", order_fulfilment.shipment_list, name="fulfilment"),
        path("fulfilment/start-picking/", order_fulfilment.start_picking, name="fulfilment_start_picking"),
        path("fulfilment/pick-list/", order_fulfilment.pick_list, name="pick_list"),
        path("fulfilment/shipments/<int:pk>/", order_fulfilment.shipment_detail, name="shipment_detail"),
        path("fulfilment/shipments/<int:pk>/scan/", order_fulfilment.shipment_scan, name="shipment_scan"),
        path("fulfilment/shipments/<int:pk>/ship/", order_fulfilment.shipment_ship, name="shipment_ship"),
        path("fulfilment/shipments/<int:pk>/deliver/", order_fulfilment.shipment_deliver, name="shipment_deliver"),
        path("fulfilment/shipments/<int:pk>/packing-slip/", order_fulfilment.packing_slip, name="packing_slip"),
        path("fulfilment/shipments/<int:pk>/label/", order_fulfilment.shipping_label, name="shipping_label"),
        path("customers/<int:pk>/", customer_console.company_detail, name="company_detail"),
    ],
    "console",
)

portal_patterns = (
    [
        path("", customer_portal.home, name="home"),
        path("login/", views.PortalLoginView.as_view(), name="login"),
        path("logout/", auth_views.LogoutView.as_view(next_page="portal:login"), name="logout"),
        path("inbox/", views.portal_inbox, name="inbox"),
        path("catalog/", inventory_portal.catalog, name="catalog"),
        path("account/", customer_portal.account, name="account"),
        path("account/addresses/<int:pk>/", customer_portal.address_detail, name="address_detail"),
    ],
    "portal",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("_bench/hello", views.hello, name="hello"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("console/", include(console_patterns)),
    path("portal/", include(portal_patterns)),
]

handler404 = "oms.views.error_404"
handler403 = "oms.views.error_403"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
