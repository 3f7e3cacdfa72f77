"""Console pages for orders, split by what the user is doing: the queue, phone/e-mail entry,
an order's detail with its actions, the approvals inbox and the fulfilment screens. Thin views:
bind a form, call one service, map its DomainError, render."""
