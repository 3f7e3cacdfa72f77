"""The SLA board: per status with a target, the orders that have been in it too long."""

from django.shortcuts import render

from oms.permissions import Perm, staff_required

from .. import selectors_console


@staff_required(Perm.ORDERS_VIEW)
def sla_board(request):
    return render(request, "orders/sla_board.html", selectors_console.sla_board())
