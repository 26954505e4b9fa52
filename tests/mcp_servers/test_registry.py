"""The registry, and the library-wide contracts every server must meet."""

import pytest

from mcp_servers import registry
from mcp_servers.core.conformance import check_server
from mcp_servers.core.errors import UnknownServer

MINIMUM_TOOLS = {"banking": 17, "filesystem": 40, "travel_booking": 20}


def test_the_reference_servers_are_registered_with_at_least_their_tool_counts():
    for name, minimum in MINIMUM_TOOLS.items():
        assert name in registry.names()
        assert len(registry.get(name).tools) >= minimum, name


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
