"""The flexible fund: budgets and limits, requests and their approval, payment by card or transfer,
receipts and quotes."""
