"""`steepest export model.npz --torch model.pt`: the file torch reads, and the refusals (one line,
exit 2), with and without PyTorch."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
from tests.cli.in_process import call

from steepest import Network

needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="PyTorch is optional and not installed: pip install torch==2.13.0",
)



@pytest.fixture
def model(tmp_path):
    return Network([784, 16, 10], "relu", "softmax", seed=0).save(tmp_path / "model.npz")


@needs_torch
def test_export_writes_what_torch_loads(model, tmp_path) -> None:
    import torch

    out = tmp_path / "model.pt"
    out.write_bytes(b"an older export")  # replaced whole
    code, stdout, stderr = call("export", str(model), "--torch", str(out))
    assert (code, stderr) == (0, "")
    assert f"wrote {out}" in stdout and "weights_only=True" in stdout
    checkpoint = torch.load(out, weights_only=True)
    model_t = torch.nn.Sequential(*(getattr(torch.nn, name)(*args)
                                    for name, *args in checkpoint["layers"]))
    model_t.load_state_dict(checkpoint["state_dict"])
    x = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    with torch.no_grad():
        theirs = model_t(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(theirs, Network.load(model).forward(x), rtol=1e-6, atol=1e-7)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz", "model.pt"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["{model}"], "say where to write: steepest export"),
        (["{model}", "--torch", "{tmp}/no/such/folder/m.pt"], "does not exist"),
        (["{model}", "--torch", "{tmp}"], "is a folder"),
        (["{model}", "--torch", "{model}"], "is the model file itself"),
    ],
)
def test_export_refuses_unusable_outputs(model, tmp_path, args, words) -> None:
    filled = [a.format(model=model, tmp=tmp_path) for a in args]
    code, stdout, stderr = call("export", *filled)
    assert code == 2 and stdout == ""
    assert stderr.startswith("steepest: error: ") and words in stderr


@needs_torch
def test_export_refuses_a_file_that_is_not_a_network(tmp_path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    code, _, stderr = call("export", str(bad), "--torch", str(tmp_path / "m.pt"))
    assert code == 2 and "not a steepest network file" in stderr
    assert len(stderr.splitlines()) == 1
    assert not (tmp_path / "m.pt").exists()


def test_export_without_torch_says_how_to_install_it(model, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    code, _, stderr = call("export", str(model), "--torch", str(tmp_path / "m.pt"))
    assert code == 2
    assert stderr == ("steepest: error: this needs PyTorch, which is not installed; hint: "
                      "pip install torch==2.13.0\n")
