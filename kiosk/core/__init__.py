"""The kiosk's pure domain: ledger, catalogue, stock, checkout. No Qt, devices or network here."""
