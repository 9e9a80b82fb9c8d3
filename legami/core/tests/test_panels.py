"""core.panels: the registry of summary panels that apps add to the dashboard and the public home."""

import pytest

from legami.core.panels import Panel, PanelFigure, PanelLink, PanelRegistry


def _panel(key, order, **kwargs):
    kwargs.setdefault("links", (PanelLink("Go", "/go/"),))
    return Panel(key=key, title=key.title(), order=order, **kwargs)


def test_panels_come_sorted_by_order_then_key_and_empty_ones_are_dropped():
    registry = PanelRegistry("test")
    registry.register(lambda viewer, network: [_panel("b", 20), _panel("empty", 5, links=())])
    registry.register(lambda viewer, network: [_panel("a", 20), _panel("first", 10)])
    assert [p.key for p in registry.panels(None, None)] == ["first", "a", "b"]


def test_a_builder_sees_the_viewer_and_the_network_and_may_give_nothing():
    registry = PanelRegistry("test")
    seen = []

    @registry.register
    def builder(viewer, network):
        seen.append((viewer, network))
        if viewer == "allowed":
            yield _panel("mine", 1, figures=(PanelFigure("Count", 3, "/count/"),))

    assert registry.panels("refused", "net") == []
    panels = registry.panels("allowed", "net")
    assert [p.figures[0].value for p in panels] == [3]
    assert seen == [("refused", "net"), ("allowed", "net")]


def test_a_builder_is_registered_once():
    registry = PanelRegistry("test")

    def builder(viewer, network):
        return [_panel("only", 1)]

    registry.register(builder)
    registry.register(builder)
    assert len(registry.panels(None, None)) == 1


def test_two_panels_with_one_key_fail_loudly():
    registry = PanelRegistry("test")
    registry.register(lambda viewer, network: [_panel("same", 1)])
    registry.register(lambda viewer, network: [_panel("same", 2)])
    with pytest.raises(ValueError, match="same"):
        registry.panels(None, None)


def test_a_builder_must_be_callable():
    with pytest.raises(TypeError):
        PanelRegistry("test").register("not a function")


def test_a_panel_with_figures_only_is_not_empty():
    assert not Panel(key="k", title="K", order=1, figures=(PanelFigure("n", 0),)).is_empty
    assert Panel(key="k", title="K", order=1).is_empty
