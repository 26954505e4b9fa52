"""The registry, and the library-wide contracts every server must meet."""

import pytest

from mcp_servers import registry
from mcp_servers.core.conformance import check_server
from mcp_servers.core.errors import UnknownServer

# PROVE's library (REFERENCE.md section 1): 20 servers, 343 model-visible tools.
MINIMUM_TOOLS = {
    "banking": 17, "trading": 13, "payments": 10, "calendar": 17, "email": 17, "filesystem": 40, "shopping": 23,
    "marketplace": 13, "retail_chain": 11, "travel_booking": 20, "maps": 16, "social_media": 15, "team_chat": 11,
    "iot_devices": 25, "vehicle": 20, "crm": 16, "issue_tracker": 20, "budget": 12, "food_delivery": 17,
    "video_meeting": 10,
}  # fmt: skip


def test_exactly_the_twenty_servers_of_the_paper_are_registered_with_at_least_their_tool_counts():
    assert set(registry.names()) == set(MINIMUM_TOOLS)
    for name, minimum in MINIMUM_TOOLS.items():
        assert len(registry.get(name).tools) >= minimum, name
    assert sum(len(registry.get(name).tools) for name in registry.names()) >= 343


def test_tool_names_are_unique_across_all_servers():
    tools = registry.all_tools()
    assert len(tools) == sum(len(registry.get(name).tools) for name in registry.names())


def test_an_unknown_server_is_refused_with_the_list_of_known_ones():
    with pytest.raises(UnknownServer, match="registered servers"):
        registry.get("no_such_server")


@pytest.mark.parametrize("name", registry.names())
def test_every_server_passes_the_conformance_checker(name):
    report = check_server(name)
    assert report.ok, "\n".join(str(finding) for finding in report.findings)
    assert report.calls > 10 * report.tools
    assert len(report.succeeded) >= report.tools // 2, f"only {sorted(report.succeeded)} succeeded"
