"""The web forms by subject: field rules people see, checked again by the ledger services."""
