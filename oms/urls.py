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
from orders.views import portal as order_portal
from orders.views import sla as order_sla
from payments.views import console as payments_console
from payments.views import portal as payments_portal
from reports.views import console as reports_console
from returns.views import console as returns_console
from returns.views import portal as returns_portal
from returns.views import quarantine as returns_quarantine

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
        path("orders/customers/", order_queue.queue_customers, name="order_queue_customers"),
        path("orders/new/", order_entry.order_create, name="order_create"),
        path("orders/new/addresses/", order_entry.entry_addresses, name="order_entry_addresses"),
        path("orders/new/line/", order_entry.entry_line, name="order_entry_line"),
        path("orders/new/preview/", order_entry.entry_preview, name="order_entry_preview"),
        path("orders/new/customers/", order_entry.entry_customers, name="order_entry_customers"),
        path("orders/new/products/", order_entry.entry_products, name="order_entry_products"),
        path("orders/sla/", order_sla.sla_board, name="sla_board"),
        path("orders/<int:pk>/", order_detail.order_detail, name="order_detail"),
        path("orders/<int:pk>/release/", order_detail.order_release, name="order_release"),
        path("orders/<int:pk>/approve/", order_detail.order_approve, name="order_approve"),
        path("orders/<int:pk>/reject/", order_detail.order_reject, name="order_reject"),
        path("orders/<int:pk>/cancel/", order_detail.order_cancel, name="order_cancel"),
        path("orders/<int:pk>/complete/", order_detail.order_complete, name="order_complete"),
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
        path("fulfilment/shipments/<int:pk>/unpack/", order_fulfilment.shipment_unpack, name="shipment_unpack"),
        path("fulfilment/shipments/<int:pk>/ship/", order_fulfilment.shipment_ship, name="shipment_ship"),
        path("fulfilment/shipments/<int:pk>/deliver/", order_fulfilment.shipment_deliver, name="shipment_deliver"),
        path("fulfilment/shipments/<int:pk>/tracking/", order_fulfilment.shipment_tracking, name="shipment_tracking"),
        path("fulfilment/tracking/upload/", order_fulfilment.tracking_upload, name="tracking_upload"),
        path("fulfilment/shipments/<int:pk>/packing-slip/", order_fulfilment.packing_slip, name="packing_slip"),
        path("fulfilment/shipments/<int:pk>/label/", order_fulfilment.shipping_label, name="shipping_label"),
        path("customers/<int:pk>/", customer_console.company_detail, name="company_detail"),
        path("customers/<int:pk>/notes/", customer_console.company_note, name="company_note"),
        path("customers/<int:pk>/credit/", customer_console.company_credit, name="company_credit"),
        path("customers/<int:pk>/payment-methods/", payments_console.customer_methods, name="customer_methods"),
        path("tickets/", customer_console.ticket_desk, name="ticket_desk"),
        path("tickets/<int:pk>/", customer_console.ticket_detail, name="ticket_detail"),
        path("tickets/<int:pk>/assign/", customer_console.ticket_assign, name="ticket_assign"),
        path("tickets/<int:pk>/status/", customer_console.ticket_status, name="ticket_status"),
        path("tickets/<int:pk>/files/<int:attachment_pk>/", customer_console.ticket_attachment, name="ticket_attachment"),
        path("payments/", payments_console.payment_list, name="payment_list"),
        path("payments/<int:pk>/", payments_console.payment_detail, name="payment_detail"),
        path("payments/<int:pk>/refund/", payments_console.payment_refund, name="payment_refund"),
        path("payments/bank-transfer/", payments_console.bank_transfer, name="bank_transfer"),
        path("payments/bank-statement/", payments_console.bank_statement, name="bank_statement"),
        path("invoices/", payments_console.invoice_list, name="invoice_list"),
        path("invoices/<int:pk>/", payments_console.invoice_detail, name="invoice_detail"),
        path("invoices/<int:pk>/pdf/", payments_console.invoice_pdf, name="invoice_pdf"),
        path("invoices/<int:pk>/void/", payments_console.invoice_void, name="invoice_void"),
        path("invoices/<int:pk>/apply-credit/", payments_console.invoice_apply_credit, name="invoice_apply_credit"),
        path("receivables/aging/", payments_console.ar_aging, name="ar_aging"),
        path("credit-notes/", payments_console.credit_notes, name="credit_notes"),
        path("preferences/", views.console_preferences, name="preferences"),
        path("returns/", returns_console.return_desk, name="return_desk"),
        path("returns/new/", returns_console.return_create, name="return_create"),
        path("returns/<int:pk>/", returns_console.return_detail, name="return_detail"),
        path("returns/<int:pk>/authorize/", returns_console.return_authorize, name="return_authorize"),
        path("returns/<int:pk>/reject/", returns_console.return_reject, name="return_reject"),
        path("returns/<int:pk>/cancel/", returns_console.return_cancel, name="return_cancel"),
        path("returns/<int:pk>/receive/", returns_console.return_receive, name="return_receive"),
        path("returns/<int:pk>/inspect/", returns_console.return_inspect, name="return_inspect"),
        path("returns/<int:pk>/resolve/", returns_console.return_resolve, name="return_resolve"),
        path("returns/<int:pk>/photos/<int:photo_pk>/", returns_console.return_photo, name="return_photo"),
        path("returns/quarantine/", returns_quarantine.quarantine_list, name="quarantine"),
        path("returns/quarantine/<int:line_pk>/", returns_quarantine.quarantine_decide, name="quarantine_decide"),
        path("reports/", include("reports.urls")),
        path("integrations/", include("integrations.api.console_urls")),
        path("integrations/", include("integrations.webhooks.console_urls")),
        path("integrations/", include("integrations.imports.console_urls")),
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
        path("cart/", order_portal.cart_detail, name="cart"),
        path("cart/add/", order_portal.cart_add, name="cart_add"),
        path("cart/lines/<int:pk>/", order_portal.cart_line_update, name="cart_line_update"),
        path("cart/lines/<int:pk>/remove/", order_portal.cart_line_remove, name="cart_line_remove"),
        path("quick-order/", order_portal.quick_order, name="quick_order"),
        path("checkout/", order_portal.checkout, name="checkout"),
        path("approvals/", order_portal.approval_list, name="approvals"),
        path("approvals/<int:pk>/", order_portal.approval_detail, name="approval_detail"),
        path("approvals/<int:pk>/approve/", order_portal.approval_approve, name="approval_approve"),
        path("approvals/<int:pk>/reject/", order_portal.approval_reject, name="approval_reject"),
        path("approvals/<int:pk>/restore/", order_portal.approval_restore, name="approval_restore"),
        path("orders/", order_portal.order_list, name="order_list"),
        path("orders/<int:pk>/", order_portal.order_detail, name="order_detail"),
        path("orders/<int:pk>/cancel/", order_portal.order_cancel, name="order_cancel"),
        path("orders/<int:pk>/reorder/", order_portal.order_reorder, name="order_reorder"),
        path("shipments/<int:pk>/packing-slip/", order_portal.packing_slip, name="packing_slip"),
        path("shipments/<int:pk>/confirm/", order_portal.delivery_confirm, name="delivery_confirm"),
        path("shipments/<int:pk>/discrepancy/", order_portal.delivery_discrepancy, name="delivery_discrepancy"),
        path("account/", customer_portal.account, name="account"),
        path("account/addresses/<int:pk>/", customer_portal.address_detail, name="address_detail"),
        path("account/addresses/new/", customer_portal.address_create, name="address_create"),
        path("account/addresses/<int:pk>/edit/", customer_portal.address_edit, name="address_edit"),
        path("account/addresses/<int:pk>/default/", customer_portal.address_default, name="address_default"),
        path("account/addresses/<int:pk>/delete/", customer_portal.address_delete, name="address_delete"),
        path("account/users/", customer_portal.dealer_users, name="dealer_users"),
        path("account/users/buyer-limit/", customer_portal.dealer_buyer_limit, name="dealer_buyer_limit"),
        path("account/users/<int:pk>/role/", customer_portal.dealer_user_role, name="dealer_user_role"),
        path("account/users/<int:pk>/active/", customer_portal.dealer_user_active, name="dealer_user_active"),
        path("tickets/", customer_portal.ticket_list, name="ticket_list"),
        path("tickets/new/", customer_portal.ticket_create, name="ticket_create"),
        path("tickets/<int:pk>/", customer_portal.ticket_detail, name="ticket_detail"),
        path("tickets/<int:pk>/status/", customer_portal.ticket_status, name="ticket_status"),
        path("tickets/<int:pk>/files/<int:attachment_pk>/", customer_portal.ticket_attachment, name="ticket_attachment"),
        path("loyalty/", customer_portal.loyalty, name="loyalty"),
        path("invoices/", payments_portal.invoice_list, name="invoices"),
        path("invoices/<int:pk>/pdf/", payments_portal.invoice_pdf, name="invoice_pdf"),
        path("statement/", payments_portal.statement, name="statement"),
        path("pay/", payments_portal.pay, name="pay"),
        path("payments/<int:pk>/", payments_portal.payment_detail, name="payment_detail"),
        path("preferences/", views.portal_preferences, name="preferences"),
        path("returns/", returns_portal.return_list, name="return_list"),
        path("returns/<int:pk>/", returns_portal.return_detail, name="return_detail"),
        path("returns/<int:pk>/cancel/", returns_portal.return_cancel, name="return_cancel"),
        path("returns/<int:pk>/photos/<int:photo_pk>/", returns_portal.return_photo, name="return_photo"),
        path("orders/<int:order_pk>/return/", returns_portal.return_create, name="return_create"),
    ],
    "portal",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("_bench/hello", views.hello, name="hello"),
    path("i18n/setlang/", views.set_language, name="set_language"),  # before Django's: also saves the preference
    path("admin/", admin.site.urls),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("console/", include(console_patterns)),
    path("portal/", include(portal_patterns)),
    path("payments/", include("payments.urls")),
    path("api/v1/", include("integrations.api.urls")),
    path("channels/", include("integrations.webhooks.public_urls")),
]

handler404 = "oms.views.error_404"
handler403 = "oms.views.error_403"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
