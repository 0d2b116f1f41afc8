from dnlab import labels


def test_every_lab_resource_is_marked_with_lab_session_and_course():
    made = labels.lab_labels("exercise-6.01", "abc", "probe")
    assert made == {"dnlab.course": "docker-networking", "dnlab.lab": "exercise-6.01",
                    "dnlab.session": "abc", "dnlab.role": "probe"}
    assert labels.is_lab_owned(made)
    assert labels.is_lab_owned(made, "exercise-6.01")
    assert not labels.is_lab_owned(made, "exercise-6.02")


def test_unlabelled_things_are_never_the_labs():
    assert not labels.is_lab_owned(None)
    assert not labels.is_lab_owned({"maintainer": "someone"})


def test_filters_select_one_lab_or_all():
    assert labels.lab_filter() == {"label": ["dnlab.lab"]}
    assert labels.lab_filter("x") == {"label": ["dnlab.lab=x"]}


CREATING = {"create_container", "create_network", "create_volume", "create_service"}


def test_every_creating_call_goes_through_the_lab_facade():
    """Labels come from one place (``Lab.api``), so no creating path can forget them."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "dnlab"
    stray = []
    for path in package.rglob("*.py"):
        # the facade; the image builds' scratch container (below the lab layer, stamped with build labels);
        # a plugin's own program
        if path.relative_to(package).as_posix() in ("lab.py", "images/builder.py", "plugins/mesh/driver.py"):
            continue
        tree = ast.parse(path.read_text())
        assigned = {target.id: ast.unparse(node.value) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                    for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CREATING:
                receiver = ast.unparse(node.func.value)
                receiver = assigned.get(receiver, receiver)  # api = lab.api
                if "client" in receiver or not receiver.endswith("lab.api"):
                    stray.append(f"{path.relative_to(package.parent)}:{node.lineno} {receiver}.{node.func.attr}")
    assert not stray, "creating calls that bypass Lab.api (which stamps the labels):\n" + "\n".join(stray)


def test_the_facade_stamps_every_creating_call():
    from dnlab.lab import Lab, LabelledAPI

    calls = []

    class Recorder:
        def __getattr__(self, name):
            return lambda *args, **kwargs: calls.append((name, kwargs))

    lab = Lab("facade-test", session="s1")
    api = LabelledAPI(Recorder(), lab)
    api.create_container("alpine:latest", role="probe")
    api.create_network("n", labels={"dnlab.ipam": "chosen", "dnlab.lab": "spoofed"})
    api.create_volume("v")
    spec = {"ContainerSpec": {"Image": "alpine:latest"}}
    api.create_service(spec, name="s")
    stamped = [kwargs["labels"] for _, kwargs in calls]
    assert [labels["dnlab.lab"] for labels in stamped] == ["facade-test"] * 4, "the lab's own labels always win"
    assert stamped[0]["dnlab.role"] == "probe" and stamped[1]["dnlab.ipam"] == "chosen"
    assert spec["ContainerSpec"]["Labels"]["dnlab.lab"] == "facade-test", "a service's task containers too"
