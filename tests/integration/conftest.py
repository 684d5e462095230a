from tests.invoices.conftest import world  # noqa: F401 - the same suppliers and recipients
