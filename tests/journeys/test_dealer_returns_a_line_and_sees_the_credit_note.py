"""Issue #6's journey: a dealer asks in the portal to return part of a line of a delivered order;
staff authorize the return in the console, receive the parcel at a warehouse, inspect it as
restock and resolve it by a credit note; the dealer then sees the return resolved with the
credit note, and the credit on the account statement. The units are back on hand and the
credit note is for what the returned units were paid."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from inventory.models import Stock
from orders.models import Status as OrderStatus
from orders.services.intake import place_order
from payments.models import CreditNote
from returns.models import ReturnRequest, Status
from tests.factories import PASSWORD, dealer_user, deliver_order
from tests.journeys.conftest import sign_in


def test_dealer_returns_a_line_and_sees_the_credit_note(page, browser, live_server, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # return photos would be stored there
    p = shop["products"]
    shop["stock_of"](p["VALVE"], shop["sh"], on_hand=10)
    shop["stock_of"](p["PIPE"], shop["sh"], on_hand=100)
    buyer = dealer_user(company=shop["company"], username="hua", first_name="Hua")
    order, _ = place_order(actor=buyer, company=shop["company"], channel="portal",
                           lines=[{"sku": "VALVE", "quantity": 4}, {"sku": "PIPE", "quantity": 20}])
    deliver_order(order, shop["warehouse"])
    assert order.status == OrderStatus.DELIVERED
    valves = Stock.objects.get(product=p["VALVE"], warehouse=shop["sh"])
    pipes = Stock.objects.get(product=p["PIPE"], warehouse=shop["sh"])
    valves_before, pipes_before = valves.on_hand, pipes.on_hand
    assert valves_before == 6  # 10 − the 4 shipped
    staff = shop["manager"]  # a sales manager may manage returns (Perm.RETURNS_MANAGE)

    # --- the dealer opens the delivered order and asks to return 2 of the 4 valves --------------------
    sign_in(page, "portal", "hua", PASSWORD)
    page.get_by_role("link", name="Orders", exact=True).first.click()
    page.get_by_role("link", name=order.number).click()
    expect(page.locator("h1 [data-status]")).to_have_text("Delivered")
    page.get_by_role("button", name="Return items").click()  # an <a role="button">

    expect(page.get_by_role("heading", name=f"Return items of {order.number}")).to_be_visible()
    valve_row = page.locator("tr[data-sku='VALVE']")
    expect(valve_row.locator("td").nth(1)).to_have_text("4")  # delivered
    expect(page.locator("tr[data-sku='PIPE']")).to_be_visible()  # the other line may stay where it is
    valve_row.get_by_label("Quantity to return").fill("2")
    valve_row.get_by_label("Reason").select_option(label="Damaged")
    valve_row.get_by_label("Note").fill("Cracked housing")
    page.get_by_label("Anything else we should know").fill("Two valves arrived cracked.")
    page.get_by_role("button", name="Request the return").click()

    expect(page.get_by_text(re.compile(r"Return RMA-?\S+ requested\. We will tell you when it is authorized\."))).to_be_visible()
    rma = ReturnRequest.objects.get(order=order)
    expect(page.get_by_role("heading", name=f"Return {rma.number}")).to_be_visible()
    expect(page.locator("h1 .status")).to_have_text("Requested")
    line = page.locator("tr[data-line]")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("VALVE")
    expect(line).to_contain_text("Damaged")
    expect(line).to_contain_text("Cracked housing")
    expect(line.locator("td").nth(2)).to_have_text("2")
    expect(page.locator("ol.timeline")).to_contain_text(f"Return requested for 2 unit(s) of order {order.number}.")

    # --- staff, in the console: the returns desk, then the return -------------------------------------
    staff_context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    console = staff_context.new_page()
    console.set_default_timeout(15_000)
    staff_errors = []
    console.on("pageerror", lambda exc: staff_errors.append(str(exc)))
    try:
        sign_in(console, "console", staff.username, PASSWORD)
        console.get_by_role("link", name="Returns", exact=True).first.click()
        expect(console.get_by_role("heading", name="Returns desk")).to_be_visible()
        desk_row = console.get_by_role("row").filter(has=console.get_by_role("link", name=rma.number))
        expect(desk_row).to_contain_text(order.number)
        expect(desk_row).to_contain_text(shop["company"].name)
        expect(desk_row.locator(".status")).to_have_text("Requested")
        desk_row.get_by_role("link", name=rma.number).click()

        expect(console.get_by_role("heading", name=f"Return {rma.number}")).to_be_visible()
        expect(console.get_by_text("Two valves arrived cracked.")).to_be_visible()

        # authorize
        console.get_by_label("Comment for the dealer (optional)").fill("Please send them back to Shanghai.")
        console.get_by_role("button", name="Authorize the return").click()
        expect(console.get_by_text(f"Return {rma.number} authorized.")).to_be_visible()
        expect(console.locator("h1 .status")).to_have_text("Authorized")
        expect(console.get_by_role("button", name="Authorize the return")).to_have_count(0)

        # receive at Shanghai: both units arrived
        receive = console.locator("form#receive")
        receive.get_by_label("Received at").select_option(label=str(shop["sh"]))
        expect(receive.get_by_label("Received", exact=True)).to_have_value("2")
        receive.get_by_role("button", name="Record receipt").click()
        expect(console.get_by_text(f"Return {rma.number} received.")).to_be_visible()
        expect(console.locator("h1 .status")).to_have_text("Received")
        expect(console.locator("dl.facts").filter(has_text="Received at")).to_contain_text("SH")
        expect(console.locator("dl.facts").filter(has_text="Value of received units")).to_contain_text("¥226.00")
        # receiving alone puts nothing back on the shelf
        valves.refresh_from_db()
        assert valves.on_hand == valves_before

        # inspect: both restocked
        inspect = console.locator("form#inspect")
        expect(inspect.get_by_label("Restock")).to_have_value("2")
        inspect.get_by_label("Quarantine").fill("0")
        inspect.get_by_label("Scrap").fill("0")
        inspect.get_by_role("button", name="Record inspection").click()
        expect(console.get_by_text(f"Return {rma.number} inspected; stock updated.")).to_be_visible()
        expect(console.locator("h1 .status")).to_have_text("Inspected")
        expect(console.locator("tr[data-line] td").nth(4)).to_have_text("2")  # restocked

        # resolve by a credit note
        resolve = console.locator("form#resolve")
        resolve.get_by_label("Credit note").check()
        resolve.get_by_label("Comment (optional)").fill("Sorry for the trouble.")
        resolve.get_by_role("button", name="Resolve the return").click()
        expect(console.get_by_text(f"Return {rma.number} resolved.")).to_be_visible()
        expect(console.locator("h1 .status")).to_have_text("Resolved")
        note = CreditNote.objects.get(company=shop["company"], source_ref=rma.number)
        resolution = console.locator("dd").filter(has_text="Credit note")
        expect(resolution).to_contain_text("¥226.00")
        expect(resolution).to_contain_text("Settled")
        expect(resolution).to_contain_text(note.number)
        expect(console.locator("ol.timeline")).to_contain_text(f"Credit note {note.number} issued. Sorry for the trouble.")
        expect(console.locator("form#resolve")).to_have_count(0)
    finally:
        staff_context.close()
    assert staff_errors == [], f"JavaScript errors on the console pages: {staff_errors}"

    # --- the dealer sees the return resolved with the credit note --------------------------------------
    page.get_by_role("link", name="Returns", exact=True).first.click()
    expect(page.get_by_role("heading", name="Returns")).to_be_visible()
    my_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=rma.number))
    expect(my_row.locator(".status")).to_have_text("Resolved")
    expect(my_row).to_contain_text("Credit note")
    my_row.get_by_role("link", name=rma.number).click()

    expect(page.locator("h1 .status")).to_have_text("Resolved")
    expect(page.get_by_role("button", name="Withdraw the request")).to_have_count(0)
    expect(page.locator("dl.facts")).to_contain_text("Please send them back to Shanghai.")
    resolution = page.locator("dd").filter(has_text="Credit note")
    expect(resolution).to_contain_text("¥226.00")
    expect(resolution).to_contain_text(note.number)
    expect(resolution.locator("[data-field=outcome]")).to_have_text("Credit note issued")  # not the finance label
    line = page.locator("tr[data-line]")
    expect(line.locator("td").nth(3)).to_have_text("2")  # received
    expect(line.locator("td").nth(4)).to_have_text("2")  # restocked
    timeline = page.locator("ol.timeline")
    for step in ("Requested", "Authorized", "Received", "Inspected", "Resolved"):
        expect(timeline.locator("strong", has_text=re.compile(f"^{step}$"))).to_have_count(1)
    expect(timeline).to_contain_text(f"Credit note {note.number} issued.")

    # ... and the credit on the account statement
    page.get_by_role("link", name="Invoices", exact=True).first.click()
    page.get_by_role("link", name="Account statement").click()
    expect(page.get_by_role("heading", name="Account statement")).to_be_visible()
    cny = page.locator("tr[data-currency='CNY']")
    expect(cny.locator("td").nth(2)).to_have_text("¥226.00")  # credit

    # --- the books: the two valves are back on hand, a credit note for what they were paid ----------
    rma.refresh_from_db()
    assert rma.status == Status.RESOLVED and rma.resolution == "credit_note" and rma.finance_status == "settled"
    assert rma.warehouse == shop["sh"] and rma.finance_ref == note.number
    valves.refresh_from_db()
    pipes.refresh_from_db()
    assert valves.on_hand == valves_before + 2
    assert pipes.on_hand == pipes_before  # the other line was not returned
    assert note.amount == Decimal("226.00") == rma.refund_amount  # 2 × 100 + 13 % VAT
    assert note.remaining == note.amount and note.currency == "CNY"
    assert CreditNote.objects.filter(company=shop["company"]).count() == 1
