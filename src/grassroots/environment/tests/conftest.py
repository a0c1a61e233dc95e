import pytest


@pytest.fixture(autouse=True)
def environment_topics():
    """The alert topics, as EnvironmentConfig.ready() registers them."""
    from grassroots.environment import alerts

    alerts.register_topics()
